"""Printed page numbers: from the PDF's /PageLabels, else detected on the pages themselves."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from trendqa.furniture import edge_lines, furniture_key

_PRINTED = re.compile(
    r"[-–—]?\s*(\d{1,4})\s*[-–—]?|第\s*(\d{1,4})\s*页.*|(?:page|p\.)\s*(\d{1,4})\b.*",
    re.IGNORECASE,
)
# A running head prints its page number at its start or its end ("47699 Federal Register /
# Vol. 85, No. 152 / …"; a book's at the outer edge, so before its words on even pages).
_OPENING = re.compile(r"(\d{1,6})\s")
_CLOSING = re.compile(r"\s(\d{1,6})$")
_WORD = re.compile(r"[^\W\d_]")
_MIN_AGREEING = 3  # pages whose printed number agrees on one offset before it is believed


def page_labels(texts: Sequence[str], pdf_labels: Sequence[str]) -> list[str | None]:
    """Each page's printed label where it differs from its physical number, else None.

    /PageLabels that only repeat the physical numbers (Acrobat Distiller writes them
    by default) say nothing, so the pages' own printed numbers are looked for instead:
    a number standing alone at a page's top or bottom, else the one a running head
    prints at its start or end.
    """
    if len(pdf_labels) == len(texts) and any(
        label != str(number) for number, label in enumerate(pdf_labels, start=1)
    ):
        labels: list[str | None] = list(pdf_labels)
    else:
        labels = _following([_printed_numbers(text) for text in texts])
        if not any(labels):
            labels = _following(_head_numbers(texts))
    return [
        label if label and label != str(number) else None
        for number, label in enumerate(labels, start=1)
    ]


def _following(printed: Sequence[list[int]]) -> list[str | None]:
    """Labels from the numbers printed on each page, when they follow the pages: most of
    them, and at least `_MIN_AGREEING`, lie one offset from the physical page numbers."""
    offsets = Counter(page - n for page, numbers in enumerate(printed, 1) for n in set(numbers))
    if not offsets:
        return [None] * len(printed)
    offset, agreeing = offsets.most_common(1)[0]
    numbered = sum(1 for numbers in printed if numbers)
    if agreeing < _MIN_AGREEING or agreeing < numbered / 2:
        return [None] * len(printed)
    return [str(page - offset) if page > offset else None for page in range(1, len(printed) + 1)]


def _printed_numbers(text: str) -> list[int]:
    numbers = []
    for line in _edge_lines(text):
        match = _PRINTED.fullmatch(line)
        if match:
            numbers.append(int(next(g for g in match.groups() if g)))
    return numbers


def _head_numbers(texts: Sequence[str]) -> list[list[int]]:
    """Per page, the numbers opening or closing its running heads and feet: lines at its
    edges that recur on `_MIN_AGREEING` pages once digits are ignored (lines the chunker
    also keeps out of passages, as page furniture). The Federal Register prints its
    page number only there; `_following` keeps those numbers only when they step with
    the pages, which a head's volume, issue or date does not."""
    edges = [_edge_lines(text) for text in texts]
    seen = Counter(key for lines in edges for key in {furniture_key(line) for line in lines})
    heads = [
        [line for line in lines if seen[furniture_key(line)] >= _MIN_AGREEING] for lines in edges
    ]
    return [[n for line in lines for n in _folios(line)] for lines in heads]


def _folios(head: str) -> list[int]:
    """The numbers opening and closing a running head: one of them may be its page's."""
    if not _WORD.search(head):
        return []  # a number alone is no head: `_printed_numbers` reads those
    found = (_OPENING.match(head), _CLOSING.search(head))
    return [int(match.group(1)) for match in found if match]


def _edge_lines(text: str) -> list[str]:
    return edge_lines([line.strip() for line in text.split("\n") if line.strip()])
