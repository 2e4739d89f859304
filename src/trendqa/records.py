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


@dataclass(frozen=True)
class DocumentMeta:
    """What a citation label needs to know about a document (from the manifest)."""

    title: str
    publisher: str | None = None
    year: int | None = None
    source: str | None = None


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

    @property
    def title(self) -> str:
        return self.meta.title

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character `offset`, or None for non-PDFs."""
        for span in self.pages:
            if span.start <= offset < span.end:
                return span.page
        return self.pages[-1].page if self.pages else None


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

    def label(self) -> str:
        """Human citation label, e.g. `Title, p. 3` or `Title, lines 10-14`."""
        where = (
            f"p. {self.page}"
            if self.page is not None
            else f"lines {self.line_start}-{self.line_end}"
            if self.line_end != self.line_start
            else f"line {self.line_start}"
        )
        return f"{self.title}, {where}"


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
