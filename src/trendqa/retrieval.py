"""Hybrid search: BM25 over jieba tokens fused with dense vector search.

Both retrievers run in the store (`StoredIndex.search_dense`, `search_lexical`,
each confined to the `--doc` documents by the store itself); fusion happens
here, so the local store and Milvus rank alike.

Plain reciprocal rank fusion hurts cross-lingual queries: an English question
shares almost no tokens with Chinese passages, so its BM25 ranking is noise
that RRF would count as a vote. The lexical vote is therefore weighted by the
chance that the query's script is the language of the passages its terms occur
in (BM25's own best passages): an English question whose words are found in
English passages gets the full vote even on a mostly Chinese shelf, while one
whose words only turn up inside Chinese passages ("AI", "GPU") gets none.
Where scripts match, BM25 gets a slightly larger vote than dense search, so
exact terms break the ties between the two (measured on the dev set: Chinese
top-1 rose from 0.81 to 1.00; English was unaffected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from trendqa.dedup import shingles
from trendqa.embedding import Embedder
from trendqa.errors import IndexMismatchError, InputError
from trendqa.records import Hit
from trendqa.store import IndexMeta
from trendqa.stores.base import Lexicon, StoredIndex
from trendqa.textnorm import han_share
from trendqa.tokens import tokenize

REPEAT = 0.6  # share of shingles a hit may share with a better one before it is dropped
LEXICAL_WEIGHT = 1.5  # BM25's vote relative to dense search when the scripts match
WHERE = 5  # BM25's best passages whose language says where the query's terms occur
COVERAGE = 0.5  # idf share of the query's terms a non-Chinese passage must hold to count

Mode = Literal["hybrid", "dense", "bm25"]


@dataclass(frozen=True)
class SearchOptions:
    """How many hits, from which documents, and how to fuse."""

    k: int = 5
    docs: tuple[str, ...] = ()
    mode: Mode = "hybrid"
    depth: int = 50  # candidates taken from each retriever before fusion
    rrf_k: int = 60


def check_compatible(index: StoredIndex, embedder: Embedder) -> None:
    """Refuse to compare query vectors with passage vectors from another model."""
    built, now = index.describe().embedder, embedder.info
    if (built.id, built.dim, built.quantized) != (now.id, now.dim, now.quantized):
        raise IndexMismatchError(
            f"the index was built with embedder {built.id!r} (dim {built.dim}"
            f"{', int8' if built.quantized else ''}) but {now.id!r} (dim {now.dim}"
            f"{', int8' if now.quantized else ''}) is selected — run `trendqa ingest --rebuild` "
            f"or select the embedder the index was built with"
        )


def matching_docs(meta: IndexMeta, wanted: Sequence[str]) -> frozenset[str]:
    """Documents named by file name, stem, path, or part of the title (`--doc`)."""
    found = set()
    for doc, entry in meta.documents.items():
        file_name = doc.rsplit("/", 1)[-1].lower()  # documents in subfolders too
        names = (doc.lower(), file_name, file_name.rsplit(".", 1)[0])
        title = entry.meta.title.lower()
        if any(w.lower() in names or w.lower() in title for w in wanted):
            found.add(doc)
    return frozenset(found)


class Searcher:
    """Searches one opened index, whichever store holds it; build once, query many times."""

    def __init__(self, index: StoredIndex, embedder: Embedder | None) -> None:
        if embedder is not None:
            check_compatible(index, embedder)
        self.index = index
        self.embedder = embedder
        self.bm25: Lexicon = index.lexicon()  # saved by ingest: nothing rebuilt
        sample = "".join(c.text for c in index.chunks[:: max(1, len(index.chunks) // 200)])
        self.corpus_han = han_share(sample)
        self._language: dict[int, bool] = {}

    def lexical_weight(
        self, query: str, ranked: Sequence[tuple[int, float]] | None = None
    ) -> float:
        """BM25's vote: larger the likelier the query shares the language of its matches.

        `ranked` is BM25's ranking for the query (computed when not given); the
        language of its best passages, weighted by their scores, is where the
        query's terms occur. With no match, the whole corpus's script stands in. A
        short query made only of terms the corpus contains (`RISC-V`, `Green500`)
        is a term lookup whatever its script: BM25 gets its full vote.
        """
        terms = tokenize(query)
        if terms and len(terms) <= 3 and all(t in self.bm25.idf for t in terms):
            return LEXICAL_WEIGHT
        if ranked is None:
            ranked = self.index.search_lexical(terms, WHERE)
        best = ranked[:WHERE]
        total = sum(score for _row, score in best)
        where = (
            sum(score for row, score in best if not self._other_script(row, terms)) / total
            if total > 0
            else self.corpus_han
        )
        q = han_share(query)
        return LEXICAL_WEIGHT * (q * where + (1 - q) * (1 - where))

    def _other_script(self, row: int, terms: Sequence[str]) -> bool:
        """Whether passage `row` is not Chinese and holds most of the query's terms.

        A passage that is only half Chinese (a reference list) and shares a word or two
        with an English question says nothing about where that question's terms occur.
        """
        if self._chinese(row):
            return False
        held = set(self.index.tokens[row])
        weights = {t: self.bm25.idf.get(t, 0.0) for t in set(terms)}
        total = sum(weights.values())
        return total > 0 and sum(w for t, w in weights.items() if t in held) >= COVERAGE * total

    def _chinese(self, row: int) -> bool:
        """Whether passage `row` is mostly Chinese (cached: asked for every query)."""
        if row not in self._language:
            self._language[row] = han_share(self.index.chunks[row].text) >= 0.5
        return self._language[row]

    def allowed_docs(self, docs: Sequence[str]) -> frozenset[str] | None:
        """The indexed documents `docs` name (file name, stem, or title part); None: all."""
        if not docs:
            return None
        found = matching_docs(self.index.meta, docs)
        if not found:
            known = ", ".join(sorted(self.index.meta.documents))
            raise InputError(f"no indexed document matches {', '.join(docs)} — known: {known}")
        return found

    def search(self, query: str, options: SearchOptions | None = None) -> list[Hit]:
        """The top `options.k` passages for `query`, best first."""
        opts = options or SearchOptions()
        if not query.strip():
            raise InputError("empty query")
        allowed = self.allowed_docs(opts.docs)
        rankings: dict[str, list[tuple[int, float]]] = {}
        weights: dict[str, float] = {}
        if opts.mode in ("hybrid", "dense") and self.embedder is not None:
            vector = self.embedder.embed_queries([query])[0]
            rankings["dense"] = self.index.search_dense(vector, opts.depth, allowed)
            weights["dense"] = 1.0
        if opts.mode in ("hybrid", "bm25") or self.embedder is None:
            terms = tokenize(query)
            rankings["bm25"] = self.index.search_lexical(terms, opts.depth, allowed)
            # Alone (no embedder), BM25 is the only vote and must count whatever the script.
            alone = opts.mode == "bm25" or self.embedder is None
            weights["bm25"] = 1.0 if alone else self.lexical_weight(query, rankings["bm25"])
        return self._fuse(rankings, weights, opts)

    def _fuse(
        self,
        rankings: dict[str, list[tuple[int, float]]],
        weights: dict[str, float],
        opts: SearchOptions,
    ) -> list[Hit]:
        fused: dict[int, float] = {}
        found: dict[int, dict[str, int]] = {}
        cosine = dict(rankings.get("dense", []))
        for name, ranked in rankings.items():
            if weights[name] <= 0:
                continue  # a retriever that cannot match this query casts no vote
            for rank, (row, _score) in enumerate(ranked, 1):
                found.setdefault(row, {})[name] = rank
                fused[row] = fused.get(row, 0.0) + weights[name] / (opts.rrf_k + rank)
        ranked_rows = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        ranked_rows = _with_firsts(
            [(row, score) for row, score in ranked_rows if score > 0], rankings, weights, opts.k
        )
        best = sorted(self._distinct(ranked_rows, opts.k), key=lambda rs: -rs[1])
        return [
            Hit(
                chunk=self.index.chunks[row],
                rank=i,
                score=round(score, 6),
                retrievers=found[row],
                similarity=round(cosine[row], 4) if row in cosine else None,
            )
            for i, (row, score) in enumerate(best, 1)
        ]

    def _distinct(self, ranked: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
        """The first `k` hits, skipping any that mostly repeat a better one.

        Ingest folds copies that fall inside another document's passage; a copy cut
        at other boundaries overlaps two passages instead, and would otherwise
        fill a second slot with the same sentences.
        """
        kept: list[tuple[int, float]] = []
        seen: list[set[str]] = []
        for row, score in ranked:
            grams = shingles(self.index.chunks[row].text)
            if any(len(grams & other) >= REPEAT * min(len(grams), len(other)) for other in seen):
                continue
            kept.append((row, score))
            seen.append(grams)
            if len(kept) == k:
                break
        return kept


def _with_firsts(
    ranked: list[tuple[int, float]],
    rankings: dict[str, list[tuple[int, float]]],
    weights: dict[str, float],
    k: int,
) -> list[tuple[int, float]]:
    """The fused ranking with each full-voting retriever's own first passage moved up into
    the first `k`, at their end. A passage one retriever is surest of and the other ranks
    far down ("关键驱动因素" over three bullets, beside a market table the embedding reads
    as the chunk's topic) otherwise loses to passages both rank middling. A vote weighed
    down (an English question's BM25 matches over Chinese text) moves nothing."""
    out = list(ranked)
    moved = 0
    for name, ranking in rankings.items():
        if not ranking or weights[name] < 1.0:
            continue
        first = ranking[0][0]
        at = next((i for i, (row, _s) in enumerate(out) if row == first), None)
        slot = k - 1 - moved
        if at is None or at < k or slot < 1:
            continue
        out.insert(slot, out.pop(at))
        moved += 1
    return out
