"""BM25 on bm25s: the classic scores, saved by ingest and loaded without a rebuild."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from trendqa.bm25 import BM25
from trendqa.store import load_index, write_index
from trendqa.tokens import tokenize

DOCS = [["量子", "计算", "计算"], ["电池", "汽车"], ["量子", "通信", "卫星", "卫星"], []]


def classic(docs: list[list[str]], query: list[str], row: int, k1: float = 1.2) -> float:
    """Okapi BM25 with Lucene's idf, written out by hand."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    doc = docs[row]
    score = 0.0
    for term in set(query):
        df = sum(term in d for d in docs)
        tf = doc.count(term)
        if not tf:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        score += idf * tf * (k1 + 1) / (tf + k1 * (1 - 0.75 + 0.75 * len(doc) / avgdl))
    return score


def test_scores_are_the_classic_formula() -> None:
    bm25 = BM25(DOCS)
    hits = bm25.search(["量子", "计算", "量子"], k=10)
    assert [row for row, _s in hits] == [0, 2]
    for row, score in hits:
        assert score == pytest.approx(classic(DOCS, ["量子", "计算"], row), rel=1e-5)
    assert bm25.idf["量子"] == pytest.approx(math.log(1 + 2.5 / 2.5))
    assert "未知" not in bm25.idf and "" not in bm25.idf
    assert bm25.max_idf == pytest.approx(math.log(1 + 4.5 / 0.5))
    assert sorted(bm25.idf) == sorted({t for d in DOCS for t in d})
    only = bm25.search(["量子"], k=5, allowed={2, 3})
    assert only == [(2, pytest.approx(classic(DOCS, ["量子"], 2), rel=1e-5))]
    assert bm25.search(["未知"], k=5) == []
    assert bm25.scores(["电池"]) == {1: pytest.approx(classic(DOCS, ["电池"], 1), rel=1e-5)}


def test_ties_break_by_row() -> None:
    bm25 = BM25([["a"], ["b"], ["a"], ["a"]])
    assert [row for row, _s in bm25.search(["a"], k=2)] == [0, 2]


def test_empty_corpus() -> None:
    bm25 = BM25([])
    assert bm25.search(["a"], k=3) == [] and len(bm25.idf) == 0 and bm25.max_idf == 0.0


def test_saved_index_loads_without_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bm25s

    built = BM25(DOCS)
    built.save(tmp_path / "bm25")

    def no_indexing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a saved index must not be rebuilt")

    monkeypatch.setattr(bm25s.BM25, "index", no_indexing)
    loaded = BM25.load(tmp_path / "bm25")
    assert loaded.search(["量子", "卫星"], 5) == built.search(["量子", "卫星"], 5)
    assert dict(loaded.idf) == dict(built.idf)
    # The score matrix is memory-mapped, not read into memory.
    assert isinstance(loaded._model.scores["data"], np.memmap)


def test_searcher_uses_the_saved_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bm25s

    from test_store import TEXTS, make_index
    from trendqa.retrieval import Searcher

    write_index(tmp_path / "index", make_index())
    monkeypatch.setattr(bm25s.BM25, "index", lambda *_a, **_k: pytest.fail("rebuilt"))
    searcher = Searcher(load_index(tmp_path / "index"), None)
    hits = searcher.search("新能源汽车")
    assert hits[0].chunk.text == TEXTS[1]
    assert set(tokenize("新能源汽车")) <= set(searcher.bm25.idf)


def test_a_name_meets_its_number_with_or_without_a_hyphen() -> None:
    # Readers type GPT-3.5 and COVID-19; Chinese reports often write GPT3.5 and GPT4.
    # Tokens and folded text agree on one form, so BM25 finds the report's sentence and
    # the claim checks compare like with like. A hyphen between words stays.
    from trendqa.textnorm import contains, fold

    report = tokenize("回答的准确性相比GPT3.5大幅提升，GPT4正式发布")
    bm25 = BM25([report, tokenize("GPT-4 Turbo发布"), tokenize("电池与汽车")])
    hits = bm25.search(tokenize("GPT-4比GPT-3.5提升了多少"), k=3)
    assert hits[0][0] == 0
    assert tokenize("COVID-19") == ["covid19"] and tokenize("non-profit") == ["non-profit"]
    assert fold("GPT-3.5") == fold("GPT3.5") == "gpt3.5"
    assert contains("相比GPT3.5大幅提升", "GPT-3.5") and fold("Type-C") == "type-c"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A technology word jieba does not know glued a character of it to the name
        # before it (混元大, 混元算力): the name then matched nothing written alone.
        ("腾讯混元大模型的能力", "混元"),
        ("腾讯混元大模型的能力", "大模型"),
        ("发布混元算力集群", "混元"),
        ("星地直连通信", "星地直连"),
    ],
)
def test_a_name_before_a_technology_word_is_a_token_of_its_own(text: str, name: str) -> None:
    assert name in tokenize(text)
