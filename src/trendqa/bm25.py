"""Okapi BM25 over pre-tokenised passages, as bm25s's sparse score matrix.

bm25s precomputes every (token, passage) score into a CSC matrix, which ingest
saves beside the vectors and readers memory-map: a reader starts without
re-tokenising or re-indexing anything. Scores equal the classic formula
idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl)) with Lucene's idf.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75
_PARAMS = "trendqa-bm25.json"  # our own facts beside bm25s's files: row count, k1


def idf_of(df: int, n: int) -> float:
    """Lucene's idf, as bm25s computes it."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def max_idf_of(n: int) -> float:
    """An unseen term is as informative as the rarest possible one."""
    return math.log(1 + (n + 0.5) / 0.5) if n else 0.0


class TermStats:
    """idf per token from stored document frequencies (a store that keeps no bm25s matrix)."""

    def __init__(self, df: Mapping[str, int], n: int) -> None:
        self.n = n
        self.idf: Mapping[str, float] = {t: idf_of(d, n) for t, d in df.items() if t and d}
        self.max_idf = max_idf_of(n)


class _Idf(Mapping[str, float]):
    """idf per token, computed on demand from the matrix's column lengths (document frequency)."""

    def __init__(self, vocab: Mapping[str, int], indptr: Any, n: int) -> None:
        self._vocab = vocab
        self._indptr = indptr
        self._n = n

    def __getitem__(self, token: str) -> float:
        if not token:
            raise KeyError(token)  # bm25s's placeholder for passages without tokens
        col = self._vocab[token]
        df = int(self._indptr[col + 1] - self._indptr[col])
        if df == 0:
            raise KeyError(token)
        return idf_of(df, self._n)

    def __contains__(self, token: object) -> bool:
        if not isinstance(token, str):
            return False
        try:
            self[token]
        except KeyError:
            return False
        return True

    @cached_property
    def _tokens(self) -> tuple[str, ...]:
        """The tokens some passage holds, worked out once (the index does not change)."""
        df = np.diff(np.asarray(self._indptr))
        return tuple(t for t, col in self._vocab.items() if t and df[col] > 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)


class BM25:
    """Scores passages for a bag of query tokens; build from tokens or load a saved index."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        self._model: Any = None
        if self.n:
            import bm25s

            model = bm25s.BM25(k1=k1, b=b, method="lucene", backend="numpy")
            model.index([list(d) for d in docs], show_progress=False)
            self._model = model
        self._setup()

    @classmethod
    def load(cls, folder: Path) -> BM25:
        """A saved index, memory-mapped: nothing is rebuilt."""
        params = json.loads((folder / _PARAMS).read_text(encoding="utf-8"))
        self = cls.__new__(cls)
        self.k1, self.b, self.n = float(params["k1"]), float(params["b"]), int(params["n"])
        self._model = None
        if self.n:
            import bm25s

            self._model = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
            if int(self._model.scores["num_docs"]) != self.n:
                raise ValueError(f"BM25 index holds {self._model.scores['num_docs']} passages")
        self._setup()
        return self

    def save(self, folder: Path) -> None:
        """Write the index to `folder` (created); `load` reads it back."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)
        params = {"n": self.n, "k1": self.k1, "b": self.b}
        (folder / _PARAMS).write_text(json.dumps(params), encoding="utf-8")

    def _setup(self) -> None:
        if self._model is not None:
            self._vocab: Mapping[str, int] = self._model.vocab_dict
            indptr = self._model.scores["indptr"]
        else:
            self._vocab, indptr = {}, np.zeros(1, dtype=np.int64)
        self.idf: Mapping[str, float] = _Idf(self._vocab, indptr, self.n)
        self.max_idf = max_idf_of(self.n)

    @property
    def term_ids(self) -> Mapping[str, int]:
        """Each token's column in the score matrix (stable for this index)."""
        return self._vocab

    def document_frequencies(self) -> dict[str, int]:
        """Passages holding each token (the empty placeholder left out)."""
        if self._model is None:
            return {}
        indptr = np.asarray(self._model.scores["indptr"])
        df = np.diff(indptr)
        return {t: int(df[col]) for t, col in self._vocab.items() if t and df[col]}

    def row_weights(self) -> list[dict[int, float]]:
        """Each passage's score for each of its tokens, by token column.

        The inner product with a query's 0/1 vector over its distinct tokens is the
        passage's BM25 score: how a sparse-vector store ranks exactly like this index.
        """
        out: list[dict[int, float]] = [{} for _ in range(self.n)]
        if self._model is None:
            return out
        scores = self._model.scores
        indptr = np.asarray(scores["indptr"])
        cols = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        rows = np.asarray(scores["indices"])
        weights = np.asarray(scores["data"], dtype=np.float32) * np.float32(self.k1 + 1)
        skip = self._vocab.get("")
        for row, col, weight in zip(rows.tolist(), cols.tolist(), weights.tolist(), strict=True):
            if col != skip and weight > 0:
                out[row][col] = weight
        return out

    def scores(self, query: Sequence[str], allowed: set[int] | None = None) -> dict[int, float]:
        """BM25 score of every passage that shares a token with the query."""
        dense = self._dense_scores(query)
        if dense is None:
            return {}
        rows = np.flatnonzero(dense > 0)
        if allowed is not None:
            rows = rows[np.isin(rows, np.fromiter(allowed, dtype=np.int64))]
        return {int(r): float(dense[r]) for r in rows}

    def _dense_scores(self, query: Sequence[str]) -> Any:
        ids = sorted({self._vocab[t] for t in query if t and t in self._vocab})
        if self._model is None or not ids:
            return None
        # Lucene's term weight lacks the constant (k1 + 1) of the classic formula.
        return self._model.get_scores_from_ids(ids) * np.float32(self.k1 + 1)

    def search(
        self, query: Sequence[str], k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (row, score), ties broken by row."""
        dense = self._dense_scores(query)
        if dense is None or k <= 0:
            return []
        if allowed is not None:
            mask = np.zeros(len(dense), dtype=bool)
            mask[np.fromiter(allowed, dtype=np.int64)] = True
            dense = np.where(mask, dense, 0)
        rows = np.flatnonzero(dense > 0)
        if len(rows) > k:
            # Keep every row tied with the k-th score, so ties break by row as before.
            kth = np.partition(dense[rows], len(rows) - k)[len(rows) - k]
            rows = rows[dense[rows] >= kth]
        ranked = sorted(((int(r), float(dense[r])) for r in rows), key=lambda rs: (-rs[1], rs[0]))
        return ranked[:k]
