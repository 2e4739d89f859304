"""Read one file into a `SourceDocument`: decode or extract, check, repair, record pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

from trendqa.errors import InputError
from trendqa.loaders.labels import page_labels
from trendqa.loaders.pdf import READ_UP_TO_CUT, RawPdf, read_pdf
from trendqa.loaders.quality import UNMAPPED, UNREADABLE, assess_page
from trendqa.loaders.repair import repair
from trendqa.loaders.text import decode_text, guess_title
from trendqa.records import DocumentMeta, PageFlag, PageSpan, SourceDocument, TextQuality
from trendqa.textnorm import cjk_count, fold_lookalikes

_CHINESE_PAGE = 10  # ideographs on one page that say the document is Chinese


def load_file(
    path: Path, doc: str, meta: DocumentMeta | None = None, password: str | None = None
) -> SourceDocument:
    """Read one .pdf/.txt/.md file; raise `InputError` with a one-line reason if it is unusable.

    The text kept is the text stored and quoted: look-alike characters are folded
    (and, for PDFs, unusable pages emptied and safe layout repairs made) first, so
    offsets, pages and quotes all refer to it.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {(exc.strerror or str(exc)).lower()}") from exc
    if not data:
        raise InputError("empty file")
    pdf_title: str | None = None
    pages: tuple[PageSpan, ...] = ()
    if path.suffix.lower() == ".pdf":
        text, pages, quality, pdf_title = _load_pdf(data, password)
        encoding = "utf-8"
    else:
        text, encoding = decode_text(data)
        if not text.strip():
            raise InputError("empty file (only whitespace)")
        text, folded = fold_lookalikes(text)
        quality = TextQuality(folded=folded)
    if meta is None:
        meta = DocumentMeta(title=pdf_title or guess_title(text) or path.stem)
    return SourceDocument(
        doc=doc,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta,
        pages=pages,
        encoding=encoding,
        quality=quality,
    )


def _load_pdf(
    data: bytes, password: str | None
) -> tuple[str, tuple[PageSpan, ...], TextQuality, str | None]:
    """Text, page spans, quality and metadata title of a PDF."""
    raw = read_pdf(data, password)
    texts, flags = _checked_pages(raw)
    if not any(t.strip() for t in texts):
        raise InputError(_no_usable_page(raw, flags))
    repaired = [repair(t) for t in texts]
    labels = page_labels([t for t, _n in repaired], raw.labels)
    spans: list[PageSpan] = []
    offset = 0
    for number, ((page_text, _n), label) in enumerate(zip(repaired, labels, strict=True), 1):
        spans.append(PageSpan(number, offset, offset + len(page_text), label))
        offset += len(page_text) + 2  # the "\n\n" joining pages
    quality = TextQuality(
        pages=len(texts),
        pages_with_text=sum(1 for t in texts if t.strip()),
        flagged=tuple(flags),
        folded=sum(n for _t, n in repaired),
        # A cut-short file may read without a flagged page: the pages after the cut are
        # simply not there, and only this says so.
        notes=(READ_UP_TO_CUT,) if raw.truncated else (),
    )
    return "\n\n".join(t for t, _n in repaired), tuple(spans), quality, raw.title


def _checked_pages(raw: RawPdf) -> tuple[list[str], list[PageFlag]]:
    """Each page's usable text ("" when unusable) and the flags raised."""
    chinese = raw.chinese or any(cjk_count(t) >= _CHINESE_PAGE for t in raw.texts)
    texts: list[str] = []
    flags: list[PageFlag] = []
    for number, (text, image) in enumerate(zip(raw.texts, raw.images, strict=True), 1):
        problem: str | None = UNREADABLE
        kept = ""
        if number not in raw.unreadable:
            kept, problem = assess_page(text, image, chinese)
        texts.append(kept)
        if problem:
            flags.append(PageFlag(number, problem))
    return texts, flags


def _no_usable_page(raw: RawPdf, flags: list[PageFlag]) -> str:
    pages = len(raw.texts)
    if raw.unreadable and len(raw.unreadable) == pages:
        return "damaged PDF (no page could be read)"
    why = (
        "scanned, or fonts without a Unicode map"
        if any(f.problem == UNMAPPED for f in flags)
        else "scanned?"
    )
    return (
        f"no text layer on any of its {pages} page{'s' if pages != 1 else ''} ({why}) — "
        "OCR it first, e.g. `ocrmypdf in.pdf out.pdf`"
    )
