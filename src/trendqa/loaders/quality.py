"""Per-page checks of a PDF's text layer: empty (scanned) pages, and mojibake.

CJK fonts embedded without a ToUnicode map extract as Latin-1 soup ("Í¼ »ùÒò"):
the glyph codes are often GBK bytes that pypdf read as cp1252 (or Latin-1), so
re-encoding them and decoding as GBK gives the Chinese back. Any Latin-1 soup
decodes to *some* ideographs, so the result is trusted only when most of it reads
as Chinese words (jieba's dictionary); otherwise the page is left out.
"""

from __future__ import annotations

import logging
import re

from trendqa.textnorm import cjk_count

NO_TEXT = "no text layer (scanned?) — OCR needed"
UNMAPPED = "unreadable text (a font without a Unicode map) — OCR needed"
RECOVERED = "text decoded from a font without a Unicode map (cp1252 → GBK); check quotes"
UNREADABLE = "page could not be read (damaged)"

# cp1252's letters in 0x80-0x9f: where GBK lead bytes land when read as cp1252.
_CP1252_HIGH = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
_MIN_CHARS = 8  # shorter pages (a lone page number) are too short to judge
_MOJIBAKE = 0.3  # share of Latin-1 symbols no real Latin-script page reaches
_MOJIBAKE_IN_CHINESE = 0.1  # ... or, in a document that says it is Chinese
_WORDS = 0.6  # share of recovered ideographs that must fall in dictionary words


def assess_page(text: str, has_image: bool, chinese: bool) -> tuple[str, str | None]:
    """The page text to keep and the problem found, if any."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return "", NO_TEXT if has_image else None  # a page without an image is just blank
    if len(visible) < _MIN_CHARS or cjk_count(text):
        return text, None
    high = sum(1 for c in visible if "\u00a0" <= c <= "\u00ff" or c in _CP1252_HIGH)
    if high < (_MOJIBAKE_IN_CHINESE if chinese else _MOJIBAKE) * len(visible):
        return text, None
    recovered = recover_gbk(text)
    if recovered is not None:
        return recovered, RECOVERED
    return "", UNMAPPED


def recover_gbk(text: str) -> str | None:
    """`text` re-read as GBK bytes, when that yields plausible Chinese; else None."""
    try:
        data = b"".join(_byte(c) for c in text)
    except UnicodeEncodeError:
        return None  # a character no single-byte reading produces: not this kind of mojibake
    recovered = data.decode("gbk", errors="replace")
    han = sum(1 for c in recovered if "\u4e00" <= c <= "\u9fff")
    if han < 2 or recovered.count("\ufffd") > 0.05 * len(recovered):
        return None
    return recovered if _in_words(recovered) >= _WORDS * han else None


def _byte(char: str) -> bytes:
    if char < "\x80":
        return char.encode("ascii")
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        if char <= "\xff":  # the five bytes cp1252 leaves undefined, read as Latin-1
            return bytes([ord(char)])
        raise


def _in_words(text: str) -> int:
    """Ideographs of `text` that jieba's dictionary reads as part of a word of 2+ characters."""
    import jieba  # heavy (a dictionary); only needed for pages that look garbled

    jieba.setLogLevel(logging.WARNING)
    han = re.findall("[\u4e00-\u9fff]+", text)
    # Without HMM, jieba only joins characters into words its dictionary knows.
    return sum(len(w) for run in han for w in jieba.lcut(run, HMM=False) if len(w) > 1)
