"""Text folding and language detection shared by loading, chunking, verification and eval."""

from __future__ import annotations

import re
import unicodedata

# Quote marks that models swap freely ("" for “” or 「」); ignored when comparing.
_QUOTES = "\"'`“”‘’「」『』《》〈〉«»"
_DROP = str.maketrans("", "", _QUOTES)
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# CJK Radicals Supplement forms that PDF fonts emit for whole characters (⻅ for 见);
# NFKC leaves all but two of them alone, so they need an explicit map.
RADICALS_SUPPLEMENT = {
    "⺠": "民",
    "⺟": "母",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻉": "贝",
    "⻋": "车",
    "⻓": "长",
    "⻔": "门",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻢": "马",
    "⻣": "骨",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
    "⻳": "龟",
}
_RADICALS = str.maketrans(RADICALS_SUPPLEMENT)
# Code points that look like ordinary characters but match nothing a user types:
# CJK Radicals Supplement, Kangxi Radicals, CJK Compatibility Ideographs (and their
# supplement) and Latin ligatures. Each folds to the character it stands for.
_LOOKALIKE = re.compile(
    "[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\ufb00-\ufb06\U0002f800-\U0002fa1f]"
)


# A hyphen between a Latin letter and a digit: how a name meets its number (GPT-3.5,
# COVID-19), written with or without it.
JOINED_NUMBER = re.compile(r"(?<=[a-z])[-‐‑–](?=\d)")


# A year written digit by digit in characters, as government documents write them:
# 二〇二三年 is 2023年, and a Republic-of-China year 民國一一二年 is 112年.
HAN_YEAR = re.compile(r"[〇零一二三四五六七八九]{3,4}(?=\s*年)")
HAN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")  # digit by digit


def han_years(text: str) -> str:
    """`text` with years written digit by digit in characters given in digits."""
    return HAN_YEAR.sub(lambda m: m.group(0).translate(HAN_DIGITS), text)


def fold(text: str) -> str:
    """Fold for comparison: NFKC (width, compatibility ideographs, radicals, ligatures),
    the radicals NFKC keeps, years written in characters in digits (二〇二三年 is 2023年),
    no whitespace, no quote marks, lowercase, and no hyphen joining a name to its number
    (GPT-4 and GPT4 are one name, as BM25's tokens say)."""
    text = han_years(unicodedata.normalize("NFKC", text).translate(_RADICALS))
    return JOINED_NUMBER.sub("", _SPACE.sub("", text).translate(_DROP).lower())


def fold_lookalikes(text: str) -> tuple[str, int]:
    """`text` with look-alike code points replaced by the characters they stand for,
    and how many were replaced; everything else (full-width punctuation too) is kept."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        char = match.group()
        folded = RADICALS_SUPPLEMENT.get(char) or unicodedata.normalize("NFKC", char)
        count += folded != char
        return folded

    return _LOOKALIKE.sub(replace, text), count


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


def written_in(text: str, language: str) -> bool:
    """Whether a reader of `language` reads `text` as written in it. Chinese text is mostly
    Han (names in Latin letters among it are Chinese writing's too); English text has no
    Han character at all: "AMD MI300X 采用 192GB HBM3e 内存" is mostly Latin letters, and
    not English."""
    if language == "en":
        return cjk_count(text) == 0
    return detect_language(text) == language


_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
# Han characters and the CJK marks and full-width forms set among them ("、", "（"): a line
# break between two of them is no space.
_CJK_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


# A page's printed number, decorated as no line of text is ("—  4  —", "- 12 -", "第 3 页",
# "Page 1 of 205"): the one that stands between two halves of a sentence the page break cut.
PAGE_MARK = re.compile(
    r"[-–—]\s*\d{1,4}\s*[-–—]"
    r"|第\s*[\d一二三四五六七八九十百]+\s*页(?:\s*[/／,，]?\s*共\s*\d+\s*页)?"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?",
    re.IGNORECASE,
)


def one_line(text: str) -> str:
    """A sentence a PDF's column wrapped, as one line: a line break between Latin words is a
    space, one between Chinese characters nothing, and one after a word's hyphen too (a
    compound the PDF broke there, "work-" / "hour": the loader joins other words). A page's
    number printed inside it, where a page break cut it, is left out with the blank lines
    around it."""
    if "\n" in text:
        kept = (line for line in text.split("\n") if line.strip())
        text = "\n".join(line for line in kept if not PAGE_MARK.fullmatch(line.strip()))

    def join(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _CJK_TEXT.match(before) and _CJK_TEXT.match(after):
            return ""
        hyphen = before == "-" and m.start() >= 2 and text[m.start() - 2].isalpha()
        return "" if hyphen and after.isalpha() else " "

    return _LINE_BREAK.sub(join, text.strip())


# A table's dot leaders between its cells ("AOA sensor system test ....... 40 work-hours",
# "verification .. 1 work-hour"); an ellipsis in prose (" ... ") is left as written.
_LEADER = re.compile(r"[ \t]*(?:[.·]{4,}|(?<=\s)\.\.(?=\s))[ \t]*")


# An HTML tag left in a text file by whatever extracted it ('<ul style="list-style-type:
# none">' between a table's cells): markup, not words a reader reads.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")


def without_markup(text: str) -> str:
    """`text` with its HTML tags left out, each a space."""
    return _TAG.sub(" ", text) if "<" in text else text


def without_leaders(text: str) -> str:
    """`text` with each run of dot leaders written as one ellipsis, as a reader would set a
    table row's cells apart in a sentence."""
    return _LEADER.sub(" … ", text)


def as_read(text: str) -> str:
    """A passage's sentence as a reader reads it, the model is shown it and an answer
    quotes it: one line, no HTML tag, a table's dot leaders one ellipsis."""
    return without_leaders(without_markup(one_line(text)))
