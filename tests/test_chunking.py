"""Chunking: verbatim, sentence-aligned, overlapping passages that respect headings and noise."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from trendqa.chunking import CHUNKER_VERSION, chunk_document, is_table_row, split_sentences
from trendqa.errors import InputError
from trendqa.loaders import load_file
from trendqa.records import Chunk, DocumentMeta, PageSpan, SourceDocument
from trendqa.textnorm import fold, one_line

PdfMaker = Callable[..., Path]  # the `make_pdf` fixture
CORPUS = Path(__file__).parents[1] / "corpus"


def make_doc(text: str, pages: tuple[PageSpan, ...] = (), doc: str = "r.txt") -> SourceDocument:
    return SourceDocument(
        doc=doc, path=Path(doc), text=text, sha256="0" * 64, meta=DocumentMeta("报告"), pages=pages
    )


def body(count: int, start: int = 0) -> str:
    """`count` distinct Chinese sentences of about 30 characters, three to a paragraph."""
    sentences = [
        f"第{i}项观察：人工智能产业规模持续增长，算力需求提升{i}.5%。"
        for i in range(start, start + count)
    ]
    return "\n\n".join("".join(sentences[i : i + 3]) for i in range(0, count, 3))


def sentence_spans(text: str) -> set[tuple[int, int]]:
    return set(split_sentences(text))


def assert_verbatim(doc: SourceDocument, chunks: list[Chunk]) -> None:
    for chunk in chunks:
        loc = chunk.location
        assert chunk.text == doc.text[loc.start : loc.end]
        assert chunk.text.strip() == chunk.text != ""
        assert (loc.doc, loc.title) == (doc.doc, doc.title)


# --- sentences ----------------------------------------------------------------


def test_split_sentences_on_chinese_terminators_and_closers() -> None:
    text = "他说：“大模型来了。”然后呢？算力不够！存储也是；网络亦然\n下一行"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "他说：“大模型来了。”",
        "然后呢？",
        "算力不够！",
        "存储也是；",
        "网络亦然",
        "下一行",
    ]


def test_split_sentences_keeps_decimals_and_splits_english_periods() -> None:
    text = "  Pi is 3.14 here. 芯片算力达 65.4GFlops，提升 2.5 倍。Done.  "
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Pi is 3.14 here.",
        "芯片算力达 65.4GFlops，提升 2.5 倍。",
        "Done.",
    ]


def test_a_wrapped_english_sentence_is_one_sentence() -> None:
    # A PDF column's text, one visual line each (the Federal Register's layout).
    text = (
        "The FAA is issuing this AD to address \n"
        "erroneous angle of attack data, which \n"
        "could result in loss of control.\n"
        "## Applicability of this rule\n"
        "this AD applies to 737 MAX airplanes.\n"
        "人工智能产业规模持续增长，\n"
        "企业数量超过四千家。\n"
        "Table 1\n"
        "revenue"
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "The FAA is issuing this AD to address \nerroneous angle of attack data, which \n"
        "could result in loss of control.",
        "## Applicability of this rule",  # a heading is never wrapped prose
        "this AD applies to 737 MAX airplanes.",
        "人工智能产业规模持续增长，",  # Chinese line ends stay boundaries
        "企业数量超过四千家。",
        "Table 1",  # a short line is a label
        "revenue",
    ]


def test_a_line_break_inside_a_title_is_no_boundary() -> None:
    # A PDF wraps a rule's title mid-word, here across a blank line; a title left open
    # and closed a line later is one name in one sentence. A title never closed, or one
    # the next line does not close first, still ends its line.
    text = (
        "该新规分为三个部分:《实施额外出口管制》《半导体制造项\n\n"
        "目出口管制暂行最终规则》《实体清单新增内容》。\n"
        "瑞典两男子焚烧一本《\n"
        "古兰经》\n"
        "《标题没有结束\n"
        "另一行\n"
        "《甲\n"
        "《乙》丙》"
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "该新规分为三个部分:《实施额外出口管制》《半导体制造项\n\n"
        "目出口管制暂行最终规则》《实体清单新增内容》。",
        "瑞典两男子焚烧一本《\n古兰经》",
        "《标题没有结束",
        "另一行",
        "《甲",
        "《乙》丙》",
    ]


def test_a_real_pdfs_wrapped_standard_titles_stay_whole() -> None:
    # The Ministry of Ecology and Environment's list wraps the standards it cites inside
    # narrow table cells: "按照《医疗废物高温蒸汽集⏎中处理工程技术规范（试⏎行）》".
    doc = load_file(DATA / "mee-hazardous-waste-list-2021.pdf", "mee.pdf")
    title = re.compile(r"《医疗废物高温蒸汽集\s*中处理工程技术规范（试\s*行）》")
    sentences = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    assert any(title.search(s) for s in sentences)
    assert not any(s.rstrip().endswith("《医疗废物高温蒸汽集") for s in sentences)


def test_split_sentences_of_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


# --- chunks -------------------------------------------------------------------


def test_empty_and_whitespace_documents_have_no_chunks() -> None:
    assert chunk_document(make_doc("")) == []
    assert chunk_document(make_doc("\n \n\t\n")) == []


def test_chunks_are_verbatim_bounded_sentence_aligned_and_overlapping() -> None:
    doc = make_doc(body(60))
    chunks = chunk_document(doc, size=300, overlap=45)
    assert len(chunks) > 5
    assert_verbatim(doc, chunks)
    assert all(len(c.text) <= 300 * 1.3 for c in chunks)
    assert sum(len(c.text) > 300 for c in chunks) <= 1  # only a merged tail may exceed size
    sentences = sentence_spans(doc.text)
    starts, ends = {s for s, _ in sentences}, {e for _, e in sentences}
    for chunk in chunks:  # never cut inside a sentence
        assert chunk.location.start in starts and chunk.location.end in ends
    for before, after in zip(chunks, chunks[1:], strict=False):
        shared = before.location.end - after.location.start
        assert 0 < shared <= 45 * 1.5  # about `overlap` characters repeated
        assert after.location.end > before.location.end  # and always progress
    assert chunks[0].location.start == 0 and chunks[-1].location.end == len(doc.text.rstrip())


def test_whole_document_is_covered() -> None:
    doc = make_doc(body(40))
    covered = "".join(c.text for c in chunk_document(doc, size=200, overlap=30))
    for start, end in split_sentences(doc.text):
        assert doc.text[start:end] in covered


def test_one_huge_sentence_is_cut_into_overlapping_windows() -> None:
    sentence = "".join(f"量子{i:03d}" for i in range(300)) + "。"  # 1,501 characters, no comma
    doc = make_doc(sentence)
    chunks = chunk_document(doc, size=300, overlap=45)
    assert_verbatim(doc, chunks)
    assert len(chunks) == 6
    assert all(len(c.text) <= 300 for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert before.location.end - after.location.start == 45
    assert (chunks[0].location.start, chunks[-1].location.end) == (0, len(sentence))


def test_long_sentence_is_cut_after_a_comma_when_it_can_be() -> None:
    clause = "大模型推动算力需求快速增长，"  # 14 characters
    doc = make_doc(clause * 40 + "完。")
    chunks = chunk_document(doc, size=300, overlap=45)
    assert_verbatim(doc, chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)


def test_short_tail_is_merged_into_the_previous_chunk() -> None:
    doc = make_doc(body(9) + "\n\n尾声。")  # nine sentences of ~31 characters, then a tiny one
    chunks = chunk_document(doc, size=280, overlap=45)
    assert len(chunks) == 1
    assert chunks[0].text.endswith("尾声。")


def test_headings_start_chunks_and_are_carried() -> None:
    text = (
        "# 2024 数字科技趋势\n\n**趋势一：多模态大模型**\n\n"
        + body(12)
        + "\n\n二、量子计算\n\n"
        + body(3, start=100)
        + "\n\n（一）量超融合\n\n"
        + body(3, start=200)
    )
    doc = make_doc(text)
    chunks = chunk_document(doc, size=300, overlap=45)
    assert_verbatim(doc, chunks)
    assert chunks[0].text.startswith("# 2024 数字科技趋势\n\n**趋势一：多模态大模型**")
    headings = [c.heading for c in chunks]
    assert headings[0] == "趋势一：多模态大模型"  # innermost heading, without markup
    assert headings[-2:] == ["二、量子计算", "（一）量超融合"]
    for chunk in chunks:  # no chunk spans two sections
        assert sum(h in chunk.text for h in ("趋势一", "二、量子计算", "（一）量超融合")) <= 1
    first_of = {c.heading: c.text for c in reversed(chunks)}
    assert first_of["二、量子计算"].startswith("二、量子计算")


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("## 序言", "序言"),
        ("**趋势二：Chiplet**", "趋势二：Chiplet"),
        ("趋势三：存算一体", "趋势三：存算一体"),
        ("趋势要点4: AI4S助力科学探索", "趋势要点4: AI4S助力科学探索"),
        ("趋势要点5.2: 以价值对齐确保人工智能的未来", "趋势要点5.2: 以价值对齐确保人工智能的未来"),
        ("一、计算重塑", "一、计算重塑"),
        ("（二）人工智能发展历程", "（二）人工智能发展历程"),
        ("第三章 深圳人工智能发展概况", "第三章 深圳人工智能发展概况"),
        ("1. 智能体作为任务助理进入更多应用场景", "1. 智能体作为任务助理进入更多应用场景"),
        ("2.1 核心产业规模", "2.1 核心产业规模"),
        ("一、引言\t\t1", "一、引言"),  # table-of-contents entry
        ("2024年人工智能核心产业规模达到5000亿元", None),
        ("1. 技术进步在急剧加速; 2. 3D生成很有可能在2年内可用", None),
        ("3.14 是圆周率。", None),
        ("1. " + "很长的正文句子" * 8, None),
    ],
)
def test_heading_recognition(line: str, heading: str | None) -> None:
    doc = make_doc(f"导言。\n\n{line}\n\n正文内容。")
    assert chunk_document(doc)[-1].heading == heading


def test_a_chapter_title_the_contents_list_is_a_heading_where_it_stands_alone() -> None:
    # Plain chapter titles match no heading pattern; the table of contents says they are.
    contents = "目录\n\n回顾\t3\n瞧，这些万亿巨头\t5\n生成式 AI 十大展望\t8\n\n"
    text = (
        contents
        + "瞧，这些万亿巨头\n\n苹果，微软，亚马逊，这些公司之间有什么共同点？\n\n"
        + body(9)
        + "\n\n生成式AI十大展望\n\n"  # spacing differs from the contents line
        + body(3, start=100)
        + "\n\n瞧，这些万亿巨头的市值都很高。"  # a sentence that starts like one is body
    )
    doc = make_doc(text)
    chunks = chunk_document(doc)
    assert_verbatim(doc, chunks)
    listed = next(c for c in chunks if "苹果，微软" in c.text)
    assert listed.heading == "瞧，这些万亿巨头"
    assert listed.text.startswith("瞧，这些万亿巨头\n\n苹果")  # the chapter starts a chunk
    assert chunks[-1].heading == "生成式AI十大展望"
    assert all(c.heading is None for c in chunks if "目录" in c.text)
    # Without a table of contents the same lines are body text.
    bare = make_doc(text[len(contents) :])
    assert {c.heading for c in chunk_document(bare)} == {None}


def test_a_contents_list_without_page_numbers_ends_where_its_first_chapter_begins() -> None:
    text = (
        "目录\n\n一、计算重塑\n\n高性能计算的“四算聚变”\n\n二、智能升维\n\n"
        "多模态智能体加速AGI进程\n\n"
        "高性能计算的 “四算聚变”\n\n"  # the first chapter's title again: its heading
        "本章节与行业机构联合研究推出\n\n"  # a short line after the contents is no title
        + body(6)
        + "\n\n多模态智能体加速AGI进程\n\n"
        + body(3, start=100)
        + "\n\n本章节与行业机构联合研究推出\n\n"
        + body(3, start=200)
    )
    chunks = chunk_document(make_doc(text))

    def heading_over(sentence: str) -> str | None:
        return next(c.heading for c in chunks if sentence in c.text)

    assert heading_over("第0项") == "高性能计算的 “四算聚变”"
    assert heading_over("第100项") == "多模态智能体加速AGI进程"
    assert heading_over("第200项") == "多模态智能体加速AGI进程"  # the short line stays body


def test_a_table_of_contents_and_the_furniture_between_its_entries_are_no_passage() -> None:
    # A scanned report's contents run over three pages; between the runs of entries lie a
    # page break's OCR (a logo, the printer's imprint) and an entry whose page number was
    # lost. None of it states anything: none of it is indexed, and the chapters it lists
    # are still headings where they stand alone.
    contents = (
        "目录\n一、引言\t1\n二、融资数据\t5\n1. 融资数据创八年最低\t6\n"
        "\t\tKT\n\n\tTHE REAL PROPERTY OF THE PROPE\n"
        "海 sh\t深圳市易行网数字科技有限公司 shenzhen easylink digital science & "
        "technology co., ltd\tSAIIA\n"
        "2. 智能芯片依赖进口\n"
        "三、人才\t9\n1. 人才需求增长\t9\n2. 人才供给不足\t10\n\n"
    )
    text = (
        contents
        + "一、引言\n\n"
        + body(4)
        + "\n\n1. 融资数据创八年最低\n\n至2023年，融资金额进一步减少至727.2亿。\n\n"
        + body(4, start=100)
    )
    doc = make_doc(text)
    chunks = chunk_document(doc)
    assert_verbatim(doc, chunks)
    indexed = "".join(c.text for c in chunks)
    for line in ("SAIIA", "THE REAL PROPERTY", "KT", "人才供给不足", "目录", "\t6"):
        assert line not in indexed, line
    assert next(c for c in chunks if "727.2亿" in c.text).heading == "1. 融资数据创八年最低"
    # The same lines with a statement between the runs are two contents lists, and the
    # statement is body text.
    split = contents.replace("KT", "本报告由协会与研究机构联合发布。")
    assert "联合发布" in "".join(c.text for c in chunk_document(make_doc(split + body(3))))


def test_noise_lines_never_appear_in_chunks() -> None:
    noise = ["- 12 -", "13", "第 3 页", "Page 4"]
    parts = []
    for number, line in enumerate(noise):
        parts += [body(4, start=10 * number), line]
    doc = make_doc("\n".join(parts))
    chunks = chunk_document(doc, size=300, overlap=45)
    assert_verbatim(doc, chunks)
    for chunk in chunks:
        for line in chunk.text.splitlines():
            assert line.strip() not in noise
    # every sentence survives: noise splits chunks, it never swallows text
    for start, end in split_sentences(doc.text):
        sentence = doc.text[start:end]
        assert sentence in noise or any(sentence in c.text for c in chunks)


def test_a_text_files_repeated_label_is_content() -> None:
    """Without pages, a line the report repeats is no running head: the dateline over
    each timeline dates its entries, and a passage that drops it loses the year."""
    entry = "10月4日，EuroHPC启动了欧洲第一台百亿亿级高性能计算机JUPITER的建设。"
    parts = []
    for number in range(4):
        parts += [body(4, start=10 * number), "2023 chronicle of events 大事记", entry]
    doc = make_doc("\n".join(parts))
    chunks = chunk_document(doc, size=300, overlap=45)
    assert_verbatim(doc, chunks)
    line = "2023 chronicle of events 大事记"
    written = [m.start() for m in re.finditer(line, doc.text)]
    assert len(written) == 4
    for at in written:
        assert any(c.location.start <= at < c.location.end for c in chunks)


def test_line_numbers_and_ids() -> None:
    doc = make_doc("标题行\n\n第二段第一句。\n第二段第二句。")
    (chunk,) = chunk_document(doc)
    assert (chunk.location.line_start, chunk.location.line_end) == (1, 4)
    assert chunk.location.page is None
    assert chunk.location.label() == "报告, lines 1-4"
    assert chunk.id == hashlib.sha1(fold(chunk.text).encode()).hexdigest()[:16]
    twin = chunk_document(make_doc(doc.text, doc="other.txt"))[0]
    assert twin.id == chunk.id and twin.doc == "other.txt"  # dedup is ingest's job


def test_pdf_chunks_know_their_page(make_pdf: PdfMaker) -> None:
    lines = [f"第{i}项：大模型推动算力需求增长，量子计算加速融合。" for i in range(30)]
    path = make_pdf([lines[:15], lines[15:]])
    doc = load_file(path, "report.pdf")
    chunks = chunk_document(doc, size=150, overlap=30)
    assert_verbatim(doc, chunks)
    second_page = doc.pages[1].start
    assert [c.page for c in chunks] == [1 if c.location.start < second_page else 2 for c in chunks]
    assert {c.page for c in chunks} == {1, 2}
    assert chunks[-1].location.label().endswith("p. 2")


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(InputError, match="overlap"):
        chunk_document(make_doc("正文。"), size=100, overlap=100)


def test_chunker_version_is_recorded() -> None:
    assert CHUNKER_VERSION


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus/ folder in this checkout")
def test_real_corpus_chunks_verbatim() -> None:
    # (Chunking speed is the benchmark's to measure, not a test's to time.)
    docs = [load_file(path, path.name) for path in sorted(CORPUS.glob("*.txt"))]
    chunks = [(doc, chunk) for doc in docs for chunk in chunk_document(doc)]
    assert chunks
    for doc, chunk in chunks:
        assert chunk.text == doc.text[chunk.location.start : chunk.location.end]
        assert len(chunk.text) <= 300 * 1.3


# --- page furniture, printed page labels, tables ------------------------------

DATA = Path(__file__).parent / "data"


def test_page_furniture_stays_out_of_chunks(make_pdf: PdfMaker) -> None:
    pages = [
        [
            "中国土地中国土地",  # a running head drawn twice
            f"4769{n} 年度报告 / 第85卷 / 2020年8月6日",  # a head whose numbers change
            f"第{n}节 正文内容，耕地保护面积为{n}万公顷。",
            f"- {n} -",
            f"annual_report.indd {n + 10} 2022/11/1 10:15:3{n}",  # InDesign's slug line
        ]
        for n in range(1, 5)
    ]
    doc = load_file(make_pdf(pages), "report.pdf")
    chunks = chunk_document(doc)
    text = "\n".join(c.text for c in chunks)
    for n in range(1, 5):
        assert f"第{n}节 正文内容，耕地保护面积为{n}万公顷。" in text
    for furniture in ("中国土地", "年度报告 /", ".indd", f"- {1} -"):
        assert furniture not in text
    assert [c.location.page_label for c in chunks] == [None] * 4  # printed = physical


def test_a_real_government_pdf_loses_its_running_heads_and_slug_lines() -> None:
    """The Federal Register (public domain): a running head and GPO's slug on every page."""
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    chunks = chunk_document(doc)
    assert len(doc.pages) == 15
    assert not [c for c in chunks if "VerDate" in c.text or "Federal Register / Vol." in c.text]
    assert any("affects 73 airplanes of U.S. registry" in " ".join(c.text.split()) for c in chunks)
    assert all(doc.text[c.location.start : c.location.end] == c.text for c in chunks)


def test_printed_page_labels_reach_the_citation_label() -> None:
    doc = load_file(DATA / "zh_land_handbook.pdf", "handbook.pdf")
    chunks = chunk_document(doc)
    fees = next(c for c in chunks if "土地複丈費用" in c.text)
    assert (fees.location.page, fees.location.page_label) == (5, "3")
    assert fees.location.label() == "地政業務手冊, p. 3 (PDF page 5)"
    cover = chunks[0].location
    assert (cover.page, cover.page_label) == (1, None)
    assert cover.label() == "地政業務手冊, p. 1"


def test_a_running_heads_page_number_reaches_the_citation_label() -> None:
    """The Federal Register prints its page number only in the running head ("47702
    Federal Register / Vol. 85, …"), which stays out of chunks; the label keeps it."""
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    assert [span.label for span in doc.pages] == [str(n) for n in range(47698, 47713)]
    costs = next(c for c in chunk_document(doc) if "affects 73 airplanes" in c.text)
    assert costs.location.label().endswith(", p. 47702 (PDF page 5)")
    assert "47702" not in costs.text


@pytest.mark.parametrize("size", [60, 120, 300])
def test_table_rows_are_never_split_across_chunks(size: int) -> None:
    doc = load_file(DATA / "zh_quarterly_report.pdf", "quarterly.pdf")
    rows = [line for line in doc.text.split("\n") if "%" in line]
    assert "上海浦江创业投资合伙企业（有限合伙） 8.02% 102,910,000" in rows  # the wrapped cell
    chunks = chunk_document(doc, size=size, overlap=10)
    for row in rows:
        assert any(row in c.text for c in chunks)
    for c in chunks:  # a chunk starts and ends at line boundaries inside the table
        assert c.location.start == 0 or doc.text[c.location.start - 1] in "\n。"


FR_COST_ROWS = [  # the Federal Register's cost table: cells joined by dot leaders
    "FCC OPS installation and verification .. 1 work-hour × $85 per hour = $85 ...... $0 "
    ".......................... $85 ........................ $6,205.",
    "AFM revisions ....................................... 1 work-hour × $85 per hour = $85 "
    "...... $0 .......................... $85 ........................ $6,205.",
    "$0 .......................... $3,400 ................... $248,200.",
]
NICS_ROW = "Kentucky 264,140 12,155 14,847 254 648 1 9 11 01,4912,315 2 2 2 0 6 8 0 0 0 0295,891"
TAB_ROW = "\t".join(  # a 206-character row of a tab-separated table (Word's, a converter's)
    ["2024年三季度营业收入（万元）", *(f"{n},{n:03d}.{n % 10}" for n in range(101, 120))]
)


@pytest.mark.parametrize("size", [60, 120])
def test_a_table_row_longer_than_a_chunk_is_kept_whole(size: int) -> None:
    fr = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    nics = load_file(DATA / "nics-background-checks-2015-11.pdf", "nics.pdf")
    tabbed = make_doc(f"{body(6)}\n{TAB_ROW}\n{body(6, start=6)}")
    assert len(TAB_ROW) == 206
    for doc, rows in ((fr, FR_COST_ROWS), (nics, [NICS_ROW]), (tabbed, [TAB_ROW])):
        chunks = chunk_document(doc, size=size, overlap=10)
        for row in rows:
            assert row in doc.text and len(row) > 60  # each longer than the smaller chunk
            assert any(row in c.text for c in chunks), row
        assert all(doc.text[c.location.start : c.location.end] == c.text for c in chunks)


def test_a_long_paragraph_that_states_figures_is_still_cut_into_windows() -> None:
    prose = [
        # Chinese prose full of figures, its clauses separated by commas and two spaces
        "2023年公司营业收入为125,430.6万元，同比增长15.91%，归属于股东的净利润为18,602.3万元，"
        "同比增长23.05%，  经营活动产生的现金流量净额为9,871.4万元，  研发投入占比11.3%",
        # English prose with a spaced ellipsis, a list of numbers and a tab
        "The agency estimates ... that 73 airplanes, 12 operators and 4 repair stations would be "
        "affected\tat a cost of $6,205 per product, or $452,965 in all, over 2, 3 or 4 years",
        "他说……2023年……2024年……2025年，算力规模将分别达到197、230和300 EFLOPS，增速保持在30%以上",
    ]
    for line in prose:
        doc = make_doc(line)
        assert not is_table_row(line)
        chunks = chunk_document(doc, size=60, overlap=10)
        assert len(chunks) > 1 and all(len(c.text) <= 60 for c in chunks)
    rows = [*FR_COST_ROWS, NICS_ROW, TAB_ROW, "营业收入 125,430.6 108,215.2 15.91%"]
    assert all(is_table_row(row) for row in rows)


def test_an_abbreviations_stop_ends_no_sentence_and_a_figure_may() -> None:
    text = (
        "The estimated cost on U.S. operators is $6,205. Dr. Smith and Acme Inc. agree, "
        "e.g. in Dec. 2023. Capacity rose 12.5%. Then it fell.\n1. Introduction"
    )
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "The estimated cost on U.S. operators is $6,205.",
        "Dr. Smith and Acme Inc. agree, e.g. in Dec. 2023.",
        "Capacity rose 12.5%.",
        "Then it fell.",
        "1. Introduction",
    ]


def test_a_line_of_running_text_ending_in_a_lower_case_word_goes_on() -> None:
    # A PDF's column wraps "…this proposed" before "AD affects …": one sentence. A heading
    # (short, or its words capitalised) still ends its line.
    text = (
        "The FAA estimates that this proposed\nAD affects 73 airplanes of U.S. registry.\n"
        "Authority for This Rulemaking\nTitle 49 of the United States Code applies."
    )
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "The FAA estimates that this proposed\nAD affects 73 airplanes of U.S. registry.",
        "Authority for This Rulemaking",
        "Title 49 of the United States Code applies.",
    ]


def test_a_wrapped_sentence_is_shown_on_one_line() -> None:

    assert one_line("The FAA estimates that this proposed\nAD affects 73 airplanes.") == (
        "The FAA estimates that this proposed AD affects 73 airplanes."
    )
    assert one_line("人工智能核心产业\n规模持续扩大") == "人工智能核心产业规模持续扩大"
    # A compound broken after its hyphen is written whole; a dash between words is not.
    assert one_line("$85 per work- \nhour") == "$85 per work-hour"
    assert one_line("in 2023 - \nand after") == "in 2023 - and after"
    # A Chinese mark at the break is set without a space, as a Han character is.
    assert one_line("兰炭等）、\n油类等常规燃料") == "兰炭等）、油类等常规燃料"
    assert one_line("国民经济行业分类\n（GB/T 4754-2017）") == "国民经济行业分类（GB/T 4754-2017）"


def test_a_hard_wrapped_chinese_line_goes_on_into_the_next() -> None:
    # A Chinese PDF's column cuts its lines wherever they are full: the statute's article
    # is one sentence, not three pieces, so a quote of it reads as the article does. A
    # narrower line (a heading), a line that ends in a stop, a numbered item opening the
    # next line, and a table's row of cells still end their lines.
    text = (
        "国家危险废物名录（2021 年版）\n"
        "第一条  根据《中华人民共和国固体废物污染环境防治法》的\n"
        "有关规定，制定本名录。\n"
        "第二条  具有下列情形之一的固体废物（包括液态废物），列\n"
        "（一）具有毒性、腐蚀性、易燃性、反应性或者感染性一种或\n"
        "者几种危险特性的；\n"
        "第八条  本名录自 2021 年 1 月 1 日起施行。原环境保护部、国\n"
        "家发展和改革委员会、公安部发布的《国家危险废物名录》（环境\n"
        "保护部令第 39 号）同时废止。\n"
        "根据全国人大常委会 2015 年 8 月 29 日修订通过的大气污染防治法 8\n"
        "月 29 日起施行。\n"
        "序号 类别 违法行为 违反条款 不予处罚的情节的条款\n"
        "违法行为"
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "国家危险废物名录（2021 年版）",
        "第一条  根据《中华人民共和国固体废物污染环境防治法》的\n有关规定，制定本名录。",
        "第二条  具有下列情形之一的固体废物（包括液态废物），列",
        "（一）具有毒性、腐蚀性、易燃性、反应性或者感染性一种或\n者几种危险特性的；",
        "第八条  本名录自 2021 年 1 月 1 日起施行。",
        "原环境保护部、国\n家发展和改革委员会、公安部发布的《国家危险废物名录》（环境\n"
        "保护部令第 39 号）同时废止。",
        "根据全国人大常委会 2015 年 8 月 29 日修订通过的大气污染防治法 8\n月 29 日起施行。",
        "序号 类别 违法行为 违反条款 不予处罚的情节的条款",
        "违法行为",
    ]


def test_lines_one_paragraph_each_are_not_joined() -> None:
    # Where each line is a paragraph, the widest lines are paragraphs ending in a stop: a
    # caption or a label that ends without one is far narrower, and stands alone.
    paragraph = "人工智能核心产业规模持续扩大，企业数量稳步增长，应用场景不断丰富。" * 3
    text = "\n".join([paragraph, "图表 3：深圳人工智能企业分布情况", paragraph, paragraph])
    assert len(split_sentences(text)) == 1 + 3 * 3


def test_a_real_chinese_pdfs_wrapped_article_is_one_sentence() -> None:
    doc = load_file(DATA / "mee-hazardous-waste-list-2021.pdf", "mee.pdf")
    sentences = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    whole = re.compile(
        r"^原环境保护部、国\s*家发展和改革委员会.*（环境\s*保护部令第 39 号）同时废止。$", re.S
    )
    assert any(whole.match(s) for s in sentences)
    assert "保护部令第 39 号）同时废止。" not in sentences


def test_an_english_line_ending_in_a_comma_goes_on() -> None:
    # "…by September 21," / "2020.": a comma ends no sentence, whatever the next line opens.
    text = "DATES: The FAA must receive comments on this proposed AD by September 21,\n2020."
    assert [text[a:b] for a, b in split_sentences(text)] == [text]


def test_a_wrapped_english_line_goes_on_into_an_amount() -> None:
    # The FAA's cost of compliance: "…the average total cost per operator to be" / "$7,650
    # (90 work-hours × $85 per work-" / "hour)." is one sentence, which states the rate.
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    sentences = [one_line(doc.text[a:b]) for a, b in split_sentences(doc.text)]
    assert (
        "Therefore, the FAA estimates the average total cost per operator to be $7,650 "
        "(90 work-hours × $85 per work-hour)."
    ) in sentences


def test_a_short_line_in_lower_case_goes_on_into_one_in_lower_case() -> None:
    # A passage that begins mid-line: its first line is short, "Send your", and the
    # sentence goes on below. Lower case on both sides of a break is a wrap; a short
    # heading, capitalised, still ends its line.
    text = (
        "Send your\ncomments to an address listed under the ADDRESSES section.\n"
        "Comments Invited\nthe FAA invites you to send any written relevant data."
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Send your\ncomments to an address listed under the ADDRESSES section.",
        "Comments Invited",
        "the FAA invites you to send any written relevant data.",
    ]


def test_a_run_of_spaces_where_a_pdf_lost_its_stop_ends_a_sentence() -> None:
    # The FBI's NICS report draws its full stops so that no text extraction finds them:
    # "…initiated through the NICS   They do not represent the number of firearms sold
    # Based on…". Between two stretches of prose the run of spaces is the stop; between a
    # table's short cells it is no boundary.
    doc = load_file(DATA / "nics-background-checks-2015-11.pdf", "nics.pdf")
    sentences = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    assert "They do not represent the number of firearms sold" in sentences
    row = "Labor cost   Parts cost   Cost per product   Cost on U.S. operators"
    assert [row[a:b] for a, b in split_sentences(row)] == [row]
    prose = "Handgun statistics are often balanced out by permit checks  Some states may differ"
    assert len(split_sentences(prose)) == 1  # the clause after the run is a cell's length


def test_a_table_row_broken_over_lines_is_one_sentence() -> None:
    # The FAA's cost table: pypdf's text flow breaks the AOA sensor row after its "=" and
    # after its first amount's stop; the row's last cell, the cost on U.S. operators,
    # belongs to the same sentence as the action it costs.
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    sentences = [one_line(doc.text[a:b]) for a, b in split_sentences(doc.text)]
    row = next(s for s in sentences if s.startswith("AOA sensor system test"))
    assert row.endswith("$248,200.")
    wiring = next(s for s in sentences if s.startswith("Stabilizer wiring change"))
    assert wiring.endswith("Up to $766,865.")
    # A figure's stop before a new capitalised sentence still ends its sentence.
    text = "The total cost was $6,205.\n$0 is what the parts cost."
    assert len(split_sentences(text)) == 2


def test_a_line_ending_in_a_stop_after_a_word_is_no_heading() -> None:
    # "13 More than 10 degrees difference for more than" / "10 seconds.": the footnote's
    # last line looks like a numbered heading ("10 seconds") but ends a sentence.
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    headings = {c.heading for c in chunk_document(doc)}
    assert "10 seconds." not in headings
    text = "1. Background\nThe FAA issued a rule.\n2 Discussion\nIt was discussed at length."
    chunks = chunk_document(make_doc(text, doc="t.txt"), size=10, overlap=0)
    assert {c.heading for c in chunks} == {"1. Background", "2 Discussion"}


def test_a_numbered_english_line_that_is_prose_is_no_heading() -> None:
    # The FAA rule's footnotes and wrapped sentences open with a figure: "12 The magnitude
    # of the command varies" / "according to parameters…" headed the cost table 100
    # passages later, and the claims about it were read under that heading.
    doc = load_file(DATA / "federal-register-2020-17221.pdf", "fr.pdf")
    headings = {c.heading for c in chunk_document(doc)}
    for prose in (
        "12 The magnitude of the command varies",  # goes on in lower case below
        "39 as follows:",  # opens in lower case
        "9 (737 MAX) airplanes. Since AD 2018–",  # a sentence ends inside it
        "11.43 and 11.45, by any of the following",
        "14 CFR 39.19, send your request to your",
    ):
        assert prose not in headings
    assert "14 CFR Part 39" in headings
    text = "2.1 Market Overview\nThe market grew.\n3 Outlook\nIt will grow."
    chunks = chunk_document(make_doc(text, doc="t.txt"), size=10, overlap=0)
    assert {c.heading for c in chunks} == {"2.1 Market Overview", "3 Outlook"}


def test_a_wrapped_english_line_does_not_go_on_into_a_page_number() -> None:
    # The NICS report's last line of prose ends mid-page, without its stop, above "Page 1
    # of 205": a page's number is no part of the sentence.
    doc = load_file(DATA / "nics-background-checks-2015-11.pdf", "nics.pdf")
    sentences = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    assert sentences[-1] == "Page 1 of 205"
    assert sentences[-2].endswith("between a firearm background check and a firearm sale")
    text = "The FAA estimates that this proposed\nAD affects 73 airplanes of U.S. registry."
    assert len(split_sentences(text)) == 1


def test_a_sentence_a_page_break_cut_goes_on_across_the_pages_number() -> None:
    # The hazardous-waste list's "…为 8 位数字。其" ends a page; "—  4  —" is printed below
    # it and the next page goes on "中，第 1-3 位…": one sentence, shown without the number.
    doc = load_file(DATA / "mee-hazardous-waste-list-2021.pdf", "mee.pdf")
    sentences = [doc.text[a:b] for a, b in split_sentences(doc.text)]
    whole = next(s for s in sentences if s.startswith("其") and "第 1-3 位" in s)
    assert one_line(whole).startswith("其中，第 1-3 位为危险废物产生行业代码")
    assert "—  4  —" in whole and "— " not in one_line(whole)
    # The passage holds the whole sentence: the page's number splits no section here.
    assert any(whole in c.text for c in chunk_document(doc))
    fuels = load_file(DATA / "mee-high-pollution-fuels-2017.pdf", "fuels.pdf")
    cut = [one_line(fuels.text[a:b]) for a, b in split_sentences(fuels.text)]
    assert any(s.endswith("兰炭等）、油类等常规燃料。") for s in cut)
    # A sentence that ends before the page's number stays apart from the next page; a bare
    # number between lines may be a table's row number, and is no page's.
    text = "第一条内容到此为止。\n— 5 —\n第二条另起一段内容。"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "第一条内容到此为止。",
        "— 5 —",
        "第二条另起一段内容。",
    ]
