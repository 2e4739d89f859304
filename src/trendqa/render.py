"""Human output with rich: the only module besides the cli package that imports rich.

Answers and hits are printed from their `--json` shapes (`trendqa.serialize`), so output
is the same whether they were computed in-process or came from `trendqa serve`; this
module imports no part of the pipeline at run time, which keeps the thin client light.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from trendqa import records

if TYPE_CHECKING:
    from trendqa.answer import Answer
    from trendqa.ingest import IngestReport
    from trendqa.records import FileReport, Hit, Location
    from trendqa.store import IndexMeta

Row = Mapping[str, Any]


def make_console(file: IO[str], *, is_terminal: bool, color: bool = True) -> Console:
    """A console on `file`; plain text (no colour, no markup codes) when not a terminal."""
    return Console(
        file=file,
        force_terminal=is_terminal,
        no_color=not (is_terminal and color),
        highlight=False,
        soft_wrap=not is_terminal,
        width=None if is_terminal else 10_000,
    )


def place(page: int | None, line_start: int, line_end: int, page_label: str | None = None) -> str:
    """Where a passage or quote is: `p. 2 (PDF page 10)`, `p. 3`, else its line range."""
    return records.place(page, line_start, line_end, page_label)


def where(loc: Location) -> str:
    return place(loc.page, loc.line_start, loc.line_end, loc.page_label)


def where_row(loc: Row) -> str:
    return place(loc["page"], loc["line_start"], loc["line_end"], loc.get("page_label"))


def highlight(text: str, terms: Sequence[str]) -> Text:
    """`text` with the query's terms (`trendqa.api.query_terms`) emphasised."""
    out = Text(text)
    if terms:
        out.highlight_regex(
            re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE), "bold yellow"
        )
    return out


def print_hits(console: Console, hits: Sequence[Hit], query: str) -> None:
    """Ranked passages with source label, place, score and retrievers."""
    from trendqa.api import query_terms
    from trendqa.serialize import hit_dict

    print_hit_rows(console, [hit_dict(h) for h in hits], query_terms(query))


def print_hit_rows(console: Console, hits: Sequence[Row], terms: Sequence[str]) -> None:
    """`print_hits` from `hit_dict` rows, highlighting `terms`."""
    if not hits:
        console.print("no matching passages")
        return
    for hit in hits:
        found = " ".join(f"{name}#{rank}" for name, rank in sorted(hit["retrievers"].items()))
        head = Text(f"[{hit['rank']}] ", style="bold")
        head.append(hit["title"], style="bold cyan")
        head.append(
            f" · {where_row(hit)} · {hit['doc']} · score {hit['score']:.4f} · {found}",
            style="dim",
        )
        console.print(head)
        if hit["heading"]:
            console.print(Text(f"    § {hit['heading']}", style="dim"))
        for loc in hit["also_in"]:
            console.print(Text(f"    also in {loc['title']} · {where_row(loc)}", style="dim"))
        body = highlight(" ".join(hit["text"].split()), terms)
        body.pad_left(4)
        console.print(body)
        console.print()


def print_ingest_summary(console: Console, report: IngestReport) -> None:
    """The one-line summary of an ingest."""
    if report.up_to_date:
        console.print(
            f"index up to date: {report.documents} documents, {report.chunks} chunks "
            f"({report.seconds:.1f} s)"
        )
        return
    rate = f", {report.chunks_per_s:.1f} chunks/s" if report.embedded else ""
    resumed = f", {report.resumed} resumed from an interrupted ingest" if report.resumed else ""
    removed = f", {len(report.removed)} removed" if report.removed else ""
    console.print(
        f"indexed {report.documents} documents: {report.chunks} chunks, "
        f"{report.embedded} embedded{rate}{resumed}, {report.folded} duplicates folded{removed}, "
        f"{len(report.skipped)} skipped, {report.seconds:.1f} s"
    )
    if report.repaired:
        console.print(f"repaired the index: {report.repaired}")


def print_skipped(console: Console, report: IngestReport) -> None:
    """One line per input that was not indexed, with the reason; then, per file whose
    text layer needed care, its counts and one line per page warning."""
    for skip in report.skipped:
        console.print(f"trendqa: skipped {skip.path}: {skip.reason}")
    for file in report.files:
        if counts := file_counts(file):
            console.print(f"trendqa: {file.path}: {counts}")
        for warning in file.warnings:
            console.print(f"trendqa: warning: {file.path}, {warning}")


def file_counts(file: FileReport) -> str:
    """`12 pages, 11 with text, 1 flagged, 340 characters folded`, or "" for a clean file.

    Only a file with a page flagged or empty, or a character folded, is counted: a shelf
    of clean files ingests as quietly as before, and what is left is worth reading.
    """
    empty_pages = file.pages_with_text < file.pages
    if not (file.pages_flagged or file.chars_folded or empty_pages):
        return ""
    folded = f"{_count(file.chars_folded, 'character')} folded"
    if not file.pages:  # a text file has no pages: folding is all there is to count
        return folded
    return (
        f"{_count(file.pages, 'page')}, {file.pages_with_text} with text, "
        f"{file.pages_flagged} flagged, {folded}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def print_sources(console: Console, meta: IndexMeta) -> None:
    table = Table(box=None, show_edge=False, pad_edge=False)
    for col in ("document", "title", "publisher", "year", "chunks", "pages", "folded"):
        table.add_column(col)
    for e in sorted(meta.documents.values(), key=lambda e: e.doc):
        table.add_row(
            e.doc,
            e.meta.title,
            e.meta.publisher or "",
            str(e.meta.year or ""),
            str(e.chunks),
            str(e.pages or ""),
            str(e.folded),
        )
    console.print(table)


def print_info(console: Console, facts: dict[str, object]) -> None:
    for key, value in facts.items():
        console.print(f"{key}: {value}")


class IngestBar:
    """rich progress on stderr for ingest: files, then embedding with its rate."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._files: TaskID | None = None
        self._embed: TaskID | None = None
        self._started = 0.0

    def __enter__(self) -> IngestBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def files(self, total: int) -> None:
        self._files = self.progress.add_task("reading files", total=total, rate="")

    def file_done(self, name: str) -> None:
        if self._files is not None:
            self.progress.advance(self._files)

    def embedding(self, total: int) -> None:
        import time

        self._started = time.perf_counter()
        self._embed = self.progress.add_task("embedding chunks", total=total, rate="")

    def embedded(self, done: int) -> None:
        import time

        if self._embed is not None:
            elapsed = max(time.perf_counter() - self._started, 1e-9)
            self.progress.update(self._embed, completed=done, rate=f"{done / elapsed:.1f}/s")


def print_answer(console: Console, answer: Answer) -> None:
    """The answer, then its sources (or, for a refusal, the closest passages)."""
    from trendqa.serialize import answer_dict

    print_answer_data(console, answer_dict(answer, None))


def print_answer_data(console: Console, answer: Row) -> None:
    """`print_answer` from the `ask --json` object."""
    console.print(Text(answer["answer"], style="bold" if answer["answerable"] else "yellow"))
    if answer["citations"]:
        console.print()
        console.print(Text("Sources:", style="bold"))
        seen: set[tuple[int, str]] = set()
        for c in sorted(answer["citations"], key=lambda c: (c["n"], c["start"])):
            if (c["n"], c["quote"]) in seen:
                continue
            seen.add((c["n"], c["quote"]))
            line = Text(f"[{c['n']}] ", style="bold")
            line.append(c["title"], style="cyan")
            line.append(f", {where_row(c)} ({c['doc']})", style="dim")
            console.print(line)
            console.print(Text(f"    「{' '.join(c['quote'].split())}」", style="green"))
    elif answer["passages"]:
        console.print()
        console.print(Text("Closest passages:", style="bold"))
        for p in answer["passages"]:
            line = Text(f"[{p['n']}] ", style="bold")
            line.append(p["title"], style="cyan")
            line.append(f", {where_row(p)} ({p['doc']})", style="dim")
            console.print(line)
            snippet = " ".join(p["text"].split())
            console.print(
                Text(f"    {snippet[:160]}{'…' if len(snippet) > 160 else ''}", style="dim")
            )


class StreamView:
    """Shows an answer growing on a terminal; replaced by the checked answer at the end."""

    def __init__(self, console: Console) -> None:
        from rich.live import Live

        self.text = Text()
        self.live = Live(self.text, console=console, transient=True, auto_refresh=False)

    def __enter__(self) -> StreamView:
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.stop()

    def feed(self, piece: str) -> None:
        self.text.append(piece)
        self.live.refresh()


def print_passages(console: Console, answer: Row) -> None:
    """Every passage an answer was given, in full (chat's /sources)."""
    if not answer["passages"]:
        console.print("no passages")
        return
    for p in answer["passages"]:
        line = Text(f"[{p['n']}] ", style="bold")
        line.append(p["title"], style="cyan")
        line.append(f", {where_row(p)} ({p['doc']})", style="dim")
        console.print(line)
        if p.get("heading"):
            console.print(Text(f"    § {p['heading']}", style="dim"))
        body = Text(" ".join(p["text"].split()))
        body.pad_left(4)
        console.print(body)
        console.print()
