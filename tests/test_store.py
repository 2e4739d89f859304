"""The on-disk index: round trip through real FAISS, SQLite and bm25s, atomic swap, damage
detected by checksums (and the fallback to the previous version), the write lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from trendqa import store
from trendqa.errors import IndexDamagedError, IndexMissingError, LockedError
from trendqa.records import Chunk, DocumentMeta, Location
from trendqa.store import (
    DocumentEntry,
    Index,
    IndexMeta,
    check_index,
    index_exists,
    load_index,
    load_version,
    read_meta,
    version_meta,
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
    assert list(loaded.chunks) == list(original.chunks)
    assert len(loaded.chunks) == 3
    assert loaded.chunks[-1] == original.chunks[2]
    assert loaded.chunks[::2] == [original.chunks[0], original.chunks[2]]
    with pytest.raises(IndexError):
        loaded.chunks[3]
    assert [list(t) for t in loaded.tokens] == [list(t) for t in original.tokens]
    assert loaded.tokens[1] == tokenize(TEXTS[1])
    np.testing.assert_allclose(loaded.vectors, original.vectors)
    assert read_meta(root) == original.meta
    # Inner product on unit vectors: a passage's own vector is its best match, cosine 1.
    row, score = loaded.dense_search(loaded.vectors[1], k=1)[0]
    assert row == 1
    assert score == pytest.approx(1.0, abs=1e-5)
    assert [r for r, _s in loaded.dense_search(loaded.vectors[1], k=3, allowed={0, 2})] == [0, 2]
    assert loaded.row_of("c2-3") == 2
    assert loaded.row_of("nope") is None
    # The saved BM25 index answers like one built from the tokens.
    terms = tokenize("新能源汽车")
    assert loaded.lexical().search(terms, 3) == original.lexical().search(terms, 3)


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
    assert check_index(root).intact == old

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


def _index_files(version: Path) -> list[str]:
    return sorted(p.relative_to(version).as_posix() for p in version.rglob("*") if p.is_file())


def test_every_file_of_a_version_is_listed_with_its_checksum(tmp_path: Path) -> None:
    version = write_index(tmp_path / "index", make_index())
    listed = json.loads((version / "checksums.json").read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == [f for f in _index_files(version) if f != "checksums.json"]
    assert {"meta.json", "chunks.sqlite", "vectors.faiss", "bm25/trendqa-bm25.json"} <= set(listed)
    assert any(name.startswith("bm25/") and name.endswith(".npy") for name in listed)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size: only the checksum can tell
    path.write_bytes(bytes(data))


def _delete(path: Path) -> None:
    path.unlink()


DAMAGES = [_truncate, _flip_a_byte, _delete]
FILES = [
    "meta.json",
    "chunks.sqlite",
    "vectors.faiss",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/vocab.index.json",
    "bm25/params.index.json",
    "bm25/trendqa-bm25.json",
]


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("name", FILES)
def test_each_damaged_file_is_named(
    tmp_path: Path, name: str, damage: Callable[[Path], None]
) -> None:
    root = tmp_path / "index"
    version = write_index(root, make_index())
    assert name in _index_files(version)
    damage(version / name)
    # Readers (cheap check) and ingest (every byte) both notice, and say which file.
    with pytest.raises(IndexDamagedError) as raised:
        load_index(root)
    message = str(raised.value)
    assert f"index file {name} " in message and "\n" not in message
    assert "run `trendqa ingest` to repair it" in message
    health = check_index(root)
    assert health.intact is None
    assert name in health.damage


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("name", FILES)
def test_a_damaged_version_falls_back_to_the_previous_one(
    tmp_path: Path, name: str, damage: Callable[[Path], None]
) -> None:
    root = tmp_path / "index"
    previous = write_index(root, make_index(TEXTS[:2]))
    live = write_index(root, make_index(TEXTS))
    damage(live / name)
    warnings: list[str] = []
    loaded = load_index(root, on_warning=warnings.append)
    assert loaded.path == previous
    assert [c.text for c in loaded.chunks] == TEXTS[:2]
    assert len(warnings) == 1 and f"index file {name} is damaged" in warnings[0]
    assert previous.name in warnings[0] and "trendqa ingest" in warnings[0]
    # read_meta checks meta.json alone (cheap): it falls back only when that is the damage.
    meta = read_meta(root, on_warning=warnings.append)
    assert meta == (loaded.meta if name == "meta.json" else version_meta(live))
    health = check_index(root)
    assert health.intact == previous and name in health.damage


def test_checksums_file_itself_damaged(tmp_path: Path) -> None:
    root = tmp_path / "index"
    version = write_index(root, make_index())
    (version / "checksums.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="checksums.json"):
        load_index(root)
    (version / "checksums.json").unlink()
    with pytest.raises(IndexDamagedError, match=r"checksums.json .*\(missing\)"):
        read_meta(root)


def test_large_files_are_checked_by_sample_on_load_and_whole_by_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files over 1 KiB count as large; their sample is four 256-byte blocks and the tail.
    monkeypatch.setattr(store, "FULL_CHECK_BYTES", 1024)
    monkeypatch.setattr(store, "_SAMPLE_BLOCKS", 4)
    monkeypatch.setattr(store, "_BLOCK", 256)
    root = tmp_path / "index"
    version = write_index(root, make_index(TEXTS * 40))
    vectors = version / "vectors.faiss"
    size = vectors.stat().st_size
    assert size > 40_000
    load_index(root)
    # A flipped byte outside the sampled blocks passes the reader's cheap check...
    data = bytearray(vectors.read_bytes())
    data[size // 2 + 1000] ^= 0x01
    vectors.write_bytes(bytes(data))
    assert load_version(version, full=False).path == version
    # ...but not ingest's full one, which hashes every byte.
    with pytest.raises(IndexDamagedError, match="vectors.faiss"):
        load_version(version, full=True)
    assert "vectors.faiss" in check_index(root).damage
    # A cut is caught by the size check at once.
    _truncate(vectors)
    with pytest.raises(IndexDamagedError, match=r"vectors.faiss .*bytes, expected"):
        load_index(root)


def _future_format(version: Path) -> None:
    meta = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    meta["format_version"] = 99
    (version / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_pointer_to_nowhere_is_index_missing(tmp_path: Path) -> None:
    root = tmp_path / "index"
    _pointer_to_nowhere(write_index(root, make_index()))
    with pytest.raises(IndexMissingError, match=r"run `trendqa ingest"):
        load_index(root)


def test_an_index_of_another_format_asks_for_a_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "index"
    version = write_index(root, make_index())
    # An older trendqa's index: its own files, no checksums.
    for path in [version / "checksums.json", version / "vectors.faiss"]:
        path.unlink()
    meta = json.loads((version / "meta.json").read_text(encoding="utf-8"))
    meta["format_version"] = 1
    (version / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert read_meta(root).format_version == 1  # `trendqa info` still shows it
    with pytest.raises(IndexMissingError, match=r"format 1, .* `trendqa ingest --rebuild`"):
        load_index(root)
    assert check_index(root).intact is None  # ingest rebuilds instead of reusing it


def test_unclaimed_source_chunks_are_kept_for_reuse(tmp_path: Path) -> None:
    original = make_index()
    # Chunks as chunking made them: the third also existed in b.txt, folded into a.txt's.
    copy = replace(
        original.chunks[2],
        location=Location("b.txt", "乙", 0, 13, 1, 1),
    )
    host = replace(original.chunks[2], also_in=(copy.location,))
    chunks = [*original.chunks[:2], host]
    sources = {"a.txt": [replace(c, also_in=()) for c in chunks], "b.txt": [copy]}
    index = Index(original.meta, chunks, original.tokens, original.vectors, sources=sources)
    write_index(tmp_path / "index", index)
    loaded = load_index(tmp_path / "index")
    assert loaded.source_chunks("a.txt") == sources["a.txt"]
    assert loaded.source_chunks("b.txt") == [copy]
    assert loaded.chunks[2].also_in == (copy.location,)
    assert loaded.source_chunks("c.txt") == []


def _shelf(n: int) -> list[str]:
    return [f"第{i}号报告：{TEXTS[i % 3]}{'新' * (i % 7)}{'量子' * (i % 11)}" for i in range(n)]


def _exact(index: Index, query: np.ndarray, k: int, allowed: set[int] | None = None) -> list[int]:
    scores = index.vectors @ query
    rows = sorted(allowed) if allowed is not None else range(len(scores))
    return sorted(rows, key=lambda r: (-scores[r], r))[:k]


def test_hnsw_is_chosen_above_the_flat_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    texts = _shelf(400)
    monkeypatch.setattr(store, "FLAT_MAX", 100)
    root = tmp_path / "index"
    write_index(root, make_index(texts))
    loaded = load_index(root)  # memory-mapped, as every reader opens it
    assert isinstance(loaded._faiss, faiss.IndexHNSWFlat)
    assert len(loaded) == 400
    row, score = loaded.dense_search(loaded.vectors[123], k=1)[0]
    assert score == pytest.approx(1.0, abs=1e-5)
    assert loaded.chunks[row].text == texts[123]
    # Unfiltered: the graph's top 10 are the exact top 10 on a shelf this small.
    for q in (7, 123, 250, 399):
        got = [r for r, _s in loaded.dense_search(loaded.vectors[q], k=10)]
        assert got == _exact(loaded, loaded.vectors[q], 10)
    assert loaded.dense_search(loaded.vectors[0], k=1000)[-1][0] >= 0  # k above n is fine


def test_a_filter_on_hnsw_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph walk with a selector strands filtered rows far from the query; a scan does not."""
    monkeypatch.setattr(store, "FLAT_MAX", 100)
    monkeypatch.setattr(store, "HNSW_EF_SEARCH", 16)  # a narrow walk, as on a large shelf
    root = tmp_path / "index"
    write_index(root, make_index(_shelf(2000)))
    loaded = load_index(root)
    query = loaded.vectors[5]
    far = _exact(loaded, -query, 40)  # the rows least like the query
    for allowed in ({5, 77, 301}, set(far), {5, *far[:9]}, set(range(0, 2000, 50))):
        got = loaded.dense_search(query, k=10, allowed=allowed)
        assert [r for r, _s in got] == _exact(loaded, query, 10, allowed)
    assert loaded.dense_search(query, k=10, allowed=set()) == []


def test_an_ivf_index_written_before_hnsw_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    def ivf(vectors: np.ndarray, dim: int) -> object:  # as trendqa built it above FLAT_MAX
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, 20, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.add(vectors)
        index.nprobe = 8
        return index

    texts = _shelf(400)
    monkeypatch.setattr(store, "_build_faiss", ivf)
    root = tmp_path / "index"
    write_index(root, make_index(texts))
    monkeypatch.undo()
    loaded = load_index(root)
    assert faiss.try_extract_index_ivf(loaded._faiss) is not None
    row, score = loaded.dense_search(loaded.vectors[123], k=1)[0]
    assert score == pytest.approx(1.0, abs=1e-5)
    assert loaded.chunks[row].text == texts[123]
    # A filter searches every list, so the allowed rows come back exactly.
    allowed = {5, 77, 301}
    got = loaded.dense_search(loaded.vectors[5], k=10, allowed=allowed)
    assert [r for r, _s in got] == _exact(loaded, loaded.vectors[5], 10, allowed)


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
