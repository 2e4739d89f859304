"""JSON shapes of the records: the `--json` contract documented in the README."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from trendqa.answer import Answer, Citation
from trendqa.ingest import IngestReport
from trendqa.records import Hit, Location
from trendqa.store import IndexMeta


def location_dict(loc: Location) -> dict[str, Any]:
    return {
        "doc": loc.doc,
        "title": loc.title,
        "page": loc.page,
        "page_label": loc.page_label,
        "start": loc.start,
        "end": loc.end,
        "line_start": loc.line_start,
        "line_end": loc.line_end,
    }


def hit_dict(hit: Hit) -> dict[str, Any]:
    """One search result as a flat JSON object."""
    chunk = hit.chunk
    return {
        "rank": hit.rank,
        "score": hit.score,
        **location_dict(chunk.location),
        "heading": chunk.heading,
        "text": chunk.text,
        "retrievers": dict(hit.retrievers),
        "similarity": hit.similarity,
        "also_in": [location_dict(loc) for loc in chunk.also_in],
        "chunk_id": chunk.id,
    }


def ingest_dict(report: IngestReport) -> dict[str, Any]:
    data = asdict(report)
    data["seconds"] = round(report.seconds, 3)
    data["embed_seconds"] = round(report.embed_seconds, 3)
    data["chunks_per_s"] = round(report.chunks_per_s, 2)
    return data


def sources_list(meta: IndexMeta) -> list[dict[str, Any]]:
    return [
        {
            "doc": e.doc,
            "title": e.meta.title,
            "publisher": e.meta.publisher,
            "year": e.meta.year,
            "source": e.meta.source,
            "chunks": e.chunks,
            "pages": e.pages,
            "chars": e.chars,
            "folded": e.folded,
            "encoding": e.encoding,
            "sha256": e.sha256,
        }
        for e in sorted(meta.documents.values(), key=lambda e: e.doc)
    ]


def answer_dict(answer: Answer, embedder: str | None) -> dict[str, Any]:
    """The `ask --json` object."""
    timings = {k: v for k, v in answer.timings.items() if k.endswith("_s")}
    usage = {k: int(v) for k, v in answer.timings.items() if k.endswith("_tokens")}
    return {
        "question": answer.question,
        "answer": answer.text,
        "language": answer.language,
        "answerable": answer.answerable,
        "mode": answer.mode,
        "reason": answer.reason,
        "type": answer.kind,
        "terms_zh": list(answer.terms_zh),
        "answered_as": answer.answered_as or None,
        "claims": [
            {
                "text": c.text,
                "citations": list(c.citations),
                "supported": c.supported,
                "score": c.score,
            }
            | ({"reason": c.reason} if c.reason else {})
            | ({"asked": c.asked} if c.asked is not None else {})
            | ({"checked_as": c.checked_as, "fidelity": c.fidelity} if c.checked_as else {})
            for c in answer.claims
        ],
        "citations": [asdict(c) | {"page_label": _page_label(answer, c)} for c in answer.citations],
        "passages": [
            {
                "n": p.n,
                **location_dict(p.hit.chunk.location),
                "heading": p.hit.chunk.heading,
                "text": p.hit.chunk.text,
                "score": p.hit.score,
                "similarity": p.hit.similarity,
                **({"part": p.part} if p.part else {}),
            }
            for p in answer.passages
        ],
        "model": {"llm": answer.llm, "embedder": embedder},
        "timings": timings,
        "usage": usage | {"model_calls": answer.model_calls, "truncated": answer.truncated},
        "warnings": list(answer.warnings),
    }


def _page_label(answer: Answer, citation: Citation) -> str | None:
    """The printed label of a cited page, known from its passage when the page is its own."""
    for p in answer.passages:
        loc = p.hit.chunk.location
        if p.n == citation.n and loc.page == citation.page:
            return loc.page_label
    return None
