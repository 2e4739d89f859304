"""Would a cold `ask` gain by translating an English question while the embedder loads?

A cold process loads the GGUF model (about 1 s) and the embedder (about 7 s: torch,
sentence-transformers and the weights) side by side; the first model call, an English
question's translation, waits for both. This measures, in fresh processes run in
turn, the time until both models are loaded and the translation is done:

- `after`: the translation starts once the embedder has loaded (what `ask` does);
- `during`: it starts as soon as the GGUF model has loaded, while the embedder loads.

    python bench/overlap.py [--runs 3]

Run from the project root after `make demo`, alone on the machine. Prints the medians
and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

QUESTION = (
    "According to the Tencent report, how many cores does China's first RISC-V "
    "high-performance server cluster have?"
)

ONE_RUN = r"""
import json, sys, threading, time
started = time.perf_counter()
from trendqa.answer import prompts
from trendqa.api import embedder_choice, open_generator
from trendqa.config import load_settings
from trendqa.llm import GenerationOptions

settings = load_settings()
loaded = {}

def load_embedder():
    embedder_choice(settings).load()
    loaded["embedder_s"] = time.perf_counter() - started

side = threading.Thread(target=load_embedder)
side.start()
generator = open_generator(settings)
loaded["llm_s"] = time.perf_counter() - started
options = GenerationOptions(
    max_tokens=prompts.QUESTION_MAX_TOKENS, temperature=0.0,
    json_schema=prompts.question_schema("zh"),
)
if sys.argv[1] == "after":
    side.join()
reply = generator.generate(prompts.question_prompt(sys.argv[2], "zh"), options)
side.join()
print(json.dumps({**loaded, "call_s": reply.total_s, "done_s": time.perf_counter() - started}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"after": [], "during": []}
    for _ in range(args.runs):
        for arm, rows in runs.items():  # in turn, so drift on a noisy machine hits both
            out = subprocess.run(
                [sys.executable, "-c", ONE_RUN, arm, QUESTION],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(out.splitlines()[-1]))
            time.sleep(1)
    medians = {
        arm: {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        for arm, rows in runs.items()
    }
    print("| translation starts | models + translation done | translation call | embedder loaded |")
    print("|---|---|---|---|")
    for arm, m in medians.items():
        print(f"| {arm} | {m['done_s']:.1f} s | {m['call_s']:.1f} s | {m['embedder_s']:.1f} s |")
    ratio = medians["during"]["done_s"] / medians["after"]["done_s"]
    print(f"\nduring / after: {ratio:.2f}× (median of {args.runs} runs each)")


if __name__ == "__main__":
    main()
