"""Open a PDF with pypdf: tell apart why it cannot be read, decrypt it, extract its pages."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trendqa.errors import InputError
from trendqa.textnorm import cjk_count

NEEDS_CRYPTOGRAPHY = (
    "encrypted PDF (AES) needs the 'cryptography' package — run `pip install cryptography`"
)
NEEDS_PASSWORD = (
    'encrypted PDF needs a password — add `password = "..."` to its manifest.toml entry '
    "(or pass `--password` when ingesting this one file)"
)
WRONG_PASSWORD = (
    "wrong password for this encrypted PDF — check `password` in manifest.toml or `--password`"
)
TRUNCATED = "truncated PDF (it stops before its end-of-file marker) — download it again"
# ... and when the pages before the cut could still be read: pages after it are lost.
READ_UP_TO_CUT = (
    "truncated PDF (it stops before its end-of-file marker): only what comes before the cut "
    "was read, later pages may be missing or empty — download it again"
)


class PasswordError(InputError):
    """An encrypted PDF without the right password; worth retrying once one is given."""


@dataclass(frozen=True)
class RawPdf:
    """What pypdf extracted, page by page, before any quality check."""

    texts: tuple[str, ...]
    unreadable: frozenset[int]  # 1-based pages pypdf failed on
    images: tuple[bool, ...]  # whether each page draws an image (a scan, when it has no text)
    labels: tuple[str, ...]  # from /PageLabels; empty when the PDF has none
    title: str | None
    chinese: bool  # metadata or the document language says Chinese
    truncated: bool = False  # the file stops before its end-of-file marker


def read_pdf(data: bytes, password: str | None = None) -> RawPdf:
    """Extract a PDF's pages; raise `InputError` with a distinct reason when it cannot be read."""
    check_signature(data)
    truncated = b"%%EOF" not in data[-2048:]
    from pypdf.errors import DependencyError  # heavy import, only needed for PDFs

    with quiet_pypdf():
        try:
            raw = _read(data, password)
        except InputError:
            raise
        except DependencyError as exc:
            raise InputError(NEEDS_CRYPTOGRAPHY) from exc
        except Exception as exc:
            # pypdf raises many types (PdfReadError, ValueError, KeyError, ...)
            # on damaged files; to the user they all mean the same thing.
            raise InputError(TRUNCATED if truncated else f"damaged PDF ({_one_line(exc)})") from exc
    if truncated and len(raw.unreadable) == len(raw.texts):
        raise InputError(TRUNCATED)
    return dataclasses.replace(raw, truncated=truncated)


def check_signature(data: bytes) -> None:
    """Refuse a file that is not a PDF at all, saying what it looks like instead."""
    if b"%PDF-" not in data[:1024]:  # the header may follow a little junk, per the spec
        raise InputError(f"not a PDF: {_what_it_is(data)}")


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    kinds = {
        b"<!doctype html": "an HTML page (a failed download?)",
        b"<html": "an HTML page (a failed download?)",
        b"caj": "a CNKI CAJ file — export it as PDF with CAJViewer",
        b"hn": "a CNKI CAJ file — export it as PDF with CAJViewer",
        b"pk\x03\x04": "a ZIP archive (a .docx or .epub renamed?)",
        b"\xd0\xcf\x11\xe0": "an old Office document (.doc?)",
        b"\x89png": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
    }
    for magic, kind in kinds.items():
        if head.startswith(magic):
            return kind
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "no %PDF header"
    return "the file is plain text (rename it to .txt?)"


def _read(data: bytes, password: str | None) -> RawPdf:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        _decrypt(reader, password)
    texts: list[str] = []
    unreadable: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(_page_text(page))
        except DependencyError:
            raise  # an AES file opened with the right password still needs cryptography
        except Exception:  # one damaged page should not cost the whole report
            texts.append("")
            unreadable.add(number)
    title = _pdf_title(reader)
    return RawPdf(
        texts=tuple(texts),
        unreadable=frozenset(unreadable),
        images=tuple(_has_image(page) for page in reader.pages),
        labels=_labels(reader),
        title=title,
        chinese=_says_chinese(reader, title),
    )


def _decrypt(reader: Any, password: str | None) -> None:
    from pypdf.errors import DependencyError

    # Many PDFs are encrypted with an empty user password: they open without one.
    for attempt in [password, ""] if password else [""]:
        try:
            if reader.decrypt(attempt):
                return
        except DependencyError as exc:
            raise InputError(NEEDS_CRYPTOGRAPHY) from exc
        except NotImplementedError as exc:
            raise InputError(f"encrypted PDF with an unsupported method ({exc})") from exc
    raise PasswordError(WRONG_PASSWORD if password else NEEDS_PASSWORD)


def _page_text(page: Any) -> str:
    symbol: set[str] = set()  # private-use characters a Symbol font drew ...
    other: set[str] = set()  # ... and those any other font drew (Wingdings' bullets)

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        private = {c for c in text if _SYMBOL_PRIVATE.get(c)}
        if private:
            name = str(font.get("/BaseFont", "")) if font else ""
            (symbol if "symbol" in name.lower() else other).update(private)

    text = str(page.extract_text(visitor_text=visit) or "")
    for char in symbol - other:
        text = text.replace(char, _SYMBOL_PRIVATE[char])
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _symbol_private() -> dict[str, str]:
    """Word writes a Symbol-font character without a Unicode mapping as U+F000 plus its
    code (U+F0A2 for the prime ′): the Symbol encoding's character for each such code."""
    try:
        from pypdf._codecs import _symbol_encoding
    except ImportError:  # a pypdf without its Symbol table: such characters stay as drawn
        return {}
    return {
        chr(0xF000 + code): char
        for code, char in enumerate(_symbol_encoding)
        if code >= 0x20 and char.isprintable() and char != "\ufffd"
    }


_SYMBOL_PRIVATE = _symbol_private()


def _has_image(page: Any) -> bool:
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if not xobjects:
            return False
        return any(
            x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values()
        )
    except Exception:
        return False  # unreadable resources: we only lose the hint "scanned"


def _labels(reader: Any) -> tuple[str, ...]:
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return ()
        return tuple(str(label) for label in reader.page_labels)
    except Exception:
        return ()  # a broken label tree costs only the printed page numbers


def _pdf_title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return None  # a broken info dictionary only costs us the title
    title = str(title or "").strip()
    # Titles that PDF producers fill in by themselves and that name no report; and a
    # printer driver's hex-encoded title ("<4D6963...>": "Microsoft Word - 附件.doc" in
    # the ANSI code page, GBK on Chinese Windows), which Distiller copies undecoded.
    junk = re.compile(
        r"untitled|<[0-9a-f\s]*>|.*\.(?:docx?|pptx?|xlsx?|pdf|indd|wps)", re.IGNORECASE
    )
    return None if not title or junk.fullmatch(title) else title


def _says_chinese(reader: Any, title: str | None) -> bool:
    try:
        info = reader.metadata or {}
        words = " ".join(str(info.get(k, "")) for k in ("/Title", "/Subject", "/Author"))
        lang = str(reader.trailer["/Root"].get("/Lang", ""))
    except Exception:
        words, lang = title or "", ""
    return cjk_count(words) > 0 or lang.lower().startswith("zh")


def _one_line(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    return message[:120] or type(exc).__name__


@contextlib.contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's warnings off stderr: a bad file becomes our one-line reason instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
