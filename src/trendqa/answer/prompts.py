"""Every prompt the answer pipeline sends, its JSON schema, and how to read a request back.

Rules go in the system message, the material and the question in the user message
(measured: a refusal rule after the question made the model refuse answerable ones).
`request_kind`, `shown_sentences` and `asked_question` read a request the way a model
would see it; the scripted test models use them instead of matching prompt wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from typing import Any, Literal

from trendqa.answer.tables import labelled_rows
from trendqa.answer.types import Passage, Sentence
from trendqa.llm import ChatMessage, GenerationOptions
from trendqa.numbers import annotate_chinese_scales
from trendqa.textnorm import as_read

LANGUAGE_NAME = {"zh": "Chinese (简体中文)", "en": "English"}
REPLY_IN = {"zh": "请用中文回答。", "en": "Answer in English."}
RequestKind = Literal["answer", "rewrite", "confirm", "terms", "question", "translate"]

# How many sentences a reply may name as evidence, by question type: a list needs one
# per item.
MAX_EVIDENCE = {"list": 12, "definition": 6, "overview": 8}
DEFAULT_MAX_EVIDENCE = 4

_TYPE_RULE = {
    "list": "The question asks for a list: give every item the sentences state, one item "
    "per line starting with '- ', each item short; do not add items they do not state.",
    "definition": "The question asks what something is: give the definition the sentences "
    "state, and its parts or features if they list them.",
    "overview": "The question asks for an overview: give the main points the sentences "
    "state, one per line starting with '- '.",
    "number": "The question asks for a figure: give it with its unit and say what it "
    "measures, for whom and when, as the sentences do.",
}

# What varies by question (language, type, evidence count) comes last: the shared start
# is evaluated once and reused from the model's prompt cache.
_ANSWER_SYSTEM = """You answer questions about reports using only the numbered sentences given.
Reply with JSON: {{"evidence": [...], "answer": "..."}}.
- evidence: the numbers of the sentences that directly state the answer. If no sentence \
states the answer, give [] and an empty answer.
- answer: say only what those sentences say. Copy names and figures exactly, with their \
units; 1亿 = 100 million, 1万 = 10 thousand. State the facts themselves; never write "the \
passage says" or describe the passages.
Never add facts that are not in the sentences. If the sentences are about a different \
subject, place, company or year than the question asks about, give [] and an empty answer.
Give at most {max_evidence} evidence sentences. Write the answer in {language}.
{type_rule}"""


def answer_schema(ids: Sequence[int], max_evidence: int) -> dict[str, Any]:
    """The reply shape: evidence ids drawn from the sentences shown, then the answer."""
    return {
        "type": "object",
        "properties": {
            "evidence": {
                "type": "array",
                "items": {"type": "integer", "enum": list(ids)},
                "maxItems": max_evidence,
            },
            "answer": {"type": "string"},
        },
        "required": ["evidence", "answer"],
    }


def shown(text: str, language: str, characters: bool = False) -> str:
    """A sentence as the model sees it: one line (a wrapped Chinese line joined without a
    space, which the model would copy), a table's dot leaders one ellipsis, no HTML tag,
    Chinese scales read out for English — with `characters` (a statement to translate),
    figures written in characters too."""
    text = " ".join(as_read(text).split())
    return annotate_chinese_scales(text, characters) if language == "en" else text


_AS_WRITTEN = "The same question as the reader wrote it: "
_STATED = "Already answered: "
_PART = "Now answer only this part of the question: "


def answer_prompt(
    question: str,
    passages: Sequence[Passage],
    language: str,
    kind: str,
    original: str = "",
    part_of: tuple[str, str] = ("", ""),
) -> list[ChatMessage]:
    """The main request: numbered sentences under their passage headers (a table's rows
    with each figure under its column's name: `labelled_rows`), then the question
    — and, for a translated question, the reader's own wording beside it: a translation
    that left out a clause ("across the foundation, technology and application layers")
    would otherwise ask less than the reader did. A part of a question asked on its own
    (`part_of`: the whole question and what its answer states already) is asked after
    the whole, which says what the part is about."""
    lines = []
    for p in passages:
        section = f" — {p.hit.chunk.heading}" if p.hit.chunk.heading else ""
        lines.append(f"Passage [{p.n}] from 《{p.hit.chunk.title}》{section}:")
        rows = labelled_rows(p.sentences, p.table_header)
        lines.extend(f"({s.id}) {shown(rows.get(s.id, s.text), language)}" for s in p.sentences)
        lines.append("")
    asked = f"{_AS_WRITTEN}{original}\n" if original else ""
    whole, stated = part_of
    if whole:
        asked = f"{_STATED}{stated}\n{_PART}{question}\n"
        question = whole
    user = "\n".join(lines) + f"Question: {question}\n{asked}{REPLY_IN[language]}"
    system = _ANSWER_SYSTEM.format(
        language=LANGUAGE_NAME[language],
        max_evidence=MAX_EVIDENCE.get(kind, DEFAULT_MAX_EVIDENCE),
        type_rule=_TYPE_RULE.get(kind, ""),
    ).rstrip()
    return [ChatMessage("system", system), ChatMessage("user", user)]


_REWRITE_SYSTEM = (
    "Answer the question in {language}, using only the facts in the given sentences. "
    "Copy names and figures exactly. State the facts; never describe the sentences. "
    'Reply with JSON: {{"answer": "..."}}.'
)
REWRITE_SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
}


def rewrite_prompt(
    question: str, sentences: Sequence[Sentence], language: str
) -> list[ChatMessage]:
    """A second, short request: only the chosen sentences, answer in the language."""
    body = "\n".join(f"- {shown(s.text, language)}" for s in sentences)
    return [
        ChatMessage("system", _REWRITE_SYSTEM.format(language=LANGUAGE_NAME[language])),
        ChatMessage("user", f"Sentences:\n{body}\nQuestion: {question}\n{REPLY_IN[language]}"),
    ]


_CONFIRM_SYSTEM = (
    "You check answers. Given a question and the sentences quoted to answer it, say whether "
    "the sentences state what the question asks for: yes, partly, or no. Say no when they "
    "talk about the same topic but not the thing asked (a different figure, year, quantity "
    "or subject)."
)
CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"verdict": {"type": "string", "enum": ["yes", "partly", "no"]}},
    "required": ["verdict"],
}


_CONFIRM_PART = "This answer is to one part of it: "


def confirm_prompt(
    question: str, quotes: Sequence[str], answer: str, part: str = ""
) -> list[ChatMessage]:
    """Do the quoted sentences state what the question asks for — or, for the answer to
    one `part` of it, what that part asks for?"""
    body = "\n".join(f"- {' '.join(q.split())}" for q in quotes)
    of_part, asked = (f"{_CONFIRM_PART}{part}\n", "that part") if part else ("", "the question")
    user = (
        f"Question: {question}\n{of_part}Quoted sentences:\n{body}\nAnswer: {answer}\n"
        f"Do the quoted sentences state what {asked} asks for?"
    )
    return [ChatMessage("system", _CONFIRM_SYSTEM), ChatMessage("user", user)]


_TERMS_SYSTEM = (
    "The user's question is about Chinese reports. List its key terms (names of places, "
    "companies, products, technologies and concepts; not question words) with the "
    "Simplified Chinese a Chinese report would use for each. Keep Latin names such as "
    'product names as they are. Reply with JSON: {"terms": [{"en": "...", "zh": "..."}]}.'
)
TERMS_SCHEMA = {
    "type": "object",
    "properties": {
        "terms": {
            "type": "array",
            "maxItems": 6,
            "items": {
                "type": "object",
                "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                "required": ["en", "zh"],
            },
        }
    },
    "required": ["terms"],
}
TERMS_MAX_TOKENS = 120


def terms_prompt(question: str) -> list[ChatMessage]:
    """Ask for an English question's key terms in Chinese."""
    return [ChatMessage("system", _TERMS_SYSTEM), ChatMessage("user", f"Question: {question}")]


_QUESTION_SYSTEM = (
    "You translate questions into {language}. Keep names written in Latin script "
    "(products, companies, models) as they are, and copy every figure and year. "
    'Reply with JSON: {{"{key}": "<the question in {language}>"}}.'
)
# One worked example: without it the small default model rephrases the question in its
# own language instead of translating it (measured).
_QUESTION_SHOT = {
    "zh": (
        "How many AI companies did Shanghai have at the end of 2023?",
        "截至2023年底，上海有多少家人工智能企业？",
    ),
    "en": (
        "截至2023年底，上海有多少家人工智能企业？",
        "How many AI companies did Shanghai have at the end of 2023?",
    ),
}
QUESTION_MAX_TOKENS = 120


# A translated question ends as a question: left free, the small default model turns
# "By what year does Tao expect …?" into the statement "Tao expects … 。", which asks
# nothing. No 。 either: allowed one, the model ends its statement with it and, held to a
# question mark after it, writes on past the string's end (no quotes or backslashes,
# which would need JSON escapes).
QUESTION_FORM = '^[^"\\\\\n。]*[?？]$'
# A question in Chinese writes its words in Chinese, and Latin script only for the words
# given: the names the question writes (GPT, iPhone, Weijin) and the words its passages
# write (web). Left free, the default model keeps a word it does not translate
# ("量子utility" for "quantum utility", "生态 niches"), which no passage writes, so the
# search cannot find its passage; allowed any capitalised word, it writes "量子Utility".
_NOT_LATIN = '[^"\\\\\n。A-Za-z]'


# The question words a translation asked again for one must write (see `lost_question_word`):
# what a wh-question asks for, not whether (是否).
QUESTION_WORDS = "什么|多少|哪|如何|为什么|为何|几|谁|怎么|怎样|多大|多久|多长|多高"


def chinese_question_form(words: Collection[str] = (), asking: bool = False) -> str:
    """QUESTION_FORM for a question written in Chinese whose only Latin words are
    `words` (each followed by a character that is no Latin letter); with `asking`, one
    that writes a question word (`QUESTION_WORDS`)."""
    kept = sorted({w for w in words if re.fullmatch("[A-Za-z][A-Za-z0-9]*", w)})
    # Asked to write a question word, a question mark may come only at the end: left
    # free, the model closed its statement and wrote "(什么？)" after it.
    char = _NOT_LATIN.replace("。", "。?？") if asking else _NOT_LATIN
    if not kept:
        unit, end = char, ""
    else:
        word = "|".join(kept)
        unit, end = f"({char}|({word}){char})", f"({word})?"
    if not asking:
        return f"^{unit}*{end}[?？]$"
    return f"^{unit}*{end}({QUESTION_WORDS}){unit}*{end}[?？]$"


def question_schema(
    language: str, words: Collection[str] = (), asking: bool = False
) -> dict[str, Any]:
    """The reply shape of a question translation: the question under its language's code,
    ending with a question mark; in Chinese, with no Latin word but names and `words`,
    and with `asking` a question word (see `chinese_question_form`)."""
    form = chinese_question_form(words, asking) if language == "zh" else QUESTION_FORM
    prop = {"type": "string", "pattern": form}
    return {"type": "object", "properties": {language: prop}, "required": [language]}


# Said again to a translation that dropped the question's negation.
KEEP_NEGATION = " Keep its negation: where it says not, write 不 or 未."
# Said again to a translation that lost the question's question word.
KEEP_QUESTION_WORD = " Keep what it asks: write its question word (什么, 哪些, 如何, 为什么…)."


def keep_names(names: Sequence[str]) -> str:
    """Said again to a translation that left out names the question writes (eVTOL)."""
    return f" Keep the names {', '.join(names)} as written."


# Said again to a translation that stated a figure the question does not.
ADD_NO_FIGURES = " Translate only what it says: add no figure it does not give."


def question_prompt(question: str, language: str, note: str = "") -> list[ChatMessage]:
    """Ask for the question in the passages' language, so it is answered and checked there
    (`note`: what an earlier translation left out, said after the question)."""
    name = LANGUAGE_NAME[language]
    shot_q, shot_a = _QUESTION_SHOT[language]
    ask = f"\nTranslate it into {name}."
    return [
        ChatMessage("system", _QUESTION_SYSTEM.format(language=name, key=language)),
        ChatMessage("user", f"Question: {shot_q}{ask}"),
        ChatMessage("assistant", json.dumps({language: shot_a}, ensure_ascii=False)),
        ChatMessage("user", f"Question: {question}{ask}{note}"),
    ]


_TRANSLATE_SYSTEM = (
    "Translate each numbered statement into {language}: one translation per statement, in "
    "order. Translate faithfully; add nothing and leave nothing out. Copy names and figures "
    "exactly, with their units; 1亿 = 100 million, 1万 = 10 thousand. "
    'Reply with JSON: {{"translations": ["...", ...]}}.'
)


# An English translation in Latin script only: no Han characters, CJK punctuation or
# full-width forms (nor quotes and backslashes, which would need JSON escapes).
LATIN_ONLY = '^[^"\\\\\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*$'


def translate_schema(count: int, latin_only: bool = False) -> dict[str, Any]:
    """Exactly one translation per statement; with `latin_only`, none writing Chinese."""
    item: dict[str, Any] = {"type": "string"}
    if latin_only:
        item["pattern"] = LATIN_ONLY
    return {
        "type": "object",
        "properties": {
            "translations": {
                "type": "array",
                "items": item,
                "minItems": count,
                "maxItems": count,
            }
        },
        "required": ["translations"],
    }


# One worked example, as for questions: a list of short items was otherwise given back
# untranslated (measured).
_TRANSLATE_SHOT = {
    "en": (
        ["2024年中国人工智能核心产业规模达到727.2亿元。", "建设开放的算力网络"],
        [
            "China's core AI industry reached 72.72 billion yuan in 2024.",
            "Build an open computing network",
        ],
    ),
    "zh": (
        [
            "China's core AI industry reached 72.72 billion yuan in 2024.",
            "Build an open computing network",
        ],
        ["2024年中国人工智能核心产业规模达到727.2亿元。", "建设开放的算力网络"],
    ),
}


_NAMES_LINE = "\nWrite these names as they are: "


def glossed(text: str, glossary: Sequence[tuple[str, str]]) -> str:
    """`text` with the reports' own English for each term of `glossary` read beside its
    first mention ("信息-物理-社群系统 (=Cyber-Physical-Social System)"), as a figure's
    reading is: a line of its own after the statements was translated as one more
    statement. A term the text glosses itself is left as it is."""
    if not glossary:
        return text
    english = dict(glossary)
    terms = sorted(english, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, terms)) + r")(?!\s*[（(])")
    seen: set[str] = set()

    def note(m: re.Match[str]) -> str:
        if m[1] in seen:
            return m[0]
        seen.add(m[1])
        return f"{m[1]} (={english[m[1]]})"

    return pattern.sub(note, text)


def _statements(
    statements: Sequence[str],
    language: str,
    question: str = "",
    keep: Sequence[str] = (),
    names: Sequence[str] = (),
    glossary: Sequence[tuple[str, str]] = (),
) -> str:
    body = "\n".join(
        f"({i}) {glossed(shown(s, language, characters=True), glossary)}"
        for i, s in enumerate(statements, 1)
    )
    words = (
        f"They answer the question: {question}\nWhere a statement speaks of something the "
        "question names, call it what the question calls it.\n"
        if question
        else ""
    )
    figures = f"\nWrite every one of these figures: {', '.join(keep)}." if keep else ""
    if names:
        figures += f"{_NAMES_LINE}{', '.join(names)}."
    return f"{words}Statements:\n{body}\nTranslate into {LANGUAGE_NAME[language]}.{figures}"


def translate_prompt(
    statements: Sequence[str],
    language: str,
    question: str = "",
    keep: Sequence[str] = (),
    names: Sequence[str] = (),
    glossary: Sequence[tuple[str, str]] = (),
) -> list[ChatMessage]:
    """The checked claims of an answer, to be shown in the question's language. With
    `question` (the one asked, in that language) the translation uses its words for what
    it names: "Sophgo", "hot research directions", as the reader wrote them. `keep`
    names the figures a translation must write (asked again after one left a figure out),
    `names` the Latin names (asked again after one left a name out), `glossary` the
    English the reports give for terms the statements name (基础模型 = Foundation
    Model)."""
    shot_in, shot_out = _TRANSLATE_SHOT[language]
    return [
        ChatMessage("system", _TRANSLATE_SYSTEM.format(language=LANGUAGE_NAME[language])),
        ChatMessage("user", _statements(shot_in, language)),
        ChatMessage("assistant", json.dumps({"translations": shot_out}, ensure_ascii=False)),
        ChatMessage("user", _statements(statements, language, question, keep, names, glossary)),
    ]


# ----------------------------------------------------------------- reading requests back


def request_kind(options: GenerationOptions) -> RequestKind:
    """Which of the pipeline's requests `options` belongs to (by its reply schema)."""
    props = (options.json_schema or {}).get("properties", {})
    if "verdict" in props:
        return "confirm"
    if "terms" in props:
        return "terms"
    if set(props) in ({"zh"}, {"en"}):
        return "question"
    if "translations" in props:
        return "translate"
    if "evidence" in props:
        return "answer"
    return "rewrite"


def names_kept(messages: Sequence[ChatMessage]) -> list[str]:
    """The names a translation request asks to be written as they are ([] for none)."""
    text = messages[-1].content
    at = text.find(_NAMES_LINE)
    return text[at + len(_NAMES_LINE) :].rstrip(".").split(", ") if at >= 0 else []


def glossary_given(messages: Sequence[ChatMessage]) -> list[str]:
    """The reports' English a translation request reads beside its terms ([] for none;
    a figure's reading, which writes digits, is none)."""
    found = re.findall(r" \(=([A-Za-z][^()]*)\)", messages[-1].content)
    return [g for g in found if not re.search(r"\d", g)]


def latin_only(options: GenerationOptions) -> bool:
    """Whether a translation request holds its translations to Latin script."""
    props = (options.json_schema or {}).get("properties", {})
    pattern = props.get("translations", {}).get("items", {}).get("pattern")
    return bool(pattern == LATIN_ONLY)


def shown_sentences(messages: Sequence[ChatMessage]) -> dict[int, str]:
    """The numbered sentences an answer request shows: id -> text."""
    found = re.finditer(r"^\((\d+)\) (.*)$", messages[-1].content, re.MULTILINE)
    return {int(m[1]): m[2] for m in found}


def statements(messages: Sequence[ChatMessage]) -> list[str]:
    """The numbered statements a translation request shows, in order."""
    return list(shown_sentences(messages).values())


def asked_question(messages: Sequence[ChatMessage]) -> str:
    """The question a request asks."""
    found = re.search(r"^Question: (.*)$", messages[-1].content, re.MULTILINE)
    return found[1] if found else ""


def as_written(messages: Sequence[ChatMessage]) -> str:
    """The reader's own wording an answer request gives beside its translated question
    ('' when the question was not translated)."""
    found = re.search(f"^{re.escape(_AS_WRITTEN)}(.*)$", messages[-1].content, re.MULTILINE)
    return found[1] if found else ""


def asked_part(messages: Sequence[ChatMessage]) -> str:
    """The part of its question an answer request asks alone ('' when it asks the whole)."""
    found = re.search(f"^{re.escape(_PART)}(.*)$", messages[-1].content, re.MULTILINE)
    return found[1] if found else ""


def confirmed_part(messages: Sequence[ChatMessage]) -> str:
    """The part of its question a confirmation judges an answer to ('' for the whole)."""
    found = re.search(f"^{re.escape(_CONFIRM_PART)}(.*)$", messages[-1].content, re.MULTILINE)
    return found[1] if found else ""


def rewrite_reply(answer: str) -> str:
    """A reply in the rewrite schema (what a model writes, for test doubles)."""
    return json.dumps({"answer": answer}, ensure_ascii=False)


def answer_reply(answer: str, evidence: Sequence[Any]) -> str:
    """A reply in the answer schema (what a model writes, for test doubles)."""
    return json.dumps({"evidence": list(evidence), "answer": answer}, ensure_ascii=False)
