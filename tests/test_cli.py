"""The real CLI, run in-process with the fake embedder: streams, JSON, exit codes."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CliRunner
from trendqa import __version__
from trendqa.cli.app import GC_THRESHOLD
from trendqa.config import Settings
from trendqa.errors import ExitStatus
from trendqa.store import write_lock
from trendqa.testing import FakeEmbedder, FakeEmbedderLoader

ANSI = re.compile(r"\x1b\[")
HIT_KEYS = {
    "rank",
    "score",
    "doc",
    "title",
    "page",
    "start",
    "end",
    "heading",
    "text",
    "retrievers",
}


@pytest.fixture
def indexed(cli: CliRunner, corpus: Path) -> Path:
    """The corpus, ingested through the CLI."""
    result = cli("ingest", str(corpus))
    assert result.code == ExitStatus.OK, result.err
    return corpus


def test_help_works(cli: CliRunner) -> None:
    result = cli("--help")
    assert result.code == ExitStatus.OK
    for command in ("ingest", "search", "sources", "info", "models"):
        assert command in result.out
    assert result.err == ""


def test_search_help_and_version(cli: CliRunner) -> None:
    assert "--doc" in cli("search", "--help").out
    version = cli("--version")
    assert (version.code, version.out.strip()) == (0, "0.1.0")


def test_ingest_json_on_stdout_summary_on_stderr(cli: CliRunner, corpus: Path) -> None:
    result = cli("ingest", str(corpus), "--json")
    assert result.code == ExitStatus.OK
    [report] = result.json_lines()  # one JSON document and nothing else on stdout
    assert {"documents", "chunks", "embedded", "folded", "skipped", "removed", "up_to_date"} <= set(
        report
    )
    assert (report["documents"], report["skipped"], report["up_to_date"]) == (3, [], False)
    assert report["embedded"] == report["chunks"]
    assert "indexed 3 documents" in result.err
    again = cli("ingest", str(corpus), "--json")
    assert again.json_lines()[0]["up_to_date"] is True
    assert again.json_lines()[0]["embedded"] == 0


def test_ingest_human_summary_is_plain_text(cli: CliRunner, corpus: Path) -> None:
    result = cli("ingest", str(corpus))
    assert result.code == ExitStatus.OK
    assert "indexed 3 documents" in result.out
    assert not ANSI.search(result.out + result.err)


def test_progress_on_a_terminal_goes_to_stderr_only(cli: CliRunner, corpus: Path) -> None:
    result = cli("ingest", str(corpus), "--json", stderr_isatty=True)
    assert result.code == ExitStatus.OK
    [report] = result.json_lines()  # the progress bar did not touch stdout
    assert report["documents"] == 3
    assert not ANSI.search(result.out)
    assert "indexed 3 documents" in result.err


def test_ingest_with_skipped_input_exits_4(cli: CliRunner, corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    result = cli("ingest", str(corpus), "--json")
    assert result.code == 4  # ExitStatus.PARTIAL
    [report] = result.json_lines()
    assert report["documents"] == 3
    assert [(Path(s["path"]).name, s["reason"]) for s in report["skipped"]] == [
        ("empty.txt", "empty file")
    ]
    assert re.search(r"skipped \S*empty\.txt: empty file", result.err)


DATA = Path(__file__).parent / "data"  # committed PDF fixtures (tests/data/README.md)


def test_ingest_counts_pages_and_folds_of_files_that_needed_care(
    cli: CliRunner, tmp_path: Path
) -> None:
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    for name in ("zh_quarterly_report.pdf", "zh_datacenter_mindmap.pdf", "en_grid_brief.pdf"):
        shutil.copy(DATA / name, shelf / name)
    (shelf / "notes.txt").write_text("The \ufb01rst grid report.\n", encoding="utf-8")  # ﬁ
    counted = [
        "trendqa: notes.txt: 1 character folded",
        "trendqa: zh_datacenter_mindmap.pdf: 1 page, 1 with text, 0 flagged, 30 characters folded",
        "trendqa: zh_quarterly_report.pdf: 3 pages, 2 with text, 2 flagged, 0 characters folded",
    ]
    result = cli("ingest", str(shelf))
    assert result.code == ExitStatus.OK, result.err
    assert result.out.startswith("indexed 4 documents")  # stdout: the summary line only
    lines = result.err.splitlines()
    assert [line for line in lines if not line.startswith("trendqa: warning:")] == counted
    # Each file's page warnings follow its counts; the clean brief says nothing.
    assert lines[-2].startswith("trendqa: warning: zh_quarterly_report.pdf, page 2: ")
    assert lines[-1].startswith("trendqa: warning: zh_quarterly_report.pdf, page 3: ")
    # With --json, stdout stays one JSON document; the counts are its `files`, on stderr.
    again = cli("ingest", str(shelf), "--json", "--rebuild")
    [report] = again.json_lines()
    assert {f["path"]: f["chars_folded"] for f in report["files"]}["notes.txt"] == 1
    assert set(counted) < set(again.err.splitlines())


def test_ingest_of_clean_files_prints_no_counts(cli: CliRunner, corpus: Path) -> None:
    result = cli("ingest", str(corpus))  # a clean PDF, a GBK text and a Markdown report
    assert result.code == ExitStatus.OK
    assert result.out.startswith("indexed 3 documents")
    assert result.err == ""


def test_ingest_rejects_overlap_not_below_size(cli: CliRunner, corpus: Path) -> None:
    result = cli("ingest", str(corpus), "--chunk-size", "50", "--overlap", "50")
    assert result.code == ExitStatus.ERROR
    assert "--overlap must be smaller than --chunk-size" in result.err


def test_search_json_has_the_documented_keys(cli: CliRunner, indexed: Path) -> None:
    result = cli("search", "量子纠错", "--json", "-k", "3")
    assert result.code == ExitStatus.OK
    assert result.err == ""
    hits = result.json_lines()
    assert len(hits) == 3
    assert all(set(hit) >= HIT_KEYS for hit in hits)
    assert [hit["rank"] for hit in hits] == [1, 2, 3]
    top = hits[0]
    assert top["doc"] == "trends.md"
    assert "量子纠错" in str(top["text"])
    assert isinstance(top["retrievers"], dict) and top["retrievers"]
    assert "query" not in top  # only for queries read from stdin


def test_an_index_in_an_older_passage_format_is_searched_with_a_warning_until_ingest(
    cli: CliRunner, indexed: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A newer trendqa tokenizes its word index otherwise: the old index still answers,
    # says how to bring it up to date, and `ingest` does so without embedding again.
    from trendqa import chunking

    monkeypatch.setattr(chunking, "CHUNKER_VERSION", "999")
    old = cli("search", "量子纠错", "--json", "-k", "1")
    assert old.code == ExitStatus.OK and len(old.json_lines()) == 1
    assert "passage format" in old.err and "trendqa ingest" in old.err
    ingested = cli("ingest", str(corpus))
    assert ingested.code == ExitStatus.OK, ingested.err
    assert "0 embedded" in ingested.err + ingested.out
    again = cli("search", "量子纠错", "--json", "-k", "1")
    assert again.code == ExitStatus.OK and again.err == ""


def test_k_setting_from_the_config_file(
    cli: CliRunner, indexed: Path, isolated_state: Path
) -> None:
    (isolated_state / "trendqa.toml").write_text("k = 2\n", encoding="utf-8")
    assert len(cli("search", "人工智能", "--json").json_lines()) == 2
    assert len(cli("search", "人工智能", "--json", "-k", "1").json_lines()) == 1


def test_search_human_output_is_plain_when_not_a_tty(cli: CliRunner, indexed: Path) -> None:
    result = cli("search", "量子纠错", "-k", "2")
    assert result.code == ExitStatus.OK
    assert result.out.startswith("[1] 2024科技趋势报告")
    assert "量子纠错" in result.out
    assert not ANSI.search(result.out)
    assert result.err == ""


def test_search_stdin_queries_load_the_model_once(
    cli: CliRunner, indexed: Path, fake_loader: FakeEmbedderLoader
) -> None:
    loads = fake_loader.calls
    result = cli("search", "-", "--json", "-k", "2", stdin="量子纠错\n\n固态电池装车\n")
    assert result.code == ExitStatus.OK
    rows = result.json_lines()
    assert [(r["query"], r["query_index"], r["rank"]) for r in rows] == [
        ("量子纠错", 0, 1),
        ("量子纠错", 0, 2),
        ("固态电池装车", 1, 1),
        ("固态电池装车", 1, 2),
    ]
    assert all(set(r) >= HIT_KEYS for r in rows)
    assert fake_loader.calls == loads + 1
    assert fake_loader.queries_embedded == 2


def test_search_doc_filter(cli: CliRunner, indexed: Path) -> None:
    result = cli("search", "人工智能", "--json", "--doc", "gbk.txt")
    assert result.code == ExitStatus.OK
    assert {hit["doc"] for hit in result.json_lines()} == {"gbk.txt"}
    unknown = cli("search", "人工智能", "--doc", "nope")
    assert unknown.code == ExitStatus.ERROR
    assert "known: gbk.txt, report.pdf, trends.md" in unknown.err
    assert unknown.out == ""


def test_search_without_index_exits_5(cli: CliRunner) -> None:
    result = cli("search", "量子")
    assert result.code == 5  # ExitStatus.NO_INDEX
    assert result.out == ""
    assert result.err.startswith("trendqa: error: no index in ")
    assert "`trendqa ingest`" in result.err
    assert result.err.count("\n") == 1


def test_search_with_another_embedder_exits_5(cli: CliRunner, indexed: Path) -> None:
    result = cli("search", "量子", "--embedder", "other-model")
    assert result.code == ExitStatus.NO_INDEX
    assert "--rebuild" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["search"],  # missing query
        ["search", "量子", "-k", "0"],
        ["search", "量子", "--no-such-option"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(cli: CliRunner, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2  # ExitStatus.USAGE
    assert result.out == ""
    assert "Error:" in result.err


def test_bad_mode_is_an_input_error(cli: CliRunner, indexed: Path) -> None:
    result = cli("search", "量子", "--mode", "fuzzy")
    assert result.code == ExitStatus.ERROR
    assert "--mode must be hybrid, dense or bm25" in result.err


def test_ingest_while_locked_exits_7(cli: CliRunner, corpus: Path, settings: Settings) -> None:
    with write_lock(settings.index_path):
        result = cli("ingest", str(corpus))
    assert result.code == 7  # ExitStatus.LOCKED
    assert "being written by pid" in result.err
    assert result.out == ""


def test_ctrl_c_during_ingest_exits_130_and_keeps_the_index(
    cli: CliRunner, indexed: Path, settings: Settings
) -> None:
    from trendqa.cli import Env, run

    before = (settings.index_path / "CURRENT").read_text()
    (indexed / "gbk.txt").write_text("新的内容。人工智能。", encoding="utf-8")

    def interrupted(path: Path, quantize: bool, threads: int | None) -> FakeEmbedder:
        raise KeyboardInterrupt  # while the model loads

    out, err = io.StringIO(), io.StringIO()
    env = Env(
        stdout=out,
        stderr=err,
        stdout_isatty=False,
        stderr_isatty=False,
        environ={**os.environ, "TRENDQA_EMBEDDER": "fake"},
        embedder_loader=interrupted,
    )
    assert run(["ingest", str(indexed)], env) == 130
    assert err.getvalue() == "trendqa: interrupted\n"
    assert out.getvalue() == ""
    assert (settings.index_path / "CURRENT").read_text() == before
    assert cli("search", "人工智能", "--json").code == ExitStatus.OK


def test_sources_and_info_json(cli: CliRunner, indexed: Path, settings: Settings) -> None:
    sources = cli("sources", "--json")
    assert sources.code == ExitStatus.OK
    rows = sources.json_lines()
    assert [r["doc"] for r in rows] == ["gbk.txt", "report.pdf", "trends.md"]
    assert {"doc", "title", "publisher", "year", "source", "chunks", "pages", "folded"} <= set(
        rows[0]
    )
    assert rows[1]["title"] == "测试报告" and rows[1]["pages"] == 2
    info = cli("info", "--json")
    assert info.code == ExitStatus.OK
    [facts] = info.json_lines()
    assert facts["documents"] == 3
    assert facts["chunks"] == sum(r["chunks"] for r in rows)
    assert (facts["embedder"], facts["quantized"]) == ("fake", True)
    assert facts["dimension"] == 128
    assert facts["index"] == str(settings.index_path)


def test_sources_and_info_human_output_is_plain(cli: CliRunner, indexed: Path) -> None:
    for command in ("sources", "info"):
        result = cli(command)
        assert result.code == ExitStatus.OK
        assert not ANSI.search(result.out)
        assert result.err == ""
    assert "测试报告" in cli("sources").out
    assert "embedder: fake" in cli("info").out


def test_sources_without_index_exits_5(cli: CliRunner) -> None:
    assert cli("sources").code == ExitStatus.NO_INDEX
    assert cli("info", "--json").code == ExitStatus.NO_INDEX


def test_models_verify_without_models_exits_6(cli: CliRunner) -> None:
    result = cli("models", "verify")
    assert result.code == 6  # ExitStatus.MODEL
    assert "trendqa models install" in result.err


def test_index_option_and_environment_move_the_index(
    cli: CliRunner, corpus: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert cli("ingest", str(corpus), "--index", str(elsewhere)).code == ExitStatus.OK
    assert (elsewhere / "CURRENT").is_file()
    assert cli("sources").code == ExitStatus.NO_INDEX  # not in the default place
    assert cli("sources", "--index", str(elsewhere)).code == ExitStatus.OK
    assert cli("sources", environ={"TRENDQA_INDEX": str(elsewhere)}).code == ExitStatus.OK


def _python_m_trendqa(*argv: str) -> subprocess.CompletedProcess[str]:
    # The fake embedder cannot be injected into a separate process; BM25 needs no embedder.
    environ = {**os.environ, "TRENDQA_EMBEDDER": "fake"}
    return subprocess.run(
        [sys.executable, "-m", "trendqa", *argv],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_python_m_trendqa_searches_a_real_index(indexed: Path) -> None:
    proc = _python_m_trendqa("search", "算力", "--mode", "bm25", "--json", "-k", "2")
    assert proc.returncode == 0, proc.stderr
    hits = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(hits) == 2
    assert all("算力" in hit["text"] for hit in hits)
    assert [hit["retrievers"] for hit in hits] == [{"bm25": 1}, {"bm25": 2}]
    assert proc.stderr == ""
    # Dense search needs the model, which is not installed here: exit 6, one line, no traceback.
    dense = _python_m_trendqa("search", "固态电池")
    assert dense.returncode == ExitStatus.MODEL
    assert dense.stdout == ""
    assert "no sentence-transformers model" in dense.stderr
    assert "Traceback" not in dense.stderr


def test_closed_pipe_is_not_an_error(cli: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    sections = [
        f"## 第{n}节\n\n人工智能第{n}项进展：算力提升{n}个百分点，应用覆盖{n}个行业。"
        for n in range(300)
    ]
    (big / "long.md").write_text("\n\n".join(sections), encoding="utf-8")
    assert cli("ingest", str(big)).code == ExitStatus.OK
    argv = ["-m", "trendqa", "search", "人工智能", "--mode", "bm25", "--json", "-k", "300"]
    environ = {**os.environ, "TRENDQA_EMBEDDER": "fake"}
    with subprocess.Popen(
        [sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ
    ) as proc:  # like `trendqa search ... | head -c 100`
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(100)
        proc.stdout.close()  # more than a pipe buffer (64 KiB) is still to be written
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == ExitStatus.OK
    assert "Traceback" not in err and "Error" not in err


# --------------------------------------------------------------------------- layering

CLI_DIR = Path(__file__).resolve().parents[1] / "src" / "trendqa" / "cli"
# The CLI reaches the library's logic through `api` only. Beside it, exactly the CLI's own
# layer: the settings record, the exception types and exit codes, printing, the `--json`
# shapes and the version. The pipeline, the stores, the conversation rules and the server
# (its runner, its client, its discovery file) are all reached through `api`.
CLI_MAY_IMPORT = {
    "trendqa.api",
    "trendqa.config",
    "trendqa.errors",
    "trendqa.render",
    "trendqa.serialize",
    "trendqa.__version__",
}
VERSION = "trendqa.__version__"


def cli_imports(tree: ast.Module, package: str = "trendqa.cli") -> set[str]:
    """The trendqa modules (and, for `from trendqa import x`, trendqa.x) a module imports,
    relative imports resolved, those of the CLI itself left out."""
    names: set[str] = set()
    for node in ast.walk(tree):  # TYPE_CHECKING blocks and function bodies included
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: `from .. import x` in trendqa.cli is trendqa's x
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*parts, node.module] if node.module else parts)
            else:
                module = node.module or ""
            if module == "trendqa":  # `from trendqa import x`: x may be a module
                names.update(f"trendqa.{alias.name}" for alias in node.names)
            else:
                names.add(module)
    return {n for n in names if n.split(".")[0] == "trendqa" and not n.startswith("trendqa.cli")}


def test_the_cli_reaches_the_library_only_through_api() -> None:
    seen: dict[str, set[str]] = {}
    for path in sorted(CLI_DIR.glob("*.py")):
        for name in cli_imports(ast.parse(path.read_text(encoding="utf-8"))):
            seen.setdefault(name, set()).add(path.name)
    assert "trendqa.api" in seen
    assert {name: files for name, files in seen.items() if name not in CLI_MAY_IMPORT} == {}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from trendqa.conversation import standalone", {"trendqa.conversation"}),
        ("def f():\n    from trendqa.server.run import serve", {"trendqa.server.run"}),
        ("if TYPE_CHECKING:\n    from trendqa.store import IndexMeta", {"trendqa.store"}),
        ("import trendqa.retrieval", {"trendqa.retrieval"}),
        ("from trendqa import conversation, __version__", {"trendqa.conversation", VERSION}),
        ("from .. import stores", {"trendqa.stores"}),
        ("from ..server.client import ServerClient", {"trendqa.server.client"}),
        ("from .backend import open_answers", set()),
        ("from trendqa.cli.env import Env", set()),
    ],
)
def test_the_layering_check_sees_every_form_of_import(source: str, found: set[str]) -> None:
    assert cli_imports(ast.parse(source)) == found
    assert found - CLI_MAY_IMPORT == found - {VERSION}  # the library's logic is refused


def test_api_is_light_to_import() -> None:
    """The thin client reaches the server through `api`: importing it loads no pipeline."""
    code = (
        "import sys, trendqa.api\n"
        "heavy = ('torch', 'numpy', 'jieba', 'faiss', 'rich', 'llama_cpp', 'trendqa.answer')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_command_collects_garbage_rarely_and_not_at_exit() -> None:
    """The console script raises the collector's threshold before the heavy imports and
    freezes what is alive before the interpreter's final walk over it."""
    code = (
        "import atexit, gc, sys\n"
        "from trendqa.cli import main\n"
        "atexit.register(lambda: print(gc.get_threshold()[0], gc.get_freeze_count() > 0))\n"
        "sys.argv = ['trendqa', '--version']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == ExitStatus.OK, done.stderr
    assert done.stdout.split() == [__version__, str(GC_THRESHOLD), "True"]
