"""The eval harness: retrieval (and answer) quality on a JSONL question set."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trendqa.errors import InputError
from trendqa.records import Hit
from trendqa.textnorm import contains, written_in

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
            if not isinstance(row, dict):
                raise TypeError(f"a JSON object, not {type(row).__name__}")
            doc = row.get("doc") or []
            evidence = row.get("evidence") or []
            out.append(
                Question(
                    id=str(row.get("id", n)),
                    lang=row.get("lang", ""),
                    question=row["question"],
                    answer=row.get("answer", ""),
                    # One string is one piece of evidence, not a tuple of characters.
                    evidence=tuple([evidence] if isinstance(evidence, str) else evidence),
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


def answer_match(gold: str, answer: str) -> float:
    """How much of the gold answer `answer` states: the mean of the share of gold figures
    it gives (when the gold has figures) and the share of gold key terms it contains."""
    from trendqa.numbers import NUMBER_PATTERN, find_numbers, supported
    from trendqa.textnorm import fold
    from trendqa.tokens import tokenize

    scores = []
    gold_numbers = find_numbers(gold)
    if gold_numbers:
        got = find_numbers(answer)
        scores.append(sum(supported(n, got) for n in gold_numbers) / len(gold_numbers))
    # Figures and their units were scored above; the key terms are the words around them.
    words = NUMBER_PATTERN.sub(" ", gold)
    terms = {t for t in tokenize(words) if len(t) > 1 and not t.replace(".", "").isdigit()}
    if terms:
        folded = fold(answer)
        scores.append(sum(1 for t in terms if fold(t) in folded) / len(terms))
    return sum(scores) / len(scores) if scores else 0.0


def _pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def evaluate_answers(
    questions: Sequence[Question],
    ask: Callable[[str], Any],
    on_progress: Callable[[int, int, dict[str, Any]], None] = lambda _i, _n, _row: None,
    done: Mapping[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Refusal, citation, claim and answer-match metrics, overall and per language and type.

    `ask` returns a trendqa Answer. Groups: "all", each language, each question type
    ("type:list"), and each type within a language ("list/en"). Questions whose row is
    in `done` (by id, from an earlier run) are not asked again.
    """
    rows: list[dict[str, Any]] = []
    for q in questions:
        earlier = (done or {}).get(q.id)
        if earlier is not None:
            rows.append(earlier)
            continue
        rows.append(_answer_row(q, ask(q.question)))
        on_progress(len(rows), len(questions), rows[-1])
    return summarize_answers(rows), rows


def summarize_answers(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Answer metrics over scored rows: "all", each language, each type, each type/language."""
    groups: dict[str, list[dict[str, Any]]] = {"all": list(rows)}
    for row in rows:
        for key in (row["lang"] or "?", f"type:{row['type']}", f"{row['type']}/{row['lang']}"):
            groups.setdefault(key, []).append(row)
    return {name: _answer_summary(group) for name, group in groups.items()}


def load_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Answer rows saved by `trendqa eval --rows` (a missing file has none), by question id.

    A line cut short by a killed run is skipped: its question is asked again.
    """
    out: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return out
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and "id" in row and "answered" in row:
            out[str(row["id"])] = row
    return out


def _answer_row(q: Question, ans: Any) -> dict[str, Any]:
    from trendqa.textnorm import detect_language

    cited_chunks = {
        c.n: p.hit.chunk.text for p in ans.passages for c in ans.citations if c.n == p.n
    }
    supported_cite = any(contains(text, ev) for text in cited_chunks.values() for ev in q.evidence)
    claims = getattr(ans, "claims", ())
    passage_lang = detect_language(
        " ".join(s.text for p in ans.passages[:2] for s in getattr(p, "sentences", ())[:3])
    )
    return {
        "id": q.id,
        "lang": q.lang,
        "type": q.type or ("fact" if q.answerable else "unanswerable"),
        "asked_as": getattr(ans, "kind", ""),
        "answerable_gold": q.answerable,
        "answered": ans.answerable,
        "mode": ans.mode,
        "reason": ans.reason,
        "citations": len(ans.citations),
        "verified": sum(c.verified for c in ans.citations),
        "supported": supported_cite,
        "claims": len(claims),
        "claims_supported": sum(c.supported for c in claims),
        "claims_shown": _claims_checked(ans)[0],
        "claims_checked": _claims_checked(ans)[1],
        "model_calls": getattr(ans, "model_calls", 0),
        "truncated": getattr(ans, "truncated", 0),
        "match": round(answer_match(q.answer, ans.text), 3)
        if q.answerable and ans.answerable
        else 0.0,
        "language_ok": written_in(ans.text, q.lang) if q.lang else True,
        "first_token_s": ans.timings.get("first_token_s"),
        "total_s": ans.timings.get("total_s"),
        "stages": {k: v for k, v in ans.timings.items() if k.endswith("_s") and k != "total_s"},
        "answer": ans.text,
        "terms_zh": list(getattr(ans, "terms_zh", ())),
        "answered_as": getattr(ans, "answered_as", ""),
        # Translated claims: how faithful each translation is (cosine), and whether shown.
        "fidelity": [[c.fidelity, c.supported] for c in claims if getattr(c, "checked_as", "")],
        "asked": getattr(ans, "asked", None),  # the asked check's two coverages, if it ran
        # What the shown answer rests on: each citation's quote, and each cited passage
        # with its section heading, so checks over them can be tried offline.
        "quotes": [[c.n, c.quote] for c in ans.citations] if ans.answerable else [],
        "cited_passages": {
            str(p.n): [p.hit.chunk.doc, p.hit.chunk.heading or "", p.hit.chunk.text]
            for p in ans.passages
            if any(c.n == p.n for c in ans.citations)
        }
        if ans.answerable
        else {},
        # Per claim: kept, the check that failed, its content score and whether that score
        # is a cross-lingual cosine (else an idf coverage), and its text: enough to redraw
        # the refusal trade-off at other thresholds without asking again.
        "claim_checks": [
            [
                c.supported,
                c.reason.split(":", 1)[0],
                c.score,
                _cross(c.checked_as or c.text, passage_lang),
                c.checked_as or c.text,
                getattr(c, "asked", None),
            ]
            for c in claims
        ],
    }


def _cross(claim: str, passage_language: str) -> bool:
    from trendqa.textnorm import detect_language

    return detect_language(claim) != passage_language


def claim_supported(claim: str, quotes: Sequence[str]) -> bool:
    """The eval's own check of a shown claim against its quotes, independent of the pipeline's.

    Its figures must be the quotes' (by value), and in the quotes' language at least half
    of its character bigrams (Chinese) or words (English) must be theirs; across languages,
    its Latin names and figures must be theirs. Figures are compared by value, written
    in digits or in characters.
    """
    from trendqa.numbers import figures, find_numbers, supported
    from trendqa.textnorm import detect_language, fold
    from trendqa.tokens import tokenize

    joined = " ".join(quotes)
    stated = figures(joined)  # 2023 is 二〇二三, 1.6% 百分之一点六
    if any(not supported(n, stated) for n in find_numbers(claim)):
        return False
    folded, quoted = fold(claim), fold(joined)
    if not quotes:
        return False
    if detect_language(claim) != detect_language(joined):
        names = [w for w in tokenize(claim) if len(w) > 1 and not w.isdigit() and w in quoted]
        latin = [w for w in tokenize(claim) if len(w) > 1 and not w.isdigit()]
        return not latin or bool(names) or bool(find_numbers(claim))
    if detect_language(claim) == "zh":
        grams = [folded[i : i + 2] for i in range(len(folded) - 1)]
        return not grams or sum(g in quoted for g in grams) / len(grams) >= 0.5
    words = [w for w in tokenize(claim) if len(w) > 1]
    return not words or sum(w in quoted for w in words) / len(words) >= 0.5


def _claims_checked(ans: Any) -> tuple[int, int]:
    """(shown claims, shown claims the eval's own check accepts)."""
    if not ans.answerable:
        return 0, 0
    quotes_by_n: dict[int, list[str]] = {}
    for c in ans.citations:
        quotes_by_n.setdefault(c.n, []).append(c.quote)
    shown = [c for c in getattr(ans, "claims", ()) if c.supported]
    ok = sum(
        shown_claim_supported(
            c.text,
            getattr(c, "checked_as", ""),
            [q for n in c.citations for q in quotes_by_n.get(n, [])],
        )
        for c in shown
    )
    return len(shown), ok


def shown_claim_supported(text: str, checked_as: str, quotes: Sequence[str]) -> bool:
    """The eval's check of one shown claim. A claim shown in translation is held to its
    quotes as the claim it translates (`checked_as`, in the quotes' language, where
    words can be compared), and its own figures must be that claim's: a translation
    that changes a figure fails. Across languages without one, only names and figures
    can be compared (`claim_supported`)."""
    from trendqa.numbers import find_numbers, supported

    if not checked_as:
        return claim_supported(text, quotes)
    figures = find_numbers(checked_as)
    return all(supported(n, figures) for n in find_numbers(text)) and claim_supported(
        checked_as, quotes
    )


def _answer_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable_gold"]]
    unanswerable = [r for r in rows if not r["answerable_gold"]]
    answered = [r for r in answerable if r["answered"]]
    shown = sum(r["citations"] for r in rows)
    claims_shown = sum(r["claims_shown"] for r in rows)
    claims_made = sum(r["claims"] for r in rows if r["answered"])
    claims_checked = sum(r["claims_checked"] for r in rows)

    def share(part: float, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    firsts = [r["first_token_s"] for r in rows if r["first_token_s"] is not None]
    totals = [r["total_s"] for r in rows if r["total_s"] is not None]
    return {
        "questions": len(rows),
        "refusal_rate_unanswerable": share(
            sum(not r["answered"] for r in unanswerable), len(unanswerable)
        ),
        "false_refusal_rate": share(len(answerable) - len(answered), len(answerable)),
        "citation_validity": share(sum(r["verified"] for r in rows), shown),
        "citation_support": share(sum(r["supported"] for r in answered), len(answered)),
        "claims_kept": share(claims_shown, claims_made),
        "claims_supported": share(claims_checked, claims_shown),
        "answer_match": share(sum(r["match"] for r in answerable), len(answerable)),
        "language_ok": share(sum(r["language_ok"] for r in rows), len(rows)),
        "truncated": sum(r["truncated"] for r in rows),
        "model_calls_mean": share(sum(r["model_calls"] for r in rows), len(rows)),
        "first_token_p50_s": _pct(firsts, 0.5),
        "first_token_p95_s": _pct(firsts, 0.95),
        "total_p50_s": _pct(totals, 0.5),
        "total_p95_s": _pct(totals, 0.95),
        "stage_mean_s": _stage_means(rows),
    }


def _stage_means(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Mean seconds per question spent in each stage (0 where a question skipped it)."""
    keys = sorted({k for r in rows for k in r.get("stages", {})})
    n = len(rows) or 1
    return {k: round(sum(r.get("stages", {}).get(k, 0.0) for r in rows) / n, 3) for k in keys}
