"""A question asking several things: every part it asks answered where the corpus states
it, each from the sentences that state it (a real index, a fake embedder, scripted
model replies)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from scripted import YES, answer_requests, sentence_id
from test_answering import assert_checkable
from trendqa.answer import Answerer, AskOptions, prompts
from trendqa.answer.answerer import _unanswered_parts
from trendqa.answer.claims import _asks_a_course
from trendqa.answer.question import asked_parts, named_by_answer
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.retrieval import Searcher
from trendqa.testing import FakeEmbedderLoader, FakeGenerator

CARRIERS = "\n".join(
    [
        "# 2024人工智能发展白皮书",
        "",
        "## 创新载体立项量下滑",
        "",
        "截至 2023 年底,深圳累计建设人工智能创新载体 84 家。"
        "从载体类型来看,超过 60%的人工智能创新载体均为工程技术研究中心。",
        "",
        "从立项年度来看,2019 年深圳人工智能创新载体立项数量达到 15 家;"
        "2023 年立项数量骤然减少至 1 家,呈现明显下滑的趋势。",
        "",
        "## 创业热度减退",
        "",
        "截至 2023 年底,深圳市人工智能相关企业数量达到 1646 家。"
        '其中,97 家人工智能相关企业被认定为专精特新"小巨人"企业。'
        "深圳的人工智能企业主要分布在南山区和福田区。",
        "",
        "## 全球市场",
        "",
        "全球半导体行业在这一年经历了周期性调整,企业分布格局基本稳定。",
        "",
    ]
)

QUESTION = "截至2023年底，深圳累计建设了多少家人工智能创新载体，立项数量如何变化？"
TOTAL = "截至2023年底，深圳累计建设人工智能创新载体84家。"
TREND = "2019年深圳人工智能创新载体立项数量达到15家，2023年骤然减少至1家。"


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "white_paper.md").write_text(CARRIERS, encoding="utf-8")
    return root


@pytest.fixture
def searcher(shelf: Path, settings: Settings, fake_loader: FakeEmbedderLoader) -> Searcher:
    ingest_paths(settings, [shelf], loader=fake_loader)
    return open_searcher(settings, loader=fake_loader)[0]


def parts_model(first: str, first_needle: str, part: str, part_needle: str) -> FakeGenerator:
    """A model answering the whole question with `first`, and a part asked alone with
    `part` — each citing the shown sentence holding its needle."""

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return YES
        if prompts.asked_part(messages):
            return prompts.answer_reply(part, [sentence_id(messages, part_needle)])
        return prompts.answer_reply(first, [sentence_id(messages, first_needle)])

    return FakeGenerator(script)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (QUESTION, ["截至2023年底，深圳累计建设了多少家人工智能创新载体，", "立项数量如何变化？"]),
        (
            "GPT-4是哪天发布的？它比GPT-3.5进步了多少？",
            ["GPT-4是哪天发布的？", "它比GPT-3.5进步了多少？"],
        ),
        (
            "How many cores does the cluster have, and what chips is it built from?",
            ["How many cores does the cluster have", "what chips is it built from?"],
        ),
        (
            "白皮书记录BIS何时发布了新规、新规分几部分？",
            ["白皮书记录BIS何时发布了新规、", "新规分几部分？"],
        ),
        # One thing asked: a clause that asks nothing, "and" joining two nouns, 几乎.
        ("截至2023年底，深圳有多少家人工智能企业？", []),
        ("What do Tencent and Weijin say about robots?", []),
        ("几乎所有企业都采用了哪种芯片？", []),
        ("2023年和2030年的市场规模分别是多少？", []),
    ],
)
def test_the_parts_a_question_asks(question: str, parts: list[str]) -> None:
    assert asked_parts(question) == parts


def test_a_part_the_answer_leaves_unstated_is_asked_on_its_own(
    searcher: Searcher, shelf: Path
) -> None:
    gen = parts_model(TOTAL, "累计建设", TREND, "立项数量达到")
    answer = Answerer(searcher, gen).ask(QUESTION, AskOptions())
    assert answer.answerable, answer.reason
    assert "84" in answer.text and "15 家" in answer.text and "1 家" in answer.text
    requests = answer_requests(gen)
    assert len(requests) == 2
    # The part is asked after the whole question and what its answer stated already.
    part_request = requests[1][0]
    assert prompts.asked_part(part_request) == "立项数量如何变化？"
    assert prompts.asked_question(part_request) == QUESTION
    cited = {c.quote for c in answer.citations}
    assert any("84 家" in q for q in cited) and any("15 家" in q for q in cited)
    assert_checkable(answer, shelf)


HEADSETS = "\n".join(
    [
        "# 空间计算",
        "",
        "## 头显发布",
        "",
        "2023年6月，苹果正式发布头显产品Vision Pro，其定价与配置引发全球热议。"
        "苹果宣布进入空间计算时代。",
        "",
        "## 硬件路线",
        "",
        "首发的Vision Pro定价高达3,500美元，拥有12个摄像头和多种传感器。硬件创新是苹果的重点。",
        "",
    ]
)


def test_a_part_asking_a_figure_no_claim_gives_is_asked_on_its_own(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The answer, the launch's sentence, holds the words of "它的定价是多少？" (定价) but
    # not the sum it asks for: its words cannot tell the part is unstated; the figure can.
    root = tmp_path / "headsets"
    root.mkdir()
    (root / "headsets.md").write_text(HEADSETS, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    when = "2023年6月，苹果正式发布头显产品Vision Pro，其定价与配置引发全球热议。"
    price = "首发的Vision Pro定价高达3,500美元。"
    gen = parts_model(when, "正式发布", price, "定价高达")
    question = "Vision Pro是什么时候发布的，它的定价是多少？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "2023年6月" in answer.text and "3,500美元" in answer.text, answer.text
    assert len(answer_requests(gen)) == 2
    assert_checkable(answer, root)


RANGES = "\n".join(
    [
        "# 低空经济",
        "",
        "## 电池与航程",
        "",
        "使用能量密度300Wh/kg左右的电芯，估算单次充电的最大航程：涵道矢量推进构型为175km，"
        "倾转旋翼构型为250km。",
        "",
        "## 适航",
        "",
        "适航审定是eVTOL商业化的前提，各国监管机构正在制定审定标准。",
        "",
    ]
)


def test_a_part_stated_by_a_sentence_the_answer_cites_already_is_added(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    # The ducted-fan range stands in the sentence that gave the tilt-rotor's: asked on its
    # own, the part cites what the answer cites, and its claim is still new.
    root = tmp_path / "ranges"
    root.mkdir()
    (root / "ranges.md").write_text(RANGES, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=fake_loader)[0]
    tilt = "倾转旋翼构型的单次充电最大航程为250km。"
    ducted = "涵道矢量推进构型的单次充电最大航程为175km。"
    gen = parts_model(tilt, "倾转旋翼构型为250km", ducted, "倾转旋翼构型为250km")
    question = "倾转旋翼构型单次充电的最大航程是多少？涵道矢量推进构型单次充电的最大航程呢？"
    answer = Answerer(searcher, gen).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "250km" in answer.text and "175km" in answer.text, answer.text
    assert len(answer_requests(gen)) == 2
    assert_checkable(answer, root)


def test_an_answer_stating_every_part_asks_nothing_more(searcher: Searcher) -> None:
    both = TOTAL + TREND
    gen = parts_model(both, "累计建设", TREND, "立项数量达到")

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return YES
        ids = [sentence_id(messages, "累计建设"), sentence_id(messages, "立项数量达到")]
        return prompts.answer_reply(both, ids)

    gen = FakeGenerator(script)
    answer = Answerer(searcher, gen).ask(QUESTION, AskOptions())
    assert answer.answerable, answer.reason
    assert len(answer_requests(gen)) == 1


def test_the_year_one_part_names_does_not_date_the_course_another_asks(
    searcher: Searcher,
) -> None:
    # "截至2023年底" frames the count; the course of the approvals runs through the years
    # before it. A claim giving 2019's approvals answers that part, not 2023's count.
    peak = "2019年深圳人工智能创新载体立项数量达到15家。"

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            return YES
        ids = [sentence_id(messages, "累计建设"), sentence_id(messages, "立项数量达到")]
        return prompts.answer_reply(TOTAL + peak, ids)

    gen = FakeGenerator(script)
    answer = Answerer(searcher, gen).ask(QUESTION, AskOptions())
    assert answer.answerable, answer.reason
    assert "84" in answer.text and "15" in answer.text, answer.text
    assert all(c.supported for c in answer.claims), answer.claims
    # Asked of one year alone, the same claim is another year's figure.
    alone = Answerer(searcher, FakeGenerator(script)).ask(
        "2023年深圳人工智能创新载体立项数量是多少？", AskOptions()
    )
    assert not any(c.supported and "15" in c.text for c in alone.claims), alone.claims


@pytest.mark.parametrize(
    ("question", "course"),
    [
        (QUESTION, True),
        ("截至2023年底，深圳有多少家人工智能创新载体，新审批情况如何？", True),
        (
            "How many carriers had Shenzhen built by the end of 2023, and how did new "
            "approvals develop?",
            True,
        ),
        # One thing asked, or every part dated: the year holds.
        ("2023年深圳人工智能融资情况如何？", False),
        ("2023年深圳有多少家企业？2023年融资多少？", False),
        # A report named "trends" asks no course.
        ("How many firms did it count in 2023, and what does the trends report say?", False),
    ],
)
def test_which_questions_ask_a_course_over_the_years(question: str, course: bool) -> None:
    assert _asks_a_course(question) is course


def test_a_parts_unstated_answer_is_not_added(searcher: Searcher) -> None:
    # Asked alone, the model gives the neighbouring section's figure as the trend: the
    # claim is checked as any other, and the answer stays what the corpus states.
    gen = parts_model(TOTAL, "累计建设", "2023年立项数量为97家。", "小巨人")
    answer = Answerer(searcher, gen).ask(QUESTION, AskOptions())
    assert answer.answerable, answer.reason
    assert "84" in answer.text and "97" not in answer.text
    assert len(answer_requests(gen)) == 2


def test_a_parts_own_sentence_is_quoted_and_judged_as_that_part(searcher: Searcher) -> None:
    # Asked alone, the part is answered with a figure its cited sentence does not state;
    # that sentence passes every check as the part's answer, quoted, and is judged as an
    # answer to that part — judged as the whole question, it answers only half of it.
    question = "截至2023年底，深圳累计建设了多少家人工智能创新载体，有多少家专精特新小巨人企业？"
    judged: list[str] = []

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if prompts.request_kind(options) == "confirm":
            part = prompts.confirmed_part(messages)
            judged.append(part)
            return YES if part or "84" in messages[-1].content else json.dumps({"verdict": "no"})
        if prompts.asked_part(messages):
            wrong = "深圳有2000家专精特新小巨人企业。"
            return prompts.answer_reply(wrong, [sentence_id(messages, "小巨人")])
        return prompts.answer_reply(TOTAL, [sentence_id(messages, "累计建设")])

    answer = Answerer(searcher, FakeGenerator(script)).ask(question, AskOptions())
    assert answer.answerable, answer.reason
    assert "84" in answer.text and "97 家" in answer.text, answer.text
    assert judged[-1] == "有多少家专精特新小巨人企业？", judged
    wrong = [c for c in answer.claims if c.text.startswith("深圳有2000家")]
    assert wrong and not wrong[0].supported, answer.claims


def test_replies_for_test_doubles_are_json() -> None:
    assert json.loads(prompts.answer_reply("a", [1])) == {"evidence": [1], "answer": "a"}


@pytest.mark.parametrize(
    ("shares", "asked"),
    [
        ([1.0, 0.0], ["b"]),  # the second part unstated
        ([0.8, 0.6], []),  # both stated
        ([0.36, 0.0], ["b"]),  # the first paraphrased, nothing of the second stated
        ([0.3, 0.2], []),  # both paraphrased: asking again would ask the same
        ([0.0, 0.0], []),  # nothing of either: the words are not the question's
        ([None, 0.0], ["b"]),  # a part without words of its own cannot tell
        ([None, None], []),
    ],
)
def test_which_parts_are_asked_on_their_own(shares: list[float | None], asked: list[str]) -> None:
    # ("How many people work in Shenzhen's AI industry, and how many universities
    # does the city have?" answered with the people, in words of its own.)
    assert _unanswered_parts(["a", "b"], shares) == asked


def test_it_in_a_later_part_is_the_name_the_answer_gave_for_the_part_before() -> None:
    # "Which European exascale machine began construction in October 2023, and which key
    # technologies does it use?": asked alone, "它使用了哪些关键技术？" points at nothing
    # and its own retrieval found other chapters. "它" is what the clause before asks to be
    # named, which the answer names right after the noun asked for.
    before = "2023年10月，哪个欧洲超大规模计算机开始建设，"
    stated = "欧洲高性能计算联合组织EuroHPC启动了欧洲第一台百亿亿级高性能计算机JUPITER的建设。"
    part = "它使用了哪些关键技术？"
    assert named_by_answer(part, before, stated) == "JUPITER使用了哪些关键技术？"
    # A name ending in the noun asked for ("哪家医院" answered 北京友谊医院).
    assert named_by_answer("它位于哪里？", "哪家医院率先开始建设，", "北京友谊医院率先建设。") == (
        "北京友谊医院位于哪里？"
    )
    # The clause names another thing after its verb ("哪家医院试用了…系统"): "它" may
    # be either, and is left as written; so is a clause asking for no name.
    assert named_by_answer(
        "它基于什么模型？", "哪家医院试用了门诊病历生成系统，", "北京友谊医院试用了该系统"
    ) == ("它基于什么模型？")
    assert named_by_answer(part, "欧洲的超算何时开始建设，", stated) == part
    # Two names after the noun: which is meant is not the answer's to say.
    two = "高性能计算机JUPITER和高性能计算机Alps开始建设。"
    assert named_by_answer(part, before, two) == part
