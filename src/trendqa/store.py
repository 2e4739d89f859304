"""The on-disk index: chunks, BM25 tokens, vectors (FAISS) and build facts.

Layout of the index folder::

    CURRENT            name of the live version folder (replaced atomically)
    v-<time>-<pid>/    meta.json, chunks.jsonl, vectors.faiss
    .lock              held by the one ingest allowed to write

A new version is written beside the live one and becomes live only when
`CURRENT` is replaced, so a killed ingest leaves the previous index intact.
This is the only module that imports faiss.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trendqa.embedding import EmbedderInfo, Vectors
from trendqa.errors import IndexMissingError, LockedError
from trendqa.records import Chunk, DocumentMeta, Location

FORMAT_VERSION = 1
_CURRENT = "CURRENT"


@dataclass(frozen=True)
class DocumentEntry:
    """One indexed document and what ingest learned about it."""

    doc: str
    meta: DocumentMeta
    sha256: str
    encoding: str
    chars: int
    pages: int | None
    chunks: int  # passages stored for this document
    folded: int  # passages already stored for another document (duplicates)
    page_starts: tuple[int, ...] = ()  # PDFs: offset where each page begins

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character `offset`, or None when not a PDF."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class IndexMeta:
    """How the index was built; compared with the current settings before use."""

    embedder: EmbedderInfo
    chunker_version: str
    chunk_size: int
    chunk_overlap: int
    built_at: str
    documents: dict[str, DocumentEntry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # doc -> reason, for files not indexed
    skipped_sha256: dict[str, str] = field(default_factory=dict)
    manifest_sha256: str = ""  # of the documents' manifest entries: labels changed → re-ingest
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexMeta:
        docs = {
            name: DocumentEntry(
                **{
                    **entry,
                    "meta": DocumentMeta(**entry["meta"]),
                    "page_starts": tuple(entry.get("page_starts", ())),
                }
            )
            for name, entry in data["documents"].items()
        }
        return cls(**{**data, "embedder": EmbedderInfo(**data["embedder"]), "documents": docs})


def chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    return asdict(chunk)


def chunk_from_dict(data: dict[str, Any]) -> Chunk:
    return Chunk(
        id=data["id"],
        text=data["text"],
        location=Location(**data["location"]),
        heading=data.get("heading"),
        also_in=tuple(Location(**loc) for loc in data.get("also_in", ())),
    )


class Index:
    """A loaded index: chunks, their BM25 tokens and a FAISS inner-product index."""

    def __init__(
        self,
        meta: IndexMeta,
        chunks: Sequence[Chunk],
        tokens: Sequence[Sequence[str]],
        vectors: Vectors,
        path: Path | None = None,
    ) -> None:
        import faiss

        self.meta = meta
        self.chunks = list(chunks)
        self.tokens = [list(t) for t in tokens]
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.path = path
        # Inner product equals cosine similarity on normalised vectors.
        self._faiss = faiss.IndexFlatIP(meta.embedder.dim)
        if len(self.chunks):
            self._faiss.add(self.vectors)
        self._row = {chunk.id: row for row, chunk in enumerate(self.chunks)}

    def __len__(self) -> int:
        return len(self.chunks)

    def row_of(self, chunk_id: str) -> int | None:
        return self._row.get(chunk_id)

    def dense_search(
        self, query: Vectors, k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row, cosine) for one query vector, optionally within `allowed` rows."""
        if not self.chunks:
            return []
        want = len(self.chunks) if allowed is not None else min(k, len(self.chunks))
        scores, rows = self._faiss.search(query.reshape(1, -1).astype(np.float32), want)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed]
        return hits[:k]


def _live_version(root: Path) -> Path:
    pointer = root / _CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {root} — run `trendqa ingest` first") from None
    version = root / name
    if not name or not version.is_dir():
        raise IndexMissingError(f"index in {root} is incomplete — run `trendqa ingest` again")
    return version


def index_exists(root: Path) -> bool:
    try:
        _live_version(root)
    except IndexMissingError:
        return False
    return True


def read_meta(root: Path) -> IndexMeta:
    """Build facts of the live index, without loading vectors."""
    return _read_meta(root, _live_version(root))


def _read_meta(root: Path, version: Path) -> IndexMeta:
    try:
        return IndexMeta.from_dict(json.loads((version / "meta.json").read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMissingError(
            f"index in {root} is unreadable ({exc}) — run `trendqa ingest --rebuild`"
        ) from exc


def load_index(root: Path) -> Index:
    """Load the live index; IndexMissingError says what to run when there is none."""
    import faiss

    version = _live_version(root)
    meta = _read_meta(root, version)  # from this version, even if CURRENT moves meanwhile
    if meta.format_version != FORMAT_VERSION:
        raise IndexMissingError(
            f"index in {root} has format {meta.format_version}, this trendqa reads "
            f"{FORMAT_VERSION} — run `trendqa ingest --rebuild`"
        )
    chunks: list[Chunk] = []
    tokens: list[list[str]] = []
    try:
        with (version / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                tokens.append(row.pop("tokens"))
                chunks.append(chunk_from_dict(row))
        flat = faiss.read_index(str(version / "vectors.faiss"))
        vectors = (
            flat.reconstruct_n(0, flat.ntotal)
            if flat.ntotal
            else np.zeros((0, meta.embedder.dim), dtype=np.float32)
        )
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexMissingError(
            f"index in {root} is damaged ({exc}) — run `trendqa ingest --rebuild`"
        ) from exc
    if len(vectors) != len(chunks) or (len(vectors) and vectors.shape[1] != meta.embedder.dim):
        raise IndexMissingError(f"index in {root} is inconsistent — run `trendqa ingest --rebuild`")
    return Index(meta, chunks, tokens, vectors, path=version)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_index(root: Path, index: Index) -> Path:
    """Write `index` as a new version and make it live atomically; return its folder."""
    import faiss

    root.mkdir(parents=True, exist_ok=True)
    # Nanoseconds in the name: two ingests within one second must not collide.
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 1_000_000_000))
    version = root / f"v-{stamp}.{now % 1_000_000_000:09d}-{os.getpid()}"
    staging = root / f".tmp-{version.name}"
    staging.mkdir()
    with (staging / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for chunk, toks in zip(index.chunks, index.tokens, strict=True):
            row = {**chunk_to_dict(chunk), "tokens": toks}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    flat = faiss.IndexFlatIP(index.meta.embedder.dim)
    if len(index.chunks):
        flat.add(index.vectors)
    faiss.write_index(flat, str(staging / "vectors.faiss"))
    meta_text = json.dumps(index.meta.to_dict(), ensure_ascii=False, indent=1)
    (staging / "meta.json").write_text(meta_text, encoding="utf-8")
    _fsync_dir(staging)
    staging.rename(version)
    previous = _live_name(root)
    pointer = root / f".{_CURRENT}.tmp"
    pointer.write_text(version.name, encoding="utf-8")
    with pointer.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer, root / _CURRENT)  # the commit point
    _fsync_dir(root)
    _prune(root, keep={version.name, previous})
    return version


def _live_name(root: Path) -> str:
    try:
        return (root / _CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _prune(root: Path, keep: set[str]) -> None:
    """Delete leftovers of killed ingests and every version but `keep`.

    The version that was live until now is kept, so that a reader that has
    just opened it can finish; a version a killed ingest wrote but never made
    live is a leftover like any other.
    """
    stale = [p for p in root.glob(".tmp-*")]
    stale += [p for p in root.glob("v-*") if p.is_dir() and p.name not in keep]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def write_lock(root: Path) -> Iterator[None]:
    """Hold the index's write lock; a second writer fails at once with LockedError."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise LockedError(
                f"{root} is being written by {holder} — wait for that ingest to finish"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
