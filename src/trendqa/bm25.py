"""Okapi BM25 over pre-tokenised passages: small corpora need nothing fancier."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence


class BM25:
    """An inverted index scoring passages for a bag of query tokens."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                self.postings[term].append((row, tf))
        self.idf = {
            term: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self.postings.items()
        }
        # An unseen term is as informative as the rarest possible one.
        self.max_idf = math.log(1 + (self.n + 0.5) / 0.5) if self.n else 0.0

    def scores(self, query: Sequence[str], allowed: set[int] | None = None) -> dict[int, float]:
        """BM25 score of every passage that shares a token with the query."""
        out: dict[int, float] = defaultdict(float)
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for row, tf in self.postings[term]:
                if allowed is not None and row not in allowed:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self.lengths[row] / self.avgdl)
                out[row] += idf * tf * (self.k1 + 1) / (tf + norm)
        return dict(out)

    def search(
        self, query: Sequence[str], k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row, score)."""
        ranked = sorted(self.scores(query, allowed).items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:k]
