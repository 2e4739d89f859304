"""Write the synthetic PDF fixtures of tests/data (run from the repository root).

Each reproduces faults seen in real PDFs (see tests/data/README.md), drawn with
reportlab so the fault is known exactly: look-alike code points, running heads drawn
twice, slug lines, printed page numbers that differ from physical pages, a page of
GBK-as-cp1252 mojibake, a scanned page, words hyphenated at line ends, a wrapped
table cell. The texts are written for these tests; the figures in them are examples.
Output is deterministic (reportlab's invariant mode), so re-running changes nothing.

    python tests/data/make_fixtures.py
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent
SONG = "STSong-Light"  # ships with reportlab, not embedded: a few kB per file
MSUNG = "MSung-Light"  # its Traditional-Chinese sibling

# Compatibility ideographs a Traditional-Chinese handbook extracts with (U+F900 block).
COMPAT = dict(
    zip(
        "量度契年數料理利行金",
        "\uf97e\ufa01\uf909\uf98e\uf969\uf9be\uf9e4\uf9dd\ufa08\uf90a",
        strict=True,
    )
)
# Kangxi radicals and radicals-supplement forms a mind-map export extracts with.
RADICALS = dict(
    zip("心用长见门车一人大方工行生子入力角", "⼼⽤⻓⻅⻔⻋⼀⼈⼤⽅⼯⾏⽣⼦⼊⼒⻆", strict=True)
)


def lookalike(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


def write(name: str, pages: Sequence[Sequence[tuple[str, str]]], title: str) -> Path:
    """A PDF of `pages`, each a list of (font, line) drawn top-down."""
    path = HERE / name
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setTitle(title)
    for lines in pages:
        for row, (font, line) in enumerate(lines):
            pdf.setFont(font, 10.5)
            pdf.drawString(48, 790 - 16 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def page(head: str | None, body: Sequence[str], foot: Sequence[str], font: str) -> list:
    """Running head, body and foot lines; the foot is pushed to the bottom of the page."""
    lines = ([(font, head)] if head else []) + [(font, b) for b in body]
    lines += [(font, "")] * max(0, 44 - len(lines) - len(foot))
    return lines + [(font, f) for f in foot]


HANDBOOK_BODY = [
    [
        "第一章 土地登記",
        "土地登記案件之審查期限為收件後七個工作日，補正期間不計入。",
        "逾期申請登記者，每逾一個月處應納登記費額一倍之罰鍰，最高以二十倍為限。",
        "土地買賣契約書應於訂約之日起三十日內申報移轉現值。",
    ],
    [
        "第二章 地價與稅捐",
        "地價稅之基本稅率為千分之十，自用住宅用地按千分之二計徵。",
        "公告土地現值每年一月一日公告一次，作為土地移轉時課徵土地增值稅之依據。",
        "土地增值稅之稅率分為百分之二十、百分之三十及百分之四十三級。",
    ],
    [
        "第三章 地籍測量",
        "土地複丈費用每筆每公頃新臺幣四千元，不足一公頃者以一公頃計。",
        "民國一一二年本市辦理市地重劃面積計三百二十公頃。",
        "測量成果應於實地測量完成後十五日內送交登記機關。",
    ],
]


def handbook() -> Path:
    """Traditional Chinese, compatibility ideographs, a head drawn twice, slug lines, p. labels."""
    pages = [
        page(None, ["地政業務手冊", "民國一一二年版"], [], MSUNG),
        page(
            None,
            ["目錄", "第一章 土地登記 1", "第二章 地價與稅捐 2", "第三章 地籍測量 3"],
            [],
            MSUNG,
        ),
    ]
    for number, body in enumerate(HANDBOOK_BODY, start=1):
        foot = [f"- {number} -", f"dizheng_handbook.indd {number + 2} 2023/3/1 10:15:3{number}"]
        text = [lookalike(line, COMPAT) for line in body]
        pages.append(page("地政業務手冊地政業務手冊", text, foot, MSUNG))
    return write("zh_land_handbook.pdf", pages, "地政業務手冊")


MINDMAP = [
    "数据中心用电与算力布局",
    "东数西算工程规划了八个国家算力枢纽节点和十个国家数据中心集群。",
    "二〇二三年全国数据中心用电量约为一千五百亿千瓦时，占全社会用电量的百分之一点六。",
    "液冷技术可将数据中心的电能利用效率（PUE）降至一点一五以下。",
    "预计到二〇二五年，智能算力在总算力中的占比将达到百分之三十五。",
    "人工智能大模型训练用电长期增长，需要电网与数据中心协同规划。",
    "常见方案：风光储一体化供电、余热回收用于园区供暖、算力随电力价格调度。",
]


def mindmap() -> Path:
    """A mind-map export: Kangxi radicals and radicals-supplement forms for common characters."""
    lines = [(SONG, lookalike(line, RADICALS)) for line in MINDMAP]
    return write("zh_datacenter_mindmap.pdf", [lines], "数据中心用电与算力布局")


QUARTERLY_TABLE = [
    "华东智能装备股份有限公司 2024年第三季度报告",
    "一、主要财务数据 单位：万元",
    "项目 本报告期 上年同期 增减",
    "营业收入 125,430.6 108,215.2 15.91%",
    "归属于上市公司股东的净利润 18,602.3 15,117.9 23.05%",
    "经营活动产生的现金流量净额 9,871.4 -2,306.5 不适用",
    "二、前十名股东持股情况",
    "股东名称 持股比例 持股数量（股）",
    "华东科技投资集团有限公司 32.15% 412,560,000",
    "上海浦江创业投资合伙企业（有限 8.02% 102,910,000",
    "合伙）",
    "全国社保基金一一三组合 3.47% 44,530,000",
]
# Drawn in a Latin-1 font from its GBK bytes: what a CJK font without a ToUnicode map gives.
QUARTERLY_GARBLED = [
    "三、经营情况讨论与分析",
    "第三季度公司新签订单金额为八点六亿元，同比增长百分之四十二。",
    "研发投入占营业收入的比例为百分之十一点三，较上年同期提高二个百分点。",
    "海外业务收入占比提升至百分之二十七，主要来自东南亚市场。",
]


def quarterly() -> Path:
    """A table with a wrapped cell, a mojibake page (GBK read as cp1252), a scanned page."""
    garbled = [("Helvetica", line.encode("gbk").decode("cp1252")) for line in QUARTERLY_GARBLED]
    text_pdf = write(
        "zh_quarterly_report.pdf",
        [[(SONG, line) for line in QUARTERLY_TABLE], garbled],
        "华东智能装备2024年第三季度报告",
    )
    writer = PdfWriter(clone_from=PdfReader(text_pdf))
    writer.add_page(PdfReader(_scanned_page()).pages[0])
    writer.add_metadata({"/Producer": "trendqa tests/data/make_fixtures.py"})
    with text_pdf.open("wb") as handle:
        writer.write(handle)
    return text_pdf


def _scanned_page() -> io.BytesIO:
    """A page holding only an image of 'text' (grey bars), as a scanner writes it."""
    image = Image.new("L", (300, 400), color=255)
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.rectangle((20, 20 + 30 * row, 280 - 15 * (row % 3), 32 + 30 * row), fill=90)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.drawImage(ImageReader(image), 48, 300, width=300, height=400)
    pdf.showPage()
    pdf.save()
    out.seek(0)
    return out


BRIEF = [
    [
        "Regional Grid Brief",
        "Spring 2024",
    ],
    [
        "1. Storage",
        "Utility-scale battery storage capacity in the region reached 4.2 gigawatts at the",
        "end of 2023, up from 2.6 gigawatts a year earlier. Most new projects pair batteries",
        "with solar farms and are sized for four hours of discharge. The regulator's infra-",
        "structure review found that storage deferred two planned substation upgrades.",
    ],
    [
        "2. Transmission",
        "The northern transmission upgrade will cost an estimated 1.8 billion dollars and is",
        "scheduled for completion in 2027. It adds 900 kilometres of high-voltage lines; the",
        "trans-",
        "mission operator expects congestion costs to fall by about a third once it is built.",
        "Peak demand grew by 6 percent between 2021 and 2023, driven by data centres and heat",
        "pumps; the brief's forecast assumes a further 9 percent by 2030.",
    ],
    [
        "3. Outlook",
        "Interconnection requests now wait a median of 34 months. The brief recommends a",
        "cluster study process, as adopted by two neighbouring operators in 2022, and an",
        "annual publication of hosting capacity maps for distribution feeders.",
    ],
]


def brief() -> Path:
    """English, hyphenated words at line ends, a running foot, /PageLabels (cover is 'i')."""
    pages = [page(None, BRIEF[0], [], "Helvetica")]
    for number, body in enumerate(BRIEF[1:], start=1):
        foot = ["Regional Grid Brief | Spring 2024", f"{number}"]
        pages.append(page(None, body, foot, "Helvetica"))
    path = write("en_grid_brief.pdf", pages, "Regional Grid Brief, Spring 2024")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.set_page_label(0, 0, style="/r")
    writer.set_page_label(1, len(pages) - 1, style="/D", start=1)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def main() -> int:
    pdfmetrics.registerFont(UnicodeCIDFont(SONG))
    pdfmetrics.registerFont(UnicodeCIDFont(MSUNG))
    for path in (handbook(), mindmap(), quarterly(), brief()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
