"""Shared fixtures: small real input files made by the tests themselves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

PdfMaker = Callable[..., Path]


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
