"""Does a question lean on the conversation? Decided from its words, without a model."""

from __future__ import annotations

import re

# Openings that continue the previous question ("那深圳呢？", "what about the second trend?").
_ZH_OPENINGS = (
    "那", "那么", "还有", "另外", "此外", "再", "并且", "而且", "同样", "以及", "和", "跟",
    "它", "其", "他们", "她们", "这", "该", "上述", "前者", "后者",
)  # fmt: skip
# Words that point back at something said before.
_ZH_POINTERS = re.compile(
    r"它们?|其中|其他|上述|前者|后者|这[个些一项种家]|那[个些一项种家]|该[报趋技公企项]|第[一二三四五六七八九十\d]+[个项条点]|刚才|之前"
)
_EN_OPENINGS = re.compile(
    r"^(?:what|how) about\b|^what of\b|^and\b|^also\b|^but\b|^so\b|^then\b|^same\b",
    re.IGNORECASE,
)
_EN_PRONOUN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|these|those|he|she|him|his|her)\b", re.IGNORECASE
)
_EN_POINTERS = re.compile(
    r"\b(?:former|latter)\b|\b(?:that|this) one\b"
    r"|\bthe (?:first|second|third|fourth|fifth|last|same|other|previous|above) (?:one|trend|"
    r"report|point|item|figure|company|technology)\b",
    re.IGNORECASE,
)
# A name before the pronoun ("Apple's Vision Pro ... does it run") is what it points at.
_EN_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][A-Za-z0-9]*|\b[A-Za-z]*\d[A-Za-z0-9-]*")
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


def is_followup(question: str) -> bool:
    """True when `question` likely needs the earlier turns to be understood."""
    text = question.strip()
    han = len(_HAN.findall(text))
    if han >= len(_WORD.findall(text)):
        bare = re.sub(r"[\s？?。！!，,]", "", text)
        if bare.endswith("呢") and han <= 12:
            return True
        return bare.startswith(_ZH_OPENINGS) or bool(_ZH_POINTERS.search(bare)) or han <= 3
    words = _WORD.findall(text)
    if len(words) <= 3 or _EN_OPENINGS.search(text) or _EN_POINTERS.search(text):
        return True
    pronoun = _EN_PRONOUN.search(text)
    return pronoun is not None and not _EN_NAME.search(text[: pronoun.start()])
