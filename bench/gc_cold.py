"""A cold `trendqa ask` with the garbage collector as trendqa sets it, against Python's default.

Run from the project root after `make demo`:

    python bench/gc_cold.py [--runs 3] [--questions eval/dev.jsonl]

`trendqa`'s entry point raises the collector's first threshold (`GC_THRESHOLD`) and freezes
what is alive before exit. Each run starts a fresh process per setting, in turn, for the
same question: `default` restores Python's thresholds (700, 10, 10) and exits without
freezing; `trendqa` is the console script's own `main`. Both load saved prompt states from
one folder, saved by a run before the measured ones. Reports per setting the median wall
time, and the collections by generation with the seconds spent in them (gc.callbacks).
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

from bench import priming  # the cold asks' priming runs, as `make bench` does them

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import gc, json, sys, time
setting = sys.argv[1]
spent = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
began = {}
def watch(phase, info):
    if phase == "start":
        began["t"] = time.perf_counter()
    else:
        row = spent[info["generation"]]
        row[0] += 1
        row[1] += time.perf_counter() - began["t"]
gc.callbacks.append(watch)
import atexit
atexit.register(lambda: sys.stderr.write("@@" + json.dumps(spent) + "\n"))
from trendqa.cli import main, run
sys.argv = ["trendqa", "ask", *sys.argv[2:]]
if setting == "default":
    sys.exit(run())  # what `main` wraps, with Python's (700, 10, 10) and no freeze
main()
"""


def one(setting: str, question: str, states: str) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, setting, question],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TRENDQA_PROMPT_STATES": states},
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 3):
        sys.stderr.write(done.stderr)
        raise SystemExit(f"ask failed for {question!r}")
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("@@")][-1]
    return {"wall_s": wall, "collections": json.loads(line[2:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev.jsonl")
    args = parser.parse_args()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    questions = [row["question"] for row in rows]
    results: dict[str, list[dict[str, object]]] = {"default": [], "trendqa": []}
    with tempfile.TemporaryDirectory() as states:
        for question in priming(rows, args.runs):
            one("trendqa", question, states)  # saves the prompt states
        for question in questions[: args.runs]:
            for setting in results:
                results[setting].append(one(setting, question, states))
    for setting, runs in results.items():
        wall = statistics.median(float(str(r["wall_s"])) for r in runs)
        gens = [r["collections"] for r in runs]
        cells = []
        for g in ("0", "1", "2"):
            count = statistics.median(c[g][0] for c in gens)  # type: ignore[index]
            seconds = statistics.median(c[g][1] for c in gens)  # type: ignore[index]
            cells.append(f"gen{g} {count:.0f} ({seconds:.2f} s)")
        print(f"{setting}: wall {wall:.1f} s (median of {len(runs)}); " + ", ".join(cells))
    ratio = statistics.median(float(str(r["wall_s"])) for r in results["trendqa"]) / (
        statistics.median(float(str(r["wall_s"])) for r in results["default"])
    )
    print(f"trendqa / default: {ratio:.2f}x")


if __name__ == "__main__":
    main()
