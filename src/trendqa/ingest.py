"""Ingest: load files, chunk, fold duplicates, embed what is new, write the index atomically."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from trendqa import chunking, loaders
from trendqa.config import Settings
from trendqa.dedup import fold_duplicates
from trendqa.embedding import Embedder, EmbedderInfo
from trendqa.errors import InputError, TrendqaError
from trendqa.records import Chunk, DocumentMeta, FileReport, Skipped, SourceDocument
from trendqa.store import (
    DocumentEntry,
    Index,
    IndexMeta,
    index_exists,
    load_index,
    read_meta,
    write_index,
    write_lock,
)
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


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""  # unreadable: load_file reports why


def _same_settings(meta: IndexMeta, settings: Settings, choice: EmbedderChoice) -> bool:
    return (
        meta.chunker_version == chunking.CHUNKER_VERSION
        and (meta.chunk_size, meta.chunk_overlap) == (settings.chunk_size, settings.chunk_overlap)
        and choice.matches(meta.embedder)
    )


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    embedder: EmbedderChoice,
    *,
    rebuild: bool = False,
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Index `paths` into `settings.index_path`; the previous index stays live until done."""
    started = time.perf_counter()
    progress = progress or QuietProgress()
    root = settings.index_path
    with write_lock(root):
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
        previous = read_meta(root) if index_exists(root) and not rebuild else None
        if previous and _same_settings(previous, settings, embedder):
            before = {d: e.sha256 for d, e in previous.documents.items()}
            before.update(previous.skipped_sha256)
            # Nothing changed, citation labels included: no loading, no model, no writing.
            if before == hashes and previous.manifest_sha256 == labels:
                skipped = missing + [Skipped(d, r) for d, r in previous.skipped.items()]
                return _unchanged_report(previous, skipped, started, root)
        progress.files(len(found))
        documents: list[SourceDocument] = []
        failed: dict[str, str] = {}
        for path, doc, base in found:
            password = passwords[base].get(doc, settings.pdf_password)
            try:
                documents.append(loaders.load_file(path, doc, manifests[base].get(doc), password))
            except InputError as exc:
                failed[doc] = str(exc)
            progress.file_done(doc)
        builder = _Builder(settings, embedder, previous, rebuild, progress)
        report = builder.build(documents, failed, {d: hashes[d] for d in failed}, labels)
    skipped = missing + [Skipped(d, r) for d, r in failed.items()]
    files = [d.report() for d in documents]
    return IngestReport(
        **{
            **report.__dict__,
            "skipped": skipped,
            "files": files,
            "seconds": time.perf_counter() - started,
        }
    )


def _manifest_sha256(
    found: Sequence[tuple[Path, str, Path]], manifests: dict[Path, dict[str, DocumentMeta]]
) -> str:
    """Hash of the manifest entries of the files found; "" when none has one."""
    entries = sorted(
        (doc, asdict(manifests[base][doc])) for _p, doc, base in found if doc in manifests[base]
    )
    if not entries:
        return ""
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode("utf-8")).hexdigest()


def _unchanged_report(
    meta: IndexMeta, skipped: list[Skipped], started: float, root: Path
) -> IngestReport:
    return IngestReport(
        documents=len(meta.documents),
        chunks=sum(e.chunks for e in meta.documents.values()),
        embedded=0,
        folded=sum(e.folded for e in meta.documents.values()),
        skipped=skipped,
        up_to_date=True,
        seconds=time.perf_counter() - started,
        index=str(root),
    )


class _Builder:
    """Chunks, folds, embeds only new passages (reusing the live index's vectors), writes."""

    def __init__(
        self,
        settings: Settings,
        embedder: EmbedderChoice,
        previous: IndexMeta | None,
        rebuild: bool,
        progress: IngestProgress,
    ) -> None:
        self.settings = settings
        self.choice = embedder
        self.previous = previous
        self.progress = progress
        self.old_vectors: dict[str, np.ndarray] = {}
        # Keyed by the text BM25 indexed (heading included), not the chunk id alone.
        self.old_tokens: dict[str, list[str]] = {}
        if previous and not rebuild and embedder.matches(previous.embedder):
            self._load_reusable()

    def _load_reusable(self) -> None:
        try:
            old = load_index(self.settings.index_path)
        except TrendqaError:
            return  # a damaged index is simply rebuilt
        titled = old.meta.embedder.titled
        titles = {d: embed_title(e.meta) if titled else "" for d, e in old.meta.documents.items()}
        self.old_vectors = {_embed_key(c, titles): old.vectors[i] for i, c in enumerate(old.chunks)}
        self.old_tokens = {_lexical_text(c): t for c, t in zip(old.chunks, old.tokens, strict=True)}

    def build(
        self,
        documents: list[SourceDocument],
        failed: dict[str, str],
        failed_sha: dict[str, str],
        manifest_sha: str,
    ) -> IngestReport:
        s = self.settings
        per_doc = [chunking.chunk_document(d, s.chunk_size, s.chunk_overlap) for d in documents]
        kept, folded = fold_duplicates(per_doc)
        # A titled embedder's vectors change with the title; others' do not.
        titled = self.previous.embedder.titled if self.previous else True
        titles = {d.doc: embed_title(d.meta) if titled else "" for d in documents}
        keys = [_embed_key(c, titles) for c in kept]
        todo = [c for c, key in zip(kept, keys, strict=True) if key not in self.old_vectors]
        doc_titles = {d.doc: embed_title(d.meta) for d in documents}
        info, fresh, embed_s = self._embed(todo, [doc_titles[c.doc] for c in todo])
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
        write_index(s.index_path, Index(meta, kept, tokens, vectors))
        before = set(self.previous.documents) if self.previous else set()
        removed = sorted(before - set(meta.documents))
        return IngestReport(
            documents=len(documents),
            chunks=len(kept),
            embedded=len(todo),
            folded=sum(folded.values()),
            removed=removed,
            embed_seconds=embed_s,
            index=str(s.index_path),
        )

    def _embed(
        self, todo: list[Chunk], titles: list[str]
    ) -> tuple[EmbedderInfo, np.ndarray, float]:
        if not todo and self.previous and self.old_vectors:
            # Nothing new to embed: no need to load the model at all.
            return self.previous.embedder, np.zeros((0, self.previous.embedder.dim)), 0.0
        embedder = self.choice.load()
        self.progress.embedding(len(todo))
        started = time.perf_counter()
        fresh = embedder.embed_documents(
            [c.text for c in todo], on_progress=self.progress.embedded, titles=titles
        )
        return embedder.info, fresh, time.perf_counter() - started


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
    documents: list[SourceDocument], kept: list[Chunk], folded: dict[str, int]
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
            chars=len(d.text),
            pages=len(d.pages) or None,
            chunks=stored.get(d.doc, 0),
            folded=folded.get(d.doc, 0),
            page_starts=tuple(span.start for span in d.pages),
        )
        for d in documents
    }
