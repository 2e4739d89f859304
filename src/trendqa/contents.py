"""A document's table of contents: where its lines are, and the chapter titles it lists.

An entry names a chapter and its page ("生成式 AI 十大展望\t8"). It states nothing the
chapter says, so it is never evidence; and the same title standing alone on a line
further on is that chapter's heading, however plainly it is written ("瞧，这些万亿巨头").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A table of contents' line: a heading, then leaders or a gap, then its page number
# ("三、\t中国人工智能发展概况\t19"). It lists the chapters, far from what they say.
_CONTENTS_LINE = re.compile(r"(?:\t|\.{2,}|…+|·{2,}| {2,})[\s.…·]*\d{1,4}\s*$")
_CONTENTS_MARK = re.compile(
    r"^\s*(?:目\s*录|contents|table of contents)\s*$", re.IGNORECASE | re.MULTILINE
)
_TITLE_LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]")
# Lines a run of table-of-contents entries needs when no "目录"/"Contents" line opens it.
_CONTENTS_RUN_BARE = 5
_MIN_RUN = 3
_LINE = re.compile(r"^.*$", re.MULTILINE)
_MAX_TITLE = 40  # characters: a longer line is body text
_SENTENCE_MARK = re.compile(r"[。！？；;!?，,：:]")


def contents_spans(text: str) -> list[tuple[int, int]]:
    """The `(start, end)` spans of `text`'s table-of-contents lines: a run of at least
    three lines that each end in a page number after a gap or leaders ("生成式 AI 十大
    展望\t8"), the numbers never falling — under a "目录"/"Contents" line, or five or more
    in a row. (A table's rows rarely both carry a title and grow in order.)"""
    spans: list[tuple[int, int]] = []
    run: list[tuple[int, int, int]] = []
    marked = False

    def close() -> None:
        if len(run) >= _MIN_RUN and (marked or len(run) >= _CONTENTS_RUN_BARE):
            spans.extend((a, b) for a, b, _page in run)
        run.clear()

    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        m = _CONTENTS_LINE.search(line)
        title = line[: m.start()] if m else ""
        if m and len(_TITLE_LETTERS.findall(title)) >= 2:
            page = int(re.findall(r"\d+", m.group())[-1])
            if run and page < run[-1][2]:
                close()
            run.append((start, end, page))
            continue
        if line.strip():
            close()
            marked = marked or _CONTENTS_MARK.match(line) is not None
    close()
    return spans


def ends_in_page(line: str) -> bool:
    """Whether `line` ends as a contents entry does: a gap or leaders, then a page number."""
    return _CONTENTS_LINE.search(line) is not None


def title_key(line: str) -> str:
    """A title as compared between the contents and the body: spacing ignored."""
    return "".join(line.split())


def bare_contents(text: str) -> list[tuple[int, int]]:
    """The spans of a contents list without page numbers: the short lines under a
    "目录"/"Contents" line, up to the first that is not a title (a sentence, a long line)
    or that repeats one (the first chapter's own heading: the contents have ended)."""
    spans: list[tuple[int, int]] = []
    for mark in _CONTENTS_MARK.finditer(text):
        run: list[tuple[int, int]] = []
        seen: set[str] = set()
        for line in _LINE.finditer(text, mark.end()):
            stripped = line[0].strip()
            if not stripped:
                continue
            key = title_key(stripped)
            title = (
                len(stripped) <= _MAX_TITLE
                and len(_TITLE_LETTERS.findall(key)) >= 2
                and not _SENTENCE_MARK.search(stripped)
            )
            if not title or key in seen:
                break
            seen.add(key)
            run.append(line.span())
        if len(run) >= _MIN_RUN:
            spans.extend(run)
    return spans


def contents_entries(text: str) -> list[tuple[int, int]]:
    """The spans of every table-of-contents entry of `text`, with or without page numbers,
    in order."""
    return sorted({*contents_spans(text), *bare_contents(text)})


def contents_titles(
    text: str, entries: Sequence[tuple[int, int]] | None = None
) -> tuple[int, frozenset[str]]:
    """Where `text`'s tables of contents end, and the chapter titles they list (as
    `title_key`s): (0, none) without one. `entries`: `contents_entries(text)`, if known."""
    titles = set()
    end = 0
    for start, stop in contents_entries(text) if entries is None else entries:
        line = text[start:stop]
        m = _CONTENTS_LINE.search(line)
        key = title_key(line[: m.start()] if m else line)
        if len(_TITLE_LETTERS.findall(key)) >= 2:
            titles.add(key)
            end = max(end, stop)
    return end, frozenset(titles)


# Lines between two runs of contents entries that still belong to the contents: page
# breaks, the OCR of a logo or a publisher's imprint ("海 sh 深圳市…有限公司 SAIIA"), an
# entry whose page number was lost. A statement ends the contents.
_REGION_GAP = 24  # lines
_STATEMENT = re.compile(r"[。！？!?]|[a-z]{2}\.(?:\s|$)")
_STATEMENT_HAN = 40  # Han characters: a line of body length
_HAN = re.compile(r"[\u4e00-\u9fff]")


def contents_region(
    text: str, entries: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """The `(start, end)` spans of `text`'s tables of contents, each from its first entry
    to its last: runs of entries (`contents_spans`, `bare_contents`) joined across what
    lies between them — up to `_REGION_GAP` lines, none of them a statement (a sentence's
    end mark, or a line of body length in Han characters). An entry states nothing the
    chapter says, nor does the page furniture between entries: none of it is passage
    text. `entries`: `contents_entries(text)`, if known."""
    regions: list[list[int]] = []
    for start, end in contents_entries(text) if entries is None else entries:
        if regions:
            gap = text[regions[-1][1] : start]
            lines = gap.split("\n")[1:-1]
            if len(lines) <= _REGION_GAP and not any(
                _STATEMENT.search(line) or len(_HAN.findall(line)) >= _STATEMENT_HAN
                for line in lines
            ):
                regions[-1][1] = end
                continue
        regions.append([start, end])
    for region in regions:
        # The "目录"/"Contents" line heading the entries is theirs.
        mark = next(
            (
                m
                for m in _CONTENTS_MARK.finditer(text, 0, region[0])
                if not text[m.end() : region[0]].strip()
            ),
            None,
        )
        if mark is not None:
            region[0] = mark.start()
    return [(a, b) for a, b in regions]
