"""Ingest with the fake embedder over real files: incremental, duplicate-aware, crash-safe."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter

from conftest import trends_text
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.embedding import OnProgress, Vectors
from trendqa.errors import IndexMismatchError, InputError
from trendqa.loaders import load_file
from trendqa.store import load_index, read_meta
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
    assert after.chunks == before.chunks
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
