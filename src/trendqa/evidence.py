"""Evidence checks outside the model: does retrieved text bear on the question at all?

A small model rarely admits that passages do not answer a question, so
answerability is decided here too, from what the passages actually contain:
the question's informative terms (idf-weighted), its figures (a question about
2025 needs a passage that mentions 2025), and the passages' similarity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trendqa.numbers import HOW_MUCH, figures, find_numbers, supported
from trendqa.records import Chunk
from trendqa.textnorm import fold, han_share, han_years
from trendqa.tokens import tokenize

# Below this cosine the best passage is unrelated to the question (dev-set answerable
# questions all scored >= 0.37; off-topic ones ~0.1-0.3).
MIN_SIMILARITY = 0.30
# Share of a Chinese question's informative terms the passages must contain.
MIN_COVERAGE = 0.45
# The same for a question's translation (or an English question's Chinese terms): lower,
# since the model's translation of a term is a guess.
TRANSLATED_COVERAGE = 0.3
# Any share of a translated question's terms is held to this fraction of a native one's.
TRANSLATED_SHARE = TRANSLATED_COVERAGE / MIN_COVERAGE


@dataclass(frozen=True)
class Support:
    """How well some passages cover a question."""

    coverage: float  # idf-weighted share of the question's terms found (Han questions)
    missing_terms: tuple[str, ...]
    missing_numbers: tuple[str, ...]  # figures the question names that no passage states


def chunk_context(chunk: Chunk, meta_text: Mapping[str, str]) -> str:
    """A passage plus what identifies its document (title, publisher) and section."""
    docs = " ".join(meta_text.get(d, "") for d in chunk.docs)
    return f"{docs} {chunk.title} {chunk.heading or ''} {chunk.text}"


# Words that phrase a request rather than name what it is about: a passage need not
# contain 列出 or 具体 to answer "请具体列出…", nor 章节, 所说 or 意思 to answer "这一
# 章节所说的X是什么意思" — words for where a report says it and for asking what it means,
# nor 回顾 or 提出 to answer "在回顾…之后，报告提出了哪四个方向？" — words for what a report does.
_REQUEST_TEXT = """列出 列举 具体 几条 几项 几个 几类 几种 几点 哪几 分别 主要有 包括 包含 介绍 说明
    描述 概述 简述 解释 阐述 总结 归纳 概括 看待 看法 观点 评价 请问 请 一下 哪方面 哪些方面
    有何 怎样 是什么 什么样 比如 例如 譬如
    章节 一章 两章 这章 本章 该章 小节 段落 部分 文中 文章 这份 那份 该报告 本报告 报告中
    所说 所谓 意思 含义 意味着 指的是 认为 提到 提及 指出 表示 关键点 界定 内涵
    回顾 梳理 提出 谈到 讨论 论述 讲述 记载 记录
    这一 这个 这些 这种 这类 这项 此项 该项
    describe described explain explained name named mention mentioned give each both
    briefly specifically"""
REQUEST_WORDS = frozenset(_REQUEST_TEXT.split())
# How many items a list question expects (四个, 三大, 10项): its shape, not its subject.
_COUNT = re.compile(r"[一二三四五六七八九十两几]+[个项条类种点大方面]+")


# A Latin gloss in brackets after a Chinese term (科技巨头（Big Tech）): the same term
# again, which a Chinese report need not write beside it.
_GLOSS_TEXT = r"\s*[（(]([A-Za-z][A-Za-z .'\-]*)[）)]"
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff”\"]){_GLOSS_TEXT}")
# The Chinese term a gloss follows, and the gloss.
_GLOSSED = re.compile(rf"([\u4e00-\u9fff]{{2,8}}){_GLOSS_TEXT}")


def without_gloss(text: str) -> str:
    """`text` without the English glosses in brackets after its Chinese terms."""
    return _GLOSS.sub("", text)


def key_terms(question: str) -> list[str]:
    """The question's informative tokens: words of two or more characters, and figures."""
    return sorted(
        {
            t
            for t in tokenize(without_gloss(question))
            if (len(t) > 1 or t.isdigit()) and t not in REQUEST_WORDS and not _COUNT.fullmatch(t)
        }
    )


def support(
    question: str, texts: Sequence[str], idf: Mapping[str, float], default_idf: float
) -> Support:
    """Which of the question's terms and figures the texts contain (its answer slot —
    哪一年, 日期 — is no term to find: an answer fills it)."""
    haystack = fold(" ".join(texts))
    terms = key_terms(asked_text(question))
    if han_share(question) >= 0.5:
        # A term the question glosses is written either way: 智能体（Agent） by "Agent".
        glossed = [term for term, gloss in _GLOSSED.findall(question) if fold(gloss) in haystack]

        def found_in(t: str) -> bool:
            return fold(t) in haystack or any(t in term for term in glossed)

        weights = {t: idf.get(t, default_idf) for t in terms}
        total = sum(weights.values())
        found = sum(w for t, w in weights.items() if found_in(t))
        missing = tuple(t for t in terms if not found_in(t))
        coverage = found / total if total else 1.0
    else:  # an English question's words cannot be looked up in Chinese text
        coverage, missing = 1.0, ()
    # Years written in characters (二〇二三年) are the years a question writes in digits.
    evidence_numbers = figures(" ".join(texts))
    missing_numbers = tuple(
        n.text
        for n in find_numbers(han_years(question))
        if _distinctive(n.value) and not supported(n, evidence_numbers)
    )
    return Support(coverage, missing, missing_numbers)


def _distinctive(value: float) -> bool:
    """Figures a passage must state to be about the question: years, amounts, decimals.

    Small whole numbers are left out: reports write them in Chinese numerals
    (十大趋势, 三大系统) that an English question spells as 10 or 3.
    """
    return value >= 100 or value != int(value)


# The answer's slot in a question: its interrogative (哪一年, 什么时候, 哪支) and the
# nouns that name the kind of answer (日期, 地点, 人数). A sentence that answers fills the
# slot with a date, a place or a figure; it need not contain these words.
_ANSWER_SLOT = re.compile(
    rf"什么时候|什么|哪一?[年月天个家位种类项支所座些里儿国]?|{HOW_MUCH}|"
    r"一次(?=\s*(?:[？?]|$))|几[个家位种项年月天]?|"
    r"谁|怎样|怎么样?|如何|为何|为什么|何时|何地|是否|吗|呢|"
    r"时间|日期|时候|年份|地点|地方|人数|数量|名称|名字|原因"
)


def asked_text(question: str) -> str:
    """The question without its answer slot: what a sentence answering it must name."""
    return _ANSWER_SLOT.sub(" ", question)


# The words from one answer slot to the next within a clause.
_BETWEEN_SLOTS = re.compile(f"(?:{_ANSWER_SLOT.pattern})[^，,；;。？?]*?(?={_ANSWER_SLOT.pattern})")


def unframed(question: str) -> str:
    """The question without the words between two of its answer slots: "从多少增长到多少"
    relates two answers (增长), it does not name what they measure."""
    return _BETWEEN_SLOTS.sub(" ", question)
