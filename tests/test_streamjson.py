"""FieldStream: one string field decoded out of JSON that arrives in arbitrary pieces."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from trendqa.streamjson import FieldStream

ANSWER = '规模达到727.2亿元，"大模型"企业\\3,072家。\n第二行\ttab😀'
REPLY = json.dumps({"evidence": [3, 4], "answer": ANSWER})  # ASCII escapes: \u4e2d, \ud83d...
REPLY_RAW = json.dumps({"evidence": [3], "answer": ANSWER}, ensure_ascii=False)


def stream(pieces: Iterable[str], name: str = "answer") -> list[str]:
    """What a FieldStream emits when fed `pieces` in order."""
    emitted: list[str] = []
    fs = FieldStream(name, emitted.append)
    for piece in pieces:
        fs.feed(piece)
    return emitted


def test_decodes_the_field_fed_character_by_character() -> None:
    emitted = stream(REPLY)
    assert "".join(emitted) == ANSWER
    assert all(emitted)  # no empty pieces


def test_unescaped_utf8_reply_decodes_too() -> None:
    assert "".join(stream(REPLY_RAW)) == ANSWER
    assert "".join(stream([REPLY_RAW])) == ANSWER  # one piece


@pytest.mark.parametrize("reply", [REPLY, REPLY_RAW])
def test_every_split_point_gives_the_same_text(reply: str) -> None:
    for cut in range(len(reply) + 1):
        assert "".join(stream([reply[:cut], reply[cut:]])) == ANSWER, cut


@pytest.mark.parametrize(
    "escape, char",
    [('\\"', '"'), ("\\\\", "\\"), ("\\u4e2d", "中"), ("\\n", "\n"), ("\\/", "/")],
)
def test_an_escape_split_anywhere_is_held_back_until_complete(escape: str, char: str) -> None:
    head = '{"answer": "a'
    for cut in range(1, len(escape)):
        emitted = stream([head + escape[:cut]])
        assert "".join(emitted) == "a", (escape, cut)  # nothing half-decoded
        emitted = stream([head + escape[:cut], escape[cut:], 'b"}'])
        assert "".join(emitted) == f"a{char}b", (escape, cut)


def test_a_surrogate_pair_becomes_one_character() -> None:
    pair = "\\ud83d\\ude00"  # 😀 as JSON spells it in ASCII
    for cut in range(len(pair) + 1):
        emitted = stream(['{"answer": "x', pair[:cut], pair[cut:], 'y"}'])
        assert "".join(emitted) == "x😀y", cut
        "".join(emitted).encode("utf-8")  # printable: no lone surrogates


def test_a_lone_surrogate_is_not_held_back_for_ever() -> None:
    emitted = stream(['{"answer": "x\\ud83d', '\\u0041"}'])
    assert "".join(emitted) == "x\ud83dA"


def test_text_is_emitted_as_it_arrives() -> None:
    emitted: list[str] = []
    fs = FieldStream("answer", emitted.append)
    fs.feed('{"evidence": [1], "answer": "')
    assert emitted == []
    fs.feed("规模")
    assert emitted == ["规模"]
    fs.feed("达到")
    assert emitted == ["规模", "达到"]


def test_stops_at_the_closing_quote() -> None:
    emitted = stream(['{"answer": "done", "answer": "again"}', ' {"answer": "more"}'])
    assert "".join(emitted) == "done"


def test_ignores_other_fields() -> None:
    reply = (
        '{"note": "answer", "my_answer": "no", "quote": "\\"answer\\": \\"fake\\"",'
        ' "evidence": [1, 2], "answer" : \n "yes"}'
    )
    assert "".join(stream(reply)) == "yes"
    for cut in range(len(reply) + 1):
        assert "".join(stream([reply[:cut], reply[cut:]])) == "yes", cut


def test_a_field_that_never_comes_emits_nothing() -> None:
    assert stream('{"evidence": [1, 2]}') == []
    assert stream(['{"answer": 42}']) == []  # not a string
    assert "".join(stream(REPLY, name="nothing")) == ""


def test_a_cut_off_reply_emits_what_it_has() -> None:
    assert "".join(stream(['{"answer": "规模达到727', ".2亿\\u4e"])) == "规模达到727.2亿"
