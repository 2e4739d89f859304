"""Evidence that fits the question: passages, whole sections, outlines, per-report parts.

A single fact needs the few best passages. A list, a definition or an overview needs
the section the best passage belongs to (its neighbours under the same heading,
merged back into one verbatim span of the source), and a list of a document's trends
needs that document's outline: the numbered headings it is organised by.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

from trendqa.answer.tables import header_above, opens_in_table, row_like
from trendqa.answer.types import Passage, Sentence
from trendqa.chunking import heading_of, split_sentences
from trendqa.contents import contents_spans, ends_in_page
from trendqa.numbers import COUNT, count_value, han_value
from trendqa.records import Chunk, Hit, Location
from trendqa.textnorm import PAGE_MARK, fold
from trendqa.tokens import words as words_of

# Characters of evidence per question type: ~1.5 characters a token for Chinese, so a
# section of 1,000 characters is ~670 prompt tokens (~12 s of prompt on 2 cores).
SECTION_CHARS = 1000
_HALF_WIDTH = str.maketrans("：．）", ":.)")
# A numbered point of an outline may run longer than a section heading ("6. 下一代闭源大模型
# 推出，开始出现胜任人类水平的 AGI “火花”，但规模边际效应递减"); a full stop still ends it.
OUTLINE_HEADING_CHARS = 80
# What introduces a run of headings (its chapter's title, "关键点和方向："): the text this
# far before its first heading.
OUTLINE_LEAD_CHARS = 300
_BULLET = re.compile(r"^\s*[-*•·]\s+(?=\S)")
_SERIES = re.compile(r"^(\D{0,6}?)([0-9０-９]+|[一二三四五六七八九十]+)([.、．:：\s)）]?)")
# A numbered item opening a sentence of a passage, after any bullet: "- 3、", "2.", "（二）", "④".
NUMBERED = re.compile(
    r"^\s*(?:[-*•·●▪]\s*)?(?:(\d{1,2})(?:[、．)）]|\.(?!\d))|([①-⑳])"
    r"|[（(]([一二三四五六七八九十]{1,3})[)）]|([一二三四五六七八九十]{1,3})、)\s*"
)


def is_heading(piece: str, heading: str | None) -> bool:
    """Headings name a topic and state nothing: shown as the passage's section, not cited."""
    bare = piece.strip("#*- \t")
    return piece.startswith("#") or (heading is not None and fold(bare) == fold(heading))


def heading_at(chunk: Chunk, offset: int) -> str:
    """The heading a point of a chunk lies under: the last heading line before it in the
    chunk, else the heading the chunk starts under. A chunk may span two sections."""
    found = chunk.heading or ""
    for line in chunk.text[:offset].split("\n")[:-1]:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            found = stripped.strip("#* \t") or found
        else:
            found = heading_of(stripped) or found
    return found


def sentences_of(hit: Hit, n: int, first_id: int, headings: bool = False) -> tuple[Sentence, ...]:
    """The numbered sentences of a passage (headings and table-of-contents lines left out
    unless `headings`, and a page's printed number always)."""
    text = hit.chunk.text
    out: list[Sentence] = []
    contents = [] if headings else contents_spans(text)
    for start, end in split_sentences(text):
        piece = text[start:end].strip()
        if len(fold(piece)) < 2 or (not headings and is_heading(piece, hit.chunk.heading)):
            continue
        if PAGE_MARK.fullmatch(piece):
            continue  # a page's printed number between two sentences of a passage
        if any(a <= start and end <= b for a, b in contents):
            continue
        out.append(Sentence(first_id + len(out), n, piece, start + text[start:end].find(piece)))
    return tuple(out)


def number_passages(
    hits: Sequence[Hit],
    first_n: int = 1,
    first_id: int = 1,
    part: str = "",
    header_of: Callable[[Chunk], str] = lambda _chunk: "",
) -> tuple[Passage, ...]:
    """Passages [first_n..] with their sentences numbered from `first_id` across all;
    `header_of` gives the header row of a table a passage opens inside."""
    passages: list[Passage] = []
    next_id = first_id
    for n, hit in enumerate(hits, first_n):
        outline = hit.retrievers.get("outline") is not None
        sentences = sentences_of(hit, n, next_id, headings=outline)
        next_id += len(sentences)
        passages.append(
            Passage(
                n,
                hit,
                sentences,
                part="outline" if outline else part,
                table_header=header_of(hit.chunk),
            )
        )
    return tuple(passages)


@dataclass(frozen=True)
class OutlineEntry:
    """One heading line of a document, located in its source."""

    doc: str
    title: str
    start: int
    line: int
    text: str
    heading: str

    @property
    def series(self) -> str:
        """The numbering pattern this heading follows: 趋势一： and 趋势二： share 趋势#:
        (a full-width colon or stop is the same mark as a half-width one)."""
        m = _SERIES.match(self.heading)
        return f"{m.group(1)}#{m.group(3).translate(_HALF_WIDTH)}" if m else self.heading

    @property
    def number(self) -> int:
        """Its place in its series (趋势三 is 3, 02 is 2); 0 when it has none."""
        m = _SERIES.match(self.heading)
        if not m:
            return 0
        numeral = m.group(2)
        return count_value(numeral)  # (０２ is 2)


class Shelf:
    """The index's passages in document order, for sections and outlines."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks
        by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            by_doc.setdefault(chunk.doc, []).append(row)
        for rows in by_doc.values():
            rows.sort(key=lambda r: chunks[r].location.start)
        self.by_doc = by_doc
        self.position = {row: i for rows in by_doc.values() for i, row in enumerate(rows)}
        self.row = {chunk.id: row for row, chunk in enumerate(chunks)}

    @cached_property
    def text(self) -> str:
        """Every passage's text, one per line: what the shelf writes anywhere."""
        return "\n".join(chunk.text for chunk in self.chunks)

    def before(self, chunk: Chunk) -> Chunk | None:
        """The passage just before `chunk` in its document, if any."""
        row = self.row.get(chunk.id)
        if row is None:
            return None
        at = self.position[row]
        return self.chunks[self.by_doc[chunk.doc][at - 1]] if at > 0 else None

    def section(self, hit: Hit, budget: int = SECTION_CHARS) -> list[Hit]:
        """`hit` grown into its section: its neighbours under the same heading, in order.

        Neighbours that overlap are joined into one verbatim span; the rest stay
        separate passages (what lies between them, e.g. a page number, is not known).
        """
        row = self.row.get(hit.chunk.id)
        if row is None or hit.chunk.heading is None:
            return [hit]
        rows = self.by_doc[hit.chunk.doc]
        at = self.position[row]
        first = last = at
        size = len(hit.chunk.text)
        grew = True
        while grew:
            grew = False
            # Sections read forward from their heading: grow right first, then left.
            for step in (1, -1):
                nxt = (last if step == 1 else first) + step
                if not 0 <= nxt < len(rows):
                    continue
                cand = self.chunks[rows[nxt]]
                if cand.heading != hit.chunk.heading or size + len(cand.text) > budget:
                    continue
                size += len(cand.text)
                first, last = (first, nxt) if step == 1 else (nxt, last)
                grew = True
        out: list[Hit] = []
        for r in rows[first : last + 1]:
            chunk = hit.chunk if r == row else self.chunks[r]
            merged = (
                _merge([out[-1].chunk, chunk]) if out and _touching(out[-1].chunk, chunk) else None
            )
            if merged is not None:
                out[-1] = replace(out[-1], chunk=merged)
            else:
                out.append(
                    hit if r == row else replace(hit, chunk=chunk, retrievers={"section": 1})
                )
        return out

    @cached_property
    def _outlines(self) -> dict[str, list[OutlineEntry]]:
        out: dict[str, list[OutlineEntry]] = {}
        for doc, rows in self.by_doc.items():
            seen: set[int] = set()
            entries: list[OutlineEntry] = []
            for row in rows:
                chunk = self.chunks[row]
                offset = 0
                for n, raw in enumerate(chunk.text.split("\n")):
                    start = chunk.location.start + offset
                    offset += len(raw) + 1
                    # A list point's bullet is no part of its heading: "- 1、…" is "1、…".
                    line = _BULLET.sub("", raw)
                    heading = heading_of(line, OUTLINE_HEADING_CHARS)
                    bare = line.strip().strip("#*").strip()  # markup is not the heading's text
                    contents = ends_in_page(line)
                    if heading and bare and not contents and start not in seen:
                        seen.add(start)
                        entries.append(
                            OutlineEntry(
                                doc,
                                chunk.title,
                                start + raw.find(bare),
                                chunk.location.line_start + n,
                                bare,
                                heading,
                            )
                        )
            out[doc] = sorted(entries, key=lambda e: e.start)
        return out

    def outline(
        self, doc: str, count: int, near: int = 0, terms: Mapping[str, float] | None = None
    ) -> list[Hit]:
        """A numbered run of `doc`'s headings `count` long (±1): the run whose words —
        its headings and what introduces it — hold the most of the question's `terms`
        (idf weights), then the one nearest `near`. A report whose every chapter has three
        趋势要点 has many runs of three; the question says which chapter it means."""
        runs = [r for r in _runs(self._outlines.get(doc, [])) if abs(len(r) - count) <= 1]
        if not runs:
            return []

        def distance(run: list[OutlineEntry]) -> int:
            return max(0, run[0].start - near, near - run[-1].start)

        def key(run: list[OutlineEntry]) -> tuple[float, int, int]:
            return -self._weight(doc, run, terms), abs(len(run) - count), distance(run)

        best = min(runs, key=key)
        found = self._weight(doc, best, terms)
        under = self._heading_before(doc, best[0].start)
        return [_heading_hit(e, i, found, under) for i, e in enumerate(best, 1)]

    def _weight(
        self, doc: str, run: Sequence[OutlineEntry], terms: Mapping[str, float] | None
    ) -> float:
        """The idf of the question's `terms` a run's words hold: its headings and what
        introduces it."""
        if not terms:
            return 0.0
        end = run[-1].start + len(run[-1].text)
        text = fold(self._text(doc, run[0].start - OUTLINE_LEAD_CHARS, end))
        return round(sum(w for t, w in terms.items() if fold(t) in text), 6)

    def numbered(
        self, doc: str, number: int, word: str = "", terms: Mapping[str, float] | None = None
    ) -> list[Hit]:
        """The section of `doc` a question asks for by its number ("第三个趋势"): the
        heading numbered `number` in a numbered run of `doc`'s headings — of a series
        whose label holds `word` (趋势) when one does; of the run holding the most of the
        question's `terms`, then the first — with the passages under it. [] when no run
        has that number."""
        runs = [
            r for r in _runs(self._outlines.get(doc, [])) if r[0].number <= number <= r[-1].number
        ]
        runs = [r for r in runs if word and word in r[0].series] or runs
        if not runs:
            return []
        best = max(runs, key=lambda r: self._weight(doc, r, terms))  # the first of equals
        entry = next(e for e in best if e.number == number)
        heading = fold(entry.text)
        rows = self.by_doc[doc]
        under = [
            self.chunks[r]
            for r in rows
            if self.chunks[r].location.end > entry.start
            and heading in fold(self.chunks[r].heading or "")
        ]
        holding = [
            self.chunks[r]
            for r in rows
            if self.chunks[r].location.start <= entry.start < self.chunks[r].location.end
        ]
        found = under or holding
        if not found:
            return []
        section = self.section(Hit(found[0], 1, 1.0))
        return [replace(h, retrievers={"numbered": 1}) for h in section]

    def numbering(self, doc: str, word: str = "") -> list[tuple[int, int]]:
        """The first and last numbers of `doc`'s numbered runs of headings — of a series
        whose label holds `word` (趋势) when any does: what a question asking for a
        section by its number may ask for."""
        runs = _runs(self._outlines.get(doc, []))
        runs = [r for r in runs if word and word in r[0].series] or runs
        return [(r[0].number, r[-1].number) for r in runs]

    def table_header(self, chunk: Chunk) -> str:
        """The header row of the table `chunk` opens inside ('' when it opens otherwise):
        a long table's rows run on into the next passage, its header row left in the one
        before."""
        if not opens_in_table(chunk.text):
            return ""
        before = [
            self.chunks[row]
            for row in self.by_doc.get(chunk.doc, [])
            if self.chunks[row].location.start < chunk.location.start
        ]
        before.sort(key=lambda c: c.location.start)
        text = "\n".join(
            c.text[: max(0, chunk.location.start - c.location.start)] for c in before[-2:]
        )
        return header_above(text)

    def rows_after(self, chunk: Chunk) -> Chunk | None:
        """The passage after `chunk` when `chunk` ends in a table whose rows run on into
        it (None otherwise): a passage cut after a table's header row shows the reader
        the columns and none of the rows a question about the table asks for."""
        if not header_above(chunk.text):
            return None
        after = [
            self.chunks[row]
            for row in self.by_doc.get(chunk.doc, [])
            if self.chunks[row].location.start > chunk.location.start
        ]
        if not after:
            return None
        nxt = min(after, key=lambda c: c.location.start)
        tail = nxt.text[max(0, chunk.location.end - nxt.location.start) :]
        return nxt if any(row_like(line) for line in tail.splitlines()) else None

    def _heading_before(self, doc: str, start: int) -> str | None:
        """The heading in force just before `start` in `doc`: the section a numbered run of
        headings lies in ("生成式 AI 十大展望" over its points 1–10)."""
        before = [
            self.chunks[row]
            for row in self.by_doc.get(doc, [])
            if self.chunks[row].location.start < start
        ]
        if not before:
            return None
        chunk = max(before, key=lambda c: c.location.start)
        # Every whole line of the chunk before `start` (heading_at reads up to a cut line).
        cut = min(start - chunk.location.start, len(chunk.text))
        return heading_at(replace(chunk, text=chunk.text[:cut] + "\n"), cut + 1) or None

    def chapter(self, doc: str, first: int) -> tuple[int, int] | None:
        """The part of `doc` the numbered run whose first heading starts at `first`
        organises: from the end of the run of its series before it (or the document's
        start) to the end of its own last heading — its chapter's introduction and its
        points. None when no run starts there."""
        runs = _runs(self._outlines.get(doc, []))
        at = next((i for i, r in enumerate(runs) if r[0].start == first), None)
        if at is None:
            return None
        run = runs[at]
        before = [r for r in runs[:at] if r[0].series == run[0].series]
        start = before[-1][-1].start + len(before[-1][-1].text) if before else 0
        return start, run[-1].start + len(run[-1].text)

    def _text(self, doc: str, start: int, end: int) -> str:
        """The document's passages overlapping [start, end), joined (overlaps repeat)."""
        parts = []
        for row in self.by_doc.get(doc, []):
            loc = self.chunks[row].location
            if loc.end > start and loc.start < end:
                text = self.chunks[row].text
                parts.append(text[max(0, start - loc.start) : max(0, end - loc.start)])
        return "\n".join(parts)


class NumberedHeading(NamedTuple):
    """A heading line numbered in a series: "趋势四：云原生安全" is of series "趋势#:",
    number 4, title "云原生安全"."""

    series: str
    number: int
    title: str


def numbered_heading(line: str) -> NumberedHeading | None:
    """`line` read as an outline reads its headings, when it is one numbered in a series
    (趋势四：, 一、, 01, 2.); None for any other line, and for a contents line."""
    heading = heading_of(_BULLET.sub("", line), OUTLINE_HEADING_CHARS)
    if not heading or ends_in_page(line):
        return None
    entry = OutlineEntry("", "", 0, 0, heading, heading)
    m = _SERIES.match(heading)
    if m is None or "#" not in entry.series or not entry.number:
        return None
    return NumberedHeading(entry.series, entry.number, heading[m.end() :].strip())


def _runs(entries: Sequence[OutlineEntry]) -> list[list[OutlineEntry]]:
    """The numbered runs of a document's headings, three or more long: headings of one
    series counting up by one (趋势要点1, 2, 3), with the sub-headings between them left
    out; a heading of the series that does not count on starts a new run."""
    runs: list[list[OutlineEntry]] = []
    open_runs: dict[str, list[OutlineEntry]] = {}
    for entry in entries:
        if "#" not in entry.series or not entry.number:
            continue
        run = open_runs.get(entry.series)
        if run and entry.number == run[-1].number + 1:
            run.append(entry)
        else:
            run = [entry]
            open_runs[entry.series] = run
            runs.append(run)
    return [r for r in runs if len(r) >= 3]


def _item_number(text: str) -> tuple[int, int] | None:
    """A numbered item's style (0 digits, 1 circled, 2 bracketed or 3 bare Chinese
    numerals) and number; None for a sentence that opens no numbered item."""
    m = NUMBERED.match(text)
    if not m:
        return None
    digits, circled, bracketed, bare = m.groups()
    if digits:
        return 0, int(digits)
    if circled:
        return 1, ord(circled) - ord("①") + 1
    return (2, int(han_value(bracketed))) if bracketed else (3, int(han_value(bare)))


def numbered_run(passage: Passage, sentence: Sentence) -> list[Sentence]:
    """The other items of the numbered run `sentence` opens an item of in its passage —
    the sentences numbered in its style one after another around it, as `_runs` finds
    runs of headings ("- 2、", "- 4、" around "- 3、") — or [] when it opens none or the
    run is it alone."""
    own = _item_number(sentence.text)
    if own is None:
        return []
    numbered = [(s, n) for s in passage.sentences if (n := _item_number(s.text)) is not None]
    at = next(i for i, (s, _n) in enumerate(numbered) if s.id == sentence.id)
    run = [numbered[at][0]]
    style, number = own
    for step in (-1, 1):
        i, expect = at + step, number + step
        while 0 <= i < len(numbered) and numbered[i][1] == (style, expect):
            run.insert(0, numbered[i][0]) if step < 0 else run.append(numbered[i][0])
            i, expect = i + step, expect + step
    return [s for s in run if s.id != sentence.id]


# A bulleted item that opens with its label: "- **凝聚行业共识**，…", "- 算力：…".
_LABELLED = re.compile(r"^\s*[-*•·]\s+(?:\*\*[^*\n]{1,16}\*\*|[^：:，。；\n]{1,16}[：:])")
# The longest bulleted run read as one list.
MAX_RUN_ITEMS = 10


def bulleted_run(passage: Passage, sentence: Sentence, count: int | None) -> list[Sentence]:
    """The other items of the run of bulleted lines `sentence` opens one of in its
    passage — the lines right above and below it that are bulleted too — when the run is
    a list: it has `count` items (the number the question asks for), or, with no count,
    each item opens with its label. [] otherwise."""
    text = passage.hit.chunk.text
    opening = [s for s in passage.sentences if _BULLET.match(s.text) and _line_start(text, s)]
    at = next((i for i, s in enumerate(opening) if s.id == sentence.id), None)
    if at is None:
        return []
    lo = hi = at
    while lo > 0 and _adjacent(text, opening[lo - 1], opening[lo]):
        lo -= 1
    while hi + 1 < len(opening) and _adjacent(text, opening[hi], opening[hi + 1]):
        hi += 1
    run = opening[lo : hi + 1]
    if len(run) < 2 or len(run) > MAX_RUN_ITEMS:
        return []
    if count is not None:
        if len(run) != count:
            return []
    elif not all(_LABELLED.match(s.text) for s in run):
        return []
    return [s for s in run if s.id != sentence.id]


# An enumeration written in one sentence ("苹果，微软，字母表（谷歌），亚马逊…"): its items
# are set apart by 、，; — the last one perhaps joined by 和/及/与/and — and each is a name,
# not a clause: at most ENUMERATED_CHARS characters, or ENUMERATED_WORDS Latin words.
_ENUM_SEPARATOR = re.compile(r"\s*[、，,；;]\s*")
_ENUM_LAST = re.compile(r"\s*(?:以及|和|及|与|\band\b)\s*")
# Either: what sets any two of a list's items apart inside one text ("苹果、微软和谷歌").
ITEM_SEPARATOR = re.compile(f"{_ENUM_SEPARATOR.pattern}|{_ENUM_LAST.pattern}")
_ENUM_LEAD = re.compile(
    r"^.*?(?:包括|包含|例如|比如|分别是|分别为|[：:]|\b(?:including|such as|are|were|include)\b)\s*"
    # The means a clause enumerates: "通过使用工业级COTS器件、批量生产和可回收技术，…".
    r"|^(?:通过|借助|凭借|依靠|得益于)(?:使用|采用|利用)?"
    # "…适用领域会十分广泛, 如娱乐、社交、…": the run after 如 at its clause's start.
    r"|^(?:如|诸如|像是)(?=\S)"
)
# Where a Chinese text enumerates with 、, a full-width comma ends a clause, not an item.
_CLAUSE_END = re.compile(r"\s*(?:[，；;]|,(?!\d))\s*")
# Words no name is made of, which a clause has: 这些公司之间有什么共同点.
_CLAUSE_TEXT = "是 有 在 了 将 被 把 这些 那些 什么 之间 我们 它们 他们 其中"
_CLAUSE_WORDS = frozenset(_CLAUSE_TEXT.split())
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ENUM_TAIL = re.compile(r"(?:等(?:等)?|\s*etc\.?)[。.！!？?]?$|[。.！!？?]$")
ENUMERATED_CHARS = 12
ENUMERATED_WORDS = 4


def enumerated(text: str) -> list[str]:
    """The items of the one longest run of names `text` enumerates, of any length up to
    `MAX_RUN_ITEMS` ([] when it has none)."""
    for count in range(MAX_RUN_ITEMS, 1, -1):
        items = enumeration(text, count)
        if items:
            return items
    return []


def enumeration(text: str, count: int) -> list[str]:
    """The `count` items of the one run of exactly that many names `text` enumerates
    ([] when it has no such run, or more than one): how a report lists "seven companies"
    inside a sentence rather than as lines."""
    text = text.strip()
    counted = _counted_run(text, count)
    if counted:
        return counted
    if "、" in text:
        # "…进展，通过使用A、B和C，成本大幅度下降": the items are the run inside a clause.
        clauses = [c for c in _CLAUSE_END.split(text) if c]
        segments = [seg for c in clauses for seg in (*c.split("、"), "")]
    else:
        segments = _ENUM_SEPARATOR.split(text)
    runs: list[list[str]] = []
    run: list[str] = []
    for segment in [*segments, ""]:
        item = _item(segment, first=not run)
        if item is not None:
            run.append(item)
            continue
        if run:
            # The last item joined to the one before by 和/及/and: "A、B和C".
            pair = [_item(part, first=False) for part in _ENUM_LAST.split(segment)]
            if len(pair) == 2 and None not in pair:
                run.extend(p for p in pair if p is not None)
            elif _ENUM_ETC.search(segment):
                # "A、B、C等因素导致…": the last item ends where 等 closes the run.
                closing = _item(_ENUM_ETC.split(segment, 1)[0], first=False)
                if closing is not None:
                    run.append(closing)
            runs.append(run)
            run = []
    found = []
    for items in runs:
        if len(items) == count - 1:
            last = [p for p in (_item(x, first=False) for x in _ENUM_LAST.split(items[-1])) if p]
            if len(last) == 2:
                items = [*items[:-1], *last]
        if len(items) == count:
            found.append(items)
    return found[0] if len(found) == 1 else []


# A sentence that says how many it lists, then a colon: "提出了…的五项原则:安全、安保和稳健
# 性,适当的透明度和可解释性,公平,问责制和治理,竞争和补救,日后将…". Its items are set apart by
# commas (an item may hold 、 and 和 of its own), each at most COUNTED_ITEM_CHARS long.
_COUNTED_COLON = re.compile(
    rf"{COUNT}\s*(?:大|个)?(?:项|类|种|条|点|方面|部分|步|个)[^：:。，,；;]{{0,12}}[：:]"
)
_COMMA = re.compile(r"\s*[，,；;]\s*")
COUNTED_ITEM_CHARS = 20


def _counted_run(text: str, count: int) -> list[str]:
    """The `count` items a sentence lists after saying it lists that many and a colon;
    [] unless exactly that many short items follow before a longer clause or the end."""
    for m in _COUNTED_COLON.finditer(text):
        if count_value(m.group(1)) != count:
            continue
        rest = re.split(r"[。！？!?]", text[m.end() :], maxsplit=1)[0]
        segments = [seg.strip() for seg in _COMMA.split(rest)]
        items = segments[:count]
        after = segments[count:]
        if (
            len(items) == count
            and all(0 < len(item) <= COUNTED_ITEM_CHARS for item in items)
            and (not after or len(after[0]) > COUNTED_ITEM_CHARS)
        ):
            return items
    return []


# 等 closing a run of names, before what they are ("等因素", "等方面"), not starting a word
# (等级, 等同, 等待).
_ENUM_ETC = re.compile(r"(?<=[\u4e00-\u9fffA-Za-z0-9）)])等(?![级同待])")


def _item(segment: str, *, first: bool) -> str | None:
    """`segment` as an enumerated name, or None when it is a clause."""
    text = _ENUM_TAIL.sub("", segment.strip()).strip()
    if first:
        text = _ENUM_LEAD.sub("", text).strip()
    text = _ARTICLE.sub("", text)
    if not text or any(c in text for c in "。！？!?"):
        return None
    if _CLAUSE_WORDS.intersection(words_of(text)):
        return None
    words = text.split()
    latin = all(c.isascii() for c in text)
    if latin and len(words) > ENUMERATED_WORDS:
        return None
    if not latin and len(text) > ENUMERATED_CHARS:
        return None
    return text


def _line_start(text: str, sentence: Sentence) -> bool:
    return sentence.offset == 0 or text[: sentence.offset].rstrip(" \t").endswith("\n")


def _adjacent(text: str, first: Sentence, second: Sentence) -> bool:
    """Whether only the lines of `first`'s item lie between two bulleted lines."""
    lines = text[first.offset : second.offset].split("\n")[1:]
    return all(not line.strip() for line in lines[:-1])


# A line of a passage that states nothing on its own: no sentence end and short. Under
# such a line its body runs until the next one; a bullet or numbered item is body.
_LINE_ONLY = re.compile(r"^[^。！？!?；;]{1,40}$")


def titles_a_body(sentence: Sentence) -> bool:
    """Whether a passage's sentence is a line heading what follows it ("低空基础设施可支撑
    高效安全的空中交通管理", "关键点：") rather than a statement."""
    text = sentence.text.strip()
    return bool(_LINE_ONLY.match(text)) and not (_BULLET.match(text) or NUMBERED.match(text))


def body_after(passage: Passage, sentence: Sentence, limit: int) -> list[Sentence]:
    """What a passage says after `sentence`: for a heading-like line, the sentences under
    it until the next such line; for a statement, the one sentence that follows it (its
    elaboration), with all its ；-parts. At most `limit`; [] when the next line heads
    something else."""
    after = [s for s in passage.sentences if s.id > sentence.id]
    statement = not titles_a_body(sentence)
    body: list[Sentence] = []
    for s in after[:limit]:
        if titles_a_body(s) or s.id != (body[-1].id if body else sentence.id) + 1:
            break
        body.append(s)
        # A statement's one sentence runs to its full stop, through its ；-parts ("具体包括
        # 但不限于：高压平台的应用和推广普及；…；…。"), quoted whole.
        if statement and not body[-1].text.rstrip().endswith(("；", ";")):
            break
    if statement and len(body) > 1:
        first, last = body[0], body[-1]
        text = passage.hit.chunk.text[first.offset : last.offset + len(last.text)]
        return [Sentence(first.id, first.passage, text, first.offset)]
    return body


# A sentence naming a term after describing it: "…，被称为“内存墙”", "硅谷人称“云洗钱”",
# "…, known as the memory wall" (English words whole: "recalled" names nothing). An
# abbreviation ("简称") names a company, not a concept.
NAMING = re.compile(
    r"称之为|称为|称作|人称|叫做|叫作|俗称|谓之|\b(?:known as|called|dubbed|termed)\b",
    re.IGNORECASE,
)
# A naming sentence with fewer characters than this before its naming word ("硅谷人称“云
# 洗钱”", "这被称为…") names what the sentences before it in its paragraph describe.
NAMED_BEFORE_CHARS = 12
# At most this many sentences before such a sentence are read as what it names (the
# nearest ones): a bound on a definition's length, not a guess at where it starts.
NAMED_SENTENCES = 6


def names_what_precedes(sentence: Sentence) -> bool:
    """Whether a sentence names what the sentences before it describe ("硅谷人称“云洗钱”")."""
    m = NAMING.search(sentence.text)
    before = sentence.text[: m.start()] if m else ""
    return m is not None and len(re.sub(r"[\W_]+", "", before)) < NAMED_BEFORE_CHARS


def paragraph_before(passage: Passage, sentence: Sentence, limit: int) -> list[Sentence]:
    """The sentences of `sentence`'s paragraph before it, nearest `limit` at most, in order
    (no line break between them, no heading line among them)."""
    text = passage.hit.chunk.text
    run = [sentence]
    for before in reversed([s for s in passage.sentences if s.id < sentence.id][-limit:]):
        gap = text[before.offset + len(before.text) : run[0].offset]
        if before.id != run[0].id - 1 or "\n" in gap or titles_a_body(before):
            break
        run.insert(0, before)
    return run[:-1]


def naming_below(passage: Passage, sentence: Sentence) -> Sentence | None:
    """The later sentence of `sentence`'s paragraph that names what it and those before it
    describe ("…共生链条。硅谷人称“云洗钱”。"), if any."""
    later = [s for s in passage.sentences if s.id > sentence.id][:NAMED_SENTENCES]
    for s in later:
        if names_what_precedes(s) and sentence in paragraph_before(passage, s, NAMED_SENTENCES):
            return s
    return None


def _touching(left: Chunk, right: Chunk) -> bool:
    return right.location.start <= left.location.end < right.location.end


def _merge(chunks: Sequence[Chunk]) -> Chunk | None:
    """Adjacent overlapping chunks as one chunk: the same source span, still verbatim."""
    text = chunks[0].text
    end = chunks[0].location.end
    for c in chunks[1:]:
        if len(c.text) != c.location.end - c.location.start:
            return None  # not a plain slice of the source: cannot be joined safely
        text += c.text[end - c.location.start :]
        end = c.location.end
    first, last = chunks[0].location, chunks[-1].location
    location = Location(
        first.doc, first.title, first.start, end, first.line_start, last.line_end, first.page
    )
    return replace(chunks[0], text=text, location=location)


def _heading_hit(
    entry: OutlineEntry, rank: int, weight: float = 0.0, under: str | None = None
) -> Hit:
    """One heading of an outline as a hit, in the section its run lies `under`; its score
    is the run's weight: the idf of the question's terms its words hold (0 when it was
    chosen by nearness alone)."""
    location = Location(
        entry.doc,
        entry.title,
        entry.start,
        entry.start + len(entry.text),
        entry.line,
        entry.line,
    )
    chunk = Chunk(f"outline:{entry.doc}:{entry.start}", entry.text, location, heading=under)
    return Hit(chunk, rank, weight, retrievers={"outline": rank})
