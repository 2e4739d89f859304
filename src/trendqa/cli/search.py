"""`trendqa search`: ranked passages for a query (through a running server when there is one)."""

from __future__ import annotations

from typing import Annotated

import typer

from trendqa.cli.backend import open_searches
from trendqa.cli.env import env_of, queries, settings_of
from trendqa.cli.options import (
    MODES,
    DocOpt,
    EmbedderOpt,
    EmbedUrlOpt,
    IndexOpt,
    JsonOpt,
    NoServerOpt,
    StoreOpt,
)
from trendqa.errors import InputError


def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The query, or - to read one per line from stdin.")],
    k: Annotated[
        int | None, typer.Option("--k", "-k", min=1, help="Number of passages [default: 5].")
    ] = None,  # None: the `k` setting (trendqa.toml), whose default is 5
    doc: DocOpt = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    index: IndexOpt = None,
    store: StoreOpt = None,
    embed_url: EmbedUrlOpt = None,
    embedder: EmbedderOpt = None,
    as_json: JsonOpt = False,
    no_server: NoServerOpt = False,
) -> None:
    """Find the passages that best match a query (hybrid BM25 + dense)."""
    from trendqa.render import print_hit_rows

    if mode not in MODES:
        raise InputError(f"--mode must be hybrid, dense or bm25, not {mode!r}")
    env = env_of(ctx)
    settings = settings_of(
        ctx, index_dir=index, store=store, embed_url=embed_url, embedder=embedder
    )
    searches = open_searches(env, settings, mode, no_server=no_server)
    options = {"k": k or settings.k, "docs": list(doc or ()), "mode": mode}
    console = env.out()
    for i, q in enumerate(queries(env, query)):
        result = searches.search(q, options)
        if as_json:
            for hit in result.hits:
                extra = {"query": q, "query_index": i} if query == "-" else {}
                env.json_line({**extra, **hit})
        else:
            if query == "-":
                console.print(f"# {q}")
            print_hit_rows(console, result.hits, result.terms)
