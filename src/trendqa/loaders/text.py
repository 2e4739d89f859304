"""Text files: decode UTF-8 / UTF-16 / GB18030 safely, and guess a title."""

from __future__ import annotations

import re

from trendqa.errors import InputError

_MAX_TITLE = 60
# Characters real Chinese/English text is made of; GB18030 decodes many byte
# strings that are not GB18030 text, and the result is full of rare ideographs
# (Extension A), private-use and odd symbols instead.
_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u00ff\u0370-\u04ff\u2000-\u22ff\u2460-\u26ff"
    "\u3000-\u33ff\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_MARKUP = re.compile(r"^[#>*\s]+|[*\s]+$")
_WORDY = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes as UTF-8 (BOM or not), UTF-16 with BOM or GB18030; LF line ends."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _strict(data, "utf-8-sig"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _strict(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        # NUL never occurs in UTF-8/GB18030 text; without a BOM it means binary.
        raise InputError("binary file, not text")
    else:
        text, encoding = _utf8_or_gb18030(data)
    if text is None:
        raise InputError(f"cannot decode text as {encoding}")
    # A stray escape character is tolerated; more than 1% control characters is not text.
    if len(_CONTROL.findall(text)) > 1 + len(text) // 100:
        raise InputError("binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _utf8_or_gb18030(data: bytes) -> tuple[str | None, str]:
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    text = _strict(data, "gb18030")
    if text is not None and looks_like_text(text):
        return text, "gb18030"
    return None, "UTF-8, UTF-16 or GB18030 (GBK)"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def looks_like_text(text: str) -> bool:
    """Whether `text` is made of the characters real Chinese/English text uses."""
    # 95%: leaves room for the odd rare character, not for mojibake.
    return len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text)


def guess_title(text: str) -> str | None:
    """The first Markdown heading, else the first short line that has words in it."""
    heading = _MD_HEADING.search(text)
    if heading:
        title = _MARKUP.sub("", heading.group(1))
        if title:
            return title
    for line in text.splitlines():
        title = _MARKUP.sub("", line)
        if title and len(title) <= _MAX_TITLE and _WORDY.search(title):
            return title
    return None
