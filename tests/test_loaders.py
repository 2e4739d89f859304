"""Loaders: discovery, manifests, text encodings, PDFs and every way an input can be bad."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from trendqa.api import ingest_paths
from trendqa.config import Settings
from trendqa.errors import InputError
from trendqa.loaders import PasswordError, discover, load_file, read_manifest, read_passwords
from trendqa.loaders.pdf import NEEDS_CRYPTOGRAPHY, NEEDS_PASSWORD, READ_UP_TO_CUT, WRONG_PASSWORD
from trendqa.loaders.quality import NO_TEXT, RECOVERED, UNMAPPED
from trendqa.loaders.repair import dehyphenate, join_wrapped_cells
from trendqa.records import DocumentMeta, FileReport, PageFlag, Skipped, TextQuality
from trendqa.store import read_meta
from trendqa.testing import FakeEmbedderLoader
from trendqa.textnorm import contains

PdfMaker = Callable[..., Path]  # the `make_pdf` fixture

# --- manifest ---------------------------------------------------------------


def test_read_manifest_missing_is_empty(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == {}


def test_read_manifest_parses_documents(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "a.txt"\ntitle = "甲报告"\npublisher = "某研究院"\n'
        'year = 2024\nsource = "https://example.org/a.pdf"\n\n'
        '[[document]]\nfile = "./sub/b.pdf"\ntitle = "乙报告"\n',
        encoding="utf-8",
    )
    manifest = read_manifest(tmp_path)
    assert manifest == {
        "a.txt": DocumentMeta("甲报告", "某研究院", 2024, "https://example.org/a.pdf"),
        "sub/b.pdf": DocumentMeta("乙报告"),
    }


def test_manifest_passwords_are_kept_apart_from_labels(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "a.pdf"\ntitle = "甲"\npassword = "secret"\n\n'
        '[[document]]\nfile = "b.pdf"\ntitle = "乙"\n',
        encoding="utf-8",
    )
    assert read_manifest(tmp_path)["a.pdf"] == DocumentMeta("甲")
    assert read_passwords(tmp_path) == {"a.pdf": "secret"}


@pytest.mark.parametrize(
    "content",
    [
        "[[document]\nfile = ",  # not TOML
        '[[document]]\nfile = "a.txt"\n',  # no title
        '[[document]]\nfile = "a.txt"\ntitle = "T"\nyear = "2024"\n',  # year not an integer
        '[[document]]\nfile = "a.txt"\ntitle = "T"\ntitel = "typo"\n',  # unknown key
        'document = "a.txt"\n',  # not tables
    ],
)
def test_read_manifest_rejects_bad_content(tmp_path: Path, content: str) -> None:
    (tmp_path / "manifest.toml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="manifest.toml"):
        read_manifest(tmp_path)


# --- discover ---------------------------------------------------------------


def _touch(path: Path, text: str = "内容") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_expands_folders_sorted_without_hidden_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in ["b.txt", "A.md", "sub/c.PDF", ".hidden.txt", ".git/x.txt", "notes.docx"]:
        _touch(root / name)
    _touch(root / "manifest.toml", "")
    found, skipped = discover([root])
    assert [(doc, base) for _path, doc, base in found] == [
        ("A.md", root),
        ("b.txt", root),
        ("sub/c.PDF", root),
    ]
    assert all(path == root / doc for path, doc, _base in found)
    assert skipped == []  # unsupported files inside a folder are not worth a warning


def test_discover_files_missing_paths_and_unsupported_types(tmp_path: Path) -> None:
    report = _touch(tmp_path / "deep" / "r.txt")
    docx = _touch(tmp_path / "r.docx")
    missing = tmp_path / "nope.pdf"
    found, skipped = discover([report, missing, docx])
    assert found == [(report, "r.txt", report.parent)]
    assert skipped[0] == Skipped(str(missing), "no such file or directory")
    assert skipped[1].path == str(docx)
    assert "unsupported file type '.docx'" in skipped[1].reason


def test_discover_lists_a_file_named_twice_once(tmp_path: Path) -> None:
    report = _touch(tmp_path / "r.txt")
    found, _ = discover([tmp_path, report])
    assert [doc for _p, doc, _r in found] == ["r.txt"]


# --- text files -------------------------------------------------------------


def test_load_utf8_records_hash_and_title(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    data = "> 来源\n\n# 2023年十大科技趋势\n\n正文。\n".encode()
    path.write_bytes(data)
    doc = load_file(path, "r.md")
    assert (doc.doc, doc.path, doc.encoding, doc.pages) == ("r.md", path, "utf-8", ())
    assert doc.text == data.decode()
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.title == "2023年十大科技趋势"  # the first Markdown heading wins


def test_load_utf8_bom_is_stripped_and_crlf_normalised(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "标题\r\n正文。\r\n".encode())
    doc = load_file(path, "bom.txt")
    assert doc.text == "标题\n正文。\n"
    assert doc.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_load_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "u16.txt"
    body = "量子计算报告\r\n算力提升。\r\n"
    data = body.encode(codec) if codec == "utf-16" else b"\xfe\xff" + body.encode(codec)
    path.write_bytes(data)
    doc = load_file(path, "u16.txt")
    assert doc.text == "量子计算报告\n算力提升。\n"
    assert doc.encoding == "utf-16"


def test_load_gbk(gbk_text: Path) -> None:
    doc = load_file(gbk_text, "gbk.txt")
    assert doc.encoding == "gb18030"
    assert doc.text == "人工智能发展白皮书\n\n一、引言\n人工智能正在改变世界。深圳走在前列。\n"
    assert doc.title == "人工智能发展白皮书"  # the first short line


def test_manifest_title_wins_and_stem_is_the_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "long_report.txt"
    path.write_text("这是一句很长的正文，" * 10 + "\n", encoding="utf-8")
    assert load_file(path, "long_report.txt").title == "long_report"
    meta = DocumentMeta("正式标题", year=2024)
    assert load_file(path, "long_report.txt", meta).meta is meta


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\r\n\t", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
        (bytes(range(1, 9)) * 200, "binary file"),  # control characters, no NUL
        (b"abc \x80 def", "cannot decode"),  # invalid in UTF-8 and GB18030
        (b"\x81\x30\x81\x30" * 50, "cannot decode"),  # valid GB18030, but C1 mojibake
    ],
)
def test_bad_text_files_raise_input_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=reason):
        load_file(path, "bad.txt")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever the mode"
)
def test_unreadable_file_raises_input_error(tmp_path: Path) -> None:
    path = _touch(tmp_path / "secret.txt")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load_file(path, "secret.txt")
    finally:
        path.chmod(0o644)


# --- PDF --------------------------------------------------------------------


def test_load_two_page_chinese_pdf(two_page_pdf: Path) -> None:
    doc = load_file(two_page_pdf, "report.pdf")
    assert doc.title == "测试报告"  # from the PDF metadata
    assert [span.page for span in doc.pages] == [1, 2]
    first, second = (doc.text[s.start : s.end] for s in doc.pages)
    assert "第一章 人工智能发展趋势" in first and "大模型正在走向多模态。" in first
    assert "量子计算与高性能计算加速融合，算力提升65.4%。" in second
    assert doc.text == first + "\n\n" + second
    assert doc.page_at(doc.text.index("量子计算与")) == 2
    assert doc.sha256 == hashlib.sha256(two_page_pdf.read_bytes()).hexdigest()


def test_pdf_without_metadata_title_is_titled_from_its_text(make_pdf: PdfMaker) -> None:
    path = make_pdf([["数字科技前沿应用趋势", "正文。"]])  # reportlab writes "untitled"
    assert load_file(path, "report.pdf").title == "数字科技前沿应用趋势"


def _encrypted(source: Path, user_password: str, algorithm: str = "RC4-128") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_needs_password(two_page_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted(two_page_pdf, "secret"))
    with pytest.raises(PasswordError, match="encrypted PDF needs a password .* manifest.toml"):
        load_file(path, "locked.pdf")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_opens_with_its_password(
    two_page_pdf: Path, tmp_path: Path, algorithm: str
) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted(two_page_pdf, "secret", algorithm))
    assert "大模型正在走向多模态" in load_file(path, "locked.pdf", password="secret").text
    with pytest.raises(PasswordError, match="wrong password"):
        load_file(path, "locked.pdf", password="guess")


def test_aes_pdf_without_cryptography_says_what_to_install(
    two_page_pdf: Path, tmp_path: Path
) -> None:
    path = tmp_path / "aes.pdf"
    path.write_bytes(_encrypted(two_page_pdf, "secret", "AES-256"))
    # A fresh interpreter where `cryptography` cannot be imported, as on a bare install.
    script = (
        "import sys; sys.modules['cryptography'] = None; sys.modules['Crypto'] = None\n"
        "from pathlib import Path\nfrom trendqa.errors import InputError\n"
        "from trendqa.loaders import load_file\n"
        "try:\n    load_file(Path(sys.argv[1]), 'aes.pdf', password='secret')\n"
        "except InputError as exc:\n    print(exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env
    )
    assert done.stdout.strip() == NEEDS_CRYPTOGRAPHY, done.stderr


def test_pdf_encrypted_with_empty_password_is_read(two_page_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "open.pdf"
    path.write_bytes(_encrypted(two_page_pdf, ""))
    assert "大模型正在走向多模态" in load_file(path, "open.pdf").text


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match=r"no text layer .*\(scanned\?\) — OCR it first"):
        load_file(path, "scan.pdf")


@pytest.mark.parametrize("keep", [0.5, 0.95, 0.1])
def test_truncated_pdf_says_so_quietly(
    two_page_pdf: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], keep: float
) -> None:
    data = two_page_pdf.read_bytes()
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match="truncated PDF .* download it again") as raised:
        load_file(path, "broken.pdf")
    assert "\n" not in str(raised.value)
    assert capfd.readouterr() == ("", "")  # pypdf's own warnings are silenced


def _xref_first_pdf(pages: list[str]) -> bytes:
    """A PDF whose cross-reference table and trailer come first, as a linearized ("fast
    web view") file's first-page section does: cut short, it still opens, and the pages
    whose objects lie before the cut still read."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(pages))), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        stream = b"BT /F1 11 Tf 72 720 Td (%s) Tj ET" % text.encode("ascii")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    size = len(objects) + 1
    header = b"%PDF-1.4\n"
    xref_length = len(b"xref\n0 %d\n" % size) + 20 * size
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, len(header))
    body, offsets = b"", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(header) + xref_length + len(trailer) + len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return header + xref + trailer + body + b"startxref\n%d\n%%%%EOF\n" % len(header)


def test_a_truncated_pdf_read_up_to_the_cut_is_warned_about_as_a_whole(tmp_path: Path) -> None:
    pages = [
        f"Page {n}: grid storage capacity reached {n}.2 gigawatts in 2023." for n in range(1, 41)
    ]
    data = _xref_first_pdf(pages)
    path = tmp_path / "whole.pdf"
    path.write_bytes(data)
    assert load_file(path, "whole.pdf").report().warnings == []
    # Cut inside page 30's text: pages 1-29 read, page 30 is damaged, 31-40 vanish unseen.
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: data.index(b"(Page 30:") + 20])
    doc = load_file(path, "cut.pdf")
    assert "Page 29: grid storage" in doc.text and "Page 30" not in doc.text
    assert (doc.quality.pages, doc.quality.pages_with_text) == (30, 29)
    assert doc.report().warnings == [READ_UP_TO_CUT, "page 30: page could not be read (damaged)"]
    # A real file cut in its last revision reads all its pages: only the note says so.
    data = (DATA / "federal-register-2020-17221.pdf").read_bytes()
    path.write_bytes(data[: int(len(data) * 0.9)])
    doc = load_file(path, "cut.pdf")
    assert (doc.quality.pages_with_text, doc.quality.flagged) == (15, ())
    assert doc.report().warnings == [READ_UP_TO_CUT]


def test_damaged_pdf_is_not_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")
    with pytest.raises(InputError, match=r"^damaged PDF \("):
        load_file(path, "damaged.pdf")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("这不是 PDF 文件。".encode(), "not a PDF: the file is plain text (rename it to .txt?)"),
        (b"<!DOCTYPE html><html><body>404</body></html>", "not a PDF: an HTML page"),
        (b"PK\x03\x04" + bytes(range(200)), "not a PDF: a ZIP archive"),
        (b"HN\x00\x01" + bytes(range(200)), "not a PDF: a CNKI CAJ file"),
        (b"", "empty file"),
    ],
)
def test_files_named_pdf_that_are_not_pdfs(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"^{re.escape(reason)}"):
        load_file(path, "fake.pdf")


# --- look-alike characters, unusable pages, labels ---------------------------

LOOKALIKES = "測\uf97e與\uf9b4：⽤户⼦公司⻅面，⻓期⻆色，ﬁnance。"


def test_lookalike_characters_are_folded_in_the_stored_text(make_pdf: PdfMaker) -> None:
    path = make_pdf([["第一章 總則", LOOKALIKES]])
    raw = PdfReader(path).pages[0].extract_text()
    assert "\uf97e" in raw and "⽤" in raw and "⻅" in raw and "ﬁ" in raw  # the fault is real
    doc = load_file(path, "handbook.pdf")
    assert "測量與領：用户子公司见面，长期角色，finance。" in doc.text
    assert doc.quality.folded == 8
    # Quotes typed by a user (or a model) verify against the stored text.
    assert contains(doc.text, "用户子公司") and contains(doc.text, "长期角色")
    assert doc.report().chars_folded == 8


def test_text_files_fold_lookalikes_too(tmp_path: Path) -> None:
    path = _touch(tmp_path / "r.txt", "⽤于⼦系统的\uf97e度。")
    doc = load_file(path, "r.txt")
    assert doc.text == "用于子系统的量度。"
    assert doc.quality == TextQuality(folded=3)


def _cp1252_mojibake(chinese: str) -> str:
    """What a CJK font without a ToUnicode map extracts as: GBK bytes read as cp1252."""
    return chinese.encode("gbk").decode("cp1252")


MOJIBAKE_SOURCE = "基因工程与数据中心建设规模持续扩大，产业政策支持力度增强。"


def _latin_page_pdf(tmp_path: Path, pages: list[list[str]], name: str) -> Path:
    """A PDF whose pages are drawn in Helvetica (a Latin-1 font), or STSong when Chinese."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / name
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        for row, line in enumerate(lines):
            font = "STSong-Light" if re.search("[\u4e00-\u9fff]", line) else "Helvetica"
            pdf.setFont(font, 11)
            pdf.drawString(40, 800 - 16 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def test_gbk_mojibake_page_is_recovered_and_flagged(tmp_path: Path) -> None:
    garbled = _cp1252_mojibake(MOJIBAKE_SOURCE)
    path = _latin_page_pdf(
        tmp_path, [["第一章 总论", "产业规模持续扩大。"], [garbled]], "mixed.pdf"
    )
    assert PdfReader(path).pages[1].extract_text().strip() == garbled  # extracted as soup
    doc = load_file(path, "mixed.pdf")
    assert MOJIBAKE_SOURCE in doc.text and garbled not in doc.text
    assert doc.quality.flagged == (PageFlag(2, RECOVERED),)
    assert doc.report().warnings == [f"page 2: {RECOVERED}"]


def test_unrecoverable_mojibake_is_left_out_and_warned(tmp_path: Path) -> None:
    soup = 'Í¼ ! !"#$ ÁÂÃÄÅ ÆÇÈÉ ÊËÌÍ ÎÏÐÑ ÒÓÔÕ Ö×ØÙ'
    path = _latin_page_pdf(tmp_path, [["第一章 总论", "产业规模持续扩大。"], [soup]], "soup.pdf")
    doc = load_file(path, "soup.pdf")
    assert "ÁÂÃ" not in doc.text
    assert doc.quality.flagged == (PageFlag(2, UNMAPPED),)
    assert (doc.quality.pages, doc.quality.pages_with_text) == (2, 1)
    only_soup = _latin_page_pdf(tmp_path, [[soup], [soup]], "all-soup.pdf")
    with pytest.raises(InputError, match="no text layer on any of its 2 pages .*OCR"):
        load_file(only_soup, "all-soup.pdf")


def test_french_text_is_not_mojibake(tmp_path: Path) -> None:
    line = "Procès-verbal de la séance publique du comité de démolition, à Gatineau."
    path = _latin_page_pdf(tmp_path, [[line]], "fr.pdf")
    doc = load_file(path, "fr.pdf")
    assert line in doc.text and doc.quality.flagged == ()


def test_scanned_page_among_text_pages_is_warned(make_pdf: PdfMaker, tmp_path: Path) -> None:
    source = make_pdf([["第一章 总论", "正文第一页。"], ["第二章", "正文第三页。"]])
    writer = PdfWriter(clone_from=PdfReader(source))
    scan = PdfReader(_image_page(tmp_path)).pages[0]
    writer.insert_page(scan, 1)
    path = tmp_path / "with-scan.pdf"
    writer.write(path)
    doc = load_file(path, "with-scan.pdf")
    assert doc.report() == FileReport("with-scan.pdf", 3, 2, 1, 0, [f"page 2: {NO_TEXT}"])


def _image_page(tmp_path: Path) -> Path:
    """A one-page PDF holding only an image: what a scanner writes."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    image = tmp_path / "scan.png"
    Image.new("L", (40, 40), color=200).save(image)
    path = tmp_path / "scan-only.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(str(image), 40, 400, width=200, height=200)
    pdf.showPage()
    pdf.save()
    return path


def test_pdf_page_labels_are_kept(make_pdf: PdfMaker, tmp_path: Path) -> None:
    source = make_pdf([["封面"], ["目录"], ["正文第一页。"], ["正文第二页。"]])
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.set_page_label(0, 1, style="/r")
    writer.set_page_label(2, 3, style="/D", start=1)
    path = tmp_path / "labelled.pdf"
    writer.write(path)
    doc = load_file(path, "labelled.pdf")
    assert [s.label for s in doc.pages] == ["i", "ii", "1", "2"]


def test_printed_page_numbers_are_detected(make_pdf: PdfMaker) -> None:
    pages = [["封面"], ["目录"]] + [[f"第{n}节 正文内容。", f"- {n} -"] for n in range(1, 6)]
    doc = load_file(make_pdf(pages), "printed.pdf")
    assert [s.label for s in doc.pages] == [None, None, "1", "2", "3", "4", "5"]


def test_a_running_heads_page_number_labels_its_page(make_pdf: PdfMaker) -> None:
    # The Federal Register prints its page number only in its running head, on each page.
    def pages(head: str, foot: str = "") -> list[list[str]]:
        return [
            [
                head.format(n=47698 + n),
                f"第{n}节 正文内容，耕地保护面积为{n}万公顷。",
                foot.format(n=n),
            ]
            for n in range(1, 6)
        ]

    doc = load_file(make_pdf(pages("{n} 年度报告 / 第85卷 / 2020年8月6日")), "head.pdf")
    assert [s.label for s in doc.pages] == ["47699", "47700", "47701", "47702", "47703"]
    doc = load_file(make_pdf(pages("年度报告 / 第85卷 / 2020年8月6日 {n}")), "closing.pdf")
    assert [s.label for s in doc.pages] == ["47699", "47700", "47701", "47702", "47703"]
    # Numbers that do not step with the pages (a volume, a year) are no page numbers.
    doc = load_file(make_pdf(pages("2020 年度报告 / 第85卷 / 8")), "fixed.pdf")
    assert [s.label for s in doc.pages] == [None] * 5
    # A number printed alone wins: here it is the physical one, so no label is shown.
    doc = load_file(make_pdf(pages("{n} 年度报告 / 第85卷", "- {n} -")), "both.pdf")
    assert [s.label for s in doc.pages] == [None] * 5


def test_words_hyphenated_at_line_ends_are_joined_safely() -> None:
    text = "the infor-\nmation was a well-\nknown non-\nnormal case; a well-known fact.\n"
    assert dehyphenate(text) == (
        "the information\nwas a well-\nknown non-\nnormal case; a well-known fact.\n"
    )
    assert dehyphenate("Soekarno- \nHatta airport") == "Soekarno- \nHatta airport"


def test_text_quality_warnings_name_page_ranges() -> None:
    quality = TextQuality(
        pages=9, flagged=tuple(PageFlag(n, NO_TEXT) for n in (2, 3, 4, 7)) + (PageFlag(9, "x"),)
    )
    assert quality.warnings() == [f"pages 2-4, 7: {NO_TEXT}", "page 9: x"]


def test_folder_given_as_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read file: is a directory"):
        load_file(tmp_path, "folder.txt")


# --- through ingest: passwords and per-file counts ----------------------------


def test_ingest_opens_pdfs_with_manifest_or_settings_passwords(
    two_page_pdf: Path, tmp_path: Path, settings: Settings, fake_loader: FakeEmbedderLoader
) -> None:
    corpus = tmp_path / "shelf"
    corpus.mkdir()
    (corpus / "a.pdf").write_bytes(_encrypted(two_page_pdf, "alpha", "AES-128"))
    (corpus / "b.pdf").write_bytes(_encrypted(two_page_pdf, "beta"))
    first = ingest_paths(settings, [corpus], loader=fake_loader)
    assert {s.path: s.reason for s in first.skipped} == {
        "a.pdf": NEEDS_PASSWORD,
        "b.pdf": NEEDS_PASSWORD,
    }
    # Adding a password to the manifest is a change, though no file changed.
    (corpus / "manifest.toml").write_text(
        '[[document]]\nfile = "a.pdf"\ntitle = "甲"\npassword = "alpha"\n', encoding="utf-8"
    )
    second = ingest_paths(settings, [corpus], loader=fake_loader)
    assert not second.up_to_date
    assert {s.path: s.reason for s in second.skipped} == {"b.pdf": NEEDS_PASSWORD}
    alpha, beta = (settings.with_overrides(pdf_password=pw) for pw in ("alpha", "beta"))
    wrong = ingest_paths(alpha, [corpus], loader=fake_loader)
    assert {s.path: s.reason for s in wrong.skipped} == {"b.pdf": WRONG_PASSWORD}
    right = ingest_paths(beta, [corpus], loader=fake_loader)
    assert (right.documents, right.skipped) == (2, [])
    # Only what this run parsed is reported: a.pdf's chunks were reused from the index.
    assert [(f.path, f.pages, f.pages_with_text) for f in right.files] == [("b.pdf", 2, 2)]
    assert "beta" not in (settings.index_path / "CURRENT").read_text()
    assert "beta" not in json.dumps(read_meta(settings.index_path).to_dict())


# --- the committed fixtures (tests/data/README.md) -----------------------------

DATA = Path(__file__).parent / "data"


def test_wrapped_table_cell_rejoins_its_row_only_when_unambiguous() -> None:
    table = (
        "上海浦江创业投资合伙企业（有限 8.02% 102,910,000\n合伙）\n全国社保基金 3.47% 44,530,000"
    )
    assert join_wrapped_cells(table) == (
        "上海浦江创业投资合伙企业（有限合伙） 8.02% 102,910,000\n全国社保基金 3.47% 44,530,000"
    )
    for untouched in (
        "正文（见下\n表）",
        "甲（乙 1.5% 2,000\n丙 3.0%）",
        "甲（乙 1% 2%\n很长很长很长很长很长的一行说明）",
    ):
        assert join_wrapped_cells(untouched) == untouched


def test_fixture_quarterly_report_counts_and_warnings() -> None:
    doc = load_file(DATA / "zh_quarterly_report.pdf", "q.pdf")
    assert doc.report() == FileReport(
        "q.pdf", 3, 2, 2, 0, [f"page 2: {RECOVERED}", f"page 3: {NO_TEXT}"]
    )
    assert "研发投入占营业收入的比例为百分之十一点三" in doc.text


def test_fixture_handbook_and_mindmap_store_plain_characters() -> None:
    handbook = load_file(DATA / "zh_land_handbook.pdf", "h.pdf")
    mindmap = load_file(DATA / "zh_datacenter_mindmap.pdf", "m.pdf")
    assert handbook.quality.folded > 0 and mindmap.quality.folded > 0
    assert "民國一一二年本市辦理市地重劃面積" in handbook.text
    assert "人工智能大模型训练用电长期增长" in mindmap.text
    assert not re.search("[\u2e80-\u2fdf\uf900-\ufaff]", handbook.text + mindmap.text)


def test_fixture_brief_has_page_labels_and_joined_words() -> None:
    doc = load_file(DATA / "en_grid_brief.pdf", "b.pdf")
    assert [s.label for s in doc.pages] == ["i", "1", "2", "3"]
    assert "The regulator's infrastructure\n" in doc.text
    assert "the\ntransmission\noperator" in doc.text


def test_ingest_password_option_opens_one_encrypted_file(
    two_page_pdf: Path, tmp_path: Path, cli: Any
) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_encrypted(two_page_pdf, "secret", "AES-256"))
    refused = cli("ingest", str(locked), "--json")
    assert refused.code == 4
    assert refused.json_lines()[0]["skipped"] == [{"path": "locked.pdf", "reason": NEEDS_PASSWORD}]
    opened = cli("ingest", str(locked), "--password", "secret", "--json")
    assert opened.code == 0, opened.err
    assert opened.json_lines()[0]["files"][0]["pages"] == 2
    assert "secret" not in opened.out + opened.err
