"""The records of an answer: numbered sentences and passages, claims, citations, the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from trendqa.records import Hit

REFUSAL = {
    "zh": "语料中没有找到这个问题的答案。",
    "en": "The corpus does not contain an answer to this question.",
}


@dataclass(frozen=True)
class Sentence:
    """A numbered sentence of a passage, as shown to the model."""

    id: int
    passage: int  # 1-based passage number
    text: str
    offset: int  # into the passage's chunk text


@dataclass(frozen=True)
class Passage:
    """A retrieved passage as numbered for the answer: [n]."""

    n: int
    hit: Hit
    sentences: tuple[Sentence, ...]
    part: str = ""  # for comparisons: the report or entity this passage was retrieved for
    # The header row of a table the passage opens inside (its rows' column names).
    table_header: str = ""

    @property
    def for_part(self) -> bool:
        """Whether this passage was retrieved for a comparison's part (labelled with its
        report), not read from an outline."""
        return bool(self.part) and self.part != "outline"


@dataclass(frozen=True)
class Citation:
    """A checked citation: passage [n], where it is, and the verbatim quote."""

    n: int
    doc: str
    title: str
    page: int | None
    start: int
    end: int
    line_start: int
    line_end: int
    quote: str
    verified: bool


@dataclass(frozen=True)
class Claim:
    """One statement of an answer, the passages it cites, and whether they state it."""

    text: str
    citations: tuple[int, ...]
    supported: bool
    reason: str = ""  # why an unsupported claim was dropped
    score: float = 0.0  # content support: term coverage (same language) or cosine (across)
    # A translated claim: the statement as checked, in its passages' language, and the
    # embedder's cosine between the two (how faithful the translation is).
    checked_as: str = ""
    fidelity: float | None = None
    # A fact's or figure's claim: the share of the question's terms in the sentence that
    # states it (None where not measured).
    asked: float | None = None


@dataclass(frozen=True)
class Answer:
    """The result of `ask`: what is printed, and everything `--json` carries."""

    question: str
    language: str
    answerable: bool
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    mode: str  # "llm", "extractive", or "refused"
    reason: str = ""  # why the answer was refused or fell back to quoting
    llm: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds, and token counts
    warnings: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()  # every claim the model made, kept or dropped
    kind: str = "fact"  # the question type the pipeline answered it as
    model_calls: int = 0
    truncated: int = 0  # model replies cut by the token budget (then recovered)
    terms_zh: tuple[str, ...] = ()  # an English question's key terms in Chinese, if asked for
    # The `asked` check's measures, where it ran: the share of the question's terms in the
    # cited sentences, and in their passages (with headings and report labels).
    asked: tuple[float, float] | None = None
    # The question as answered and checked, when it was translated into the language of
    # its passages (the claims were then translated back).
    answered_as: str = ""


@dataclass(frozen=True)
class AskOptions:
    """Knobs of `ask`; defaults measured on the dev sets."""

    k: int = 3  # passages for a single fact: 3 did as well as 5 with ~400 fewer tokens
    docs: tuple[str, ...] = ()
    language: str | None = None
    max_tokens: int = 200  # reply budget for a single fact; lists and comparisons get more
    temperature: float = 0.0
    extractive: bool = False
    confirm: bool = True  # ask the model to judge whether its quotes answer the question
    translate: bool = True  # English questions: ask the model for their key terms in Chinese
    # A question in another language than its passages: answer and check it in theirs,
    # then translate the checked claims (else: answer directly across languages).
    pivot: bool = True
