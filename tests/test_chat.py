"""`trendqa chat` with scripted stdin: follow-ups rewritten, commands, JSON, through a server."""

from __future__ import annotations

import codecs
import io
import json
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult, CliRunner, requires_gguf
from fakecli import qa_script
from scripted import asked
from serving import environ, fakecli, serving
from trendqa.answer import prompts
from trendqa.cli import Env, run
from trendqa.conversation.prompts import REWRITE_SYSTEM
from trendqa.errors import ExitStatus
from trendqa.llm import ChatMessage, GenerationOptions, GenerationResult, TokenCallback
from trendqa.testing import FakeEmbedderLoader, FakeGenerator

# Answers are shown as the sentence that states them.
SHOWN_SIZE = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%"
SHOWN_EDGE = "Edge AI chips shipped 1.2 million units in 2024, up 40% from 2023"

Q_SIZE = "2024年中国人工智能核心产业规模是多少？"
Q_EDGE = "How many edge AI chips shipped in 2024?"
FOLLOW_UP = "那低空经济呢？"
REWRITTEN = "低空经济在哪些城市试点？"


@pytest.fixture
def index(cli: CliRunner, qa_corpus: Path, isolated_state: Path) -> Path:
    result = cli("ingest", str(qa_corpus))
    assert result.code == ExitStatus.OK, result.err
    return isolated_state / "index"


def chat(stdin: str, *argv: str, generator: Any = None) -> CliResult:
    """`trendqa chat` in-process with stdin not a terminal."""
    out, err = io.StringIO(), io.StringIO()
    env = Env(
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
        stdout_isatty=False,
        stderr_isatty=False,
        stdin_isatty=False,
        environ={**os.environ, "TRENDQA_EMBEDDER": "fake"},
        embedder_loader=FakeEmbedderLoader(),
        generator=generator,
    )
    code = run(["chat", *argv], env)
    return CliResult(int(code), out.getvalue(), err.getvalue())


def lines(*questions: str) -> str:
    return "".join(q + "\n" for q in questions)


def rewrites(gen: FakeGenerator) -> list[tuple[ChatMessage, ...]]:
    return [msgs for msgs, _opts in gen.calls if msgs[0].content == REWRITE_SYSTEM]


def answer_questions(gen: FakeGenerator) -> list[str]:
    """The questions answer requests asked (not rewrites, term lookups or confirmations)."""
    return [
        asked(msgs)
        for msgs, opts in gen.calls
        if msgs[0].content != REWRITE_SYSTEM and prompts.request_kind(opts) == "answer"
    ]


def test_scripted_dialogue_rewrites_only_the_follow_up(index: Path) -> None:
    gen = FakeGenerator(qa_script)
    result = chat(lines(Q_SIZE, FOLLOW_UP, Q_EDGE), generator=gen)
    assert result.code == ExitStatus.OK, result.err
    answers = result.out.splitlines()  # one answer per line
    assert len(answers) == 3
    assert answers[0].startswith(f"{SHOWN_SIZE}[")
    assert answers[1].startswith("无人机物流在深圳等城市试点[")
    assert answers[2].startswith(
        "Edge AI chips shipped 1.2 million units in 2024, up 40% from 2023["
    )
    assert f"trendqa: → {REWRITTEN}\n" in result.err  # the user sees what was asked
    assert result.err.count("→") == 1
    (rewrite,) = rewrites(gen)  # one rewrite call: for the follow-up only
    assert Q_SIZE in rewrite[-1].content and FOLLOW_UP in rewrite[-1].content
    assert answer_questions(gen) == [Q_SIZE, REWRITTEN, Q_EDGE]  # retrieval ran on the rewrite


def test_json_lines_carry_the_input_and_the_question_asked(index: Path) -> None:
    result = chat(lines(Q_SIZE, FOLLOW_UP), "--json", generator=FakeGenerator(qa_script))
    assert result.code == ExitStatus.OK, result.err
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["input"], r["question"]) for r in rows] == [(Q_SIZE, Q_SIZE), (FOLLOW_UP, REWRITTEN)]
    assert all(r["answerable"] and r["citations"] for r in rows)


def test_commands_change_the_next_answer(index: Path) -> None:
    stdin = lines("/k 1", "/doc edge", "/json", Q_EDGE, "/doc", "/lang en", "/sources", "/quit")
    stdin += Q_SIZE + "\n"
    result = chat(stdin, generator=FakeGenerator(qa_script))
    assert result.code == ExitStatus.OK, result.err
    first, *sources = result.out.splitlines()
    row = json.loads(first)
    assert len(row["passages"]) == 1 and row["passages"][0]["doc"] == "edge.md"
    # /sources prints the last answer's passages in full; /quit stops before Q_SIZE.
    assert sources[0].startswith("[1] Edge AI Outlook")
    assert "Edge AI chips shipped 1.2 million units in 2024" in "\n".join(sources)
    for feedback in ("passages per answer: 1", "reports: edge", "json output: on", "reports: all"):
        assert f"trendqa: {feedback}\n" in result.err
    assert "language: en" in result.err


def test_help_unknown_commands_and_bad_values_keep_the_session(index: Path) -> None:
    stdin = lines("/help", "/nope", "/k zero", "/lang fr", Q_SIZE)
    result = chat(stdin, generator=FakeGenerator(qa_script))
    assert result.code == ExitStatus.OK
    assert "/sources" in result.err and "unknown command /nope" in result.err
    assert "/k takes a whole number" in result.err and "/lang takes zh or en" in result.err
    assert result.out.startswith(f"{SHOWN_SIZE}[")


def test_a_bad_question_is_one_line_and_the_session_goes_on(index: Path) -> None:
    result = chat(lines("x" * 700, Q_SIZE), generator=FakeGenerator(qa_script))
    assert result.code == ExitStatus.OK
    assert len(result.out.splitlines()) >= 1
    assert result.out.splitlines()[-1].startswith(
        "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%["
    )


def test_without_an_llm_follow_ups_are_asked_as_they_are(index: Path) -> None:
    result = chat(lines(Q_SIZE, FOLLOW_UP), "--extractive")
    assert result.code == ExitStatus.OK, result.err
    assert "→" not in result.err
    assert len(result.out.splitlines()) == 2


def test_chat_without_an_index_exits_5(cli: CliRunner) -> None:
    result = chat(lines(Q_SIZE))
    assert result.code == ExitStatus.NO_INDEX


@pytest.mark.server
def test_chat_through_a_server_says_what_chat_in_process_says(
    index: Path, fake_loader: FakeEmbedderLoader
) -> None:
    stdin = lines(Q_SIZE, FOLLOW_UP, Q_EDGE)
    local = chat(stdin, generator=FakeGenerator(qa_script))
    with serving(index, "--llm", "qa"):
        remote = chat(stdin)
    assert (remote.code, remote.out) == (local.code, local.out)
    assert f"→ {REWRITTEN}" in remote.err
    # The server has the models loaded: only the in-process session says it loads them.
    assert "loading models" in local.err and "loading models" not in remote.err


class Recording:
    """A generator that remembers every prompt it is given, around a real one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.prompts: list[Sequence[ChatMessage]] = []

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def context_length(self) -> int:
        return int(self.inner.context_length)

    def count_tokens(self, text: str) -> int:
        return int(self.inner.count_tokens(text))

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        self.prompts.append(messages)
        result: GenerationResult = self.inner.generate(messages, options, on_token)
        return result


@pytest.mark.models
@requires_gguf
def test_a_real_small_model_holds_a_conversation(index: Path, smollm: Any) -> None:
    gen = Recording(smollm)
    result = chat(
        lines(Q_SIZE, FOLLOW_UP), "--json", "-k", "1", "--max-tokens", "48", generator=gen
    )
    assert result.code == ExitStatus.OK, result.err
    first, second = (json.loads(line) for line in result.out.splitlines())
    asked_rewrite = [p for p in gen.prompts if p[0].content == REWRITE_SYSTEM]
    assert len(asked_rewrite) == 1  # the follow-up, not the first question
    assert Q_SIZE in asked_rewrite[0][-1].content
    # Whatever a 135M model makes of it, what was asked is shown and is what was answered.
    assert second["input"] == FOLLOW_UP
    if second["question"] != FOLLOW_UP:
        assert f"→ {second['question']}" in result.err
        assert "\n" not in second["question"]
    for row in (first, second):
        assert all(c["verified"] for c in row["citations"])
        assert row["mode"] in ("llm", "extractive", "refused")


# --------------------------------------------------------------------------- on a terminal


PROMPT = "trendqa> "


class Terminal:
    """`trendqa chat` in its own process on a pseudo-terminal, read as the user sees it."""

    def __init__(self, *argv: str) -> None:
        import pty

        self.master, slave = pty.openpty()
        # A terminal's foreground job gets Ctrl-C. Where the tests themselves run in the
        # background of a non-interactive shell, SIGINT is ignored and a child would
        # inherit that: give it the default, as a user's terminal does.
        self.process = fakecli(
            *argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ(),
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        os.close(slave)
        self.seen = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def expect(self, text: str, after: int = 0) -> int:
        """Read until `text` shows up past position `after`; where it ends."""
        import select

        deadline = time.monotonic() + 60
        while text not in self.seen[after:]:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} never appeared; the terminal shows:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += self.decoder.decode(os.read(self.master, 4096))
                except OSError:  # the process is gone
                    pytest.fail(f"chat ended early; the terminal shows:\n{self.seen}")
        return self.seen.index(text, after) + len(text)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


def test_on_a_terminal_ctrl_c_cancels_the_answer_and_ctrl_d_quits(
    index: Path, tmp_path: Path, isolated_state: Path
) -> None:
    release = tmp_path / "release"
    term = Terminal("--llm", str(release), "chat")
    try:
        at = term.expect(PROMPT)
        term.type(Q_SIZE + "\r")
        wait_until(release.with_name("release.waiting").exists)
        term.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        at = term.expect("cancelled", at)
        at = term.expect(PROMPT, at)  # back at the prompt, the session alive
        release.write_text("go")
        term.type(Q_SIZE + "\r")
        at = term.expect("Sources:", at)
        term.expect(PROMPT, at)
        term.type("\x04")  # Ctrl-D
        assert term.process.wait(timeout=30) == ExitStatus.OK
    finally:
        term.close()
    history = Path(os.environ["HOME"]) / ".local" / "state" / "trendqa" / "chat_history"
    assert Q_SIZE in history.read_text(encoding="utf-8")  # kept for the next session


def wait_until(condition: Any) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)
