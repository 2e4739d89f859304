"""Split documents into overlapping, sentence-aligned passages that quote the source verbatim.

A document becomes chunks in three steps:

1. Lines are classified as blank, noise, headings, or body. Noise is page furniture:
   page numbers; in PDFs, lines that open or close most pages once digits are
   ignored ("47699 Federal Register / Vol. 85 …", a running head drawn twice) and
   producers' slug lines (InDesign's "… .indd 12 …", GPO's "VerDate … Jkt …").
2. Sections are runs of lines under one heading with no noise line inside. A heading
   starts a section; a noise line ends one, because chunk text is an exact slice of
   the source (citations quote it) and noise can only be kept out by not spanning it.
3. Each section's sentences are packed greedily into chunks of at most `size`
   characters, each starting with about `overlap` characters of the previous one's
   trailing sentences. Only a sentence longer than `size` is cut, into overlapping
   windows — unless it is a table row (`is_table_row`), which is kept whole however
   long: a cut row would cite its figures without the label they belong to.

Blank lines are paragraph breaks, not noise barriers: a chunk may contain them, since
splitting there would shred PDF-extracted text into fragments, and folding ignores them.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from trendqa.contents import contents_entries, contents_region, contents_titles, title_key
from trendqa.errors import InputError
from trendqa.furniture import edge_lines, furniture_key
from trendqa.records import Chunk, Location, SourceDocument
from trendqa.textnorm import PAGE_MARK, cjk_count, fold

# 2: page furniture, printed page labels; 3: wrapped English lines; 4: a paged document's
# repeated short lines are content unless they open or close most pages; 5: sub-numbered
# trend headings (趋势要点5.1:); 6: a chapter title the table of contents lists is a heading
# where it stands alone further on; 7: the table of contents, with the furniture between
# its entries, is no passage text; 8: BM25 tokens join a name to its number (GPT-3.5 is
# GPT3.5, as the reports write it); 9: an abbreviation's stop (U.S., Dr., Dec.) ends no
# sentence; 10: BM25 tokens know technology words jieba lacks (大模型, 算力: `DOMAIN_WORDS`);
# 11: a text file's repeated short lines are content (a timeline's dateline, a table's
# header row, a source line): without pages nothing tells them from a running head;
# 12: a line break inside a 《title》 closed on the next line is no sentence boundary;
# 13: nor is a hard-wrapped Chinese line's (a full line ending mid-sentence), nor an
# English line's that ends in a comma; 14: a wrapped English line goes on into a figure
# opening with its currency sign ("…cost per operator to be" / "$7,650 (…)"); 15: a line
# of any length ending in a lower-case word goes on into one opening in lower case (a
# passage that begins mid-line: "Send your" / "comments to an address…"); 16: a run of
# spaces between prose and a capitalised word ends a sentence whose stop the PDF's text
# lost ("…through the NICS   They do not represent…"); 17: a heading does not end in a
# stop after a lower-case word ("10 seconds." ends a footnote), and a table row broken
# over lines after an operator or before a figure cell and its leader is one sentence;
# 18: an English line does not go on into a page number below it ("Page 1 of 205"); 19: a
# sentence a page break cut goes on across the page's printed number ("…其" / "— 4 —" /
# "中，第 1-3 位…"); 20: a numbered English line that is prose is no heading (a footnote
# wrapped onto a lower-case line, "39 as follows:", "…airplanes. Since AD…")
CHUNKER_VERSION = "20"

_Span = tuple[int, int]  # (start, end) character offsets, end exclusive
_Group = tuple[int, int]  # (first, last) indices of the units making up one chunk
_Kind = Literal["blank", "noise", "page", "heading", "body"]

_MAX_HEADING = 40
_MIN_REPEATS = 3
_STRETCH = 1.3  # a chunk may grow to 1.3 x size rather than leave a tiny one behind
_OVERLAP_SLACK = 1.5  # "about overlap": one sentence slightly over it still repeats

# Sentence ends: CJK and ASCII terminators with the closing quotes/brackets after them;
# "." only after a Latin letter and before whitespace, so 3.14 and 65.4GFlops stay whole —
# and not the stop of an abbreviation: U.S., e.g., Dr., Inc., Dec. (the FAA's "cost on
# U.S. operators" is one sentence).
_ABBREVIATION = (
    r"(?<![A-Za-z]\.[A-Za-z])(?<!\b[A-Z])"
    r"(?<!\b(?:Mr|Ms|Dr|St|No|vs|Co|Jr|Sr|Nr))"
    r"(?<!\b(?:Mrs|Inc|Ltd|Fig|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Vol|Rev|Gen|Nos))"
    r"(?<!\b(?:Corp|Prof|Sept))"
)
# A figure ends an English sentence ("…was $6,205. The…", "…in 2023. Next…") when three
# digits or a percent sign stand before the stop and a capital or the end comes after it
# (a list's "1. " is no sentence).
_FIGURE_END = r"(?:(?<=\d\d\d)|(?<=%))\.(?=\s+[A-Z“\"(]|\s*$)"
# A run of spaces between two words of a line, the second capitalised, where some PDFs
# drew the stop their text extraction lost ("…through the NICS   They do not represent…").
_LOST_STOP = r"(?<=[A-Za-z0-9%)]) {2,}(?=[A-Z][a-z])"
_BOUNDARY = re.compile(
    rf"(?:[。！？；!?]+|(?<=[A-Za-z]){_ABBREVIATION}\.(?=\s|$)|{_FIGURE_END})"
    rf"[”’」』）)\"']*|\n|{_LOST_STOP}"
)
_SPACE_RUN = re.compile(r" {2,}")
# A table's figure cell: "18,870", "-2,306.5", "15.91%", "$6,205", "(1.2)"; a list's "1, 2,
# 3." is none. With a short label before it: "Up to $3,790".
FIGURE = r"[-–+(]?[$¥€£]?\d(?:[\d,.]*\d)?%?\)?"
_LABELLED_FIGURE = rf"(?:[A-Za-z][A-Za-z ]{{0,8}} )?{FIGURE}"
_SOFT_BREAK = re.compile(r"[，、,：:；;\s]")
# A line that is a page's number: a decorated one (`PAGE_MARK`), or a bare figure ("12",
# "3/20"), which may also be a table's row number.
_PAGE_NUMBER = re.compile(
    rf"[-–—]?\s*\d{{1,4}}\s*[-–—]?|\d+\s*[/／]\s*\d+|{PAGE_MARK.pattern}", re.IGNORECASE
)
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]+(?P<h>.+?)[ \t#]*")
_NUMERAL = "一二三四五六七八九十百零〇"
_HEADINGS = (
    re.compile(r"\*\*(?P<h>[^*]+?)(?:\*\*)?"),  # a bold line (PDF converters drop the closing **)
    re.compile(rf"(?P<h>[{_NUMERAL}]+、.+)"),  # 一、
    re.compile(rf"(?P<h>[（(][{_NUMERAL}]+[）)].+)"),  # （一）
    re.compile(rf"(?P<h>第[{_NUMERAL}\d]+[章节篇部].*)"),  # 第一章
    # 趋势一：, 趋势要点5.1:
    re.compile(rf"(?P<h>趋势(?:要点)?[{_NUMERAL}\d]+(?:\.\d{{1,2}})*\s*[：:].+)"),
    re.compile(r"(?P<h>\d{1,2}(?:\.\d{1,2})*(?:[.、．]\s*|\s+)(?=\D).+)"),  # 1. Title, 2.1 Title
)
_NOT_IN_HEADING = re.compile(r"[。！？；;!?]")
# A stop after a lower-case word ends a sentence, not a heading: "10 seconds." is the last
# line of a numbered footnote ("13 More than 10 degrees difference for more than").
_ENDS_SENTENCE = re.compile(r"[a-z]\.$")
# Lines printers and layout programs put on every page.
_SLUG = re.compile(r".*\.indd\s+\d+.*|VerDate\b.*\bJkt\b.*", re.IGNORECASE)
_FURNITURE_SHARE = 0.5  # ... when they recur on at least this share of pages (and 3)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # exclusive, before the "\n"
    kind: _Kind
    heading: str | None = None


@dataclass
class _Section:
    heading: str | None
    start: int
    end: int
    has_body: bool


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` into `text`, without surrounding whitespace.

    A line end is a boundary, except where an English sentence was wrapped: a line that
    ends in a word, figure or comma and a next line that opens in lower case (a PDF's
    column text, one visual line each). A run of spaces inside a line is one where a
    stop was lost between two stretches of prose (`_lost_stop`).
    """
    spans: list[_Span] = []
    start = 0
    columns = _Columns(text)
    resume = -1  # where a sentence goes on past a page's number the page break put in it
    for match in _BOUNDARY.finditer(text):
        if match.start() < resume:
            continue
        if match.group() == "\n":
            resume = _across_page(text, match.start(), columns)
            if resume >= 0:
                continue
        if match.group().startswith("  ") and not _lost_stop(text, match.start(), match.end()):
            continue
        if match.group() != "\n" and _row_goes_on(text, match.end()):
            continue
        if match.group() == "\n" and (
            _wrapped(text, match.start())
            or _inside_title(text, start, match.start())
            or _wrapped_chinese(text, match.start(), columns.at(match.start()))
        ):
            continue
        end = match.start() if match.group() == "\n" else match.end()
        _append_stripped(spans, text, start, end)
        start = match.end()
    _append_stripped(spans, text, start, len(text))
    return spans


def _across_page(text: str, newline: int, columns: _Columns) -> int:
    """Where the text goes on past the page's number below `newline` (blank lines around
    it skipped), when the sentence the page break cut goes on there ("…其" / "—  4  —" /
    "中，第 1-3 位…"): the line before the number wraps into the line after it as if they
    stood together. -1 otherwise."""
    lines = _NEXT_LINES.match(text, newline + 1)
    if lines is None or not PAGE_MARK.fullmatch(lines.group("mark").strip()):
        return -1
    resume = lines.end()
    # The two lines as if they stood together (only they are read: no copy of the text).
    line_start = text.rfind("\n", 0, newline) + 1
    next_end = text.find("\n", resume)
    joined = f"{text[line_start:newline]}\n{text[resume : len(text) if next_end < 0 else next_end]}"
    at = newline - line_start
    if _wrapped(joined, at) or _wrapped_chinese(joined, at, columns.at(newline)):
        return resume
    return -1


# The lines after a line end: blank ones, one that may be a page's number, blank ones.
_NEXT_LINES = re.compile(r"(?:[ \t\u00a0\u3000]*\n)*(?P<mark>[^\n]*)\n(?:[ \t\u00a0\u3000]*\n)*")


def _lost_stop(text: str, start: int, end: int) -> bool:
    """Whether the run of spaces `text[start:end]` stands where a stop was lost: prose on
    both sides, each longer than a table's cell (a table's cells are set apart by runs of
    spaces too)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = _SPACE_RUN.split(text[line_start:start])[-1]
    after = _SPACE_RUN.split(text[end : len(text) if line_end < 0 else line_end])[0]
    return len(before.strip()) > _MAX_CELL and len(after.strip()) > _MAX_CELL


_WRAP_BEFORE = re.compile(r"[A-Za-z0-9,;:()\-–]$")
_WRAP_AFTER = re.compile(r"[ \t]*[a-z]")


_WRAP_MIN_LINE = 20  # shorter lines are headings, labels, table cells


# A line of running text ending in a lower-case word goes on whatever the next line opens
# with ("The FAA estimates that this proposed" / "AD affects 73 airplanes"): a heading is
# short or capitalises its words, a sentence ends in a stop.
_WRAP_AFTER_ANY = re.compile(r"[ \t]*[A-Za-z0-9(“\"‘'$€£¥]")
_LAST_WORD_LOWER = re.compile(r"(?<![A-Za-z])[a-z]+$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_WRAP_MIN_WORDS = 4


# A table row a PDF's text flow breaks over lines: one ending in an operator
# ("… 40 work-hours × $85 per hour =") goes on into its result, and a line opening with a
# figure cell and a dot leader ("$0 ...... $3,400 ...... $248,200.") goes on the row above.
_OPERATOR_END = re.compile(r"[=×+]$")
_ROW_GOES_ON = re.compile(rf"[ \t]*{_LABELLED_FIGURE}[ \t]*\.{{2,}}")


def _row_goes_on(text: str, end: int) -> bool:
    """Whether the line after the stop ending at `end` goes on the table row it ends."""
    newline = text.find("\n", end)
    return (
        newline >= 0
        and not text[end:newline].strip()
        and _ROW_GOES_ON.match(text, newline + 1) is not None
    )


def _wrapped(text: str, newline: int) -> bool:
    """Whether the line end at `newline` only wraps an English sentence."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].strip()
    next_end = text.find("\n", newline + 1)
    if _PAGE_NUMBER.fullmatch(text[newline + 1 : None if next_end < 0 else next_end].strip()):
        return False  # a page's number ("Page 1 of 205") goes on no sentence
    if _OPERATOR_END.search(line) or _ROW_GOES_ON.match(text, newline + 1):
        return True
    if line.startswith("#") or not _WRAP_BEFORE.search(line):
        return False
    if _LAST_WORD_LOWER.search(line) and _WRAP_AFTER.match(text, newline + 1):
        return True  # lower case on both sides of the break, however short the line
    if len(line) < _WRAP_MIN_LINE:
        return False
    if _WRAP_AFTER.match(text, newline + 1):
        return True
    if line.endswith(",") and _WRAP_AFTER_ANY.match(text, newline + 1):
        return True  # a comma ends no sentence ("…by September 21," / "2020.")
    words = _WORD.findall(line)
    capitalised = sum(w[0].isupper() for w in words)
    return (
        bool(_LAST_WORD_LOWER.search(line))
        and len(words) >= _WRAP_MIN_WORDS
        and capitalised * 2 < len(words)
        and bool(_WRAP_AFTER_ANY.match(text, newline + 1))
    )


# A Chinese PDF's text comes one printed line per line, each as wide as the column, cut
# wherever the column ends: "第一条  根据《…防治法》的" / "有关规定，制定本名录。". Such a
# line is full (near the column's width, which half-width figures and spaces make vary by
# a few columns) and ends mid-sentence; a heading, a caption or a table's label is
# narrower, or ends in a stop. The column is measured near each line (`_Columns`). Where
# paragraphs come one per line, the widest lines are whole paragraphs, which end in a
# stop, and no line that does not is as wide.
_FULL_SHARE = 0.85
_MIN_COLUMN = 40  # display columns (a Han character is two): a column of 20 characters
_EDGE = 0.1
_MIN_EDGE = 2
_NEAR = 8  # lines each way
# What a wrapped line ends in: a Han character or a mark that opens or joins (a table's
# row ends in a cell of its own, "… 残余物 T"; a sentence in a stop).
_GOES_ON = "，、（《“‘"
_UNIT_FIRST = re.compile(r"\s*[年月日号时万亿元个项家%‰]")
_OPENS_ITEM = re.compile(
    rf"\s*(?:[-•·*#]|[{_NUMERAL}]+、|[（(][{_NUMERAL}\d]{{1,3}}[）)]|第[{_NUMERAL}\d]+[章节条款篇部]"
    r"|\d{1,2}(?:\.\d{1,2})*[.、．]|[①-⑳])"
)


# A table's row: cells parted by tabs, or by spaces between Han words more than once
# ("序号 类别 违法行为 违反条款"; a statute's "第一条  根据…" has one such space).
_CELL_GAP = re.compile(r"[\u4e00-\u9fff）)][ \u3000]+(?=[\u4e00-\u9fff（(])")


def _table_row(line: str) -> bool:
    """Whether `line` reads as a table's row of cells rather than running text."""
    return "\t" in line or len(_CELL_GAP.findall(line)) >= 2


def _width(line: str) -> int:
    """A line's printed width: two columns for a wide (Han) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.strip())


class _Columns:
    """The column width of a text's Chinese lines near each line end: the widest width
    that at least `_MIN_EDGE` of the lines around it (`_NEAR` each way) come within a
    tenth of — a column's lines end at its edge, while a table's row or a stray long
    line is wider alone, and slide bullets are of many widths; 0 when none is. Measured
    near the line, a page of wrapped articles is told from the wider table after it, and
    a passage's few lines are split as the whole document's are."""

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        self._ends = list(itertools.accumulate(len(line) + 1 for line in lines))
        self._widths = [_width(line) if cjk_count(line) else None for line in lines]

    def at(self, newline: int) -> int:
        k = bisect.bisect_right(self._ends, newline)
        near = self._widths[max(0, k - _NEAR) : k + _NEAR + 1]
        widths = sorted((w for w in near if w is not None), reverse=True)
        for column in widths:
            if column < _MIN_COLUMN:
                break
            if sum(column * (1 - _EDGE) <= w <= column for w in widths) >= _MIN_EDGE:
                return column
        return 0


def _wrapped_chinese(text: str, newline: int, full: int) -> bool:
    """Whether the line end at `newline` only wraps a Chinese sentence at the column's end:
    a full line (of width `full`, see `_Columns`) that ends in a Han character or a
    mark that goes on (`_GOES_ON`), and a next line that goes on with text rather than
    open a heading or a numbered item."""
    if not full:
        return False
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline]
    last = line.rstrip()[-1:]
    after = text.find("\n", newline + 1)
    rest = text[newline + 1 : after if after >= 0 else len(text)]
    goes_on = cjk_count(last) == 1 or last in _GOES_ON
    if last.isdigit():  # "…常委会 2015 年 8" / "月 29 日…": a figure's unit opens no sentence
        goes_on = bool(_UNIT_FIRST.match(rest))
    if not goes_on or _width(line) < _FULL_SHARE * full or _table_row(line) or _table_row(rest):
        return False
    return bool(rest.strip()) and not _OPENS_ITEM.match(rest)


# How far past a line break a 《title》 left open may close: a title's wrapped rest.
_TITLE_WRAP_CHARS = 80


def _inside_title(text: str, start: int, newline: int) -> bool:
    """Whether the line break at `newline` falls inside a 《title》 that the sentence begun at
    `start` opened and the text after the break closes before opening another: a PDF's
    line (or page) wrapped mid-title ("…《半导体制造项" / "目出口管制暂行最终规则》…"), which
    cut there leaves two halves of one name in two sentences."""
    before = text[start:newline]
    if before.count("《") <= before.count("》"):
        return False
    after = text[newline : newline + _TITLE_WRAP_CHARS].lstrip()
    close, reopen = after.find("》"), after.find("《")
    return close > 0 and (reopen < 0 or close < reopen)


def _append_stripped(spans: list[_Span], text: str, start: int, end: int) -> None:
    start, end = _strip(text, start, end)
    if start < end:
        spans.append((start, end))


def chunk_document(doc: SourceDocument, size: int = 300, overlap: int = 45) -> list[Chunk]:
    """Overlapping sentence-aligned chunks of `doc`, each an exact slice of its text."""
    if size < 1 or not 0 <= overlap < size:
        raise InputError(f"chunk overlap ({overlap}) must be ≥ 0 and below chunk size ({size})")
    text = doc.text
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    chunks: list[Chunk] = []
    furniture = _furniture(text, [(span.start, span.end) for span in doc.pages])
    entries = contents_entries(text)
    chapters = contents_titles(text, entries)
    lines = _classify(text, furniture, chapters, contents_region(text, entries))
    for section in _sections(lines):
        units = _units(text, section, size, overlap)
        for first, last in _pack(units, size, overlap):
            chunks.append(
                _make_chunk(doc, units[first][0], units[last][1], section.heading, line_starts)
            )
    return chunks


def _classify(
    text: str,
    furniture: frozenset[str] = frozenset(),
    chapters: tuple[int, frozenset[str]] = (0, frozenset()),
    contents: Sequence[_Span] = (),
) -> list[_Line]:
    """Each line of `text` with its kind, and its clean heading text when it is one.

    Where the document has pages, running heads and feet are the lines that open or
    close most pages (`furniture`); a short line repeated elsewhere is content (the
    condition each row of a table states). Without pages a repeated line is content
    too: nothing tells a running head copied into a text file from the labels a report
    repeats ("2023 大事记" over each timeline, a table's header row, "来源：…"), and a
    stray running head costs less than a lost dateline. After the
    table of contents (`chapters`: where it ends, the titles it lists), a line that is
    one of its titles is that chapter's heading; the contents themselves (`contents`, with
    what lies between their entries) are noise: they list chapters and say nothing."""
    raw = _lines(text)
    after, titles = chapters
    lines = []
    columns: _Columns | None = None
    for start, end, s in raw:
        if s and PAGE_MARK.fullmatch(s):
            # A page's printed number ("—  4  —") that a sentence the page break cut goes
            # on past breaks no section; any other is noise, as below.
            columns = columns or _Columns(text)
            before = start
            while before and text[before - 1] in " \t\u00a0\u3000\n":
                before -= 1
            newline = text.find("\n", before)
            if 0 <= newline < start and _across_page(text, newline, columns) >= 0:
                lines.append(_Line(start, end, "page"))
                continue
        if s and ((furniture and furniture_key(s) in furniture) or _SLUG.fullmatch(s)):
            lines.append(_Line(start, end, "noise"))
            continue
        if s and any(a <= start and end <= b for a, b in contents):
            lines.append(_Line(start, end, "noise"))
            continue
        line = _classify_line(start, end, s)
        if line.kind == "body" and start >= after and title_key(s) in titles:
            line = _Line(start, end, "heading", " ".join(s.split()))
        lines.append(line)
    return _numbered_prose(lines, raw)


# A numbered English line ("12 The magnitude of the command varies") is a heading only if
# it reads as a title: a footnote or a sentence wrapped from it goes on in lower case on
# the next line ("according to parameters…"), opens in lower case after its number ("39
# as follows:"), or holds a sentence's end ("9 (737 MAX) airplanes. Since AD 2018–").
_LATIN_NUMBERED = re.compile(r"\d{1,2}(?:\.\d{1,2})*[.、．]?\s+(?P<rest>[^\u3400-\u9fff]+)")
_SENTENCE_END_INSIDE = re.compile(r"[a-z)][.:]\s+[A-Z(]")


def _numbered_prose(lines: list[_Line], raw: list[tuple[int, int, str]]) -> list[_Line]:
    """`lines` with each numbered English heading that is prose read as body."""
    out = list(lines)
    for i, line in enumerate(lines):
        if line.kind != "heading" or line.heading is None:
            continue
        numbered = _LATIN_NUMBERED.fullmatch(raw[i][2])
        if numbered is None:
            continue
        rest = numbered.group("rest")
        after = next((s for _a, _b, s in itertools.islice(raw, i + 1, None) if s), "")
        if rest[:1].islower() or _SENTENCE_END_INSIDE.search(rest) or after[:1].islower():
            out[i] = _Line(line.start, line.end, "body")
    return out


def _lines(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """`(start, end, stripped text)` of each line of `text`, offsets shifted by `offset`."""
    raw: list[tuple[int, int, str]] = []
    for line in text.split("\n"):
        raw.append((offset, offset + len(line), line.strip()))
        offset += len(line) + 1
    return raw


def _furniture(text: str, pages: list[_Span]) -> frozenset[str]:
    """Keys of lines that open or close most pages: running heads and feet."""
    if len(pages) < _MIN_REPEATS:
        return frozenset()
    seen: Counter[str] = Counter()
    for start, end in pages:
        lines = [s for _a, _b, s in _lines(text[start:end], start) if s]
        seen.update({furniture_key(s) for s in edge_lines(lines)})
    needed = max(_MIN_REPEATS, _FURNITURE_SHARE * len(pages))
    return frozenset(key for key, n in seen.items() if n >= needed)


def _classify_line(start: int, end: int, stripped: str) -> _Line:
    if not stripped:
        return _Line(start, end, "blank")
    markdown = _MARKDOWN_HEADING.fullmatch(stripped)
    title = _clean_heading(markdown.group("h")) if markdown else ""
    if 0 < len(title) <= _MAX_HEADING:  # explicit structure: a heading even when repeated
        return _Line(start, end, "heading", title)
    if _PAGE_NUMBER.fullmatch(stripped):
        return _Line(start, end, "noise")
    heading = _heading(stripped)
    return _Line(start, end, "heading", heading) if heading else _Line(start, end, "body")


def _heading(stripped: str, max_chars: int = _MAX_HEADING) -> str | None:
    """The heading text if the line looks like a short section heading."""
    for pattern in _HEADINGS:
        match = pattern.fullmatch(stripped)
        if match:
            heading = _clean_heading(match.group("h"))
            # Length and punctuation keep numbered body sentences from passing as headings.
            if (
                heading
                and len(heading) <= max_chars
                and not _NOT_IN_HEADING.search(heading)
                and not _ENDS_SENTENCE.search(heading)
            ):
                return heading
            return None
    return None


def _clean_heading(raw: str) -> str:
    """Heading text without markup, or a table-of-contents entry without its page number."""
    if "\t" in raw and raw.rstrip()[-1:].isdigit():
        raw = raw.split("\t", 1)[0]
    return " ".join(raw.replace("**", "").strip("#* \t").split())


def _sections(lines: list[_Line]) -> list[_Section]:
    """Runs of lines under one heading, broken at headings and noise lines (not at a
    page's printed number that a sentence goes on past)."""
    sections: list[_Section] = []
    current: _Section | None = None
    heading: str | None = None
    for line in lines:
        if line.kind in ("blank", "page"):
            continue
        if line.kind == "noise":
            current = None
        elif line.kind == "heading":
            heading = line.heading
            if current is not None and not current.has_body:
                # Heading right under a heading: one section, named by the innermost.
                current.heading, current.end = heading, line.end
            else:
                current = _Section(heading, line.start, line.end, has_body=False)
                sections.append(current)
        elif current is None:
            current = _Section(heading, line.start, line.end, has_body=True)
            sections.append(current)
        else:
            current.end, current.has_body = line.end, True
    return sections


def _units(text: str, section: _Section, size: int, overlap: int) -> list[_Span]:
    """The section's sentences as absolute spans, over-long ones cut into windows
    unless they are table rows (one the text flow broke over lines too)."""
    units: list[_Span] = []
    for start, end in split_sentences(text[section.start : section.end]):
        start, end = section.start + start, section.start + end
        if PAGE_MARK.fullmatch(text[start:end]):
            continue  # a page's number between two sentences is no part of either
        if end - start > size and is_table_row(text[start:end].replace("\n", " ")):
            units.append((start, end))
        else:
            units.extend(_windows(text, start, end, size, overlap))
    return units


_TAB_CELLS = re.compile(r"\t+")
# Dot leaders ("AFM revisions ...... 1 work-hour", and the two dots of "verification .. 1"
# between spaces) or a run of spaces; an ellipsis in prose ("……") is two characters.
_LEADER_CELLS = re.compile(r"[ \t]*(?:(?<=\s)\.{2,}(?=\s)|[.·…]{3,})[ \t]*| {2,}")
_FIGURE_CELL = re.compile(rf"{_LABELLED_FIGURE}\.?")  # "Up to $3,790", "$6,205."
_LABELLED_FIGURES = re.compile(rf"\S.{{0,39}}?(?:\s+{FIGURE}){{3,}}\.?")
_MIN_CELLS = 3
_MAX_CELL = 40  # a label or a figure; a longer cell is prose that stands in a table


def is_table_row(line: str) -> bool:
    """Whether one line of text is a table row, which is never cut however long.

    A row has at least three cells of at most `_MAX_CELL` characters each, and either
    - is cut into them at tabs (a converter's or a text file's table);
    - is cut into them at dot leaders or runs of spaces, two of them figures
      ("AFM revisions ...... 1 work-hour × $85 per hour = $85 ...... $0 ...... $6,205.");
    - or is a label followed by three or more figures and nothing else, as pypdf
      flattens a table ("Alabama 18,870 23,022 22,650 …").
    Prose fails all three: its clauses are longer than a cell, and it says more than
    figures — so a long paragraph that merely states numbers is cut into windows as ever.
    """
    line = line.strip()
    if "\n" in line:
        return False
    if _LABELLED_FIGURES.fullmatch(line):
        return True
    tab_cells = _cells(_TAB_CELLS, line)
    if len(tab_cells) >= _MIN_CELLS:
        return _short(tab_cells)
    cells = _cells(_LEADER_CELLS, line)
    figures = sum(1 for cell in cells if _FIGURE_CELL.fullmatch(cell))
    return len(cells) >= _MIN_CELLS and _short(cells) and figures >= 2


def _cells(separator: re.Pattern[str], line: str) -> list[str]:
    return [cell for cell in (c.strip() for c in separator.split(line)) if cell]


def _short(cells: list[str]) -> bool:
    return all(len(cell) <= _MAX_CELL for cell in cells)


def _windows(text: str, start: int, end: int, size: int, overlap: int) -> list[_Span]:
    """Cut one sentence longer than `size` into overlapping windows, at commas when possible."""
    windows: list[_Span] = []
    while end - start > size:
        limit = start + size
        # Prefer a clause break in the window's last third over a cut mid-word.
        breaks = list(_SOFT_BREAK.finditer(text, start + 2 * size // 3, limit))
        stop = breaks[-1].end() if breaks else limit
        window = _strip(text, start, stop)
        if window[0] < window[1]:
            windows.append(window)
        start = _strip(text, max(stop - overlap, start + 1), end)[0]
    windows.append((start, end))
    return windows


def _strip(text: str, start: int, end: int) -> _Span:
    """The span narrowed to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pack(units: list[_Span], size: int, overlap: int) -> list[_Group]:
    """Group consecutive units into chunks."""
    limit = int(size * _STRETCH)
    groups: list[_Group] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= size:
            last += 1
        # A chunk cut short by a long next sentence takes it on rather than stay tiny.
        while (
            last + 1 < len(units)
            and units[last][1] - units[first][0] < size // 3
            and units[last + 1][1] - units[first][0] <= limit
        ):
            last += 1
        groups.append((first, last))
        if last + 1 == len(units):
            break
        first = _next_first(units, first, last, size, overlap)
    return _merge_tail(units, groups, size, limit)


def _next_first(units: list[_Span], first: int, last: int, size: int, overlap: int) -> int:
    """Where the next chunk starts: trailing sentences of about `overlap` characters back."""
    reach = overlap * _OVERLAP_SLACK
    nxt = last + 1
    while (
        nxt - 1 > first
        and units[last][1] - units[nxt - 1][0] <= reach
        and units[last + 1][1] - units[nxt - 1][0] <= size
    ):
        nxt -= 1
    return nxt


def _merge_tail(units: list[_Span], groups: list[_Group], size: int, limit: int) -> list[_Group]:
    """Fold a very short last chunk into the one before when the result stays under `limit`."""
    if len(groups) < 2:
        return groups
    (first, _), (tail_first, tail_last) = groups[-2], groups[-1]
    tail_length = units[tail_last][1] - units[tail_first][0]
    if tail_length < size // 3 and units[tail_last][1] - units[first][0] <= limit:
        return [*groups[:-2], (first, tail_last)]
    return groups


def _make_chunk(
    doc: SourceDocument, start: int, end: int, heading: str | None, line_starts: list[int]
) -> Chunk:
    text = doc.text[start:end]
    span = doc.span_at(start)
    location = Location(
        doc=doc.doc,
        title=doc.title,
        start=start,
        end=end,
        line_start=bisect.bisect_right(line_starts, start),
        line_end=bisect.bisect_right(line_starts, end - 1),
        page=span.page if span else None,
        page_label=span.label if span else None,
    )
    digest = hashlib.sha1(fold(text).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    return Chunk(id=digest, text=text, location=location, heading=heading)


def heading_of(line: str, max_chars: int = _MAX_HEADING) -> str | None:
    """The heading a source line states (`趋势一：…`, `1. …`, `一、…`), or None. A list of
    numbered points may have longer ones than a section heading: `max_chars`."""
    return _heading(line.strip(), max_chars)
