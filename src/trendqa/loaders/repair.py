"""Safe repairs of extracted text, applied before it is stored (so quotes match it).

Only what pypdf's text shows unambiguously is repaired: look-alike code points,
bullet glyphs extracted as their names, English words hyphenated at a line end, and
a table cell wrapped onto the next line when that line only closes its bracket.
"""

from __future__ import annotations

import re

from trendqa.textnorm import fold_lookalikes

# Symbol-font bullets some producers (Word with IBM fonts) emit as glyph names.
_GLYPH_NAME = re.compile(r"/SM\d{6}\b")
# "inter-\nnational": letters, a hyphen ending the line, lowercase letters opening the next.
_HYPHENATED = re.compile(r"\b([A-Za-z]{2,})-[ \t]*\n([a-z]{2,})\b[ \t]?")
# Prefixes written with a hyphen ("non-normal"): kept unless the joined word occurs.
_PREFIXES = frozenset(
    {
        "non",
        "self",
        "well",
        "co",
        "cross",
        "multi",
        "anti",
        "pre",
        "post",
        "semi",
        "sub",
        "high",
        "low",
        "long",
        "short",
        "full",
        "half",
        "first",
        "second",
        "third",
        "one",
        "two",
        "three",
        "four",
        "five",
        "all",
        "ex",
        "quasi",
        "inter",
        "intra",
    }
)


def repair(text: str) -> tuple[str, int]:
    """Repaired text and the number of look-alike characters folded."""
    text, folded = fold_lookalikes(text)
    text = _GLYPH_NAME.sub("•", text)
    return join_wrapped_cells(dehyphenate(text)), folded


def join_wrapped_cells(text: str) -> str:
    """Put a wrapped table cell back on its row.

    "上海浦江创业投资合伙企业（有限 8.02% 102,910,000" followed by a line "合伙）"
    becomes "上海浦江创业投资合伙企业（有限合伙） 8.02% 102,910,000": the short line
    has no figures and closes the one bracket the row left open, so it can only
    belong there. Anything less certain is left as extracted.
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        row = out[-1] if out else ""
        at = _open_cell(row)
        if at is not None and _closes_cell(line.strip(), row[at]):
            cut = _CELL_END.search(row, at)
            end = cut.start() if cut else len(row)
            out[-1] = row[:end] + line.strip() + row[end:]
            continue
        out.append(line)
    return "\n".join(out)


_BRACKETS = {"（": "）", "(": ")"}
_FIGURES = re.compile(r"\d[\d,.]*%?")
_CELL_END = re.compile(r"\s")
_MAX_WRAPPED = 12  # a wrapped cell's tail is a few characters, not a sentence


def _open_cell(row: str) -> int | None:
    """Where the row's single unclosed bracket is, if the row is a table row (2+ figures)."""
    if len(_FIGURES.findall(row)) < 2:
        return None
    stack = []
    for i, char in enumerate(row):
        if char in _BRACKETS:
            stack.append(i)
        elif char in _BRACKETS.values() and stack:
            stack.pop()
    return stack[0] if len(stack) == 1 else None


def _closes_cell(line: str, bracket: str) -> bool:
    close = _BRACKETS[bracket]
    return (
        0 < len(line) <= _MAX_WRAPPED
        and not _FIGURES.search(line)
        and line.count(close) == 1
        and line.endswith(close)
        and bracket not in line
    )


def dehyphenate(text: str) -> str:
    """Join words hyphenated across a line end, unless they may be hyphenated compounds.

    "infor-\\nmation" becomes "information\\n" (the line break moves after the word).
    The hyphen stays when the joined word never occurs elsewhere and either the
    hyphenated word does ("well-known") or its head is a prefix written with a
    hyphen ("non-normal").
    """
    lower = text.lower()

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        joined = f"{head}{tail}".lower()
        if joined not in lower and (f"{head}-{tail}".lower() in lower or head.lower() in _PREFIXES):
            return match.group()
        return f"{head}{tail}\n"

    return _HYPHENATED.sub(join, text)
