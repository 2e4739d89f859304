"""Scripted model replies for the answering tests: cite sentences by what they say.

Sentence ids depend on what retrieval returns, so a script finds them in the prompt
it is given, as a model would, rather than hard-coding numbers. Requests are told
apart and read with `trendqa.answer.prompts`, never by matching prompt wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from trendqa.answer import prompts
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.testing import FakeGenerator

shown = prompts.shown_sentences
asked = prompts.asked_question
reply = prompts.answer_reply


def sentence_id(messages: Sequence[ChatMessage], needle: str) -> int:
    """The id of the one shown sentence containing `needle`."""
    ids = [n for n, text in shown(messages).items() if needle in text]
    assert len(ids) == 1, f"{needle!r} shown as sentences {ids}"
    return ids[0]


def is_confirmation(options: GenerationOptions) -> bool:
    """Whether a request is the answerer's "do the quotes answer it?" check."""
    return prompts.request_kind(options) == "confirm"


def answer_requests(gen: FakeGenerator) -> list[tuple[tuple[ChatMessage, ...], Any]]:
    """The calls that asked for an answer (not the confirmation or term requests)."""
    return [call for call in gen.calls if prompts.request_kind(call[1]) in ("answer", "rewrite")]


YES = json.dumps({"verdict": "yes"})
NO_TERMS = json.dumps({"terms": []})


def untranslated(messages: Sequence[ChatMessage]) -> str:
    """A reply to a question-translation request that keeps the question as it is: the
    answerer then answers it directly across languages, as without translation."""
    return json.dumps({"zh": asked(messages)}, ensure_ascii=False)


def confirming(script: Callable[[Sequence[ChatMessage], GenerationOptions], str]) -> Any:
    """`script` for answer requests; "yes" to confirmations, no terms to term requests."""

    def wrapped(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "confirm":
            return YES
        if kind == "terms":
            return NO_TERMS
        if kind == "question":
            return untranslated(messages)
        return script(messages, options)

    return wrapped


def model(
    answer: str,
    *needles: str,
    extra: Sequence[Any] = (),
    verdict: str = "yes",
    terms: Sequence[tuple[str, str]] = (),
    question: str = "",
    translations: Sequence[str] = (),
    latin: Sequence[str] = (),
    named: Sequence[str] = (),
) -> FakeGenerator:
    """A model citing the shown sentences that contain `needles` (then the ids `extra`).

    Asked again without numbered sentences (a follow-up request), it says `answer` again;
    asked whether its quotes answer the question, it says `verdict`; asked for an English
    question's Chinese terms, it gives `terms` ((en, zh) pairs); asked to translate the
    question, it gives `question` (by default the question unchanged: no translation);
    asked to translate the checked claims, it gives `translations` (and `latin` when
    asked again in Latin script only, `named` when asked again with names to keep).
    """

    translated = 0

    def script(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        kind = prompts.request_kind(options)
        if kind == "confirm":
            return json.dumps({"verdict": verdict})
        if kind == "question":
            if not question:
                return untranslated(messages)
            return json.dumps({"zh": question}, ensure_ascii=False)
        if kind == "translate":
            nonlocal translated
            translated += 1
            # A backend that holds no reply to the grammar's pattern (an endpoint may not)
            # gives `translations` first; asked again, Latin only, it gives `latin`.
            again = latin and translated > 1 and prompts.latin_only(options)
            given = list(latin if again else translations)
            if named and prompts.names_kept(messages):
                given = list(named)
            given = given[: len(prompts.statements(messages))]
            return json.dumps({"translations": given}, ensure_ascii=False)
        if kind == "terms":
            pairs = [{"en": en, "zh": zh} for en, zh in terms]
            return json.dumps({"terms": pairs}, ensure_ascii=False)
        if kind == "rewrite":
            return json.dumps({"answer": answer}, ensure_ascii=False)
        ids = [sentence_id(messages, needle) for needle in needles]
        return reply(answer, [*ids, *extra])

    return FakeGenerator(script)


def markers(text: str) -> set[int]:
    """The [n] markers in an answer's text."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}
