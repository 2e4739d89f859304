"""One model job at a time on a worker thread, behind a bounded queue."""

from __future__ import annotations

import ctypes
import ctypes.util
import queue
import sys
import threading
from collections.abc import Callable
from functools import cache

from trendqa.errors import ServerError


class Busy(ServerError):
    """The queue is full."""


class Cancelled(BaseException):
    """Raised inside a job whose client went away (BaseException: nothing may swallow it)."""


class Job:
    """Work for the lane; `cancel()` stops it before it starts, or at its next check."""

    def __init__(self, work: Callable[[Job], None]) -> None:
        self.work = work
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise Cancelled if the job's client has gone."""
        if self._cancelled.is_set():
            raise Cancelled


class Lane:
    """Runs jobs one after another; `submit` raises Busy when `size` jobs already wait."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._queue: queue.Queue[Job] = queue.Queue(maxsize=size)
        self._running = 0
        self._thread = threading.Thread(target=self._loop, name="trendqa-lane", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> int:
        """Queue `job`; returns how many jobs are ahead of it."""
        ahead = self.pending()
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            raise Busy(
                f"the trendqa server is busy ({self.size} requests waiting) — try again "
                "shortly, or run with --no-server"
            ) from None
        return ahead

    def pending(self) -> int:
        """Jobs waiting or running."""
        return self._queue.qsize() + self._running

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job.cancelled:
                continue
            self._running = 1
            try:
                job.work(job)
            except Cancelled:
                pass
            except Exception as exc:  # a bug in one job must not stop the lane
                sys.stderr.write(f"trendqa serve: job failed: {exc!r}\n")
            finally:
                self._running = 0
            if self._queue.empty():
                release_memory()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_memory() -> None:
    """Give the heap's free pages back to the system once the lane is idle.

    An answer allocates and frees hundreds of megabytes (a prompt state saved and
    restored, the embedder's activations, the reply's token arrays); glibc keeps freed
    chunks in its arenas, so a warm server's resident memory stays at its peak.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
