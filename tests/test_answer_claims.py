"""The failure classes of verbatim-but-wrong answers, each on a small real index.

Every test here failed on the pipeline that only verified quotes: a quote that occurs
in its passage proves nothing about the claim written beside it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

import trendqa.answer.answerer as answerer_module
import trendqa.answer.claims as claims_module
from conftest import trends_text
from scripted import YES, answer_requests, model, reply, shown
from trendqa.answer import REFUSAL, Answer, Answerer, AskOptions, analyze, prompts
from trendqa.answer.claims import (
    ClaimChecker,
    ClaimResult,
    figures_in_full,
    split_claims,
    stated_in_full,
    states_measure,
)
from trendqa.answer.context import (
    OutlineEntry,
    Shelf,
    _runs,
    body_after,
    bulleted_run,
    contents_spans,
    enumerated,
    enumeration,
    number_passages,
    numbered_run,
)
from trendqa.answer.question import (
    QuestionAnalysis,
    ReportNames,
    asks_definition,
    defined_terms,
    expected_count,
    lost_question_word,
    owners,
    question_type,
)
from trendqa.answer.types import Passage, Sentence
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.loaders import load_file
from trendqa.records import Chunk, DocumentMeta, Hit, Location
from trendqa.retrieval import SearchOptions
from trendqa.testing import FakeEmbedderLoader, FakeGenerator
from trendqa.textnorm import detect_language, fold, without_leaders

TRENDS = """# 2023年五大科技趋势

**趋势一：多模态预训练大模型**

多模态预训练大模型将实现图像、文本、音频的统一知识表示，成为人工智能基础设施。

**趋势二：Chiplet**

Chiplet 的互联标准将逐渐统一，重构芯片研发流程。

**趋势三：存算一体**

存算一体旨在计算单元与存储单元融合，在实现数据存储的同时直接进行计算。

**趋势四：云原生安全**

云原生安全从面向资产的安全走向面向应用的安全。

**趋势五：计算光学成像**

计算光学成像通过多维度获取光场信息，为传感器设计远超人眼的感知新范式。
"""

OUTLOOK = """# 看未来：人工智能展望

## 1. 智能体进入更多应用场景

智能体作为任务助理进入更多应用场景和业务流程，企业开始按任务付费。

## 2. 操作系统集成大模型

操作系统集成下一代大模型，成为新一代的交互入口。

## 3. 人形机器人开始量产

人形机器人开始量产，特斯拉希望把人形机器人的成本降到2万美元。
"""

CITIES = """# 城市人工智能发展

## 企业数量

截至2023年底，北京市人工智能企业数量为2,200家，上海市人工智能企业数量为1,100家。

两市企业数量合计占全国的三成以上。

## 应用

杭州的企业也在布局智能体应用。
"""

PATHS_BODY = (
    "第一条路径是建设开放的算力网络，让中小企业按需调用算力，降低训练成本，"
    "并通过统一调度把东部的需求引向西部的数据中心，形成全国一体化的算力市场。"
) * 3  # each path is a chunk of its own: four chunks, more than the three best passages
PATHS = (
    "# 产业路径研究\n\n## 发展路径\n\n"
    + "\n\n".join(
        [
            PATHS_BODY,
            PATHS_BODY.replace("第一条路径是建设开放的算力网络", "第二条路径是培育高质量数据集"),
            PATHS_BODY.replace("第一条路径是建设开放的算力网络", "第三条路径是完善安全治理体系"),
            PATHS_BODY.replace("第一条路径是建设开放的算力网络", "第四条路径是推动行业应用落地"),
        ]
    )
    + "\n"
)

MANIFEST = """
[[document]]
file = "trends.md"
title = "2023年五大科技趋势"
publisher = "甲研究院 (Jia Academy)"

[[document]]
file = "outlook.md"
title = "看未来：人工智能展望"
publisher = "乙研究 (Yi Research)"

[[document]]
file = "cities.md"
title = "城市人工智能白皮书"
publisher = "丙协会 (Bing Association)"

[[document]]
file = "paths.md"
title = "产业路径研究"
publisher = "丁智库 (Ding Think Tank)"
"""


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    root.mkdir()
    for name, text in [
        ("trends.md", TRENDS),
        ("outlook.md", OUTLOOK),
        ("cities.md", CITIES),
        ("paths.md", PATHS),
    ]:
        (root / name).write_text(text, encoding="utf-8")
    (root / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return root


# What a cross-lingual embedder knows: English words near their Chinese forms.
GLOSSARY = {
    "hangzhou": "杭州",
    "shanghai": "上海",
    "beijing": "北京",
    "companies": "企业",
    "ai": "人工智能",
    "end": "截至年底",
    "tesla": "特斯拉",
    "humanoid": "人形机器人",
    "hopes": "希望",
    "cost": "成本",
}


@pytest.fixture
def ask(shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    ingest_paths(settings, [shelf], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=GLOSSARY))[0]

    def asker(gen: FakeGenerator, question: str, **opts: object) -> Answer:
        return Answerer(searcher, gen).ask(question, AskOptions(**opts))  # type: ignore[arg-type]

    return asker


def assert_checkable(answer: Answer, root: Path) -> None:
    for c in answer.citations:
        source = load_file(root / c.doc, c.doc).text
        assert c.verified and source[c.start : c.end] == c.quote


def prompt_sentences(gen: FakeGenerator) -> list[str]:
    return [text for messages, _o in answer_requests(gen) for text in shown(messages).values()]


# ------------------------------------------------------------------ 1. verbatim, unchecked


def test_a_verbatim_quote_does_not_carry_claims_it_does_not_state(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # The other report's chapter titles as the answer, citing one real sentence of trend 1.
    gen = model(
        "- 智能体进入更多应用场景\n- 操作系统集成大模型\n- 人形机器人开始量产",
        "统一知识表示",
    )
    answer = ask(gen, "甲研究院的报告提出了哪五大科技趋势？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("content:")
    assert answer.claims and not any(c.supported for c in answer.claims)


def test_only_the_supported_items_of_a_list_are_shown(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    gen = model("- 多模态预训练大模型\n- 人形机器人开始量产", "统一知识表示", "趋势一")
    answer = ask(gen, "甲研究院的报告提出了哪五大科技趋势？")
    assert answer.answerable, answer.reason
    assert "多模态预训练大模型" in answer.text
    assert "人形机器人" not in answer.text
    # Asked for five, the partial list is answered with the report's five numbered trends.
    assert len(answer.text.splitlines()) == 5, answer.text
    assert all(c.supported for c in answer.claims)
    assert_checkable(answer, shelf)
    # The count of a named report's title, asked of one trend's text, is not the list asked.
    inside = "存算一体旨在计算单元与存储单元融合。"
    titled = ask(model(inside, "存算一体旨在"), "《2023年五大科技趋势》有哪些关于存算一体的说法？")
    assert titled.answerable and titled.text.startswith(inside.rstrip("。")), titled.text


# ------------------------------------------------------------------ 2. a neighbour's figure


def test_a_neighbouring_citys_figure_is_refused(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model("杭州市人工智能企业数量为2,200家。", "北京市人工智能企业数量")
    answer = ask(gen, "截至2023年底，杭州市有多少家人工智能企业？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:") and "杭州" in answer.reason


LOCAL = """# 人工智能产业年度报告

## 全国概况

2023年，全国人工智能企业数量为4,000家，融资金额为700亿元。{filler}

## 本市概况

2023年，杭州市人工智能企业数量为900家。
""".format(filler="各地产业政策持续加码，算力基础设施加快建设，行业应用不断深化。" * 8)
LOCAL_MANIFEST = """
[[document]]
file = "local.md"
title = "人工智能产业年度报告"
publisher = "杭州市人工智能协会"
"""


@pytest.mark.parametrize(
    ("cited", "answered"),
    [("全国人工智能企业数量", False), ("杭州市人工智能企业数量", True)],
)
def test_a_place_in_the_publishers_name_is_not_every_figures_subject(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, cited: str, answered: bool
) -> None:
    # A Hangzhou association's report gives the national count too: asked for Hangzhou's,
    # the national figure is another subject's, though the report's name says 杭州.
    root = tmp_path / "local"
    root.mkdir()
    (root / "local.md").write_text(LOCAL, encoding="utf-8")
    for name, text in [("trends.md", TRENDS), ("outlook.md", OUTLOOK), ("paths.md", PATHS)]:
        (root / name).write_text(text, encoding="utf-8")  # a shelf, so that 杭州 is rare
    (root / "manifest.toml").write_text(LOCAL_MANIFEST, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    figure = "4,000" if not answered else "900"
    gen = model(f"2023年杭州市人工智能企业数量为{figure}家。", cited)
    answer = Answerer(searcher, gen).ask("2023年杭州市有多少家人工智能企业？", AskOptions(k=6))
    if answered:
        assert answer.answerable, answer.reason
        return
    # The national figure given for Hangzhou is dropped; the report's own sentence on
    # Hangzhou, among the shown passages, answers in its place.
    dropped = answer.claims[0]
    assert (
        not dropped.supported and dropped.reason.startswith("subject:") and "杭州" in dropped.reason
    )
    assert answer.answerable and answer.reason.startswith("quoted:"), answer.reason
    assert "900家" in answer.text and "4,000" not in answer.text


RANGES = """# 低空经济趋势

## 高性能电池提升eVTOL续航

当前电池性能尚不足支持eVTOL长距离飞行。使用能量密度300Wh/kg左右的电芯，估算不同构型eVTOL单次充电的最大航程：多旋翼构型为30-40km，倾转旋翼构型为250km。{filler}
""".format(filler="航空级电池需要满足安全、高能量和可量产等条件，电池研发仍有很长的路要走。" * 6)


def test_a_figure_in_another_unit_than_its_sentence_gives_it_is_not_stated(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The cells' 300Wh/kg given as a multirotor's range in km: the figure is the
    # sentence's, the thing it measures is not.
    root = tmp_path / "ranges"
    root.mkdir()
    (root / "ranges.md").write_text(RANGES, encoding="utf-8")
    for name, text in [("trends.md", TRENDS), ("outlook.md", OUTLOOK), ("paths.md", PATHS)]:
        (root / name).write_text(text, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model(
        "倾转旋翼构型的最大航程为250km。多旋翼构型的最大航程为300km。", "多旋翼构型为30-40km"
    )
    question = (
        "使用能量密度300Wh/kg左右的电芯，估算多旋翼构型和倾转旋翼构型eVTOL单次充电的最大航程"
        "各是多少？"
    )
    answer = Answerer(searcher, gen).ask(question, AskOptions(k=6))
    wrong = [c for c in answer.claims if "300km" in c.text]
    assert wrong and not wrong[0].supported and wrong[0].reason.startswith("figure:"), wrong
    assert "300km" not in answer.text and "250km" in answer.text, answer.text


def test_the_citys_own_figure_is_answered(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    gen = model("上海市人工智能企业数量为1,100家。", "北京市人工智能企业数量")
    answer = ask(gen, "截至2023年底，上海市有多少家人工智能企业？")
    assert answer.answerable, answer.reason
    assert answer.claims[0].supported
    assert_checkable(answer, shelf)


def test_only_the_stated_clause_of_a_claim_is_shown(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # One sentence joins the figure its sentence states and a fact no sentence states: the
    # stated clause is shown with its citation, the other is not shown at all.
    gen = model(
        "上海市人工智能企业数量为1,100家，这些企业主要研发自动驾驶芯片。", "北京市人工智能企业数量"
    )
    answer = ask(gen, "截至2023年底，上海市有多少家人工智能企业？")
    assert answer.answerable, answer.reason
    assert "1,100" in answer.text and "芯片" not in answer.text
    kept = [c for c in answer.claims if c.supported]
    dropped = [c for c in answer.claims if not c.supported]
    assert [c.text for c in kept] == ["上海市人工智能企业数量为1,100家"]
    assert dropped and "芯片" in dropped[0].text
    assert_checkable(answer, shelf)


# ------------------------------------------------------------------ 3. research questions


def test_a_list_question_gets_the_documents_outline(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    titles = ["多模态预训练大模型", "Chiplet", "存算一体", "云原生安全", "计算光学成像"]
    gen = model("\n".join(f"- {t}" for t in titles), *(f"趋势{n}" for n in "一二三四五"))
    answer = ask(gen, "甲研究院的报告提出了哪五大科技趋势？")
    shown_text = " ".join(prompt_sentences(gen))
    assert all(t in shown_text for t in titles)  # every heading of the outline is shown
    assert answer.answerable, answer.reason
    assert all(t in answer.text for t in titles)
    assert len({c.quote for c in answer.citations}) == 5
    assert_checkable(answer, shelf)


def test_an_outline_run_counts_up_through_sub_headings_and_either_width_of_colon() -> None:
    # Each chapter of a report lists 趋势要点1-3, with sub-headings between them and a
    # full-width colon on one: each chapter is one run of three.
    headings = [
        "趋势要点1: 卫星研制“工业化”", "基于工业级器件降低成本", "趋势要点2：通信标准“一体化”",
        "说明", "趋势要点3: 卫星通信“大众化”", "趋势要点1: 矢量推进", "趋势要点2: 电推进",
        "趋势要点3: 低空基础设施", "趋势十一：其他", "趋势十二：其他", "趋势十三：其他",
    ]  # fmt: skip
    entries = [OutlineEntry("r.txt", "R", i * 10, i, h, h) for i, h in enumerate(headings)]
    runs = [[e.text for e in run] for run in _runs(entries)]
    assert runs == [
        [
            "趋势要点1: 卫星研制“工业化”",
            "趋势要点2：通信标准“一体化”",
            "趋势要点3: 卫星通信“大众化”",
        ],
        ["趋势要点1: 矢量推进", "趋势要点2: 电推进", "趋势要点3: 低空基础设施"],
        ["趋势十一：其他", "趋势十二：其他", "趋势十三：其他"],
    ]


CHAPTERS = """低空经济开辟出行新空间

趋势要点1: 矢量推进

趋势要点2: 电推进

趋势要点3: 低空基础设施

星地直连通信推动泛在网络覆盖

趋势要点1: 卫星研制“工业化”

趋势要点2：通信标准“一体化”

趋势要点3: 卫星通信“大众化”

数字交互引擎的关键点和方向:

- 1、实现高性能渲染
- 2、工具链不断成熟
- 3、数字交互引擎与AI加速融合互驱
"""


def _shelf_of(text: str) -> Shelf:
    """One document's text as a chunk per paragraph, located in it."""
    chunks = []
    for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        where = Location("r.txt", "R", m.start(), m.end(), 1, 1)
        chunks.append(Chunk(f"c{m.start()}", m.group(), where))
    return Shelf(chunks)


def test_the_outline_is_the_run_the_questions_words_introduce() -> None:
    # Every chapter lists 趋势要点1-3; the top hit sits in the first chapter, the question
    # names the second by its words.
    shelf = _shelf_of(CHAPTERS)
    terms = {"星地直连": 3.0, "通信": 1.5, "泛在": 2.5, "网络覆盖": 2.0}
    run = shelf.outline("r.txt", 3, near=0, terms=terms)
    assert [h.chunk.text for h in run] == [
        "趋势要点1: 卫星研制“工业化”",
        "趋势要点2：通信标准“一体化”",
        "趋势要点3: 卫星通信“大众化”",
    ]
    # Without the question's words, the run nearest the hit.
    assert shelf.outline("r.txt", 3, near=0)[0].chunk.text == "趋势要点1: 矢量推进"


def test_a_runs_chapter_runs_from_the_previous_run_of_its_series_to_its_last_point() -> None:
    # A counted list is answered with a run only when the model answered from the run's
    # chapter: its introduction after the previous chapter's points, and its own points.
    shelf = _shelf_of(CHAPTERS)
    second = CHAPTERS.index("趋势要点1: 卫星")
    start, end = shelf.chapter("r.txt", second)  # type: ignore[misc]
    assert CHAPTERS[start:end].lstrip().startswith("星地直连通信推动泛在网络覆盖")
    assert CHAPTERS[start:end].endswith("趋势要点3: 卫星通信“大众化”")
    assert shelf.chapter("r.txt", 0) is None  # no run starts at the document's start
    first = CHAPTERS.index("趋势要点1: 矢量")
    assert shelf.chapter("r.txt", first) == (0, CHAPTERS.index("\n\n星地直连"))


def test_a_table_of_contents_is_no_outline() -> None:
    # The contents list chapters with their page numbers; the chapter's own points are
    # the outline a list question needs.
    text = (
        "目录\n\n一、\t全球人工智能发展概况\t3\n二、\t承诺要点\t12\n三、\t中国人工智能发展概况\t19\n\n"
        "## 承诺要点\n\n承诺分为三个要点：\n\n"
        "1. 确保产品安全\n2. 构建安全优先的系统\n3. 赢得公众信任\n"
    )
    shelf = _shelf_of(text)
    run = shelf.outline("r.txt", 3, terms={"承诺": 2.0, "要点": 1.0})
    assert [h.chunk.text for h in run] == [
        "1. 确保产品安全",
        "2. 构建安全优先的系统",
        "3. 赢得公众信任",
    ]
    only_contents = _shelf_of(text.split("## ")[0])
    assert only_contents.outline("r.txt", 3, terms={"承诺": 2.0}) == []


def test_a_table_of_contents_is_never_evidence_but_a_table_of_figures_is() -> None:
    # The report's cover and contents, as the corpus file has them: asked for its "十大
    # 展望", a model shown the contents line "生成式 AI 十大展望\t8" cites it; the line
    # names a chapter and its page and states nothing the chapter says.
    source = Path(__file__).parents[1] / "corpus" / "weijin_kandao2024_ai_trends.txt"
    cover = source.read_text(encoding="utf-8").split("\u25a0")[0]
    chunk = Chunk("c0", cover, Location("w.txt", "W", 0, len(cover), 1, 1))
    shown = [s.text for s in number_passages([Hit(chunk, 1, 1.0)])[0].sentences]
    assert "目录" in shown  # (a heading-like line, no entry)
    assert not [s for s in shown if "十大展望" in s or "结语" in s]
    assert any("ChatGPT" in s for s in shown)
    # Rows of figures under labels are what a table states, even when they grow.
    table = "融资情况\n2021年\t163\n2022年\t172\n2023年\t190\n企业数量\t1000\n"
    assert contents_spans(table) == []
    rows = number_passages(
        [Hit(Chunk("t", table, Location("t", "T", 0, len(table), 1, 1)), 1, 1.0)]
    )
    assert [s.text for s in rows[0].sentences][1:] == [
        "2021年\t163",
        "2022年\t172",
        "2023年\t190",
        "企业数量\t1000",
    ]
    # Five or more entries whose pages only grow are contents without a "目录" line.
    bare = "".join(f"第{n}章 趋势综述\t{3 * n}\n" for n in range(1, 6))
    assert len(contents_spans(bare)) == 5
    assert contents_spans("".join(bare.splitlines(keepends=True)[:4])) == []


def test_bulleted_numbered_points_are_an_outline_located_in_their_source() -> None:
    shelf = _shelf_of(CHAPTERS)
    run = shelf.outline("r.txt", 3, terms={"数字交互引擎": 3.0, "关键点": 2.0})
    assert [h.chunk.text for h in run] == [
        "1、实现高性能渲染",
        "2、工具链不断成熟",
        "3、数字交互引擎与AI加速融合互驱",
    ]
    for hit in run:  # the bullet is not part of the point, and the offsets say so
        loc = hit.chunk.location
        assert CHAPTERS[loc.start : loc.end] == hit.chunk.text


POINTS = """# 展望报告

2024 年，应用开始在一些领域大规模展开，主要表现在如下四个领域：

1. 智能体作为任务助理进入更多应用场景和业务流程

智能体能帮助完成任务，而不仅仅是问答。

2. 下一代闭源大模型推出，开始出现胜任人类水平的 AGI “火花”，但规模边际效应递减

下一代模型将是多模态的。

3. 数据来源的深度和广度进一步开拓，更多合成数据与自然数据结合用于大模型训练

合成数据的比例会上升。

4. 小模型结合软硬件应用，新物种涌现

小模型可以装进笔记本电脑和手机。
"""


POINT_STARTS = (
    "智能体作为任务助理",
    "下一代闭源大模型推出",
    "数据来源的深度和广度",
    "小模型结合软硬件",
)


@pytest.fixture
def points(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "points"
    root.mkdir()
    (root / "points.md").write_text(POINTS, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_an_outline_keeps_numbered_points_longer_than_a_section_heading(points) -> None:  # type: ignore[no-untyped-def]
    # Two of the four points run past 40 characters: still points of the outline.
    gen = FakeGenerator([reply("", []), json.dumps({"verdict": "no"})])
    points(gen, "展望报告提出的四个领域分别是什么？")
    shown_text = " ".join(prompt_sentences(gen))
    assert all(point in shown_text for point in POINT_STARTS)


def test_a_list_answered_with_the_sentence_announcing_it_gets_the_list(points) -> None:  # type: ignore[no-untyped-def]
    # "…主要表现在如下四个领域：" is stated, and answers nothing: the four points after it do.
    intro = "2024 年，应用开始在一些领域大规模展开，主要表现在如下四个领域："
    answer = points(model(intro, "如下四个领域"), "展望报告提出的四个领域分别是什么？")
    assert answer.answerable, answer.reason
    lines = answer.text.splitlines()
    assert len(lines) == 4, answer.text
    assert all(line.startswith(f"- {p}") for line, p in zip(lines, POINT_STARTS, strict=True))
    assert "如下四个领域" not in answer.text and len(answer.citations) == 4


def test_an_outlines_points_are_shown_under_the_section_they_lie_in() -> None:
    # The points' own section is the chapter they number ("生成式 AI 十大展望" over its
    # points 1–10): a question naming the chapter finds it with them.
    text = POINTS.split("\n", 2)[2]
    chunks = [replace(c, heading="十大展望") for c in _shelf_of(text).chunks]
    run = Shelf(chunks).outline("r.txt", 4, terms={"领域": 2.0})
    assert [h.chunk.heading for h in run] == ["十大展望"] * 4


def test_a_counted_list_answered_with_fewer_points_gets_the_numbered_run(points) -> None:  # type: ignore[no-untyped-def]
    # Asked for the four fields, the model gives two: the report numbers exactly four
    # points under the question's words, and those are the answer, each a checked claim
    # citing its own heading.
    two = "智能体作为任务助理进入更多应用场景和业务流程；小模型结合软硬件应用，新物种涌现。"
    question = "展望报告提出的四个领域分别是什么？"
    answer = points(model(two, "智能体作为任务助理", "小模型结合软硬件"), question)
    assert answer.answerable, answer.reason
    lines = answer.text.splitlines()
    assert len(lines) == 4, answer.text
    assert all(line.startswith(f"- {p}") for line, p in zip(lines, POINT_STARTS, strict=True))
    assert len({c.start for c in answer.citations}) == 4
    # A refusal stays one: the run is the answer's shape, not evidence that it exists.
    assert not points(model(""), question).answerable
    # Without a count, the question does not say the run is what it asks for.
    one = "合成数据的比例会上升。"
    loose = points(model(one, "合成数据的比例"), "展望报告提出了哪些领域？")
    assert loose.answerable and len(loose.text.splitlines()) == 1, loose.text


def test_a_list_question_gets_the_whole_section(ask) -> None:  # type: ignore[no-untyped-def]
    gen = FakeGenerator([reply("", []), json.dumps({"verdict": "no"})])
    ask(gen, "丁智库提出了哪些降低训练成本、形成全国一体化算力市场的发展路径？")
    shown_text = " ".join(prompt_sentences(gen))
    for item in ("算力网络", "高质量数据集", "安全治理体系", "行业应用落地"):
        assert item in shown_text  # four chunks' worth of section, not the top three


def test_a_comparison_is_answered_per_report_with_its_own_citations(  # type: ignore[no-untyped-def]
    ask, shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "confirm":
            return json.dumps({"verdict": "yes"})
        sentences = shown(messages)
        for n, text in sentences.items():
            if "成本降到" in text:
                return reply("特斯拉希望把人形机器人的成本降到2万美元。", [n])
            if "存算一体旨在" in text:
                return reply("存算一体旨在计算单元与存储单元融合。", [n])
        return reply("", [])

    gen = FakeGenerator(script)
    answer = ask(gen, "甲研究院的报告如何描述存算一体？乙研究如何看待人形机器人的成本？")
    requests = answer_requests(gen)
    assert len(requests) == 2  # one retrieval and one answer per report
    assert answer.answerable, answer.reason
    assert "《2023年五大科技趋势》" in answer.text and "《看未来：人工智能展望》" in answer.text
    assert {c.doc for c in answer.citations} == {"trends.md", "outlook.md"}
    parts = {p.part for p in answer.passages}
    assert parts == {"2023年五大科技趋势", "看未来：人工智能展望"}
    # Each report's part reads that report alone, from a few more passages than a fact
    # asked of the whole shelf (what a report says often ranks below its other passages).
    from trendqa.answer.answerer import PART_K

    assert AskOptions().k < PART_K
    index = open_searcher(settings, loader=fake_loader)[0].index
    chunks = Counter(c.doc for c in index.chunks)
    for doc, part in (("trends.md", "2023年五大科技趋势"), ("outlook.md", "看未来：人工智能展望")):
        read = sum(p.part == part for p in answer.passages)
        assert read == min(PART_K, chunks[doc]), (part, read, chunks[doc])
    assert chunks["trends.md"] > AskOptions().k  # (so the first part reads more than k)
    assert_checkable(answer, shelf)


def test_a_sub_question_naming_no_report_asks_the_whole_shelf(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # Only the second sub-question is held to 乙研究's report; the first names its own
    # subject (Chiplet) and no report, and 乙研究 never writes of it.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "yes"})
        for n, text in shown(messages).items():
            if "成本降到" in text:
                return reply("特斯拉希望把人形机器人的成本降到2万美元。", [n])
            if "互联标准" in text:
                return reply("Chiplet 的互联标准将逐渐统一。", [n])
        return reply("", [])

    answer = ask(FakeGenerator(script), "Chiplet的互联标准会怎样？乙研究如何看待人形机器人的成本？")
    assert answer.answerable, answer.reason
    assert "互联标准" in answer.text and "2万美元" in answer.text
    assert {c.doc for c in answer.citations} == {"trends.md", "outlook.md"}
    assert "未找到" not in answer.text
    # A sub-question with no subject of its own goes on asking the named report.
    reports = ReportNames(REPORTS)
    assert analyze("腾讯报告如何看待人形机器人？主要原因有哪些？", reports).parts == ()
    assert analyze("GPT-4是哪天发布的？腾讯报告认为它比GPT-3.5进步了多少？", reports).parts == (
        (),
        ("tencent.txt",),
    )


def test_a_refused_parts_claims_are_not_reported_as_shown(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # 甲研究院's part passes the claim checks, but the confirmation says its quote does not
    # answer; the part says nothing found, and --json must not list its claim as shown.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            said = " ".join(m.content for m in messages)
            return json.dumps({"verdict": "no" if "存算一体" in said else "yes"})
        for n, text in shown(messages).items():
            if "成本降到" in text:
                return reply("特斯拉希望把人形机器人的成本降到2万美元。", [n])
            if "存算一体旨在" in text:
                return reply("存算一体旨在计算单元与存储单元融合。", [n])
        return reply("", [])

    answer = ask(
        FakeGenerator(script), "甲研究院的报告说存算一体旨在什么？乙研究如何看待人形机器人的成本？"
    )
    assert answer.answerable and "未找到相关内容" in answer.text and "2万美元" in answer.text
    refused = [c for c in answer.claims if "存算一体" in c.text]
    assert refused and not refused[0].supported, answer.claims
    assert refused[0].reason.startswith("confirm:"), refused[0].reason
    assert all(c.supported for c in answer.claims if "2万美元" in c.text)


def test_a_refused_part_is_asked_again_over_the_passages_its_reply_did_not_cite(  # type: ignore[no-untyped-def]
    shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # For 乙研究's part the model first answers from the passage on what the robots' cost
    # is made of, which the confirmation rejects; the report's other passages were never
    # judged. Asked once more without the rejected passage, it answers from the one that
    # states what 乙研究 expects of the cost. A part is "not found" only after that.
    decoy = "人形机器人的成本主要来自执行器和传感器。"
    outlook = OUTLOOK + "\n## 4. 人形机器人的成本构成\n\n" + decoy + "\n"
    (shelf / "outlook.md").write_text(outlook, encoding="utf-8")
    ingest_paths(settings, [shelf], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=GLOSSARY))[0]

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        said = " ".join(m.content for m in messages)
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "no" if "执行器" in said else "yes"})
        sentences = shown(messages).items()
        for needle in ("存算一体旨在", "执行器", "成本降到"):
            for n, text in sentences:
                if needle in text:
                    return reply(text, [n])
        return reply("", [])

    gen = FakeGenerator(script)
    question = "甲研究院的报告如何描述存算一体？乙研究认为人形机器人的成本会有什么变化？"
    answer = Answerer(searcher, gen).ask(question)
    assert answer.answerable, answer.reason
    assert "2万美元" in answer.text and "未找到相关内容" not in answer.text, answer.text
    assert "执行器" not in answer.text
    assert {c.doc for c in answer.citations} == {"trends.md", "outlook.md"}
    rejected = [c for c in answer.claims if "执行器" in c.text]
    assert rejected and not rejected[0].supported, [(c.text, c.reason) for c in answer.claims]
    assert rejected[0].reason.startswith("confirm:"), rejected
    assert len(answer_requests(gen)) == 3  # 甲's part, 乙's, 乙's again
    # The part's passages keep their numbers: every citation names a passage it read.
    numbers = [p.n for p in answer.passages]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {c.n for c in answer.citations} <= set(numbers)
    assert_checkable(answer, shelf)
    # A whole question's refusal is its answer: it is not asked again.
    alone = Answerer(searcher, FakeGenerator(script)).ask("乙研究如何看待人形机器人的成本？")
    assert not alone.answerable and alone.reason.startswith("confirm:"), alone.reason


def test_a_parts_report_sentence_is_quoted_when_the_model_finds_none(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # For 乙研究's part the model finds no sentence, though the report's sentence stating
    # what the part asks was shown to it: that sentence, passing every claim check on its
    # own, is quoted for the part.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "yes"})
        for n, text in shown(messages).items():
            if "存算一体旨在" in text:
                return reply("存算一体旨在计算单元与存储单元融合。", [n])
        return reply("", [])

    answer = ask(
        FakeGenerator(script), "甲研究院的报告如何描述存算一体？乙研究如何看待人形机器人的成本？"
    )
    assert answer.answerable, answer.reason
    assert "2万美元" in answer.text and "未找到相关内容" not in answer.text
    assert {c.doc for c in answer.citations} == {"trends.md", "outlook.md"}
    assert_checkable(answer, shelf)
    # A part whose report states nothing of what it asks stays unstated: no sentence of
    # 乙研究's holds 计算光学成像.
    unstated = ask(
        FakeGenerator(script), "甲研究院的报告如何描述存算一体？乙研究如何描述计算光学成像？"
    )
    assert unstated.answerable and "存算一体旨在" in unstated.text, unstated.reason
    assert "乙研究《看未来：人工智能展望》：未找到相关内容" in unstated.text, unstated.text
    # The part's report named at length says where to look, not what its sentence must
    # say: the sentence holds what the part asks, not the report's title.
    titled = ask(
        FakeGenerator(script),
        "甲研究院的报告如何描述存算一体？乙研究的看未来人工智能展望报告如何看待人形机器人的成本？",
    )
    assert titled.answerable and "2万美元" in titled.text, (titled.text, titled.reason)


MODELS_A = """# 甲观察：大模型年度回顾

## 多模态大模型

多模态大模型百花齐放，包括GPT4V、Gemini、混元等。\
多模态具有更突出的优势。\
它带来了更灵活和友好的用户交互。\
它也是一个更完善的任务求解器。\
混元生成了图片《醉后不知天在水》。

## 端侧模型

Pixel 8 Pro 首次更新了 AI Core 应用，Gemini 发布了端侧 Nano 版本。
"""

MODELS_B = """# 乙白皮书：人工智能大事记

## 大事记

2023年12月6日，Google 宣布推出多模态模型 Gemini，将推出 Ultra、Pro 和 Nano 三个版本。
"""

MODELS_MANIFEST = """
[[document]]
file = "a.md"
title = "甲观察：大模型年度回顾"
publisher = "甲观察 (Jia Watch)"

[[document]]
file = "b.md"
title = "乙白皮书：人工智能大事记"
publisher = "乙协会 (Yi Association)"
"""


def test_a_parts_claim_about_something_else_in_the_names_section_is_dropped(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Asked which versions of Gemini each report mentions, the model answers 甲's part
    # with the caption of a Hunyuan picture: its section lists Gemini in passing, four
    # sentences before. A part's claim is held to the name near its own sentence.
    root = tmp_path / "models"
    root.mkdir()
    (root / "a.md").write_text(MODELS_A, encoding="utf-8")
    (root / "b.md").write_text(MODELS_B, encoding="utf-8")
    # The other reports of the shelf, none writing of Gemini: a name is checked where it
    # singles something out.
    for name, text in [("trends.md", TRENDS), ("outlook.md", OUTLOOK), ("cities.md", CITIES)]:
        (root / name).write_text(text, encoding="utf-8")
    (root / "manifest.toml").write_text(MANIFEST + MODELS_MANIFEST, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "yes"})
        for n, text in shown(messages).items():
            if "醉后不知天在水" in text:
                return reply("混元生成了图片《醉后不知天在水》。", [n])
            if "三个版本" in text:
                return reply("Gemini 将推出 Ultra、Pro 和 Nano 三个版本。", [n])
        return reply("", [])

    question = "甲观察和乙协会的报告分别提到了多模态模型Gemini推出的哪些版本？"
    answer = Answerer(searcher, FakeGenerator(script)).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "醉后不知天在水" not in answer.text, answer.text
    caption = [c for c in answer.claims if "醉后不知天在水" in c.text]
    assert caption and not caption[0].supported, answer.claims
    assert caption[0].reason.startswith("subject:"), caption[0].reason
    assert "Ultra、Pro 和 Nano" in answer.text, answer.text
    assert_checkable(answer, root)


def test_a_claim_attributed_to_the_other_report_is_dropped(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # Answering for 甲研究院's part, the model credits its sentence to 乙研究.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "yes"})
        for n, text in shown(messages).items():
            if "成本降到" in text:
                return reply("特斯拉希望把人形机器人的成本降到2万美元。", [n])
            if "存算一体旨在" in text:
                return reply("乙研究认为存算一体旨在计算单元与存储单元融合。", [n])
        return reply("", [])

    answer = ask(
        FakeGenerator(script), "甲研究院的报告如何描述存算一体？乙研究如何看待人形机器人的成本？"
    )
    wrong = [c for c in answer.claims if "乙研究认为" in c.text]
    assert wrong and not wrong[0].supported
    assert wrong[0].reason.startswith("report:") and "看未来" in wrong[0].reason
    assert answer.answerable and "2万美元" in answer.text and "乙研究认为" not in answer.text
    # The part is answered from its own report's sentence, quoted as it stands.
    assert "「存算一体旨在计算单元与存储单元融合" in answer.text, answer.text
    assert_checkable(answer, shelf)
    assert_checkable(answer, shelf)


def test_a_claim_copied_from_a_heading_is_not_stated_by_the_sentence_under_it() -> None:
    # The section's heading is shown as the passage's label; a model that answers "what
    # does value alignment mean" with the heading cites a sentence that does not say it.
    heading = "趋势要点5.1: 价值对齐是大模型的必由之路, 将成AI产品的核心竞争力"
    text = (
        "随着大模型成为人机交互的新界面, 价值对齐日益成为关键问题, "
        "即让大模型的行为跟人类的价值相一致。"
    )
    chunk = Chunk("c5", text, Location("t.md", "t", 0, len(text), 1, 1), heading=heading)
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(passages[0], passages[0].sentences[0])]
    asked = analyze("报告所说的大模型“价值对齐”是什么意思？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"价值": 3.0, "对齐": 4.0, "必由之路": 6.0}, 6.0, {})
    copied, stated = checker.check_all(
        [
            "价值对齐是大模型的必由之路, 将成AI产品的核心竞争力。",
            "价值对齐即让大模型的行为跟人类的价值相一致。",
        ],
        chosen,
        passages,
    )
    assert not copied.supported and copied.check == "content"
    assert stated.supported, stated.detail


def test_a_line_crediting_who_made_the_report_answers_only_who_made_it() -> None:
    # Asked which companies the US added to its Entity List (a near-miss: the report names
    # none), the model listed the white paper's authors from its colophon line.
    text = "深圳市人工智能行业协会、深圳市易行网数字科技有限公司/组织编写"
    chunk = Chunk("c7", text, Location("w.txt", "w", 0, len(text), 1, 1), heading="白皮书")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(passages[0], passages[0].sentences[0])]
    idf = {"深圳市": 2.0, "易行网": 6.0, "数字科技": 4.0, "有限公司": 2.0}
    claim = "深圳市人工智能行业协会、深圳市易行网数字科技有限公司"
    listed = analyze("美国将哪两家中国公司列入了实体名单？", ReportNames(REPORTS))
    (result,) = ClaimChecker(listed, idf, 6.0, {}).check_all([claim], chosen, passages)
    assert not result.supported and result.check == "content", result.detail
    made = analyze("这份白皮书是由哪些单位编写的？", ReportNames(REPORTS))
    (result,) = ClaimChecker(made, idf, 6.0, {}).check_all([claim], chosen, passages)
    assert result.supported, result.detail


def test_a_figure_given_for_more_things_than_its_sentence_gives_it_is_not_stated() -> None:
    # The sentence gives Huawei's 240亿美元 once; the model gave it to four other companies
    # too ("分别为240亿美元、240亿美元…"). The figure is in the sentence; what it is said of is not.
    text = "它们每年研发支出在250亿美元以上。华为2022年的研发投入达到了240亿美元。"
    chunk = Chunk("c9", text, Location("t.md", "t", 0, len(text), 1, 1), heading="科技巨头")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(passages[0], s) for s in passages[0].sentences]
    asked = analyze("华为2022年的研发投入和科技巨头的年研发支出相比如何？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"研发": 3.0, "投入": 3.0, "支出": 3.0}, 6.0, {})
    stated, spread = checker.check_all(
        [
            "华为2022年的研发投入达到了240亿美元。",
            "科技巨头的年研发支出分别为240亿美元、240亿美元、240亿美元和240亿美元。",
        ],
        chosen,
        passages,
    )
    assert stated.supported, stated.detail
    assert not spread.supported and spread.check == "figure", spread.detail


def test_a_claim_whose_passages_never_write_the_latin_name_asked_is_about_something_else() -> None:
    # A comparison's part for a report that never discusses RLHF is shown that report's
    # nearest passages: a verbatim policy sentence from them answers nothing about RLHF.
    # The name is one the corpus writes (elsewhere), so its absence here is checkable.
    text = "深圳市出台系列专项政策，包括人工智能高质量发展行动方案和中小学人工智能教育工作方案。"
    chunk = Chunk("c9", text, Location("sz.md", "sz", 0, len(text), 1, 1), heading="地方政策")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    asked = analyze("白皮书如何评价RLHF？", ReportNames(REPORTS))
    idf = {"rlhf": 6.0, "深圳市": 3.0, "政策": 2.0, "专项": 3.0}
    checker = ClaimChecker(asked, idf, 4.0, {})
    checker._shown_texts = (fold(text),)
    checker._shown_passages = tuple(passages)
    claim = "深圳市出台系列专项政策，包括人工智能高质量发展行动方案。"
    assert checker._missing_subject(claim, evidence) == "RLHF"
    # A name the corpus never writes cannot be checked this way (it may be a translation).
    unknown = ClaimChecker(asked, {"深圳市": 3.0}, 4.0, {})
    unknown._shown_texts = (fold(text),)
    unknown._shown_passages = tuple(passages)
    assert unknown._missing_subject(claim, evidence) == ""


def test_an_english_name_an_english_shelf_never_writes_is_not_what_its_sentences_state() -> None:
    # Asked about the Airbus A320neo, a shelf holding only the 737 MAX directive answers
    # with the 737 MAX's checklist. In an English question answered from English
    # sentences the name would be written as asked; no word of "A320neo" is in the corpus.
    text = (
        "The FAA proposes to add an AOA DISAGREE checklist as a procedure to the AFM for "
        "all 737 MAX airplanes."
    )
    chunk = Chunk("c1", text, Location("fr.pdf", "FR", 0, len(text), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    idf = {w: 3.0 for w in ("faa", "proposes", "aoa", "disagree", "checklist", "737", "max")}
    claim = "The FAA proposes to add an AOA DISAGREE checklist to the AFM."
    asked = analyze(
        "What did the FAA propose for Airbus A320neo engine inspections?", ReportNames({})
    )
    checker = ClaimChecker(asked, idf, 4.0, {})
    checker._shown_texts = (fold(text),)
    assert checker._missing_subject(claim, evidence) == "Airbus A320neo"
    # A Chinese sentence may write the name in Chinese (空客): not checkable this way.
    zh = "美国联邦航空局（FAA）建议为所有737 MAX飞机增加AOA DISAGREE检查单。"
    zh_chunk = Chunk("c2", zh, Location("zh.txt", "ZH", 0, len(zh), 1, 1))
    zh_passages = number_passages([Hit(zh_chunk, 1, 1.0)])
    cross = ClaimChecker(asked, idf, 4.0, {})
    cross._shown_texts = (fold(zh),)
    assert cross._missing_subject(claim, [(zh_passages[0], zh_passages[0].sentences[0])]) == ""


def test_a_chinese_place_the_corpus_never_writes_is_not_what_its_sentences_state() -> None:
    # Asked (in English, translated) of Jiangsu's list, a shelf holding Guangdong's
    # answers with Guangdong's tonnage. A translated question's phrase may be the model's
    # wording, but a Chinese report writes its places in Chinese: 江苏 is nowhere in it.
    text = "未按规定贮存危险废物，数量不超过0.01吨；"
    chunk = Chunk("c1", text, Location("gd.pdf", "广东省目录", 0, len(text), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    idf = {w: 3.0 for w in ("广东省", "贮存", "危险废物", "数量", "不超过")}
    claim = "江苏省的目录中，未按规定贮存的危险废物不超过0.01吨。"
    asked = replace(
        analyze("江苏省的轻微违法行为目录中，贮存危险废物多少吨以内不予处罚？", ReportNames({})),
        original="Under Jiangsu Province's list, how much stored hazardous waste is exempt?",
    )
    checker = ClaimChecker(asked, idf, 4.0, {})
    checker._shown_texts = (fold(text),)
    assert checker._missing_subject(claim, evidence) == "江苏省"
    # Written somewhere in the corpus, the name is checked as any other (here: its own
    # sentence does not name it, but the report's title does).
    own = analyze("广东省的轻微违法行为目录中，贮存危险废物多少吨以内不予处罚？", ReportNames({}))
    ok = ClaimChecker(own, idf, 4.0, {})
    ok._shown_texts = (fold(text),)
    assert ok._missing_subject("广东省的目录中，危险废物不超过0.01吨。", evidence) == ""


ENGINES = """# 引擎报告

## 引擎综述

数字引擎、交互引擎与数字交互平台的引擎技术发展迅速，引擎的数字能力与交互能力不断提升。

## 引擎构成

数字交互引擎由渲染模块、物理模块和动画模块构成。
"""


def test_a_quoted_term_is_found_where_it_is_written(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The overview repeats the question's words; only the other section writes the term
    # the reader quotes. With one passage to read, it is the one that writes the term.
    root = tmp_path / "engines"
    root.mkdir()
    (root / "engines.md").write_text(ENGINES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    plain = searcher.search("数字交互引擎是什么？", SearchOptions(k=1))
    assert "引擎综述" in (plain[0].chunk.heading or "")  # the words alone find the overview
    gen = model("数字交互引擎由渲染模块、物理模块和动画模块构成。", "由渲染模块")
    answer = Answerer(searcher, gen).ask("“数字交互引擎”是什么？", AskOptions(k=1))
    assert answer.answerable, answer.reason
    assert "渲染模块" in answer.text
    assert all("引擎构成" in (p.hit.chunk.heading or "") for p in answer.passages)


BULLETED = """# 生成式AI报告

## 生成式AI的用途

现阶段生成式AI主要用于以下领域：

- 图像生成领域，以扩散模型为代表的图像生成工具。
- 代码生成领域，以基于Codex的Copilot为代表。
"""


def test_an_item_shown_in_full_keeps_one_list_marker(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model names the items ("- 图像生成领域"); each is shown as its sentence's words,
    # and the sentence's own bullet is the report's layout, not a second marker.
    root = tmp_path / "bulleted"
    root.mkdir()
    (root / "ai.md").write_text(BULLETED, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("- 图像生成领域\n- 代码生成领域", "图像生成领域", "代码生成领域")
    answer = Answerer(searcher, gen).ask("现阶段生成式AI主要用于哪些领域？", AskOptions())
    assert answer.answerable, answer.reason
    assert "扩散模型" in answer.text and "Copilot" in answer.text
    lines = answer.text.splitlines()
    assert lines and all(line.startswith("- ") for line in lines), answer.text
    assert not any(line.startswith("- -") for line in lines), answer.text
    assert not any(c.text.startswith("-") for c in answer.claims), answer.claims
    assert_checkable(answer, root)


def test_a_definition_keeps_to_the_term_it_defines(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # "什么是存算一体？" defines 存算一体: a verbatim sentence from the Chiplet section, which
    # never writes the term, is about something else.
    gen = model(
        "存算一体旨在计算单元与存储单元融合。Chiplet 的互联标准将逐渐统一。",
        "存算一体旨在",
        "Chiplet 的互联标准",
    )
    answer = ask(gen, "什么是存算一体？它与芯片的互联标准有什么关系？")
    assert answer.answerable, answer.reason
    assert "存储单元融合" in answer.text and "Chiplet" not in answer.text, answer.text
    off = [c for c in answer.claims if "Chiplet" in c.text]
    assert off and off[0].reason.startswith("subject:"), answer.claims
    assert_checkable(answer, shelf)


def test_the_defined_term_is_read_from_the_definition_phrase() -> None:
    assert defined_terms("什么是神经形态计算？腾讯报告如何看待它？") == ("神经形态计算",)
    assert defined_terms("白皮书中的向量数据库是什么？它有什么优势？") == ("向量数据库",)
    assert defined_terms("北京2022年冬奥会口号是什么") == ()  # a fact asked with 是什么
    assert defined_terms("腾讯报告里“可持续计算”是怎么定义的？") == ()  # quoted: quoted_terms
    # The term in a clause of its own, its English in brackets after it.
    asked = "白皮书中，天空计算（Sky Computing）指的是什么？"
    assert defined_terms(asked) == ("天空计算",)
    # A phrase pointing back at what the question quoted names no term.
    asked = "未尽研究说生成式人工智能“重新定义了大数据”，这句话具体是什么意思？"
    assert defined_terms(asked) == ()
    assert defined_terms("报告提出了数据飞轮，这个概念指的是什么？") == ()


SKY_APART = """# 白皮书

## 天空计算为云计算开辟新道路

天空计算作为一种新的云计算概念，它解决了云计算异构互联的问题，也给用户和供应商提供新的可能。

## 云间经纪人

天空计算（Sky Computing）是由云间经纪人中介的云计算。用户将任务发送给云间经纪人。
"""


def test_a_definition_with_the_reports_english_after_the_term_is_found_and_leads(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:
    # The white paper introduces sky computing "作为一种新的云计算概念" and defines it in
    # another section, its English in brackets between the term and "是由…". The model
    # answered from the first; the defining sentence is searched for and leads.
    root = tmp_path / "sky"
    root.mkdir()
    (root / "sky.md").write_text(SKY_APART, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("天空计算作为一种新的云计算概念。", "作为一种新的云计算概念")
    answer = Answerer(searcher, gen).ask(
        "白皮书中，天空计算（Sky Computing）指的是什么？", AskOptions(k=1)
    )
    assert answer.answerable, answer.reason
    defining = "天空计算（Sky Computing）是由云间经纪人中介的云计算"
    assert answer.text.startswith(defining), answer.text
    assert_checkable(answer, root)


OPTIMUS = """# 机器人报告

## 人形机器人

特斯拉擎天柱快速迭代，商业化进程持续推进。擎天柱的力控能力、抓取复杂物体的能力、利用FSD技术的视觉感知和处理能力都在升级。
"""


def test_an_enumeration_split_into_items_shows_each_item_once(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model writes the items inline; each is checked alone, and shown in its
    # sentence's words only where those words are not the other items again.
    root = tmp_path / "robots"
    root.mkdir()
    (root / "robots.md").write_text(OPTIMUS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model(
        "擎天柱在力控能力、抓取复杂物体的能力、利用FSD技术的视觉感知和处理能力等方面有了升级。",
        "都在升级",
    )
    answer = Answerer(searcher, gen).ask("擎天柱在哪些能力上有了升级？", AskOptions())
    assert answer.answerable, answer.reason
    for item in ("力控能力", "抓取复杂物体的能力", "视觉感知和处理能力"):
        assert answer.text.count(item) == 1, answer.text
    assert_checkable(answer, root)


# ------------------------------------------------------------------ 6. English over Chinese


def test_an_english_question_whose_subject_exists_only_in_chinese(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model(
        "Hangzhou had 2,200 AI companies.",
        "北京市人工智能企业数量",
        terms=[("Hangzhou", "杭州"), ("AI companies", "人工智能企业")],
    )
    answer = ask(gen, "How many AI companies did Hangzhou have at the end of 2023?")
    assert not answer.answerable, (answer.text, answer.reason)
    assert "Hangzhou" in answer.reason


def test_an_english_question_answered_from_chinese_with_its_terms(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    gen = model(
        "Shanghai had 1,100 AI companies at the end of 2023.",
        "北京市人工智能企业数量",
        terms=[("Shanghai", "上海"), ("AI companies", "人工智能企业")],
    )
    answer = ask(gen, "How many AI companies did Shanghai have at the end of 2023?")
    assert answer.answerable, answer.reason
    assert answer.language == "en"
    assert_checkable(answer, shelf)


def test_a_translation_that_garbles_the_terms_asks_for_the_questions_own(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # The translation wrote "humanoid robots" as 仿人植物 and kept "Tesla": the passages
    # lack its words. The reader's own key terms in Chinese (特斯拉, 人形机器人, 成本),
    # asked by one short call, are the report's: the question is answered, not refused.
    question = "How low does Tesla hope to bring the cost of humanoid robots?"
    said = ["Tesla hopes to bring the cost of humanoid robots down to US$20,000."]
    garbled = "Tesla希望把仿人植物的开销降到多少？"
    terms = [("Tesla", "特斯拉"), ("humanoid robots", "人形机器人"), ("cost", "成本")]
    gen = model(
        "特斯拉希望把人形机器人的成本降到2万美元。", "2万美元", question=garbled, translations=said
    )
    without = ask(gen, question)
    gen = model(
        "特斯拉希望把人形机器人的成本降到2万美元。",
        "2万美元",
        question=garbled,
        translations=said,
        terms=terms,
    )
    answer = ask(gen, question)
    assert answer.answerable, answer.reason
    assert "20,000" in answer.text, answer.text
    assert_checkable(answer, shelf)
    # Terms that are no report's words leave the question refused as before.
    assert not without.answerable and without.reason.startswith("terms:"), without.reason


def test_chinese_terms_hold_no_report_name_and_no_word_left_in_english(ask) -> None:  # type: ignore[no-untyped-def]
    # The terms call guesses the named publisher's Chinese name (冰协会 for 丙协会) and
    # leaves English in a term: the report's name picks its passages, which need not
    # write it, and "trillion" is no word of theirs. Neither may refuse the question.
    gen = model(
        "上海市人工智能企业数量为1,100家。",
        "上海市人工智能企业数量",
        terms=[("Bing Association", "冰协会"), ("AI firms", "trillion企业")],
    )
    question = "How many AI firms did Shanghai have, according to the Bing Association?"
    answer = ask(gen, question)
    assert answer.terms_zh == ("企业",)
    assert answer.answerable, answer.reason


TAO_REPORT = (
    "# 人工智能与科学\n\n## 数学\n\n菲尔兹奖得主, 数学家陶哲轩认为, 预计如果使用得当, "
    "到2026年, AI将成为数学研究和许多其他领域值得信赖的合著者。\n\n## 生物\n\n"
    "AlphaFold已预测出超过100万个物种的2.14亿个蛋白质结构。\n"
)
Q_TAO = "By what year does Terence Tao expect AI to become a trustworthy co-author in mathematics?"


@pytest.fixture
def ask_tao(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "science"
    root.mkdir()
    (root / "science.md").write_text(TAO_REPORT, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "mathematics": "数学研究",
        "co-author": "合著者",
        "trustworthy": "值得信赖",
        "tao": "陶哲轩",
        "expects": "预计",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    return lambda gen: Answerer(searcher, gen).ask(Q_TAO, AskOptions())


def test_a_persons_name_in_the_chinese_terms_is_written_as_the_passages_write_it(ask_tao) -> None:  # type: ignore[no-untyped-def]
    # The translation turned the question into a statement (it asks nothing), so the
    # question is answered across languages with its Chinese terms; the terms call
    # renders Terence Tao as 张益唐, somebody else, which no passage names. The name
    # is the passages' 陶哲轩 (a Western given name before the surname's pinyin).
    gen = model(
        "By 2026, AI will become a trustworthy co-author in mathematical research.",
        "陶哲轩认为",
        question="数学家Terence Tao预计AI将成为数学研究中值得信赖的合著者。",
        terms=[("Terence Tao", "张益唐"), ("co-author", "合著者")],
    )
    answer = ask_tao(gen)
    assert answer.answered_as == ""  # the statement was not answered as the question
    assert answer.terms_zh == ("陶哲轩", "合著者")
    assert answer.answerable, answer.reason
    assert "2026" in answer.text


def test_a_translated_question_answered_by_quotes_shows_them_translated(ask_tao) -> None:  # type: ignore[no-untyped-def]
    # Answered in Chinese, the working answer gave the year and cited the wrong sentence:
    # the sentence stating the year is quoted instead, and an English reader gets that
    # quote in English, the verbatim Chinese kept in the citation.
    english = "Terence Tao expects AI to become a trustworthy co-author in mathematics by 2026."
    gen = model(
        "2026年",
        "AlphaFold",
        question="数学家陶哲轩预计AI到哪一年将成为数学研究中值得信赖的合著者？",
        translations=[english],
    )
    answer = ask_tao(gen)
    assert answer.answerable, answer.reason
    assert answer.mode == "extractive"
    assert answer.language == detect_language(answer.text) == "en"
    assert english in answer.text
    (citation,) = answer.citations
    assert "陶哲轩" in citation.quote and citation.verified


def test_a_question_translation_must_end_as_a_question() -> None:
    # The grammar llama.cpp builds from the schema holds the model to a question: the
    # default model otherwise turns "by what year does … expect …?" into a statement.
    from llama_cpp import LlamaGrammar

    schema = prompts.question_schema("zh", ["AI"])
    pattern = schema["properties"]["zh"]["pattern"]
    assert re.fullmatch(pattern[1:-1], "陶哲轩预计AI到哪一年将成为合著者？")
    assert not re.fullmatch(pattern[1:-1], "陶哲轩预计AI将成为合著者。")
    # Allowed a full stop, the model ends its statement there, and held to a question
    # mark after it writes on past the string ("…能源。'}......").
    assert not re.fullmatch(pattern[1:-1], "图像生成比文本分类使用更多的能源。'}...？")
    LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)  # a grammar it can build


def test_a_question_in_chinese_keeps_only_names_and_the_passages_words_in_latin(  # type: ignore[no-untyped-def]
    ask,
) -> None:
    # Left free, the default model kept a word it did not translate ("量子utility" for
    # "quantum utility"); allowed any capitalised word, it wrote "量子Utility". Neither is
    # written by a passage, so the search could not find the one that defines the term.
    from llama_cpp import LlamaGrammar

    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    asked = "How many AI companies did Shanghai have at the end of 2023 on the web, with 7nm chips?"
    answer = ask(gen, asked)
    assert answer.answerable, answer.reason
    ((_messages, options),) = [c for c in gen.calls if prompts.request_kind(c[1]) == "question"]
    schema = options.json_schema or {}
    pattern = schema["properties"]["zh"]["pattern"][1:-1]
    assert re.fullmatch(pattern, ZH_SHANGHAI)
    assert re.fullmatch(pattern, "2023年底上海有多少家AI企业？")  # a name the question writes
    assert not re.fullmatch(pattern, "2023年底上海web上有多少家企业？")  # no passage writes it
    assert re.fullmatch(pattern, "2023年底上海有多少家用7nm芯片的AI企业？")  # a figure's letters
    assert not re.fullmatch(pattern, "2023年底上海有多少家AI companies？")
    assert not re.fullmatch(pattern, "2023年底上海有多少家AI Companies？")
    assert not re.fullmatch(pattern, "2023年底上海有多少家Ai企业？")  # not as the question has it
    LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)  # a grammar it can build
    # A lowercase word the passages write (a shelf's "web 服务") is theirs to keep.
    assert re.fullmatch(prompts.chinese_question_form(["web"])[1:-1], "哪些web服务？")


Q_SHANGHAI = "How many AI companies did Shanghai have at the end of 2023?"
ZH_SHANGHAI = "2023年底上海有多少家人工智能企业？"
SHANGHAI_ZH = "截至2023年底，上海市人工智能企业数量为1,100家。"
SHANGHAI_EN = "At the end of 2023, Shanghai had 1,100 AI companies."


def kinds(gen: FakeGenerator) -> list[str]:
    return [prompts.request_kind(options) for _messages, options in gen.calls]


def test_an_english_question_is_answered_and_checked_in_chinese_then_translated(  # type: ignore[no-untyped-def]
    ask, shelf: Path
) -> None:
    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert (answer.language, answer.question, answer.answered_as) == ("en", Q_SHANGHAI, ZH_SHANGHAI)
    (claim,) = answer.claims
    assert (claim.text, claim.checked_as, claim.supported) == (SHANGHAI_EN, SHANGHAI_ZH, True)
    (n,) = claim.citations
    assert answer.text == SHANGHAI_EN[:-1] + f"[{n}]."
    assert kinds(gen) == ["question", "answer", "confirm", "translate"]
    assert "请用中文回答。" in answer_requests(gen)[0][0][-1].content  # answered in Chinese
    assert_checkable(answer, shelf)


@pytest.mark.parametrize("tail", ["”}", "”}\n```\n```", "”}..........."])
def test_a_reply_closed_with_a_look_alike_quote_is_read_where_it_closed(  # type: ignore[no-untyped-def]
    ask, shelf: Path, tail: str
) -> None:
    # The small model closed the question's string with ” and ran on with filler to its
    # budget: the question it wrote is whole, and is asked.
    base = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[SHANGHAI_EN])

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "question":
            return '{"zh": "' + ZH_SHANGHAI + tail
        return base._script(messages, options)  # type: ignore[misc]

    gen = FakeGenerator(script)
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.answered_as == ZH_SHANGHAI
    assert "1,100" in answer.text
    assert_checkable(answer, shelf)


def test_a_translation_names_no_publisher_its_statement_does_not(  # type: ignore[no-untyped-def]
    ask, shelf: Path
) -> None:
    # Lent the question's words, the small default model wrote "Tencent's ChatGLM3" for
    # 智谱 AI 的 ChatGLM3: the report's publisher credited with another's work. Such a
    # translation is asked again without the question; one that still names it is not shown.
    asked = "How many AI companies did Shanghai have at the end of 2023, says Bing Association?"
    borrowed = "Bing Association had 1,100 AI companies in Shanghai at the end of 2023."
    base = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI)

    def script(faithful: str) -> FakeGenerator:
        def reply(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
            if prompts.request_kind(options) != "translate":
                return base._script(messages, options)  # type: ignore[misc]
            lent = "They answer the question" in messages[-1].content
            return json.dumps({"translations": [borrowed if lent else faithful]})

        return FakeGenerator(reply)

    gen = script(SHANGHAI_EN)
    answer = ask(gen, asked)
    assert answer.answerable, answer.reason
    assert answer.text.startswith(SHANGHAI_EN[:-1]) and "Bing" not in answer.text
    unlent = [
        m
        for m, o in gen.calls
        if prompts.request_kind(o) == "translate" and "They answer" not in m[-1].content
    ]
    assert unlent  # asked again without the question
    assert_checkable(answer, shelf)
    # Still borrowed without the question: not shown.
    answer = ask(script(borrowed), asked)
    assert not answer.answerable
    assert "Bing" in answer.reason and "Bing" not in answer.text
    # A statement that names the publisher (丙协会, or its first word 丙) may be so translated.
    from trendqa.answer.question import ReportNames

    reports = ReportNames(
        {"a.md": DocumentMeta("城市人工智能白皮书", publisher="丙协会 (Bing Association)")}
    )
    assert reports.publisher_added(SHANGHAI_ZH, borrowed) == "Bing"
    assert reports.publisher_added("丙协会统计，" + SHANGHAI_ZH, borrowed) == ""
    assert reports.publisher_added(SHANGHAI_ZH, SHANGHAI_EN) == ""


def test_a_translation_may_carry_the_questions_frame_that_the_passage_states(  # type: ignore[no-untyped-def]
    ask, shelf: Path
) -> None:
    # The Chinese claim leaves the year to its passage; told the question, the translation
    # writes "At the end of 2023". The passage states 2023, so the year is no invention.
    gen = model(
        "截至年底，上海市人工智能企业数量为1,100家。",
        "上海市人工智能企业数量",
        question=ZH_SHANGHAI,
        translations=[SHANGHAI_EN],
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.text.startswith("At the end of 2023, Shanghai had 1,100 AI companies")
    assert_checkable(answer, shelf)
    # A year neither the claim nor its passage states is still the translation's own.
    from trendqa.answer.answerer import _framing, _translation_fault

    passages = answer.passages
    cited = [c.n for c in answer.citations]
    assert _framing(Q_SHANGHAI, passages, cited) == "2023"
    assert _framing("How many did Shanghai have in 2021?", passages, cited) == ""
    assert "2021" in _translation_fault(
        "截至年底，上海市人工智能企业数量为1,100家。", "In 2021, Shanghai had 1,100.", "en", 0.9, ""
    )


def test_a_translated_question_is_answered_beside_the_readers_own_words(ask) -> None:  # type: ignore[no-untyped-def]
    # A translation may leave a clause out ("across the foundation, technology and
    # application layers"): the answer request gives the question as the reader wrote it
    # beside its Chinese working form. A question asked in Chinese has no second wording.
    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    assert ask(gen, Q_SHANGHAI).answerable
    ((messages, _options),) = answer_requests(gen)
    assert prompts.asked_question(messages) == ZH_SHANGHAI
    assert prompts.as_written(messages) == Q_SHANGHAI
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量")
    assert ask(gen, ZH_SHANGHAI).answerable
    ((messages, _options),) = answer_requests(gen)
    assert prompts.as_written(messages) == ""


def test_a_word_the_translation_made_a_name_of_is_no_subject(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "Baidu's fully driverless fleet" was translated 百度的全自动驾驶车队, and 全自动,
    # read as a proper noun, was held as a subject of its kind beside the fleet's
    # sentence's 全无人: refused. A word the question does not write and that
    # translates none of its own names is no subject; a place it translates still is.
    root = tmp_path / "cities"
    root.mkdir()
    text = CITIES + "\n## 交通\n\n全自动驾驶出租车已在多个城市运营。\n"
    (root / "cities.md").write_text(text, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=GLOSSARY))[0]
    made = "2023年底上海的全自动人工智能企业有多少家？"
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=made, translations=[SHANGHAI_EN])
    answerer = Answerer(searcher, gen)
    answer = answerer.ask(Q_SHANGHAI, AskOptions())
    assert answer.answerable, answer.reason
    assert answer.answered_as == made
    reports = answerer.reports
    asked = analyze(Q_SHANGHAI, reports)
    assert answerer._translated_subjects(analyze(made, reports, "zh"), asked) == ("2023", "上海")
    kept = analyze("2023年底杭州的全自动人工智能企业有多少家？", reports, "zh")
    hangzhou = analyze("How many AI companies did Hangzhou have at the end of 2023?", reports)
    assert "杭州" in answerer._translated_subjects(kept, hangzhou)


def test_a_translation_is_asked_in_the_words_of_the_question_asked(ask) -> None:  # type: ignore[no-untyped-def]
    # The reader's names for things ("Sophgo" for 算能, "hot directions" for 热点方向)
    # are the ones to show: the translation request carries the English question, not
    # its Chinese working form.
    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    assert ask(gen, Q_SHANGHAI).answerable
    (messages,) = [m for m, o in gen.calls if prompts.request_kind(o) == "translate"]
    assert f"They answer the question: {Q_SHANGHAI}\n" in messages[-1].content
    assert ZH_SHANGHAI not in messages[-1].content
    assert prompts.statements(messages) == [SHANGHAI_ZH]


def test_a_translation_that_loses_a_named_reports_name_is_asked_again_with_it(ask) -> None:  # type: ignore[no-untyped-def]
    # A comparison of two reports; the translator does not know "Bing Association" and
    # writes 冰协会: its question names one report. Asked again with the publisher's own
    # name, it keeps both.
    question = "What do the Jia Academy report and the Bing Association say about AI companies?"
    mangled = "甲研究院的报告和冰协会对人工智能企业有何说法？"
    kept = "甲研究院的报告和丙协会对人工智能企业有何说法？"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "question":
            given = "丙协会" in prompts.asked_question(messages)
            return json.dumps({"zh": kept if given else mangled}, ensure_ascii=False)
        return reply("", []) if kind == "answer" else json.dumps({"verdict": "no"})

    gen = FakeGenerator(script)
    answer = ask(gen, question)
    assert answer.kind == "comparison"
    asked = [
        prompts.asked_question(m) for m, o in gen.calls if prompts.request_kind(o) == "question"
    ]
    assert len(asked) == 2 and "the 丙协会" in asked[1] and "Jia Academy" not in asked[1]
    assert answer.answered_as == kept


def test_a_translation_that_keeps_the_reports_name_is_asked_once(ask) -> None:  # type: ignore[no-untyped-def]
    question = Q_SHANGHAI[:-1] + ", according to the Bing Association white paper?"
    kept = "根据丙协会的白皮书，" + ZH_SHANGHAI
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=kept, translations=[SHANGHAI_EN])
    answer = ask(gen, question)
    assert kinds(gen).count("question") == 1
    assert answer.answered_as == kept and answer.answerable, answer.reason


def test_a_word_a_translation_wrote_for_a_reports_name_is_no_subject(ask) -> None:  # type: ignore[no-untyped-def]
    # "What is the memory wall that Kan DAO talks about?" was translated "卡达说的“内存墙”是
    # 什么？": the report's name became a place, held as a subject, and the report's own
    # definition was dropped for not naming it. Where a translation loses a report's name,
    # a word it names that the question does not write, and that translates none of the
    # question's own subjects, is no subject.
    question = Q_SHANGHAI[:-1] + ", according to the Bing Association white paper?"
    lost = "冰岛认为，" + ZH_SHANGHAI
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=lost, translations=[SHANGHAI_EN])
    answer = ask(gen, question)
    assert answer.answered_as == lost and answer.answerable, answer.reason


def test_an_english_translation_is_asked_for_in_latin_script_from_the_first_request(ask) -> None:  # type: ignore[no-untyped-def]
    # Left free, the small default model keeps a Chinese word now and then ("grid潮流")
    # and the whole translation was asked again: the grammar holds the first one to Latin.
    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    translations = [o for _m, o in gen.calls if prompts.request_kind(o) == "translate"]
    assert len(translations) == 1 and prompts.latin_only(translations[0])


def test_a_translation_that_leaves_out_a_latin_name_is_asked_again_with_the_names(
    shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The claim writes Chiplet; its translation does not ("Interconnect standards…"):
    # asked again alone, Chiplet named, the translation that writes it is shown. (The
    # fake embedder's cross-lingual cosines are no measure of meaning: not checked here.)
    monkeypatch.setattr(answerer_module, "TRANSLATION_SIMILARITY", 0.0)
    ingest_paths(settings, [shelf], loader=fake_loader)
    glossary = {"interconnect": "互联", "standards": "标准", "unified": "统一", "gradually": "逐渐"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    question = "What will happen to Chiplet interconnect standards?"
    lost = "Interconnect standards gradually unified."
    kept = "Chiplet interconnect standards gradually unified."
    gen = model(
        "Chiplet 的互联标准将逐渐统一。",
        "互联标准",
        question="Chiplet的互联标准将会怎样？",
        translations=[lost],
        named=[kept],
    )
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    translated = [m for m, o in gen.calls if prompts.request_kind(o) == "translate"]
    assert [prompts.names_kept(m) for m in translated] == [[], ["Chiplet"]]
    assert answer.text.startswith(kept[:-1]), answer.text


def test_an_english_question_asking_no_definition_is_not_read_as_one_from_its_translation(
    shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "What does DAMO predict for Chiplet?" was translated "…预测…是什么？": Chinese asks
    # many things with 是什么, and the question was answered as a definition.
    ingest_paths(settings, [shelf], loader=fake_loader)
    near = {"chiplet": "Chiplet 的互联标准将逐渐统一，重构芯片研发流程", "predict": "预测"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=near))[0]
    sentence = "Chiplet 的互联标准将逐渐统一，重构芯片研发流程。"
    gen = model(sentence, "Chiplet 的互联标准", question="报告预测Chiplet是什么？")
    answer = Answerer(searcher, gen).ask("What does the report predict for Chiplet?")
    assert answer.answered_as == "报告预测Chiplet是什么？"
    assert answer.kind == "fact", answer.kind
    gen = model(sentence, "Chiplet 的互联标准", question="Chiplet是什么？")
    assert Answerer(searcher, gen).ask("What is Chiplet?").kind == "definition"


def test_chinese_left_in_an_english_translation_is_translated_again(ask) -> None:  # type: ignore[no-untyped-def]
    # A backend that does not hold its reply to the grammar's pattern (an endpoint may
    # ignore it) can still leave Chinese in: that translation is asked for again.
    left = "At the end of 2023, 上海市 had 1,100 AI companies."
    gen = model(
        SHANGHAI_ZH,
        "上海市人工智能企业数量",
        question=ZH_SHANGHAI,
        translations=[left],
        latin=[SHANGHAI_EN],
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.claims[0].text == SHANGHAI_EN
    assert kinds(gen) == ["question", "answer", "confirm", "translate", "translate"]
    # A retranslation that loses the figure is not used: the first one stays.
    gen = model(
        SHANGHAI_ZH,
        "上海市人工智能企业数量",
        question=ZH_SHANGHAI,
        translations=[left],
        latin=["At the end of 2023, Shanghai had many AI companies."],
    )
    assert ask(gen, Q_SHANGHAI).claims[0].text == left


def test_a_claim_echoing_a_translated_questions_own_words_is_read_without_them() -> None:
    # The translation guesses 拥有/公司/总数 where the report writes 企业数量; a claim
    # echoing the guesses is read for what it adds (the figure), which the sentence states.
    # A reader's own Chinese question gets no such leeway.
    asked = analyze("2023年底上海拥有的人工智能公司总数是多少？", ReportNames({}))
    claim = "上海拥有的人工智能公司总数为1,100家"
    context = fold("截至2023年底，上海市人工智能企业数量为1,100家。")
    idf = {
        "拥有": 3.0,
        "公司": 3.0,
        "总数": 3.0,
        "上海": 2.0,
        "人工智能": 1.0,
        "人工": 1.0,
        "智能": 1.0,
        "1": 1.0,
        "100": 1.0,
    }
    native = ClaimChecker(asked, idf, 4.0, {})
    translated = ClaimChecker(replace(asked, original="How many…?"), idf, 4.0, {})
    assert native._coverage(claim, context) < 0.5 <= translated._coverage(claim, context)


def test_a_translated_list_item_gets_one_marker(ask) -> None:  # type: ignore[no-untyped-def]
    # The model's translation starts with its own "- ": the item is shown with one.
    gen = model(
        SHANGHAI_ZH,
        "上海市人工智能企业数量",
        question=ZH_SHANGHAI,
        translations=["- " + SHANGHAI_EN],
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.text.startswith("At the end") and answer.claims[0].text == SHANGHAI_EN


def test_a_claim_the_model_repeats_is_shown_once(ask) -> None:  # type: ignore[no-untyped-def]
    # A model caught in a loop writes its claim over and over until the budget ends.
    gen = model(SHANGHAI_ZH + SHANGHAI_ZH + " " + SHANGHAI_ZH, "上海市人工智能企业数量")
    answer = ask(gen, ZH_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.text.count("1,100") == 1
    assert [c.supported for c in answer.claims] == [True, False, False]
    assert answer.claims[1].reason == "repeat: it repeats an earlier claim"


def test_an_unreadable_translation_of_several_claims_is_asked_claim_by_claim(ask) -> None:  # type: ignore[no-untyped-def]
    # Two checked claims; asked together, the translator's reply is cut (unreadable JSON).
    # Asked one at a time, each is translated: the answer is not refused for the reply.
    beijing_zh = "截至2023年底，北京市人工智能企业数量为2,200家。"
    english = {
        beijing_zh: "At the end of 2023, Beijing had 2,200 AI companies.",
        SHANGHAI_ZH: SHANGHAI_EN,
    }

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "question":
            return json.dumps(
                {"zh": "2023年底北京和上海各有多少家人工智能企业？"}, ensure_ascii=False
            )
        if kind == "confirm":
            return json.dumps({"verdict": "yes"})
        if kind == "translate":
            given = prompts.statements(messages)
            if len(given) > 1:
                return '{"translations": ["At the end of 2023, Beijing had'
            return json.dumps({"translations": [english[given[0]]]}, ensure_ascii=False)
        (n,) = [i for i, t in prompts.shown_sentences(messages).items() if "北京市" in t]
        return reply(beijing_zh + SHANGHAI_ZH, [n])

    gen = FakeGenerator(script)
    answer = ask(gen, "How many AI companies did Beijing and Shanghai have at the end of 2023?")
    assert answer.answerable, answer.reason
    assert [c.text for c in answer.claims] == list(english.values())
    assert kinds(gen)[-3:] == ["translate", "translate", "translate"]


@pytest.mark.parametrize(
    ("translation", "translated"),
    [
        ("At the end of 2023, Beijing had 2,200 AI companies and Shanghai had 1,100.", True),
        ("At the end of 2023, Beijing had 2,200 AI companies and Shanghai had 11,000.", False),
    ],
)
def test_a_quote_for_an_english_question_is_shown_translated(  # type: ignore[no-untyped-def]
    ask, shelf: Path, translation: str, translated: bool
) -> None:
    # The model answers an English question in Chinese, twice: its cited sentence is
    # quoted, and shown in English when the translation keeps the quote's figures.
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[translation])
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable and answer.mode == "extractive", answer.reason
    (quote,) = answer.citations
    assert "上海市人工智能企业数量为1,100家" in quote.quote  # the citation stays verbatim
    assert_checkable(answer, shelf)
    if translated:
        assert answer.text.startswith("The passages say (translated): ")
        assert "Shanghai had 1,100" in answer.text and "上海" not in answer.text
    else:
        assert "11,000" not in answer.text and "上海市人工智能企业数量为1,100家" in answer.text


def test_a_quote_whose_translation_changes_a_figure_is_asked_again_with_its_figures(  # type: ignore[no-untyped-def]
    ask,
) -> None:
    # The translator writes 1,100 as 11,000; asked again with the quote's figures named,
    # it keeps them, and the quote is shown in the question's language.
    inner = model(SHANGHAI_ZH, "上海市人工智能企业数量")
    right = "At the end of 2023, Beijing had 2,200 AI companies and Shanghai had 1,100."
    wrong = right.replace("1,100", "11,000")

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "translate":
            named = "Write every one of these figures: 2023, 2,200, 1,100" in messages[-1].content
            return json.dumps({"translations": [right if named else wrong]})
        return inner._script(messages, options)  # type: ignore[misc]

    gen = FakeGenerator(script)
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable and answer.mode == "extractive", answer.reason
    assert answer.text.startswith("The passages say (translated): ")
    assert "1,100" in answer.text and "11,000" not in answer.text and "上海" not in answer.text
    assert kinds(gen).count("translate") == 2


def test_a_translation_that_changes_a_figure_is_never_shown(ask) -> None:  # type: ignore[no-untyped-def]
    wrong = SHANGHAI_EN.replace("1,100", "11,000")
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[wrong])
    answer = ask(gen, Q_SHANGHAI)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("translation:") and "11,000" in answer.reason
    assert "11,000" not in answer.text and answer.language == "en"


def test_a_translation_that_leaves_out_a_figure_is_never_shown(ask) -> None:  # type: ignore[no-untyped-def]
    # "At the end of 2023, Shanghai had many AI companies" is not what the claim states.
    hollow = "At the end of 2023, Shanghai had many AI companies."
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[hollow])
    answer = ask(gen, Q_SHANGHAI)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("translation:") and "leaves out 1,100" in answer.reason
    assert answer.text == REFUSAL["en"]


def test_a_translation_that_left_out_a_figure_is_asked_again_naming_it(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # A small model drops a figure of a lone statement: asked again with its figures
    # named, the translation that writes them all is shown; the hollow one never is.
    base = model(SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI)

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        if "1,100" in messages[-1].content.split("Translate into")[-1]:
            return json.dumps({"translations": [SHANGHAI_EN]})
        return json.dumps({"translations": ["At the end of 2023, Shanghai had many AI firms."]})

    gen = FakeGenerator(script)
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert "1,100" in answer.text and "many AI firms" not in answer.text, answer.text
    assert kinds(gen).count("translate") == 2
    assert_checkable(answer, shelf)


def test_a_translation_that_joins_two_checked_claims_is_shown_citing_both(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # The translator wrote the second claim into the first: a faithful translation of the
    # two together, not a figure the first claim lacks.
    gen = model(
        "北京市人工智能企业数量为2,200家。上海市人工智能企业数量为1,100家。",
        "北京市人工智能企业数量",
        question="2023年底北京和上海各有多少家人工智能企业？",
        translations=[
            "At the end of 2023, Beijing had 2,200 AI companies and Shanghai had 1,100.",
            "Shanghai had 1,100 AI companies.",
        ],
    )
    answer = ask(
        gen, "How many AI companies did Beijing and Shanghai each have at the end of 2023?"
    )
    assert answer.answerable, answer.reason
    first = answer.claims[0]
    assert first.supported, answer.claims
    assert "2,200" in first.checked_as and "1,100" in first.checked_as
    assert "2,200" in answer.text and answer.text.count("1,100") == 1, answer.text
    assert_checkable(answer, shelf)


def test_a_translation_joining_two_claims_names_no_publisher_they_do_not(ask) -> None:  # type: ignore[no-untyped-def]
    # Faithful to the two claims together but for the publisher it credits, which
    # neither states: not shown; the second claim's own translation is.
    gen = model(
        "北京市人工智能企业数量为2,200家。上海市人工智能企业数量为1,100家。",
        "北京市人工智能企业数量",
        question="2023年底北京和上海各有多少家人工智能企业？",
        translations=[
            "Bing Association: at the end of 2023, Beijing had 2,200 AI companies and "
            "Shanghai had 1,100.",
            "Shanghai had 1,100 AI companies.",
        ],
    )
    answer = ask(
        gen, "How many AI companies did Beijing and Shanghai each have at the end of 2023?"
    )
    assert answer.answerable, answer.reason
    assert "Bing" not in answer.text, answer.text
    assert "Shanghai had 1,100 AI companies" in answer.text
    first = answer.claims[0]
    assert not first.supported and first.reason.startswith("translation:"), answer.claims


def test_translations_that_slip_by_one_are_asked_again_one_by_one(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # The translator wrote the first statement as two: every translation after it is the
    # wrong one's. Each statement whose translation fails is translated again alone.
    base = model(
        "北京市人工智能企业数量为2,200家。上海市人工智能企业数量为1,100家。",
        "北京市人工智能企业数量",
        question="2023年底北京和上海各有多少家人工智能企业？",
    )
    alone = {
        "北京": "At the end of 2023, Beijing had 2,200 AI companies.",
        "上海": "Shanghai had 1,100 AI companies.",
    }

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        given = prompts.statements(messages)
        if len(given) > 1:
            slipped = ["Beijing had", "2,200 AI companies, and Shanghai had 1,100."]
            return json.dumps({"translations": slipped})
        return json.dumps({"translations": [next(alone[k] for k in alone if k in given[0])]})

    gen = FakeGenerator(script)
    answer = ask(
        gen, "How many AI companies did Beijing and Shanghai each have at the end of 2023?"
    )
    assert answer.answerable, answer.reason
    assert "Beijing had 2,200 AI companies" in answer.text, answer.claims
    assert "Shanghai had 1,100 AI companies" in answer.text, answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert kinds(gen).count("translate") == 3  # the list once, then each statement alone
    assert_checkable(answer, shelf)


LAYERS = """# 人工智能产业挑战

## 三个层面的挑战

基础层的挑战是高质量数据集严重短缺。技术层的挑战是人工智能框架生态不足。应用层的挑战是成本压力高、商业化难。
"""
LAYERS_ZH = ["基础层的挑战是高质量数据集严重短缺。", "技术层的挑战是人工智能框架生态不足。"]
LAYERS_ZH.append("应用层的挑战是成本压力高、商业化难。")
LAYERS_EN = [
    "At the foundation layer, the challenge is a shortage of datasets.",
    "At the technology layer, the challenge is an AI frameworks ecosystem that falls short.",
    "At the application layer, the challenge is high cost and hard commercialisation.",
]


def test_a_list_translation_closer_to_a_neighbours_statement_is_asked_again(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Translated together, the second statement came back blended with the first: close
    # enough to its own to pass the bar, closer still to its neighbour's. It says the
    # first layer's challenge again, so it is translated again alone.
    root = tmp_path / "layers"
    root.mkdir()
    (root / "layers.md").write_text(LAYERS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "foundation": "基础层",
        "technology": "技术层",
        "application": "应用层",
        "datasets": "高质量数据集",
        "shortage": "严重短缺",
        "frameworks": "人工智能框架",
        "ecosystem": "生态不足",
        "cost": "成本压力高",
        "commercialisation": "商业化难",
        "challenge": "的挑战是",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    blended = (
        "At the technology and foundation layers, the challenge is a shortage of datasets "
        "for frameworks."
    )
    base = model(
        "\n".join(f"- {s}" for s in LAYERS_ZH),
        "基础层的挑战",
        "技术层的挑战",
        "应用层的挑战",
        question="基础层、技术层和应用层的挑战分别有哪些？",
    )

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        given = prompts.statements(messages)
        if len(given) > 1:
            return json.dumps({"translations": [LAYERS_EN[0], blended, LAYERS_EN[2]]})
        return json.dumps({"translations": [LAYERS_EN[LAYERS_ZH.index(given[0])]]})

    gen = FakeGenerator(script)
    question = "What challenges exist at the foundation, technology and application layers?"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert blended not in answer.text
    assert all(line.rstrip(".") in answer.text for line in LAYERS_EN), answer.text
    asked = [prompts.statements(m) for m, o in gen.calls if prompts.request_kind(o) == "translate"]
    alone = [given for given in asked if len(given) == 1]
    assert alone and all(given == [LAYERS_ZH[1]] for given in alone), asked  # only the slipped


def test_a_translation_adding_a_figure_no_neighbour_states_is_never_shown(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model(
        "北京市人工智能企业数量为2,200家。上海市人工智能企业数量为1,100家。",
        "北京市人工智能企业数量",
        question="2023年底北京和上海各有多少家人工智能企业？",
        translations=[
            "At the end of 2023, Beijing had 2,200 AI companies and Shenzhen had 3,300.",
            "Shanghai had 1,100 AI companies.",
        ],
    )
    answer = ask(
        gen, "How many AI companies did Beijing and Shanghai each have at the end of 2023?"
    )
    assert "3,300" not in answer.text
    assert answer.claims[0].reason.startswith("translation:") and "3,300" in answer.claims[0].reason


def test_a_neighbours_figure_is_refused_in_chinese_and_never_translated(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model(
        "截至2023年底，北京市人工智能企业数量为2,200家。",
        "北京市人工智能企业数量",
        question="2023年底杭州有多少家人工智能企业？",
        translations=["Hangzhou had 2,200 AI companies."],
    )
    answer = ask(gen, "How many AI companies did Hangzhou have at the end of 2023?")
    assert not answer.answerable, (answer.text, answer.reason)
    assert "杭州" in answer.reason, answer.reason
    assert "translate" not in kinds(gen)


def test_an_answer_written_straight_in_english_is_checked_across_and_not_translated(  # type: ignore[no-untyped-def]
    ask, shelf: Path
) -> None:
    # Asked in Chinese, the model replies in the question's English: checked across
    # languages as without translation, not asked again and not translated.
    gen = model(SHANGHAI_EN, "上海市人工智能企业数量", question=ZH_SHANGHAI)
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.language == "en" and answer.text.startswith("At the end of 2023")
    assert [c.checked_as for c in answer.claims] == [""]
    assert kinds(gen) == ["question", "answer", "confirm"]
    assert_checkable(answer, shelf)


def test_an_answer_framed_as_a_reading_of_the_passage_is_shown_as_what_it_states(ask) -> None:  # type: ignore[no-untyped-def]
    framed = "The passage states that at the end of 2023, Shanghai had 1,100 AI companies."
    gen = model(framed, "上海市人工智能企业数量", question=ZH_SHANGHAI)
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.text.startswith("At the end of 2023, Shanghai had 1,100"), answer.text
    assert "passage" not in answer.text


def test_a_chinese_question_shown_in_english_needs_no_question_translation(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[SHANGHAI_EN])
    answer = ask(gen, ZH_SHANGHAI, language="en")
    assert answer.answerable, answer.reason
    assert answer.language == "en" and answer.text.startswith("At the end of 2023")
    assert answer.answered_as == ""  # asked as it was written
    assert kinds(gen) == ["answer", "confirm", "translate"]


def test_an_untranslatable_question_is_answered_across_languages(ask) -> None:  # type: ignore[no-untyped-def]
    # The translation comes back in English: the question is answered directly in English
    # over the Chinese passages, with its Chinese terms, as without translation.
    gen = model(
        "Shanghai had 1,100 AI companies at the end of 2023.",
        "上海市人工智能企业数量",
        terms=[("Shanghai", "上海"), ("AI companies", "人工智能企业")],
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.answered_as == "" and answer.terms_zh == ("上海", "人工智能企业")
    assert kinds(gen)[:3] == ["question", "terms", "answer"]


def test_a_question_translated_into_a_statement_is_not_answered_as_one(ask) -> None:  # type: ignore[no-untyped-def]
    # "How many AI companies did Shanghai have?" came back as "上海有人工智能企业。", and
    # asked again for its question word, the same: nothing asked, so the question is
    # answered across languages with its terms.
    gen = model(
        "Shanghai had 1,100 AI companies at the end of 2023.",
        "上海市人工智能企业数量",
        question="2023年底上海拥有人工智能企业。",
        terms=[("Shanghai", "上海"), ("AI companies", "人工智能企业")],
    )
    answer = ask(gen, Q_SHANGHAI)
    assert answer.answerable, answer.reason
    assert answer.answered_as == ""
    assert kinds(gen)[:4] == ["question", "question", "terms", "answer"]


# ------------------------------------------------------------------ analysis


@pytest.mark.parametrize(
    "question, kind",
    [
        ("2023年十大科技趋势有哪些？", "list"),
        ("What are the three paths the report proposes?", "list"),
        ("腾讯报告里“可持续计算”是怎么定义的？", "definition"),
        ("What is quantum utility?", "definition"),
        ("MimicGen系统是什么？", "definition"),
        # Which thing, however the question ends: a fact (a translation's "该机构是什么").
        ("2023年5月，报告中提到的植入接口让瘫痪的男子重新行走，该机构是什么？", "fact"),
        ("Meta自研的AI加速芯片名字是什么？", "fact"),
        ("What is the name of Meta's AI accelerator chip?", "fact"),
        ("2024年中国人工智能核心产业规模是多少？", "number"),
        ("How many AI chips shipped in 2024?", "number"),
        ("比较两种技术路线的不同之处", "comparison"),
        ("谁提出了脑机通信的概念？", "fact"),
        ("请概述报告的主要内容", "overview"),
        # Asked in other words: a count with a plural noun is a list; bounding or
        # portraying a notion is a definition.
        ("Which seven companies count as the trillion-dollar giants?", "list"),
        ("What characteristics will the next models have?", "list"),
        ("白皮书如何界定“人工智能企业”？", "definition"),
        ("报告怎样描述新型“虚拟电厂”？", "definition"),
        ("What counts as an AI-related enterprise?", "definition"),
        ("How does the report define embodied AI?", "definition"),
        # A single noun after a count word is no list ("ten" + "thousand" is a figure).
        ("Who won the race at the age of three?", "fact"),
        # "What is the <quantity> of …" asks a figure; a quantity's noun naming a thing
        # ("the cost function") does not.
        ("What is the estimated cost on U.S. operators of the AOA sensor system test?", "number"),
        ("What was the net profit in the fourth quarter?", "number"),
        ("What was the revenue?", "number"),
        ("What is the cost function?", "definition"),
    ],
)
def test_question_types(question: str, kind: str) -> None:
    assert question_type(question) == kind


def test_expected_counts() -> None:
    assert expected_count("十大科技趋势有哪些？") == 10
    assert expected_count("three possible ways") == 3
    assert expected_count("四个关键点") == 4
    # Which N of a kind, counted by its measure word.
    assert expected_count("哪七家公司是万亿科技巨头？") == 7
    assert expected_count("威金研究将哪些七家公司列为万亿级科技巨头？") == 7
    assert question_type("万亿科技巨头是哪七家公司？") == "list"
    # A count inside a report's title is the title's: it counts nothing asked.
    assert expected_count("《2023年十大科技趋势》认为计算光学成像未来可能带来哪些新应用？") is None
    titled = "In the '2023 top ten technology trends', which companies lead?"
    assert expected_count(titled) == 10
    assert expected_count(titled, lambda t: "technology trends" in t) is None
    # A quoted list's own name counts its items.
    assert expected_count("《看DAO2024》提出的“生成式AI十大展望”分别是什么？") == 10


REPORTS = {
    "szaiia.txt": DocumentMeta(
        "2024人工智能发展白皮书",
        "深圳市人工智能行业协会 (Shenzhen Artificial Intelligence Industry Association)",
    ),
    "tencent.txt": DocumentMeta(
        "2024数字科技前沿应用趋势", "腾讯研究院 (Tencent Research Institute)"
    ),
    "damo.txt": DocumentMeta("2023年十大科技趋势", "阿里巴巴达摩院 (Alibaba DAMO Academy)"),
    "weijin.txt": DocumentMeta(
        "看DAO2024", "未尽研究 (Weijin Research)", source="《看DAO2024》", aliases=("Kan DAO 2024",)
    ),
}


@pytest.mark.parametrize(
    "question, docs",
    [
        ("What does the Shenzhen white paper say about chips?", ("szaiia.txt",)),
        ("达摩院的报告怎么看芯片？", ("damo.txt",)),
        ("未尽研究认为智能体会怎样？", ("weijin.txt",)),
        ("What does Tencent's trends report say?", ("tencent.txt",)),
        ("《看DAO2024》如何看待苹果？", ("weijin.txt",)),
        ("腾讯发布的混元大模型有多少参数？", ()),  # a company named, not its report
        ("深圳有多少家人工智能企业？", ()),  # a city, not the Shenzhen association's report
        # A romanised title written as one word, after a possessive short name.
        ("What does Weijin's Kandao 2024 mean by Big Tech?", ("weijin.txt",)),
        # An institution by its own name, without its parent's (Alibaba DAMO Academy).
        (
            "How do DAMO Academy's 2023 trends and the Tencent report differ?",
            ("damo.txt", "tencent.txt"),
        ),
        ("What does the Research Institute say about chips?", ()),  # no name of its own
    ],
)
def test_reports_named_loosely(question: str, docs: tuple[str, ...]) -> None:
    assert ReportNames(REPORTS).named(question) == docs


def test_a_report_is_named_as_the_source_it_is_cited_as() -> None:
    names = ReportNames(REPORTS)
    # "according to"/根据 before a short name makes it a report's, as a report word after
    # it does; Artificial Intelligence goes by AI; "US" is no part of "Industry".
    analysis = analyze(
        "How does China's count of AI firms compare with the US's, according to the "
        "Shenzhen AI Industry Association?",
        names,
    )
    assert analysis.docs == ("szaiia.txt",)
    assert "US" in analysis.entities and "China" in analysis.entities
    analysis = analyze(
        "中国人工智能企业数量与美国相比如何，根据深圳市人工智能产业协会的数据？", names
    )
    assert analysis.docs == ("szaiia.txt",)
    assert "深圳市" not in analysis.entities
    # A third party cited as the source is the source, not the subject.
    analysis = analyze("根据IDC的数据，中国人工智能市场规模是多少？", names)
    assert analysis.sources == ("IDC",)


def test_the_year_of_a_quoted_title_is_no_figure_asked() -> None:
    names = ReportNames(REPORTS)
    analysis = analyze("《2023年十大科技趋势》怎样看Chiplet的互联标准？", names)
    assert analysis.docs == ("damo.txt",) and analysis.figures == ()
    # A translation that drops the title's brackets still names the report by it.
    bare = analyze("2024数字科技前沿应用趋势中，哪家机构让瘫痪的人重新行走？", names)
    assert bare.docs == ("tencent.txt",) and bare.figures == ()
    assert analyze("《2023年十大科技趋势》说2022年有多少芯片？", names).figures == ("2022",)


def test_a_comparisons_part_is_headed_by_its_publisher_and_title() -> None:
    # The reader asks of "the Tencent report" and "Weijin Research": a part headed by its
    # title alone names neither. In English, a publisher without an English form is left
    # out (no Chinese in an English answer); one the title names already is not repeated.
    reports = {
        **REPORTS,
        "tencent.txt": DocumentMeta(
            "2024数字科技前沿应用趋势",
            "腾讯研究院 (Tencent Research Institute)",
            aliases=("2024 Digital Technology Frontier Application Trends",),
        ),
        "lab.txt": DocumentMeta("甲实验室年度报告", "甲实验室"),
    }
    names = ReportNames(reports)
    assert names.heading(("tencent.txt",), "zh") == "腾讯研究院《2024数字科技前沿应用趋势》"
    assert names.heading(("tencent.txt",), "en") == (
        "Tencent Research Institute, 2024 Digital Technology Frontier Application Trends"
    )
    assert names.heading(("weijin.txt",), "zh") == "未尽研究《看DAO2024》"
    assert names.heading(("lab.txt",), "zh") == "《甲实验室年度报告》"
    assert names.heading(("lab.txt",), "en") == "甲实验室年度报告"


def test_two_named_reports_make_a_comparison_with_one_part_each() -> None:
    analysis = analyze("腾讯报告和白皮书分别如何评价RLHF？", ReportNames(REPORTS))
    assert analysis.type == "comparison"
    assert analysis.parts == (("tencent.txt",), ("szaiia.txt",))


def test_entities_are_the_subject_not_the_report() -> None:
    analysis = analyze("白皮书中，2023年杭州市人工智能企业有多少家？", ReportNames(REPORTS))
    assert "杭州市" in analysis.entities and "2023" in analysis.entities
    assert not any("白皮书" in e for e in analysis.entities)


def test_a_name_after_the_questions_capitalised_first_word_is_its_subject() -> None:
    # "Under" is capitalised for opening the question; Jiangsu Province is still named.
    analysis = analyze(
        "Under Jiangsu Province's list of minor violations, how much waste is tolerated?",
        ReportNames(REPORTS),
    )
    assert analysis.entities == ("Jiangsu Province",)
    assert analyze("What does NVIDIA MimicGen do?", ReportNames(REPORTS)).entities == (
        "NVIDIA MimicGen",
    )


def test_a_relation_to_a_country_is_no_subject() -> None:
    # 对华 (toward China) says which way a policy goes; the report's sentence says
    # 出口到有关国家, and its figure is still the US rule's.
    analysis = analyze("美国对华半导体出口管制新规是何时发布的？", ReportNames(REPORTS))
    assert "美国" in analysis.entities
    assert "对华" not in analysis.entities


def test_claims_are_lines_items_and_sentences() -> None:
    text = "- 第一项[1]\n- 第二项；第三项\n总之，两者不同。It is fine[2]. ①甲方②乙方"
    assert split_claims(text) == [
        "第一项",
        "第二项",
        "第三项",
        "总之，两者不同。",
        "It is fine.",
        "甲方",
        "乙方",
    ]


def test_points_numbered_in_brackets_within_a_line_are_claims_of_their_own() -> None:
    # The report runs its three ways on one line, "(1)…(2)…(3)…"; the model copied two of
    # them into one claim. A bracketed year or figure after a name is no point.
    text = (
        "- 端侧原生集成AI模型, 类似siri, 从而可能成为硬件新入口 (2) 将大模型作为独立app[1]\n"
        "- GPT-4 (2023) 发布，性能提升40%[2]"
    )
    assert split_claims(text, listing=True) == [
        "端侧原生集成AI模型, 类似siri, 从而可能成为硬件新入口",
        "将大模型作为独立app",
        "GPT-4 (2023) 发布，性能提升40%",
    ]


def test_a_titles_own_semicolons_do_not_part_claims() -> None:
    # A rule's title lists its parts with semicolons: one name, one claim.
    text = (
        "BIS发布《实施额外出口管制:某些先进计算物项;超级计算机和半导体最终用途》[1]；"
        "新规分为三个部分[1]"
    )
    assert split_claims(text) == [
        "BIS发布《实施额外出口管制:某些先进计算物项;超级计算机和半导体最终用途》",
        "新规分为三个部分",
    ]


def test_a_lists_one_line_enumeration_is_one_claim_per_item() -> None:
    text = "基因数据处理技术、基因表达分析技术、基因网络分析技术[1]"
    items = ["基因数据处理技术", "基因表达分析技术", "基因网络分析技术"]
    assert split_claims(text, listing=True) == items
    assert split_claims(text) == [text.replace("[1]", "")]  # not a list question
    # A sentence that enumerates inside it stays one claim.
    sentence = "多模态大模型将统一图像、文本、音频的知识表示，成为基础设施。"
    assert split_claims(sentence, listing=True) == [sentence]


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("1.52亿美元[1]", ["1.52亿美元"]),  # a decimal opening the answer is no item "1."
        ("2.74亿人次[1]。", ["2.74亿人次。"]),
        ("1. 人形机器人[1]\n2.芯片[2]", ["人形机器人", "芯片"]),
        # A figure alone answers "how many of them…?": one digit is a claim, one word is not.
        ("5[2]", ["5"]),
        ("5家[2]", ["5家"]),
        ("是[1]", []),
    ],
)
def test_a_decimal_at_the_start_keeps_its_figure(text: str, claims: list[str]) -> None:
    assert split_claims(text) == claims


# ------------------------------------------------------------------ 2b. whose figure it is

DISTRICTS = """# 城市人工智能产业观察

## 深圳

深圳是人工智能企业集聚的城市之一。当地政府设立了人工智能产业专项基金。专项基金重点支持算力建设和数据开放。新增人工智能企业数量达到580家，同比增长两成。

## 广州

广州的人工智能产业以应用为主。广州新增人工智能企业数量为330家。

## 杭州

杭州的电商平台带动了大模型应用。

## 成都

成都建设了西部算力调度中心。

## 武汉

武汉的光电子产业为智能传感器提供了基础。

## 南京

南京的高校为产业输送了大量人才。

## 脑机接口

Inner Cosmos 公司的植入设备用于治疗抑郁症。Stanford 团队的脑机接口让失语者重新开口说话。
"""


@pytest.fixture
def districts(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "districts"
    root.mkdir()
    (root / "cities.md").write_text(DISTRICTS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "brain-computer": "脑机接口",
        "interface": "脑机接口",
        "speech": "失语者",
        "team": "团队",
        "talk": "说话",
        "again": "重新",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]

    def asker(gen: FakeGenerator, question: str) -> Answer:
        return Answerer(searcher, gen).ask(question, AskOptions())

    return asker


def test_a_claim_that_only_restates_the_question_answers_nothing(districts) -> None:  # type: ignore[no-untyped-def]
    # The section's heading given back as the "list" of what is under it.
    gen = model("脑机接口团队", "失语者")
    answer = districts(gen, "脑机接口团队有哪些？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason == "content: it only restates the question", answer.reason


REGIONS = """# 区域人工智能发展

## 区域格局

截至2023年底，京津冀地区人工智能相关企业数量达到2354家。\
截至2023年底，长三角地区人工智能相关企业数量达到3359家。
"""


@pytest.fixture
def regions(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "regions"
    root.mkdir()
    (root / "regions.md").write_text(REGIONS, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    # A cross-lingual embedder puts the region's English name near 京津冀.
    glossary = {
        "beijing-tianjin-hebei": "京津冀",
        "companies": "企业",
        "ai": "人工智能",
        "region": "地区",
        "related": "相关",
        "end": "截至年底",
        "number": "数量",
        "reached": "达到",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_an_untranslatable_names_neighbour_is_found_by_meaning(regions) -> None:  # type: ignore[no-untyped-def]
    # The reports write 京津冀, never the model's 北京-天津-河北: the name has no form to
    # find, but 长三角 (where the figure is stated) means it far less than 京津冀 beside it.
    question = "How many AI-related companies did the Beijing-Tianjin-Hebei region have?"
    wrong = "The Beijing-Tianjin-Hebei region had 3,359 AI-related companies."
    answer = regions(model(wrong, "长三角地区"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:"), answer.reason
    assert "Beijing-Tianjin-Hebei" in answer.reason
    right = "The Beijing-Tianjin-Hebei region had 2,354 AI-related companies."
    answer = regions(model(right, "京津冀地区"), question)
    assert answer.answerable, answer.reason


def test_a_region_translated_as_its_provinces_joined_by_dashes_is_the_region(regions) -> None:  # type: ignore[no-untyped-def]
    # The translation writes the region as its provinces (北京-天津-河北地区); the report
    # writes 京津冀: its figure is the region's, the Yangtze delta's is not.
    question = "How many AI-related companies did the Beijing-Tianjin-Hebei region have?"
    translated = "北京-天津-河北地区有多少家人工智能相关的企业？"
    said = [
        "By the end of 2023, the number of AI-related companies in the Beijing-Tianjin-Hebei "
        "region reached 2354."
    ]
    gen = model("2354家", "京津冀地区", question=translated, translations=said)
    answer = regions(gen, question)
    assert answer.answerable and "2354" in answer.text, (answer.text, answer.reason)
    # The Yangtze delta's figure is dropped; the region's own sentence is quoted instead.
    answer = regions(model("3359家", "长三角地区", question=translated), question)
    wrong = answer.claims[0]
    assert not wrong.supported and wrong.reason.startswith("subject:"), wrong
    assert "3359" not in answer.text and "2354" in answer.text, answer.text


def test_a_claim_of_the_questions_own_words_and_year_answers_nothing(regions) -> None:  # type: ignore[no-untyped-def]
    # "截至2023年底，京津冀地区" holds a figure, but it is the question's year: the claim
    # answers nothing. The sentence it cites does answer, and is quoted instead.
    question = "截至2023年底，京津冀地区人工智能相关企业数量是多少？"
    answer = regions(model("截至2023年底，京津冀地区", "京津冀地区"), question)
    restated = answer.claims[0]
    assert not restated.supported
    assert restated.reason == "content: it only restates the question", restated.reason
    assert answer.mode == "extractive" and "2354" in answer.text
    answer = regions(
        model("截至2023年底，京津冀地区人工智能相关企业有2354家", "京津冀地区"), question
    )
    assert answer.answerable, answer.reason


def test_an_english_claim_naming_whom_its_sentence_does_not(districts) -> None:  # type: ignore[no-untyped-def]
    # Fluent, on topic, close in meaning to the cited sentence, and about the wrong team:
    # the passages write both names in Latin script, the cited sentence only Stanford.
    gen = model(
        "The Inner Cosmos team let people who had lost speech talk again.",
        "失语者",
        terms=[("brain-computer interface", "脑机接口"), ("lost speech", "失语者")],
    )
    answer = districts(
        gen, "Which team's brain-computer interface let people who lost speech talk?"
    )
    assert not answer.answerable, (answer.text, answer.reason)
    assert "Inner Cosmos" in answer.reason, answer.reason


def test_a_figure_stated_sentences_after_its_subject_is_the_subjects(districts) -> None:  # type: ignore[no-untyped-def]
    # The section names 深圳 three sentences before the figure, and the figure's sentence
    # names no other city: the figure is Shenzhen's.
    gen = model("深圳新增人工智能企业数量达到580家。", "580家")
    answer = districts(gen, "深圳新增了多少家人工智能企业？")
    assert answer.answerable, answer.reason
    assert answer.claims[0].supported


def test_a_figure_whose_sentence_names_another_city_is_not_the_asked_citys(districts) -> None:  # type: ignore[no-untyped-def]
    gen = model("深圳新增人工智能企业数量为330家。", "330家")
    answer = districts(gen, "深圳新增了多少家人工智能企业？")
    dropped = answer.claims[0]
    assert (
        not dropped.supported and dropped.reason.startswith("subject:") and "深圳" in dropped.reason
    )
    # Shenzhen's own figure, under its heading among the shown passages, is quoted instead.
    assert answer.answerable and "580家" in answer.text and "330" not in answer.text


def test_a_year_inside_a_quoted_title_is_not_the_questions_date() -> None:
    found = analyze(
        "According to the '2023 top ten technology trends', what is CIPU?",
        ReportNames({}),
    ).entities
    assert "2023" not in found
    assert "2023" in analyze("How many robots shipped in 2023?", ReportNames({})).entities
    # An apostrophe is no quote: "China's ... Sophgo's" quotes nothing.
    found = analyze("What did China's team and Sophgo's engineers build?", ReportNames({})).entities
    assert not any("team" in e for e in found)


def test_the_verb_for_what_a_named_report_does_is_not_what_is_asked() -> None:
    # "腾讯报告展示了它的什么能力？": 展示 is what the report does; a sentence stating the
    # ability ("混元生成图片…") need not say 展示.
    reports = ReportNames(
        {"trends.md": DocumentMeta(title="2023年五大科技趋势", publisher="甲研究院 (Jia Academy)")}
    )
    labels = {"trends.md": "2023年五大科技趋势 甲研究院 Jia Academy"}
    idf = {"混元": 6.0, "大模型": 3.0, "展示": 3.0, "能力": 2.0, "参数": 4.0, "规模": 3.0}
    asked = analyze("混元大模型：甲研究院报告展示了它的什么能力？", reports)
    assert asked.docs == ("trends.md",)
    # Neither the report's verb nor the topic set out before the colon (the subject,
    # checked as one) is what is asked of the subject: nothing is left to hold it to.
    assert ClaimChecker(asked, idf, 4.0, labels)._attribute_terms == []
    led = analyze("混元大模型：甲研究院报告记录的参数规模是多少？", reports)
    assert ClaimChecker(led, idf, 4.0, labels)._attribute_terms == ["规模"]
    # Without a report, what was shown is what the question asks of its subject.
    plain = analyze("混元大模型在发布会上展示了什么能力？", ReportNames({}))
    assert ClaimChecker(plain, idf, 4.0, {})._attribute_terms == ["展示"]
    # "分别强调了什么": what each report stresses is what it writes, not a word it writes.
    stressed = analyze("关于指导意见，甲研究院报告强调了什么？", reports)
    assert "强调" not in ClaimChecker(stressed, idf, 4.0, labels)._attribute_terms
    # The unit a sum is asked in (亿元 of "多少亿元") is the answer's, not a thing counted.
    target = analyze("甲研究院报告记录的产业规模目标是多少亿元？", reports)
    assert ClaimChecker(target, idf, 4.0, labels)._attribute_terms == ["目标"]


def test_a_mis_segmented_name_is_no_subject_to_check() -> None:
    # jieba tags 和星 (of "脑机接口和星地直连") as a name; the tokenizer drops its 和.
    analysis = analyze("脑机接口和星地直连通信两章的主笔分别是谁？", ReportNames({}))
    checker = ClaimChecker(analysis, {"星": 4.0, "深圳": 3.0}, 4.0, {})
    assert checker._forms("和星") == []
    assert checker._forms("深圳") == ["深圳"]


def test_one_reports_part_of_a_comparison_is_asked_without_the_other_reports_name() -> None:
    reports = ReportNames(
        {
            "trends.md": DocumentMeta(
                title="2023年五大科技趋势", publisher="甲研究院 (Jia Academy)"
            ),
            "outlook.md": DocumentMeta(
                title="看未来：人工智能展望", publisher="乙研究 (Yi Research)"
            ),
        }
    )
    question = "甲研究院和乙研究如何看待人形机器人的前景？"
    part = reports.without(question, ["outlook.md"])
    assert "乙研究" not in part and "甲研究院" in part and "人形机器人" in part
    # Each part asks one report alone: the other's name goes with its report noun and the
    # conjunction joining the two, and 分别/each (left in, the part asks for a comparison).
    both = "甲研究院的报告和乙研究分别如何看待人形机器人的前景？"
    assert reports.without(both, ["outlook.md"]) == "甲研究院的报告如何看待人形机器人的前景？"
    assert reports.without(both, ["trends.md"]) == "乙研究如何看待人形机器人的前景？"
    english = "How do the Jia Academy report and Yi Research each see humanoid robots?"
    assert (
        reports.without(english, ["outlook.md"])
        == "How do the Jia Academy report see humanoid robots?"
    )
    assert reports.without(english, ["trends.md"]) == "How do Yi Research see humanoid robots?"
    # The reports named after a comma: the 和 after the first joined the two; the comma
    # closes the clause before them and stays (not "…行政令和乙研究…").
    after = "那道行政令，甲研究院和乙研究分别是怎么描述它的？"
    assert reports.without(after, ["trends.md"]) == "那道行政令，乙研究是怎么描述它的？"
    assert reports.without(after, ["outlook.md"]) == "那道行政令，甲研究院是怎么描述它的？"
    # A report named by its publisher with its title after it, in 《》 or loosely with its
    # year: the title goes with the name. Left behind, "2024人工智能展望报告" asked the other
    # report's part about 2024, which its passages never mention (y22).
    titled = "甲研究院《2023年五大科技趋势》与乙研究2024人工智能展望报告，分别如何看待人形机器人？"
    assert reports.without(titled, ["outlook.md"]) == (
        "甲研究院《2023年五大科技趋势》如何看待人形机器人？"
    )
    assert (
        reports.without(titled, ["trends.md"]) == "乙研究2024人工智能展望报告，如何看待人形机器人？"
    )
    # A report named by its title alone, in its marks: the marks go with it, and so does
    # the 和 that joined it ("…甲研究院的报告和《》提到了…" asked of no report).
    marked = "关于《人形机器人指导意见》，甲研究院的报告和《看未来：人工智能展望》分别提到了什么？"
    assert reports.without(marked, ["outlook.md"]) == (
        "关于《人形机器人指导意见》，甲研究院的报告提到了什么？"
    )


def test_a_reports_short_name_with_a_qualifier_is_cut_whole() -> None:
    # "深圳AI白皮书": the white paper named by its publisher's place and a Latin qualifier.
    # Cut down to "白皮书", the Tencent part still asked of "腾讯报告和深圳AI", and the model,
    # given Tencent's passages, answered from another line and was refused.
    reports = ReportNames(
        {
            "tencent.txt": DocumentMeta(
                title="2024数字科技前沿应用趋势",
                publisher="腾讯研究院 (Tencent Research Institute)",
            ),
            "szaiia.txt": DocumentMeta(
                title="2024人工智能发展白皮书",
                publisher="深圳市人工智能行业协会 (Shenzhen AI Industry Association)",
            ),
        }
    )
    question = "腾讯报告和深圳AI白皮书将脑机接口用于让失语者再次讲话的团队是谁？"
    assert (
        reports.without(question, ["szaiia.txt"])
        == "腾讯报告将脑机接口用于让失语者再次讲话的团队是谁？"
    )
    assert (
        reports.without(question, ["tencent.txt"])
        == "深圳AI白皮书将脑机接口用于让失语者再次讲话的团队是谁？"
    )
    assert (
        reports.without("腾讯报告和深圳白皮书如何看待智谱AI？", ["szaiia.txt"])
        == "腾讯报告如何看待智谱AI？"
    )


# ------------------------------------------------------------------ 2c. what was asked

GAMES = """# 冬季运动会观察

## 火炬传递

冬季运动会的火炬传递于2月2日开始。火炬将传遍北京赛区的三个城区。

## 开幕式

冬季运动会开幕式的节目突出人类命运共同体。

## 场馆

冬季运动会共使用12个竞赛场馆。场馆全部使用绿色电力。

## 吉祥物

随着吉祥物形象和运动会标识的官方发布，冬季运动会渐行渐近。
"""


@pytest.fixture
def games(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "games"
    root.mkdir()
    (root / "games.md").write_text(GAMES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


CREDITS = """# 科技趋势报告

## 脑机接口

脑机接口有望架设人脑与人工智能的直接、高速连接，增强人脑信息处理和交互能力。

## 编委会

主编
刘琼
主笔
高性能计算：刘莫闲
脑机接口：吴朋阳
星地直连通信：王鹏
"""


def test_an_entry_of_a_labelled_list_speaks_of_its_label(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "脑机接口：吴朋阳" says who wrote the chapter only under its list's label, 主笔,
    # a few lines above: that label is what the entry speaks of, as a table's header
    # row is for its rows. An entry of the list under 主编 is not read as 主笔's.
    root = tmp_path / "credits"
    root.mkdir()
    (root / "credits.md").write_text(CREDITS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("吴朋阳", "吴朋阳")
    answer = Answerer(searcher, gen).ask("编委会中脑机接口的主笔是谁？", AskOptions())
    assert answer.answerable, answer.reason
    assert "吴朋阳" in answer.text
    gen = model("吴朋阳", "吴朋阳")
    answer = Answerer(searcher, gen).ask("编委会中脑机接口的审校是谁？", AskOptions())
    assert not answer.answerable, (answer.text, answer.reason)


def test_a_date_from_the_sentence_beside_the_asked_event_is_measured(  # type: ignore[no-untyped-def]
    games, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The relay's date, quoted verbatim, figure and subject in its sentence, for the
    # opening's: the sentence that states the date holds the topic but not what was
    # asked of it (开幕式).
    question = "冬季运动会北京赛区的开幕式是哪一天？"
    answer = games(model("2月2日", "火炬传递于", "开幕式的节目"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("attribute: the sentence that states it"), answer.reason
    assert "开幕式" in answer.reason
    # The share of all the question's terms in that sentence is recorded; refusing on it
    # is off by default.
    shares = [c.asked for c in answer.claims]
    assert shares and shares[0] is not None and shares[0] < 0.5
    monkeypatch.setattr(claims_module, "ANSWER_SENTENCE_COVERAGE", 0.5)
    answer = games(model("2月2日", "火炬传递于", "开幕式的节目"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("asked: the sentence that states it"), answer.reason
    # Asked what that sentence does state, the same reply is an answer.
    answer = games(model("2月2日", "火炬传递于"), "冬季运动会火炬传递的日期？")
    assert answer.answerable, answer.reason
    assert answer.citations[0].quote == "冬季运动会的火炬传递于2月2日开始。"


def test_a_claim_adding_what_its_sentence_does_not_state_is_refused(games) -> None:  # type: ignore[no-untyped-def]
    # The claim echoes the question (冬季运动会, 吉祥物) and adds the one thing asked for,
    # which its verbatim, on-topic sentence does not say.
    question = "冬季运动会的吉祥物是什么？"
    answer = games(model("冬季运动会的吉祥物是绿色的。", "吉祥物形象"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("content: its cited sentences do not state what it adds"), (
        answer.reason
    )
    assert "绿色" in answer.reason, answer.reason


def test_a_how_many_question_answered_without_a_quantity_is_refused(games) -> None:  # type: ignore[no-untyped-def]
    # Stated by its sentence, on topic, and no answer to "how many": refused, unless a
    # shown sentence that gives a quantity passes every check on its own — then that one
    # is quoted (the model wrote from the wrong sentence).
    question = "冬季运动会开幕式有多少个节目？"
    answer = games(model("冬季运动会开幕式的节目突出人类命运共同体。", "命运共同体"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("form: the question asks for a quantity"), answer.reason
    question = "冬季运动会的场馆有多少个？"
    answer = games(model("场馆全部使用绿色电力。", "绿色电力"), question)
    assert answer.answerable and answer.mode == "extractive", (answer.text, answer.reason)
    assert answer.reason.startswith("quoted: no claim states a quantity"), answer.reason
    assert "12个竞赛场馆" in answer.text and "绿色电力" not in answer.text
    answer = games(model("冬季运动会共使用12个竞赛场馆。", "12个竞赛场馆"), question)
    assert answer.answerable and answer.mode == "llm", answer.reason


def test_a_which_year_question_answered_with_a_day_is_refused(games) -> None:  # type: ignore[no-untyped-def]
    # 2月2日 is a time, not the year asked for; the sentence names none either, so it is
    # not quoted in its place.
    question = "冬季运动会的火炬传递是哪一年开始的？"
    answer = games(model("冬季运动会的火炬传递于2月2日开始。", "火炬传递于"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("form: the question asks for a year"), answer.reason


def test_a_short_clause_with_an_unstated_figure_is_dropped_alone(games) -> None:  # type: ignore[no-untyped-def]
    # "，全年约30场" is too short to be a clause of its own in general (a tail such as
    # "占全国的10%" belongs to the clause before it), but it holds the figure no sentence
    # states: the stated clause before it is kept in the model's words.
    gen = model("冬季运动会共使用12个竞赛场馆，全年约30场。", "12个竞赛场馆")
    answer = games(gen, "冬季运动会共使用多少个竞赛场馆？")
    assert answer.answerable, answer.reason
    assert answer.mode == "llm"
    assert "12个竞赛场馆" in answer.text and "30" not in answer.text
    kept, dropped = answer.claims
    assert kept.supported and kept.text.startswith("冬季运动会共使用12个竞赛场馆")
    assert not dropped.supported and dropped.text == "全年约30场。"


def test_the_cited_sentence_is_quoted_when_the_claim_written_from_it_fails(games) -> None:  # type: ignore[no-untyped-def]
    # The model cites the sentence that answers and miscopies its figure: the claim is
    # dropped, and the sentence it cited, checked as a claim of its own, is quoted.
    gen = model("冬季运动会共使用15个竞赛场馆。", "12个竞赛场馆")
    answer = games(gen, "冬季运动会共使用多少个竞赛场馆？")
    assert answer.answerable, answer.reason
    assert answer.mode == "extractive" and answer.reason.startswith("quoted:")
    assert "12个竞赛场馆" in answer.text and "15" not in answer.text
    assert [c.quote for c in answer.citations] == ["冬季运动会共使用12个竞赛场馆。"]
    dropped, quoted = answer.claims
    assert not dropped.supported and dropped.reason.startswith("figure:")
    assert quoted.supported and quoted.citations == (answer.citations[0].n,)
    assert len(answer_requests(gen)) == 1  # the quote costs no second request


CHIPS = (
    "# 半导体展望\n\n## 产业政策\n\n"
    + "大基金三期目标筹集 400 亿美元，投资将集中于芯片制造环节。"
    + "产业政策聚焦制造薄弱环节，推动全球半导体收入中的国产份额增长。" * 4
    + "\n\n## 市场预测\n\n"
    + "Gartner 预计 2024 年，全球半导体收入将增长 17%，其中内存市场将增长 66.3%。"
    + "全球半导体收入的增长主要由存储器推动，数据中心的需求也在回升。" * 4
    + "\n"
)  # two sections, a chunk each


@pytest.mark.parametrize("stated", [True, False])
def test_a_sentence_elsewhere_is_quoted_when_the_cited_passage_lacks_the_year(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, stated: bool
) -> None:
    # The model cites the policy passage, which never names 2024: that citation cannot
    # hold a 2024 forecast. The shown sentence that states it is quoted in its place when
    # there is one; when the corpus gives the forecast for another year, refused.
    root = tmp_path / "chips"
    root.mkdir()
    text = CHIPS if stated else CHIPS.replace("2024 年", "2023 年")
    (root / "chips.md").write_text(text, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("2024年全球半导体收入将增长400亿美元。", "大基金三期")
    answer = Answerer(searcher, gen).ask("Gartner预计2024年全球半导体收入将增长多少？")
    if not stated:
        assert not answer.answerable and not answer.citations
        assert answer.reason.startswith(("year:", "figure:")), answer.reason
        return
    assert answer.answerable, answer.reason
    assert answer.reason.startswith("quoted: year: the cited passages never mention 2024")
    assert [c.quote for c in answer.citations] == [
        "Gartner 预计 2024 年，全球半导体收入将增长 17%，其中内存市场将增长 66.3%。"
    ]
    assert "400" not in answer.text


@pytest.mark.parametrize("quote", ["'{}'", "“{}”"])
def test_a_list_read_from_another_section_than_the_quoted_one_is_refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, quote: str
) -> None:
    # The reader quotes the section's name: items read from a section that never writes
    # it (the policy section, for "市场预测") answer another question.
    root = tmp_path / "chips"
    root.mkdir()
    policy, market = CHIPS.split("\n\n## 市场预测")
    text = f"# 半导体展望\n\n## 市场预测{market}\n{policy.removeprefix('# 半导体展望')}"
    # Enough sections that a section's name is a rare word (a common one checks nothing).
    for topic in ("人才培养", "国际合作", "标准制定", "生态建设"):
        text += f"\n## {topic}\n\n" + f"{topic}是半导体产业长期发展的基础工作之一。" * 6 + "\n"
    (root / "chips.md").write_text(text, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    question = f"半导体展望中{quote.format('市场预测')}部分对全球半导体收入有哪些预测？"
    assert "市场预测" in analyze(question, ReportNames({})).entities
    policy = model("- 投资将集中于芯片制造环节", "大基金三期")
    answer = Answerer(searcher, policy).ask(question)
    assert not answer.answerable, answer.text
    assert answer.claims and answer.claims[0].reason.startswith("subject:"), answer.reason
    forecast = model("- 全球半导体收入将增长 17%，内存市场将增长 66.3%", "Gartner")
    answer = Answerer(searcher, forecast).ask(question)
    assert answer.answerable, answer.reason


MODELS = """# 大模型观察

## 发布

11月6日，OpenAI开发者日发布GPT-4 Turbo，允许用户上传资料，生成自定义的智能助理。

在ChatGPT发布4个月后，GPT-4于3月14日正式发布，回答准确性比GPT-3.5提升40%。
"""


def test_a_clause_answering_one_part_is_held_to_that_parts_subject(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Asked two things at once, the model joins both answers in one sentence, and the
    # first clause gives GPT-4 Turbo's date for GPT-4. As a whole the claim is about the
    # second part's subject (GPT-3.5), which its sentences name; its first clause names
    # only the first part's, whose date this is not.
    root = tmp_path / "models"
    root.mkdir()
    (root / "models.md").write_text(MODELS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    question = "GPT-4是哪天发布的？它的回答准确性比GPT-3.5提升了多少？"
    wrong = model("GPT-4于11月6日发布，回答准确性比GPT-3.5提升40%。", "11月6日", "提升40%")
    answer = Answerer(searcher, wrong).ask(question)
    assert "11月6日" not in answer.text
    assert not answer.claims[0].supported
    assert answer.claims[0].reason.startswith("subject:"), answer.claims[0].reason
    right = model("GPT-4于3月14日正式发布，回答准确性比GPT-3.5提升40%。", "提升40%")
    answer = Answerer(searcher, right).ask(question)
    assert answer.answerable, answer.reason
    assert "3月14日" in answer.text and "40%" in answer.text


def test_a_cited_sentence_about_another_subject_is_not_quoted(ask) -> None:  # type: ignore[no-untyped-def]
    # The near-miss stays refused: the cited sentence gives Beijing's and Shanghai's
    # figures, not Hangzhou's.
    gen = model("杭州市人工智能企业数量为2,200家。", "北京市人工智能企业数量")
    answer = ask(gen, "截至2023年底，杭州市有多少家人工智能企业？")
    assert not answer.answerable and not answer.citations
    assert answer.reason.startswith("subject:"), answer.reason


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("北京冬奥会开幕日期是什么时候", "date"),
        ("阮富仲访华时间", "time"),
        ("When did the first humanoid robots ship?", "time"),
        ("北京2022冬奥会高校志愿者有多少人", "quantity"),
        ("How many AI companies does Shenzhen have?", "quantity"),
        ("人形机器人面临哪些挑战？", ""),  # a list: any form
        ("白皮书提到的平安脑是哪一年推出的？", "year"),
        ("2023年发射的星链卫星有多重？", "quantity"),  # 多重: how heavy, a measure asked for
        ("多重影响下的企业面临哪些挑战？", ""),  # 多重影响: multiple, no measure
        ("In what year did the first humanoid robots ship?", "year"),
        ("谁是神舟十四号的指令长", ""),
        # A question that ends on the measure it wants asks for a quantity too.
        ("北京冬奥会澳大利亚运动员数量", "quantity"),
        ("10·29索马里首都汽车炸弹爆炸死亡人数", "quantity"),
        ("What was the number of AI start-ups in Shenzhen?", "quantity"),
        ("白皮书中的人工智能企业数量统计方法是怎样的？", ""),  # a measure, not asked for
    ],
)
def test_the_form_an_answer_must_take(question: str, form: str) -> None:
    assert analyze(question, ReportNames(REPORTS)).wants == form


def test_a_report_is_named_by_its_alias_with_the_year_anywhere() -> None:
    # The manifest's English title of a Chinese report; readers put the year first.
    damo = DocumentMeta(
        "2023年十大科技趋势（节选）",
        "阿里巴巴达摩院 (Alibaba DAMO Academy)",
        2023,
        aliases=("Top Ten Technology Trends 2023",),
    )
    names = ReportNames({**REPORTS, "damo.txt": damo})
    question = (
        "According to the '2023 top ten technology trends', what is cloud computing centred on?"
    )
    analysis = analyze(question, names)
    assert analysis.docs == ("damo.txt",)
    assert not any("trends" in e.lower() for e in analysis.entities)


def test_an_english_answer_names_a_report_by_its_english_alias() -> None:
    reports = ReportNames(
        {
            "a.txt": DocumentMeta(
                "2023年十大科技趋势", aliases=("Top Ten Technology Trends 2023",)
            ),
            "b.txt": DocumentMeta("城市人工智能白皮书"),
        }
    )
    assert reports.label(["a.txt"]) == "2023年十大科技趋势"
    assert reports.label(["a.txt"], "en") == "Top Ten Technology Trends 2023"
    assert reports.label(["b.txt"], "en") == "城市人工智能白皮书"  # no English name known


# ------------------------------------------------------------------ bare answers

CITY_SENTENCE = "截至2023年底，北京市人工智能企业数量为2,200家，上海市人工智能企业数量为1,100家。"


def test_a_bare_figure_is_shown_with_what_it_measures(ask, shelf: Path) -> None:  # type: ignore[no-untyped-def]
    # "1,100家" alone hides whose count it is; the reader gets the clause that states it.
    gen = model("1,100家", "上海市人工智能企业数量")
    answer = ask(gen, ZH_SHANGHAI)
    assert answer.answerable, answer.reason
    (n,) = {c.n for c in answer.citations}
    assert answer.text == f"上海市人工智能企业数量为1,100家[{n}]"
    assert answer.claims[0].text == "上海市人工智能企业数量为1,100家"
    assert_checkable(answer, shelf)


@pytest.mark.parametrize(
    "claim, sentence, shown",
    [
        ("42%", "中国当前乘用车 L2 及以上智驾渗透率超过了 42%, 较去年 30% 大幅提升。",
         "中国当前乘用车 L2 及以上智驾渗透率超过了 42%"),
        ("2026年。", "菲尔兹奖得主, 数学家陶哲轩认为, 预计如果使用得当, 到2026年, AI将成为"
         "数学研究和许多其他领域值得信赖的合著者。",
         "到2026年, AI将成为数学研究和许多其他领域值得信赖的合著者。"),
        ("3,500美元", "首发的 Vision Pro 定价高达 3,500 美元。",
         "首发的 Vision Pro 定价高达 3,500 美元"),
        ("$3,500", "It launched at $3,500, and it runs visionOS.", "It launched at $3,500"),
        # A score or a time is one figure: its colon breaks no clause.
        ("61:83", "中国女篮在决赛中以61:83负于美国队，获得亚军。",
         "中国女篮在决赛中以61:83负于美国队"),
        # A statement of its own, or words the sentence does not write, stay as they are.
        ("上海市人工智能企业数量为1,100家。", CITY_SENTENCE, "上海市人工智能企业数量为1,100家。"),
        ("约1100家", CITY_SENTENCE, "约1100家"),
    ],
)  # fmt: skip
def test_a_bare_claim_takes_the_clauses_of_its_sentence(
    claim: str, sentence: str, shown: str
) -> None:
    assert stated_in_full(claim, sentence) == shown


SEVEN = (
    "来自“七巨头”的风险投资交易逆势上扬，2023 年至今已经超过了 400 亿美元，为历年最高，"
    "其中，超过 240 亿美元投向人工智能相关领域。"
)
LONGER = "截至2023年底，上海市人工智能企业数量为1,100家，其中大部分集中在浦东新区和徐汇区"
DELTA = (
    "截至 2023 年底,长三角地区人工智能相关企业数量达到 3359 家; 2023 年,长三角地区人工智能"
    "融资数量和融资金额分别为 270 起、346.8 亿元,人工智能发明专利申请数量达 2.7 万项。"
)


@pytest.mark.parametrize(
    "claim, sentence, shown",
    [
        # A paraphrase drops what the figures are ("超过"), a terse one what they count.
        ("2023年以来“七巨头”的企业风险投资交易额为400亿美元，其中投向AI的金额为240亿美元",
         SEVEN, SEVEN.rstrip("。")),
        ("3359 家, 270 起, 346.8 亿元", DELTA,
         "截至 2023 年底,长三角地区人工智能相关企业数量达到 3359 家; 2023 年,长三角地区人工智能"
         "融资数量和融资金额分别为 270 起、346.8 亿元"),
        # Figures the sentence does not state, a claim longer than the clauses, a claim in
        # another language, or clauses about something else: the claim stays.
        ("长三角地区企业数量为3360家", DELTA, "长三角地区企业数量为3360家"),
        (LONGER, CITY_SENTENCE, LONGER),
        ("Shanghai had 1,100 AI companies.", CITY_SENTENCE, "Shanghai had 1,100 AI companies."),
        ("京津冀的创新载体有2,200个", CITY_SENTENCE, "京津冀的创新载体有2,200个"),
        ("营收为12.5亿元", "营收\t12.5亿元\t11.3亿元", "营收为12.5亿元"),  # a table row
    ],
)  # fmt: skip
def test_a_figure_claim_is_shown_in_its_sentences_words(
    claim: str, sentence: str, shown: str
) -> None:
    assert figures_in_full(claim, sentence) == shown


# ------------------------------------------------------------------ a neighbour's figure

ROBOTS = """# 人形机器人观察

## 量产

Agility 公司的 Digit 机器人已进入亚马逊仓库测试。特斯拉希望 Optimus 成本降至 2 万美元。

## 市场

根据 BCC Research 统计，2023年全球消费级基因检测市场规模为152亿美元。\
全球消费级基因检测市场在2026年将达到377.2亿美元。\
较2022年，2023年全球人形机器人出货量增长了50%。

## 融资

从 2022 年开始，深圳人工智能行业融资金额出现减少趋势，2023年，深圳人工智能行业融资金额为 73.3 亿元。

## 禁运芯片

英伟达 H100 SXM 的显存带宽为 3.4 TB/s。

## 大模型

2023年7月12日，Anthropic发布了全新的AI大语言模型Claude 2。

## 发布会

2024年1月9日，该公司在展会上展示了新款机器人的外观。新款机器人将于2024年3月上市，其续航为8小时。\
共有12支球队的工程师参加了现场调试。

## 传感器性能

技术指标\t技术目标\t技术要点
采样率\t每秒 2000Hz 以上\t高密度电极阵列

## 花样滑冰

花样滑冰比赛中，随后出场的是谢尔巴科娃。最后谢尔巴科娃与特鲁索娃取得金牌与银牌。

## 清明档

数据显示，截至4月5日20时，2023年清明档总票房已突破1.92亿元，超过2022年清明档3天总票房。

## 创意模型

2023年3月21日，Adobe推出全新的创意生成式人工智能模型集Firefly。\
第一批与Firefly整合的应用程序是Adobe Express和Adobe Photoshop。

## 2023年奥克兰站

2021年美网女单冠军拉杜卡努在奥克兰站的比赛中扭伤脚踝，最终无奈退赛。
"""


@pytest.fixture
def robots(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "robots"
    root.mkdir()
    (root / "robots.md").write_text(ROBOTS, encoding="utf-8")
    # Other topics beside it, so that words have the weights they have on a real shelf.
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_figure_stated_for_another_latin_named_product_is_refused(robots) -> None:  # type: ignore[no-untyped-def]
    # Digit is named in the passage; the price is Optimus's, named in the figure's sentence.
    question = "Digit 机器人量产后的成本是多少？"
    answer = robots(model("特斯拉希望 Optimus 成本降至 2 万美元。", "Optimus 成本"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:") and "Digit" in answer.reason, answer.reason
    # Asked about Optimus, the same reply is its answer.
    answer = robots(
        model("特斯拉希望 Optimus 成本降至 2 万美元。", "Optimus 成本"),
        "特斯拉 Optimus 机器人量产后的成本是多少？",
    )
    assert answer.answerable, answer.reason


def test_a_figure_the_clauses_before_it_date_to_another_year_is_refused(robots) -> None:  # type: ignore[no-untyped-def]
    # The sentence names the asked 2022 only as what the 2023 figure exceeds; the model
    # writes the asked year into its claim.
    question = "2022年清明档票房是多少？"
    answer = robots(model("2022年清明档总票房为1.92亿元。", "1.92亿元"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason == "year: it dates its figure to 2023, not 2022", answer.reason
    # Asked about 2023, the same sentence answers.
    answer = robots(
        model("2023年清明档总票房已突破1.92亿元。", "1.92亿元"), "2023年清明档票房是多少？"
    )
    assert answer.answerable, answer.reason


def test_a_figure_its_sentence_dates_to_another_year_is_refused(robots) -> None:  # type: ignore[no-untyped-def]
    # 2023 is named in the sentence before; the figure's own sentence dates it to 2026.
    question = "2023年全球消费级基因检测市场规模是多少？"
    answer = robots(model("全球消费级基因检测市场在2026年将达到377.2亿美元。", "377.2亿"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason == "year: it dates its figure to 2026, not 2023", answer.reason
    # Written into the asked year by the model, it is still the 2026 clause's figure.
    answer = robots(model("2023年全球消费级基因检测市场规模为377.2亿美元。", "377.2亿"), question)
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason == "year: it dates its figure to 2026, not 2023", answer.reason
    answer = robots(model("2023年全球消费级基因检测市场规模为152亿美元。", "152亿美元"), question)
    assert answer.answerable, answer.reason
    # A year the sentence counts from is not the year of its figure.
    answer = robots(
        model("2022年深圳人工智能行业融资总额为73.3亿元。", "73.3 亿元"),
        "2022年深圳人工智能行业融资总额是多少？",
    )
    assert not answer.answerable, (answer.text, answer.reason)
    # (The figure's clauses count from 2022 and date it to 2023.)
    assert answer.reason == "year: it dates its figure to 2023, not 2022", answer.reason
    # Nor when the claim writes both years: the one it counts from dates nothing.
    answer = robots(
        model(
            "从2022年开始，深圳人工智能行业融资金额减少，2023年融资金额为73.3亿元。", "73.3 亿元"
        ),
        "2022年深圳人工智能行业融资总额是多少？",
    )
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason == "year: it dates its figure to 2023, not 2022", answer.reason
    # A year in an epithet (2021年美网女单冠军) dates no figure; the heading's year holds.
    answer = robots(
        model("2021年美网女单冠军拉杜卡努在奥克兰站的比赛中扭伤脚踝，最终无奈退赛。", "扭伤脚踝"),
        "2023年奥克兰站拉杜卡努退赛的原因是什么？",
    )
    assert answer.answerable, answer.reason
    # A year the sentence compares with does not date its figure.
    answer = robots(
        model("2023年全球人形机器人出货量增长了50%。", "增长了50%"),
        "2023年全球人形机器人出货量增长了多少？",
    )
    assert answer.answerable, answer.reason


def test_a_date_whose_sentence_speaks_of_another_event_is_refused(robots) -> None:  # type: ignore[no-untyped-def]
    # On topic, the right kind of figure, the subject in the passage: but the date's own
    # sentence is about a showing, and the question asks when it goes on sale.
    # The model's claim is dropped for it; the shown sentence that says when it goes on
    # sale is quoted in its place.
    question = "新款机器人什么时候上市？"
    answer = robots(model("新款机器人于2024年1月9日上市。", "展示了新款机器人"), question)
    dropped = answer.claims[0]
    assert not dropped.supported and dropped.reason.startswith("attribute:"), dropped
    assert "上市" in dropped.reason
    assert answer.answerable and "1月9日" not in answer.text, answer.text
    assert [c.quote for c in answer.citations] == ["新款机器人将于2024年3月上市，其续航为8小时。"]
    answer = robots(model("新款机器人将于2024年3月上市。", "将于2024年3月上市"), question)
    assert answer.answerable, answer.reason
    # A sentence going on from the one before ("其…") speaks of that one's subject.
    answer = robots(model("新款机器人的续航为8小时。", "其续航为8小时"), "新款机器人的续航是多久？")
    assert answer.answerable, answer.reason
    # A table row is read under its table's header row (技术目标).
    answer = robots(
        model("采样率为每秒 2000Hz 以上。", "每秒 2000Hz"), "传感器采样率的技术目标是多少？"
    )
    assert answer.answerable, answer.reason
    # A count question asks for what it counts: 球队, though the sentence does not say 到场.
    answer = robots(model("共有12支球队。", "共有12支球队"), "新款机器人发布会有多少支球队到场？")
    assert answer.answerable, answer.reason


def test_a_claim_cited_to_the_wrong_one_of_two_sentences_is_cited_from_the_right_one(  # type: ignore[no-untyped-def]
    robots,
) -> None:
    # Both sentences name her; only the second says she took the gold. The model cited
    # the first: the answer stands, cited from the sentence that states it.
    question = "花样滑冰比赛的金牌得主是谁？"
    answer = robots(model("谢尔巴科娃", "随后出场"), question)
    assert answer.answerable, answer.reason
    assert [c.quote for c in answer.citations] == ["最后谢尔巴科娃与特鲁索娃取得金牌与银牌。"]
    # A name written in Latin letters in a Chinese sentence is read in that sentence's
    # words: a list item naming it is cited from the sentence that names it.
    answer = robots(
        model("- Adobe Express\n- Adobe Photoshop", "Adobe推出"),
        "第一批与Firefly整合的应用程序有哪些？",
    )
    assert answer.answerable, answer.reason
    assert {c.quote for c in answer.citations} == {
        "第一批与Firefly整合的应用程序是Adobe Express和Adobe Photoshop。"
    }
    # No shown sentence speaks of a coach: citing another sentence cannot make it so.
    answer = robots(model("谢尔巴科娃", "随后出场"), "花样滑冰比赛的主教练是谁？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("attribute:"), answer.reason


def test_a_bare_figure_is_checked_in_its_sentences_language(  # type: ignore[no-untyped-def]
    robots, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "50%" is in no language: it is looked up in its sentence, not compared across
    # languages by the embedder's cosine, which (as EmbeddingGemma does) rates a bare
    # figure unlike any sentence.
    monkeypatch.setattr(Answerer, "_similarity", lambda _self, a, b: [[0.0] * len(b) for _ in a])
    # The model cites the sentence before the one stating it, which is then found.
    answer = robots(model("50%", "377.2亿美元"), "2023年全球人形机器人出货量增长了多少？")
    assert answer.answerable, answer.reason
    assert answer.claims[0].supported and not answer.claims[0].checked_as


def test_another_versions_date_is_refused(robots) -> None:  # type: ignore[no-untyped-def]
    # The passages never write Claude 3; its sentence dates Claude 2.
    gen = model("Anthropic的Claude 3于2023年7月12日发布。", "Claude 2")
    answer = robots(gen, "Anthropic发布的AI大语言模型Claude 3是什么时候发布的？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:") and "Claude 3" in answer.reason, answer.reason
    # A model code: the H100's bandwidth is not the H800's.
    gen = model("H800的显存带宽为3.4 TB/s。", "H100 SXM")
    answer = robots(gen, "英伟达 H800 的显存带宽是多少？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:") and "H800" in answer.reason, answer.reason
    gen = model("Anthropic于2023年7月12日发布了Claude 2。", "Claude 2")
    answer = robots(gen, "Anthropic发布的AI大语言模型Claude 2是什么时候发布的？")
    assert answer.answerable, answer.reason


def test_a_bare_figure_is_no_reply_in_the_wrong_language(ask) -> None:  # type: ignore[no-untyped-def]
    # "42%" to a Chinese question was taken for an English reply and asked again, and the
    # second reply made up another figure; a figure alone is in every language.
    gen = model("1,100", "上海市人工智能企业数量")
    answer = ask(gen, ZH_SHANGHAI)
    assert answer.answerable, answer.reason
    assert "rewrite" not in kinds(gen)
    assert answer.text.startswith("上海市人工智能企业数量为1,100")


def test_a_subject_named_just_before_a_chunk_boundary_is_the_figures() -> None:
    # The chunk boundary fell between "《自然》杂志选出了…" and the sentences that go on
    # from it: read on into the passage before, the subject is named just before.
    text = (
        "其中，一家公司的药物有望取代降胆固醇药物。"
        "Prime Medicine 计划明年寻求针对慢性肉芽肿病的临床试验。"
    )
    chunk = Chunk("c2", text, Location("n.md", "n", 0, len(text), 1, 1), heading="临床试验")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[1])]
    asked = analyze(
        "《自然》选出的临床试验中，Prime Medicine计划针对哪种疾病开展试验？", ReportNames({})
    )
    idf = {"自然": 3.0, "prime": 5.0, "medicine": 5.0, "临床": 3.0, "试验": 2.0}
    claim = "慢性肉芽肿病"
    alone = ClaimChecker(asked, idf, 4.0, {})
    assert alone._missing_subject(claim, evidence) == "自然"
    read_on = ClaimChecker(
        asked, idf, 4.0, {}, lead_in=lambda _c: "《自然》杂志选出了 2024 年最值得关注临床试验。"
    )
    assert read_on._missing_subject(claim, evidence) == ""


def test_each_question_of_a_two_part_question_is_asked_of_its_subject() -> None:
    asked = analyze("未来什么会成为多媒体的重要载体？哪项技术被视为未来重要方向？", ReportNames({}))
    checker = ClaimChecker(asked, {"载体": 4.0, "方向": 4.0}, 4.0, {})
    assert checker._attribute_terms == ["载体", "方向"]


def test_a_word_glued_to_a_function_character_is_no_attribute() -> None:
    # jieba cuts the Han run after a Latin letter "罗在哪个球队" as 罗在/哪个/球队: a word
    # its dictionary lacks, ending in a preposition. The attribute is not 罗在 (which no
    # sentence about the club writes); 球队 is the answer's kind, so nothing is asked of
    # the subject beyond what names it.
    asked = analyze("2023年C罗在哪个球队？", ReportNames({}))
    checker = ClaimChecker(asked, {"球队": 3.0}, 4.0, {})
    assert "罗在" not in checker._attribute_terms
    # A word the dictionary holds keeps its last character (存在, 现在 are words).
    kept = analyze("这种风险是否存在？", ReportNames({}))
    assert ClaimChecker(kept, {"风险": 3.0}, 4.0, {})._attribute_terms == ["存在"]


def test_how_exact_a_figure_is_asked_for_is_no_attribute() -> None:
    # "全年大约多少件" asks a count: 全年 frames it and 大约 hedges it; neither is what a
    # sentence stating the count must say. "变化了多少" asks for the change itself.
    asked = analyze("2023年专利申请量同比变化了多少？全年大约多少件？", ReportNames({}))
    checker = ClaimChecker(asked, {"变化": 3.0, "大约": 3.0, "全年": 3.0}, 4.0, {})
    assert checker._attribute_terms == ["变化"]


def test_what_is_asked_of_a_subject_when_it_is_asked_by_day() -> None:
    # "哪天发布的" asks when it was released: 天 is the answer's slot, 发布 what is asked.
    asked = analyze("GPT-4是哪天发布的？", ReportNames({}))
    checker = ClaimChecker(asked, {"发布": 3.0}, 4.0, {})
    assert checker._attribute_terms == ["发布"]
    # A Latin name is said with or without its hyphen.
    assert checker._said("gpt-4", fold("在ChatGPT发布4个月后，GPT4正式发布"))
    assert not checker._said("gpt-4", fold("GPT3.5正式发布"))


def test_a_passage_reads_on_into_the_one_before_it_under_the_same_heading(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    sentences = [f"第{i}句话讲的是临床试验的第{i}个进展，内容足够长以便切分。" for i in range(1, 9)]
    text = "# 基因编辑\n\n" + "".join(sentences) + "\n\n# 其他\n\n另一个标题下的内容与前文无关。\n"
    (tmp_path / "gene.md").write_text(text, encoding="utf-8")
    small = replace(settings, chunk_size=80, chunk_overlap=0)
    ingest_paths(small, [tmp_path], loader=fake_loader)
    searcher = open_searcher(small, loader=fake_loader)[0]
    answerer = Answerer(searcher, None)
    chunks = sorted(searcher.index.chunks, key=lambda c: c.location.start)
    gene = [c for c in chunks if c.heading == "基因编辑"]
    assert len(gene) >= 3
    assert answerer._lead_in(gene[0]) == ""  # the document's first passage
    for before, chunk in zip(gene, gene[1:], strict=False):
        lead = answerer._lead_in(chunk)
        assert lead and before.text.rstrip().endswith(lead.split(" ")[-1]), (lead, before.text)
    other = next(c for c in chunks if c.heading == "其他")
    assert answerer._lead_in(other) == ""  # another heading begins: nothing leads into it


def test_a_question_spanning_years_is_not_refused_for_a_year_its_answer_does_not_use(  # type: ignore[no-untyped-def]
    robots,
) -> None:
    # Two questions, two years: the answer to the first cites a passage without the
    # second's year. Its own year is checked where it states it, not refused wholesale.
    question = "新款机器人于2024年几月上市？2022年深圳人工智能行业融资出现了什么趋势？"
    answer = robots(model("新款机器人将于2024年3月上市。", "将于2024年3月上市"), question)
    assert answer.answerable, answer.reason
    # One year framing the question: a figure from a passage that never names it is not
    # taken for that year's.
    answer = robots(
        model("新款机器人将于2024年3月上市。", "将于2024年3月上市"),
        "2022年新款机器人的续航是多久？",
    )
    assert not answer.answerable, (answer.text, answer.reason)


def test_an_enumeration_whose_last_item_was_dropped_does_not_end_on_its_separator() -> None:
    from trendqa.answer.answerer import _compose
    from trendqa.answer.claims import ClaimResult

    text = "要点包括高性能渲染、工具链成熟、广泛链接实体行业"
    results = [
        ClaimResult("要点包括高性能渲染", (), True),
        ClaimResult("工具链成熟", (), True),
        ClaimResult("广泛链接实体行业", (), False),
    ]
    assert _compose(text, results) == "要点包括高性能渲染、工具链成熟"


@pytest.mark.parametrize("separator", ["、", "，", ","])
def test_an_enumeration_with_an_item_dropped_between_others_keeps_one_separator(
    separator: str,
) -> None:
    from trendqa.answer.answerer import _compose
    from trendqa.answer.claims import ClaimResult

    # "微软、谷歌、微软、特斯拉" with the repeated item dropped: "…谷歌、特斯拉", never "、、".
    text = separator.join(["微软", "谷歌", "微软", "特斯拉"])
    results = [
        ClaimResult("微软", (), True),
        ClaimResult("谷歌", (), True),
        ClaimResult("微软", (), False),
        ClaimResult("特斯拉", (), True),
    ]
    assert _compose(text, results) == separator.join(["微软", "谷歌", "特斯拉"])


def test_a_bare_claim_is_not_shown_with_the_clause_of_the_next_claim() -> None:
    # Two claims from one sentence of a timeline: shown in full, the first would take in
    # the second's clause and the answer would state it twice.
    from trendqa.answer.answerer import _in_full
    from trendqa.answer.types import Citation, Claim

    quote = (
        "GPT-3 语言模型发布;AlphaFold2 预测 98.5%的人类蛋白质结构;ChatGPT 推出;分割一切模型推出。"
    )
    answer = Answer(
        "q",
        "zh",
        True,
        "AlphaFold2 预测 98.5%的人类蛋白质结构[1];ChatGPT 推出[1];分割一切模型推出[1]。",
        (Citation(1, "r.txt", "R", None, 0, len(quote), 1, 1, quote, True),),
        (),
        "llm",
        claims=(
            Claim("AlphaFold2 预测 98.5%的人类蛋白质结构", (1,), True),
            Claim("ChatGPT 推出", (1,), True),
            Claim("分割一切模型推出", (1,), True),
        ),
    )
    shown = _in_full(answer).text
    for claim in ("ChatGPT 推出", "分割一切模型推出", "98.5%"):
        assert shown.count(claim) == 1, shown


def test_a_claim_shown_in_its_sentences_words_shows_no_markdown_emphasis() -> None:
    # The report's text marks words bold; the answer shows its words, not its markup.
    from trendqa.answer.answerer import _in_full
    from trendqa.answer.types import Citation, Claim

    quote = "城市数字孪生实现了以及**大规模联合仿真推演**（更高精确性）。"
    answer = Answer(
        "q",
        "zh",
        True,
        "大规模联合仿真推演[1]",
        (Citation(1, "r.txt", "R", None, 0, len(quote), 1, 1, quote, True),),
        (),
        "llm",
        claims=(Claim("大规模联合仿真推演", (1,), True),),
    )
    shown = _in_full(answer)
    assert "大规模联合仿真推演" in shown.text and "（更高精确性）" in shown.text, shown.text
    assert "**" not in shown.text and "**" not in shown.claims[0].text


def test_a_translated_scale_is_the_claims_when_the_claim_writes_it_in_characters() -> None:
    # "拥有十亿用户级别的软件" was translated "ten billion user-level software" twice over,
    # and the claim refused: 十亿 is one billion.
    from trendqa.answer.answerer import _tidied
    from trendqa.answer.question import ReportNames

    asked = analyze('What does the report mean by "Big Tech"?', ReportNames({}))
    checked = "科技巨头曾经是指拥有十亿用户级别的软件及应用的企业。"
    text = "Big Tech once meant firms with ten billion user-level software and applications."
    assert "1 billion user-level" in _tidied(text, checked, asked)
    # A small count is left as it is; a claim writing its figures in digits (70亿, 700亿)
    # is not repaired a second time (70 billion, right for 700亿, read as 70亿 misread).
    from trendqa.answer.answerer import _scaled_in_characters

    assert "two stages" in _tidied("It has two stages.", "它分为两个阶段。", asked)
    assert _scaled_in_characters("Llama 2包含70亿、130亿、700亿多个参数规模版本。") == ""
    assert _scaled_in_characters(checked) == "10亿"


def test_a_bare_claim_is_shown_in_full_only_by_a_sentence_in_its_language() -> None:
    # An English answer's "IBM", citing a Chinese sentence, was shown as "IBM 研发出基于相变
    # 存储器…": the sentence's words, in the wrong language.
    from trendqa.answer.answerer import _in_full
    from trendqa.answer.types import Citation, Claim

    quote = "IBM 研发出基于相变存储器、用于深度学习推理的存算一体芯片 AIMC。"
    citation = Citation(1, "r.txt", "R", None, 0, len(quote), 1, 1, quote, True)
    answer = Answer(
        "q", "en", True, "IBM[1]", (citation,), (), "llm", claims=(Claim("IBM", (1,), True),)
    )
    assert _in_full(answer, sentences=True).text == "IBM[1]"
    chinese = replace(answer, language="zh")
    assert "存算一体芯片" in _in_full(chinese, sentences=True).text


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        (
            "关于美国对华半导体出口管制：白皮书记录BIS何时发布了新规？未尽研究称BIS多久审核一次？",
            "关于美国对华半导体出口管制：",
        ),
        (
            "在虚拟电厂方面，腾讯报告提到哪座电厂？白皮书介绍的哪家企业也涉及虚拟电厂？",
            "在虚拟电厂方面，",
        ),
        (
            "腾讯混元大模型：白皮书记录的发布时间是什么？腾讯报告展示了它的什么能力？",
            "腾讯混元大模型：",
        ),
        ("GPT-4是哪天发布的？腾讯报告认为它比GPT-3.5进步了多少？", ""),
        ("未尽研究怎么看：智能体会怎样？", ""),  # a question, not a topic, before the colon
    ],
)
def test_the_topic_a_question_sets_out_first_is_every_sub_questions(
    question: str, lead: str
) -> None:
    from trendqa.answer.question import topic_lead

    assert topic_lead(question) == lead


def test_each_reports_part_is_asked_with_the_questions_topic(ask) -> None:  # type: ignore[no-untyped-def]
    # The second sub-question ("乙研究认为它的成本会降到多少？") says "it": asked alone, its
    # retrieval would not know what. The topic set out first goes with it.
    question = "关于人形机器人：甲研究院的报告提到哪些趋势？乙研究认为它的成本会降到多少？"
    gen = FakeGenerator(lambda messages, options: reply("", []))
    ask(gen, question)
    asked = [prompts.asked_question(m) for m, _o in answer_requests(gen)]
    assert any(q.startswith("关于人形机器人：乙研究") for q in asked), asked


ENERGY = """# 小模型与能耗

## 推理能耗

不同的推理任务，平均消耗的能源差别很大。每千次图片生成所带来的能耗强度，是千次文本分类的近 1500 倍。

## 推理能耗

在 5 种模态中选择十个机器学习任务进行分析，可以估算推理阶段的碳排放。来源：Hugging Face 研究团队。
"""


@pytest.fixture
def energy(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "energy"
    root.mkdir()
    (root / "energy.md").write_text(ENERGY, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


@pytest.mark.parametrize(
    ("question", "named"),
    [
        (
            "According to the Hugging Face study, how much more energy does image generation use?",
            ("Hugging Face",),
        ),
        ("据IDC统计，中国AI市场规模是多少？", ("IDC",)),
        ("IDC数据显示，中国AI市场规模是多少？", ("IDC",)),
        ("深圳的数据中心有多少？", ()),  # 数据中心 is what is counted, not a source
        ("深圳市统计局称企业有多少家？", ()),
    ],
)
def test_the_source_a_question_cites_is_not_its_subject(
    question: str, named: tuple[str, ...]
) -> None:
    analysis = analyze(question, ReportNames(REPORTS))
    assert tuple(e for e in analysis.sources if e not in ("中国",)) == named


def test_a_figure_from_the_cited_source_is_answered_where_the_report_names_the_source(
    energy,
) -> None:  # type: ignore[no-untyped-def]
    # The figure's sentence does not name Hugging Face; the passage beside it, under the
    # same heading, credits the study to it.
    question = "据Hugging Face统计，图片生成的能耗强度是文本分类的多少倍？"
    claim = "每千次图片生成的能耗强度是千次文本分类的近1500倍。"
    answer = energy(model(claim, "近 1500 倍"), question)
    assert answer.answerable, answer.reason


@pytest.mark.parametrize(
    ("framed", "stated"),
    [
        ("The passage states that AI grows.", "AI grows."),
        (
            "- The study shows that image generation uses 1500 times more energy.",
            "- Image generation uses 1500 times more energy.",
        ),
        (
            "The Tencent report states that AI grows.",
            "The Tencent report states that AI grows.",
        ),  # its source, kept
    ],
)
def test_a_reading_frame_is_dropped_from_an_english_answer(framed: str, stated: str) -> None:
    from trendqa.answer.answerer import _without_reading_frame

    assert _without_reading_frame(framed) == stated


def test_how_heavy_is_the_answers_slot_not_a_word_its_sentence_must_hold() -> None:
    from trendqa.evidence import asked_text

    assert "多重" not in asked_text("星链卫星有多重？")
    assert "多重" in asked_text("多重影响下的企业面临哪些挑战？")


def test_how_often_once_is_the_answers_slot() -> None:
    from trendqa.evidence import asked_text

    assert "一次" not in asked_text("未尽研究称BIS多久审核一次？")
    assert "审核" in asked_text("未尽研究称BIS多久审核一次？")
    assert "一次" in asked_text("这是第一次发射吗？")


def test_each_reports_sub_question_is_checked_for_its_own_subjects(ask) -> None:  # type: ignore[no-untyped-def]
    # 上海 belongs to the first report's sub-question; the second's figure, stated of
    # humanoid robots, is not refused for not naming it.
    question = "甲研究院的报告提到上海有哪些趋势？乙研究认为人形机器人的成本会降到多少？"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "confirm":
            return json.dumps({"verdict": "yes"})
        ids = [n for n, t in prompts.shown_sentences(messages).items() if "2万美元" in t]
        return reply("特斯拉希望把人形机器人的成本降到2万美元。" if ids else "", ids)

    answer = ask(FakeGenerator(script), question)
    assert answer.kind == "comparison"
    assert answer.answerable, answer.reason
    assert "2万美元" in answer.text


# A report's month-by-month timeline: the year is its dateline, not its entries'.
TIMELINE = """# 引擎技术

## 发展历程

引擎技术的发展经历了多个阶段，从早期的二维渲染到如今的实时全局光照，每一代引擎都把游戏与影视的表现力推向新的高度。

引擎正从游戏走向工业、交通、城市与文化遗产保护，成为构建数字场景的通用工具，其核心能力包括物理模拟、三维建模与实时渲染。

2023年大事记

3月

英伟达发布面向游戏开发的生成式人工智能工具，可高效生成智能化的游戏角色，让非玩家角色能够与玩家自然对话，游戏开发者可在云端调用这些模型。

5月

Unity发布两款新工具，用生成式人工智能加速实时三维应用创建，简化游戏项目集成人工智能的过程，开发者无需深厚的机器学习背景即可上手使用。

4月

多家引擎厂商发布面向汽车座舱的实时渲染方案，把游戏引擎的画面表现带进智能汽车的人机交互界面，推动车载三维地图和虚拟助手的升级换代。

6月

南航与腾讯游戏共同打造国产自研全动模拟机视景软件系统，国产引擎促进我国民航工业核心自研技术的发展，也为更多行业的仿真训练提供了可能。

7月

一家国产引擎企业完成新一轮融资，资金将用于物理模拟与实时渲染核心模块的研发，并计划在工业仿真、文物数字化和城市治理等场景推广其产品。

7月

国内多所高校开设数字交互引擎相关课程，联合企业共建实训基地，培养掌握实时渲染、物理模拟和三维建模技术的复合型人才，缓解行业人才缺口。

8月

科技部将“三维数字交互引擎关键技术研发与应用生态构建”纳入国家重点研发计划。
"""


@pytest.fixture
def timeline(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "timeline"
    root.mkdir()
    (root / "engines.md").write_text(TIMELINE, encoding="utf-8")
    # Passages of about one entry each: the dateline is several passages up.
    settings = replace(settings, chunk_size=150, chunk_overlap=20)
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    # One passage: the entry, whose dateline is several passages up.
    return searcher, lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions(k=1))


def test_a_timeline_entry_is_dated_by_the_timelines_dateline(timeline) -> None:  # type: ignore[no-untyped-def]
    searcher, ask = timeline
    entry = next(c for c in searcher.index.chunks if "科技部将" in c.text)
    assert sum(c.location.start < entry.location.start for c in searcher.index.chunks) >= 3
    assert "2023" not in entry.text and "2023" not in fold(entry.heading or "")  # 8月 only
    gen = model(
        "科技部将“三维数字交互引擎关键技术研发与应用生态构建”纳入国家重点研发计划。", "科技部将"
    )
    answer = ask(gen, "2023年8月，科技部把哪一项与数字交互引擎有关的任务纳入了国家重点研发计划？")
    assert answer.answerable, answer.reason
    # Another year's timeline does not date it.
    gen = model(
        "科技部将“三维数字交互引擎关键技术研发与应用生态构建”纳入国家重点研发计划。", "科技部将"
    )
    answer = ask(gen, "2021年8月，科技部把哪一项与数字交互引擎有关的任务纳入了国家重点研发计划？")
    assert not answer.answerable and "2021" in answer.reason


DELIVERY = """# 高性能计算

## 开放架构

算能科技日前向山东大学交付国内首台 RISC-V 服务器集群，该集群拥有 48 颗 RISC-V 高性能芯片。\
这是开放指令集架构在数据中心的首次商业落地，也标志着国产服务器芯片生态的成熟。
"""


def test_a_name_the_question_itself_writes_is_no_rival_by_meaning(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The reports write 算能, the question Sophgo, which the corpus never writes: its
    # rival is looked for by meaning. 山东大学 stands where the figure is stated, but the
    # question names it too: it is the cluster's recipient, not a rival for Sophgo.
    root = tmp_path / "delivery"
    root.mkdir()
    (root / "hpc.md").write_text(DELIVERY, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {"sophgo": "算能"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    question = "Sophgo向山东大学交付的RISC-V服务器集群有多少颗芯片？"
    gen = model("该集群拥有48颗RISC-V高性能芯片。", "该集群拥有")
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "48" in answer.text


VIMA = """# 具身智能

## 机器人大模型

英伟达VIMA支持文本、视觉、语音等多模态作为机器人的任务输入。\
在零样本泛化训练中，VIMA的任务成功率比之前的最优方法提高了最多2.9倍。

## 机器人数据

谷歌RT-1模型基于17个月收集的13万条真实数据训练，任务成功率达到97%。
"""


def test_a_name_asked_only_as_anothers_owner_need_not_be_written_where_its_figure_is(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "NVIDIA的VIMA": the sentence stating VIMA's figure names VIMA, which says whose
    # figure it is; the reports write NVIDIA as 英伟达, in the sentence before.
    root = tmp_path / "robots"
    root.mkdir()
    (root / "robots.md").write_text(VIMA, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("VIMA的任务成功率提高了最多2.9倍。", "VIMA的任务成功率")
    answer = Answerer(searcher, gen).ask("NVIDIA的VIMA在零样本泛化中任务成功率提高了多少？")
    assert answer.answerable, answer.reason
    assert "2.9" in answer.text
    # The owned name is still a subject: RT-1's figure is not VIMA's.
    gen = model("任务成功率达到97%。", "任务成功率达到97%")
    answer = Answerer(searcher, gen).ask("NVIDIA的VIMA任务成功率达到多少？")
    assert "97%" not in answer.text, answer.text
    assert owners("NVIDIA的VIMA提高了多少？", ["NVIDIA", "VIMA"]) == {"NVIDIA"}
    assert owners("DeepMind 's AlphaMissense", ["DeepMind", "AlphaMissense"]) == {"DeepMind"}
    assert not owners("2023年的GPT-4", ["2023", "GPT-4"])
    assert not owners("NVIDIA和VIMA", ["NVIDIA", "VIMA"])


DIRECTIONS = """# 沉浸式媒体报告

## 未来发展方向

沉浸式媒体与视频正在走向下一阶段，业内普遍关注以下方向。

- 1、提高体验质量：进一步降低时延、提高压缩比
- 2、更高效的内容生成和呈现：AIGC、HDR技术
- 3、更多样内容、互动内容、新媒体：沉浸式交互和体验
- 4、更深入产业，助力产业互联网

## 市场

2023年沉浸式视频市场规模达到120亿元。沉浸式交互与体验带动了沉浸式视频的消费。
"""


@pytest.fixture
def directions(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "directions"
    root.mkdir()
    (root / "media.md").write_text(DIRECTIONS, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_list_answered_with_one_numbered_item_gets_its_whole_run(directions) -> None:  # type: ignore[no-untyped-def]
    # The model cites item 3 of four; the passage numbers all four, and the question asks
    # for the list.
    item = "更多样内容、互动内容、新媒体：沉浸式交互和体验"
    answer = directions(model(f"- {item}", "沉浸式交互和体验"), "沉浸式媒体的未来发展方向有哪些？")
    assert answer.answerable, answer.reason
    for start in ("提高体验质量", "更高效的内容生成", "更多样内容", "更深入产业"):
        assert start in answer.text, answer.text
    assert all(c.supported for c in answer.claims)
    assert len({c.start for c in answer.citations}) == 4
    assert "市场规模" not in answer.text  # the run ends where the numbering does


def test_an_item_copied_from_a_run_gets_the_run_whatever_sentence_it_cites(directions) -> None:  # type: ignore[no-untyped-def]
    # The model copies the end of item 3 but cites another sentence writing those words:
    # the item is still the run's, and the question asks for the list.
    answer = directions(
        model("- 沉浸式交互和体验", "沉浸式交互与体验带动"), "沉浸式媒体的未来发展方向有哪些？"
    )
    assert answer.answerable, answer.reason
    for start in ("提高体验质量", "更高效的内容生成", "更深入产业"):
        assert start in answer.text, answer.text
    assert all(c.supported for c in answer.claims)


def test_items_the_model_chose_but_left_out_of_its_answer_are_added_too(directions) -> None:  # type: ignore[no-untyped-def]
    # The model chooses all four items as evidence, then writes only the third.
    item = "更多样内容、互动内容、新媒体：沉浸式交互和体验"
    gen = model(f"- {item}", "沉浸式交互和体验", "提高体验质量", "更高效的内容生成", "更深入产业")
    answer = directions(gen, "沉浸式媒体的未来发展方向有哪些？")
    assert answer.answerable, answer.reason
    for start in ("提高体验质量", "更高效的内容生成", "更多样内容", "更深入产业"):
        assert start in answer.text, answer.text
    assert len({c.start for c in answer.citations}) == 4


def test_a_numbered_run_is_the_items_numbered_one_after_another() -> None:
    text = "（一）甲。（二）乙。（三）丙。5、丁。"
    chunk = Chunk("c", text, Location("n.md", "n", 0, len(text), 1, 1))
    parts = ["（一）甲。", "（二）乙。", "（三）丙。", "5、丁。"]
    sentences = tuple(Sentence(i, 1, t, text.index(t)) for i, t in enumerate(parts, 1))
    passage = Passage(1, Hit(chunk, 1, 1.0), sentences)
    run = numbered_run(passage, sentences[1])
    assert [s.text for s in run] == ["（一）甲。", "（三）丙。"]
    assert numbered_run(passage, sentences[3]) == []


FUNDING = """# 人工智能产业报告

## 融资

近年来人工智能行业融资持续降温。2023年，全国人工智能行业融资金额为727.2亿元，融资事件数为590起。\
2023年，深圳人工智能行业融资金额为73.3亿元，融资数量为76起。

## 企业

深圳人工智能企业数量为2,200家。

## 脑机接口市场

全球脑机接口商用市场将以17%以上的年增长到2030年突破60亿美元。全球脑机接口企业已超过300家。

## 深圳各区的人工智能政策

福田区在人工智能政策制定中争先，早在2019年就提出构建人工智能应用示范体系。
"""


@pytest.fixture
def funding(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "funding"
    root.mkdir()
    (root / "funding.md").write_text(FUNDING, encoding="utf-8")
    for name, text in [("trends.md", TRENDS), ("outlook.md", OUTLOOK), ("paths.md", PATHS)]:
        (root / name).write_text(text, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_neighbours_figure_gives_way_to_the_subjects_own_sentence_beside_it(funding) -> None:  # type: ignore[no-untyped-def]
    # The model read the passage stating both and gave the national figure for Shenzhen:
    # its claim is dropped, and the passage's sentence on Shenzhen answers.
    gen = model("2023年深圳人工智能行业融资金额为727.2亿元。", "全国人工智能行业融资金额")
    answer = funding(gen, "2023年深圳人工智能行业的融资金额是多少？")
    assert answer.answerable, answer.reason
    assert "73.3亿元" in answer.text and "727.2" not in answer.text
    assert [c.quote for c in answer.citations] == [
        "2023年，深圳人工智能行业融资金额为73.3亿元，融资数量为76起。"
    ]


def test_a_neighbours_figure_is_still_refused_when_no_sentence_states_the_subjects(funding) -> None:  # type: ignore[no-untyped-def]
    # Guangzhou's funding is stated nowhere; Shenzhen's sentence is no answer for it.
    gen = model("2023年广州人工智能行业融资金额为727.2亿元。", "全国人工智能行业融资金额")
    answer = funding(gen, "2023年广州人工智能行业的融资金额是多少？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:"), answer.reason


def test_a_measure_asked_for_is_stated_by_a_figure_of_its_kind(funding) -> None:  # type: ignore[no-untyped-def]
    # 增速 and 规模 are not written: "以17%以上的年增长" is a growth rate and "60亿美元" a
    # size, in the sentence's own words.
    claim = "全球脑机接口商用市场将以17%以上的年增长到2030年突破60亿美元。"
    answer = funding(
        model(claim, "以17%以上的年增长"), "全球脑机接口商用市场的增速和规模有什么预测？"
    )
    assert answer.answerable, answer.reason
    # A count is no size: asked how large the market is, the companies' number is no answer.
    # The market's own sentence, shown beside it, is quoted instead.
    claim = "全球脑机接口企业已超过300家。"
    answer = funding(model(claim, "企业已超过300家"), "全球脑机接口商用市场的规模有多大？")
    assert answer.claims[0].reason.startswith("attribute:"), answer.claims[0]
    assert answer.answerable and "300家" not in answer.text, answer.text
    assert "60亿美元" in answer.text


@pytest.mark.parametrize(
    ("term", "sentence", "measured"),
    [
        ("增速", "市场将以17%以上的年增长到2030年突破60亿美元", True),
        ("增速", "专利申请量下降了12.7%", True),
        ("增速", "渗透率超过了42%", False),
        ("规模", "融资金额为73.3亿元", True),
        ("规模", "企业数量为2,200家", False),
        ("数量", "融资数量为76起", True),
        ("数量", "融资金额为73.3亿元", False),
        ("主笔", "脑机接口：吴朋阳", False),
        ("变化", "发明专利申请量出现了负增长,下降了12.7%", True),
        ("变化", "企业数量减少了500家", True),
        ("变化", "发明专利申请量接近8万件", False),
    ],
)
def test_a_measure_attribute_is_stated_by_its_kind_of_figure(
    term: str, sentence: str, measured: bool
) -> None:
    assert states_measure(term, sentence) is measured


def test_a_translated_questions_phrase_is_a_name_only_where_the_corpus_writes_it() -> None:
    # "the chapter on breaking the compute wall" came back as 《打破计算墙》; the report
    # calls it 算力“破墙”. The model's phrase names nothing a sentence must repeat.
    asked = analyze("在未尽研究的《打破计算墙》一章中，模型规模增长多快？", ReportNames({}))
    idf = {"打破": 4.0, "计算": 2.0, "墙": 4.0, "深圳": 4.0}
    native = ClaimChecker(asked, idf, 4.0, {})
    translated = ClaimChecker(replace(asked, original="How fast…?"), idf, 4.0, {})
    assert native._forms("打破计算墙") == ["打破计算墙"]
    assert translated._forms("打破计算墙") == []
    assert translated._forms("深圳") == ["深圳"]  # a word of the corpus's own
    translated._shown_texts = ("打破计算墙之后，算力仍然紧张。",)
    assert translated._forms("打破计算墙") == ["打破计算墙"]  # a shown passage writes it


def test_the_place_a_question_asks_for_is_the_answer_not_a_rival(funding) -> None:  # type: ignore[no-untyped-def]
    # "深圳哪个区" asks for a district: 福田区 in the claim answers it, under a heading
    # naming 深圳. Asked of Guangzhou, the same sentence still answers nothing.
    claim = "福田区早在2019年就提出构建人工智能应用示范体系。"
    answer = funding(
        model(claim, "福田区在人工智能"), "深圳哪个区最早提出构建人工智能应用示范体系？"
    )
    assert answer.answerable, answer.reason
    answer = funding(
        model(claim, "福田区在人工智能"), "广州哪个区最早提出构建人工智能应用示范体系？"
    )
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("subject:") and "广州" in answer.reason, answer.reason


def test_a_common_word_the_tagger_calls_a_place_is_no_place() -> None:
    from trendqa.answer.claims import names_in

    # jieba's dictionary tags 深度 as a place: "深度融合" names no rival of 深圳.
    assert ("深度", "place") not in names_in("推动人工智能与实体经济的深度融合。")
    assert ("广州", "place") in names_in("广州新增人工智能企业数量为330家。")


AIRSPACE = """# 低空经济报告

## 空中交通管理

低空空域交通管理面临高度复杂性和不确定性。eVTOL运行调度的环境是三维的。

低空基础设施可支撑高效安全的空中交通管理
低成本、高精度、高可靠性的通讯、导航、监视系统，可以实时获取航空器的信息，提高空域流量和安全性。
基于气象雷达和激光雷达的数据，结合AI大模型，为低空飞行带来更精准、网格化的气象服务。
基于云计算和边缘计算的管控和调度系统，为eVTOL飞行提供实时航路规划。
数字化平台加速低空空域开放
2023年11月，国家空管委发布空域管理条例征求意见稿。

## 数据中心芯片

在数据中心，GPU相对于CPU的主导作用越来越强。芯片架构从异构转向超异构。\
CPU、GPU、DPU、NPU越来越多地集成到单个芯片中（SOC），或者形成相互协作的系统。\
科技巨头纷纷进入芯片设计领域。

## 无人驾驶

全自动无人驾驶eVTOL是未来低空出行的演进方向
数字技术进步前提下的软件定义飞行器
"""


@pytest.fixture
def airspace(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "airspace"
    root.mkdir()
    (root / "airspace.md").write_text(AIRSPACE, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_restated_heading_is_answered_by_its_body(airspace) -> None:  # type: ignore[no-untyped-def]
    # The model found the line that speaks of what was asked and only restated it: the
    # sentences under that line answer, up to the next line heading something else.
    line = "低空基础设施可支撑高效安全的空中交通管理"
    answer = airspace(model(line, line), "哪些低空基础设施可支撑高效安全的空中交通管理？")
    assert answer.answerable, answer.reason
    for said in ("通讯、导航、监视系统", "网格化的气象服务", "实时航路规划"):
        assert said in answer.text, answer.text
    assert "空管委" not in answer.text  # the next line heads another body
    assert all(c.verified for c in answer.citations)
    assert answer.mode == "extractive"


def test_a_restatement_in_other_forms_of_the_questions_words_is_one(airspace) -> None:  # type: ignore[no-untyped-def]
    # 安全 inside the question's 安全性, and 系统, a noun naming a kind of thing: the claim
    # adds nothing the question does not ask, and the sentences under the line answer.
    question = "哪些低空基础设施可支撑高效安全性的空中交通管理？"
    claim = "低空基础设施支撑高效安全的空中交通管理系统"
    answer = airspace(model(claim, "低空基础设施可支撑高效安全的空中交通管理"), question)
    assert answer.answerable, answer.reason
    assert "网格化的气象服务" in answer.text, answer.text
    assert answer.mode == "extractive"


def test_a_restated_statement_is_answered_by_the_sentence_after_it(airspace) -> None:  # type: ignore[no-untyped-def]
    gen = model("芯片架构从异构转向超异构指的是芯片架构从异构转向超异构。", "从异构转向超异构")
    answer = airspace(gen, "数据中心芯片架构“从异构转向超异构”指的是什么？")
    assert answer.answerable, answer.reason
    assert "集成到单个芯片中" in answer.text
    assert "芯片设计领域" not in answer.text  # a statement's elaboration is one sentence


NAMED = """# 算力

## 巨头

它们投资的战略性也越来越强。巨头投资大模型初创公司，其中相当大的金额就是算力信用的投入。\
例如微软对 OpenAI 投资 130 亿美元，其中很大一部分是 Azure 云计算。谷歌则更早建立起这样一个\
共生链条。硅谷人称“云洗钱”。

但目前食物链的顶端仍然是英伟达。

## 内存

在内存和计算之间高速移动 TB 级别的数据量，需要 TB/秒级的数据传输带宽，这远远超出了目前的\
内存能力，被称为“内存墙”。处理器没有及时接收到数据时，就会处于空闲状态。

## 医疗

短期内，生成式人工智能用于医疗服务，确定性最高的应用场景，是扮演医生的“文书助理”。\
医生希望人工智能带走他们工作中最无聊和最乏味的部分。

## 网络

可预期网络（Predictable Fabric）是由云计算定义，服务器端侧和网络协同的高性能网络互联系统。\
计算体系和网络体系正在相互融合。可预期网络不仅支持高性能计算场景，也适用于通用计算场景。\
可预期网络有望成为下一代数据中心网络的基本特征。可预期网络的部署需要更先进

的交换芯片。

可预期网络的市场由三家厂商主导。

## 企业分类

人工智能企业是指以人工智能技术研发为重要业务,直接从事人工智能产品或服务创造的企业。\
具体而言,是指处于人工智能产业链技术层的科技型企业,包括研究和开发计算机视觉、智能语音等技术的企业。

## 去年预测回顾

元宇宙

准确性：●●

核心判断：2023 年，元宇宙的重点将是设备的突破。

下南洋

准确性：●●●●

核心判断：2023 年，中国风险资本与华人创新者将在阵痛中寻找机会。

## 融资

尤其是 2017 年,融资金额增至 3022亿,创下历史新高。然而,从 2018 年开始,融资金额出现了波动。\
至 2023 年,融资金额进一步减少至 727.2 亿,显示出投资者在继续审慎投资。

## 开源数据集

从全球开源数据集语种来看,英语开源数据集占比最高,截至2023年底达到了56.9%。\
作为使用人数最多的语言之一,中文开源数据集占比仅为5.6%。\
造成国内高质量数据集紧缺的原因是多方面的。数据集的紧缺会限制模型的训练。

图表 31:截至 2023 年底全球按语言划分的开源数据集百分比(单位:%)

## 深圳的不足

产业链方面,全产业链体系已初步形成,但在下游应用方面仍存在不足。人才方面,人工智能人才供给不足。

## 智能助理

促使智能助理成为流行交互方式的驱动因素包括技术进步、用户需求和物联网的扩张。\
人工智能算法的进步让智能助理的性能得到显著改善。越来越多的用户追求便捷的生活方式。\
物联网的广泛应用使智能助理能够控制更多的设备。智能助理市场的竞争十分激烈。

## 联合声明

2023 年 4 月 25 日,美国消费者金融保护局、司法部民权司、平等就业机会委员会和联邦贸易委员会\
发布了《关于对自动化系统中的歧视和偏见进行执法的联合声明》,通过执法行动以保护公众免受偏见。

## 高性能电池

高能量密度电池技术被航空界认为是提升电动飞机续航里程的关键性技术。
2023年4月，宁德时代发布了单体能量密度500Wh/kg的凝聚态电池，用于电动飞机研发。
Amprion Technologies(美国) 400Wh/kg的硅阳极锂离子电池 2024年商用。

## 医疗智能体

智能体是医疗平台的中央调度中心。最终，医生负责审核并给出最终方案。\
2024 年，生成式人工智能扮演的“医生助理”，会先从文书工作与调度工作做起。
"""


@pytest.fixture
def named(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "named"
    root.mkdir()
    (root / "named.md").write_text(NAMED, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_term_named_after_its_description_is_defined_by_its_paragraph(named) -> None:  # type: ignore[no-untyped-def]
    # "硅谷人称“云洗钱”" names what the sentences before it in its paragraph describe;
    # the model, quoting only the naming sentence, defined nothing.
    gen = model("云洗钱是硅谷人的叫法。", "硅谷人称")
    answer = named(gen, "巨头投资中，硅谷人称的“云洗钱”是什么意思？")
    assert answer.answerable, answer.reason
    for said in ("算力信用的投入", "Azure 云计算", "共生链条"):
        assert said in answer.text, [(c.text, c.supported, c.reason) for c in answer.claims]
    assert "英伟达" not in answer.text  # the next paragraph describes something else
    assert all(c.verified for c in answer.citations)


def test_a_naming_sentence_that_holds_its_description_leads_the_answer(named) -> None:  # type: ignore[no-untyped-def]
    # The model defined the term from the sentence after the one that names it: the
    # report's own description, in the naming sentence, comes first.
    gen = model("内存墙是指处理器没有及时接收到数据时就会处于空闲状态。", "处于空闲状态")
    answer = named(gen, "报告中的‘内存墙’是什么？")
    assert answer.answerable, answer.reason
    assert answer.text.index("数据传输带宽") < answer.text.index("空闲状态"), answer.text
    from trendqa.answer.context import names_what_precedes

    def said(text: str) -> Sentence:
        return Sentence(1, 1, text, 0)

    assert names_what_precedes(said("硅谷人称“云洗钱”。"))
    assert names_what_precedes(said("This is known as the memory wall."))
    # The description before the naming word is the sentence's own; "recalled" names none.
    assert not names_what_precedes(said("处理器空等数据的时间越来越长，这被称为“内存墙”。"))
    assert not names_what_precedes(said("He recalled the market."))


def test_a_term_a_sentence_ends_by_introducing_is_explained_by_the_next(named) -> None:  # type: ignore[no-untyped-def]
    # "…是扮演医生的“文书助理”。" introduces the term as its last words; the sentence
    # after says what it is. The model answered with another sentence that defines nothing.
    gen = model("生成式人工智能扮演的医生助理会先从文书工作与调度工作做起。", "调度工作")
    answer = named(gen, "生成式人工智能用于医疗服务，这个“文书助理”具体指的是什么？")
    assert answer.answerable, answer.reason
    assert "最无聊和最乏味" in answer.text, answer.text


def test_a_definition_goes_on_with_what_its_paragraph_says_of_the_term(named) -> None:  # type: ignore[no-untyped-def]
    # The model gave the defining sentence alone; the sentences after it in its paragraph
    # that name the term again say what it serves and where it goes. A sentence not about
    # it, and the next paragraph, are not part of the definition.
    gen = model(
        "可预期网络是由云计算定义，服务器端侧和网络协同的高性能网络互联系统。", "由云计算定义"
    )
    answer = named(gen, "报告说的“可预期网络”是什么？")
    assert answer.answerable, answer.reason
    assert "由云计算定义" in answer.text
    for said in ("通用计算场景", "基本特征"):
        assert said in answer.text, [(c.text, c.supported, c.reason) for c in answer.claims]
    assert "相互融合" not in answer.text  # does not speak of the term
    assert "三家厂商" not in answer.text  # another paragraph
    assert "更先进" not in answer.text  # a sentence a page break cut
    assert all(c.supported for c in answer.claims)
    assert all(c.verified for c in answer.citations)


def test_a_definition_goes_on_with_the_sentence_that_makes_it_concrete(named) -> None:  # type: ignore[no-untyped-def]
    # "具体而言,是指…" names neither the term nor points back with 它/其, yet it says what
    # the defining sentence before it says, concretely: the definition goes on with it.
    gen = model(
        "人工智能企业是指以人工智能技术研发为重要业务,直接从事人工智能产品或服务创造的企业。",
        "直接从事人工智能产品",
    )
    answer = named(gen, "报告如何界定“人工智能企业”？")
    assert answer.answerable, answer.reason
    assert "直接从事人工智能产品" in answer.text
    assert "技术层的科技型企业" in answer.text, [(c.text, c.supported) for c in answer.claims]
    assert all(c.supported for c in answer.claims)
    assert all(c.verified for c in answer.citations)


def test_an_entry_field_is_read_under_its_entry_title(named) -> None:  # type: ignore[no-untyped-def]
    # A review lists last year's calls as entries: a title line (下南洋), a field line
    # (准确性：●●●●), then the call. The call is the title's, and its year dates it: it is
    # no figure that 中国, named in the sentence, would own.
    call = "2023 年，中国风险资本与华人创新者将在阵痛中寻找机会。"
    answer = named(
        model(call, "阵痛中寻找机会"), "报告回顾去年预测时，对“下南洋”给出的核心判断是什么？"
    )
    assert answer.answerable, [(c.text, c.reason) for c in answer.claims]
    assert "阵痛中寻找机会" in answer.text
    # The entry above it is another title's: its call is not 下南洋's.
    gen = model("2023 年，元宇宙的重点将是设备的突破。", "设备的突破")
    answer = named(gen, "报告回顾去年预测时，对“下南洋”给出的核心判断是什么？")
    assert not answer.answerable, answer.text


def test_a_list_goes_on_with_what_its_paragraph_says_of_each_item(named) -> None:  # type: ignore[no-untyped-def]
    # The report enumerates the drivers, then says what each is, one sentence each and in
    # order. The model listed the names alone: each item is shown with its sentence. The
    # sentence after the last item's says nothing of any item and is not added.
    gen = model("- 技术进步\n- 用户需求\n- 物联网的扩张", "驱动因素包括")
    answer = named(gen, "促使智能助理成为流行交互方式的驱动因素有哪些？")
    assert answer.answerable, answer.reason
    for said in ("算法的进步", "便捷的生活方式", "控制更多的设备"):
        assert said in answer.text, [(c.text, c.supported, c.reason) for c in answer.claims]
    assert answer.text.index("技术进步") < answer.text.index("算法的进步")
    assert answer.text.index("算法的进步") < answer.text.index("用户需求")
    assert "竞争" not in answer.text
    assert all(c.supported for c in answer.claims)
    assert all(c.verified for c in answer.citations)


def test_a_list_its_one_cited_sentence_enumerates_is_shown_as_that_sentence(named) -> None:  # type: ignore[no-untyped-def]
    # "Which four US agencies issued the April 2023 joint statement…?" answered with the
    # four names alone: the sentence naming them says when and what they issued. Shown
    # as that sentence up to its last item, one claim checked like any other; what the
    # sentence goes on to say after it is left out.
    items = "- 消费者金融保护局\n- 司法部民权司\n- 平等就业机会委员会\n- 联邦贸易委员会"
    gen = model(items, "联合声明》")
    answer = named(gen, "2023年4月发布自动化系统歧视和偏见执法联合声明的四个美国机构是哪些？")
    assert answer.answerable, answer.reason
    assert answer.text.startswith("2023 年 4 月 25 日"), answer.text
    assert "发布了《关于对自动化系统中的歧视和偏见进行执法的联合声明》" in answer.text
    assert "通过执法行动" not in answer.text
    assert all(c.supported for c in answer.claims)
    assert all(c.verified for c in answer.citations)


def test_an_english_question_asking_what_a_report_sees_as_plural_things_asks_a_list() -> None:
    from trendqa.answer.question import question_type

    for asked in (
        "What does the white paper see as the drivers behind intelligent assistants?",
        "What weaknesses does the white paper flag for Shenzhen's own AI sector?",
        "What emergent abilities did the VoxPoser system show?",
    ):
        assert question_type(asked) == "list", asked
    # A report's name is no plural asked for; what a plural subject does is no list.
    for asked in (
        "What figures does Tencent's trends report give for the gene-editing market?",
        "What are Shenzhen's application-layer AI companies mostly doing in manufacturing?",
    ):
        assert question_type(asked) != "list", asked


def test_a_label_after_the_questions_words_defines_nothing() -> None:
    # 'What does Weijin's Kandao 2024 mean by "Big Tech"?' was translated without its term;
    # the model restated the question and added a label. Long as it is, it defines
    # nothing: the report's own definition is then looked for.
    from trendqa.answer.answerer import Answerer
    from trendqa.answer.types import Citation, Claim

    quote = "科技巨头曾经是指那些通过互联网建立起强大平台经济的企业。"
    cited = (Citation(1, "w.txt", "W", None, 0, len(quote), 1, 1, quote, True),)

    def said(text: str) -> Answer:
        return Answer("q", "zh", True, text, cited, (), "llm", claims=(Claim(text, (1,), True),))

    asked = "Weijin的Kandao 2024意味着什么？"
    label = said("Weijin的Kandao 2024意味着科技巨头。")
    assert not Answerer._defines(label, ["科技巨头"], asked)
    assert Answerer._defines(label, ["科技巨头"])  # without the question: a long statement
    assert Answerer._defines(said(quote), ["科技巨头"], asked)
    assert Answerer._defines(said("科技巨头是平台企业。"), ["科技巨头"], asked)


def test_two_subjects_figures_joined_by_a_comma_are_each_checked_by_their_sentence(named) -> None:  # type: ignore[no-untyped-def]
    # "在eVTOL部分" says where to look, not what the figures are about; the claim joins
    # two subjects' figures with a half-width comma, each stated by its own sentence; and
    # "Amprion Technologies" is the company's full name, not a variant of Amprion.
    gen = model(
        "宁德时代的电池能量密度为500Wh/kg, Amprion的电池能量密度为400Wh/kg。",
        "宁德时代发布",
        "Amprion Technologies",
    )
    asked = "在eVTOL部分，宁德时代和Amprion发布的高能量密度电池的单体能量密度分别是多少？"
    answer = named(gen, asked)
    assert answer.answerable, (answer.reason, [(c.text, c.reason) for c in answer.claims])
    assert "500Wh/kg" in answer.text and "400Wh/kg" in answer.text, answer.text
    assert all(c.supported for c in answer.claims)


def test_a_part_of_the_report_to_look_in_is_no_subject() -> None:
    from trendqa.answer.question import scopes

    def scoped(question: str, found: tuple[str, ...]) -> tuple[str, ...]:
        return scopes(question, found)

    assert scoped("在eVTOL部分，宁德时代的电池是多少？", ("eVTOL", "宁德时代")) == ("eVTOL",)
    assert scoped("In Tencent's eVTOL section, what is CATL's?", ("eVTOL", "CATL")) == ("eVTOL",)
    assert scoped("In the section on Vision Pro, what is said?", ("Vision Pro",)) == ("Vision Pro",)
    assert scoped("人形机器人一章里，特斯拉做了什么？", ("人形机器人", "特斯拉")) == ("人形机器人",)
    # An amount, a possessive and a subject next to the word are not parts of a report.
    assert scoped("GPT-4在大部分任务上的表现如何？", ("GPT-4",)) == ()
    assert scoped("腾讯在eVTOL部分怎么说？", ("腾讯", "eVTOL")) == ("eVTOL",)
    # Where the report mentions what is asked: "在X的…中提到的Y".
    asked = "报告在“AI+基因计算”的热点方向中提到的“基因表达分析技术”指的是什么？"
    assert scoped(asked, ("AI+基因计算", "基因表达分析技术")) == ("AI+基因计算",)
    assert scoped("在中国市场中，腾讯的份额是多少？", ("中国", "腾讯")) == ()


def test_a_definition_is_read_where_its_term_is_written() -> None:
    # "报告里提到的 VoxPoser 是什么？": the best hit, about EV charging, never writes
    # VoxPoser; the definition is read from the hit that does, whose section is read whole.
    from trendqa.answer.answerer import _writing_defined

    def hit(cid: str, text: str, rank: int) -> Hit:
        return Hit(Chunk(cid, text, Location("t.md", "t", 0, len(text), 1, 1)), rank, 1.0)

    hits = [
        hit("a", "腾讯研究院的报告讲电动车充电。", 1),
        hit("b", "李飞飞团队发布的VoxPoser系统将大模型接入机器人。", 2),
    ]
    asked = analyze("腾讯研究院报告里提到的 VoxPoser 是什么？", ReportNames({}))
    assert [h.chunk.id for h in _writing_defined(asked, hits)] == ["b", "a"]
    fact = analyze("腾讯研究院报告讲了什么充电技术？", ReportNames({}))
    assert _writing_defined(fact, hits) == hits


def test_a_quote_whose_translation_is_its_neighbours_is_asked_again_alone(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Quotes translated together, the second came back as the first's translation; asked
    # alone it is translated faithfully, and every quote is shown in English.
    root = tmp_path / "airspace"
    root.mkdir()
    (root / "airspace.md").write_text(AIRSPACE, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "low-altitude infrastructure": "低空基础设施可支撑高效安全的空中交通管理",
        "surveillance": "低成本、高精度、高可靠性的通讯、导航、监视系统，可以实时获取航空器的信息",
        "weather": (
            "基于气象雷达和激光雷达的数据，结合AI大模型，为低空飞行带来更精准、网格化的气象服务"
        ),
        "route": "基于云计算和边缘计算的管控和调度系统，为eVTOL飞行提供实时航路规划",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    english = [
        "Low-altitude infrastructure can support efficient and safe air traffic management.",
        "Communication, navigation and surveillance systems get aircraft data in real time.",
        "Radar data and AI models bring more precise, gridded weather services.",
        "Cloud and edge control systems give eVTOL flights real-time route planning.",
    ]
    line = "低空基础设施可支撑高效安全的空中交通管理"
    inner = model(line, line, question="哪些低空基础设施可支撑高效安全的空中交通管理？")

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return inner._script(messages, options)  # type: ignore[misc]
        given = prompts.statements(messages)
        if len(given) == 1:
            (i,) = [i for i, zh in enumerate(glossary.values()) if zh in given[0]]
            return json.dumps({"translations": [english[i]]})
        return json.dumps({"translations": [english[0], english[1], english[1], english[3]]})

    gen = FakeGenerator(script)
    question = (
        "Which low-altitude infrastructure can support efficient and safe air traffic management?"
    )
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable and answer.mode == "extractive", answer.reason
    assert answer.text.startswith("The passages say (translated): "), answer.text
    assert english[2] in answer.text and "气象" not in answer.text, answer.text


PROPULSION = """# 低空经济

## 电推进

电推进系统向更高效、轻量和安全的方向发展
eVTOL采用分布式电推进系统，能有效提升飞行器气动效率和载运能力。

## 下一步

电推进系统下一步发展的方向是更高效、更轻量、更安全。具体包括但不限于：高压平台的应用和推广\
普及；通过提高电压，降低线束直径；提高电源模块和驱动模块的效率。
"""


def test_a_restated_line_is_the_one_whose_body_states_what_was_asked(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Two lines say what the model restated; the body of the second names the
    # improvements asked for, in one sentence of ；-parts, which is quoted whole.
    root = tmp_path / "propulsion"
    root.mkdir()
    (root / "evtol.md").write_text(PROPULSION, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("电推进系统的发展方向。", "电推进系统向更高效")
    question = "电推进系统下一步发展的具体方向包括哪些？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert answer.mode == "extractive", answer.reason
    assert "高压平台" in answer.text and "驱动模块的效率" in answer.text, answer.text
    assert "气动效率" not in answer.text
    parts = [c.quote for c in answer.citations if "高压平台" in c.quote]
    assert len(parts) == 1 and parts[0].endswith("驱动模块的效率。"), parts


BIG_DATA = """# 看DAO

## 数据

生成式人工智能重新定义了大数据。由于人类已经开始掌握以大型语言模型 (LLM) 技术以产生智能，\
网络上的公开数据、企业数据、个人数据、自然界中的数据，以及人工合成的数据，都可以成为训练智能的原料。\
科技巨头本身拥有巨大的数据库，它们还在获得更多和更好的数据。\
它们建立起了联盟，为用于人工智能训练的数据建立标准。它们可以合成数据，成为新的模型的训练的来源。
微软、谷歌、亚马逊、Meta都在扩大数据中心。
"""


def test_a_list_restated_with_the_sentence_before_it_gives_the_items(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:
    # Asked which data can be the raw material for training intelligence, the model
    # listed what the tech giants do with data, from the sentences after the one that
    # lists the kinds of data: every item stated, none of them asked. The sentence that
    # enumerates them restates the question with the sentence before it (生成式人工智能重新
    # 定义了大数据。由于…), and its items are the answer.
    root = tmp_path / "data"
    root.mkdir()
    (root / "data.md").write_text(BIG_DATA, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model(
        "科技巨头本身拥有巨大的数据库。它们建立起了联盟。它们可以合成数据。",
        "科技巨头本身拥有",
        "它们建立起了联盟",
        "它们可以合成数据",
    )
    question = "报告认为生成式人工智能重新定义了大数据，哪些数据都可以成为训练智能的原料？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "- 企业数据" in answer.text and "联盟" not in answer.text, answer.text
    assert_checkable(answer, root)


STRATEGY = """# 各国战略

## 新加坡

新加坡于2023年12月发布《国家人工智能战略2.0》，支持其人工智能雄心。该战略重点关注两大目标，并致力于通过三大系统、十项抓手以及十五项行动来推进。
"""


def test_a_cited_enumerating_sentence_is_not_cut_into_its_items(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:
    # The model quoted the sentence that answers; read with the sentence before it, that
    # sentence restates the question more fully than alone, but it is the answer's own:
    # measured alone, as the answer's share is, it is not replaced by its items.
    root = tmp_path / "strategy"
    root.mkdir()
    (root / "strategy.md").write_text(STRATEGY, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    said = "该战略重点关注两大目标，并致力于通过三大系统、十项抓手以及十五项行动来推进。"
    gen = model(said, "重点关注两大目标")
    question = "新加坡2023年12月发布的《国家人工智能战略2.0》通过哪些抓手支持其人工智能雄心？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "重点关注两大目标" in answer.text, answer.text


def test_an_answer_that_is_a_heading_gets_the_body_under_it(airspace) -> None:  # type: ignore[no-untyped-def]
    # Asked which makers completed flight tests, the model answered with the heading over
    # the sentence naming them ("多家厂商完成全尺寸eVTOL的飞行测试"): a title names the topic
    # and states nothing of it. The heading and its body are quoted.
    line = "数字化平台加速低空空域开放"
    answer = airspace(model(line, line), "2023年低空空域开放有什么进展？")
    assert answer.answerable, answer.reason
    assert line in answer.text and "国家空管委发布空域管理条例征求意见稿" in answer.text
    assert answer.mode == "extractive", answer.text
    assert all(c.verified for c in answer.citations)
    # A heading over nothing (the passage's last line) is left as the model's answer.
    last = "数字技术进步前提下的软件定义飞行器"
    kept = airspace(model(last, last), "无人驾驶飞行器的发展以什么进步为前提？")
    assert kept.answerable, kept.reason
    assert kept.mode == "llm" and last in kept.text, kept.text


def test_a_restated_heading_with_no_body_is_still_refused(airspace) -> None:  # type: ignore[no-untyped-def]
    line = "全自动无人驾驶eVTOL是未来低空出行的演进方向"
    answer = airspace(model(line, line), "为什么说全自动无人驾驶eVTOL是未来低空出行的演进方向？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("content:"), answer.reason


def test_the_body_after_a_line_is_what_it_heads() -> None:
    parts = ["一条标题", "甲是乙。", "- 丙", "另一条标题", "丁是戊。"]
    text = "\n".join(parts)
    chunk = Chunk("c", text, Location("b.md", "b", 0, len(text), 1, 5))
    sentences = tuple(Sentence(i, 1, t, text.index(t)) for i, t in enumerate(parts, 1))
    passage = Passage(1, Hit(chunk, 1, 1.0), sentences)
    assert [s.text for s in body_after(passage, sentences[0], 6)] == ["甲是乙。", "- 丙"]
    assert [s.text for s in body_after(passage, sentences[0], 1)] == ["甲是乙。"]
    assert [s.text for s in body_after(passage, sentences[1], 6)] == ["- 丙"]
    assert body_after(passage, sentences[2], 6) == []  # an item is no heading; the next line is
    assert body_after(passage, sentences[4], 6) == []


RELEASES = """# 大模型大事记

## 发布

2023年3月14日，OpenAI发布大型多模态模型GPT-4。

## 开发者日

11月6日，OpenAI开发者日发布GPT-4 Turbo，允许用户上传资料，生成自定义的智能助理。

## 头显

首发的苹果 Vision Pro 定价高达 3,500 美元，拥有 12 个摄像头。
"""


@pytest.fixture
def releases(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "releases"
    root.mkdir()
    (root / "releases.md").write_text(RELEASES, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_a_variants_date_is_not_the_named_models(releases) -> None:  # type: ignore[no-untyped-def]
    # The sentence stating 11月6日 names GPT-4 Turbo, never GPT-4: the claim is another
    # subject's, and the sentence on GPT-4 itself answers.
    gen = model("GPT-4于11月6日发布。", "GPT-4 Turbo")
    answer = releases(gen, "OpenAI发布的大模型GPT-4是哪天发布的？")
    assert "11月6日" not in answer.text, answer.text
    assert any(c.reason.startswith("subject:") for c in answer.claims), (answer.reason, answer.text)
    assert "3月14日" in answer.text, answer.reason  # the sentence on GPT-4 itself
    # Asked for the variant, its own sentence answers.
    gen = model("GPT-4 Turbo于11月6日发布。", "GPT-4 Turbo")
    answer = releases(gen, "OpenAI发布的大模型GPT-4 Turbo是哪天发布的？")
    assert answer.answerable, answer.reason
    assert "11月6日" in answer.text
    # A name the question writes whole ("Vision Pro") is no variant of its first word.
    gen = model("苹果Vision Pro的定价是3,500美元。", "定价高达")
    answer = releases(gen, "苹果头显Vision Pro的首发定价是多少？")
    assert answer.answerable, answer.reason


@pytest.mark.parametrize(
    ("name", "sentence", "variant"),
    [
        ("GPT-4", "11月6日，OpenAI开发者日发布GPT-4 Turbo，允许用户", "Turbo"),
        ("Gemini", "谷歌发布Gemini Ultra和Gemini Pro", "Ultra"),
        ("GPT-4", "GPT-4 Turbo比GPT-4便宜", ""),  # the name alone too
        ("GPT-4", "GPT-4 API开放", ""),  # an acronym names no variant
        ("Llama 2", "Meta的Llama 2参数规模为70亿", ""),
    ],
)
def test_a_variant_is_a_capitalised_word_after_the_name(
    name: str, sentence: str, variant: str
) -> None:
    assert claims_module._variant_of(name, sentence) == variant


ALIGNMENT = """# 大模型报告

## 对齐技术

RLHF是当前比较有效的对齐技术。RLHF通过人类反馈训练奖励模型，再用强化学习优化语言模型。

## 地方政策

深圳市出台系列专项政策，包括人工智能高质量发展行动方案和中小学人工智能教育工作方案。
"""


def test_a_list_item_from_a_section_that_never_names_the_asked_name_is_dropped(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The question asks about RLHF; the policy section never writes it, so a claim read
    # from there is about something else, however well its sentence states it.
    root = tmp_path / "alignment"
    root.mkdir()
    (root / "alignment.md").write_text(ALIGNMENT, encoding="utf-8")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    question = "大模型报告中RLHF作为对齐技术，通过人类反馈训练奖励模型，有哪些作用？"
    reply_text = (
        "- RLHF是当前比较有效的对齐技术\n- 深圳市出台系列专项政策，包括中小学人工智能教育工作方案"
    )
    gen = model(reply_text, "比较有效的对齐技术", "深圳市出台系列专项政策")
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "对齐技术" in answer.text
    assert "深圳市" not in answer.text, answer.text
    dropped = [c for c in answer.claims if not c.supported]
    assert dropped and dropped[0].reason.startswith("subject:"), answer.claims


def test_each_figure_of_a_claim_is_stated_about_the_claims_own_subject() -> None:
    # "天津：163起，263.6亿元" joins the region's amount with a count the next passage
    # gives for Shenzhen: each figure of a claim must come from a sentence about the
    # subject the claim names, whatever else the question named.
    region = (
        "2023年，京津冀地区人工智能融资数量和金额分别为178起、263.6亿元。"
        "京津冀以北京为核心，引领天津和河北。"
    )
    city = "2023年，深圳人工智能行业融资数量为163起。"
    chunks = [
        Chunk("r1", region, Location("w.md", "w", 0, len(region), 1, 1), heading="京津冀"),
        Chunk("r2", city, Location("w.md", "w", 500, 500 + len(city), 9, 9), heading="融资"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("2023年京津冀地区人工智能融资数量是多少？", ReportNames(REPORTS))
    idf = {"京津冀": 5.0, "天津": 5.0, "深圳": 4.0, "融资": 3.0, "数量": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    region_claim, tianjin, shenzhen = checker.check_all(
        ["2023年京津冀地区人工智能融资数量为178起。", "天津：163起，263.6亿元。", "深圳：163起。"],
        chosen,
        passages,
    )
    assert region_claim.supported, region_claim.detail
    assert not tianjin.supported and tianjin.check == "subject"
    assert "163" in tianjin.detail and "深圳" in tianjin.detail, tianjin.detail
    # The city's own figure, given as the city's, is no other subject's.
    assert checker._figure_of_another("深圳：163起。", chosen) == ""


def test_a_report_named_by_its_publishers_place_written_short_is_cut_whole() -> None:
    # "深圳白皮书": the report noun of 2024人工智能发展白皮书 after 深圳, its publisher's
    # place (深圳市) written short. Left behind, 深圳 becomes a subject of the other part.
    reports = ReportNames(
        {
            "wp.md": DocumentMeta(
                title="2024人工智能发展白皮书", publisher="深圳市人工智能行业协会"
            ),
            "tc.md": DocumentMeta(title="2024数字科技前沿应用趋势", publisher="腾讯研究院"),
        }
    )
    question = "腾讯报告和深圳白皮书对ChatGLM模型有什么看法？"
    assert reports.without(question, ["wp.md"]) == "腾讯报告对ChatGLM模型有什么看法？"
    assert reports.without(question, ["tc.md"]) == "深圳白皮书对ChatGLM模型有什么看法？"
    # A place before another report's name is the question's own words.
    assert "深圳" in reports.without("腾讯报告如何看待深圳的人工智能企业？", ["wp.md"])


def test_a_sub_question_saying_it_is_asked_of_the_subject_named_before() -> None:
    # Asked alone with its report's passages, "它" would point at nothing: retrieval for
    # "腾讯报告认为它比GPT-3.5进步了多少？" found no GPT-4 passage.
    from trendqa.answer.question import standalone, sub_questions

    clauses = sub_questions("GPT-4是哪天发布的？腾讯报告认为它比GPT-3.5进步了多少？")
    assert standalone(clauses, ReportNames(REPORTS)) == [
        "GPT-4是哪天发布的？",
        "腾讯报告认为GPT-4比GPT-3.5进步了多少？",
    ]
    # A report named before is no subject; "它们" asks of several and is left alone.
    clauses = ["腾讯报告提到了哪些机器人？", "它们分别由谁研发？"]
    assert standalone(clauses, ReportNames(REPORTS)) == clauses
    # A sub-question carrying the topic set out first asks of it: "它" is not a name
    # inside the clause before (腾讯 of 腾讯混元大模型).
    clauses = [
        "腾讯混元大模型：白皮书记录的发布时间是什么？",
        "腾讯混元大模型：腾讯报告展示了它的什么能力？",
    ]
    assert standalone(clauses, ReportNames(REPORTS)) == clauses


def test_an_outline_point_is_read_in_its_own_section_under_the_lists_heading() -> None:
    # Shown under the chapter that lists them, the points are still each their own
    # section: a point says nothing of Chiplet because another passage of the chapter
    # does. The chapter's name, which heads every point, is theirs.
    point = "1. 智能体作为任务助理进入更多应用场景"
    other = "Chiplet 的互联标准将逐渐统一。"
    chunks = [
        Chunk(
            "outline:r.txt:10", point, Location("r.txt", "R", 10, 10 + len(point), 3, 3), "十大展望"
        ),
        Chunk("c2", other, Location("r.txt", "R", 200, 200 + len(other), 9, 9), heading="十大展望"),
    ]
    hits = [Hit(chunks[0], 1, 1.0, retrievers={"outline": 1}), Hit(chunks[1], 2, 1.0)]
    passages = number_passages(hits)
    assert passages[0].part == "outline"
    chosen = [(passages[0], passages[0].sentences[0])]
    idf = {"chiplet": 5.0, "智能体": 4.0, "任务": 2.0, "助理": 3.0, "十大": 3.0, "展望": 3.0}
    claim = "智能体作为任务助理进入更多应用场景"
    asked = analyze("十大展望里Chiplet的互联标准有哪些？", ReportNames({}))
    (result,) = ClaimChecker(asked, idf, 5.0, {}).check_all([claim], chosen, passages)
    assert not result.supported and result.check == "subject", result.detail
    asked = analyze("“十大展望”分别是什么？", ReportNames({}))
    (result,) = ClaimChecker(asked, idf, 5.0, {}).check_all([claim], chosen, passages)
    assert result.supported, result.detail


def test_a_reply_giving_only_the_questions_own_example_is_refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "比如UCIe" is the reader's example, which the report never writes; the model
    # returning it answers nothing, and its Latin script must not send it to the fallback
    # that quotes the cited sentences as the answer.
    root = tmp_path / "chips"
    root.mkdir()
    (root / "chips.md").write_text(
        "# 芯片报告\n\n## Chiplet\n\nChiplet 的互联标准将逐渐统一，重构芯片研发流程。\n\n"
        "## 存算一体\n\n存算一体将计算单元与存储单元融合。\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    question = "芯片报告中Chiplet的互联标准有哪些（比如UCIe）？"
    answer = Answerer(searcher, model("UCIe", "互联标准将逐渐统一")).ask(question)
    assert not answer.answerable and not answer.citations, answer.text
    assert answer.reason == "content: it only restates the question", answer.reason


def test_a_definition_is_stated_where_its_quoted_term_is_named() -> None:
    # "从异构转向超异构" holds function words (从, 向) that BM25 drops, yet the reader
    # quoted it and the report writes it: it is checkable. A claim joining the term to a
    # sentence of another passage of the same section defines nothing.
    near = "芯片架构从异构转向超异构。CPU、GPU、NPU越来越多地集成到单个芯片中。"
    far = "华为代工方生造出了先进制程的麒麟芯片。华为代工方生造出了7纳米的麒麟9000s芯片。"
    chunks = [
        Chunk("c1", near, Location("r.txt", "R", 0, len(near), 1, 1), heading="算力"),
        Chunk("c2", far, Location("r.txt", "R", 500, 500 + len(far), 9, 9), heading="算力"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("报告所说的芯片架构“从异构转向超异构”指的是什么？", ReportNames({}))
    assert asked.type == "definition"
    idf = {"异构": 5.0, "超异构": 6.0, "芯片": 2.0, "架构": 3.0, "华为": 4.0, "麒麟": 5.0}
    checker = ClaimChecker(asked, idf, 6.0, {})
    stated, joined, figured = checker.check_all(
        [
            "从异构转向超异构指的是CPU、GPU、NPU越来越多地集成到单个芯片中。",
            "从异构转向超异构指的是华为代工方生造出了先进制程的麒麟芯片。",
            "从异构转向超异构指的是华为代工方生造出了7纳米的麒麟9000s芯片。",
        ],
        chosen,
        passages,
    )
    assert stated.supported, stated.detail
    for result in (joined, figured):
        assert not result.supported and result.check == "subject", result


def test_a_subject_named_above_a_topic_line_is_not_what_the_lines_below_it_state() -> None:
    # A slide of company points: NVIDIA's paragraph ends one passage, "特斯拉：…" opens the
    # next with Tesla's. A claim giving Tesla's sentence as MimicGen's names a subject
    # written just before the passage — above the line that turned to another company.
    nvidia = (
        "英伟达：开发MimicGen可自动生成数据集\n"
        "英伟达与大学合作发布论文，介绍了名为MimicGen的系统，只需少量人类示范，"
        "便能自动生成大规模的机器人训练数据集。\n"
    )
    tesla = (
        "特斯拉：人形机器人采用Dojo计算平台\n"
        "特斯拉计划利用Dojo对海量的视频数据进行无监督学习，加速自动驾驶系统的迭代。\n"
    )
    chunks = [
        Chunk("c7", nvidia, Location("t.md", "t", 0, len(nvidia), 1, 2), heading="机器人"),
        Chunk("c8", tesla, Location("t.md", "t", len(nvidia), 200, 3, 4), heading="机器人"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("腾讯报告中，MimicGen系统做了什么？", ReportNames(REPORTS))
    idf = {"mimicgen": 6.0, "dojo": 6.0, "英伟达": 5.0, "特斯拉": 5.0, "数据集": 4.0}
    before = {"c8": nvidia.strip().split("\n")[-1]}  # the sentence before the passage
    checker = ClaimChecker(asked, idf, 6.0, {}, lead_in=lambda c: before.get(c.id, ""))
    tesla_claim, nvidia_claim = checker.check_all(
        [
            "MimicGen系统利用Dojo对海量的视频数据进行无监督学习，加速自动驾驶系统的迭代。",
            "MimicGen只需少量人类示范，便能自动生成大规模的机器人训练数据集。",
        ],
        chosen,
        passages,
    )
    assert not tesla_claim.supported and tesla_claim.check == "subject", tesla_claim.detail
    assert "MimicGen" in tesla_claim.detail
    assert nvidia_claim.supported, nvidia_claim.detail


VPP = """# 多能流实时协同重塑虚拟电厂

## 算力-电力协同

腾讯IDC

离线业务与断点续算

虚拟电厂：以数字化聚合起来的“电厂”，由于大电网新能源占比不断提升，虚拟电厂需要承担多网耦合、协同的工作。

智能、有序、高效的数字化控制手段成为当下能源变革的先决条件。
"""


def test_a_definition_answered_with_a_label_gets_the_reports_defining_sentence(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model answers "how does the report describe a virtual power plant?" with a
    # point of the slide beside the definition: a label defines nothing, and the
    # report's own sentence "虚拟电厂：…" is the answer, checked like any claim.
    root = tmp_path / "vpp"
    root.mkdir()
    (root / "vpp.md").write_text(VPP, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("腾讯IDC", "腾讯IDC")
    answer = Answerer(searcher, gen).ask("报告怎样描述“虚拟电厂”？", AskOptions())
    assert answer.answerable, answer.reason
    assert "数字化聚合" in answer.text and "腾讯IDC" not in answer.text, answer.text
    assert [c.supported for c in answer.claims] == [True]
    assert_checkable(answer, root)


LIVE = """# 2024数字科技前沿应用趋势

## 趋势要点3: 底层协议根据场景需求优化完善

快直播的延时可降低到800ms以内, 并同时兼顾延时、卡顿和首帧耗时。

信令改造, 利用miniSDP和0-RTT的结合, 大幅减少信令耗时, 提升对网络异常的抵抗能力和开播成功的比例。

音视频改造, 让WebRTC支持AAC, H.265, 附加前向纠错, 抗50%以上丢包。

传输改造, 采样柔性分级丢帧的传输策略来渐进式降低码率, 以适应弱网情况。
"""


def test_a_share_asked_before_what_it_measures_is_stated_by_a_percentage_of_that(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "能抵抗多高比例的丢包？" asks the share of packet loss withstood: "抗50%以上丢包"
    # states it, with a percentage and the 丢包 it measures. The model restated the
    # question, citing the transport sentence; the one that says it is quoted.
    root = tmp_path / "live"
    root.mkdir()
    (root / "live.md").write_text(LIVE, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    asked = "快直播对WebRTC做了音视频改造后，能抵抗多高比例的丢包？"
    gen = model(asked, "柔性分级丢帧")
    answer = Answerer(searcher, gen).ask(asked, AskOptions())
    assert answer.answerable, answer.reason
    assert "50%" in answer.text and "柔性" not in answer.text, answer.text
    assert_checkable(answer, root)


CLIP = """# 2023年十大科技趋势

## 多模态预训练大模型

另一方面，CLIP（Contrastive Language-Image Pre-training）的广泛应用也促进了多模态模型的技术发展。\
CLIP 作为基于对比学习的预训练模型，负责从文本特征映射到图像特征，能够指导 GAN 或扩散模型生成图像。
"""


@pytest.mark.parametrize(
    "question", ["多模态预训练大模型对CLIP的描述是什么？", "多模态预训练大模型是怎样介绍CLIP的？"]
)
def test_a_thing_the_sentence_opens_with_as_what_it_is_is_defined_there(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, question: str
) -> None:
    # "How does DAMO's report describe CLIP?" was answered with what CLIP's wide use did;
    # the next sentence says what it is ("CLIP 作为基于对比学习的预训练模型，…"), and the
    # question asked about it ("对…的描述", "怎样介绍…的") names the term to define.
    root = tmp_path / "clip"
    root.mkdir()
    (root / "clip.md").write_text(CLIP, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("CLIP的广泛应用也促进了多模态模型的技术发展。", "广泛应用")
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "基于对比学习的预训练模型" in answer.text, answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert_checkable(answer, root)


BIG_TECH = """# 科技巨头

## 万亿巨头

科技巨头曾经是指那些通过互联网建立起强大平台经济的企业，拥有十亿用户级别的软件及应用。

科技巨头的概念在随着技术演变，如今它们也设计和制造终端设备。
"""


def test_a_definition_leads_with_the_sentence_defining_its_term(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model answers "how does the report define Big Tech?" with how the notion
    # changed, leaving out the sentence that says what it is: that sentence leads.
    root = tmp_path / "bigtech"
    root.mkdir()
    (root / "bigtech.md").write_text(BIG_TECH, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("科技巨头的概念在随着技术演变。", "在随着技术演变")
    answer = Answerer(searcher, gen).ask("报告如何界定“科技巨头”这一概念？", AskOptions())
    assert answer.answerable, answer.reason
    assert answer.text.startswith("科技巨头曾经是指"), answer.text
    assert "随着技术演变" in answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert_checkable(answer, root)


AIR_TAXI = """# 前沿趋势

## 卫星通信

安全实验室聚焦卫星互联网络的安全研究，发现多个影响范围广泛的通用型高危漏洞。
eVTOL加速空中出行
在新能源技术的共同引领下，电动垂直起降飞行器（electric VTOL, eVTOL）逐渐从概念走向现实。
eVTOL以电池为能源，采用分布式电推进系统，能实现垂直起降，无需跑道。
"""


def test_a_short_form_is_defined_by_the_words_it_stands_for(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:
    # Asked how the report presents eVTOL, the model quoted a sentence of the passage on
    # something else (a lab's work, before the term's heading). The report defines the
    # short form by writing the words it stands for before it in brackets: that sentence
    # leads, what the paragraph goes on to say of the term follows, and the lab is left out.
    root = tmp_path / "evtol"
    root.mkdir()
    (root / "evtol.md").write_text(AIR_TAXI, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    # (The fake embedder relates no passage to the question: the similarity gate is not tested.)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("安全实验室聚焦卫星互联网络的安全研究。", "安全实验室聚焦")
    answer = Answerer(searcher, gen).ask("报告是怎样介绍eVTOL的？", AskOptions())
    assert answer.answerable, answer.reason
    assert answer.text.startswith("在新能源技术的共同引领下，电动垂直起降飞行器"), answer.text
    assert "以电池为能源" in answer.text
    assert "安全实验室" not in answer.text, answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert_checkable(answer, root)


def test_a_comparisons_part_searches_its_report_without_its_name(
    shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Each part searches its own report alone: there the report's name matches nothing
    # but the passages about its publisher ("关于协会"), so the part's query leaves it out.
    ingest_paths(settings, [shelf], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    queries: list[tuple[str, tuple[str, ...]]] = []
    search = searcher.search

    def spy(query: str, opts: SearchOptions):  # type: ignore[no-untyped-def]
        queries.append((query, tuple(opts.docs)))
        return search(query, opts)

    searcher.search = spy  # type: ignore[method-assign]
    gen = FakeGenerator(lambda m, o: YES if prompts.request_kind(o) == "confirm" else reply("", []))
    Answerer(searcher, gen).ask("甲研究院的报告和乙研究分别如何看待智能体？", AskOptions())
    parts = [(q, docs) for q, docs in queries if len(docs) == 1]
    assert {docs for _q, docs in parts} == {("trends.md",), ("outlook.md",)}, queries
    for query, _docs in parts:
        assert "甲研究院" not in query and "乙研究" not in query and "智能体" in query, query


def test_a_comparisons_part_is_stated_near_the_name_it_asks_of() -> None:
    # One report's passage on self-driving: Dojo is named in its first paragraph; a chart's
    # note further on speaks of road tests. Asked what the report says of Dojo, the note
    # states nothing about it, though the passage names Dojo — a fact's claim, not only a
    # list's or a definition's, must be stated near the name in a comparison's part.
    text = (
        "特斯拉的超算 Dojo 已经投入生产。但 Dojo 架构早在几年前就定下。"
        "如果拿它来跑大型语言模型，内存带宽恐怕不够友好。\n\n"
        "马斯克渴望让完全体的 FSD 进入中国。安全监管的障碍正在有序撤去。\n"
        "来源：DMV，未尽研究\n说明：萝卜运力为北京路测数据。\nWaymo 与 Cruise 为加州路测数据。\n"
    )
    chunk = Chunk("w1", text, Location("w.md", "w", 0, len(text), 1, 6), heading="自动驾驶")
    passages = [replace(p, part="w.md") for p in number_passages([Hit(chunk, 1, 1.0)])]
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("特斯拉的Dojo超算：它跑大型语言模型如何？", ReportNames(REPORTS))
    idf = {"dojo": 6.0, "特斯拉": 4.0, "萝卜": 6.0, "路测": 5.0, "内存": 4.0, "带宽": 4.0}
    checker = ClaimChecker(asked, idf, 6.0, {})
    near, far = checker.check_all(
        ["如果拿它来跑大型语言模型，内存带宽恐怕不够友好。", "萝卜运力为北京路测数据。"],
        chosen,
        passages,
    )
    assert near.supported, near.detail
    assert not far.supported and far.check == "subject", far.detail


def test_a_comparisons_part_is_stated_near_the_work_it_names_by_title() -> None:
    # Asked what the Tencent report says of the ministry's 《人形机器人创新发展指导意见》,
    # the model quoted the sentence before the policy's heading (a robot-control result):
    # the passage names the guideline, but under the next heading. A work the question
    # names by its title, none of the shelf's reports, is written near the sentence, as a
    # quoted term is; the report's own title in 《》 is no such work.
    text = (
        "微软基于ChatGPT生成控制机器人的相关代码。\n"
        "腾讯将强化学习技术应用到机器人控制领域，使得Max学会障碍追逐比赛的智能策略。\n"
        "国家政策支持创新体系建立\n"
        "工业和信息化部印发《人形机器人创新发展指导意见》，部署到2025年人形机器人创新体系初步建立。\n"
        "关键技术点及成熟度\n"
        "灵巧手是人形机器人的关键部件。\n"
    )
    where = Location("tencent.txt", "t", 0, len(text), 1, 6)
    chunk = Chunk("t1", text, where, heading="人形机器人")
    passages = [replace(p, part="tencent.txt") for p in number_passages([Hit(chunk, 1, 1.0)])]
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze(
        "关于工信部《人形机器人创新发展指导意见》，《2024数字科技前沿应用趋势》提到了哪些内容？",
        ReportNames(REPORTS),
    )
    idf = {"指导意见": 6.0, "人形机器人": 4.0, "强化学习": 5.0, "创新": 2.0, "max": 6.0}
    checker = ClaimChecker(asked, idf, 6.0, {}, reports=ReportNames(REPORTS))
    far, near = checker.check_all(
        [
            "腾讯将强化学习技术应用到机器人控制领域，使得Max学会障碍追逐比赛的智能策略。",
            "工业和信息化部印发《人形机器人创新发展指导意见》，部署到2025年人形机器人创新体系初步建立。",
        ],
        chosen,
        passages,
    )
    assert near.supported, near.detail
    assert not far.supported and far.check == "subject", far.detail


def test_a_figure_of_another_subjects_measure_is_not_the_asked_subjects() -> None:
    # A brain-computer-interface section quotes a forecast for the humanoid-robot market.
    # Asked for the BCI market in 2035, that figure is the robots' — "人形机器人市场" is
    # what the sentence measures — though its passage is about BCIs. A bare "市场规模"
    # in the same section is the section's subject's.
    text = (
        "脑机接口产业正在加速。到2030年市场规模将达到64.2亿美元。"
        "高盛预测，2035年人形机器人市场或将达到1540亿美元。"
    )
    chunk = Chunk("b1", text, Location("t.md", "t", 0, len(text), 1, 1), heading="脑机接口")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    idf = {"脑机接口": 6.0, "市场": 2.0, "人形机器人": 5.0, "规模": 2.0}
    asked = analyze("全球脑机接口市场到2035年会有多大规模？", ReportNames(REPORTS))
    (robots,) = ClaimChecker(asked, idf, 6.0, {}).check_all(
        ["2035年全球脑机接口市场将达到1540亿美元。"], chosen, passages
    )
    assert not robots.supported and robots.check == "subject", robots.detail
    assert "人形机器人" in robots.detail
    asked = analyze("全球脑机接口市场到2030年会有多大规模？", ReportNames(REPORTS))
    (own,) = ClaimChecker(asked, idf, 6.0, {}).check_all(
        ["到2030年全球脑机接口市场规模将达到64.2亿美元。"], chosen, passages
    )
    assert own.supported, own.detail


def test_a_table_rows_figure_is_read_in_the_unit_its_table_declares() -> None:
    # A quarterly report's table: "单位：万元" in its heading, the row "营业收入 125,430.6 …".
    # "营业收入为125,430.6万元" is what the row states; "125,430.6亿元" is not.
    text = (
        "项目 本报告期 上年同期 增减\n"
        "营业收入 125,430.6 108,215.2 15.91%\n"
        "归属于上市公司股东的净利润 18,602.3 15,117.9 23.05%\n"
    )
    heading = "一、主要财务数据 单位：万元"
    chunk = Chunk("q3", text, Location("q.pdf", "q", 0, len(text), 1, 3), heading=heading)
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences if "营业收入" in s.text]
    asked = analyze("本报告期的营业收入是多少？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"营业收入": 4.0, "净利润": 4.0}, 5.0, {})
    right, wrong = checker.check_all(
        ["营业收入为125,430.6万元。", "营业收入为125,430.6亿元。"], chosen, passages
    )
    assert right.supported, right.detail
    assert not wrong.supported and wrong.check == "figure", wrong.detail


def test_the_term_a_sentence_opens_by_defining_is_found_in_the_questions_words() -> None:
    from trendqa.answer.answerer import _defined_span
    from trendqa.tokens import tokenize, words

    def asked(question: str) -> set[str]:
        return {fold(t) for t in (*tokenize(question), *words(question))}

    # A translated question names no term after a definition word, nor quotes one.
    question = asked("深圳白皮书中，什么算作人工智能相关的企业？")
    sentence = "人工智能相关企业是指为人工智能研发提供支撑的企业。"
    assert _defined_span(fold(sentence), question) == "人工智能相关企业"
    # One word of the question is no term; a sentence not opening with it defines nothing.
    assert _defined_span(fold("人工智能是新一轮科技革命的核心。"), question) == ""
    assert _defined_span(fold("具体而言，是指处于全产业链上的企业。"), question) == ""


def test_figures_alone_are_shown_in_the_words_of_a_sentence_in_the_answers_language() -> None:
    # "61:83" is in no language: a Chinese answer shows what the score is from its
    # sentence (which writes it 61-83); an English answer does not get Chinese clauses.
    sentence = "2022年女篮世界杯决赛中，中国女篮以61-83不敌美国女篮，获得亚军。"
    assert (
        figures_in_full("61:83", sentence, "zh")
        == "2022年女篮世界杯决赛中，中国女篮以61-83不敌美国女篮"
    )
    assert figures_in_full("61:83", sentence, "en") == "61:83"


def test_how_much_something_rose_is_answered_by_a_sentence_saying_it_rose() -> None:
    # "进步了多少" asks how much GPT-4 improved; "提升了40%" says it — a fall does not.
    rose = "3月，GPT4正式发布，回答的准确性相比GPT3.5大幅提升了40%。"
    fell = "3月，GPT4正式发布，回答的错误率相比GPT3.5下降了40%。"
    chunks = [
        Chunk("g1", rose, Location("t.md", "t", 0, len(rose), 1, 1), heading="GPT4发布"),
        Chunk("g2", fell, Location("u.md", "u", 0, len(fell), 1, 1), heading="GPT4发布"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    asked = analyze("GPT-4比GPT-3.5进步了多少？", ReportNames(REPORTS))
    idf = {"gpt4": 5.0, "gpt3.5": 5.0, "准确性": 4.0, "错误率": 4.0, "进步": 3.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    up = checker.check_all(
        ["GPT-4比GPT-3.5提升了40%。"], [(passages[0], passages[0].sentences[0])], passages
    )
    down = checker.check_all(
        ["GPT-4比GPT-3.5下降了40%。"], [(passages[1], passages[1].sentences[0])], passages
    )
    assert up[0].supported, up[0].detail
    assert not down[0].supported and down[0].check == "attribute", down[0].detail


def test_how_much_something_improved_is_answered_by_a_change_either_way() -> None:
    # "…所需资源和模拟速度分别改进了多少？": an improvement is a fall of the resources
    # and a rise of the speed; the sentence saying so answers it. Asked how much
    # something rose, a fall still does not (above).
    text = "复现实验所需资源减少四个数量级，模拟速度提升三个数量级。"
    chunk = Chunk("s1", text, Location("t.md", "t", 0, len(text), 1, 1), heading="AI+科学模拟")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    asked = analyze("复现实验的所需资源和模拟速度分别改进了多少？", ReportNames(REPORTS))
    idf = {"资源": 4.0, "模拟": 4.0, "速度": 3.0, "改进": 4.0, "复现": 5.0, "实验": 3.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    (result,) = checker.check_all(
        ["所需资源减少四个数量级，模拟速度提升三个数量级。"],
        [(passages[0], passages[0].sentences[0])],
        passages,
    )
    assert result.supported, result.detail


def test_a_question_asking_two_things_in_its_clauses_is_answered_clause_by_clause() -> None:
    # "…what counts as AGI, and where does it place GPT-4?": the report's definition of
    # AGI answers the first clause and names no GPT-4, which only the second asks of.
    # A claim answering the second still needs GPT-4's sentence; a clause naming no
    # subject of its own ("增长了多少？") asks of the one before it.
    defining = "通用人工智能是具备可泛化任务执行能力的人工智能，可以通过图灵测试。"
    growth = "广州的人工智能企业数量增长了20%。"
    placing = "GPT-4已经跨过了通用人工智能的门槛。"
    chunks = [
        Chunk("a1", defining, Location("t.md", "t", 0, len(defining), 1, 1), heading="发展阶段"),
        Chunk("a2", growth, Location("s.md", "s", 0, len(growth), 1, 1), heading="企业"),
        Chunk("a3", placing, Location("t.md", "t", 900, 900 + len(placing), 9, 9), heading="GPT"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    agi = [(passages[0], passages[0].sentences[0])]
    idf = {"通用": 4.0, "人工智能": 2.0, "泛化": 5.0, "图灵": 5.0, "gpt4": 6.0, "测试": 3.0}
    asked = analyze(
        "腾讯报告中，人工智能发展阶段如何定义通用人工智能，以及GPT-4位于哪个阶段？",
        ReportNames(REPORTS),
    )
    checker = ClaimChecker(asked, idf, 5.0, {})
    (defined,) = checker.check_all([defining], agi, passages)
    assert defined.supported, defined.detail
    (placed,) = checker.check_all(["GPT-4可以通过图灵测试。"], agi, passages)
    assert not placed.supported and placed.check == "subject", placed.detail
    asked = analyze("2023年深圳的人工智能企业有多少家，增长了多少？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"增长": 3.0, "企业": 2.0}, 5.0, {})
    rose = [(passages[1], passages[1].sentences[0])]
    (other,) = checker.check_all(["2023年企业数量增长了20%。"], rose, passages)
    assert not other.supported and other.check == "subject", other.detail


def test_a_figure_said_beside_a_run_of_places_is_none_of_theirs_alone() -> None:
    # "萝卜快跑在武汉的累计服务订单有多少？": the report gives the national total, then says
    # the fleet has reached "北京、武汉、重庆、深圳、上海五城". Wuhan is one item of that run,
    # not what the 400万单 measures. A sentence assigning figures to each ("分别") does
    # make each name its figure's subject, as a name of its own does.
    total = (
        "截至今年三季度，百度的萝卜快跑累计服务订单超过了400万单。"
        "百度的全无人自动驾驶车队，也已驶入北京、武汉、重庆、深圳、上海五城。"
    )
    each = "北京、武汉的萝卜快跑累计服务订单分别为300万单和100万单。"
    own = "武汉的萝卜快跑累计服务订单超过了100万单。"
    chunks = [
        Chunk(f"r{i}", t, Location(f"{i}.md", "t", 0, len(t), 1, 1), heading="自动驾驶")
        for i, t in enumerate((total, each, own))
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    idf = {"武汉": 5.0, "北京": 4.0, "萝卜": 6.0, "快跑": 6.0, "订单": 4.0, "服务": 2.0}
    asked = analyze("百度萝卜快跑在武汉的累计服务订单有多少？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, idf, 5.0, {})
    first = [(passages[0], passages[0].sentences[0])]
    (national,) = checker.check_all(["萝卜快跑累计服务订单超过了400万单。"], first, passages)
    assert not national.supported and national.check == "subject", national.detail
    assigned = [(passages[1], passages[1].sentences[0])]
    (wuhan,) = checker.check_all(["武汉的萝卜快跑累计服务订单为100万单。"], assigned, passages)
    assert wuhan.supported, wuhan.detail
    alone = [(passages[2], passages[2].sentences[0])]
    (named,) = checker.check_all(["武汉的萝卜快跑累计服务订单超过了100万单。"], alone, passages)
    assert named.supported, named.detail


def test_the_digit_of_a_dimension_or_a_generation_is_no_figure() -> None:
    # "裸眼3D屏幕…3D-HEVC…3D视频" gives no figure 3 for three things, and "6DoF" states no 6:
    # the list of what pushes immersive 3D video forward was refused for it.
    text = "硬件：裸眼3D屏幕日益成熟；标准：H.265成熟（MV-HEVC、3D-HEVC），6DoF点云标准PCC。"
    chunk = Chunk("v1", text, Location("t.md", "t", 0, len(text), 1, 1), heading="沉浸媒体")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    idf = {"裸眼": 5.0, "屏幕": 3.0, "hevc": 6.0, "点云": 5.0, "pcc": 6.0, "标准": 2.0}
    asked = analyze("腾讯报告认为哪些硬件和标准推动了沉浸式3D视频的发展？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, idf, 5.0, {})
    said = "裸眼3D屏幕日益成熟，H.265成熟：MV-HEVC、3D-HEVC，推动3D视频演进，6DoF点云标准PCC。"
    results = checker.check_all([said], [(passages[0], passages[0].sentences[0])], passages)
    assert all(r.check != "figure" for r in results), [r.detail for r in results]
    # A figure beside such a name is still one: 8K is not stated.
    results = checker.check_all(
        ["裸眼3D屏幕支持120帧。"], [(passages[0], passages[0].sentences[0])], passages
    )
    assert any(r.check == "figure" for r in results), [r.detail for r in results]


def test_each_figure_of_a_claim_belongs_to_the_subject_its_own_sentence_names() -> None:
    # "QLoRA…能微调65B参数模型，需要2万亿个tokens训练": the 2万亿 is Llama 2's, stated by
    # a sentence naming Llama 2 only. One cited sentence naming QLoRA does not make every
    # figure of the claim QLoRA's.
    qlora = "QLoRA能在单个48GB GPU上微调65B参数模型。"
    llama = "Meta的Llama 2需要2万亿个tokens训练。"
    chunks = [
        Chunk("q1", qlora, Location("a.md", "a", 0, len(qlora), 1, 1), heading="研究进展"),
        Chunk("q2", llama, Location("b.md", "b", 0, len(llama), 1, 1), heading="大模型"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    idf = {"qlora": 6.0, "llama": 5.0, "meta": 4.0, "微调": 4.0, "tokens": 4.0, "训练": 2.0}
    asked = analyze("QLoRA单个GPU能微调多大的模型？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, idf, 5.0, {})
    both = [(p, p.sentences[0]) for p in passages]
    joined = checker.check_all(["QLoRA能微调65B参数模型，需要2万亿个tokens训练。"], both, passages)
    assert not all(r.supported for r in joined), [r.detail for r in joined]
    (own,) = checker.check_all(["QLoRA能在单个48GB GPU上微调65B参数模型。"], both[:1], passages)
    assert own.supported, own.detail
    # A figure's sentence naming no other subject ("该模型共有80层") is about what the
    # other cited sentence names.
    layers = "该模型共有80层。"
    chunk = Chunk("q3", layers, Location("c.md", "c", 0, len(layers), 1, 1), heading="研究进展")
    more = number_passages([*(p.hit for p in passages), Hit(chunk, 3, 1.0)])
    pair = [(more[0], more[0].sentences[0]), (more[2], more[2].sentences[0])]
    said = "QLoRA能在单个48GB GPU上微调65B参数模型，该模型共有80层。"
    assert all(r.supported for r in checker.check_all([said], pair, more)), said


def test_a_count_in_characters_is_found_in_the_sentence_beside_the_cited_one() -> None:
    # "…对算力的需求每两个月翻一倍；GPU 算力每年翻倍；摩尔定律以每 18 个月翻倍的速度已经放
    # 缓。" is shown as three sentences, split at its semicolons; a claim citing the last
    # part states the first part's count ("两个月", in characters) from the part beside it,
    # as it would a figure in digits.
    text = "对算力的需求每两个月翻一倍；GPU 算力每年翻倍；摩尔定律以每 18 个月翻倍的速度已经放缓。"
    chunk = Chunk("m1", text, Location("w.md", "w", 0, len(text), 1, 1), heading="算力破墙")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    assert len(passages[0].sentences) == 3
    idf = {"算力": 3.0, "需求": 2.0, "摩尔定律": 6.0, "翻倍": 4.0, "放缓": 4.0}
    asked = analyze("算力需求与摩尔定律相比增长多快？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, idf, 5.0, {})
    last = [(passages[0], passages[0].sentences[2])]
    said = "算力需求每两个月翻一倍，而摩尔定律以每18个月翻倍的速度已经放缓。"
    results = checker.check_all([said], last, passages)
    assert all(r.check != "figure" for r in results), [r.detail for r in results]
    # A figure no part of it states is still not stated.
    results = checker.check_all(["摩尔定律以每24个月翻倍的速度已经放缓。"], last, passages)
    assert any(r.check == "figure" for r in results), [r.detail for r in results]


def test_a_claim_across_languages_is_cited_from_the_sentence_it_translates() -> None:
    # The model named the wrong sentence for an English claim over Chinese passages: the
    # shown sentence that means it (by the embedder's cross-lingual cosine) is its source.
    stated = "IBM提出，当量子计算机能以超出经典计算的规模执行可靠计算时，即能获得量子效用。"
    other = "腾讯云高性能计算集群的算力调度总规模超过1.5亿核。"
    chunks = [
        Chunk("q1", other, Location("t.md", "t", 0, len(other), 1, 1), heading="算力"),
        Chunk("q2", stated, Location("t.md", "t", 500, 500 + len(stated), 9, 9), heading="量子"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    claim = "Quantum utility is reached when a quantum computer performs reliable computations."

    def similarity(a: Sequence[str], b: Sequence[str]) -> list[list[float]]:
        return [[0.6 if "量子效用" in y else 0.1 for y in b] for _x in a]

    asked = analyze("What is quantum utility?", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"量子效用": 6.0}, 5.0, {}, similarity=similarity)
    wrong = [(passages[0], passages[0].sentences[0])]
    (result,) = checker.check_all([claim], wrong, passages)
    assert result.supported, result.detail
    assert [s.text for _p, s in result.evidence] == [stated]


ENGINE = """# 前沿应用趋势

## 专家调查

数字交互引擎是关系到我国科技竞争力的重要技术吗?

92%的受访专家认为，数字交互引擎是关系到我国科技竞争力的重要技术。

## 量子计算

量子计算正在走向实用。腾讯量子实验室发布了新的模型。

腾讯量子实验室模型流程图

## 引擎概述

- 数字交互引擎是在文化创意场景下产生、不断实现技术迭代的一类工具集，集成了物理模拟等前沿技术。
- 数字交互引擎主要由图形模块、仿真模块、实时渲染等模块构成，它以软件代码包形式创造虚拟场景。
"""


def test_a_question_asking_what_a_term_is_among_other_things_gets_its_definition(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "X是什么？主要由哪些模块构成？" asks a list, and what X is. The model answers with the
    # figure caption beside the definition, a label: the report's defining sentence
    # answers — not the survey's question "X是…吗?", which defines nothing.
    root = tmp_path / "engine"
    root.mkdir()
    (root / "engine.md").write_text(ENGINE, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("腾讯量子实验室模型流程图", "腾讯量子实验室模型流程图")
    question = "报告中的“数字交互引擎”是什么？主要由哪些模块构成？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "一类工具集" in answer.text, answer.text
    assert "流程图" not in answer.text and "吗" not in answer.text, answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert_checkable(answer, root)


def test_what_a_claim_says_a_term_is_comes_from_sentences_about_the_term() -> None:
    # "X是<caption>，主要由…构成": the caption, two sentences after another topic, is about
    # its figure; the sentence about X gives the modules alone.
    passages = number_passages(
        [Hit(Chunk("e", ENGINE, Location("e.md", "e", 0, len(ENGINE), 1, 20)), 1, 1.0)]
    )
    chosen = [
        (p, s) for p in passages for s in p.sentences if "流程图" in s.text or "主要由" in s.text
    ]
    assert len(chosen) == 2
    asked = analyze("报告中的“数字交互引擎”是什么？主要由哪些模块构成？", ReportNames({}))
    assert asked.type == "list" and asked.defines
    idf = {"数字": 4.0, "交互": 4.0, "引擎": 5.0, "流程图": 5.0, "量子": 4.0, "模块": 3.0}
    checker = ClaimChecker(asked, idf, 6.0, {})
    joined, own = checker.check_all(
        [
            "数字交互引擎是腾讯量子实验室模型流程图，主要由图形模块、仿真模块构成。",
            "数字交互引擎主要由图形模块、仿真模块、实时渲染等模块构成。",
        ],
        chosen,
        passages,
    )
    assert not joined.supported and joined.check == "subject", joined.detail
    assert own.supported, own.detail


def test_a_question_asks_for_a_definition_when_any_of_its_parts_does() -> None:
    assert asks_definition("报告中的“数字交互引擎”是什么？主要由哪些模块构成？", "list")
    assert asks_definition(
        "How does the white paper define a sparse model, and how does it differ?", "comparison"
    )
    assert not asks_definition("深圳有多少家人工智能企业？主要分布在哪些区？", "list")
    assert not asks_definition("该公司的名字是什么？", "fact")


def test_a_bulleted_run_is_a_list_when_counted_or_labelled() -> None:
    text = (
        "以价值对齐确保人工智能的未来\n"
        "- **凝聚行业共识**，推动形成指南。\n"
        "- **鼓励开放研究**，支持安全研究。\n"
        "- **结合人类监督和AI监督**，同步发展。\n"
        "- **基于自然反馈对齐的探索**：更天然的方式。\n"
        "人形机器人加速发展。\n"
        "- 另一个要点。\n"
    )
    chunk = Chunk("c", text, Location("v.md", "v", 0, len(text), 1, 7))
    lines = text.splitlines()
    sentences = tuple(Sentence(i, 1, t, text.index(t)) for i, t in enumerate(lines, 1))
    passage = Passage(1, Hit(chunk, 1, 1.0), sentences)
    second = sentences[2]
    # Four labelled items: a list, whatever the count; the run ends at the unbulleted line.
    assert [s.id for s in bulleted_run(passage, second, None)] == [2, 4, 5]
    assert [s.id for s in bulleted_run(passage, second, 4)] == [2, 4, 5]
    assert bulleted_run(passage, second, 3) == []  # not the run the question counts
    assert bulleted_run(passage, sentences[6], None) == []  # an item alone is no run
    unlabelled = Passage(
        1,
        Hit(Chunk("u", "- 甲。\n- 乙。\n", Location("u.md", "u", 0, 8, 1, 2)), 1, 1.0),
        (Sentence(1, 1, "- 甲。", 0), Sentence(2, 1, "- 乙。", 5)),
    )
    assert bulleted_run(unlabelled, unlabelled.sentences[0], None) == []
    assert [s.id for s in bulleted_run(unlabelled, unlabelled.sentences[0], 2)] == [2]


def test_a_part_of_a_figure_comes_from_where_its_whole_is_stated() -> None:
    from trendqa.answer.answerer import _compose
    from trendqa.answer.claims import ClaimResult, parts_with_wholes

    # "84家创新载体，其中97家…": the part is its own claim; another passage's "其中" (of
    # enterprises) is no part of the carriers.
    text = "截至2023年底，深圳有84家创新载体，其中97家被认定为小巨人企业。"
    assert split_claims(text) == [
        "截至2023年底，深圳有84家创新载体",
        "其中97家被认定为小巨人企业。",
    ]
    assert split_claims("深圳有创新载体，其中一家在南山。") == ["深圳有创新载体，其中一家在南山。"]
    carriers = "截至2023年底，深圳累计建设创新载体84家。近年立项量下滑。"
    firms = "深圳人工智能企业众多。其中，97家企业被认定为小巨人企业。"
    a, b = (
        Chunk(c, t, Location("w.md", "w", 0, len(t), 1, 1))
        for c, t in (("a", carriers), ("b", firms))
    )
    passages = number_passages([Hit(a, 1, 1.0), Hit(b, 2, 0.9)])
    whole_sentence = passages[0].sentences[0]
    near, far = passages[0].sentences[1], passages[1].sentences[1]
    whole = ClaimResult("截至2023年底，深圳有84家创新载体", ((passages[0], whole_sentence),), True)
    apart = ClaimResult("其中97家被认定为小巨人企业。", ((passages[1], far),), True)
    beside = ClaimResult("其中立项量下滑。", ((passages[0], near),), True)
    checked = parts_with_wholes([whole, apart])
    assert checked[0].supported and not checked[1].supported
    assert checked[1].check == "subset"
    assert _compose(text, checked) == "截至2023年底，深圳有84家创新载体[1]。"
    assert parts_with_wholes([whole, beside])[1].supported


HETERO = """# 算力趋势

## 算力破墙

在数据中心，GPU相对于CPU的主导作用越来越强。芯片架构从异构转向超异构。CPU、GPU、NPU，以及各种算法的芯片，越来越多地集成到单个芯片中。

## 国产芯片

华为通过魔改ARMv8.2，形成了自己的鲲鹏CPU架构。
"""


def test_a_term_stated_as_a_sentence_is_explained_by_the_sentence_after_it(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "芯片架构从异构转向超异构。" states the term; the report explains it in the next
    # sentence. The model's answer (another section's sentence) fails its subject check.
    root = tmp_path / "chips"
    root.mkdir()
    (root / "chips.md").write_text(HETERO, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("从异构转向超异构指的是华为通过魔改ARMv8.2，形成了自己的鲲鹏CPU架构。", "鲲鹏")
    question = "报告所说的芯片架构“从异构转向超异构”指的是什么？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "集成到单个芯片中" in answer.text and "鲲鹏" not in answer.text, answer.text
    assert all(c.supported for c in answer.claims if "鲲鹏" not in c.text)
    assert_checkable(answer, root)


GENES = """# AI+基因计算

## 热点方向

基因数据处理技术

存储和管理海量生物数据的技术，支撑生物数据的快速查询和分析

基因表达分析技术

对基因组中的基因表达程度进行量化，帮助了解基因功能、调控机制及基因变异影响等

基因网络分析技术

利用复杂网络理论研究基因调控网络、蛋白质相互作用等，支持了解生物系统运作机制
"""


def test_a_term_on_a_line_of_its_own_is_explained_by_the_line_describing_it(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # A label line over a line describing it without a stop: the model gave the next
    # label's description, refused for naming another term; the term's own line answers.
    root = tmp_path / "genes"
    root.mkdir()
    (root / "genes.md").write_text(GENES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    wrong = "基因表达分析技术指的是利用复杂网络理论研究基因调控网络、蛋白质相互作用等。"
    gen = model(wrong, "利用复杂网络理论")
    answer = Answerer(searcher, gen).ask("“基因表达分析技术”指的是什么？", AskOptions())
    assert answer.answerable, answer.reason
    assert "基因表达程度进行量化" in answer.text and "复杂网络" not in answer.text, answer.text


def test_a_translation_makes_up_no_titles_and_pointed_words_are_no_names() -> None:
    from trendqa.answer.answerer import unquoted
    from trendqa.answer.question import entities

    reports = ReportNames(REPORTS)
    made_up = "《Jennifer Doudna的论文》在腾讯报告中被引用，该论文在哪里发表？"
    asked = "Which Jennifer Doudna paper does the Tencent report cite, and where was it published?"
    assert unquoted(made_up, asked, reports).startswith("Jennifer Doudna的论文在")
    # A possessive's apostrophe quotes nothing.
    possessive = "Which Jennifer Doudna paper does Weijin Research's chapter cite?"
    assert unquoted(made_up, possessive, reports).startswith("Jennifer Doudna的论文在")
    # A report's title stays one; a question that quotes keeps its translation's titles.
    titled = "《2023年十大科技趋势》如何定义生成式AI？"
    assert (
        unquoted(titled, "How does DAMO's trends report define generative AI?", reports) == titled
    )
    quoted = "《科技巨头》是什么意思？"
    assert unquoted(quoted, "What does the report mean by 'Big Tech'?", reports) == quoted
    # "该论文" points back at a thing, "哪篇论文" asks for one: neither names a subject.
    assert "论文" not in entities("Jennifer Doudna的论文在哪里发表？该论文被谁引用？")
    assert "论文" not in entities("腾讯报告引用了哪篇论文？")
    assert "腾讯" in entities("腾讯报告引用了哪篇论文？")


TURING = """# 具身智能

## 概念由来

1848年，图灵在“机器智能”的文章中，首次提到“嵌入式智能”，这被公认是“具身智能”概念的首次提出；值得注意的是，1950年图灵又发表了另一篇文章。

## 产业进展

人形机器人进入量产前夜，这件事有着产业上的意义。
"""


def test_a_sentence_answering_one_of_two_sub_questions_is_quoted(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model answers the year with the other figure of the sentence. The sentence
    # itself answers the first sub-question; the second ("这件事有什么意义？") points back
    # at it and names nothing of its own, so it does not count against the quote.
    root = tmp_path / "turing"
    root.mkdir()
    (root / "turing.md").write_text(TURING, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("1950年", "1848年")
    question = "图灵在哪一年的文章中首次提到“嵌入式智能”？这件事有什么意义？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "1848年" in answer.text and answer.reason.startswith("quoted:"), answer.text
    assert_checkable(answer, root)


def test_a_translations_lower_case_english_word_is_no_name() -> None:
    from trendqa.answer.question import entities

    found = entities("腾讯报告中 humanoid-机器人章节中，NVIDIA的MimicGen系统做了什么？")
    assert "humanoid" not in found and {"NVIDIA", "MimicGen"} <= set(found)
    assert "iPhone 15" in entities("iPhone 15的售价是多少？")


def test_a_table_rows_claim_may_repeat_the_questions_words_its_header_states() -> None:
    # "The estimate uses a labor cost of $85 per work-hour …": "labor cost" is the header's
    # (the line above the row), what was asked; the row states what the claim adds.
    text = (
        "ESTIMATED COSTS\nAction Labor cost Parts cost Cost per product\n"
        "Stabilizer wiring change 79 work-hours × $85 per hour = $6,715.\n"
    )
    chunk = Chunk("t", text, Location("fr.pdf", "fr", 0, len(text), 1, 3))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    row = [(p, s) for p in passages for s in p.sentences if "Stabilizer" in s.text]
    question = (
        "What labor cost per work-hour does the estimate use for the stabilizer wiring change?"
    )
    idf = {"labor": 6.0, "cost": 4.0, "estimate": 5.0, "stabilizer": 3.0, "wiring": 3.0}
    checker = ClaimChecker(analyze(question, ReportNames({})), idf, 6.0, {})
    right, wrong = checker.check_all(
        [
            "The estimate uses a labor cost of $85 per work-hour for the stabilizer wiring change.",
            "The estimate uses a labor cost of $95 per work-hour for the stabilizer wiring change.",
        ],
        row,
        passages,
    )
    assert right.supported, right.detail
    assert not wrong.supported and wrong.check == "figure", wrong.detail


def test_a_publishers_initials_name_its_document() -> None:
    from trendqa.answer.question import acronyms

    assert "FAA" in acronyms("Federal Aviation Administration, Federal Register Vol. 85")
    assert acronyms("Federal Bureau of Investigation") == ["FBI"]
    assert acronyms("trendqa tests") == [] and acronyms(None) == []


def test_who_holds_a_role_is_answered_by_naming_a_person() -> None:
    from trendqa.answer.answerer import _WANTS_PERSON, _names_person

    question = "白皮书里介绍的月之暗面，创始人是谁？"
    assert _WANTS_PERSON.search(question) and _WANTS_PERSON.search("Who founded Moonshot AI?")
    assert not _WANTS_PERSON.search("该技术由谁提出？")  # a person or an organisation
    # What the founding team worked on names products, not the founder.
    team = "月之暗面创始团队核心成员参与了 Google Gemini、Google Bard、盘古 NLP 等大模型的研发。"
    assert not _names_person(team, question)
    assert _names_person("月之暗面的创始人是杨植麟。", question)
    assert _names_person("OpenAI was founded by Sam Altman.", "Who founded OpenAI?")
    assert not _names_person("OpenAI was founded in 2015.", "Who founded OpenAI?")
    # Capitalised role words name the role, not who holds it.
    who = "Who is the president of the NFL?"
    assert _WANTS_PERSON.search(who)
    roles = "The executive officers include the President and ten (10) Vice Presidents."
    assert not _names_person(roles, who)
    assert _names_person("Roger Goodell is the Commissioner.", who)
    # An editor, a chief executive: a person too. The report's publisher edits nothing.
    editor = "Who is the chief editor of Weijin Research's Kan DAO 2024 report?"
    assert _WANTS_PERSON.search(editor) and _WANTS_PERSON.search("《看DAO2024》的主编是谁？")
    assert _WANTS_PERSON.search("海底捞的新任首席执行官是谁？")
    assert not _names_person("The report is published by WEIJIN RESEARCH.", editor)
    assert _names_person("《看DAO2024》的主编是刘琼。", "《看DAO2024》的主编是谁？")


def test_what_a_question_asks_of_its_subject_is_not_the_verb_opening_its_slot() -> None:
    # "会给影视行业带来什么": what it brings is the answer; the industry is what is asked of.
    question = "未尽研究预测2024年生成式AI会给影视行业带来什么？"
    checker = ClaimChecker(analyze(question, ReportNames(REPORTS)), {}, 6.0, {})
    terms = checker._attribute_terms
    assert "带来" not in terms and any("影视" in t or "行业" in t for t in terms), terms


def test_a_labelled_entrys_value_is_its_labels_not_the_asked_entrys() -> None:
    # The report's list of chapter authors: asked for two chapters' authors, the model
    # gives the names of a third chapter's entry.
    text = "主笔\n脑机接口：吴朋阳\n沉浸式媒体：宋扬、王强\n星地直连通信：王鹏\n"
    chunk = Chunk("a", text, Location("t.md", "t", 0, len(text), 1, 4))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    by_text = {s.text.strip(): (p, s) for p in passages for s in p.sentences}
    asked = analyze("脑机接口和星地直连通信两章的主笔分别是谁？", ReportNames({}))
    checker = ClaimChecker(asked, {"吴朋阳": 6.0, "王强": 6.0, "王鹏": 6.0}, 6.0, {})
    other, own = checker.check_all(
        ["宋扬、王强", "吴朋阳"],
        [by_text["沉浸式媒体：宋扬、王强"], by_text["脑机接口：吴朋阳"]],
        passages,
    )
    assert not other.supported and other.check == "subject", other.detail
    assert "沉浸式媒体" in other.detail
    assert own.supported, own.detail


def test_a_run_of_entries_begun_in_the_passage_before_is_read_under_its_label() -> None:
    # The passage opens mid-run: its label (主笔) and first entries are the passage
    # before's. The entry is read under the label wherever the run began.
    text = "脑机接口：吴朋阳\n沉浸式媒体：宋扬、王强\n星地直连通信：王鹏\n"
    chunk = Chunk("a", text, Location("t.md", "t", 0, len(text), 1, 3))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    by_text = {s.text.strip(): (p, s) for p in passages for s in p.sentences}
    asked = analyze("脑机接口和星地直连通信两章的主笔分别是谁？", ReportNames({}))
    idf = {"吴朋阳": 6.0, "王强": 6.0, "王鹏": 6.0, "主笔": 6.0}

    def check(before: str | None) -> ClaimResult:
        hook = None if before is None else (lambda _chunk: before)
        checker = ClaimChecker(asked, idf, 6.0, {}, text_before=hook)
        return checker.check("吴朋阳", [by_text["脑机接口：吴朋阳"]], passages)

    assert check("主笔\n高性能计算：刘莫闲\n多模态智能体：王强、曹建峰\n").supported
    assert not check(None).supported  # the label out of sight: nothing says 主笔
    # A run under another label is that label's.
    under_editor = check("审校\n高性能计算：刘莫闲\n")
    assert not under_editor.supported and under_editor.check == "attribute", under_editor.detail


def test_a_definition_rests_on_a_sentence_saying_what_something_is() -> None:
    # "腾讯定义…为星链2.0 mini版本" citing an event line ("星链2.0 mini版本入轨"): verbatim, and
    # no definition of anything.
    text = (
        "星地直连通信\n2023年2月27日，星链2.0 mini版本入轨\n"
        "星地直连通信是指手机与卫星直接连接的通信方式。\n"
    )
    chunk = Chunk("s", text, Location("s.md", "s", 0, len(text), 1, 3))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    by_text = {s.text.strip(): (p, s) for p in passages for s in p.sentences}
    asked = analyze("报告如何定义星地直连通信？", ReportNames({}))
    assert asked.defines
    checker = ClaimChecker(asked, {"星链": 6.0, "直连": 5.0, "卫星": 4.0}, 6.0, {})
    event, defined = checker.check_all(
        [
            "腾讯将星地直连通信定义为星链2.0 mini版本。",
            "星地直连通信是指手机与卫星直接连接的通信方式。",
        ],
        [by_text["2023年2月27日，星链2.0 mini版本入轨"], by_text[text.splitlines()[2]]],
        passages,
    )
    assert not event.supported and event.check == "content", event.detail
    assert defined.supported, defined.detail


def test_a_heading_like_line_is_not_quoted_as_the_answer(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # A line of its own that names a topic states nothing about it: when the model's
    # claim fails, the line it cited is no answer to quote in its place.
    root = tmp_path / "agents"
    root.mkdir()
    (root / "agents.md").write_text(
        "# 大模型趋势\n\n## 智能体\n\n多模态AI智能体的生成未来\n\n"
        "大模型正在从对话走向行动，应用范围持续扩大。\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("AI智能体将取代全部手机应用。", "多模态AI智能体的生成未来")
    answer = Answerer(searcher, gen).ask("如何看待AI智能体的未来？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("content:"), answer.reason


def test_a_charts_caption_is_not_quoted_as_the_answer(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "图表 9:…(单位:件)" titles a chart: its 9 numbers the chart and counts nothing.
    root = tmp_path / "patents"
    root.mkdir()
    (root / "patents.md").write_text(
        "# 专利\n\n图表 9:近年来中国人工智能发明专利申请量变化(单位:件)\n\n"
        "人工智能企业持续加大研发投入，专利布局日益完善。\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("中国人工智能发明专利申请量约8万件。", "图表 9")
    answer = Answerer(searcher, gen).ask("中国人工智能发明专利申请量有何变化，大约多少件？")
    assert not answer.answerable, (answer.text, answer.reason)
    assert "图表" not in answer.text


EMBODIED = (
    "# 具身智能\n\n## 下一个浪潮\n\n"
    "英伟达创始人黄仁勋在ITF World 2023半导体大会上表示，AI下一个浪潮将是具身智能，"
    "即能理解、推理、并与物理世界互动的智能系统。\n\n"
    "具身智能的研究正在加速。\n"
)


def test_a_definition_is_shown_as_the_short_sentence_that_states_it(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model's definition keeps the report's words but leaves out who said it and
    # where: shown, as a fact is, as the report's own short sentence that states it.
    root = tmp_path / "embodied"
    root.mkdir()
    (root / "embodied.md").write_text(EMBODIED, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("具身智能即能理解、推理、并与物理世界互动的智能系统。", "ITF World")
    answer = Answerer(searcher, gen).ask("什么是具身智能？", AskOptions())
    assert answer.answerable, answer.reason
    assert answer.text.startswith("英伟达创始人黄仁勋在ITF World 2023半导体大会上表示"), answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    assert_checkable(answer, root)


def test_a_question_pointing_back_asks_of_the_subject_before_it() -> None:
    # "这件事有什么意义？" asks of what the question before it asked about (the article
    # first naming 嵌入式智能): a year from a sentence about something else answers neither.
    turing = (
        "1848年，图灵在“机器智能”的文章中首次提到“嵌入式智能”，这被公认是具身智能概念的首次提出。"
    )
    berger = "1924年，德国Hans Berger开发了脑电图（EEG），首次记录人脑中的电信号。"
    chunks = [
        Chunk(f"c{i}", text, Location("t.md", "t", 0, len(text), 1, 1), heading="具身智能")
        for i, text in enumerate([turing, berger])
    ]
    passages = number_passages([Hit(c, i + 1, 1.0) for i, c in enumerate(chunks)])
    asked = analyze(
        "腾讯报告称图灵在哪一年的文章中首次提到“嵌入式智能”？这件事有什么意义？",
        ReportNames(REPORTS),
    )
    assert "嵌入式智能" in asked.entities
    idf = {"嵌入式智能": 6.0, "嵌入式": 5.0, "脑电图": 6.0, "berger": 6.0}
    checker = ClaimChecker(asked, idf, 4.0, {})
    checker._shown_texts = tuple(fold(c.text) for c in chunks)
    checker._shown_passages = tuple(passages)
    eeg = [(passages[1], passages[1].sentences[0])]
    assert checker._missing_subject("1924年，德国Hans Berger开发了脑电图。", eeg) == "嵌入式智能"
    article = [(passages[0], passages[0].sentences[0])]
    assert checker._missing_subject("这被公认是具身智能概念的首次提出。", article) == ""


def test_a_word_naming_a_kind_is_not_what_a_question_asks_of_its_subject() -> None:
    # 领域 says what kind of thing 智能医疗 is; what is asked about is 智能医疗.
    asked = analyze("深圳应用层企业里智能医疗领域的占比是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {"医疗": 3.0, "领域": 2.0}, 4.0, {})
    assert checker._attribute_terms == ["医疗"]
    alone = analyze("该领域的占比是多少？", ReportNames({}))  # a kind noun alone is kept
    assert ClaimChecker(alone, {"领域": 2.0}, 4.0, {})._attribute_terms == ["领域"]


def test_a_share_of_other_fields_is_no_share_of_the_field_asked(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The sentence gives the application layer's share and names the fields it covers;
    # 智能医疗 is not among them, so its share is stated nowhere.
    root = tmp_path / "layers"
    root.mkdir()
    (root / "layers.md").write_text(
        "# 深圳人工智能产业\n\n## 产业分层\n\n截至2023年底，深圳64.9%的人工智能相关企业处于应用层，"
        "主要集中在公共安全、智能制造、智能家居和智能交通领域。\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    claim = (
        "深圳64.9%的人工智能相关企业处于应用层，"
        "主要集中在公共安全、智能制造、智能家居和智能交通领域。"
    )
    gen = model(claim, "64.9%的人工智能相关企业处于应用层")
    answer = Answerer(searcher, gen).ask("深圳应用层企业里智能医疗领域的占比是多少？", AskOptions())
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("attribute:") and "医疗" in answer.reason, answer.reason
    gen = model(claim, "64.9%的人工智能相关企业处于应用层")
    answer = Answerer(searcher, gen).ask("深圳应用层企业里智能交通领域的占比是多少？", AskOptions())
    assert not answer.reason.startswith("attribute:"), answer.reason


def test_a_sentence_is_read_under_the_line_titling_its_entry(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # In a chronicle, a short line titles each entry: 升级 is said by the title, not by
    # the sentence listing the upgraded abilities. A title further up titles another entry.
    root = tmp_path / "chronicle"
    root.mkdir()
    (root / "chronicle.md").write_text(
        "# 人形机器人\n\n## 大事记\n\n"
        "7月，李飞飞团队发布最新成果VoxPoser具身智能技术，机器人可以直接听懂人类的自然语言指令。\n"
        "特斯拉擎天柱再次升级\n"
        "人形机器人Optimus快速迭代，商业化进程持续推进。\n"
        "特斯拉擎天柱的力控能力、抓取复杂物体的能力、利用FSD技术的视觉感知和处理能力。\n"
        "多家科技公司布局具身智能\n"
        "OpenAI投资了人形机器人公司1X。\n"
        "英伟达CEO黄仁勋也公开唱多具身智能。\n"
        "微软基于ChatGPT生成控制机器人的相关代码。\n"
        "腾讯的机器人Max学会了障碍追逐比赛的智能策略。\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    claim = "特斯拉擎天柱的力控能力、抓取复杂物体的能力、利用FSD技术的视觉感知和处理能力。"
    gen = model(claim, "特斯拉擎天柱的力控能力")
    answer = Answerer(searcher, gen).ask("特斯拉擎天柱在什么能力上有了升级？", AskOptions())
    assert answer.answerable, answer.reason
    assert [c.quote for c in answer.citations] == [claim]
    claim = "腾讯的机器人Max学会了障碍追逐比赛的智能策略。"
    gen = model(claim, "腾讯的机器人Max")
    answer = Answerer(searcher, gen).ask("腾讯的机器人Max布局了什么？", AskOptions())
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("attribute:") and "布局" in answer.reason, answer.reason


HEADED_CHAPTERS = """多模态智能体

多模态、Agent和端侧
从文本到图像、音视频等更多维度，多模态将推动AI应用的广度。
Agent为AI带来“手和脚”，大幅拓展应用深度。

行业预测

大事记

GPT4发布
3月，GPT4正式发布，回答的准确性相比GPT3.5大幅提升了40%。

卫星通信

行业预测

未来手机直连卫星会进入到快速增长阶段，终端设备将大量普及。

大事记

星链2.0 mini版本入轨
2023年2月，星链公司发射星链2.0 mini版本卫星。
"""


def test_what_a_quoted_heading_holds_is_what_stands_under_it(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The multimodal chapter's 行业预测 heads nothing (its chart was lost; the chapters'
    # repeated 大事记 follows): sentences from elsewhere in the chapter are no forecast.
    # The satellite chapter's 行业预测 heads its forecast.
    root = tmp_path / "chapters"
    root.mkdir()
    (root / "chapters.txt").write_text(HEADED_CHAPTERS, encoding="utf-8")
    # Other reports, so that the heading's words single something out.
    for i, topic in enumerate(["量子计算", "虚拟电厂", "脑机接口", "低空经济"]):
        (root / f"other{i}.txt").write_text(
            f"{topic}\n\n{topic}在2023年取得了新的进展，多家机构发布了相关成果。\n",
            encoding="utf-8",
        )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    claim = "从文本到图像、音视频等更多维度，多模态将推动AI应用的广度。"
    gen = model(f"- {claim}", "多模态将推动AI应用的广度")
    answer = Answerer(searcher, gen).ask(
        "多模态智能体的“行业预测”说了多模态和Agent的哪些前景？", AskOptions()
    )
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith("heading:") and "行业预测" in answer.reason, answer.reason
    claim = "未来手机直连卫星会进入到快速增长阶段，终端设备将大量普及。"
    gen = model(f"- {claim}", "未来手机直连卫星会进入到快速增长阶段")
    answer = Answerer(searcher, gen).ask(
        "卫星通信的“行业预测”说了手机直连卫星的哪些前景？", AskOptions()
    )
    assert answer.answerable, answer.reason
    assert [c.quote for c in answer.citations] == [claim]


def test_provinces_asked_together_are_the_region_chinese_writes_as_one() -> None:
    asked = "2023年北京、天津、河北三地人工智能融资数量是多少？"
    assert claims_module.regions(asked) == dict.fromkeys(["北京", "天津", "河北"], "京津冀")
    assert claims_module.regions("上海市和江苏省的企业有多少家？") == {
        "上海": "沪苏",
        "江苏": "沪苏",
    }
    assert claims_module.regions("北京有多少家人工智能企业？") == {}  # one province is no run
    stated = fold("2023年，京津冀地区人工智能融资数量为178起。")
    assert claims_module.with_members(stated, claims_module.regions(asked)).endswith(
        "北京 天津 河北"
    )


def test_a_region_named_by_its_provinces_is_stated_under_its_own_name(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # A translation writes Beijing-Tianjin-Hebei as 北京、天津、河北; the report writes 京津冀.
    # Asked of Beijing and Shanghai, the same sentence names neither.
    root = tmp_path / "regions"
    root.mkdir()
    (root / "regions.md").write_text(
        "# 区域发展\n\n## 京津冀\n\n2023年，京津冀地区人工智能融资数量为178起。\n\n"
        "## 全国\n\n2023年，全国人工智能行业融资数量为590起。\n",
        encoding="utf-8",
    )
    for i, topic in enumerate(["量子计算", "虚拟电厂", "脑机接口"]):
        (root / f"other{i}.md").write_text(
            f"# {topic}\n\n{topic}取得了新的进展。\n", encoding="utf-8"
        )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    claim = "2023年，京津冀地区人工智能融资数量为178起。"
    answer = Answerer(searcher, model(claim, "京津冀地区人工智能融资数量")).ask(
        "2023年北京、天津、河北三地人工智能融资数量是多少？", AskOptions()
    )
    assert answer.answerable, answer.reason
    answer = Answerer(searcher, model(claim, "京津冀地区人工智能融资数量")).ask(
        "2023年北京、上海两地人工智能融资数量是多少？", AskOptions()
    )
    assert not answer.answerable, (answer.text, answer.reason)
    assert answer.reason.startswith(("terms:", "subject:")), answer.reason


def test_a_cited_sentence_saying_what_was_asked_is_quoted_over_a_claim_from_one_that_does_not(
    tmp_path: Path, settings: Settings
) -> None:
    # An English question, answered through its translation (whose attribute words are
    # the model's guesses, so not held to the attribute check). The model cites the
    # sentence on the opening ceremony and the mascot's, and writes the mascot's: stated,
    # and no answer to what the opening's programme highlights.
    root = tmp_path / "games"
    root.mkdir()
    (root / "games.md").write_text(GAMES, encoding="utf-8")
    glossary = {
        "winter": "冬季运动会",
        "games": "冬季运动会",
        "opening": "开幕式",
        "ceremony": "开幕式",
        "programme": "节目",
        "highlight": "突出",
        "highlights": "突出",
        "community": "人类命运共同体",
        "shared": "共同体",
        "future": "命运",
        "mascot": "吉祥物形象",
        "emblem": "运动会标识",
        "released": "官方发布",
    }
    loader = FakeEmbedderLoader(glossary=glossary)
    ingest_paths(settings, [root], loader=loader)
    searcher = open_searcher(settings, loader=loader)[0]
    question = "What does the programme of the Winter Games opening ceremony highlight?"
    zh = "冬季运动会开幕式的节目突出什么？"
    opening = "The opening ceremony's programme highlights a community with a shared future."

    def ask(claim: str, english: str) -> Answer:
        gen = model(claim, "人类命运共同体", "吉祥物形象", question=zh, translations=[english])
        return Answerer(searcher, gen).ask(question, AskOptions())

    answer = ask("吉祥物形象和运动会标识已官方发布。", "The mascot and the emblem were released.")
    assert answer.answerable, answer.reason
    assert answer.reason.startswith("quoted: the claims' sentences do not say what was asked"), (
        answer.reason,
        [(c.reason, c.asked) for c in answer.claims],
    )
    assert [c.quote for c in answer.citations] == ["冬季运动会开幕式的节目突出人类命运共同体。"]
    assert "吉祥物" not in answer.text and "mascot" not in answer.text
    dropped, quoted = answer.claims
    assert not dropped.supported and dropped.reason.startswith("asked:"), dropped
    assert quoted.supported
    # Written from the sentence that says what was asked, the model's claim stands.
    answer = ask("开幕式的节目突出人类命运共同体。", opening)
    assert answer.answerable and answer.mode == "llm", answer.reason


def test_a_claim_from_further_on_in_the_quoted_sentences_passage_stands(
    tmp_path: Path, settings: Settings
) -> None:
    # "此次国葬" names the funeral no more, yet says where it is held: a sentence of the
    # same passage as the one naming the subject is about that subject. Its claim stands;
    # the opening sentence (the date, no place) is not quoted in its place.
    root = tmp_path / "news"
    root.mkdir()
    (root / "news.md").write_text(
        "伊丽莎白二世的国葬将于19日举行，当天英国将举行两分钟的默哀仪式。各国政要陆续抵达伦敦。"
        "民众在街头排起长队。媒体进行全程直播。"
        "此次国葬在威斯敏斯特教堂举办，是二战以来规模最大的活动之一。\n",
        encoding="utf-8",
    )
    loader = FakeEmbedderLoader()
    ingest_paths(settings, [root], loader=loader)
    searcher = open_searcher(settings, loader=loader)[0]
    gen = model("此次国葬在威斯敏斯特教堂举办。", "默哀仪式", "威斯敏斯特教堂")
    answer = Answerer(searcher, gen).ask("伊丽莎白二世的国葬将在哪里举行？", AskOptions())
    assert answer.answerable and answer.mode == "llm", answer.reason
    assert "威斯敏斯特教堂" in answer.text
    (claim,) = answer.claims
    assert claim.asked is not None and claim.asked < 0.5  # it names little of the question


def test_a_claim_about_one_of_two_joined_subjects_needs_that_ones_sentence_only() -> None:
    # "Condor和Heron…有多少个量子位？" is asked of each: Condor's figure stands in Condor's
    # sentence, which does not name Heron (it came two lines before, and was dropped as
    # Heron's missing subject). A claim giving Condor's figure for Heron is still refused.
    text = (
        "千级量子计算机达成：IBM 发布了1121量子比特的 Condor 处理器；\n"
        "Atom Computing将在24年推出全球首台超过1000量子比特的中性原子量子计算机。\n"
        "芯片互联出现：IBM 发布133比特具备互联结构的 Heron 处理器。\n"
        "这是国际首次完成芯片互联的结构，模块化量子计算机时代即将到来。"
    )
    chunk = Chunk("c1", text, Location("t.txt", "趋势", 0, len(text), 1, 4), heading="QPU")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    condor = [(passages[0], passages[0].sentences[0])]
    question = "IBM的Condor和Heron处理器有多少个量子位？Heron有什么特别之处？"
    idf = {"ibm": 2.0, "condor": 5.0, "heron": 5.0, "量子": 2.0, "处理器": 3.0}
    checker = ClaimChecker(analyze(question, ReportNames({})), idf, 6.0, {})
    checker._shown_texts = (fold(text),)
    checker._shown_passages = tuple(passages)
    assert checker._missing_subject("IBM的Condor处理器有1121量子位", condor) == ""
    assert checker._missing_subject("Heron处理器有1121量子位", condor) == "Heron"


def test_a_wrapped_sentence_is_shown_to_the_model_as_one_line() -> None:
    # A Chinese PDF's article wrapped at the column's edge: shown with a space where the
    # line broke ("国 家发展"), the model copied the space into its answer.
    assert (
        prompts.shown("原环境保护部、国\n家发展和改革委员会", "zh")
        == "原环境保护部、国家发展和改革委员会"
    )
    assert prompts.shown("The FAA must receive\ncomments", "en") == "The FAA must receive comments"


def test_a_figure_is_stated_with_its_documents_subject_and_its_words_inflected() -> None:
    # The FAA's 737 MAX rule gives its labor rate in a cost row: "1 work-hour × $85 per
    # hour". Asked for the hourly labor rate of the 737 MAX AD, the claim repeats the
    # question's words; the row says "Labor cost", "per hour" and "estimated", and the
    # document's title names the 737 MAX. A compound is its words ("cost-of-compliance"
    # is cost and compliance) and a word is said in any inflection ("hourly" by "hour").
    row = (
        "ESTIMATED COSTS Action Labor cost Parts cost Cost per product Cost on U.S. "
        "operators FCC OPS installation and verification .. 1 work-hour × $85 per hour = $85"
    )
    title = "Airworthiness Directives; The Boeing Company Airplanes (737 MAX)"
    chunk = Chunk("c1", row, Location("fr.pdf", title, 0, len(row), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    asked = analyze(
        "What hourly labor rate does the FAA use in its cost-of-compliance estimate for the "
        "737 MAX AD?",
        ReportNames({}),
    )
    claim = (
        "The FAA uses an hourly labor rate of $85 per hour in its cost-of-compliance "
        "estimate for the 737 MAX AD."
    )
    labels = {"fr.pdf": title}
    assert ClaimChecker(asked, {}, 4.0, labels)._measured_elsewhere(claim, evidence) == ""
    # A row about something else holds few of the claim's words, whatever its document.
    other = "Fuel burn per flight hour .. 850 gallons"
    other_chunk = Chunk("c2", other, Location("fr.pdf", title, 0, len(other), 1, 1))
    other_passages = number_passages([Hit(other_chunk, 1, 1.0)])
    fuel = "The FAA uses an hourly labor rate of 850 in its cost-of-compliance estimate."
    held = ClaimChecker(asked, {}, 4.0, labels)._measured_elsewhere(
        fuel, [(other_passages[0], other_passages[0].sentences[0])]
    )
    assert held.startswith("the sentence stating 850 is about something else")


def test_a_figures_currency_is_no_word_of_what_it_measures() -> None:
    # "100亿元人民币" for "北京设立 100 亿元规模的机器人产业基金": 人民币 is what 元 is, and a
    # sentence without it is still about the figure the claim gives.
    text = "北京设立 100 亿元规模的机器人产业基金；河北省 20 亿元的机器人产业基金成立。"
    chunk = Chunk("c1", text, Location("w.txt", "看DAO2024", 0, len(text), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    asked = analyze("北京设立的机器人产业基金规模是多少？", ReportNames({}))
    checker = ClaimChecker(asked, {}, 4.0, {"w.txt": "看DAO2024"})
    assert checker._measured_elsewhere("100亿元人民币", evidence) == ""
    assert checker._measured_elsewhere("100 billion yuan", evidence) == ""
    # A word that says what it measures still must be the sentence's.
    assert checker._measured_elsewhere("100亿元的半导体基金", evidence).startswith(
        "the sentence stating 100亿"
    )


def test_a_tables_dot_leaders_are_shown_as_one_ellipsis() -> None:
    # The FAA's cost rows set their cells apart with dot leaders, which the model copied
    # into its answer ("test ....................... 40 work-hours"). An ellipsis in
    # prose stays as written.
    row = (
        "AOA sensor system test ....................... 40 work-hours × $85 per hour = \n"
        "$3,400.\n$0 .......................... $3,400 ................... $248,200."
    )
    assert prompts.shown(row, "en") == (
        "AOA sensor system test … 40 work-hours × $85 per hour = $3,400. $0 … $3,400 … $248,200."
    )
    assert prompts.shown("verification .. 1 work-hour", "en") == "verification … 1 work-hour"
    assert prompts.shown("3.14 and U.S. rules", "en") == "3.14 and U.S. rules"
    assert prompts.shown("Feb 8, 2022 ... 北京冬奥会", "zh") == "Feb 8, 2022 ... 北京冬奥会"
    # An answer shown in its sentence's words reads the row the same way.
    assert without_leaders("Up to $3,790 ......... Up to $10,505") == "Up to $3,790 … Up to $10,505"


def test_a_translation_that_drops_the_questions_negation_is_asked_again_keeping_it(ask) -> None:  # type: ignore[no-untyped-def]
    # "In which areas does the list not apply?" came back as "…豁免处罚的区域有哪些？",
    # which asks the opposite. Asked again, keeping the negation; a translation that
    # still drops it is not used (the question is answered across languages instead).
    question = "Which AI companies did Shanghai not count at the end of 2023?"
    dropped, kept = "2023年底上海统计了哪些人工智能企业？", "2023年底上海未统计哪些人工智能企业？"

    def translating(second: str) -> FakeGenerator:
        base = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[SHANGHAI_EN])

        def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
            if prompts.request_kind(options) == "question":
                again = prompts.KEEP_NEGATION in messages[-1].content
                return json.dumps({"zh": second if again else dropped}, ensure_ascii=False)
            return base._script(messages, options)  # type: ignore[misc]

        return FakeGenerator(script)

    gen = translating(kept)
    answer = ask(gen, question)
    assert kinds(gen)[:2] == ["question", "question"]
    assert answer.answered_as == kept
    gen = translating(dropped)
    answer = ask(gen, question)
    assert answer.answered_as == ""
    # A question without a negation is translated once.
    gen = model(
        SHANGHAI_ZH, "上海市人工智能企业数量", question=ZH_SHANGHAI, translations=[SHANGHAI_EN]
    )
    ask(gen, Q_SHANGHAI)
    assert kinds(gen).count("question") == 1


def test_a_translation_that_lost_the_question_word_is_asked_again_made_to_write_one(ask) -> None:  # type: ignore[no-untyped-def]
    # "What does the report say Shanghai counted…?" came back as a statement with a
    # question mark: asked again, with a reply form that must write a question word.
    question = "What does the report say Shanghai counted as AI companies at the end of 2023?"
    statement = "报告说2023年底上海统计了人工智能企业？"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "question":
            form = (options.json_schema or {})["properties"]["zh"]["pattern"]
            asking = prompts.QUESTION_WORDS in form
            assert asking == (prompts.KEEP_QUESTION_WORD in messages[-1].content)
            return json.dumps({"zh": ZH_SHANGHAI if asking else statement}, ensure_ascii=False)
        return base._script(messages, options)  # type: ignore[misc]

    base = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[SHANGHAI_EN])
    gen = FakeGenerator(script)
    answer = ask(gen, question)
    assert kinds(gen)[:2] == ["question", "question"]
    assert answer.answered_as == ZH_SHANGHAI
    assert lost_question_word(question, statement)
    assert not lost_question_word(question, ZH_SHANGHAI)
    assert not lost_question_word("Did Shanghai count them?", statement)  # no wh-word
    # "by how much" translated as asking whether it fell ("…吗？") lost what it asks too;
    # 有多大 asks how much.
    fell = "By roughly how much has US LP participation fallen from its peak?"
    assert lost_question_word(fell, "美国有限合伙人参与的份额大约下降了过去十年的峰值吗？")
    assert lost_question_word(fell, "美国有限合伙人的参与是否下降了？")
    assert not lost_question_word(fell, "美国有限合伙人的参与较峰值下降了多少？")
    assert not lost_question_word("How large is the gap?", "差距有多大？")
    form = re.compile(prompts.chinese_question_form(["AI"], asking=True))
    assert form.match(ZH_SHANGHAI) and form.match("AI是什么？")
    assert not form.match(statement) and not form.match("AI芯片？(什么？)?")


def test_a_translation_that_adds_a_figure_is_asked_again_adding_none(ask) -> None:  # type: ignore[no-untyped-def]
    # "…a world-first memristor chip…" came back as "…能效高10倍的…芯片": a figure the
    # reader never gave asks about another thing. Asked again, adding no figure; a
    # translation that still adds one is not used.
    question = "How many AI companies did Shanghai have at the end of 2023?"
    added, faithful = "截至2023年底，上海有多少家能效高10倍的人工智能企业？", ZH_SHANGHAI

    def translating(second: str) -> FakeGenerator:
        base = model(SHANGHAI_ZH, "上海市人工智能企业数量", translations=[SHANGHAI_EN])

        def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
            if prompts.request_kind(options) == "question":
                again = prompts.ADD_NO_FIGURES in messages[-1].content
                return json.dumps({"zh": second if again else added}, ensure_ascii=False)
            return base._script(messages, options)  # type: ignore[misc]

        return FakeGenerator(script)

    gen = translating(faithful)
    answer = ask(gen, question)
    assert kinds(gen)[:2] == ["question", "question"]
    assert answer.answered_as == faithful
    gen = translating(added)
    answer = ask(gen, question)
    assert answer.answered_as == ""
    from trendqa.answer.answerer import _adds_figures

    # Figures the question gives, in Chinese scales, and a year it is asked of, add nothing.
    assert not _adds_figures("英伟达投资了250亿美元吗？", "Did Nvidia invest US$25 billion?")
    assert not _adds_figures(ZH_SHANGHAI, question)
    asked = "Which four US agencies issued the April 2023 joint statement?"
    assert not _adds_figures("2023年4月发布联合声明的4家美国机构是哪些？", asked)


HOSTS = """# Olympic hosts

## Beijing

Having hosted the Summer Games in 2008, Beijing then hosted the Winter Games in 2022.
Beijing is therefore the first city to have hosted both the summer and the winter Games.

## Bids

No fewer than eleven cities applied to host the 2004 Summer Olympics, and ten bid for 2008.
The bidding cost the cities millions of dollars before a single vote was cast.
"""


@pytest.mark.parametrize("year", ["2004", "2008"])
def test_an_answer_without_figures_from_a_passage_of_another_year_is_refused(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, year: str
) -> None:
    # The answer states no figure, yet the question's year frames it all the same: the
    # passage cited never names 2004 (the one after it does), so it cannot say who hosted
    # 2004's Games. Asked of 2008, the same answer stands.
    root = tmp_path / "hosts"
    root.mkdir()
    (root / "hosts.md").write_text(HOSTS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("Beijing hosted the summer Games.", "Beijing is therefore the first city")
    answer = Answerer(searcher, gen).ask(f"Which city hosted the summer Games in {year}?")
    if year == "2008":
        assert answer.answerable, answer.reason
        assert "Beijing" in answer.text
        return
    assert not answer.answerable
    assert answer.reason == "year: the cited passages never mention 2004", answer.reason


EMPTY_TREND = """# 2023年五大科技趋势

**趋势三：存算一体**

存算一体旨在计算单元与存储单元融合，在实现数据存储的同时直接进行计算。

**趋势四：云原生安全**

{body}**趋势五：软硬融合云计算体系架构**

云计算向以 CIPU 为中心的全新云计算体系架构深度演进，带来云上应用的全面加速。
"""


@pytest.mark.parametrize("body", ["", "云原生安全从面向资产的安全走向面向应用的安全。\n\n"])
def test_a_heading_with_no_body_is_answered_by_no_other_sections_sentence(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, body: str
) -> None:
    # Trend four's heading is followed straight by trend five's: the report says nothing
    # under it, and trend five's sentence is about trend five. With a body, that body
    # answers.
    root = tmp_path / "trends"
    root.mkdir()
    (root / "trends.md").write_text(EMPTY_TREND.format(body=body), encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    needle = "云原生安全从" if body else "云计算向以"
    gen = model("云计算向以 CIPU 为中心的全新云计算体系架构深度演进。", needle)
    if body:
        gen = model("云原生安全从面向资产的安全走向面向应用的安全。", needle)
    answer = Answerer(searcher, gen).ask("云原生安全有哪些趋势？", AskOptions())
    if body:
        assert answer.answerable, answer.reason
        return
    assert not answer.answerable
    assert answer.reason.startswith("heading: the question asks of 趋势四：云原生安全")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("达摩院2023十大科技趋势里的第三个趋势是什么？", (3, "趋势")),
        ("趋势三讲了什么？", (3, "趋势")),
        ("第2章讨论了什么？", (2, "章")),
        ("What is the third trend in DAMO's report?", (3, "趋势")),
        ("What does trend 5 say?", (5, "趋势")),
        ("What is the 3rd challenge?", (3, "挑战")),
        # A rank, a quarter, an edition or a shareholder numbers no section.
        ("2023年11月Green500排名第一的高算集群是哪个？", None),
        ("华东智能装备2024年第三季度的营业收入是多少？", None),
        ("香港第七届立法会选举有多少个议席？", None),
        ("华东智能装备的第一大股东是谁？", None),
        ("What was the first step?", None),
        # A year after a report's title numbers no trend.
        ("达摩院《十大科技趋势2023》指出城市数字孪生技术有哪些大规模突破？", None),
        ("达摩院十大科技趋势二〇二三年版讲了什么？", None),
    ],
)
def test_a_section_asked_for_by_its_number_is_read(
    question: str, expected: tuple[int, str] | None
) -> None:
    from trendqa.answer.question import asked_ordinal

    assert asked_ordinal(question) == expected


def test_a_numbered_section_asked_for_is_shown_first_and_answers_alone(ask) -> None:  # type: ignore[no-untyped-def]
    # "第三个趋势" is in no passage: the passages found for the rest of the question are
    # the first trend's. The third trend's section is read first; a claim from the first
    # trend's sentence is refused for standing outside it.
    question = "甲研究院2023年五大科技趋势的第三个趋势是什么？"
    right = model("存算一体旨在计算单元与存储单元融合。", "存算一体旨在")
    answer = ask(right, question)
    assert answer.answerable, answer.reason
    assert "存算一体" in answer.passages[0].hit.chunk.text
    assert "存算一体" in answer.text
    # Its number and measure word (第三个) are in no passage: no term the passages lack.
    right = model("存算一体旨在计算单元与存储单元融合。", "存算一体旨在")
    answer = ask(right, "科技趋势第三个趋势是什么？")
    assert answer.answerable, answer.reason
    wrong = model("多模态预训练大模型将成为人工智能基础设施。", "多模态预训练大模型将")
    answer = ask(wrong, question)
    assert not answer.answerable
    assert answer.reason.startswith("heading: the question asks for the section numbered 3")
    assert "趋势三" in answer.reason


LOCAL_DISTRICTS = """# 深圳人工智能产业

## 区域分布

深圳市人工智能企业主要分布在南山区、龙华区和宝安区，三区合计占全市的六成以上。
"""


def test_a_district_is_translated_by_its_pinyin_not_a_city_the_model_knows(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Translated as a list, 龙华区 came back "Guangzhou District" and 宝安区 "Beijing"
    # (and 南山区 "Nanjing" on the Shenzhen white paper). A district's English name is its
    # pinyin: the translation is given it beside the district's name, and one that still
    # does not write it is asked again alone, with the name to write.
    root = tmp_path / "districts"
    root.mkdir()
    (root / "districts.md").write_text(LOCAL_DISTRICTS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary={"ai": "人工智能"}))[0]
    first = {"南山区": "Nanshan District", "龙华区": "Guangzhou District", "宝安区": "Beijing"}
    base = model(
        "- 南山区\n- 龙华区\n- 宝安区",
        "深圳市人工智能企业主要分布在",
        question="深圳市人工智能企业主要分布在哪些区？",
    )

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        given = prompts.statements(messages)
        named = prompts.names_kept(messages)
        out = named[:1] if named and len(given) == 1 else [first[g.split(" (=")[0]] for g in given]
        return json.dumps({"translations": out})

    gen = FakeGenerator(script)
    answer = Answerer(searcher, gen).ask(
        "Which districts of Shenzhen have the most AI companies?", AskOptions()
    )
    assert answer.answerable, answer.reason
    for district in ("Nanshan District", "Longhua District", "Baoan District"):
        assert district in answer.text, answer.text
    assert "Guangzhou" not in answer.text and "Beijing" not in answer.text
    asked = [prompts.names_kept(m) for m, o in gen.calls if prompts.request_kind(o) == "translate"]
    # "Guangzhou District" is the one district named: written by 龙华区's pinyin. "Beijing"
    # names no district: asked again, with the name to write.
    assert asked == [[], ["Baoan District"]], asked
    first_request = next(m for m, o in gen.calls if prompts.request_kind(o) == "translate")
    given = prompts.statements(first_request)
    assert given == [
        "南山区 (=Nanshan District)",
        "龙华区 (=Longhua District)",
        "宝安区 (=Baoan District)",
    ]


def test_local_places_are_districts_counties_and_towns_read_by_their_pinyin() -> None:
    from trendqa.answer.names import local_places, place_spelling, spells_place

    text = "企业分布在南山区、浦东新区和昆山县，纽约市和西藏自治区不在其列。"
    assert local_places(text) == ("南山区", "浦东新区", "昆山县")
    assert [place_spelling(p) for p in local_places(text)] == [
        "Nanshan District",
        "Pudong New Area",
        "Kunshan County",
    ]
    assert spells_place("Bao'an District", "宝安区")
    assert not spells_place("Salt Lake City", "盐田区")


ACCELERATORS = """# 算力芯片

## 内存

AMD MI300X 采用 192GB HBM3e 内存。英伟达的新一代芯片也在提升内存容量。

## 光电芯片

清华大学研发的 ACCEL 光电计算芯片比常规芯片快三千余倍，能效提升四百万余倍。
"""


@pytest.fixture
def accelerators(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "chips"
    root.mkdir()
    (root / "chips.md").write_text(ACCELERATORS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "memory": "内存",
        "accel": "ACCEL",
        "chip": "芯片",
        "faster": "快三千余倍",
        "tsinghua": "清华大学研发",
        "efficient": "能效提升",
        "conventional": "常规芯片",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_an_english_answer_shows_no_chinese_claim_written_mostly_in_latin(accelerators) -> None:  # type: ignore[no-untyped-def]
    # "AMD MI300X 采用 192GB HBM3e 内存" has more Latin words than Han characters, and is
    # still Chinese to a reader of English: it is shown translated.
    gen = model(
        "AMD MI300X 采用 192GB HBM3e 内存",
        "192GB",
        question="AMD MI300X的内存是多少？",
        translations=["The AMD MI300X uses 192GB of HBM3e memory"],
    )
    answer = accelerators(gen, "How much memory does the AMD MI300X have?")
    assert answer.answerable, answer.reason
    assert answer.text.startswith("The AMD MI300X uses 192GB of HBM3e memory"), answer.text
    assert not re.search(r"[\u4e00-\u9fff]", answer.text)
    assert answer.citations[0].quote == "AMD MI300X 采用 192GB HBM3e 内存。"


def test_a_section_numbered_beyond_the_reports_numbering_is_refused(ask) -> None:  # type: ignore[no-untyped-def]
    # The report numbers its trends one to five. Asked for the seventh, the model is not
    # shown the nearest sections to answer from: no such section exists.
    gen = model("多模态预训练大模型将成为人工智能基础设施。", "多模态预训练大模型将")
    beyond = "heading: 2023年五大科技趋势 numbers its 趋势 1–5; none is numbered 7"
    for question in (
        "甲研究院2023年五大科技趋势的第七个趋势是什么？",
        "What is trend 7 of Jia Academy's report?",
    ):
        answer = ask(gen, question)
        assert not answer.answerable, (question, answer.text)
        assert answer.reason == beyond
    assert not answer_requests(gen)
    # Inside the numbering, the section is read and answered from.
    right = model("存算一体旨在计算单元与存储单元融合。", "存算一体旨在")
    assert ask(right, "甲研究院2023年五大科技趋势的第三个趋势是什么？").answerable


TEN_TRENDS = """
[[document]]
file = "ten.md"
title = "2023年十大科技趋势"
publisher = "阿里巴巴达摩院 (Alibaba DAMO Academy)"

[[document]]
file = "frontier.md"
title = "2024数字科技前沿应用趋势"
publisher = "乙研究院 (Yi Institute)"
"""


@pytest.mark.parametrize(
    "question",
    [
        # The title's year without its 年, after the publisher's short name or alone:
        # every other word of the title (十大, 科技, 趋势) names no report on its own.
        "达摩院2023十大科技趋势的第三个趋势是什么？",
        "2023十大科技趋势提出了哪些趋势？",
        "达摩院2023年十大趋势有哪些？",
    ],
)
def test_a_report_named_with_its_year_written_short_is_named(question: str, tmp_path: Path) -> None:
    from trendqa.answer.question import ReportNames
    from trendqa.loaders.manifest import read_manifest

    (tmp_path / "manifest.toml").write_text(TEN_TRENDS, encoding="utf-8")
    reports = ReportNames(read_manifest(tmp_path))
    assert reports.named(question) == ("ten.md",)


def test_a_translation_misreading_a_figure_in_characters_is_asked_again(accelerators) -> None:  # type: ignore[no-untyped-def]
    # 四百万 came back "four thousand": a figure the statement does not state (nor a
    # scale misread, which is written as the statement's: "four hundred thousand" for
    # 四百万 is 4 million's digits). The translator is shown what 四百万 is (4 million),
    # and a translation stating another figure is asked again with the figures it must
    # write.
    statement = "清华大学研发的 ACCEL 光电计算芯片比常规芯片快三千余倍，能效提升四百万余倍"
    wrong = (
        "Tsinghua's ACCEL chip is three thousand times faster, and four thousand times as efficient"
    )
    right = "Tsinghua's ACCEL chip is over 3,000 times faster, and 4 million times as efficient"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        told = messages[-1].content
        assert "四百万 (=over 4 million)" in told and "三千 (=over 3,000)" in told, told
        again = "Write every one of these figures" in told
        return json.dumps({"translations": [right if again else wrong]})

    base = model(statement, "四百万", question="ACCEL芯片比常规芯片快多少？")
    gen = FakeGenerator(script)
    answer = accelerators(gen, "How much faster is the ACCEL chip than conventional chips?")
    assert answer.answerable, answer.reason
    assert answer.text.startswith(right), answer.text
    assert "4,000" not in answer.text and "four thousand" not in answer.text


CHIPLET = """# 2023年五大科技趋势

**趋势二：Chiplet**

甲研究院认为，Chiplet 的互联标准将逐渐统一，重构芯片研发流程。

**趋势三：存算一体**

存算一体旨在计算单元与存储单元融合。未来，随着存算一体芯片在云端推理大算力场景落地，或将带来计算架构的变革。
"""

CHIPLET_MANIFEST = """
[[document]]
file = "trends.md"
title = "2023年五大科技趋势"
publisher = "甲研究院 (Jia Academy)"

[[document]]
file = "other.md"
title = "卫星通信展望"
publisher = "乙研究 (Yi Research)"
"""


@pytest.fixture
def chiplet(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "chiplet"
    root.mkdir()
    (root / "trends.md").write_text(CHIPLET, encoding="utf-8")
    satellite = "# 卫星通信展望\n\n## 芯片\n\n通用芯片在通用设备中植入独立的卫星通信芯片。\n"
    (root / "other.md").write_text(satellite, encoding="utf-8")
    (root / "manifest.toml").write_text(CHIPLET_MANIFEST, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {
        "chiplet": "Chiplet 的互联标准",
        "predict": "认为将逐渐统一",
        "jia": "甲研究院认为",
        "academy": "甲研究院",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_the_verb_opening_the_answers_slot_is_not_what_a_sentence_must_say(chiplet) -> None:  # type: ignore[no-untyped-def]
    # "Chiplet会带来什么变化？": the model cited 存算一体's "或将带来计算架构的变革", refused
    # for its subject. Chiplet's own sentence was shown: it states the change without the
    # words 带来 and 变化, which open the answer's slot and ask nothing of Chiplet.
    gen = model("存算一体将带来计算架构的变革", "或将带来计算架构的变革")
    answer = chiplet(gen, "甲研究院认为Chiplet会带来什么变化？")
    assert answer.answerable, (answer.reason, answer.claims)
    assert "Chiplet 的互联标准将逐渐统一" in answer.text
    assert "存算一体" not in answer.text


def test_a_claim_crediting_a_report_by_its_latin_name_must_cite_it() -> None:
    # "DAMO预测芯片是…" citing another report's table: the Latin short name followed by a
    # Chinese reporting verb names the report as the claim's source.
    from trendqa.answer.question import ReportNames
    from trendqa.records import DocumentMeta

    reports = ReportNames(
        {
            "damo.txt": DocumentMeta(
                title="2023年十大科技趋势", publisher="阿里巴巴达摩院 (Alibaba DAMO Academy)"
            ),
            "tencent.txt": DocumentMeta(
                title="2024数字科技前沿应用趋势",
                publisher="腾讯研究院 (Tencent Research Institute)",
            ),
        }
    )
    assert reports.named("DAMO预测芯片将植入通用设备") == ("damo.txt",)
    assert reports.named("DAMO芯片") == ()  # a name alone may be a company's


@pytest.mark.parametrize(
    ("question", "kind", "text", "gives"),
    [
        # A figure question is not answered by the question's own year or an item's number.
        (
            "北京2022冬奥会高校志愿者有多少人？",
            "number",
            "优先条件2.能够提供2022年的志愿服务。",
            False,
        ),
        ("北京2022冬奥会志愿者有多少人？", "number", "北京冬奥会共招募志愿者1.8万人。", True),
        # "Who" is answered by a name the question does not give.
        ("2022年金砖国家主席国是谁？", "fact", "这些国家不少是今年的轮值主席国。", False),
        ("2022年金砖国家主席国是谁？", "fact", "2022年金砖国家主席国是中国。", True),
        ("Who chairs BRICS in 2022?", "fact", "The chair in 2022 is South Africa.", True),
        ("Who chairs BRICS in 2022?", "fact", "The chair rotates every year.", False),
        # A sum asked in 元 is not answered by a sentence giving no sum in 元 (its figures
        # count chapters and tasks).
        (
            "行动计划为2023年设定的产业规模目标是多少亿元？",
            "number",
            "2019.05 该文件共分为4章，确立了两个阶段的总体目标，提出7大主要任务。",
            False,
        ),
        ("行动计划设定的产业规模目标是多少亿元？", "number", "目标为 1500亿元。", True),
    ],
)
def test_a_quote_answers_in_the_form_the_question_asks(
    question: str, kind: str, text: str, gives: bool
) -> None:
    from trendqa.answer.answerer import _gives_form
    from trendqa.answer.question import ReportNames

    analysis = replace(analyze(question, ReportNames({})), type=kind)
    assert _gives_form(analysis, text) is gives


AGENTS = """# 大模型趋势

## 从大脑到Agent

Agent是主动释放LLM潜能的关键，让大模型从“有脑”到“有手有脚”。比尔盖茨表示AI Agent将是下一个平台。

## Agent发展如火如荼

Agent应具有社会交互性和智能性，Agent发展如火如荼。

## 名词解释

Agent是指能够独立思考、自主行动并可以与环境交互的软件程序或机器人等实体。
"""


def test_a_definition_question_reads_the_passage_that_defines_its_term(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:
    # "How does the Tencent report define an Agent?" was translated "…如何定义一个代理？":
    # the passages found were about Agents, none of them the one defining it ("Agent是指
    # …"). A definition question whose passages do not define its term reads the passage
    # that does first — the term as the reader wrote it, where the passages write it so.
    root = tmp_path / "agents"
    root.mkdir()
    (root / "agents.md").write_text(AGENTS, encoding="utf-8")
    (root / "manifest.toml").write_text(
        '[[document]]\nfile = "agents.md"\ntitle = "大模型趋势"\n'
        'publisher = "腾讯研究院 (Tencent Research Institute)"\n',
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    # (The fake embedder relates no passage to "代理": the similarity gate is not tested.)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    glossary = {"agent": "Agent发展", "tencent": "大模型趋势", "report": "Agent应具有"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    gen = model(
        "Agent是指能够独立思考、自主行动并可以与环境交互的软件程序或机器人等实体",
        "Agent是指",
        question="腾讯如何定义一个代理？",
        translations=["An Agent is an entity that thinks and acts on its own"],
    )
    answer = Answerer(searcher, gen).ask(
        "How does the Tencent report define an Agent?", AskOptions(k=2)
    )
    shown = [p.hit.chunk.text for p in answer.passages]
    assert any("Agent是指" in text for text in shown), shown
    defining = "Agent是指能够独立思考、自主行动并可以与环境交互的软件程序或机器人等实体。"
    assert defining in prompt_sentences(gen)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("白皮书怎么解释人工智能幻觉？", "definition"),
        ("白皮书如何解释人工智能幻觉？", "definition"),
        ("How does the white paper explain AI hallucination?", "definition"),
    ],
)
def test_asked_how_a_report_explains_a_term_is_a_definition(question: str, kind: str) -> None:
    from trendqa.answer.question import ReportNames

    assert analyze(question, ReportNames({})).type == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # A thing asked of "in" a report named by what it counts: the count is the title's.
        (
            "What is 'dual-engine intelligent decision-making' in DAMO Academy's 2023 top ten "
            "tech trends?",
            "definition",
        ),
        (
            "What does compute-in-memory mean according to DAMO's 2023 top ten tech trends?",
            "definition",
        ),
        # Asked for, the counted trends are a list.
        ("What are DAMO's top ten tech trends for 2023?", "list"),
        ("In DAMO's 2023 top ten trends, which applications are named?", "list"),
    ],
)
def test_a_count_in_a_reports_name_asks_no_list(question: str, kind: str) -> None:
    assert analyze(question, ReportNames(REPORTS)).type == kind


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("How does the Tencent report define an Agent?", ["Agent"]),
        ("What is a vector database, according to the Shenzhen white paper?", ["vector database"]),
        ("What does RLHF mean?", ["RLHF"]),
        # What a report means by a term: the term, not the report.
        (
            "What does the Tencent report mean by power-transport network coupling?",
            ["power-transport network coupling"],
        ),
        ("What does Weijin Research mean by the 'end-to-end' training behind FSD?", ["end-to-end"]),
        ("How many Agents are there?", []),
        # How a report portrays it is asked the same way.
        ("How does DAMO's 2023 trends report describe CLIP?", ["CLIP"]),
    ],
)
def test_an_english_definition_questions_term_is_read(question: str, terms: list[str]) -> None:
    from trendqa.answer.answerer import _english_defined

    assert _english_defined(question) == terms


def test_a_district_named_without_its_suffix_is_held_to_its_pinyin(  # type: ignore[no-untyped-def]
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model listed 福田 for 福田区, and "Fengtai" passed for it: a bare name is no
    # district to the check. Its cited sentence writes 龙华区, so 龙华 is held to
    # Longhua's pinyin and asked again with the name to write.
    root = tmp_path / "districts"
    root.mkdir()
    (root / "districts.md").write_text(LOCAL_DISTRICTS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary={"ai": "人工智能"}))[0]
    first = {"南山": "Nanshan", "龙华": "Fengtai", "宝安": "Bao'an"}
    base = model(
        "- 南山\n- 龙华\n- 宝安",
        "深圳市人工智能企业主要分布在",
        question="深圳市人工智能企业主要分布在哪些区？",
    )

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) != "translate":
            return base._script(messages, options)  # type: ignore[misc]
        given = prompts.statements(messages)
        named = prompts.names_kept(messages)
        out = named[:1] if named and len(given) == 1 else [first[g.split(" (=")[0]] for g in given]
        return json.dumps({"translations": out})

    gen = FakeGenerator(script)
    answer = Answerer(searcher, gen).ask(
        "Which districts of Shenzhen have the most AI companies?", AskOptions()
    )
    assert answer.answerable, answer.reason
    assert "Fengtai" not in answer.text and "Longhua District" in answer.text, answer.text
    assert "Nanshan" in answer.text and "Bao'an" in answer.text


def test_an_english_claims_function_words_and_unknown_compounds_state_nothing() -> None:
    # The FAA's 737 MAX rule states its labor rate as "(90 work-hours × $85 per work-hour)",
    # the question naming the rule. The model answered "The FAA uses $85 per hour in its
    # cost-of-compliance estimate for the 737 MAX AD" and the claim was refused as not
    # stated: "uses" (a rare word in the rule, so weighed heavily) and "cost-of-compliance"
    # (a compound the corpus never writes, weighed as its rarest word) were looked for as
    # written.
    text = (
        "Since operators incorporate MEL changes for their affected fleet(s), the FAA has "
        "determined that a per-operator estimate is more accurate than a per-airplane "
        "estimate. Therefore, the FAA estimates the average total cost per operator to be "
        "$7,650 (90 work-hours × $85 per work-hour)."
    )
    title = "Airworthiness Directives; The Boeing Company Airplanes (737 MAX), proposed rule"
    chunk = Chunk("c1", text, Location("fr.pdf", title, 0, len(text), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    rate = [s for s in passages[0].sentences if "$85" in s.text]
    evidence = [(passages[0], rate[0])]
    asked = analyze(
        "What hourly labor rate does the FAA use in its cost-of-compliance estimate for the "
        "737 MAX AD?",
        ReportNames({}),
    )
    idf = {
        "uses": 5.3, "use": 5.3, "faa": 1.7, "85": 4.0, "hour": 4.3, "estimate": 5.8,
        "737": 2.3, "max": 2.9, "ad": 1.8, "cost": 4.2, "compliance": 5.0, "their": 4.0,
    }  # fmt: skip
    # The rule's labels name its register volume: "85" of "Vol. 85" names no figure of
    # the claim, and "ad" of "Administration" is no word of it.
    labels = {"fr.pdf": f"{title} Federal Aviation Administration, Federal Register Vol. 85"}
    asked = replace(asked, docs=("fr.pdf",))
    checker = ClaimChecker(asked, idf, 6.9, labels)
    claim = "The FAA uses $85 per hour in its cost-of-compliance estimate for the 737 MAX AD."
    assert checker._content_ok(claim, evidence, 0.9)
    # What the claim states is still looked for: a rate for overtime inspections of the
    # engines is stated by no sentence here.
    other = "The FAA pays $85 per hour for overtime inspections of their engines."
    assert not checker._content_ok(other, evidence, 0.9)


GIANTS = (
    "# 看DAO2024\n\n## 瞧，这些万亿巨头\n\n"
    "苹果，微软，字母表（谷歌），亚马逊，英伟达，Meta，特斯拉（马斯克），"
    "这些公司之间有什么共同点？是的，它们都是科技巨头（Big Tech）。"
    "它们的市值目前都在万亿美元以上，或者曾经达到过。"
    "其中的 5 家，每年研发支出达到了 250 亿美元以上。\n\n"
    "科技巨头的概念也在随着技术演变。它们实现了软硬件一体，除了软件，"
    "它们也设计和制造终端设备，包括 PC、手机、可穿戴、AR/VR、传感器、机器人、智驾汽车，"
    "它们也正在渗入到制造业的流程中。\n\n"
    "这样看来，华为也是这样一家科技巨头，它也已经建立起了从芯片到软硬件应用的全栈技术能力，"
    "以计算和智能为核心展开业务范围。但华为是其中几家巨头的挑战者。\n"
)


def test_a_counted_list_is_answered_with_the_sentence_enumerating_that_many(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "Which seven companies are the trillion-dollar tech giants?" was answered 华为, the
    # challenger a later paragraph names; the report enumerates the seven in one sentence
    # ("苹果，微软，…，特斯拉（马斯克），这些公司…"). Another sentence of the section
    # enumerates seven devices, away from the question's words (公司, 万亿).
    root = tmp_path / "giants"
    root.mkdir()
    (root / "dao.md").write_text(GIANTS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("华为", "华为也是这样一家科技巨头")
    answer = Answerer(searcher, gen).ask("哪七家公司是万亿科技巨头？", AskOptions())
    assert answer.answerable, answer.reason
    for name in ("苹果", "微软", "字母表（谷歌）", "亚马逊", "英伟达", "Meta", "特斯拉（马斯克）"):
        assert name in answer.text, answer.text
    assert "华为" not in answer.text and "手机" not in answer.text, answer.text
    assert_checkable(answer, root)
    # Asked for three, no sentence enumerates three: the model's answer stands.
    gen = model("华为", "华为也是这样一家科技巨头")
    answer = Answerer(searcher, gen).ask("哪三家公司是万亿科技巨头？", AskOptions())
    assert "华为" in answer.text and "苹果" not in answer.text, answer.text


PRINCIPLES = (
    "# 2024人工智能发展白皮书\n\n## 英国\n\n"
    "2023 年 3 月 29 日,英国发布《促进创新的人工智能监管方法》白皮书,提出了人工智能在各部门的"
    "开发和使用中都应遵守的五项原则:安全、安保和稳健性,适当的透明度和可解释性,公平,问责制和治理,"
    "竞争和补救,日后将由各监管部门根据具体情况在该五项原则的基础上对各领域的最佳实践发布指南。\n\n"
    "英国还成立了人工智能安全研究所。\n"
)


def test_a_counted_list_answered_in_fewer_lines_gets_the_items_after_the_colon(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "What are the five principles…?" was answered in four lines, one of them two items
    # joined by 和 ("适当的透明度和可解释性"), so no count of separators found it short;
    # the sentence says "五项原则:" and sets the five apart by commas, an item holding
    # 、 and 和 of its own.
    root = tmp_path / "principles"
    root.mkdir()
    (root / "uk.md").write_text(PRINCIPLES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("- 安全\n- 稳健性\n- 适当的透明度和可解释性\n- 竞争和补救", "五项原则")
    answer = Answerer(searcher, gen).ask("英国白皮书提出的五项原则是什么？", AskOptions())
    assert answer.answerable, answer.reason
    for item in (
        "安全、安保和稳健性",
        "适当的透明度和可解释性",
        "公平",
        "问责制和治理",
        "竞争和补救",
    ):
        assert item in answer.text, answer.text
    assert "日后" not in answer.text, answer.text
    assert_checkable(answer, root)
    assert enumeration(PRINCIPLES.split("## 英国")[1].strip().split("\n")[0], 4) == []
    # Five lines, but not the sentence's five: "安全" and "稳健性" of one item, 问责制 gone.
    gen = model("- 安全\n- 稳健性\n- 适当的透明度和可解释性\n- 公平\n- 竞争和补救", "五项原则")
    answer = Answerer(searcher, gen).ask("英国白皮书提出的五项原则是什么？", AskOptions())
    assert "- 安全、安保和稳健性" in answer.text and "问责制和治理" in answer.text, answer.text


LOADS = (
    "# 前沿趋势\n\n## 虚拟电厂\n\n"
    "以往虚拟电厂更多应用在较为狭窄的应用场景，接下来应该将其上升到城市的尺度。"
    "城市运行中有三类调节性负荷，分别是工业、算力和交通。"
    "随着工业革新、大模型算力、新能源汽车等领域的发展，其电力需求仍在不断攀升。\n\n"
    "新型虚拟电厂须寻找城市运行当中的调节性负荷并进行整合。\n"
    "工业-电力协同\n生产节奏调整，短流程\n钢铁华容道\n智能充电\n"
)


def test_a_list_whose_count_the_report_gives_is_the_sentence_enumerating_it(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "哪几类" leaves the count to the report: "有三类调节性负荷，分别是工业、算力和交通"
    # says how many and names them. The model listed the labels of a slide instead.
    root = tmp_path / "loads"
    root.mkdir()
    (root / "loads.md").write_text(LOADS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model(
        "工业-电力协同、生产节奏调整、智能充电", "工业-电力协同", "生产节奏调整", "智能充电"
    )
    asked = "城市运行中，虚拟电厂的调节性负荷主要是哪几类？"
    answer = Answerer(searcher, gen).ask(asked, AskOptions())
    assert answer.answerable, answer.reason
    items = [line.lstrip("- ").split("[")[0] for line in answer.text.splitlines()]
    assert items == ["工业", "算力", "交通"], answer.text
    assert_checkable(answer, root)
    from trendqa.answer.answerer import _asked_kind, _self_counted

    # A sentence counting another kind (三项) is no count of 类.
    assert _self_counted("城市运行中有三类调节性负荷，分别是工业、算力和交通。", "类") == 3
    assert _self_counted("城市运行中有三类调节性负荷，分别是工业、算力和交通。", "种") is None
    assert _asked_kind("负荷主要是哪几类？") == "类"
    assert _asked_kind("负荷主要是哪些？") is None


SATELLITES = (
    "# 前沿趋势\n\n## 卫星互联网\n\n"
    "近年来，商业航天实现突破性进展，通过使用工业级COTS器件、批量生产和可回收技术，"
    "卫星的研制和发射成本大幅度下降，服务能力大幅度提升。\n\n"
    "工业级器件大规模使用\n\n"
    "基于工业级器件降低卫星研制成本：商业航天公司使用工业级器件替代传统的宇航级器件。\n"
)


def test_a_counted_list_is_the_run_of_that_many_inside_a_clause(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # Asked for the three causes, the model gave one line. The sentence it cites
    # enumerates the three inside one of its clauses ("通过使用A、B和C"), between clauses
    # that are no items of it.
    root = tmp_path / "satellites"
    root.mkdir()
    (root / "sat.md").write_text(SATELLITES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("工业级器件大规模使用", "通过使用工业级COTS器件", "工业级器件大规模使用")
    asked = "卫星的研制和发射成本大幅度下降的三个原因是什么？"
    answer = Answerer(searcher, gen).ask(asked, AskOptions())
    assert answer.answerable, answer.reason
    items = [line.lstrip("- ").split("[")[0] for line in answer.text.splitlines()]
    assert items == ["工业级COTS器件", "批量生产", "可回收技术"], answer.text
    assert_checkable(answer, root)


SPARSE = (
    "# 白皮书\n\n## 稀疏模型有望取得突破性进展\n\n"
    "促使稀疏模型取得突破性进展的驱动因素包括计算资源的限制、模型部署挑战、合规要求。"
    "随着人工智能模型规模的增大，对计算资源的需求急剧增加。"
    "随着数据安全与人工智能可信赖性日益受到重视，支持在本地处理数据的可解释模型更加受到用户的青睐。\n"
)


def test_a_list_is_the_enumeration_of_the_sentence_that_restates_its_question(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "促使稀疏模型取得突破性进展的驱动因素有哪些？" was answered with the paragraph's last
    # sentence, which names no driver; its first sentence restates the question and
    # enumerates the three (one of them written with 的, which makes no clause).
    root = tmp_path / "sparse"
    root.mkdir()
    (root / "sparse.md").write_text(SPARSE, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    last = "支持在本地处理数据的可解释模型更加受到用户的青睐"
    gen = model(last, last)
    answer = Answerer(searcher, gen).ask(
        "促使稀疏模型取得突破性进展的驱动因素有哪些？", AskOptions()
    )
    assert answer.answerable, answer.reason
    items = [line.lstrip("- ").split("[")[0] for line in answer.text.splitlines()]
    assert items == ["计算资源的限制", "模型部署挑战", "合规要求"], answer.text
    assert_checkable(answer, root)
    # A question the first sentence does not restate keeps the model's answer.
    gen = model(last, last)
    answer = Answerer(searcher, gen).ask("用户青睐哪些模型？", AskOptions())
    assert "计算资源" not in answer.text, answer.text


def test_a_run_closed_by_deng_ends_at_its_last_name() -> None:
    # "A、B、C等因素导致…": the run's last item is C, where 等 closes it.
    sentence = "目前,复合型人才紧缺、用户需求待挖掘、产品价值不卓越等因素导致商业化路径还不够清晰。"
    assert enumerated(sentence) == ["复合型人才紧缺", "用户需求待挖掘", "产品价值不卓越"]
    assert enumerated("这类人才的等级划分与薪资待遇有关。") == []


def test_an_enumeration_is_a_run_of_exactly_that_many_names() -> None:
    # A run of 、 inside one clause of a longer sentence, after the means it enumerates.
    cut = "近年来，商业航天实现突破性进展，通过使用工业级COTS器件、批量生产和可回收技术，成本下降。"
    assert enumeration(cut, 3) == ["工业级COTS器件", "批量生产", "可回收技术"]
    first = (
        "苹果，微软，字母表（谷歌），亚马逊，英伟达，Meta，特斯拉（马斯克），"
        "这些公司之间有什么共同点？"
    )
    assert enumeration(first, 7)[-1] == "特斯拉（马斯克）"
    assert enumeration(first, 6) == []  # seven names, not six
    assert enumeration(
        "包括消费者金融保护局、司法部民权司、平等就业机会委员会和联邦贸易委员会。", 4
    ) == [
        "消费者金融保护局",
        "司法部民权司",
        "平等就业机会委员会",
        "联邦贸易委员会",
    ]
    assert enumeration("The agencies are the CFPB, the DOJ, the EEOC and the FTC.", 4) == [
        "CFPB",
        "DOJ",
        "EEOC",
        "FTC",
    ]
    # Clauses are no names: "2023年" and "售价3499美元" around a clause.
    assert enumeration("2023年，苹果发布了Vision Pro，售价3499美元。", 3) == []
    # A run after 如, its clause set off by a half-width comma as a PDF's text writes it.
    wide = "结合后的适用领域会十分广泛, 如娱乐、社交、身份识别、疲劳干预、个性化学习等。"
    assert enumeration(wide, 5) == ["娱乐", "社交", "身份识别", "疲劳干预", "个性化学习"]
    assert enumeration("通过使用1,100家企业的数据、模型和算力，成本下降。", 3) == [
        "1,100家企业的数据",
        "模型",
        "算力",
    ]


QUANTUM = (
    "# 2024数字科技前沿应用趋势\n\n"
    "## 高性能芯片多元发展\n\n"
    "芯片技术多元化发展加剧。量子计算芯片发展开始追求质量和实用。"
    "量子计算芯片的实用化仍需时间，实用的量子计算芯片尚在研发。\n\n"
    "## 量子计算集群\n\n"
    "量子计算集群出现，实用的量子计算系统可容纳更多量子比特，量子计算走向实用。\n\n"
    "## 高算集群“四算”融合\n\n"
    "高算集群、量子计算、云计算和边缘计算“四算”融合，衍生新技术路径。\n\n"
    "## 追求“量子效用”\n\n"
    "IBM 提出“当量子计算机能够以超出暴力经典计算方法的规模执行可靠的计算，"
    "从而为计算问题提供精确的解决方案时，即能获得量子效用”。\n"
)


def test_a_quoted_english_term_is_read_as_the_term_the_corpus_quotes(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # "What is 'quantum utility'…?" was translated ‘量子实用’; the report writes “量子效用”,
    # and the passages found were the chip sections that write 量子 and 实用. Of the
    # Chinese terms quoted in the passages found for the English term, the one meaning it
    # (by the embedder's cosine; the fake's glossary stands in for a cross-lingual model)
    # is what the question asks about: the question is asked with it, and its passage
    # read. (The fake's cosines between an English question and Chinese passages measure
    # no relatedness: not gated here.)
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    monkeypatch.setattr(answerer_module, "TRANSLATION_SIMILARITY", 0.0)
    root = tmp_path / "quantum"
    root.mkdir()
    (root / "tencent.md").write_text(QUANTUM, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {"quantum": "量子", "utility": "效用"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    defined = "即能获得量子效用"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "question":
            return json.dumps({"zh": "报告中的‘量子实用’是什么？"}, ensure_ascii=False)
        if kind == "confirm":
            return YES
        if kind == "translate":
            n = len(prompts.statements(messages))
            return json.dumps({"translations": ["Quantum utility is reached."] * n})
        if kind != "answer":
            return json.dumps({"terms": []})
        ids = [n for n, text in shown(messages).items() if defined in text]
        if ids:
            return reply(
                "当量子计算机能够以超出暴力经典计算方法的规模执行可靠的计算时，即能获得量子效用。",
                ids,
            )
        chip = [n for n, text in shown(messages).items() if "追求质量和实用" in text]
        return reply("量子实用是指量子计算芯片发展开始追求质量和实用。", chip)

    gen = FakeGenerator(script)
    answer = Answerer(searcher, gen).ask("What is 'quantum utility' in the report?", AskOptions())
    asked = [m for m, o in gen.calls if prompts.request_kind(o) == "answer"]
    assert asked and defined in " ".join(shown(asked[0]).values())
    assert answer.answerable, answer.reason
    assert any("暴力经典计算" in c.quote for c in answer.citations), answer.citations
    assert answer.answered_as == "报告中的‘量子效用’是什么？"


SEVEN = (
    "# 看DAO2024\n\n"
    "## 大数据\n\n"
    "Big Seven 之外，还有“大数据”与“破墙”之说，见后文。\n\n"
    "## 风险投资\n\n"
    "来自“七巨头”的科技巨头风险投资交易逆势上扬，2023年至今已经超过了400亿美元，"
    "为历年最高。\n"
)


def test_a_quoted_english_term_is_found_among_the_passages_found_for_its_question(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # "…the 'Big Seven' tech giants…" was translated ‘大七’, a word the corpus never
    # writes, and held as the question's subject it refused the sentence stating the
    # figure for “七巨头”. The term's words alone found other passages (here the one
    # writing "Big Seven" beside other quoted terms); the passages found for the whole
    # question quote “七巨头”, which means the term: the question is asked, and its
    # subject checked, with it.
    monkeypatch.setattr(answerer_module, "MIN_SIMILARITY", 0.0)
    monkeypatch.setattr(answerer_module, "TRANSLATION_SIMILARITY", 0.0)
    monkeypatch.setattr(answerer_module, "QUOTED_DEPTH", 1)
    root = tmp_path / "seven"
    root.mkdir()
    (root / "weijin.md").write_text(SEVEN, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {"big seven": "七巨头"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    stated = "逆势上扬"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "question":
            return json.dumps(
                {"zh": "2023年‘大七’科技巨头的风险投资交易有多少？"}, ensure_ascii=False
            )
        if kind == "confirm":
            return YES
        if kind == "translate":
            n = len(prompts.statements(messages))
            return json.dumps({"translations": ["Over US$40 billion in 2023."] * n})
        if kind != "answer":
            return json.dumps({"terms": []})
        ids = [n for n, text in shown(messages).items() if stated in text]
        return reply("2023年至今已经超过了400亿美元。", ids) if ids else reply("", [])

    gen = FakeGenerator(script)
    question = "How much venture money did the 'Big Seven' tech giants put in during 2023?"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answered_as == "2023年‘七巨头’科技巨头的风险投资交易有多少？"
    assert answer.answerable, answer.reason
    assert any(stated in c.quote for c in answer.citations), answer.citations


def test_an_english_name_whose_words_the_shelf_writes_apart_is_the_readers_wording() -> None:
    # "What movie won the Oscar for Best Animated Film in 2021?" over sentences writing
    # "Best Animated Feature": each word of the question's name is in the corpus, only
    # not together. It is the reader's wording of what the sentences name, not a name
    # the shelf never speaks of (as "Airbus A320neo" is over the 737 MAX rule).
    text = "Pixar's Soul has won the Oscar for Best Animated Feature, a first for the film."
    chunk = Chunk("c1", text, Location("oscars.txt", "Oscars", 0, len(text), 1, 1))
    passages = number_passages([Hit(chunk, 1, 1.0)])
    evidence = [(passages[0], passages[0].sentences[0])]
    idf = {w: 3.0 for w in ("pixar", "soul", "won", "oscar", "best", "animated", "feature")}
    idf["film"] = 3.0
    asked = analyze("What movie won the Oscar for Best Animated Film in 2021?", ReportNames({}))
    checker = ClaimChecker(asked, idf, 4.0, {})
    checker._shown_texts = (fold(text),)
    assert not checker._never_written("Best Animated Film", evidence)
    assert checker._never_written("Best Animated Short", evidence)  # "short": never written


SKY = (
    "# 2024人工智能发展白皮书\n\n## 天空计算为云计算开辟新道路\n\n"
    "天空计算作为一种新的云计算概念，它解决了云计算异构互联的问题，将为云计算的发展开辟新的道路。\n\n"
    "天空计算(Sky Computing)是由云间经纪人中介的云计算。在天空计算中，用户不是直接与特定的云交互，"
    "而是将任务及其描述发送给云间经纪人。\n"
)


def test_a_definition_with_the_reports_english_between_term_and_verb_is_the_definition(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "天空计算(Sky Computing)是由云间经纪人中介的云计算" defines its term with the report's
    # own English between the term and 是; the model answered with the sentence before,
    # which says what the concept does, not what it is.
    root = tmp_path / "sky"
    root.mkdir()
    (root / "szaiia.md").write_text(SKY, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model("天空计算解决了云计算异构互联的问题。", "作为一种新的云计算概念")
    answer = Answerer(searcher, gen).ask("白皮书对“天空计算”是怎么定义的？", AskOptions())
    assert answer.answerable, answer.reason
    assert "云间经纪人中介的云计算" in answer.text, answer.text
    assert_checkable(answer, root)


def test_an_answer_cited_to_the_wrong_sentence_is_checked_against_the_one_stating_it(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "What is the date of the 2021 NBA Draft?": the model wrote "The 2021 NBA draft was
    # held on July 29, 2021." and numbered two headlines of another passage, which never
    # mention 2021; it was refused for citing passages that cannot hold the answer. The
    # shown sentence that states the answer word for word is what it stands on.
    root = tmp_path / "nba"
    root.mkdir()
    (root / "board.md").write_text(
        "# Draft board\n\nA look at the full Draft board and every reported deal. NBA.com Staff.\n",
        encoding="utf-8",
    )
    (root / "draft.md").write_text(
        "# The draft\n\nThe 2021 NBA draft, the 75th edition of the annual draft, was held on "
        "July 29, 2021, at Barclays Center in Brooklyn.\n",
        encoding="utf-8",
    )
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    gen = model(
        "The 2021 NBA draft was held on July 29, 2021.", "full Draft board", "NBA.com Staff"
    )
    answer = Answerer(searcher, gen).ask("What is the date of the 2021 NBA Draft?", AskOptions())
    assert answer.answerable, answer.reason
    assert [c.quote for c in answer.citations if "Barclays" in c.quote], answer.citations
    assert_checkable(answer, root)
    # An answer no shown sentence states is still refused for its citations.
    gen = model("The 2021 NBA draft was held on July 30, 2021.", "full Draft board")
    other = Answerer(searcher, gen).ask("What is the date of the 2021 NBA Draft?", AskOptions())
    assert not other.answerable


def test_a_year_a_translation_adds_as_its_time_is_taken_out() -> None:
    # "全球全年火箭发射次数首次突破 200 次" (the whole year, of no year) was translated
    # "…exceeded 200 times in 2024" twice over, and the quote shown in Chinese: the year
    # the statement never writes goes, with the words tying it to the sentence.
    from trendqa.answer.answerer import _without_added_years

    statement = "全球全年火箭发射次数首次突破 200 次, 主要由 SpaceX 贡献。"
    assert (
        _without_added_years(
            "Global launches exceeded 200 times in 2024, mainly by SpaceX.", statement
        )
        == "Global launches exceeded 200 times, mainly by SpaceX."
    )
    assert (
        _without_added_years("In 2024, launches exceeded 200.", statement)
        == "Launches exceeded 200."
    )
    # A year the statement writes, in characters too, stays; so does one it is compared
    # with (left to the figure checks) and a figure that only holds a year's digits.
    assert _without_added_years("In 2023 launches exceeded 200.", "二〇二三年发射突破200次") == (
        "In 2023 launches exceeded 200."
    )
    assert _without_added_years("Up 5% from 2022.", "增长5%") == "Up 5% from 2022."
    assert _without_added_years("It sold 12050 units.", "销量12050台") == "It sold 12050 units."


def test_a_translation_does_not_say_what_an_acronym_stands_for_unless_its_source_does() -> None:
    from trendqa.answer.answerer import _without_added_expansions

    # 电动汽车的CPSS came back "CPSS (Controlled Power System)": an expansion no report
    # writes, which the claim checks cannot see (they read the Chinese statement).
    statement = "围绕电动汽车形成的信息-物理-社会系统（CPSS）带来新的问题和调控潜力。"
    assert (
        _without_added_expansions("CPSS (Controlled Power System) brings new problems.", statement)
        == "CPSS brings new problems."
    )
    written = "基于人类反馈的强化学习(Reinforcement Learning from Human Feedback,RLHF)"
    kept = "RLHF (Reinforcement Learning from Human Feedback) aligns models."
    assert _without_added_expansions(kept, written) == kept
    assert (
        _without_added_expansions("GPT-4 (Turbo) is out.", "GPT-4 发布") == "GPT-4 (Turbo) is out."
    )


def test_a_sentence_a_page_break_cut_is_read_with_its_rest() -> None:
    from trendqa.answer.claims import _read

    # The white paper's PDF broke "名为直 / 接偏好优化" across a page: the date's sentence
    # does not name DPO until its rest, the next "sentence". Read whole, it is DPO's date.
    text = (
        "2023 年 5 月 29 日,来自斯坦福大学等机构的研究人员发表论文,介绍了一种名为直\n\n"
        "接偏好优化(Direct Preference Optimization,DPO)的算法,它稳定、性能好。\n\n"
        "2023 年 5 月 23 日,Tim Dettmers 等研究人员发表《QLoRA》论文。"
    )
    chunk = Chunk("d1", text, Location("w.md", "w", 0, len(text), 1, 5), heading="大事记")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("DPO论文是哪天发表的？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"dpo": 6.0, "qlora": 6.0, "论文": 2.0}, 6.0, {})
    (dpo,) = checker.check_all(["2023年5月29日。"], chosen, passages)
    assert dpo.supported, dpo.detail
    # The cut sentence is read with its rest; a whole one, and a heading line, are not.
    first, second, third = passages[0].sentences
    assert "DPO" in _read(passages[0], first, whole=True)
    assert "DPO" not in _read(passages[0], first)  # what it states is its own words
    assert _read(passages[0], second, whole=True) == second.text


def test_a_subject_the_question_only_gives_rivals_the_one_it_asks_of() -> None:
    from trendqa.answer.question import premise

    # "中国…渗透率已经超过42%，那同期美国…是多少？" states China's rate and asks America's:
    # China's sentence states another subject's figure, though the question names China.
    text = "中国当前乘用车 L2 及以上智驾渗透率超过了 42%, 较去年 30% 大幅提升。"
    chunk = Chunk("c1", text, Location("w.md", "w", 0, len(text), 1, 1), heading="自动驾驶")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    idf = {"渗透率": 4.0, "乘用车": 4.0, "l2": 5.0}
    question = "中国乘用车L2渗透率已经超过42%，那同期美国乘用车的渗透率是多少？"
    asked = analyze(question, ReportNames({}))
    (claim,) = ClaimChecker(asked, idf, 6.0, {}).check_all([text], chosen, passages)
    assert not claim.supported and claim.check == "subject", claim.detail

    assert premise(question) == "中国乘用车L2渗透率已经超过42%，"
    assert premise("中国乘用车L2渗透率是多少？和美国比呢？") == ""


def test_countries_named_together_by_their_one_character_names_are_each_named() -> None:
    # "中美控制了世界上80%的大模型" says it of China and of the US: a claim for both is
    # stated there; Japan is not named by it, nor by 之中日益.
    text = "2023 是大模型军备竞赛的一年，中美控制了世界上 80% 的大模型。"
    other = "在竞争之中日益领先的企业控制了 60% 的大模型。"
    chunk = Chunk("c1", f"{text}\n\n{other}", Location("w.md", "w", 0, 60, 1, 3), heading="回顾")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    first, second = passages[0].sentences
    idf = {"大模型": 4.0, "控制": 3.0, "世界": 2.0}

    def check(question: str, claim: str, sentence: Sentence) -> ClaimResult:
        asked = analyze(question, ReportNames({}))
        checker = ClaimChecker(asked, idf, 6.0, {})
        (result,) = checker.check_all([claim], [(passages[0], sentence)], passages)
        return result

    both = check("中国和美国控制了世界上多少大模型？", "中美控制了世界上80%的大模型。", first)
    assert both.supported, both.detail
    japan = check("日本控制了世界上多少大模型？", "日本控制了世界上80%的大模型。", first)
    assert not japan.supported and japan.check == "subject", japan.detail
    japan = check("日本控制了世界上多少大模型？", "日本控制了世界上60%的大模型。", second)
    assert not japan.supported and japan.check == "subject", japan.detail


def test_a_funding_round_is_a_subject_and_series_b_is_written_b_round() -> None:
    from trendqa.answer.question import rounds_named

    # The white paper counts Series A deals (337) and angel rounds, never Series B: asked
    # for B轮's count, A轮's sentence states another subject's figure.
    text = "其中,A 轮的融资事件最多,达到了 337 起,占总体融资事件的 30.3%。"
    where = Location("s.md", "s", 0, len(text), 1, 1)
    chunk = Chunk("r1", text, where, heading="深圳人工智能行业的融资轮次")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    idf = {"融资": 3.0, "事件": 3.0, "深圳": 3.0}

    def check(question: str, original: str = "") -> ClaimResult:
        asked = replace(analyze(question, ReportNames({})), original=original)
        checker = ClaimChecker(asked, idf, 6.0, {})
        (result,) = checker.check_all(["达到了 337 起,占总体融资事件的 30.3%。"], chosen, passages)
        return result

    b_round = check("深圳人工智能行业的B轮融资事件有多少起？")
    assert not b_round.supported and b_round.check == "subject", b_round.detail
    a_round = check("深圳人工智能行业的A轮融资事件有多少起？")
    assert a_round.supported, a_round.detail
    # An English question's "Series B", which the model translated 系列B, is B轮.
    english = "How many Series B financing events had Shenzhen's AI industry recorded?"
    translated = rounds_named("深圳人工智能行业记录了多少次系列B融资事件？", english)
    assert translated == "深圳人工智能行业记录了多少次B轮融资事件？"
    assert rounds_named("多少次B系列融资？", english) == "多少次B轮融资？"
    assert rounds_named("多少次系列B融资？", "How many funding deals?") == "多少次系列B融资？"
    b_round = check(translated, original=english)
    assert not b_round.supported and b_round.check == "subject", b_round.detail


DEALS = """# 人工智能投融资观察

## 融资

2023年，中国人工智能领域共发生融资事件590起，数量创八年新低。

2023年，中国人工智能领域融资金额为727.2亿元，较上年有所减少。
"""


def test_a_question_asking_a_sum_of_money_is_not_answered_with_a_count(
    tmp_path: Path, settings: Settings
) -> None:
    # An English question, answered through its translation, which the attribute check
    # does not hold to its words: the count of deals is stated, on topic, and no sum.
    root = tmp_path / "funding"
    root.mkdir()
    (root / "funding.md").write_text(DEALS, encoding="utf-8")
    glossary = {
        "funding": "融资",
        "chinese": "中国",
        "ai": "人工智能",
        "total": "金额",
        "totalled": "金额",
        "deals": "事件",
        "billion": "亿元",
        "2023": "2023年",
    }
    loader = FakeEmbedderLoader(glossary=glossary)
    ingest_paths(settings, [root], loader=loader)
    searcher = open_searcher(settings, loader=loader)[0]
    question = "What total AI funding does the report give for China in 2023?"
    zh = "2023年中国人工智能领域的融资总额是多少？"

    def ask(claim: str, needle: str, english: str) -> Answer:
        gen = model(claim, needle, question=zh, translations=[english])
        return Answerer(searcher, gen).ask(question, AskOptions())

    # The count is dropped; the sum's sentence, shown beside it, is quoted instead.
    count = ask("2023年共发生融资事件590起。", "590起", "There were 590 funding deals in 2023.")
    assert count.answerable and count.mode == "extractive", (count.text, count.reason)
    assert count.reason.startswith("quoted: no claim states an amount"), count.reason
    assert "727.2" in count.text and "590" not in count.text
    total = ask(
        "2023年，中国人工智能领域融资金额为727.2亿元。",
        "727.2亿元",
        "In 2023, Chinese AI funding totalled 72.72 billion yuan.",
    )
    assert total.answerable, total.reason
    assert "727.2" in total.text or "72.72" in total.text, total.text


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("What total venture funding did Chinese AI start-ups raise through 2023?", "amount"),
        ("How much did Huawei spend on R&D in 2022?", "amount"),
        ("2023年天津市人工智能融资金额是多少？", "amount"),
        ("邓伦逃税了多少钱", "amount"),
        ("What valuation does the report give for xAI?", "amount"),
        # A count of deals, a growth rate, a change by how much and two things asked at
        # once are no single sum.
        ("How many funding deals were there in 2023?", "quantity"),
        ("By roughly how much has US participation in Chinese VC funds fallen?", "quantity"),
        ("How much has venture funding grown since 2020?", "quantity"),
        ("2023年融资金额和融资事件数各是多少？", "quantity"),
        ("By how much does the platform raise training efficiency?", "quantity"),
        # How much a measure that is no sum rises ("raise … efficiency"), or improves.
        ("How much can the platform raise overall AI training efficiency?", "quantity"),
        ("How much can the chip improve energy efficiency?", "quantity"),
        ("How much did the start-up raise in its Series B?", "amount"),
        ("营收增长率是多少？", "quantity"),
        # A price is a sum of money ("the stock fell 40%" gives none); a fall in price is not.
        ("What is the price of the gene therapy approved alongside the CRISPR drug?", "amount"),
        ("How much does an A100 cost?", "amount"),
        ("这款头显的售价是多少？", "amount"),
        ("价格下降了多少？", "quantity"),
        ("What is the price-performance ratio?", ""),
    ],
)
def test_a_question_asking_a_sum_of_money_wants_an_amount(question: str, form: str) -> None:
    from trendqa.answer.question import wanted_form

    assert wanted_form(question) == form


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("融资金额为727.2亿元。", True),
        ("4765.82万", True),
        ("US$24 billion (240亿美元)", True),
        ("Funding totalled 72.72 billion yuan.", True),
        ("$5bn was raised.", True),
        ("共发生融资事件590起。", False),
        ("全国有12万家相关企业。", False),
        ("There were 590 funding deals.", False),
    ],
)
def test_an_amount_is_a_figure_with_its_currency(text: str, states: bool) -> None:
    from trendqa.numbers import states_form

    assert states_form(text, "amount") is states


def test_a_charts_label_states_no_figure() -> None:
    # "What size is China's core AI industry?" was translated as asking its rank (a
    # translated question is not held to the attribute check), and answered from the
    # chart's caption: "第6位" is no figure the caption states — its 6 numbers the chart.
    caption = "图表 6:近年来中国人工智能核心产业规模变化(单位:亿元)"
    size = "2023年,中国人工智能核心产业规模为1751亿元,同比增长11.9%。"
    text = f"{size}\n{caption}\n"
    chunk = Chunk("c1", text, Location("w.md", "w", 0, len(text), 1, 2), heading="产业规模")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    idf = {"核心产业": 4.0, "规模": 2.0, "人工智能": 1.5}
    asked = replace(
        analyze("2023年中国人工智能核心产业规模排在第几位？", ReportNames({})),
        original="What size does the white paper put China's core AI industry at for 2023?",
    )
    checker = ClaimChecker(asked, idf, 6.0, {})
    (rank,) = checker.check_all(["中国人工智能核心产业规模排在第6位。"], chosen[1:], passages)
    assert not rank.supported and rank.check == "figure", rank.detail
    # A claim naming the chart by its label quotes the label, not a figure of its own.
    (named,) = checker.check_all(
        ["图表 6 展示了近年来中国人工智能核心产业规模变化。"], chosen[1:], passages
    )
    assert named.check != "figure", named.detail
    (stated,) = checker.check_all(
        ["2023年中国人工智能核心产业规模为1751亿元。"], chosen[:1], passages
    )
    assert stated.supported, stated.detail


def test_a_parts_answer_follows_the_answers_last_sentence_ended() -> None:
    from trendqa.answer.answerer import _run_on

    def answer(text: str, language: str) -> Answer:
        return Answer("q", language, True, text, (), (), "llm")

    zh = answer("无损上下文长度提升到 200 万字[2]", "zh")
    assert _run_on(zh, "推出时支持输入 20 万汉字[1]。") == (
        "无损上下文长度提升到 200 万字[2]。推出时支持输入 20 万汉字[1]。"
    )
    ended = answer("长度提升到 200 万字[2]。", "zh")
    assert _run_on(ended, "另一句[1]。") == "长度提升到 200 万字[2]。另一句[1]。"
    # An answer of one list item is a list: the part's item goes on a line of its own.
    from trendqa.answer.answerer import _listed

    assert _listed("- The first exascale computer is JUPITER[1].")
    assert _listed("- 甲[1]\n- 乙[2]") and not _listed("It reached 2 million characters[2]")
    en = answer("It reached 2 million characters[2]", "en")
    assert _run_on(en, "At launch it took 200,000[1].") == (
        "It reached 2 million characters[2]. At launch it took 200,000[1]."
    )


def test_a_place_asked_apart_from_its_reports_name_is_a_subject() -> None:
    from trendqa.answer.question import entities, written_apart

    reports = ReportNames(REPORTS)
    # Shenzhen names the report in "深圳白皮书里", and is asked about in "深圳人工智能应用
    # 层企业": the subject, which a sentence on China's companies does not state.
    asked = "白皮书中，深圳人工智能应用层企业里智能医疗领域的占比是多少？"
    assert written_apart("深圳", asked) and "深圳" in analyze(asked, reports).entities
    for naming in (
        "深圳那份白皮书里，中国人工智能企业有多少家？",
        "按深圳AI协会那份白皮书，规模多大？",
        # Written before a title, it names the titled work.
        "据深圳《2024人工智能发展白皮书》，有多少个国家签署了《布莱切利宣言》？",
    ):
        assert not written_apart("深圳", naming)
        assert "深圳" not in analyze(naming, reports).entities
    # A publisher's own name written alone names it as the speaker, not a subject.
    assert not written_apart("达摩院", "达摩院认为存算一体产品将在哪些场景落地？")
    assert "深圳" not in entities("深圳白皮书怎么看芯片？", ["深圳市"])

    text = "全国人工智能应用层企业中，智能医疗领域的企业占比为8.2%。"
    chunk = Chunk("s1", text, Location("szaiia.txt", "s", 0, len(text), 1, 1), heading="应用层")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    labels = {"szaiia.txt": "2024人工智能发展白皮书 深圳市人工智能行业协会"}
    idf = {"智能医疗": 5.0, "应用层": 4.0, "占比": 2.0}
    checker = ClaimChecker(analyze(asked, reports), idf, 6.0, labels, reports=reports)
    (claim,) = checker.check_all(["智能医疗领域的企业占比为8.2%。"], chosen, passages)
    assert not claim.supported and claim.check == "subject", claim.detail
    # Asked of China, the same sentence states it.
    china = "白皮书中，全国人工智能应用层企业里智能医疗领域的占比是多少？"
    checker = ClaimChecker(analyze(china, reports), idf, 6.0, labels, reports=reports)
    (claim,) = checker.check_all(["智能医疗领域的企业占比为8.2%。"], chosen, passages)
    assert claim.supported, claim.detail


def test_a_place_asked_apart_from_its_reports_name_is_not_stated_by_the_reports_label() -> None:
    # The Shenzhen association's report on China's problems: its label names Shenzhen,
    # its sentence does not, and the question asks of Shenzhen's own.
    reports = ReportNames(REPORTS)
    text = "从基础层看，我国高质量数据集紧缺，智能芯片依赖进口。"
    chunk = Chunk("s1", text, Location("szaiia.txt", "s", 0, len(text), 1, 1), heading="主要发现")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    labels = {"szaiia.txt": "2024人工智能发展白皮书 深圳市人工智能行业协会"}
    idf = {"数据集": 5.0, "芯片": 4.0, "基础层": 4.0}
    asked = analyze("白皮书认为深圳人工智能产业的基础层面临什么问题？", reports)
    assert asked.type == "fact" and "深圳" in asked.entities, asked
    checker = ClaimChecker(asked, idf, 6.0, labels, reports=reports)
    (claim,) = checker.check_all(["基础层高质量数据集紧缺，智能芯片依赖进口。"], chosen, passages)
    assert not claim.supported and claim.check == "subject", claim.detail


def test_a_sum_is_a_size_only_of_what_its_sentence_speaks_of() -> None:
    # 规模 is stated by a sum in a sentence's own words — of the thing the question sizes:
    # the third Big Fund's fundraising target is no size of China's core AI industry.
    text = (
        "核心判断: 中国半导体行业在 2023 年需要与时俱进的新一轮产业政策, 聚焦制造薄弱环节, "
        "打造中国半导体行业的创新生态。\n\n典型事件: 历经调整后, 大基金二期加速投资步伐, "
        "集中于芯片制造环节。大基金三期目标筹集 400 亿美元。\n"
    )
    chunk = Chunk("w1", text, Location("w.md", "w", 0, len(text), 1, 3), heading="看 DAO 2023 回顾")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    cited = [
        (p, s) for p in passages for s in p.sentences if "核心判断" in s.text or "三期" in s.text
    ]
    labels = {"w.md": "看DAO2024：人工智能AI趋势 未尽研究"}
    idf = {"核心产业": 5.0, "规模": 2.0, "大基金": 6.0, "半导体": 4.0}
    asked = analyze("2023年中国人工智能核心产业规模是多少？", ReportNames({}))
    checker = ClaimChecker(asked, idf, 6.0, labels)
    (claim,) = checker.check_all(["2023年中国人工智能核心产业规模为400亿美元。"], cited, passages)
    assert not claim.supported and claim.check == "attribute", claim.detail
    # A sentence sizing the industry in its own words still states it.
    text = "2023年，中国人工智能核心产业实现营收1751亿元。"
    chunk = Chunk("s1", text, Location("s.md", "s", 0, len(text), 1, 1), heading="产业")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    (claim,) = checker.check_all(["2023年中国人工智能核心产业规模为1751亿元。"], chosen, passages)
    assert claim.supported, claim.detail


def test_who_founded_it_is_said_with_any_word_for_founding() -> None:
    # Asked who 创立 the company, the sentence says who 设立 it: the founding asked of.
    text = "2015年8月，舒畅出资1000万元，设立了北京零壹空间科技有限公司。"
    chunk = Chunk("r1", text, Location("n.md", "n", 0, len(text), 1, 1), heading="")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    idf = {"零壹空间": 6.0, "舒畅": 6.0, "创立": 3.0, "设立": 3.0}
    checker = ClaimChecker(analyze("零壹空间是谁创立的？", ReportNames({})), idf, 6.0, {})
    (claim,) = checker.check_all(["舒畅"], chosen, passages)
    assert claim.supported, claim.detail
    # Asked when it went public, the founding sentence does not say.
    checker = ClaimChecker(analyze("零壹空间是哪一年上市的？", ReportNames({})), idf, 6.0, {})
    (claim,) = checker.check_all(["2015年"], chosen, passages)
    assert not claim.supported, claim.detail


def test_a_tables_source_line_names_who_gathered_its_figures_not_whose_they_are() -> None:
    # A table of battery routes ends with its source line, which names a maker. Asked for
    # that maker's aircraft's range, the table's 3400km is the hydrogen column's, not the
    # maker's: a source line says who gathered the figures, neither the one after the cited
    # row nor anywhere in the passage. The same row under a heading naming the maker is.
    rows = "路线\t锂电池\t氢燃料电池\n飞行航程\t最长达~ 1600km\t最长达~ 3400km\n"
    source = "来源: Lilium Battery Webinar, 2023年11月\n"
    idf = {"lilium": 7.0, "航程": 5.0, "飞行": 3.0, "氢": 5.0, "电池": 4.0}
    range_of = analyze("Lilium的飞行航程是多少？", ReportNames(REPORTS))

    def check(text: str, heading: str, asked: QuestionAnalysis = range_of) -> ClaimResult:
        chunk = Chunk("e1", text, Location("t.md", "t", 0, len(text), 1, 4), heading=heading)
        passages = number_passages([Hit(chunk, 1, 1.0)])
        chosen = [(p, s) for p in passages for s in p.sentences if "3400" in s.text]
        (result,) = ClaimChecker(asked, idf, 6.0, {}).check_all(
            ["Lilium的飞行航程最长达3400km。"], chosen, passages
        )
        return result

    gathered = check(rows + source, "动力电池技术路线")
    assert not gathered.supported and gathered.check == "subject", gathered.detail
    owned = check(rows + source, "Lilium 动力电池路线")
    assert owned.supported, owned.detail
    # Asked what a source found ("according to the Hugging Face study"), the line
    # crediting it is what ties the figures to it.
    study = (
        "千次图片生成所带来的能耗强度，是千次文本分类的近1500倍。\n来源：Hugging Face 研究团队\n"
    )
    found = analyze(
        "根据Hugging Face的研究，图片生成的能耗是文本分类的多少倍？", ReportNames(REPORTS)
    )
    chunk = Chunk("h1", study, Location("h.md", "h", 0, len(study), 1, 2), heading="能耗")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences if "1500" in s.text]
    idf = {"hugging": 7.0, "face": 6.0, "能耗": 5.0, "图片": 3.0, "文本分类": 5.0}
    (credited,) = ClaimChecker(found, idf, 6.0, {}).check_all(
        ["图片生成的能耗强度是文本分类的近1500倍。"], chosen, passages
    )
    assert credited.supported, credited.detail


def test_a_deadline_is_stated_by_the_end_of_a_span() -> None:
    # "报名截止时间" asks when sign-up ends; "…至2022年8月10日18时前" says it as a span's end,
    # with no 截止 written. A sentence giving only when sign-up opens does not say it.
    ends = "2022年下半年应征报名时间为2021年12月1日至2022年8月10日18时前。"
    opens = "2022年下半年应征报名于2022年7月1日开始。"
    chunks = [
        Chunk("z1", ends, Location("t.md", "t", 0, len(ends), 1, 1), heading="征兵报名时间"),
        Chunk("z2", opens, Location("u.md", "u", 0, len(opens), 1, 1), heading="征兵报名时间"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    asked = analyze("2022年下半年征兵报名截止时间是什么时候", ReportNames(REPORTS))
    idf = {"征兵": 5.0, "报名": 4.0, "截止": 4.0, "应征": 5.0, "开始": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    (end,) = checker.check_all(
        ["2022年8月10日18时前"], [(passages[0], passages[0].sentences[0])], passages
    )
    (start,) = checker.check_all(
        ["2022年7月1日"], [(passages[1], passages[1].sentences[0])], passages
    )
    assert end.supported, end.detail
    assert not start.supported and start.check == "attribute", start.detail


def test_a_translation_that_loses_the_name_it_asks_of_keeps_the_readers_name(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # "the hand on Figure's humanoid robot" was translated 图中的机器人手 ("the robot hand
    # in the figure"): the company became a picture, the translation asked of no subject,
    # and Tesla's hand answered for Figure's. A translation asking of no subject where the
    # reader named one in Latin script keeps the reader's name as its subject; one that
    # writes its subject answers as before.
    root = tmp_path / "robots"
    root.mkdir()
    text = "# 人形机器人\n\n## 灵巧手\n\n特斯拉人形机器人灵巧手有6个执行器，可实现11个自由度。\n"
    (root / "robots.md").write_text(text, encoding="utf-8")
    others = "# 初创公司\n\nFigure、Agility等初创公司也发布了人形机器人，其灵巧手尚未公布参数。\n"
    (root / "startups.md").write_text(others, encoding="utf-8")
    (root / "cities.md").write_text(CITIES, encoding="utf-8")  # so that Figure is a rare word
    ingest_paths(settings, [root], loader=fake_loader)
    glossary = {"freedom": "自由度", "robot": "机器人", "tesla": "特斯拉", "hand": "灵巧手"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    hand = "特斯拉人形机器人灵巧手有6个执行器，可实现11个自由度。"
    en = "Tesla's humanoid robot hand has 6 actuators and 11 degrees of freedom."
    lost = model(hand, "11个自由度", question="图中的机器人手有多少自由度？", translations=[en])
    answer = Answerer(searcher, lost).ask(
        "How many degrees of freedom does the hand on Figure's humanoid robot have?", AskOptions()
    )
    assert not answer.answerable and "Figure" in answer.reason, answer.reason
    # A name the corpus never writes in Latin script ("Robot Hand Programme") is one
    # the translation renders in Chinese: translated, not lost.
    rendered = model(
        hand, "11个自由度", question="机器人灵巧手计划能提供多少自由度？", translations=[en]
    )
    answer = Answerer(searcher, rendered).ask(
        "How many degrees of freedom does the Robot Hand Programme give?", AskOptions()
    )
    assert answer.answerable, answer.reason
    kept = model(
        hand, "11个自由度", question="特斯拉人形机器人的手有多少自由度？", translations=[en]
    )
    answer = Answerer(searcher, kept).ask(
        "How many degrees of freedom does the hand on Tesla's humanoid robot have?", AskOptions()
    )
    assert answer.answerable, answer.reason


def test_a_held_claims_clause_stating_nothing_its_sentence_says_is_dropped() -> None:
    # A table row says what each era's protocol was; the model's claim copies it and adds
    # "这种技术更先进和高效", which the row never says. Most of the claim is stated, so it
    # was held whole; the added clause is now dropped and the rest shown. A clause that
    # says what the row says in part ("采用专用芯片") stays.
    row = "2022年\t借鉴地面蜂窝通信协议研发专用卫星通信协议\t专用芯片\t业务融合"
    chunk = Chunk("s1", row, Location("t.md", "t", 0, len(row), 1, 1), heading="手机直连卫星")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("2022年以来手机直连卫星借鉴什么研发通信协议？", ReportNames(REPORTS))
    idf = {"蜂窝": 6.0, "协议": 4.0, "专用": 4.0, "卫星": 4.0, "先进": 3.0, "高效": 3.0}
    checker = ClaimChecker(asked, idf, 6.0, {})
    held, added = checker.check_all(
        ["2022年以来借鉴地面蜂窝通信协议研发专用卫星通信协议，这种技术更先进和高效。"],
        chosen,
        passages,
    )
    assert held.supported and held.text == "2022年以来借鉴地面蜂窝通信协议研发专用卫星通信协议"
    assert not added.supported and added.check == "content", added
    (whole,) = checker.check_all(
        ["2022年以来借鉴地面蜂窝通信协议研发专用卫星通信协议，并采用专用芯片。"],
        chosen,
        passages,
    )
    assert whole.supported and "专用芯片" in whole.text


def test_an_answer_copied_from_shown_sentences_is_read_from_them_whatever_it_cites(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The model answered "JPEG AI旨在…。JPEG AI的主要动机是…" word for word from two
    # sentences of the coding passage, but numbered two sentences of a speech on AI risk:
    # the cited passages lack the question's terms, and the answer was refused. Each of
    # its sentences copies a shown one: it is checked against those, and holds.
    root = tmp_path / "media"
    root.mkdir()
    coding = (
        "# 视频编码\n\n## 神经网络编码\n\n"
        "例如JPEG AI的主要动机是基于深度神经网络的工具在图像编码任务中的出色性能。"
        "JPEG AI旨在开发一种图像编码标准，以满足云存储和媒体分发等应用的需求。\n"
    )
    speech = "# 演讲\n\n最后，AI能力的提升也伴随着风险的扩大。我们要把握应用方向。\n"
    (root / "coding.md").write_text(coding, encoding="utf-8")
    (root / "speech.md").write_text(speech, encoding="utf-8")
    (root / "cities.md").write_text(CITIES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=GLOSSARY))[0]
    copied = (
        "JPEG AI旨在开发一种图像编码标准，以满足云存储和媒体分发等应用的需求。"
        "JPEG AI的主要动机是基于深度神经网络的工具在图像编码任务中的出色性能。"
    )
    gen = model(copied, "风险的扩大", "把握应用方向")
    answer = Answerer(searcher, gen).ask(
        "JPEG AI图像编码标准旨在满足哪些需求？主要动机是什么？", AskOptions()
    )
    assert answer.answerable, answer.reason
    assert {c.doc for c in answer.citations} == {"coding.md"}


def test_an_acronym_after_a_name_names_no_variant_of_it() -> None:
    # "该集群…采用48颗算能科技SG2042 RISC-V SoC 64核CPU芯片": once RISC-V was read as one
    # name, "So" of SoC was taken for a variant (as Turbo of GPT-4 Turbo), and the cluster's
    # 3072 cores were refused as another subject's. A variant is a whole capitalised word.
    text = "该集群共有3072核，采用48颗算能科技SG2042 RISC-V SoC 64核CPU芯片。"
    chunk = Chunk("c1", text, Location("t.md", "t", 0, len(text), 1, 1), heading="RISC-V集群")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("国内首台RISC-V服务器集群有多少核？", ReportNames(REPORTS))
    idf = {"risc-v": 6.0, "集群": 4.0, "sg2042": 7.0, "服务器": 3.0}
    (cores,) = ClaimChecker(asked, idf, 6.0, {}).check_all(
        ["该集群共有3072核，采用48颗SG2042 RISC-V SoC芯片。"], chosen, passages
    )
    assert cores.supported, cores.detail
    assert claims_module._variant_of("GPT-4", "OpenAI发布GPT-4 Turbo，允许用户上传资料") == "Turbo"


def test_a_quoted_term_is_kept_whole_or_translated_whole() -> None:
    # The corpus writes "video" in Latin, not "volumetric": allowed to keep "video" of
    # 'volumetric video' alone, the model translated the question as "what does ‘video’
    # mean" and answered it with a caption about video. A quoted term's lower-case words
    # stay Latin only if all of them may; names (NVIDIA) stay as before.
    from types import SimpleNamespace

    from trendqa.answer.answerer import Answerer

    stub = SimpleNamespace(searcher=SimpleNamespace(bm25=SimpleNamespace(idf={"video": 1.0})))
    kept = Answerer._latin_words(stub, "What does 'volumetric video' mean in the NVIDIA report?")  # type: ignore[arg-type]
    assert "video" not in kept and "volumetric" not in kept
    assert "NVIDIA" in kept
    assert "video" in Answerer._latin_words(stub, "Which video platforms does it name?")  # type: ignore[arg-type]


def test_an_items_number_is_no_figure_it_states(named) -> None:  # type: ignore[no-untyped-def]
    # The model numbered its items inline ("不足：1. …", "2. …"): the numbers place them
    # in its list; no sentence need state 1 or 2.
    gen = model(
        "深圳的不足：1. 下游应用方面仍存在不足。\n2. 人工智能人才供给不足。", "下游应用", "人才供给"
    )
    answer = named(gen, "报告指出深圳人工智能产业有哪些不足？")
    assert answer.answerable, [(c.text, c.reason) for c in answer.claims]
    assert all(c.supported for c in answer.claims), [(c.text, c.reason) for c in answer.claims]
    assert "人才供给不足" in answer.text


def test_a_part_asking_how_a_report_views_a_topic_is_not_confirmed(ask) -> None:  # type: ignore[no-untyped-def]
    # "乙研究如何看待人形机器人的成本" is answered by what 乙研究 says of the cost. Asked
    # whether that states "the thing asked", the small model said no to every such part
    # on the development sets: a part asking how a report presents, views or judges a
    # topic is not put to it. A part asking for a figure still is.
    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return json.dumps({"verdict": "no"})
        for n, text in shown(messages).items():
            if "成本降到" in text:
                return reply("特斯拉希望把人形机器人的成本降到2万美元。", [n])
            if "存算一体旨在" in text:
                return reply("存算一体旨在计算单元与存储单元融合。", [n])
        return reply("", [])

    gen = FakeGenerator(script)
    answer = ask(gen, "甲研究院的报告如何描述存算一体？乙研究如何看待人形机器人的成本？")
    assert answer.answerable, answer.reason
    assert "存算一体旨在" in answer.text and "2万美元" in answer.text, answer.text
    assert "未找到相关内容" not in answer.text
    assert "confirm" not in [prompts.request_kind(o) for _m, o in gen.calls]


def test_a_comparison_of_two_subjects_quotes_each_sides_sentence(named) -> None:  # type: ignore[no-untyped-def]
    # The model gave English's share as Chinese's (as it swapped two hands' figures): its
    # claim fails. Each side's own sentence passes every check as a statement about that
    # side, and the two are quoted. A side no passage states leaves it unanswered.
    swapped = "中文开源数据集占比为56.9%。"
    question = "报告中中文开源数据集与英语开源数据集相比有何不同？"
    answer = named(model(swapped, "56.9%"), question)
    assert answer.answerable, [(c.text, c.reason) for c in answer.claims]
    assert "56.9%" in answer.text and "5.6%" in answer.text, answer.text
    assert answer.text.count("[") == 2
    assert all(c.verified for c in answer.citations)
    dropped = [c for c in answer.claims if c.text == swapped]
    assert dropped and not dropped[0].supported
    answer = named(model(swapped, "56.9%"), question.replace("英语", "法语"))
    assert not answer.answerable, answer.text


def test_a_translated_side_is_found_under_the_passages_word_for_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # "…Chinese-language open-source datasets compare with English-language ones…" was
    # translated 中文…英文; the report writes 英语, so no sentence named the English side and
    # the comparison was refused (x11). The shown word sharing a character with the
    # translation's that the embedder reads as the same names that side. (The cosines are
    # the default embedder's: 英文/英语 0.98, 英文/英国 0.76.)
    from trendqa.answer.answerer import Answerer

    text = "英语开源数据集占比最高，达到了56.9%。英国的数据集较少。中文开源数据集占比仅为5.6%。"
    chunk = Chunk("d1", text, Location("s.md", "s", 0, len(text), 1, 1), heading="开源数据集")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    cosine = {"英语": 0.98, "英国": 0.76}
    answerer = Answerer.__new__(Answerer)
    monkeypatch.setattr(
        answerer, "_similarity", lambda a, b: [[cosine.get(w, 0.3) for w in b] for _x in a]
    )
    asked = "How does the share of Chinese-language datasets compare with English-language ones?"
    translated = replace(
        analyze("中文开源数据集的占比与英文开源数据集相比如何？", ReportNames(REPORTS)),
        original=asked,
    )
    assert answerer._passages_word(translated, "英文", passages) == "英语"
    assert answerer._passages_word(translated, "中文", passages) == "中文"  # written as is
    # The reader's own word is not second-guessed: only a translation's is.
    untranslated = replace(translated, original="")
    assert answerer._passages_word(untranslated, "英文", passages) == "英文"


def test_a_comparison_answered_for_one_side_gets_the_others_sentence(named) -> None:  # type: ignore[no-untyped-def]
    # Asked how 2023 compares with 2017, the model stated 2023's figure only. The sentence
    # stating 2017's, which passes every check as a statement about 2017, is added with
    # its citation. A side no sentence states is left out: the answer stays as it was.
    said = "至 2023 年,融资金额进一步减少至 727.2 亿。"
    answer = named(model(said, "727.2"), "报告中2023年的融资金额和2017年的融资金额相比有什么不同？")
    assert answer.answerable, answer.reason
    assert "727.2" in answer.text and "3022亿" in answer.text, answer.text
    assert len({c.quote for c in answer.citations}) == 2
    assert all(c.verified for c in answer.citations)
    answer = named(model(said, "727.2"), "报告中2023年的融资金额和2015年的融资金额相比有什么不同？")
    assert "3022" not in answer.text, answer.text


def test_a_translation_may_write_three_dimensional_as_3d() -> None:
    # "带三维感的视频" translated "videos with a 3D effect" was refused for stating 3, and
    # the English question's part was shown in Chinese. 三维 is 3D; a 3 of its own is not.
    from trendqa.answer.answerer import _translation_fault

    statement = "用户可以拍摄带三维感的视频。"
    assert (
        _translation_fault(statement, "Users can shoot videos with a 3D effect.", "en", 0.9) == ""
    )
    assert _translation_fault(statement, "Users can shoot 3 videos.", "en", 0.9)


def test_a_list_question_reads_first_the_passage_listing_it_under_a_line_naming_it() -> None:
    # "脑机接口发展的关键驱动因素有哪些？": the report lists the drivers as bullets under the
    # line "关键驱动因素", in a passage whose points never write 脑机接口 (its chapter
    # does), so it ranked below the passages read. Found among the hits or searched
    # deeper, it is read first; the same line in another chapter is not taken.
    from types import SimpleNamespace

    from trendqa.answer.answerer import Answerer, _listed_phrase, _lists_under
    from trendqa.records import Chunk, Hit, Location

    def hit(text: str, heading: str, rank: int) -> Hit:
        where = Location("t.md", "T", rank * 100, rank * 100 + len(text), rank, rank)
        return Hit(Chunk(f"c{rank}", text, where, heading), rank, 1.0 / rank)

    listed = (
        "关键驱动因素\n\n- **人工智能加速迭代:** AI大模型加速迭代。\n"
        "- **疾病患病率攀升:** 老龄化加深。"
    )
    best = hit("- 经过百年的发展，脑机接口已形成一系列技术范式。", "脑机接口", 1)
    other = hit(listed.replace("人工智能", "低空"), "低空经济", 2)
    own = hit(listed, "脑机接口", 3)
    stub = SimpleNamespace(
        searcher=SimpleNamespace(bm25=SimpleNamespace(idf={"脑机接口": 5.0, "发展": 1.0})),
        reports=SimpleNamespace(strip=lambda q: q),
        _search=lambda q, opts, run: [own],
    )
    analysis = SimpleNamespace(type="list", question="脑机接口发展的关键驱动因素有哪些？")
    first = Answerer._listing_first(stub, analysis, [best, other], None, None)  # type: ignore[arg-type]
    assert first[0].chunk.id == "c3" and [h.rank for h in first] == [1, 2, 3]
    assert _listed_phrase("腾讯报告中列出的脑机接口开发的主要驱动因素是什么？") == "驱动因素"
    assert _lists_under(listed, "驱动因素")
    assert not _lists_under("关键驱动因素包括技术进步和用户需求。\n- 其他", "驱动因素")
    # A best passage that lists it already is left first.
    assert Answerer._listing_first(stub, analysis, [own, best], None, None)[0] is own  # type: ignore[arg-type]


def test_an_answers_slot_may_ask_two_kinds_and_open_with_what_is_mentioned() -> None:
    from trendqa.answer.claims import without_answer_slot

    # "…提到了哪些内容或目标": what the report mentions is the answer, of two kinds at once;
    # the words left are what is asked of (the guideline), which a sentence answering
    # ("《指导意见》是全球第一部由政府出台的顶层设计文件") states without 提到, 内容 or 目标.
    asked = "关于工信部《人形机器人创新发展指导意见》，《看DAO2024》提到了哪些内容或目标？"
    assert without_answer_slot(asked) == "关于工信部《人形机器人创新发展指导意见》，《看DAO2024》"
    assert without_answer_slot("Chiplet会带来什么变化？") == "Chiplet会"
    assert without_answer_slot("白皮书提到的Ai Pin售价是多少？") == "白皮书提到的Ai Pin售价是多少"
