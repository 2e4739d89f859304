"""A term a question writes in full where the corpus writes it short, or the other way.

Chinese shortens a term by keeping some of its characters, in order: 政府事务大型模型 is
政务大模型, 大型语言模型 is 大语言模型. A translated question ("Shenzhen's first
government-affairs large model") comes back in the long form the report never writes, and
every check then holds the answer to words no sentence has: the right sentence is refused
as being about something else. A span of the question the corpus never writes is written
as a found passage writes it when one is the other's short form: the same first and last
character, the shorter's characters in the longer in order with every word of the longer
giving at least one (a word dropped whole is a thing left out: 自动汽车 is no 自动驾驶汽车)
and its last word, what the term names, kept whole (一个人 is no 一个机器人),
none of the characters that turn a term into another dropped. Which of several
candidates, and whether any, is for the embedder to say (the caller's bar).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache

from trendqa.tokens import tagged, words

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that join words into a clause, not a term: a span holding one ("技术用于",
# "技术应用于") is a phrase, and no term is respelled across it.
_FUNCTION_CHARS = "的地得之于在了和与及或是为对将把被从向以而并也就都又还所"
_FUNCTION = re.compile(f"[{_FUNCTION_CHARS}]")
_TERM_RUN = re.compile(f"[^\\W{_FUNCTION_CHARS}A-Za-z0-9_]+")
# A term is at least this many characters: two-character words shorten too freely
# (上年 is not 上半年, A轮 not B轮).
MIN_CHARS = 3
# A short form keeps at least half of its long form (政务大模型: 5 of 8).
MAX_RATIO = 2
# The longest span looked at: a term, not a clause.
MAX_SPAN = 12
# Characters whose loss turns a term into another: negations, 半 (上半年 is no 上年), and
# what a question asks with (多少个量子 is no 多个量子: the question would ask nothing).
_KEPT = frozenset("不非无未没否反半副准前后少几哪何谁")


def _parts(term: str) -> list[str]:
    """`term`'s words, a word of four or more characters in its two-character parts:
    jieba's dictionary holds compounds (自动驾驶, 脑机接口) whose halves are words too."""
    return [
        word[i : i + 2] if len(word) >= 4 else word
        for word in words(term)
        for i in (range(0, len(word), 2) if len(word) >= 4 else (0,))
    ]


def _keeps_every_word(short: str, long: str) -> bool:
    """Whether `short`'s characters, in order, can be found in `long` with each of
    `long`'s words giving at least one (政务大模型 of 政府/事务/大型/模型; not 自动汽车 of
    自动/驾驶/汽车: a word dropped whole is a thing left out)."""
    owner = [i for i, word in enumerate(_parts(long)) for _ in word]
    if len(owner) != len(long):
        return False
    last_word = owner[-1]

    @cache
    def fits(i: int, j: int, word: int) -> bool:
        # short[i:] placed in long[j:], every word before `word` already given one.
        if i == len(short):
            return word > last_word
        for k in range(j, len(long)):
            if owner[k] > word:
                return False  # a word between would give none
            if long[k] == short[i] and fits(i + 1, k + 1, max(word, owner[k] + 1)):
                return True
        return False

    return fits(0, 0, 0)


def shortens(short: str, long: str) -> bool:
    """Whether `short` writes `long` in fewer of its characters (政务大模型, 政府事务大型
    模型)."""
    return (
        MIN_CHARS <= len(short) < len(long) <= MAX_RATIO * len(short)
        and short[0] == long[0]
        and short[-1] == long[-1]
        and _keeps_every_word(short, long)
        and short.endswith(_parts(long)[-1])
        and not (set(long) - set(short)) & _KEPT
    )


def _word_bounds(run: str) -> set[int]:
    """Where `run`'s words begin and end."""
    bounds, at = {0}, 0
    for word in words(run):
        at += len(word)
        bounds.add(at)
    return bounds


def _bounds(run: str) -> tuple[set[int], set[int]]:
    """Where `run`'s words begin, and where its nouns end: a term starts with a word and
    ends with a noun (模型, 大学), not with a verb (技术用 of "技术用于")."""
    starts, ends, at = set(), set(), 0
    for word, flag in tagged(run):
        starts.add(at)
        at += len(word)
        if flag.startswith("n") or flag in ("vn", "j", "eng"):
            ends.add(at)
    return starts, ends


def _candidates(span: str, runs: Sequence[tuple[str, set[int]]]) -> list[str]:
    """The passages' terms that are `span`'s short or long form: of the passages' runs,
    each with where its words begin and end — a term of a passage starts and ends where
    its words do (技趋势 of 科技趋势 is none)."""
    out: dict[str, None] = {}
    first, last = span[0], span[-1]
    for run, bounds in runs:
        if first not in run or last not in run:
            continue
        for start in (i for i, c in enumerate(run) if c == first and i in bounds):
            for end in range(start + MIN_CHARS, min(len(run), start + MAX_RATIO * len(span)) + 1):
                if end not in bounds:
                    continue
                term = run[start:end]
                if (
                    term[-1] == last
                    and term != span
                    and (shortens(term, span) or shortens(span, term))
                ):
                    out[term] = None
    return list(out)


def respelled(
    question: str,
    passages: Iterable[str],
    written: Callable[[str], bool],
    closest: Callable[[str, list[str]], str | None],
) -> list[tuple[str, str]]:
    """Each span of `question` the corpus never writes (`written` says) with the term the
    passages write for it, longest spans first, none overlapping another: `closest` picks
    among a span's candidates, or none."""
    # The passages' runs of Han between function characters, each with its word bounds,
    # worked out once for every span.
    pieces = dict.fromkeys(
        piece
        for text in passages
        for run in _HAN_RUN.findall(text)
        for piece in _FUNCTION.split(run)
        if len(piece) >= MIN_CHARS
    )
    runs = [(piece, _word_bounds(piece)) for piece in pieces]
    taken: list[tuple[int, int]] = []
    out: list[tuple[str, str]] = []
    spans = [
        (m.start() + i, m.start() + j)
        for m in _TERM_RUN.finditer(question)
        for starts, ends in [_bounds(m[0])]
        for i in starts
        for j in ends
        if MIN_CHARS <= j - i <= MAX_SPAN
    ]
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if any(start < e and s < end for s, e in taken):
            continue
        span = question[start:end]
        candidates = _candidates(span, runs)
        best = closest(span, candidates) if candidates and not written(span) else None
        if best is not None:
            taken.append((start, end))
            out.append((span, best))
    return out
