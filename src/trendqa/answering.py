"""Answers with citations a reader can check.

The model never writes citations itself. Passages are split into numbered
sentences; the model, constrained by a JSON schema, names the sentences that
state the answer and then writes a short answer from them. Citations are built
here from those sentences, so every quote is verbatim by construction and is
verified again before it is shown. Answerability is decided from evidence as
well as by the model: unrelated passages never reach the model, and an answer
whose figures the cited passages do not state falls back to quoting them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from trendqa.chunking import split_sentences
from trendqa.errors import InputError
from trendqa.evidence import (
    MIN_COVERAGE,
    MIN_SIMILARITY,
    Support,
    chunk_context,
    key_terms,
    support,
)
from trendqa.llm import ChatMessage, GenerationOptions, Generator
from trendqa.numbers import (
    annotate_chinese_scales,
    find_numbers,
    repair_scales,
    supported,
    unsupported_numbers,
)
from trendqa.records import Hit
from trendqa.retrieval import Searcher, SearchOptions
from trendqa.streamjson import FieldStream
from trendqa.textnorm import contains, detect_language, fold

REFUSAL = {
    "zh": "语料中没有找到这个问题的答案。",
    "en": "The corpus does not contain an answer to this question.",
}
LANGUAGE_NAME = {"zh": "Chinese (简体中文)", "en": "English"}
MAX_QUESTION_CHARS = 600
MAX_EVIDENCE = 4
# The cited passages alone must hold this share of a Chinese question's terms. Lower than
# the gate over all passages: a question's framing (a date, a program's name) often sits
# in the passage beside the one that states the answer.
CITED_COVERAGE = 0.3
OnToken = Callable[[str], None]
OnWarning = Callable[[str], None]


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


@dataclass(frozen=True)
class AskOptions:
    """Knobs of `ask`; defaults measured on the dev set."""

    k: int = 3  # passages given to the model: 3 did as well as 5 with ~400 fewer tokens
    docs: tuple[str, ...] = ()
    language: str | None = None
    max_tokens: int = 200
    temperature: float = 0.0
    extractive: bool = False
    confirm: bool = True  # ask the model to judge whether its quotes answer the question


# The model's own citation markers, in ASCII and full-width brackets: never trusted.
_MARKER = re.compile(r"\s*[\[【［]\s*\d+\s*[\]】］]")


def _schema(ids: Sequence[int]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "evidence": {
                "type": "array",
                "items": {"type": "integer", "enum": list(ids)},
                "maxItems": MAX_EVIDENCE,
            },
            "answer": {"type": "string"},
        },
        "required": ["evidence", "answer"],
    }


_SYSTEM = """You answer questions about reports using only the numbered sentences given.
Reply with JSON: {{"evidence": [...], "answer": "..."}}.
- evidence: the numbers of the sentences (at most 4) that directly state the answer. \
If no sentence states the answer, give [] and an empty answer.
- answer: one or two short sentences in {language} that say only what those sentences say. \
Copy names and figures exactly, with their units; 1亿 = 100 million, 1万 = 10 thousand.
Never add facts that are not in the sentences."""


def _is_heading(piece: str, heading: str | None) -> bool:
    # Headings name a topic, they state nothing: shown in the passage header, never cited.
    bare = piece.strip("#*- \t")
    return piece.startswith("#") or (heading is not None and fold(bare) == fold(heading))


def _sentences(hit: Hit, n: int, first_id: int) -> tuple[Sentence, ...]:
    text = hit.chunk.text
    out: list[Sentence] = []
    for start, end in split_sentences(text):
        piece = text[start:end].strip()
        if len(fold(piece)) < 2 or _is_heading(piece, hit.chunk.heading):
            continue
        out.append(Sentence(first_id + len(out), n, piece, start + text[start:end].find(piece)))
    return tuple(out)


def number_passages(hits: Sequence[Hit]) -> tuple[Passage, ...]:
    """Passages [1..k] with their sentences numbered 1..m across all of them."""
    passages: list[Passage] = []
    next_id = 1
    for n, hit in enumerate(hits, 1):
        sentences = _sentences(hit, n, next_id)
        next_id += len(sentences)
        passages.append(Passage(n, hit, sentences))
    return tuple(passages)


def _prompt(question: str, passages: Sequence[Passage], language: str) -> list[ChatMessage]:
    lines = []
    for p in passages:
        section = f" — {p.hit.chunk.heading}" if p.hit.chunk.heading else ""
        lines.append(f"Passage [{p.n}] from 《{p.hit.chunk.title}》{section}:")
        lines.extend(f"({s.id}) {_shown(s.text, language)}" for s in p.sentences)
        lines.append("")
    reply_in = "请用中文回答。" if language == "zh" else "Answer in English."
    user = "\n".join(lines) + f"Question: {question}\n{reply_in}"
    return [
        ChatMessage("system", _SYSTEM.format(language=LANGUAGE_NAME[language])),
        ChatMessage("user", user),
    ]


def _shown(text: str, language: str) -> str:
    """A sentence as the model sees it: one line, Chinese scales read out for English."""
    text = " ".join(text.split())
    return annotate_chinese_scales(text) if language == "en" else text


_REWRITE_SYSTEM = (
    "Answer the question in {language}, in one or two short sentences, using only the "
    "facts in the given sentences. Copy names and figures exactly. "
    'Reply with JSON: {{"answer": "..."}}.'
)


def _rewrite_prompt(
    question: str, sentences: Sequence[Sentence], language: str
) -> list[ChatMessage]:
    body = "\n".join(f"- {_shown(s.text, language)}" for s in sentences)
    reply_in = "请用中文回答。" if language == "zh" else "Answer in English."
    return [
        ChatMessage("system", _REWRITE_SYSTEM.format(language=LANGUAGE_NAME[language])),
        ChatMessage("user", f"Sentences:\n{body}\nQuestion: {question}\n{reply_in}"),
    ]


_CONFIRM_SYSTEM = (
    "You check answers. Given a question and the sentences quoted to answer it, say whether "
    "the sentences state what the question asks for: yes, partly, or no. Say no when they "
    "talk about the same topic but not the thing asked (a different figure, year, quantity "
    "or subject)."
)
_CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"verdict": {"type": "string", "enum": ["yes", "partly", "no"]}},
    "required": ["verdict"],
}


def _confirm_prompt(question: str, answer: Answer) -> list[ChatMessage]:
    quotes = "\n".join(f"- {' '.join(c.quote.split())}" for c in answer.citations)
    user = (
        f"Question: {question}\nQuoted sentences:\n{quotes}\nAnswer: {answer.text}\n"
        "Do the quoted sentences state what the question asks for?"
    )
    return [ChatMessage("system", _CONFIRM_SYSTEM), ChatMessage("user", user)]


_REWRITE_SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
}


PageOf = Callable[[str, int], int | None]


def _citation(
    passage: Passage, sentence: Sentence, page_of: PageOf = lambda _d, _o: None
) -> Citation:
    chunk = passage.hit.chunk
    loc = chunk.location
    start = loc.start + sentence.offset
    return Citation(
        n=passage.n,
        doc=loc.doc,
        title=loc.title,
        # A chunk can cross a page break: the page is the quote's own, not the chunk's.
        page=page_of(loc.doc, start) or loc.page,
        start=start,
        end=start + len(sentence.text),
        line_start=loc.line_start + chunk.text.count("\n", 0, sentence.offset),
        line_end=loc.line_start + chunk.text.count("\n", 0, sentence.offset + len(sentence.text)),
        quote=sentence.text,
        verified=contains(chunk.text, sentence.text),
    )


def _mark(answer: str, citations: Sequence[Citation]) -> str:
    """Append [n] markers after the answer sentence each citation supports best."""
    answer = _MARKER.sub("", answer).strip()  # the model's own markers are unchecked
    if not citations:
        return answer
    spans = split_sentences(answer) or [(0, len(answer))]
    marks: dict[int, list[int]] = {}
    for c in citations:
        best = max(range(len(spans)), key=lambda i: _overlap(answer[slice(*spans[i])], c.quote))
        if _overlap(answer[slice(*spans[best])], c.quote) == 0:
            best = len(spans) - 1
        if c.n not in marks.setdefault(best, []):
            marks[best].append(c.n)
    out, last = [], 0
    for i, (start, end) in enumerate(spans):
        piece = answer[start:end].rstrip()
        tail = "".join(f"[{n}]" for n in sorted(marks.get(i, [])))
        out.append(answer[last:start] + _insert_before_stop(piece, tail))
        last = end
    return ("".join(out) + answer[last:]).strip()


def _relevant(answer: str, citations: Sequence[Citation]) -> list[Citation]:
    """The citations whose quote shares something with the answer, if any do.

    The model sometimes names a sentence it did not use ("2024年" citing the
    year's sentence and an unrelated one); a quote sharing no figure and no
    words with the answer supports none of it. When nothing overlaps (an English
    answer to Chinese quotes), all are kept: the check cannot tell.
    """
    used = [c for c in citations if _overlap(answer, c.quote) > 0]
    return used or list(citations)


def _insert_before_stop(sentence: str, tail: str) -> str:
    if tail and sentence and sentence[-1] in "。.!！?？；;":
        return sentence[:-1] + tail + sentence[-1]
    return sentence + tail


def _overlap(a: str, b: str) -> int:
    """How strongly answer sentence `a` echoes quote `b`: shared figures, then bigrams."""
    fa, fb = fold(a), fold(b)
    grams = {fa[i : i + 2] for i in range(len(fa) - 1)}
    shared_bigrams = sum(1 for i in range(len(fb) - 1) if fb[i : i + 2] in grams)
    figures = find_numbers(b)
    shared_figures = sum(1 for n in find_numbers(a) if supported(n, figures))
    # A figure is the strongest tie between an English sentence and a Chinese quote.
    return 100 * shared_figures + shared_bigrams


class Answerer:
    """Retrieves, asks the model, checks the result; build once, ask many times."""

    def __init__(
        self,
        searcher: Searcher,
        generator: Generator | None,
        on_warning: OnWarning = lambda _m: None,
    ) -> None:
        self.searcher = searcher
        self.generator = generator
        self.on_warning = on_warning
        self._last_rewrite_s = 0.0
        self._documents = searcher.index.meta.documents
        self.meta_text = {
            d: " ".join(filter(None, (e.meta.title, e.meta.publisher, e.meta.source)))
            for d, e in searcher.index.meta.documents.items()
        }

    def ask(
        self, question: str, options: AskOptions | None = None, on_token: OnToken | None = None
    ) -> Answer:
        """Answer `question`, or refuse in its language when the corpus does not say."""
        opts = options or AskOptions()
        started = time.perf_counter()
        question, warnings = self._clean_question(question)
        language = opts.language or detect_language(question)
        if language not in REFUSAL:
            raise InputError(f"--lang must be zh or en, not {language!r}")
        hits = self.searcher.search(question, SearchOptions(k=opts.k, docs=opts.docs))
        passages = number_passages(hits)
        timings = {"retrieve_s": time.perf_counter() - started}
        base = Answer(
            question,
            language,
            False,
            REFUSAL[language],
            (),
            passages,
            "refused",
            llm=self.generator.name if self.generator else None,
            warnings=tuple(warnings),
        )
        gate = self._gate(question, hits)
        if gate:
            return self._done(replace(base, reason=gate), started, timings)
        if opts.extractive or self.generator is None:
            answer = self._extractive(base, question, passages)
        else:
            answer = self._generate(base, question, passages, opts, on_token, timings)
        return self._done(answer, started, timings)

    def _page_of(self, doc: str, offset: int) -> int | None:
        entry = self._documents.get(doc)
        return entry.page_at(offset) if entry else None

    def _clean_question(self, question: str) -> tuple[str, list[str]]:
        question = " ".join(question.split())
        if not question:
            raise InputError("empty question")
        if len(question) > MAX_QUESTION_CHARS:
            message = f"question truncated to {MAX_QUESTION_CHARS} characters"
            self.on_warning(message)
            return question[:MAX_QUESTION_CHARS], [message]
        return question, []

    def _support(self, question: str, hits: Sequence[Hit]) -> Support:
        texts = [chunk_context(h.chunk, self.meta_text) for h in hits]
        bm25 = self.searcher.bm25
        return support(question, texts, bm25.idf, bm25.max_idf)

    def _gate(self, question: str, hits: Sequence[Hit]) -> str:
        """Why the model should not even be asked, or '' when it should."""
        if not hits:
            return "nothing retrieved"
        best = max((h.similarity for h in hits if h.similarity is not None), default=None)
        if best is not None and best < MIN_SIMILARITY:
            return f"no passage is related to the question (best similarity {best:.2f})"
        s = self._support(question, hits)
        if s.coverage < MIN_COVERAGE:
            return f"the passages lack the question's terms: {', '.join(s.missing_terms[:5])}"
        if s.missing_numbers:
            return f"no passage mentions {', '.join(s.missing_numbers)}"
        return ""

    def _done(self, answer: Answer, started: float, timings: dict[str, float]) -> Answer:
        timings["total_s"] = time.perf_counter() - started
        return replace(answer, timings={k: round(v, 3) for k, v in timings.items()})

    def _generate(
        self,
        base: Answer,
        question: str,
        passages: tuple[Passage, ...],
        opts: AskOptions,
        on_token: OnToken | None,
        timings: dict[str, float],
    ) -> Answer:
        assert self.generator is not None
        passages, trimmed = self._fit(question, passages, base.language, opts.max_tokens)
        if trimmed:
            message = "passages truncated to fit the model's context window"
            self.on_warning(message)
            base = replace(base, warnings=(*base.warnings, message))
        ids = [s.id for p in passages for s in p.sentences]
        stream = FieldStream("answer", on_token) if on_token else None
        result = self.generator.generate(
            _prompt(question, passages, base.language),
            GenerationOptions(
                max_tokens=opts.max_tokens,
                temperature=opts.temperature,
                json_schema=_schema(ids),
            ),
            on_token=stream.feed if stream else None,
        )
        timings["generate_s"] = result.total_s
        timings["prompt_tokens"] = result.prompt_tokens
        timings["completion_tokens"] = result.completion_tokens
        if result.first_token_s is not None:
            timings["first_token_s"] = timings["retrieve_s"] + result.first_token_s
        evidence, text = _parse(result.text)
        by_id = {s.id: (p, s) for p in passages for s in p.sentences}
        chosen = [by_id[i] for i in dict.fromkeys(evidence) if i in by_id]
        if chosen and (not text.strip() or _wrong_language(text, base.language)):
            # A second, short request: only the chosen sentences, answer in the language.
            text = self._rewrite(question, [s for _p, s in chosen], base.language, opts)
            timings["generate_s"] = timings["generate_s"] + self._last_rewrite_s
        answer = self._check(replace(base, passages=passages), question, chosen, text)
        if answer.answerable and opts.confirm and not self._confirmed(question, answer, timings):
            reason = "the model judged that its quotes do not state what the question asks"
            return replace(base, passages=passages, reason=reason)
        return answer

    def _confirmed(self, question: str, answer: Answer, timings: dict[str, float]) -> bool:
        """A second opinion: do the quoted sentences state what was asked?

        Small models answer near-miss questions (the battery of a phone the
        report mentions only for satellite calls) from on-topic sentences; asked
        directly, they usually see it. Measured on the dev set plus near-miss
        questions: two more refusals of unanswerable questions for one
        answerable question refused, ~2 s each.
        """
        assert self.generator is not None
        result = self.generator.generate(
            _confirm_prompt(question, answer),
            GenerationOptions(max_tokens=32, temperature=0.0, json_schema=_CONFIRM_SCHEMA),
        )
        timings["confirm_s"] = result.total_s
        try:
            verdict = json.loads(result.text, strict=False).get("verdict")
        except (ValueError, AttributeError):
            return True  # an unreadable verdict is no evidence against the answer
        return bool(verdict != "no")

    def _rewrite(
        self, question: str, sentences: Sequence[Sentence], language: str, opts: AskOptions
    ) -> str:
        assert self.generator is not None
        result = self.generator.generate(
            _rewrite_prompt(question, sentences, language),
            GenerationOptions(
                max_tokens=opts.max_tokens,
                temperature=opts.temperature,
                json_schema=_REWRITE_SCHEMA,
            ),
        )
        self._last_rewrite_s = result.total_s
        return _parse(result.text)[1]

    def _check(
        self,
        base: Answer,
        question: str,
        chosen: Sequence[tuple[Passage, Sentence]],
        text: str,
    ) -> Answer:
        """Keep the model's answer only if its evidence holds up."""
        text = _MARKER.sub("", text).strip()
        if not chosen:
            return replace(base, reason="the model found no sentence that answers the question")
        cited_hits = list({p.n: p.hit for p, _s in chosen}.values())
        s = self._support(question, cited_hits)
        if s.missing_numbers and find_numbers(text):
            # A figure from a passage that never names the question's year is likely another
            # year's. Answers without figures pass: the date framing a question often sits
            # in the passage next to the one stating the answer (checked before asking).
            return replace(base, reason=f"the cited passages never mention {s.missing_numbers[0]}")
        if s.coverage < CITED_COVERAGE:
            missing = ", ".join(s.missing_terms[:5])
            return replace(base, reason=f"the cited passages lack the question's terms: {missing}")
        text = repair_scales(text, " ".join(p.hit.chunk.text for p in base.passages))
        chosen = _add_number_evidence(text, question, chosen, base.passages)
        bad = unsupported_numbers(text, " ".join(sent.text for _p, sent in chosen), question)
        if bad:
            # An invented figure usually means the passages do not hold the answer.
            return replace(
                base, reason=f"the model stated {', '.join(bad)}, which no given passage does"
            )
        citations = [_citation(p, sent, self._page_of) for p, sent in chosen]
        citations = [c for c in citations if c.verified]
        if not text.strip() or _wrong_language(text, base.language):
            reason = "the model's answer was empty or in the wrong language; quoting instead"
            return replace(_quote(base, citations), reason=reason)
        citations = _relevant(text, citations)
        return replace(
            base,
            answerable=True,
            text=_mark(text, citations),
            citations=tuple(citations),
            mode="llm",
        )

    def _fit(
        self, question: str, passages: tuple[Passage, ...], language: str, max_tokens: int
    ) -> tuple[tuple[Passage, ...], bool]:
        """Drop trailing sentences until the prompt fits; also say whether any were dropped."""
        assert self.generator is not None
        budget = self.generator.context_length - max_tokens - 16
        trimmed = list(passages)
        while True:
            messages = _prompt(question, trimmed, language)
            used = sum(self.generator.count_tokens(m.content) + 8 for m in messages)
            if used <= budget:
                return tuple(trimmed), tuple(trimmed) != tuple(passages)
            longest = max(range(len(trimmed)), key=lambda i: len(trimmed[i].sentences))
            if len(trimmed[longest].sentences) <= 1:
                if len(trimmed) == 1:
                    raise InputError("the question and its passages do not fit the context")
                trimmed.pop()
            else:
                p = trimmed[longest]
                trimmed[longest] = replace(p, sentences=p.sentences[:-1])

    def _extractive(self, base: Answer, question: str, passages: tuple[Passage, ...]) -> Answer:
        """The best-supported sentences, quoted verbatim: fast, and cannot invent anything."""
        # The question's terms the corpus knows, with their weights: computed once, not per
        # sentence. An English question has none that can match Chinese sentences.
        idf = self.searcher.bm25.idf
        weights = (
            {}
            if detect_language(question) == "en"
            else {t: idf[t] for t in key_terms(question) if t in idf}
        )
        scored = [(_sentence_score(weights, s), p, s) for p in passages for s in p.sentences]
        scored.sort(key=lambda t: -t[0])
        chosen = [(p, s) for score, p, s in scored[:2] if score > 0]
        if not chosen:
            return replace(base, reason="no sentence shares the question's terms")
        citations = [_citation(p, s, self._page_of) for p, s in chosen]
        return replace(_quote(base, citations), mode="extractive", reason="")


def _add_number_evidence(
    text: str,
    question: str,
    chosen: Sequence[tuple[Passage, Sentence]],
    passages: Sequence[Passage],
) -> list[tuple[Passage, Sentence]]:
    """Repair citations: cite the sentence stating each figure the answer gives.

    The model often names the sentence that introduces a topic but not the one
    holding the figure; a figure found in a given passage is cited from there.
    """
    out = list(chosen)
    cited = {p.n for p, _s in chosen}
    for figure in unsupported_numbers(text, " ".join(s.text for _p, s in out), question):
        ordered = sorted(passages, key=lambda p: p.n not in cited)  # cited passages first
        for passage in ordered:
            match = next(
                (s for s in passage.sentences if not unsupported_numbers(figure, s.text)), None
            )
            if match is not None:
                out.append((passage, match))
                break
    return out


def _sentence_score(weights: Mapping[str, float], sentence: Sentence) -> float:
    """Idf mass of the question's terms in `sentence`; without terms, retrieval order."""
    if not weights:
        return 1.0 / (sentence.passage + 0.01 * sentence.id)
    folded = fold(sentence.text)
    return sum(w for t, w in weights.items() if fold(t) in folded)


def _quote(base: Answer, citations: Sequence[Citation]) -> Answer:
    """An answer made of verbatim quotes of the cited sentences."""
    if not citations:
        return base
    open_q, close_q = ("「", "」") if base.language == "zh" else ('"', '"')
    lead = "资料原文：" if base.language == "zh" else "The passages say: "
    body = " ".join(f"{open_q}{c.quote}{close_q}[{c.n}]" for c in citations)
    return replace(
        base, answerable=True, text=lead + body, citations=tuple(citations), mode="extractive"
    )


def _wrong_language(text: str, language: str) -> bool:
    return bool(text.strip()) and detect_language(text) != language


def _parse(raw: str) -> tuple[list[int], str]:
    """Evidence ids and answer text from the model's JSON, tolerating a cut-off reply."""
    try:
        # strict=False: small models write raw newlines inside strings despite the grammar.
        data = json.loads(raw, strict=False)
    except ValueError:
        return _parse_cut_off(raw)
    if not isinstance(data, dict):
        return [], ""
    ids = data.get("evidence")
    evidence = (
        [int(x) for x in ids if isinstance(x, int | str) and str(x).isdigit()]
        if isinstance(ids, list)
        else []
    )
    text = data.get("answer", "")
    return evidence, _printable(text) if isinstance(text, str) else ""


def _parse_cut_off(raw: str) -> tuple[list[int], str]:
    """What a reply that is not whole JSON (e.g. cut at max_tokens) has said so far."""
    ids = re.search(r'"evidence"\s*:\s*\[([^\]]*)', raw)
    answer = re.search(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)', raw)
    evidence = [int(x) for x in re.findall(r"\d+", ids.group(1))] if ids else []
    if not answer:
        return evidence, ""
    # A \uXXXX escape cut short cannot be decoded; drop it (not an escaped backslash before it).
    body = re.sub(r"(?<!\\)((?:\\\\)*)\\u[0-9a-fA-F]{0,3}$", r"\1", answer.group(1))
    try:
        return evidence, _printable(json.loads(f'"{body}"', strict=False))
    except ValueError:
        return evidence, ""


def _printable(text: str) -> str:
    """`text` without lone UTF-16 surrogates (half an escaped emoji), which cannot be printed."""
    return re.sub("[\ud800-\udfff]", "", text)
