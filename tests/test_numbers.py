"""Figures with their scale words, compared by value: what keeps an answer's numbers honest."""

from __future__ import annotations

import pytest

from trendqa.numbers import (
    Number,
    annotate_chinese_scales,
    chinese_numerals,
    dropped_numbers,
    find_numbers,
    han_figures,
    in_english,
    keep_figures,
    other_unit,
    repair_scales,
    states_form,
    supported,
    unsupported_numbers,
)


@pytest.mark.parametrize(
    "text, raw, value",
    [
        ("727.2亿", 727.2, 7.272e10),
        ("3,072", 3072, 3072),
        ("10K", 10, 1e4),
        ("10k", 10, 1e4),
        ("65.4", 65.4, 65.4),
        ("65.4%", 65.4, 65.4),  # a percentage is not a scale
        ("3万亿", 3, 3e12),
        ("5千万", 5, 5e7),
        ("8万", 8, 8e4),
        ("1.2 million", 1.2, 1.2e6),
        ("72.72 billion", 72.72, 7.272e10),
        ("2 Trillion", 2, 2e12),
        ("4bn", 4, 4e9),
        ("1,234,567.5", 1234567.5, 1234567.5),
    ],
)
def test_find_numbers_applies_the_scale(text: str, raw: float, value: float) -> None:
    (number,) = find_numbers(text)
    assert number.raw == pytest.approx(raw)
    assert number.value == pytest.approx(value)
    assert number.text == text.rstrip("%")


def test_find_numbers_in_a_chinese_sentence() -> None:
    found = find_numbers("2024年规模达到727.2亿元，同比增长65.4%，企业超过3,072家，约10K人。")
    assert [n.text for n in found] == ["2024", "727.2亿", "65.4", "3,072", "10K"]
    assert [n.value for n in found] == pytest.approx([2024, 7.272e10, 65.4, 3072, 1e4])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("GPT4 and v1.5", []),  # digits glued to a word are names, not figures
        ("GPT-3.5、COVID-19", []),  # and so are digits hyphenated to one (GPT-3.5 is GPT3.5)
        ("2021-2023年, -5%", [2021, 2023, 5]),  # a range and a sign are no hyphenated names
        ("10 kg", [10]),  # 'k' starting a word is not a scale
        ("5 bytes", [5]),
        ("no figures here", []),
    ],
)
def test_find_numbers_boundaries(text: str, expected: list[float]) -> None:
    assert [n.value for n in find_numbers(text)] == expected


@pytest.mark.parametrize(
    "answer, evidence",
    [
        ("72.72 billion yuan", "规模达到727.2亿元"),
        ("727.2亿元", "72.72 billion yuan"),
        ("7 billion", "70 亿"),
        ("3072 companies", "超过3,072家"),
        ("10,000 people", "约10K人"),
        ("65.4%", "增长65.4%"),
        ("70", "70亿"),  # as written: a bare figure may drop the evidence's scale word
    ],
)
def test_supported_figures(answer: str, evidence: str) -> None:
    assert unsupported_numbers(answer, evidence) == []


@pytest.mark.parametrize(
    "answer, evidence, bad",
    [
        ("70 billion", "70 亿", ["70 billion"]),  # the scale slip: 70 亿 is 7 billion
        ("727.2 billion yuan", "727.2亿元", ["727.2 billion"]),
        ("70亿", "70", ["70亿"]),  # a scale the evidence does not give
        ("增长56.4%", "增长65.4%", ["56.4"]),
        ("2024年727.2亿元，2025年800亿元", "2024年规模727.2亿元", ["2025", "800亿"]),
    ],
)
def test_unsupported_figures(answer: str, evidence: str, bad: list[str]) -> None:
    assert unsupported_numbers(answer, evidence) == bad


def test_figures_from_the_question_count_as_known() -> None:
    answer = "2024年规模达到727.2亿元。"
    assert unsupported_numbers(answer, "规模达到727.2亿元") == ["2024"]
    assert unsupported_numbers(answer, "规模达到727.2亿元", "2024年规模是多少？") == []


def test_supported_compares_value_and_plain_figures() -> None:
    yi = Number(raw=70, value=7e9, text="70亿")
    plain = Number(raw=70, value=70, text="70")
    assert supported(plain, [yi])
    assert not supported(yi, [plain])
    assert not supported(plain, [])


@pytest.mark.parametrize(
    "value, words",
    [(7.272e10, "72.72 billion"), (1.2e6, "1.2 million"), (3e12, "3 trillion"), (65.4, "65.4")],
)
def test_in_english(value: float, words: str) -> None:
    assert in_english(value) == words


def test_chinese_scales_are_read_out_for_english() -> None:
    annotated = annotate_chinese_scales("规模达到727.2亿元，增长65.4%，约10K人，70 亿。")
    assert (
        annotated == "规模达到727.2亿 (=72.72 billion)元，增长65.4%，约10K人，70 亿 (=7 billion)。"
    )


@pytest.mark.parametrize(
    "answer, repaired",
    [
        ("It reached 727.2 billion yuan in 2024.", "It reached 72.72 billion yuan in 2024."),
        ("It reached 72.72 billion yuan.", "It reached 72.72 billion yuan."),  # already right
        ("It reached 800 billion yuan.", "It reached 800 billion yuan."),  # no source: left
        ("Growth was 65.4%.", "Growth was 65.4%."),
    ],
)
def test_repair_scales_fixes_a_misread_chinese_scale(answer: str, repaired: str) -> None:
    assert repair_scales(answer, "2024年规模达到727.2亿元，增长65.4%。") == repaired


@pytest.mark.parametrize(
    "value, numerals",
    [(3, ("三",)), (15, ("十五",)), (20, ("二十",)), (2, ("二", "两")), (100, ()), (2.5, ())],
)
def test_chinese_numerals(value: float, numerals: tuple[str, ...]) -> None:
    assert chinese_numerals(value) == numerals


def test_small_figures_match_chinese_numerals() -> None:
    assert unsupported_numbers("3 systems", "三大系统") == []
    assert unsupported_numbers("4 systems", "三大系统") == ["4"]


def test_a_count_in_characters_is_a_figure_its_evidence_must_state() -> None:
    # "腾讯报告将基因计算的发展划分为四个阶段：…" cited a sentence naming no stages: the
    # count was the model's own. Stated in characters or digits, or by the question, it holds.
    said = "腾讯报告将基因计算的发展划分为四个阶段"
    assert unsupported_numbers(said, "随着单细胞组学突破，基因测序技术正在进化") == ["四个"]
    assert unsupported_numbers(said, "基因计算的发展经历了四个阶段") == []
    assert unsupported_numbers(said, "发展分为4个阶段") == []
    assert unsupported_numbers(said, "分为几个阶段", "基因计算分为哪四个阶段？") == []
    assert unsupported_numbers("具有七大功能", "具有数据采集等 7 大功能") == []
    assert unsupported_numbers("两种类型", "分为侵入式和非侵入式两类") == []
    # 一个 is "a"; an ordinal, or a numeral inside a word, counts nothing.
    assert unsupported_numbers("一个重要方向", "方向") == []
    assert unsupported_numbers("第四个趋势", "趋势") == []
    assert unsupported_numbers("二维码", "码") == []


def test_an_ordinal_in_characters_states_its_figure() -> None:
    # 位居世界第二 is "ranks 2nd"; 第二十 is the 20th, not the 2nd.
    assert unsupported_numbers("全球排名第2", "位居世界第二") == []
    assert unsupported_numbers("排名第1", "排名第一") == []
    assert unsupported_numbers("排名第2", "排名第二十") == ["2"]


@pytest.mark.parametrize(
    "original, translated, dropped",
    [
        ("融资额达到 2333.5 亿美元,位居世界第2", "raised US$233.35 billion, ranking second", []),
        ("2023年10月18日发布", "released on October 18, 2023", []),
        ("出货 188 台", "shipped 188 units", []),
        ("人工智能相关企业3359家，融资270起", "3,359 AI-related companies", ["270"]),
        ("截至2023年底，融资达到2333.5亿美元", "As of the end of 2023", ["2333.5亿"]),
    ],
)  # fmt: skip
def test_a_translation_that_leaves_out_a_figure(
    original: str, translated: str, dropped: list[str]
) -> None:
    assert dropped_numbers(original, translated) == dropped


def test_repair_leaves_chinese_scale_words_alone() -> None:
    # A Chinese answer's 100万 is the model's own figure, not a misread 亿: no "10 billion台".
    assert repair_scales("出货量是100万台", "市场规模达到 100 亿元") == "出货量是100万台"


@pytest.mark.parametrize(
    "text, values",
    [
        ("快三千余倍", [3000]),
        ("能效提升四百万余倍", [4e6]),
        ("一千一百二十一量子比特", [1121]),
        ("两亿元和十五家", [2e8, 15]),
        ("三万亿美元", [3e12]),
        ("统一标准、一些企业", []),
        # Years digit by digit, as government documents write them (a ROC year too).
        ("二〇二三年全国数据中心", [2023]),
        ("民國一一二年本市", [112]),
        ("统一三年", []),
        # Percentages, with their decimals.
        ("占百分之一点六，超过百分之三十五", [1.6, 35]),
        # 千瓦 is the unit kilowatt: its 千 is no part of the figure before it.
        ("约为一千五百亿千瓦时", [1.5e11]),
    ],
)
def test_figures_written_in_characters(text: str, values: list[float]) -> None:
    assert [n.value for n in han_figures(text)] == values


def test_a_figure_in_digits_is_supported_by_the_same_figure_in_characters() -> None:
    evidence = "比同用途常规芯片快三千余倍，能效提升四百万余倍"
    assert unsupported_numbers("快3千余倍，能效提升400万余倍", evidence) == []
    assert unsupported_numbers("快3万余倍", evidence) == ["3万"]
    used = "二〇二三年全国数据中心用电量约为一千五百亿千瓦时，占全社会用电量的百分之一点六。"
    assert unsupported_numbers("2023年用电量约1500亿千瓦时，占1.6%", used) == []
    assert unsupported_numbers("2022年用电量约1500亿千瓦时，占1.7%", used) == ["2022", "1.7"]


@pytest.mark.parametrize(
    "translated, original, kept",
    [
        # US$25 billion is 250亿, not 25亿 (a small model's slip translating a question).
        ("支出超过25亿美元的公司有几家？", "spend more than US$25 billion",
         "支出超过250亿美元的公司有几家？"),
        ("出货2.2万台", "shipped 2.2 thousand units", "出货2200台"),
        # Right already, or nothing to compare with: unchanged.
        ("融资总额为727.2亿元", "72.72 billion yuan", "融资总额为727.2亿元"),
        ("出货120万台", "shipped 1.2 million units", "出货120万台"),
        ("增长25%", "grew 25%", "增长25%"),
    ],
)  # fmt: skip
def test_a_translation_keeps_the_questions_figures_by_value(
    translated: str, original: str, kept: str
) -> None:
    assert keep_figures(translated, original) == kept


def test_a_tables_unit_line_scales_its_bare_figures() -> None:
    from trendqa.numbers import in_unit, table_unit

    assert table_unit("一、主要财务数据 单位：万元") == "万"
    assert table_unit("Table 2. Results (in millions of dollars)") == "million"
    assert table_unit("营业收入同比增长") == ""
    row = "营业收入 125,430.6 108,215.2 15.91% 2024"
    # Percentages and years keep their own meaning.
    assert in_unit(row, "万") == "营业收入 125,430.6万 108,215.2万 15.91% 2024"


def test_a_quantity_is_none_of_the_questions_own_figures_nor_a_names_digits() -> None:
    from trendqa.numbers import states_form

    question = "According to the chart, how many H100 chips did Meta buy in 2023?"
    assert not states_form("The number of H100 chips bought in 2023.", "quantity", question)
    assert states_form("Meta bought 150,000 H100 chips in 2023.", "quantity", question)
    assert not states_form(
        "2023年主要买家购买的H100芯片数量", "quantity", "2023年Meta买了多少H100？"
    )
    assert states_form("Meta买了15万块H100", "quantity", "2023年Meta买了多少H100？")
    # Without the question, any figure is one; a growth rate stays a quantity.
    assert states_form("The number of H100 chips bought in 2023.", "quantity")
    assert states_form("Compute demand grew 10x.", "quantity", "How fast did it grow?")


def test_a_date_is_a_month_or_a_day_not_a_year_alone() -> None:
    from trendqa.answer.question import wanted_form
    from trendqa.numbers import states_form

    assert wanted_form("北京冬奥会开幕日期是什么时候") == "date"
    assert wanted_form("On what date did the accident happen?") == "date"
    assert wanted_form("GPT-4是哪一年发布的？") == "year"
    assert not states_form("2022北京冬奥会开幕式节目设计突出人类命运共同体的理念。", "date")
    for text in ("2022年2月4日开幕", "September 21, 2020", "on 29 October 2018", "2021-01-01"):
        assert states_form(text, "date"), text


@pytest.mark.parametrize(
    "question, form",
    [
        ("When was GPT-4 released?", "time"),
        ("When and by whom was the initiative released?", "time"),
        ("How much will it cost, and when is it due to be completed?", "time"),
        ("GPT-4 was released when?", "time"),
        # "when" opening a clause, not the question, asks no time.
        ("When DAMO Academy talks about large-scale digital twins, what does it mean?", ""),
        ("What else did the app offer when it launched?", ""),
    ],
)
def test_an_english_question_asks_a_time_by_its_when_not_a_clauses(
    question: str, form: str
) -> None:
    from trendqa.answer.question import wanted_form

    assert wanted_form(question) == form


@pytest.mark.parametrize(
    "text, states",
    [
        # A date is when, not how much: the sentence names the plant's capacity, no figure.
        ("2023年中，该虚拟电厂成功参与首轮精准响应，响应容量位于运营商前列。", False),
        ("On May 19, 2023, the plant joined the first response round.", False),
        ("2023年11月27日，法院作出判决。", False),
        ("2023年，响应容量达到20MW。", True),
        ("In 2023, capacity reached 20 MW.", True),
        ("投资增长了一倍。", True),
        ("项目周期为6个月。", True),
    ],
)
def test_a_date_states_no_quantity(text: str, states: bool) -> None:
    assert states_form(text, "quantity", "响应容量是多少MW？") is states


def test_a_count_is_not_the_digits_of_a_scaled_amount() -> None:
    # "40 亿美元" invested is no "40笔" deals; the amount's digits without its scale still
    # are the amount ("投资了40", a model dropping 亿), and a count of the same value is.
    evidence = "亚马逊以 40 亿美元投资大模型初创公司 Anthropic。另有 40 家企业参投。"
    assert unsupported_numbers("亚马逊做了40笔AI创业交易。", evidence.split("另")[0]) == ["40"]
    assert unsupported_numbers("亚马逊投资了40。", evidence) == []
    assert unsupported_numbers("共有40家企业参投。", evidence) == []


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("three thousand times faster", [3000]),
        ("four hundred thousand times", [400_000]),
        ("one hundred and twenty thousand people", [120_000]),
        ("twenty-five billion dollars", [25e9]),
        ("a million users", []),  # a scale without a number of its own
        ("4 million users", []),  # a figure in digits, read with its scale by find_numbers
        ("two layers, one of them", []),  # a number word alone is no figure here
    ],
)
def test_figures_written_in_english_words_with_a_scale(text: str, values: list[float]) -> None:
    from trendqa.numbers import scaled_words

    assert [n.value for n in scaled_words(text)] == values


def test_a_figure_in_words_the_evidence_does_not_state_is_unsupported() -> None:
    source = "比同用途常规芯片快三千余倍，能效提升四百万余倍。"
    assert unsupported_numbers("three thousand times, four hundred thousand times", source) == [
        "four hundred thousand"
    ]
    assert unsupported_numbers("three thousand times, four million times", source) == []


def test_figures_in_characters_are_read_out_for_an_english_translation() -> None:
    from trendqa.numbers import annotate_chinese_scales

    text = "快三千余倍，能效提升四百万余倍"
    assert annotate_chinese_scales(text, characters=True) == (
        "快三千 (=over 3,000)余倍，能效提升四百万 (=over 4 million)余倍"
    )
    assert annotate_chinese_scales(text) == text  # (figures in digits only, by default)
    # A year's digits and small numbers are left as written.
    assert (
        annotate_chinese_scales("二〇二三年的十三五规划", characters=True)
        == "二〇二三年的十三五规划"
    )


def test_a_figure_followed_by_more_than_is_read_as_over_it() -> None:
    # 三千余倍 was translated "three thousand times": 余 (more than) was dropped.
    from trendqa.numbers import annotate_chinese_scales

    assert (
        annotate_chinese_scales("约1.2万余人，70亿元")
        == "约1.2万 (=over 12 thousand)余人，70亿 (=7 billion)元"
    )


def test_an_english_answers_figures_in_words_are_written_in_digits() -> None:
    # "outperforms conventional chips by three thousand times": the passages write 三千余倍,
    # and a reader scans for figures.
    from trendqa.numbers import figures_in_digits

    text = "by three thousand times, four million times, four hundred thousand, two layers"
    assert figures_in_digits(text) == "by 3,000 times, 4 million times, 400,000, two layers"
    assert figures_in_digits("4 million and one of them") == "4 million and one of them"


def test_a_reply_copying_an_annotated_sentence_loses_the_annotation() -> None:
    from trendqa.numbers import annotate_chinese_scales, without_annotations

    sentence = "2023年全国数据中心用电量约为一千五百亿千瓦时，投资达到70亿元。"
    shown = annotate_chinese_scales(sentence, characters=True)
    assert shown == (
        "2023年全国数据中心用电量约为一千五百亿 (=150 billion)千瓦时，投资达到70亿 (=7 billion)元。"
    )
    assert without_annotations(shown) == sentence


@pytest.mark.parametrize(
    ("answer", "source", "repaired"),
    [
        # 750万 read as 750 thousand, written out: the digits with the wrong scale's zeros.
        ("Fines from 750,000 euros", "罚款金额从 750 万欧元起", "Fines from 7.5 million euros"),
        ("revenue of 1,751,000 yuan", "规模为1751亿元", "revenue of 175.1 billion yuan"),
        ("up to 3500,000 euros", "最高 3500 万欧元", "up to 35 million euros"),  # grouped wrong
        # A figure the source states, or one no scaled figure's digits give, is left.
        ("from 7,500,000 euros", "罚款金额从 750 万欧元起", "from 7,500,000 euros"),
        ("about 3,000 firms", "罚款金额从 750 万欧元起", "about 3,000 firms"),
    ],
)
def test_a_scaled_figures_digits_written_out_at_another_scale_are_repaired(
    answer: str, source: str, repaired: str
) -> None:
    from trendqa.numbers import repair_scales

    assert repair_scales(answer, source) == repaired


@pytest.mark.parametrize(
    ("text", "question", "states"),
    [
        # A sum is no count of deals…
        ("Amazon invested 4 billion dollars in Anthropic.", "How many deals did Amazon do?", False),
        ("亚马逊以40亿美元投资Anthropic。", "亚马逊做了多少笔AI投资？", False),
        # …but the count is, and a sum answers a question about money however it counts.
        ("Amazon did 12 AI deals.", "How many deals did Amazon do?", True),
        ("亚马逊做了12笔AI投资。", "亚马逊做了多少笔AI投资？", True),
        ("It raised 4 billion dollars.", "How many dollars did it raise?", True),
        ("It raised 4 billion dollars.", "How much did it raise?", True),
    ],
)
def test_a_sum_of_money_counts_no_things(text: str, question: str, states: bool) -> None:
    assert states_form(text, "quantity", question) is states


RANGES = (
    "使用能量密度300Wh/kg左右的电芯，估算单次充电的最大航程：多旋翼构型为30-40km，"
    "倾转旋翼构型为250km。"
)


@pytest.mark.parametrize(
    ("claim", "other"),
    [
        ("多旋翼构型的最大航程为300km。", "300km"),  # 300 is the cells' Wh/kg
        ("A multirotor's range is 300 kilometres.", "300 kilometres"),
        ("倾转旋翼构型的最大航程为250km。", ""),
        ("多旋翼构型的最大航程为40公里。", ""),  # a range's end, in its unit another way
        ("电芯能量密度为300Wh/kg。", ""),
        ("最大航程为250。", ""),  # a bare figure: for the other checks
    ],
)
def test_a_figure_in_another_unit_than_the_evidence_gives_it(claim: str, other: str) -> None:
    assert other_unit(claim, RANGES) == other
