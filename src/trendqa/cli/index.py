"""`trendqa ingest`, `sources` and `info`: build the index and describe it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from trendqa.cli.env import env_of, loader_of, settings_of
from trendqa.cli.options import EmbedderOpt, EmbedUrlOpt, IndexOpt, JsonOpt, PathsArg, StoreOpt
from trendqa.errors import ExitStatus, InputError


def ingest_cmd(
    ctx: typer.Context,
    paths: PathsArg = None,
    index: IndexOpt = None,
    store: StoreOpt = None,
    embed_url: EmbedUrlOpt = None,
    embedder: EmbedderOpt = None,
    chunk_size: Annotated[int | None, typer.Option(help="Chunk length in characters.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Chunk overlap in characters.")] = None,
    rebuild: Annotated[bool, typer.Option(help="Re-embed everything.")] = False,
    password: Annotated[
        str | None, typer.Option(help="Password for encrypted PDFs without one in manifest.toml.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Chunk and embed files into the index (incremental; the old index stays live until done)."""
    from trendqa.api import ingest_paths
    from trendqa.render import IngestBar, print_ingest_summary, print_skipped
    from trendqa.serialize import ingest_dict

    env = env_of(ctx)
    settings = settings_of(
        ctx,
        index_dir=index,
        store=store,
        embed_url=embed_url,
        embedder=embedder,
        chunk_size=chunk_size,
        chunk_overlap=overlap,
        pdf_password=password,
    )
    if settings.chunk_overlap >= settings.chunk_size:
        raise InputError("--overlap must be smaller than --chunk-size")
    loader = loader_of(env)
    if env.stderr_isatty:
        with IngestBar(env.err()) as bar:
            report = ingest_paths(
                settings, paths or (), rebuild=rebuild, progress=bar, loader=loader
            )
    else:
        report = ingest_paths(settings, paths or (), rebuild=rebuild, loader=loader)
    if as_json:
        env.json_line(ingest_dict(report))
        print_ingest_summary(env.err(), report)
    else:
        print_ingest_summary(env.out(), report)
    print_skipped(env.err(), report)
    if report.skipped:
        raise typer.Exit(ExitStatus.PARTIAL)


def sources_cmd(
    ctx: typer.Context, index: IndexOpt = None, store: StoreOpt = None, as_json: JsonOpt = False
) -> None:
    """List the indexed documents."""
    from trendqa.api import read_index_meta
    from trendqa.render import print_sources
    from trendqa.serialize import sources_list

    env = env_of(ctx)
    meta = read_index_meta(settings_of(ctx, index_dir=index, store=store))
    if as_json:
        for row in sources_list(meta):
            env.json_line(row)
    else:
        print_sources(env.out(), meta)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def info_cmd(
    ctx: typer.Context, index: IndexOpt = None, store: StoreOpt = None, as_json: JsonOpt = False
) -> None:
    """Show how the index was built."""
    from trendqa.api import read_index_meta
    from trendqa.render import print_info

    env = env_of(ctx)
    settings = settings_of(ctx, index_dir=index, store=store)
    meta = read_index_meta(settings)
    facts: dict[str, Any] = {
        "index": settings.store or str(settings.index_path),
        "built_at": meta.built_at,
        "documents": len(meta.documents),
        "chunks": sum(e.chunks for e in meta.documents.values()),
        "duplicates_folded": sum(e.folded for e in meta.documents.values()),
        "skipped": len(meta.skipped),
        "embedder": meta.embedder.id,
        "dimension": meta.embedder.dim,
        "quantized": meta.embedder.quantized,
        "titled": meta.embedder.titled,
        "chunk_size": meta.chunk_size,
        "chunk_overlap": meta.chunk_overlap,
        "chunker_version": meta.chunker_version,
        "size_bytes": _dir_size(settings.index_path) if not settings.store else None,
    }
    if as_json:
        env.json_line(facts)
    else:
        print_info(env.out(), facts)
