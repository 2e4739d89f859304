"""The eval harness: retrieval (and answer) quality on a JSONL question set."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trendqa.errors import InputError
from trendqa.records import Hit
from trendqa.textnorm import contains

CUTOFFS = (1, 3, 5, 10)


@dataclass(frozen=True)
class Question:
    """One line of an eval file (the format of eval/dev.jsonl)."""

    id: str
    lang: str
    question: str
    answer: str = ""
    evidence: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    type: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def load_questions(path: Path) -> list[Question]:
    """Parse an eval file; a bad line is an InputError naming its line number."""
    out: list[Question] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            doc = row.get("doc") or []
            out.append(
                Question(
                    id=str(row.get("id", n)),
                    lang=row.get("lang", ""),
                    question=row["question"],
                    answer=row.get("answer", ""),
                    evidence=tuple(row.get("evidence", [])),
                    docs=tuple(doc if isinstance(doc, list) else [doc]),
                    type=row.get("type", ""),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: not a question record ({exc})") from exc
    return out


def first_hit_rank(hits: Sequence[Hit], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first passage containing any evidence string."""
    for hit in hits:
        if any(contains(hit.chunk.text, ev) for ev in evidence):
            return hit.rank
    return None


@dataclass
class RetrievalScores:
    """hit@n, MRR@10 and latency for one group of questions."""

    n: int = 0
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(CUTOFFS, 0))
    rr: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def add(self, rank: int | None, seconds: float) -> None:
        self.n += 1
        self.latencies.append(seconds)
        if rank is not None:
            for c in CUTOFFS:
                self.hits[c] += rank <= c
            self.rr += 1.0 / rank if rank <= 10 else 0.0

    def to_dict(self) -> dict[str, Any]:
        if not self.n:
            return {"n": 0}
        lat = sorted(self.latencies)
        return {
            "n": self.n,
            **{f"hit@{c}": round(self.hits[c] / self.n, 3) for c in CUTOFFS},
            "mrr@10": round(self.rr / self.n, 3),
            "latency_p50_s": round(statistics.median(lat), 4),
            "latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 4),
        }


Search = Callable[[str], Sequence[Hit]]


def evaluate_retrieval(
    questions: Sequence[Question], search: Search
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Scores by language and overall, and one row per answerable question."""
    groups: dict[str, RetrievalScores] = {"all": RetrievalScores()}
    rows: list[dict[str, Any]] = []
    for q in questions:
        if not q.answerable:
            continue
        started = time.perf_counter()
        hits = search(q.question)
        elapsed = time.perf_counter() - started
        rank = first_hit_rank(hits, q.evidence)
        for key in ("all", q.lang or "?"):
            groups.setdefault(key, RetrievalScores()).add(rank, elapsed)
        rows.append({"id": q.id, "lang": q.lang, "rank": rank, "seconds": round(elapsed, 4)})
    return {k: g.to_dict() for k, g in groups.items()}, rows
