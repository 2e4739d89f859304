"""Printed page numbers: from the PDF's /PageLabels, else detected on the pages themselves."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_PRINTED = re.compile(
    r"[-–—]?\s*(\d{1,4})\s*[-–—]?|第\s*(\d{1,4})\s*页.*|(?:page|p\.)\s*(\d{1,4})\b.*",
    re.IGNORECASE,
)
_MIN_AGREEING = 3  # pages whose printed number agrees on one offset before it is believed


def page_labels(texts: Sequence[str], pdf_labels: Sequence[str]) -> list[str | None]:
    """Each page's printed label where it differs from its physical number, else None.

    /PageLabels that only repeat the physical numbers (Acrobat Distiller writes them
    by default) say nothing, so the pages' own printed numbers are looked for instead.
    """
    if len(pdf_labels) == len(texts) and any(
        label != str(number) for number, label in enumerate(pdf_labels, start=1)
    ):
        labels: list[str | None] = list(pdf_labels)
    else:
        labels = _detected(texts)
    return [
        label if label and label != str(number) else None
        for number, label in enumerate(labels, start=1)
    ]


def _detected(texts: Sequence[str]) -> list[str | None]:
    """Printed numbers found at the top or bottom of pages, when they follow the pages."""
    printed = [_printed_numbers(text) for text in texts]
    offsets = Counter(page - n for page, numbers in enumerate(printed, 1) for n in set(numbers))
    if not offsets:
        return [None] * len(texts)
    offset, agreeing = offsets.most_common(1)[0]
    numbered = sum(1 for numbers in printed if numbers)
    if agreeing < _MIN_AGREEING or agreeing < numbered / 2:
        return [None] * len(texts)
    return [str(page - offset) if page > offset else None for page in range(1, len(texts) + 1)]


def _printed_numbers(text: str) -> list[int]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    numbers = []
    for line in (*lines[:2], *lines[-2:]):
        match = _PRINTED.fullmatch(line)
        if match:
            numbers.append(int(next(g for g in match.groups() if g)))
    return numbers
