"""`trendqa ask`: an answer with verified citations (through a running server when there is one)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from trendqa.cli.backend import Answers, open_answers
from trendqa.cli.env import Env, env_of, queries, settings_of
from trendqa.cli.options import (
    DocOpt,
    EmbedderOpt,
    EmbedUrlOpt,
    IndexOpt,
    JsonOpt,
    KOpt,
    LlmUrlOpt,
    ModelOpt,
    NoServerOpt,
    StoreOpt,
)
from trendqa.errors import ExitStatus, InputError

LangOpt = Annotated[str | None, typer.Option("--lang", help="Answer in zh or en.")]


def check_lang(lang: str | None) -> None:
    if lang not in (None, "zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")


def ask_cmd(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, or - for one per stdin line.")],
    k: KOpt = 3,
    doc: DocOpt = None,
    lang: LangOpt = None,
    max_tokens: Annotated[int, typer.Option(min=16, help="Reply budget in tokens.")] = 200,
    temperature: Annotated[float, typer.Option(min=0.0, help="0 is deterministic.")] = 0.0,
    extractive: Annotated[
        bool, typer.Option(help="Quote the best sentences; no LLM (fast, cannot invent).")
    ] = False,
    model: ModelOpt = None,
    llm_url: LlmUrlOpt = None,
    index: IndexOpt = None,
    store: StoreOpt = None,
    embed_url: EmbedUrlOpt = None,
    embedder: EmbedderOpt = None,
    verbose: Annotated[bool, typer.Option(help="Show llama.cpp's own log.")] = False,
    as_json: JsonOpt = False,
    no_server: NoServerOpt = False,
) -> None:
    """Answer a question from the corpus, with verified [n] citations."""
    check_lang(lang)
    env = env_of(ctx)
    settings = settings_of(
        ctx,
        index_dir=index,
        store=store,
        embed_url=embed_url,
        embedder=embedder,
        llm=model,
        llm_url=llm_url,
    )
    answers = open_answers(
        env, settings, use_llm=not extractive, verbose=verbose, no_server=no_server
    )
    if not answers.has_llm and not extractive:
        env.warn("no LLM configured (see `trendqa models install`): answering extractively")
    options = {
        "k": k,
        "docs": list(doc or ()),
        "language": lang,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "extractive": extractive,
    }
    refused = False
    for i, q in enumerate(queries(env, question)):
        extra = {"query_index": i} if question == "-" else {}
        answer = answer_one(env, answers, q, options, as_json=as_json, extra=extra)
        if question == "-" and not as_json:
            env.out().print()
        refused = refused or not answer["answerable"]
    if refused:
        raise typer.Exit(ExitStatus.NOT_IN_CORPUS)


def answer_one(
    env: Env,
    answers: Answers,
    question: str,
    options: dict[str, Any],
    *,
    as_json: bool,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Ask one question and print its answer: JSON, or streamed then checked on a terminal."""
    from trendqa.render import StreamView, print_answer_data

    if as_json:
        answer = answers.ask(question, options, None)
        env.json_line({**answer, **extra})
        return answer
    console = env.out()
    if env.stdout_isatty:
        with StreamView(console) as view:
            answer = answers.ask(question, options, view.feed)
    else:
        answer = answers.ask(question, options, None)
    if "query_index" in extra:
        console.print(f"# {question}")
    print_answer_data(console, answer)
    return answer
