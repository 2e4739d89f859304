"""Prompt states on disk: a new process skips reading the system prompts again.

Each kind of request trendqa sends starts with the same rules in its system message, but
a new process has to read them before each kind it sends: ~400 prompt tokens over the five
calls of an English question, 2.7 s on 2 cores. llama.cpp saves the KV state of a context
to a file and loads it back (`llama_state_save_file` / `llama_state_load_file`). The first
process to read a system message saves the state of exactly its tokens; later processes
load that file and read only the rest of the prompt. Where two system messages share a
start (the answer rules, before the lines that vary with the question's type and
language), the state of the shared start is saved too, when the second is first read:
a message with that start loads it and reads only its own end.

A file is named by a hash of the model file (name, size, modification time), the
llama-cpp-python version and the tokens, so an edited or replaced model, or another
llama.cpp, never loads a state made by another. A file llama.cpp refuses to load is
deleted and the prompt read as usual. The folder keeps the most recently used files up to
a byte budget. Nothing here is needed for correctness: any failure to read or write the
folder only costs the time it would have saved.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# The folder's byte budget. A state costs ~28 KB a prompt token with the default model;
# the system prompts of every request kind and language take ~60 MB.
STATES_BYTES = 256 << 20
SUFFIX = ".state"
TOKENS = ".tokens"  # beside each state: the tokens it holds and its model, as JSON


def default_folder(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CACHE_HOME/trendqa/prompt-states`, `~/.cache/...` when that is unset."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trendqa" / "prompt-states"


class PromptStates:
    """Saved states of prompt prefixes for one model file, in `folder`."""

    def __init__(self, folder: Path, model: Path, *, budget_bytes: int = STATES_BYTES) -> None:
        import llama_cpp

        self.folder = Path(folder)
        self.budget_bytes = budget_bytes
        stat = Path(model).stat()
        self._model_key = (
            f"{Path(model).name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{llama_cpp.__version__}"
        )

    def path(self, tokens: Sequence[int]) -> Path:
        digest = hashlib.sha256(self._model_key.encode("utf-8"))
        digest.update(b"\0" + ",".join(map(str, tokens)).encode("ascii"))
        return self.folder / f"{digest.hexdigest()[:32]}{SUFFIX}"

    def prefixes(self) -> list[tuple[int, ...]]:
        """The token sequences whose states are saved for this model."""
        try:
            sidecars = list(self.folder.glob(f"*{TOKENS}"))
        except OSError:
            return []
        found = []
        for sidecar in sidecars:
            try:
                record = json.loads(sidecar.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if (
                isinstance(record, dict)
                and record.get("model") == self._model_key
                and sidecar.with_suffix(SUFFIX).is_file()
            ):
                found.append(tuple(int(t) for t in record.get("tokens", ())))
        return found

    def restore(self, llm: Any, tokens: Sequence[int]) -> bool:
        """Put `llm` in the state of having read `tokens`, from a saved file; False (and
        `llm` reset) when there is none or llama.cpp cannot load it."""
        import llama_cpp

        path = self.path(tokens)
        if not path.is_file():
            return False
        out = (llama_cpp.llama_token * len(tokens))()
        count = ctypes.c_size_t(0)
        loaded = llama_cpp.llama_state_load_file(
            llm._ctx.ctx, os.fsencode(path), out, len(tokens), ctypes.byref(count)
        )
        if not loaded or list(out[: count.value]) != list(tokens):
            llm.reset()
            path.unlink(missing_ok=True)  # damaged or foreign: the next reader remakes it
            path.with_suffix(TOKENS).unlink(missing_ok=True)
            return False
        llm.input_ids[: len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        llm._requires_eval = True  # the restored logits are not a live decode's
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: the budget evicts the oldest first
        return True

    def save(self, llm: Any, tokens: Sequence[int]) -> None:
        """Save `llm`'s state, which must hold exactly `tokens`, for later processes."""
        import llama_cpp

        path = self.path(tokens)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, suffix=".part")
            os.close(fd)
        except OSError:
            return
        try:
            array = (llama_cpp.llama_token * len(tokens))(*tokens)
            if llama_cpp.llama_state_save_file(llm._ctx.ctx, os.fsencode(temp), array, len(tokens)):
                os.replace(temp, path)  # whole or not at all, for a process loading it now
                record = {"model": self._model_key, "tokens": list(tokens)}
                Path(temp).write_text(json.dumps(record), encoding="utf-8")
                os.replace(temp, path.with_suffix(TOKENS))
        except OSError:
            pass
        finally:
            Path(temp).unlink(missing_ok=True)
        self._keep_budget()

    def _keep_budget(self) -> None:
        """Delete the least recently used states past the budget, and what a killed process
        left half-written an hour ago or more."""
        try:
            files = [(p.stat(), p) for p in self.folder.glob(f"*{SUFFIX}")]
            parts = [(p.stat(), p) for p in self.folder.glob("*.part")]
        except OSError:
            return
        files.sort(key=lambda item: item[0].st_mtime, reverse=True)
        total = 0
        stale = [path for stat, path in parts if time.time() - stat.st_mtime > 3600]
        for stat, path in files:
            total += stat.st_size
            if total > self.budget_bytes:
                stale += [path, path.with_suffix(TOKENS)]
        for path in stale:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
