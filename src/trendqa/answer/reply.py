"""Reading the model's JSON replies, whole or cut off at the token budget."""

from __future__ import annotations

import json
import re
from typing import Any

# The model's own citation markers, in ASCII and full-width brackets: never trusted.
MARKER = re.compile(r"\s*[\[【［]\s*\d+\s*[\]】］]")


def parse_answer(raw: str) -> tuple[list[int], str]:
    """Evidence ids and answer text from the model's JSON, tolerating a cut-off reply."""
    try:
        # strict=False: small models write raw newlines inside strings despite the grammar.
        data = json.loads(raw, strict=False)
    except ValueError:
        return _parse_cut_off(raw)
    if not isinstance(data, dict):
        return [], ""
    ids = data.get("evidence")
    evidence = (
        [int(x) for x in ids if isinstance(x, int | str) and str(x).isdigit()]
        if isinstance(ids, list)
        else []
    )
    text = data.get("answer", "")
    return evidence, printable(text) if isinstance(text, str) else ""


# A string the small model closed with a look-alike quote and the object's brace, then
# ran on past with filler ('{"zh": "报告中的‘量子utility’是什么？”}……'): whole up to there.
_LOOKALIKE_CLOSE = re.compile(r"[”“]\s*\}")


def lookalike_closed(raw: str) -> str | None:
    """`raw` repaired to end where the model closed its last string with a look-alike
    quote (”}), when that makes it a JSON object and `raw` as written is not one; else None."""
    if not raw.lstrip().startswith("{") or parse_json(raw):
        return None
    for m in _LOOKALIKE_CLOSE.finditer(raw):
        fixed = raw[: m.start()] + '"}'
        if parse_json(fixed):
            return fixed
    return None


def parse_json(raw: str) -> dict[str, Any]:
    """A reply's JSON object, or {} when it is not one."""
    try:
        data = json.loads(raw, strict=False)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _parse_cut_off(raw: str) -> tuple[list[int], str]:
    """What a reply that is not whole JSON (e.g. cut at max_tokens) has said so far."""
    ids = re.search(r'"evidence"\s*:\s*\[([^\]]*)', raw)
    answer = re.search(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)', raw)
    evidence = [int(x) for x in re.findall(r"\d+", ids.group(1))] if ids else []
    if not answer:
        return evidence, ""
    # A \uXXXX escape cut short cannot be decoded; drop it (not an escaped backslash before it).
    body = re.sub(r"(?<!\\)((?:\\\\)*)\\u[0-9a-fA-F]{0,3}$", r"\1", answer.group(1))
    body = re.sub(r"(?<!\\)((?:\\\\)*)\\$", r"\1", body)  # a lone trailing backslash
    try:
        return evidence, printable(json.loads(f'"{body}"', strict=False))
    except ValueError:
        return evidence, ""


def printable(text: str) -> str:
    """`text` without lone UTF-16 surrogates (half an escaped emoji), which cannot be printed."""
    return re.sub("[\ud800-\udfff]", "", text)
