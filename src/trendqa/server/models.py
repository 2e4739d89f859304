"""What a server holds: the embedder and the LLM loaded once, the index reopened on a swap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from trendqa.api import Answerer, EmbedderLoader, index_version, open_answerer
from trendqa.config import Settings
from trendqa.llm import Generator

Sink = Callable[[dict[str, Any]], None]


class LockedEmbedder:
    """An embedder used by one thread at a time (HF fast tokenizers are not thread-safe)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lock = threading.Lock()

    @property
    def info(self) -> Any:
        return self.inner.info

    def embed_documents(self, texts: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return self.inner.embed_documents(texts, *args, **kwargs)

    def embed_queries(self, texts: Sequence[str]) -> Any:
        with self.lock:
            return self.inner.embed_queries(texts)


class NotifyingSearcher:
    """Passes through to a Searcher, telling the current request when retrieval is done."""

    def __init__(self, inner: Any, notify: Callable[[int, float], None]) -> None:
        self._inner = inner
        self._notify = notify

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def search(self, query: str, options: Any = None) -> Any:
        started = time.perf_counter()
        hits = self._inner.search(query, options)
        self._notify(len(hits), time.perf_counter() - started)
        return hits


class Held:
    """The loaded models; `answerer()` notices a new index version before each request."""

    def __init__(
        self,
        settings: Settings,
        loader: EmbedderLoader,
        generator: Generator | None = None,
        *,
        use_llm: bool = True,
        verbose: bool = False,
        reproducible: bool = False,
    ) -> None:
        self.settings = settings
        self.reproducible = reproducible
        self._loader = loader
        self._embedders: dict[tuple[Path, bool], LockedEmbedder] = {}
        self._lock = threading.Lock()
        self._local = threading.local()  # the current request's event sink, per thread
        self.version = index_version(settings)
        self._llm_answerer = self._open(generator, use_llm=use_llm, verbose=verbose)
        self.generator = self._llm_answerer.generator
        self._plain: Answerer | None = None  # without an LLM, for --extractive requests

    def _load(self, path: Path, quantize: bool, threads: int | None) -> Any:
        key = (path, quantize)
        if key not in self._embedders:
            self._embedders[key] = LockedEmbedder(self._loader(path, quantize, threads))
        return self._embedders[key]

    def _open(
        self, generator: Generator | None, *, use_llm: bool, verbose: bool = False
    ) -> Answerer:
        answerer, _times = open_answerer(
            self.settings,
            loader=self._load,
            generator=generator,
            use_llm=use_llm,
            verbose=verbose,
            reproducible=self.reproducible,
            lean=True,  # a long-lived process: the smaller batch and prompt cache
            on_warning=lambda message: self.emit({"event": "warning", "message": message}),
        )
        answerer.searcher = NotifyingSearcher(answerer.searcher, self._retrieved)  # type: ignore[assignment]
        return answerer

    def _refresh(self) -> None:
        version = index_version(self.settings)
        if version == self.version:
            return
        self._llm_answerer = self._open(self.generator, use_llm=self.generator is not None)
        self._plain = None
        self.version = version

    def answerer(self, *, llm: bool = True) -> Answerer:
        """The answerer over the live index; with llm=False one that never calls the LLM."""
        with self._lock:
            self._refresh()
            if llm or self.generator is None:
                return self._llm_answerer
            if self._plain is None:
                self._plain = self._open(None, use_llm=False)
            return self._plain

    @property
    def embedder_id(self) -> str:
        return str(self._llm_answerer.searcher.index.meta.embedder.id)

    def bind(self, sink: Sink | None) -> None:
        """Send this thread's pipeline events (warnings, retrieval) to `sink`."""
        self._local.sink = sink

    def emit(self, event: dict[str, Any]) -> None:
        sink = getattr(self._local, "sink", None)
        if sink is not None:
            sink(event)

    def _retrieved(self, hits: int, seconds: float) -> None:
        self.emit({"event": "retrieval", "passages": hits, "retrieve_s": round(seconds, 4)})
