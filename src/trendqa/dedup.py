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


def fold_duplicates(per_doc: Sequence[Sequence[Chunk]]) -> tuple[list[Chunk], dict[str, int]]:
    """Kept chunks (duplicates folded into `also_in`) and, per document, how many were folded.

    Larger documents are kept first, so a partial copy folds into the full one.
    """
    ordered = sorted(per_doc, key=lambda cs: -sum(len(c.text) for c in cs))
    kept: list[Chunk] = []
    owner: dict[str, set[int]] = defaultdict(set)  # shingle -> kept positions
    # shingle -> documents holding it: a chunk meets only the documents it shares
    # shingles with, instead of every document (quadratic on a large shelf).
    holders: dict[str, set[str]] = defaultdict(set)
    seen: dict[str, int] = {}  # document -> the order it was first met in
    folded: dict[str, int] = defaultdict(int)
    for chunks in ordered:
        for chunk in chunks:
            sh = shingles(chunk.text)
            target = _duplicate_of(chunk, sh, kept, owner, holders, seen)
            if target is None:
                for s in sh:
                    owner[s].add(len(kept))
                kept.append(chunk)
            else:
                host = kept[target]
                kept[target] = replace(host, also_in=(*host.also_in, chunk.location))
                folded[chunk.doc] += 1
            seen.setdefault(chunk.doc, len(seen))
            for s in sh:
                holders[s].add(chunk.doc)
    return kept, dict(folded)


def _duplicate_of(
    chunk: Chunk,
    sh: set[str],
    kept: Sequence[Chunk],
    owner: dict[str, set[int]],
    holders: dict[str, set[str]],
    seen: dict[str, int],
) -> int | None:
    if not sh:
        return None
    shared: dict[str, list[str]] = defaultdict(list)  # document -> our shingles it holds
    for s in sh:
        for doc in holders.get(s, ()):
            shared[doc].append(s)
    for doc in sorted(shared, key=seen.__getitem__):
        if doc == chunk.doc or len(shared[doc]) < CONTAINMENT * len(sh):
            continue
        votes: dict[int, int] = defaultdict(int)
        for s in shared[doc]:
            for pos in owner.get(s, ()):
                if kept[pos].doc == doc:
                    votes[pos] += 1
        if votes:
            return max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    # An exact repeat inside the same document is a duplicate too.
    for pos in owner.get(next(iter(sh)), ()):
        if kept[pos].id == chunk.id:
            return pos
    return None
