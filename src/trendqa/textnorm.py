"""Text folding and language detection shared by chunking, verification and eval."""

from __future__ import annotations

import re
import unicodedata

# Quote marks that models swap freely ("" for “” or 「」); ignored when comparing.
_QUOTES = "\"'`“”‘’「」『』《》〈〉«»"
_DROP = str.maketrans("", "", _QUOTES)
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold(text: str) -> str:
    """Fold for comparison: NFKC (full/half width), no whitespace, no quote marks, lowercase."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", text).translate(_DROP).lower()


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` once both are folded."""
    folded = fold(needle)
    return bool(folded) and folded in fold(haystack)


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in `text`."""
    return len(_CJK.findall(text))


def han_share(text: str) -> float:
    """Share of Han script in `text`, counting a Chinese character like a Latin word."""
    han = cjk_count(text)
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    return han / (han + latin_words) if han + latin_words else 0.0


def detect_language(text: str) -> str:
    """'zh' when the text is mostly Chinese, else 'en'."""
    return "zh" if han_share(text) >= 0.5 else "en"
