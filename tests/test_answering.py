"""Answering: a real index (fake embedder), scripted model replies, and the checks on them.

Whatever the model writes, a displayed citation must be verified and quote its source
verbatim at its offsets, and a displayed answer may state only figures its citations state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import PdfMaker, requires_gguf
from scripted import YES, answer_requests, confirming, markers, model, reply, sentence_id, shown
from trendqa.answer import (
    MAX_QUESTION_CHARS,
    REFUSAL,
    Answer,
    Answerer,
    AskOptions,
    Citation,
    Passage,
    number_passages,
)
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.errors import InputError
from trendqa.evaluation import Question, answer_match, evaluate_answers, load_rows
from trendqa.llm import ChatMessage, GenerationOptions, Generator, approximate_tokens
from trendqa.llm.llamacpp import LlamaCppGenerator
from trendqa.loaders import load_file
from trendqa.numbers import unsupported_numbers
from trendqa.records import Chunk, Hit, Location
from trendqa.retrieval import Searcher, SearchOptions
from trendqa.testing import FakeEmbedderLoader, FakeGenerator
from trendqa.textnorm import detect_language

Q_SIZE = "2024年中国人工智能核心产业规模是多少？"
Q_EDGE = "How many edge AI chips shipped in 2024?"
SIZE = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%。"
SIZE_NEEDLE = "核心产业规模达到"  # what the model sees of SIZE, however figures are shown
COMPANIES = "全国人工智能企业数量超过3,072家，其中大模型企业约10K人从业。"
EDGE_SHIPPED = "Edge AI chips shipped 1.2 million units in 2024, up 40% from 2023."
EDGE = f"{EDGE_SHIPPED} Most went into cameras."

MakeAnswerer = Callable[[Generator | None], Answerer]


@pytest.fixture
def searcher(qa_corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader) -> Searcher:
    report = ingest_paths(settings, [qa_corpus], loader=fake_loader)
    assert (report.documents, report.skipped) == (3, [])
    return open_searcher(settings, loader=fake_loader)[0]


@pytest.fixture
def warned() -> list[str]:
    """Warnings the answerer reported, in order."""
    return []


@pytest.fixture
def answerer(searcher: Searcher, warned: list[str]) -> MakeAnswerer:
    return lambda generator: Answerer(searcher, generator, on_warning=warned.append)


# --------------------------------------------------------------------------- helpers


def assert_checkable(answer: Answer, corpus: Path) -> None:
    """Every citation is verified, quotes its source at its offsets, and is marked in the text;
    every figure the answer states is stated by its quotes (or the question)."""
    passages = {p.n: p for p in answer.passages}
    for c in answer.citations:
        assert c.verified
        source = load_file(corpus / c.doc, c.doc).text
        assert source[c.start : c.end] == c.quote
        assert source.count("\n", 0, c.start) + 1 == c.line_start
        assert source.count("\n", 0, c.end) + 1 == c.line_end
        chunk = passages[c.n].hit.chunk
        assert (c.doc, c.title) == (chunk.doc, chunk.title)
        assert chunk.location.start <= c.start < c.end <= chunk.location.end
    assert markers(answer.text) == {c.n for c in answer.citations}
    text = re.sub(r"\[\d+\]", "", answer.text)
    assert unsupported_numbers(text, " ".join(quotes(answer)), answer.question) == []


def assert_refused(answer: Answer, language: str) -> None:
    assert not answer.answerable
    assert (answer.mode, answer.text, answer.citations) == ("refused", REFUSAL[language], ())
    assert answer.language == detect_language(answer.text) == language
    assert answer.reason


def assert_honest(answer: Answer, corpus: Path, language: str) -> None:
    """A refusal, or an answer whose every citation and figure can be checked."""
    assert answer.language == language
    if answer.answerable:
        assert answer.citations
        assert_checkable(answer, corpus)
    else:
        assert_refused(answer, language)


def quotes(answer: Answer) -> list[str]:
    return [c.quote for c in answer.citations]


def first_call(
    answerer: MakeAnswerer, question: str
) -> tuple[Sequence[ChatMessage], GenerationOptions]:
    """The prompt the model gets for `question` (with an empty reply)."""
    gen = FakeGenerator([reply("", [])])
    answerer(gen).ask(question)
    return gen.calls[0]


# --------------------------------------------------------------------------- a good reply


def test_good_reply_is_answered_with_checked_citations(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    gen = model("2024年中国人工智能核心产业规模达到727.2亿元。", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE)
    assert (answer.answerable, answer.mode, answer.language, answer.reason) == (
        True,
        "llm",
        "zh",
        "",
    )
    (citation,) = answer.citations
    assert (citation.quote, citation.doc, citation.page) == (SIZE, "market.md", None)
    assert answer.text == f"{FULL_SIZE}[{citation.n}]。"
    assert_checkable(answer, qa_corpus)
    assert answer.llm == "fake"
    assert len(answer_requests(gen)) == 1
    assert len(gen.calls) == 2  # the answer, then the check that its quotes answer it
    assert {"retrieve_s", "generate_s", "total_s", "prompt_tokens"} <= set(answer.timings)


def test_citation_from_a_pdf_names_its_page(answerer: MakeAnswerer, qa_corpus: Path) -> None:
    gen = model("量子计算使算力提升65.4%。", "算力提升65.4%")
    answer = answerer(gen).ask("量子计算让算力提升了多少？")
    assert answer.answerable, answer.reason
    (citation,) = answer.citations
    assert (citation.doc, citation.page, citation.title) == ("report.pdf", 2, "测试报告")
    assert_checkable(answer, qa_corpus)


def test_prompt_numbers_the_sentences_the_schema_allows(answerer: MakeAnswerer) -> None:
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE)
    messages, options = gen.calls[0]
    user = messages[-1].content
    assert f"Question: {Q_SIZE}" in user
    assert "中文" in user  # asked to answer in the question's language
    for p in answer.passages:
        assert f"Passage [{p.n}] from 《{p.hit.chunk.title}》" in user
    numbered = shown(messages)
    assert list(numbered) == list(range(1, len(numbered) + 1))
    assert numbered == {
        s.id: " ".join(s.text.split()) for p in answer.passages for s in p.sentences
    }
    assert options.json_schema is not None
    evidence = options.json_schema["properties"]["evidence"]
    assert evidence["items"]["enum"] == list(numbered)
    assert options.json_schema["required"] == ["evidence", "answer"]


def test_the_answer_streams_as_it_is_written(answerer: MakeAnswerer) -> None:
    text = '规模达到727.2亿元，"同比"增长65.4%。'
    pieces: list[str] = []
    answer = answerer(model(text, SIZE_NEEDLE)).ask(Q_SIZE, on_token=pieces.append)
    assert "".join(pieces) == text  # the answer field only, decoded, before the checks
    assert len(pieces) > 1
    assert answer.answerable
    assert "first_token_s" in answer.timings


def test_doc_filter_limits_the_passages(answerer: MakeAnswerer) -> None:
    gen = model("About 1.2 million edge AI chips shipped in 2024.", "1.2 million")
    answer = answerer(gen).ask(Q_EDGE, AskOptions(docs=("edge",)))
    assert answer.passages
    assert {p.hit.chunk.doc for p in answer.passages} == {"edge.md"}


# --------------------------------------------------------------------------- bogus citations


@pytest.mark.parametrize("extra", [(99,), (0, -1), ("7x", "abc", 1.5)])
def test_evidence_ids_that_name_no_sentence_are_dropped(
    answerer: MakeAnswerer, qa_corpus: Path, extra: tuple[Any, ...]
) -> None:
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE, extra=extra)
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable
    assert quotes(answer) == [SIZE]
    assert_checkable(answer, qa_corpus)


def test_repeated_evidence_is_cited_once(answerer: MakeAnswerer) -> None:
    answer = answerer(model("规模达到727.2亿元。", SIZE_NEEDLE, SIZE_NEEDLE)).ask(Q_SIZE)
    assert quotes(answer) == [SIZE]


@pytest.mark.parametrize(
    "raw",
    [
        reply("规模达到727.2亿元。", [99]),
        reply("", []),
        reply("规模达到727.2亿元。", []),
        "I do not know.",
        "[3, 4]",
        '{"answer": "规模达到727.2亿元。"}',
    ],
)
def test_no_usable_evidence_is_a_refusal(answerer: MakeAnswerer, raw: str) -> None:
    gen = FakeGenerator([raw])
    answer = answerer(gen).ask(Q_SIZE)
    assert_refused(answer, "zh")
    assert "no sentence" in answer.reason
    assert len(gen.calls) == 1
    assert answer.passages  # the closest passages are still shown


def test_the_models_own_markers_are_never_shown_as_citations(answerer: MakeAnswerer) -> None:
    answer = answerer(model("规模达到727.2亿元[7]。", SIZE_NEEDLE)).ask(Q_SIZE)
    assert "[7]" not in answer.text
    assert 7 not in {c.n for c in answer.citations}
    assert markers(answer.text) == {c.n for c in answer.citations}


@pytest.mark.parametrize("own", ["[7]", " [1]", "【7】", "［7］"])
def test_the_models_own_markers_are_replaced(
    answerer: MakeAnswerer, qa_corpus: Path, own: str
) -> None:
    gen = model(f"规模达到727.2亿元{own}，增长65.4%。", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    (citation,) = answer.citations
    # Shown in the sentence's own words (what the figures measure), marked once.
    assert answer.text == f"{SIZE.rstrip('。')}[{citation.n}]。"
    assert_checkable(answer, qa_corpus)


def test_citing_a_passage_without_the_questions_year_is_not_believed(
    answerer: MakeAnswerer,
) -> None:
    # The model's claim is dropped (its passage never names 2024); the shown sentence
    # that states 2024's figure is quoted instead.
    gen = model("规模达到65.4%。", "大模型正在走向多模态")  # the PDF: no 2024 there
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    assert answer.reason.startswith("quoted: year: the cited passages never mention 2024")
    assert [c.quote for c in answer.citations] == [SIZE]


# --------------------------------------------------------------------------- figures


def test_an_invented_figure_is_never_shown(answerer: MakeAnswerer) -> None:
    # The claim is dropped; the sentence the model cited states the size and is quoted.
    answer = answerer(model("2024年规模达到800亿元。", SIZE_NEEDLE)).ask(Q_SIZE)
    invented = answer.claims[0]
    assert not invented.supported and "800亿" in invented.reason
    assert "800" not in answer.text
    assert answer.mode == "extractive" and "727.2亿元" in answer.text


def test_an_invented_figure_from_a_sentence_that_does_not_answer_is_refused(
    answerer: MakeAnswerer,
) -> None:
    answer = answerer(model("2024年规模达到800亿元。", "3,072家")).ask(Q_SIZE)
    assert_refused(answer, "zh")
    assert "800亿" in answer.reason


def test_a_figure_in_another_shown_sentence_repairs_the_citation(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # The model names the size sentence but states the companies figure.
    gen = model("全国人工智能企业超过3,072家。", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable
    # The claim is cited from the sentence that states it, not from the one the model named.
    assert quotes(answer) == [COMPANIES]
    assert_checkable(answer, qa_corpus)


def test_a_figure_from_an_uncited_passage_is_cited_from_there(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # The model names a sentence of the computing section; the figure is in another passage.
    gen = model("全国人工智能企业超过3,072家。", "国产加速卡")
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    (repaired,) = answer.citations
    assert repaired.quote == COMPANIES  # the named sentence states nothing of the claim
    assert all("国产加速卡" not in q for q in quotes(answer))
    assert_checkable(answer, qa_corpus)


def test_an_english_answer_may_restate_yi_as_billions(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # Answered directly in English over the Chinese passage (no pivot through Chinese).
    gen = model("China's core AI industry reached 72.72 billion yuan in 2024.", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE, AskOptions(language="en", pivot=False))
    assert (answer.answerable, answer.language) == (True, "en")
    assert quotes(answer) == [SIZE]
    assert_checkable(answer, qa_corpus)
    messages, _options = gen.calls[0]
    assert "Answer in English." in messages[-1].content


def test_a_scale_slip_is_never_shown(answerer: MakeAnswerer, qa_corpus: Path) -> None:
    # 727.2亿 is 72.72 billion: the slip is refused or corrected, never displayed.
    gen = model("China's core AI industry reached 727.2 billion yuan in 2024.", SIZE_NEEDLE)
    answer = answerer(gen).ask(Q_SIZE, AskOptions(language="en", pivot=False))
    assert "727.2 billion" not in answer.text
    if answer.answerable:
        assert_checkable(answer, qa_corpus)
    else:
        assert_refused(answer, "en")
        assert "727.2 billion" in answer.reason


# --------------------------------------------------------------------------- language


def test_english_question_is_answered_in_english(answerer: MakeAnswerer, qa_corpus: Path) -> None:
    gen = model("About 1.2 million edge AI chips shipped in 2024.", "1.2 million")
    answer = answerer(gen).ask(Q_EDGE)
    assert (answer.answerable, answer.language, answer.mode) == (True, "en", "llm")
    assert quotes(answer) == [EDGE_SHIPPED]  # its own sentence: a figure ends it
    assert "Answer in English." in answer_requests(gen)[0][0][-1].content
    assert_checkable(answer, qa_corpus)


def test_an_english_question_over_english_passages_asks_no_chinese_terms(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # A mixed shelf: the related passages are English, so Chinese terms (which no English
    # passage holds) would only cost a call and refuse at the gate.
    gen = model(
        "About 1.2 million edge AI chips shipped in 2024.",
        "1.2 million",
        terms=[("edge AI chips", "边缘人工智能芯片")],
    )
    answer = answerer(gen).ask(Q_EDGE)
    assert answer.answerable, answer.reason
    assert answer.terms_zh == ()
    assert_checkable(answer, qa_corpus)


def test_a_question_is_answered_in_the_language_most_of_its_passages_are_in() -> None:
    # A mixed shelf: its one English note shares the English question's words and ranks
    # first by them, above the Chinese catalogue's table the question is about. The
    # passages' language is the one most of the best passages are in, the best one's on
    # a tie.
    def hit(text: str, rank: int) -> Hit:
        return Hit(Chunk(f"c{rank}", text, Location("d", "D", 0, len(text), 1, 1)), rank, 1.0)

    note = "The 2017 high-pollution fuels catalogue, issued by the ministry, as printed."
    table = "燃料种类 含硫量(St,d) 灰分(Ad) 挥发分(Vdaf)\n焦 炭 0.5% 10.0% 5.0%"
    rows = "表 2 部分煤炭制品的组分含量限值"
    answerer = Answerer.__new__(Answerer)
    for hits, expected in (
        ([hit(note, 1), hit(table, 2), hit(rows, 3)], "zh"),
        ([hit(note, 1), hit(table, 2)], "en"),
        ([hit(table, 1), hit(note, 2), hit(note, 3)], "en"),
    ):
        answerer._search = lambda _q, _o, _r, found=hits: found  # type: ignore[method-assign]
        assert answerer._passages_language("coke?", (), 3, None) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question, lang, expected",
    [
        ("火星上有多少只企鹅？", None, "zh"),
        ("How many penguins live on Mars?", None, "en"),
        ("火星上有多少只企鹅？", "en", "en"),
        ("How many penguins live on Mars?", "zh", "zh"),
    ],
)
def test_refusal_is_in_the_questions_language_or_lang(
    answerer: MakeAnswerer, question: str, lang: str | None, expected: str
) -> None:
    gen = FakeGenerator([])
    answer = answerer(gen).ask(question, AskOptions(language=lang))
    assert_refused(answer, expected)
    assert gen.calls == []  # off-topic: not even the terms of an English question are asked


def test_unknown_language_is_an_input_error(answerer: MakeAnswerer) -> None:
    with pytest.raises(InputError, match="zh or en"):
        answerer(None).ask(Q_SIZE, AskOptions(language="fr"))


def test_an_answer_stuck_in_the_wrong_language_falls_back_to_quotes(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    gen = model("The industry reached 72.72 billion yuan.", SIZE_NEEDLE)  # however often asked
    answer = answerer(gen).ask(Q_SIZE)
    assert (answer.answerable, answer.mode, answer.language) == (True, "extractive", "zh")
    (citation,) = answer.citations
    assert answer.text == f"资料原文：「{SIZE}」[{citation.n}]"
    assert "wrong language" in answer.reason
    assert_checkable(answer, qa_corpus)


def test_a_fact_stuck_in_the_wrong_language_quotes_only_a_sentence_stating_it(
    answerer: MakeAnswerer,
) -> None:
    # Asked of Japan, the model cites China's figure and answers in English: its sentence,
    # checked as a claim, states the figure for another subject, so nothing is quoted.
    gen = model("The industry reached 72.72 billion yuan.", SIZE_NEEDLE)
    answer = answerer(gen).ask("2024年日本人工智能核心产业规模是多少？")
    assert_refused(answer, "zh")
    assert answer.reason.startswith("language:")
    assert "no cited sentence states it" in answer.reason


def test_empty_answer_with_evidence_falls_back_to_quotes(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    answer = answerer(model("", SIZE_NEEDLE)).ask(Q_SIZE)
    assert (answer.answerable, answer.mode) == (True, "extractive")
    assert quotes(answer) == [SIZE]
    assert_checkable(answer, qa_corpus)


# --------------------------------------------------------------------------- the evidence gate


def test_off_topic_question_never_reaches_the_model(answerer: MakeAnswerer) -> None:
    gen = FakeGenerator([])
    answer = answerer(gen).ask("火星上有多少只企鹅？")
    assert_refused(answer, "zh")
    assert "no passage is related" in answer.reason
    assert gen.calls == []
    assert answer.passages  # shown as the closest passages


def test_a_year_no_passage_mentions_never_reaches_the_model(answerer: MakeAnswerer) -> None:
    gen = FakeGenerator([])
    answer = answerer(gen).ask("2019年中国人工智能核心产业规模是多少？")
    assert_refused(answer, "zh")
    assert answer.reason == "figure: no passage mentions 2019"
    assert gen.calls == []


def test_empty_question_is_an_input_error(answerer: MakeAnswerer) -> None:
    with pytest.raises(InputError, match="empty question"):
        answerer(None).ask(" \n\t ")


# --------------------------------------------------------------------------- extractive


def test_without_a_model_the_best_sentences_are_quoted(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    answer = answerer(None).ask(Q_SIZE)
    assert (answer.answerable, answer.mode, answer.llm) == (True, "extractive", None)
    assert answer.text.startswith("资料原文：「")
    assert quotes(answer)[0] == SIZE
    for c in answer.citations:
        assert f"「{c.quote}」[{c.n}]" in answer.text
    assert_checkable(answer, qa_corpus)


def test_extractive_option_does_not_call_the_model(answerer: MakeAnswerer, qa_corpus: Path) -> None:
    gen = FakeGenerator([])
    answer = answerer(gen).ask(Q_EDGE, AskOptions(extractive=True))
    assert gen.calls == []
    assert (answer.answerable, answer.mode, answer.language) == (True, "extractive", "en")
    assert answer.text.startswith('The passages say: "')
    assert EDGE_SHIPPED in quotes(answer)
    assert_checkable(answer, qa_corpus)


def test_extractive_still_refuses_off_topic(answerer: MakeAnswerer) -> None:
    assert_refused(answerer(None).ask("How many penguins live on Mars?"), "en")


# --------------------------------------------------------------------------- context limits


def test_a_very_long_question_is_truncated_with_a_warning(
    answerer: MakeAnswerer, warned: list[str]
) -> None:
    question = Q_SIZE * 40
    assert len(question) > MAX_QUESTION_CHARS
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE)
    answer = answerer(gen).ask(question)
    assert len(answer.question) == MAX_QUESTION_CHARS
    assert question.startswith(answer.question)
    assert warned == [f"question truncated to {MAX_QUESTION_CHARS} characters"]
    assert answer.warnings == tuple(warned)
    assert f"Question: {answer.question}\n" in gen.calls[0][0][-1].content
    assert answer.answerable


@pytest.fixture
def tight(answerer: MakeAnswerer) -> Callable[[int], int]:
    """A context length `short` tokens too small for Q_SIZE's whole prompt and 200 reply tokens."""
    gen = FakeGenerator([reply("", [])])
    answerer(gen).ask(Q_SIZE)
    prompt = sum(approximate_tokens(m.content) for m in gen.calls[0][0])  # as the fake counts
    return lambda short: prompt + 200 - short


def test_a_small_context_trims_the_passages_with_a_warning(
    answerer: MakeAnswerer, qa_corpus: Path, warned: list[str], tight: Callable[[int], int]
) -> None:
    roomy = model("规模达到727.2亿元。", SIZE_NEEDLE)
    answerer(roomy).ask(Q_SIZE)

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        ids = [n for n, text in shown(messages).items() if SIZE_NEEDLE in text]
        return reply("规模达到727.2亿元。", ids)

    # The whole prompt would overflow the fake, which raises as a real model would.
    gen = FakeGenerator(script, context_length=tight(1))
    answer = answerer(gen).ask(Q_SIZE, AskOptions(max_tokens=200))
    sent, full = gen.calls[0][0], roomy.calls[0][0]
    # Said once, on stderr and in the answer (so `--json` carries it too).
    assert warned == ["passages truncated to fit the model's context window"]
    assert answer.warnings == ("passages truncated to fit the model's context window",)
    assert 0 < len(shown(sent)) < len(shown(full))
    assert {s.id: " ".join(s.text.split()) for p in answer.passages for s in p.sentences} == (
        shown(sent)
    )
    assert_honest(answer, qa_corpus, "zh")


def test_a_context_too_small_for_anything_is_an_input_error(answerer: MakeAnswerer) -> None:
    gen = FakeGenerator([], context_length=210)
    with pytest.raises(InputError, match="do not fit the context"):
        answerer(gen).ask(Q_SIZE)  # 200 reply tokens leave no room for a prompt
    assert gen.calls == []


def test_after_trimming_the_schema_allows_the_sentences_shown(
    answerer: MakeAnswerer, tight: Callable[[int], int]
) -> None:
    gen = FakeGenerator([reply("", [])], context_length=tight(1))
    answerer(gen).ask(Q_SIZE)
    messages, options = gen.calls[0]
    assert options.json_schema is not None
    enum = options.json_schema["properties"]["evidence"]["items"]["enum"]
    assert enum == sorted(shown(messages))


def test_trimming_warns_once_and_records_it(
    answerer: MakeAnswerer, warned: list[str], tight: Callable[[int], int]
) -> None:
    gen = FakeGenerator([reply("", [])], context_length=tight(60))
    answer = answerer(gen).ask(Q_SIZE)
    assert warned == ["passages truncated to fit the model's context window"]
    assert answer.warnings == tuple(warned)


def test_two_claims_of_one_sentence_are_each_shown_in_their_clauses(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # The sentence states both figures: shown whole for each, it would say each twice; so
    # each claim keeps the clauses that state its own figure, and neither is shown bare.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return reply("规模727.2亿元。增长65.4%。", [sentence_id(messages, SIZE_NEEDLE)])

    answer = answerer(FakeGenerator(confirming(script))).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    assert answer.text.count("727.2") == 1 and answer.text.count("65.4") == 1, answer.text
    assert "核心产业规模达到727.2亿元" in answer.text, answer.text
    assert_checkable(answer, qa_corpus)


# --------------------------------------------------------------------------- cut-off replies


def test_a_reply_cut_at_max_tokens_keeps_what_was_written(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return reply("规模达到727.2亿元，同比增长65.4%。", [sentence_id(messages, SIZE_NEEDLE)])

    gen = FakeGenerator(confirming(script))
    probe = script(*first_call(answerer, Q_SIZE))
    cut = probe.index("，同比")
    answer = answerer(gen).ask(Q_SIZE, AskOptions(max_tokens=cut))
    assert answer.answerable
    # Cut by the budget, the reply is asked for again with twice the budget: whole.
    (citation,) = answer.citations
    assert answer.text == f"{SIZE.rstrip('。')}[{citation.n}]。"  # in its sentence's words
    assert answer.truncated == 1
    budgets = [options.max_tokens for _m, options in answer_requests(gen)]
    assert budgets == [cut, 2 * cut]
    assert_checkable(answer, qa_corpus)


def test_a_reply_still_cut_shows_only_its_complete_claims(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # "Both reports also state that both need to have a[1]": a claim cut mid-sentence is
    # never shown; the complete claims before it are.
    long = "规模达到727.2亿元。" + "同比增长65.4%，" * 40

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return reply(long, [sentence_id(messages, SIZE_NEEDLE)])

    gen = FakeGenerator(confirming(script))
    answer = answerer(gen).ask(Q_SIZE, AskOptions(max_tokens=60))
    assert answer.answerable, answer.reason
    (citation,) = answer.citations
    assert answer.text == f"{FULL_SIZE}[{citation.n}]。"
    assert answer.truncated == 2  # both replies were cut; neither is shown cut
    assert_checkable(answer, qa_corpus)


FULL_SIZE = "2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%"


@pytest.mark.parametrize(
    "tail, text",
    [
        # What is kept is shown in its sentence's words: 规模727.2 is the 727.2亿元 there.
        ("\\u89c4\\u6a21727.2\\u4ebf\\u5143", FULL_SIZE),
        ("\\u89c4\\u6a21727.2\\u4e", FULL_SIZE),  # cut inside an escape
        ("\\u89c4\\u6a21727.2\\", FULL_SIZE),
        ("规模727.2\\\\u4e", FULL_SIZE),  # an escaped backslash, not an escape
        ("规模727.2\\ud83d", FULL_SIZE),  # half a surrogate pair: unprintable, dropped
    ],
)
def test_a_reply_cut_inside_an_escape_keeps_what_it_can(
    answerer: MakeAnswerer, tail: str, text: str
) -> None:
    messages, _options = first_call(answerer, Q_SIZE)
    raw = f'{{"evidence": [{sentence_id(messages, SIZE_NEEDLE)}], "answer": "{tail}'
    answer = answerer(FakeGenerator([raw, YES])).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    (citation,) = answer.citations
    assert answer.text == f"{text}[{citation.n}]"


def test_raw_newlines_inside_the_json_strings_are_tolerated(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    # What SmolLM2 wrote through llama.cpp's JSON grammar: control characters in a string.
    messages, _options = first_call(answerer, Q_SIZE)
    ids = sentence_id(messages, SIZE_NEEDLE)
    whole = f'{{ "evidence": [{ids}], "answer": "规模\n达到727.2亿元。\n" }}'
    answer = answerer(FakeGenerator([whole, YES])).ask(Q_SIZE)
    assert answer.answerable, answer.reason
    assert answer.text.endswith(
        "规模达到727.2亿元，同比增长65.4%[1]。"
    )  # a line break inside a sentence joined
    cut = f'{{ "evidence": [{ids}], "answer": "}}\n\nThe answer is: 1.\n'
    # No crash, and nothing unchecked shown. (A second reply in case a follow-up is asked.)
    assert_honest(answerer(FakeGenerator([cut, cut, YES])).ask(Q_SIZE), qa_corpus, "zh")


@pytest.mark.parametrize("evidence", [3, "3", None, {"id": 3}, True])
def test_evidence_that_is_not_a_list_is_no_evidence(answerer: MakeAnswerer, evidence: Any) -> None:
    raw = json.dumps({"evidence": evidence, "answer": "规模727.2亿元"})
    assert_refused(answerer(FakeGenerator([raw])).ask(Q_SIZE), "zh")


# --------------------------------------------------------------------------- numbering


def test_number_passages_numbers_sentences_across_passages(searcher: Searcher) -> None:
    hits = searcher.search(Q_SIZE, SearchOptions(k=3))
    passages = number_passages(hits)
    assert [p.n for p in passages] == [1, 2, 3]
    ids = [s.id for p in passages for s in p.sentences]
    assert ids == list(range(1, len(ids) + 1))
    for p in passages:
        text = p.hit.chunk.text
        for s in p.sentences:
            assert s.passage == p.n
            assert text[s.offset : s.offset + len(s.text)] == s.text
    assert number_passages([]) == ()


def test_a_citation_names_the_page_its_quote_is_on(
    make_pdf: PdfMaker, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    pages = [["第一章 量子计算", "量子计算与高性能计算加速融合。"], ["超导量子比特达到1,121个。"]]
    root = make_pdf(pages)
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("超导量子比特达到1,121个。", "1,121")
    answer = Answerer(searcher, gen).ask("超导量子比特达到多少个？")
    (citation,) = answer.citations
    source = load_file(root, citation.doc)
    assert citation.page == source.page_at(citation.start) == 2


# --------------------------------------------------------------------------- a real small model


@pytest.mark.models
@requires_gguf
@pytest.mark.parametrize("question", [Q_EDGE, Q_SIZE])
def test_a_real_model_gets_checked_citations_or_a_refusal(
    searcher: Searcher, smollm: LlamaCppGenerator, qa_corpus: Path, question: str
) -> None:
    # Whatever a 135M model writes, what is shown must hold up: that is the contract.
    answer = Answerer(searcher, smollm).ask(question, AskOptions(k=1, max_tokens=32))
    assert answer.timings["completion_tokens"] > 0  # the model was asked, not gated out
    assert answer.llm == smollm.name
    assert answer.mode in ("llm", "extractive", "refused")
    assert_honest(answer, qa_corpus, "en" if question == Q_EDGE else "zh")


# --------------------------------------------------------------------------- scoring answers


def _answer(question: str, text: str, citations: Sequence[Citation] = ()) -> Answer:
    answerable = bool(citations)
    return Answer(
        question=question,
        language="zh",
        answerable=answerable,
        text=text if answerable else REFUSAL["zh"],
        citations=tuple(citations),
        passages=_PASSAGES,
        mode="llm" if answerable else "refused",
        timings={"first_token_s": 0.5, "total_s": 1.0},
    )


def _cite(n: int, quote: str, verified: bool = True) -> Citation:
    return Citation(n, "a.md", "A", None, 0, len(quote), 1, 1, quote, verified)


_PASSAGES = tuple(
    Passage(n, Hit(Chunk(f"c{n}", text, Location("a.md", "A", 0, len(text), 1, 1)), n, 1.0), ())
    for n, text in [(1, SIZE), (2, COMPANIES)]
)


def test_evaluate_answers_arithmetic() -> None:
    questions = [
        Question("q1", "zh", "规模？", answer="727.2亿元", evidence=("727.2亿元",)),
        Question("q2", "zh", "企业？", answer="3,072家，10K人", evidence=("3,072家",)),
        Question("q3", "zh", "增长？", answer="65.4%", evidence=("65.4%",)),
        Question("q4", "zh", "企鹅？"),
        Question("q5", "zh", "火星？"),
    ]
    answers = {
        # right figure, cited from the passage holding the evidence
        "规模？": _answer("规模？", "规模达到727.2亿元[1]。", [_cite(1, SIZE)]),
        # one of two figures, cited from the wrong passage; one citation unverified
        "企业？": _answer("企业？", "企业超过3,072家[1]。", [_cite(1, SIZE), _cite(1, "x", False)]),
        "增长？": _answer("增长？", ""),  # a false refusal
        "企鹅？": _answer("企鹅？", ""),  # a right refusal
        "火星？": _answer("火星？", "火星上有企鹅[2]。", [_cite(2, COMPANIES)]),  # answered anyway
    }
    groups, rows = evaluate_answers(questions, answers.__getitem__)
    summary = groups["all"]
    assert groups["type:unanswerable"]["refusal_rate_unanswerable"] == 0.5
    assert groups["type:fact"]["questions"] == groups["fact/zh"]["questions"] == 3
    assert groups["zh"] == summary
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4", "q5"]
    assert [r["match"] for r in rows] == [1.0, 0.5, 0.0, 0.0, 0.0]
    assert [r["supported"] for r in rows] == [True, False, False, False, False]
    assert [r["verified"] for r in rows] == [1, 1, 0, 0, 1]
    # What each shown answer rests on, for checks tried offline: quotes and cited passages.
    assert rows[0]["quotes"] == [[1, SIZE]]
    assert rows[0]["cited_passages"] == {"1": ["a.md", "", SIZE]}
    assert rows[2]["quotes"] == [] and rows[2]["cited_passages"] == {}
    assert rows[4]["cited_passages"] == {"2": ["a.md", "", COMPANIES]}
    assert summary["questions"] == 5
    assert summary["refusal_rate_unanswerable"] == 0.5
    assert summary["false_refusal_rate"] == round(1 / 3, 3)
    assert summary["citation_validity"] == 0.75  # 3 of 4 shown citations verified
    assert summary["citation_support"] == 0.5  # of the 2 answered answerable questions
    assert summary["answer_match"] == 0.5  # (1 + 0.5 + 0) / 3
    assert summary["language_ok"] == 1.0
    assert summary["first_token_p50_s"] == 0.5
    assert summary["total_p95_s"] == 1.0


def test_saved_rows_are_reused_and_a_torn_line_is_asked_again(tmp_path: Path) -> None:
    questions = [
        Question("q1", "zh", "规模？", answer="727.2亿元", evidence=("727.2亿元",)),
        Question("q2", "zh", "企鹅？"),
    ]
    answers = {
        "规模？": _answer("规模？", "规模达到727.2亿元[1]。", [_cite(1, SIZE)]),
        "企鹅？": _answer("企鹅？", ""),
    }
    first, rows = evaluate_answers(questions, answers.__getitem__)
    saved = tmp_path / "rows.jsonl"
    # A run killed while writing its second row: that line is cut short.
    saved.write_text(
        json.dumps(rows[0], ensure_ascii=False) + "\n" + json.dumps(rows[1])[:20], "utf-8"
    )
    done = load_rows(saved)
    assert list(done) == ["q1"]
    asked: list[str] = []

    def ask(q: str) -> Answer:
        asked.append(q)
        return _answer(q, "")

    again, rows2 = evaluate_answers(questions, ask, done=done)
    assert asked == ["企鹅？"]  # only the question without a saved row
    assert rows2[0] == rows[0]
    assert again["all"] == first["all"]
    assert load_rows(tmp_path / "missing.jsonl") == {}


def test_evaluate_answers_without_citations_or_questions() -> None:
    groups, rows = evaluate_answers([], lambda q: pytest.fail("not asked"))
    summary = groups["all"]
    assert rows == []
    assert summary["questions"] == 0
    assert summary["citation_validity"] is None
    assert summary["false_refusal_rate"] is None


@pytest.mark.parametrize(
    "gold, answer, expected",
    [
        ("727.2亿元", "The industry reached 72.72 billion yuan.", 1.0),
        ("727.2亿元", "规模达到727.2亿元。", 1.0),
        ("727.2亿元", "规模达到727.2 billion。", 0.0),
        ("3,072家，10K人", "3072 companies", 0.5),
        ("3,072家，10K人", "3072 companies and 10,000 people", 1.0),
        ("深圳", "无人机物流在深圳试点。", 1.0),
        ("深圳和杭州", "无人机物流在深圳试点。", 0.5),
        ("深圳", "没有提到。", 0.0),
        ("的", "anything", 0.0),  # no figures and no terms: nothing to match
    ],
)
def test_answer_match(gold: str, answer: str, expected: float) -> None:
    assert answer_match(gold, answer) == expected


def test_a_model_judging_its_quotes_off_the_point_makes_a_refusal(
    answerer: MakeAnswerer,
) -> None:
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE, verdict="no")
    answer = answerer(gen).ask(Q_SIZE)
    assert_refused(answer, "zh")
    assert "quotes do not state" in answer.reason
    assert answer.passages


@pytest.mark.parametrize("verdict", ["partly", "something else"])
def test_only_a_clear_no_overrules_the_checked_answer(answerer: MakeAnswerer, verdict: str) -> None:
    answer = answerer(model("规模达到727.2亿元。", SIZE_NEEDLE, verdict=verdict)).ask(Q_SIZE)
    assert answer.answerable


def test_the_confirmation_can_be_turned_off(answerer: MakeAnswerer) -> None:
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE, verdict="no")
    answer = answerer(gen).ask(Q_SIZE, AskOptions(confirm=False))
    assert answer.answerable
    assert len(gen.calls) == 1


def test_a_named_sentence_the_answer_does_not_use_is_not_cited(
    answerer: MakeAnswerer, qa_corpus: Path
) -> None:
    gen = model("规模达到727.2亿元。", SIZE_NEEDLE, "大模型正在走向多模态")
    answer = answerer(gen).ask(Q_SIZE)
    assert answer.answerable
    assert [SIZE_NEEDLE in c.quote for c in answer.citations] == [True]
    assert_checkable(answer, qa_corpus)


def test_a_decimal_point_is_no_sentence_end_of_a_cut_reply() -> None:
    from trendqa.answer.answerer import _complete_claims

    cut = "规模达到727.2亿元。同比增长65.4%，同比增长65."
    assert _complete_claims(cut) == "规模达到727.2亿元。"
    assert _complete_claims("It grew 65.4% in 2023. It then fell 3.5") == "It grew 65.4% in 2023."


def test_a_year_the_question_dates_its_report_with_is_the_reports_year(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "the 2017 catalogue": the year names the document (its manifest says so), and its
    # passages need not write it — nor, for a Chinese document, write it in digits.
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "fuels.md").write_text(
        "# 高污染燃料目录\n\n禁燃区内禁止燃用含硫量大于0.5%的焦炭。\n\n"
        "二〇二三年全国数据中心用电量约为一千五百亿千瓦时。\n",
        encoding="utf-8",
    )
    (root / "manifest.toml").write_text(
        '[[document]]\nfile = "fuels.md"\ntitle = "高污染燃料目录"\nyear = 2017\n',
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    asked = "2017年的高污染燃料目录禁止燃用含硫量大于多少的焦炭？"
    answer = Answerer(searcher, model("含硫量大于0.5%的焦炭禁止燃用。", "含硫量")).ask(asked)
    assert answer.answerable, answer.reason
    assert [c.quote for c in answer.citations] == ["禁燃区内禁止燃用含硫量大于0.5%的焦炭。"]
    # Another year is still no year the shelf speaks of.
    other = Answerer(searcher, model("含硫量大于0.5%。", "含硫量"))
    other = other.ask(asked.replace("2017", "2019"))
    assert not other.answerable
    assert other.reason.startswith(("figure", "year")), other.reason
    # A year written digit by digit in characters is the year asked in digits.
    used = "2023年全国数据中心用电量约为多少？"
    power = Answerer(searcher, model("约为1500亿千瓦时。", "用电量")).ask(used)
    assert power.answerable, power.reason
