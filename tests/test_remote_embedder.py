"""The remote embedder against a real server: llama.cpp's, in embedding mode, over SmolLM2."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import GGUF, SERVER_SHIM, free_port, requires_server, wait_until_serving
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.errors import IndexMismatchError, ModelError
from trendqa.remote_embedder import RemoteEmbedder, endpoint
from trendqa.retrieval import SearchOptions
from trendqa.testing import FakeEmbedderLoader

ALIAS = "smollm2-embed"
# SmolLM2 is a chat model: its GGUF names no pooling, so llama.cpp would return one vector
# per token. The server has no pooling flag; mean pooling is set the way Llama() takes it.
EMBED_SHIM = (
    "import llama_cpp\n"
    "_init = llama_cpp.Llama.__init__\n"
    "def _mean(self, *a, **kw):\n"
    "    kw['pooling_type'] = llama_cpp.LLAMA_POOLING_TYPE_MEAN\n"
    "    _init(self, *a, **kw)\n"
    "llama_cpp.Llama.__init__ = _mean\n" + SERVER_SHIM
)


@pytest.fixture(scope="module")
def embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server --embedding true` on a free port."""
    assert GGUF is not None
    port = free_port()
    log = tmp_path_factory.mktemp("embed-server") / "server.log"
    args = ["--model", str(GGUF), "--model_alias", ALIAS, "--embedding", "true"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "512"]
    args += ["--n_threads", "1", "--n_threads_batch", "1"]  # a shared 2-core machine
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", EMBED_SHIM, *args], stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            wait_until_serving(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_endpoint_accepts_a_root_a_v1_url_or_the_endpoint() -> None:
    want = "http://h:1/v1/embeddings"
    for url in ("http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/embeddings"):
        assert endpoint(url) == want
    with pytest.raises(ModelError, match="not an http"):
        endpoint("h:1")


def test_an_unreachable_server_is_one_model_error() -> None:
    started = time.perf_counter()
    with pytest.raises(ModelError, match="embedding endpoint .* failed .* --embed-url"):
        RemoteEmbedder(f"http://127.0.0.1:{free_port()}", "m", retries=1, timeout=2)
    assert time.perf_counter() - started < 10


@requires_server
@pytest.mark.server
def test_batches_are_unit_vectors_in_order(embed_server: str) -> None:
    embedder = RemoteEmbedder(embed_server, batch_size=4)  # model id from /v1/models
    assert embedder.info.id == ALIAS and embedder.info.dim > 0
    texts = [f"passage number {i} about topic {i % 3}" for i in range(10)]
    seen: list[int] = []
    vectors = embedder.embed_documents(texts, on_progress=seen.append)
    assert vectors.shape == (10, embedder.info.dim) and seen == [4, 8, 10]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    alone = embedder.embed_queries([texts[7]])[0]
    assert float(alone @ vectors[7]) > 0.999  # batching does not mix passages up


@requires_server
@pytest.mark.server
def test_ingest_records_the_remote_model_and_refuses_another(
    corpus: Path, settings: Settings, embed_server: str
) -> None:
    remote = replace(settings, embed_url=embed_server)
    report = ingest_paths(remote, [corpus])
    assert report.embedded == report.chunks > 0
    searcher, _times = open_searcher(remote)
    meta = searcher.index.meta
    assert (meta.embedder.id, meta.embedder.quantized) == (ALIAS, False)
    hits = searcher.search("量子计算", SearchOptions(k=3, mode="dense"))
    assert len(hits) == 3 and all(h.similarity is not None for h in hits)
    assert ingest_paths(remote, [corpus]).up_to_date  # the same model: nothing re-embedded
    with pytest.raises(IndexMismatchError, match=ALIAS):
        open_searcher(settings, loader=FakeEmbedderLoader())  # the local "fake" embedder


def test_a_server_that_never_replies_times_out_once() -> None:
    import socket

    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.perf_counter()
        with pytest.raises(ModelError, match="no reply within 1 s"):
            RemoteEmbedder(url, "m", retries=3, timeout=1)
        # Not sent again: a slow server still working on it would get the work twice.
        assert time.perf_counter() - started < 3
