"""`trendqa chat`: a research session; models load once, follow-ups are made standalone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from trendqa.cli.ask import LangOpt, check_lang
from trendqa.cli.backend import Answers, open_answers
from trendqa.cli.env import Env, env_of, settings_of
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
from trendqa.errors import InputError, TrendqaError

HELP = """commands:
  /sources      full passages of the last answer
  /doc NAME     only these reports (repeat to add); /doc alone clears
  /lang zh|en   answer language; /lang alone: the question's
  /k N          passages per answer
  /json         toggle JSON output
  /help         this text
  /quit         leave (Ctrl-D too); Ctrl-C cancels an answer being written"""


@dataclass
class Session:
    """What the conversation remembers: its turns, options and the last answer."""

    options: dict[str, Any]
    as_json: bool
    history: list[tuple[str, str]] = field(default_factory=list)
    last: dict[str, Any] | None = None


def chat_cmd(
    ctx: typer.Context,
    k: KOpt = 3,
    doc: DocOpt = None,
    lang: LangOpt = None,
    max_tokens: Annotated[int, typer.Option(min=16, help="Reply budget in tokens.")] = 200,
    extractive: Annotated[bool, typer.Option(help="Quote the best sentences; no LLM.")] = False,
    model: ModelOpt = None,
    llm_url: LlmUrlOpt = None,
    index: IndexOpt = None,
    store: StoreOpt = None,
    embed_url: EmbedUrlOpt = None,
    embedder: EmbedderOpt = None,
    as_json: JsonOpt = False,
    no_server: NoServerOpt = False,
) -> None:
    """Ask question after question; follow-ups are rewritten to stand alone (→ shows how)."""
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
        env, settings, use_llm=not extractive, no_server=no_server, announce=True
    )
    if not answers.has_llm and not extractive:
        env.warn("no LLM configured: answering extractively, follow-ups are not rewritten")
    session = Session(
        options={
            "k": k,
            "docs": list(doc or ()),
            "language": lang,
            "max_tokens": max_tokens,
            "extractive": extractive,
        },
        as_json=as_json,
    )
    interactive = bool(env.stdin_isatty and env.stdout_isatty)
    if interactive:
        env.warn("ready — /help for commands, Ctrl-D to leave")
    for line in _lines(env, interactive):
        if line.startswith("/"):
            if not command(env, session, line):
                return
            continue
        turn(env, answers, session, line, interactive)


def _history_file(env: Env) -> Path:
    state = env.environ.get("XDG_STATE_HOME") or str(
        Path(env.environ.get("HOME", "~")) / ".local/state"
    )
    return Path(state).expanduser() / "trendqa" / "chat_history"


def _lines(env: Env, interactive: bool) -> Iterator[str]:
    """Questions and commands: from a line editor on a terminal, else one per stdin line."""
    if not interactive:
        for raw in env.stdin:
            if raw.strip():
                yield raw.strip()
        return
    import readline  # line editing and history for input()

    path = _history_file(env)
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    try:
        while True:
            try:
                raw = input("trendqa> ")
            except KeyboardInterrupt:  # Ctrl-C at the prompt: a fresh prompt, as in a shell
                env.stdout.write("\n")
                continue
            except EOFError:  # Ctrl-D
                env.stdout.write("\n")
                return
            if raw.strip():
                yield raw.strip()
    finally:
        path.parent.mkdir(parents=True, exist_ok=True)
        readline.set_history_length(1000)
        with contextlib.suppress(OSError):
            readline.write_history_file(path)


def _say(env: Env, interactive: bool, text: str) -> None:
    """Command feedback: on the terminal, or on stderr so scripted stdout stays answers only."""
    if interactive:
        env.stdout.write(text + "\n")
        env.stdout.flush()
    else:
        env.warn(text)


def command(env: Env, session: Session, line: str) -> bool:
    """Run one /command; False means leave."""
    interactive = bool(env.stdin_isatty and env.stdout_isatty)
    name, _, arg = line.partition(" ")
    arg = arg.strip()
    opts = session.options
    if name in ("/quit", "/exit", "/q"):
        return False
    if name == "/help":
        _say(env, interactive, HELP)
    elif name == "/sources":
        from trendqa.render import print_passages

        if session.last is None:
            _say(env, interactive, "no answer yet")
        else:
            print_passages(env.out(), session.last)
    elif name == "/doc":
        opts["docs"] = [*opts["docs"], arg] if arg else []
        _say(env, interactive, f"reports: {', '.join(opts['docs']) or 'all'}")
    elif name == "/lang":
        if arg not in ("", "zh", "en"):
            _say(env, interactive, "/lang takes zh or en")
        else:
            opts["language"] = arg or None
            _say(env, interactive, f"language: {arg or 'the question’s'}")
    elif name == "/k":
        if not arg.isdigit() or int(arg) < 1:
            _say(env, interactive, "/k takes a whole number ≥ 1")
        else:
            opts["k"] = int(arg)
            _say(env, interactive, f"passages per answer: {arg}")
    elif name == "/json":
        session.as_json = not session.as_json
        _say(env, interactive, f"json output: {'on' if session.as_json else 'off'}")
    else:
        _say(env, interactive, f"unknown command {name} — /help lists them")
    return True


def turn(env: Env, answers: Answers, session: Session, line: str, interactive: bool) -> None:
    """Answer one question of the conversation, rewriting it first if it is a follow-up."""
    from trendqa.render import StreamView, print_answer_data

    try:
        question, rewritten = answers.rewrite(line, session.history)
        if rewritten:
            _say(env, interactive, f"→ {question}")
        if session.as_json:
            answer = answers.ask(question, session.options, None)
            env.json_line({**answer, "input": line})
        elif interactive:
            with StreamView(env.out()) as view:
                answer = answers.ask(question, session.options, view.feed)
            print_answer_data(env.out(), answer)
            env.stdout.write("\n")
        else:
            answer = answers.ask(question, session.options, None)
            env.stdout.write(" ".join(answer["answer"].split()) + "\n")
            env.stdout.flush()
    except KeyboardInterrupt:
        if not interactive:
            raise
        env.warn("cancelled")
        return
    except InputError as exc:  # a bad question loses the session nothing
        env.warn(f"error: {exc}")
        return
    except TrendqaError:
        raise
    session.last = answer
    session.history.append((question, answer["answer"]))
