"""The library's front door: what the CLI (or a script) calls to ingest, search and ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trendqa.answer import Answer, Answerer, AskOptions
from trendqa.config import Settings
from trendqa.embedding import Embedder, SentenceTransformerEmbedder
from trendqa.errors import IndexMismatchError, InputError, ModelError
from trendqa.evaluation import Question
from trendqa.ingest import EmbedderChoice, IngestProgress, IngestReport, ingest
from trendqa.llm import Generator
from trendqa.provision import verify_if_known
from trendqa.retrieval import Searcher, SearchOptions
from trendqa.store import IndexMeta
from trendqa.stores import StoredIndex, open_store
from trendqa.tokens import warm_up

__all__ = [
    "Answer",
    "Answerer",
    "AskOptions",
    "EmbedderLoader",
    "LoadTimes",
    "SearchOptions",
    "ask_options",
    "complete",
    "embedder_choice",
    "evaluate",
    "index_version",
    "ingest_paths",
    "install_models",
    "load_answer_rows",
    "load_questions",
    "load_sentence_transformer",
    "open_answerer",
    "open_generator",
    "open_searcher",
    "query_terms",
    "read_index_meta",
    "replaying",
    "search_options",
    "verify_models",
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
    """The configured embedder, described without loading it (a remote one is asked its name)."""
    if settings.embed_url:
        from trendqa.remote_embedder import RemoteEmbedder, remote_model_id

        url = settings.embed_url
        model = remote_model_id(url, settings.embed_model)
        return EmbedderChoice(id=model, quantized=False, load=lambda: RemoteEmbedder(url, model))
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
    store = open_store(settings)
    meta = store.read_meta()  # fails fast, before any heavy import
    box: dict[str, StoredIndex | BaseException] = {}

    def load_side() -> None:
        try:
            started = time.perf_counter()
            box["index"] = store.open()
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
        quantized = meta.embedder.quantized and not settings.embed_url
        choice = embedder_choice(settings, quantized, loader)
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
    assert not isinstance(index, BaseException)
    return Searcher(index, embedder), times


def open_generator(
    settings: Settings, *, verbose: bool = False, reproducible: bool = False, lean: bool = False
) -> Generator | None:
    """The configured LLM: an endpoint, a GGUF, or None (extractive answers only).
    `lean`: a long-lived process's memory settings (smaller batch and prompt cache)."""
    from trendqa.llm.llamacpp import (
        DEFAULT_BATCH,
        LEAN_BATCH,
        LEAN_PREFIX_CACHE_BYTES,
        PREFIX_CACHE_BYTES,
        LlamaCppGenerator,
    )
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
        path,
        threads=settings.threads,
        verbose=verbose,
        reuse_prefix=not reproducible,
        batch=LEAN_BATCH if lean else DEFAULT_BATCH,
        cache_bytes=LEAN_PREFIX_CACHE_BYTES if lean else PREFIX_CACHE_BYTES,
    )


def open_answerer(
    settings: Settings,
    *,
    loader: EmbedderLoader = load_sentence_transformer,
    generator: Generator | None = None,
    use_llm: bool = True,
    verbose: bool = False,
    reproducible: bool = False,
    lean: bool = False,
    on_warning: Callable[[str], None] = lambda _m: None,
) -> tuple[Answerer, LoadTimes]:
    """A searcher and a generator, loaded in parallel (llama.cpp loads while torch imports)."""
    box: dict[str, Any] = {}

    def load_llm() -> None:
        started = time.perf_counter()
        try:
            box["llm"] = open_generator(
                settings, verbose=verbose, reproducible=reproducible, lean=lean
            )
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
    for message in index_warnings(searcher.index.meta):
        on_warning(message)
    return Answerer(searcher, generator, on_warning=on_warning), times


def index_warnings(meta: IndexMeta) -> list[str]:
    """What a reader should know about an index it can still use: one built by an older
    passage format (its word index tokenized otherwise) searches less well until
    `ingest` brings it up to date — which re-embeds nothing."""
    from trendqa.chunking import CHUNKER_VERSION

    if meta.chunker_version == CHUNKER_VERSION:
        return []
    return [
        f"the index was built with passage format {meta.chunker_version} and this trendqa "
        f"reads format {CHUNKER_VERSION}: run `trendqa ingest` to bring it up to date "
        "(its embeddings are reused)"
    ]


# --------------------------------------------------------------------------- thin entry points
# What the CLI and the server need beyond the pipeline; the logic stays in the library modules.


def replaying(generator: Generator, path: Path) -> Generator:
    """`generator` with its replies recorded in `path` and replayed for the same call."""
    from trendqa.llm.replay import ReplayGenerator

    return ReplayGenerator(generator, path)


def read_index_meta(settings: Settings) -> IndexMeta:
    """How the live index was built, without loading its vectors."""
    return open_store(settings).read_meta()


def index_version(settings: Settings) -> str:
    """The live version's name: it changes whenever ingest swaps in a new index version."""
    # built_at has one-second resolution; version names are unique per write.
    return open_store(settings).live_version()


def query_terms(query: str) -> list[str]:
    """The query's lexical tokens (what search output highlights)."""
    from trendqa.tokens import tokenize

    return sorted({t for t in tokenize(query) if len(t) > 1}, key=len, reverse=True)


def complete(
    generator: Generator, messages: Sequence[tuple[str, str]], *, max_tokens: int = 64
) -> str:
    """One short deterministic one-line reply to (role, text) messages."""
    from trendqa.llm import ChatMessage, GenerationOptions

    chat = [ChatMessage(role, text) for role, text in messages]
    options = GenerationOptions(max_tokens=max_tokens, temperature=0.0, stop=("\n",))
    return generator.generate(chat, options).text


def load_answer_rows(file: Path) -> dict[str, dict[str, Any]]:
    """Answer rows an earlier `eval --rows` run saved, by question id (none if no file)."""
    from trendqa.evaluation import load_rows

    return load_rows(file)


def load_questions(file: Path) -> list[Question]:
    """The questions of an eval file; a bad line is an InputError naming its line."""
    from trendqa.evaluation import load_questions as load

    return load(file)


def evaluate(
    questions: Sequence[Question],
    answerer: Answerer,
    *,
    k: int,
    mode: str,
    answers: bool,
    extractive: bool,
    on_progress: Callable[[int, int, dict[str, Any]], None] = lambda _i, _n, _row: None,
    done: Mapping[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Retrieval scores (and answer scores with `answers`) over a question file.

    Answer rows in `done` (by question id, from an earlier run) are reused, not asked again.
    """
    from trendqa.evaluation import evaluate_answers, evaluate_retrieval

    opts = SearchOptions(k=k, mode=mode)  # type: ignore[arg-type]
    result: dict[str, Any] = {}
    result["retrieval"], rows = evaluate_retrieval(
        questions, lambda q: answerer.searcher.search(q, opts)
    )
    if answers:
        ask_opts = AskOptions(extractive=extractive)
        result["answers"], answer_rows = evaluate_answers(
            questions, lambda q: answerer.ask(q, ask_opts), on_progress, done
        )
        rows = answer_rows + rows
    return result, rows


def install_models(
    settings: Settings, only: str | None, *, force: bool, progress: Callable[[str], None]
) -> list[tuple[str, Path]]:
    """Download, assemble and verify the default models (all, or `only` one)."""
    from trendqa.provision import SPECS, install

    keys = [only] if only else list(SPECS)
    done = []
    for key in keys:
        if key not in SPECS:
            raise InputError(f"--only must be one of {', '.join(SPECS)}")
        done.append((key, install(key, settings.models_path, force=force, progress=progress)))
    return done


def verify_models(settings: Settings) -> list[str]:
    """Re-hash every installed default model; raises ModelError on a mismatch."""
    from trendqa.provision import SPECS, expected_hashes, verify

    for key, spec in SPECS.items():
        verify(settings.models_path / spec.target, expected_hashes(key), full=True)
    return list(SPECS)


def _options(kind: type[Any], values: Mapping[str, Any]) -> Any:
    from dataclasses import fields

    known = {f.name for f in fields(kind)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"unknown option {unknown[0]!r} for {kind.__name__}")
    # JSON has no tuples: sequences arrive as lists.
    return kind(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def ask_options(values: Mapping[str, Any]) -> AskOptions:
    """AskOptions from a JSON object (the server's wire form); unknown keys are refused."""
    return _options(AskOptions, values)  # type: ignore[no-any-return]


def search_options(values: Mapping[str, Any]) -> SearchOptions:
    """SearchOptions from a JSON object; unknown keys are refused."""
    return _options(SearchOptions, values)  # type: ignore[no-any-return]
