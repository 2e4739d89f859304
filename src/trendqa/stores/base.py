"""The store seam: what retrieval, answering and ingest may ask of wherever the index lives.

Two roles, two protocols:

    Store        a place an index lives (an index folder, a Milvus collection):
                 its build facts, its versions, the write lock, atomic writes
    StoredIndex  one opened version of it: chunks, tokens, vectors, dense and
                 lexical search, fetch by id, build facts

A write replaces the whole version, never part of the live one: duplicate
folding and BM25's statistics (idf, average length) are corpus-wide, so adding,
replacing or deleting one document changes other documents' rows and scores.
Ingest does the per-document work (by file hash: unchanged files are neither
parsed nor embedded again) and hands the store the next version as a snapshot
(`trendqa.store.Index`); readers keep the version they opened until they reopen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from trendqa.embedding import Vectors
from trendqa.records import Chunk

if TYPE_CHECKING:
    from trendqa.store import Index, IndexMeta

Ranked = list[tuple[int, float]]  # (row, score), best first
DocFilter = frozenset[str] | None  # document names a search is confined to; None: all


class Lexicon(Protocol):
    """Corpus-wide term statistics the answerer weighs terms with."""

    @property
    def idf(self) -> Mapping[str, float]: ...

    @property
    def max_idf(self) -> float: ...


class StoredIndex(Protocol):
    """One version of an index, opened for reading; rows number its passages from 0."""

    @property
    def meta(self) -> IndexMeta: ...

    @property
    def chunks(self) -> Sequence[Chunk]: ...

    @property
    def tokens(self) -> Sequence[Sequence[str]]: ...

    @property
    def vectors(self) -> Vectors: ...

    def __len__(self) -> int: ...

    def describe(self) -> IndexMeta:
        """How this version was built: embedder, dimension, chunker, documents."""
        ...

    def lexicon(self) -> Lexicon: ...

    def search_dense(self, query: Vectors, k: int, docs: DocFilter = None) -> Ranked:
        """Top-k (row, inner product) for one unit query vector."""
        ...

    def search_lexical(self, terms: Sequence[str], k: int, docs: DocFilter = None) -> Ranked:
        """Top-k (row, BM25 score) for the query's tokens, ties broken by row."""
        ...

    def fetch(self, chunk_id: str) -> Chunk | None:
        """The stored passage with this id, or None."""
        ...

    def source_chunks(self, doc: str) -> list[Chunk]:
        """`doc`'s chunks as chunking made them, before duplicates were folded."""
        ...


@dataclass(frozen=True)
class StoreHealth:
    """What ingest finds before writing: the version it may reuse, and what is damaged."""

    intact: str | None  # the newest complete version that checks out
    live_intact: bool = False  # the live version is that one
    damage: str = ""  # why the live version is unusable; "" when fine or absent


class Store(Protocol):
    """A place an index lives; every method names what to run next when it fails."""

    @property
    def location(self) -> str:
        """Where it is, as the user would name it (a folder, a milvus:// URL)."""
        ...

    def read_meta(self) -> IndexMeta:
        """Build facts of the live version, without loading passages or vectors."""
        ...

    def open(self) -> StoredIndex:
        """The live version, for searching."""
        ...

    def live_version(self) -> str:
        """The live version's name: it changes whenever a write makes a new one live."""
        ...

    def check(self) -> StoreHealth:
        """Check the live version thoroughly (ingest runs this before deciding what to reuse)."""
        ...

    def version_meta(self, version: str) -> IndexMeta: ...

    def open_version(self, version: str) -> StoredIndex: ...

    def lock(self) -> AbstractContextManager[None]:
        """Held by the one writer; a second one fails at once with LockedError."""
        ...

    def write(self, snapshot: Index, keep: str | None = None) -> str:
        """Store `snapshot` as a new version and make it live atomically; return its name.

        The version live until now (or `keep`) stays, for readers that opened it.
        """
        ...
