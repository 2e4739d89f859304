"""JSON shapes of the records: the `--json` contract documented in the README."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from trendqa.ingest import IngestReport
from trendqa.records import Hit, Location
from trendqa.store import IndexMeta


def location_dict(loc: Location) -> dict[str, Any]:
    return {
        "doc": loc.doc,
        "title": loc.title,
        "page": loc.page,
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
