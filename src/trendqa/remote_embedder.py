"""An embedder behind any OpenAI-compatible `/v1/embeddings` endpoint, over the standard library.

text-embeddings-inference, vLLM, infinity and llama.cpp's server all speak it.
Passages go in batches, a few requests in flight so the server never waits on
us; a failed request is retried with backoff, and each has a timeout. The
index records the server's model name as the embedder id, so an index built
through one model is refused with another, as with a local embedder.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from trendqa.embedding import EmbedderInfo, OnProgress, Vectors
from trendqa.errors import ModelError

BATCH = 32  # texts per request
IN_FLIGHT = 2  # requests at once: the server embeds one batch while the next is sent
RETRIES = 3
# Per request: 32 long passages on a busy CPU server take minutes; a dead one fails at connect.
TIMEOUT = 300.0
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


def endpoint(url: str) -> str:
    """The `/v1/embeddings` URL for a server root, a `/v1` URL or the endpoint itself."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ModelError(f"--embed-url {url!r} is not an http(s) URL")
    path = parsed.path.rstrip("/")
    path = path.removesuffix("/embeddings").removesuffix("/v1")
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, f"{path}/v1/embeddings", "", ""))


def _clean_id(model: str) -> str:
    # llama.cpp's server names a model by its file path: the machine's path is no identity.
    return model.rsplit("/", 1)[-1] if model.startswith("/") else model


class _Client:
    """JSON over HTTP with retries and timeouts."""

    def __init__(self, url: str, timeout: float, retries: int) -> None:
        self.url = endpoint(url)
        self.timeout = timeout
        self.retries = retries
        key = os.environ.get("TRENDQA_EMBED_API_KEY")
        self.headers = {"Content-Type": "application/json"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def request(self, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        why = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
            try:
                req = urllib.request.Request(url, data=data, headers=self.headers)
                with urllib.request.urlopen(req, timeout=self.timeout) as response:
                    result: dict[str, Any] = json.loads(response.read().decode("utf-8"))
                    return result
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode("utf-8", "replace")[:200]
                why = f"HTTP {exc.code}: {detail}"
                if exc.code not in _RETRY_STATUS:
                    break
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError):
                    # The server is still working on it: sending it again doubles its load.
                    why = f"no reply within {self.timeout:.0f} s"
                    break
                why = str(reason)
            except ValueError:
                why = "the reply is not JSON"
                break
        raise ModelError(
            f"embedding endpoint {url} failed ({why}) — start the server or check --embed-url"
        )

    def model_id(self) -> str:
        """The one model the server serves (its /v1/models)."""
        listed = self.request(self.url.removesuffix("/embeddings") + "/models", None)
        ids = [str(m.get("id")) for m in listed.get("data", []) if m.get("id")]
        if len(ids) != 1:
            raise ModelError(
                f"embedding endpoint {self.url} serves {len(ids)} models — name one with "
                "--embed-model"
            )
        return _clean_id(ids[0])


def remote_model_id(url: str, model: str | None) -> str:
    """The embedder id an index built through `url` records (asks the server when not given)."""
    return model or _Client(url, TIMEOUT, RETRIES).model_id()


class RemoteEmbedder:
    """Embeds through an OpenAI-compatible endpoint; vectors are normalised here."""

    def __init__(
        self,
        url: str,
        model: str | None = None,
        *,
        batch_size: int = BATCH,
        in_flight: int = IN_FLIGHT,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
    ) -> None:
        self._client = _Client(url, timeout, retries)
        self._model = model or self._client.model_id()
        self._batch_size = batch_size
        self._in_flight = in_flight
        started = time.perf_counter()
        dim = self._request(["dimension probe"]).shape[1]
        self._info = EmbedderInfo(id=_clean_id(self._model), dim=int(dim))
        self.load_s = time.perf_counter() - started

    @property
    def info(self) -> EmbedderInfo:
        return self._info

    def _request(self, texts: Sequence[str]) -> Vectors:
        reply = self._client.request(self._client.url, {"model": self._model, "input": list(texts)})
        try:
            items = sorted(reply["data"], key=lambda item: int(item["index"]))
            vectors = np.asarray([item["embedding"] for item in items], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(
                f"embedding endpoint {self._client.url} sent an unexpected reply ({exc}) "
                "— is it an OpenAI-compatible /v1/embeddings server?"
            ) from None
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ModelError(
                f"embedding endpoint {self._client.url} returned {len(vectors)} vectors for "
                f"{len(texts)} texts — check the server's batch limits"
            )
        # Inner product is cosine only on unit vectors; not every server normalises.
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors / norms, dtype=np.float32)

    def embed_documents(
        self,
        texts: Sequence[str],
        on_progress: OnProgress | None = None,
        titles: Sequence[str] | None = None,
    ) -> Vectors:
        """Embed passages in batches, a few requests in flight, reporting progress in order."""
        if not texts:
            return np.zeros((0, self._info.dim), dtype=np.float32)
        batches = [texts[i : i + self._batch_size] for i in range(0, len(texts), self._batch_size)]
        out: list[Vectors] = []
        with ThreadPoolExecutor(max_workers=self._in_flight) as pool:
            done = 0
            for vectors in pool.map(self._request, batches):
                out.append(vectors)
                done += len(vectors)
                if on_progress:
                    on_progress(done)
        return np.concatenate(out)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._request(texts) if texts else np.zeros((0, self._info.dim), np.float32)
