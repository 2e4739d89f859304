"""How well `chat` rewrites follow-ups: the rewrite step alone, over eval/followups.jsonl.

Each line is an earlier turn (a dev question and the answer trendqa gave it), a follow-up
that leans on it ("它位于哪个国家？", "What about Beijing?") and the words a standalone
rewrite must contain (`a|b`: either). A rewrite counts when `chat` would use it (it passes
the guard rails of `trendqa.conversation.standalone`) and holds every expected word.
Also measured: how often the rewrite changes a standalone dev question forced through it
(it should not). Run from the project root with the default model installed:

    python bench/followups.py [--file eval/followups.jsonl] [--standalone 30] [--warm]

Prints a Markdown table per language and writes bench/results/followups.json
(followups-warm.json with `--warm`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def holds(text: str, expected: list[str]) -> bool:
    folded = text.lower()
    return all(any(a.lower() in folded for a in e.split("|")) for e in expected)


def forced_rewrites(ask: Callable[[Any], str], questions: Sequence[str]) -> list[dict[str, str]]:
    """Standalone questions forced through the rewrite call, each with the one before it
    as the conversation: the ones the model changed (it should change none)."""
    from trendqa.conversation.prompts import rewrite_messages
    from trendqa.conversation.rewrite import _clean

    changed = []
    for i, q in enumerate(questions):
        reply = _clean(ask(rewrite_messages([(questions[i - 1], "")], q)))
        if reply != q:
            changed.append({"question": q, "rewrite": reply})
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "eval" / "followups.jsonl")
    parser.add_argument("--standalone", type=int, default=30, help="dev questions forced")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="keep recent prompt states as chat and serve do (the examples are read once)",
    )
    args = parser.parse_args()

    from trendqa.api import complete, open_generator
    from trendqa.config import load_settings
    from trendqa.conversation import standalone

    generator = open_generator(load_settings(), reproducible=not args.warm)
    if generator is None:
        sys.exit("no LLM installed: run `trendqa models install`")

    def ask(messages: Any) -> str:
        return complete(generator, messages, max_tokens=96)

    rows = []
    for line in args.file.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        history = [tuple(turn) for turn in item["history"]]
        started = time.perf_counter()
        question, rewritten = standalone(item["question"], history, ask)
        seconds = time.perf_counter() - started
        ok = rewritten and holds(question, item["expect"])
        rows.append({**item, "rewrite": question, "used": rewritten, "ok": ok, "s": seconds})
        print(f"{item['id']} {'ok ' if ok else '-- '} {question}", file=sys.stderr)

    dev = [json.loads(x)["question"] for x in (ROOT / "eval" / "dev.jsonl").open(encoding="utf-8")]
    changed = forced_rewrites(ask, dev[: args.standalone])

    table = ["| follow-ups | rewritten and usable | holds the expected words | median s |",
             "|---|---|---|---|"]  # fmt: skip
    for lang in ("zh", "en", "all"):
        part = [r for r in rows if lang in (r["lang"], "all")]
        if not part:
            continue
        used = sum(r["used"] for r in part)
        ok = sum(r["ok"] for r in part)
        median = statistics.median(r["s"] for r in part)
        table.append(
            f"| {lang} ({len(part)}) | {used}/{len(part)} | {ok}/{len(part)} | {median:.1f} |"
        )
    table.append(
        f"\nStandalone dev questions forced through the rewrite: "
        f"{len(changed)}/{min(args.standalone, len(dev))} changed."
    )
    print("\n".join(table))
    out = ROOT / "bench" / "results" / ("followups-warm.json" if args.warm else "followups.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"rows": rows, "standalone_changed": changed}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
