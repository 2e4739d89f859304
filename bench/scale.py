"""Scale benchmark: ingest, resume after kill -9, search start-up, query latency and memory
at growing shelf sizes, with a fast deterministic fake embedder for the vectors.

    python bench/scale.py [--sizes 626,50000,500000] [--work DIR] [--from-index INDEX]
        [--reuse-written]

626 is the default corpus itself. Larger shelves are generated from it: documents of
~100 passages whose sentences are drawn word by word from the corpus's own jieba
vocabulary and word frequencies (so tokenisation and BM25 statistics look like real
Chinese reports, and no passage duplicates another). Shelves up to `--ingest-max`
passages go through the real `ingest`; larger ones (500k) are written directly by the
store from the largest ingested shelf's passages repeated with fresh vectors, since
ingest's duplicate folding holds every shingle in memory; `--reuse-written` measures
such an index already written in WORK instead of writing it again (a search-time
setting such as efSearch needs no new index). Prints a Markdown table and writes
bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PY = sys.executable
DIM = 768  # EmbeddingGemma's dimension: realistic vector memory and search cost
PASSAGES_PER_DOC = 100

QUERIES = [
    "人形机器人何时量产",
    "大模型的算力需求",
    "量子计算 超导",
    "数字孪生 城市",
    "自动驾驶 商业化",
    "RISC-V",
    "生成式人工智能 应用",
    "新能源汽车 电池",
    "What drives demand for AI chips?",
    "humanoid robots mass production",
]

# The reader process: start-up until the first results are printed, then its memory.
READER = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from trendqa.api import open_searcher
from trendqa.config import load_settings
from trendqa.testing import FakeEmbedder
def loader(path, quantize, threads):
    return FakeEmbedder(int(sys.argv[2]), id=path.name, quantized=quantize)
settings = load_settings({"TRENDQA_INDEX": sys.argv[1], "TRENDQA_EMBEDDER": "fake"})
searcher, _times = open_searcher(settings, loader=loader)
hits = searcher.search(sys.argv[3])
t1 = time.perf_counter()
# VmHWM is this program's own peak; ru_maxrss also counts the parent's resident memory
# at the fork that started it (Linux keeps it across exec), i.e. the bench's own.
try:
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"startup_s": t1 - t0, "hits": len(hits), "peak_mb": peak}))
"""

# A killable ingest (the same code as `trendqa ingest`, with the fake embedder).
INGEST = r"""
import sys, time
from pathlib import Path
from trendqa.api import ingest_paths
from trendqa.config import load_settings
from trendqa.testing import FakeEmbedder
def loader(path, quantize, threads):
    return FakeEmbedder(int(sys.argv[3]), id=path.name, quantized=quantize)
settings = load_settings({"TRENDQA_INDEX": sys.argv[2], "TRENDQA_EMBEDDER": "fake"})
ingest_paths(settings, [Path(sys.argv[1])], loader=loader)
"""


def word_model() -> tuple[list[str], list[int], list[int]]:
    """Words and their counts in the default corpus, and its sentence lengths in words."""
    import jieba

    jieba.setLogLevel(60)
    words: Counter[str] = Counter()
    lengths: list[int] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for sentence in re.split(r"[。！？\n]+", path.read_text(encoding="utf-8")):
            cut = [w for w in jieba.cut(sentence.strip()) if w.strip()]
            if len(cut) >= 4:
                words.update(cut)
                lengths.append(len(cut))
    vocab = sorted(words)
    return vocab, [words[w] for w in vocab], lengths


def generate_shelf(folder: Path, passages: int, seed: int = 0) -> None:
    """Documents of ~PASSAGES_PER_DOC passages (~300 characters each) of sampled sentences."""
    vocab, counts, lengths = word_model()
    weights = list(itertools.accumulate(counts))  # cumulative: choices() need not redo it
    rng = random.Random(seed)

    def words(k: int) -> str:
        return "".join(rng.choices(vocab, cum_weights=weights, k=k))

    folder.mkdir(parents=True, exist_ok=True)
    docs = max(1, passages // PASSAGES_PER_DOC)
    for d in range(docs):
        parts = [f"# 第{d}号报告：{words(4)}", ""]
        chars = 0
        section = 0
        # ~300 characters per passage, minus the 45 of overlap.
        while chars < PASSAGES_PER_DOC * 255:
            if chars // 3000 >= section:
                section += 1
                parts += ["", f"## {section}、{words(3)}", ""]
            sentence = words(rng.choice(lengths)) + "。"
            parts.append(sentence)
            chars += len(sentence)
        (folder / f"report_{d:05d}.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


def checkpointed(index: Path) -> int:
    path = index / "checkpoint.sqlite"
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=10)
    try:
        return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def ingest_once(shelf: Path, index: Path) -> dict[str, Any]:
    from trendqa.api import ingest_paths
    from trendqa.config import load_settings
    from trendqa.testing import FakeEmbedderLoader

    settings = load_settings({"TRENDQA_INDEX": str(index), "TRENDQA_EMBEDDER": "fake"})
    loader = FakeEmbedderLoader(DIM)
    started = time.perf_counter()
    report = ingest_paths(settings, [shelf], loader=loader)
    return {"seconds": time.perf_counter() - started, "report": report, "loader": loader}


def bench_ingest(shelf: Path, work: Path, resume: bool = True) -> dict[str, Any]:
    """Cold ingest; kill -9 half-way through embedding and resume; one changed file."""
    index = work / "index"
    cold = ingest_once(shelf, index)
    chunks = cold["report"].chunks
    out: dict[str, Any] = {
        "chunks": chunks,
        "ingest_s": cold["seconds"],
        "ingest_s_per_1000": cold["seconds"] / chunks * 1000,
        "embed_s": cold["report"].embed_seconds,
    }
    if resume:
        out.update(bench_resume(shelf, work, chunks))
    out.update(bench_changed(shelf, index))
    return out


def bench_resume(shelf: Path, work: Path, chunks: int) -> dict[str, Any]:
    """Kill -9 once half the passages are checkpointed, then resume."""
    killed = work / "index-killed"
    if killed.exists():
        shutil.rmtree(killed)
    proc = subprocess.Popen([PY, "-c", INGEST, str(shelf), str(killed), str(DIM)], cwd=ROOT)
    while checkpointed(killed) < chunks // 2 and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = checkpointed(killed)
    resumed = ingest_once(shelf, killed)
    shutil.rmtree(killed)
    return {
        "killed_after": done,
        "resume_s": resumed["seconds"],
        "resume_embedded": resumed["report"].embedded,
        "resume_reused": resumed["report"].resumed,
    }


def bench_changed(shelf: Path, index: Path) -> dict[str, Any]:
    """One changed file: only it is parsed and embedded; then an unchanged re-run."""
    first = sorted(shelf.glob("*.*"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    changed = ingest_once(shelf, index)
    unchanged = ingest_once(shelf, index)
    assert unchanged["report"].up_to_date
    return {
        "one_changed_s": changed["seconds"],
        "one_changed_parsed": changed["report"].parsed,
        "one_changed_embedded": changed["report"].embedded,
        "up_to_date_s": unchanged["seconds"],
    }


def repeated_vectors(base: Any, passages: int) -> Any:
    """`passages` unit vectors: `base`'s rows repeated, each copy with fresh noise."""
    import numpy as np

    rng = np.random.default_rng(0)
    reps = -(-passages // len(base))
    vectors = np.concatenate(
        [base + rng.normal(0, 0.02, base.shape).astype(np.float32) for _ in range(reps)]
    )[:passages]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def write_repeated(source: Path, index: Path, passages: int) -> None:
    """An index of `passages` rows: `source`'s passages repeated, each with a fresh vector."""
    from trendqa.store import Index, load_index, write_index

    base = load_index(source)
    chunks = list(base.chunks)
    tokens = [list(t) for t in base.tokens]
    reps = -(-passages // len(chunks))
    vectors = repeated_vectors(base.vectors, passages)
    all_chunks = (chunks * reps)[:passages]
    all_tokens = (tokens * reps)[:passages]
    write_index(index, Index(base.meta, all_chunks, all_tokens, vectors))


def dense_recall(index: Any) -> float:
    """Recall@10 of the index's dense search against exact search, over the bench queries."""
    import numpy as np

    from trendqa.testing import FakeEmbedder

    vectors = index.vectors
    fake = FakeEmbedder(DIM)
    found = 0
    for query in QUERIES:
        q = fake.vector(query)
        scores = vectors @ q
        tenth = np.sort(scores)[-10]
        # A hit tied with the exact 10th best counts: ties have no right order.
        found += sum(scores[r] >= tenth - 1e-6 for r, _s in index.dense_search(q, 10))
    return found / (10 * len(QUERIES))


def bench_reader(index: Path) -> dict[str, Any]:
    """Start-up of a search process (median of 3) and its peak memory; query latency."""
    runs = []
    for query in QUERIES[:3]:
        proc = subprocess.run(
            [PY, "-c", READER, str(index), str(DIM), query],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        runs.append(json.loads(proc.stdout))
    from trendqa.api import open_searcher
    from trendqa.config import load_settings
    from trendqa.testing import FakeEmbedderLoader

    settings = load_settings({"TRENDQA_INDEX": str(index), "TRENDQA_EMBEDDER": "fake"})
    searcher, _times = open_searcher(settings, loader=FakeEmbedderLoader(DIM))
    latencies = []
    for _round in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            searcher.search(query)
            latencies.append(time.perf_counter() - started)
    latencies.sort()
    recall = dense_recall(searcher.index)
    return {
        "dense_recall_at_10": recall,
        "startup_s": statistics.median(r["startup_s"] for r in runs),
        "reader_peak_mb": max(r["peak_mb"] for r in runs),
        "query_p50_ms": statistics.median(latencies) * 1000,
        "query_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "index_mb": sum(p.stat().st_size for p in index.rglob("*") if p.is_file()) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="626,50000,500000")
    parser.add_argument("--ingest-max", type=int, default=50_000)
    parser.add_argument("--resume-max", type=int, default=50_000, help="kill/resume up to here")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--from-index",
        type=Path,
        default=None,
        help="an index ingested by an earlier run (WORK/50000/index) to repeat for sizes "
        "above --ingest-max, instead of the largest shelf ingested in this run",
    )
    parser.add_argument(
        "--reuse-written",
        action="store_true",
        help="for sizes above --ingest-max, measure WORK/SIZE/index if an earlier run "
        "wrote it, instead of writing it again",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="trendqa-scale-"))
    results: dict[str, Any] = {}
    largest: Path | None = args.from_index
    for size in [int(s) for s in args.sizes.split(",")]:
        here = work / str(size)
        here.mkdir(parents=True, exist_ok=True)
        row: dict[str, Any] = {"target": size}
        if size <= args.ingest_max:
            shelf = here / "shelf"
            if size == 626:
                if shelf.exists():
                    shutil.rmtree(shelf)
                shutil.copytree(ROOT / "corpus", shelf)  # the default corpus, untouched
            elif len(list(shelf.glob("*.md"))) != max(1, size // PASSAGES_PER_DOC):
                generate_shelf(shelf, size)  # deterministic: a complete one is reused
            if (here / "index").exists():
                shutil.rmtree(here / "index")
            row.update(bench_ingest(shelf, here, resume=size <= args.resume_max))
            largest = here / "index"
        elif args.reuse_written and (here / "index" / "CURRENT").exists():
            from trendqa.store import load_index

            row.update(chunks=len(load_index(here / "index")))
        else:
            assert largest is not None, "a size above --ingest-max needs a smaller one first"
            started = time.perf_counter()
            write_repeated(largest, here / "index", size)
            row.update(chunks=size, written_s=time.perf_counter() - started)
        row.update(bench_reader(here / "index"))
        row["bench_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results[str(size)] = row
        print(json.dumps(row), file=sys.stderr, flush=True)
    out = ROOT / "bench" / "results" / "scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    cols = [
        ("chunks", "passages", "{:.0f}"),
        ("ingest_s_per_1000", "ingest s/1k", "{:.1f}"),
        ("resume_embedded", "re-embedded after kill", "{}"),
        ("one_changed_parsed", "files parsed, 1 changed", "{}"),
        ("startup_s", "search start-up s", "{:.2f}"),
        ("query_p50_ms", "query p50 ms", "{:.1f}"),
        ("query_p95_ms", "query p95 ms", "{:.1f}"),
        ("dense_recall_at_10", "dense recall@10", "{:.2f}"),
        ("reader_peak_mb", "reader peak MB", "{:.0f}"),
        ("index_mb", "index MB", "{:.0f}"),
    ]
    print("| " + " | ".join(c[1] for c in cols) + " |")
    print("|" + "---|" * len(cols))
    for row in results.values():
        cells = [c[2].format(row[c[0]]) if c[0] in row else "—" for c in cols]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
