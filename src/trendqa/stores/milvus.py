"""A Milvus store: Milvus Lite (one file, one process) or a Milvus server (many readers).

Each version is a pair of collections, `<name>_v<stamp>` (one row per stored
passage: chunk, BM25 tokens, dense vector, BM25 sparse vector) and
`<name>_v<stamp>_m` (build facts, term statistics, folded passages). The live
version's name is the newest row of `<name>_live`; a write builds and loads a new
version, then adds a row naming it and deletes the older rows (and, where the
server has aliases, points the alias `<name>` at it), so a reader never sees a
half-written version, nor none, and keeps the one it opened.

Sparse vectors are computed here from the same bm25s score matrix the local
store saves: each passage's weight for a term is its BM25 score for that term
alone, and a query is a 0/1 vector over its distinct terms, so the inner
product is the local BM25 score and both stores rank alike.
This is the only module that imports pymilvus.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np

from trendqa.bm25 import TermStats
from trendqa.embedding import Vectors
from trendqa.errors import (
    IndexDamagedError,
    IndexMissingError,
    InputError,
    LockedError,
    StoreError,
)
from trendqa.records import Chunk
from trendqa.store import (
    FORMAT_VERSION,
    Index,
    IndexMeta,
    chunk_from_dict,
    chunk_to_dict,
    source_positions,
)
from trendqa.stores.base import DocFilter, Ranked, StoreHealth

INSTALL = "pip install 'trendqa[milvus]'"
TEXT_MAX = 65_535  # bytes in a Milvus VARCHAR
_PART = 16_000  # characters per stored part of a long JSON value (4 bytes each at most)
_PAGE = 2_000  # rows per query when reading a whole column
_CACHE = 20_000  # chunks kept in memory by a reader
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
# milvus-lite logs on the root logger; quiet only while a call runs.
_QUIET = ("pymilvus", "pymilvus.milvus_client", "milvus_lite", "")


@dataclass(frozen=True)
class MilvusTarget:
    """Where a Milvus store lives: a Lite file or a server URI, and the collection name."""

    uri: str
    name: str
    lite: bool

    @classmethod
    def parse(cls, spec: str, home: Path) -> MilvusTarget:
        """`milvus:///abs/file.db`, `milvus:rel/file.db` or `milvus://HOST:PORT/NAME`."""
        rest = spec.removeprefix("milvus:")
        name = "trendqa"
        if "?collection=" in rest:
            rest, name = rest.split("?collection=", 1)
        if rest.startswith("///") or not rest.startswith("//"):
            path = Path(rest[2:] if rest.startswith("///") else rest).expanduser()
            if not path.name.endswith(".db"):
                raise InputError(f"{spec}: a Milvus Lite file must end in .db")
            target = cls(str(path if path.is_absolute() else home / path), name, lite=True)
        else:
            host, _, coll = rest[2:].partition("/")
            if not host:
                raise InputError(f"{spec}: name the server, e.g. milvus://localhost:19530/trendqa")
            target = cls(f"http://{host}", coll.strip("/") or name, lite=False)
        if not _NAME.match(target.name):
            raise InputError(
                f"{spec}: collection name {target.name!r} must be letters, digits and underscores"
            )
        return target

    def __str__(self) -> str:
        return f"milvus://{self.uri}" if self.lite else f"milvus://{self.uri[7:]}/{self.name}"


@contextmanager
def _quiet() -> Iterator[None]:
    """pymilvus and milvus-lite log every failed call to stderr: our error says it in a line."""
    loggers = [logging.getLogger(n) for n in _QUIET]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            # milvus-lite 2.5 imports pkg_resources, which warns on import.
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _client(target: MilvusTarget) -> Any:
    try:
        with _quiet():
            from pymilvus import MilvusClient
    except ImportError:
        raise InputError(f"the Milvus store needs pymilvus — {INSTALL}") from None
    if target.lite:
        Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        with _quiet():
            return MilvusClient(uri=target.uri, timeout=30)
    except Exception as exc:  # pymilvus raises MilvusException and gRPC errors alike
        if target.lite:
            raise LockedError(
                f"{target.uri} is open in another process: Milvus Lite serves one process "
                "at a time — stop that one, or use a Milvus server (--store milvus://HOST:PORT/NAME)"
            ) from None
        raise StoreError(
            f"cannot reach Milvus at {target.uri} ({type(exc).__name__}) — start the server "
            "or check --store"
        ) from None


def _parts(text: str) -> list[str]:
    return [text[i : i + _PART] for i in range(0, len(text), _PART)] or [""]


def _literal(values: Sequence[str]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)


class MilvusStore:
    """The `Store` over one Milvus collection name (trendqa.stores.base)."""

    def __init__(self, target: MilvusTarget) -> None:
        self.target = target
        self._db: Any = None
        self._base: str | None = None  # live version when the writer started (compare-and-swap)
        self._writing = False

    @property
    def location(self) -> str:
        return str(self.target)

    @property
    def db(self) -> Any:
        if self._db is None:
            self._db = _client(self.target)
        return self._db

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        db = self.db  # a Lite file held by another process fails here, with its own message
        try:
            with _quiet():
                return getattr(db, method)(*args, **kwargs)
        except Exception as exc:
            detail = str(getattr(exc, "message", "") or exc).splitlines()[0][:200]
            raise StoreError(f"Milvus {method} failed on {self.location}: {detail}") from None

    def close(self) -> None:
        """Disconnect; a Lite file's engine process stops, so another process may open it."""
        if self._db is None:
            return
        db, self._db = self._db, None
        try:
            with _quiet():
                db.close()
                if self.target.lite:
                    from milvus_lite.server_manager import server_manager_instance

                    server_manager_instance.release_server(self.target.uri)
        except Exception:  # closing is best effort: the process exit ends the engine too
            return

    # ---------------------------------------------------------------- reading

    def _live_name(self) -> str | None:
        pointer = f"{self.target.name}_live"
        if not self._call("has_collection", pointer):
            return None
        rows = self._call("query", pointer, filter="key >= 0", output_fields=["key", "version"])
        # The newest row is live: a write adds a row before it deletes the older ones, so a
        # reader always finds one (an upsert's delete and insert could be seen apart).
        return str(max(rows, key=lambda r: int(r["key"]))["version"]) if rows else None

    def live_version(self) -> str:
        name = self._live_name()
        if name is None:
            raise IndexMissingError(f"no index in {self.location} — run `trendqa ingest` first")
        return name

    def _meta_rows(self, version: str) -> dict[str, list[tuple[int, str, str]]]:
        table = f"{version}_m"
        if not self._call("has_collection", table):
            raise IndexDamagedError(
                f"{self.location}: version {version} has no build facts — run `trendqa ingest`"
            )
        out: dict[str, list[tuple[int, str, str]]] = {}
        for begin in range(0, 1 << 62, _PAGE):  # keys run from 0 without gaps
            rows = self._call(
                "query",
                table,
                filter=f"key >= {begin} and key < {begin + _PAGE}",
                output_fields=["kind", "part", "doc", "data"],
            )
            for row in rows:
                out.setdefault(row["kind"], []).append((int(row["part"]), row["doc"], row["data"]))
            if len(rows) < _PAGE:
                break
        return {kind: sorted(parts) for kind, parts in out.items()}

    def version_meta(self, version: str) -> IndexMeta:
        return self._parse_meta(version, self._meta_rows(version))

    def _parse_meta(self, version: str, rows: dict[str, list[tuple[int, str, str]]]) -> IndexMeta:
        try:
            meta = IndexMeta.from_dict(json.loads("".join(d for _p, _doc, d in rows["meta"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise IndexDamagedError(
                f"{self.location}: build facts of {version} are unreadable ({exc}) "
                "— run `trendqa ingest --rebuild`"
            ) from None
        if meta.format_version != FORMAT_VERSION:
            raise IndexMissingError(
                f"index in {self.location} has format {meta.format_version}, this trendqa reads "
                f"{FORMAT_VERSION} — run `trendqa ingest --rebuild`"
            )
        return meta

    def read_meta(self) -> IndexMeta:
        return self.version_meta(self.live_version())

    def open(self) -> MilvusIndex:
        return self.open_version(self.live_version())

    def open_version(self, version: str) -> MilvusIndex:
        rows = self._meta_rows(version)
        meta = self._parse_meta(version, rows)
        lexicon = json.loads("".join(d for _p, _doc, d in rows.get("lexicon", [])) or "{}")
        folded = [(doc, part, d) for part, doc, d in rows.get("folded", [])]
        self._call("load_collection", version)
        index = MilvusIndex(self, version, meta, lexicon, folded)
        stored = sum(e.chunks for e in meta.documents.values())
        if len(index) != stored:
            raise IndexDamagedError(
                f"{self.location}: version {version} holds {len(index)} passages, its build "
                f"facts say {stored} — run `trendqa ingest --rebuild`"
            )
        return index

    def check(self) -> StoreHealth:
        live = self._live_name()
        if live is None:
            return StoreHealth(None)
        try:
            self.open_version(live)
        except (IndexMissingError, StoreError) as exc:
            return StoreHealth(None, damage=str(exc).split(" — ")[0])
        return StoreHealth(live, live_intact=True)

    # ---------------------------------------------------------------- writing

    @contextmanager
    def lock(self) -> Iterator[None]:
        """A Lite file is locked by its one process; on a server, the write compares and swaps."""
        self._base, self._writing = self._live_name(), True
        try:
            yield
        finally:
            self._base, self._writing = None, False

    def write(self, snapshot: Index, keep: str | None = None) -> str:
        version = f"{self.target.name}_v{time.time_ns()}_{os.getpid()}"
        try:
            self._create(version, snapshot.meta.embedder.dim)
            self._insert(version, snapshot)
            self._insert_meta(version, snapshot)
        except BaseException:
            self._drop(version)
            raise
        previous = self._live_name()
        if self._writing and previous != self._base:
            self._drop(version)
            raise LockedError(
                f"another ingest made {previous} live in {self.location} meanwhile "
                "— run `trendqa ingest` again"
            )
        self._point(version)
        self._prune(keep={version, keep if keep is not None else previous or ""})
        return version

    def _create(self, version: str, dim: int) -> None:
        from pymilvus import DataType

        schema = self._call("create_schema", auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("id", DataType.VARCHAR, max_length=64)
        schema.add_field("doc", DataType.VARCHAR, max_length=1024)
        schema.add_field(
            "docs",
            DataType.ARRAY,
            element_type=DataType.VARCHAR,
            max_capacity=1024,
            max_length=1024,
        )
        schema.add_field("seq", DataType.INT64)
        schema.add_field("data", DataType.VARCHAR, max_length=TEXT_MAX)
        schema.add_field("tokens", DataType.VARCHAR, max_length=TEXT_MAX)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        params = self._call("prepare_index_params")
        # Exact search, like the local store below its HNSW threshold (Lite has no HNSW).
        params.add_index("dense", index_type="FLAT", metric_type="IP")
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self._call(
            "create_collection",
            version,
            schema=schema,
            index_params=params,
            consistency_level="Strong",  # a reader sees every row once the write returns
        )
        meta_schema = self._call("create_schema", auto_id=False, enable_dynamic_field=False)
        meta_schema.add_field("key", DataType.INT64, is_primary=True)
        meta_schema.add_field("kind", DataType.VARCHAR, max_length=16)
        meta_schema.add_field("part", DataType.INT64)
        meta_schema.add_field("doc", DataType.VARCHAR, max_length=1024)
        meta_schema.add_field("data", DataType.VARCHAR, max_length=TEXT_MAX)
        meta_schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
        meta_params = self._call("prepare_index_params")
        meta_params.add_index("v", index_type="FLAT", metric_type="L2")
        self._call(
            "create_collection",
            f"{version}_m",
            schema=meta_schema,
            index_params=meta_params,
            consistency_level="Strong",
        )

    def _insert(self, version: str, snapshot: Index) -> None:
        seqs, _folded = source_positions(snapshot)
        bm25 = snapshot.lexical()
        weights = bm25.row_weights()
        # Milvus refuses an empty sparse row: a passage without tokens gets a term no
        # query has (term ids run from 0 to the vocabulary's size - 1).
        nothing = {len(bm25.term_ids): 1.0}
        vectors = snapshot.vectors
        batch: list[dict[str, Any]] = []
        rows = zip(snapshot.chunks, snapshot.tokens, seqs, weights, strict=True)
        for row, (chunk, toks, seq, sparse) in enumerate(rows):
            data = json.dumps(chunk_to_dict(chunk), ensure_ascii=False, separators=(",", ":"))
            tokens = json.dumps(list(toks), ensure_ascii=False)
            if max(len(data.encode()), len(tokens.encode())) > TEXT_MAX:
                raise InputError(
                    f"a passage of {chunk.doc} is too long for Milvus — lower --chunk-size"
                )
            docs = sorted({loc.doc for loc in (chunk.location, *chunk.also_in)})
            batch.append(
                {
                    "row": row,
                    "id": chunk.id,
                    "doc": chunk.doc,
                    "docs": docs,
                    "seq": seq,
                    "data": data,
                    "tokens": tokens,
                    "dense": vectors[row].tolist(),
                    "sparse": sparse or nothing,
                }
            )
            if len(batch) == 500:
                self._call("insert", version, batch)
                batch = []
        if batch:
            self._call("insert", version, batch)

    def _insert_meta(self, version: str, snapshot: Index) -> None:
        bm25 = snapshot.lexical()
        df = bm25.document_frequencies()
        ids = bm25.term_ids
        lexicon = {"n": bm25.n, "terms": {t: [ids[t], d] for t, d in df.items()}}
        _seqs, folded = source_positions(snapshot)
        rows: list[tuple[str, int, str, str]] = []
        meta_text = json.dumps(snapshot.meta.to_dict(), ensure_ascii=False)
        rows += [("meta", i, "", p) for i, p in enumerate(_parts(meta_text))]
        rows += [
            ("lexicon", i, "", p)
            for i, p in enumerate(_parts(json.dumps(lexicon, ensure_ascii=False)))
        ]
        for doc, seq, chunk in folded:
            data = json.dumps(chunk_to_dict(chunk), ensure_ascii=False, separators=(",", ":"))
            rows.append(("folded", seq, doc, data))
        records = [
            {"key": key, "kind": kind, "part": part, "doc": doc, "data": data, "v": [0.0, 0.0]}
            for key, (kind, part, doc, data) in enumerate(rows)
        ]
        for begin in range(0, len(records), 200):
            self._call("insert", f"{version}_m", records[begin : begin + 200])

    def _point(self, version: str) -> None:
        """Make `version` live: a row added with the next key, the commit point; the older
        rows are deleted after it."""
        from pymilvus import DataType

        pointer = f"{self.target.name}_live"
        if not self._call("has_collection", pointer):
            schema = self._call("create_schema", auto_id=False, enable_dynamic_field=False)
            schema.add_field("key", DataType.INT64, is_primary=True)
            schema.add_field("version", DataType.VARCHAR, max_length=256)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
            params = self._call("prepare_index_params")
            params.add_index("v", index_type="FLAT", metric_type="L2")
            self._call(
                "create_collection",
                pointer,
                schema=schema,
                index_params=params,
                consistency_level="Strong",
            )
        rows = self._call("query", pointer, filter="key >= 0", output_fields=["key"])
        newest = max((int(r["key"]) for r in rows), default=-1) + 1
        self._call("insert", pointer, [{"key": newest, "version": version, "v": [0.0, 0.0]}])
        if newest > 0:
            self._call("delete", pointer, filter=f"key < {newest}")
        self._alias(version)

    def _alias(self, version: str) -> None:
        """Point the alias `<name>` at the live version, where the server has aliases."""
        try:
            with _quiet():
                try:
                    self.db.alter_alias(version, self.target.name)
                except Exception:
                    self.db.create_alias(version, self.target.name)
        except Exception:  # Milvus Lite 2.5 does not implement aliases: the row suffices
            return

    def _prune(self, keep: set[str]) -> None:
        prefix = f"{self.target.name}_v"
        for name in self._call("list_collections"):
            base = name.removesuffix("_m")
            if name.startswith(prefix) and base not in keep:
                self._drop(name)

    def _drop(self, version: str) -> None:
        for name in (version, f"{version}_m"):
            try:
                with _quiet():
                    self.db.drop_collection(name)
            except Exception:
                continue


class _Rows:
    """Reads rows of one version by row number, in pages, keeping recent chunks in memory."""

    def __init__(self, store: MilvusStore, version: str, n: int) -> None:
        self.store, self.version, self.n = store, version, n
        self.cache: OrderedDict[int, tuple[Chunk, list[str]]] = OrderedDict()
        self._lock = threading.Lock()  # `trendqa serve` searches from several threads

    def remember(self, row: int, data: str, tokens: str) -> tuple[Chunk, list[str]]:
        pair = (chunk_from_dict(json.loads(data)), list(json.loads(tokens)))
        with self._lock:
            self.cache[row] = pair
            self.cache.move_to_end(row)
            while len(self.cache) > _CACHE:
                self.cache.popitem(last=False)
        return pair

    def get(self, rows: Sequence[int]) -> list[tuple[Chunk, list[str]]]:
        with self._lock:
            have = {r: self.cache[r] for r in set(rows) if r in self.cache}
        missing = sorted(set(rows) - set(have))
        for begin in range(0, len(missing), _PAGE):
            part = missing[begin : begin + _PAGE]
            found = self.store._call(
                "query",
                self.version,
                filter=f"row in {part}",
                output_fields=["row", "data", "tokens"],
            )
            for item in found:
                row = int(item["row"])
                have[row] = self.remember(row, item["data"], item["tokens"])
        return [have[r] for r in rows]

    def column(self, field: str) -> Iterator[Any]:
        for begin in range(0, self.n, _PAGE):
            found = self.store._call(
                "query",
                self.version,
                filter=f"row >= {begin} and row < {begin + _PAGE}",
                output_fields=["row", field],
            )
            for item in sorted(found, key=lambda it: int(it["row"])):
                yield item[field]


class _Column(Sequence[Any]):
    """Chunks (`which` 0) or tokens (1) of every row, fetched from Milvus when asked for."""

    def __init__(self, rows: _Rows, which: int) -> None:
        self._rows, self._which = rows, which

    def __len__(self) -> int:
        return self._rows.n

    @overload
    def __getitem__(self, key: int) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> list[Any]: ...
    def __getitem__(self, key: int | slice) -> Any:
        n = self._rows.n
        if isinstance(key, slice):
            return [pair[self._which] for pair in self._rows.get(range(n)[key])]
        if not -n <= key < n:
            raise IndexError(key)
        return self._rows.get([key % n])[0][self._which]

    def __iter__(self) -> Iterator[Any]:
        field = "data" if self._which == 0 else "tokens"
        for value in self._rows.column(field):
            yield chunk_from_dict(json.loads(value)) if self._which == 0 else json.loads(value)


class MilvusIndex:
    """One version in Milvus, opened for reading: the `StoredIndex` (trendqa.stores.base)."""

    def __init__(
        self,
        store: MilvusStore,
        version: str,
        meta: IndexMeta,
        lexicon: dict[str, Any],
        folded: list[tuple[str, int, str]],
    ) -> None:
        self.store, self.version, self.meta = store, version, meta
        self.path = None
        terms: dict[str, list[int]] = lexicon.get("terms", {})
        self._ids = {t: int(v[0]) for t, v in terms.items()}
        self._stats = TermStats({t: int(v[1]) for t, v in terms.items()}, int(lexicon.get("n", 0)))
        self._folded = folded
        count = store._call("query", version, filter="", output_fields=["count(*)"])
        self._rows = _Rows(store, version, int(count[0]["count(*)"]))
        self._vectors: Vectors | None = None

    def __len__(self) -> int:
        return self._rows.n

    @property
    def chunks(self) -> Sequence[Chunk]:
        return _Column(self._rows, 0)

    @property
    def tokens(self) -> Sequence[Sequence[str]]:
        return _Column(self._rows, 1)

    @property
    def vectors(self) -> Vectors:
        if self._vectors is None:
            dim = self.meta.embedder.dim
            rows = list(self._rows.column("dense"))
            self._vectors = (
                np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, dim), np.float32)
            )
        return self._vectors

    def describe(self) -> IndexMeta:
        return self.meta

    def lexicon(self) -> TermStats:
        return self._stats

    def _search(
        self, data: Any, field: str, k: int, docs: DocFilter, params: dict[str, Any]
    ) -> Ranked:
        if k <= 0 or not len(self) or (docs is not None and not docs):
            return []
        # A few more than asked: ties at the cut are then broken by row, as the local store does.
        limit = min(len(self), k + 16, 16_384)
        found = self.store._call(
            "search",
            self.version,
            data=[data],
            anns_field=field,
            limit=limit,
            filter="" if docs is None else f"array_contains_any(docs, {_literal(list(docs))})",
            search_params={"metric_type": "IP", "params": params},
            output_fields=["data", "tokens"],
        )
        ranked = []
        for hit in found[0]:
            row = int(hit["id"])
            self._rows.remember(row, hit["entity"]["data"], hit["entity"]["tokens"])
            ranked.append((row, float(hit["distance"])))
        ranked.sort(key=lambda rs: (-rs[1], rs[0]))
        return ranked[:k]

    def search_dense(self, query: Vectors, k: int, docs: DocFilter = None) -> Ranked:
        vector = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        return self._search(vector, "dense", k, docs, {})

    def search_lexical(self, terms: Sequence[str], k: int, docs: DocFilter = None) -> Ranked:
        ids = {self._ids[t]: 1.0 for t in set(terms) if t in self._ids}
        if not ids:
            return []
        ranked = self._search(ids, "sparse", k, docs, {"drop_ratio_search": 0.0})
        return [(row, score) for row, score in ranked if score > 0]

    def fetch(self, chunk_id: str) -> Chunk | None:
        found = self.store._call(
            "query", self.version, filter=f"id == {json.dumps(chunk_id)}", output_fields=["row"]
        )
        if not found:
            return None
        return self.chunks[min(int(item["row"]) for item in found)]

    def source_chunks(self, doc: str) -> list[Chunk]:
        found = self.store._call(
            "query",
            self.version,
            filter=f"doc == {json.dumps(doc, ensure_ascii=False)}",
            output_fields=["seq", "data"],
        )
        pairs = [(int(item["seq"]), item["data"]) for item in found]
        pairs += [(seq, data) for d, seq, data in self._folded if d == doc]
        return [_without_also_in(chunk_from_dict(json.loads(data))) for _seq, data in sorted(pairs)]


def _without_also_in(chunk: Chunk) -> Chunk:
    from dataclasses import replace

    return replace(chunk, also_in=())
