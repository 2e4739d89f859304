"""Errors raised by the library, and the exit codes the CLI maps them to.

Hierarchy::

    TrendqaError                 exit 1, anything the user can act on
    ├── InputError               exit 1, a bad argument or unreadable input
    ├── IndexMissingError        exit 5, no index yet: run `trendqa ingest`
    │   └── IndexDamagedError    exit 5, an index file fails its checksum
    ├── IndexMismatchError       exit 5, index built by another embedder/chunker
    ├── ModelError               exit 6, a model is missing, corrupt or unreachable
    ├── LockedError              exit 7, another ingest holds the index lock (or the Lite file)
    ├── StoreError               exit 1, the Milvus store is unreachable or refused a call
    └── ServerError              exit 8, `trendqa serve` is busy or went away mid-request

Every message names the next step, so the CLI can print it as one line.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes of the `trendqa` command; documented in the README."""

    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_IN_CORPUS = 3  # `ask`: the corpus does not answer the question
    PARTIAL = 4  # `ingest`: some inputs were skipped, the rest were indexed
    NO_INDEX = 5
    MODEL = 6
    LOCKED = 7
    SERVER = 8  # `trendqa serve` is busy, or went away in the middle of a request
    INTERRUPTED = 130


class TrendqaError(Exception):
    """Base class: a problem the user can fix, with a message saying how."""

    exit_status: ExitStatus = ExitStatus.ERROR


class InputError(TrendqaError):
    """A bad argument or input file."""


class IndexMissingError(TrendqaError):
    """There is no usable index at the expected place."""

    exit_status = ExitStatus.NO_INDEX


class IndexDamagedError(IndexMissingError):
    """An index file is missing, truncated or altered (its checksum does not match)."""


class IndexMismatchError(TrendqaError):
    """The index was built with settings that do not match the current ones."""

    exit_status = ExitStatus.NO_INDEX


class ModelError(TrendqaError):
    """A model file is missing or corrupt, or an LLM endpoint is unreachable."""

    exit_status = ExitStatus.MODEL


class LockedError(TrendqaError):
    """Another process is writing the index."""

    exit_status = ExitStatus.LOCKED


class StoreError(TrendqaError):
    """The index's database (Milvus) is unreachable or refused a request."""


class ServerError(TrendqaError):
    """`trendqa serve` is busy, or went away in the middle of a request."""

    exit_status = ExitStatus.SERVER
