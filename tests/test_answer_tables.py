"""A table's rows read under its header row: shown so to the model, checked so."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trendqa.answer import Answer, analyze, prompts
from trendqa.answer.answerer import _in_full, _joined_chunks
from trendqa.answer.claims import ClaimChecker
from trendqa.answer.context import number_passages
from trendqa.answer.question import ReportNames
from trendqa.answer.tables import labelled_rows
from trendqa.answer.types import Citation, Claim, Sentence
from trendqa.records import Chunk, Hit, Location

QUARTER = (
    "项目 本报告期 上年同期 增减\n"
    "营业收入 125,430.6 108,215.2 15.91%\n"
    "归属于上市公司股东的净利润 18,602.3 15,117.9 23.05%\n"
    "经营活动产生的现金流量净额 9,871.4 -2,306.5 不适用"
)


def sentences(*lines: str) -> list[Sentence]:
    return [Sentence(i, 1, text, 0) for i, text in enumerate(lines, 1)]


def test_each_figure_of_a_row_is_shown_under_its_columns_name() -> None:
    rows = labelled_rows(sentences(*QUARTER.split("\n")))
    assert rows == {
        2: "营业收入 | 本报告期 125,430.6 | 上年同期 108,215.2 | 增减 15.91%",
        3: "归属于上市公司股东的净利润 | 本报告期 18,602.3 | 上年同期 15,117.9 | 增减 23.05%",
        4: "经营活动产生的现金流量净额 | 本报告期 9,871.4 | 上年同期 -2,306.5 | 增减 不适用",
    }
    # The 2017 catalogue's limits: a letter-spaced label, a cell standing for none.
    fuels = labelled_rows(
        sentences(
            "表 2 部分煤炭制品的组分含量限值",
            "燃料种类 含硫量(St,d) 灰分(Ad) 挥发分(Vdaf)",
            "型 煤 0.5% - 12.0%",
            "焦 炭 0.5% 10.0% 5.0%",
            "注：限值为上限。",
            "兰 炭 0.5% 10.0% 10.0%",
        )
    )
    assert fuels == {
        3: "型煤 | 含硫量(St,d) 0.5% | 灰分(Ad) - | 挥发分(Vdaf) 12.0%",
        4: "焦炭 | 含硫量(St,d) 0.5% | 灰分(Ad) 10.0% | 挥发分(Vdaf) 5.0%",
    }  # a sentence that is no row ends the table; a letter-spaced label is one word


def test_rows_are_not_labelled_where_the_header_cannot_name_each_figure() -> None:
    # Prose is no header, nor are words in lower case (several naming one column: "Labor
    # cost"), and a row with more figures than the header has columns is left as written.
    assert labelled_rows(sentences("The FAA issued a rule on this", "Alabama 18,870 23,022")) == {}
    assert labelled_rows(sentences("Action Labor cost Parts cost", "Test 1 2 3 4")) == {}
    gpu = "GPU 内存 GB 内存带宽 Tbps 算力 TFLOPS 位宽 TPP 算力 算力 × 位宽 晶粒尺寸 mm² 性能密度"
    assert labelled_rows(sentences(gpu, "H100 SXM 80 3.4 1979 8 15832 814 19.4")) == {}
    assert labelled_rows(sentences("截至2023年底，深圳有企业。", "营业收入 1 2")) == {}
    # Tab-separated cells may hold spaces.
    tabbed = labelled_rows(sentences("Item\tNet income\tRevenue", "Acme Corp\t1.2\t3.4"))
    assert tabbed == {2: "Acme Corp | Net income 1.2 | Revenue 3.4"}


def passage_of(text: str) -> tuple[Chunk, list]:  # type: ignore[type-arg]
    where = Location("q.pdf", "华东智能装备2024年第三季度报告", 0, len(text), 1, 1)
    chunk = Chunk("c1", text, where, heading="一、主要财务数据 单位：万元")
    return chunk, list(number_passages([Hit(chunk, 1, 1.0)]))


def test_the_model_is_shown_a_row_under_its_columns_names() -> None:
    _chunk, passages = passage_of(QUARTER)
    messages = prompts.answer_prompt("营业收入是多少？", passages, "zh", "number")
    assert (
        "(2) 营业收入 | 本报告期 125,430.6 | 上年同期 108,215.2 | 增减 15.91%"
        in messages[1].content
    )
    assert "(1) 项目 本报告期 上年同期 增减" in messages[1].content


def test_a_claim_is_checked_against_the_row_under_its_columns_names() -> None:
    # "上年同期营业收入为108,215.2万元": last year's column names the figure; the row
    # alone ("营业收入 125,430.6 108,215.2 15.91%") does not say which year it is.
    _chunk, passages = passage_of(QUARTER)
    row = passages[0].sentences[1]
    asked = analyze("华东智能装备2024年第三季度的营业收入是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"营业收入": 3.0, "上年同期": 3.0, "同期": 2.0}, 4.0, {})
    result = checker.check("上年同期营业收入为108,215.2万元", [(passages[0], row)], passages)
    assert result.supported, result.detail


def test_an_item_is_not_shown_in_a_sentence_that_repeats_the_other_items() -> None:
    # "Ⅰ类、Ⅱ类、Ⅲ类" from "…分为 Ⅰ类（一般）、Ⅱ类（较严）和Ⅲ类（严格）。": shown in its
    # sentence's words, the third item would state the first two again. Folded, "i类" is
    # inside "iii类", but no item of the other.
    quote = "将禁燃区内禁止燃用的燃料组合分为 Ⅰ类（一般）、Ⅱ类（较严）和Ⅲ类（严格）。"
    answer = Answer(
        "q",
        "zh",
        True,
        "Ⅰ类[1]、Ⅱ类[1]、Ⅲ类[1]",
        (Citation(1, "m.pdf", "M", None, 0, len(quote), 1, 1, quote, True),),
        (),
        "llm",
        claims=(Claim("Ⅰ类", (1,), True), Claim("Ⅱ类", (1,), True), Claim("Ⅲ类", (1,), True)),
    )
    shown = _in_full(answer).text
    assert shown.count("Ⅰ类") == 1, shown


def test_a_bare_figure_citing_a_table_row_is_not_shown_as_the_whole_row() -> None:
    # "2.9" citing H20 SXM's row was shown as "H20 SXM 96 4 296 … 2.9": the row's every
    # figure, none named, the asked one among them.
    quote = "H20 SXM\t96\t4\t296\t8\t2368\t814\t2.9"
    answer = Answer(
        "q",
        "zh",
        True,
        "296 TFLOPS[1]",
        (Citation(1, "g.txt", "G", None, 0, len(quote), 1, 1, quote, True),),
        (),
        "llm",
        claims=(Claim("296 TFLOPS", (1,), True),),
    )
    assert _in_full(answer, sentences=True).text == "296 TFLOPS[1]"
    spaced = "焦 炭 0.5% 10.0% 5.0%"
    cited = (Citation(1, "f.pdf", "F", None, 0, len(spaced), 1, 1, spaced, True),)
    ash = replace(answer, text="10.0%[1]", citations=cited, claims=(Claim("10.0%", (1,), True),))
    assert _in_full(ash, sentences=True).text == "10.0%[1]"


FRAMEWORKS = (
    "图表 32:截至 2023 年底全球主流 AI 框架的 GitHub 指标 (单位:千个)\n"
    "\t国别\t框架\t星星数\t阅读数\t分支数\t使用者数\t贡献者数\n"
    "\t国外\tTensorFlow\t181\t7.7\t73.7\t340\t3.5\n"
    "\t\tPyTorch\t75.9\t1.7\t20.6\t385\t3.2\n"
    "\t\tCNTK\t17.4\t1.3\t4.3\t*****\t0.2\n"
)


def test_a_tab_table_labelled_by_two_columns_reads_each_figure_under_its_column() -> None:
    # Labelled by 国别 and 框架, the rows were shown bare: TensorFlow's row has seven
    # cells for six figure columns, PyTorch's (国别 merged with the row above) six. Asked
    # for PyTorch's stars, the model wrote 1000000.
    where = Location("w.txt", "白皮书", 0, len(FRAMEWORKS), 1, 1)
    passages = list(number_passages([Hit(Chunk("c1", FRAMEWORKS, where), 1, 1.0)]))
    rows = list(labelled_rows(passages[0].sentences).values())
    assert rows == [
        "国外 TensorFlow | 星星数 181 | 阅读数 7.7 | 分支数 73.7 | 使用者数 340 | 贡献者数 3.5",
        "PyTorch | 星星数 75.9 | 阅读数 1.7 | 分支数 20.6 | 使用者数 385 | 贡献者数 3.2",
        # A cell the extraction could not read is left out, not shown as a figure.
        "CNTK | 星星数 17.4 | 阅读数 1.3 | 分支数 4.3 | 贡献者数 0.2",
    ]


def test_a_passage_cut_after_a_tables_header_is_followed_by_its_rows(
    shelf_of_frameworks: tuple[Chunk, Chunk],
) -> None:
    # "PyTorch在GitHub上的星星数是多少？" found the passage ending at the GitHub table's
    # header (its words: GitHub, 星星数) and not the next, which holds the rows: the model
    # was shown the columns and no figure, and wrote 1000000.
    from trendqa.answer.context import Shelf

    head, rows = shelf_of_frameworks
    shelf = Shelf([head, rows])
    assert shelf.rows_after(head) is rows
    assert shelf.rows_after(rows) is None  # the table ends in it
    # Read as one passage, from the table's title (its year, its unit) to its rows.
    joined = _joined_chunks(head, rows)
    assert joined is not None
    assert joined.text.startswith(head.text) and joined.text.endswith(rows.text)
    assert (joined.location.start, joined.location.end) == (0, rows.location.end)
    passage = next(iter(number_passages([Hit(joined, 1, 1.0)])))
    row = next(s for s in passage.sentences if s.text.startswith("PyTorch"))
    assert labelled_rows(passage.sentences)[row.id].startswith("PyTorch | 星星数 75.9")
    assert _joined_chunks(rows, head) is None


def test_a_bare_figure_citing_a_table_row_is_shown_as_its_cell_in_the_tables_unit(
    shelf_of_frameworks: tuple[Chunk, Chunk],
) -> None:
    # "75.9[1]" answered PyTorch's stars: the row's label, the column and the unit the
    # title declares (单位:千个) say what 75.9 is.
    joined = _joined_chunks(*shelf_of_frameworks)
    assert joined is not None
    passage = next(iter(number_passages([Hit(joined, 1, 1.0)])))
    row = next(s for s in passage.sentences if s.text.startswith("PyTorch"))
    cited = (Citation(1, "w.txt", "白皮书", None, 0, 1, 1, 1, row.text, True),)
    answer = Answer(
        "q", "zh", True, "75.9[1]", cited, (passage,), "llm", claims=(Claim("75.9", (1,), True),)
    )
    assert _in_full(answer, sentences=True).text == "PyTorch 星星数 75.9千个[1]"
    # A figure no cell of the cited row holds is left as written.
    other = replace(answer, text="18.8[1]", claims=(Claim("18.8", (1,), True),))
    assert _in_full(other, sentences=True).text == "18.8[1]"


@pytest.fixture
def shelf_of_frameworks() -> tuple[Chunk, Chunk]:
    prose = "国内开源文化相对欠缺,不利于 AI 框架的持续创新和进步。\n\n"
    table_at = len(prose) + FRAMEWORKS.index("\t国别")
    text = prose + FRAMEWORKS + "\n人工智能幻觉是指人工智能系统产生与实际情况不符的判断。\n"
    head_end = table_at + len("\t国别\t框架\t星星数\t阅读数\t分支数\t使用者数\t贡献者数")
    head = Chunk("c1", text[:head_end], Location("w.txt", "白皮书", 0, head_end, 1, 5))
    rows = Chunk("c2", text[table_at:], Location("w.txt", "白皮书", table_at, len(text), 5, 9))
    return head, rows


def test_a_claim_is_cited_from_the_rows_it_names() -> None:
    # "焦炭的灰分是10.0%" citing the rows of 型煤, 焦炭 and 兰炭: 10.0% is in two of them, and
    # the claim rests on the row of 焦炭 alone. A claim naming no row keeps every row.
    text = (
        "表 2 部分煤炭制品的组分含量限值\n燃料种类 含硫量(St,d) 灰分(Ad) 挥发分(Vdaf)\n"
        "型 煤 0.5% - 12.0%\n焦 炭 0.5% 10.0% 5.0%\n兰 炭 0.5% 10.0% 10.0%"
    )
    where = Location("f.pdf", "高污染燃料目录", 0, len(text), 1, 1)
    passages = list(number_passages([Hit(Chunk("c1", text, where), 1, 1.0)]))
    rows = [(passages[0], s) for s in passages[0].sentences[2:]]
    asked = analyze("高污染燃料目录中焦炭的灰分是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"焦炭": 4.0, "灰分": 3.0}, 4.0, {})
    result = checker.check("焦炭的灰分是10.0%", rows, passages)
    assert result.supported, result.detail
    assert [s.text for _p, s in result.evidence] == ["焦 炭 0.5% 10.0% 5.0%"]
    unnamed = checker.check("灰分是10.0%", rows[1:], passages)
    assert len(unnamed.evidence) == 2


GPUS_HEAD = (
    "美国对中国禁运的高端 AI 芯片\n\n"
    "GPU\t内存 GB\t内存带宽 Tbps\t算力 TFLOPS\t位宽\n"
    "H100 SXM\t80\t3.4\t1979\t8\n"
    "H20 SXM\t96\t4\t296\t8\n"
)
GPUS_TAIL = "AMD MI250X\t128\t3.2\t383\t16\nAMD MI300X\t192\t5.6\t2400\t8\n\n来源：semianalysis\n"


GPU_AT = Location("g.txt", "算力报告", 0, len(GPUS_HEAD), 1, 5)


def gpu_passages() -> list:  # type: ignore[type-arg]
    """A table cut in two: the second passage opens inside it, its header in the first."""
    from trendqa.answer.context import Shelf

    text = GPUS_HEAD + GPUS_TAIL
    head = Chunk("c1", GPUS_HEAD, Location("g.txt", "算力报告", 0, len(GPUS_HEAD), 1, 5))
    tail_at = Location("g.txt", "算力报告", len(GPUS_HEAD), len(text), 6, 9)
    tail = Chunk("c2", GPUS_TAIL, tail_at)
    shelf = Shelf([head, tail])
    return list(number_passages([Hit(tail, 1, 1.0)], header_of=shelf.table_header))


def test_a_passage_opening_inside_a_table_reads_its_rows_under_the_header_before_it() -> None:
    passages = gpu_passages()
    assert passages[0].table_header == "GPU\t内存 GB\t内存带宽 Tbps\t算力 TFLOPS\t位宽"
    messages = prompts.answer_prompt("AMD MI300X的内存带宽是多少？", passages, "zh", "number")
    shown = "AMD MI300X | 内存 GB 192 | 内存带宽 Tbps 5.6 | 算力 TFLOPS 2400 | 位宽 8"
    assert shown in messages[1].content, messages[1].content


def test_a_figure_from_another_column_than_the_one_the_claim_names_is_not_stated() -> None:
    # "AMD MI300X的内存带宽是2400GB/s": 2400 is the row's 算力, its 内存带宽 is 5.6.
    passages = gpu_passages()
    row = next(s for s in passages[0].sentences if s.text.startswith("AMD MI300X"))
    asked = analyze("AMD MI300X的内存带宽是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"内存带宽": 4.0, "mi300x": 4.0, "amd": 2.0}, 4.0, {})
    wrong = checker.check("AMD MI300X的内存带宽是2400GB/s", [(passages[0], row)], passages)
    assert not wrong.supported
    assert (wrong.check, wrong.detail) == (
        "figure",
        "2400 is AMD MI300X's 算力, not its 内存带宽 (5.6)",
    )
    right = checker.check("AMD MI300X的内存带宽是5.6Tbps", [(passages[0], row)], passages)
    assert right.supported, right.detail
    # 内存 is named inside 内存带宽, not on its own: its 192 is no other column's figure.
    memory = checker.check("AMD MI300X的内存是192GB", [(passages[0], row)], passages)
    assert memory.supported, memory.detail


def test_a_bare_figure_from_another_column_than_the_one_asked_for_is_not_stated() -> None:
    # Asked for H20 SXM's 算力, the model answered "296" right and, another time, "8": the
    # row's 位宽. A claim naming no column answers the column the question names.
    passages = list(number_passages([Hit(Chunk("c1", GPUS_HEAD, GPU_AT), 1, 1.0)]))
    row = next(s for s in passages[0].sentences if s.text.startswith("H20 SXM"))
    asked = analyze("表格里H20 SXM的算力是多少TFLOPS？", ReportNames({}))
    checker = ClaimChecker(asked, {"算力": 4.0, "h20": 4.0, "sxm": 2.0}, 4.0, {})
    wrong = checker.check("8", [(passages[0], row)], passages)
    assert not wrong.supported
    assert (wrong.check, wrong.detail) == ("figure", "8 is H20 SXM's 位宽, not its 算力 (296)")
    right = checker.check("296 TFLOPS", [(passages[0], row)], passages)
    assert right.supported, right.detail
    # A question naming no column holds a bare figure to none.
    vague = analyze("表格里H20 SXM的参数是多少？", ReportNames({}))
    loose = ClaimChecker(vague, {"参数": 4.0, "h20": 4.0, "sxm": 2.0}, 4.0, {})
    assert loose.check("8", [(passages[0], row)], passages).check != "figure"


def test_a_claim_naming_one_column_and_stating_anothers_figure_is_refused() -> None:
    _chunk, passages = passage_of(QUARTER)
    row = passages[0].sentences[1]
    asked = analyze("华东智能装备2024年第三季度营业收入的增减是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"营业收入": 3.0, "增减": 3.0}, 4.0, {})
    # 108,215.2 is last year's revenue, not the change.
    result = checker.check("营业收入增减为108,215.2", [(passages[0], row)], passages)
    assert not result.supported
    assert result.detail == "108,215.2 is 营业收入's 上年同期, not its 增减 (15.91%)"
