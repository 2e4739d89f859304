"""Real Chinese PDFs (government documents, see tests/data/README.md) through the loader
and the chunker: what text, page labels and titles they yield, and what stays out; and
the evidence of the PDF question set (eval/pdf.jsonl), which every fixture must hold."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from trendqa.chunking import chunk_document, split_sentences
from trendqa.evaluation import Question, load_questions
from trendqa.loaders import load_file, read_manifest
from trendqa.loaders.pdf import read_pdf
from trendqa.records import Chunk, FileReport, SourceDocument
from trendqa.textnorm import cjk_count, contains, one_line

DATA = Path(__file__).parent / "data"
WASTE = "mee-hazardous-waste-list-2021.pdf"  # 国家危险废物名录（2021年版）: Word, Distiller
FUELS = "mee-high-pollution-fuels-2017.pdf"  # 高污染燃料目录: WPS Office
GUANGDONG = "gd-minor-violations-no-penalty-2021.pdf"  # a six-page table: WPS/Word, PDFMaker

PRINTED_NUMBER = re.compile(r"—\s*\d+\s*—")  # "—  3  —": official documents' page numbers


@cache
def _loaded(name: str) -> tuple[SourceDocument, tuple[Chunk, ...]]:
    """The fixture loaded with its manifest label, and its chunks (shared: do not mutate)."""
    doc = load_file(DATA / name, name, read_manifest(DATA)[name])
    return doc, tuple(chunk_document(doc))


def _chunk_with(chunks: tuple[Chunk, ...], text: str) -> Chunk:
    return next(c for c in chunks if text in c.text)


def test_the_manifest_labels_every_pdf_fixture() -> None:
    assert set(read_manifest(DATA)) == {path.name for path in DATA.glob("*.pdf")}


@pytest.mark.parametrize(("name", "pages"), [(WASTE, 33), (FUELS, 3), (GUANGDONG, 6)])
def test_every_page_is_read_as_clean_text(name: str, pages: int) -> None:
    doc, chunks = _loaded(name)
    # No page flagged (their CJK fonts all map to Unicode), nothing folded.
    assert doc.report() == FileReport(name, pages, pages, 0, 0, [])
    assert all(cjk_count(doc.text[span.start : span.end]) >= 50 for span in doc.pages)
    assert all(doc.text[c.location.start : c.location.end] == c.text for c in chunks)
    # Page numbers stay out of the passages, but for one inside a sentence a page break
    # cut ("…其" / "—  4  —" / "中，第 1-3 位…"), which its sentence keeps in the middle.
    for chunk in chunks:
        for number in PRINTED_NUMBER.finditer(chunk.text):
            (inside,) = [
                chunk.text[a:b]
                for a, b in split_sentences(chunk.text)
                if a < number.start() and number.end() < b
            ]
            assert "—" not in one_line(inside)


# --- 国家危险废物名录（2021年版） ------------------------------------------------------


def test_waste_list_printed_page_numbers_win_over_page_labels_that_repeat_1_to_33() -> None:
    raw = read_pdf((DATA / WASTE).read_bytes())
    assert raw.labels == tuple(str(n) for n in range(1, 34))  # Distiller's default labels
    doc, chunks = _loaded(WASTE)
    # The order prints its two pages first: the list begins on printed page 3.
    assert [span.label for span in doc.pages] == [str(n + 2) for n in range(1, 34)]
    row = _chunk_with(chunks, "900-201-08 清洗金属零部件过程中产生的废弃煤油")
    assert (row.location.page, row.location.page_label) == (6, "8")
    assert row.location.label() == "国家危险废物名录（2021年版）, p. 8 (PDF page 6)"


def test_waste_list_hex_metadata_title_gives_way_to_the_first_heading() -> None:
    # The info dictionary's /Title is "<4D6963…>": "Microsoft Word - 部令第15号附件.doc"
    # in GBK, hex-encoded by the printer driver and never decoded.
    assert read_pdf((DATA / WASTE).read_bytes()).title is None
    assert load_file(DATA / WASTE, WASTE).meta.title == "国家危险废物名录（2021 年版）"


def test_waste_list_keeps_articles_and_rows_but_not_the_repeated_table_header() -> None:
    doc, chunks = _loaded(WASTE)
    assert contains(doc.text, "第八条 本名录自2021年1月1日起施行")
    assert contains(doc.text, "毒性（Toxicity, T）、腐蚀性（Corrosivity, C）")
    kept = "\n".join(c.text for c in chunks)
    assert "（环境\n保护部令第 39 号）同时废止" in kept
    assert "261-110-11 苯酚、三甲苯水解生产" in kept
    header = "废物类别 行业来源 废物代码 危 险 废 物 危险特性"
    assert doc.text.count(header) == 23  # on top of 23 pages of the table: furniture
    assert header not in kept


def test_waste_list_symbol_font_prime_reads_as_a_prime() -> None:
    # Word drew the prime in SymbolMT without a Unicode map: pypdf gives U+F0A2.
    doc, _chunks = _loaded(WASTE)
    assert "二羟基二苯砜" in doc.text
    assert contains(doc.text, "4,4′-二羟基二苯砜")
    assert "\uf0a2" not in doc.text


# --- 高污染燃料目录 --------------------------------------------------------------------


def test_fuels_catalogue_page_labels_are_detected_on_exactly_three_pages() -> None:
    assert read_pdf((DATA / FUELS).read_bytes()).labels == ()  # no /PageLabels
    doc, chunks = _loaded(FUELS)
    assert [span.label for span in doc.pages] == ["3", "4", "5"]
    # A sentence is cited from the page it stands on, whichever page its passage opens on.
    last = doc.text.index("本目录由环境保护部负责解释。")
    (page,) = [span for span in doc.pages if span.start <= last < span.end]
    assert page.label == "5"
    # Its passage opens on page 4, with the sentence that goes on across the page's number.
    assert _chunk_with(chunks, "本目录由环境保护部负责解释。").location.page_label == "4"
    row = _chunk_with(chunks, "焦 炭 0.5% 10.0% 5.0%")  # table 2, kept whole
    assert (row.location.page, row.location.page_label) == (2, "4")


def test_fuels_catalogue_text_matches_as_typed() -> None:
    doc, _chunks = _loaded(FUELS)
    assert "高 污 染 燃 料 目 录" in doc.text  # stored as printed, letter-spaced ...
    assert contains(doc.text, "高污染燃料目录")  # ... and found without the spaces
    assert "Ⅲ类（严格）" in doc.text  # U+2162 is stored ...
    assert contains(doc.text, "III类（严格）")  # ... and matches three ASCII capitals
    assert contains(doc.text, "（环发〔2001〕37号）同时废止")  # across a line break
    assert contains(doc.text, "含硫量大于0.5%、灰分大于10%的煤炭及其制品")  # a wrapped cell


# --- 广东省生态环境不予行政处罚的轻微违法行为目录 ----------------------------------------


def test_guangdong_list_title_comes_from_a_font_without_a_unicode_map() -> None:
    # /Title is empty; the heading is set in a non-embedded 方正小标宋 with no ToUnicode
    # map, which only its GBK-EUC-H encoding turns into text.
    assert read_pdf((DATA / GUANGDONG).read_bytes()).title is None
    doc = load_file(DATA / GUANGDONG, GUANGDONG)
    assert doc.meta.title == "广东省生态环境不予行政处罚的轻微违法行为目录"
    assert [span.label for span in doc.pages] == [None] * 6  # printed 1-6: the physical pages


def test_guangdong_list_keeps_the_law_cited_in_each_row_but_not_the_header_row() -> None:
    doc, chunks = _loaded(GUANGDONG)
    header = "序号 类别 违法行为 违反条款 不予处罚的情节"
    assert doc.text.count(header) == 6
    kept = "\n".join(c.text for c in chunks)
    assert header not in kept
    cited = _chunk_with(chunks, "《排污许可管理条例》第二十一条第一款 排污单位")
    assert cited.location.page == 6
    assert "环境管理台账记录保存期限不得少于 5 年。" in cited.text
    assert "二、自然保护区、风景名胜区、饮用水源保护区等生态环境敏感区内" in kept


def test_guangdong_list_keeps_the_conditions_each_row_repeats() -> None:
    doc, chunks = _loaded(GUANGDONG)
    kept = "\n".join(c.text for c in chunks)
    for condition in ("同时满足下列情形的，不予行政处罚：", "（1）属于首次违法；"):
        assert doc.text.count(condition) >= 14
        assert kept.count(condition) >= doc.text.count(condition)


# --- the PDF question set (eval/pdf.jsonl) ------------------------------------------

PDF_QUESTIONS = load_questions(Path(__file__).parents[1] / "eval" / "pdf.jsonl")


@pytest.mark.parametrize("question", PDF_QUESTIONS, ids=lambda q: q.id)
def test_every_pdf_question_s_evidence_is_in_its_fixture(question: Question) -> None:
    """A question whose evidence its fixture does not hold (a typo, text the loader loses)
    can never be answered, and the eval would blame retrieval. Matched as the harness
    matches it (`contains`, folded), in the loaded text and in one chunk, since hit@k
    looks for it in a chunk."""
    if question.type == "unanswerable":
        assert (question.evidence, question.docs) == ((), ())
        return
    assert question.evidence and question.docs
    for name in question.docs:
        doc, chunks = _loaded(name)
        for evidence in question.evidence:
            assert contains(doc.text, evidence), f"{name} lacks {evidence!r}"
            assert any(contains(c.text, evidence) for c in chunks), f"{evidence!r} is split"
