"""Loaders: discovery, manifests, text encodings, PDFs and every way an input can be bad."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from trendqa.errors import InputError
from trendqa.loaders import discover, load_file, read_manifest
from trendqa.records import DocumentMeta, Skipped

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


def _encrypted(source: Path, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_needs_password(two_page_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted(two_page_pdf, "secret"))
    with pytest.raises(InputError, match="encrypted PDF needs a password"):
        load_file(path, "locked.pdf")


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
    with pytest.raises(InputError, match=r"no text layer \(scanned\?\)"):
        load_file(path, "scan.pdf")


@pytest.mark.parametrize("keep", [0.5, 0.95, 0.1])
def test_truncated_pdf_is_corrupt_and_quiet(
    two_page_pdf: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], keep: float
) -> None:
    data = two_page_pdf.read_bytes()
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match="corrupt PDF") as raised:
        load_file(path, "broken.pdf")
    assert "\n" not in str(raised.value)
    assert capfd.readouterr() == ("", "")  # pypdf's own warnings are silenced


def test_text_renamed_pdf_is_corrupt(tmp_path: Path) -> None:
    path = _touch(tmp_path / "fake.pdf", "这不是 PDF 文件。")
    with pytest.raises(InputError, match="corrupt PDF"):
        load_file(path, "fake.pdf")


def test_folder_given_as_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read file: is a directory"):
        load_file(tmp_path, "folder.txt")
