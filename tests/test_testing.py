"""The shipped test double: FakeEmbedder is a real, deterministic Embedder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from trendqa.api import EmbedderLoader
from trendqa.embedding import Embedder
from trendqa.testing import FakeEmbedder, FakeEmbedderLoader, load_fake_embedder


def test_satisfies_the_embedder_protocols() -> None:
    embedder: Embedder = FakeEmbedder()
    loaders: list[EmbedderLoader] = [load_fake_embedder, FakeEmbedderLoader()]
    assert embedder.info.id == "fake"
    assert all(callable(loader) for loader in loaders)


def test_vectors_are_unit_norm_with_the_configured_dim() -> None:
    embedder = FakeEmbedder(dim=32, quantized=True)
    vectors = embedder.embed_documents(["量子计算", "Quantum computing", "", "。！"])
    assert vectors.shape == (4, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    assert (embedder.info.dim, embedder.info.quantized) == (32, True)
    assert embedder.embed_documents([]).shape == (0, 32)


def test_similar_texts_get_similar_vectors() -> None:
    embedder = FakeEmbedder()
    query = embedder.embed_queries(["量子计算的突破"])[0]
    near, far = embedder.embed_documents(["量子计算取得突破。", "新能源汽车销量增长。"])
    assert near @ query > 0.5 > far @ query
    english = embedder.embed_queries(["Quantum Computing"])[0]
    assert embedder.vector("quantum computing news") @ english > 0.5  # case-insensitive words


def test_counts_what_it_embeds_and_reports_progress() -> None:
    embedder = FakeEmbedder()
    seen: list[int] = []
    embedder.embed_documents(["文本"] * 40, on_progress=seen.append)
    embedder.embed_queries(["查询", "问题"])
    assert seen == [16, 32, 40]
    assert (embedder.documents_embedded, embedder.queries_embedded) == (40, 2)
    assert embedder.texts_embedded == 42


def test_loader_names_embedders_after_the_model_folder() -> None:
    loader = FakeEmbedderLoader(dim=16)
    first = loader(Path("/models/fake"), True, None)
    second = loader(Path("/models/other"), False, 2)
    assert (first.info.id, first.info.quantized, first.info.dim) == ("fake", True, 16)
    assert (second.info.id, second.info.quantized) == ("other", False)
    first.embed_documents(["一", "二"])
    second.embed_queries(["三"])
    assert (loader.calls, loader.documents_embedded, loader.queries_embedded) == (2, 2, 1)
    assert load_fake_embedder(Path("m/e5"), False, None).info.id == "e5"


def test_deterministic_across_processes() -> None:
    code = (
        "from trendqa.testing import FakeEmbedder;"
        "print(FakeEmbedder().vector('量子计算 quantum').tobytes().hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert other.stdout.strip() == FakeEmbedder().vector("量子计算 quantum").tobytes().hex()
