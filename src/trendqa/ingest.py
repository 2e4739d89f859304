"""Ingest: load changed files, chunk, fold duplicates, embed what is new, write atomically.

Work survives a kill: finished embedding batches are checkpointed
(`trendqa.checkpoint`), unchanged files' chunks come from the live index
without parsing them again, and the live index is checked byte for byte first,
so a damaged one is repaired rather than reported up to date.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from trendqa import chunking, loaders
from trendqa.checkpoint import Checkpoint, text_key
from trendqa.config import Settings
from trendqa.dedup import fold_duplicates
from trendqa.embedding import Embedder, EmbedderInfo
from trendqa.errors import InputError
from trendqa.records import Chunk, DocumentMeta, FileReport, Skipped, SourceDocument
from trendqa.store import DocumentEntry, Index, IndexMeta
from trendqa.stores import Store, StoredIndex, StoreHealth, open_store
from trendqa.tokens import tokenize


class IngestProgress(Protocol):
    """Callbacks the CLI turns into a progress bar."""

    def files(self, total: int) -> None: ...
    def file_done(self, name: str) -> None: ...
    def embedding(self, total: int) -> None: ...
    def embedded(self, done: int) -> None: ...


class QuietProgress:
    """Progress callbacks that do nothing."""

    def files(self, total: int) -> None: ...
    def file_done(self, name: str) -> None: ...
    def embedding(self, total: int) -> None: ...
    def embedded(self, done: int) -> None: ...


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did; `--json` prints it."""

    documents: int
    chunks: int
    embedded: int  # passages that needed new vectors
    folded: int  # duplicate passages folded into another document's
    skipped: list[Skipped] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)  # per loaded file: pages, warnings
    removed: list[str] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0
    embed_seconds: float = 0.0
    index: str = ""
    parsed: int = 0  # files read and parsed (unchanged files reuse their chunks)
    resumed: int = 0  # vectors taken from the batches a killed ingest had finished
    repaired: str = ""  # what was damaged in the live index, when this ingest replaced it

    @property
    def chunks_per_s(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


@dataclass(frozen=True)
class EmbedderChoice:
    """The embedder to use, known before loading it: its id, int8 flag, and a loader."""

    id: str
    quantized: bool
    load: Callable[[], Embedder]

    def matches(self, info: EmbedderInfo) -> bool:
        return (info.id, info.quantized) == (self.id, self.quantized)


BATCH = 64  # passages per checkpointed batch: a kill loses at most one


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""  # unreadable: load_file reports why


def _same_chunking(meta: IndexMeta, settings: Settings) -> bool:
    return meta.chunker_version == chunking.CHUNKER_VERSION and (
        meta.chunk_size,
        meta.chunk_overlap,
    ) == (settings.chunk_size, settings.chunk_overlap)


def _embedder_key(choice: EmbedderChoice) -> str:
    return f"{choice.id}|{'int8' if choice.quantized else 'fp32'}"


@dataclass(frozen=True)
class _Doc:
    """One document ready to index: the facts its entry records, and its chunks."""

    doc: str
    meta: DocumentMeta
    sha256: str
    encoding: str
    chars: int
    pages: int | None
    page_starts: tuple[int, ...]
    chunks: list[Chunk]

    @classmethod
    def parsed(cls, d: SourceDocument, chunks: list[Chunk]) -> _Doc:
        starts = tuple(span.start for span in d.pages)
        return cls(
            d.doc, d.meta, d.sha256, d.encoding, len(d.text), len(d.pages) or None, starts, chunks
        )

    @classmethod
    def reused(cls, e: DocumentEntry, chunks: list[Chunk]) -> _Doc:
        return cls(e.doc, e.meta, e.sha256, e.encoding, e.chars, e.pages, e.page_starts, chunks)


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    embedder: EmbedderChoice,
    *,
    rebuild: bool = False,
    progress: IngestProgress | None = None,
    store: Store | None = None,
) -> IngestReport:
    """Index `paths` into the configured store; the previous version stays live until done."""
    started = time.perf_counter()
    progress = progress or QuietProgress()
    store = store or open_store(settings)
    with store.lock():
        found, missing = loaders.discover(paths)
        if not found:
            # Writing an empty index here would wipe it over a mistyped path.
            why = "".join(f"; {s.path}: {s.reason}" for s in missing)
            raise InputError(f"no .pdf, .txt or .md files in {', '.join(map(str, paths))}{why}")
        hashes = {doc: _sha256(p) for p, doc, _r in found}
        manifests = {r: loaders.read_manifest(r) for r in {r for _p, _d, r in found}}
        passwords = {r: loaders.read_passwords(r) for r in manifests}
        # A new or corrected password must make an unchanged corpus load again.
        labels = _manifest_sha256(found, manifests) + loaders.password_fingerprint(
            passwords, settings.pdf_password
        )
        # Every byte of the live index is checked: a damaged one is never "up to date".
        health = store.check()
        previous = store.version_meta(health.intact) if health.intact and not rebuild else None
        if previous and health.live_intact and _same_settings(previous, settings, embedder):
            before = {d: e.sha256 for d, e in previous.documents.items()}
            before.update(previous.skipped_sha256)
            # Nothing changed, citation labels included: no loading, no model, no writing.
            if before == hashes and previous.manifest_sha256 == labels:
                skipped = missing + [Skipped(d, r) for d, r in previous.skipped.items()]
                return _unchanged_report(previous, skipped, started, store.location)
        old = store.open_version(health.intact) if previous and health.intact else None
        progress.files(len(found))
        documents: list[_Doc] = []
        files: list[FileReport] = []  # per file parsed this time: pages, warnings
        failed: dict[str, str] = {}
        parsed = 0
        for path, doc, base in found:
            entry = manifests[base].get(doc)
            h = hashes[doc]
            reused = _reusable_chunks(old, settings, doc, h, entry, labels)
            if reused is not None:
                documents.append(reused)
            elif old and old.meta.manifest_sha256 == labels and _same_failure(old.meta, doc, h):
                failed[doc] = old.meta.skipped[doc]  # the same bytes, passwords: the same failure
            else:
                parsed += 1
                password = passwords[base].get(doc, settings.pdf_password)
                try:
                    source = loaders.load_file(path, doc, entry, password)
                except InputError as exc:
                    failed[doc] = str(exc)
                else:
                    s = settings
                    chunks = chunking.chunk_document(source, s.chunk_size, s.chunk_overlap)
                    documents.append(_Doc.parsed(source, chunks))
                    files.append(source.report())
            progress.file_done(doc)
        builder = _Builder(settings, embedder, old, health, progress, store)
        report = builder.build(documents, failed, {d: hashes[d] for d in failed}, labels)
    skipped = missing + [Skipped(d, r) for d, r in failed.items()]
    return IngestReport(
        **{
            **report.__dict__,
            "skipped": skipped,
            "files": files,
            "parsed": parsed,
            "seconds": time.perf_counter() - started,
        }
    )


def _same_settings(meta: IndexMeta, settings: Settings, choice: EmbedderChoice) -> bool:
    return _same_chunking(meta, settings) and choice.matches(meta.embedder)


def _reusable_chunks(
    old: StoredIndex | None,
    settings: Settings,
    doc: str,
    sha256: str,
    entry: DocumentMeta | None,
    labels: str,
) -> _Doc | None:
    """The unchanged file's document from the old index, or None when it must be parsed."""
    if old is None or not _same_chunking(old.meta, settings):
        return None
    known = old.meta.documents.get(doc)
    if known is None or not sha256 or known.sha256 != sha256:
        return None
    # A title from the manifest must be the same; a guessed one depends on the file alone,
    # unless the manifest changed (an entry may have been removed).
    if (entry is not None and entry != known.meta) or (
        entry is None and labels != old.meta.manifest_sha256
    ):
        return None
    chunks = old.source_chunks(doc)
    return _Doc.reused(known, chunks) if chunks else None


def _same_failure(meta: IndexMeta, doc: str, sha256: str) -> bool:
    return bool(sha256) and doc in meta.skipped and meta.skipped_sha256.get(doc) == sha256


def _manifest_sha256(
    found: Sequence[tuple[Path, str, Path]], manifests: dict[Path, dict[str, DocumentMeta]]
) -> str:
    """Hash of the manifest entries of the files found; "" when none has one."""
    entries = sorted(
        (doc, _label_fields(manifests[base][doc]))
        for _p, doc, base in found
        if doc in manifests[base]
    )
    if not entries:
        return ""
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode("utf-8")).hexdigest()


def _label_fields(meta: DocumentMeta) -> dict[str, Any]:
    """A manifest entry's fields; no aliases hash as before aliases existed."""
    fields = asdict(meta)
    if not fields["aliases"]:
        del fields["aliases"]
    return fields


def _unchanged_report(
    meta: IndexMeta, skipped: list[Skipped], started: float, location: str
) -> IngestReport:
    return IngestReport(
        documents=len(meta.documents),
        chunks=sum(e.chunks for e in meta.documents.values()),
        embedded=0,
        folded=sum(e.folded for e in meta.documents.values()),
        skipped=skipped,
        up_to_date=True,
        seconds=time.perf_counter() - started,
        index=location,
    )


class _Builder:
    """Folds, embeds only new passages (reusing the old index and the checkpoint), writes."""

    def __init__(
        self,
        settings: Settings,
        embedder: EmbedderChoice,
        old: StoredIndex | None,
        health: StoreHealth,
        progress: IngestProgress,
        store: Store,
    ) -> None:
        self.store = store
        self.settings = settings
        self.choice = embedder
        self.old = old
        self.health = health
        self.progress = progress
        self.old_vectors: dict[str, np.ndarray] = {}
        # Keyed by the text BM25 indexed (heading included), not the chunk id alone.
        self.old_tokens: dict[str, list[str]] = {}
        # Finished batches are checkpointed locally, whichever store the index lives in.
        settings.index_path.mkdir(parents=True, exist_ok=True)
        self.checkpoint = Checkpoint(settings.index_path, _embedder_key(embedder))
        if old is not None:
            self._load_reusable(old)

    def _load_reusable(self, old: StoredIndex) -> None:
        self.old_tokens = {
            _lexical_text(c): list(t) for c, t in zip(old.chunks, old.tokens, strict=True)
        }
        if not self.choice.matches(old.meta.embedder):
            return  # another model's vectors are not comparable
        titled = old.meta.embedder.titled
        titles = {d: embed_title(e.meta) if titled else "" for d, e in old.meta.documents.items()}
        vectors = old.vectors
        self.old_vectors = {_embed_key(c, titles): vectors[i] for i, c in enumerate(old.chunks)}

    def _known_info(self) -> EmbedderInfo | None:
        """The embedder's facts without loading it: from the old index or the checkpoint."""
        if self.old is not None and self.choice.matches(self.old.meta.embedder):
            return self.old.meta.embedder
        return self.checkpoint.info()

    def build(
        self,
        documents: list[_Doc],
        failed: dict[str, str],
        failed_sha: dict[str, str],
        manifest_sha: str,
    ) -> IngestReport:
        s = self.settings
        kept, folded = fold_duplicates([d.chunks for d in documents])
        known = self._known_info()
        # A titled embedder's vectors change with the title; others' do not.
        titled = known.titled if known else True
        doc_titles = {d.doc: embed_title(d.meta) for d in documents}
        titles = {doc: title if titled else "" for doc, title in doc_titles.items()}
        keys = [_embed_key(c, titles) for c in kept]
        todo = [c for c, key in zip(kept, keys, strict=True) if key not in self.old_vectors]
        # The embedder is given every title (it knows whether it uses them); the checkpoint
        # keys by what it was given, so its keys do not depend on that guess.
        todo_titles = [doc_titles[c.doc] for c in todo]
        info, fresh, resumed, embed_s = self._embed(todo, todo_titles, known)
        new = {_embed_key(c, titles): fresh[i] for i, c in enumerate(todo)}
        vectors = (
            np.stack([new[key] if key in new else self.old_vectors[key] for key in keys])
            if kept
            else np.zeros((0, info.dim), dtype=np.float32)
        )
        tokens = [self.old_tokens.get(_lexical_text(c)) or tokenize(_lexical_text(c)) for c in kept]
        meta = IndexMeta(
            embedder=info,
            chunker_version=chunking.CHUNKER_VERSION,
            chunk_size=s.chunk_size,
            chunk_overlap=s.chunk_overlap,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            documents=_entries(documents, kept, folded),
            skipped=failed,
            skipped_sha256=failed_sha,
            manifest_sha256=manifest_sha,
        )
        sources = {d.doc: d.chunks for d in documents}
        snapshot = Index(meta, kept, tokens, vectors, sources=sources)
        self.store.write(snapshot, keep=self.health.intact)
        self.checkpoint.discard()  # every vector it held is in the new index
        before = set(self.old.meta.documents) if self.old else set()
        removed = sorted(before - set(meta.documents))
        return IngestReport(
            documents=len(documents),
            chunks=len(kept),
            embedded=len(todo) - resumed,
            folded=sum(folded.values()),
            removed=removed,
            embed_seconds=embed_s,
            index=self.store.location,
            resumed=resumed,
            repaired=self.health.damage,
        )

    def _embed(
        self, todo: list[Chunk], titles: list[str], known: EmbedderInfo | None
    ) -> tuple[EmbedderInfo, np.ndarray, int, float]:
        """Vectors of `todo`, the number taken from the checkpoint, and seconds spent embedding."""
        keys = [text_key(t, c.text) for c, t in zip(todo, titles, strict=True)]
        cached = self.checkpoint.get(keys, known.dim if known else None)
        missing = [i for i, key in enumerate(keys) if key not in cached]
        if not missing and known is not None:
            # Nothing new to embed: no need to load the model at all.
            out = np.stack([cached[k] for k in keys]) if keys else np.zeros((0, known.dim))
            return known, out, len(todo), 0.0
        embedder = self.choice.load()
        info = embedder.info
        cached = {k: v for k, v in cached.items() if len(v) == info.dim}
        missing = [i for i, key in enumerate(keys) if key not in cached]
        self.progress.embedding(len(missing))
        started = time.perf_counter()
        # Grouped by title and sorted by length, as the embedder would: little padding.
        missing.sort(key=lambda i: (titles[i], len(todo[i].text)))
        done = 0
        for begin in range(0, len(missing), BATCH):
            batch = missing[begin : begin + BATCH]
            vectors = embedder.embed_documents(
                [todo[i].text for i in batch],
                on_progress=_offset(self.progress.embedded, done),
                titles=[titles[i] for i in batch],
            )
            batch_keys = [keys[i] for i in batch]
            self.checkpoint.put(info, batch_keys, vectors)
            cached.update(zip(batch_keys, vectors, strict=True))
            done += len(batch)
        seconds = time.perf_counter() - started
        out = np.stack([cached[k] for k in keys]) if keys else np.zeros((0, info.dim))
        return info, out, len(todo) - len(missing), seconds


def _offset(report: Callable[[int], None], base: int) -> Callable[[int], None]:
    """A batch's progress callback, counting from the passages embedded before it."""
    return lambda n: report(base + n)


def embed_title(meta: DocumentMeta) -> str:
    """What an embedder with a title slot is told a passage comes from."""
    return f"{meta.title} ({meta.publisher})" if meta.publisher else meta.title


def _embed_key(chunk: Chunk, titles: dict[str, str]) -> str:
    # A vector depends on the passage and on the title it was embedded under.
    return f"{chunk.id}|{titles.get(chunk.doc, '')}"


def _lexical_text(chunk: Chunk) -> str:
    # The section heading is part of what a passage is about.
    return f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text


def _entries(
    documents: list[_Doc], kept: list[Chunk], folded: dict[str, int]
) -> dict[str, DocumentEntry]:
    stored: dict[str, int] = {}
    for chunk in kept:
        stored[chunk.doc] = stored.get(chunk.doc, 0) + 1
    return {
        d.doc: DocumentEntry(
            doc=d.doc,
            meta=d.meta,
            sha256=d.sha256,
            encoding=d.encoding,
            chars=d.chars,
            pages=d.pages,
            chunks=stored.get(d.doc, 0),
            folded=folded.get(d.doc, 0),
            page_starts=d.page_starts,
        )
        for d in documents
    }
