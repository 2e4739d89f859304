"""The discovery file: where a running server for an index says how to reach it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from trendqa.config import Settings


def embedder_setting(settings: Settings) -> str:
    """The embedder a server holds: the remote endpoint, or the local model folder."""
    return settings.embed_url or str(settings.embedder_path)


FILE_NAME = "serve.json"


@dataclass(frozen=True)
class ServerInfo:
    """How to reach a server, and what it holds (clients use it only if that matches)."""

    url: str
    pid: int
    embedder: str  # the embedder folder the server loaded
    llm: str | None  # the configured LLM (GGUF path or endpoint URL), None for extractive
    llm_name: str | None  # the loaded generator's name, None when there is none
    started_at: str
    token: str | None = None
    store: str = ""  # the --store it serves ("": the index folder this file lies in)


def discovery_path(index_path: Path) -> Path:
    return index_path / FILE_NAME


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a killed server's pid does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def write_info(index_path: Path, info: ServerInfo) -> Path:
    """Write the file atomically, readable by its owner only (it may hold a token)."""
    path = discovery_path(index_path)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(info), fh)
    os.replace(tmp, path)
    return path


def read_info(index_path: Path) -> ServerInfo | None:
    """The live server of this index, or None; a killed server's file is removed."""
    path = discovery_path(index_path)
    try:
        info = ServerInfo(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        return None  # half-written or foreign: not a server to talk to
    if not pid_alive(info.pid):
        remove_info(index_path, info.pid)
        return None
    return info


def remove_info(index_path: Path, pid: int) -> None:
    """Remove the file if it is still `pid`'s (a newer server may have replaced it)."""
    path = discovery_path(index_path)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def llm_setting(settings: Settings) -> str | None:
    """The configured LLM as the file records it: endpoint URL, GGUF path, or None."""
    if settings.llm_url:
        return settings.llm_url
    path = settings.llm_path()
    return str(path) if path else None
