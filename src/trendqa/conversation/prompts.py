"""Prompt text of the conversation layer, kept apart from the code that fills it in."""

from __future__ import annotations

from collections.abc import Sequence

REWRITE_SYSTEM = (
    "You rewrite the last question of a conversation about reports into a standalone "
    "question. Replace pronouns and omitted subjects with what they refer to in the "
    "earlier turns. Keep the question's language, its meaning and its wording otherwise. "
    "If it already stands alone, repeat it unchanged. Reply with the question only, "
    "on one line."
)

# How much of an earlier answer the rewrite sees: enough to name what it was about.
ANSWER_CHARS = 200


def rewrite_user(history: Sequence[tuple[str, str]], question: str) -> str:
    """The conversation so far and the question to rewrite."""
    lines = []
    for asked, answered in history:
        lines.append(f"User: {asked}")
        lines.append(f"Assistant: {' '.join(answered.split())[:ANSWER_CHARS]}")
    lines.append(f"Last question: {question}")
    lines.append("Standalone question:")
    return "\n".join(lines)
