"""Evidence checks outside the model: which question terms and figures the passages hold."""

from __future__ import annotations

import pytest

from trendqa.evidence import asked_text, chunk_context, key_terms, support
from trendqa.records import Chunk, Location

IDF = {"量子": 3.0, "企鹅": 1.0, "南极": 1.0}


def test_coverage_is_the_idf_weighted_share_of_terms_found() -> None:
    s = support("量子企鹅的南极？", ["量子计算加速融合。"], IDF, default_idf=2.0)
    assert s.coverage == pytest.approx(3.0 / 5.0)
    assert s.missing_terms == ("企鹅", "南极")
    assert s.missing_numbers == ()


def test_unknown_terms_weigh_the_default_idf() -> None:
    s = support("量子企鹅的南极？", ["企鹅和南极。"], {}, default_idf=2.0)
    assert s.coverage == pytest.approx(4.0 / 6.0)
    assert s.missing_terms == ("量子",)


def test_all_terms_found_across_several_texts() -> None:
    s = support("量子企鹅的南极？", ["量子计算。", "企鹅", "南极"], IDF, 2.0)
    assert (s.coverage, s.missing_terms) == (1.0, ())


def test_matching_ignores_width_and_spaces() -> None:
    s = support("ＡＩ芯片的南极", ["AI 芯 片南极"], {}, 1.0)
    assert s.coverage == 1.0


def test_an_english_question_is_not_looked_up_word_by_word() -> None:
    # Its words cannot occur in Chinese passages; only its figures are checked.
    s = support("How many penguins live on the moon?", ["量子计算。"], {}, 1.0)
    assert (s.coverage, s.missing_terms, s.missing_numbers) == (1.0, (), ())


@pytest.mark.parametrize(
    "question, missing",
    [
        ("2019年人工智能规模是多少？", ("2019",)),
        ("2024年人工智能规模是多少？", ()),
        ("What was the size in 2019?", ("2019",)),
        ("规模是72.72 billion吗？", ()),  # the same figure as 727.2亿, by value
        ("规模是727.2 billion吗？", ("727.2 billion",)),
    ],
)
def test_figures_the_question_names_must_be_stated(question: str, missing: tuple[str]) -> None:
    s = support(question, ["2024年人工智能规模达到727.2亿元。"], {}, 1.0)
    assert s.missing_numbers == missing


@pytest.mark.parametrize(
    "question, missing",
    [
        ("2023年全国数据中心用电量是多少？", ()),
        ("二〇二三年全国数据中心用电量是多少？", ()),
        ("2022年全国数据中心用电量是多少？", ("2022",)),
    ],
)
def test_a_year_written_in_characters_is_the_year_in_digits(
    question: str, missing: tuple[str]
) -> None:
    s = support(question, ["二〇二三年全国数据中心用电量约为一千五百亿千瓦时。"], {}, 1.0)
    assert s.missing_numbers == missing


def test_chunk_context_adds_what_identifies_the_passage() -> None:
    loc = Location("a.md", "科技趋势", 0, 6, 3, 3)
    other = Location("b.md", "副本", 0, 6, 1, 1)
    chunk = Chunk("c1", "量子纠错突破", loc, heading="二、量子计算", also_in=(other,))
    meta = {"a.md": "科技趋势报告 腾讯研究院", "b.md": "另一份报告"}
    context = chunk_context(chunk, meta)
    for part in ("腾讯研究院", "另一份报告", "科技趋势", "二、量子计算", "量子纠错突破"):
        assert part in context
    # A term only the document's publisher names still counts as covered.
    assert support("腾讯研究院的量子纠错", [context], {}, 1.0).coverage == 1.0
    assert support("腾讯研究院的量子纠错", [chunk.text], {}, 1.0).coverage < 1.0


def test_words_that_phrase_the_request_are_no_key_terms() -> None:
    terms = key_terms("请具体列出丁智库提出的四个发展路径有哪几条？")
    assert "发展" in terms and "路径" in terms
    assert not {"具体", "列出", "哪几", "四个"} & set(terms)
    # Where the report says it, and asking what it means, are no terms to find either.
    passage = "价值对齐是指让大模型的能力和行为跟人类的价值、伦理原则相一致。"
    question = "这份报告所说的大模型“价值对齐”是什么意思？"
    assert not {"这份", "所说", "意思"} & set(key_terms(question))
    # What a report does with its subject: review it, set out its directions.
    framed = "在回顾视频技术的演进之后，报告提出了哪四个未来发展方向？"
    assert not {"回顾", "提出"} & set(key_terms(framed))
    assert {"视频", "演进", "发展", "方向"} <= set(key_terms(framed))
    assert support(question, [passage], {}, 1.0).coverage == 1.0


def test_a_demonstrative_a_framing_word_and_an_english_gloss_are_no_key_terms() -> None:
    # "这一概念" points back at the term; 界定 and 内涵 ask what it means; "（Big Tech）"
    # glosses the Chinese term in English, which a Chinese report need not write.
    question = "未尽研究如何界定“科技巨头”（Big Tech）这一概念？它的内涵有何演变？"
    terms = set(key_terms(question))
    assert {"科技", "巨头", "概念", "演变"} <= terms
    assert not {"这一", "界定", "内涵", "big", "tech"} & terms
    passage = (
        "科技巨头的概念也在随着技术演变。曾经，科技巨头指的是通过互联网建立强大平台经济的企业。"
    )
    # Only the publisher's name is missing (the report's own metadata holds it).
    assert support(question, [passage], {}, 1.0).missing_terms == ("未尽", "研究")
    # Nor is the gloss a second subject every claim must name.
    from trendqa.answer import analyze
    from trendqa.answer.question import ReportNames

    assert analyze(question, ReportNames({})).entities == ("科技巨头",)
    # A Latin name the question asks about is no gloss: it stays a term to find.
    assert "chatglm" in key_terms("智谱的ChatGLM（第三代）有什么特点？")


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("北京冬奥会开幕日期是什么时候", ["冬奥", "冬奥会", "北京", "开幕"]),
        (
            "卡塔尔世界杯季军是哪支球队",
            ["世界", "世界杯", "卡塔", "卡塔尔", "塔尔", "季军", "球队"],
        ),
        ("“脑机通信”是由谁在哪一年提出的？", ["脑机", "通信"]),
    ],
)
def test_the_answer_slot_is_not_a_term_to_find(question: str, terms: list[str]) -> None:
    # A sentence that answers fills the slot (a date, a team); it need not say 日期 or 哪支.
    assert key_terms(asked_text(question)) == terms


def test_a_term_the_question_glosses_is_found_written_either_way() -> None:
    question = "腾讯报告如何看待AI智能体（Agent）的前景？"
    either = support(question, ["Agent为AI带来“手和脚”，前景广阔。"], {}, 1.0)
    assert "智能体" not in either.missing_terms
    neither = support(question, ["大模型为AI带来“手和脚”，前景广阔。"], {}, 1.0)
    assert "智能体" in neither.missing_terms
