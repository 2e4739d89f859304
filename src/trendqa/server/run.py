"""Running the app: listen, write the discovery file, serve with uvicorn, clean up."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from trendqa.api import EmbedderLoader
from trendqa.config import Settings
from trendqa.errors import TrendqaError
from trendqa.llm import Generator
from trendqa.server.app import build_app
from trendqa.server.discovery import (
    ServerInfo,
    embedder_setting,
    llm_setting,
    remove_info,
    write_info,
)
from trendqa.server.lane import Lane
from trendqa.server.models import Held


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port); the caller learns the port from it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise TrendqaError(f"cannot listen on {host}:{port}: {exc.strerror} — pick --port") from exc
    sock.listen(64)
    return sock


def serve(
    settings: Settings,
    *,
    loader: EmbedderLoader,
    generator: Generator | None = None,
    use_llm: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    queue_size: int = 4,
    verbose: bool = False,
    reproducible: bool = False,
    on_status: Callable[[str], None] = lambda _m: None,
) -> None:
    """Load the models, listen, write the discovery file, serve until interrupted."""
    import uvicorn

    started = time.perf_counter()
    on_status("loading models…")
    held = Held(
        settings, loader, generator, use_llm=use_llm, verbose=verbose, reproducible=reproducible
    )
    on_status(f"models loaded in {time.perf_counter() - started:.1f} s")
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    # A wildcard address is reached locally through loopback.
    near = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    url = f"http://[{near}]:{bound}" if ":" in near else f"http://{near}:{bound}"
    info = ServerInfo(
        url=url,
        pid=os.getpid(),
        embedder=embedder_setting(settings),
        llm=llm_setting(settings) if use_llm else None,
        llm_name=held.generator.name if held.generator else None,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        token=token,
        store=settings.store or "",
    )
    lane = Lane(queue_size)
    app = build_app(held, lane, token=token)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )
    write_info(settings.index_path, info)
    on_status(f"serving {settings.index_path} at {url} (pid {os.getpid()}); Ctrl-C stops")
    # uvicorn re-raises the signal that stopped it once it has shut down; SIGTERM's default
    # action would then end the process before the discovery file is removed.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        remove_info(settings.index_path, os.getpid())
        sock.close()
    if lane.pending():
        # A generation still runs in llama.cpp, which cannot be interrupted mid-prompt:
        # leave without waiting for it (the discovery file is already gone).
        on_status("stopped, abandoning the answer being generated")
        sys.stderr.flush()
        os._exit(0)
    on_status("stopped")


class _Stopped(Exception):
    pass


def _stop(signum: int, frame: object) -> None:
    raise _Stopped
