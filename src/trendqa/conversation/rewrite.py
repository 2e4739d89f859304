"""Follow-up questions rewritten into standalone ones with one short model call."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trendqa.answer.question import asks
from trendqa.conversation.followup import is_followup
from trendqa.conversation.prompts import rewrite_messages
from trendqa.textnorm import detect_language

# (role, text) messages -> the model's reply; injected so tests and the server pass their own.
Complete = Callable[[Sequence[tuple[str, str]]], str]

TURNS = 3  # earlier turns the rewrite sees: follow-ups point at the last one or two
_LABEL = re.compile(r"^(?:standalone question|question|rewritten|→|->)\s*[:：]?\s*", re.I)


def _clean(reply: str) -> str:
    line = reply.strip().splitlines()[0] if reply.strip() else ""
    line = _LABEL.sub("", line.strip())
    return line.strip().strip("\"'“”「」").strip()


def standalone(
    question: str, history: Sequence[tuple[str, str]], complete: Complete
) -> tuple[str, bool]:
    """The question to retrieve with, and whether it was rewritten.

    Only a question that looks like a follow-up (`is_followup`) costs a model call;
    a reply that is empty, far longer than the question, in another language or asking
    nothing (the model answered the follow-up instead) is not trusted.
    """
    if not history or not is_followup(question):
        return question, False
    reply = _clean(complete(rewrite_messages(history[-TURNS:], question)))
    if not reply or len(reply) > 3 * len(question) + 120 or reply == question:
        return question, False
    if detect_language(reply) != detect_language(question) or (asks(question) and not asks(reply)):
        return question, False
    return reply, True
