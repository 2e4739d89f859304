"""A table's rows read under its header row, as a reader reads them.

PDF text gives a table as lines of cells set apart by spaces: "项目 本报告期 上年同期 增减"
then "营业收入 125,430.6 108,215.2 15.91%". A small model shown such rows cannot count
columns: asked for the operating revenue it may give last year's, asked for coke's ash
limit the sulphur one. Where a header's cells can be matched one to one with a row's
figures, the row is shown with each figure under its column's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trendqa.answer.types import Sentence
from trendqa.chunking import FIGURE
from trendqa.textnorm import cjk_count

# A figure cell: "125,430.6", "-2,306.5", "15.91%", "$6,205", "(1.2)"; or a cell that
# stands for none ("-", "—", "不适用", "n/a").
_FIGURE_CELL = re.compile(FIGURE)
_EMPTY_CELL = re.compile(r"[-–—]|\*+|不适用|无|n/?a|N/?A")
_MASKED = re.compile(r"\*+")  # a cell the text extraction could not read
_SPACES = re.compile(r"[ \u3000]+")
_MIN_COLUMNS = 2  # figures under named columns; one figure needs no header
_MAX_HEADER_CELL = 24


def _cells(text: str) -> list[str]:
    """A line's cells: between tabs when it has them, else between spaces."""
    line = " ".join(text.split("\n")).strip()
    if "\t" in line:
        return [c.strip() for c in line.split("\t") if c.strip()]
    return [c for c in _SPACES.split(line) if c]


def _figure_or_empty(cell: str) -> bool:
    return bool(_FIGURE_CELL.fullmatch(cell) or _EMPTY_CELL.fullmatch(cell))


# Prose: a stop, a Chinese comma, or a sentence's full stop at its end.
_PROSE = re.compile(r"[。，；！？]|[.!?]$")


def _header(text: str) -> list[str] | None:
    """The cells of a header row: at least three, none a figure, each short; no prose."""
    if _PROSE.search(text.strip()):
        return None
    cells = _cells(text)
    if len(cells) < _MIN_COLUMNS + 1 or any(_FIGURE_CELL.search(c) for c in cells):
        return None
    # A column's name opens with a capital; a word in lower case is one of several
    # that name a column together ("Labor cost"), or prose.
    if any(c[0].islower() for c in cells):
        return None
    return cells if all(len(c) <= _MAX_HEADER_CELL for c in cells) else None


def _row(text: str, columns: int) -> tuple[str, list[str]] | None:
    """A row's label and its `columns` last cells, when those are figures (or stand for
    none, at least one a figure) and something else labels them."""
    cells = _cells(text)
    if len(cells) <= columns:
        return None
    values = cells[-columns:]
    if not all(_figure_or_empty(c) for c in values):
        return None
    if not any(_FIGURE_CELL.fullmatch(c) for c in values):
        return None
    words = cells[:-columns]
    # A short label set letter-spaced ("焦 炭"), as Chinese tables print them: one word.
    spaced = len(words) > 1 and all(len(w) == 1 and cjk_count(w) == 1 for w in words)
    label = "".join(words) if spaced else " ".join(words)
    if _figure_or_empty(cells[-columns - 1]) or _FIGURE_CELL.fullmatch(label):
        return None  # more figures than columns: the header does not name them all
    return label, values


def row_cells(
    sentences: Sequence[Sentence], above: str = ""
) -> dict[int, tuple[str, list[tuple[str, str]]]]:
    """For each sentence that is a row of a table whose header row stands above it in
    `sentences` (or is `above`, the header of a table a passage opens inside): its label
    and each figure with its column's name. A table's rows run on below its header until
    a sentence that is no row of it."""
    out: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    header: list[str] | None = _header(above) if above else None
    tabbed = "\t" in above
    for sentence in sentences:
        if header is not None and tabbed and "\t" in sentence.text:
            cells = _tab_row(sentence.text, header)
            if cells is not None:
                out[sentence.id] = cells
                continue
            lines = sentence.text.strip().split("\n")
            if len(lines) > 1 and all(_tab_row(line, header) for line in lines):
                continue  # rows one sentence holds together: the table runs on past them
        row = _row(sentence.text, len(header) - 1) if header is not None else None
        if header is not None and row is not None:
            label, values = row
            out[sentence.id] = (label, list(zip(header[1:], values, strict=True)))
            continue
        header = _header(sentence.text)
        tabbed = "\t" in sentence.text
    return out


def _tab_row(text: str, header: list[str]) -> tuple[str, list[tuple[str, str]]] | None:
    """A row whose cells are set apart by tabs, under a header set apart by tabs: its
    figures under the header's last columns, cell for cell from the right, and its label
    the words before them. Between tabs an empty cell keeps its place, so a row whose
    label cell is merged with the one above ("\t\tPyTorch\t75.9…" under "国外\tTensorFlow
    \t181…") or a table labelled by two columns (国别, 框架) still reads each figure under
    its own column."""
    if "\n" in text.strip():
        return None  # two rows in one sentence: which cell is whose is not clear
    fields = [c.strip() for c in text.strip().split("\t")]
    while fields and not fields[0]:
        fields.pop(0)
    if len(fields) > len(header):
        return None
    count = 0
    while count < len(fields) and _figure_or_empty(fields[-1 - count]):
        count += 1
    if count < _MIN_COLUMNS or count == len(fields) or count >= len(header):
        return None
    values = fields[-count:]
    if not any(_FIGURE_CELL.fullmatch(v) for v in values):
        return None
    label = " ".join(f for f in fields[:-count] if f)
    if not label or _FIGURE_CELL.fullmatch(label):
        return None
    named = zip(header[-count:], values, strict=True)
    return label, [(h, v) for h, v in named if v and not _MASKED.fullmatch(v)]


def labelled_rows(sentences: Sequence[Sentence], above: str = "") -> dict[int, str]:
    """For each sentence that is a row of a table whose header row stands above it in
    `sentences` (or is `above`): the row with each figure after its column's name ("营业收入
    | 本报告期 125,430.6 | 上年同期 108,215.2 | 增减 15.91%")."""
    return {
        sid: " | ".join([label, *(f"{h} {v}" for h, v in cells)])
        for sid, (label, cells) in row_cells(sentences, above).items()
    }


def row_like(line: str) -> bool:
    """Whether a line reads as a table's row: three cells or more, the last a figure."""
    cells = _cells(line)
    return len(cells) >= 3 and _figure_or_empty(cells[-1]) and not _PROSE.search(line.strip())


def opens_in_table(text: str) -> bool:
    """Whether a passage's text opens with a table's row: a passage cut inside a table."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return row_like(first)


def header_above(text: str) -> str:
    """The header row of the table whose rows `text` ends with ('' when it ends otherwise,
    or the rows run up to its start): where a passage opening inside that table reads its
    columns' names."""
    for line in reversed(text.splitlines()):
        if not line.strip():
            continue
        if _header(line) is not None:
            return line.strip()
        if not row_like(line):
            return ""
    return ""


# A column name's unit ("内存带宽 Tbps", "晶粒尺寸 mm²", "Revenue (USD m)"): not its name.
_COLUMN_UNIT = re.compile(r"[(（][^)）]*[)）]|(?<=[\u4e00-\u9fff])\s+[A-Za-z%²³/]+$")


def column_name(header: str) -> str:
    """What a column is called without its unit: "内存带宽" of "内存带宽 Tbps"."""
    return _COLUMN_UNIT.sub("", header).strip()


def row_label(labelled: str) -> str:
    """The label of a row as `labelled_rows` shows it ("焦炭" of "焦炭 | 含硫量(St,d) 0.5% |
    …")."""
    return labelled.split(" | ", 1)[0]
