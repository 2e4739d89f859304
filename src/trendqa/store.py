"""The on-disk index: chunks (SQLite), BM25 (bm25s), vectors (FAISS), checksums, build facts.

Layout of the index folder::

    CURRENT            name of the live version folder (replaced atomically)
    v-<time>-<pid>/    meta.json, chunks.sqlite, bm25/, vectors.faiss, checksums.json
    checkpoint.sqlite  vectors of the batches a running or killed ingest finished
    .lock              held by the one ingest allowed to write

A new version is written beside the live one and becomes live only when
`CURRENT` is replaced, so a killed ingest leaves the previous index intact;
the version that was live before stays too, as the fallback should the live
one be damaged later. `checksums.json` holds each file's size and sha256:
readers check sizes always and hashes of files up to `FULL_CHECK_BYTES`
(larger ones by a fixed sample of blocks); ingest hashes every byte.
Readers open chunk text lazily from SQLite and memory-map the BM25 matrix, so
start-up does not grow with a full parse of the corpus.
This is the only module that imports faiss. `Index` is the local store's
`StoredIndex` (trendqa.stores.base) and the snapshot every store writes.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np

from trendqa.bm25 import BM25
from trendqa.embedding import EmbedderInfo, Vectors
from trendqa.errors import IndexDamagedError, IndexMissingError, LockedError, TrendqaError
from trendqa.records import Chunk, DocumentMeta, Location

FORMAT_VERSION = 2
FULL_CHECK_BYTES = 256 << 20  # readers hash smaller files whole (~0.2 s per 256 MiB)
FLAT_MAX = 200_000  # exact search up to this many passages, then HNSW
HNSW_M = 32  # graph neighbours per passage (64 on the bottom layer): ~270 bytes each
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 1024  # candidates kept per query; recall and time measured by bench/ann.py
_SAMPLE_BLOCKS, _BLOCK = 64, 64 << 10
_CURRENT = "CURRENT"
_META, _CHUNKS, _VECTORS, _BM25, _CHECKSUMS = (
    "meta.json",
    "chunks.sqlite",
    "vectors.faiss",
    "bm25",
    "checksums.json",
)
_REQUIRED = (_META, _CHUNKS, _VECTORS, f"{_BM25}/trendqa-bm25.json")
_T = TypeVar("_T")
_warned: set[str] = set()


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
                    "meta": DocumentMeta(
                        **{**entry["meta"], "aliases": tuple(entry["meta"].get("aliases", ()))}
                    ),
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


def _chunk_json(chunk: Chunk) -> str:
    return json.dumps(chunk_to_dict(chunk), ensure_ascii=False, separators=(",", ":"))


class _ChunkTable(Sequence[Chunk]):
    """The chunks of one version, read from SQLite row by row when asked for."""

    def __init__(self, path: Path) -> None:
        # immutable: a version never changes once written, so SQLite needs no locks.
        uri = f"file:{urllib.parse.quote(str(path))}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.RLock()  # one connection, shared by the loader and query threads
        self._n = int(self._query("SELECT count(*) FROM chunks")[0][0])

    def _query(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, key: int) -> Chunk: ...
    @overload
    def __getitem__(self, key: slice) -> list[Chunk]: ...
    def __getitem__(self, key: int | slice) -> Chunk | list[Chunk]:
        if isinstance(key, slice):
            rows = list(range(self._n)[key])
            found = dict(self._rows("data", rows))
            return [chunk_from_dict(json.loads(found[r])) for r in rows]
        row = key + self._n if key < 0 else key
        if not 0 <= row < self._n:
            raise IndexError(key)
        return chunk_from_dict(
            json.loads(self._query("SELECT data FROM chunks WHERE row=?", (row,))[0][0])
        )

    def _rows(self, column: str, rows: Sequence[int]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for begin in range(0, len(rows), 500):  # SQLite caps the number of parameters
            part = rows[begin : begin + 500]
            marks = ",".join("?" * len(part))
            out += self._query(f"SELECT row, {column} FROM chunks WHERE row IN ({marks})", part)
        return out

    def column(self, column: str) -> Iterator[str]:
        """One column of every row, in row order, fetched a page at a time."""
        for begin in range(0, self._n, 2000):
            sql = f"SELECT {column} FROM chunks WHERE row >= ? AND row < ? ORDER BY row"
            for (value,) in self._query(sql, (begin, begin + 2000)):
                yield value

    def __iter__(self) -> Iterator[Chunk]:
        return (chunk_from_dict(json.loads(data)) for data in self.column("data"))

    def row_of(self, chunk_id: str) -> int | None:
        found = self._query("SELECT min(row) FROM chunks WHERE id=?", (chunk_id,))
        return None if found[0][0] is None else int(found[0][0])

    def source_chunks(self, doc: str) -> list[Chunk]:
        """`doc`'s chunks as chunking made them, before duplicates were folded away."""
        sql = (
            "SELECT seq, data FROM chunks WHERE doc=? UNION ALL "
            "SELECT seq, data FROM folded WHERE doc=? ORDER BY seq"
        )
        return [
            replace(chunk_from_dict(json.loads(data)), also_in=())
            for _seq, data in self._query(sql, (doc, doc))
        ]


class _TokenColumn(Sequence[list[str]]):
    """BM25 tokens of every chunk, read from SQLite when asked for (ingest reuses them)."""

    def __init__(self, table: _ChunkTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    @overload
    def __getitem__(self, key: int) -> list[str]: ...
    @overload
    def __getitem__(self, key: slice) -> list[list[str]]: ...
    def __getitem__(self, key: int | slice) -> list[str] | list[list[str]]:
        n = len(self)
        if isinstance(key, slice):
            rows = list(range(n)[key])
        elif -n <= key < n:
            rows = [key % n]
        else:
            raise IndexError(key)
        found = dict(self._table._rows("tokens", rows))
        values = [list(json.loads(found[r])) for r in rows]
        return values if isinstance(key, slice) else values[0]

    def __iter__(self) -> Iterator[list[str]]:
        return (list(json.loads(t)) for t in self._table.column("tokens"))


class Index:
    """An index: chunks, their BM25 tokens and index, and FAISS vectors.

    Built in memory by ingest (then written with `write_index`), or opened from
    disk by `load_index`, where chunks and tokens are read lazily.
    `sources` maps a document to its chunks before duplicates were folded, so a
    later ingest can reuse an unchanged file's chunks without parsing it again.
    """

    def __init__(
        self,
        meta: IndexMeta,
        chunks: Sequence[Chunk],
        tokens: Sequence[Sequence[str]],
        vectors: Vectors,
        path: Path | None = None,
        sources: Mapping[str, Sequence[Chunk]] | None = None,
    ) -> None:
        self.meta = meta
        self.path = path
        self._chunks: Sequence[Chunk] = list(chunks)
        self._tokens: Sequence[list[str]] = [list(t) for t in tokens]
        self._vectors: Vectors | None = np.ascontiguousarray(vectors, dtype=np.float32)
        self._sources = sources
        self._table: _ChunkTable | None = None
        self._faiss: Any = None
        self._bm25: BM25 | None = None
        self._row: dict[str, int] | None = None
        self._doc_rows: dict[frozenset[str], set[int]] = {}

    @classmethod
    def _opened(
        cls, meta: IndexMeta, path: Path, table: _ChunkTable, vectors: Any, bm25: BM25
    ) -> Index:
        self = cls(meta, [], [], np.zeros((0, meta.embedder.dim), dtype=np.float32), path)
        self._chunks, self._tokens, self._table = table, _TokenColumn(table), table
        self._vectors, self._faiss, self._bm25 = None, vectors, bm25
        return self

    @property
    def chunks(self) -> Sequence[Chunk]:
        return self._chunks

    @property
    def tokens(self) -> Sequence[Sequence[str]]:
        return self._tokens

    @property
    def vectors(self) -> Vectors:
        """Every passage's vector, row by row (read back from FAISS for an opened index)."""
        if self._vectors is None:
            self._vectors = _all_vectors(self._faiss, self.meta.embedder.dim)
        return self._vectors

    def lexical(self) -> BM25:
        """The BM25 index: loaded from disk when opened, else built from the tokens."""
        if self._bm25 is None:
            self._bm25 = BM25(self._tokens)
        return self._bm25

    def source_chunks(self, doc: str) -> list[Chunk]:
        """`doc`'s chunks before duplicates were folded (empty when it has none stored)."""
        if self._table is not None:
            return self._table.source_chunks(doc)
        if self._sources is not None:
            return list(self._sources.get(doc, ()))
        return [replace(c, also_in=()) for c in self._chunks if c.doc == doc]

    def __len__(self) -> int:
        return len(self._chunks)

    def row_of(self, chunk_id: str) -> int | None:
        if self._table is not None:
            return self._table.row_of(chunk_id)
        if self._row is None:
            self._row = {}
            for row, chunk in enumerate(self._chunks):
                self._row.setdefault(chunk.id, row)
        return self._row.get(chunk_id)

    def describe(self) -> IndexMeta:
        """How this index was built."""
        return self.meta

    def lexicon(self) -> BM25:
        return self.lexical()

    def fetch(self, chunk_id: str) -> Chunk | None:
        row = self.row_of(chunk_id)
        return None if row is None else self._chunks[row]

    def rows_of(self, docs: frozenset[str]) -> set[int]:
        """Rows of the passages stored for, or folded from, any of `docs`."""
        if docs not in self._doc_rows:
            self._doc_rows[docs] = {
                row
                for row, chunk in enumerate(self._chunks)
                if any(loc.doc in docs for loc in (chunk.location, *chunk.also_in))
            }
        return self._doc_rows[docs]

    def search_dense(
        self, query: Vectors, k: int, docs: frozenset[str] | None = None
    ) -> list[tuple[int, float]]:
        return self.dense_search(query, k, None if docs is None else self.rows_of(docs))

    def search_lexical(
        self, terms: Sequence[str], k: int, docs: frozenset[str] | None = None
    ) -> list[tuple[int, float]]:
        allowed = None if docs is None else self.rows_of(docs)
        if allowed is not None and not allowed:
            return []
        return self.lexical().search(terms, k, allowed)

    def dense_search(
        self, query: Vectors, k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row, cosine) for one query vector, optionally within `allowed` rows."""
        import faiss

        if not len(self) or k <= 0 or (allowed is not None and not allowed):
            return []
        if self._faiss is None:
            self._faiss = _build_faiss(self.vectors, self.meta.embedder.dim)
        # A few more than asked, so ties at the cut break by row (as in BM25 and in Milvus).
        want = min(k + 16, len(self))
        searched, params = self._faiss, None
        if isinstance(searched, faiss.IndexHNSW):
            if allowed is None:
                params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
                params.efSearch = max(HNSW_EF_SEARCH, want)
            else:
                # A graph walk that skips rows outside a filter can strand the few inside
                # it; scan the graph's flat vectors instead: exact within the filter.
                searched = faiss.downcast_index(searched.storage)
        if allowed is not None:
            ivf = _ivf_of(searched)
            # Within a filter, search every list: exact, and no list comes back short.
            if ivf is not None:
                params = faiss.SearchParametersIVF()
                params.nprobe = ivf.nlist
            else:
                params = faiss.SearchParameters()
            params.sel = faiss.IDSelectorBatch(np.fromiter(allowed, dtype=np.int64))
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, rows = searched.search(query, want, params=params)
        found = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        return sorted(found, key=lambda rs: (-rs[1], rs[0]))[:k]


def _ivf_of(index: Any) -> Any:
    import faiss

    return faiss.try_extract_index_ivf(index)


def _build_faiss(vectors: Vectors, dim: int) -> Any:
    """Exact inner-product search while it is fast enough, then HNSW (see `FLAT_MAX`).

    Inner product equals cosine similarity on normalised vectors. The HNSW graph keeps
    the vectors whole in a flat index beside it, which a docs filter scans exactly.
    The index file records its own type: an IVF index written by an earlier trendqa
    still loads and searches (with the lists to probe it was written with; every list
    within a filter) until the next ingest that changes the shelf rewrites it.
    """
    import faiss

    n = len(vectors)
    if n <= FLAT_MAX:
        flat = faiss.IndexFlatIP(dim)
        if n:
            flat.add(vectors)
        return flat
    hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    hnsw.add(vectors)
    return hnsw


def _read_faiss(path: Path) -> Any:
    """Read a FAISS index; flat vectors are memory-mapped (start-up does not copy them).

    So are an HNSW index's vectors (its flat storage); its graph is read into memory.
    """
    import faiss

    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)


def _all_vectors(index: Any, dim: int) -> Vectors:
    if not index.ntotal:
        return np.zeros((0, dim), dtype=np.float32)
    ivf = _ivf_of(index)
    if ivf is not None:
        ivf.make_direct_map()
    return np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


# --- integrity ---------------------------------------------------------------------------


def _digest(path: Path, full: bool) -> str:
    """sha256 of the whole file, or (not `full`) of a fixed sample of its blocks and its size."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with path.open("rb") as fh:
        if full:
            while block := fh.read(1 << 20):
                h.update(block)
        else:
            h.update(str(size).encode())
            step = max(_BLOCK, size // _SAMPLE_BLOCKS)
            for offset in range(0, size, step):
                fh.seek(offset)
                h.update(fh.read(_BLOCK))
            fh.seek(max(0, size - _BLOCK))
            h.update(fh.read(_BLOCK))
    return h.hexdigest()


def _checksums(version: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in version.rglob("*") if p.is_file()):
        name = path.relative_to(version).as_posix()
        size = path.stat().st_size
        entry: dict[str, Any] = {"size": size, "sha256": _digest(path, full=True)}
        if size > FULL_CHECK_BYTES:
            entry["sample"] = _digest(path, full=False)
        files[name] = entry
    return files


class _Damage(Exception):
    """An index file that is missing or does not match its checksum."""

    def __init__(self, version: Path, name: str, why: str) -> None:
        super().__init__(f"{name}: {why}")
        self.version, self.name, self.why = version, name, why

    def error(self) -> IndexDamagedError:
        return IndexDamagedError(
            f"index file {self.name} in {self.version} is damaged ({self.why}) "
            "— run `trendqa ingest` to repair it"
        )


def _verify(version: Path, full: bool, only: Sequence[str] | None = None) -> None:
    """Raise `_Damage` naming the first file that is missing or differs from checksums.json."""
    try:
        listed = json.loads((version / _CHECKSUMS).read_text(encoding="utf-8"))["files"]
        assert isinstance(listed, dict)
    except FileNotFoundError:
        raise _Damage(version, _CHECKSUMS, "missing") from None
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise _Damage(version, _CHECKSUMS, "unreadable") from None
    for name in _REQUIRED:
        if name not in listed:
            raise _Damage(version, name, f"not listed in {_CHECKSUMS}")
    for name, entry in listed.items():
        if only is not None and name not in only:
            continue
        path = version / name
        try:
            size = path.stat().st_size
            if size != entry["size"]:
                raise _Damage(version, name, f"{size} bytes, expected {entry['size']}")
            if full or size <= FULL_CHECK_BYTES:
                ok = _digest(path, full=True) == entry["sha256"]
            else:
                ok = _digest(path, full=False) == entry.get("sample")
        except FileNotFoundError:
            raise _Damage(version, name, "missing") from None
        except OSError as exc:
            raise _Damage(version, name, f"unreadable: {exc.strerror or exc}") from None
        if not ok:
            raise _Damage(version, name, "checksum mismatch")


# --- reading -----------------------------------------------------------------------------


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


def _parse_meta(version: Path) -> IndexMeta:
    try:
        return IndexMeta.from_dict(json.loads((version / _META).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMissingError(
            f"index in {version.parent} is unreadable ({exc}) — run `trendqa ingest --rebuild`"
        ) from exc


def _format_error(root: Path, meta: IndexMeta) -> IndexMissingError:
    return IndexMissingError(
        f"index in {root} has format {meta.format_version}, this trendqa reads "
        f"{FORMAT_VERSION} — run `trendqa ingest --rebuild`"
    )


def version_meta(version: Path) -> IndexMeta:
    """Build facts of one version folder, checked against its checksum."""
    try:
        return _read_meta(version)
    except _Damage as damage:
        raise damage.error() from None


def _read_meta(version: Path) -> IndexMeta:
    try:
        _verify(version, full=True, only=(_META,))
    except _Damage as damage:
        if damage.name == _CHECKSUMS and (version / _META).exists():
            meta = _parse_meta(version)  # another format's index has no checksums
            if meta.format_version != FORMAT_VERSION:
                return meta
        raise
    return _parse_meta(version)


def _older_versions(root: Path, live: Path) -> list[Path]:
    older = [p for p in root.glob("v-*") if p.is_dir() and p.name < live.name]
    return sorted(older, key=lambda p: p.name, reverse=True)


def _warn_stderr(message: str) -> None:
    sys.stderr.write(f"trendqa: {message}\n")
    sys.stderr.flush()


def _with_fallback(
    root: Path, attempt: Callable[[Path], _T], on_warning: Callable[[str], None]
) -> _T:
    """`attempt` on the live version; if a file of it is damaged, on the newest intact older one."""
    live = _live_version(root)
    try:
        return attempt(live)
    except _Damage as damage:
        for older in _older_versions(root, live):
            try:
                result = attempt(older)
            except (_Damage, TrendqaError):
                continue
            message = (
                f"index file {damage.name} is damaged ({damage.why}); using the previous "
                f"version of the index ({older.name}) — run `trendqa ingest` to repair it"
            )
            if message not in _warned:  # read_meta and load_index would both say it
                _warned.add(message)
                on_warning(message)
            return result
        raise damage.error() from None


def read_meta(root: Path, on_warning: Callable[[str], None] = _warn_stderr) -> IndexMeta:
    """Build facts of the live index (checked against its checksum), without loading vectors."""
    return _with_fallback(root, _read_meta, on_warning)


def load_index(root: Path, on_warning: Callable[[str], None] = _warn_stderr) -> Index:
    """Load the live index; IndexMissingError says what to run when there is none.

    A damaged live version (a file that fails its checksum) falls back to the
    version that was live before it, with a warning, when that one is intact.
    """
    return _with_fallback(root, lambda v: _open_version(v, full=False), on_warning)


def load_version(version: Path, *, full: bool = True) -> Index:
    """Open one version folder, checking every byte when `full`; IndexDamagedError if damaged."""
    try:
        return _open_version(version, full)
    except _Damage as damage:
        raise damage.error() from None


def _open_version(version: Path, full: bool) -> Index:

    root = version.parent
    meta = _read_meta(version)
    if meta.format_version != FORMAT_VERSION:
        raise _format_error(root, meta)
    _verify(version, full)
    try:
        table = _ChunkTable(version / _CHUNKS)
        vectors = _read_faiss(version / _VECTORS)
        bm25 = BM25.load(version / _BM25)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, sqlite3.Error) as exc:
        raise IndexDamagedError(
            f"index in {version} is unreadable ({exc}) — run `trendqa ingest --rebuild`"
        ) from exc
    if not len(table) == vectors.ntotal == bm25.n or vectors.d != meta.embedder.dim:
        raise IndexDamagedError(
            f"index in {version} is inconsistent — run `trendqa ingest --rebuild`"
        )
    return Index._opened(meta, version, table, vectors, bm25)


@dataclass(frozen=True)
class Health:
    """What ingest found before writing: the version it may reuse, and what is damaged."""

    intact: Path | None  # the newest complete version of this format that checks out
    damage: str = ""  # why the live version is unusable; "" when it is fine or absent

    def live_is_intact(self, root: Path) -> bool:
        return not self.damage and self.intact is not None and self.intact == _live_or_none(root)


def _live_or_none(root: Path) -> Path | None:
    try:
        return _live_version(root)
    except IndexMissingError:
        return None


def check_index(root: Path) -> Health:
    """Hash every file of the live version (and, if it is damaged, of older ones)."""
    live = _live_or_none(root)
    if live is None:
        return Health(None, "")
    damage = ""
    for version in [live, *_older_versions(root, live)]:
        try:
            meta = _read_meta(version)
            if meta.format_version != FORMAT_VERSION:
                return Health(None, damage)  # an older format: nothing to reuse, rebuild
            _verify(version, full=True)
            return Health(version, damage)
        except _Damage as exc:
            damage = damage or f"index file {exc.name} was damaged ({exc.why})"
        except TrendqaError as exc:
            damage = damage or str(exc).split(" — ")[0]
    return Health(None, damage)


# --- writing -----------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _source_lists(index: Index) -> dict[str, list[Chunk]]:
    if index._sources is not None:
        return {doc: list(chunks) for doc, chunks in index._sources.items()}
    docs = {c.doc for c in index.chunks} | set(index.meta.documents)
    if index._table is not None:
        return {doc: index._table.source_chunks(doc) for doc in docs}
    grouped: dict[str, list[Chunk]] = {doc: [] for doc in docs}
    for chunk in index.chunks:
        grouped[chunk.doc].append(replace(chunk, also_in=()))
    return grouped


def source_positions(index: Index) -> tuple[list[int], list[tuple[str, int, Chunk]]]:
    """Each stored row's position (`seq`) among its document's chunks, and the folded rest.

    The folded rest are (doc, seq, chunk) of passages no stored row claimed: folded
    into another document's passage. Together they give back every document's
    chunks as chunking made them (`source_chunks`).
    """
    unclaimed: dict[tuple[str, int, int, str], tuple[int, Chunk]] = {}
    for doc, chunks in _source_lists(index).items():
        for seq, chunk in enumerate(chunks):
            unclaimed[(doc, chunk.location.start, chunk.location.end, chunk.id)] = (seq, chunk)
    seqs = []
    for row, chunk in enumerate(index.chunks):
        key = (chunk.doc, chunk.location.start, chunk.location.end, chunk.id)
        seqs.append(unclaimed.pop(key, (row, chunk))[0])
    return seqs, [(key[0], seq, chunk) for key, (seq, chunk) in unclaimed.items()]


def _write_chunks(path: Path, index: Index) -> None:
    """chunks: the stored passages by row; folded: passages folded into another's row.

    Each passage keeps its position (`seq`) among its document's chunks, so
    `source_chunks` can give back the document's chunks as chunking made them.
    """
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # written once in staging, fsynced below
        db.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL,"
            " seq INTEGER NOT NULL, data TEXT NOT NULL, tokens TEXT NOT NULL)"
        )
        db.execute("CREATE TABLE folded (doc TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT)")
        seqs, folded = source_positions(index)
        rows = [
            (row, chunk.id, chunk.doc, seq, _chunk_json(chunk), json.dumps(list(toks)))
            for row, (chunk, toks, seq) in enumerate(
                zip(index.chunks, index.tokens, seqs, strict=True)
            )
        ]
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany(
            "INSERT INTO folded VALUES (?, ?, ?)",
            [(doc, seq, _chunk_json(chunk)) for doc, seq, chunk in folded],
        )
        db.execute("CREATE INDEX chunks_id ON chunks (id)")
        db.execute("CREATE INDEX chunks_doc ON chunks (doc)")
        db.execute("CREATE INDEX folded_doc ON folded (doc)")
        db.commit()
    finally:
        db.close()


def write_index(root: Path, index: Index, *, keep: str | None = None) -> Path:
    """Write `index` as a new version and make it live atomically; return its folder.

    The version live until now stays as the fallback (or `keep`, when ingest
    found the live one damaged and reused an older intact one).
    """
    import faiss

    root.mkdir(parents=True, exist_ok=True)
    # Nanoseconds in the name: two ingests within one second must not collide.
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000_000))
    version = root / f"v-{stamp}.{now % 1_000_000_000:09d}-{os.getpid()}"
    staging = root / f".tmp-{version.name}"
    staging.mkdir()
    _write_chunks(staging / _CHUNKS, index)
    vectors = _build_faiss(index.vectors, index.meta.embedder.dim)
    faiss.write_index(vectors, str(staging / _VECTORS))
    index.lexical().save(staging / _BM25)
    meta_text = json.dumps(index.meta.to_dict(), ensure_ascii=False, indent=1)
    (staging / _META).write_text(meta_text, encoding="utf-8")
    listed = {"format_version": FORMAT_VERSION, "files": _checksums(staging)}
    (staging / _CHECKSUMS).write_text(json.dumps(listed, indent=1), encoding="utf-8")
    for path in staging.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(staging / _BM25)
    _fsync_dir(staging)
    staging.rename(version)
    previous = _live_name(root)
    pointer = root / f".{_CURRENT}.tmp"
    pointer.write_text(version.name, encoding="utf-8")
    with pointer.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer, root / _CURRENT)  # the commit point
    _fsync_dir(root)
    _prune(root, keep={version.name, keep if keep is not None else previous})
    return version


def _live_name(root: Path) -> str:
    try:
        return (root / _CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _prune(root: Path, keep: set[str]) -> None:
    """Delete leftovers of killed ingests and every version but `keep`.

    The version that was live until now is kept, so that a reader that has
    just opened it can finish, and as the fallback if the new one is damaged;
    a version a killed ingest wrote but never made live is a leftover like any other.
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
