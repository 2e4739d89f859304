"""Scripted model replies for the answering tests: cite sentences by what they say.

Sentence ids depend on what retrieval returns, so a script finds them in the prompt
it is given, as a model would, rather than hard-coding numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.testing import FakeGenerator


def shown(messages: Sequence[ChatMessage]) -> dict[int, str]:
    """The numbered sentences the model was shown: id -> text."""
    found = re.finditer(r"^\((\d+)\) (.*)$", messages[-1].content, re.MULTILINE)
    return {int(m[1]): m[2] for m in found}


def asked(messages: Sequence[ChatMessage]) -> str:
    """The question the prompt asks."""
    found = re.search(r"^Question: (.*)$", messages[-1].content, re.MULTILINE)
    assert found, "no question in the prompt"
    return found[1]


def sentence_id(messages: Sequence[ChatMessage], needle: str) -> int:
    """The id of the one shown sentence containing `needle`."""
    ids = [n for n, text in shown(messages).items() if needle in text]
    assert len(ids) == 1, f"{needle!r} shown as sentences {ids}"
    return ids[0]


def reply(answer: str, evidence: Sequence[Any]) -> str:
    """A reply in the answer schema."""
    return json.dumps({"evidence": list(evidence), "answer": answer}, ensure_ascii=False)


def is_confirmation(options: GenerationOptions) -> bool:
    """Whether a request is the answerer's "do the quotes answer it?" check."""
    return "verdict" in json.dumps(options.json_schema or {})


def answer_requests(gen: FakeGenerator) -> list[tuple[tuple[ChatMessage, ...], Any]]:
    """The calls that asked for an answer (not the confirmation check)."""
    return [call for call in gen.calls if not is_confirmation(call[1])]


YES = json.dumps({"verdict": "yes"})


def confirming(script: Callable[[Sequence[ChatMessage], GenerationOptions], str]) -> Any:
    """`script` for answer requests; "yes" whenever asked to confirm an answer."""

    def wrapped(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return YES if is_confirmation(options) else script(messages, options)

    return wrapped


def model(
    answer: str, *needles: str, extra: Sequence[Any] = (), verdict: str = "yes"
) -> FakeGenerator:
    """A model citing the shown sentences that contain `needles` (then the ids `extra`).

    Asked again without numbered sentences (a follow-up request), it says `answer` again;
    asked whether its quotes answer the question, it says `verdict`.
    """

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if is_confirmation(options):
            return json.dumps({"verdict": verdict})
        if not shown(messages):
            return json.dumps({"answer": answer}, ensure_ascii=False)
        ids = [sentence_id(messages, needle) for needle in needles]
        return reply(answer, [*ids, *extra])

    return FakeGenerator(script)


def markers(text: str) -> set[int]:
    """The [n] markers in an answer's text."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}
