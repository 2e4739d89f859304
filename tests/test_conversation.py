"""Follow-up detection and rewriting, without a model: the rules and the guard rails."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from trendqa.conversation import is_followup, standalone
from trendqa.conversation.prompts import REWRITE_EXAMPLES, REWRITE_SYSTEM, follow_up_of

DEV = Path(__file__).resolve().parents[1] / "eval" / "dev.jsonl"
HISTORY = [("2024年中国人工智能核心产业规模是多少？", "规模达到727.2亿元[1]。")]


@pytest.mark.parametrize(
    "question",
    [
        "那深圳呢？",
        "深圳呢",
        "它的市场规模是多少？",
        "其中最大的是哪家？",
        "第二个趋势是什么？",
        "what about the second trend?",
        "How big is it?",
        "And in 2025?",
        "Which companies lead them?",
        "How many chips did they ship in 2024?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert is_followup(question)


@pytest.mark.parametrize(
    "question",
    [
        "2024年中国人工智能核心产业规模是多少？",
        "腾讯报告中的“数字交互引擎”是什么？",
        "What was the launch price of Apple's Vision Pro, and what operating system does it run?",
        "In Weijin Research's review of its 2023 predictions, what was the L2 penetration rate?",
        "How many edge AI chips shipped in 2024?",
    ],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    assert not is_followup(question)


def test_no_dev_question_counts_as_a_follow_up() -> None:
    # The dev questions are written to stand alone: each would cost a needless model call.
    questions = [json.loads(line)["question"] for line in DEV.read_text("utf-8").splitlines()]
    assert len(questions) == 30
    assert [q for q in questions if is_followup(q)] == []


def test_a_follow_up_is_rewritten_with_the_last_turns() -> None:
    seen: list[list[tuple[str, str]]] = []

    def complete(messages: Sequence[tuple[str, str]]) -> str:
        seen.append(list(messages))
        return "Standalone question: 深圳市人工智能核心产业规模是多少？"

    rewritten = standalone("那深圳呢？", HISTORY, complete)
    assert rewritten == ("深圳市人工智能核心产业规模是多少？", True)
    ((system, *examples, (role, user)),) = seen
    assert system == ("system", REWRITE_SYSTEM)
    # The worked examples come first, as earlier turns of the chat: each a follow-up
    # and its rewrite.
    assert [r for r, _t in examples] == ["user", "assistant"] * len(REWRITE_EXAMPLES)
    assert [t for r, t in examples if r == "assistant"] == [e[3] for e in REWRITE_EXAMPLES]
    assert role == "user"
    assert "Earlier question: 2024年中国人工智能核心产业规模是多少？" in user
    assert follow_up_of(user) == "那深圳呢？" and user.endswith("那深圳呢？")


def test_the_worked_examples_are_follow_ups_rewritten_into_standalone_questions() -> None:
    for _asked, _answered, follow_up, rewritten in REWRITE_EXAMPLES:
        assert is_followup(follow_up)
        assert not is_followup(rewritten)


def test_standalone_questions_and_first_questions_cost_no_call() -> None:
    def complete(messages: Sequence[tuple[str, str]]) -> str:
        raise AssertionError("no model call expected")

    assert standalone("那深圳呢？", [], complete) == ("那深圳呢？", False)
    question = "How many edge AI chips shipped in 2024?"
    assert standalone(question, HISTORY, complete) == (question, False)


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "那深圳呢？",
        "x" * 400,
        # Measured with the default model: answered instead of rewritten, and rewritten
        # into English.
        "深圳",
        "How many AI companies does Shenzhen have?",
    ],
)
def test_an_untrustworthy_rewrite_keeps_the_question(reply: str) -> None:
    assert standalone("那深圳呢？", HISTORY, lambda messages: reply) == ("那深圳呢？", False)
