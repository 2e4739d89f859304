"""The sentence-transformers embedder, on a small real model installed from PyPI.

all-MiniLM-L6-v2 is English-only and 90 MB: enough to prove that loading is
offline, vectors are unit-norm, ranking is sane and the whole ingest → search
path works with a real model, in a few seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models import MINILM_INSTALL, minilm_dir
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.embedding import SentenceTransformerEmbedder
from trendqa.errors import ModelError
from trendqa.retrieval import SearchOptions
from trendqa.testing import FakeEmbedder

MODEL = minilm_dir()

pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(MODEL is None, reason=f"small real model not installed: {MINILM_INSTALL}"),
]

QUERY = "How fast can electric cars be charged?"
RELATED = "Solid-state batteries let electric vehicles recharge in about ten minutes."
UNRELATED = "The orchestra performed a symphony by Beethoven last night."


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged model under a telling folder name (the folder name is the embedder id)."""
    assert MODEL is not None
    link = tmp_path_factory.mktemp("models") / "all-MiniLM-L6-v2"
    link.symlink_to(MODEL, target_is_directory=True)
    return link


@pytest.fixture(scope="module")
def embedder(model_dir: Path) -> Iterator[SentenceTransformerEmbedder]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")  # loads with the network forbidden
        yield SentenceTransformerEmbedder(model_dir, quantize=False, threads=1)


def ranks_related_first(embedder: SentenceTransformerEmbedder) -> bool:
    docs = embedder.embed_documents([UNRELATED, RELATED])
    query = embedder.embed_queries([QUERY])[0]
    scores = docs @ query
    return bool(scores[1] > scores[0])


def test_loads_offline_with_its_facts(embedder: SentenceTransformerEmbedder) -> None:
    info = embedder.info
    assert (info.id, info.dim, info.quantized, info.normalized) == (
        "all-MiniLM-L6-v2",
        384,
        False,
        True,
    )
    assert not info.query_prompt  # this model has no query prompt


def test_vectors_are_unit_norm(embedder: SentenceTransformerEmbedder) -> None:
    seen: list[int] = []
    texts = [RELATED, UNRELATED, "short", "人工智能大模型"] * 10
    vectors = embedder.embed_documents(texts, on_progress=seen.append)
    assert vectors.shape == (40, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert seen[-1] == 40 and seen == sorted(seen)
    # Batching sorts by length internally; results come back in the input order.
    np.testing.assert_allclose(vectors[1], embedder.embed_documents([UNRELATED])[0], atol=1e-5)
    assert embedder.embed_documents([]).shape == (0, 384)


def test_related_sentence_ranks_above_unrelated(embedder: SentenceTransformerEmbedder) -> None:
    assert ranks_related_first(embedder)


def test_quantized_model_still_ranks_correctly(model_dir: Path) -> None:
    quantized = SentenceTransformerEmbedder(model_dir, quantize=True, threads=1)
    assert quantized.info.quantized
    assert ranks_related_first(quantized)
    vectors = quantized.embed_documents([RELATED, UNRELATED])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_folder_without_a_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no sentence-transformers model at .*models install"):
        SentenceTransformerEmbedder(tmp_path / "absent")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot load embedder") as raised:
        SentenceTransformerEmbedder(broken)
    assert "\n" not in str(raised.value)


def test_ingest_and_search_round_trip(tmp_path: Path, model_dir: Path, settings: Settings) -> None:
    corpus = tmp_path / "english"
    corpus.mkdir()
    (corpus / "cars.md").write_text(
        f"# Transport outlook\n\n{RELATED} Charging networks are expanding along highways.\n",
        encoding="utf-8",
    )
    (corpus / "music.txt").write_text(
        f"Culture notes\n\n{UNRELATED} Tickets sold out within an hour.\n", encoding="utf-8"
    )
    (corpus / "farming.txt").write_text(
        "Agriculture report\n\nDrones now spray fertiliser on rice fields in southern provinces.\n",
        encoding="utf-8",
    )
    real = settings.with_overrides(embedder=str(model_dir))
    report = ingest_paths(real, [corpus])  # the default loader: the real model
    assert (report.documents, report.embedded) == (3, report.chunks)
    searcher, _times = open_searcher(real)
    assert searcher.index.meta.embedder.id == "all-MiniLM-L6-v2"
    for mode in ("hybrid", "dense"):
        hits = searcher.search(QUERY, SearchOptions(k=3, mode=mode))
        assert hits[0].chunk.doc == "cars.md", mode
    assert "dense" in searcher.search("rice drones", SearchOptions(k=1))[0].retrievers
    assert ingest_paths(real, [corpus]).up_to_date
    # The fake embedder cannot read this index's vectors.
    with pytest.raises(Exception, match="rebuild"):
        type(searcher)(searcher.index, FakeEmbedder(id="all-MiniLM-L6-v2"))


def titled_copy(tmp_path: Path) -> Path:
    """The small model with EmbeddingGemma-style prompts: a title slot in the document prompt."""
    assert MODEL is not None
    copy = tmp_path / "titled-minilm"
    copy.mkdir()
    for item in MODEL.iterdir():
        if item.name != "config_sentence_transformers.json":
            (copy / item.name).symlink_to(item, target_is_directory=item.is_dir())
    prompts = {"query": "task: search result | query: ", "document": "title: none | text: "}
    (copy / "config_sentence_transformers.json").write_text(json.dumps({"prompts": prompts}))
    return copy


def test_a_title_slot_carries_each_passages_document_title(tmp_path: Path) -> None:
    titled = SentenceTransformerEmbedder(titled_copy(tmp_path), quantize=False, threads=1)
    assert titled.info.titled
    texts = [RELATED, UNRELATED, RELATED]
    plain = titled.embed_documents(texts)
    with_titles = titled.embed_documents(texts, titles=["Battery report", "Music", "Orchestra"])
    # Same passage, different titles: different vectors; rows stay in the given order.
    assert not np.allclose(with_titles[0], with_titles[2])
    assert not np.allclose(plain[0], with_titles[0])
    alone = titled.embed_documents([RELATED], titles=["Battery report"])[0]
    assert np.allclose(alone, with_titles[0], atol=1e-5)


def test_a_model_without_a_title_slot_ignores_titles(
    embedder: SentenceTransformerEmbedder,
) -> None:
    assert not embedder.info.titled
    texts = [RELATED, UNRELATED]
    assert np.allclose(
        embedder.embed_documents(texts), embedder.embed_documents(texts, titles=["a", "b"])
    )
