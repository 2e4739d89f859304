"""The process's streams and environment, and the helpers every command shares."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import typer

from trendqa.config import Settings, load_settings


@dataclass
class Env:
    """The process's streams and environment, injectable so tests run the real CLI."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    stdin_isatty: bool | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Test seam: replaces the sentence-transformers loader (see trendqa.api.EmbedderLoader).
    embedder_loader: Any = None
    generator: Any = None  # test seam: a trendqa.llm.Generator to use instead of a model

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in self.environ

    def out(self) -> Any:
        from trendqa.render import make_console

        return make_console(self.stdout, is_terminal=bool(self.stdout_isatty), color=self.color)

    def err(self) -> Any:
        from trendqa.render import make_console

        return make_console(self.stderr, is_terminal=bool(self.stderr_isatty), color=self.color)

    def json_line(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def warn(self, message: str) -> None:
        self.stderr.write(f"trendqa: {message}\n")
        self.stderr.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def env_of(ctx: typer.Context) -> Env:
    """The Env the command runs in (set by `run`; a default one for typer's own runner)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Env) else Env()


def settings_of(ctx: typer.Context, **overrides: Any) -> Settings:
    """Settings from the environment, trendqa.toml and the command's options."""
    return load_settings(env_of(ctx).environ, **overrides)


def loader_of(env: Env) -> Any:
    """The embedder loader: the test seam's, else the real sentence-transformers one."""
    if env.embedder_loader:
        return env.embedder_loader
    from trendqa.api import load_sentence_transformer

    return load_sentence_transformer


def queries(env: Env, query: str) -> Iterator[str]:
    """The one query, or with `-` every non-empty stdin line."""
    if query != "-":
        yield query
        return
    for line in env.stdin:
        if line.strip():
            yield line.strip()
