"""Speed, memory and retrieval-quality benchmark of trendqa on the default corpus.

Run from the project root after `make demo` (models installed, corpus/ present):

    python bench/bench.py [--questions eval.jsonl] [--skip-ingest] [--skip-ask]

Every number is measured in this one run, next to its plain baseline, because
machines are noisy: compare the ratios, not absolute seconds across runs.
Prints a Markdown table; writes the raw numbers to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEFAULT_QUESTIONS = ROOT / "eval" / "dev.jsonl"

COLD_START = r"""
import json, sys, time
t0 = time.perf_counter()
import trendqa.cli  # noqa: F401  (what `trendqa` imports before doing anything)
t1 = time.perf_counter()
import torch, sentence_transformers  # noqa: F401,E401
t2 = time.perf_counter()
from trendqa.config import load_settings
from trendqa.api import embedder_choice
from trendqa.store import load_index, read_meta
from trendqa.tokens import warm_up
from trendqa.retrieval import Searcher, SearchOptions
s = load_settings()
meta = read_meta(s.index_path)
emb = embedder_choice(s, meta.embedder.quantized).load()
t3 = time.perf_counter()
warm_up()
t4 = time.perf_counter()
idx = load_index(s.index_path)
searcher = Searcher(idx, emb)
t5 = time.perf_counter()
searcher.search(sys.argv[1], SearchOptions(k=5))
t6 = time.perf_counter()
print(json.dumps({"import_trendqa_s": t1 - t0, "import_torch_st_s": t2 - t1,
                  "embedder_load_s": t3 - t2, "jieba_init_s": t4 - t3,
                  "index_load_s": t5 - t4, "first_query_s": t6 - t5}))
"""


def run(
    cmd: list[str], stdin: str | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run `cmd` in a wrapper that reports its wall time and peak RSS."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=subprocess.PIPE)\n"
        "wall = time.perf_counter() - t\n"
        "sys.stderr.write('\\n@@' + json.dumps({'rc': p.returncode, 'wall_s': wall, "
        "'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}) + '\\n')\n"
        "sys.stdout.buffer.write(p.stdout)\n"
    )
    proc = subprocess.run(
        [PY, "-c", wrapper, *cmd],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("@@")][-1]
    stats = json.loads(line[2:])
    stats["stdout"] = proc.stdout
    if stats["rc"] not in (0, 3):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}")
    return stats


def trendqa(*args: str) -> list[str]:
    return [PY, "-m", "trendqa", *args]


def bench_encode(n: int = 24) -> dict[str, float]:
    """Throughput of naive one-at-a-time fp32 `encode` vs trendqa's batched int8 path."""
    from trendqa.api import load_sentence_transformer
    from trendqa.config import load_settings
    from trendqa.store import load_index

    settings = load_settings()
    texts = [c.text for c in load_index(settings.index_path).chunks[::7][:n]]
    naive = load_sentence_transformer(settings.embedder_path, False, None)
    started = time.perf_counter()
    for text in texts:
        naive.embed_documents([text])
    naive_rate = n / (time.perf_counter() - started)
    fp32_batched_start = time.perf_counter()
    naive.embed_documents(texts)
    fp32_batched_rate = n / (time.perf_counter() - fp32_batched_start)
    ours = load_sentence_transformer(settings.embedder_path, True, None)
    started = time.perf_counter()
    ours.embed_documents(texts)
    ours_rate = n / (time.perf_counter() - started)
    return {
        "naive_fp32_unbatched_chunks_per_s": naive_rate,
        "fp32_batched_chunks_per_s": fp32_batched_rate,
        "int8_batched_chunks_per_s": ours_rate,
    }


def bench_quality(questions: Path) -> dict[str, Any]:
    out = {}
    for mode in ("hybrid", "dense", "bm25"):
        res = run(trendqa("eval", str(questions), "--mode", mode, "--json"))
        out[mode] = json.loads(res["stdout"].splitlines()[0])["retrieval"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-ask", action="store_true")
    parser.add_argument("--ask-runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8, help="questions in the batch run")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    }
    query = "人形机器人何时量产？"

    if not args.skip_ingest:
        with tempfile.TemporaryDirectory() as tmp:
            cold = run(trendqa("ingest", "--json", "--index", tmp))
            warm = run(trendqa("ingest", "--json", "--index", tmp))
        report = json.loads(cold["stdout"])
        results["ingest_cold"] = {
            "wall_s": cold["wall_s"],
            "peak_mb": cold["peak_mb"],
            "chunks": report["chunks"],
            "embed_s": report["embed_seconds"],
            "chunks_per_s": report["chunks_per_s"],
        }
        results["ingest_unchanged"] = {"wall_s": warm["wall_s"], "peak_mb": warm["peak_mb"]}
    results["encode"] = bench_encode()

    searches = [run(trendqa("search", query, "--json")) for _ in range(3)]
    results["search_process"] = {
        "wall_s_median": statistics.median(r["wall_s"] for r in searches),
        "peak_mb": max(r["peak_mb"] for r in searches),
    }
    results["cold_start"] = json.loads(run([PY, "-c", COLD_START, query])["stdout"])
    results["quality"] = bench_quality(args.questions)
    results["search_in_process_p50_s"] = results["quality"]["hybrid"]["all"]["latency_p50_s"]

    if not args.skip_ask:
        results["ask"] = bench_ask(args)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(table(results))


def priming(rows: list[dict[str, Any]], measured: int) -> list[str]:
    """A question of each language the measured ones are in, from after them."""
    languages = {row.get("lang") for row in rows[:measured]}
    chosen: dict[Any, str] = {}
    for row in rows[measured:]:
        chosen.setdefault(row.get("lang"), row["question"])
    return [question for lang, question in chosen.items() if lang in languages]


def bench_ask(args: argparse.Namespace) -> dict[str, Any]:
    rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    questions = [row["question"] for row in rows]

    def cold_ask(question: str, states: str) -> dict[str, Any]:
        res = run(trendqa("ask", question, "--json"), env={"TRENDQA_PROMPT_STATES": states})
        t = json.loads(res["stdout"])["timings"]
        # Time to first answer token as the user feels it: process start to the token.
        after_first = t["total_s"] - t.get("first_token_s", t["total_s"])
        return {
            "wall_s": res["wall_s"],
            "ttft_s": res["wall_s"] - after_first,
            "peak_mb": res["peak_mb"],
            **t,
        }

    with tempfile.TemporaryDirectory() as folder:
        # Questions not among the measured ones (one per language) save the system prompts'
        # states first, as earlier runs on the machine would have; the measured cold asks
        # then load them, each beside the same question with saved states turned off.
        first_ever = [cold_ask(q, folder) for q in priming(rows, args.ask_runs)]
        cold, unsaved = [], []
        for q in questions[: args.ask_runs]:
            unsaved.append(cold_ask(q, "off"))
            cold.append(cold_ask(q, folder))
    batch_in = "\n".join(questions[: args.batch]) + "\n"
    res = run(trendqa("ask", "-", "--json"), stdin=batch_in)
    answers = [json.loads(line) for line in res["stdout"].splitlines()]
    per_q = [a["timings"] for a in answers]
    prompt_tokens = [a["usage"]["prompt_tokens"] for a in answers if a["usage"]]
    return {
        "prompt_cache": bench_prompt_cache(questions[: args.batch]),
        "cold_ttft_s_median": statistics.median(c["ttft_s"] for c in cold),
        "cold_total_s_median": statistics.median(c["wall_s"] for c in cold),
        "cold_peak_mb": max(c["peak_mb"] for c in cold),
        "cold_runs": cold,
        "cold_unsaved_total_s_median": statistics.median(c["wall_s"] for c in unsaved),
        "cold_unsaved_ttft_s_median": statistics.median(c["ttft_s"] for c in unsaved),
        "cold_unsaved_runs": unsaved,
        "cold_first_ever_total_s": first_ever[0]["wall_s"],
        "batch_total_s_median": statistics.median(t["total_s"] for t in per_q),
        "batch_wall_s": res["wall_s"],
        "batch_questions": len(per_q),
        "batch_peak_mb": res["peak_mb"],
        "batch_prompt_tokens_median": statistics.median(prompt_tokens) if prompt_tokens else None,
    }


PROMPT_CACHE = r"""
import json, statistics, sys
from trendqa.api import open_answerer
from trendqa.config import load_settings
questions = json.loads(sys.argv[1])
out = {}
for reproducible in (True, False):
    answerer, _ = open_answerer(load_settings(), reproducible=reproducible)
    totals, firsts = [], []
    for q in questions:
        t = answerer.ask(q).timings
        totals.append(t["total_s"])
        firsts.append(t.get("first_token_s", t["total_s"]))
    key = "from_scratch" if reproducible else "prefix_reused"
    out[key] = {"total_s_median": statistics.median(totals),
                "first_token_s_median": statistics.median(firsts)}
    del answerer
print(json.dumps(out))
"""


def bench_prompt_cache(questions: list[str]) -> dict[str, Any]:
    """The same questions in one process, every prompt read from scratch (as `eval` does)
    and reusing cached prompt prefixes (as a batch, `chat` and `serve` do)."""
    res = run([PY, "-c", PROMPT_CACHE, json.dumps(questions, ensure_ascii=False)])
    return dict(json.loads(res["stdout"]))


def table(r: dict[str, Any]) -> str:
    rows = [("measure", "value", "baseline / note")]
    if "ingest_cold" in r:
        ic = r["ingest_cold"]
        rows.append(
            (
                "cold ingest, default corpus",
                f"{ic['wall_s']:.0f} s ({ic['chunks']} chunks)",
                f"{ic['chunks_per_s']:.2f} chunks/s embedding",
            )
        )
        rows.append(
            (
                "re-ingest, unchanged corpus",
                f"{r['ingest_unchanged']['wall_s']:.1f} s",
                "no model loaded",
            )
        )
        rows.append(("peak memory, ingest", f"{ic['peak_mb']:.0f} MB", ""))
    e = r["encode"]
    rows.append(
        (
            "embedding throughput (int8, batched)",
            f"{e['int8_batched_chunks_per_s']:.2f} chunks/s",
            f"{e['int8_batched_chunks_per_s'] / e['naive_fp32_unbatched_chunks_per_s']:.2f}x "
            f"naive fp32 unbatched ({e['naive_fp32_unbatched_chunks_per_s']:.2f}/s); "
            f"fp32 batched {e['fp32_batched_chunks_per_s']:.2f}/s",
        )
    )
    sp = r["search_process"]
    rows.append(
        (
            "`trendqa search` whole process",
            f"{sp['wall_s_median']:.1f} s",
            f"peak {sp['peak_mb']:.0f} MB",
        )
    )
    rows.append(("one query in-process (p50)", f"{r['search_in_process_p50_s'] * 1000:.0f} ms", ""))
    cs = r["cold_start"]
    rows.append(
        ("cold start breakdown", ", ".join(f"{k[:-2]} {v:.2f}s" for k, v in cs.items()), "")
    )
    q = r["quality"]
    for lang in ("zh", "en"):
        cells = {m: q[m].get(lang, {}) for m in ("hybrid", "dense", "bm25")}
        rows.append(
            (
                f"retrieval {lang}: hit@1 / hit@5 / MRR@10",
                " / ".join(str(cells["hybrid"].get(k)) for k in ("hit@1", "hit@5", "mrr@10")),
                "dense "
                + " / ".join(str(cells["dense"].get(k)) for k in ("hit@1", "hit@5", "mrr@10"))
                + "; bm25 "
                + " / ".join(str(cells["bm25"].get(k)) for k in ("hit@1", "hit@5", "mrr@10")),
            )
        )
    if "ask" in r:
        a = r["ask"]
        rows.append(
            (
                "cold `trendqa ask`: first token / total (median)",
                f"{a['cold_ttft_s_median']:.1f} s / {a['cold_total_s_median']:.1f} s",
                f"peak {a['cold_peak_mb']:.0f} MB; saved prompt states loaded",
            )
        )
        rows.append(
            (
                "same, prompt states off: first token / total (median)",
                f"{a['cold_unsaved_ttft_s_median']:.1f} s / "
                f"{a['cold_unsaved_total_s_median']:.1f} s",
                f"{a['cold_total_s_median'] / a['cold_unsaved_total_s_median']:.2f}x with states; "
                f"the run that saved them: {a['cold_first_ever_total_s']:.1f} s",
            )
        )
        rows.append(
            (
                "batch `ask -`: per question (median)",
                f"{a['batch_total_s_median']:.1f} s",
                f"{a['batch_questions']} questions, models loaded once; "
                f"prompt {a['batch_prompt_tokens_median']} tokens",
            )
        )
        pc = a["prompt_cache"]
        rows.append(
            (
                "same questions in-process: prompt prefixes reused / read from scratch",
                f"{pc['prefix_reused']['total_s_median']:.1f} s / "
                f"{pc['from_scratch']['total_s_median']:.1f} s",
                f"first token {pc['prefix_reused']['first_token_s_median']:.1f} s / "
                f"{pc['from_scratch']['first_token_s_median']:.1f} s (medians)",
            )
        )
    width = [max(len(str(row[i])) for row in rows) for i in range(3)]
    lines = [
        "| " + " | ".join(str(c).ljust(width[i]) for i, c in enumerate(row)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in width) + "|")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
