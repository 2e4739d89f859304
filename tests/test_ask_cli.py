"""`trendqa ask` (and `eval --answers`) run in-process: fake embedder, scripted or real model."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest

from conftest import CliResult, CliRunner, free_port, requires_server
from scripted import answer_requests, asked, confirming, model, reply, sentence_id
from trendqa.answer import REFUSAL
from trendqa.cli import Env, run
from trendqa.errors import ExitStatus
from trendqa.llm import ChatMessage, GenerationOptions, Generator
from trendqa.loaders import load_file
from trendqa.numbers import unsupported_numbers
from trendqa.testing import FakeEmbedderLoader, FakeGenerator
from trendqa.textnorm import detect_language

# Answers are shown as the sentence that states them.
SHOWN_SIZE = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%"
SHOWN_EDGE = "Edge AI chips shipped 1.2 million units in 2024, up 40% from 2023"

Q_SIZE = "2024年中国人工智能核心产业规模是多少？"
Q_EDGE = "How many edge AI chips shipped in 2024?"
Q_OFF = "火星上有多少只企鹅？"
SIZE = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%。"
SIZE_NEEDLE = "核心产业规模达到"  # what the model sees of SIZE, however figures are shown
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

ANSWER_KEYS = {
    "question",
    "answer",
    "language",
    "answerable",
    "mode",
    "reason",
    "citations",
    "passages",
    "model",
    "timings",
    "warnings",
}
CITATION_KEYS = {"n", "doc", "title", "page", "start", "end", "quote", "verified"}
PASSAGE_KEYS = {"n", "doc", "page", "text", "score"}


class Ask(Protocol):
    def __call__(
        self,
        *argv: str,
        generator: Generator | None = None,
        stdin: str = "",
        tty: bool = False,
    ) -> CliResult: ...


@pytest.fixture
def ask(fake_loader: FakeEmbedderLoader) -> Ask:
    """Run `trendqa ask ARGV` with the fake embedder and, if given, a generator."""

    def invoke(
        *argv: str, generator: Generator | None = None, stdin: str = "", tty: bool = False
    ) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        env = Env(
            stdin=io.StringIO(stdin),
            stdout=out,
            stderr=err,
            stdout_isatty=tty,
            stderr_isatty=False,
            environ={**os.environ, "TRENDQA_EMBEDDER": "fake"},
            embedder_loader=fake_loader,
            generator=generator,
        )
        code = run(["ask", *argv], env)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def indexed(cli: CliRunner, qa_corpus: Path) -> Path:
    """The question-answering corpus, ingested through the CLI."""
    result = cli("ingest", str(qa_corpus))
    assert result.code == ExitStatus.OK, result.err
    return qa_corpus


def size_model() -> FakeGenerator:
    return model("2024年中国人工智能核心产业规模达到727.2亿元。", SIZE_NEEDLE)


def assert_checkable(data: dict[str, Any], corpus: Path) -> None:
    """Every citation in `ask --json` output quotes its source verbatim at its offsets, and
    every figure the answer states is stated by a quote (or the question)."""
    passages = {p["n"]: p for p in data["passages"]}
    for c in data["citations"]:
        assert set(c) >= CITATION_KEYS
        assert c["verified"] is True
        assert load_file(corpus / c["doc"], c["doc"]).text[c["start"] : c["end"]] == c["quote"]
        assert c["quote"] in passages[c["n"]]["text"]
        assert f"[{c['n']}]" in data["answer"]
    stated = re.sub(r"\[\d+\]", "", data["answer"])
    cited = " ".join(c["quote"] for c in data["citations"])
    assert unsupported_numbers(stated, cited, data["question"]) == []


def one_line_error(result: CliResult) -> str:
    assert result.out == ""
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("trendqa: error: ")
    return result.err


# --------------------------------------------------------------------------- --json


def test_json_has_the_documented_keys(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, "--json", generator=size_model())
    assert (result.code, result.err) == (ExitStatus.OK, "")
    (data,) = result.json_lines()
    assert set(data) >= ANSWER_KEYS
    assert (data["question"], data["language"], data["answerable"]) == (Q_SIZE, "zh", True)
    assert data["mode"] == "llm"
    assert data["model"] == {"llm": "fake", "embedder": "fake"}
    assert {"retrieve_s", "total_s"} <= set(data["timings"])
    assert all(isinstance(v, float) for v in data["timings"].values())
    assert data["passages"]
    for p in data["passages"]:
        assert set(p) >= PASSAGE_KEYS
        assert isinstance(p["score"], float)
    (citation,) = data["citations"]
    assert (citation["doc"], citation["page"], citation["quote"]) == ("market.md", None, SIZE)
    assert data["answer"] == f"{SHOWN_SIZE}[{citation['n']}]。"
    assert_checkable(data, indexed)


def test_json_citation_from_a_pdf_has_its_page(ask: Ask, indexed: Path) -> None:
    gen = model("量子计算使算力提升65.4%。", "算力提升65.4%")
    result = ask("量子计算让算力提升了多少？", "--json", generator=gen)
    assert result.code == ExitStatus.OK, result.err
    (data,) = result.json_lines()
    (citation,) = data["citations"]
    assert (citation["doc"], citation["page"]) == ("report.pdf", 2)
    assert_checkable(data, indexed)


def by_question(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    """A model that knows the answers to two questions."""
    question = asked(messages)
    if question == Q_EDGE:
        return reply("About 1.2 million edge AI chips shipped.", [sentence_id(messages, "1.2 m")])
    assert question == Q_SIZE
    return reply("规模达到727.2亿元。", [sentence_id(messages, SIZE_NEEDLE)])


def test_stdin_questions_give_one_json_object_each(ask: Ask, indexed: Path) -> None:
    gen = FakeGenerator(confirming(by_question))
    stdin = f"{Q_SIZE}\n\n  {Q_OFF}  \n{Q_EDGE}\n"
    result = ask("-", "--json", generator=gen, stdin=stdin)
    assert result.code == ExitStatus.NOT_IN_CORPUS  # one of them is not in the corpus
    assert result.err == ""
    rows = result.json_lines()
    assert [r["query_index"] for r in rows] == [0, 1, 2]
    assert [r["question"] for r in rows] == [Q_SIZE, Q_OFF, Q_EDGE]
    assert [r["answerable"] for r in rows] == [True, False, True]
    assert [r["language"] for r in rows] == ["zh", "zh", "en"]
    assert rows[1]["answer"] == REFUSAL["zh"]
    assert [detect_language(r["answer"]) for r in rows] == ["zh", "zh", "en"]
    assert len(answer_requests(gen)) == 2  # the off-topic question never reached the model
    for row in rows:
        assert_checkable(row, indexed)


def test_refusal_exits_3(ask: Ask, indexed: Path) -> None:
    gen = FakeGenerator([])
    result = ask(Q_OFF, "--json", generator=gen)
    assert (result.code, result.err) == (ExitStatus.NOT_IN_CORPUS, "")
    (data,) = result.json_lines()
    assert (data["answerable"], data["answer"], data["citations"]) == (False, REFUSAL["zh"], [])
    assert gen.calls == []


@pytest.mark.parametrize(
    "question, lang, refusal",
    [(Q_OFF, "en", REFUSAL["en"]), ("How many penguins live on Mars?", "zh", REFUSAL["zh"])],
)
def test_lang_sets_the_language(
    ask: Ask, indexed: Path, question: str, lang: str, refusal: str
) -> None:
    result = ask(question, "--lang", lang, "--json", generator=FakeGenerator([]))
    assert result.code == ExitStatus.NOT_IN_CORPUS
    (data,) = result.json_lines()
    assert (data["language"], data["answer"]) == (lang, refusal)
    assert detect_language(data["answer"]) == lang


def test_unknown_lang_is_an_error(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, "--lang", "fr", generator=FakeGenerator([]))
    assert result.code == ExitStatus.ERROR
    assert "--lang must be zh or en" in one_line_error(result)


# --------------------------------------------------------------------------- human output


def test_plain_output_when_not_a_tty(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, generator=size_model())
    assert (result.code, result.err) == (ExitStatus.OK, "")
    assert not ANSI.search(result.out)
    # Line 5 of market.md; the title is the report's first heading.
    assert result.out == (
        "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%[1]。\n"
        "\n"
        "Sources:\n"
        "[1] 2024人工智能产业报告, line 5 (market.md)\n"
        f"    「{SIZE}」\n"
    )


def test_plain_refusal_shows_the_closest_passages(ask: Ask, indexed: Path) -> None:
    result = ask(Q_OFF, generator=FakeGenerator([]))
    assert (result.code, result.err) == (ExitStatus.NOT_IN_CORPUS, "")
    lines = result.out.splitlines()
    assert lines[:3] == [REFUSAL["zh"], "", "Closest passages:"]
    assert not ANSI.search(result.out)


def test_stdin_questions_in_plain_output(ask: Ask, indexed: Path) -> None:
    gen = FakeGenerator(confirming(by_question))
    result = ask("-", generator=gen, stdin=f"{Q_SIZE}\n{Q_EDGE}\n")
    assert (result.code, result.err) == (ExitStatus.OK, "")
    assert result.out.startswith(f"# {Q_SIZE}\n{SHOWN_SIZE}[1]。\n")
    # In its sentence's words: what the figure counts, and when.
    assert f"\n# {Q_EDGE}\n{SHOWN_EDGE}[1].\n" in result.out


def test_a_terminal_sees_the_stream_then_the_checked_answer(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, generator=size_model(), tty=True)
    assert (result.code, result.err) == (ExitStatus.OK, "")
    assert ANSI.search(result.out)  # a terminal gets styles
    plain = ANSI.sub("", result.out)
    checked = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%[1]。"
    streamed = plain.index("2024年中国人工智能核心产业规模达到727.2亿元。")  # before markers
    assert streamed < plain.index(checked)
    assert plain.rstrip().endswith(f"[1] 2024人工智能产业报告, line 5 (market.md)\n    「{SIZE}」")


def test_without_a_model_answers_are_extractive(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, "--json")
    assert result.code == ExitStatus.OK
    assert "no LLM configured" in result.err
    (data,) = result.json_lines()
    assert (data["mode"], data["model"]["llm"]) == ("extractive", None)
    assert data["citations"][0]["quote"] == SIZE
    assert_checkable(data, indexed)
    quiet = ask(Q_SIZE, "--extractive", "--json", generator=FakeGenerator([]))
    assert (quiet.code, quiet.err) == (ExitStatus.OK, "")
    assert quiet.json_lines()[0]["mode"] == "extractive"


def test_warnings_go_to_stderr(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE * 40, "--json", generator=size_model())
    assert result.code == ExitStatus.OK
    assert result.err == "trendqa: question truncated to 600 characters\n"
    (data,) = result.json_lines()
    assert data["warnings"] == ["question truncated to 600 characters"]


# --------------------------------------------------------------------------- errors


def test_no_index_exits_5(ask: Ask) -> None:
    result = ask(Q_SIZE, "--json", generator=FakeGenerator([]))
    assert result.code == ExitStatus.NO_INDEX
    assert "trendqa ingest" in one_line_error(result)


def test_missing_model_file_exits_6(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, "--model", "/nonexistent.gguf")
    assert result.code == ExitStatus.MODEL
    assert "/nonexistent.gguf not found" in one_line_error(result)


def test_garbage_model_file_exits_6(ask: Ask, indexed: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "model.gguf"
    garbage.write_bytes(b"<html>404 Not Found</html>" * 40)
    result = ask(Q_SIZE, "--model", str(garbage))
    assert result.code == ExitStatus.MODEL
    assert "is not a GGUF model file" in one_line_error(result)


@pytest.mark.models
def test_corrupt_gguf_exits_6(ask: Ask, indexed: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(range(256)) * 16)  # the magic, then junk
    result = ask(Q_SIZE, "--model", str(broken))
    assert result.code == ExitStatus.MODEL
    assert "cannot load model" in one_line_error(result)


def test_dead_llm_url_exits_6(ask: Ask, indexed: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = ask(Q_SIZE, "--llm-url", url)
    assert result.code == ExitStatus.MODEL
    assert f"cannot reach LLM endpoint {url}" in one_line_error(result)
    # A question the corpus cannot answer is refused before the endpoint is needed.
    assert ask(Q_OFF, "--llm-url", url).code == ExitStatus.NOT_IN_CORPUS


def test_bad_llm_url_is_an_input_error(ask: Ask, indexed: Path) -> None:
    result = ask(Q_SIZE, "--llm-url", "localhost:8080")
    assert result.code == ExitStatus.ERROR
    assert "must look like http://HOST:PORT" in one_line_error(result)


# --------------------------------------------------------------------------- eval --answers


def test_eval_scores_answers(
    cli: CliRunner, indexed: Path, tmp_path: Path, fake_loader: FakeEmbedderLoader
) -> None:
    rows = [
        {
            "id": "a",
            "lang": "zh",
            "question": Q_SIZE,
            "answer": "727.2亿元",
            "evidence": "727.2亿元",
        },
        {"id": "b", "lang": "zh", "question": Q_OFF},
    ]
    questions = tmp_path / "dev.jsonl"
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    out, err = io.StringIO(), io.StringIO()
    env = Env(
        stdout=out,
        stderr=err,
        environ={**os.environ, "TRENDQA_EMBEDDER": "fake"},
        embedder_loader=fake_loader,
        generator=size_model(),
    )
    code = run(["eval", str(questions), "--answers", "--json"], env)
    assert code == ExitStatus.OK
    # Progress, one line per question, goes to stderr; stdout holds only the scores.
    progress = err.getvalue().splitlines()
    assert [line.split(" ", 2)[1] for line in progress] == ["1/2", "2/2"]
    (result,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert result["retrieval"]["all"]["hit@1"] == 1.0
    scores = result["answers"]["all"]
    assert scores["questions"] == 2
    assert scores["false_refusal_rate"] == 0.0
    assert scores["refusal_rate_unanswerable"] == 1.0
    assert scores["citation_validity"] == 1.0
    assert scores["citation_support"] == 1.0
    assert scores["answer_match"] == 1.0


# --------------------------------------------------------------------------- a real server


@pytest.mark.models
@pytest.mark.server
@requires_server
def test_ask_through_a_real_openai_compatible_server(
    ask: Ask, indexed: Path, llama_server: str
) -> None:
    result = ask(Q_EDGE, "--llm-url", llama_server, "--json", "--k", "1", "--max-tokens", "32")
    assert result.code in (ExitStatus.OK, ExitStatus.NOT_IN_CORPUS), result.err
    (data,) = result.json_lines()
    assert data["model"]["llm"] == llama_server
    assert data["usage"]["completion_tokens"] > 0  # the server was asked, not gated out
    assert data["language"] == "en"
    if data["answerable"]:
        assert data["citations"]
        assert_checkable(data, indexed)
    else:
        assert (data["answer"], data["citations"]) == (REFUSAL["en"], [])
