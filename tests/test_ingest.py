"""Ingest with the fake embedder over real files: incremental, duplicate-aware, crash-safe."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter

from conftest import CliRunner, trends_text
from trendqa.api import ingest_paths, open_searcher
from trendqa.checkpoint import FILE as CHECKPOINT
from trendqa.config import Settings
from trendqa.embedding import OnProgress, Vectors
from trendqa.errors import IndexMismatchError, InputError
from trendqa.ingest import BATCH
from trendqa.loaders import load_file
from trendqa.records import DocumentMeta, SourceDocument
from trendqa.store import index_exists, load_index, read_meta
from trendqa.testing import FakeEmbedder, FakeEmbedderLoader


def chunk_ids(settings: Settings) -> set[str]:
    return {c.id for c in load_index(settings.index_path).chunks}


def test_ingest_counts_documents_and_chunks(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    index = load_index(settings.index_path)
    meta = index.meta
    assert (report.documents, report.skipped, report.removed) == (3, [], [])
    assert sorted(meta.documents) == ["gbk.txt", "report.pdf", "trends.md"]
    assert report.chunks == len(index) == sum(e.chunks for e in meta.documents.values())
    assert meta.documents["trends.md"].chunks == 6  # one per section
    assert report.embedded == report.chunks == fake_loader.documents_embedded
    assert fake_loader.calls == 1
    assert not report.up_to_date
    assert meta.embedder.id == "fake" and meta.embedder.quantized  # int8 is the default
    assert meta.documents["gbk.txt"].encoding == "gb18030"
    assert meta.documents["report.pdf"].pages == 2
    assert meta.documents["report.pdf"].meta.title == "测试报告"
    # Passages quote their source verbatim, and PDF passages know their page.
    for chunk in index.chunks:
        source = load_file(corpus / chunk.doc, chunk.doc)
        assert source.text[chunk.location.start : chunk.location.end] == chunk.text
    pdf_pages = {c.page for c in index.chunks if c.doc == "report.pdf"}
    assert pdf_pages == {1, 2}


def test_unchanged_corpus_is_up_to_date_without_loading_the_model(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    version = (settings.index_path / "CURRENT").read_text()
    again = ingest_paths(settings, [corpus], loader=fake_loader)
    assert again.up_to_date
    assert (again.documents, again.chunks, again.embedded) == (3, first.chunks, 0)
    assert fake_loader.calls == 1  # the loader was not called a second time
    assert fake_loader.documents_embedded == first.chunks
    assert (settings.index_path / "CURRENT").read_text() == version  # nothing written


def test_changed_file_embeds_only_its_new_chunks(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    before = load_index(settings.index_path)
    (corpus / "trends.md").write_text(
        trends_text().replace("空域管理和安全标准仍需完善。", "空域管理办法已经出台。"),
        encoding="utf-8",
    )
    embedded_before = fake_loader.documents_embedded
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    after = load_index(settings.index_path)
    new_ids = {c.id for c in after.chunks} - {c.id for c in before.chunks}
    assert len(new_ids) == 1  # only the 低空经济 section changed
    assert report.embedded == 1
    assert fake_loader.documents_embedded - embedded_before == 1
    assert report.chunks == len(before)
    # Vectors of unchanged passages are carried over, not recomputed differently.
    old = {c.id: before.vectors[i] for i, c in enumerate(before.chunks)}
    for i, chunk in enumerate(after.chunks):
        if chunk.id in old:
            np.testing.assert_array_equal(after.vectors[i], old[chunk.id])


def test_removed_file_disappears(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    (corpus / "gbk.txt").unlink()
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert report.removed == ["gbk.txt"]
    assert report.documents == 2
    assert report.embedded == 0
    assert fake_loader.calls == 1  # nothing new to embed: no model needed
    index = load_index(settings.index_path)
    assert "gbk.txt" not in index.meta.documents
    assert all(c.doc != "gbk.txt" for c in index.chunks)


def test_partial_copy_is_folded_into_the_full_document(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "full.md").write_text(trends_text(), encoding="utf-8")
    # A preview: the first three sections, half-width commas and extra spaces.
    preview = trends_text(["人工智能", "量子计算", "新能源汽车"]).replace("，", ", ")
    (root / "preview.md").write_text(preview, encoding="utf-8")
    report = ingest_paths(settings, [root], loader=fake_loader)
    meta = read_meta(settings.index_path)
    assert meta.documents["preview.md"].chunks == 0
    assert meta.documents["preview.md"].folded == 3
    assert report.folded == 3
    assert report.chunks == 6 == report.embedded  # each passage stored and embedded once
    index = load_index(settings.index_path)
    assert all(c.doc == "full.md" for c in index.chunks)
    copied = [c for c in index.chunks if c.also_in]
    assert [[loc.doc for loc in c.also_in] for c in copied] == [["preview.md"]] * 3
    assert {c.heading for c in copied} == {"一、人工智能", "二、量子计算", "三、新能源汽车"}


def _encrypted_pdf(source: Path) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_bad_inputs_are_skipped_with_a_reason(
    corpus: Path, tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    pdf = (corpus / "report.pdf").read_bytes()
    (corpus / "corrupt.pdf").write_bytes(pdf[: len(pdf) // 2])
    (corpus / "locked.pdf").write_bytes(_encrypted_pdf(corpus / "report.pdf"))
    (corpus / "scan.pdf").write_bytes(_blank_pdf())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    missing = tmp_path / "no-such-folder"
    report = ingest_paths(settings, [corpus, missing], loader=fake_loader)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert sorted(reasons) == sorted(
        ["corrupt.pdf", "locked.pdf", "scan.pdf", "empty.txt", "binary.txt", "no-such-folder"]
    )
    assert reasons["corrupt.pdf"].startswith("truncated PDF")
    assert "needs a password" in reasons["locked.pdf"]
    assert "no text layer" in reasons["scan.pdf"]
    assert reasons["empty.txt"] == "empty file"
    assert "binary file" in reasons["binary.txt"]
    assert reasons["no-such-folder"] == "no such file or directory"
    assert all("\n" not in r for r in reasons.values())
    # The good files are indexed all the same.
    assert report.documents == 3
    assert sorted(read_meta(settings.index_path).documents) == [
        "gbk.txt",
        "report.pdf",
        "trends.md",
    ]
    # Skips are remembered: an unchanged re-run still reports them, without embedding.
    again = ingest_paths(settings, [corpus], loader=fake_loader)
    assert again.up_to_date
    assert sorted(Path(s.path).name for s in again.skipped) == sorted(
        ["corrupt.pdf", "locked.pdf", "scan.pdf", "empty.txt", "binary.txt"]
    )


def test_only_missing_paths_leave_the_index_alone(
    corpus: Path, tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    version = (settings.index_path / "CURRENT").read_text()
    with pytest.raises(InputError, match="no such file or directory"):
        ingest_paths(settings, [tmp_path / "corpuss"], loader=fake_loader)  # a typo
    assert (settings.index_path / "CURRENT").read_text() == version
    assert len(read_meta(settings.index_path).documents) == 3


def test_empty_folder_is_an_input_error(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.pdf, \.txt or \.md files"):
        ingest_paths(settings, [tmp_path / "empty"], loader=FakeEmbedderLoader())


class _Interrupted(FakeEmbedder):
    """Ctrl-C after the first batch of passages."""

    def embed_documents(
        self,
        texts: Sequence[str],
        on_progress: OnProgress | None = None,
        titles: Sequence[str] | None = None,
    ) -> Vectors:
        def progress(done: int) -> None:
            raise KeyboardInterrupt

        return super().embed_documents(texts, on_progress=progress, titles=titles)


def test_killed_ingest_leaves_the_previous_index(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    before = load_index(settings.index_path)
    (corpus / "more.md").write_text(trends_text().replace("。", "！"), encoding="utf-8")

    def interrupted(path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
        return _Interrupted(id=path.name, quantized=quantize)

    with pytest.raises(KeyboardInterrupt):
        ingest_paths(settings, [corpus], loader=interrupted)
    after = load_index(settings.index_path)
    assert after.path == before.path
    assert list(after.chunks) == list(before.chunks)
    np.testing.assert_array_equal(after.vectors, before.vectors)
    # The lock was released and the next ingest finishes the job.
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert "more.md" in read_meta(settings.index_path).documents
    assert report.embedded == 6
    assert not list(settings.index_path.glob(".tmp-*"))


def test_leftover_of_a_crashed_write_is_cleaned_by_the_next_ingest(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    leftover = settings.index_path / ".tmp-v-20000101T000000.000000000-1"
    leftover.mkdir()
    (leftover / "chunks.jsonl").write_text("{half", encoding="utf-8")
    (corpus / "gbk.txt").unlink()
    ingest_paths(settings, [corpus], loader=fake_loader)
    assert not leftover.exists()


def test_other_embedder_without_rebuild_is_refused_by_search(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    other = settings.with_overrides(embedder="other-model")
    with pytest.raises(IndexMismatchError, match="ingest --rebuild") as raised:
        open_searcher(other, loader=fake_loader)
    assert "'fake'" in str(raised.value) and "'other-model'" in str(raised.value)
    # BM25 alone needs no embedder, so it still works.
    searcher, _times = open_searcher(other, need_dense=False, loader=fake_loader)
    assert searcher.search("量子计算")


def test_other_embedder_reembeds_everything(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    other = settings.with_overrides(embedder="other-model")
    report = ingest_paths(other, [corpus], loader=fake_loader)
    assert not report.up_to_date
    assert report.embedded == first.chunks  # old vectors are not comparable: none reused
    assert read_meta(settings.index_path).embedder.id == "other-model"


def test_rebuild_reembeds_everything(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    report = ingest_paths(settings, [corpus], rebuild=True, loader=fake_loader)
    assert report.embedded == first.chunks
    assert fake_loader.calls == 2


def test_new_chunk_size_rechunks_but_reuses_equal_passages(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    smaller = settings.with_overrides(chunk_size=40, chunk_overlap=10)
    report = ingest_paths(smaller, [corpus], loader=fake_loader)
    meta = read_meta(settings.index_path)
    assert (meta.chunk_size, meta.chunk_overlap) == (40, 10)
    assert report.chunks > first.chunks
    assert not report.up_to_date


def test_manifest_edit_updates_citation_labels_without_embedding(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    manifest = corpus / "manifest.toml"
    manifest.write_text('[[document]]\nfile = "trends.md"\ntitle = "旧标题"\n', encoding="utf-8")
    ingest_paths(settings, [corpus], loader=fake_loader)
    manifest.write_text(
        '[[document]]\nfile = "trends.md"\ntitle = "新标题"\nyear = 2024\n', encoding="utf-8"
    )
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert not report.up_to_date
    assert report.embedded == 0
    assert fake_loader.calls == 1
    index = load_index(settings.index_path)
    assert index.meta.documents["trends.md"].meta.title == "新标题"
    assert {c.title for c in index.chunks if c.doc == "trends.md"} == {"新标题"}
    assert ingest_paths(settings, [corpus], loader=fake_loader).up_to_date


def test_a_titled_embedder_reembeds_only_the_retitled_document(
    corpus: Path, settings: Settings
) -> None:
    loader = FakeEmbedderLoader(titled=True)
    manifest = corpus / "manifest.toml"
    manifest.write_text(
        '[[document]]\nfile = "trends.md"\ntitle = "旧标题"\npublisher = "研究院"\n',
        encoding="utf-8",
    )
    first = ingest_paths(settings, [corpus], loader=loader)
    assert "旧标题 (研究院)" in loader.loaded[0].titles_seen
    manifest.write_text(
        '[[document]]\nfile = "trends.md"\ntitle = "新标题"\npublisher = "研究院"\n',
        encoding="utf-8",
    )
    second = ingest_paths(settings, [corpus], loader=loader)
    trends = load_index(settings.index_path).meta.documents["trends.md"].chunks
    # The passages embedded under the old title, and only those, get new vectors.
    assert second.embedded == trends < first.embedded
    assert set(loader.loaded[1].titles_seen) == {"新标题 (研究院)"}


def test_progress_callbacks_are_called(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    calls: list[tuple[str, object]] = []

    class Recorder:
        def files(self, total: int) -> None:
            calls.append(("files", total))

        def file_done(self, name: str) -> None:
            calls.append(("file_done", name))

        def embedding(self, total: int) -> None:
            calls.append(("embedding", total))

        def embedded(self, done: int) -> None:
            calls.append(("embedded", done))

    report = ingest_paths(settings, [corpus], progress=Recorder(), loader=fake_loader)
    assert calls[0] == ("files", 3)
    assert [c for c in calls if c[0] == "file_done"] == [
        ("file_done", "gbk.txt"),
        ("file_done", "report.pdf"),
        ("file_done", "trends.md"),
    ]
    assert ("embedding", report.embedded) in calls
    assert calls[-1] == ("embedded", report.embedded)


# --- damage, resume, reuse ----------------------------------------------------------------


def test_damaged_index_is_repaired_not_up_to_date(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    live = settings.index_path / (settings.index_path / "CURRENT").read_text()
    data = (live / "vectors.faiss").read_bytes()
    (live / "vectors.faiss").write_bytes(data[: len(data) // 2])
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert not report.up_to_date
    assert "vectors.faiss" in report.repaired
    # No intact version to take vectors from: everything is embedded again.
    assert report.embedded == first.chunks
    repaired = load_index(settings.index_path)
    assert repaired.path != live and len(repaired) == first.chunks
    assert ingest_paths(settings, [corpus], loader=fake_loader).up_to_date


def test_damaged_index_reuses_the_previous_intact_version(
    corpus: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    ingest_paths(settings, [corpus], loader=fake_loader)
    (corpus / "more.md").write_text(trends_text().replace("。", "！"), encoding="utf-8")
    ingest_paths(settings, [corpus], loader=fake_loader)
    live = settings.index_path / (settings.index_path / "CURRENT").read_text()
    with (live / "chunks.sqlite").open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\xff")
    # A reader falls back to the previous version, with a warning; ingest repairs.
    warnings: list[str] = []
    assert load_index(settings.index_path, on_warning=warnings.append).path != live
    assert "chunks.sqlite" in warnings[0]
    embedded_before = fake_loader.documents_embedded
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert "chunks.sqlite" in report.repaired
    assert report.embedded == 6  # only more.md: the older version held the rest
    assert fake_loader.documents_embedded - embedded_before == 6
    after = load_index(settings.index_path, on_warning=warnings.append)
    assert "more.md" in after.meta.documents and len(warnings) == 1


def test_changed_file_is_parsed_alone(
    corpus: Path,
    settings: Settings,
    fake_loader: FakeEmbedderLoader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trendqa import loaders

    first = ingest_paths(settings, [corpus], loader=fake_loader)
    assert first.parsed == 3
    before = load_index(settings.index_path)
    parsed: list[str] = []
    real_load = loaders.load_file

    def recording(
        path: Path, doc: str, meta: DocumentMeta | None = None, password: str | None = None
    ) -> SourceDocument:
        parsed.append(doc)
        return real_load(path, doc, meta, password)

    monkeypatch.setattr(loaders, "load_file", recording)
    (corpus / "trends.md").write_text(
        trends_text().replace("空域管理和安全标准仍需完善。", "空域管理办法已经出台。"),
        encoding="utf-8",
    )
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert parsed == ["trends.md"]
    assert (report.parsed, report.embedded) == (1, 1)
    after = load_index(settings.index_path)
    # The reused files' chunks and entries are what parsing them would have given.
    for doc in ("gbk.txt", "report.pdf"):
        assert after.meta.documents[doc] == before.meta.documents[doc]
        assert [c for c in after.chunks if c.doc == doc] == [
            c for c in before.chunks if c.doc == doc
        ]
    monkeypatch.setattr(loaders, "load_file", real_load)
    rebuilt = ingest_paths(settings, [corpus], rebuild=True, loader=fake_loader)
    assert rebuilt.parsed == 3
    assert list(load_index(settings.index_path).chunks) == list(after.chunks)


def test_folded_copy_is_reused_without_parsing(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    root = tmp_path / "shelf"
    root.mkdir()
    (root / "full.md").write_text(trends_text(), encoding="utf-8")
    preview = trends_text(["人工智能", "量子计算", "新能源汽车"]).replace("，", ", ")
    (root / "preview.md").write_text(preview, encoding="utf-8")
    (root / "other.md").write_text(
        "# 附录\n\n海洋牧场带动了深远海养殖装备的发展。\n", encoding="utf-8"
    )
    ingest_paths(settings, [root], loader=fake_loader)
    before = load_index(settings.index_path)
    (root / "other.md").write_text("# 附录\n\n氢能重卡在港口运输中试点。\n", encoding="utf-8")
    report = ingest_paths(settings, [root], loader=fake_loader)
    assert report.parsed == 1
    after = load_index(settings.index_path)
    # preview.md was not parsed, yet its passages still fold into full.md's.
    assert after.meta.documents["preview.md"] == before.meta.documents["preview.md"]
    assert [[loc.doc for loc in c.also_in] for c in after.chunks if c.also_in] == [
        ["preview.md"]
    ] * 3


def test_skipped_file_is_not_parsed_again_while_unchanged(
    corpus: Path,
    settings: Settings,
    fake_loader: FakeEmbedderLoader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trendqa import loaders

    (corpus / "empty.txt").write_bytes(b"   \n")
    ingest_paths(settings, [corpus], loader=fake_loader)
    parsed: list[str] = []
    real_load = loaders.load_file

    def recording(
        path: Path, doc: str, meta: DocumentMeta | None = None, password: str | None = None
    ) -> SourceDocument:
        parsed.append(doc)
        return real_load(path, doc, meta, password)

    monkeypatch.setattr(loaders, "load_file", recording)
    (corpus / "trends.md").write_text(trends_text(["芯片"]), encoding="utf-8")
    report = ingest_paths(settings, [corpus], loader=fake_loader)
    assert parsed == ["trends.md"]
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [
        ("empty.txt", "empty file (only whitespace)")
    ]


class _FailAfter(FakeEmbedder):
    """Ctrl-C in the third call, after two batches were embedded and checkpointed."""

    def embed_documents(
        self,
        texts: Sequence[str],
        on_progress: OnProgress | None = None,
        titles: Sequence[str] | None = None,
    ) -> Vectors:
        if self.documents_embedded >= 2 * BATCH:
            raise KeyboardInterrupt
        return super().embed_documents(texts, on_progress=on_progress, titles=titles)


def test_interrupted_ingest_resumes_from_its_checkpoint(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    shelf = _real_shelf(tmp_path)

    def failing(path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
        return _FailAfter(id=path.name, quantized=quantize)

    with pytest.raises(KeyboardInterrupt):
        ingest_paths(settings, [shelf], loader=failing)
    assert not index_exists(settings.index_path)
    report = ingest_paths(settings, [shelf], loader=fake_loader)
    assert report.resumed == 2 * BATCH
    assert report.embedded == report.chunks - 2 * BATCH == fake_loader.documents_embedded
    _assert_vectors_are_the_embedders(settings)
    assert not (settings.index_path / CHECKPOINT).exists()  # done: the index holds them all


REPO_CORPUS = Path(__file__).parents[1] / "corpus"


def _real_shelf(tmp_path: Path, names: Sequence[str] = ()) -> Path:
    """A copy of real reports from the repository's corpus (a few hundred passages)."""
    shelf = tmp_path / "shelf"
    shelf.mkdir(exist_ok=True)
    for name in names or (
        "weijin_kandao2024_ai_trends.txt",
        "damo_2023_top10_tech_trends_abridged.txt",
    ):
        shutil.copy(REPO_CORPUS / name, shelf / name)
    return shelf


def _assert_vectors_are_the_embedders(settings: Settings) -> None:
    index = load_index(settings.index_path)
    fake = FakeEmbedder()
    expected = fake.embed_documents([c.text for c in index.chunks])
    np.testing.assert_allclose(index.vectors, expected, atol=1e-6)


_SLOW_INGEST = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from trendqa.api import ingest_paths
    from trendqa.config import load_settings
    from trendqa.testing import FakeEmbedder

    class Slow(FakeEmbedder):
        def embed_documents(self, texts, on_progress=None, titles=None):
            time.sleep(0.5)  # a real model's pace, so the test can kill it mid-way
            return super().embed_documents(texts, on_progress=on_progress, titles=titles)

    def loader(path, quantize, threads):
        return Slow(id=path.name, quantized=quantize)

    settings = load_settings({**os.environ, "TRENDQA_EMBEDDER": "fake"})
    ingest_paths(settings, [Path(sys.argv[1])], loader=loader)
    """
)


def _checkpointed(root: Path) -> int:
    path = root / CHECKPOINT
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=10)
    try:
        return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the table is not created yet
    finally:
        db.close()


def test_kill_9_during_embedding_then_resume(
    tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    shelf = _real_shelf(tmp_path, ["damo_2023_top10_tech_trends_abridged.txt"])
    ingest_paths(settings, [shelf], loader=fake_loader)
    before = load_index(settings.index_path)
    # Two long reports more: several hundred new passages, several batches.
    big = [
        "tencent_2024_digital_tech_frontier_trends.txt",
        "szaiia_2024_ai_development_white_paper.txt",
    ]
    _real_shelf(tmp_path, big)
    root = settings.index_path
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_INGEST, str(shelf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while _checkpointed(root) < 2 * BATCH:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the ingest never checkpointed two batches"
            time.sleep(0.05)
        # The previous index serves searches while the ingest runs.
        searcher, _times = open_searcher(settings, loader=fake_loader)
        assert searcher.search("云计算")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    done = _checkpointed(root)
    assert done >= 2 * BATCH and done % BATCH == 0  # whole batches, each durable
    # Killed: the previous index is still the live one, whole.
    after_kill = load_index(root)
    assert after_kill.path == before.path and list(after_kill.chunks) == list(before.chunks)
    # Resume in-process, counting what is embedded.
    embedded_before = fake_loader.documents_embedded
    report = ingest_paths(settings, [shelf], loader=fake_loader)
    new = report.chunks - len(before)
    assert report.resumed == done  # every finished batch was reused...
    assert report.embedded == new - done  # ...and only the rest embedded
    assert fake_loader.documents_embedded - embedded_before == report.embedded
    _assert_vectors_are_the_embedders(settings)


def test_cli_over_a_damaged_index(
    cli: CliRunner, corpus: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("ingest", str(corpus)).code == 0
    (corpus / "more.md").write_text(trends_text().replace("。", "！"), encoding="utf-8")
    assert cli("ingest", str(corpus)).code == 0
    root = settings.index_path
    live = root / (root / "CURRENT").read_text()
    data = (live / "vectors.faiss").read_bytes()
    (live / "vectors.faiss").write_bytes(data[:-100])
    # search warns, names the file, and answers from the previous version.
    found = cli("search", "量子计算", "--mode", "bm25", "--json")
    assert found.code == 0 and found.json_lines()
    assert "more.md" not in {hit["doc"] for hit in found.json_lines()}
    warned = capsys.readouterr().err
    assert "index file vectors.faiss is damaged" in warned and "trendqa ingest" in warned
    # With no intact version left, exit 5 and a one-line message naming the file.
    for version in root.glob("v-*"):
        if version != live:
            shutil.rmtree(version)
    failed = cli("search", "量子计算", "--mode", "bm25")
    assert failed.code == 5
    assert "vectors.faiss" in failed.err and "trendqa ingest" in failed.err
    assert len(failed.err.strip().splitlines()) == 1
    # ingest repairs it, and says so, instead of reporting it up to date.
    repaired = cli("ingest", str(corpus), "--json")
    assert repaired.code == 0
    (report,) = repaired.json_lines()
    assert not report["up_to_date"] and "vectors.faiss" in report["repaired"]
    assert report["embedded"] == report["chunks"] and report["parsed"] == 4
    assert cli("search", "量子计算", "--mode", "bm25").code == 0
    (again,) = cli("ingest", str(corpus), "--json").json_lines()
    assert again["up_to_date"] and again["repaired"] == ""
