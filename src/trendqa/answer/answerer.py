"""The answer pipeline: analyse, retrieve what fits, ask the model, check every claim.

1. The question is analysed (type, named reports, subject, figures); an English
   question over Chinese text also gets its key terms in Chinese (one short call).
2. Evidence fits the type: the best passages for a fact, the whole section (and the
   document's outline) for a list or definition, one retrieval per report for a
   comparison, each part answered with its own citations.
3. Passages unrelated to the question never reach the model (similarity, terms,
   figures, the named report).
4. A question in another language than its passages (English over Chinese reports) is
   translated into theirs (one short call) and answered and checked there, where the
   checks are strongest; its checked claims are then translated back (one call), each
   translation keeping the figures of the claim it translates.
5. The model, constrained by a JSON schema, names the sentences that state the answer
   and writes it; a reply cut by the token budget is asked again with a larger one,
   else only its complete claims are kept.
6. The answer is split into claims; each must be stated by the sentences it cites
   (figures, subject, content). Unsupported claims are dropped; if none remain, the
   answer is refused with the reason. A last second opinion asks the model whether the
   quotes state what was asked.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from trendqa.answer import names, prompts, shortforms
from trendqa.answer.cite import add_number_evidence, citation, insert_before_stop, quote_answer
from trendqa.answer.claims import (
    CLAIM_STOPS,
    DEFINING,
    LEAD_MARKER,
    MONEY_UNITS,
    RESTATES,
    STATEMENT_END,
    ClaimChecker,
    ClaimResult,
    figures_in_full,
    holds_claim,
    join_lines,
    list_in_full,
    names_in,
    parts_with_wholes,
    regions,
    sentence_in_full,
    split_claims,
    stated_in_full,
    states_figures,
    text_above,
    topic_line,
    with_members,
    without_answer_slot,
)
from trendqa.answer.context import (
    ITEM_SEPARATOR,
    NAMED_SENTENCES,
    NAMING,
    NUMBERED,
    SECTION_CHARS,
    Shelf,
    body_after,
    bulleted_run,
    enumerated,
    enumeration,
    heading_at,
    names_what_precedes,
    number_passages,
    numbered_run,
    paragraph_before,
    titles_a_body,
)
from trendqa.answer.names import glossary, place_glossary
from trendqa.answer.question import (
    ROLE_WORDS,
    QuestionAnalysis,
    ReportNames,
    acronyms,
    analyze,
    asked_parts,
    asks,
    defined_terms,
    lost_question_word,
    named_by_answer,
    negated,
    other_proper_nouns,
    question_type,
    quoted_terms,
    rounds_named,
    says_year,
    standalone,
    sub_questions,
    topic_lead,
    unnumbered,
    wanted_form,
    with_subjects,
    without_added_years,
)
from trendqa.answer.reply import MARKER, lookalike_closed, parse_answer, parse_json
from trendqa.answer.tables import column_name, row_cells
from trendqa.answer.types import REFUSAL, Answer, AskOptions, Citation, Claim, Passage, Sentence
from trendqa.chunking import split_sentences
from trendqa.errors import InputError
from trendqa.evidence import (
    MIN_COVERAGE,
    MIN_SIMILARITY,
    TRANSLATED_COVERAGE,
    TRANSLATED_SHARE,
    Support,
    chunk_context,
    key_terms,
)
from trendqa.evidence import support as passage_support
from trendqa.llm import ChatMessage, GenerationOptions, GenerationResult, Generator
from trendqa.numbers import (
    COUNT,
    NUMBER_PATTERN,
    count_value,
    dropped_numbers,
    figures_in_digits,
    find_numbers,
    han_figures,
    in_chinese,
    in_english,
    keep_figures,
    repair_scales,
    states_form,
    supported,
    unsupported_numbers,
    without_annotations,
)
from trendqa.records import Chunk, Hit
from trendqa.retrieval import Searcher, SearchOptions
from trendqa.textnorm import (
    as_read,
    cjk_count,
    detect_language,
    fold,
    han_share,
    one_line,
    written_in,
)
from trendqa.tokens import STOPWORDS, tokenize, words

MAX_QUESTION_CHARS = 600
_YEAR = re.compile(r"(?:19|20)\d{2}")
# The cited passages alone must hold this share of a Chinese question's terms. Lower than
# the gate over all passages: a question's framing (a date, a program's name) often sits
# in the passage beside the one that states the answer.
CITED_COVERAGE = 0.3
# What an answer shows of what was asked: the share of the question's terms (idf-weighted;
# an English question's Chinese terms) in the sentences it cites, and in the passages they
# stand in (with heading and report labels). An on-topic sentence answering a neighbouring
# question (the torch relay's date for the opening's) holds the topic, not what was asked.
# Both shares are recorded with every answer; refusing below them is off (0.0): measured,
# requiring 0.5 of the sentences or else 0.9 of the passages refused 6 more of RGB's 20
# unanswerable news questions but also 9 of the first 34 dev2 questions, all answerable —
# analysts' questions frame what they ask (章节, 这份, 表中, 意义) in words no answer repeats.
# See the README for the trade-off at other values.
ASKED_SENTENCES = 0.0
ASKED_PASSAGES = 0.0
# A comparison's part reads its report alone: a few more of its passages than a fact
# asked of the whole shelf gets (what a report says of a subject often ranks below the
# passages its framing words match).
PART_K = 5
# A part of a question asking several things is stated by an answer whose claims hold this
# share of the words that part alone asks with (idf-weighted); below it, the part is asked
# on its own. A half: a claim that names what a part asks about speaks to it.
PART_STATED = 0.5
# A gate's reason when the passages lack the question's words.
_LACKS_TERMS = re.compile(r"(?:terms|report): .* lack the question's terms: ")
# The forms of a figure a part may ask for: a claim either gives one or it does not.
_FIGURE_FORMS = frozenset(("quantity", "amount"))
# An English question's Chinese terms are the model's guesses: scaled down as at the gate.
ASKED_TRANSLATED = TRANSLATED_SHARE
# A claim's translation must keep its meaning: the embedder's cross-lingual cosine between
# the two (a faithful translation scores ~0.8; one about something else, far less).
TRANSLATION_SIMILARITY = 0.5
_TITLE = re.compile(r"《([^》]{1,60})》")
# A report's part of a comparison that asks how it presents, views or judges a topic
# ("未尽研究如何呈现特斯拉的Dojo", "白皮书对ChatGLM有什么看法"): what the report says on the
# topic is its answer, which the model, asked whether the quotes state "the thing asked",
# judged no for every such part it was asked of on the development sets.
_VIEW_ASKED = re.compile(r"如何|怎样|怎么|看法|评价|观点|态度|有何|说了?什么|谈了?什么|什么样")
# Markdown emphasis a report's text keeps ("**凝聚行业共识**"): no part of what it states.
_EMPHASIS = re.compile(r"\*\*|__")
# A small model's English frames its answer as a reading of the passages ("The passage
# states that …", "The study shows that …"): the answer is what they state, so the frame
# is dropped.
_READING_FRAME = re.compile(
    r"(?m)^([-*•·]\s*)?(?:(?:the|this) (?:passages?|texts?|sentences?|excerpts?|study|"
    r"survey|research|data|analysis) "
    r"(?:states?|says?|mentions?|notes?|indicates?|shows?|finds?|found) that|according to the "
    r"(?:passages?|texts?|sentences?|excerpts?),)\s+([a-z])",
    re.IGNORECASE,
)
# A sentence announcing the list that follows it ends with a colon; the list's first
# point starts within this many characters after it.
ANNOUNCING = ("：", ":")
ANNOUNCED_WITHIN = 200
# A sentence restates a question when it holds this share of the question's words
# (idf-weighted): "…的驱动因素包括A、B、C" restates "…的驱动因素有哪些？" whole.
RESTATED_SHARE = 0.8
_POINT_NUMBER = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.、．:：)）]\s*")
# A fact's or a figure's cited sentence is quoted, when every claim written from it was
# dropped, if it holds this share of the question's terms (with its heading and labels,
# and on its own).
# Measured on dev + dev2 + RGB: 0.3 and 0.5 quote the same answers; quoting any shown
# sentence (not only the cited ones) answered 6 more unanswerable questions for 2 more
# answerable ones.
QUOTE_ASKED_SHARE = 0.5
# At most this many sentences of a heading's body are quoted when the model restated it.
BODY_SENTENCES = 6
# A name written in Latin letters otherwise than a capitalised word: a capital after its
# first letter or a digit in it (eVTOL, CLIP, 3GPP, WebRTC, GPT4).
_NAME_WRITTEN = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z]*[0-9]|.[a-z0-9]*[A-Z])"
    r"[A-Za-z0-9]{2,}(?![A-Za-z0-9])"
)
# A Latin word ("trillion", "GPT-4"), for what a Chinese term leaves untranslated.
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.+\-]*")
# A line that dates what follows it: a year and a label, nothing else ("2023 大事记",
# "2022-2023年", "1993年"); not a sentence, a table row or a bare chart-axis year.
_DATELINE = re.compile(
    r"(?=[^。，,；;！？!?\t]{3,30}$)(?=.*[^\d\s~–-])[^\d]*(?:19|20)\d\d(?:[^\d]+(?:19|20)\d\d)?\D*"
)
# How far before a passage a dateline still dates it (a month-by-month timeline's entries).
DATELINE_REACH = 1000
# A clause shown in full repeats an item the answer gives elsewhere when one run of this
# share of its characters is written there.
REPEATED_SHARE = 0.6
# An answer copies a sentence when one run of this share of its characters is written there.
COPIED_SHARE = 0.8
# How deep a term the question quotes is searched for the passages that write it.
QUOTED_DEPTH = 10
# How deep a list question's passages are searched for the line that names its list.
LISTED_DEPTH = 20
# The cosine (the embedder's, both read as queries) at which a term the corpus quotes
# translates one an English question quotes. Measured with the default embedder, a
# translation scores 0.70-0.86 ('quantum utility' 量子效用 0.72, 'memory wall' 内存墙 0.78,
# 'digital interaction engine' 数字交互引擎 0.86) and a related term below it (量子计算
# 0.62, 绿色计算 0.65, 存储墙 0.69, 错觉 0.64).
QUOTE_TRANSLATED = 0.7
# Two Chinese terms are one term written two ways when the embedder's cosine reaches this.
# Measured on the default embedder: variants 智能助手/智能助理 0.92, 数字孪生体/数字孪生 0.94,
# 生成式人工智能/生成式AI 0.93 (but 大语言模型/大模型 0.84, 虚拟电站/虚拟电厂 0.83, 云运算/云计算
# 0.76); different things up to 0.83 (自动驾驶/辅助驾驶; 量子计算/量子通信 0.75, 智能助手/人工智
# 能 0.71). A wrong replacement answers a question nobody asked, so the bar is above both.
SAME_TERM = 0.85
# A Chinese term a report quotes: “量子效用”, 「数字交互引擎」.
_HAN_QUOTED = re.compile(r"[“「『‘\"]([\u4e00-\u9fff]{2,12})[”」』’\"]")
# Reply budgets relative to --max-tokens: a list or a definition with its parts is longer.
BUDGET_FACTOR = {"list": 2.0, "overview": 2.0, "definition": 1.5}
OnToken = Callable[[str], None]
OnWarning = Callable[[str], None]


@dataclass
class _Run:
    """What one `ask` has spent so far."""

    started: float
    timings: dict[str, float]
    calls: int = 0
    truncated: int = 0
    searches: dict[tuple[str, int, tuple[str, ...]], list[Hit]] = field(default_factory=dict)

    def add(self, key: str, seconds: float) -> None:
        self.timings[key] = self.timings.get(key, 0.0) + seconds


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
        documents = searcher.index.meta.documents
        self._documents = documents
        # A document's labels, with the initials its publisher goes by (Federal Aviation
        # Administration: FAA) — a question naming the publisher so names the document —
        # and its year, as a title may give it ("the 2017 catalogue").
        self.meta_text = {
            d: " ".join(
                filter(
                    None,
                    (
                        e.meta.title,
                        e.meta.publisher,
                        e.meta.source,
                        *acronyms(e.meta.publisher),
                        str(e.meta.year or ""),
                    ),
                )
            )
            for d, e in documents.items()
        }
        self.reports = ReportNames({d: e.meta for d, e in documents.items()})
        # The lead-in of each passage asked for, and the last few documents' passages in
        # order, their text put together and the lines they repeat (a long-running server
        # must not come to hold the whole shelf this way).
        self._lead_ins: dict[str, str] = {}
        self._document = lru_cache(maxsize=8)(self._read_document)
        self._document_text = lru_cache(maxsize=8)(self._join_document)
        self._repeated_lines = lru_cache(maxsize=8)(self._find_repeated_lines)

    @cached_property
    def shelf(self) -> Shelf:
        """Passages in document order, built on first use: facts and figures never need it."""
        return Shelf(self.searcher.index.chunks)

    # ------------------------------------------------------------------ entry

    def ask(
        self, question: str, options: AskOptions | None = None, on_token: OnToken | None = None
    ) -> Answer:
        """Answer `question`, or refuse in its language when the corpus does not say."""
        opts = options or AskOptions()
        run = _Run(time.perf_counter(), {})
        question, warnings = self._clean_question(question)
        language = opts.language or detect_language(question)
        if language not in REFUSAL:
            raise InputError(f"--lang must be zh or en, not {language!r}")
        analysis = analyze(question, self.reports, language, opts.docs)
        use_llm = self.generator is not None and not opts.extractive
        docs = opts.docs or analysis.docs
        passages_in = self._passages_language(question, docs, opts.k, run) if use_llm else None
        if opts.pivot and passages_in not in (None, language):
            analysis = self._pivot(analysis, str(passages_in), opts, run) or analysis
        english = use_llm and opts.translate and detect_language(question) == "en"
        if english and not analysis.shown_in and passages_in == "zh":
            analysis = self._translate(analysis, opts, run)
        if analysis.original and use_llm:
            analysis = self._quoted_by_corpus(analysis, opts.docs or analysis.docs, run)
            analysis = self._defined_by_corpus(analysis, opts.docs or analysis.docs, run)
        run.add("analyze_s", time.perf_counter() - run.started)
        if analysis.shown_in:
            on_token = None  # the answer is written in the passages' language, shown translated
        if analysis.parts and use_llm:
            answer = self._compare(analysis, opts, on_token, run)
        else:
            docs = opts.docs or analysis.docs
            answer = self._answer(analysis, analysis.question, docs, opts, on_token, run)
            if use_llm:
                answer = self._every_part(analysis, answer, docs, opts, run)
        answer = replace(
            answer,
            question=question,
            warnings=(*warnings, *answer.warnings),
            kind=analysis.type,
            terms_zh=analysis.terms_zh,
            answered_as=analysis.question if analysis.original else "",
        )
        return self._done(answer, run)

    def _clean_question(self, question: str) -> tuple[str, list[str]]:
        question = " ".join(question.split())
        if not question:
            raise InputError("empty question")
        if len(question) > MAX_QUESTION_CHARS:
            message = f"question truncated to {MAX_QUESTION_CHARS} characters"
            self.on_warning(message)
            return question[:MAX_QUESTION_CHARS], [message]
        return question, []

    def _done(self, answer: Answer, run: _Run) -> Answer:
        run.timings["total_s"] = time.perf_counter() - run.started
        timings = {k: round(v, 3) for k, v in run.timings.items()}
        return replace(answer, timings=timings, model_calls=run.calls, truncated=run.truncated)

    def _refused(self, question: str, language: str, passages: tuple[Passage, ...]) -> Answer:
        return Answer(
            question,
            language,
            False,
            REFUSAL[language],
            (),
            passages,
            "refused",
            llm=self.generator.name if self.generator else None,
        )

    # ------------------------------------------------------------------ analysis

    def _translate(
        self, analysis: QuestionAnalysis, opts: AskOptions, run: _Run
    ) -> QuestionAnalysis:
        """An English question's key terms in Chinese: one short constrained call. A
        person's Latin name is written as the passages found for the question write it:
        the model's own transliteration (张益唐 for Terence Tao) names somebody else."""
        result = self._call(
            prompts.terms_prompt(analysis.question),
            GenerationOptions(
                max_tokens=prompts.TERMS_MAX_TOKENS,
                temperature=0.0,
                json_schema=prompts.TERMS_SCHEMA,
            ),
            run,
            "translate_s",
        )
        pairs = parse_json(result.text).get("terms")
        # The names of the reports the question names: they pick its passages, which
        # need not write them (伟业研究, the model's guess at "Weijin Research").
        report_names = {n for d in analysis.docs for n in self.reports.names.get(d, ())}
        people = self._people(analysis, opts, run)
        terms: list[str] = []
        by_entity: dict[str, tuple[str, ...]] = {}
        for pair in pairs if isinstance(pairs, list) else []:
            if not isinstance(pair, dict):
                continue
            en, zh = str(pair.get("en", "")).strip(), str(pair.get("zh", "")).strip()
            if " ".join(en.lower().removesuffix("'s").split()) in report_names:
                continue
            zh = people.get(en, "") or self._untranslated_left_out(zh)
            if not zh or detect_language(zh) != "zh" or len(zh) > 20:
                continue
            terms.append(zh)
            for entity in analysis.entities:
                # The term translates the entity or a part of it; a longer phrase's
                # translation ("China's AI sector" -> 中国AI行业) is not the entity's name.
                if en and fold(en) in fold(entity):
                    by_entity[entity] = (*by_entity.get(entity, ()), zh)
        return replace(analysis, terms_zh=tuple(dict.fromkeys(terms)), entities_zh=by_entity)

    def _people(self, analysis: QuestionAnalysis, opts: AskOptions, run: _Run) -> dict[str, str]:
        """Each Latin personal name of the question found, as the passages write it, among
        the people its passages name (Terence Tao: 陶哲轩)."""
        candidates = names.latin_names(analysis.question)
        if not candidates:
            return {}
        docs = tuple(opts.docs or analysis.docs)
        found = self._search(analysis.question, SearchOptions(k=opts.k, docs=docs), run)
        people = names.person_names(h.chunk.text for h in found)
        matched = {latin: names.match(latin, people) for latin in candidates}
        return {latin: chinese for latin, chinese in matched.items() if chinese}

    def _untranslated_left_out(self, term: str) -> str:
        """A Chinese term without the English words the model left in it untranslated
        ("trillion dollar科技巨头"): a Latin word the corpus never writes is no word of
        its passages. Names it does write (GPT-4, xAI) stay."""
        if han_share(term) in (0.0, 1.0):
            return term
        idf = self.searcher.bm25.idf
        out = _LATIN_WORD.sub(lambda m: m[0] if m[0].lower() in idf else " ", term)
        return " ".join(out.split())

    def _latin_words(self, question: str) -> set[str]:
        """The Latin words of `question` that its Chinese translation may keep: names,
        as it writes them (GPT, iPhone, x86), a figure's letters (5G, 7nm), and words the
        passages write (web)."""
        idf = self.searcher.bm25.idf
        kept = {
            m[0]
            for m in re.finditer("[A-Za-z][A-Za-z0-9]*", question)
            if not (m[0].isalpha() and m[0].islower())
            or m[0] in idf
            or question[max(0, m.start() - 1)].isdigit()
        }
        # A quoted term is kept whole or translated whole: allowed to keep "video" of
        # 'volumetric video' alone, the model asked what "video" means.
        for term in quoted_terms(question, titles=False):
            words = re.findall("[A-Za-z][A-Za-z0-9]*", term)
            if len(words) > 1 and not all(w in kept for w in words):
                kept -= {w for w in words if w.islower()}
        return kept

    def _names_dropped(self, question: str, translated: str) -> list[str]:
        """The names `question` writes in Latin letters, not as a word is capitalised
        (eVTOL, CLIP, 3GPP, WebRTC), that the corpus writes too and `translated` does not:
        a translation keeps them as written. A report's name is the report's to match."""
        idf = self.searcher.bm25.idf
        kept = fold(translated)
        return [
            name
            for name in dict.fromkeys(_NAME_WRITTEN.findall(self.reports.strip(question)))
            if fold(name) in idf and fold(name) not in kept
        ]

    def _passages_language(
        self, question: str, docs: Sequence[str], k: int, run: _Run
    ) -> str | None:
        """The language most of the best passages are in (the best one's on a tie), or
        None when no passage is related at all: a translation costs a call, for nothing
        when the question is off the shelf, and a mixed shelf's English reports are
        searched and checked by an English question's own words. A mixed shelf's one
        English note that shares the question's words ranks first by them, above the
        Chinese document the question is about."""
        hits = self._search(question, SearchOptions(k=k, docs=tuple(docs)), run)
        best = max((h.similarity for h in hits if h.similarity is not None), default=None)
        if not hits or (best is not None and best < MIN_SIMILARITY):
            return None
        languages = [detect_language(h.chunk.text) for h in hits]
        counts = Counter(languages)
        return max(dict.fromkeys(languages), key=lambda lang: counts[lang])

    def _translated(
        self, question: str, working: str, run: _Run, note: str = "", asking: bool = False
    ) -> str:
        """`question` in the passages' language by one short constrained call (with
        `asking`, one writing a question word); '' when the reply is cut or not in that
        language."""
        words = self._latin_words(question)
        result = self._call(
            prompts.question_prompt(question, working, note),
            GenerationOptions(
                max_tokens=prompts.QUESTION_MAX_TOKENS,
                temperature=0.0,
                json_schema=prompts.question_schema(working, words, asking),
            ),
            run,
            "translate_s",
        )
        asked = " ".join(str(parse_json(result.text).get(working, "")).split())
        if result.truncated or not asked or detect_language(asked) != working:
            return ""
        return unquoted(asked, question, self.reports)

    def _pivot(
        self, analysis: QuestionAnalysis, working: str, opts: AskOptions, run: _Run
    ) -> QuestionAnalysis | None:
        """The question as answered in its passages' language (translated by one short
        call if it is not in it), analysed there; None when the translation is unusable.

        Claims are checked in the language of the sentences they cite: the checks on
        figures, subjects and words are strongest there, where a claim across languages has
        only a cosine and its Latin names.
        """
        asked = analysis.question
        people: dict[str, str] = {}
        if detect_language(asked) != working:
            translated = self._translated(asked, working, run)
            named = set(analysis.docs)
            kept = set(self.reports.named(translated)) if translated else named
            # A translation that names some of the reports but not all (Weijin written
            # 微信), or none of a comparison's, asks another question than the one asked:
            # asked again with the names written as the reports write themselves. (One
            # that leaves a single report's name out still answers it from that report:
            # asked again, "What does 未尽研究 mean by…" came back "…中未尽研究是什么？".)
            lost = kept != named and (bool(kept) or len(analysis.parts) >= 2)
            if translated and working == "zh" and lost:
                source = self.reports.written_in_chinese(asked, analysis.docs)
                if source != asked:
                    translated = self._translated(source, working, run) or translated
            dropped = self._names_dropped(asked, translated) if translated else []
            if working == "zh" and dropped:
                # "Which leading eVTOL makers … completed flight tests?" came back "…它们完成
                # 了…飞行测试，这是什么？": the makers asked about are gone with their name.
                again = self._translated(asked, working, run, prompts.keep_names(dropped))
                if again and len(self._names_dropped(asked, again)) < len(dropped):
                    translated = again
            if translated and working == "zh" and negated(asked) and not negated(translated):
                # "In which areas does the list not apply?" translated "…豁免处罚的区域有
                # 哪些？" asks the opposite: asked again, keeping the negation, or not asked.
                again = self._translated(asked, working, run, prompts.KEEP_NEGATION)
                translated = again if negated(again) else ""
            if translated and working == "zh" and lost_question_word(asked, translated):
                # "What does Kan DAO say turned Nvidia from … into …?" came back as the
                # statement "Kan DAO说，Nvidia从…转变为…？", twice unless made to ask.
                again = self._translated(
                    asked, working, run, prompts.KEEP_QUESTION_WORD, asking=True
                )
                translated = "" if not again or lost_question_word(asked, again) else again
            if translated and _adds_figures(translated, asked):
                # "…a world-first memristor chip…" translated "…能效比传统处理器高10倍的…芯
                # 片": a figure the reader never gave asks about another thing.
                again = self._translated(asked, working, run, prompts.ADD_NO_FIGURES)
                translated = again if again and not _adds_figures(again, asked) else ""
            if not translated:
                return None
            asked = translated
            if asks(analysis.question) and not asks(asked):
                return None  # translated into a statement: nothing left to answer
            # A person's name the model transliterated its own way (冯章 for Feng Zhang)
            # is written as the passages found for the question write it (张锋).
            where = SearchOptions(k=opts.k, docs=tuple(opts.docs or analysis.docs))
            found = self._search(analysis.question, where, run)
            asked = keep_figures(without_added_years(asked, analysis.question), analysis.question)
            asked = rounds_named(asked, analysis.question)
            asked, people = names.align(analysis.question, asked, (h.chunk.text for h in found))
            asked = self._as_the_corpus_writes(asked, found, where, run)
        inner = analyze(asked, self.reports, working, opts.docs)
        if asked != analysis.question:
            inner = replace(inner, entities=self._translated_subjects(inner, analysis))
        # The question as asked says best what it asks for; its translation, where the
        # original's wording matched no type (a fact) or named no report. A translation
        # that lost the name of the report the question named ("十大技术趋势" for the
        # report titled 十大科技趋势) reads the name's words as the question's: no type.
        lost_name = bool(analysis.docs) and not inner.docs
        kind = analysis.type if analysis.type != "fact" or lost_name else inner.type
        if kind == "definition" and analysis.language == "en" and not analysis.defines:
            # Chinese asks many things with 是什么 ("What does DAMO predict for Chiplet?"
            # translated "DAMO预测芯片是什么？"): an English question whose own words ask
            # for no definition is not read as asking for one.
            kind = "fact"
        parts = (inner.parts or analysis.parts) if kind == "comparison" else ()
        return replace(
            inner,
            type=kind,
            docs=inner.docs or analysis.docs,
            parts=parts,
            count=analysis.count or inner.count,
            wants=(analysis.wants or inner.wants) if kind in ("number", "fact") else "",
            original=analysis.question if asked != analysis.question else "",
            shown_in=analysis.language,
            people=tuple(people.items()),
            defines=analysis.defines or (kind == "definition"),
            ordinal=inner.ordinal or analysis.ordinal,
            ordinal_of=inner.ordinal_of or analysis.ordinal_of,
        )

    def _as_the_corpus_writes(
        self, asked: str, found: Sequence[Hit], where: SearchOptions, run: _Run
    ) -> str:
        """A translated question with each span the shelf never writes written as the
        passages found for it, or for the original, write its short or long form (政府事务
        大型模型 for 政务大模型): the checks hold the answer to the question's words, and
        a sentence writing the same term otherwise would be refused as about another."""
        if self.searcher.embedder is None:
            return asked
        hits = [*found, *self._search(asked, where, run)]
        pairs = shortforms.respelled(
            asked,
            (h.chunk.text for h in hits),
            lambda span: span in self.shelf.text,
            lambda span, candidates: self._closest(span, candidates, QUOTE_TRANSLATED),
        )
        for span, term in pairs:
            asked = asked.replace(span, term)
        return asked

    def _translated_subjects(
        self, inner: QuestionAnalysis, analysis: QuestionAnalysis
    ) -> tuple[str, ...]:
        """The subjects of a translated question, less the words its translation made
        names of: a word read only as some proper noun (全自动 of "Baidu's fully driverless
        fleet") that the question does not write and that translates none of its own
        subjects (cosine below `QUOTE_TRANSLATED`). Held as a subject, it refuses every
        sentence that writes the thing otherwise (全无人自动驾驶).

        And a translation that asks of no subject where the reader named one in Latin
        script ("the hand on Figure's humanoid robot" translated "图中的机器人手") lost
        what it asks about: the reader's names are its subjects still — those the corpus
        writes in Latin script, as the translator was told to keep them; a name it renders
        in Chinese ("Global AI Governance Initiative", 全球人工智能治理倡议) was translated,
        not lost. Where the
        translation lost the name of a report the question names ("Kan DAO" written 卡达),
        any word it names that the question does not write may be that name in the model's
        words, and is held to the same test."""
        if not [e for e in inner.entities if not _YEAR.fullmatch(e)]:
            lost = tuple(
                e
                for e in analysis.entities
                if not _YEAR.fullmatch(e)
                and not han_share(e)
                and fold(e) not in fold(inner.question)
                and all(w in self.searcher.bm25.idf for w in tokenize(e))
            )
            return (*inner.entities, *lost)
        nouns = other_proper_nouns(inner.question)
        if set(analysis.docs) - set(inner.docs):
            nouns |= {e for e in inner.entities if not _YEAR.fullmatch(e)}
        loose = [e for e in inner.entities if e in nouns and fold(e) not in fold(analysis.question)]
        if not loose or self.searcher.embedder is None:
            return inner.entities
        own = [e for e in analysis.entities if not _YEAR.fullmatch(e)]
        cosines = self._similarity(loose, own) if own else [[] for _ in loose]
        made = {
            e
            for e, row in zip(loose, cosines, strict=True)
            if max(row, default=0.0) < QUOTE_TRANSLATED
        }
        return tuple(e for e in inner.entities if e not in made)

    # ------------------------------------------------------------------ retrieval

    def _search(self, query: str, opts: SearchOptions, run: _Run) -> list[Hit]:
        key = (query, opts.k, opts.docs)
        if key not in run.searches:
            run.searches[key] = self.searcher.search(query, opts)
        return run.searches[key]

    def _retrieve(
        self, analysis: QuestionAnalysis, query: str, docs: Sequence[str], k: int, run: _Run
    ) -> list[Hit]:
        """The best passages for `query`; an English question also searches its Chinese
        terms, and a translated question its original wording."""
        opts = SearchOptions(k=k, docs=tuple(docs))
        hits = self._search(query, opts, run)
        queries = [" ".join(analysis.terms_zh)] if analysis.terms_zh else []
        # A part asked on its own searches for itself, not for the whole it is part of.
        if analysis.original and analysis.original != query and not analysis.whole:
            queries.append(analysis.original)
        hits = self._fused(hits, [self._search(q, opts, run) for q in queries], k)
        deeper = replace(opts, k=max(k, QUOTED_DEPTH))
        hits = self._writing_quoted(analysis, hits, deeper, run)
        hits = self._defining_first(analysis, _writing_defined(analysis, hits), deeper, run)
        return self._listing_first(analysis, hits, replace(opts, k=max(k, LISTED_DEPTH)), run)

    def _listing_first(
        self, analysis: QuestionAnalysis, hits: list[Hit], deeper: SearchOptions, run: _Run
    ) -> list[Hit]:
        """`hits`, or, for a list question whose best passage does not list what it asks
        for under a line naming it ("关键驱动因素" over its bulleted points, asked "脑机接口
        发展的关键驱动因素有哪些？"), the passage that does first — among the hits or found
        deeper: its points need not write the question's other words, which its section
        does, so it ranked below the five read. It must write the question's rarest other
        word somewhere (its title, heading or text): the same line in another chapter is
        not taken."""
        if analysis.type != "list" or not hits:
            return hits
        phrase = _listed_phrase(analysis.question)
        if not phrase or _lists_under(hits[0].chunk.text, phrase):
            return hits
        idf = self.searcher.bm25.idf
        rest = key_terms(self.reports.strip(analysis.question.replace(phrase, " ")))
        known = [t for t in rest if t in idf and len(t) > 1]
        if not known:
            return hits
        rarest = fold(max(known, key=lambda t: idf[t]))

        def lists(h: Hit) -> bool:
            about = fold(f"{h.chunk.title} {h.chunk.heading or ''} {h.chunk.text}")
            return rarest in about and _lists_under(h.chunk.text, phrase)

        # Searched deeper only when no passage already found sets the list out.
        found = next((h for h in hits if lists(h)), None) or next(
            (h for h in self._search(analysis.question, deeper, run) if lists(h)), None
        )
        if found is None:
            return hits
        others = [x for x in hits if x.chunk.id != found.chunk.id]
        return [replace(found, rank=1), *(replace(x, rank=i) for i, x in enumerate(others, 2))]

    def _defining_first(
        self, analysis: QuestionAnalysis, hits: list[Hit], deeper: SearchOptions, run: _Run
    ) -> list[Hit]:
        """`hits`, or, for a definition question none of whose passages defines its term
        ("T是指…", "T定义为…"), the best passage that does first: searched for as the
        definition would be written. An English question's term counts as the passages
        write it ("define an Agent": "Agent是指…", where its translation wrote 代理)."""
        if not analysis.defines or not hits:
            return hits
        for term in _terms_to_define(analysis, latin=True):
            stating = _stating(term)
            if any(stating.search(fold(h.chunk.text)) for h in hits):
                return hits
            shown = {h.chunk.id for h in hits}
            found = next(
                (
                    h
                    for h in self._search(f"{term}是指", deeper, run)
                    if h.chunk.id not in shown and stating.search(fold(h.chunk.text))
                ),
                None,
            )
            if found is not None:
                return [replace(found, rank=1), *(replace(h, rank=h.rank + 1) for h in hits)]
        return hits

    @staticmethod
    def _fused(hits: list[Hit], others: Sequence[Sequence[Hit]], k: int) -> list[Hit]:
        """Reciprocal-rank fusion of the lists: a passage all find comes first."""
        if not others:
            return hits
        score: dict[str, float] = {}
        by_id: dict[str, Hit] = {}
        for ranked in [hits, *others]:
            for rank, hit in enumerate(ranked, 1):
                score[hit.chunk.id] = score.get(hit.chunk.id, 0.0) + 1.0 / (60 + rank)
                by_id.setdefault(hit.chunk.id, hit)
        order = sorted(score, key=lambda cid: -score[cid])[:k]
        return [replace(by_id[cid], rank=i) for i, cid in enumerate(order, 1)]

    def _writing_quoted(
        self, analysis: QuestionAnalysis, hits: list[Hit], deeper: SearchOptions, run: _Run
    ) -> list[Hit]:
        """`hits`, or, when none of them writes a term the question quotes (the exact words
        the reader names), the best passage that does first: the others are about
        something else. Searched for alone and deeper, since the passage writing it may
        rank below others that repeat its words."""
        moved = False
        for term in self._quoted_forms(analysis):
            if not hits or any(term in fold(h.chunk.text) for h in hits):
                continue
            shown = {h.chunk.id for h in hits}
            found = next(
                (
                    h
                    for h in self._search(term, deeper, run)
                    if h.chunk.id not in shown and term in fold(h.chunk.text)
                ),
                None,
            )
            if found is not None:
                hits, moved = [found, *hits[: len(hits) - 1]], True
        return [replace(h, rank=i) for i, h in enumerate(hits, 1)] if moved else hits

    def _quoted_by_corpus(
        self, analysis: QuestionAnalysis, docs: Sequence[str], run: _Run
    ) -> QuestionAnalysis:
        """`analysis` with each term an English question quotes ('quantum utility') written
        as the corpus quotes it (“量子效用”), when its translation did not write it so (量子
        实用): among the Chinese terms quoted in the passages found for the English term,
        the one whose meaning is the term's (`QUOTE_TRANSLATED`). The translation is asked
        with it in place of its own quoted term, and the passages writing it are the ones
        asked about (`_writing_quoted`)."""
        if not analysis.original or self.searcher.embedder is None:
            return analysis
        by_entity = dict(analysis.entities_zh)
        question, entities = analysis.question, analysis.entities
        opts = SearchOptions(k=QUOTED_DEPTH, docs=tuple(docs))
        asked = quoted_terms(analysis.original, titles=False)
        # The translation's own quoted terms, one for each of the original's, in order.
        translated = _HAN_QUOTED.findall(question)
        around: list[Hit] | None = None
        for i, term in enumerate(asked):
            if han_share(term) > 0 or self.reports.named(term):
                continue
            # The passages found for the question hold the term too where those found for
            # it alone do not ('Big Seven', whose words alone find others, in “七巨头”).
            if around is None:
                around = self._search(question, opts, run)
            found = [*self._search(term, opts, run), *around]
            quoted = dict.fromkeys(q for h in found for q in _HAN_QUOTED.findall(h.chunk.text))
            candidates = [q for q in quoted if q not in question]
            if not candidates or any(q in question for q in quoted):
                continue
            best = self._closest(term, candidates, QUOTE_TRANSLATED)
            if best is None:
                continue
            by_entity[term] = (*by_entity.get(term, ()), best)
            # The question is asked, and checked, with the corpus's term: in place of the
            # translation's own quoted term, or of the reader's term it kept as written.
            own = translated[i] if len(translated) == len(asked) else term
            if own in question:
                question = question.replace(own, best)
                entities = tuple(best if e == own else e for e in entities)
        if by_entity == analysis.entities_zh:
            return analysis
        return replace(analysis, question=question, entities_zh=by_entity, entities=entities)

    def _defined_by_corpus(
        self, analysis: QuestionAnalysis, docs: Sequence[str], run: _Run
    ) -> QuestionAnalysis:
        """`analysis` with the term a translated definition question defines written as
        the corpus defines it, when no passage defines the translation's (智能助手 for
        "intelligent assistant", where the white paper defines 智能助理): among the terms
        that passages found for the definition, or for the English term, open a sentence
        defining ("智能助理是…"), the one the embedder reads as the same term
        (`SAME_TERM`)."""
        if not analysis.defines or not analysis.original or self.searcher.embedder is None:
            return analysis
        terms = [t for t in _defined_of(analysis.question) if han_share(t) == 1]
        if len(terms) != 1:
            return analysis
        (term,) = terms
        opts = SearchOptions(k=QUOTED_DEPTH, docs=tuple(docs))
        hits = list(self._search(f"{term}是指", opts, run))  # (the run's cache stays as is)
        stating = re.compile(re.escape(fold(term)) + _DEFINED_AS)
        if any(stating.search(fold(h.chunk.text)) for h in hits):
            return analysis  # the corpus defines it as translated
        for english in _english_defined(analysis.original):
            hits += self._search(english, opts, run)
        spans = dict.fromkeys(
            m.group(1) for h in hits for m in _OPENS_DEFINING.finditer(h.chunk.text)
        )
        best = self._closest(term, [c for c in spans if c != term], SAME_TERM)
        if best is None:
            return analysis
        return replace(analysis, question=analysis.question.replace(term, best))

    def _closest(self, term: str, candidates: Sequence[str], bar: float) -> str | None:
        """The candidate the embedder reads as nearest `term`, if its cosine reaches `bar`."""
        if not candidates:
            return None
        cosines = self._similarity([term], candidates)[0]
        best = max(range(len(candidates)), key=lambda j: cosines[j])
        return candidates[best] if cosines[best] >= bar else None

    def _quoted_forms(self, analysis: QuestionAnalysis) -> list[str]:
        """How the corpus writes the terms the question quotes ('quantum utility' ->
        量子效用, “数字交互引擎”): the term itself when the corpus has its words, its
        translations for a translated question. A quoted report title is no term."""
        idf = self.searcher.bm25.idf
        out: list[str] = []
        asked = [analysis.question, analysis.original] if analysis.original else [analysis.question]
        for term in (t for text in asked for t in quoted_terms(text, titles=False)):
            if self.reports.named(term):
                continue
            forms = [*analysis.entities_zh.get(term, ()), term]
            for form in forms:
                words = tokenize(form)
                if words and all(w in idf for w in words) and len(fold(form)) >= 2:
                    out.append(fold(form))
        return list(dict.fromkeys(out))

    def _evidence(self, analysis: QuestionAnalysis, hits: Sequence[Hit]) -> list[Hit]:
        """What the model reads: the hits, each cut after a table's header followed by the
        table's rows, grown into their section for research questions; first, for a
        section asked for by its number, that section."""
        hits = self._with_table_rows(hits)
        numbered = self._numbered(analysis, hits)
        if numbered:
            hits = [*numbered, *(h for h in hits if not _within(h, numbered))]
        if analysis.type not in ("list", "definition", "overview") or not hits:
            return list(hits)
        # The section read is the best hit's — or the best one's that writes the terms
        # the question quotes, when the best does not: a definition of 'quantum utility'
        # is where 量子效用 is written, not in the chapter overview that ranks above it.
        quoted = self._quoted_forms(analysis)
        writes = [h for h in hits if quoted and all(q in fold(h.chunk.text) for q in quoted)]
        anchor = writes[0] if writes else hits[0]
        out = self.shelf.section(anchor, SECTION_CHARS)
        used = sum(len(h.chunk.text) for h in out)
        for hit in hits:
            if hit is anchor:
                continue
            if not _within(hit, out) and used + len(hit.chunk.text) <= SECTION_CHARS + 300:
                out.append(hit)
                used += len(hit.chunk.text)
        if analysis.type == "list" and analysis.count:
            top = hits[0].chunk
            in_named = not analysis.docs or top.doc in analysis.docs
            doc = top.doc if in_named else analysis.docs[0]
            near = top.location.start if in_named else 0
            idf = self.searcher.bm25.idf
            words = [*key_terms(self.reports.strip(analysis.question)), *analysis.terms_zh]
            terms = {t: idf[t] for t in words if t in idf}
            outline = self.shelf.outline(doc, analysis.count, near, terms)
            if outline and len(outline) > 2:
                out = outline + out[:1]  # the outline, then the section it was found from
        return out

    def _with_table_rows(self, hits: Sequence[Hit]) -> list[Hit]:
        """`hits`, each ending in a table whose rows run on into the next passage read on
        through those rows (`Shelf.rows_after`): one passage from the table's title to its
        rows, so a row is read under its header and its title's year and unit. Where the
        two do not join (no shared text), the next passage follows as one of its own."""
        out: list[Hit] = []
        ids = {h.chunk.id for h in hits}
        for hit in hits:
            rows = self.shelf.rows_after(hit.chunk)
            if rows is None or rows.id in ids:
                out.append(hit)
                continue
            ids.add(rows.id)
            joined = _joined_chunks(hit.chunk, rows)
            if joined is not None:
                out.append(replace(hit, chunk=joined))
            else:
                out.extend((hit, replace(hit, chunk=rows)))
        return out

    def _numbered(self, analysis: QuestionAnalysis, hits: Sequence[Hit]) -> list[Hit]:
        """The section a question asks for by its number ("第三个趋势是什么？"), in the
        report it names or else the first report found that numbers its headings so:
        the words "third trend" are in no passage, and the passages found for the rest
        of the question are the first trend's as likely as the third's."""
        if not analysis.ordinal or not hits:
            return []
        docs = list(analysis.docs) or list(dict.fromkeys(h.chunk.doc for h in hits))
        idf = self.searcher.bm25.idf
        words = [*key_terms(self.reports.strip(analysis.question)), *analysis.terms_zh]
        terms = {t: idf[t] for t in words if t in idf}
        for doc in docs:
            found = self.shelf.numbered(doc, analysis.ordinal, analysis.ordinal_of, terms)
            if found:
                return found
        return []

    def _beyond_numbering(self, analysis: QuestionAnalysis, hits: Sequence[Hit]) -> str:
        """Why a section asked for by its number is not in the report ('' when it may be):
        the report numbers that series of headings once (趋势一 … 趋势十) and the number
        asked lies outside it ("十大科技趋势的第十二个趋势"), whose nearest sections would
        otherwise be read as its answer. A report that numbers a series once per chapter
        (三个趋势要点 in each) or not at all cannot tell."""
        if not analysis.ordinal or not hits:
            return ""
        docs = list(analysis.docs) or list(dict.fromkeys(h.chunk.doc for h in hits))
        spans = [self.shelf.numbering(doc, analysis.ordinal_of) for doc in docs]
        if not all(len(s) == 1 for s in spans):
            return ""
        if any(lo <= analysis.ordinal <= hi for ((lo, hi),) in spans):
            return ""
        (lo, hi), *_ = spans[0]
        label = self.reports.label(docs[:1]) or docs[0]
        word = analysis.ordinal_of or "section"
        return f"heading: {label} numbers its {word} {lo}–{hi}; none is numbered {analysis.ordinal}"

    # ------------------------------------------------------------------ gate

    def _support(self, question: str, hits: Sequence[Hit]) -> Support:
        # A section asked for by its number: the passages write neither the number nor
        # its measure word (第三个).
        question = unnumbered(question)
        # A region the question names by its provinces is written as one (京津冀).
        region = regions(question)
        texts = [with_members(chunk_context(h.chunk, self.meta_text), region) for h in hits]
        bm25 = self.searcher.bm25
        return passage_support(question, texts, bm25.idf, bm25.max_idf)

    def _gate(self, analysis: QuestionAnalysis, hits: Sequence[Hit], named: bool) -> str:
        """Why the model should not even be asked, or '' when it should."""
        if not hits:
            return "report: the named report has no passage on this" if named else "nothing"
        beyond = self._beyond_numbering(analysis, hits)
        if beyond:
            return beyond
        best = max((h.similarity for h in hits if h.similarity is not None), default=None)
        if best is not None and best < MIN_SIMILARITY:
            return f"similarity: no passage is related to the question (best {best:.2f})"
        s = self._support(analysis.question, hits)
        where = "the named report's passages" if named else "the passages"
        # A translated question's words are the model's guesses at the report's: held to
        # the lower share, as an English question's Chinese terms are — and where they
        # miss, the question's own terms in Chinese may hold instead (虚拟电厂 for
        # "virtual power plants", which the translation wrote 虚拟电源植物).
        least = TRANSLATED_COVERAGE if analysis.original else MIN_COVERAGE
        if s.coverage < least and not self._terms_hold(analysis, hits, least):
            check = "report" if named else "terms"
            return f"{check}: {where} lack the question's terms: {', '.join(s.missing_terms[:5])}"
        unstated = self._unframed(s.missing_numbers, hits)
        if unstated:
            return f"figure: no passage mentions {', '.join(unstated)}"
        chinese = [h for h in hits if detect_language(h.chunk.text) == "zh"]
        if analysis.terms_zh and chinese:
            zh = self._support(" ".join(analysis.terms_zh), chinese)
            if zh.coverage < TRANSLATED_COVERAGE:
                missing = ", ".join(zh.missing_terms[:5])
                return f"terms: {where} lack the question's terms (in Chinese: {missing})"
        return ""

    def _terms_hold(self, analysis: QuestionAnalysis, hits: Sequence[Hit], least: float) -> bool:
        """Whether a translated question's own key terms in Chinese, asked of the reader's
        question, hold at `least` in the Chinese passages of `hits`."""
        chinese = [h for h in hits if detect_language(h.chunk.text) == "zh"]
        if not (analysis.original and analysis.terms_zh and chinese):
            return False
        return self._support(" ".join(analysis.terms_zh), chinese).coverage >= least

    def _unframed(self, figures: Sequence[str], hits: Sequence[Hit]) -> list[str]:
        """The figures no passage states, less the years that date a passage from just
        before it ("2023年6月，…" above a passage that goes on "科技部将…"), or from the
        dateline of the timeline it is an entry of ("2023 大事记" over "6月 / 科技部将…")."""
        out = []
        for figure in figures:
            year = figure.rstrip("年 ")
            if _YEAR.fullmatch(year):
                before = (self.shelf.before(h.chunk) for h in hits)
                if any(b is not None and year in fold(b.text) for b in before):
                    continue
                if any(year in self._dateline(h.chunk) for h in hits):
                    continue
                if any(self._says_year(h.chunk, int(year)) for h in hits):
                    continue
            out.append(figure)
        return out

    def _says_year(self, chunk: Chunk, year: int) -> bool:
        """Whether `chunk` dates what it says by its report's year ("截至今年三季度") in a
        way that can mean `year`."""
        meta = self.reports.documents.get(chunk.doc)
        return says_year(fold(chunk.text), meta.year if meta else None, year)

    def _dateline(self, chunk: Chunk) -> str:
        """The nearest line dating the entries that follow it ("2023 chronicle of events
        大事记") within `DATELINE_REACH` characters before `chunk`, under its heading."""
        ordered = self._document(chunk.doc)
        reach = DATELINE_REACH
        for before in reversed([c for c in ordered if c.location.start < chunk.location.start]):
            if before.heading != chunk.heading or reach <= 0:
                break
            # Overlapping passages: only the part before `chunk` is before it.
            text = before.text[: max(0, chunk.location.start - before.location.start)]
            for line in reversed(text[-reach:].splitlines()):
                if _DATELINE.fullmatch(line.strip()):
                    return fold(line)
            reach -= len(text)
        return ""

    # ------------------------------------------------------------------ one answer

    def _answer(
        self,
        analysis: QuestionAnalysis,
        question: str,
        docs: Sequence[str],
        opts: AskOptions,
        on_token: OnToken | None,
        run: _Run,
        first_n: int = 1,
        first_id: int = 1,
        part: str = "",
    ) -> Answer:
        answer = self._answer_here(
            analysis, question, docs, opts, on_token, run, first_n, first_id, part
        )
        answer = self._shown(answer, analysis, run) if analysis.shown_in else answer
        if part and not answer.answerable and not opts.extractive:
            answer = self._part_again(analysis, question, answer, opts, run)
        return answer

    def _part_again(
        self,
        analysis: QuestionAnalysis,
        question: str,
        refused: Answer,
        opts: AskOptions,
        run: _Run,
    ) -> Answer:
        """A comparison's part refused for what its reply cited, asked once more over the
        part's passages the reply did not cite: those were judged and failed, the others
        were not read. (A whole question is not: its refusal is the answer; a part's is
        "not stated" beside the other reports' answers.) The new reply is checked as the
        first was; the first's dropped claims stay listed."""
        # (A claim whose translation failed lost its citations: its passage is the one
        # holding the statement it was checked as.)
        said = [fold(c.checked_as or c.text) for c in refused.claims if not c.citations]
        cited = {n for c in refused.claims for n in c.citations} | {
            p.n for p in refused.passages if any(s and s in fold(p.hit.chunk.text) for s in said)
        }
        rest = tuple(p for p in refused.passages if p.n not in cited)
        if not cited or not rest or len(rest) == len(refused.passages):
            return refused
        base = self._refused(question, analysis.language, rest)
        again = self._generate(base, analysis, question, rest, opts, None, run)
        if analysis.shown_in:
            again = self._shown(again, analysis, run)
        if not again.answerable:
            return refused
        # The first reply's claims stay listed, as not shown and why; the part's numbering
        # stays whole, since the next part's passages are numbered after it.
        dropped = tuple(
            replace(c, supported=False, reason=refused.reason) if c.supported else c
            for c in refused.claims
        )
        return replace(again, passages=refused.passages, claims=(*dropped, *again.claims))

    def _answer_here(
        self,
        analysis: QuestionAnalysis,
        question: str,
        docs: Sequence[str],
        opts: AskOptions,
        on_token: OnToken | None,
        run: _Run,
        first_n: int,
        first_id: int,
        part: str,
    ) -> Answer:
        """One answer in the analysis's language, checked."""
        started = time.perf_counter()
        query = question
        if part and docs:
            # A comparison's part searches its own report alone, where the report's name
            # singles out nothing but the passages about its publisher ("关于协会").
            query = self.reports.without(question, docs) or question
        named = bool(docs) and not opts.docs

        def found(
            analysis: QuestionAnalysis, query: str
        ) -> tuple[list[Hit], tuple[Passage, ...], str]:
            """The passages `query` finds, and why the model should not be asked."""
            hits = self._retrieve(analysis, query, docs, opts.k, run)
            evidence = self._evidence(analysis, hits)
            shown = number_passages(evidence, first_n, first_id, part, self.shelf.table_header)
            return hits, shown, self._gate(analysis, hits, named)

        hits, passages, gate = found(analysis, query)
        run.add("retrieve_s", time.perf_counter() - started)
        if _LACKS_TERMS.match(gate) and self._may_ask_terms(analysis, opts, part):
            # A translated question whose words the passages lack: its own key terms in
            # Chinese, asked of the reader's question by one short call, search beside the
            # translation and may hold where its words did not.
            termed = self._translate(replace(analysis, question=analysis.original), opts, run)
            if termed.terms_zh:
                analysis = replace(analysis, terms_zh=termed.terms_zh)
                hits, passages, gate = found(analysis, " ".join([query, *termed.terms_zh]))
        base = self._refused(question, analysis.language, passages)
        if gate:
            return replace(base, reason=gate)
        if opts.extractive or self.generator is None:
            return self._extractive(base, question, passages)
        return self._generate(base, analysis, question, passages, opts, on_token, run)

    def _may_ask_terms(self, analysis: QuestionAnalysis, opts: AskOptions, part: str) -> bool:
        """Whether a question refused for its translation's words may ask for its own key
        terms in Chinese: a whole question (no comparison's part) translated from the
        reader's, with a model to ask, whose terms were not asked already."""
        return bool(
            analysis.original
            and not part
            and not analysis.terms_zh
            and self.generator is not None
            and not opts.extractive
            and opts.translate
        )

    def _budget(self, analysis: QuestionAnalysis, opts: AskOptions) -> int:
        return int(opts.max_tokens * BUDGET_FACTOR.get(analysis.type, 1.0))

    def _generate(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        question: str,
        passages: tuple[Passage, ...],
        opts: AskOptions,
        on_token: OnToken | None,
        run: _Run,
    ) -> Answer:
        assert self.generator is not None
        budget = self._budget(analysis, opts)
        passages, trimmed = self._fit(question, passages, base.language, analysis.type, budget)
        if trimmed:
            message = "passages truncated to fit the model's context window"
            self.on_warning(message)
            base = replace(base, warnings=(*base.warnings, message))
        base = replace(base, passages=passages)
        # A comparison's part asks its own clause, which the reader's whole question is not.
        original = "" if any(p.part for p in passages) or analysis.whole else analysis.original
        ids = [s.id for p in passages for s in p.sentences]
        max_evidence = prompts.MAX_EVIDENCE.get(analysis.type, prompts.DEFAULT_MAX_EVIDENCE)
        messages = prompts.answer_prompt(
            question,
            passages,
            base.language,
            analysis.type,
            original,
            (analysis.whole, analysis.stated),
        )
        schema = prompts.answer_schema(ids, max_evidence)
        result, cut = self._complete(
            messages, schema, budget, run, temperature=opts.temperature, on_token=on_token
        )
        evidence, text = parse_answer(result.text)
        if cut:
            text = _complete_claims(text)
        by_id = {s.id: (p, s) for p in passages for s in p.sentences}
        chosen = [by_id[i] for i in dict.fromkeys(evidence) if i in by_id]
        if chosen and (
            not text.strip() or _wrong_language(text, base.language, analysis, passages)
        ):
            # A second, short request: only the chosen sentences, answer in the language.
            text = self._rewrite(question, [s for _p, s in chosen], base.language, budget, run)
        answer = self._check(base, analysis, chosen, text)
        if not answer.answerable and _is_part(passages):
            held = self._part_quoted(base, analysis, chosen)
            if held is not None:
                # (the model's dropped claims still listed, with why, as a whole answer's are)
                answer = replace(held, claims=(*answer.claims, *held.claims))
        if analysis.defines:
            answer = self._defining(base, analysis, passages, answer)
        if answer.mode == "extractive" and answer.reason.startswith("language:"):
            answer = self._quotes_translated(answer, analysis.asked, run)
        announced = self._announced_list(analysis, passages, chosen, answer)
        counted = (
            None if announced else self._counted_outline(base, analysis, passages, chosen, answer)
        )
        if announced is None and counted is None:
            counted = self._counted_enumeration(base, analysis, passages, chosen, answer)
        if announced is None and counted is None:
            counted = self._restated_list(base, analysis, passages, chosen, answer)
        if announced is not None:
            answer = announced
        elif counted is not None:
            answer = counted
        else:
            answer = self._whole_run(base, analysis, chosen, answer)
        # A part asked on its own is judged as a part of the whole question: alone ("占比多
        # 少？") it does not say what it asks about, and judged as the whole, an answer to one
        # part of it is no answer.
        judged, part = (analysis.whole, question) if analysis.whole else (question, "")
        if answer.answerable and opts.confirm and not self._confirmed(judged, answer, run, part):
            reason = "confirm: the model judged that its quotes do not state what was asked"
            return replace(base, reason=reason, claims=answer.claims)
        laid_out = announced is not None or counted is not None
        if answer.answerable and analysis.type != "overview" and not laid_out:
            # (A list read from the report's layout is in its words already: its last
            # item is not run on into the clause after it, "竞争和补救,日后将由…".)
            # "42%" is shown as "乘用车 L2 及以上智驾渗透率超过了 42%": what the figure
            # measures; a list's "Adobe Express" as the enumeration its sentence states;
            # a definition in the report's own sentence. (The confirmation judged the
            # model's own words.)
            full = analysis.type in ("fact", "number", "definition")
            answer = _in_full(answer, sentences=full)
        if analysis.type == "definition":
            answer = self._with_parts(base, analysis, passages, answer)
        elif analysis.type == "list":
            glossed = self._with_glosses(base, analysis, passages, answer)
            # The model's own list, not one read from the report's layout for it.
            if glossed is answer and not laid_out:
                glossed = self._one_sentence_list(base, analysis, passages, answer)
            answer = glossed
        elif analysis.type == "comparison":
            answer = self._with_other_sides(base, analysis, passages, answer)
        return answer

    def _with_other_sides(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
    ) -> Answer:
        """A comparison of subjects in one report ("2023年的融资情况和2017年的高点相比有什么
        不同？") answered for some of them only: for each subject no kept claim or cited
        sentence names, its best sentence (`_side_sentence`: one that passes every claim
        check as a statement about that subject) is added, verbatim and cited. A side the
        passages do not state stays unstated."""
        if not answer.answerable or analysis.parts or len(analysis.entities) < 2:
            return answer
        said = fold(" ".join([answer.text, *(c.quote for c in answer.citations)]))
        missing = [e for e in analysis.entities if fold(e) not in said]
        if not missing or len(missing) == len(analysis.entities):
            return answer
        cited = _cited_sentences(answer, passages)
        if not cited:
            return answer
        for entity in missing:
            side = self._side_sentence(base, analysis, entity, passages)
            if side is None:
                continue
            p, sent = side
            added = citation(p, sent, self._page_of)
            if not added.verified or any(c.quote == added.quote for c in answer.citations):
                continue
            answer = replace(
                answer,
                text=f"{answer.text.rstrip()}\n{sent.text.strip()}[{added.n}]",
                citations=(*answer.citations, added),
                claims=(*answer.claims, Claim(sent.text.strip(), (added.n,), True, "", 1.0)),
            )
        return answer

    def _side_sentence(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        entity: str,
        passages: Sequence[Passage],
    ) -> tuple[Passage, Sentence] | None:
        """The shown sentence naming `entity` that passes every claim check on its own as a
        statement about that subject alone (no heading or caption line) and holds the
        most of the question's terms (a figure's sentence first among equals, then the
        first); None when none does."""
        entity = self._passages_word(analysis, entity, passages)
        checker = self._checker(replace(analysis, entities=(entity,)))
        probe = without_answer_slot(self.reports.without(analysis.question, analysis.docs))
        bm25 = self.searcher.bm25
        best: tuple[tuple[float, bool], Passage, Sentence] | None = None
        for p in passages:
            for sent in p.sentences:
                if fold(entity) not in fold(sent.text) or topic_line(p.hit.chunk.text, sent):
                    continue
                if not checker.check(sent.text, [(p, sent)], base.passages).supported:
                    continue
                share = passage_support(probe, [sent.text], bm25.idf, bm25.max_idf).coverage
                rank = (share, states_figures(sent.text))
                if best is None or rank > best[0]:
                    best = (rank, p, sent)
        return None if best is None else (best[1], best[2])

    def _passages_word(
        self, analysis: QuestionAnalysis, entity: str, passages: Sequence[Passage]
    ) -> str:
        """A translated question's subject as the passages write it, where no shown sentence
        writes the translation's word (英文 for "English-language", where the report writes
        英语): the shown word sharing a character with it that the embedder reads as the same
        (`SAME_TERM`); the subject itself otherwise."""
        texts = [s.text for p in passages for s in p.sentences]
        if not analysis.original or any(fold(entity) in fold(t) for t in texts):
            return entity
        shared = set(entity)
        words = sorted(
            {w for t in texts for w in tokenize(t) if len(w) >= 2 and shared & set(w)} - {entity}
        )
        return self._closest(entity, words, SAME_TERM) or entity

    def _with_glosses(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
    ) -> Answer:
        """A list answered from a sentence that enumerates its items ("驱动因素包括技术进
        步、用户需求、物联网的扩张和数据的积累。"), where the sentences after it in its
        paragraph say what each item is, one each and in the same order ("人工智能算法的进步
        …", "越来越多的用户追求…需求", …): each item with what its sentence says of it. A
        report sets out a list and then its items; the names alone leave out what the reader
        asked about them. A sentence glosses an item when it writes one of the item's words;
        the glosses end at the first sentence that writes none of the next item's. Each
        gloss is a claim checked like the model's own; the answer stays as it was unless
        every claim holds."""
        if not answer.answerable or answer.mode != "llm":
            return answer
        cited = _cited_sentences(answer, passages)
        for p, s in cited:
            items = enumerated(s.text)
            if len(items) < 2:
                continue
            glosses = _glosses(p, s, items)
            if len(glosses) < 2:
                continue
            lines = [
                f"- {item}：{MARKER.sub('', g.text).strip()}"
                for item, g in zip(items, glosses, strict=False)
            ]
            lines += [f"- {item}" for item in items[len(glosses) :]]
            whole = self._check(
                base, analysis, [(p, s), *((p, g) for g in glosses)], "\n".join(lines)
            )
            if whole.answerable and all(c.supported for c in whole.claims):
                return whole
            return answer
        return answer

    def _one_sentence_list(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
    ) -> Answer:
        """A list whose kept items are all written in the one sentence it cites, shown as
        that sentence up to its last item (`list_in_full`): the items with what the report
        says they are — who named them, when, what for — where the items alone ("- 消费者
        金融保护局", "- 司法部民权司", …) leave out what the question's own words framed
        ("the April 2023 joint statement"). Checked as a claim; the answer stays as it was
        unless it holds. Not for an answer shown translated: translated whole, a sentence of
        four agencies came back with one of them written as another (司法部民权司 as "the
        Department of Justice's Equal Employment Opportunity Commission"), where each item
        translated alone was right."""
        if not answer.answerable or answer.mode != "llm" or analysis.shown_in:
            return answer
        kept = [c for c in answer.claims if c.supported]
        cited = {(p.n, s.id): (p, s) for p, s in _cited_sentences(answer, passages)}
        if len(kept) < 2 or len(cited) != 1:
            return answer
        ((p, s),) = cited.values()
        text = list_in_full([c.text for c in kept], s.text)
        if not text:
            return answer
        whole = self._check(base, analysis, [(p, s)], text)
        return whole if whole.answerable and all(c.supported for c in whole.claims) else answer

    def _with_parts(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
    ) -> Answer:
        """A definition answered with the sentence that defines its term, and what the
        same paragraph goes on to say of that term: the sentences after it that name the
        term again ("可预期网络不仅支持…") or point back to it ("它…", "其…"), PARTS_MAX at
        most. A report defines a term in one sentence and gives its parts, uses and
        prospects in the next; each is checked as a claim like any other, and the answer
        stays as it was when any fails."""
        if not answer.answerable:
            return answer
        cited = _cited_sentences(answer, passages)
        asked = _terms_to_define(analysis, latin=True)
        taken = {(p.n, s.id) for p, s in cited}
        added: list[tuple[Passage, Sentence]] = []
        for p, s in cited:
            # The sentence's own term, when the question asks of it (可预期网络 for the
            # translated "可预测的网络").
            subject = _defined_subject(s.text)
            if not _shares_pair(subject, fold(analysis.question)):
                subject = ""
            terms = [t for t in (*asked, subject) if t and t in fold(s.text)]
            if not terms:
                continue
            text = p.hit.chunk.text
            end = s.offset + len(s.text)
            for after in p.sentences:
                if after.offset < end:
                    continue
                if _PARAGRAPH_BREAK.search(text[end : after.offset]):
                    break
                end = after.offset + len(after.text)
                if (p.n, after.id) in taken or _ASKS.search(after.text):
                    continue
                if topic_line(text, after):
                    break
                if not after.text.rstrip().endswith(_ENDS_STATEMENT):
                    continue  # cut by its passage's end, or a line that is no statement
                own = fold(after.text)
                if any(t in own for t in terms) or _POINTS_BACK.match(after.text):
                    added.append((p, after))
                    taken.add((p.n, after.id))
                if len(added) >= PARTS_MAX:
                    break
            if added:
                break
        if not added:
            return answer
        stated = MARKER.sub("", answer.text).strip()
        if not stated.endswith(tuple(CLAIM_STOPS)):
            stated += "。" if han_share(stated) >= 0.3 else "."
        whole = self._check(
            base, analysis, [*cited, *added], "\n".join([stated, *(s.text for _p, s in added)])
        )
        kept = [c for c in whole.claims if c.supported]
        if not whole.answerable or len(kept) < len(whole.claims):
            return answer
        return whole

    @staticmethod
    def _defines(answer: Answer, terms: Sequence[str], question: str = "") -> bool:
        """Whether a checked answer to a definition question can be its definition: it
        keeps a claim, and one that is a statement or names a term it defines (`terms`,
        folded) — not a label alone ("腾讯IDC", a point of the slide beside the definition),
        nor a label after the question's own words ("Weijin的Kandao 2024意味着科技巨头",
        asked "Weijin的Kandao 2024意味着什么？")."""
        kept = [c for c in answer.claims if c.supported]
        if not answer.answerable or not kept:
            return False
        asked = fold(question)

        def own(text: str) -> int:
            said = MARKER.sub("", text).strip()
            for t in terms:
                said = re.sub(re.escape(t), " ", said, flags=re.IGNORECASE) if t else said
            return sum(len(t) for t in tokenize(said) if not asked or fold(t) not in asked)

        return any(
            own(c.text) >= LABEL_CHARS
            or (any(t in fold(c.text) for t in terms) and own(c.text) >= NAMED_LABEL_CHARS)
            for c in kept
        )

    def _defining(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
    ) -> Answer:
        """A definition question answered with the report's own definition: the shown
        sentence that defines its term ("所谓T…", "T是指…", "T：…", "…T…，即…"), checked
        as a claim like any other. It answers alone when the model's answer defines
        nothing (it failed a check, or gave a label); it leads the model's checked
        claims when they leave it out. The answer stays as it is when no shown sentence
        defines the term or the checks refuse it."""
        named = [fold(t) for t in _defined_of(analysis.question)]
        # A Latin-script term the question names ("怎样介绍eVTOL"), where the passages
        # write it.
        shown = fold(" ".join(p.hit.chunk.text for p in passages))
        latin = [fold(t) for t in defined_terms(analysis.question, latin=True)]
        named += [t for t in latin if t not in named and t in shown]
        if analysis.original:
            # An English question's term, where the passages write it so ("define an
            # Agent": "Agent是指…"); its translation may have written it otherwise (代理).
            english = [fold(t) for t in _english_defined(analysis.original)]
            named += [t for t in english if t in shown]
            # The report's own Chinese for it, where it glosses the term ("科技巨头（Big
            # Tech）"): the translation may have left the term out.
            glossed = names.glosses(p.hit.chunk.text for p in passages)
            named += [fold(zh) for zh, en in glossed.items() if fold(en) in english]
        terms = named
        if not terms:
            # No term quoted or named after a definition word (a translated question's
            # "什么算作人工智能相关的企业"): the longest term a shown sentence defines whose
            # every word the question asks, of two words at least.
            asked = {fold(t) for t in (*tokenize(analysis.question), *words(analysis.question))}
            spans = [_defined_span(fold(s.text), asked) for p in passages for s in p.sentences]
            longest = max(map(len, spans), default=0)
            terms = [t for t in dict.fromkeys(spans) if t and len(t) == longest]
        found = [
            (p, [s], opening)
            for p in passages
            for s in p.sentences
            if not _ASKS.search(s.text) and not topic_line(p.hit.chunk.text, s)
            for opening in [_defines_at(fold(s.text), terms)]
            if opening is not None
        ] or [(p, run, False) for p, run in _named_after(passages, terms)]
        if not found:
            return self._elaborated(base, analysis, passages, answer, named)
        # The sentence that opens with the term it defines ("T是…") before one that
        # defines it on the way ("…的T，即…"); a term the report names only after
        # describing it ("…，被称为“内存墙”") is defined by the sentences that describe it.
        p, run, _opening = min(found, key=lambda f: not f[2])
        stated = one_line("\n".join(s.text for s in run))
        if not self._defines(answer, named, analysis.question):
            defined = self._check(base, analysis, [(p, s) for s in run], stated)
            return defined if defined.answerable else answer
        quoted = fold(stated)
        if {fold(s.text) for s in run} <= {fold(c.quote) for c in answer.citations}:
            return answer
        # The model's claims that say more of the term: those naming it or pointing back
        # to it, or quoting what its definition's passage says after it — not a sentence
        # of the passage on something else (a lab's work, before the term's heading).
        after = fold(p.hit.chunk.text[run[0].offset :])
        kept = [
            said
            for c in answer.claims
            if c.supported
            for said in [MARKER.sub("", c.text).strip()]
            for folded in [fold(said.rstrip(CLAIM_STOPS))]
            if folded not in quoted
            and (
                any(t in folded for t in terms)
                or _POINTS_BACK.match(said) is not None
                or folded[:QUOTED_PREFIX] in after
            )
        ]
        cited = _cited_sentences(answer, passages)
        led = self._check(
            base, analysis, [*((p, s) for s in run), *cited], "\n".join([stated, *kept])
        )
        first = next((c for c in led.claims if c.supported), None)
        if not led.answerable or first is None or fold(run[0].text)[:8] not in fold(first.text):
            return answer
        return led

    def _elaborated(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        answer: Answer,
        terms: Sequence[str],
    ) -> Answer:
        """A term the report states as a sentence of its own and then explains ("芯片架构
        从异构转向超异构。CPU、GPU…越来越多地集成到单个芯片中"), or introduces as its
        sentence's last words ("…最高的应用场景，是扮演医生的“文书助理”。医生希望人工智能带
        走…"), asked what it means: the sentence after it answers, when the model's answer
        defines nothing. The explanation is checked as a claim, the statement of the term
        beside it as its evidence."""
        if not terms or self._defines(answer, terms, analysis.question):
            return answer
        for p in passages:
            for i, sentence in enumerate(p.sentences[:-1]):
                own = re.sub(r"[\W_]+", "", fold(sentence.text))
                term = next((t for t in terms if t and t in own), "")
                if not term:
                    continue
                if len(term) < STATED_TERM_SHARE * len(own) and not own.endswith(term):
                    continue
                after = p.sentences[i + 1]
                # A line naming the term alone, over a line describing it without a stop
                # ("基因表达分析技术" / "对基因组中的基因表达程度进行量化，帮助了解…"): a
                # line of clauses is its description, not the next topic.
                described = own == term and "，" in after.text
                if (topic_line(p.hit.chunk.text, after) and not described) or _ASKS.search(
                    after.text
                ):
                    continue
                explained = self._check(base, analysis, [(p, sentence), (p, after)], after.text)
                if explained.answerable:
                    return explained
        return answer

    def _announced_list(
        self,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        chosen: Sequence[tuple[Passage, Sentence]],
        answer: Answer,
    ) -> Answer | None:
        """A list question answered with the sentence that announces the list ("…主要表现在
        如下十个领域：") is answered with the list that follows it: the shown outline's
        numbered points, when they start right after that sentence in its document. Each
        point is then a claim checked like any other."""
        outline = [p for p in passages if p.part == "outline" and p.sentences]
        if analysis.type != "list" or len(outline) < 3 or not answer.answerable:
            return None
        kept = [c for c in answer.claims if c.supported]
        if not kept or not all(c.text.rstrip().endswith(ANNOUNCING) for c in kept):
            return None
        first = outline[0].hit.chunk.location
        for p, sentence in chosen:
            where = p.hit.chunk.location
            end = where.start + sentence.offset + len(sentence.text)
            if (
                where.doc == first.doc
                and p.part != "outline"
                and sentence.text.rstrip().endswith(ANNOUNCING)
                and 0 <= first.start - end <= ANNOUNCED_WITHIN
            ):
                points = [(q, q.sentences[0]) for q in outline]
                # A point's own number ("2. ") is the list's layout, not a figure it states.
                text = "\n".join(
                    f"- {_POINT_NUMBER.sub('', LEAD_MARKER.sub('', s.text))}" for _q, s in points
                )
                base = replace(answer, answerable=False, text="", citations=(), claims=())
                listed = self._check(base, analysis, points, text)
                return listed if listed.answerable else None
        return None

    def _counted_outline(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        chosen: Sequence[tuple[Passage, Sentence]],
        answer: Answer,
    ) -> Answer | None:
        """A list question that says how many it asks for ("哪三个核心趋势", "the ten
        trends"), answered with fewer of the shown outline's points, is answered with the
        outline when that is a numbered run of exactly that many headings under the
        question's own words: the document numbers the items the question counts. Only an
        answer the checks kept is replaced (a refusal stays one), and each point is then a
        claim checked like any other. Each claim the model's answer keeps must cite the
        run's own chapter — its introduction, before the first point, or a point itself:
        a claim from another section (the sub-section whose four actions were asked,
        beside a chapter numbering four trends) or only from one point's own text says
        the question asks of something else. A heading names its point, not its chapter: the
        sentences the model chose stay evidence that the passages are on the question's
        topic, and are cited only where a point is stated by them."""
        outline = [p for p in passages if p.part == "outline" and p.sentences]
        if (
            analysis.type != "list"
            or not analysis.count
            or len(outline) != analysis.count
            or outline[0].hit.score <= 0
            or not answer.answerable
        ):
            return None
        cited = {c.n for c in answer.citations}
        if all(p.n in cited for p in outline):
            return None
        first = outline[0].hit.chunk.location
        chapter = self.shelf.chapter(first.doc, first.start)
        if chapter is None:
            return None
        # The passages of the run's points, and those cited in its chapter's introduction.
        own = {p.n for p in outline} | {
            c.n
            for c in answer.citations
            if c.doc == first.doc and chapter[0] <= c.start < first.start
        }
        if not all(own.intersection(c.citations) for c in answer.claims if c.supported):
            # A claim answered from another section, or only from inside one point's own
            # text (what 趋势一 says of BEiT-3): the question asks of something else.
            return None
        points = [(q, q.sentences[0]) for q in outline]
        text = "\n".join(
            f"- {_POINT_NUMBER.sub('', LEAD_MARKER.sub('', s.text))}" for _q, s in points
        )
        listed = self._check(base, analysis, [*points, *chosen], text)
        return listed if listed.answerable else None

    def _counted_enumeration(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        chosen: Sequence[tuple[Passage, Sentence]],
        answer: Answer,
    ) -> Answer | None:
        """A list question that says how many it asks for ("哪七家公司", "which four
        agencies"), answered with fewer — or with as many, not as the sentence it cited
        enumerates them — is answered with the names a sentence enumerates:
        a shown sentence enumerating exactly that many, in a passage the model drew from
        and among the question's own words (its heading or the sentences around it; of
        two such sentences, the one among more of them). Only an answer the checks kept is
        replaced (a refusal stays one); each name is then a claim checked like any other,
        and the enumeration is kept only if every one holds."""
        count = analysis.count
        if analysis.type != "list" or not answer.answerable:
            return None
        # "哪几类": how many is the report's to say — a sentence saying so ("有三类调节性负
        # 荷，分别是工业、算力和交通") counts the items it then enumerates.
        kind = None if count else _asked_kind(analysis.question)
        if kind is None and (not count or count < 3):
            return None
        kept = [c for c in answer.claims if c.supported]
        # A bulleted answer gives an item a line ("- 适当的透明度和可解释性" is one); a
        # sentence, as many as it sets apart.
        bulleted = sum(bool(LEAD_MARKER.match(line.strip())) for line in answer.text.splitlines())
        given = (
            len(kept)
            if bulleted > 1
            else sum(len(ITEM_SEPARATOR.split(c.text.strip())) for c in kept)
        )
        # As many given, or more: the model's own list — unless a sentence it cited
        # enumerates exactly that many and it gave them otherwise ("安全" and "稳健性" of
        # "安全、安保和稳健性"): the report's own items, then.
        own = count is not None and count > 0 and given >= count
        said = fold(" ".join(c.text for c in kept))
        naming = self._report_words(analysis)
        terms = {
            fold(t)
            for t in tokenize(analysis.question)
            if len(t) > 1 and not find_numbers(t) and fold(t) not in naming
        }
        found: list[tuple[int, Passage, Sentence, list[str]]] = []
        drawn = {p.n for p, _s in chosen}
        cited = {s.id for _p, s in chosen}
        for p in passages:
            if p.n not in drawn and kind is None:
                continue
            for sentence in p.sentences:
                if own and sentence.id not in cited:
                    continue
                n = count or _self_counted(sentence.text, kind or "")
                items = enumeration(sentence.text, n) if n else []
                if not items or (own and all(fold(i) in said for i in items)):
                    continue
                near = len(terms.intersection(self._words_around(p, sentence)))
                if near >= 2:
                    found.append((near, p, sentence, items))
        found.sort(key=lambda f: -f[0])
        if not found or (len(found) > 1 and found[1][0] == found[0][0]):
            return None  # none, or two as near the question's words: which is meant?
        _near, p, sentence, items = found[0]
        if kind is not None and any(fold(c.quote) == fold(sentence.text) for c in answer.citations):
            return None  # the model drew its list from that very sentence
        text = "\n".join(f"- {item}" for item in items)
        listed = self._check(base, analysis, [(p, sentence), *chosen], text)
        if listed.answerable and all(c.supported for c in listed.claims):
            return listed
        return None

    def _restated_list(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        passages: Sequence[Passage],
        chosen: Sequence[tuple[Passage, Sentence]],
        answer: Answer,
    ) -> Answer | None:
        """A list question answered from a sentence that does not restate it, where a
        sentence of a passage the model drew from does and enumerates what it asks for
        ("促使稀疏模型取得突破性进展的驱动因素包括计算资源的限制、模型部署挑战、合规要求" for
        "…驱动因素有哪些？", answered with the paragraph's last sentence): that sentence's
        items are the answer. Only an answer the checks kept is replaced; each item is a
        claim checked like any other, and the enumeration is kept only if every one holds."""
        if analysis.type != "list" or not answer.answerable:
            return None
        if detect_language(analysis.question) != "zh":
            return None  # its words are looked up in Chinese passages only
        probe = without_answer_slot(self.reports.without(analysis.question, analysis.docs))
        bm25 = self.searcher.bm25

        def restates(text: str) -> float:
            return passage_support(probe, [text], bm25.idf, bm25.max_idf).coverage

        cited = max((restates(c.quote) for c in answer.citations), default=0.0)
        quotes = {fold(c.quote) for c in answer.citations}
        drawn = {p.n for p, _s in chosen}
        found: list[tuple[float, Passage, Sentence, list[str]]] = []
        for p in passages:
            before = ""
            for sentence in p.sentences if p.n in drawn else ():
                # With the sentence before it, which may name what it goes on to list
                # ("生成式人工智能重新定义了大数据。由于…，公开数据、企业数据…都可以成为…").
                # (A cited sentence is measured alone, as the answer's `cited` share is.)
                share = restates(sentence.text)
                if before and fold(sentence.text) not in quotes:
                    share = max(share, restates(before + sentence.text))
                # (A heading line over it is no sentence of its own: its body is the
                # answer, `_body`'s to read.)
                before = "" if titles_a_body(sentence) else sentence.text
                items = (
                    enumerated(sentence.text) if share >= RESTATED_SHARE and share > cited else []
                )
                if len(items) >= 2:
                    found.append((share, p, sentence, items))
        if not found:
            return None
        _share, p, sentence, items = max(found, key=lambda f: f[0])
        text = "\n".join(f"- {item}" for item in items)
        listed = self._check(base, analysis, [(p, sentence), *chosen], text)
        if listed.answerable and all(c.supported for c in listed.claims):
            return listed
        return None

    @staticmethod
    def _words_around(passage: Passage, sentence: Sentence) -> set[str]:
        """The (folded) words of a sentence, its heading and the two sentences either side."""
        near = [s.text for s in passage.sentences if abs(s.id - sentence.id) <= 2]
        heading = heading_at(passage.hit.chunk, sentence.offset)
        return {fold(t) for t in tokenize(" ".join([heading, *near]))}

    def _report_words(self, analysis: QuestionAnalysis) -> set[str]:
        """The (folded) words of the labels of the reports a question names."""
        labels = " ".join(self.meta_text.get(d, "") for d in analysis.docs)
        return {fold(t) for t in tokenize(labels)}

    def _whole_run(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
        answer: Answer,
    ) -> Answer:
        """A list question answered with some items of a numbered run ("- 3、…" of 1–4 in
        one passage), or of a bulleted run that is a list (as many items as the question
        asks for, or each opening with its label), is answered with the whole run: the
        question asks for the list, and the passage sets out its items. Each added item is
        a claim checked like the model's own; the answer is kept as it was unless every
        claim of the longer one holds."""
        if analysis.type != "list" or not answer.answerable or answer.mode != "llm":
            return answer
        cited = {(c.n, c.start) for c in answer.citations}
        # An item the model copied is its own, whichever sentence it cited for it
        # ("沉浸式交互和体验" of "- 3、更多样内容、互动内容、新媒体: 沉浸式交互和体验").
        copied = [
            folded
            for c in answer.claims
            if c.supported and len(folded := fold(MARKER.sub("", c.text)).rstrip("。.")) >= 4
        ]

        def is_cited(p: Passage, sent: Sentence) -> bool:
            if (p.n, p.hit.chunk.location.start + sent.offset) in cited:
                return True
            folded = fold(sent.text)
            return any(c in folded for c in copied)

        # An item the model chose but left out of its answer is added like any other.
        shown: set[int] = set()
        adds: list[tuple[Passage, Sentence]] = []
        for p in answer.passages:
            for sent in p.sentences:
                if not is_cited(p, sent):
                    continue
                run = numbered_run(p, sent) or bulleted_run(p, sent, analysis.count)
                for item in run:
                    if item.id not in shown and not is_cited(p, item):
                        adds.append((p, item))
                        shown.add(item.id)
        if not adds:
            return answer
        kept = [c.text.strip() for c in answer.claims if c.supported]
        items = [NUMBERED.sub("", s.text).strip() for _p, s in adds]
        # A bulleted sentence ("- 图像生成领域…") keeps one marker: the list's.
        text = "\n".join(f"- {LEAD_MARKER.sub('', line)}" for line in [*kept, *items])
        longer = self._check(base, analysis, [*chosen, *adds], text)
        if longer.answerable and all(c.supported for c in longer.claims):
            return longer
        return answer

    def _complete(
        self,
        messages: list[ChatMessage],
        schema: dict[str, object],
        budget: int,
        run: _Run,
        *,
        temperature: float = 0.0,
        on_token: OnToken | None = None,
        key: str = "generate_s",
    ) -> tuple[GenerationResult, bool]:
        """The model's reply; one cut by the budget is asked again with twice the budget.

        Returns the reply and whether it is still cut (then only its complete claims
        may be shown). `key` names the stage its seconds are counted under.
        """
        from trendqa.streamjson import FieldStream

        assert self.generator is not None
        stream = FieldStream("answer", on_token) if on_token else None
        result = self._call(
            messages,
            GenerationOptions(max_tokens=budget, temperature=temperature, json_schema=dict(schema)),
            run,
            key,
            on_token=stream.feed if stream else None,
            first=key == "generate_s",
        )
        if not result.truncated:
            return result, False
        run.truncated += 1
        room = self.generator.context_length - result.prompt_tokens - 16
        if room <= budget:
            return result, True
        again = self._call(
            messages,
            GenerationOptions(
                max_tokens=min(2 * budget, room),
                temperature=temperature,
                json_schema=dict(schema),
            ),
            run,
            key,
        )
        run.truncated += again.truncated
        return again, again.truncated

    def _call(
        self,
        messages: list[ChatMessage],
        options: GenerationOptions,
        run: _Run,
        key: str,
        on_token: OnToken | None = None,
        first: bool = False,
    ) -> GenerationResult:
        assert self.generator is not None
        before = time.perf_counter() - run.started
        result = self.generator.generate(messages, options, on_token=on_token)
        fixed = lookalike_closed(result.text) if options.json_schema else None
        if fixed is not None:
            # Whole where the model closed its string with ”}: what follows is filler run
            # on to the budget, and asking again with more would only buy more of it.
            result = replace(result, text=fixed, truncated=False)
        run.calls += 1
        run.add(key, result.total_s)
        if key == "generate_s":
            run.timings["prompt_tokens"] = (
                run.timings.get("prompt_tokens", 0) + result.prompt_tokens
            )
            run.timings["completion_tokens"] = (
                run.timings.get("completion_tokens", 0) + result.completion_tokens
            )
        if first and result.first_token_s is not None and "first_token_s" not in run.timings:
            run.timings["first_token_s"] = before + result.first_token_s
        return result

    def _rewrite(
        self, question: str, sentences: Sequence[Sentence], language: str, budget: int, run: _Run
    ) -> str:
        result = self._call(
            prompts.rewrite_prompt(question, sentences, language),
            GenerationOptions(
                max_tokens=budget, temperature=0.0, json_schema=prompts.REWRITE_SCHEMA
            ),
            run,
            "rewrite_s",
        )
        text = parse_answer(result.text)[1]
        return _complete_claims(text) if result.truncated else text

    def _confirmed(self, question: str, answer: Answer, run: _Run, part: str = "") -> bool:
        """A second opinion: do the quoted sentences state what was asked?

        Small models answer near-miss questions (the battery of a phone the report
        mentions only for satellite calls) from on-topic sentences; asked directly,
        they usually see it.
        """
        result = self._call(
            prompts.confirm_prompt(
                question, [c.quote for c in answer.citations], answer.text, part
            ),
            GenerationOptions(max_tokens=32, temperature=0.0, json_schema=prompts.CONFIRM_SCHEMA),
            run,
            "confirm_s",
        )
        verdict = parse_json(result.text).get("verdict")
        return verdict != "no"  # an unreadable verdict is no evidence against the answer

    # ------------------------------------------------------------------ checks

    def _page_of(self, doc: str, offset: int) -> int | None:
        entry = self._documents.get(doc)
        return entry.page_at(offset) if entry else None

    def _checker(self, analysis: QuestionAnalysis) -> ClaimChecker:
        bm25 = self.searcher.bm25
        return ClaimChecker(
            analysis,
            bm25.idf,
            bm25.max_idf,
            self.meta_text,
            self._similarity,
            self.reports,
            lead_in=self._lead_in,
            text_before=self._text_before,
            repeated_lines=self._repeated_lines,
            document_text=self._document_text,
        )

    def _join_document(self, doc: str) -> str:
        """`doc`'s text as its passages quote it, at the offsets they give (what no
        passage holds, page furniture, is blank)."""
        pieces: list[str] = []
        end = 0
        for chunk in self._document(doc):
            start = chunk.location.start
            if start > end:
                pieces.append("\n" * (start - end))
            pieces.append(chunk.text[max(0, end - start) :])
            end = max(end, start + len(chunk.text))
        return "".join(pieces)

    def _find_repeated_lines(self, doc: str) -> frozenset[str]:
        """The lines `doc` writes on their own at two or more places, folded (statements
        aside): the headings its chapters repeat."""
        counts = Counter(
            fold(text)
            for line in self._document_text(doc).split("\n")
            if (text := line.strip()) and text[-1] not in STATEMENT_END
        )
        return frozenset(line for line, n in counts.items() if n >= 2)

    def _text_before(self, chunk: Chunk) -> str:
        """The text of the passage before `chunk` in its document up to where `chunk`
        starts, when both are under one heading ('' otherwise)."""
        found = self._before(chunk)
        return "" if found is None else found[0].text[: found[1]]

    def _before(self, chunk: Chunk) -> tuple[Chunk, int] | None:
        """The passage before `chunk` in its document under the same heading, and how far
        into it `chunk` starts (passages overlap); None when there is none."""
        start = chunk.location.start
        ordered = self._document(chunk.doc)
        before = next((c for c in reversed(ordered) if c.location.start < start), None)
        if before is None or before.heading != chunk.heading:
            return None
        return before, start - before.location.start

    def _lead_in(self, chunk: Chunk) -> str:
        """The last two sentences of the passage before `chunk` under the same heading.

        Read from `chunk`'s document alone, not from the whole shelf, which a fact never
        needs to load; worked out once per passage (the checks read it per sentence)."""
        known = self._lead_ins.get(chunk.id)
        if known is not None:
            return known
        found = self._before(chunk)
        lead = ""
        if found is not None:
            # Passages overlap: what comes before `chunk` ends where it starts.
            before, ahead = found
            spans = [(a, b) for a, b in split_sentences(before.text) if b <= ahead][-2:]
            lead = " ".join(before.text[a:b] for a, b in spans)
        self._lead_ins[chunk.id] = lead
        return lead

    def _read_document(self, doc: str) -> tuple[Chunk, ...]:
        """`doc`'s passages in reading order."""
        chunks = self.searcher.index.source_chunks(doc)
        return tuple(sorted(chunks, key=lambda c: c.location.start))

    def _similarity(self, a: Sequence[str], b: Sequence[str]) -> list[list[float]]:
        import numpy as np

        embedder = self.searcher.embedder
        if embedder is None:
            return [[0.0] * len(b) for _ in a]
        va, vb = embedder.embed_queries(list(a)), embedder.embed_queries(list(b))
        va = va / np.maximum(np.linalg.norm(va, axis=1, keepdims=True), 1e-9)
        vb = vb / np.maximum(np.linalg.norm(vb, axis=1, keepdims=True), 1e-9)
        return [[float(x) for x in row] for row in va @ vb.T]

    def _check(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
        text: str,
    ) -> Answer:
        """Keep the claims of the model's answer that its cited sentences state."""
        question = analysis.question
        text = without_annotations(_EMPHASIS.sub("", MARKER.sub("", text))).strip()
        if not chosen:
            return replace(base, reason="model: the model found no sentence that answers it")
        cited_hits = list({p.n: p.hit for p, _s in chosen}.values())
        # A part asked on its own ("新立项情况如何？") is framed by the whole question: its
        # passages hold the whole's terms (the subject, the year), not its own few words.
        s = self._support(analysis.whole or question, cited_hits)
        framed = len(set(_YEAR.findall(self.reports.untitled(question)))) == 1
        if framed and self._unframed(s.missing_numbers, cited_hits):
            # A passage that never names the question's year, nor sits just after one that
            # does or under a dateline of it, answers for another year: a figure from it is
            # likely another year's, and so is a name ("Which city hosted the Games in
            # 2004?" answered from a passage on 2008's). A question spanning several years
            # ("从2000年到2023年…？2022年…？") is framed by none: each claim's years are
            # checked where it states them (`subject`).
            why = f"year: the cited passages never mention {s.missing_numbers[0]}"
            return self._cited_elsewhere(base, analysis, chosen, why, text)
        least = (TRANSLATED_SHARE if analysis.original else 1.0) * CITED_COVERAGE
        if s.coverage < least and not self._terms_hold(analysis, cited_hits, least):
            missing = ", ".join(s.missing_terms[:5])
            why = f"terms: the cited passages lack the question's terms: {missing}"
            return self._cited_elsewhere(base, analysis, chosen, why, text, copied=True)
        shown = " ".join(p.hit.chunk.text for p in base.passages)
        text = names.half_written(repair_scales(text, shown), shown)
        checker = self._checker(analysis)
        if not text.strip() or _wrong_language(text, base.language, analysis, base.passages):
            if text.strip() and checker.restates_question(text):
                # The question's own example ("UCIe" of "…互联标准（比如UCIe）？") answers
                # nothing: the sentences cited for it are not quoted as the answer.
                return replace(base, reason=f"content: {RESTATES}")
            chosen = add_number_evidence(text, question, chosen, base.passages)
            reason = "language: the model's answer was empty or in the wrong language; quoting"
            checkable = analysis.type in ("number", "fact")
            if checkable and detect_language(analysis.asked) == _shown_language(base):
                # A fact or a figure is quoted from a sentence that states it for the
                # question's subject, year and attribute, checked as any claim is — not
                # every sentence cited: rows of a table's other chips answer no question
                # about H100 and H20. Asked in another language than the passages', the
                # subject's words cannot be looked up in them: that quote stays unchecked.
                held = self._quoted(base, analysis, chosen, reason=reason)
                if held is None:
                    why = "language: the model's answer was empty or in the wrong language"
                    return replace(base, reason=f"{why}, and no cited sentence states it")
                return held
            citations = [citation(p, sent, self._page_of) for p, sent in chosen]
            quoted = quote_answer(base, [c for c in citations if c.verified])
            return replace(quoted, reason=reason)
        text = join_lines(_without_reading_frame(text))
        listing = analysis.type in ("list", "overview")
        claims_made = split_claims(text, listing)
        results = parts_with_wholes(_once(checker.check_all(claims_made, chosen, base.passages)))
        claims = tuple(_claim(r) for r in results)
        kept = [r for r in results if r.supported]
        if not kept:
            failed = next((r for r in results if not r.supported), None)
            why = f"{failed.check}: {failed.detail}" if failed else "claims: no claim left"
            held = self._quoted(base, analysis, chosen)
            beside = any(r.check in ("subject", "attribute") for r in results) or all(
                r.detail == RESTATES for r in results
            )
            if held is None and beside:
                # The model gave a neighbour's figure, or wrote from a sentence about
                # something else than what was asked, or only asked the question back: a
                # shown sentence that states the question's own subject's, if one passes
                # every check on its own.
                held = self._quoted(base, analysis, _beside(base, chosen))
            if held is None:
                held = self._body(base, analysis, results)
            if held is None:
                held = self._sides_quoted(base, analysis)
            if held is not None:
                return replace(held, claims=(*claims, *held.claims))
            return replace(base, reason=why, claims=claims)
        aside = self._asked_aside(base, analysis, chosen, kept)
        if aside is not None:
            # The model's claims give way to the quote: recorded as dropped, and why.
            why = "its sentence is about something else; a cited one says what was asked"
            claims = tuple(
                _claim(replace(r, supported=False, check="asked", detail=why) if r.supported else r)
                for r in results
            )
            return replace(aside, claims=(*claims, *aside.claims))
        headed = self._under_heading(base, analysis, results)
        if headed is not None:
            return headed  # (its first claim is the model's one, the line)
        if (
            analysis.wants
            and not _asked_by_one_part(analysis)
            and not any(states_form(r.text, analysis.wants, analysis.question) for r in kept)
        ):
            # "How many volunteers?" answered with the universities that recruit them.
            article = "an" if analysis.wants[0] in "aeiou" else "a"
            reason = (
                f"form: the question asks for {article} {analysis.wants} and no claim states one"
            )
            # The model wrote from the wrong sentences (a timeline's row, for how long a
            # patient had been mute): a shown sentence that gives the form asked and passes
            # every claim check on its own is quoted instead.
            quote_why = f"quoted: no claim states {article} {analysis.wants}; a shown sentence does"
            held = self._quoted(base, analysis, chosen, quote_why) or self._quoted(
                base, analysis, _beside(base, chosen), quote_why
            )
            if held is not None:
                return replace(held, claims=(*claims, *held.claims))
            return replace(base, reason=reason, claims=claims)
        if _WANTS_PERSON.search(analysis.question) and not any(
            _names_person(r.text, analysis.question) for r in kept
        ):
            # "创始人是谁？" answered with what the founding team worked on.
            reason = "form: the question asks who holds a role and no claim names a person"
            return replace(base, reason=reason, claims=claims)
        citations = _citations(kept, self._page_of)
        if not citations:
            return replace(base, reason="claims: no citation verified", claims=claims)
        unasked, asked = self._unasked(analysis, citations, base.passages)
        if unasked:
            return replace(base, reason=unasked, claims=claims, asked=asked)
        return replace(
            base,
            answerable=True,
            text=_compose(text, results),
            citations=tuple(citations),
            mode="llm",
            claims=claims,
            asked=asked,
        )

    def _asked_aside(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
        kept: Sequence[ClaimResult],
    ) -> Answer | None:
        """A fact's or a figure's answer as the cited sentence that says what was asked,
        quoted, when the model wrote its claims from a cited sentence that does not. Asked
        around what the software-hardware cloud architecture is centred, the model cited
        the trend's own sentence (云计算向以 CIPU 为中心的…架构) and the next trend's, then
        wrote the next trend's: every word of it stated, none of it asked. The claims'
        sentences must hold less than the least share of the question's terms a quote
        must hold, and the quote at least that share (`_quoted`), from another passage: a
        sentence further on in the passage that says what was asked may answer it while
        naming the subject no more ("此次国葬…在威斯敏斯特教堂…" after "伊丽莎白二世的国葬
        将于19日举行"). None otherwise."""
        if analysis.type not in ("number", "fact"):
            return None
        shares = [r.asked for r in kept if r.asked is not None]
        least = QUOTE_ASKED_SHARE * (ASKED_TRANSLATED if analysis.original else 1.0)
        if not shares or max(shares) >= least:
            return None
        reason = "quoted: the claims' sentences do not say what was asked; a cited one does"
        held = self._quoted(base, analysis, chosen, reason)
        if held is None:
            return None
        claimed = {p.hit.chunk.id for r in kept for p, _s in r.evidence}
        cited = {c.n for c in held.citations}
        quoted = {p.hit.chunk.id for p in base.passages if p.n in cited}
        return None if claimed & quoted else held

    def _cited_elsewhere(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
        why: str,
        text: str = "",
        copied: bool = False,
    ) -> Answer:
        """The model cited passages that cannot hold the answer (they never name the
        question's year, or lack its terms): a shown sentence elsewhere that states it,
        quoted if one passes every claim check on its own — else refused for `why`. With
        the model's `text`, when no sentence is quoted, its answer checked against the
        shown sentence that states it: the model numbered another ("The 2021 NBA draft
        was held on July 29, 2021", citing two headlines, where a third sentence says so
        word for word). A quote comes first: the claim checks do not always tell a
        figure's measure ("规模达到65.4%" is echoed by "规模达到727.2亿元，增长65.4%").
        For passages lacking the question's terms (`copied`), only a sentence the answer
        copies: an answer written from such passages is about something else, whatever
        sentence echoes some of its words (a restated question, then a sentence on
        business decisions, is no prediction on brain-computer interfaces); one copying a
        sentence word for word was read from that sentence, whatever number it gave."""
        held = self._quoted(base, analysis, _beside(base, chosen), f"quoted: {why}")
        if held is not None:
            return held
        if copied and text:
            # An answer each of whose sentences copies a shown sentence word for word was
            # read from those sentences, whatever the model numbered ("JPEG AI旨在…。JPEG
            # AI的主要动机是…", citing two sentences of another passage).
            sources = _copied_sources(text, base.passages)
            if sources and any(e not in chosen for e in sources):
                again = self._check(base, analysis, sources, text)
                if again.answerable:
                    return again
            return replace(base, reason=why)
        echo = self._checker(analysis).echoed(text, base.passages) if text else None
        if echo is not None and echo not in chosen:
            again = self._check(base, analysis, [echo], text)
            if again.answerable:
                return again
        return replace(base, reason=why)

    def _quoted(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
        reason: str = "quoted: no claim of the model's held",
    ) -> Answer | None:
        """A fact's or a figure's answer as the sentence the model cited that states it,
        quoted verbatim, when every claim the model wrote from it was dropped (it gave the
        neighbouring row's figure, or named the wrong subject) — None when no cited
        sentence passes every claim check on its own and holds most of the question's
        terms. The sentence is checked as a claim, so it answers for the question's
        subject, year and attribute as any claim does."""
        if analysis.type not in ("number", "fact") or not chosen:
            return None
        checker = self._checker(analysis)
        best: tuple[float, ClaimResult, tuple[Passage, Sentence], float] | None = None
        for p, sent in chosen:
            if not _gives_form(analysis, sent.text):
                continue
            if _names_a_topic(p, sent):
                # A heading names what its section is about, a caption its chart: they
                # state nothing ("图表 9:…申请量变化(单位:件)").
                continue
            least = _least_quoted_share(analysis, sent.text)
            result = checker.check(sent.text, [(p, sent)], base.passages)
            if not result.supported or result.asked is None or result.asked < least:
                continue
            if best is None or result.asked > best[0]:
                best = (result.asked, result, (p, sent), least)
        if best is None:
            return None
        asked, result, (p, sent), least = best
        # The heading may hold the question's terms where the sentence does not.
        return self._quote_held(
            base,
            analysis,
            [(p, sent, result.score, asked)],
            reason,
            min_share=least,
        )

    def _sides_quoted(self, base: Answer, analysis: QuestionAnalysis) -> Answer | None:
        """A comparison of two or more subjects in one report ("中文开源数据集的占比与英语的
        相比如何？") whose model claims all failed (it cited the chart's caption, which names
        neither): each subject's best sentence (`_side_sentence`) quoted verbatim, together
        held to the share of the question's terms any quote is. None unless every subject
        has one: a comparison states each side, and a side the passages do not state
        leaves it unanswered."""
        if analysis.type != "comparison" or analysis.parts or len(analysis.entities) < 2:
            return None
        held: list[tuple[Passage, Sentence, float, float | None]] = []
        for entity in analysis.entities:
            side = self._side_sentence(base, analysis, entity, base.passages)
            if side is None:
                return None
            p, sent = side
            if all(sent is not h[1] for h in held):
                held.append((p, sent, 1.0, None))
        if len(held) < 2:
            return None  # one sentence naming every side is the model's to have cited
        least = min(_least_quoted_share(analysis, s.text) for _p, s, _c, _a in held)
        reason = "quoted: no claim of the model's held; each subject's sentence compared"
        return self._quote_held(base, analysis, held, reason, min_share=least)

    def _part_quoted(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        chosen: Sequence[tuple[Passage, Sentence]],
    ) -> Answer | None:
        """A comparison's part whose report the model's claims did not answer from (it
        cited another passage of the report, or none): the report's shown sentence that
        states what the part asks, quoted verbatim — held as a fact's quote is, to every
        claim check and to the share of the part's terms (`_quoted`), whatever the part's
        type: a part is one clause, its sentence one statement. None when no sentence
        holds; the part then says the report does not state it."""
        kind = analysis.type if analysis.type in ("number", "fact") else "fact"
        every = [*chosen, *_beside(base, chosen)]
        reason = "quoted: the part's claims did not hold; its report's sentence that states it"
        return self._quoted(base, replace(analysis, type=kind), every, reason)

    def _body(
        self, base: Answer, analysis: QuestionAnalysis, results: Sequence[ClaimResult]
    ) -> Answer | None:
        """The body under the line the model restated, quoted verbatim, when its only
        claims restate the question: the model found the line that speaks of what was
        asked ("低空基础设施可支撑高效安全的空中交通管理", "芯片架构从异构转向超异构。")
        and stopped there. Its body is the sentences under a heading-like line, or the
        one sentence after a statement (`body_after`), each passing every claim check on
        its own, the line and its body holding what was asked (`_unasked`) — None when
        the line heads nothing (a heading with no body) or its body fails a check."""
        checker = self._checker(analysis)
        best: Answer | None = None
        for result in results:
            if result.check != "content" or result.detail != RESTATES:
                continue
            # Of the lines it may restate, the one whose quotes and passage state most of
            # what was asked ("电推进系统下一步发展的方向是更高效、更轻量、更安全。" and its
            # "具体包括…", not a chart's title over a sentence on something else).
            for p, line in checker.echoes(result.text, base.passages):
                held = self._line_and_body(
                    base,
                    analysis,
                    (p, line, 1.0, None),
                    "quoted: the model restated the question; the line it restated and its body",
                )
                if held is not None and (best is None or _asked_share(held) > _asked_share(best)):
                    best = held
        return best

    def _under_heading(
        self, base: Answer, analysis: QuestionAnalysis, results: Sequence[ClaimResult]
    ) -> Answer | None:
        """An answer that is one heading line it cites, stating no figure ("多家厂商完成
        全尺寸eVTOL的飞行测试", asked which makers): the model found the section on what was
        asked and stopped at its title, which names the topic and states nothing of it. The
        line and its body (`body_after`) are quoted verbatim, every body sentence passing
        every claim check on its own — None when the line heads nothing, its body fails a
        check, or the answer says more than the line (the model's answer then stands)."""
        if len(results) != 1 or not results[0].supported or len(results[0].evidence) != 1:
            return None
        result = results[0]
        ((p, line),) = result.evidence
        if not _names_a_topic(p, line):
            return None
        if fold(result.text.rstrip(CLAIM_STOPS)) != fold(line.text.rstrip(CLAIM_STOPS)):
            return None
        return self._line_and_body(
            base,
            analysis,
            (p, line, result.score, result.asked),
            "quoted: the model answered with a heading; the heading and its body",
            whole=True,
        )

    def _line_and_body(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        line: tuple[Passage, Sentence, float, float | None],
        reason: str,
        *,
        whole: bool = False,
    ) -> Answer | None:
        """A line (with its content score and asked share) and its body (`body_after`),
        quoted verbatim: the body's sentences that pass every claim check on their own —
        with `whole`, only when all of them do — giving the question's form. None when
        no body is left or the quotes do not hold (`_quote_held`)."""
        p, sentence, _score, _asked = line
        checker = self._checker(analysis)
        checked = [
            (s, checker.check(s.text, [(p, s)], base.passages))
            for s in body_after(p, sentence, BODY_SENTENCES)
        ]
        if whole and not all(r.supported for _s, r in checked):
            return None
        body = [(s, r) for s, r in checked if r.supported]
        if not body or not _gives_form(analysis, " ".join(s.text for s, _r in body)):
            return None
        return self._quote_held(
            base, analysis, [line, *((p, s, r.score, None) for s, r in body)], reason
        )

    def _quote_held(
        self,
        base: Answer,
        analysis: QuestionAnalysis,
        held: Sequence[tuple[Passage, Sentence, float, float | None]],
        reason: str,
        min_share: float = 0.0,
    ) -> Answer | None:
        """Sentences that passed every claim check on their own (with their content
        score and asked share), quoted verbatim as the answer — None unless every quote
        verifies and together they state what was asked (`_unasked`, and at least
        `min_share` of the question's terms in the sentences themselves)."""
        cited = [citation(p, sent, self._page_of) for p, sent, _score, _asked in held]
        if not all(c.verified for c in cited):
            return None
        unasked, shares = self._unasked(analysis, cited, base.passages)
        if unasked:
            return None
        if shares is not None and shares[0] < min_share:
            # A question asking two things ("…哪一年…首次提到X？这件事有什么意义？") is
            # answered by a sentence holding most of one sub-question's terms (as the
            # reader asked it: a translation may write one question as two).
            asked_two = len(sub_questions(analysis.asked)) > 1
            parts = [replace(analysis, question=q) for q in sub_questions(analysis.question)]
            parts = parts if asked_two else []
            each = [self._unasked(part, cited, base.passages)[1] for part in parts]
            if not any(s is not None and s[0] >= min_share for s in each):
                return None
        claims = tuple(
            Claim(
                c.quote,
                (c.n,),
                True,
                "",
                round(score, 3),
                asked=None if asked is None else round(asked, 3),
            )
            for c, (_p, _s, score, asked) in zip(cited, held, strict=True)
        )
        return replace(quote_answer(base, cited), claims=claims, asked=shares, reason=reason)

    def _unasked(
        self,
        analysis: QuestionAnalysis,
        citations: Sequence[Citation],
        passages: Sequence[Passage],
    ) -> tuple[str, tuple[float, float] | None]:
        """Why the cited sentences do not state what was asked ('' when they may), and the
        share of the question's terms in them and in their passages (None: not checked)."""
        cited = {c.n for c in citations}
        scale = 1.0
        if detect_language(analysis.question) == "zh":
            # A translated question's words are the model's guesses, as its terms are. The
            # name of the report it was searched in says where to look, not what a sentence
            # there must say ("白皮书如何评价RLHF？" is answered by a sentence on RLHF).
            probe = without_answer_slot(self.reports.without(analysis.question, analysis.docs))
            scale = ASKED_TRANSLATED if analysis.original else 1.0
        elif detect_language(" ".join(c.quote for c in citations)) == "zh":
            probe, scale = " ".join(analysis.terms_zh), ASKED_TRANSLATED
        else:
            return "", None  # English over English: its words are not looked up (`support`)
        if not probe:
            return "", None  # an English question whose Chinese terms are unknown
        bm25 = self.searcher.bm25
        # A region the question names by its provinces is written as one (京津冀).
        region = regions(analysis.question)
        quotes = [with_members(c.quote, region) for c in citations]
        in_sentences = passage_support(probe, quotes, bm25.idf, bm25.max_idf).coverage
        context = [
            with_members(chunk_context(p.hit.chunk, self.meta_text), region)
            for p in passages
            if p.n in cited
        ]
        found = passage_support(probe, context, bm25.idf, bm25.max_idf)
        measures = (round(in_sentences, 3), round(found.coverage, 3))
        if in_sentences >= scale * ASKED_SENTENCES or found.coverage >= scale * ASKED_PASSAGES:
            return "", measures
        return (
            "asked: the cited sentences do not state what was asked (missing "
            f"{', '.join(found.missing_terms[:5])}; the question's terms in the sentences "
            f"{in_sentences:.2f}, in their passages {found.coverage:.2f})"
        ), measures

    def _fit(
        self,
        question: str,
        passages: tuple[Passage, ...],
        language: str,
        kind: str,
        max_tokens: int,
    ) -> tuple[tuple[Passage, ...], bool]:
        """Drop trailing sentences until the prompt fits; also say whether any were dropped."""
        assert self.generator is not None
        budget = self.generator.context_length - max_tokens - 16
        trimmed = list(passages)
        while True:
            messages = prompts.answer_prompt(question, trimmed, language, kind)
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

    # ------------------------------------------------------------------ translated back

    def _shown(self, answer: Answer, analysis: QuestionAnalysis, run: _Run) -> Answer:
        """An answer checked in its passages' language, shown in the question's: each kept
        claim translated (one call), and kept only if its translation states its figures
        and means what it does; citations are those of the claims still shown."""
        language = analysis.shown_in
        refused = replace(
            answer,
            answerable=False,
            text=REFUSAL[language],
            citations=(),
            mode="refused",
            language=language,
        )
        if not answer.answerable:
            return refused
        kept = [c for c in answer.claims if c.supported and not written_in(c.text, language)]
        if answer.mode != "llm":
            # Quoted sentences are shown translated, each held to its quote as a claim's
            # translation is; the verbatim quotes stay in the citations.
            quoted = replace(answer, language=language)
            return self._quotes_translated(quoted, analysis.asked, run)
        if not kept:  # written straight in the question's language, checked across
            return replace(answer, language=language)
        asked = analysis.asked
        statements = [c.text for c in kept]
        sources = answer.passages
        texts = self._translate_claims(statements, language, run, asked, sources=sources)
        if texts is None and len(kept) > 1:
            # One unreadable reply (a list translated past its budget) loses no claim it
            # did not have to: each is asked alone, and one still unreadable is dropped.
            each = [
                self._translate_claims([t], language, run, asked, sources=sources)
                for t in statements
            ]
            texts = [t[0] if t else "" for t in each]
        if texts is None:
            reason = "translation: the translation of the checked answer was unreadable"
            return replace(refused, reason=reason)
        tidied = [
            _tidied(names.latin_kept(t, c.text), c.text, analysis)
            for c, t in zip(kept, texts, strict=True)
        ]
        texts = self._without_chinese(kept, tidied, language, analysis, run)
        fidelity, rival = self._closeness(texts, statements)
        lines: list[str] = texts

        # A list item naming a district without its suffix (福田) is held to the district's
        # pinyin as its cited sentence writes it (福田区): "Fengtai" had passed for it.
        cited_text: dict[int, str] = {}
        for c in answer.citations:
            cited_text[c.n] = f"{cited_text.get(c.n, '')} {c.quote}"
        placed = [_as_placed(c, cited_text) for c in kept]

        def fault_of(i: int) -> str:
            framing = _framing(analysis.asked, answer.passages, kept[i].citations)
            fault = self._fault(placed[i], lines[i], language, fidelity[i], framing)
            if not fault and rival[i] > fidelity[i] and not _spelled_place(placed[i], lines[i]):
                # A list's translation slipped onto its neighbour's statement (the second
                # layer's challenge written as the first's again) can pass the bar for its
                # own: it must mean its own statement more than any other.
                fault = "the translation is closer to another checked claim than to its own"
            return fault

        # A list's translations can slip by one (one statement written as two), and a
        # small model drops a figure ("48 SG2042 chips" for 48颗SG2042 64核芯片): each
        # statement whose translation fails is asked again alone, with its figures named.
        # (A lone statement without figures would only be asked the same again.)
        # One that names a publisher its statement does not is asked again without the
        # question, whose words it borrowed.
        faulty = [
            i
            for i in range(len(kept))
            if fault_of(i)
            and (
                len(kept) > 1
                or _figures_of(kept[i], language)
                or self._publisher_fault(kept[i].text, lines[i])
                or _place_fault(placed[i], lines[i])
            )
        ]
        if faulty:
            for i in faulty:
                lent = "" if self._publisher_fault(kept[i].text, lines[i]) else asked
                again = self._translate_claims(
                    [kept[i].text],
                    language,
                    run,
                    lent,
                    keep=_figures_of(kept[i], language),
                    names=_places_of(placed[i], language),
                    sources=sources,
                )
                if again:
                    lines[i] = _tidied(again[0], kept[i].text, analysis)
            redo = [kept[i] for i in faulty]
            redone = self._without_chinese(
                redo, [lines[i] for i in faulty], language, analysis, run
            )
            redone_fidelity, redone_rival = self._closeness(redone, statements, faulty)
            for n, i in enumerate(faulty):
                lines[i], fidelity[i], rival[i] = redone[n], redone_fidelity[n], redone_rival[n]
        if language == "en":
            for i in range(len(kept)):
                if not fault_of(i) and names.left_out(kept[i].text, lines[i]):
                    named = self._named_again(kept[i], answer, analysis, run)
                    if named is not None:
                        lines[i], fidelity[i] = named
                        rival[i] = self._closeness([lines[i]], statements, [i])[1][0]
        translated: dict[int, Claim] = {}
        within: set[int] = set()  # claims another's translation says too
        for i, (claim, text) in enumerate(zip(kept, lines, strict=True)):
            checked, citations, cosine = claim.text, claim.citations, fidelity[i]
            fault = fault_of(i)
            merged = self._merged(kept, i, text, language) if fault else None
            if merged is not None:
                checked, citations, cosine, j = merged
                within.add(j)
                fault = ""
            translated[id(claim)] = replace(
                claim,
                text=text,
                checked_as=checked,
                fidelity=round(cosine, 3),
                supported=not fault,
                citations=() if fault else citations,
                reason=f"translation: {fault}" if fault else "",
            )
        for j in within:
            # Said once, where the translation joined it to its neighbour.
            claim = translated[id(kept[j])]
            if claim.supported and claim.checked_as == kept[j].text:
                said = "translation: the translation of the claim beside it says it"
                translated[id(kept[j])] = replace(claim, supported=False, citations=(), reason=said)
        claims = tuple(translated.get(id(c), c) for c in answer.claims)
        shown = [c for c in claims if c.supported]
        if not shown:
            failed = next(c for c in claims if c.checked_as)
            return replace(refused, reason=failed.reason, claims=claims)
        cited = {n for c in shown for n in c.citations}
        listed = analysis.type in ("list", "overview") or "\n" in answer.text
        return replace(
            answer,
            language=language,
            text=_compose_shown(shown, listed),
            citations=tuple(c for c in answer.citations if c.n in cited),
            claims=claims,
        )

    def _fault(
        self, checked: str, text: str, language: str, cosine: float, framing: str = ""
    ) -> str:
        """Why `text`, a translation of `checked`, may not be shown ('' when it may): its
        figures, language and meaning (`_translation_fault`), or a publisher it names."""
        if _spelled_place(checked, text):
            cosine = 1.0  # a bare place name's pinyin means it, whatever the embedder says
        fault = _translation_fault(checked, text, language, cosine, framing)
        return fault or self._publisher_fault(checked, text) or _place_fault(checked, text)

    def _publisher_fault(self, statement: str, translation: str) -> str:
        """Why an English translation may not stand for `statement`: it names a publisher
        the statement does not ('' when it names none)."""
        if detect_language(translation) != "en":
            return ""
        added = self.reports.publisher_added(statement, translation)
        return f"the translation names {added}, which the checked claim does not" if added else ""

    def _named_again(
        self, claim: Claim, answer: Answer, analysis: QuestionAnalysis, run: _Run
    ) -> tuple[str, float] | None:
        """A claim's English translation asked again alone with its Latin names named, the
        first having left one out ("Quantum computers have reached 1121 qubits" for IBM's
        Condor): with its cosine, or None unless it writes them and passes every check
        (the first translation then stays; a lost name alone drops no claim)."""
        again = self._translate_claims(
            [claim.text],
            "en",
            run,
            analysis.asked,
            keep=_figures_of(claim, "en"),
            names=names.latin_words(claim.text),
            sources=answer.passages,
        )
        if not again:
            return None
        text = _tidied(again[0], claim.text, analysis)
        (cosine,) = self._fidelity([text], [claim])
        framing = _framing(analysis.asked, answer.passages, claim.citations)
        if _translation_fault(claim.text, text, "en", cosine, framing):
            return None
        if _chinese_left(text) or names.left_out(claim.text, text):
            return None
        return text, cosine

    def _closeness(
        self, texts: Sequence[str], statements: Sequence[str], own: Sequence[int] = ()
    ) -> tuple[list[float], list[float]]:
        """How close each translation is in meaning to its own statement (`own[i]`, by
        default the i-th), and to the closest other statement (-1.0 when there is none),
        in one embedding call."""
        own = list(own) or list(range(len(texts)))
        if self.searcher.embedder is None or not texts:
            return [1.0] * len(texts), [-1.0] * len(texts)
        cosines = self._similarity(list(texts), list(statements))
        fidelity = [row[own[i]] for i, row in enumerate(cosines)]
        rival = [
            max((c for j, c in enumerate(row) if j != own[i]), default=-1.0)
            for i, row in enumerate(cosines)
        ]
        return fidelity, rival

    def _fidelity(self, texts: Sequence[str], claims: Sequence[Claim]) -> list[float]:
        """How close each translation is in meaning to its claim."""
        return self._paired(texts, [c.text for c in claims])

    def _paired(self, texts: Sequence[str], originals: Sequence[str]) -> list[float]:
        """How close each translation is in meaning to its original, in one embedding
        call (1.0 for each when there is nothing to compare meanings with)."""
        return self._closeness(texts, originals)[0]

    def _merged(
        self, kept: Sequence[Claim], i: int, text: str, language: str
    ) -> tuple[str, tuple[int, ...], float, int] | None:
        """A translation that wrote the next (or previous) checked claim into this one
        ("…70 billion parameters, with a context length of 4096" for two claims): shown
        when it is a faithful translation of the two together, citing both (and the other
        claim, `j` of the result, is then not shown again on its own)."""
        for j in (i + 1, i - 1):
            if not 0 <= j < len(kept):
                continue
            first, second = sorted((i, j))
            checked = f"{kept[first].text}{kept[second].text}"
            if not text.strip() or detect_language(text) != language:
                continue
            if unsupported_numbers(text, checked) or dropped_numbers(kept[i].text, text):
                continue
            if self._publisher_fault(checked, text) or _place_fault(checked, text):
                continue
            # Embedded only once the cheap checks pass: the one costly step.
            cosine = self._similarity([text], [checked])[0][0]
            if self.searcher.embedder is not None and cosine < TRANSLATION_SIMILARITY:
                continue
            citations = tuple(sorted({*kept[i].citations, *kept[j].citations}))
            return checked, citations, cosine, j
        return None

    def _without_chinese(
        self,
        kept: Sequence[Claim],
        texts: list[str],
        language: str,
        analysis: QuestionAnalysis,
        run: _Run,
    ) -> list[str]:
        """English translations that left Chinese words in their text ("in Chinese乘用车"),
        from a backend that does not hold its reply to the Latin-only grammar: those
        statements translated again on their own; a retranslation that is empty or changes
        a figure is not used."""
        if language != "en":
            return texts
        residue = [i for i, t in enumerate(texts) if _chinese_left(t)]
        if not residue:
            return texts
        again = self._translate_claims(
            [kept[i].text for i in residue], language, run, analysis.asked
        )
        if again is None:
            return texts
        out = list(texts)
        for i, text in zip(residue, again, strict=True):
            text = _tidied(text, kept[i].text, analysis)
            figures_kept = not unsupported_numbers(kept[i].text, text)
            if text.strip() and figures_kept and not unsupported_numbers(text, kept[i].text):
                out[i] = text
        return out

    def _quotes_translated(self, answer: Answer, question: str, run: _Run) -> Answer:
        """Quotes in another language than the question's, shown translated: each
        translation held to its quote's figures and meaning as a claim's is, the verbatim
        quotes kept in the citations. A quote whose translation fails is asked again alone,
        its figures named as the translation must write them (a small model gives 263.6亿
        as "263.6 billion"), as a claim's is. Any translation that still fails leaves all
        verbatim."""
        quotes = [c.quote for c in answer.citations]
        language = answer.language
        if not quotes or all(written_in(q, language) for q in quotes):
            return answer
        texts = self._translate_claims(quotes, language, run, question, sources=answer.passages)
        if texts is None:
            return answer
        texts = [" ".join(t.split()) for t in texts]
        if language == "en":
            texts = [figures_in_digits(t) for t in texts]
        cosines = self._paired(texts, quotes)
        for i, quote in enumerate(quotes):
            if not self._fault(quote, texts[i], language, cosines[i]):
                continue
            figures = _figures_in(quote, language)
            borrowed = self._publisher_fault(quote, texts[i])
            places = _places_of(quote, language)
            # Asked alone, a quote is not mistaken for its neighbour (a list of ；-parts
            # translated with the third given the first's translation).
            again = self._translate_claims(
                [quote],
                language,
                run,
                "" if borrowed else question,
                figures,
                places,
                sources=answer.passages,
            )
            if not again:
                return answer
            texts[i] = " ".join(again[0].split())
            (cosine,) = self._paired([texts[i]], [quote])
            if self._fault(quote, texts[i], language, cosine):
                return answer
        return quote_answer(answer, answer.citations, texts)

    def _translate_claims(
        self,
        statements: Sequence[str],
        language: str,
        run: _Run,
        question: str,
        keep: Sequence[str] = (),
        names: Sequence[str] = (),
        sources: Sequence[Passage] = (),
    ) -> list[str] | None:
        """One translation per statement, or None when the reply is unusable (also when
        it is still cut after the larger budget `_complete` retries with). `question`, in
        `language`, lends the translation its words for what it names; `sources`, the
        passages the statements come from, their own English for a term a statement names
        (信息-物理-社群系统(Cyber-Physical-Social System, CPSS))."""
        assert self.generator is not None
        if detect_language(question) != language:
            question = ""  # a pivoted question's working text names things otherwise
        own = []
        if language == "en":
            own = glossary(statements, (p.hit.chunk.text for p in sources))
            glossed = {term for term, _english in own}
            own += [(p, e) for p, e in place_glossary(statements) if p not in glossed]
        messages = prompts.translate_prompt(statements, language, question, keep, names, own)
        prompt = sum(self.generator.count_tokens(m.content) + 8 for m in messages)
        room = self.generator.context_length - prompt - 16
        # English takes about three tokens for each of a Chinese statement's.
        budget = 32 + sum(3 * self.generator.count_tokens(s) + 8 for s in statements)
        # English is asked for in Latin script from the first request: left free, the
        # default model kept a Chinese word ("grid潮流") in 9 of the 72 English questions'
        # translations on dev and dev2, each asked again whole. Greedy decoding under the
        # grammar writes what the free reply would have up to its first Chinese
        # character or quotation mark.
        schema = prompts.translate_schema(len(statements), latin_only=language == "en")
        result, cut = self._complete(
            messages, schema, max(16, min(budget, room)), run, key="translate_answer_s"
        )
        if cut:
            return None
        got = parse_json(result.text).get("translations")
        if not isinstance(got, list) or len(got) != len(statements):
            return None
        if language != "en":
            return [str(t) for t in got]
        return [_without_added_years(str(t), s) for t, s in zip(got, statements, strict=True)]

    # ------------------------------------------------------------------ comparisons

    def _compare(
        self, analysis: QuestionAnalysis, opts: AskOptions, on_token: OnToken | None, run: _Run
    ) -> Answer:
        """One retrieval and one checked answer per named report, shown side by side."""
        clauses = sub_questions(analysis.question)
        lead = topic_lead(analysis.question)
        if lead and not self.reports.named(lead):
            # "关于美国对华半导体出口管制：…？未尽研究称BIS多久审核一次？": the topic set out
            # first is every sub-question's.
            clauses = [c if c.startswith(lead) else lead + c for c in clauses]
        clauses = with_subjects(standalone(clauses, self.reports), self.reports)
        answers: list[tuple[str, Answer]] = []
        first_n = first_id = 1
        part_opts = replace(opts, k=max(opts.k, PART_K))
        for group in analysis.parts:
            label = self.reports.label(group, analysis.shown_in or analysis.language)
            others = [d for g in analysis.parts if g != group for d in g]
            clause = _clause_for(clauses, group, self.reports)
            sub = clause or self.reports.without(analysis.question, others)
            sub_analysis = replace(
                analysis, question=sub, type=question_type(sub), docs=group, parts=()
            )
            if clause:
                # A report's own sub-question asks about its own subjects and figures:
                # the other sub-question's year is not this one's.
                own = analyze(clause, self.reports, analysis.language, group)
                sub_analysis = replace(
                    sub_analysis,
                    entities=own.entities,
                    sources=own.sources,
                    figures=own.figures,
                    count=own.count,
                    wants=own.wants,
                )
            # What a report says on the topic answers a part asking how it presents,
            # views or judges it: the model's yes/no on "the thing asked" is not asked.
            own_opts = replace(part_opts, confirm=False) if _VIEW_ASKED.search(sub) else part_opts
            answer = self._answer(
                sub_analysis, sub, group, own_opts, on_token, run, first_n, first_id, label
            )
            shown_in = analysis.shown_in or analysis.language
            answers.append((self.reports.heading(group, shown_in), answer))
            first_n += len(answer.passages)
            first_id += sum(len(p.sentences) for p in answer.passages)
        language = analysis.shown_in or analysis.language
        question = analysis.asked
        return _merge_parts(language, answers, self._refused(question, language, ()))

    # ------------------------------------------------------------------ every part

    def _every_part(
        self,
        analysis: QuestionAnalysis,
        answer: Answer,
        docs: Sequence[str],
        opts: AskOptions,
        run: _Run,
    ) -> Answer:
        """A question asking several things ("有多少家…，新立项情况如何？") whose checked
        answer states some of them: each part it leaves unstated asked on its own, from
        its own retrieval beside the passages already read and with the whole question as
        context, its checked claims added after the answer's. A part still unstated stays
        so: the answer says what the corpus says."""
        if not answer.answerable:
            return answer
        parts = standalone(asked_parts(analysis.question), self.reports)
        missing = _unanswered_parts(parts, self._stated_shares(parts, answer))
        if not missing:
            return answer
        started = time.perf_counter()
        # "它" asking of what the part before asked to be named is the name the answer
        # gave it ("哪个…计算机开始建设，它使用了哪些关键技术？" answered with JUPITER).
        stated = " ".join(c.checked_as or c.text for c in answer.claims if c.supported)
        for part in missing:
            at = parts.index(part)
            if at:
                part = named_by_answer(part, parts[at - 1], stated)
            answer = self._add_part(analysis, part, answer, docs, opts, run)
        run.add("parts_s", time.perf_counter() - started)
        return answer

    def _stated_shares(self, parts: Sequence[str], answer: Answer) -> list[float | None]:
        """For each part of a question, the share of the words that part alone asks with
        (those the corpus uses, idf-weighted) that the kept claims hold — in a claim's own
        words, or in the sentence it was checked against when it is translated. None for
        a part without such words; none at all for a question of one part."""
        if len(parts) < 2:
            return [None] * len(parts)
        kept = [c for c in answer.claims if c.supported]
        language = detect_language(parts[0])
        texts = [
            c.text if detect_language(c.text) == language or not c.checked_as else c.checked_as
            for c in kept
        ]
        said = fold(" ".join(texts))
        bm25 = self.searcher.bm25
        terms = [set(key_terms(self.reports.strip(p))) for p in parts]
        out: list[float | None] = []
        for i in range(len(parts)):
            others = set().union(*(t for j, t in enumerate(terms) if j != i))
            # Only words the corpus uses: one it never writes ("变化") no sentence states.
            weights = {t: bm25.idf[t] for t in terms[i] - others if t in bm25.idf}
            total = sum(weights.values())
            stated = sum(w for t, w in weights.items() if fold(t) in said)
            out.append(stated / total if total else None)
            # A part asking for a figure ("它的起价是多少？") that no kept claim gives is
            # unstated, whatever words of it the claims hold (or the corpus lacks).
            form = wanted_form(parts[i])
            if form in _FIGURE_FORMS and not any(states_form(t, form, parts[i]) for t in texts):
                out[i] = 0.0
        return out

    def _add_part(
        self,
        analysis: QuestionAnalysis,
        part: str,
        answer: Answer,
        docs: Sequence[str],
        opts: AskOptions,
        run: _Run,
    ) -> Answer:
        """`answer` with the checked answer to one more `part` of its question, or as it is
        when the corpus does not state that part either."""
        own = analyze(part, self.reports, analysis.language, tuple(docs))
        kind = own.type if own.type not in ("comparison", "overview") else "fact"
        # Its subject: what it names — with the notion the whole asks to define, which a
        # part pointing back at it ("它与…有什么关系？") is about — else the whole's.
        defined = [t for t in defined_terms(analysis.question) if t in part]
        sub = replace(
            analysis,
            question=part,
            type=kind,
            entities=(*own.entities, *defined) or analysis.entities,
            sources=own.sources,
            figures=own.figures,
            count=own.count,
            wants=own.wants,
            defines=own.defines,
            terms_zh=(),
            whole=analysis.question,
            stated=" ".join(c.checked_as or c.text for c in answer.claims if c.supported),
        )
        context = [e for e in analysis.entities if fold(e) not in fold(part)]
        query = " ".join([*context, part])
        hits = self._retrieve(sub, query, docs, opts.k, run)
        if self._gate(replace(sub, question=analysis.question), hits, bool(docs) and not opts.docs):
            return answer  # (gated as the whole question is: the part alone names little)
        read = {p.hit.chunk.id for p in answer.passages}
        fresh = [h for h in self._evidence(sub, hits) if h.chunk.id not in read]
        first_n = max((p.n for p in answer.passages), default=0) + 1
        first_id = max((s.id for p in answer.passages for s in p.sentences), default=0) + 1
        fresh_passages = number_passages(
            fresh, first_n, first_id, header_of=self.shelf.table_header
        )
        passages = (*answer.passages, *fresh_passages)
        base = self._refused(part, analysis.language, passages)
        added = self._generate(base, sub, part, passages, opts, None, run)
        if added.mode != "llm" and not (added.reason.startswith("quoted:") and opts.confirm):
            # Quoting the best-matching sentences is a whole answer's fallback: one that
            # shares a word with a terse part ("新立项情况如何？") states nothing about it. A
            # fact's or figure's sentence that passed every claim check as the part's
            # answer, and was confirmed as answering that part, does.
            return answer
        if added.answerable and sub.shown_in:
            added = self._shown(added, sub, run)
        known = {(c.n, c.start) for c in answer.citations}
        new = [c for c in added.citations if (c.n, c.start) not in known]
        # A part may be stated by a sentence the answer cites already ("多旋翼构型为
        # 30-40km" beside the tilt-rotor's 250km): its claims are new, not its citation.
        said = fold(MARKER.sub("", answer.text))
        stated = [
            c for c in added.claims if c.supported and fold(MARKER.sub("", c.text)) not in said
        ]
        if not added.answerable or not (new or stated):
            return answer
        listed = any(_listed(t) for t in (answer.text, added.text))
        return replace(
            answer,
            text=f"{answer.text}\n{added.text}" if listed else _run_on(answer, added.text),
            citations=(*answer.citations, *new),
            passages=added.passages,
            claims=(*answer.claims, *added.claims),
            mode=answer.mode if added.mode == answer.mode else "extractive",
            warnings=(*answer.warnings, *(w for w in added.warnings if w not in answer.warnings)),
        )

    # ------------------------------------------------------------------ extractive

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
            return replace(base, reason="terms: no sentence shares the question's terms")
        citations = [citation(p, s, self._page_of) for p, s in chosen]
        return replace(quote_answer(base, citations), mode="extractive", reason="")


# ---------------------------------------------------------------------- helpers


# A question asking who holds a role: "创始人是谁", "谁是神舟十四号的指令长", "who founded
# …", "who is the CEO of …". Its answer names a person.
_WANTS_PERSON = re.compile(
    r"[\u4e00-\u9fff]{1,4}(?:人|者|长|编|官)(?:是|为)谁|"
    r"谁(?:是|担任)[^？?，,]{0,16}(?:人|者|长|编|官)[？?]?$|"
    r"\bwho (?:founded|co-founded|invented|wrote|edited|edits|leads|led|heads|headed)\b|"
    r"\bwho (?:is|was) the (?:\w+ ){0,2}(?:founder|author|inventor|ceo|head|chair\w*|"
    r"president|director|leader|commander|editor(?:-in-chief)?)\b",
    re.IGNORECASE,
)


_TWO_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+[A-Z][a-z]+\b")


def _names_person(text: str, question: str) -> bool:
    """Whether a claim names a person the question does not: a name tagged as a person's
    in Chinese text (杨植麟, 马斯克); in English, two capitalised words at least (Jennifer
    Doudna) — the tagger knows no English names."""
    asked = fold(question)
    if han_share(text) > 0:
        return any(kind == "person" and fold(word) not in asked for word, kind in names_in(text))
    return any(
        fold(m.group(0)) not in asked
        and not all(w.lower() in ROLE_WORDS for w in m.group(0).replace(".", " ").split())
        for m in _TWO_CAPITALISED.finditer(text)
    )


def _least_quoted_share(analysis: QuestionAnalysis, text: str) -> float:
    """The share of the question's terms a sentence quoted as the answer must hold. A
    translated question's words are the model's guesses: held to the same fraction of a
    native one's as everywhere else — for a sentence that names the question's years and
    one of its subjects."""
    if analysis.original and _names_all(analysis, text):
        return QUOTE_ASKED_SHARE * ASKED_TRANSLATED
    return QUOTE_ASKED_SHARE


def _names_all(analysis: QuestionAnalysis, text: str) -> bool:
    """Whether `text` states each year the question names and names one of its other
    subjects at least (a name may be written otherwise: NVIDIA, 英伟达)."""
    folded = with_members(fold(text), regions(analysis.question))

    def named(entity: str) -> bool:
        return any(fold(f) in folded for f in (entity, *analysis.entities_zh.get(entity, ())))

    years = [e for e in analysis.entities if _YEAR.fullmatch(e)]
    others = [e for e in analysis.entities if e not in years]
    return all(map(named, years)) and any(map(named, others))


def _unanswered_parts(parts: Sequence[str], shares: Sequence[float | None]) -> list[str]:
    """The parts of a question its answer leaves unstated, given the share of each part's
    own words the answer holds (None: a part without such words, which cannot tell):
    those below `PART_STATED`. When that is every part, the answer's words are not the
    question's (a paraphrase) and asking each again would ask the same question — but a
    part none of whose words it holds, beside one whose words it partly holds, is still
    unasked: the answer speaks to the other one."""
    missing = [p for p, s in zip(parts, shares, strict=True) if s is not None and s < PART_STATED]
    if len(missing) < len(parts):
        return missing
    if not any(shares):
        return []
    return [p for p, s in zip(parts, shares, strict=True) if s == 0]


def _asked_by_one_part(analysis: QuestionAnalysis) -> bool:
    """Whether the form a question wants is what only some of its parts ask ("…是怎么判
    的？哪家法院、什么时候判的？"): an answer without it leaves that part unstated, which is
    then asked on its own — not an answer of the wrong form."""
    parts = asked_parts(analysis.question)
    return len(parts) > 1 and any(not wanted_form(p) for p in parts)


def _is_part(passages: Sequence[Passage]) -> bool:
    """Whether `passages` are a comparison's part's: labelled with their report."""
    return any(p.for_part for p in passages)


def _shown_language(answer: Answer) -> str:
    """The language of the passages shown for an answer, read together."""
    return detect_language(" ".join(p.hit.chunk.text for p in answer.passages))


def _beside(
    answer: Answer, chosen: Sequence[tuple[Passage, Sentence]]
) -> list[tuple[Passage, Sentence]]:
    """The shown sentences the model did not cite."""
    ids = {s.id for _p, s in chosen}
    return [(p, s) for p in answer.passages for s in p.sentences if s.id not in ids]


def _once(results: Sequence[ClaimResult]) -> list[ClaimResult]:
    """Each kept claim shown once: a model caught in a loop writes the same claim over and
    over until its budget ends; a repeat adds nothing and is cut."""
    seen: set[str] = set()
    out = []
    for r in results:
        key = re.sub(r"[\W_]+", "", fold(r.text))
        if r.supported and key in seen:
            r = replace(r, supported=False, check="repeat", detail="it repeats an earlier claim")
        elif r.supported:
            seen.add(key)
        out.append(r)
    return out


def _claim(result: ClaimResult) -> Claim:
    ns = tuple(sorted({p.n for p, _s in result.evidence}))
    reason = f"{result.check}: {result.detail}" if result.check else ""
    return Claim(
        result.text,
        ns if result.supported else (),
        result.supported,
        reason,
        round(result.score, 3),
        asked=None if result.asked is None else round(result.asked, 3),
    )


def _citations(
    kept: Sequence[ClaimResult], page_of: Callable[[str, int], int | None]
) -> list[Citation]:
    out: list[Citation] = []
    seen: set[tuple[int, int]] = set()
    for result in kept:
        for p, s in result.evidence:
            if (p.n, s.id) in seen:
                continue
            seen.add((p.n, s.id))
            c = citation(p, s, page_of)
            if c.verified:
                out.append(c)
    return sorted(out, key=lambda c: (c.n, c.start))


# A table's unit line: the unit its figures are in ("单位:千个", "单位：万元").
_UNIT_WORDS = re.compile(r"单位\s*[:：]\s*([\u4e00-\u9fff]{1,4})")


def _cell_in_full(core: str, quotes: Sequence[str], passages: Sequence[Passage]) -> str:
    """A bare figure citing a table's row, as the cell it is: the row's label, the
    column's name and the figure, in the unit the table's title declares ("75.9" as
    "PyTorch 星星数 75.9千个"); `core` itself when it is no one cell of a cited row."""
    if not re.fullmatch(r"[\d.,%\s]+", core):
        return core
    for passage in passages:
        rows = row_cells(passage.sentences, passage.table_header)
        for sentence in passage.sentences:
            if sentence.text not in quotes or sentence.id not in rows:
                continue
            label, cells = rows[sentence.id]
            named = [h for h, v in cells if v == core.strip()]
            if len(named) != 1:
                continue
            units = _UNIT_WORDS.findall(text_above(passage, sentence))
            unit = units[-1] if units and not re.search(r"[%％]", core) else ""
            return f"{label} {column_name(named[0])} {core.strip()}{unit}"
    return core


def _joined_chunks(first: Chunk, second: Chunk) -> Chunk | None:
    """One passage of two overlapping or adjacent passages of a document, `second`
    starting inside or right after `first`; None when their texts do not agree where
    they overlap (the passage text is the document's, at the offsets each gives)."""
    a, b = first.location, second.location
    if a.doc != b.doc or not a.start <= b.start <= a.end:
        return None
    shared = a.end - b.start
    if shared > len(second.text) or first.text[len(first.text) - shared :] != second.text[:shared]:
        return None
    return replace(
        first,
        text=first.text + second.text[shared:],
        location=replace(a, end=b.end, line_end=b.line_end),
    )


def _in_full(answer: Answer, sentences: bool = False) -> Answer:
    """Each bare supported claim (a figure, a name) as the words of the sentence it cites
    around it, in the answer's text too — and with `sentences` (a fact or a figure asked
    for), any claim as the short sentence it cites (`sentence_in_full`)."""
    text, cursor, claims = answer.text, 0, []
    cores = [fold(c.text.strip().rstrip(CLAIM_STOPS)) for c in answer.claims if c.supported]
    for claim in answer.claims:
        core = claim.text.strip().rstrip(CLAIM_STOPS)
        at = text.find(core, cursor) if claim.supported and core else -1
        if at >= 0:
            # Only a sentence in the answer's own language shows the claim in its words:
            # "IBM" of an English answer is not shown as "IBM 研发出…".
            quotes = [
                c.quote
                for c in answer.citations
                if c.n in claim.citations and _same_script(c.quote, answer.language)
            ]
            cited = [p for p in answer.passages if p.n in claim.citations]
            full = next((f for q in quotes if (f := stated_in_full(core, q)) != core), core)
            if full == core:
                full = _cell_in_full(core, quotes, cited)
            if full == core:
                full = next(
                    (f for q in quotes if (f := figures_in_full(core, q, answer.language)) != core),
                    core,
                )
            # The longest form first: the whole sentence, then its clauses that state the
            # claim's figures, then the claim as written.
            forms = [full, core]
            if sentences:
                whole = next((f for q in quotes if (f := sentence_in_full(full, q)) != full), full)
                forms = [whole, *forms] if len(whole) > len(full) else forms
            own = fold(core)
            full = _alone(forms, core, cores)
            # Items of an enumeration it adds that the answer gives elsewhere would show
            # twice too (the model's own list split into claims: "力控能力、抓取复杂物体的能力、…").
            rest = fold(text[:at] + text[at + len(core) :])
            if any(
                len(piece) >= 4 and piece not in own and _repeated(piece, rest)
                for piece in (fold(p) for p in full.split("、"))
            ):
                full = core
            if full != core:
                # The report's emphasis (**双引擎智能决策…**) is its Markdown, not its words.
                full = _EMPHASIS.sub("", as_read(full))
                text = text[:at] + full + text[at + len(core) :]
                claim = replace(claim, text=full + claim.text.strip()[len(core) :])
            cursor = at + len(full)
        claims.append(claim)
    return replace(answer, text=text, claims=tuple(claims))


def _alone(forms: Sequence[str], core: str, cores: Sequence[str]) -> str:
    """The first of a claim's shown `forms` that holds no other claim of the answer
    (`cores`, folded), which it would show twice; the claim as written (`core`) if none."""
    own = fold(core)
    for form in dict.fromkeys(forms):
        # A bulleted or numbered sentence's marker is its layout, not its words
        # ("- 图像生成领域…", "3、更多样内容…"): the number is no figure it states.
        if not (LEAD_MARKER.match(core) or _POINT_NUMBER.match(core)):
            form = _POINT_NUMBER.sub("", LEAD_MARKER.sub("", form))
        if form == core or not any(
            len(o) > 1 and not _part_of(o, own) and holds_claim(form, o) for o in cores
        ):
            return form
    return core


def _part_of(part: str, whole: str) -> bool:
    """Whether (folded) `part` stands in `whole` as itself, not inside a longer word: "i类"
    (Ⅰ类) is no part of "iii类" (Ⅲ类)."""
    edge = r"(?<![a-z0-9])" if part[:1].isascii() and part[:1].isalnum() else ""
    end = r"(?![a-z0-9])" if part[-1:].isascii() and part[-1:].isalnum() else ""
    return re.search(f"{edge}{re.escape(part)}{end}", whole) is not None


# A sentence that is mostly the term it states ("芯片架构从异构转向超异构。") states the
# term itself; the sentence after it explains it.
STATED_TERM_SHARE = 0.6
# What a definition's paragraph says of its term after defining it: at most this many
# sentences more.
PARTS_MAX = 3
# What a Chinese list question asks for, after its last 的: 关键驱动因素 of "脑机接口发展的
# 关键驱动因素有哪些？".
_LISTED_PHRASE = re.compile(
    r"的([^的，,。？?、\s]{3,12}?)(?:主要|分别)?(?:有哪些|包括哪些|是哪些|有什么|是什么|包括什么)"
)
# The degree a list question gives what it asks for (主要驱动因素, 关键驱动因素).
_DEGREE = re.compile(r"^(?:主要|关键|核心|重要|重点|几大)")
# A bulleted or numbered point opening a line.
_POINT_LINE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.、．)]|[（(]\d{1,2}[)）])\s*\S")


def _listed_phrase(question: str) -> str:
    """What a list question asks for, less the degree it gives it (主要驱动因素 is asked of
    the line 关键驱动因素 too); '' when it is too short to single a line out."""
    found = _LISTED_PHRASE.findall(question)
    phrase = _DEGREE.sub("", found[-1]) if found else ""
    return phrase if len(phrase) >= 3 else ""


def _lists_under(text: str, phrase: str) -> bool:
    """Whether `text` has a line of its own naming `phrase` (no statement: the heading of
    what follows) with bulleted or numbered points right after it."""
    raw = text.splitlines()
    for i, line in enumerate(raw):
        line = line.strip().strip("*#").strip()
        if not line or phrase not in line or len(line) > len(phrase) + 8:
            continue
        if line[-1:] in "。！？.!?":
            continue
        after = next((r for r in raw[i + 1 :] if r.strip()), "")
        if _POINT_LINE.match(after):
            return True
    return False


def _names_a_topic(passage: Passage, sentence: Sentence) -> bool:
    """Whether a shown sentence is a heading or a caption that names a topic and states
    no figure of it (`topic_line`): it says nothing a question can be answered with."""
    return topic_line(passage.hit.chunk.text, sentence) and not states_figures(sentence.text)


def _cited_sentences(answer: Answer, passages: Sequence[Passage]) -> list[tuple[Passage, Sentence]]:
    """The shown sentences an answer's citations quote, in citation order."""
    by_quote = {fold(s.text): (p, s) for p in passages for s in p.sentences}
    return [by_quote[fold(c.quote)] for c in answer.citations if fold(c.quote) in by_quote]


def _glosses(passage: Passage, sentence: Sentence, items: Sequence[str]) -> list[Sentence]:
    """The sentences after an enumerating `sentence` in its paragraph that each write a
    word of the next of its `items`, in order (see `Answerer._with_glosses`)."""
    text = passage.hit.chunk.text
    end = sentence.offset + len(sentence.text)
    # An item's own words: not those of the sentence's frame around the items (模型 of
    # "促使稀疏模型…的驱动因素包括…、模型部署挑战、…"), which any sentence on the topic writes.
    frame = sentence.text
    for item in items:
        frame = frame.replace(item, " ")
    framed = {fold(t) for t in tokenize(frame)}
    out: list[Sentence] = []
    for after in passage.sentences:
        if after.offset < end:
            continue
        if len(out) == len(items) or _PARAGRAPH_BREAK.search(text[end : after.offset]):
            break
        if topic_line(text, after):
            break
        if not after.text.rstrip().endswith(_ENDS_STATEMENT):
            break  # cut by its passage's end, or a line that is no statement
        end = after.offset + len(after.text)
        said = {fold(t) for t in tokenize(after.text)}
        own = {fold(t) for t in tokenize(items[len(out)]) if len(t) > 1} - STOPWORDS - framed
        if not own & said:
            break
        out.append(after)
    return out


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# How much of a claim's opening, folded, shows it quotes a text.
QUOTED_PREFIX = 12
_ENDS_STATEMENT = ("。", "！", "？", ".", "!", "?", "”", "」", "）", ")")
# A sentence pointing back to the term the sentence before defined, or saying it restates
# that sentence more concretely ("具体而言,是指处于…产业链技术层的科技型企业").
_POINTS_BACK = re.compile(
    r"\s*(?:它|其|该技术|这一|这种|此类|这类|具体(?:而言|来说|地说|是指)|也就是说|换言之|换句话说"
    r"|简言之|(?:It|They|This|These|Specifically|In other words|That is)\b)"
)
# The term a sentence opens by defining: "可预期网络（Predictable Fabric）是由…" -> 可预期网络.
_DEFINED_SUBJECT = re.compile(
    rf"^\s*(?:所谓)?[“\"]?([^，,。；;：:（(“”\"\s]{{2,20}}?)[”\"]?\s*"
    rf"(?:[(（][^()（）]{{1,60}}[)）])?\s*(?:曾经|通常|一般|主要|原本|本身)?{DEFINING}"
)


def _same_script(text: str, language: str) -> bool:
    """Whether `text` can be shown in an answer in `language`: an English answer's writes
    no Chinese (a Chinese answer may show a table row of Latin names and figures)."""
    return language != "en" or cjk_count(text) == 0


def _adds_figures(translated: str, original: str) -> bool:
    """Whether a translation states a figure its original does not (a year it adds as the
    statement's time aside, which `without_added_years` drops)."""
    kept = keep_figures(without_added_years(translated, original), original)
    # In digits, characters or words (four, April) the question gives them.
    return bool(dropped_numbers(kept, original))


def _shares_pair(term: str, text: str) -> bool:
    """Whether `text` holds two adjacent characters of `term` (both folded)."""
    return any(term[i : i + 2] in text for i in range(len(term) - 1))


def _defined_subject(sentence: str) -> str:
    """The term, folded, a sentence opens by defining, or ""."""
    m = _DEFINED_SUBJECT.match(_EMPHASIS.sub("", sentence))
    return fold(m.group(1)) if m else ""


# A definition's answer is a statement, longer than a label ("腾讯IDC") unless it names
# the term it defines.
LABEL_CHARS = 12
# ... or, naming the term, says this much of it besides the question's words.
NAMED_LABEL_CHARS = 4
# A (folded) term, written \x00, in brackets after the words it stands for, alone or after
# their English: "检索增强生成(rag)", "电动垂直起降飞行器(electric…landing,evtol)".
_GLOSSED = r"[\u4e00-\u9fff]\((?:[^()]{0,60}[,;，；])?\x00\)"
# Where a sentence defines its term (written \x00 here): "所谓T", "T是指/即/：…" — the
# report's own English for it may stand between, in brackets ("天空计算(Sky Computing)是
# 由…") — or the term, a few words and then "，即…" ("大模型的价值对齐日益成为一个关键问
# 题，即让…").
_DEFINES = re.compile(
    rf"所谓[“\"]?\x00|\x00[”\"]?(?:[(（][^()（）]{{1,60}}[)）])?"
    rf"(?:曾经|通常|一般|主要|原本|本身)?{DEFINING}"
    r"|\x00[^。；;！？]{0,20}[,，]\s*即"
    # "CLIP 作为基于对比学习的预训练模型，负责…": the sentence opening with it says what it is.
    r"|^\x00作为"
    # "电动垂直起降飞行器（electric vertical take-off and landing, eVTOL）逐渐…": the words
    # a short form stands for, written before it in brackets, say what it is.
    rf"|{_GLOSSED}"
)
_DEFINING_WORD = re.compile(DEFINING)


# A sentence that asks ("数字交互引擎是关系到我国科技竞争力的重要技术吗?", a survey's
# question) defines nothing.
_ASKS = re.compile(r"[?？]\s*$|吗\s*[。.]?$|是否")


def _defines_at(folded: str, terms: Sequence[str]) -> bool | None:
    """Whether a (folded) sentence defines one of `terms` opening with it (True), on
    the way (False), or not at all (None)."""
    found: bool | None = None
    for t in terms:
        if not t:
            continue
        m = _DEFINES.search(folded.replace(t, "\x00", 1))
        if m is not None:
            # "T作为…" says what T is on the way to what it does: after a sentence that
            # opens by defining T ("T是由…").
            opening = not words(folded[: folded.find(t)]) and not m[0].endswith("作为")
            found = found or opening
    return found


# A list question leaving the count to the report: "哪几类", "分为哪几种", "哪几个方面".
_ASKED_KIND = re.compile(r"几(类|种|个方面|大类|大方面|方面|项|条|个)")
# A sentence counting what it then enumerates: "有三类调节性负荷，分别是…", "分为两种：…".
_COUNTING = re.compile(rf"{COUNT}\s*(?:大)?(类|种|个方面|方面|项|条|个)")


def _asked_kind(question: str) -> str | None:
    """The classifier of a list question that asks how many the report lists ("哪几类" ->
    类), or None."""
    m = _ASKED_KIND.search(question)
    return None if m is None else m.group(1).replace("大", "")


def _self_counted(text: str, kind: str) -> int | None:
    """How many items of `kind` (类, 种, …) a sentence says it counts ("有三类…" -> 3):
    the one such count it states, of two at least; None otherwise."""
    counts = {count_value(m.group(1)) for m in _COUNTING.finditer(text) if m.group(2) == kind}
    if len(counts) != 1:
        return None
    (n,) = counts
    return n if 2 <= n <= 12 else None


def _named_after(
    passages: Sequence[Passage], terms: Sequence[str]
) -> list[tuple[Passage, list[Sentence]]]:
    """For each shown sentence that names one of `terms` (folded) after describing it
    ("…，被称为“内存墙”", "硅谷人称“云洗钱”"), the sentences that define it: that sentence
    alone when it holds the description, else its paragraph's sentences before it and it."""
    found: list[tuple[Passage, list[Sentence]]] = []
    for p in passages:
        for s in p.sentences:
            m = NAMING.search(s.text)
            if m is None or _ASKS.search(s.text):
                continue
            named = fold(s.text[m.end() :])
            if not any(t and t in named for t in terms):
                continue
            if not names_what_precedes(s):
                found.append((p, [s]))
            elif before := paragraph_before(p, s, NAMED_SENTENCES):
                found.append((p, [*before, s]))
    return found


def _defined_span(folded: str, asked: set[str]) -> str:
    """The term a (folded) sentence opens by defining ("人工智能相关企业是指…"), when each
    of its words is one of `asked` and it has two words of two characters or more; ''."""
    m = _DEFINING_WORD.search(folded)
    if m is None:
        return ""
    opening = folded[: m.start()]
    cut = words(opening)
    if "".join(cut) != re.sub(r"\s+", "", opening):
        return ""  # punctuation before the defining word: the term does not open it
    if not cut or not all(w in asked for w in cut):
        return ""
    if sum(len(w) >= 2 and w not in STOPWORDS for w in cut) < 2:
        return ""
    return "".join(cut)


def _defined_of(question: str) -> list[str]:
    """The terms a definition question defines: the ones it quotes, else its unquoted one."""
    quoted = [t for t in quoted_terms(question, titles=False) if han_share(t) > 0]
    return quoted or list(defined_terms(question))


# How a report writes a term's definition after the (folded) term, its own English for it
# in brackets between ("天空计算(skycomputing)是由云间经纪人中介的云计算").
_DEFINED_AS = r"\s*(?:\([^()]{1,60}\))?\s*(?:是指|指的是|定义为|被定义为|是一种|是由)"


def _stating(term: str) -> re.Pattern[str]:
    """Where a (folded) text defines `term` (folded): after it (`_DEFINED_AS`), or as the
    words it stands for, glossed before it (`_GLOSSED`)."""
    t = re.escape(term)
    return re.compile(rf"{t}{_DEFINED_AS}|" + _GLOSSED.replace(r"\x00", t))


_ENGLISH_DEFINED = (
    re.compile(r"\b(?:define|describe|characteri[sz]e|portray)s?\s+(?:an?\s+|the\s+)?"
               r"['\"‘“]?([A-Za-z][\w\- ]{0,40}?)['\"’”]?"
               r"(?=\s+(?:in|according|as)\b|[?.,]|$)", re.IGNORECASE),
    re.compile(r"\bwhat (?:is|are) (?:an?\s+|the\s+)?['\"‘“]?([A-Za-z][\w\- ]{0,40}?)['\"’”]?"
               r"(?=,|\s+(?:in|according|as)\b|\?|$)", re.IGNORECASE),
    re.compile(r"\bwhat does ['\"‘“]?([A-Za-z][\w\- ]{0,40}?)['\"’”]? mean\b(?!\s+by\b)",
               re.IGNORECASE),
    # "What does the report mean by T": T, not the report.
    re.compile(r"\bmean\s+by\s+(?:an?\s+|the\s+)?['\"‘“]?([A-Za-z][\w\- ]{0,40}?)['\"’”]?"
               r"(?=\s*[(,?.]|\s+(?:in|according|and|as)\b|$)", re.IGNORECASE),
    re.compile(r"\bmean\s+by\s+[^'\"‘“?]{0,20}['\"‘“]([A-Za-z][\w\- ]{0,40}?)['\"’”]",
               re.IGNORECASE),
)  # fmt: skip


# A term a passage's sentence opens by defining: "智能助理是基于…", "可预期网络是由…".
_OPENS_DEFINING = re.compile(
    r"(?:^|[。！？\n]\s*)([\u4e00-\u9fff]{2,10}?)(?:是指|指的是|是一种|是基于|是由|是)"
)


def _terms_to_define(analysis: QuestionAnalysis, *, latin: bool = False) -> list[str]:
    """The terms, folded, a definition question asks to define: those it quotes or names
    after a definition word (Latin-script ones too when `latin`: VoxPoser), and for a
    translated question the one its English asks about ("define an Agent")."""
    named = list(_defined_of(analysis.question))
    if latin:
        named += defined_terms(analysis.question, latin=True)
    if analysis.original:
        named += _english_defined(analysis.original)
    return [t for t in dict.fromkeys(fold(n) for n in named) if len(t) >= 2]


def _writing_defined(analysis: QuestionAnalysis, hits: list[Hit]) -> list[Hit]:
    """For a definition question, the hits writing the term it defines before those that
    do not, when the best does not: a definition of VoxPoser is where VoxPoser is written,
    and the best hit's section is the one read whole."""
    if not analysis.defines or not hits:
        return hits
    terms = _terms_to_define(analysis, latin=True)

    def writes(hit: Hit) -> bool:
        return any(t in fold(hit.chunk.text) for t in terms)

    if not terms or writes(hits[0]) or not any(writes(h) for h in hits):
        return hits
    ordered = [h for h in hits if writes(h)] + [h for h in hits if not writes(h)]
    return [replace(h, rank=i) for i, h in enumerate(ordered, 1)]


def _english_defined(question: str) -> list[str]:
    """The term an English definition question asks about ("Agent" of "How does the
    Tencent report define an Agent?")."""
    return [m.group(1).strip() for p in _ENGLISH_DEFINED for m in p.finditer(question)]


# A year an English translation adds as the time of what it states: "in 2024", "during
# 2023", ", as of 2022" (a year it compares with, "up from 2022", is left to the checks).
_ADDED_YEAR_EN = (
    r"\s*,?\s*\b(?:in|during|by|as of|through|for the year)\s+"
    r"(?<![\d.,]){year}(?![\d%]|[.,]\d|\s*[-–])"
)
# A year standing alone, not part of a longer figure ("12050", "2,025").
_LONE_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d%]|[.,]\d)")


def _without_added_years(translation: str, statement: str) -> str:
    """An English translation without the years its Chinese statement never writes: the
    default model wrote "in 2024" into "全球全年火箭发射次数首次突破200次" (the whole
    year, of no year), which the figure check then refuses. A year the statement writes,
    in digits or characters, stays."""
    written = set(_YEAR.findall(fold(statement)))
    out = translation
    for year in dict.fromkeys(_LONE_YEAR.findall(translation)):
        if year not in written:
            out = re.sub(_ADDED_YEAR_EN.format(year=year), "", out, flags=re.IGNORECASE)
    if out == translation:
        return translation
    out = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", out))
    out = re.sub(r"^[\s,;:]+", "", out)
    return out[:1].upper() + out[1:] if translation[:1].isupper() else out


def _copies(answer: str, sentence: str) -> bool:
    """Whether an answer (its citation marks aside) is mostly one run of a sentence's
    words: COPIED_SHARE of its characters, folded, at least."""
    folded = re.sub(r"[\W_]+", "", fold(MARKER.sub("", answer)))
    own = re.sub(r"[\W_]+", "", fold(sentence))
    if not folded:
        return False
    match = SequenceMatcher(None, folded, own, autojunk=False).find_longest_match(
        0, len(folded), 0, len(own)
    )
    return match.size >= COPIED_SHARE * len(folded)


def _copied_sources(
    answer: str, passages: Sequence[Passage]
) -> list[tuple[Passage, Sentence]] | None:
    """The shown sentence each sentence of `answer` copies (`_copies`), in order; None
    when one copies none."""
    out: list[tuple[Passage, Sentence]] = []
    for claim in split_claims(answer):
        found = next(
            ((p, s) for p in passages for s in p.sentences if _copies(claim, s.text)), None
        )
        if found is None:
            return None
        if found not in out:
            out.append(found)
    return out or None


def _repeated(piece: str, text: str) -> bool:
    """Whether `text` already writes most of `piece` in one run (an item the answer
    gives elsewhere, perhaps with other words around it)."""
    match = SequenceMatcher(None, piece, text, autojunk=False).find_longest_match(
        0, len(piece), 0, len(text)
    )
    return match.size >= max(4, REPEATED_SHARE * len(piece))


def _within(hit: Hit, hits: Sequence[Hit]) -> bool:
    """Whether `hit`'s text lies inside one of `hits`' spans of the same document."""
    loc = hit.chunk.location
    return any(
        loc.doc == h.chunk.location.doc
        and h.chunk.location.start <= loc.start
        and loc.end <= h.chunk.location.end
        for h in hits
    )


def _compose(text: str, results: Sequence[ClaimResult]) -> str:
    """The answer with unsupported claims cut out and each kept claim marked with its [n]."""
    out: list[str] = []
    cursor = 0
    for r in results:
        at = text.find(r.text, cursor)
        if at < 0:
            continue
        end = at + len(r.text)
        stop = end + 1 if end < len(text) and text[end] in "。.!！?？；;" else end
        gap = text[cursor:at]
        if not r.supported and gap.strip() in ("，", ",", "、"):
            # "A，B。" without B: "A。"; "A、B、C" without B: "A、C"
            gap = text[end:stop] or (r.text[-1] if r.text[-1] in "。.!！?？；;" else "")
        out.append(gap)
        if r.supported:
            tail = "".join(f"[{n}]" for n in sorted({p.n for p, _s in r.evidence}))
            out.append(insert_before_stop(text[at:stop], tail))
        cursor = stop
    out.append(text[cursor:])
    composed = "".join(out)
    composed = re.sub(r"(?m)^\s*(?:[-*•]|\d{1,2}[.)、])\s*$\n?", "", composed)  # emptied items
    # An item copied from a bulleted sentence after the model's own marker: one marker.
    composed = re.sub(r"(?m)^(\s*)[-*•·]\s+(?:[-*•·]\s*)+", r"\1- ", composed)
    return re.sub(r"\n{3,}", "\n\n", composed).strip(" \n；;，,、")


def _framing(question: str, passages: Sequence[Passage], cited: Sequence[int]) -> str:
    """The question's figures that the claim's cited passages also state ("in May 2023"
    asked, "2023年5月" heading the passage): a translation told the question may carry its
    frame over into the claim, and the passages bear it out."""
    texts = " ".join(p.hit.chunk.text for p in passages if p.n in cited)
    if not texts:
        return ""
    return " ".join(
        n.text for n in find_numbers(question) if not unsupported_numbers(n.text, texts)
    )


def unquoted(translated: str, question: str, reports: ReportNames) -> str:
    """A translation without the titles it made up: 《X》 where the question quotes
    nothing and X names no report ("Which Jennifer Doudna paper…" is no title
    《Jennifer Doudna的论文》, and a title is checked as a name the passages write)."""
    if quoted_terms(question):  # quotes, not a possessive's apostrophe (Weijin's)
        return translated

    def bare(m: re.Match[str]) -> str:
        return m.group(0) if reports.named(m.group(0)) else m.group(1)

    return _TITLE.sub(bare, translated)


# 三维 is "3D": the translation's figure is the statement's word (二维, 四维, 六维 alike).
_DIMENSIONS = re.compile(r"[二三四六](?=维)")
_DIMENSION_DIGIT = {"二": "2", "三": "3", "四": "4", "六": "6"}
_DIMENSION_WORD = re.compile(r"\b([2346])-?D\b")


def _translation_fault(
    checked: str, text: str, language: str, cosine: float, framing: str = ""
) -> str:
    """Why a claim's translation may not be shown in its place ('' when it may). Besides
    the checked claim's own figures it may state `framing`'s (the question's, which the
    cited passages state too)."""
    if not text.strip():
        return "the translation is empty"
    if detect_language(text) != language:
        return "the translation is not in the question's language"
    said = {_DIMENSION_DIGIT[d] for d in _DIMENSIONS.findall(checked)}
    stated = _DIMENSION_WORD.sub(lambda m: " " if m[1] in said else m[0], text)
    bad = unsupported_numbers(stated, f"{checked} {framing}")
    if bad:
        return f"the translation states {bad[0]}, which the checked claim does not"
    lost = dropped_numbers(checked, text)
    if lost:
        return f"the translation leaves out {lost[0]}, which the checked claim states"
    if cosine < TRANSLATION_SIMILARITY:
        return f"the translation does not mean what the checked claim says ({cosine:.2f})"
    return ""


def _place_fault(statement: str, translation: str) -> str:
    """Why an English translation may not stand for `statement`: it does not write a
    district, county or town the statement names by its pinyin ('' when it does, or
    is not English)."""
    if detect_language(translation) != "en":
        return ""
    for place in names.local_places(statement):
        if not names.spells_place(translation, place):
            return f"the translation does not write {place} as {names.place_spelling(place)}"
    return ""


def _as_placed(claim: Claim, quoted: Mapping[int, str]) -> str:
    """A claim that is a place's bare name ("福田"), as its cited sentences write it with
    its suffix ("福田区"), for the district check; any other claim as it is."""
    bare = claim.text.strip().rstrip("。.；;，,")
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", bare):
        return claim.text
    for n in claim.citations:
        placed = names.place_as_written(bare, quoted.get(n, ""))
        if placed:
            return placed
    return claim.text


def _spelled_place(statement: str, translation: str) -> bool:
    """Whether `statement` is a local place's name alone ("盐田区") and `translation`
    writes that name by its pinyin and nothing else ("Yantian District")."""
    bare = statement.strip().rstrip("。.；;，,")
    if names.local_places(bare) != (bare,):
        return False
    english = names.place_spelling(bare).lower().split()
    written = re.sub(r"[^a-z ]", "", translation.lower()).split()
    return names.spells_place(translation, bare) and len(written) <= len(english)


def _places_of(statement: str, language: str) -> list[str]:
    """The English names of the local places `statement` names, for a translation into
    `language` to write as they are ([] for another language)."""
    if language != "en":
        return []
    return [english for _place, english in names.place_glossary([statement])]


def _figures_of(claim: Claim, language: str) -> list[str]:
    """A claim's figures as its translation into `language` writes them."""
    return _figures_in(claim.text, language)


def _figures_in(text: str, language: str) -> list[str]:
    """The figures of `text` as its translation into `language` writes them: 727.2亿 is
    "72.72 billion" in English."""
    out = []
    for n in find_numbers(text):
        scaled = language == "en" and any(c in n.text for c in "万亿")
        out.append(in_english(n.value) if scaled else n.text)
    if language == "en":
        # Written in characters (四百万, 三千): "4 million", "3 thousand".
        out += [in_english(n.value) for n in han_figures(text)]
    return list(dict.fromkeys(out))


def _without_reading_frame(text: str) -> str:
    """English answer lines without "The passage states that": what the passages state."""
    return _READING_FRAME.sub(lambda m: (m.group(1) or "") + m.group(2).upper(), text)


def _tidied(text: str, checked: str, analysis: QuestionAnalysis) -> str:
    """A claim's translation as shown: one statement (a list marker the model adds is the
    layout's), the checked claim's scales and districts (Nanshan District, not "Nanjing
    District"), and people and names the question writes in Latin letters written so (冯章
    → Feng Zhang, 智谱 left in it → Zhipu)."""
    text = _without_reading_frame(" ".join(without_annotations(text).split()))
    text = _without_added_expansions(text, f"{checked} {analysis.asked}")
    text = repair_scales(LEAD_MARKER.sub("", text), checked)
    text = names.respelled_places(text, checked)
    for latin, chinese in analysis.people:
        text = names.restore(text, latin, chinese)
    if detect_language(analysis.asked) == "en":
        # A figure in digits, as the passages write it ("three thousand times" for 三千余倍).
        text = figures_in_digits(names.latin_for_han(text, analysis.asked))
        # ... and then its scale as the claim's, where the claim writes it in characters
        # ("ten billion users" for 十亿用户: 十亿 is 10亿, one billion). Only those: a
        # figure the first repair wrote right is not read again.
        written = _scaled_in_characters(checked)
        if written:
            text = repair_scales(text, written)
    return text


# An acronym with what a translation says it stands for: "CPSS (Controlled Power System)".
_EXPANDED = re.compile(
    r"\b(?P<acronym>[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\s*[(（]"
    r"(?P<words>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)+)[)）]"
)


def _without_added_expansions(text: str, source: str) -> str:
    """`text` without the expansions it gives acronyms that `source` (the statement it
    translates, and the question) does not write: the small model glossed 电动汽车的CPSS
    (an information-physical-social system) as "CPSS (Controlled Power System)"."""

    lowered = source.lower()

    def bare(m: re.Match[str]) -> str:
        said = all(w.lower() in lowered for w in re.findall(r"[A-Za-z]+", m["words"]))
        return m[0] if said else m["acronym"]

    return _EXPANDED.sub(bare, text)


def _scaled_in_characters(text: str) -> str:
    """The scaled figures `text` writes in characters, in digits and a Chinese scale word
    (十亿 -> "10亿"), as `repair_scales` reads a source; '' when it writes none."""
    return " ".join(in_chinese(n.value) for n in han_figures(text) if n.value >= 1e4)


# Chinese an English sentence may keep: a title in 《》 or quotes, a term glossed in
# brackets ("exascale (百亿亿级)").
_KEPT_CHINESE = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"|[（(][^）)]*[）)]")


def _chinese_left(text: str) -> bool:
    """Whether an English text writes Chinese outside titles, quotes and glosses."""
    return han_share(_KEPT_CHINESE.sub(" ", text)) > 0


def _compose_shown(claims: Sequence[Claim], listed: bool) -> str:
    """Translated claims with their [n] markers: one item per line for a list."""
    parts = []
    for c in claims:
        tail = "".join(f"[{n}]" for n in c.citations)
        parts.append(insert_before_stop(c.text.strip(), tail))
    return "\n".join(f"- {p}" for p in parts) if listed else " ".join(parts)


def _complete_claims(text: str) -> str:
    """A cut-off answer without its last, unfinished claim."""
    text = text.rstrip()
    # A Chinese answer ending "65." was cut inside a decimal; an English one ended a sentence.
    decimal = text.endswith(".") and text[-2:-1].isdigit() and han_share(text) > 0.3
    if not text or (text[-1] in "。.!！?？；;)）" and not decimal):
        return text
    # The last sentence end; a full stop between digits is a decimal point (65.4%).
    ends = [
        m.start() for m in re.finditer(r"[。!！?？；;\n]|\.(?!\d)", text[:-1] if decimal else text)
    ]
    cut = ends[-1] if ends else -1
    return text[: cut + 1].rstrip() if cut > 0 else ""


def _clause_for(clauses: Sequence[str], group: Sequence[str], reports: ReportNames) -> str:
    """The clause of a multi-part question that names this report (and no other); for
    the whole shelf (an empty group), the first that names none."""
    for clause in clauses:
        named = set(reports.named(clause))
        if (named and named <= set(group)) or (not group and not named):
            return clause
    return ""


def _listed(text: str) -> bool:
    """Whether an answer's text is a list: lines, or a single item ("- …[1]")."""
    return "\n" in text.strip() or LEAD_MARKER.match(text.lstrip()) is not None


_TRAILING_MARKERS = re.compile(r"(?:\[\d+\])*\s*$")


def _run_on(answer: Answer, more: str) -> str:
    """`more` after the answer's text in one paragraph, the answer's last sentence ended
    first: "…达到200万字[2]。月之暗面…", not "…200万字[2] 月之暗面…"."""
    text = answer.text.rstrip()
    body = _TRAILING_MARKERS.sub("", text)
    zh = answer.language == "zh"
    if body and body[-1] not in "。.!！?？；;…":
        text += "。" if zh else "."
    return f"{text}{'' if zh else ' '}{more.lstrip()}"


def _merge_parts(language: str, answers: Sequence[tuple[str, Answer]], refused: Answer) -> Answer:
    """Each report's answer under its heading (publisher and title); a report that does
    not say it is said so."""
    zh = language == "zh"
    lines: list[str] = []
    for label, a in answers:
        if not label:  # the whole shelf's part: its citations say which reports state it
            lines.append(
                a.text
                if a.answerable
                else ("其余部分未找到相关内容。" if zh else "The rest is not stated.")
            )
        elif a.answerable:
            lines.append(f"{label}：{a.text}" if zh else f"{label}: {a.text}")
        else:
            lines.append(f"{label}：未找到相关内容。" if zh else f"{label}: not stated.")
    passages = tuple(p for _l, a in answers for p in a.passages)
    # A refused part shows none of its claims: each says why the part was refused.
    claims = tuple(
        c if a.answerable or not c.supported else replace(c, supported=False, reason=a.reason)
        for _l, a in answers
        for c in a.claims
    )
    answered = [a for _l, a in answers if a.answerable]
    if not answered:
        reasons = "; ".join(f"{label}: {a.reason}" for label, a in answers)
        return replace(refused, passages=passages, claims=claims, reason=reasons)
    return replace(
        refused,
        answerable=True,
        text="\n".join(lines),
        citations=tuple(c for a in answered for c in a.citations),
        passages=passages,
        mode="llm" if all(a.mode == "llm" for a in answered) else "extractive",
        claims=claims,
        warnings=tuple(w for _l, a in answers for w in a.warnings),
    )


def _sentence_score(weights: Mapping[str, float], sentence: Sentence) -> float:
    """Idf mass of the question's terms in `sentence`; without terms, retrieval order."""
    if not weights:
        return 1.0 / (sentence.passage + 0.01 * sentence.id)
    folded = fold(sentence.text)
    return sum(w for t, w in weights.items() if fold(t) in folded)


def _asked_share(answer: Answer) -> float:
    """How much of the question's terms an answer's quotes state, in themselves and with
    their passages (0 when not measured)."""
    return sum(answer.asked) if answer.asked else 0.0


def _gives_form(analysis: QuestionAnalysis, text: str) -> bool:
    """Whether quoted text can answer in the question's form: a figure for a figure
    question (not one the question gives, nor a list item's number: "优先条件2." and
    "2022年" answer no "how many"), a name for "who", and the quantity or time it asks
    for (`wants`)."""
    if analysis.type == "number" and not _answer_figures(text, analysis.question):
        return False
    unit = _ASKED_UNIT.search(analysis.question)
    if unit and not re.search(rf"\d\s*[万亿千百十兆]*\s*{unit.group(1)}", text):
        return False  # "目标是多少亿元？" is not answered by a sentence giving no sum in 元
    if _ASKS_WHO.search(analysis.question) and not _names_anyone(text, analysis.question):
        return False  # "金砖国家主席国是谁？" is not answered by "这些国家…是轮值主席国"
    return not analysis.wants or states_form(text, analysis.wants, analysis.question)


_ASKS_WHO = re.compile(r"谁|\bwho\b", re.IGNORECASE)
# The unit a Chinese figure question asks its answer in: 元 of "多少亿元", 美元, 吨.
_ASKED_UNIT = re.compile(rf"(?:多少|几)[万亿千百十兆]*({MONEY_UNITS}|吨|千瓦时|公里)")
# A list item's number: "2." or "2、" before the item's words (not a decimal's point).
_ITEM_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})[.、．](?!\d)")


def _answer_figures(text: str, question: str) -> list[str]:
    """The figures of `text` that may answer a figure question: not the question's own,
    nor a list item's number."""
    asked = find_numbers(question)
    items = {m.start(1) for m in _ITEM_NUMBER.finditer(text)}
    out = []
    for m in NUMBER_PATTERN.finditer(text):
        if m.start() in items:
            continue
        number = find_numbers(m.group(0))
        if number and not supported(number[0], asked):
            out.append(m.group(0))
    return out


def _names_anyone(text: str, question: str) -> bool:
    """Whether `text` names someone or something by name that the question does not: a
    person, an organisation or a place (a name in Latin letters too)."""
    asked = fold(question)
    if han_share(text) > 0:
        return any(fold(word) not in asked for word, _kind in names_in(text))
    return any(fold(m.group(0)) not in asked for m in re.finditer(r"(?<!^)\b[A-Z][\w-]+", text))


def _wrong_language(
    text: str, language: str, analysis: QuestionAnalysis, passages: Sequence[Passage] = ()
) -> bool:
    """Whether a reply is in neither the requested language nor, for a translated
    question, the question's own (an answer written straight in it is checked across
    languages, as without translation, and needs no translating back). A bare figure
    ("42%") is in every language, and so are names copied from the passages ("- Adobe
    Express", listed for a Chinese question whose passages write it so) — names alone:
    a figure needs words of the question's language saying what it measures."""
    if not re.search(r"[A-Za-z\u4e00-\u9fff]", text):
        return False
    if detect_language(text) in (language, analysis.shown_in):
        return False
    if find_numbers(text):
        return True
    shown = fold(" ".join(p.hit.chunk.text for p in passages))
    left = _LATIN_WORD.sub(lambda m: "" if fold(m[0]) in shown else m[0], text)
    return bool(re.search(r"[A-Za-z\u4e00-\u9fff]", left))
