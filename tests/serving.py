"""Real `trendqa serve` processes for the tests, started through tests/fakecli.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trendqa.server.discovery import ServerInfo, discovery_path

FAKECLI = str(Path(__file__).with_name("fakecli.py"))


@dataclass
class Served:
    """A running server: its process, its discovery file's content, its log."""

    process: subprocess.Popen[bytes]
    info: ServerInfo
    log: Path

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as when the machine's OOM killer strikes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def fakecli(*argv: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    """The real CLI in a process of its own, with the test doubles."""
    return subprocess.Popen([sys.executable, FAKECLI, *argv], **kwargs)


def wait_for_file(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"trendqa serve exited early:\n{log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"trendqa serve not ready after 60 s:\n{log.read_text()[-2000:]}")
        time.sleep(0.05)


@contextmanager
def serving(index: Path, *flags: str, serve_args: tuple[str, ...] = ()) -> Iterator[Served]:
    """`trendqa serve` on a free loopback port until the block ends."""
    log = index.parent / f"serve-{time.monotonic_ns()}.log"
    with log.open("wb") as sink:
        process = fakecli(
            *flags,
            "serve",
            "--index",
            str(index),
            *serve_args,
            stdout=sink,
            stderr=sink,
            env=environ(),
        )
    try:
        path = discovery_path(index)
        wait_for_file(path, process, log)
        info = ServerInfo(**json.loads(path.read_text(encoding="utf-8")))
        yield Served(process, info, log)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def environ(**extra: str) -> dict[str, str]:
    """The test's environment (isolated home) with the fake embedder selected."""
    return {**os.environ, "TRENDQA_EMBEDDER": "fake", **extra}
