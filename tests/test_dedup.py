"""Folding near-duplicate passages across (and within) documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import SECTIONS, trends_text
from trendqa.chunking import chunk_document
from trendqa.dedup import fold_duplicates
from trendqa.records import Chunk, DocumentMeta, SourceDocument


def chunks_of(name: str, text: str) -> list[Chunk]:
    doc = SourceDocument(name, Path(name), text, "", DocumentMeta(name.upper()))
    return chunk_document(doc, size=300, overlap=45)


def test_distinct_documents_fold_nothing() -> None:
    a = chunks_of("a.md", trends_text(["人工智能", "量子计算"]))
    b = chunks_of("b.md", trends_text(["合成生物学", "芯片"]))
    kept, folded = fold_duplicates([a, b])
    assert kept == [*a, *b]
    assert folded == {}


def test_partial_copy_with_other_widths_and_spacing_folds_into_the_full_document() -> None:
    full = chunks_of("full.md", trends_text())
    preview_text = trends_text(["人工智能", "量子计算"]).replace("，", ",").replace("。", "。 ")
    preview = chunks_of("preview.md", preview_text)
    # The copy comes first: the larger document is kept whatever the order.
    kept, folded = fold_duplicates([preview, full])
    assert [c.doc for c in kept] == ["full.md"] * len(full)
    assert [c.text for c in kept] == [c.text for c in full]
    assert folded == {"preview.md": len(preview)}
    by_heading = {c.heading: c for c in kept}
    for chunk in preview:
        host = by_heading[chunk.heading]  # folded into the passage it copies
        assert host.also_in == (chunk.location,)
        assert host.docs == ("full.md", "preview.md")
    assert sum(len(c.also_in) for c in kept) == len(preview)


def test_partly_copied_passage_is_kept() -> None:
    full = chunks_of("full.md", trends_text())
    # Half of this passage is new: not a duplicate.
    mixed = (
        SECTIONS["芯片"]
        + "另有研究指出，光子计算和存算一体架构也在快速发展，可能改变数据中心的能耗结构。"
    )
    other = chunks_of("other.md", mixed)
    kept, folded = fold_duplicates([full, other])
    assert folded == {}
    assert other[0] in kept


def test_exact_repeat_inside_one_document_is_stored_once() -> None:
    base = chunks_of("r.txt", SECTIONS["量子计算"])[0]
    later = replace(base, location=replace(base.location, start=900, end=900 + len(base.text)))
    kept, folded = fold_duplicates([[base, later]])
    assert kept == [replace(base, also_in=(later.location,))]
    assert folded == {"r.txt": 1}


def test_empty_input() -> None:
    assert fold_duplicates([]) == ([], {})
    assert fold_duplicates([[]]) == ([], {})
