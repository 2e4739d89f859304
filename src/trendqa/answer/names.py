"""People's names an English question writes in Latin letters, found as the corpus writes
them in Chinese.

A model translating "How many CRISPR systems did Feng Zhang find?" may render the name
its own way (冯章), while the report writes 张锋: every check then holds the answer to
a name no passage uses. A Chinese name's Latin spelling is its pinyin, in either order
(Feng Zhang, Zhang Feng), so a Chinese person's name in the passages whose syllables spell
the question's Latin name is that person. A Western given name before a Chinese surname
(Terence Tao, 陶哲轩) spells only the surname: it names the one person in the passages
with that surname, and nobody when several share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import cache, lru_cache

from trendqa.textnorm import cjk_count, fold
from trendqa.tokens import tagged

# Runs of capitalised words: "Feng Zhang", "Terence Tao" (a sentence's first word too,
# which matches nobody's pinyin and is dropped then).
_LATIN_RUN = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_DOTTED = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[·・•][\u4e00-\u9fff]{1,6})+")
# A Chinese given name has one or two characters.
GIVEN_SYLLABLES = 2


@cache
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's table of the common characters)."""
    from pypinyin import Style, pinyin

    han = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    return frozenset(
        r for readings in pinyin(han, style=Style.NORMAL, heteronym=True) for r in readings
    )


def _segments(word: str) -> int | None:
    """The fewest pinyin syllables that spell `word` exactly, None when none do."""
    word = word.lower()
    syllables = _syllables()
    best: list[int | None] = [0] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and word[start:end] in syllables:
                count = before + 1
                current = best[end]
                if current is None or count < current:
                    best[end] = count
    return best[len(word)]


def readings(name: str) -> list[list[str]]:
    """Each character's toneless pinyin readings (a surname like 曾 or 单 has two)."""
    from pypinyin import Style, pinyin

    return [list(dict.fromkeys(r)) for r in pinyin(name, style=Style.NORMAL, heteronym=True)]


def _spellings(name: str) -> set[str]:
    """Every way the name's syllables join into one word (zhangfeng)."""
    out = {""}
    for options in readings(name):
        out = {s + o for s in out for o in options}
    return out


def spells(latin: str, name: str) -> bool:
    """Whether the Latin name is the Chinese name's pinyin, surname first or last."""
    words = [w.lower() for w in re.split(r"[ \-]+", latin) if w]
    if len(words) < 2:
        return False
    joined = {"".join(words), "".join(words[-1:] + words[:-1])}
    return bool(joined & _spellings(name))


def surname_of(latin: str, name: str) -> bool:
    """Whether a Western given name with the Chinese name's surname spells it (Terence
    Tao, 陶哲轩): the last word is the surname's pinyin and the given name is not a
    Chinese one (it is not one or two pinyin syllables)."""
    words = [w.lower() for w in re.split(r"[ \-]+", latin) if w]
    if len(words) < 2 or len(name) not in (2, 3):
        return False
    surname = readings(name[0])
    if words[-1] not in surname[0] and words[-1] not in surname[-1]:
        return False  # (before the syllable table, which costs ~0.6 s to build once)
    given = _segments("".join(words[:-1]))
    return given is None or given > GIVEN_SYLLABLES


def latin_names(question: str) -> list[str]:
    """Candidate personal names: runs of capitalised words, each with its leading word
    dropped too ("In Weijin Research" also gives "Weijin Research")."""
    out: list[str] = []
    for m in _LATIN_RUN.finditer(question):
        words = re.split(r"[ -]", m.group(0))
        out.extend(" ".join(words[i:]) for i in range(len(words) - 1))
    return list(dict.fromkeys(out))


def person_names(texts: Iterable[str]) -> list[str]:
    """Chinese personal names in `texts` (jieba's person tags), in order of appearance."""
    names: list[str] = []
    for text in texts:
        for word, flag in tagged(text):
            if flag in ("nr", "nrfg") and 2 <= len(word) <= 4:
                names.append(word)
    return list(dict.fromkeys(names))


def match(latin: str, names: Sequence[str]) -> str:
    """The Chinese name among `names` the Latin one spells; '' when none or unsure."""
    full = [n for n in names if spells(latin, n)]
    if len(full) == 1:
        return full[0]
    if full:
        return ""
    partial = [n for n in names if surname_of(latin, n)]
    return partial[0] if len(partial) == 1 else ""


def rendering(latin: str, translated: str, partial: bool = False) -> str:
    """How a translated question wrote the Latin name: as is, as its pinyin in Chinese
    characters (冯章), as a dotted transliteration with the surname after the dot
    (特伦斯·陶), or — for a Western given name — as a person's name with that surname
    (黄仁森); '' when it is not found."""
    if latin in translated:
        return latin
    for m in _HAN_NAME.finditer(translated):
        text = m.group(0)
        for size in range(2, len(text) + 1):
            for start in range(len(text) - size + 1):
                window = text[start : start + size]
                if spells(latin, window):
                    return window
    surname = latin.split()[-1].lower()
    for m in _DOTTED.finditer(translated):
        dotted = m.group(0)
        cut = max(dotted.rfind(d) for d in "·・•")
        last = dotted[cut + 1 :]
        if last and surname in readings(last[0])[0]:
            return dotted[: cut + 2]
    if partial:
        for name in person_names([translated]):
            if surname in readings(name[0])[0]:
                return name
    return ""


def align(original: str, translated: str, passages: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The translated question with each Latin personal name of the original written as
    the passages write it, and each Latin name found with its Chinese one."""
    candidates = latin_names(original)
    if not candidates:
        return translated, {}
    names = person_names(passages)
    replaced: dict[str, str] = {}
    for latin in candidates:
        chinese = match(latin, names)
        if not chinese or chinese in translated:
            continue
        shown = rendering(latin, translated, partial=not spells(latin, chinese))
        if shown:
            translated = translated.replace(shown, chinese)
            replaced[latin] = chinese
    return translated, replaced


def restore(text: str, latin: str, chinese: str) -> str:
    """An English text naming the person as the question did: the Chinese name, or its
    pinyin in either order (Huang Renxun, Renxun Huang), becomes the Latin name."""
    syllables = [r[0] for r in readings(chinese)]
    surname, given = syllables[0].capitalize(), "".join(syllables[1:]).capitalize()
    for form in (chinese, f"{surname} {given}", f"{given} {surname}", f"{surname}{given}"):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(form)}(?![a-z])", latin, text, flags=re.I)
    return text


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A Chinese name is at most this many characters (智谱, 商汤, 混元).
_NAME_CHARS = 4


def latin_for_han(text: str, question: str) -> str:
    """An English text with the Chinese words it left untranslated that spell, in pinyin,
    a word the question writes in Latin letters (智谱 for "Zhipu AI", 混元 for "Hunyuan")
    written as the question writes them: the reader's own name for it. A run of Chinese
    is replaced whole or not at all ("上海市" is not "Shanghai 市")."""
    asked = {w.lower(): w for w in re.findall(r"[A-Za-z]{3,}", question)}
    if not asked or not _HAN_RUN.search(text):
        return text

    def latin(match: re.Match[str]) -> str:
        run, out, i = match.group(0), [], 0
        while i < len(run):
            for j in range(min(len(run), i + _NAME_CHARS), i + 1, -1):
                found = next((asked[s] for s in _spellings(run[i:j]) if s in asked), "")
                if found:
                    out.append(f" {found} ")
                    i = j
                    break
            else:
                return run  # Chinese it does not spell stays whole, for the retranslation
        return "".join(out)

    replaced = _HAN_RUN.sub(latin, text)
    return re.sub(r" {2,}", " ", re.sub(r" +([,.;:!?)])", r"\1", replaced)).strip()


# A Latin name written in Chinese text: a capital or a digit among its letters.
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*(?![A-Za-z0-9])")
# A word of a translation that is a name of its source miswritten: this similar to it.
MISWRITTEN_NAME = 0.75


def latin_kept(text: str, checked: str) -> str:
    """A claim's translation with the Latin names of the Chinese claim written as it
    writes them: a small model "corrects" a name it does not know into one it does
    (CIPU → CPU). A word of the translation the claim does not write, that is nearly a
    name the translation left out, is that name."""
    missing = [n for n in dict.fromkeys(_LATIN_NAME.findall(checked)) if fold(n) not in fold(text)]
    if not missing:
        return text
    source = fold(checked)

    def restored(match: re.Match[str]) -> str:
        word = match.group(0)
        if fold(word) in source:
            return word
        close = [
            n
            for n in missing
            if SequenceMatcher(None, word.lower(), n.lower()).ratio() >= MISWRITTEN_NAME
        ]
        return close[0] if len(close) == 1 else word

    return _LATIN_NAME.sub(restored, text)


# Any Latin word of a Chinese text, three characters at least (IBM, Condor, H200,
# GFlops): a Chinese claim writes only names so, but "AI" in 的AI技术 may become
# "artificial intelligence". Looser than `_LATIN_NAME`, which also reads the English
# translation and must pass over its ordinary words.
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9.+\-]*[A-Za-z0-9](?![A-Za-z0-9])")


def latin_words(text: str) -> list[str]:
    """The Latin words of a Chinese text, three characters or more ([] for a text
    without Chinese)."""
    if not cjk_count(text):
        return []
    return list(dict.fromkeys(m for m in _LATIN_WORD.findall(text) if len(m) >= 3))


def left_out(checked: str, text: str) -> list[str]:
    """The Latin words of a Chinese claim its translation does not write (letters and
    digits compared, case aside: GPT-4 is GPT4) — left out even after `latin_kept`."""
    written = _alnum(text)
    return [w for w in latin_words(checked) if _alnum(w) not in written]


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# A word a small model wrote half in Chinese and half in Latin letters: 斯坦ford.
_HALF_WRITTEN = re.compile(r"[\u4e00-\u9fff]{1,3}[A-Za-z]{3,}|[A-Za-z]{3,}[\u4e00-\u9fff]{1,3}")
_SOURCE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def half_written(text: str, source: str) -> str:
    """A reply with each word it wrote half in Chinese, half in Latin letters ("斯坦ford"
    for "Stanford"), where the source writes neither the word nor its Chinese half,
    written as the one Latin word of the source that ends (or begins) with its Latin half."""
    if not _HALF_WRITTEN.search(text):
        return text
    folded = fold(source)
    words = set(_SOURCE_WORD.findall(source))
    lowered = {w.lower() for w in words}

    def whole(match: re.Match[str]) -> str:
        piece = match.group(0)
        if fold(piece) in folded:
            return piece  # written so in the source (万亿tokens)
        han = "".join(c for c in piece if not c.isascii())
        latin = "".join(c for c in piece if c.isascii()).lower()
        if han in folded or latin in lowered:
            return piece  # each half a word of the source ("GPU卡")
        ends = piece[0].isascii()
        found = {
            w
            for w in words
            if len(w) > len(latin)
            and (w.lower().startswith(latin) if ends else w.lower().endswith(latin))
        }
        return found.pop() if len(found) == 1 else piece

    return _HALF_WRITTEN.sub(whole, text)


# A Chinese district, county or town (南山区, 浦东新区, 昆山县): its English name is its
# pinyin ("Nanshan District"). A small model translating a bare list of them put cities
# it knows in their place (盐田区 "Salt Lake City", 宝安区 "Beijing", 龙华区 "Guangzhou
# District"). A city (市) may be a foreign one (纽约市, "New York"), and a region named
# in English otherwise (西藏自治区, 香港特别行政区) is not spelled by its pinyin: neither
# is held to it.
_SUFFIXES = "新区|区|县|镇"
_LOCAL_SUFFIX = re.compile(f"(?:{_SUFFIXES})$")
_NOT_LOCAL = ("特别行政区", "自治区", "自治县", "特别合作区")


@lru_cache(maxsize=256)
def local_places(text: str) -> tuple[str, ...]:
    """The districts, counties and towns `text` names, as it writes them (the tagger's
    place names ending 区, 县 or 镇, two characters or more before the suffix). Cached:
    a translation's checks ask it of the same statement several times."""
    out = []
    for word, flag in tagged(text):
        word = word.strip()
        if flag != "ns" or word.endswith(_NOT_LOCAL):
            continue
        m = _LOCAL_SUFFIX.search(word)
        if m and m.start() >= 2:
            out.append(word)
    return tuple(dict.fromkeys(out))


def place_as_written(bare: str, text: str) -> str:
    """A place's bare name ("福田") with the suffix `text` writes it with ("福田区"), or ''
    when `text` writes it with none."""
    m = re.search(re.escape(bare) + f"({_SUFFIXES})", text)
    return bare + m.group(1) if m else ""


def place_spelling(place: str) -> str:
    """A local place's English name as its pinyin writes it: 宝安区 "Baoan District"."""
    base = _LOCAL_SUFFIX.sub("", place)
    suffix = place[len(base) :]
    english = {"区": "District", "新区": "New Area", "县": "County", "镇": "Town"}[suffix]
    syllables = "".join(r[0] for r in readings(base))
    return f"{syllables.capitalize()} {english}"


def spells_place(text: str, place: str) -> bool:
    """Whether English `text` writes the local place by its pinyin (any reading of a
    character read several ways; "Bao'an" and "Baoan" alike)."""
    letters = re.sub(r"[^a-z]", "", text.lower())
    base = _LOCAL_SUFFIX.sub("", place)
    return any(s and s in letters for s in _spellings(base))


# A report's own English for one of its terms, in brackets after it: "基础模型(Foundation
# Model)", "信息-物理-社群系统(Cyber-Physical-Social System, CPSS)", "检索增强生成（RAG）".
_GLOSS = re.compile(
    r"(?P<han>[\u4e00-\u9fff][\u4e00-\u9fff\-—·]*)\s*[（(]\s*"
    r"(?P<en>[A-Za-z][A-Za-z0-9\-' ]{0,60}[A-Za-z0-9])\s*"
    r"(?:[,，;；]\s*[A-Za-z][A-Za-z0-9\-]{1,11}\s*)?[）)]"
)
# Where a term's run of characters opens: after the last of these ("也称基础模型", "以EV
# 为核心的信息-物理-社群系统"), at most GLOSSED_CHARS back.
_TERM_OPENS = re.compile("[的是为以在和与及、称叫即或将把被由对向从了着即]")
GLOSSED_CHARS = 12


def glosses(texts: Iterable[str]) -> dict[str, str]:
    """The terms `texts` give their own English for, each with that English (the first
    given): what a translation of a statement naming the term should write."""
    out: dict[str, str] = {}
    for text in texts:
        for m in _GLOSS.finditer(text):
            han = m["han"]
            cut = [c.end() for c in _TERM_OPENS.finditer(han)]
            term = han[cut[-1] :] if cut else han
            term = term[-GLOSSED_CHARS:].strip("-—·")
            english = " ".join(m["en"].split())
            # An abbreviation alone (RLHF, FSD) is a name a translation keeps anyway, and
            # says less than the words it stands for.
            if cjk_count(term) >= 2 and re.search("[a-z]", english):
                out.setdefault(term, english)
    return out


def glossary(statements: Sequence[str], texts: Iterable[str]) -> list[tuple[str, str]]:
    """The `glosses` of `texts` whose terms the statements name, longest term first."""
    found = glosses(texts)
    named = [t for t in found if any(t in s for s in statements)]
    return [(t, found[t]) for t in sorted(named, key=len, reverse=True)]


def place_glossary(statements: Sequence[str]) -> list[tuple[str, str]]:
    """The districts, counties and towns the statements name, each with its English as
    its pinyin writes it (南山区: Nanshan District): what a translation must write for the
    place (`spells_place`), given to it rather than guessed (the model wrote "Nanjing")."""
    places = dict.fromkeys(p for s in statements for p in local_places(s))
    return [(p, place_spelling(p)) for p in places]


def respelled_places(translation: str, statement: str) -> str:
    """`translation` with each local place of `statement` it misspells written by its
    pinyin: the one name it gives of the place's kind ("Nanjing District" for 南山区,
    Nanshan District). A place it writes without its kind word ("Beijing") is left as
    it is, for the translation's check to find."""
    for place in local_places(statement):
        if spells_place(translation, place):
            continue
        english = place_spelling(place)
        kind = english.split(" ", 1)[1]
        written = re.findall(
            rf"\b[A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*)*? {kind}\b", translation
        )
        if len(set(written)) == 1:
            translation = translation.replace(written[0], english)
    return translation
