"""Fold near-duplicate passages across documents so each is stored and returned once.

Real shelves hold copies: a preview of a report beside the full report, with
different punctuation width and spacing. Passages are compared as sets of
character shingles of their folded text; a passage whose shingles lie almost
entirely inside another (larger) document is folded into that document's
best-overlapping passage, which remembers the extra location.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from trendqa.records import Chunk
from trendqa.textnorm import fold

SHINGLE = 8
CONTAINMENT = 0.85


def shingles(text: str) -> set[str]:
    """Character 8-grams of the folded text."""
    folded = fold(text)
    if len(folded) <= SHINGLE:
        return {folded} if folded else set()
    return {folded[i : i + SHINGLE] for i in range(len(folded) - SHINGLE + 1)}


class _Postings:
    """shingle -> the values filed under it, most shingles holding one value.

    A set per shingle would be millions of small containers on a large shelf,
    slow to build and to walk for the garbage collector; one value is stored bare.
    """

    def __init__(self) -> None:
        self._one: dict[str, str | int] = {}
        self._more: dict[str, list[str | int]] = {}

    def add(self, key: str, value: str | int) -> None:
        first = self._one.setdefault(key, value)
        if first != value:
            more = self._more.setdefault(key, [])
            if value not in more:
                more.append(value)

    def get(self, key: str) -> list[str | int]:
        if key not in self._one:
            return []
        return [self._one[key], *self._more.get(key, ())]


def fold_duplicates(per_doc: Sequence[Sequence[Chunk]]) -> tuple[list[Chunk], dict[str, int]]:
    """Kept chunks (duplicates folded into `also_in`) and, per document, how many were folded.

    Larger documents are kept first, so a partial copy folds into the full one.
    """
    ordered = sorted(per_doc, key=lambda cs: -sum(len(c.text) for c in cs))
    kept: list[Chunk] = []
    owner = _Postings()  # shingle -> kept positions
    # shingle -> documents holding it: a chunk meets only the documents it shares
    # shingles with, instead of every document (quadratic on a large shelf).
    holders = _Postings()
    seen: dict[str, int] = {}  # document -> the order it was first met in
    folded: dict[str, int] = defaultdict(int)
    for chunks in ordered:
        for chunk in chunks:
            sh = shingles(chunk.text)
            target = _duplicate_of(chunk, sh, kept, owner, holders, seen)
            if target is None:
                for s in sh:
                    owner.add(s, len(kept))
                kept.append(chunk)
            else:
                host = kept[target]
                kept[target] = replace(host, also_in=(*host.also_in, chunk.location))
                folded[chunk.doc] += 1
            seen.setdefault(chunk.doc, len(seen))
            for s in sh:
                holders.add(s, chunk.doc)
    return kept, dict(folded)


def _duplicate_of(
    chunk: Chunk,
    sh: set[str],
    kept: Sequence[Chunk],
    owner: _Postings,
    holders: _Postings,
    seen: dict[str, int],
) -> int | None:
    if not sh:
        return None
    shared: dict[str, list[str]] = defaultdict(list)  # document -> our shingles it holds
    for s in sh:
        for doc in holders.get(s):
            shared[str(doc)].append(s)
    for doc in sorted(shared, key=seen.__getitem__):
        if doc == chunk.doc or len(shared[doc]) < CONTAINMENT * len(sh):
            continue
        votes: dict[int, int] = defaultdict(int)
        for s in shared[doc]:
            for pos in owner.get(s):
                if kept[int(pos)].doc == doc:
                    votes[int(pos)] += 1
        if votes:
            return max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    # An exact repeat inside the same document is a duplicate too.
    for pos in owner.get(next(iter(sh))):
        if kept[int(pos)].id == chunk.id:
            return int(pos)
    return None
