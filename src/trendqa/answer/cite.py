"""Citations built from the sentences the answer rests on, and [n] markers in its text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from trendqa.answer.reply import MARKER
from trendqa.answer.types import Answer, Citation, Passage, Sentence
from trendqa.chunking import split_sentences
from trendqa.numbers import find_numbers, supported, unsupported_numbers
from trendqa.textnorm import contains, fold, one_line

PageOf = Callable[[str, int], int | None]


def citation(
    passage: Passage, sentence: Sentence, page_of: PageOf = lambda _d, _o: None
) -> Citation:
    """The checked citation of `sentence`, located in its source document."""
    chunk = passage.hit.chunk
    loc = chunk.location
    start = loc.start + sentence.offset
    return Citation(
        n=passage.n,
        doc=loc.doc,
        title=loc.title,
        # A chunk can cross a page break: the page is the quote's own, not the chunk's.
        page=page_of(loc.doc, start) or loc.page,
        start=start,
        end=start + len(sentence.text),
        line_start=loc.line_start + chunk.text.count("\n", 0, sentence.offset),
        line_end=loc.line_start + chunk.text.count("\n", 0, sentence.offset + len(sentence.text)),
        quote=sentence.text,
        verified=contains(chunk.text, sentence.text),
    )


def overlap(a: str, b: str) -> int:
    """How strongly answer text `a` echoes quote `b`: shared figures, then bigrams."""
    fa, fb = fold(a), fold(b)
    grams = {fa[i : i + 2] for i in range(len(fa) - 1)}
    shared_bigrams = sum(1 for i in range(len(fb) - 1) if fb[i : i + 2] in grams)
    figures = find_numbers(b)
    shared_figures = sum(1 for n in find_numbers(a) if supported(n, figures))
    # A figure is the strongest tie between an English sentence and a Chinese quote.
    return 100 * shared_figures + shared_bigrams


def insert_before_stop(sentence: str, tail: str) -> str:
    """`sentence` with `tail` ([1][2]) before its final stop, if it has one."""
    if tail and sentence and sentence[-1] in "。.!！?？；;":
        return sentence[:-1] + tail + sentence[-1]
    return sentence + tail


def mark(answer: str, citations: Sequence[Citation]) -> str:
    """Append [n] markers after the answer sentence each citation supports best."""
    answer = MARKER.sub("", answer).strip()  # the model's own markers are unchecked
    if not citations:
        return answer
    spans = split_sentences(answer) or [(0, len(answer))]
    marks: dict[int, list[int]] = {}
    for c in citations:
        best = max(range(len(spans)), key=lambda i: overlap(answer[slice(*spans[i])], c.quote))
        if overlap(answer[slice(*spans[best])], c.quote) == 0:
            best = len(spans) - 1
        if c.n not in marks.setdefault(best, []):
            marks[best].append(c.n)
    out, last = [], 0
    for i, (start, end) in enumerate(spans):
        piece = answer[start:end].rstrip()
        tail = "".join(f"[{n}]" for n in sorted(marks.get(i, [])))
        out.append(answer[last:start] + insert_before_stop(piece, tail))
        last = end
    return ("".join(out) + answer[last:]).strip()


def add_number_evidence(
    text: str,
    question: str,
    chosen: Sequence[tuple[Passage, Sentence]],
    passages: Sequence[Passage],
) -> list[tuple[Passage, Sentence]]:
    """Repair citations: cite the sentence stating each figure the answer gives.

    The model often names the sentence that introduces a topic but not the one
    holding the figure; a figure found in a given passage is cited from there.
    """
    out = list(chosen)
    cited = {p.n for p, _s in chosen}
    for figure in unsupported_numbers(text, " ".join(s.text for _p, s in out), question):
        ordered = sorted(passages, key=lambda p: p.n not in cited)  # cited passages first
        for passage in ordered:
            match = next(
                (s for s in passage.sentences if not unsupported_numbers(figure, s.text)), None
            )
            if match is not None:
                out.append((passage, match))
                break
    return out


def quote_answer(
    base: Answer, citations: Sequence[Citation], translations: Sequence[str] | None = None
) -> Answer:
    """An answer made of verbatim quotes of the cited sentences; with `translations` (one
    per citation), of the quotes translated, the citations keeping the verbatim quotes."""
    if not citations:
        return base
    zh = base.language == "zh"
    open_q, close_q = ("「", "」") if zh else ('"', '"')
    if translations is None:
        lead = "资料原文：" if zh else "The passages say: "
        texts = [one_line(c.quote) for c in citations]
    else:
        lead = "资料原文（译文）：" if zh else "The passages say (translated): "
        texts = list(translations)
    body = " ".join(f"{open_q}{t}{close_q}[{c.n}]" for c, t in zip(citations, texts, strict=True))
    return replace(
        base, answerable=True, text=lead + body, citations=tuple(citations), mode="extractive"
    )
