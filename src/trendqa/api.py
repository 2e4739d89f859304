"""The library's front door: what the CLI (or a script) calls to ingest, search and ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trendqa.answer import Answer, Answerer, AskOptions
from trendqa.config import Settings
from trendqa.embedding import Embedder, SentenceTransformerEmbedder
from trendqa.errors import IndexMismatchError, ModelError
from trendqa.ingest import EmbedderChoice, IngestProgress, IngestReport, ingest
from trendqa.llm import Generator
from trendqa.provision import verify_if_known
from trendqa.retrieval import Searcher
from trendqa.store import Index, load_index, read_meta
from trendqa.tokens import warm_up

__all__ = [
    "Answer",
    "Answerer",
    "AskOptions",
    "LoadTimes",
    "embedder_choice",
    "ingest_paths",
    "load_sentence_transformer",
    "open_answerer",
    "open_generator",
    "open_searcher",
]

# Dynamic int8 quantisation of the embedder: measured faster for the same ranking quality.
QUANTIZE_DEFAULT = True

# (model folder, quantize, threads) -> embedder; tests swap in a fake.
EmbedderLoader = Callable[[Path, bool, int | None], Embedder]


def load_sentence_transformer(path: Path, quantize: bool, threads: int | None) -> Embedder:
    """The default loader: verify a default model's hashes, then load it offline."""
    verify_if_known(path)
    return SentenceTransformerEmbedder(path, quantize=quantize, threads=threads)


def embedder_choice(
    settings: Settings,
    quantize: bool = QUANTIZE_DEFAULT,
    loader: EmbedderLoader = load_sentence_transformer,
) -> EmbedderChoice:
    """The configured embedder, described without loading it."""
    path = settings.embedder_path
    return EmbedderChoice(
        id=path.name, quantized=quantize, load=lambda: loader(path, quantize, settings.threads)
    )


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path] = (),
    *,
    rebuild: bool = False,
    progress: IngestProgress | None = None,
    loader: EmbedderLoader = load_sentence_transformer,
) -> IngestReport:
    """Ingest `paths` (default: the corpus folder) into the index."""
    return ingest(
        list(paths) or [settings.corpus_path],
        settings,
        embedder_choice(settings, loader=loader),
        rebuild=rebuild,
        progress=progress,
    )


@dataclass
class LoadTimes:
    """Where a cold start spends its time (seconds)."""

    index_s: float = 0.0
    tokenizer_s: float = 0.0
    embedder_s: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def open_searcher(
    settings: Settings,
    *,
    need_dense: bool = True,
    loader: EmbedderLoader = load_sentence_transformer,
) -> tuple[Searcher, LoadTimes]:
    """Load the index, jieba and the embedder, overlapping what can run in parallel."""
    times = LoadTimes()
    meta = read_meta(settings.index_path)  # fails fast, before any heavy import
    box: dict[str, Index | BaseException] = {}

    def load_side() -> None:
        try:
            started = time.perf_counter()
            box["index"] = load_index(settings.index_path)
            times.index_s = time.perf_counter() - started
            started = time.perf_counter()
            warm_up()
            times.tokenizer_s = time.perf_counter() - started
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    side = threading.Thread(target=load_side, daemon=True)
    side.start()
    embedder: Embedder | None = None
    if need_dense:
        choice = embedder_choice(settings, meta.embedder.quantized, loader)
        if choice.id != meta.embedder.id:
            raise IndexMismatchError(
                f"the index was built with embedder {meta.embedder.id!r} but {choice.id!r} is "
                "selected — run `trendqa ingest --rebuild` or select the index's embedder"
            )
        started = time.perf_counter()
        embedder = choice.load()
        times.embedder_s = time.perf_counter() - started
    side.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    index = box["index"]
    assert isinstance(index, Index)
    return Searcher(index, embedder), times


def open_generator(
    settings: Settings, *, verbose: bool = False, reproducible: bool = False
) -> Generator | None:
    """The configured LLM: an endpoint, a GGUF, or None (extractive answers only)."""
    from trendqa.llm.llamacpp import LlamaCppGenerator
    from trendqa.llm.openai import OpenAIGenerator

    if settings.llm_url:
        return OpenAIGenerator(settings.llm_url)
    path = settings.llm_path()
    if path is None:
        if settings.llm:
            raise ModelError(f"model {settings.llm} not found")
        return None
    if not path.exists():
        raise ModelError(
            f"model file {path} not found — run `trendqa models install` or pass --model"
        )
    verify_if_known(path)
    # reproducible: evaluate every prompt from scratch, so replies do not depend on
    # what was asked before (the prefix cache changes llama.cpp's batching).
    return LlamaCppGenerator(
        path, threads=settings.threads, verbose=verbose, reuse_prefix=not reproducible
    )


def open_answerer(
    settings: Settings,
    *,
    loader: EmbedderLoader = load_sentence_transformer,
    generator: Generator | None = None,
    use_llm: bool = True,
    verbose: bool = False,
    reproducible: bool = False,
    on_warning: Callable[[str], None] = lambda _m: None,
) -> tuple[Answerer, LoadTimes]:
    """A searcher and a generator, loaded in parallel (llama.cpp loads while torch imports)."""
    box: dict[str, Any] = {}

    def load_llm() -> None:
        started = time.perf_counter()
        try:
            box["llm"] = open_generator(settings, verbose=verbose, reproducible=reproducible)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc
        box["llm_s"] = time.perf_counter() - started

    side = None
    if generator is None and use_llm:
        side = threading.Thread(target=load_llm, daemon=True)
        side.start()
    try:
        searcher, times = open_searcher(settings, loader=loader)
    finally:
        if side:
            side.join()
    if "error" in box:
        raise box["error"]
    if side:
        generator = box["llm"]
        times.extra["llm_s"] = box["llm_s"]
    return Answerer(searcher, generator, on_warning=on_warning), times
