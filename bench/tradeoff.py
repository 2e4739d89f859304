"""Answer quality over several eval runs together, and the refusal trade-off curve.

Each argument is a rows file written by `trendqa eval --answers --rows FILE` (one run per
question set, each against its own index), optionally named: `dev=rows-dev.jsonl`.

    python bench/tradeoff.py dev=rows-dev.jsonl dev2=rows-dev2.jsonl rgb=rows-rgb.jsonl

Prints, as Markdown: the answer metrics of each set and of all sets together, per
language, type and type/language; then how the refusal rate on unanswerable questions
and the false-refusal rate on answerable ones move when the claim-support threshold is
scaled (0.6x .. 1.6x the shipped CLAIM_COVERAGE / CLAIM_SIMILARITY) with and without the
subject check; then the same two rates with the asked check (cited sentences, or else
their passages, must hold the question's terms) at other thresholds and off; then, per
set, with the answer-sentence check (the sentence stating a fact's or figure's claim
must hold the question's terms) at other thresholds and off, and the attribute check
(that sentence must name what was asked of the subject) on and off. The curves
are redrawn from the per-claim scores and coverages each row records, so they need no
model call; at 1.0x with the subject check, and at the shipped asked thresholds, they are
close to the run's own result but not exactly it: what the answerer does after the
checks (a cited sentence quoted, a list read from its outline, a translated claim
dropped) is not redrawn.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trendqa.answer.answerer import ASKED_PASSAGES, ASKED_SENTENCES, ASKED_TRANSLATED
from trendqa.answer.claims import ANSWER_SENTENCE_COVERAGE, CLAIM_COVERAGE, CLAIM_SIMILARITY
from trendqa.evaluation import load_rows, summarize_answers
from trendqa.evidence import TRANSLATED_SHARE

FACTORS = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6)
COLUMNS = (
    ("questions", "n"),
    ("refusal_rate_unanswerable", "unans. refused"),
    ("false_refusal_rate", "false refusals"),
    ("answer_match", "answer match"),
    ("citation_support", "citation support"),
    ("claims_supported", "claims supported"),
    ("citation_validity", "citations verified"),
    ("language_ok", "language"),
    ("truncated", "truncated"),
    ("model_calls_mean", "calls/q"),
    ("total_p50_s", "median s"),
)


def claim_passes(check: Sequence[Any], factor: float, subject: bool) -> bool:
    """Whether one recorded claim would be kept at `factor` x the content thresholds."""
    supported, failed, score = bool(check[0]), str(check[1]), float(check[2])
    cross = bool(check[3]) if len(check) > 3 else False
    if failed == "figure" or (failed == "subject" and subject):
        return False
    threshold = factor * (CLAIM_SIMILARITY if cross else CLAIM_COVERAGE)
    if failed == "subject":  # the subject check off: the content decides
        return score >= threshold
    if factor >= 1.0:
        return supported and score >= threshold
    return supported or (failed == "content" and score >= threshold)


def answered_at(row: dict[str, Any], factor: float, subject: bool) -> bool:
    """Whether the row's question would be answered at these settings."""
    checks = row.get("claim_checks") or []
    reason = str(row.get("reason") or "")
    if not checks or reason.startswith(("confirm", "asked", "form")):
        return bool(row["answered"])  # decided before or after the claim checks
    return any(claim_passes(c, factor, subject) for c in checks)


def asked_passes(row: dict[str, Any], sentences: float, passages: float) -> bool | None:
    """Whether the row's answer passes the asked check at these thresholds (None: not run)."""
    measures = row.get("asked")
    if not measures:
        return None
    scale = ASKED_TRANSLATED if row.get("lang") == "en" else 1.0
    return measures[0] >= scale * sentences or measures[1] >= scale * passages


def answered_asked(row: dict[str, Any], sentences: float, passages: float) -> bool:
    """Whether the row's question would be answered with the asked check at these
    thresholds (0, 0: off). An answer the check refused in the run is counted as answered
    when it passes: the confirmation call it then skipped is assumed to agree."""
    passed = asked_passes(row, sentences, passages)
    if passed is None:
        return bool(row["answered"])
    if str(row.get("reason") or "").startswith("asked"):
        return passed
    return bool(row["answered"]) and passed


# (sentences, passages) thresholds for Chinese questions; (0, 0) is the check off.
_SHIPPED = (ASKED_SENTENCES, ASKED_PASSAGES)
ASKED_POINTS = tuple(
    dict.fromkeys(
        (
            (0.0, 0.0),
            _SHIPPED,
            (0.3, 0.8),
            (0.4, 0.9),
            (0.5, 0.8),
            (0.5, 0.9),
            (0.5, 1.01),
            (0.6, 0.9),
        )
    )
)


def asked_curve(
    rows: Sequence[dict[str, Any]],
) -> list[tuple[float, float, float | None, float | None]]:
    unans = [r for r in rows if not r["answerable_gold"]]
    ans = [r for r in rows if r["answerable_gold"]]
    out = []
    for sentences, passages in ASKED_POINTS:
        refused = sum(not answered_asked(r, sentences, passages) for r in unans)
        false = sum(not answered_asked(r, sentences, passages) for r in ans)
        out.append(
            (
                sentences,
                passages,
                round(refused / len(unans), 3) if unans else None,
                round(false / len(ans), 3) if ans else None,
            )
        )
    return out


def curve(rows: Sequence[dict[str, Any]]) -> list[tuple[str, float, float | None, float | None]]:
    out = []
    for subject in (True, False):
        for factor in FACTORS:
            unans = [r for r in rows if not r["answerable_gold"]]
            ans = [r for r in rows if r["answerable_gold"]]
            refused = sum(not answered_at(r, factor, subject) for r in unans)
            false = sum(not answered_at(r, factor, subject) for r in ans)
            out.append(
                (
                    "on" if subject else "off",
                    factor,
                    round(refused / len(unans), 3) if unans else None,
                    round(false / len(ans), 3) if ans else None,
                )
            )
    return out


SENTENCE_POINTS = tuple(
    dict.fromkeys((0.0, 0.3, 0.35, 0.4, 0.45, ANSWER_SENTENCE_COVERAGE, 0.55, 0.6, 0.7))
)


def claim_passes_sentence(
    check: Sequence[Any], threshold: float, translated: bool, attribute: bool = True
) -> bool:
    """Whether one recorded claim would be kept with the answer-sentence check at
    `threshold` (the share of the question's terms in the sentence stating it) and the
    attribute check on or off (the sentence stating it names what was asked)."""
    supported, failed = bool(check[0]), str(check[1])
    passed = supported or (failed == "attribute" and not attribute)
    share = check[5] if len(check) > 5 else None
    if share is None:
        return passed
    scaled = threshold * (TRANSLATED_SHARE if translated else 1.0)
    return (passed or failed == "asked") and float(share) >= scaled


def answered_sentence(row: dict[str, Any], threshold: float, attribute: bool = True) -> bool:
    """Whether the row's question would be answered with the answer-sentence check at
    `threshold` and the attribute check on or off; a claim the run dropped for either
    that passes is assumed to pass the confirmation call that was then skipped, as for
    the asked check."""
    checks = row.get("claim_checks") or []
    reason = str(row.get("reason") or "")
    if not checks or reason.startswith(("confirm", "form", "translation")):
        return bool(row["answered"])
    if not any(len(c) > 5 and c[5] is not None for c in checks):
        return bool(row["answered"])  # not measured: decided by the other checks
    translated = bool(row.get("answered_as"))
    return any(claim_passes_sentence(c, threshold, translated, attribute) for c in checks)


def sentence_curve(
    rows: Sequence[dict[str, Any]], attribute: bool = True
) -> list[tuple[float, float | None, float | None]]:
    unans = [r for r in rows if not r["answerable_gold"]]
    ans = [r for r in rows if r["answerable_gold"]]
    out = []
    for threshold in SENTENCE_POINTS:
        refused = sum(not answered_sentence(r, threshold, attribute) for r in unans)
        false = sum(not answered_sentence(r, threshold, attribute) for r in ans)
        out.append(
            (
                threshold,
                round(refused / len(unans), 3) if unans else None,
                round(false / len(ans), 3) if ans else None,
            )
        )
    return out


def table(summary: dict[str, Any], title: str) -> str:
    head = "| " + title + " | " + " | ".join(label for _k, label in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    order = sorted(summary, key=lambda g: (g != "all", "/" in g, g.startswith("type:"), g))
    for group in order:
        cells = [summary[group].get(key) for key, _l in COLUMNS]
        lines.append(
            f"| {group} | " + " | ".join("—" if c is None else str(c) for c in cells) + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", help="[name=]rows.jsonl")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    sets: dict[str, list[dict[str, Any]]] = {}
    for run in args.runs:
        name, _, path = run.rpartition("=")
        rows = list(load_rows(Path(path)).values())
        if not rows:
            print(f"no answer rows in {path}", file=sys.stderr)
            return 2
        sets[name or Path(path).stem] = rows
    combined = [r for rows in sets.values() for r in rows]
    if len(sets) > 1:
        sets["all sets"] = combined
    result = {name: summarize_answers(rows) for name, rows in sets.items()}
    points = curve(combined)
    asked = asked_curve(combined)
    sentence = {name: sentence_curve(rows) for name, rows in sets.items()}
    loose = {name: sentence_curve(rows, attribute=False) for name, rows in sets.items()}
    if args.json:
        out = {
            "sets": result,
            "curve": points,
            "asked_curve": asked,
            "sentence": sentence,
            "sentence_without_attribute": loose,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for name, summary in result.items():
        print(f"### {name}\n\n{table(summary, 'group')}\n")
    print("### Refusal trade-off (all sets)\n")
    print("| subject check | threshold × | unanswerable refused | answerable refused |")
    print("|---|---|---|---|")
    for subject, factor, refused, false in points:
        print(f"| {subject} | {factor} | {refused} | {false} |")
    print("\n### The asked check at other thresholds (all sets)\n")
    print("| cited sentences ≥ | or passages ≥ | unanswerable refused | answerable refused |")
    print("|---|---|---|---|")
    for sentences, passages, refused, false in asked:
        label = "off" if not sentences else str(sentences)
        print(f"| {label} | {passages if sentences else '—'} | {refused} | {false} |")
    print(
        "\n### The answer-sentence check at other thresholds, with the attribute check "
        "on and off (refused / false refusals)\n"
    )
    names = list(sentence)
    print("| attribute check | sentence holds ≥ | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, drawn in (("on", sentence), ("off", loose)):
        for i, threshold in enumerate(SENTENCE_POINTS):
            cells = [f"{drawn[n][i][1]} / {drawn[n][i][2]}" for n in names]
            shown = "off" if not threshold else str(threshold)
            print(f"| {label} | {shown} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
