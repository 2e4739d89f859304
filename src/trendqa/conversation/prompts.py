"""Prompt text of the conversation layer, kept apart from the code that fills it in."""

from __future__ import annotations

from collections.abc import Sequence

REWRITE_SYSTEM = (
    "You rewrite a follow-up question so that it can be understood without the "
    "conversation. Replace pronouns (it, they, these, 它, 其, 后者) and omitted subjects "
    "with the names they refer to in the earlier question and answer. Never answer the "
    "question, even when the earlier answer already does: reply with a question. Keep its "
    "language. Reply with the rewritten question only."
)

# Worked examples, given as earlier turns of the chat: a small model told only what to
# do answers the follow-up from the earlier answer ("它位于美国。") instead of rewriting
# it; shown what a rewrite looks like, it rewrites. Their topics are none of the
# corpus's, so they lend no facts to the rewrite.
REWRITE_EXAMPLES: tuple[tuple[str, str, str, str], ...] = (
    ("2023年中国新能源汽车销量是多少？", "949.5万辆[1]。", "那出口呢？",
     "2023年中国新能源汽车出口量是多少？"),
    ("Which company makes the H100 GPU?", "NVIDIA makes the H100[2].",
     "How much memory does it have?", "How much memory does NVIDIA's H100 GPU have?"),
    ("报告提到的量子计算机有哪些？", "IBM的Condor和Heron[1]。", "后者有多少个量子比特？",
     "IBM的Heron有多少个量子比特？"),
    ("When was the EU AI Act passed?", "In March 2024[3].", "What about the US?",
     "When did the US pass its AI act?"),
    ("华为发布的大模型叫什么？", "盘古大模型，可用于气象预测[1]。", "它可以用来做什么？",
     "华为的盘古大模型可以用来做什么？"),
)  # fmt: skip

# How much of an earlier answer the rewrite sees: enough to name what it was about.
ANSWER_CHARS = 200
FOLLOW_UP = "Follow-up: "


def _turns(history: Sequence[tuple[str, str]], question: str) -> str:
    lines = []
    for asked, answered in history:
        lines.append(f"Earlier question: {asked}")
        lines.append(f"Earlier answer: {' '.join(answered.split())[:ANSWER_CHARS]}")
    lines.append(f"{FOLLOW_UP}{question}")
    return "\n".join(lines)


def rewrite_messages(history: Sequence[tuple[str, str]], question: str) -> list[tuple[str, str]]:
    """The (role, text) messages asking for `question` rewritten to stand alone: the
    instruction, the worked examples as earlier turns, then the conversation so far."""
    messages = [("system", REWRITE_SYSTEM)]
    for asked, answered, follow_up, rewritten in REWRITE_EXAMPLES:
        messages.append(("user", _turns([(asked, answered)], follow_up)))
        messages.append(("assistant", rewritten))
    messages.append(("user", _turns(history, question)))
    return messages


def follow_up_of(text: str) -> str:
    """The follow-up question a rewrite request's last message asks about."""
    lines = [x for x in text.splitlines() if x.startswith(FOLLOW_UP)]
    return lines[-1].removeprefix(FOLLOW_UP) if lines else ""
