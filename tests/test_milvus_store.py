"""The Milvus store on real Milvus Lite 2.5 (Milvus's C++ engine): ranks like the local store."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CliRunner, trends_text
from trendqa.api import ingest_paths, open_searcher
from trendqa.config import Settings
from trendqa.errors import LockedError
from trendqa.retrieval import SearchOptions
from trendqa.stores import close_stores, open_store
from trendqa.stores.milvus import MilvusStore, MilvusTarget
from trendqa.testing import FakeEmbedderLoader

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pymilvus") is None or importlib.util.find_spec("milvus_lite") is None,
    reason="needs the Milvus extra: pip install 'trendqa[milvus]'",
)
WORKER = Path(__file__).with_name("milvus_worker.py")
QUERIES = [
    "量子计算",
    "固态电池的能量密度",
    "When will quantum error correction become practical?",
    "RISC-V",
    "人形机器人",
    "不存在的词",
]


@pytest.fixture(autouse=True)
def closed_stores() -> Iterator[None]:
    yield
    close_stores()  # each Lite file's engine process stops with its test


@pytest.fixture
def lite(settings: Settings, tmp_path: Path) -> Settings:
    return replace(settings, store=f"milvus://{tmp_path / 'library.db'}")


def _hits(settings: Settings, query: str, opts: SearchOptions) -> list[tuple[str, int, float]]:
    searcher, _times = open_searcher(settings, loader=FakeEmbedderLoader())
    return [(h.chunk.id, h.rank, h.score) for h in searcher.search(query, opts)]


def test_lite_ingest_and_search_match_the_local_store(
    corpus: Path, settings: Settings, lite: Settings
) -> None:
    (corpus / "copy.md").write_text(trends_text()[:900], encoding="utf-8")  # folded duplicates
    local = ingest_paths(settings, [corpus], loader=FakeEmbedderLoader())
    remote = ingest_paths(lite, [corpus], loader=FakeEmbedderLoader())
    assert (remote.chunks, remote.folded, remote.documents) == (
        local.chunks,
        local.folded,
        local.documents,
    )
    assert remote.folded > 0 and remote.index == lite.store
    a, b = open_store(settings).open(), open_store(lite).open()
    assert list(a.chunks) == list(b.chunks)
    assert [list(t) for t in a.tokens] == [list(t) for t in b.tokens]
    assert dict(a.lexicon().idf) == pytest.approx(dict(b.lexicon().idf))
    assert a.source_chunks("copy.md") == b.source_chunks("copy.md")
    assert b.fetch(a.chunks[3].id) == a.chunks[3]
    for mode in ("hybrid", "dense", "bm25"):
        for docs in ((), ("trends",), ("测试报告",)):
            opts = SearchOptions(k=5, mode=mode, docs=docs)  # type: ignore[arg-type]
            for query in QUERIES:
                want, got = _hits(settings, query, opts), _hits(lite, query, opts)
                assert [h[:2] for h in got] == [h[:2] for h in want], (mode, docs, query)
                assert [h[2] for h in got] == pytest.approx([h[2] for h in want], abs=1e-5)


def test_lite_updates_by_file_hash_and_deletes(
    corpus: Path, lite: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    first = ingest_paths(lite, [corpus], loader=fake_loader)
    store = open_store(lite)
    version = store.live_version()
    gbk_chunks = store.read_meta().documents["gbk.txt"].chunks
    assert ingest_paths(lite, [corpus], loader=fake_loader).up_to_date
    assert store.live_version() == version
    (corpus / "gbk.txt").unlink()
    (corpus / "more.md").write_text("# 新章节\n\n深海探测机器人完成万米下潜。\n", encoding="utf-8")
    embedded_before = fake_loader.documents_embedded
    second = ingest_paths(lite, [corpus], loader=fake_loader)
    assert second.removed == ["gbk.txt"] and not second.up_to_date
    # Only the new file's passage is embedded again; unchanged files reuse their vectors.
    assert fake_loader.documents_embedded - embedded_before == second.embedded == 1
    assert second.chunks == first.chunks - gbk_chunks + 1
    meta = store.read_meta()
    assert sorted(meta.documents) == ["more.md", "report.pdf", "trends.md"]
    hits = _hits(lite, "深海探测", SearchOptions(mode="bm25"))
    assert hits and store.open().fetch(hits[0][0]) is not None
    assert not _hits(lite, "深海探测", SearchOptions(mode="bm25", docs=("trends",)))
    assert store.live_version() != version


def test_rebuild_builds_a_new_version_while_readers_keep_theirs(
    corpus: Path, lite: Settings
) -> None:
    ingest_paths(lite, [corpus], loader=FakeEmbedderLoader())
    store = open_store(lite)
    old = store.open()
    before = [c.id for c in old.chunks]
    ingest_paths(lite, [corpus], rebuild=True, loader=FakeEmbedderLoader())
    assert store.live_version() != old.version  # type: ignore[attr-defined]
    assert [c.id for c in old.chunks] == before  # the version a reader opened stays
    assert [c.id for c in store.open().chunks] == before
    ingest_paths(lite, [corpus], rebuild=True, loader=FakeEmbedderLoader())
    names = store.db.list_collections()  # type: ignore[attr-defined]
    assert sum(n.endswith("_m") for n in names) == 2  # the live version and the one before


def test_a_writer_that_lost_the_race_does_not_switch(corpus: Path, lite: Settings) -> None:
    ingest_paths(lite, [corpus], loader=FakeEmbedderLoader())
    store = open_store(lite)
    assert isinstance(store, MilvusStore)
    live = store.live_version()
    snapshot = store.open()
    with store.lock():
        store._base = "someone-else"  # as if another ingest had switched meanwhile
        with pytest.raises(LockedError, match="another ingest"):
            store.write(_as_snapshot(snapshot))
    assert store.live_version() == live
    assert sum(n.endswith("_m") for n in store.db.list_collections()) == 1


def _as_snapshot(index: object) -> object:
    from trendqa.store import Index

    assert hasattr(index, "meta")
    return Index(index.meta, list(index.chunks), list(index.tokens), index.vectors)  # type: ignore[attr-defined]


def test_second_process_on_a_lite_file_gets_one_line(
    corpus: Path, lite: Settings, tmp_path: Path
) -> None:
    ingest_paths(lite, [corpus], loader=FakeEmbedderLoader())  # this process holds the file
    env = {**os.environ, "TRENDQA_STORE": str(lite.store), "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, "-m", "trendqa", "sources"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 7, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "another process" in lines[0] and "server" in lines[0]
    close_stores()
    again = subprocess.run(
        [sys.executable, "-m", "trendqa", "sources", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "trends.md" in again.stdout


def test_target_parsing(tmp_path: Path) -> None:
    lite = MilvusTarget.parse(f"milvus://{tmp_path}/x.db", tmp_path)
    assert (lite.uri, lite.name, lite.lite) == (f"{tmp_path}/x.db", "trendqa", True)
    relative = MilvusTarget.parse("milvus:data/x.db?collection=team", tmp_path)
    assert (relative.uri, relative.name) == (str(tmp_path / "data/x.db"), "team")
    server = MilvusTarget.parse("milvus://db.example:19530/reports", tmp_path)
    assert (server.uri, server.name, server.lite) == ("http://db.example:19530", "reports", False)
    assert str(server) == "milvus://db.example:19530/reports"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def milvus_server(tmp_path: Path) -> Iterator[str]:
    """Milvus Lite's engine serving a file on a local TCP port: a server many processes share."""
    port = _free_port()
    db = tmp_path / "served.db"
    code = (
        "import signal, sys, time, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from milvus_lite.server import Server\n"
        f"s = Server({str(db)!r}, '127.0.0.1:{port}')\n"
        "assert s.init() and s.start()\n"
        "signal.signal(signal.SIGTERM, lambda *_: (s.stop(), sys.exit(0)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(3600)\n"
    )
    # Its own process group: the engine it starts is stopped with it.
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"milvus://127.0.0.1:{port}/team"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.server
def test_two_readers_and_a_writer_share_a_server(
    corpus: Path, settings: Settings, milvus_server: str, tmp_path: Path
) -> None:
    served = replace(settings, store=milvus_server)
    ingest_paths(served, [corpus], loader=FakeEmbedderLoader())
    env = {
        **os.environ,
        "TRENDQA_STORE": milvus_server,
        "TRENDQA_EMBEDDER": "fake",
        "PYTHONWARNINGS": "ignore",
    }
    readers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "read", "12"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    writer = subprocess.run(
        [sys.executable, str(WORKER), "write", str(corpus)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert writer.returncode == 0, writer.stderr
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        versions = set(out.split())
        assert versions  # every search was consistent with the version it read
    assert "extra.md" in open_store(served).read_meta().documents


def test_the_cli_reaches_milvus_by_flag_or_environment(
    cli: CliRunner, corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    url = f"milvus://{tmp_path / 'cli.db'}"
    ingested = cli("ingest", str(corpus), "--store", url, "--json")
    assert ingested.code == 0, ingested.err
    assert ingested.json_lines()[0]["index"] == url
    found = cli("search", "量子计算", "--store", url, "--json", "--no-server")
    assert found.code == 0, found.err
    docs = {hit["doc"] for hit in found.json_lines()}
    assert docs and docs <= {"trends.md", "report.pdf", "gbk.txt"}
    info = cli("info", "--json", environ={"TRENDQA_STORE": url})
    assert info.code == 0 and info.json_lines()[0]["index"] == url
    assert not (settings.index_path / "CURRENT").exists()  # the local store was not written
    missing = cli("sources", "--store", f"milvus://{tmp_path / 'empty.db'}")
    assert missing.code == 5 and "run `trendqa ingest`" in missing.err
