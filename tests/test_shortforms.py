"""A term written in full where the corpus writes it short: which spans count."""

from __future__ import annotations

import pytest

from trendqa.answer.shortforms import respelled, shortens


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("政务大模型", "政府事务大型模型"),  # every word gives a character
        ("大语言模型", "大型语言模型"),
        ("深圳首个政务大模型", "深圳首个政府事务大型模型"),
        ("软硬件", "软件硬件"),
    ],
)
def test_a_short_form_keeps_a_character_of_every_word(short: str, long: str) -> None:
    assert shortens(short, long)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("自动汽车", "自动驾驶汽车"),  # 驾驶 dropped whole: another thing
        ("人工智能内容", "人工智能生成内容"),  # 生成 dropped
        ("上年深圳", "上半年深圳"),  # 半 turns the term into another
        ("北京大", "北京大学"),  # the last character differs
        ("A轮融资", "B轮融资"),  # no shorter, and another first character
        ("大模", "大型模型"),  # too short to be a term
        ("政务大模型", "政务大模型"),  # the same term
        ("一个人", "一个机器人"),  # what it names (机器人) cut short: another thing
        ("多个量子", "多少个量子"),  # 多少 asks how many; 多 says many
    ],
)
def test_a_span_that_names_another_thing_is_no_short_form(short: str, long: str) -> None:
    assert not shortens(short, long)


def test_the_longest_span_the_corpus_never_writes_is_respelled_once() -> None:
    passages = ["在智慧政务领域,云知声率先开发出深圳首个政务大模型“龙知政”赋能政务治理。"]
    corpus = "\n".join(passages)
    picked: list[tuple[str, list[str]]] = []

    def first(span: str, candidates: list[str]) -> str:
        picked.append((span, candidates))
        return candidates[0]

    question = "深圳首个政府事务大型模型叫什么名字？"
    pairs = respelled(question, passages, corpus.__contains__, first)
    assert pairs == [("深圳首个政府事务大型模型", "深圳首个政务大模型")]
    assert picked == [("深圳首个政府事务大型模型", ["深圳首个政务大模型"])]
    # The caller may find none of the candidates the same term; nothing is respelled.
    assert respelled(question, passages, corpus.__contains__, lambda s, c: None) == []
    # A span the corpus writes is left as it is.
    assert respelled("深圳首个政务大模型叫什么？", passages, corpus.__contains__, first) == []


def test_a_phrase_or_a_piece_of_a_word_is_no_term() -> None:
    # "将脑机接口技术用于" was respelled "…技术应用于": a span ending on a verb is a phrase.
    # And 技趋势, written inside 科技趋势, is no term of the passage.
    passages = ["脑机接口技术应用于医疗。", "达摩院发布十大科技趋势。"]
    corpus = "\n".join(passages)

    def first(span: str, candidates: list[str]) -> str:
        return candidates[0]

    assert (
        respelled("腾讯报告将脑机接口技术用于让人讲话？", passages, corpus.__contains__, first)
        == []
    )
    assert respelled("十大技术趋势有哪些？", passages, corpus.__contains__, first) == []
