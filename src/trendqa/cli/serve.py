"""`trendqa serve`: keep the models loaded for `search`, `ask` and `chat` in other processes."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from trendqa.cli.env import env_of, loader_of, settings_of
from trendqa.cli.options import EmbedderOpt, EmbedUrlOpt, IndexOpt, LlmUrlOpt, ModelOpt, StoreOpt
from trendqa.errors import InputError, ServerError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; not loopback needs --token.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port; 0 picks a free one.")] = 0,
    token: Annotated[
        str | None,
        typer.Option(help="Bearer token clients must send [env TRENDQA_SERVER_TOKEN]."),
    ] = None,
    queue: Annotated[int, typer.Option(min=1, help="Questions that may wait; more are busy.")] = 4,
    extractive: Annotated[bool, typer.Option(help="Load no LLM: extractive answers.")] = False,
    model: ModelOpt = None,
    llm_url: LlmUrlOpt = None,
    index: IndexOpt = None,
    store: StoreOpt = None,
    embed_url: EmbedUrlOpt = None,
    embedder: EmbedderOpt = None,
    verbose: Annotated[bool, typer.Option(help="Show llama.cpp's own log.")] = False,
    reproducible: Annotated[
        bool,
        typer.Option(help="Read every prompt from scratch: replies as a cold `ask` gives them."),
    ] = False,
) -> None:
    """Serve search and ask over HTTP with the models loaded once (Ctrl-C stops)."""
    from trendqa.api import read_index_meta, running_server, serve, server_answers

    env = env_of(ctx)
    token = token or env.environ.get("TRENDQA_SERVER_TOKEN") or None
    if not is_loopback(host) and not token:
        raise InputError(
            f"--host {host} makes the server reachable from other machines: "
            "pass --token or set TRENDQA_SERVER_TOKEN"
        )
    settings = settings_of(
        ctx,
        index_dir=index,
        store=store,
        embed_url=embed_url,
        embedder=embedder,
        llm=model,
        llm_url=llm_url,
    )
    read_index_meta(settings)  # no index: fail before loading anything
    running = running_server(settings)
    if running is not None and server_answers(running):
        raise ServerError(
            f"a trendqa server already serves {settings.index_path} at {running.url} "
            f"(pid {running.pid}) — use it, or stop it first"
        )
    serve(
        settings,
        loader=loader_of(env),
        generator=env.generator,
        use_llm=not extractive,
        host=host,
        port=port,
        token=token,
        queue_size=queue,
        verbose=verbose,
        reproducible=reproducible,
        on_status=env.warn,
    )
