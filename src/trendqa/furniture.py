"""Page furniture: the lines at a page's edges that recur from page to page (running
heads and feet), read with their digits ignored. The chunker keeps them out of passages;
the loader reads the page numbers some of them print."""

from __future__ import annotations

import re

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be furniture
_DIGITS = re.compile(r"\d+")


def edge_lines(lines: list[str]) -> list[str]:
    """A page's (non-blank, stripped) lines at its top and bottom."""
    return [*lines[:EDGE_LINES], *lines[-EDGE_LINES:]]


def furniture_key(stripped: str) -> str:
    """A line with its digits and spacing ignored, and a head drawn twice read once."""
    key = " ".join(_DIGITS.sub("#", stripped).split())
    half = len(key) // 2
    return key[:half] if len(key) % 2 == 0 and key[:half] == key[half:] else key
