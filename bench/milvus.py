"""Milvus Lite against the local store: retrieval on the dev sets, ingest and query time.

    python bench/milvus.py --index index [--models models] [--scale 50000]

`--index` is a local index built by `trendqa ingest` (its vectors are copied into a
Milvus Lite file, so nothing is embedded again); the dev-set questions are embedded
once with the index's embedder from `--models` and searched in both stores. Ingest
is timed with the fake embedder on corpus/ (everything but embedding, which is the
same work for both stores); query latency on a synthetic shelf of `--scale`
passages. Prints JSON and writes bench/results/milvus.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trendqa.api import ingest_paths, load_sentence_transformer  # noqa: E402
from trendqa.config import load_settings  # noqa: E402
from trendqa.embedding import Embedder, EmbedderInfo, OnProgress, Vectors  # noqa: E402
from trendqa.evaluation import evaluate_retrieval, load_questions  # noqa: E402
from trendqa.records import Chunk  # noqa: E402
from trendqa.retrieval import Searcher, SearchOptions  # noqa: E402
from trendqa.store import Index, load_index  # noqa: E402
from trendqa.stores import StoredIndex, close_stores  # noqa: E402
from trendqa.stores.local import LocalStore  # noqa: E402
from trendqa.stores.milvus import MilvusStore, MilvusTarget  # noqa: E402
from trendqa.testing import FakeEmbedderLoader  # noqa: E402

DEV = ("eval/dev.jsonl", "eval/dev2.jsonl")
QUERIES = ["人形机器人何时量产", "大模型的算力需求", "量子计算 超导", "RISC-V", "AI chips demand"]


class Memo:
    """An embedder that embeds each query once, so both stores get the same vectors."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seen: dict[str, Vectors] = {}

    @property
    def info(self) -> EmbedderInfo:
        return self.inner.info

    def embed_documents(
        self,
        texts: Sequence[str],
        on_progress: OnProgress | None = None,
        titles: Sequence[str] | None = None,
    ) -> Vectors:
        raise AssertionError("the bench embeds no passages")

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        for text in texts:
            if text not in self.seen:
                self.seen[text] = self.inner.embed_queries([text])[0]
        return np.stack([self.seen[t] for t in texts])


def snapshot_of(index: StoredIndex) -> Index:
    docs = index.meta.documents
    sources = {doc: index.source_chunks(doc) for doc in docs}
    return Index(index.meta, list(index.chunks), list(index.tokens), index.vectors, sources=sources)


def milvus(path: Path) -> MilvusStore:
    return MilvusStore(MilvusTarget(str(path), "trendqa", lite=True))


def dev_sets(local: Index, lite: StoredIndex, embedder: Embedder) -> dict[str, Any]:
    memo = Memo(embedder)
    out: dict[str, Any] = {}
    for name in DEV:
        questions = load_questions(ROOT / name)
        results, same = {}, 0
        searchers = {"local": Searcher(local, memo), "milvus_lite": Searcher(lite, memo)}
        for store, searcher in searchers.items():
            scores, _rows = evaluate_retrieval(
                questions, lambda q, s=searcher: s.search(q, SearchOptions(k=5))
            )
            results[store] = scores["all"]
        for q in questions:
            ids = [
                [h.chunk.id for h in s.search(q.question, SearchOptions(k=5))]
                for s in searchers.values()
            ]
            same += ids[0] == ids[1]
        out[name] = {**results, "identical_top5": f"{same}/{len(questions)}"}
    return out


def ingest_times(work: Path) -> dict[str, Any]:
    settings = load_settings({"TRENDQA_HOME": str(work), "TRENDQA_EMBEDDER": "fake"})
    out = {}
    for name, store in (("local", None), ("milvus_lite", f"milvus://{work / 'ingest.db'}")):
        s = settings.with_overrides(store=store, index_dir=work / f"index-{name}")
        report = ingest_paths(s, [ROOT / "corpus"], loader=FakeEmbedderLoader())
        out[name] = {"seconds": round(report.seconds, 2), "chunks": report.chunks}
    return out


def synthetic(base: Index, n: int) -> Index:
    """`n` passages: the corpus's passages repeated under new ids, with random unit vectors."""
    rng = np.random.default_rng(0)
    chunks, tokens = [], []
    for row in range(n):
        src = base.chunks[row % len(base)]
        doc = f"shelf/{row // 100:05d}.md"
        loc = replace(src.location, doc=doc, title=doc)
        chunks.append(Chunk(id=f"{row:016x}", text=src.text, location=loc, heading=src.heading))
        tokens.append(list(base.tokens[row % len(base)]))
    vectors = rng.standard_normal((n, base.meta.embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    entry = next(iter(base.meta.documents.values()))
    docs = {c.doc: replace(entry, doc=c.doc, chunks=100, folded=0) for c in chunks[::100]}
    meta = replace(base.meta, documents=docs, skipped={}, skipped_sha256={})
    return Index(meta, chunks, tokens, vectors)


def query_p50(index: StoredIndex, dim: int) -> float:
    fake = FakeEmbedderLoader()(Path("fake"), False, None)
    rng = np.random.default_rng(1)

    class Random(Memo):
        def embed_queries(self, texts: Sequence[str]) -> Vectors:
            v = rng.standard_normal((len(texts), dim)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

        @property
        def info(self) -> EmbedderInfo:
            return index.meta.embedder

    searcher = Searcher(index, Random(fake))
    times = []
    for _round in range(4):
        for q in QUERIES:
            started = time.perf_counter()
            searcher.search(q, SearchOptions(k=5))
            times.append(time.perf_counter() - started)
    return round(statistics.median(times[len(QUERIES) :]), 4)  # first round warms caches


def scale(base: Index, n: int, work: Path) -> dict[str, Any]:
    shelf = synthetic(base, n)
    out: dict[str, Any] = {"passages": n}
    stores = (("local", LocalStore(work / "scale")), ("milvus_lite", milvus(work / "scale.db")))
    for name, store in stores:
        started = time.perf_counter()
        store.write(shelf)
        written = time.perf_counter() - started
        p50 = query_p50(store.open(), shelf.meta.embedder.dim)
        out[name] = {"write_s": round(written, 1), "query_p50_s": p50}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--skip-dev", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="trendqa-milvus-bench-"))
    local = load_index(args.index)
    snapshot = snapshot_of(local)
    results: dict[str, Any] = {}
    timed: dict[str, float] = {}
    lite = milvus(work / "library.db")
    for name, store in (("local", LocalStore(work / "copy")), ("milvus_lite", lite)):
        started = time.perf_counter()
        store.write(snapshot)
        timed[name] = round(time.perf_counter() - started, 2)
    results["write_626_s"] = timed
    results["ingest_fake_embedder"] = ingest_times(work)
    if not args.skip_dev:
        embedder = load_sentence_transformer(
            args.models / local.meta.embedder.id, local.meta.embedder.quantized, 1
        )
        results["dev"] = dev_sets(local, lite.open(), embedder)
    if args.scale:
        results["scale"] = scale(snapshot, args.scale, work)
    close_stores()
    lite.close()
    text = json.dumps(results, ensure_ascii=False, indent=1)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "milvus.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
