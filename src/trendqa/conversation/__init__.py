"""Conversations over the index: follow-up questions made standalone before retrieval.

- `followup`: a cheap test of whether a question leans on the conversation.
- `prompts`: the rewrite prompt's text, apart from the logic that uses it.
- `rewrite`: `standalone()`, one short model call over the last turns.
"""

from trendqa.conversation.followup import is_followup
from trendqa.conversation.rewrite import Complete, standalone

__all__ = ["Complete", "is_followup", "standalone"]
