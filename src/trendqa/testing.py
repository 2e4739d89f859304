"""Test doubles that ship with the library, like httpx's MockTransport.

`FakeEmbedder` is a real implementation of `trendqa.embedding.Embedder` that
needs no model files and no torch: it hashes character bigrams (Han text) and
words (Latin text) into a fixed-size vector, so texts that share words get
similar vectors and rankings still make sense. It is deterministic across
processes and counts what it embeds, so a test can assert that an unchanged
corpus embeds nothing.

Run the real CLI with it::

    loader = FakeEmbedderLoader()
    run(["ingest", "corpus"], Env(embedder_loader=loader))
    assert loader.calls == 1
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from trendqa.embedding import EmbedderInfo, OnProgress, Vectors

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def _slot(feature: str, dim: int) -> tuple[int, float]:
    # hashlib, not hash(): str hashes differ between processes.
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if value >> 63 else -1.0


def features(text: str) -> list[str]:
    """The hashed features of `text`: Han characters and bigrams, lowercased Latin words."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(f"w:{word}" for word in _WORD.findall(text))
    return out


class FakeEmbedder:
    """A deterministic `Embedder` for tests: hashed bigrams and words, L2-normalised."""

    def __init__(
        self, dim: int = 128, *, id: str = "fake", quantized: bool = False, titled: bool = False
    ) -> None:
        if dim < 2:
            raise ValueError("dim must be at least 2")
        self._info = EmbedderInfo(id=id, dim=dim, quantized=quantized, titled=titled)
        self.titles_seen: list[str] = []
        self.documents_embedded = 0
        self.queries_embedded = 0

    @property
    def info(self) -> EmbedderInfo:
        return self._info

    @property
    def texts_embedded(self) -> int:
        """Passages and queries embedded so far."""
        return self.documents_embedded + self.queries_embedded

    def vector(self, text: str) -> Vectors:
        """The unit vector of one text; a text without features gets a fixed axis."""
        dim = self._info.dim
        out = np.zeros(dim, dtype=np.float32)
        for feature in features(text):
            slot, sign = _slot(feature, dim)
            out[slot] += sign
        norm = float(np.linalg.norm(out))
        if norm == 0.0:
            out[0] = 1.0
            return out
        return out / np.float32(norm)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._info.dim), dtype=np.float32)
        return np.stack([self.vector(t) for t in texts]).astype(np.float32)

    def embed_documents(
        self,
        texts: Sequence[str],
        on_progress: OnProgress | None = None,
        titles: Sequence[str] | None = None,
    ) -> Vectors:
        """Embed passages, reporting progress every 16 texts like a batched model would.

        A `titled` fake, like a model with a title slot, embeds each title with its text.
        """
        if self._info.titled and titles is not None:
            self.titles_seen.extend(titles)
            texts = [f"{title} {text}" for title, text in zip(titles, texts, strict=True)]
        parts: list[Vectors] = []
        for begin in range(0, len(texts), 16):
            batch = texts[begin : begin + 16]
            parts.append(self._embed(batch))
            self.documents_embedded += len(batch)
            if on_progress:
                on_progress(begin + len(batch))
        return np.concatenate(parts) if parts else self._embed(())

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries_embedded += len(texts)
        return self._embed(texts)


def load_fake_embedder(path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
    """An `EmbedderLoader`: a FakeEmbedder named after the model folder, as the real loader is.

    The index records the folder's name as the embedder id, so a loader whose
    embedder answered to another name would never find its own index current.
    """
    return FakeEmbedder(id=path.name, quantized=quantize)


class FakeEmbedderLoader:
    """An `EmbedderLoader` that remembers every FakeEmbedder it made."""

    def __init__(self, dim: int = 128, *, titled: bool = False) -> None:
        self.dim = dim
        self.titled = titled
        self.loaded: list[FakeEmbedder] = []

    def __call__(self, path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
        embedder = FakeEmbedder(self.dim, id=path.name, quantized=quantize, titled=self.titled)
        self.loaded.append(embedder)
        return embedder

    @property
    def calls(self) -> int:
        """How many times a model was loaded."""
        return len(self.loaded)

    @property
    def documents_embedded(self) -> int:
        """Passages embedded by all embedders this loader made."""
        return sum(e.documents_embedded for e in self.loaded)

    @property
    def queries_embedded(self) -> int:
        return sum(e.queries_embedded for e in self.loaded)
