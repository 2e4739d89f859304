"""Ingest through `--embed-url` against the server's own throughput on the same passages.

    python bench/embed_url.py --embed-url http://127.0.0.1:8080 [--corpus corpus]

First the server alone: the corpus's passages posted in batches of 32, one request
at a time, straight to /v1/embeddings (what the server can do). Then `trendqa
ingest` of the same corpus through the endpoint into a temporary index. Prints
passages/s of both as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trendqa.api import ingest_paths  # noqa: E402
from trendqa.config import load_settings  # noqa: E402
from trendqa.remote_embedder import BATCH, endpoint, remote_model_id  # noqa: E402


def server_alone(url: str, model: str, texts: list[str]) -> float:
    started = time.perf_counter()
    for begin in range(0, len(texts), BATCH):
        body = json.dumps({"model": model, "input": texts[begin : begin + BATCH]}).encode()
        request = urllib.request.Request(
            endpoint(url), data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            assert len(json.loads(response.read())["data"]) == len(texts[begin : begin + BATCH])
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embed-url", required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="trendqa-embed-bench-"))
    settings = load_settings({"TRENDQA_HOME": str(work), "TRENDQA_EMBED_URL": args.embed_url})
    report = ingest_paths(settings, [args.corpus])
    from trendqa.store import load_index

    texts = [c.text for c in load_index(settings.index_path).chunks]
    alone = server_alone(args.embed_url, remote_model_id(args.embed_url, None), texts)
    result = {
        "passages": report.chunks,
        "server_alone_per_s": round(alone, 3),
        "trendqa_ingest_embed_per_s": round(report.chunks_per_s, 3),
        "ratio": round(report.chunks_per_s / alone, 2),
        "trendqa_ingest_total_s": round(report.seconds, 1),
        "embed_s": round(report.embed_seconds, 1),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
