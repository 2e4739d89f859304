"""Hybrid search, document filters and script-aware fusion; BM25 and tokens underneath."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SECTIONS, trends_text
from trendqa.bm25 import BM25
from trendqa.chunking import chunk_document
from trendqa.dedup import fold_duplicates
from trendqa.errors import IndexMismatchError, InputError
from trendqa.records import DocumentMeta, SourceDocument
from trendqa.retrieval import (
    LEXICAL_WEIGHT,
    Searcher,
    SearchOptions,
    _with_firsts,
    check_compatible,
)
from trendqa.store import DocumentEntry, Index, IndexMeta
from trendqa.testing import FakeEmbedder
from trendqa.tokens import tokenize

DOCS = {
    "trends.md": ("2024科技趋势报告", trends_text()),
    "sub/energy.txt": (
        "能源转型白皮书",
        "## 一、储能\n\n动力电池退役后可梯次利用于储能电站，新能源汽车的动力电池回收体系正在建立。"
        "储能电站装机规模翻番。",
    ),
    "preview.md": ("趋势报告预览", trends_text(["人工智能", "量子计算"])),
}


def build_index(
    docs: dict[str, tuple[str, str]] = DOCS, embedder: FakeEmbedder | None = None
) -> Index:
    """An in-memory index built the way ingest builds one (chunk, fold, embed, tokenise)."""
    embedder = embedder or FakeEmbedder()
    sources = [
        SourceDocument(name, Path(name), text, "", DocumentMeta(title))
        for name, (title, text) in docs.items()
    ]
    kept, _folded = fold_duplicates([chunk_document(s) for s in sources])
    entries = {
        s.doc: DocumentEntry(s.doc, s.meta, "", "utf-8", len(s.text), None, 0, 0) for s in sources
    }
    meta = IndexMeta(embedder.info, "1", 300, 45, "2026-01-01T00:00:00+00:00", entries)
    tokens = [tokenize(c.text) for c in kept]
    return Index(meta, kept, tokens, embedder.embed_documents([c.text for c in kept]))


@pytest.fixture(scope="module")
def searcher() -> Searcher:
    embedder = FakeEmbedder()
    return Searcher(build_index(embedder=embedder), embedder)


QUERIES = ["量子计算的突破", "固态电池什么时候装车？", "Which chips are used?", "算力 AI 2030"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("query", QUERIES)
def test_results_never_repeat_a_passage(searcher: Searcher, query: str, mode: str) -> None:
    hits = searcher.search(query, SearchOptions(k=20, mode=mode))  # type: ignore[arg-type]
    ids = [h.chunk.id for h in hits]
    assert len(ids) == len(set(ids))
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_right_passage_comes_first(searcher: Searcher) -> None:
    top = searcher.search("量子纠错什么时候突破", SearchOptions(k=1))[0]
    assert top.chunk.heading == "二、量子计算"
    # The preview's copy was folded: the passage names both documents.
    assert top.chunk.docs == ("trends.md", "preview.md")


def test_a_passage_mostly_repeating_a_better_hit_is_skipped() -> None:
    docs = {
        **DOCS,
        "copy.txt": ("摘录", SECTIONS["新能源汽车"] + "另附一句说明。"),
    }
    embedder = FakeEmbedder()
    hits = Searcher(build_index(docs, embedder), embedder).search(
        "新能源汽车动力电池", SearchOptions(k=20)
    )
    texts = [h.chunk.text for h in hits]
    assert any(SECTIONS["新能源汽车"][:20] in t for t in texts)
    # The copy's passage repeats the report's almost word for word: shown once, not twice.
    assert sum(SECTIONS["新能源汽车"][:20] in t for t in texts) == 1


def test_retrievers_are_reported_per_hit(searcher: Searcher) -> None:
    hybrid = searcher.search("固态电池装车", SearchOptions(k=5))
    assert set(hybrid[0].retrievers) == {"bm25", "dense"}
    assert all(set(h.retrievers) <= {"bm25", "dense"} and h.retrievers for h in hybrid)
    assert all(rank >= 1 for h in hybrid for rank in h.retrievers.values())
    assert {
        n for h in searcher.search("固态电池", SearchOptions(mode="bm25")) for n in h.retrievers
    } == {"bm25"}
    assert {
        n for h in searcher.search("固态电池", SearchOptions(mode="dense")) for n in h.retrievers
    } == {"dense"}


def test_without_an_embedder_search_is_lexical(searcher: Searcher) -> None:
    lexical = Searcher(searcher.index, None)
    hits = lexical.search("固态电池", SearchOptions(mode="hybrid"))
    assert hits and all(set(h.retrievers) == {"bm25"} for h in hits)
    # BM25 is the only vote here, so it counts even for a query in another script.
    assert lexical.search("2030", SearchOptions(mode="hybrid"))[0].chunk.heading == "二、量子计算"


@pytest.mark.parametrize(
    ("wanted", "docs"),
    [
        (("energy.txt",), {"sub/energy.txt"}),  # file name, though the file is in a subfolder
        (("sub/energy.txt",), {"sub/energy.txt"}),  # document id
        (("ENERGY",), {"sub/energy.txt"}),  # stem, any case
        (("白皮书",), {"sub/energy.txt"}),  # part of the title
        (("energy", "trends"), {"sub/energy.txt", "trends.md"}),
    ],
)
def test_doc_filter(searcher: Searcher, wanted: tuple[str, ...], docs: set[str]) -> None:
    hits = searcher.search("新能源汽车动力电池", SearchOptions(k=20, docs=wanted))
    assert hits
    assert {h.chunk.doc for h in hits} == docs


def test_doc_filter_matches_folded_copies(searcher: Searcher) -> None:
    hits = searcher.search("量子计算", SearchOptions(k=20, docs=("preview",)))
    assert hits
    assert all("preview.md" in h.chunk.docs for h in hits)


def test_unknown_doc_lists_the_known_ones(searcher: Searcher) -> None:
    with pytest.raises(InputError, match="no indexed document matches nope") as raised:
        searcher.search("量子计算", SearchOptions(docs=("nope",)))
    assert "known: preview.md, sub/energy.txt, trends.md" in str(raised.value)


def test_empty_query_is_an_input_error(searcher: Searcher) -> None:
    with pytest.raises(InputError, match="empty query"):
        searcher.search("   ")


def test_lexical_weight_follows_the_query_script(searcher: Searcher) -> None:
    assert searcher.corpus_han > 0.9
    english = searcher.lexical_weight("When will quantum error correction become practical?")
    chinese = searcher.lexical_weight("量子纠错何时实用化")
    mixed = searcher.lexical_weight("AI 芯片 RISC-V 开源架构")
    assert english < 0.1 * LEXICAL_WEIGHT
    assert chinese > 0.9 * LEXICAL_WEIGHT
    assert english < mixed < chinese


def test_english_corpus_weights_english_queries(tmp_path: Path) -> None:
    docs = {"en.txt": ("Report", "Quantum computing is merging with high performance computing.")}
    embedder = FakeEmbedder()
    english = Searcher(build_index(docs, embedder), embedder)
    assert english.lexical_weight("quantum computing") == pytest.approx(LEXICAL_WEIGHT)
    assert english.lexical_weight("量子计算") == pytest.approx(0.0)


@pytest.mark.parametrize(
    "other",
    [
        FakeEmbedder(id="other"),
        FakeEmbedder(dim=32),
        FakeEmbedder(quantized=True),
    ],
)
def test_incompatible_embedder_is_refused(searcher: Searcher, other: FakeEmbedder) -> None:
    with pytest.raises(IndexMismatchError, match="ingest --rebuild"):
        check_compatible(searcher.index, other)
    with pytest.raises(IndexMismatchError):
        Searcher(searcher.index, other)


# --- tokens -----------------------------------------------------------------


def test_chinese_tokens_drop_punctuation_and_lowercase_english() -> None:
    tokens = tokenize("大模型，AI芯片！ＧＰＵ与RISC-V。“算力”提升65.4%。")
    assert not any(ch in t for t in tokens for ch in "，！。“”%")
    assert {"ai", "gpu", "risc-v", "65.4", "芯片", "算力", "提升"} <= set(tokens)
    assert all(t == t.lower() for t in tokens)


def test_stopwords_are_dropped() -> None:
    assert tokenize("What is the report about?") == []
    assert "的" not in tokenize("人工智能的发展")
    assert tokenize("") == []


# --- BM25 -------------------------------------------------------------------

CORPUS = [["量子", "计算", "突破"], ["电池", "汽车", "电池"], ["量子", "通信"], ["芯片"]]


def test_bm25_ranks_by_term_matches() -> None:
    bm25 = BM25(CORPUS)
    assert [row for row, _s in bm25.search(["量子", "计算"], k=5)] == [0, 2]
    assert bm25.search(["电池"], k=5)[0][0] == 1
    assert bm25.search(["不存在"], k=5) == []
    assert bm25.idf["计算"] > bm25.idf["量子"]  # rarer terms weigh more


def test_bm25_allowed_rows_and_k() -> None:
    bm25 = BM25(CORPUS)
    assert [r for r, _s in bm25.search(["量子"], k=5, allowed={2, 3})] == [2]
    assert len(bm25.search(["量子"], k=1)) == 1


def test_bm25_on_an_empty_corpus() -> None:
    empty = BM25([])
    assert empty.search(["量子"], k=3) == []


def test_a_short_term_lookup_in_latin_letters_gets_the_full_lexical_vote() -> None:
    docs = {**DOCS, "chips.md": ("芯片", "RISC-V 服务器集群采用国产芯片。")}
    embedder = FakeEmbedder()
    searcher = Searcher(build_index(docs, embedder), embedder)
    assert searcher.lexical_weight("RISC-V") == LEXICAL_WEIGHT
    assert searcher.lexical_weight("Which chips does the RISC-V server cluster use?") < 0.5
    assert searcher.search("RISC-V", SearchOptions(k=1))[0].chunk.doc == "chips.md"


def test_english_question_over_an_english_document_on_a_chinese_shelf_gets_full_weight() -> None:
    english = (
        "The Federal Aviation Administration proposes to supersede an airworthiness directive "
        "for Boeing 737 MAX airplanes. The agency requires new flight control computer software."
    )
    docs = {**DOCS, "faa.txt": ("Airworthiness Directives", english)}
    embedder = FakeEmbedder()
    mixed = Searcher(build_index(docs, embedder), embedder)
    assert mixed.corpus_han > 0.5  # the shelf is mostly Chinese
    query = "Which software does the FAA require for the Boeing 737 MAX?"
    assert mixed.lexical_weight(query) > 0.9 * LEXICAL_WEIGHT
    assert mixed.search(query, SearchOptions(k=1))[0].chunk.doc == "faa.txt"
    # Words found only inside Chinese passages keep the Chinese shelf's low weight.
    assert mixed.lexical_weight("When will quantum error correction become practical?") < 0.2


def test_each_full_voting_retrievers_first_passage_is_among_the_hits() -> None:
    # BM25 is surest of row 9 (a label line over three bullets); the embedding ranks it
    # 30th, under the market table it shares a chunk with. Fused, rows both rank
    # middling come first; the first of a full vote still takes the last place.
    dense = [(row, 0.9 - row / 100) for row in [1, 2, 3, 4, 5, 6, 7, 8, *range(10, 31), 9]]
    bm25 = [(9, 12.0), (5, 9.0), (4, 8.0), (3, 7.0), (2, 6.0), (1, 5.0)]
    fused: dict[int, float] = {}
    for weight, ranking in ((1.0, dense), (LEXICAL_WEIGHT, bm25)):
        for rank, (row, _score) in enumerate(ranking, 1):
            fused[row] = fused.get(row, 0.0) + weight / (60 + rank)
    ranked = sorted(fused.items(), key=lambda kv: -kv[1])
    assert 9 not in [row for row, _s in ranked[:5]]
    rankings = {"dense": dense, "bm25": bm25}
    moved = _with_firsts(ranked, rankings, {"dense": 1.0, "bm25": LEXICAL_WEIGHT}, 5)
    assert [row for row, _s in moved[:5]] == [row for row, _s in ranked[:4]] + [9]
    # A lexical vote weighed down (an English question's matches inside Chinese text)
    # moves nothing; nor does a first already among the hits.
    assert _with_firsts(ranked, rankings, {"dense": 1.0, "bm25": 0.2}, 5) == ranked
    assert _with_firsts(ranked, rankings, {"dense": 1.0, "bm25": LEXICAL_WEIGHT}, 12) == ranked
