"""Run the real `trendqa` CLI in its own process with the test doubles: the fake embedder
and, with `--llm NAME`, a scripted model. Tests start `serve` (and clients) through it:

    python tests/fakecli.py --llm qa serve --port 0
    python tests/fakecli.py --slow-queries MARKER serve
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripted import is_confirmation, reply, shown
from trendqa.cli import Env, run
from trendqa.conversation.prompts import REWRITE_SYSTEM, follow_up_of
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.testing import FakeEmbedder, FakeEmbedderLoader, FakeGenerator

# What the scripted model answers, by a phrase of the sentence it cites.
ANSWERS = {
    "核心产业规模达到": "2024年中国人工智能核心产业规模达到727.2亿元。",
    "Edge AI chips shipped": "Edge AI chips shipped 1.2 million units in 2024.",
    "无人机物流": "无人机物流在深圳等城市试点。",
}
# Follow-ups the scripted model knows how to make standalone.
REWRITES = {"那低空经济呢？": "低空经济在哪些城市试点？"}


def last_question(messages: Sequence[ChatMessage]) -> str:
    return follow_up_of(messages[-1].content)


def qa_script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    """Cites the first shown sentence it has an answer for; rewrites known follow-ups."""
    if messages[0].content == REWRITE_SYSTEM:
        question = last_question(messages)
        return REWRITES.get(question, question)
    if is_confirmation(options):
        return json.dumps({"verdict": "yes"})
    for n, text in shown(messages).items():
        for needle, answer in ANSWERS.items():
            if needle in text:
                return reply(answer, [n])
    return reply("", [])


def waiting_script(release: Path) -> Any:
    """qa_script, after `release` exists (or a minute): a model busy with a long prompt.

    It marks that it is waiting in `release` + ".waiting".
    """

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        release.with_name(release.name + ".waiting").write_text("waiting")
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return qa_script(messages, options)

    return script


class SlowQueries(FakeEmbedder):
    """A fake embedder that marks the moment a query arrives, then takes a minute over it."""

    def __init__(self, marker: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.marker = marker

    def embed_queries(self, texts: Sequence[str]) -> Any:
        self.marker.write_text("query")
        time.sleep(60)
        return super().embed_queries(texts)


def slow_loader(marker: Path) -> Any:
    def load(path: Path, quantize: bool, threads: int | None) -> SlowQueries:
        return SlowQueries(marker, id=path.name, quantized=quantize)

    return load


def main(argv: list[str]) -> int:
    generator = None
    loader: Any = FakeEmbedderLoader()
    while argv and argv[0].startswith("--") and argv[0] in ("--llm", "--slow-queries"):
        flag, value, argv = argv[0], argv[1], argv[2:]
        if flag == "--llm":
            script = qa_script if value == "qa" else waiting_script(Path(value))
            generator = FakeGenerator(script)
        else:
            loader = slow_loader(Path(value))
    return run(argv, Env(embedder_loader=loader, generator=generator))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
