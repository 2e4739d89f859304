"""The on-disk index: round trip through real FAISS, atomic swap, damage, the write lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from trendqa.errors import IndexMissingError, LockedError
from trendqa.records import Chunk, DocumentMeta, Location
from trendqa.store import (
    DocumentEntry,
    Index,
    IndexMeta,
    index_exists,
    load_index,
    read_meta,
    write_index,
    write_lock,
)
from trendqa.testing import FakeEmbedder
from trendqa.tokens import tokenize

TEXTS = ["量子计算取得突破。", "新能源汽车销量增长。", "人工智能大模型走向多模态。"]


def make_index(texts: list[str] = TEXTS, doc: str = "a.txt") -> Index:
    embedder = FakeEmbedder()
    chunks = []
    offset = 0
    for n, text in enumerate(texts):
        location = Location(doc, "甲报告", offset, offset + len(text), n + 1, n + 1)
        chunks.append(Chunk(id=f"c{n}-{len(texts)}", text=text, location=location, heading="一、"))
        offset += len(text) + 1
    entry = DocumentEntry(
        doc, DocumentMeta("甲报告", year=2024), "0" * 64, "utf-8", offset, None, 3, 0
    )
    meta = IndexMeta(
        embedder=embedder.info,
        chunker_version="1",
        chunk_size=300,
        chunk_overlap=45,
        built_at="2026-01-01T00:00:00+00:00",
        documents={doc: entry},
    )
    return Index(meta, chunks, [tokenize(t) for t in texts], embedder.embed_documents(texts))


def live(root: Path) -> str:
    return (root / "CURRENT").read_text(encoding="utf-8")


def test_round_trip_through_faiss(tmp_path: Path) -> None:
    root = tmp_path / "index"
    original = make_index()
    version = write_index(root, original)
    assert live(root) == version.name
    loaded = load_index(root)
    assert loaded.path == version
    assert loaded.meta == original.meta
    assert loaded.chunks == original.chunks
    assert loaded.tokens == original.tokens
    np.testing.assert_allclose(loaded.vectors, original.vectors)
    assert read_meta(root) == original.meta
    # Inner product on unit vectors: a passage's own vector is its best match, cosine 1.
    row, score = loaded.dense_search(loaded.vectors[1], k=1)[0]
    assert row == 1
    assert score == pytest.approx(1.0, abs=1e-5)
    assert [r for r, _s in loaded.dense_search(loaded.vectors[1], k=3, allowed={0, 2})] == [0, 2]
    assert loaded.row_of("c2-3") == 2


def test_empty_index_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "index"
    write_index(root, make_index([]))
    loaded = load_index(root)
    assert len(loaded) == 0
    assert loaded.vectors.shape == (0, FakeEmbedder().info.dim)
    assert loaded.dense_search(FakeEmbedder().vector("x"), k=5) == []


def test_writes_in_the_same_second_do_not_collide(tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = write_index(root, make_index(TEXTS[:1]))
    second = write_index(root, make_index(TEXTS[:2]))
    third = write_index(root, make_index(TEXTS))
    assert len({first, second, third}) == 3
    assert len(load_index(root)) == 3
    # The live version and the one it replaced (a reader may still hold it), nothing else.
    assert sorted(p.name for p in root.glob("v-*")) == sorted([second.name, third.name])


def _crash(*_args: object, **_kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("where", ["faiss.write_index", "os.replace"])
def test_crash_mid_write_keeps_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import faiss

    root = tmp_path / "index"
    old = write_index(root, make_index(TEXTS[:2]))
    with monkeypatch.context() as patch:
        if where == "os.replace":
            patch.setattr(os, "replace", _crash)
        else:
            patch.setattr(faiss, "write_index", _crash)
        with pytest.raises(OSError, match="No space left"):
            write_index(root, make_index(TEXTS))
    assert live(root) == old.name
    assert [c.text for c in load_index(root).chunks] == TEXTS[:2]
    leftovers = [p for p in root.iterdir() if p.name.startswith((".tmp-", "v-")) and p != old]
    assert leftovers, "the crash should have left a half-written version behind"

    newest = write_index(root, make_index(TEXTS))
    assert [c.text for c in load_index(root).chunks] == TEXTS
    assert not list(root.glob(".tmp-*"))
    # The half-written version is gone; the previously live one stays for running readers.
    assert sorted(p.name for p in root.glob("v-*")) == sorted([old.name, newest.name])


def test_missing_index_names_the_command_to_run(tmp_path: Path) -> None:
    root = tmp_path / "nothing-here"
    assert not index_exists(root)
    for read in (read_meta, load_index):
        with pytest.raises(IndexMissingError, match="run `trendqa ingest`"):
            read(root)


def _pointer_to_nowhere(version: Path) -> None:
    (version.parent / "CURRENT").write_text("v-gone", encoding="utf-8")


def _garbage_meta(version: Path) -> None:
    (version / "meta.json").write_text("{not json", encoding="utf-8")


def _meta_without_embedder(version: Path) -> None:
    meta = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    del meta["embedder"]
    (version / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _garbage_chunk_line(version: Path) -> None:
    with (version / "chunks.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{truncated\n")


def _chunk_with_unknown_location_key(version: Path) -> None:
    lines = (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["location"]["colour"] = "red"
    lines[0] = json.dumps(row, ensure_ascii=False)
    (version / "chunks.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _extra_chunk(version: Path) -> None:
    lines = (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    (version / "chunks.jsonl").write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")


def _truncated_vectors(version: Path) -> None:
    data = (version / "vectors.faiss").read_bytes()
    (version / "vectors.faiss").write_bytes(data[: len(data) // 2])


def _missing_vectors(version: Path) -> None:
    (version / "vectors.faiss").unlink()


def _future_format(version: Path) -> None:
    meta = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    meta["format_version"] = 99
    (version / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        _pointer_to_nowhere,
        _garbage_meta,
        _meta_without_embedder,
        _garbage_chunk_line,
        _chunk_with_unknown_location_key,
        _extra_chunk,
        _truncated_vectors,
        _missing_vectors,
        _future_format,
    ],
)
def test_damaged_index_is_index_missing_error(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    root = tmp_path / "index"
    version = write_index(root, make_index())
    damage(version)
    with pytest.raises(IndexMissingError, match=r"run `trendqa ingest") as raised:
        load_index(root)
    assert "\n" not in str(raised.value)


_TRY_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from trendqa.errors import LockedError
    from trendqa.store import write_lock
    try:
        with write_lock(Path(sys.argv[1])):
            print("acquired")
    except LockedError as exc:
        print(f"locked: {exc}")
    """
)


def _other_process_tries_lock(root: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", _TRY_LOCK, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.strip()


def test_write_lock_excludes_another_process(tmp_path: Path) -> None:
    root = tmp_path / "index"
    with write_lock(root):
        answer = _other_process_tries_lock(root)
        assert answer.startswith("locked:")
        assert f"pid {os.getpid()}" in answer  # names who holds it
        assert "wait for that ingest to finish" in answer
    assert _other_process_tries_lock(root) == "acquired"


def test_write_lock_is_released_when_the_body_raises(tmp_path: Path) -> None:
    root = tmp_path / "index"
    with pytest.raises(RuntimeError), write_lock(root):
        raise RuntimeError("boom")
    # Acquired again once released; a second open file of the same process is excluded too.
    with write_lock(root), pytest.raises(LockedError), write_lock(root):
        pass
