"""Shared fixtures: small real input files made by the tests themselves, and isolated state."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from models import (
    SERVER_INSTALL,
    SMOLLM2_INSTALL,
    llama_cpp_installed,
    llama_server_installed,
    smollm2_gguf,
)
from trendqa.config import Settings, load_settings
from trendqa.llm.llamacpp import LlamaCppGenerator
from trendqa.testing import FakeEmbedderLoader

PdfMaker = Callable[..., Path]

# Variables that would let a developer's own setup leak into a test.
_TRENDQA_VARS = (
    "TRENDQA_CORPUS",
    "TRENDQA_INDEX",
    "TRENDQA_MODELS",
    "TRENDQA_EMBEDDER",
    "TRENDQA_MODEL",
    "TRENDQA_LLM_URL",
    "TRENDQA_STORE",
    "TRENDQA_EMBED_URL",
    "TRENDQA_EMBED_MODEL",
    "TRENDQA_TRACEBACK",
    "NO_COLOR",
)


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """All state under tmp_path: trendqa's home, HOME, the Hugging Face caches; offline."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TRENDQA_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user" / ".cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setenv("SENTENCE_TRANSFORMERS_HOME", str(tmp_path / "hf" / "st"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    # Set here too (not only by trendqa.embedding.offline) so they are restored afterwards.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    for var in _TRENDQA_VARS:
        monkeypatch.delenv(var, raising=False)
    yield home


@pytest.fixture
def fake_loader() -> FakeEmbedderLoader:
    """An embedder loader handing out FakeEmbedders, counting loads and texts embedded."""
    return FakeEmbedderLoader()


@pytest.fixture
def settings(isolated_state: Path) -> Settings:
    """Settings from the isolated environment, with the embedder folder named "fake"."""
    return load_settings({**os.environ, "TRENDQA_EMBEDDER": "fake"})


# Six short sections on distinct topics, so searches have one right answer.
SECTIONS = {
    "人工智能": "人工智能大模型正在走向多模态，文本、图像和语音被统一建模。"
    "算力需求持续增长，训练一个千亿参数模型需要数千张加速卡。",
    "量子计算": "量子计算与高性能计算加速融合，超导量子比特数量逐年增加。"
    "研究机构预计量子纠错将在2030年前后取得实用化突破。",
    "新能源汽车": "新能源汽车渗透率超过百分之三十，动力电池能量密度不断提升。"
    "固态电池被认为是下一代技术路线，多家车企计划在2027年前后装车。",
    "合成生物学": "合成生物学利用工程化方法改造微生物，生产药物、材料和食品原料。"
    "基因编辑工具的成本大幅下降，推动精准医疗走向临床。",
    "低空经济": "低空经济成为新的增长点，无人机物流和电动垂直起降飞行器在城市试点。"
    "空域管理和安全标准仍需完善。",
    "芯片": "芯片制造工艺逼近物理极限，先进封装和芯粒技术成为提升性能的重要途径。"
    "开源指令集架构在物联网领域快速普及。",
}


def trends_text(topics: Sequence[str] = tuple(SECTIONS)) -> str:
    """A Markdown report with one numbered section per topic."""
    numbers = "一二三四五六七八九十"
    parts = ["# 2024科技趋势报告", ""]
    for n, topic in enumerate(topics):
        parts += [f"## {numbers[n]}、{topic}", "", SECTIONS[topic], ""]
    return "\n".join(parts)


@pytest.fixture
def corpus(tmp_path: Path, two_page_pdf: Path, gbk_text: Path) -> Path:
    """A small Chinese corpus: a two-page PDF, a GBK text and a six-section Markdown report."""
    root = tmp_path / "corpus"
    root.mkdir()
    two_page_pdf.rename(root / "report.pdf")
    gbk_text.rename(root / "gbk.txt")
    (root / "trends.md").write_text(trends_text(), encoding="utf-8")
    return root


@dataclass
class CliResult:
    """What one run of the real CLI did."""

    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(fake_loader: FakeEmbedderLoader) -> CliRunner:
    """Run the real CLI in-process with the fake embedder; stdout and stderr kept apart."""
    from trendqa.cli import Env, run

    def invoke(
        *argv: str,
        stdin: str = "",
        environ: dict[str, str] | None = None,
        stderr_isatty: bool = False,
    ) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        env = Env(
            stdin=io.StringIO(stdin),
            stdout=out,
            stderr=err,
            stdout_isatty=False,
            stderr_isatty=stderr_isatty,
            environ={**os.environ, "TRENDQA_EMBEDDER": "fake", **(environ or {})},
            embedder_loader=fake_loader,
        )
        code = run(list(argv), env)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def make_pdf(tmp_path: Path) -> PdfMaker:
    """A factory writing a real PDF with a Chinese text layer, one list of lines per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    # A CID font ships with reportlab and is not embedded: no font file needed offline.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def make(
        pages: Sequence[Sequence[str]], name: str = "report.pdf", title: str | None = None
    ) -> Path:
        path = tmp_path / name
        pdf = canvas.Canvas(str(path))
        if title is not None:
            pdf.setTitle(title)
        for lines in pages:
            pdf.setFont("STSong-Light", 11)
            for row, line in enumerate(lines):
                pdf.drawString(40, 800 - 16 * row, line)
            pdf.showPage()
        pdf.save()
        return path

    return make


@pytest.fixture
def two_page_pdf(make_pdf: PdfMaker) -> Path:
    """A two-page Chinese report with a title in its metadata."""
    return make_pdf(
        [
            ["第一章 人工智能发展趋势", "大模型正在走向多模态。算力需求持续增长。"],
            ["第二章 量子计算", "量子计算与高性能计算加速融合，算力提升65.4%。"],
        ],
        title="测试报告",
    )


@pytest.fixture
def gbk_text(tmp_path: Path) -> Path:
    """A GBK-encoded text file with Windows line ends, as Chinese tools often write."""
    path = tmp_path / "gbk.txt"
    text = "人工智能发展白皮书\r\n\r\n一、引言\r\n人工智能正在改变世界。深圳走在前列。\r\n"
    path.write_bytes(text.encode("gbk"))
    return path


# --------------------------------------------------------------------------- question answering

QA_MARKET = """# 2024人工智能产业报告

## 一、市场规模

2024年中国人工智能核心产业规模达到727.2亿元，同比增长65.4%。全国人工智能企业数量超过3,072家，其中大模型企业约10K人从业。

## 二、算力

智能算力规模持续增长，国产加速卡出货量明显提升。数据中心的能耗问题引起关注。

## 三、低空经济

低空经济成为新的增长点，无人机物流在深圳等城市试点。空域管理和安全标准仍需完善。
"""
QA_EDGE = """# Edge AI Outlook

Edge AI chips shipped 1.2 million units in 2024, up 40% from 2023. Most went into cameras.

## Batteries

Solid-state battery pilot lines opened in Japan and Korea.
"""


@pytest.fixture
def qa_corpus(tmp_path: Path, two_page_pdf: Path) -> Path:
    """Reports with figures to answer from: Chinese and English Markdown, a two-page PDF."""
    root = tmp_path / "qa"
    root.mkdir()
    (root / "market.md").write_text(QA_MARKET, encoding="utf-8")
    (root / "edge.md").write_text(QA_EDGE, encoding="utf-8")
    two_page_pdf.rename(root / "report.pdf")
    return root


# --------------------------------------------------------------------------- small real models

GGUF = smollm2_gguf()
requires_gguf = pytest.mark.skipif(
    GGUF is None or not llama_cpp_installed(),
    reason=f"needs llama-cpp-python and the small test GGUF: {SMOLLM2_INSTALL}",
)
requires_server = pytest.mark.skipif(
    GGUF is None or not llama_server_installed(),
    reason=f"needs the small test GGUF and the server extras: {SERVER_INSTALL}",
)


def free_port() -> int:
    """A TCP port nothing listens on (just now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def smollm() -> Iterator[LlamaCppGenerator]:
    """SmolLM2 in-process, shared by the whole session."""
    assert GGUF is not None
    # One thread: on a shared 2-core machine, llama.cpp's second OpenMP thread competing
    # with any other busy process slows generation down 10-50x. No prefix reuse, so that
    # every reply depends only on its prompt, whatever the order the tests run in.
    gen = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, reuse_prefix=False)
    yield gen
    gen.close()


# llama.cpp's AMX kernels segfault on some CPUs (ggml-org/llama.cpp#20824) and the server has no
# switch for them, so the server runs behind the same workaround LlamaCppGenerator applies.
SERVER_SHIM = """
import runpy
import llama_cpp.llama_cpp as C

if b"AMX_INT8 = 1" in C.llama_print_system_info():
    default = C.llama_model_default_params

    def params():
        value = default()
        value.use_extra_bufts = False
        return value

    C.llama_model_default_params = params
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/v1/models", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"llama_cpp.server not ready after 60 s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of `python -m llama_cpp.server` serving SmolLM2 on a free port, for the session."""
    assert GGUF is not None
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    args = ["--model", str(GGUF), "--host", "127.0.0.1", "--port", str(port)]
    # One thread for prompts too (the server defaults n_threads_batch to all cores): see smollm.
    args += ["--n_ctx", "2048", "--n_threads", "1", "--n_threads_batch", "1"]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER_SHIM, *args], stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            start = time.perf_counter()
            wait_until_serving(url, process, log)
            sys.stderr.write(f"\nllama_cpp.server ready in {time.perf_counter() - start:.1f} s\n")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
