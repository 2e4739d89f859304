"""`trendqa serve` as a real process, and `search`/`ask` finding it through its discovery file."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conftest import QA_MARKET, CliResult, CliRunner
from fakecli import ANSWERS, qa_script
from serving import Served, environ, fakecli, serving
from trendqa.cli import Env, run
from trendqa.errors import ExitStatus
from trendqa.server.client import ServerClient
from trendqa.server.discovery import discovery_path, read_info
from trendqa.testing import FakeEmbedderLoader, FakeGenerator

pytestmark = pytest.mark.server

Q_SIZE = "2024年中国人工智能核心产业规模是多少？"
Q_EDGE = "How many edge AI chips shipped in 2024?"
Q_OFF = "火星上有多少只企鹅？"
QUERIES = ("核心产业规模", "edge AI chips", "无人机物流 深圳")


@pytest.fixture
def index(cli: CliRunner, qa_corpus: Path, isolated_state: Path) -> Path:
    """The question-answering corpus ingested with the fake embedder; the index folder."""
    result = cli("ingest", str(qa_corpus))
    assert result.code == ExitStatus.OK, result.err
    return isolated_state / "index"


@pytest.fixture
def served(index: Path) -> Any:
    """A server with the scripted model, for the test."""
    with serving(index, "--llm", "qa") as server:
        yield server


def ask_in_process(*argv: str, stdin: str = "") -> CliResult:
    """`trendqa ask --no-server` with the same scripted model the server holds."""
    out, err = io.StringIO(), io.StringIO()
    env = Env(
        stdin=io.StringIO(stdin),
        stdout=out,
        stderr=err,
        stdout_isatty=False,
        stderr_isatty=False,
        environ=environ(),
        embedder_loader=FakeEmbedderLoader(),
        # As a real --extractive run loads no model, the seam is left empty then too.
        generator=None if "--extractive" in argv else FakeGenerator(qa_script),
    )
    code = run(["ask", *argv, "--no-server"], env)
    return CliResult(int(code), out.getvalue(), err.getvalue())


def without_timings(out: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in out.splitlines()]
    for row in rows:
        row.pop("timings")
    return rows


def pending(server: Served) -> int:
    return int(ServerClient(server.info).get("/v1/health")["pending"])


def wait_until(condition: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


# --------------------------------------------------------------------------- same output


def test_search_through_the_server_prints_what_in_process_prints(
    cli: CliRunner, served: Served, fake_loader: FakeEmbedderLoader
) -> None:
    for query in QUERIES:
        for flags in ((), ("--json",)):
            loads = fake_loader.calls
            remote = cli("search", query, *flags)
            assert fake_loader.calls == loads  # no model loaded here: the server answered
            local = cli("search", query, *flags, "--no-server")
            assert fake_loader.calls == loads + 1
            assert (remote.code, remote.out, remote.err) == (local.code, local.out, local.err)
            assert remote.out


def test_search_stdin_and_doc_filter_through_the_server(cli: CliRunner, served: Served) -> None:
    argv = ("search", "-", "--doc", "market", "-k", "2", "--json")
    remote = cli(*argv, stdin="人工智能\n深圳\n")
    local = cli(*argv, "--no-server", stdin="人工智能\n深圳\n")
    assert remote.out == local.out
    assert {row["doc"] for row in remote.json_lines()} == {"market.md"}


def test_ask_through_the_server_prints_what_in_process_prints(
    cli: CliRunner, served: Served, fake_loader: FakeEmbedderLoader
) -> None:
    for question in (Q_SIZE, Q_EDGE, Q_OFF):
        loads = fake_loader.calls
        remote = cli("ask", question)
        local = ask_in_process(question)
        assert fake_loader.calls == loads
        assert (remote.code, remote.out, remote.err) == (local.code, local.out, local.err)
        expected = ExitStatus.NOT_IN_CORPUS if question == Q_OFF else ExitStatus.OK
        assert remote.code == expected
        remote_json = cli("ask", question, "--json")
        local_json = ask_in_process(question, "--json")
        assert remote_json.code == local_json.code
        # Timings differ from run to run; everything else is the same object.
        assert without_timings(remote_json.out) == without_timings(local_json.out)


def test_ask_stdin_batch_and_extractive_through_the_server(cli: CliRunner, served: Served) -> None:
    stdin = f"{Q_SIZE}\n{Q_OFF}\n"
    for flags in (("--json",), ("--json", "--extractive"), ()):
        remote = cli("ask", "-", *flags, stdin=stdin)
        local = ask_in_process("-", *flags, stdin=stdin)
        assert remote.code == local.code == ExitStatus.NOT_IN_CORPUS
        if flags:
            assert without_timings(remote.out) == without_timings(local.out)
        else:
            assert remote.out == local.out


def test_tokens_stream_to_a_terminal_from_the_server(served: Served) -> None:
    events: list[dict[str, Any]] = []
    answer = ServerClient(served.info).ask(Q_SIZE, {}, events.append)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "queued"
    assert "retrieval" in kinds
    tokens = "".join(e["text"] for e in events if e["event"] == "token")
    assert tokens == ANSWERS["核心产业规模达到"]
    assert answer["answer"].startswith("2024年中国人工智能核心产业规模达到727.2亿元")


def test_server_errors_keep_their_message_and_exit_code(cli: CliRunner, served: Served) -> None:
    remote = cli("ask", "x" * 700, "--json")
    local = ask_in_process("x" * 700, "--json")
    assert remote.code == local.code
    bad = cli("search", "量子", "--doc", "nosuch", "--json")
    assert bad.code == cli("search", "量子", "--doc", "nosuch", "--json", "--no-server").code


# --------------------------------------------------------------------------- lifecycle


def test_discovery_file_names_the_server_and_goes_with_it(index: Path) -> None:
    with serving(index, "--llm", "qa") as server:
        info = server.info
        assert info.url.startswith("http://127.0.0.1:")
        assert (info.pid, info.llm_name, info.token) == (server.process.pid, "fake", None)
        assert os.stat(discovery_path(index)).st_mode & 0o077 == 0  # owner only
        health = ServerClient(info).get("/v1/health")
        assert (health["status"], health["pid"]) == ("ok", info.pid)
        models = ServerClient(info).get("/v1/models")
        assert (models["embedder"], models["llm"], models["documents"]) == ("fake", "fake", 3)
        server.process.terminate()
        assert server.process.wait(timeout=15) == 0
    assert not discovery_path(index).exists()


def test_stale_file_of_a_killed_server_is_ignored_and_removed(
    cli: CliRunner, index: Path, fake_loader: FakeEmbedderLoader
) -> None:
    with serving(index, "--llm", "qa") as server:
        server.kill()
    assert discovery_path(index).exists()  # SIGKILL: nobody cleaned up
    loads = fake_loader.calls
    result = cli("search", "核心产业规模", "--json")
    assert result.code == ExitStatus.OK, result.err
    assert fake_loader.calls == loads + 1  # worked in-process
    assert not discovery_path(index).exists()
    with serving(index, "--llm", "qa") as again:  # and a new server may start
        assert again.info.pid != server.info.pid


def test_second_server_for_the_same_index_is_refused(cli: CliRunner, served: Served) -> None:
    result = cli("serve")
    assert result.code == ExitStatus.SERVER
    assert result.err.startswith("trendqa: error: a trendqa server already serves ")
    assert result.err.count("\n") == 1


def test_a_server_that_lost_its_address_is_treated_as_absent(
    cli: CliRunner, index: Path, fake_loader: FakeEmbedderLoader, served: Served
) -> None:
    info = json.loads(discovery_path(index).read_text())
    info["url"] = "http://127.0.0.1:9"  # the discard port: nothing listens there
    discovery_path(index).write_text(json.dumps(info))
    loads = fake_loader.calls
    result = cli("ask", Q_SIZE, "--extractive")
    assert result.code == ExitStatus.OK, result.err
    assert fake_loader.calls == loads + 1


def test_killed_mid_answer_the_client_says_so_and_exits_non_zero(
    index: Path, tmp_path: Path
) -> None:
    with serving(index, "--llm", str(tmp_path / "never")) as server:
        client = fakecli(
            "ask", Q_SIZE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ()
        )
        wait_until(lambda: pending(server) == 1, "the question to reach the model")
        server.kill()
        out, err = client.communicate(timeout=30)  # never hangs
    assert client.returncode == ExitStatus.SERVER
    assert out == b""
    lines = err.decode().splitlines()
    assert len(lines) == 1 and "went away mid-request" in lines[0], err


def test_killed_mid_search_the_client_searches_in_process(
    cli: CliRunner, index: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "query-arrived"
    with serving(index, "--slow-queries", str(marker)) as server:
        client = fakecli(
            "search", "核心产业规模", "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=environ(),
        )  # fmt: skip
        wait_until(marker.exists, "the query to reach the server")
        server.kill()
        out, err = client.communicate(timeout=60)
    assert client.returncode == ExitStatus.OK, err
    assert out.decode() == cli("search", "核心产业规模", "--json", "--no-server").out
    assert "searching in-process" in err.decode()


def test_new_index_version_is_served_without_a_restart(
    cli: CliRunner, served: Served, qa_corpus: Path, index: Path
) -> None:
    before = ServerClient(served.info).get("/v1/health")["index_version"]
    assert "固态电池" not in cli("search", "氢能源飞机", "--json").out
    (qa_corpus / "new.md").write_text(
        "# 新报告\n\n## 氢能源\n\n氢能源飞机完成首飞，续航达到500公里。\n", encoding="utf-8"
    )
    assert cli("ingest", str(qa_corpus)).code == ExitStatus.OK
    after = cli("search", "氢能源飞机", "--json")
    assert after.json_lines()[0]["doc"] == "new.md"
    assert after.out == cli("search", "氢能源飞机", "--json", "--no-server").out
    health = ServerClient(served.info).get("/v1/health")
    assert health["index_version"] != before
    assert health["pid"] == served.process.pid  # the same process
    assert ServerClient(served.info).get("/v1/models")["documents"] == 4


def test_two_clients_at_once_get_their_own_tokens(served: Served) -> None:
    results: dict[str, tuple[str, dict[str, Any]]] = {}

    def ask(question: str) -> None:
        tokens: list[str] = []
        answer = ServerClient(served.info).ask(
            question, {}, lambda e: tokens.append(e["text"]) if e["event"] == "token" else None
        )
        results[question] = ("".join(tokens), answer)

    threads = [threading.Thread(target=ask, args=(q,)) for q in (Q_SIZE, Q_EDGE) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results[Q_SIZE][0] == ANSWERS["核心产业规模达到"]
    assert results[Q_EDGE][0] == ANSWERS["Edge AI chips shipped"]
    assert results[Q_EDGE][1]["question"] == Q_EDGE


def test_two_client_processes_at_once(served: Served) -> None:
    clients = [
        fakecli("ask", q, "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ())
        for q in (Q_SIZE, Q_EDGE)
    ]
    outputs = [c.communicate(timeout=60) for c in clients]
    assert [c.returncode for c in clients] == [0, 0]
    answers = [json.loads(out)["answer"] for out, _err in outputs]
    assert "727.2亿元" in answers[0] and "1.2 million" in answers[1]


def test_full_queue_answers_busy(cli: CliRunner, index: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    with serving(index, "--llm", str(release), serve_args=("--queue", "1")) as server:
        events: list[list[dict[str, Any]]] = [[], []]
        answers: dict[int, dict[str, Any] | BaseException] = {}

        def ask(i: int) -> None:
            try:
                answers[i] = ServerClient(server.info).ask(Q_SIZE, {}, events[i].append)
            except BaseException as exc:  # reported by the assertions below
                answers[i] = exc

        threads = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(2)]
        threads[0].start()
        wait_until(lambda: pending(server) == 1, "the first question to start")
        threads[1].start()
        wait_until(lambda: pending(server) == 2, "the second question to wait")
        # The lane runs one question and lets --queue 1 wait: a third is refused at once.
        busy = cli("ask", Q_SIZE)
        assert busy.code == ExitStatus.SERVER == 8  # the README's exit code for a busy server
        assert busy.out == ""
        assert busy.err.startswith("trendqa: error: the trendqa server is busy (1 ")
        assert busy.err.count("\n") == 1 and "--no-server" in busy.err
        assert pending(server) == 2  # the refusal took nothing from the queue
        release.write_text("go")
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    # Both questions that got in are answered in full, the second after waiting its turn.
    got = [a["answer"] if isinstance(a, dict) else a for a in (answers.get(0), answers.get(1))]
    assert isinstance(got[0], str) and "727.2亿元" in got[0] and got[1] == got[0], got
    assert [e[0] for e in events] == [
        {"event": "queued", "ahead": 0},
        {"event": "queued", "ahead": 1},
    ]
    assert all(any(ev["event"] == "retrieval" for ev in e) for e in events)


def test_exposed_host_needs_a_token(cli: CliRunner, index: Path) -> None:
    result = cli("serve", "--host", "0.0.0.0")
    assert result.code == ExitStatus.ERROR
    assert "--token" in result.err and result.err.count("\n") == 1


def test_token_is_required_when_set(cli: CliRunner, index: Path) -> None:
    with serving(index, "--llm", "qa", serve_args=("--token", "s3cret")) as server:
        assert server.info.token == "s3cret"
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(server.info.url + "/v1/health", timeout=10)
        assert denied.value.code == 401
        # Clients on this machine read the token from the discovery file.
        assert cli("search", "核心产业规模", "--json").code == ExitStatus.OK


def test_thin_client_imports_neither_torch_nor_numpy(served: Served) -> None:
    code = (
        "import sys, io\n"
        "from trendqa.cli import Env, run\n"
        "out = io.StringIO()\n"
        "code = run(['search', '核心产业规模', '--json'], Env(stdout=out))\n"
        "heavy = sorted(m for m in ('torch', 'numpy', 'jieba', 'faiss') if m in sys.modules)\n"
        "print(code, bool(out.getvalue()), heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ(), timeout=60
    )
    assert done.stdout.strip() == "0 True []", done.stderr


def test_search_without_a_server_copes_with_a_missing_index_folder(
    cli: CliRunner, isolated_state: Path
) -> None:
    shutil.rmtree(isolated_state / "index", ignore_errors=True)
    result = cli("search", "量子")
    assert result.code == ExitStatus.NO_INDEX
    assert read_info(isolated_state / "index") is None


QA_MARKET_USED = QA_MARKET  # the scripted answers quote this report
