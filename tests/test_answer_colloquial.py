"""Questions as an analyst types them: a report named as a speaker ("达摩院说的…"), a
second sub-question that only names the report ("…？未尽研究是怎么解释的？"), a time asked
beside other things, a year the report writes as 今年, a chart's source line. Each answer
comes from a real index (fake embedder) and scripted model replies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from scripted import model, reply, sentence_id
from trendqa.answer import Answer, Answerer, AskOptions, analyze, prompts
from trendqa.answer.claims import ClaimChecker
from trendqa.answer.context import number_passages
from trendqa.answer.question import (
    ReportNames,
    entities,
    question_type,
    says_year,
    with_subjects,
    without_added_years,
)
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.records import Chunk, DocumentMeta, Hit, Location
from trendqa.testing import FakeEmbedderLoader, FakeGenerator

MANIFEST = """
[[document]]
file = "weijin.md"
title = "看DAO2024"
publisher = "未尽研究 (Weijin Research)"
year = 2024

[[document]]
file = "szaiia.md"
title = "2024人工智能发展白皮书"
publisher = "深圳市人工智能行业协会 (Shenzhen Artificial Intelligence Industry Association)"
year = 2024

[[document]]
file = "tencent.md"
title = "2024数字科技前沿应用趋势"
publisher = "腾讯研究院 (Tencent Research Institute)"
year = 2024
"""

WEIJIN = """# 看DAO2024

## 自动驾驶换道大模型

北京速度仍在延伸。截至今年三季度，百度的萝卜快跑累计服务订单超过了 400 万单，去年同期累计 140 万。

## 元宇宙

Meta 的未来是“具身互联网”，人与人的社交关系，将进化为包含数字化身与虚拟角色的合成社交网络。\
明年，Meta 将允许用户将游戏里的数字奖杯放置在物理世界的书架上。

## 瞧，这些万亿巨头

巨头投资大模型初创公司，其中相当大的金额就是算力信用的投入。硅谷人称“云洗钱”。

巨头主导生成式 AI 风险融资

来源：Pitchbook，未尽研究
"""

SZAIIA = """# 2024人工智能发展白皮书

## AI 生成图片著作权侵权案

2023 年 11 月 27 日，北京互联网法院判定被告侵害了原告的署名权和信息网络传播权，\
该案是国内首例 AI 生成图片著作权侵权案。

## 智能助理

智能助理是基于人工智能技术构建的能够通过文字、语音或其它方式与用户沟通,协助用户完成各种任务的软件。

## 智慧政务

在智慧政务领域,云知声率先开发出深圳首个政务大模型"龙知政"赋能政务治理。

## 术语

人工智能大模型(AI Large Model),也称基础模型,是指一种在大量数据基础上训练出来的,\
可以适应各种任务和操作的人工智能技术。
"""

TENCENT = """# 2024数字科技前沿应用趋势

## 人形机器人

根据工信部印发的《人形机器人创新发展指导意见》，到 2025 年，人形机器人创新体系初步建立。

## 算力平台

特斯拉计划利用Dojo对海量的视频数据进行无监督学习，以加速特斯拉的自动驾驶系统的迭代。

## 低空经济

2023年，Joby、Archer、Lilium和Vertical等eVTOL头部企业相继完成了首架全尺寸原型机的试飞。

## 星地直连

根据ABI研究预测，随着NTN技术的发展，未来手机直连卫星会进入到快速增长阶段。\
到2030年全球会有1.7亿台NTN移动终端设备，总共带来163亿美元的收入。
"""

# English words as the fake embedder reads them across languages.
GLOSSARY = {
    "ai": "人工智能",
    "model": "大模型",
    "large": "基础模型",
    "counts": "是指",
    "assistant": "智能助理",
    "software": "软件",
    "technology": "技术构建",
    # Two ways of writing one term, as a cross-lingual model reads them.
    "智能助手": "智能助理",
    "政府事务大型模型": "政务大模型",
    "government": "政务",
    "shenzhen": "深圳",
    "longzhizheng": "龙知政",
    "makers": "头部企业",
    "prototype": "原型机",
    "tests": "试飞",
}

REPORTS = {
    "weijin.md": DocumentMeta("看DAO2024", "未尽研究 (Weijin Research)", year=2024),
    "szaiia.md": DocumentMeta("2024人工智能发展白皮书", "深圳市人工智能行业协会", year=2024),
    "tencent.md": DocumentMeta("2024数字科技前沿应用趋势", "腾讯研究院", year=2024),
    "damo.md": DocumentMeta("2023年十大科技趋势", "阿里巴巴达摩院 (Alibaba DAMO Academy)"),
}


@pytest.fixture
def ask(tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader):  # type: ignore[no-untyped-def]
    root = tmp_path / "shelf"
    root.mkdir()
    for name, text in [("weijin.md", WEIJIN), ("szaiia.md", SZAIIA), ("tencent.md", TENCENT)]:
        (root / name).write_text(text, encoding="utf-8")
    (root / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    ingest_paths(settings, [root], loader=fake_loader)
    searcher = open_searcher(settings, loader=FakeEmbedderLoader(glossary=GLOSSARY))[0]

    def asker(gen: FakeGenerator, question: str) -> Answer:
        return Answerer(searcher, gen).ask(question, AskOptions())

    return asker


def test_a_year_the_report_writes_as_this_year_frames_its_figure(ask) -> None:  # type: ignore[no-untyped-def]
    # 看DAO2024 is written in 2023 or 2024: a passage dated 今年三季度 may hold 2023's
    # figure — not 2021's, which no passage frames. (Whether the sentence states it for
    # the year asked is still the subject check's: a relative year names none.)
    gen = model("截至今年三季度，萝卜快跑累计服务订单超过了400万单。", "萝卜快跑")
    answer = ask(gen, "百度萝卜快跑到2023年三季度累计接了多少单？")
    assert not answer.reason.startswith(("year:", "figure:")), answer.reason
    other = ask(gen, "百度萝卜快跑到2021年三季度累计接了多少单？")
    assert not other.answerable and other.reason.startswith(("year:", "figure:")), other.reason
    assert says_year("截至今年三季度", 2024, 2023) and says_year("截至今年三季度", 2024, 2024)
    assert not says_year("截至今年三季度", 2024, 2021) and not says_year("截至今年", None, 2023)
    assert says_year("去年同期累计 140 万", 2024, 2022)


def test_a_time_asked_beside_other_things_is_a_part_not_the_answers_form(ask) -> None:  # type: ignore[no-untyped-def]
    # Asked how a case was decided, by which court and when, an answer naming the court
    # and the ruling without the date answers two parts of three: not one of the wrong
    # form. Asked only when, the same answer is — and the sentence it cited, which gives
    # the date, is quoted in its place.
    gen = model("北京互联网法院判定被告侵害了原告的署名权和信息网络传播权。", "北京互联网法院")
    answer = ask(gen, "国内首例AI生成图片著作权侵权案是怎么判的？哪家法院判的、什么时候判的？")
    assert answer.answerable and answer.mode == "llm", answer.reason
    assert "北京互联网法院" in answer.text
    when = ask(gen, "国内首例AI生成图片著作权侵权案是什么时候判的？")
    assert when.answerable and when.reason.startswith("quoted: no claim states a time"), when.reason
    assert "11 月 27 日" in when.text


def test_a_chart_source_line_answers_only_a_question_asking_the_source(ask) -> None:  # type: ignore[no-untyped-def]
    gen = model("来源是Pitchbook，未尽研究。", "来源：Pitchbook")
    answer = ask(gen, "未尽研究如何看待巨头主导生成式AI风险融资？")
    assert not answer.answerable, answer.text
    dropped = [c for c in answer.claims if "Pitchbook" in c.text]
    assert dropped and not dropped[0].supported
    assert "source" in dropped[0].reason, dropped[0].reason
    asked = ask(gen, "未尽研究巨头主导生成式AI风险融资一图的数据来源是什么？")
    assert asked.answerable, asked.reason
    assert "Pitchbook" in asked.text


def test_a_date_unit_cut_with_the_verb_after_it_is_no_attribute(ask) -> None:  # type: ignore[no-untyped-def]
    # "给2025年定了什么目标" is cut "2025 / 年定": 年定 is no word a sentence must hold.
    gen = model("到2025年，人形机器人创新体系初步建立。", "创新体系")
    answer = ask(gen, "腾讯报告说《人形机器人创新发展指导意见》给2025年定了什么目标？")
    assert answer.answerable, answer.reason
    assert "创新体系" in answer.text


def test_an_answer_copying_a_sentence_is_cited_to_it_whatever_number_it_gave(ask) -> None:  # type: ignore[no-untyped-def]
    # The model copied the report's sentence word for word but numbered one of another
    # passage, which lacks the question's terms: the copied sentence is what it read.
    said = (
        "Meta的未来是‘具身互联网’，人与人的社交关系，将进化为包含数字化身与虚拟角色的合成社交网络。"
    )
    answer = ask(model(said, "萝卜快跑"), "未尽研究说Meta的未来是“具身互联网”，这是什么意思？")
    assert answer.answerable, answer.reason
    assert "合成社交网络" in answer.text
    assert all("具身互联网" in c.quote for c in answer.citations), answer.citations
    # An answer only echoing some words of a sentence, after restating the question, was
    # written from the passage it cited, which is about something else.
    restated = "未尽研究对具身互联网做出了解释：Meta将允许用户将数字奖杯放在书架上。"
    refused = ask(model(restated, "萝卜快跑"), "未尽研究说Meta的未来是“具身互联网”，这是什么意思？")
    assert not refused.answerable, refused.text
    from trendqa.answer.answerer import _copies

    sentence = "明年，Meta 将允许用户将游戏里的数字奖杯放置在物理世界的书架上。"
    assert _copies("Meta将允许用户将游戏里的数字奖杯放置在物理世界的书架上[2]。", sentence)
    assert not _copies("《2023年十大科技趋势》对具身互联网做出了预测：" + sentence, sentence)


def test_a_translated_term_the_corpus_defines_otherwise_is_asked_as_the_corpus_writes_it(  # type: ignore[no-untyped-def]
    ask,
) -> None:
    # "intelligent assistant" was translated 智能助手; the white paper defines 智能助理. No
    # passage defines the translation's term, and the one it does define is the same term
    # written another way: the question is asked, and its definition found, with it.
    english = "An intelligent assistant is software built on AI technology."
    gen = model(
        "智能助理是基于人工智能技术构建的软件。",
        "智能助理是基于",
        question="深圳白皮书如何定义智能助手？",
        translations=[english],
    )
    answer = ask(gen, "How does the Shenzhen white paper define an intelligent assistant?")
    assert answer.answerable, answer.reason
    assert answer.answered_as == "深圳白皮书如何定义智能助理？"
    assert english.rstrip(".") in answer.text
    assert all("智能助理" in c.quote for c in answer.citations), answer.citations
    # Another thing (a smart speaker) is not the term the corpus defines near it.
    gen = model("", question="深圳白皮书如何定义智能音箱？")
    other = ask(gen, "How does the Shenzhen white paper define a smart speaker?")
    assert not other.answerable, other.text


def test_a_translated_term_written_in_full_is_asked_as_the_corpus_shortens_it(  # type: ignore[no-untyped-def]
    ask,
) -> None:
    # "government-affairs large model" was translated 政府事务大型模型, which the white
    # paper writes short, 政务大模型: asked with the translation's words, the sentence
    # naming the model shares too few of them to be the answer's.
    english = 'Shenzhen\'s first government-affairs large model is "Longzhizheng".'
    gen = model(
        '深圳首个政务大模型是"龙知政"。',
        "龙知政",
        question="深圳首个政府事务大型模型叫什么名字？",
        translations=[english],
    )
    answer = ask(gen, "What is the name of Shenzhen's first government-affairs large model?")
    assert answer.answerable, answer.reason
    assert answer.answered_as == "深圳首个政务大模型叫什么名字？"
    assert all("龙知政" in c.quote for c in answer.citations), answer.citations
    # A term the corpus's would drop a word of whole (平台) names another thing.
    gen = model("", question="深圳首个政务平台大模型叫什么名字？")
    other = ask(gen, "What is the name of Shenzhen's first government platform model?")
    assert not other.answerable
    assert other.answered_as == "深圳首个政务平台大模型叫什么名字？"


def test_a_translation_that_drops_a_name_the_question_writes_is_asked_again(  # type: ignore[no-untyped-def]
    ask,
) -> None:
    # "Which eVTOL makers…" came back "它们完成了…试飞，这是什么？": the makers asked
    # about went with their name. Asked again, told to keep it, the model writes it.
    translations = iter(
        [
            "腾讯报告说，2023年它们完成了首架原型机试飞，这是什么？",
            "腾讯报告说，2023年哪些eVTOL头部企业完成了首架原型机试飞？",
        ]
    )
    english = "Joby, Archer, Lilium and Vertical completed flight tests of their prototypes."

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "question":
            return json.dumps({"zh": next(translations)}, ensure_ascii=False)
        if kind == "translate":
            return json.dumps({"translations": [english]}, ensure_ascii=False)
        if kind == "terms":
            return json.dumps({"terms": []})
        if kind == "confirm":
            return json.dumps({"verdict": "yes"})
        ids = [sentence_id(messages, "eVTOL头部企业")]
        return reply("Joby、Archer、Lilium和Vertical完成了首架全尺寸原型机的试飞。", ids)

    gen = FakeGenerator(script)
    answer = ask(
        gen,
        "Which eVTOL makers does Tencent's report say completed prototype flight tests in 2023?",
    )
    assert answer.answered_as == "腾讯报告说，2023年哪些eVTOL头部企业完成了首架原型机试飞？"
    notes = [m[-1].content for m, o in gen.calls if prompts.request_kind(o) == "question"]
    assert len(notes) == 2 and "eVTOL" in notes[1].split("Translate it into")[1]
    assert answer.answerable, answer.reason
    assert "Lilium" in answer.text


def test_a_question_asking_what_a_thing_is_for_is_answered_by_its_purpose(ask) -> None:  # type: ignore[no-untyped-def]
    # "拿来干什么" asks a purpose: the sentence saying what Dojo is used for need not
    # write 拿来, the question's colloquial verb.
    gen = model("特斯拉计划利用Dojo对海量的视频数据进行无监督学习。", "利用Dojo")
    answer = ask(gen, "腾讯报告说，特斯拉计划利用Dojo拿来干什么？")
    assert answer.answerable, answer.reason
    assert "无监督学习" in answer.text


def test_an_acronym_is_no_persons_name() -> None:
    # jieba tags 终端设备 as a person's name. ABI, the research firm the forecast is
    # attributed to the sentence before, is an acronym: no person rivals it — a place or
    # an organisation still does.
    from trendqa.answer.claims import _kinds

    assert "person" not in _kinds(["ABI"]) and {"org", "place"} <= _kinds(["ABI"])
    assert "person" in _kinds(["Musk"])  # a capitalised word may be anyone's name
    text = "根据ABI研究预测，手机直连会快速增长。\n到2030年全球会有1.7亿台NTN移动终端设备。"
    chunk = Chunk("t1", text, Location("tencent.md", "t", 0, len(text), 1, 2), heading="星地直连")
    passages = number_passages([Hit(chunk, 1, 1.0)])
    (p,) = passages
    asked = analyze("腾讯报告引用的ABI预测里，到2030年NTN终端能有多少台？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"终端设备": 6.0, "abi": 6.0}, 6.0, {})
    assert checker._rival("ABI", ["abi"], p, p.sentences[-1], "1.7亿台") == ""


@pytest.mark.parametrize(
    "question, docs",
    [
        # Naming only the report, the second sub-question asks of the first's subject.
        ("硅谷说的“云洗钱”是什么意思？未尽研究是怎么解释的？", ("weijin.md",)),
        ("eVTOL用的分布式电推进强在哪？腾讯报告给了哪些量化数字？", ("tencent.md",)),
    ],
)
def test_a_sub_question_naming_only_its_report_holds_the_question_to_it(
    question: str, docs: tuple[str, ...]
) -> None:
    analysis = analyze(question, ReportNames(REPORTS))
    assert analysis.parts == () and analysis.docs == docs


def test_a_sub_question_with_a_subject_of_its_own_is_still_asked_of_the_shelf() -> None:
    reports = ReportNames(REPORTS)
    analysis = analyze("GPT-4是哪天发布的？腾讯报告认为它比GPT-3.5进步了多少？", reports)
    assert analysis.parts == ((), ("tencent.md",))
    costs = analyze("Chiplet的互联标准会怎样？未尽研究如何看待人形机器人的成本？", reports)
    assert costs.parts == ((), ("weijin.md",))


def test_a_comparisons_part_pointing_back_is_asked_of_the_subject_before_it() -> None:
    reports = ReportNames(REPORTS)
    first = "工信部的《人形机器人创新发展指导意见》，腾讯报告说它给2025年定了什么目标？"
    second = "未尽研究又怎么定位这份文件？"
    assert with_subjects([first, second], reports) == [
        first,
        "人形机器人创新发展指导意见：" + second,
    ]
    own = "未尽研究如何看待人形机器人的成本？"
    assert with_subjects([first, own], reports) == [first, own]


def test_a_report_named_as_the_speaker_and_a_thing_asked_what_it_is() -> None:
    question = "达摩院说的“可预期网络”到底是个什么东西？"
    reports = ReportNames(REPORTS)
    assert reports.named(question) == ("damo.md",)
    assert question_type(reports.strip(question)) == "definition"
    assert question_type("联邦元学习是怎么一回事？") == "definition"
    # 东西 ("thing"; jieba's place name "east-west") is what is asked for, no subject.
    assert "东西" not in entities(question)
    assert "可预期网络" in entities(question)


def test_the_kind_a_question_counts_is_no_subject() -> None:
    # "How many Chinese characters could Kimi Chat take…" translated "…多少个中文字符？":
    # 中文 (jieba's proper noun) is what is counted, and "支持输入 20 万汉字" was refused
    # for not naming it. A place counted in (多少家上海企业) is still a subject.
    assert entities("月之暗面的Kimi Chat推出时可以输入多少个中文字符？") == ("Kimi Chat",)
    assert "汉字" not in entities("Kimi Chat最初支持输入多少汉字？")
    assert "上海" in entities("有多少家上海企业？")
    assert "中文" in entities("中文大模型有多少个？")


def test_a_translation_names_no_year_the_question_does_not() -> None:
    # "Over the next five years" translated "到2028年": every year check would hold the
    # answer to a year the reader never wrote.
    original = (
        "What growth does the Tencent report expect for the HPC market over the next five years?"
    )
    added = "腾讯报告预计，到2028年，HPC市场将增长多少？"
    assert without_added_years(added, original) == "腾讯报告预计，HPC市场将增长多少？"
    named = "How many AI firms did Shenzhen have at the end of 2023?"
    assert without_added_years("截至2023年底，深圳有多少家人工智能企业？", named) == (
        "截至2023年底，深圳有多少家人工智能企业？"
    )


def test_html_tags_a_text_file_kept_are_not_shown_to_the_model() -> None:
    # A text extraction kept '<ul style="list-style-type: none">' between a table's cells;
    # the model copied 'none">' into its answer.
    row = '效率\t<ul style="list-style-type: none"> DEP推进效率达95%-97%，比涡扇发动机高出20%。'
    assert prompts.shown(row, "zh") == "效率 DEP推进效率达95%-97%，比涡扇发动机高出20%。"
    assert prompts.shown("x < y 且 y > z", "zh") == "x < y 且 y > z"  # no tag, as written


def test_ai_and_its_chinese_name_are_one_word() -> None:
    # A question quoting 'AI大模型' asks of what the white paper defines as 人工智能大模型
    # (its "Al Large Model"): a sentence or section writing either names it.
    asked = analyze("白皮书中的“AI大模型”是什么？", ReportNames(REPORTS))
    checker = ClaimChecker(asked, {"ai": 3.0, "大模型": 4.0, "人工智能": 2.0}, 6.0, {})
    forms = checker._forms("AI大模型")
    assert "ai大模型" in forms and "人工智能大模型" in forms
    assert "人工智能" in ClaimChecker(asked, {"ai": 3.0}, 6.0, {})._forms("AI")


def test_a_role_asked_for_is_no_subject() -> None:
    # "Who is the CEO of Tesla in 2021?" asks of Tesla; a sentence naming Musk as its
    # chief executive need not write "CEO".
    assert entities("Who is the CEO of Tesla in 2021?") == ("2021", "Tesla")
    assert "NFL" in entities("Who is the president of the NFL?")


def test_a_hyphenated_name_in_a_chinese_question_is_one_name() -> None:
    # "Fei-Fei Li的VoxPoser" (a translation keeping the reader's Latin names): jieba cut
    # the name at its hyphen into Fei and Li, two subjects no sentence writes.
    assert entities("报告说，Fei-Fei Li的 VoxPoser系统有哪些能力？") == (
        "Fei-Fei Li",
        "VoxPoser",
    )
    assert entities("Jean-Claude Van Damme说了什么？") == ("Jean-Claude Van Damme",)
    assert entities("GPT-4和Claude-2有什么不同？") == ("GPT-4", "Claude-2")
    # A product's model name, capitals and all: TRX-Hand, not Hand; EH216-S, not EH216.
    assert entities("特斯拉Optimus的灵巧手和TRX-Hand有什么不同？")[-1] == "TRX-Hand"
    assert "EH216-S" in entities("亿航EH216-S无人驾驶eVTOL的售价是多少？")
    assert "RISC-V" in entities("Meta自研RISC-V架构AI加速芯片叫什么名字？")
    # A name of Latin words apart is one name too: "Pro" names nothing alone.
    assert entities("苹果Vision Pro什么时候宣布，它的起价是多少？") == ("Vision Pro",)
    assert entities("华为Mate 60 Pro支持哪个卫星系统？")[-1] == "Mate 60 Pro"
    # A year after a name dates what is asked of it.
    assert entities("Neuralink 2019年发布的系统有多少个通道？") == ("2019", "Neuralink")


def test_a_plural_pointed_at_is_asked_for_as_a_list() -> None:
    # "…showed some emergent abilities. What are they?" asks for each ability: read as a
    # definition, its answer could name six sentences, too few for four items and their
    # lead. "What are LLMs?" still asks what something is.
    question = "VoxPoser showed some emergent abilities. What are they?"
    assert question_type(question) == "list"
    assert question_type("这些措施分别是什么？") == "list"
    assert question_type("What are LLMs?") == "definition"
    assert question_type("三家公司的市值分别是多少？") == "number"


def test_a_year_before_a_plural_is_no_count_of_it() -> None:
    # "DAMO's 2023 trends report" names the report of a year, not 2023 trends to list:
    # asked how it describes CLIP, the question asks for a definition.
    assert question_type("How does DAMO's 2023 trends report describe CLIP?") == "definition"
    assert question_type("What are the 10 trends of the report?") == "list"
    assert question_type("Which 3 paths does it name?") == "list"
