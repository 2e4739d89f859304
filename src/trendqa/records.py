"""Typed records passed between the layers; `--json` output is their serialisation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class PageSpan:
    """Where one PDF page lies in its document's extracted text (1-based page)."""

    page: int
    start: int
    end: int
    label: str | None = None  # the printed page number, when it differs from `page`


@dataclass(frozen=True)
class PageFlag:
    """A page whose text layer could not be used as extracted, and why (one line)."""

    page: int
    problem: str


@dataclass(frozen=True)
class TextQuality:
    """What loading learned about a file's text layer; the ingest summary counts it."""

    pages: int = 0
    pages_with_text: int = 0
    flagged: tuple[PageFlag, ...] = ()
    folded: int = 0  # look-alike characters folded (compatibility ideographs, radicals, ...)
    notes: tuple[str, ...] = ()  # problems of the whole file (one line each): it was cut short

    def warnings(self) -> list[str]:
        """One line per problem: the file's first, then those naming their pages
        (`pages 2-4, 7: no text layer ...`)."""
        pages: dict[str, list[int]] = {}
        for flag in self.flagged:
            pages.setdefault(flag.problem, []).append(flag.page)
        flagged = [f"{_page_list(numbers)}: {problem}" for problem, numbers in pages.items()]
        return [*self.notes, *flagged]


def _page_list(numbers: list[int]) -> str:
    """`page 3` or `pages 2-4, 7`."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return f"{'pages' if len(numbers) > 1 else 'page'} {', '.join(parts)}"


@dataclass(frozen=True)
class DocumentMeta:
    """What a citation label needs to know about a document (from the manifest)."""

    title: str
    publisher: str | None = None
    year: int | None = None
    source: str | None = None
    aliases: tuple[str, ...] = ()  # other names readers use for it (its English title)


@dataclass(frozen=True)
class SourceDocument:
    """A loaded file: its full text, and where its pages begin when it is a PDF."""

    doc: str  # name relative to the ingest root, POSIX separators: the document's id
    path: Path
    text: str
    sha256: str  # of the file's bytes; drives incremental ingest
    meta: DocumentMeta
    pages: tuple[PageSpan, ...] = ()
    encoding: str = "utf-8"
    quality: TextQuality = field(default_factory=TextQuality)

    @property
    def title(self) -> str:
        return self.meta.title

    def span_at(self, offset: int) -> PageSpan | None:
        """The page holding character `offset`, or None for non-PDFs."""
        for span in self.pages:
            if span.start <= offset < span.end:
                return span
        return self.pages[-1] if self.pages else None

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character `offset`, or None for non-PDFs."""
        span = self.span_at(offset)
        return span.page if span else None

    def report(self) -> FileReport:
        """This file's line in the ingest summary."""
        q = self.quality
        return FileReport(
            self.doc, len(self.pages), q.pages_with_text, len(q.flagged), q.folded, q.warnings()
        )


@dataclass(frozen=True)
class FileReport:
    """Per-file counts for the ingest summary, and warnings that name pages."""

    path: str
    pages: int
    pages_with_text: int
    pages_flagged: int
    chars_folded: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Location:
    """Where a passage sits in one source document: offsets into its text, lines, page."""

    doc: str
    title: str
    start: int
    end: int
    line_start: int  # 1-based, inclusive
    line_end: int
    page: int | None = None
    page_label: str | None = None  # printed page number when it differs from `page`

    def label(self) -> str:
        """Human citation label, e.g. `Title, p. 3`, `Title, p. 2 (PDF page 10)`, `lines 10-14`."""
        return f"{self.title}, {place(self.page, self.line_start, self.line_end, self.page_label)}"


def place(page: int | None, line_start: int, line_end: int, page_label: str | None = None) -> str:
    """Where a passage is: its printed and PDF page, its PDF page, else its line range."""
    if page is not None:
        if page_label and page_label != str(page):
            return f"p. {page_label} (PDF page {page})"
        return f"p. {page}"
    if line_start == line_end:
        return f"line {line_start}"
    return f"lines {line_start}-{line_end}"


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. Text is verbatim from the source, so quotes can be checked."""

    id: str  # hash of the folded text: equal passages get equal ids
    text: str
    location: Location
    heading: str | None = None
    also_in: tuple[Location, ...] = ()  # other documents holding the same passage

    @property
    def doc(self) -> str:
        return self.location.doc

    @property
    def title(self) -> str:
        return self.location.title

    @property
    def page(self) -> int | None:
        return self.location.page

    @property
    def docs(self) -> tuple[str, ...]:
        return (self.location.doc, *(loc.doc for loc in self.also_in))


@dataclass(frozen=True)
class Hit:
    """One ranked search result; `retrievers` maps retriever name to its own 1-based rank."""

    chunk: Chunk
    rank: int
    score: float
    retrievers: Mapping[str, int] = field(default_factory=dict)
    similarity: float | None = None  # cosine between query and passage, when dense ran


@dataclass(frozen=True)
class Skipped:
    """An input that was not indexed, and the one-line reason why."""

    path: str
    reason: str
