"""`ReplayGenerator`: a generator that records every reply and replays it for the same call.

At temperature 0, with no prompt prefix carried between calls (`eval`'s reproducible
mode), a model's reply is a function of its messages and options. Recording the replies
of one `trendqa eval` run lets the next run re-score a changed check, retrieval or
evidence step without asking the model again: only calls whose prompt changed reach the
model. The file is JSON lines, one call each, appended as calls complete (a stopped run
keeps what it asked); a replayed call reports the seconds it took when it was recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from trendqa.llm.base import (
    ChatMessage,
    GenerationOptions,
    GenerationResult,
    Generator,
    TokenCallback,
)


def call_key(name: str, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    """What identifies a call: the model, every message, and every generation option."""
    payload = {
        "model": name,
        "messages": [m.as_dict() for m in messages],
        "options": asdict(options),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReplayGenerator:
    """Wraps a generator: a call recorded in `path` is answered from it, any other is
    passed on and recorded. Sampled calls (temperature > 0) are never replayed."""

    def __init__(self, inner: Generator, path: Path) -> None:
        self.inner = inner
        self.path = path
        self.replayed = 0
        self.asked = 0
        self._known: dict[str, GenerationResult] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self._known[row["key"]] = GenerationResult(**row["result"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a killed run: that call is asked again

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def context_length(self) -> int:
        return self.inner.context_length

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        key = call_key(self.inner.name, messages, options)
        known = self._known.get(key) if options.temperature == 0 else None
        if known is not None:
            self.replayed += 1
            if on_token is not None and known.text:
                on_token(known.text)
            return known
        result = self.inner.generate(messages, options, on_token)
        self.asked += 1
        if options.temperature == 0:
            self._known[key] = result
            row = {"key": key, "result": asdict(result)}
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return result
