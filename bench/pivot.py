"""English questions over Chinese reports: answered through Chinese, or directly.

Asks every English question of the question files twice in one process — translated
into its passages' language, answered and checked there, then translated back (the
default), and answered directly across languages with its Chinese key terms
(`AskOptions(pivot=False)`) — and prints the answer metrics of both, overall and per
question type, on the questions both arms have answered. Questions are taken in
turn from each type, so a stopped run still covers every type; a re-run resumes.

    python bench/pivot.py [--questions eval/dev.jsonl eval/dev2.jsonl] [--rows DIR]

Run from the project root after `make demo`, alone on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARMS = ("pivot", "direct")
SHOWN = (
    "questions",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
    "answer_match",
    "citation_support",
    "claims_supported",
    "language_ok",
    "truncated",
    "model_calls_mean",
    "total_p50_s",
)


def english_questions(files: list[Path]) -> list[Any]:
    """The English questions of `files`, one of each type in turn."""
    from trendqa.evaluation import load_questions

    by_type: dict[str, list[Any]] = {}
    for file in files:
        for q in load_questions(file):
            if q.lang == "en":
                by_type.setdefault(q.type or "unanswerable", []).append(q)
    rounds = itertools.zip_longest(*by_type.values())
    return [q for group in rounds for q in group if q is not None]


def read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def report(rows_dir: Path) -> None:
    """Both arms' metrics on the questions both have answered."""
    from trendqa.evaluation import summarize_answers

    rows = {arm: read_rows(rows_dir / f"{arm}.jsonl") for arm in ARMS}
    paired = set.intersection(*({r["id"] for r in rows[arm]} for arm in ARMS))
    print(f"{len(paired)} English questions answered by both arms")
    for arm in ARMS:
        summary = summarize_answers([r for r in rows[arm] if r["id"] in paired])
        print(arm, json.dumps({k: summary["all"].get(k) for k in SHOWN}))
        print("  stages", json.dumps(summary["all"].get("stage_mean_s")))
        for key, group in sorted(summary.items()):
            if key.startswith("type:"):
                cells = ("questions", "answer_match", "false_refusal_rate")
                cells += ("refusal_rate_unanswerable",)
                print(f"  {key}", json.dumps({k: group.get(k) for k in cells}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=[ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "dev2.jsonl"],
    )
    parser.add_argument("--rows", type=Path, default=ROOT / "bench" / "results" / "pivot")
    parser.add_argument("--report", action="store_true", help="only print the metrics")
    args = parser.parse_args()
    if args.report:
        report(args.rows)
        return

    from trendqa.answer import AskOptions
    from trendqa.api import open_answerer
    from trendqa.config import load_settings
    from trendqa.evaluation import _answer_row

    args.rows.mkdir(parents=True, exist_ok=True)
    files = {arm: args.rows / f"{arm}.jsonl" for arm in ARMS}
    done = {arm: {r["id"] for r in read_rows(files[arm])} for arm in ARMS}
    options = {"pivot": AskOptions(), "direct": AskOptions(pivot=False)}
    # As `trendqa eval`: no prompt prefix carried between questions.
    answerer, _times = open_answerer(load_settings(), use_llm=True, reproducible=True)
    for q in english_questions(args.questions):
        for arm in ARMS:
            if q.id in done[arm]:
                continue
            row = _answer_row(q, answerer.ask(q.question, options[arm]))
            with files[arm].open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(q.id, arm, row["mode"], row["total_s"], row["reason"], file=sys.stderr)
    report(args.rows)


if __name__ == "__main__":
    main()
