"""Shared fixtures: small real input files made by the tests themselves, and isolated state."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from trendqa.config import Settings, load_settings
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

    def json_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines()]


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(fake_loader: FakeEmbedderLoader) -> CliRunner:
    """Run the real CLI in-process with the fake embedder; stdout and stderr kept apart."""
    from trendqa.cli import Env, run

    def invoke(*argv: str, stdin: str = "", environ: dict[str, str] | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        env = Env(
            stdin=io.StringIO(stdin),
            stdout=out,
            stderr=err,
            stdout_isatty=False,
            stderr_isatty=False,
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
