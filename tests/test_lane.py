"""The server's job lane: one job at a time, and the heap handed back when it idles."""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import pytest

from trendqa.server.lane import Job, Lane, _malloc_trim, release_memory


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(
    _malloc_trim() is None or not Path("/proc/self/status").exists(), reason="glibc"
)
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    # 3,000 blocks of 64 KB (below glibc's mmap threshold: they live in the heap), all
    # freed but the last, which pins the heap's top so plain free() cannot shrink it.
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(64 << 10) for _ in range(3000)]
    for b in blocks:
        ctypes.memset(b, 1, 64 << 10)
    for b in blocks[:-1]:
        libc.free(b)
    held = _rss_kb()
    release_memory()
    released = _rss_kb()
    libc.free(blocks[-1])
    assert held - released > 100_000, (held, released)  # most of the ~190 MB


def test_jobs_run_one_at_a_time_and_the_lane_idles_after() -> None:
    lane = Lane(size=4)
    done: list[int] = []
    finished = threading.Event()

    def work(n: int) -> Job:
        def run(_job: Job) -> None:
            done.append(n)
            if n == 2:
                finished.set()

        return Job(run)

    for n in range(3):
        lane.submit(work(n))
    assert finished.wait(5)
    assert done == [0, 1, 2]
