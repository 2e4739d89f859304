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

`FakeGenerator` is a real `trendqa.llm.Generator` that replays scripted replies (a list,
or a function of the messages), streamed a character at a time, for testing the layers
above the LLM.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from trendqa.embedding import EmbedderInfo, OnProgress, Vectors
from trendqa.llm.base import (
    DEFAULT_CONTEXT_LENGTH,
    ChatMessage,
    GenerationOptions,
    GenerationResult,
    ReplyScript,
    TokenCallback,
    _collect,
    approximate_tokens,
    check_fits,
)

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def _slot(feature: str, dim: int) -> tuple[int, float]:
    # hashlib, not hash(): str hashes differ between processes.
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if value >> 63 else -1.0


def features(text: str, glossary: Mapping[str, str] | None = None) -> list[str]:
    """The hashed features of `text`: Han characters and bigrams, lowercased Latin words.

    A `glossary` (Latin word -> Chinese) adds the Chinese features of the words it knows,
    the way a cross-lingual model puts "Shanghai" near 上海.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if glossary:
        text += " " + " ".join(zh for w, zh in glossary.items() if w.lower() in text)
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(f"w:{word}" for word in _WORD.findall(text))
    return out


class FakeEmbedder:
    """A deterministic `Embedder` for tests: hashed bigrams and words, L2-normalised."""

    def __init__(
        self,
        dim: int = 128,
        *,
        id: str = "fake",
        quantized: bool = False,
        titled: bool = False,
        glossary: Mapping[str, str] | None = None,
    ) -> None:
        if dim < 2:
            raise ValueError("dim must be at least 2")
        self._info = EmbedderInfo(id=id, dim=dim, quantized=quantized, titled=titled)
        self.glossary = dict(glossary or {})
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
        for feature in features(text, self.glossary):
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

    def __init__(
        self, dim: int = 128, *, titled: bool = False, glossary: Mapping[str, str] | None = None
    ) -> None:
        self.dim = dim
        self.titled = titled
        self.glossary = glossary
        self.loaded: list[FakeEmbedder] = []

    def __call__(self, path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
        embedder = FakeEmbedder(
            self.dim, id=path.name, quantized=quantize, titled=self.titled, glossary=self.glossary
        )
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


class FakeGenerator:
    """Generator replaying scripted replies, streamed one character at a time, for tests.

    `replies` is a list used in order, or a function of (messages, options). One character
    counts as one token: a reply longer than `max_tokens` is cut and marked truncated, as a
    real model's would be. Every call is recorded in `calls`.
    """

    def __init__(
        self,
        replies: Iterable[str] | ReplyScript,
        *,
        name: str = "fake",
        context_length: int = DEFAULT_CONTEXT_LENGTH,
    ) -> None:
        self.name = name
        self.context_length = context_length
        self.calls: list[tuple[tuple[ChatMessage, ...], GenerationOptions]] = []
        self._script: ReplyScript | None = None
        self._queue: list[str] = []
        if callable(replies):
            self._script = replies
        else:  # a lone string is one reply, not a reply per character
            self._queue = [replies] if isinstance(replies, str) else list(replies)

    def count_tokens(self, text: str) -> int:
        """`approximate_tokens`, like a server without a tokenizer."""
        return approximate_tokens(text)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """The next scripted reply, cut at a stop string or at max_tokens characters."""
        start = time.perf_counter()
        self.calls.append((tuple(messages), options))
        prompt_tokens = sum(self.count_tokens(m.content) for m in messages)
        check_fits(prompt_tokens, options.max_tokens, self.context_length)
        reply = self._next_reply(messages, options)
        for stop in options.stop:
            reply = reply.split(stop, 1)[0]
        text = reply[: options.max_tokens]
        stream = _collect(
            ({"choices": [{"delta": {"content": char}}]} for char in text), start, on_token
        )
        return GenerationResult(
            text=stream.text,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(text),
            first_token_s=stream.first_token_s,
            total_s=time.perf_counter() - start,
            truncated=len(reply) > options.max_tokens,
        )

    def _next_reply(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if self._script is not None:
            return self._script(messages, options)
        if not self._queue:
            raise AssertionError(f"FakeGenerator has no scripted reply for call {len(self.calls)}")
        return self._queue.pop(0)
