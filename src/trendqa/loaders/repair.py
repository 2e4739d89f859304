"""Safe repairs of extracted text, applied before it is stored (so quotes match it).

Only what pypdf's text shows unambiguously is repaired: look-alike code points,
bullet glyphs extracted as their names, and English words hyphenated at a line end.
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
    return dehyphenate(text), folded


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
