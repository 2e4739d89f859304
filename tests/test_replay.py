"""Recorded replies: a re-run of `eval` asks the model only where a prompt changed."""

from __future__ import annotations

from pathlib import Path

from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.llm.replay import ReplayGenerator
from trendqa.testing import FakeGenerator

ASK = [ChatMessage("system", "rules"), ChatMessage("user", "问题")]
OPTS = GenerationOptions(max_tokens=20)


def test_a_recorded_call_is_replayed_by_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "replies.jsonl"
    first = ReplayGenerator(FakeGenerator(["第一次"]), path)
    assert first.generate(ASK, OPTS).text == "第一次"
    # A new wrapper (a later run) over a model that would now say something else.
    again = ReplayGenerator(FakeGenerator(["第二次"]), path)
    result = again.generate(ASK, OPTS)
    assert result.text == "第一次"
    assert (again.replayed, again.asked) == (1, 0)


def test_a_changed_prompt_or_option_reaches_the_model(tmp_path: Path) -> None:
    path = tmp_path / "replies.jsonl"
    ReplayGenerator(FakeGenerator(["旧"]), path).generate(ASK, OPTS)
    model = FakeGenerator(["新的提示", "新的预算"])
    again = ReplayGenerator(model, path)
    changed = [ChatMessage("system", "rules v2"), ASK[1]]
    assert again.generate(changed, OPTS).text == "新的提示"
    assert again.generate(ASK, GenerationOptions(max_tokens=40)).text == "新的预算"
    assert again.asked == 2 and len(model.calls) == 2


def test_sampled_calls_and_cut_lines_are_asked_again(tmp_path: Path) -> None:
    path = tmp_path / "replies.jsonl"
    sampled = GenerationOptions(max_tokens=20, temperature=0.7)
    ReplayGenerator(FakeGenerator(["一"]), path).generate(ASK, sampled)
    assert not path.exists()  # a sampled reply is never recorded
    ReplayGenerator(FakeGenerator(["二"]), path).generate(ASK, OPTS)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"key": "cut by a kil')  # a run killed mid-write
    again = ReplayGenerator(FakeGenerator(["三"]), path)
    assert again.generate(ASK, OPTS).text == "二"
