"""Find input files and read them into `SourceDocument`s: text in common Chinese encodings, or PDF.

Citation labels come from an optional `manifest.toml` in the ingest root, one
`[[document]]` table per file::

    [[document]]
    file = "reports/tencent_2024.txt"    # required: path relative to the root, `/` separators
    title = "2024数字科技前沿应用趋势"        # required
    publisher = "腾讯研究院"                  # optional
    year = 2024                           # optional integer
    source = "https://example.org/r.pdf"  # optional: URL or free-text provenance

Files without an entry are still loaded, titled from their PDF metadata, first
heading or first short line, or else their file name.

Every problem with an input file surfaces as `InputError` whose message is a
one-line reason (no path), so ingest can record it as `Skipped(path, reason)`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import tomllib
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from trendqa.errors import InputError
from trendqa.records import DocumentMeta, PageSpan, Skipped, SourceDocument

SUFFIXES = (".pdf", ".txt", ".md")
MANIFEST = "manifest.toml"

_MANIFEST_KEYS = {"file", "title", "publisher", "year", "source"}
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
# Titles that PDF producers fill in by themselves and that name no report.
_JUNK_TITLE = re.compile(r"untitled|.*\.(?:docx?|pptx?|xlsx?|pdf|indd|wps)", re.IGNORECASE)


def read_manifest(root: Path) -> dict[str, DocumentMeta]:
    """Citation metadata from `root/manifest.toml`, keyed by POSIX path relative to `root`."""
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise InputError(f"{path}: `document` must be [[document]] tables")
    manifest: dict[str, DocumentMeta] = {}
    for number, entry in enumerate(entries, start=1):
        name, meta = _manifest_entry(entry, f"{path}: document #{number}")
        manifest[name] = meta
    return manifest


def _manifest_entry(entry: Any, where: str) -> tuple[str, DocumentMeta]:
    if not isinstance(entry, dict):
        raise InputError(f"{where} must be a table")
    unknown = sorted(set(entry) - _MANIFEST_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (expected {sorted(_MANIFEST_KEYS)})")
    for key in ("file", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(f"{where}: `{key}` must be a non-empty string")
    for key in ("publisher", "source"):
        if key in entry and not isinstance(entry[key], str):
            raise InputError(f"{where}: `{key}` must be a string")
    year = entry.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise InputError(f"{where}: `year` must be an integer")
    name = PurePosixPath(entry["file"].replace("\\", "/")).as_posix()
    meta = DocumentMeta(
        title=entry["title"].strip(),
        publisher=entry.get("publisher"),
        year=year,
        source=entry.get("source"),
    )
    return name, meta


def discover(paths: Sequence[Path]) -> tuple[list[tuple[Path, str, Path]], list[Skipped]]:
    """Expand `paths` to loadable files as `(path, doc name, root)`, plus what was skipped."""
    found: list[tuple[Path, str, Path]] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            candidates = [
                (p, p.relative_to(given).as_posix(), given) for p in _walk(given, skipped)
            ]
        elif given.is_file():
            if given.suffix.lower() not in SUFFIXES:
                skipped.append(Skipped(str(given), _unsupported(given)))
                continue
            candidates = [(given, given.name, given.parent)]
        else:
            skipped.append(Skipped(str(given), "no such file or directory"))
            continue
        for path, doc, root in candidates:
            # The same file named twice (a folder and a file in it) is loaded once.
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append((path, doc, root))
    return found, skipped


def _unsupported(path: Path) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
    return f"unsupported file type {kind} (expected {', '.join(SUFFIXES)})"


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    """Supported, non-hidden files under `root`, sorted by their path relative to it."""

    def unreadable(exc: OSError) -> None:
        skipped.append(Skipped(str(exc.filename), f"cannot list folder: {exc.strerror}"))

    files: list[Path] = []
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(
            Path(folder, name)
            for name in names
            if not name.startswith(".")
            and name != MANIFEST
            and Path(name).suffix.lower() in SUFFIXES
        )
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def load_file(path: Path, doc: str, meta: DocumentMeta | None = None) -> SourceDocument:
    """Read one .pdf/.txt/.md file; raise `InputError` with a one-line reason if it is unusable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {(exc.strerror or str(exc)).lower()}") from exc
    if not data:
        raise InputError("empty file")
    pdf_title: str | None = None
    if path.suffix.lower() == ".pdf":
        text, pages, pdf_title = _read_pdf(data)
        encoding = "utf-8"
    else:
        text, encoding = _decode_text(data)
        pages = ()
        if not text.strip():
            raise InputError("empty file (only whitespace)")
    if meta is None:
        meta = DocumentMeta(title=pdf_title or _guess_title(text) or path.stem)
    return SourceDocument(
        doc=doc,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta,
        pages=pages,
        encoding=encoding,
    )


def _decode_text(data: bytes) -> tuple[str, str]:
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
    if text is not None and _looks_like_text(text):
        return text, "gb18030"
    return None, "UTF-8, UTF-16 or GB18030 (GBK)"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    # 95%: leaves room for the odd rare character, not for mojibake.
    return len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text)


def _guess_title(text: str) -> str | None:
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


def _read_pdf(data: bytes) -> tuple[str, tuple[PageSpan, ...], str | None]:
    """Text, page spans and metadata title of a PDF."""
    with _quiet_pypdf():
        try:
            return _extract_pdf(data)
        except InputError:
            raise
        except Exception as exc:
            # pypdf raises many types (PdfReadError, ValueError, KeyError, ...)
            # on damaged files; to the user they all mean the same thing.
            raise InputError(f"corrupt PDF ({_one_line(exc)})") from exc


def _extract_pdf(data: bytes) -> tuple[str, tuple[PageSpan, ...], str | None]:
    from pypdf import PdfReader  # heavy import, only needed for PDFs
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")  # many PDFs are encrypted with an empty password
        except DependencyError as exc:
            raise InputError("encrypted PDF needs the 'cryptography' package") from exc
        if not decrypted:
            raise InputError("encrypted PDF needs a password: save an unencrypted copy")
    texts: list[str] = []
    failure: Exception | None = None
    for page in reader.pages:
        try:
            texts.append(_page_text(page))
        except Exception as exc:  # one damaged page should not cost the whole report
            texts.append("")
            failure = exc
    if not any(t.strip() for t in texts):
        if failure is not None:
            raise failure
        raise InputError("no text layer (scanned?)")
    spans: list[PageSpan] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        spans.append(PageSpan(number, offset, offset + len(page_text)))
        offset += len(page_text) + 2  # the "\n\n" joining pages
    return "\n\n".join(texts), tuple(spans), _pdf_title(reader)


def _page_text(page: Any) -> str:
    text = str(page.extract_text() or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _pdf_title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return None  # a broken info dictionary only costs us the title
    title = str(title or "").strip()
    return None if not title or _JUNK_TITLE.fullmatch(title) else title


def _one_line(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    return message[:120] or type(exc).__name__


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
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
