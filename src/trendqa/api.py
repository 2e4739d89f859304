"""The library's front door: what the CLI (or a script) calls to ingest, search and ask.

The CLI reaches the library only through this module, so it is light to import: at module
level it imports only the standard library, settings, errors and the server's stdlib-only
thin client; everything heavier (the pipeline, numpy, torch, llama.cpp) is imported inside
the function that needs it, and the pipeline's types are re-exported lazily (`__getattr__`).
A client of a running `trendqa serve` thus never loads numpy or torch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trendqa.config import Settings
from trendqa.errors import IndexMismatchError, InputError, ModelError, TrendqaError
from trendqa.server.client import ServerBusy, ServerClient, ServerGone, ServerUnreachable
from trendqa.server.discovery import ServerInfo, embedder_setting, llm_setting, read_info

if TYPE_CHECKING:
    from trendqa.answer import Answer, Answerer, AskOptions
    from trendqa.embedding import Embedder
    from trendqa.evaluation import Question
    from trendqa.ingest import EmbedderChoice, IngestProgress, IngestReport
    from trendqa.llm import Generator
    from trendqa.retrieval import Searcher, SearchOptions
    from trendqa.store import IndexMeta
    from trendqa.stores import StoredIndex

__all__ = [
    "Answer",
    "Answerer",
    "AskOptions",
    "EmbedderLoader",
    "LoadTimes",
    "SearchOptions",
    "ServerBusy",
    "ServerClient",
    "ServerGone",
    "ServerInfo",
    "ServerUnreachable",
    "ask_options",
    "complete",
    "embedder_choice",
    "evaluate",
    "find_server",
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
    "running_server",
    "search_options",
    "serve",
    "server_answers",
    "standalone_question",
    "verify_models",
]

# The pipeline's types, imported on first use: `from trendqa.api import Answerer` works.
_LAZY = {
    "Answer": "trendqa.answer",
    "Answerer": "trendqa.answer",
    "AskOptions": "trendqa.answer",
    "SearchOptions": "trendqa.retrieval",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


# Dynamic int8 quantisation of the embedder: measured faster for the same ranking quality.
QUANTIZE_DEFAULT = True

# (model folder, quantize, threads) -> embedder; tests swap in a fake.
EmbedderLoader = Callable[[Path, bool, int | None], "Embedder"]


def load_sentence_transformer(path: Path, quantize: bool, threads: int | None) -> Embedder:
    """The default loader: verify a default model's hashes, then load it offline."""
    from trendqa.embedding import SentenceTransformerEmbedder
    from trendqa.provision import verify_if_known

    verify_if_known(path)
    return SentenceTransformerEmbedder(path, quantize=quantize, threads=threads)


def embedder_choice(
    settings: Settings,
    quantize: bool = QUANTIZE_DEFAULT,
    loader: EmbedderLoader = load_sentence_transformer,
) -> EmbedderChoice:
    """The configured embedder, described without loading it (a remote one is asked its name)."""
    from trendqa.ingest import EmbedderChoice

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
    from trendqa.ingest import ingest

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
    from trendqa.retrieval import Searcher
    from trendqa.stores import open_store
    from trendqa.tokens import warm_up

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
    from trendqa.provision import verify_if_known

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
        states=settings.prompt_states_path(),
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
    from trendqa.answer import Answerer

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
    from trendqa.stores import open_store

    return open_store(settings).read_meta()


def index_version(settings: Settings) -> str:
    """The live version's name: it changes whenever ingest swaps in a new index version."""
    # built_at has one-second resolution; version names are unique per write.
    from trendqa.stores import open_store

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


# Room for the rewritten question, not for an answer: a longer reply is not trusted anyway.
REWRITE_TOKENS = 96


def standalone_question(
    generator: Generator | None, question: str, history: Sequence[tuple[str, str]]
) -> tuple[str, bool]:
    """The question to retrieve with in a chat, and whether it was rewritten.

    A question that leans on the conversation (`history`: earlier (question, answer) turns)
    is made standalone with one short model call (`trendqa.conversation.standalone`);
    without a generator, or for a question that stands on its own, it is kept as it is.
    """
    if generator is None:
        return question, False
    from trendqa.conversation import standalone

    return standalone(
        question,
        history,
        lambda messages: complete(generator, messages, max_tokens=REWRITE_TOKENS),
    )


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
    from trendqa.answer import AskOptions
    from trendqa.evaluation import evaluate_answers, evaluate_retrieval
    from trendqa.retrieval import SearchOptions

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
    from trendqa.answer import AskOptions

    return _options(AskOptions, values)  # type: ignore[no-any-return]


def search_options(values: Mapping[str, Any]) -> SearchOptions:
    """SearchOptions from a JSON object; unknown keys are refused."""
    from trendqa.retrieval import SearchOptions

    return _options(SearchOptions, values)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- trendqa serve
# A server keeps the models loaded; clients find it through the discovery file in the index
# folder and talk to it with the stdlib-only `ServerClient` (re-exported here with its
# errors and `ServerInfo`, so callers need nothing from `trendqa.server`).


def serve(
    settings: Settings,
    *,
    loader: EmbedderLoader = load_sentence_transformer,
    generator: Generator | None = None,
    use_llm: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    queue_size: int = 4,
    verbose: bool = False,
    reproducible: bool = False,
    on_status: Callable[[str], None] = lambda _m: None,
) -> None:
    """Load the models once, listen on `host`:`port` (0: a free port), write the discovery
    file and answer search/ask/rewrite requests until interrupted (`trendqa.server.run`).
    At most `queue_size` questions wait; more are answered "busy"."""
    from trendqa.server.run import serve as run_server

    run_server(
        settings,
        loader=loader,
        generator=generator,
        use_llm=use_llm,
        host=host,
        port=port,
        token=token,
        queue_size=queue_size,
        verbose=verbose,
        reproducible=reproducible,
        on_status=on_status,
    )


def running_server(settings: Settings) -> ServerInfo | None:
    """The server its discovery file says runs for this index, or None (a killed
    server's file is recognised by its dead pid and removed)."""
    return read_info(settings.index_path)


def find_server(settings: Settings, *, need_llm: bool) -> ServerClient | None:
    """A client for the running server of this index if it holds what `settings` select:
    the same embedder and store and, with `need_llm`, the same LLM. Nothing is sent yet."""
    info = running_server(settings)
    if info is None or info.embedder != embedder_setting(settings):
        return None
    if info.store != (settings.store or ""):
        return None  # a server of another store that shares this index folder
    if need_llm and info.llm != llm_setting(settings):
        return None
    return ServerClient(info)


def server_answers(info: ServerInfo, *, timeout: float = 5.0) -> bool:
    """Whether the server `info` names answers (a discovery file's pid may be reused by
    another process); one that refuses this caller, e.g. for its token, is there too."""
    try:
        ServerClient(info, timeout=timeout).get("/v1/health")
    except (ServerUnreachable, ServerGone):
        return False
    except TrendqaError:
        return True
    return True
