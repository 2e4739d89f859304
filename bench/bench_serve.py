"""Warm against cold: `trendqa serve` with its thin client, and `chat` follow-ups.

Run from the project root after `make demo`, on a copy of the index (the server writes
its discovery file into the index folder):

    python bench/bench_serve.py --index /tmp/index-copy [--questions eval/dev.jsonl]

Measured in this one run, next to the cold baseline: a whole `trendqa search` process
with and without a warm server; `trendqa ask` processes against the warm server (first
answer token as the user feels it, and total) over the question file; follow-ups in a
conversation including their rewrite; how often the rewrite changes a standalone
question; memory of the server and of the thin client. Prints a Markdown table and
writes bench/results/serve.json (or `--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import PY, ROOT, run, trendqa  # noqa: E402
from followups import forced_rewrites  # noqa: E402

DEFAULT_QUESTIONS = ROOT / "eval" / "dev.jsonl"
QUERY = "人形机器人何时量产？"
# A question, then a follow-up that leans on it (the second is rewritten before retrieval).
DIALOGUES = [
    ("2023年11月Green500排名第一的高算集群是哪个？能效达到多少？", "它位于哪个国家？"),
    ("What was the launch price of Apple's Vision Pro?", "What operating system does it run?"),
    ("截至2023年底，深圳人工智能行业A轮融资事件有多少起？", "那B轮呢？"),
]
THIN_IMPORT = (
    "import time; t = time.perf_counter()\n"
    "import trendqa.cli, trendqa.server.client, trendqa.render  # noqa: F401,E401\n"
    "import sys; print(json.dumps({'s': time.perf_counter() - t, "
    "'torch': 'torch' in sys.modules}))\n"
)


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (VmHWM), from /proc; split into anonymous
    memory and pages of memory-mapped files (the GGUF, the embedder's safetensors), which
    the kernel can drop and read again under memory pressure."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) / 1024
    return {
        "rss_mb": fields["VmRSS"],
        "peak_mb": fields["VmHWM"],
        "anon_mb": fields.get("RssAnon", 0.0),
        "file_mb": fields.get("RssFile", 0.0),
    }


def start_server(index: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any], float]:
    started = time.perf_counter()
    process = subprocess.Popen(trendqa("serve", "--index", str(index)), cwd=ROOT)
    path = index / "serve.json"
    while not path.exists():
        if process.poll() is not None:
            raise SystemExit("trendqa serve exited early")
        time.sleep(0.1)
    return process, json.loads(path.read_text()), time.perf_counter() - started


def felt(res: dict[str, Any]) -> tuple[float, float]:
    """(first answer token, total) as the user of one `ask` process feels them."""
    t = json.loads(res["stdout"])["timings"]
    after_first = t["total_s"] - t.get("first_token_s", t["total_s"])
    return res["wall_s"] - after_first, res["wall_s"]


def bench_searches(index: Path, runs: int, no_server: bool) -> dict[str, Any]:
    flags = ("--no-server",) if no_server else ()
    done = [
        run(trendqa("search", QUERY, "--json", "--index", str(index), *flags)) for _ in range(runs)
    ]
    return {
        "wall_s_median": statistics.median(r["wall_s"] for r in done),
        "peak_mb": max(r["peak_mb"] for r in done),
    }


def bench_asks(index: Path, questions: list[str]) -> dict[str, Any]:
    rows = []
    for q in questions:
        first, total = felt(run(trendqa("ask", q, "--json", "--index", str(index))))
        rows.append({"question": q, "first_token_s": first, "total_s": total})
        sys.stderr.write(f"warm ask {len(rows)}/{len(questions)}: {first:.1f} s / {total:.1f} s\n")
    return {
        "first_token_s_median": statistics.median(r["first_token_s"] for r in rows),
        "total_s_median": statistics.median(r["total_s"] for r in rows),
        "questions": len(rows),
        "runs": rows,
    }


def bench_followups(index: Path, dialogues: int) -> dict[str, Any]:
    """Each dialogue through `trendqa chat --json` on the warm server; the follow-up's time
    runs from the first answer's line to the second's, so it includes the rewrite."""
    rows = []
    for first, follow_up in DIALOGUES[:dialogues]:
        proc = subprocess.Popen(
            trendqa("chat", "--json", "--index", str(index)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert proc.stdin and proc.stdout
        proc.stdin.write(f"{first}\n{follow_up}\n")
        proc.stdin.close()
        one = json.loads(proc.stdout.readline())
        answered_first = time.perf_counter()
        two = json.loads(proc.stdout.readline())
        follow_up_s = time.perf_counter() - answered_first
        proc.wait(timeout=60)
        rows.append(
            {
                "first": one["question"],
                "follow_up": follow_up,
                "asked": two["question"],
                "answerable": two["answerable"],
                "answer": two["answer"],
                "follow_up_s": follow_up_s,
            }
        )
        sys.stderr.write(f"follow-up {follow_up!r} → {two['question']!r}: {follow_up_s:.1f} s\n")
    return {
        "follow_up_s_median": statistics.median(r["follow_up_s"] for r in rows),
        "runs": rows,
    }


def bench_rewrite_of_standalone(questions: list[str], index: Path) -> dict[str, Any]:
    """Force the rewrite call on standalone questions: how often does the model change one?"""
    from trendqa.api import complete, open_generator
    from trendqa.config import load_settings
    from trendqa.conversation import is_followup

    generator = open_generator(load_settings(index_dir=index))
    assert generator is not None, "no LLM installed"
    changed = forced_rewrites(lambda m: complete(generator, m, max_tokens=96), questions)
    return {
        "detected_as_follow_up": sum(is_followup(q) for q in questions),
        "forced_rewrites_changed": len(changed),
        "questions": len(questions),
        "changed": changed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a copy of the index")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--asks", type=int, default=30, help="dev questions asked warm")
    parser.add_argument("--searches", type=int, default=5)
    parser.add_argument("--dialogues", type=int, default=len(DIALOGUES))
    parser.add_argument("--rewrites", type=int, default=30, help="standalone questions forced")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "serve.json")
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"]
        for line in args.questions.read_text().splitlines()
        if line.strip()
    ]
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count()}}
    results["search_cold"] = bench_searches(args.index, 3, no_server=True)
    process, info, load_s = start_server(args.index)
    try:
        results["server_start_s"] = load_s
        results["server_idle"] = rss_mb(process.pid)
        results["search_warm"] = bench_searches(args.index, args.searches, no_server=False)
        imported = subprocess.run(
            [PY, "-c", "import json\n" + THIN_IMPORT], capture_output=True, text=True, check=True
        )
        results["thin_import"] = json.loads(imported.stdout)
        save(results, args.out)
        results["ask_warm"] = bench_asks(args.index, questions[: args.asks])
        save(results, args.out)
        results["follow_ups"] = bench_followups(args.index, args.dialogues)
        results["server"] = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if args.rewrites:
        results["standalone_rewrites"] = bench_rewrite_of_standalone(
            questions[: args.rewrites], args.index
        )
    save(results, args.out)
    print(table(results))


def save(results: dict[str, Any], out: Path) -> None:
    """Write what is measured so far (a long run interrupted keeps its numbers)."""
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))


def table(r: dict[str, Any]) -> str:
    cold, warm = r["search_cold"], r["search_warm"]
    a, f = r["ask_warm"], r["follow_ups"]
    rows = [
        ("measure", "value", "baseline / note"),
        (
            "`trendqa search` whole process, warm server",
            f"{warm['wall_s_median']:.2f} s",
            f"cold {cold['wall_s_median']:.1f} s: "
            f"{cold['wall_s_median'] / warm['wall_s_median']:.0f}× faster",
        ),
        (
            "thin client: import / peak memory",
            f"{r['thin_import']['s']:.2f} s / {warm['peak_mb']:.0f} MB",
            f"torch imported: {r['thin_import']['torch']}; "
            f"cold search peak {cold['peak_mb']:.0f} MB",
        ),
        (
            "`trendqa ask`, warm server: first token / total (median)",
            f"{a['first_token_s_median']:.1f} s / {a['total_s_median']:.1f} s",
            f"{a['questions']} questions, each a new client process",
        ),
        (
            "`chat` follow-up incl. rewrite (median)",
            f"{f['follow_up_s_median']:.1f} s",
            f"{len(f['runs'])} dialogues",
        ),
        (
            "server memory: idle / after the asks (peak)",
            f"{r['server_idle']['rss_mb']:.0f} MB / {r['server']['rss_mb']:.0f} MB "
            f"({r['server']['peak_mb']:.0f} MB)",
            f"loaded in {r['server_start_s']:.1f} s; after the asks "
            f"{r['server'].get('anon_mb', 0):.0f} MB anonymous + "
            f"{r['server'].get('file_mb', 0):.0f} MB of mapped model files",
        ),
    ]
    if "standalone_rewrites" in r:
        s = r["standalone_rewrites"]
        rows.append(
            (
                "standalone questions rewritten",
                f"{s['detected_as_follow_up']}/{s['questions']} detected as follow-ups",
                f"forced through the rewrite anyway, the model changed "
                f"{s['forced_rewrites_changed']}/{s['questions']}",
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
