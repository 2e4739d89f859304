"""What a claim rests on: its figure stated with what it measures, and its names kept
when it is translated."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from trendqa.answer import number_passages
from trendqa.answer.claims import ClaimChecker, english_forms, holds_claim, sentence_in_full
from trendqa.answer.names import latin_kept
from trendqa.answer.question import ReportNames, analyze
from trendqa.records import Chunk, Hit, Location


@pytest.mark.parametrize(
    ("translation", "claim", "shown"),
    [
        # A name the model "corrected" into one it knows is written as the claim writes it.
        ("The architecture is centred on the CPU.", "架构以 CIPU 为中心。", "centred on the CIPU."),
        ("Sophgo built it from SG2024 chips.", "由 SG2042 芯片构建。", "from SG2042 chips."),
        # Names kept, or words that are no near miss of one, are left as they are.
        ("It is centred on the CIPU.", "架构以 CIPU 为中心。", "centred on the CIPU."),
        ("It is AI-generated content.", "它是 AIGC。", "It is AI-generated content."),
    ],
)
def test_a_translation_keeps_the_latin_names_of_its_claim(
    translation: str, claim: str, shown: str
) -> None:
    assert latin_kept(translation, claim).endswith(shown)


def test_a_figure_is_stated_with_what_it_measures() -> None:
    # "2023年立项数量为97家" takes its words from one sentence and its figure from
    # another, about companies: the figure's own sentence must say what it counts.
    approvals = "2023 年深圳人工智能创新载体立项数量骤然减少至 1 家。"
    firms = '其中,97 家人工智能相关企业被认定为专精特新"小巨人"企业。'
    chunks = [
        Chunk("a", approvals, Location("w.md", "w", 0, len(approvals), 1, 1), heading="载体"),
        Chunk("b", firms, Location("w.md", "w", 500, 500 + len(firms), 9, 9), heading="企业"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("2023年深圳人工智能创新载体立项数量如何？", ReportNames({}))
    idf = {"立项": 5.0, "数量": 2.0, "深圳": 3.0, "载体": 4.0, "企业": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    wrong, right = checker.check_all(
        ["2023年深圳创新载体立项数量为97家。", "2023年深圳创新载体立项数量减少至1家。"],
        chosen,
        passages,
    )
    # Refused for what 97 counts, or for the year its own sentence does not give it.
    assert not wrong.supported and wrong.check in ("figure", "subject"), wrong.detail
    assert "97" in wrong.detail or "2023" in wrong.detail
    assert right.supported, right.detail


def test_a_figure_may_be_of_the_entity_named_just_before_it() -> None:
    # The report names the cluster, then states its figure: "腾讯云高性能计算集群HCC的算力
    # 调度总规模超过1.5亿核" is what the two sentences state. Words that are not the
    # named entity's must still be the figure's own sentence's.
    text = (
        "腾讯云推出高性能计算集群。腾讯云高性能计算集群 HCC 集结了业界最前沿芯片。"
        "算力调度总规模超过 1.5 亿核,并提供 16 EFLOPS 的智算算力。"
    )
    chunk = Chunk("a", text, Location("w.md", "w", 0, len(text), 1, 1), heading="算力")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences if "1.5" in s.text]
    asked = analyze("腾讯云高性能计算集群HCC的算力调度总规模是多少？", ReportNames({}))
    idf = {"腾讯": 4.0, "集群": 4.0, "HCC": 6.0, "算力": 3.0, "调度": 4.0, "规模": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    right, wrong = checker.check_all(
        [
            "腾讯云高性能计算集群HCC的算力调度总规模超过1.5亿核。",
            "腾讯云高性能计算集群HCC的存储读写带宽超过1.5亿核。",
        ],
        chosen,
        passages,
    )
    assert right.supported, right.detail
    assert not wrong.supported, wrong.detail


PENETRATION = "2023年中国乘用车L2及以上智驾渗透率超过了42%，标志着智能驾驶进入普及期。"


@pytest.mark.parametrize(
    ("claim", "sentence", "shown"),
    [
        # The report's own sentence says what the figure measures, when, and how much.
        ("乘用车L2渗透率超过42%。", PENETRATION, PENETRATION),
        # A sentence giving another subject's figure beside it is not shown for it.
        (
            "上海市人工智能企业数量为1,100家。",
            "截至2023年底，北京市人工智能企业数量为2,200家，上海市人工智能企业数量为1,100家。",
            "上海市人工智能企业数量为1,100家。",
        ),
        # Figures that say what the claim's figure is said with are shown with it: the
        # year before's, and what it equals.
        (
            "L2渗透率超过42%。",
            "中国乘用车L2渗透率从上年的30%提升至超过42%。",
            "中国乘用车L2渗透率从上年的30%提升至超过42%。",
        ),
        (
            "Frontier算力可达1.6EFlop/s，功率可达20兆瓦。",
            "Frontier算力可达1.6EFlop/s，功率可达20兆瓦，相当于近1万户家庭用电水平。",
            "Frontier算力可达1.6EFlop/s，功率可达20兆瓦，相当于近1万户家庭用电水平。",
        ),
        # Nor a sentence the passage's edge cut short: it would be shown cut.
        (
            "研究人员发表DPO论文。",
            "2023年5月29日，来自斯坦福大学等机构的研究人员发表DPO论文，介绍了一种名为直",
            "研究人员发表DPO论文。",
        ),
        # Nor a long sentence, one in another language, or one lacking the claim's words.
        ("渗透率超过42%。", PENETRATION + "这一比例" * 30 + "。", "渗透率超过42%。"),
        ("The rate passed 42%.", PENETRATION, "The rate passed 42%."),
        ("出货量超过42%。", PENETRATION, "出货量超过42%。"),
    ],
)
def test_a_fact_is_shown_as_the_short_sentence_that_states_it(
    claim: str, sentence: str, shown: str
) -> None:
    assert sentence_in_full(claim, sentence) == shown


def test_a_date_is_no_measure() -> None:
    # A date, an article's ordinal or a decree's number measures nothing: the claim may
    # name the document in its own words while its sentence says "本名录".
    article = "第八条  本名录自 2021 年 1 月 1 日起施行。"
    title = "国家危险废物名录（2021年版）"
    chunk = Chunk("a", article, Location("m.pdf", title, 0, len(article), 1, 1), heading="附则")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("《国家危险废物名录（2021年版）》从哪天开始施行？", ReportNames({}))
    checker = ClaimChecker(asked, {"名录": 3.0, "施行": 3.0, "危险": 4.0, "废物": 4.0}, 5.0, {})
    (result,) = checker.check_all(
        ["《国家危险废物名录（2021年版）》自2021年1月1日起施行。"], chosen, passages
    )
    assert result.supported, result.detail


def test_a_figure_in_digits_is_stated_by_its_sentence_in_characters() -> None:
    # Government documents write figures and years in characters; the model answers in
    # digits. "320 公頃" is what "三百二十公頃" states, and no other figure is.
    text = "民國一一二年本市辦理市地重劃面積計三百二十公頃。"
    chunk = Chunk("a", text, Location("h.pdf", "h", 0, len(text), 1, 1), heading="地籍測量")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("民國一一二年本市辦理市地重劃的面積是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"公頃": 4.0, "重劃": 6.0}, 6.0, {})
    right, wrong = checker.check_all(["320 公頃", "230 公頃"], chosen, passages)
    assert right.supported, right.detail
    assert not wrong.supported and "230" in wrong.detail


@pytest.mark.parametrize(
    ("word", "said_by"),
    [
        ("hourly", "$85 per hour"),
        ("estimated", "the faa estimates the cost"),
        ("uses", "what rate does the faa use"),
        ("studies", "one study found"),
    ],
)
def test_an_english_word_is_said_by_its_other_forms(word: str, said_by: str) -> None:
    assert any(form in said_by for form in english_forms(word))
    # A stem shorter than three letters is part of too many words to count.
    assert "us" not in english_forms("uses")


def test_a_claim_said_again_in_other_punctuation_is_held() -> None:
    # The answer would show it twice: once as the model wrote it, once in the sentence.
    sentence = "Gartner 预计 2024 年，全球半导体收入将增长 17%，其中内存市场将强劲反弹。"
    assert holds_claim(sentence, "2024年全球半导体收入将增长17%")
    assert not holds_claim(sentence, "2024年全球半导体收入将增长13.1%")
    assert not holds_claim(sentence, "2024年中国芯片行业值得期待")


def test_a_figure_is_of_the_subject_named_where_it_is_stated_not_where_its_year_is() -> None:
    # Two cited sentences share the year 2023: the region's (178 deals) and the country's
    # (590). A translated question's claim giving the country's figures as the region's is
    # refused: the region is named beside 178, not beside 590.
    region = (
        "2023 年,京津冀地区人工智能融资数量和融资金额分别为 178 起、263.6 亿元。"
        "京津冀区域的人工智能发展呈现出以北京为核心,引领天津和河北的格局。"
    )
    country = "至 2023 年,融资金额进一步减少至 727.2 亿,融资事件数为 590 起。"
    chunks = [
        Chunk("a", region, Location("w.md", "w", 0, len(region), 1, 1), heading="2.京津冀"),
        Chunk("b", country, Location("w.md", "w", 900, 900 + len(country), 9, 9), heading="融资"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences if re.search("178|590", s.text)]
    asked = analyze("2023年北京、天津、河北三地人工智能融资交易数量和金额是什么？", ReportNames({}))
    asked = replace(asked, original="What were the AI financing deals in Jing-Jin-Ji in 2023?")
    idf = {"北京": 5.0, "天津": 5.0, "河北": 5.0, "融资": 3.0, "数量": 2.0, "金额": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    wrong, right = checker.check_all(
        [
            "2023年北京、天津、河北三地人工智能融资交易数量为590起,金额为727.2亿元。",
            "2023年北京、天津、河北三地人工智能融资交易数量为178起,金额为263.6亿元。",
        ],
        chosen,
        passages,
    )
    assert not wrong.supported and wrong.check == "subject", wrong
    assert right.supported, right.detail
