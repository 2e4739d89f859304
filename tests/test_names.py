"""A person's name an English question writes in Latin letters, found as the report writes
it in Chinese, however the model transliterated it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripted import model
from trendqa.answer import Answerer, AskOptions, prompts
from trendqa.answer.names import (
    align,
    glossary,
    glosses,
    half_written,
    latin_for_han,
    latin_names,
    match,
    restore,
    spells,
    surname_of,
)
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.testing import FakeEmbedderLoader

ROOT = Path(__file__).resolve().parents[1]
# Sentences as the reports in corpus/ write them.
ZHANG = (
    "机器学习也在发力，张锋研究了新算法，搜索海量基因组数据，发现了 188 种新型 CRISPR "
    "系统，丰富了工具库。此前，研究人员确定了 6 种 CRISPR 系统，CRISPR-Cas9 是最常用的一种。"
)
TAO = (
    "菲尔兹奖得主, 数学家陶哲轩认为, 预计如果使用得当, 到2026年, "
    "AI将成为数学研究和许多其他领域值得信赖的合著者。"
)
HUANG = "英伟达创始人黄仁勋在ITF World 2023大会上表示，人工智能的下一次浪潮将是具身智能。"


def test_the_corpus_sentences_are_quoted_as_written() -> None:
    corpus = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt"))
    for sentence in (ZHANG, TAO, HUANG):
        assert sentence[:30] in corpus


@pytest.mark.parametrize(
    "latin, chinese",
    [("Feng Zhang", "张锋"), ("Zhang Feng", "张锋"), ("Zeng Guofan", "曾国藩")],
)
def test_a_chinese_names_pinyin_spells_it_in_either_order(latin: str, chinese: str) -> None:
    assert spells(latin, chinese)


def test_other_names_are_not_spelled() -> None:
    assert not spells("Feng Zhang", "张峰峰")
    assert not spells("Weijin Research", "张锋")
    # A Chinese given name in pinyin must spell the whole name, not just its surname.
    assert not surname_of("Wei Zhang", "张锋")
    assert surname_of("Terence Tao", "陶哲轩") and surname_of("Jensen Huang", "黄仁勋")


@pytest.mark.parametrize(
    "original, translated, passage, expected",
    [
        # The model's own transliterations, each replaced by the report's name.
        ("How many CRISPR systems did Feng Zhang find?", "冯章发现了多少种CRISPR系统？", ZHANG,
         "张锋发现了多少种CRISPR系统？"),
        ("When does Terence Tao expect AI to co-author?", "数学家Terence Tao预计何时？", TAO,
         "数学家陶哲轩预计何时？"),
        ("What did Terence Tao predict?", "特伦斯·陶预测了什么？", TAO, "陶哲轩预测了什么？"),
        ("What did Jensen Huang say?", "詹森·黄说了什么？", HUANG, "黄仁勋说了什么？"),
        ("What did Jensen Huang say?", "黄仁森说了什么？", HUANG, "黄仁勋说了什么？"),
        # Nobody in the passage: the translation stands.
        ("What did David Li say?", "大卫·李说了什么？", HUANG, "大卫·李说了什么？"),
        ("How many systems did Wei Zhang find?", "张伟发现了多少？", ZHANG, "张伟发现了多少？"),
    ],
)  # fmt: skip
def test_a_transliterated_name_becomes_the_reports(
    original: str, translated: str, passage: str, expected: str
) -> None:
    assert align(original, translated, [passage])[0] == expected


def test_a_surname_shared_by_two_people_names_neither() -> None:
    assert match("Jensen Huang", ["黄仁勋", "黄明"]) == ""
    assert match("Jensen Huang", ["黄仁勋", "张锋"]) == "黄仁勋"


def test_report_names_are_candidates_that_match_nobody() -> None:
    assert "Weijin Research" in latin_names("In Weijin Research, what did Feng Zhang find?")
    assert align("In Weijin Research, what did X say?", "未尽研究中X说了什么", [ZHANG])[1] == {}


GENES = f"""# 基因编辑

## CRISPR 2.0

{ZHANG}

## 数学

{TAO}
"""


@pytest.fixture
def ask(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    (shelf / "genes.md").write_text(GENES, encoding="utf-8")
    ingest_paths(settings, [shelf], loader=fake_loader)
    glossary = {
        "systems": "系统",
        "machine": "机器学习",
        "search": "搜索",
        "new": "新型",
        "find": "发现",
        "found": "发现",
        "studied": "研究",
        "algorithms": "算法",
        "genomic": "基因组",
        "data": "数据",
    }
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=glossary))[0]
    return lambda gen, question: Answerer(searcher, gen).ask(question, AskOptions())


def test_an_english_question_about_a_chinese_scientist_is_answered(ask) -> None:  # type: ignore[no-untyped-def]
    # The model translates Feng Zhang as 冯章, a name the report never writes: checked
    # against 冯章, the answer was refused ("another subject, not 冯章").
    gen = model(
        "张锋发现了188种新型CRISPR系统。",
        "张锋研究了新算法",
        question="冯章的机器学习搜索发现了多少种新的CRISPR系统？",
        # The back-translation writes the report's name in pinyin, surname first.
        # (The claim is translated as shown: in its sentence's words.)
        translations=[
            "Machine learning is at work: Zhang Feng studied new algorithms, searched massive "
            "genomic data and found 188 new CRISPR systems."
        ],
    )
    answer = ask(gen, "How many new CRISPR systems did Feng Zhang's machine-learning search find?")
    assert answer.answerable, answer.reason
    assert "张锋" in answer.answered_as and "冯章" not in answer.answered_as
    assert "188" in answer.text and answer.language == "en"
    assert "Feng Zhang studied" in answer.text, answer.text  # as the reader wrote it


@pytest.mark.parametrize(
    "text, latin, chinese, shown",
    [
        ("Says Huang Renxun.", "Jensen Huang", "黄仁勋", "Says Jensen Huang."),
        ("Tao Zhexuan expects it.", "Terence Tao", "陶哲轩", "Terence Tao expects it."),
        ("张锋 found 188 systems.", "Feng Zhang", "张锋", "Feng Zhang found 188 systems."),
        ("Zhangfeng's team", "Feng Zhang", "张锋", "Feng Zhang's team"),
        # Other names and words stay.
        ("Huang Ming agreed.", "Jensen Huang", "黄仁勋", "Huang Ming agreed."),
    ],
)  # fmt: skip
def test_an_english_answer_names_people_as_the_question_did(
    text: str, latin: str, chinese: str, shown: str
) -> None:
    assert restore(text, latin, chinese) == shown


@pytest.mark.parametrize(
    ("text", "question", "shown"),
    [
        # A name the translation left in Chinese is written as the question writes it.
        (
            "On March 14, 2023,智谱AI released ChatGLM-6B.",
            "What does the white paper say about Zhipu AI's ChatGLM models?",
            "On March 14, 2023, Zhipu AI released ChatGLM-6B.",
        ),
        (
            "Tencent unveiled 混元 in 2023.",
            "What can Tencent Hunyuan do?",
            "Tencent unveiled Hunyuan in 2023.",
        ),
        # Chinese that spells no word of the question is left for the retranslation.
        ("Sales rose in 乘用车 markets.", "What about Zhipu AI?", "Sales rose in 乘用车 markets."),
    ],
)
def test_a_name_left_in_chinese_is_written_as_the_question_writes_it(
    text: str, question: str, shown: str
) -> None:
    assert latin_for_han(text, question) == shown


def test_chinese_a_question_word_spells_only_in_part_is_left_whole() -> None:
    text = "At the end of 2023, 上海市 had 1,100 AI companies."
    assert latin_for_han(text, "How many AI companies did Shanghai have?") == text


SOURCE = "Stanford、UCSF的读脑设备让失语者重新说话 (Nature)。预训练语料超2万亿tokens，用GPU。"


@pytest.mark.parametrize(
    ("reply", "written"),
    [
        # A name written half in Chinese is the source's word with that Latin half.
        ("斯坦ford、UCSF", "Stanford、UCSF"),
        # Written so in the source, or each half a word of it: left alone.
        ("超2万亿tokens", "超2万亿tokens"),
        ("GPU卡", "GPU卡"),
        # No one word of the source it can be: left alone.
        ("哈ugging脸", "哈ugging脸"),
    ],
)
def test_a_name_written_half_in_chinese_is_the_sources_latin_word(reply: str, written: str) -> None:
    assert half_written(reply, SOURCE) == written


# As the Tencent report and the white paper write them.
CPSS = (
    "EV 的充放电与出行由驾乘用户决定，形成以EV 为核心的信息-物理-社群系统(Cyber-Physical-"
    "Social System, CPSS)，带来新的问题与调控潜力。"
)
FOUNDATION = "人工智能大模型，也称基础模型(Foundation Model)，是指参数规模巨大的模型。"


def test_a_term_the_report_glosses_in_english_is_read_with_its_gloss() -> None:
    assert glosses([CPSS, FOUNDATION, "检索增强生成（RAG）技术", "营收(亿元)"]) == {
        "信息-物理-社群系统": "Cyber-Physical-Social System",
        "基础模型": "Foundation Model",
        # An abbreviation alone (RAG) is kept as a name anyway.
    }
    # Only the terms a statement names are given for its translation, read beside their
    # first mention (a term glossed in the statement itself is left as it is).
    assert glossary(["CPSS是以EV为核心的信息-物理-社群系统"], [CPSS, FOUNDATION]) == [
        ("信息-物理-社群系统", "Cyber-Physical-Social System")
    ]
    both = [("基础模型", "Foundation Model"), ("模型", "Model")]
    assert prompts.glossed("基础模型是大模型，基础模型(Foundation Model)也是", both) == (
        "基础模型 (=Foundation Model)是大模型 (=Model)，基础模型(Foundation Model)也是"
    )


def test_a_translation_is_given_the_reports_own_english_for_the_terms_it_names(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # "the core information-physical-community system of electric vehicles": the report
    # names it Cyber-Physical-Social System, in brackets after the Chinese, once.
    import trendqa.answer.answerer as answerer_module

    monkeypatch.setattr(answerer_module, "TRANSLATION_SIMILARITY", 0.0)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    guided = "信息-物理-社群系统可通过价格对营运车辆进行适当引导。"
    (shelf / "ev.md").write_text(f"# 电力与交通\n\n{CPSS}\n\n{guided}\n", encoding="utf-8")
    ingest_paths(settings, [shelf], loader=fake_loader)
    near = {"system": "信息-物理-社群系统", "guided": "可通过价格对营运车辆进行适当引导"}
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=near))[0]
    gen = model(
        guided,
        "可通过价格",
        question="信息-物理-社群系统可以怎样引导？",
        translations=["The Cyber-Physical-Social System can guide operating vehicles by price."],
    )
    answer = Answerer(searcher, gen).ask("How can the system be guided?", AskOptions())
    assert answer.answerable, answer.reason
    asked = [m for m, o in gen.calls if prompts.request_kind(o) == "translate"]
    assert prompts.glossary_given(asked[0]) == ["Cyber-Physical-Social System"]
    assert "信息-物理-社群系统 (=Cyber-Physical-Social System)" in asked[0][-1].content
    assert prompts.names_kept(asked[0]) == []
    assert "Cyber-Physical-Social System" in answer.text


def test_a_district_the_translation_misspells_is_written_by_its_pinyin() -> None:
    # Given "南山区 (=Nanshan District)" and asked again with the name to write, the model
    # still wrote "Nanjing District": the one name of the district's kind it gives is the
    # district, spelled as its pinyin writes it.
    from trendqa.answer.names import place_glossary, respelled_places

    statement = "截至 2023 年底,南山区集聚了 645 家人工智能相关企业,数量占比高达 39.2%。"
    assert place_glossary([statement]) == [("南山区", "Nanshan District")]
    wrong = "As of the end of 2023, Nanjing District had 645 AI-related companies."
    assert respelled_places(wrong, statement) == wrong.replace("Nanjing", "Nanshan")
    # Written without its kind word, it is not guessed at (the check refuses it).
    assert respelled_places("Nanjing had 645 companies.", statement) == "Nanjing had 645 companies."
    # Two names of its kind: which one is the district is not known.
    two = "Nanjing District and Futian District had 645 companies."
    assert respelled_places(two, statement) == two
