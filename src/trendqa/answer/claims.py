"""Claim-level support: every statement shown must be stated by the sentences it cites.

A verbatim quote proves only that the quote exists. A claim is kept only when its
cited sentences state it: its figures appear in them, its words (or, for an English
claim over Chinese sentences, its meaning) are theirs, and the subject the question
asks about (a city, a company, a year) is named where the figure is stated, not
merely somewhere in the report. Each check follows from what a supported claim must
satisfy; none depends on particular questions.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from types import MappingProxyType

from trendqa.answer.cite import overlap
from trendqa.answer.context import (
    NUMBERED,
    heading_at,
    naming_below,
    numbered_heading,
    titles_a_body,
)
from trendqa.answer.question import (
    POINTING,
    QuestionAnalysis,
    ReportNames,
    asked_parts,
    defined_terms,
    names_round,
    owners,
    premise,
    quoted_terms,
    shares_name,
    topic_lead,
)
from trendqa.answer.reply import MARKER
from trendqa.answer.tables import column_name, labelled_rows, row_cells, row_label, row_like
from trendqa.answer.types import Passage, Sentence
from trendqa.chunking import split_sentences
from trendqa.evidence import REQUEST_WORDS, TRANSLATED_SHARE, asked_text, key_terms, unframed
from trendqa.numbers import (
    NUMBER_PATTERN,
    dropped_numbers,
    find_numbers,
    han_figures,
    in_unit,
    other_unit,
    supported,
    table_unit,
    unsupported_numbers,
    without_dates,
)
from trendqa.records import Chunk
from trendqa.textnorm import detect_language, fold, han_share, one_line
from trendqa.tokens import STOPWORDS, known_word, tagged, tokenize, words

# A claim's informative words (idf-weighted) its cited sentences must contain.
CLAIM_COVERAGE = 0.5
# Why a claim fails that says nothing but the question's own words.
RESTATES = "it only restates the question"
# Nouns that name a kind of thing and no thing: "应用层面的问题" says of "…在应用层面临哪些
# 挑战？" no more than the question does. A claim adding only these adds nothing.
KIND_NOUNS = frozenset(
    [
        "问题",
        "方面",
        "层面",
        "系统",
        "领域",
        "方向",
        "情况",
        "内容",
        "方式",
        "因素",
        "部分",
        "环节",
        "举措",
        "措施",
        "工作",
        "特点",
        "作用",
    ]
)
# Why a clause of a held claim is dropped, and how many words it must have to be checked.
UNSTATED_CLAUSE = "no word of this clause is in its sentences or the question"
UNSTATED_WORDS = 2
# Cosine between an English claim and the Chinese sentence it rests on (EmbeddingGemma).
CLAIM_SIMILARITY = 0.35
# What a claim adds to the question (its words the question does not have) must be its
# sentences' too, at this share: words echoing the question make any claim look stated.
ADDED_COVERAGE = 0.5
# The sentence that gives a fact's or a figure's answer must also say what was asked: this
# share of the question's terms (idf-weighted, its answer slot aside) in that sentence,
# its heading and its report's labels. A date from the sentence beside the one about the
# asked event answers another question. Measured and recorded (claims[].asked), not
# enforced: on dev + RGB every threshold refused as many answerable questions as
# unanswerable ones (0.5: RGB's unanswerable refused 0.60 -> 0.75, answerable 0.075 ->
# 0.15); news answers often stand in a sentence that names only part of the question.
ANSWER_SENTENCE_COVERAGE = 0.0
# A subject named in more than ~30% of passages (idf below this) singles nothing out:
# "AI" in an AI report is no subject to check a figure against.
COMMON_IDF = 1.2
# How much more a word of the shown passages must mean an untranslatable name than the
# names of its figure's sentence do, for those names to be another subject's.
RIVAL_MARGIN = 0.1
# A cross-lingual claim is cited from another shown sentence when that one means it by at
# least this much more cosine than the best the model named.
RECITE_MARGIN = 0.1
RIVAL_WORDS = 40  # the rarest words of the passages compared with the name
# How Chinese reports name their own country, and China's one-character name in the
# compounds a question may use (对华 exports are 对中国 ones).
_SAME_PLACE = {
    "中国": ("我国", "国内", "全国"),
    "中国的": ("我国",),
    "对华": ("对中国", "对我国"),
    "在华": ("在中国", "在我国", "中国"),
    "来华": ("来中国", "到中国"),
    "访华": ("访问中国",),
    "赴华": ("赴中国", "到中国"),
}
# Countries named together by their one-character names ("中美控制了世界上80%的大模型" is
# said of China and of the US). Only compounds no common word holds: 中日 is in 之中日益.
_JOINT_PLACES = {
    "中国": ("中美", "美中", "中欧", "中俄", "中韩"),
    "美国": ("中美", "美中", "美欧", "欧美", "美日", "日美", "英美", "美英", "美俄", "俄美"),
    "日本": ("日韩", "美日", "日美"),
    "韩国": ("日韩", "中韩"),
    "俄罗斯": ("中俄", "美俄", "俄美"),
    "英国": ("英美", "美英"),
    "欧洲": ("中欧", "美欧", "欧美"),
    "欧盟": ("中欧", "美欧", "欧美"),
}
# Checks a claim may pass from another shown sentence than the one it cites, and how many
# such sentences are tried.
_RECITABLE = frozenset({"content", "subject", "asked", "attribute"})
RECITED_CANDIDATES = 3
# A claim shorter than this (folded characters) is a fragment, not a statement — unless
# it is a figure: "5" answers "how many of them…?" as fully as "84" does.
MIN_CLAIM_CHARS = 2
# The longest phrase read as an item of a one-line enumeration (a list's 甲、乙、丙).
ENUMERATED_ITEM_CHARS = 25

Similarity = Callable[[Sequence[str], Sequence[str]], list[list[float]]]
Evidence = tuple[Passage, Sentence]

_YEAR = re.compile(r"(?:19|20)\d{2}")
_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}\s*年?")
_FIGURE_CLAUSE = re.compile(r"[，,；;。]")
# A figure is stated with what it measures: the sentence stating it holds at least this
# share of the words its claim says it with (a half: the noun it counts, beside a verb).
MEASURE_SHARE = 0.5
# Words that place a question in time (截至2023年底) rather than say what it asks.
_WHEN_WORD = re.compile(
    r"[上下]?半?[年月季周][底初末中内度]?|年[底初末中内度]|[本今去明]年|当[年月日天]|[全整][年月]"
)
# How exact a figure is asked for (大约多少件): no attribute of the subject.
_HEDGE = frozenset({"大约", "大概", "约为", "左右", "接近", "将近", "差不多", "大致"})
# Characters that are words of their own (a preposition, a particle, a copula): a guessed
# word ending in one glued it to the word before ("C罗在哪个球队" cut 罗在/哪个/球队).
_FUNCTION_CHARS = frozenset("在是的了和与于把被向从对")
# "AI" (folded) as a word of its own, or 人工智能.
_AI = re.compile(r"(?<![a-z])ai(?![a-z])|人工智能")


def _other_ai(m: re.Match[str]) -> str:
    return "人工智能" if m.group(0) == "ai" else "ai"


# A chart's source line, and a question asking for a source.
_SOURCE_LINE = re.compile(r"\s*(?:资料|数据)?来源\s*[：:]|\s*(?:data\s+)?sources?\s*[：:]", re.I)
_ASKS_SOURCE = re.compile(r"来源|出处|\bsources?\b|\bwhere .+ come from\b", re.IGNORECASE)
# A line crediting who made the report ("深圳市人工智能行业协会、…有限公司/组织编写",
# "Prepared by …"): it answers who made it, nothing the report says.
_CREDIT_LINE = re.compile(
    r"(?:[/／\s]|^)(?:组织)?(?:编写|编制|编著|撰写|出品|联合发布|主编)\s*$"
    r"|^\s*(?:prepared|compiled|written|edited|published)\s+by\b",
    re.IGNORECASE,
)
_ASKS_MAKER = re.compile(
    r"编写|编制|撰写|出品|发布|作者|谁写|\bwho\b.*\b(?:wrote|prepared|authored|published)\b|\bauthors?\b",
    re.IGNORECASE,
)
# A "label：value" entry (脑机接口：吴朋阳), and the short line naming a run of them (主笔).
_ENTRY = re.compile(r"[^：:，。；,;]{1,16}[：:]\s*\S")
_LIST_LABEL = re.compile(r"[^：:，。；！？,;.!?]{1,12}")
# A sentence that goes on from the one before it: its subject or topic is named there.
_GOES_ON = re.compile(r"[其该此这那它他她]|同时|此外|另外|其中|并且|而且|但|不过|因此|所以|对此")
# The kind of thing the answer is, ending a question: 哪支球队, 什么真实事件, 哪家公司
# (not 哪天 and its verb: "哪天发布的" asks when it was released);
# and one word after a count (多少资金, 多少个议席), whose counted thing is also kept as
# an attribute (`_COUNTED`).
_ANSWER_KIND = re.compile(
    r"(?:哪(?![天年月日])一?[个支家位种类项所座些国名款部只条]?|什么(?!时候|样|地方))"
    # (two kinds asked at once: "哪些内容或目标")
    r"(?:[\u4e00-\u9fff]{1,4}[或和与及])?[\u4e00-\u9fff]{1,4}$"
)
# A verb that only opens the answer's slot ("会给影视行业带来什么": what it brings is the
# answer, the industry what is asked of) — also once the slot's kind is cut off ("带来什么
# 变化" read as "带来").
_SLOT_VERB = re.compile(
    r"(?:带来|产生|造成|引发|引起|导致|意味着|提到|提及|谈到)(?:了|着)?(?:什么|哪些)?$"
)
# A question asking for a place by its kind (哪个区, 哪座城市, 哪国) or for a person (谁,
# 哪位): a name of that kind in the claim is its answer.
_ASKS_NAME = re.compile(r"哪(?![天年月日里儿些])一?[个座所]?[\u4e00-\u9fff]?([区市省县镇州国])")
_ASKS_PERSON = re.compile(r"谁|哪一?位")
_COUNT_KIND = re.compile(r"(?:多少|几)[个支家位种项名款部只条次台辆座所]?([\u4e00-\u9fff]{1,4})$")
# A verb with the complement that leads to the answer (降到, 达到, 增至, 分为): it relates
# what is measured to the answer and is no attribute itself (成本 of "成本降到多少").
_TO_ANSWER = re.compile(r"[\u4e00-\u9fff][到至]|[分变成降增改]为")
# A question asking for a description (怎样的调整, 如何实现, 为什么) or a purpose (拿来干什
# 么, 用来做什么): its answer says what happened, or what a thing is for, in its own words,
# without naming the kind of thing asked for.
_DESCRIBED = re.compile(
    r"怎样|怎么|如何|为什么|为何|什么样|何种|有何|[干做]什么|干嘛|用来|用于|拿来"
)
# Words that spread a question over its parts (各是多少, 分别为).
_EACH = re.compile(r"[各均皆][是为有自]|分别[是为]?|各自")
# A count question's counted thing: 多少支球队, 几家企业.
# The currencies a sum is given in.
MONEY_UNITS = "元|美元|欧元|日元|英镑|港元"
# A unit a figure is given in (亿元, 美元, 千瓦时), not a thing a count question counts.
_UNIT_WORD = re.compile(
    rf"[万亿千百十兆]*(?:{MONEY_UNITS}|人民币|吨|瓦|千瓦|千瓦时|公里|千米|米|平方米|公顷)"
)
_COUNTED = re.compile(r"(?:多少|几)[个支家位种项名款部只条人次台辆座所]?([\u4e00-\u9fff]{2,8})")
# The most characters between the two of a word written apart (偷逃个人所得税 for 逃税).
SPLIT_WORD_GAP = 6
# A part of a whole is stated with it or in the sentences right after it.
SUBSET_SENTENCES = 2
# A claim defining a term takes no more than a word or two (of this many characters) from
# a cited sentence about something else.
UNNAMED_CHARS = 4
# A claim giving a definition in so many words ("定义…为", "是指", "refers to"), and a
# sentence saying what something is at all (是, 即, 指, 为, "：", "is", "means" …).
_DEFINES_WORD = re.compile(
    r"定义|界定|是指|指的是|所谓|\bdefine[sd]?\b|\brefers? to\b|\bmeans\b", re.IGNORECASE
)
_SAYS_WHAT = re.compile(
    r"是|即|指|为|称|[:：]|\b(?:is|are|was|were|means?|refers?|called|defined)\b", re.IGNORECASE
)
# Words saying what a term is ("T是指…", "T：…"); after the term a claim opens with, in
# English too.
DEFINING = r"(?:是指|指的是|就是|意味着|定义为|即|是|指|[:：])"
_DEFINING_AFTER = re.compile(rf"[”\"]?\s*(?:{DEFINING}|(?:is|are|refers? to|means)\b)")
# A list item's marker: "- ", "• ", "* ".
LEAD_MARKER = re.compile(r"^(?:[-*•·]\s*)+")
# Words for one thing said in several ways: a direction of change (asked how much
# something rose, 进步 or 增长, a sentence saying it 提升 by so much answers it), an
# improvement in either direction (改进: resources 减少, speed 提升), a founding, a launch.
_RISE = frozenset({"增长", "增加", "提升", "提高", "上升", "上涨", "进步", "增幅", "涨幅", "增速"})
_FALL = frozenset({"下降", "减少", "降低", "下滑", "下跌", "回落", "降幅", "跌幅", "缩减"})
_CHANGE_WORDS = (
    _RISE,
    _FALL,
    # (After the two directions: a word of either asks that direction.)
    frozenset({"改进", "改善", "优化", *_RISE, *_FALL}),
    # A founding and a launch, each in the words a report may write it with: "舒畅出资设立了
    # 零壹空间" says who 创立 it.
    frozenset({"创立", "创办", "创建", "设立", "成立", "组建", "建立", "创始"}),
    frozenset({"发布", "推出", "上线", "亮相", "面世", "问世", "首发"}),
)
# A deadline, asked as 截止 (截止时间, 报名截止): a report writes it as 截至/截止, or as the
# end of a span ("2021年12月1日至2022年8月10日18时前", "到月底为止", "8月10日前").
_DEADLINE_TERMS = frozenset({"截止", "截至"})
_ENDS_BY = re.compile(
    r"截[止至]|为止|[至到][^，。；！？,;]{1,24}?(?:前|止)|[日时点月年]前|之前|以前"
)
# What a report does with what it writes of: the question's verb for the report.
_REPORTING = frozenset({
    "展示", "介绍", "提到", "提及", "指出", "认为", "记录", "记载", "列举",
    "列出", "给出", "描述", "描绘", "总结", "梳理", "整理", "引用", "预测",
    "统计", "估计", "显示", "表示", "写道", "说", "称", "披露", "盘点",
    "点名", "评价", "看待", "分析", "讨论", "强调", "谈到", "谈及", "论述",
    "阐述", "解读", "展望",
})  # fmt: skip
# Words naming the kind of what a question asks about (智能医疗领域, 汽车行业): they tell
# what 智能医疗 is, and a sentence on any other field says 领域 too.
_KIND_NOUNS = frozenset({"领域", "行业", "板块", "方面", "类别", "门类", "赛道"})
# A line that may be a heading: short, no clause or label punctuation (a caption's
# "来源：…" is none).
_HEADING_LINE = re.compile(r"[^：:，,。；！？;!?]{1,40}")
SECTION_TITLE_CHARS = 3  # a shorter title (算力) is a word many questions use otherwise
# A bulleted line: an item of a run.
_LIST_ITEM = re.compile(r"^[-*•·●▪]\s*\S")
# How many sentences an entry under a topic line may hold before the claim's sentence.
ENTRY_SENTENCES = 2
# Attributes asked together: 出游人次和收入, 算力与功率.
_JOINED = re.compile(r"和|与|及|以及|、")
JOINED_CHARS = 8
# What a Latin name may be written with or without.
_UNHYPHENATED = re.compile(r"[\s\-‐–]")
# One question of several asked at once, up to its question mark.
_SUB_QUESTION = re.compile(r"[^？?]*[？?]")
_QUOTED_TITLE = re.compile(r"《[^》]*》|“[^”]*”|「[^」]*」")
# A name in Latin script: capitalised, or with capitals or digits inside (visionOS, SG2042).
_LATIN_WORD = r"(?:[A-Z][A-Za-z0-9\-+.]*[A-Za-z0-9+]|[a-z]+[A-Z0-9][A-Za-z0-9\-]*)"
_LATIN_NAMES = re.compile(rf"\b{_LATIN_WORD}(?:\s+{_LATIN_WORD})*\b")
# A list marker, or markers: a model copying a bulleted sentence ("- 图像生成…") after
# its own "- " writes two. "1." before a digit opens a decimal (1.52亿美元), not an item.
_ITEM = re.compile(
    r"^\s*(?:(?:[-*•·●▪]|\(?\d{1,2}(?:\.(?!\d)|[)、）])|[①-⑳]|[（(][一二三四五六七八九十]+[)）])\s*)+"
)
# Where a line's inline items start: a circled number, after a semicolon, or a number in
# brackets after a pause ("…成为硬件新入口 (2) 将大模型作为独立app…"): a point of an
# enumeration, not a figure of the text ("GPT-4 (2023)").
_INLINE_ITEM = re.compile(
    r"(?=[①-⑳])|(?<=[；;])\s*|(?<=[\s，,。：:])(?=[（(][1-9]\d?[)）]\s*[\u4e00-\u9fffA-Za-z])"
)


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the sentences it rests on, and the verdict of the checks."""

    text: str
    evidence: tuple[Evidence, ...]
    supported: bool
    check: str = ""  # the check that failed: figure, subject, content
    detail: str = ""
    score: float = 0.0  # content support: coverage (Chinese) or cosine (English)
    asked: float | None = None  # the question's terms in the sentence stating it


def split_claims(text: str, listing: bool = False) -> list[str]:
    """An answer's claims: its lines, list items and sentences, markers removed; in a list
    (`listing`), also the items of an enumeration written on one line (甲、乙、丙), each
    stated by a sentence of its own."""
    text = MARKER.sub("", text)
    out: list[str] = []
    for line in _lines(text):
        for item in _inline_items(line):
            item = _ITEM.sub("", item).strip()
            if not item:
                continue
            spans = split_sentences(item) or [(0, len(item))]
            for start, end in spans:
                piece = item[start:end].strip(" ；;，,")
                if len(fold(piece)) < MIN_CLAIM_CHARS and not find_numbers(piece):
                    continue
                parts = _enumerated(piece) if listing else []
                out.extend(parts or _subset_parts(piece))
    return out


# A part of a figure stated as a whole's ("84家，其中97家…", "84 carriers, of which 97"):
# its own claim, which must come from where the whole is stated (`parts_with_wholes`).
_SUBSET = re.compile(r"[，,]\s*(?=其中|其余|(?:of (?:which|whom)|among them)\b)", re.IGNORECASE)


def _subset_parts(piece: str) -> list[str]:
    """A claim stating a figure and then a part of it ("…84家，其中97家…") as two claims,
    the part's opening with its subset word; [piece] for any other claim."""
    m = _SUBSET.search(piece)
    if m is None:
        return [piece]
    head, tail = piece[: m.start()].strip(), piece[m.end() :].strip()
    if not (find_numbers(head) and find_numbers(tail)) or len(fold(head)) < MIN_CLAIM_CHARS:
        return [piece]
    return [head, tail]


def _opens_subset(claim: str) -> bool:
    """Whether a claim opens with a subset word: it states a part of the claim before it."""
    return bool(_SUBSET.match(f", {claim}"))


def _subset_apart(whole: ClaimResult, part: ClaimResult) -> bool:
    """Whether a part's figure (`part`, "其中97家…") is stated away from its whole's
    (`whole`, "84家创新载体"): not in the sentence stating the whole nor in the two right
    after it in its passage. A passage's "其中" is about what that passage just said."""
    if not whole.supported or not part.supported:
        return False
    return not any(
        p.n == q.n and 0 <= t.id - s.id <= SUBSET_SENTENCES
        for p, s in whole.evidence
        for q, t in part.evidence
    )


def parts_with_wholes(results: Sequence[ClaimResult]) -> list[ClaimResult]:
    """Checked claims, with a claim stating a part of the figure before it ("其中97家…"
    after "84家创新载体") kept only where its passage states the part with the whole: a
    "其中" of another passage is a part of something else (enterprises, not innovation
    carriers)."""
    out = list(results)
    for i in range(1, len(out)):
        if _opens_subset(out[i].text) and _subset_apart(out[i - 1], out[i]):
            why = "it gives a part of a figure that another passage states the whole of"
            out[i] = replace(out[i], supported=False, check="subset", detail=why)
    return out


def _inline_items(line: str) -> list[str]:
    """A line's items written inline (①…②…, or parted by ；), never parting a title:
    《实施额外出口管制:某些先进计算物项;超级计算机和半导体最终用途》 is one name."""
    titles = [m.span() for m in _QUOTED_TITLE.finditer(line)]
    cuts = [
        m.end()
        for m in _INLINE_ITEM.finditer(line)
        if m.start() > 0 and not any(a < m.start() < b for a, b in titles)
    ]
    bounds = [0, *cuts, len(line)]
    return [line[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


# Where a Chinese sentence's clauses part; a clause shorter than CLAUSE_CHARS (folded) is
# a frame ("截至2023年底") read with the clause after it.
_CLAUSE_BREAK = re.compile(r"(?<=[，；;])")
# With a half-width comma too (not one inside a figure: 1,000).
_CLAUSE_BREAK_WIDE = re.compile(rf"{_CLAUSE_BREAK.pattern}|(?<=,)(?!\d)")
CLAUSE_CHARS = 10


# A figure a claim gives this many times or more is given for several things.
REPEATED_FIGURE = 3


def _repeated_figure(claim: str, cited: str) -> str:
    """A figure the claim gives REPEATED_FIGURE times or more, for as many things
    ("分别为240亿美元、240亿美元、240亿美元"), where its cited sentences give it fewer times:
    they state it of fewer things ('' when none)."""
    given = find_numbers(claim)
    stated = find_numbers(cited)
    for n in given:
        times = sum(1 for m in given if m.value == n.value)
        if times >= REPEATED_FIGURE and sum(1 for m in stated if supported(m, [n])) < times:
            return n.text
    return ""


def clauses(claim: str, figure: bool = False, half_width: bool = False) -> list[str]:
    """A Chinese claim's clauses, each long enough to state something ([claim] when it has
    one, or is not Chinese: English commas part too much that belongs together). A short
    tail goes with the clause before it — unless, for a claim that failed on a figure
    (`figure`), the tail gives a figure of its own: it may be the one not stated. With
    `half_width`, a half-width comma parts clauses too."""
    if han_share(claim) < 0.3:
        return [claim]
    out: list[str] = []
    pending = ""
    for piece in (_CLAUSE_BREAK_WIDE if half_width else _CLAUSE_BREAK).split(claim):
        pending += piece
        if len(fold(pending.strip(" ，；;。"))) >= CLAUSE_CHARS:
            out.append(pending.strip(" ，；;"))
            pending = ""
    tail = pending.strip(" ，；;")
    if out and tail.strip("。"):
        if figure and find_numbers(tail):
            out.append(tail)  # "全年大约1000件": the figure a figure check failed on
        else:
            out[-1] = f"{out[-1]}，{tail}"  # a short tail ("占全国的10%")
    return out if len(out) > 1 else [claim]


# A bare answer ("42%", "CIPU") is shown as the words of its sentence around it, at least
# this many characters of them: the figure with what it measures, the name with what it
# does. A claim is bare when shorter than BARE_CHARS and written verbatim in its sentence.
# A clause break inside a figure (3,500; a score or a time, 61:83, 18:30) is none.
# A topic line ("特斯拉：人型机器人采用自动驾驶视觉神经网络算法和Dojo计算平台") is as short as
# a heading and ends without a stop.
TOPIC_LINE_CHARS = 40
# A table's unit line stands in its heading or at most this far above a row.
TABLE_UNIT_CHARS = 400
STATEMENT_END = frozenset("。.!！?？；;…")
STATED_CHARS = 12
BARE_CHARS = 20
_SENTENCE_CLAUSE = re.compile(r"(?<=[，；：;])|(?<=[,:])(?!\d)")
CLAIM_STOPS = "。.!！?？；;，,：: "


def text_above(passage: Passage, sentence: Sentence) -> str:
    """Where a table row's unit line stands: its heading, and its passage's text up to
    TABLE_UNIT_CHARS above it."""
    chunk = passage.hit.chunk
    above = chunk.text[: sentence.offset][-TABLE_UNIT_CHARS:]
    return f"{heading_at(chunk, sentence.offset)}\n{above}"


def _table_row(sentence: str) -> bool:
    """Whether a cited sentence is a table's row (cells between tabs, or spaced figures)."""
    return "\t" in sentence or row_like(sentence)


def stated_in_full(claim: str, sentence: str) -> str:
    """A bare claim — words the cited sentence writes verbatim, shorter than a statement —
    as the clauses of that sentence that hold it; the claim itself otherwise."""
    core = claim.strip().rstrip(CLAIM_STOPS)
    squeezed = fold(re.sub(r"\s+", "", core))
    if not squeezed or len(core) >= BARE_CHARS:
        return claim
    if _table_row(sentence):
        return claim  # a table's row is no clause: its cells are named by its header
    parts = [c for c in _SENTENCE_CLAUSE.split(sentence.strip()) if c.strip()]
    squeezed_parts = [fold(re.sub(r"\s+", "", c)) for c in parts]
    at = next((i for i, c in enumerate(squeezed_parts) if squeezed in c), None)
    if at is None:
        return claim  # words of its own: a statement, or a paraphrase the checks passed
    start, end = at, at + 1
    # Clauses say what words shorter than a clause are ("2023年10月18日" is when an agency
    # released the initiative): they add at least STATED_CHARS to them.
    least = STATED_CHARS + (len(core) if len(core) < STATED_CHARS else 0)
    while sum(len(c.strip()) for c in parts[start:end]) < least:
        if end < len(parts):
            end += 1
        elif start > 0:
            start -= 1
        else:
            break
    full = "".join(parts[start:end]).strip().rstrip(CLAIM_STOPS)
    tail = claim.strip()[len(core) :]  # the claim's own full stop
    return full + tail if len(full) > len(core) else claim


# A figure claim is shown as the clauses of its sentence that state its figures when those
# run no longer than this: the report's own words keep the figure's qualifiers (超过, 近,
# 预计) and what it measures, which a paraphrase drops ("400亿美元" for "超过了400亿美元").
FIGURES_IN_FULL_CHARS = 160
FIGURES_IN_FULL_SHARE = 0.5


def figure_clauses(claim: str, sentence: str) -> str:
    """The clauses of `sentence` that state the claim's figures other than years, from the
    first to the last of them, with the clauses before them that state no other figure
    ("截至2023年底，", what the sentence is about); '' when the sentence does not state
    them all or the claim states none."""
    figures = [n for n in find_numbers(claim) if not _YEAR.fullmatch(n.text)]
    if not figures:
        return ""
    parts = [c for c in _SENTENCE_CLAUSE.split(sentence.strip()) if c.strip()]
    where = []
    for figure in figures:
        at = next((i for i, c in enumerate(parts) if not unsupported_numbers(figure.text, c)), None)
        if at is None:
            return ""
        where.append(at)
    start, end = min(where), max(where) + 1
    # Back to where the sentence names what it is about, but not over another figure (the
    # neighbour's "北京市…2,200家，" before "上海市…1,100家").
    while start > 0 and not _measures(parts[start - 1]):
        if sum(len(c) for c in parts[start - 1 : end]) > FIGURES_IN_FULL_CHARS:
            break
        start -= 1
    return "".join(parts[start:end]).strip().rstrip(CLAIM_STOPS)


def _other_year(text: str, asked: set[str]) -> str:
    """The year `text` dates its figure to, when it names years and none of `asked` and
    states a figure besides them; '' otherwise."""
    numbers = find_numbers(text)
    # A year it counts from or compares with ("从2022年开始…，2023年…为73.3亿元") dates
    # nothing: asked about 2022, that figure is 2023's. (A span's end, 至2022年, dates it.)
    compared = {y for m in _SINCE_YEAR.finditer(text) for y in _YEAR.findall(m[0])}
    years = {n.text for n in numbers if _YEAR.fullmatch(n.text)} - compared
    if not years or asked & years or all(_YEAR.fullmatch(n.text) for n in numbers):
        return ""
    return min(years)


def _measures(text: str) -> bool:
    """Whether `text` states a figure other than a year."""
    return any(not _YEAR.fullmatch(n.text) for n in find_numbers(text))


def figures_in_full(claim: str, sentence: str, language: str = "") -> str:
    """A claim stating figures that one sentence in its language states, as that
    sentence's `figure_clauses`; the claim itself otherwise, or when those clauses say no
    more than it does or say something else. Figures alone ("61:83") are in no language:
    the clauses of a sentence in the answer's `language` say what they are."""
    core = claim.strip().rstrip(CLAIM_STOPS)
    worded = re.search(r"[A-Za-z\u4e00-\u9fff]", core) is not None
    own = detect_language(core) if worded else language
    if own != detect_language(sentence) or _table_row(sentence):
        return claim  # (a table row's cells are no clauses: which cell is which is its header's)
    full = figure_clauses(core, sentence)
    if len(full) <= len(core) or len(full) > FIGURES_IN_FULL_CHARS:
        return claim
    # What the claim says the clauses must mostly say too: they replace it, not add to it.
    if not _says_mostly(full, core):
        return claim
    return full + claim.strip()[len(core) :]


def _says_mostly(full: str, core: str) -> bool:
    """Whether `full` (the report's words shown for a claim) holds at least
    `FIGURES_IN_FULL_SHARE` of the claim's own words (figures aside)."""
    words = {fold(t) for t in tokenize(core) if len(t) > 1 and not t[0].isdigit()}
    folded = fold(full)
    return not words or sum(w in folded for w in words) >= FIGURES_IN_FULL_SHARE * len(words)


# A fact's or a figure's claim is shown as the whole sentence it cites when that sentence
# is no longer than this: what the figure measures, when, and against what ("超过42%，
# 去年为30%") are the report's own words, which a short paraphrase drops.
SENTENCE_IN_FULL_CHARS = 100
# How a whole sentence ends: its stop, with any closing quote or bracket after it.
_SENTENCE_END = re.compile(r"[。！？!?；;.…][”’」』)）\]】\"']*\s*$")


def sentence_in_full(claim: str, sentence: str) -> str:
    """A claim as the whole sentence it cites — when that sentence is in its language,
    short (`SENTENCE_IN_FULL_CHARS`), states every figure of the claim and mostly its
    words, and no clause stating the same measure for something else (another city's
    figure beside the one asked about would be shown as if asked for; the year before's,
    or what the figure equals, is what it is said with); the claim itself otherwise."""
    core = claim.strip().rstrip(CLAIM_STOPS)
    full = one_line(sentence).strip().rstrip(CLAIM_STOPS)
    if not core or detect_language(core) != detect_language(full) or _table_row(sentence):
        return claim
    if not _SENTENCE_END.search(sentence):
        return claim  # a sentence a passage's edge cut ("…介绍了一种名为直") is no sentence
    if len(full) <= len(core) or len(full) > SENTENCE_IN_FULL_CHARS:
        return claim
    if unsupported_numbers(core, full):
        return claim  # figures from another sentence too: one sentence does not say it all
    if _parallel_clause(full, core):
        return claim  # another city's, company's or year's figure for the same measure
    if not _says_mostly(full, core):
        return claim
    return full + claim.strip()[len(core) :]


# A list the report states within one sentence is shown as that sentence (up to its last
# item) when it is no longer than this: read at once, with what the items are — the date,
# who named them, what for — in the report's words.
LIST_IN_FULL_CHARS = 160


def list_in_full(items: Sequence[str], sentence: str) -> str:
    """The sentence that enumerates `items`, from its start through the clause of its last
    item ("2023 年 4 月 25 日,美国消费者金融保护局、…和联邦贸易委员会发布了《…联合声明》");
    '' when it does not write them all verbatim (of three or more, one miscopied — "等级就
    业机会委员会" for 平等… — is still its item), asks (a question quoted as a heading lists
    nothing), is a table's row, or is longer than `LIST_IN_FULL_CHARS`."""
    full = one_line(sentence).strip()
    if not items or _table_row(sentence) or full.endswith(("？", "?")):
        return ""
    # (`fold` drops whitespace: "2023 年" and "2023年" are one.)
    cores = [c for c in (fold(i.strip().rstrip(CLAIM_STOPS)) for i in items) if c]
    written = [c for c in cores if c in fold(full)]
    if len(written) < max(2, len(items) - (len(items) >= 3)):
        return ""
    parts = [c for c in _SENTENCE_CLAUSE.split(full) if c.strip()]
    last = max(
        next(i for i in range(len(parts)) if c in fold("".join(parts[: i + 1]))) for c in written
    )
    shown = "".join(parts[: last + 1]).strip().rstrip("，,；;：:、 ")
    return shown if len(shown) <= LIST_IN_FULL_CHARS else ""


def holds_claim(text: str, claim: str) -> bool:
    """Whether `text` says `claim` again, in other spacing or punctuation too: every figure
    of it with most of its words ("Gartner 预计 2024 年，全球半导体收入将增长 17%" holds
    "2024年全球半导体收入将增长17%")."""
    if fold(claim) in fold(text):
        return True
    return (
        bool(find_numbers(claim))
        and not unsupported_numbers(claim, text)
        and _says_mostly(text, claim)
    )


# An English compound written with hyphens ("cost-of-compliance") is its words.
_ENGLISH_COMPOUND = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")


def _measure_words(text: str) -> set[str]:
    """The (folded) words `text` says its figures with: its words, figures, stopwords and
    units aside (人民币 of "100亿元人民币" is what 元 is, not what the figure measures)."""
    return {
        fold(part)
        for t in tokenize(NUMBER_PATTERN.sub(" ", _CURRENCY.sub(" ", text)))
        for part in (t.split("-") if _ENGLISH_COMPOUND.fullmatch(t) else [t])
        if len(part) > 1 and fold(part) not in STOPWORDS
    }


# A currency named after a sum (100亿元人民币, 100 billion yuan).
_CURRENCY = re.compile(r"人民币|\b(?:yuan|RMB|renminbi|dollars?|USD|euros?)\b", re.IGNORECASE)


def _parallel_clause(full: str, core: str) -> bool:
    """Whether a clause of `full` states a figure `core` does not (a date aside) with most
    of the words `core` states its own with: the same measure, for another subject
    ("北京市人工智能企业数量为2,200家" beside Shanghai's)."""
    words = _measure_words(core)
    figures = find_numbers(core)
    for clause in _FIGURE_CLAUSE.split(full):
        own = [f for f in unsupported_numbers(clause, core) if not _YEAR_ONLY.fullmatch(f)]
        if not own or len(dropped_numbers(core, clause)) < len(figures):
            continue  # no figure of its own, or the claim's own clause ("从30%升至42%")
        if not words:
            return True  # nothing tells what the claim's figure measures
        folded = fold(clause)
        if sum(w in folded for w in words) >= MEASURE_SHARE * len(words):
            return True
    return False


def _enumerated(piece: str) -> list[str]:
    """The items of a bare enumeration — three or more short phrases joined by 、 and
    nothing else (no comma, no sentence around them) — or [] when `piece` is not one."""
    body = piece.rstrip("。.")
    parts = [p.strip() for p in body.split("、")]
    if len(parts) < 3 or re.search(r"[，,：:；;]", body):
        return []
    if any(not p or len(p) > ENUMERATED_ITEM_CHARS for p in parts):
        return []
    return parts


def join_lines(text: str) -> str:
    """`text` with line breaks inside sentences joined: the form claims are cut from."""
    return "\n".join(_lines(text))


def _lines(text: str) -> list[str]:
    """Lines that are items or whole statements; a line break inside a sentence is joined."""
    lines: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        joins = lines and not _ITEM.match(lines[-1]) and not _ITEM.match(raw)
        if joins and not re.search(r"[。.!！?？；;:：]\s*$", lines[-1]):
            lines[-1] += raw.strip()
        else:
            lines.append(raw)
    return lines


class ClaimChecker:
    """Checks claims against the sentences they cite, for one analysed question."""

    def __init__(
        self,
        analysis: QuestionAnalysis,
        idf: Mapping[str, float],
        default_idf: float,
        labels: Mapping[str, str],
        similarity: Similarity | None = None,
        reports: ReportNames | None = None,
        lead_in: Callable[[Chunk], str] | None = None,
        text_before: Callable[[Chunk], str] | None = None,
        repeated_lines: Callable[[str], frozenset[str]] | None = None,
        document_text: Callable[[str], str] | None = None,
    ) -> None:
        self.analysis = analysis
        # The sentences just before a passage in its document (where a chunk boundary cut
        # "《自然》杂志选出了…。其中，…" apart), '' when they are under another heading.
        self.lead_in = lead_in
        # All of the document's text before a passage under the same heading, as far as
        # the passage before it reaches (a run of entries begun there: its opening label).
        self.text_before = text_before
        # The lines a document writes on their own more than once, folded: the headings
        # every chapter repeats (行业预测, 2023 chronicle of events 大事记).
        self.repeated_lines = repeated_lines
        # A document's text as its passages quote it, by offset (what lies between two
        # shown passages: whether a sentence stands under a heading read further up).
        self.document_text = document_text
        self.idf = idf
        self.default_idf = default_idf
        self.labels = labels  # doc -> title, publisher, source
        self.similarity = similarity
        self.reports = reports
        self._shown_texts: tuple[str, ...] = ()  # what the model was shown, folded
        self._shown_passages: tuple[Passage, ...] = ()
        self._question = fold(analysis.question)
        # The question's terms a sentence stating its answer should hold (answer slot aside).
        self._question_terms = key_terms(asked_text(without_answer_slot(analysis.question)))
        # Words naming the question's own reports are no content of a claim.
        named = " ".join(labels.get(d, "") for d in analysis.docs)
        self._named = fold(named)
        self._named_latin = frozenset(fold(t) for t in tokenize(named) if not han_share(t))
        # A translated question's words are the model's guesses at the report's (视频量 for
        # 体积视频): a claim echoing them is not unsupported for it, so its content may also
        # be read without them. The subject check still holds the figure to its subject.
        self._guessed = (
            frozenset(fold(t) for t in tokenize(analysis.question)) if analysis.original else None
        )
        # The names the question gives, in either language: none of them is a rival.
        self._asked = (
            *(fold(e) for e in analysis.entities),
            *(fold(z) for z in analysis.terms_zh),
            *(fold(z) for zs in analysis.entities_zh.values() for z in zs),
        )

    def check_all(
        self, claims: Sequence[str], chosen: Sequence[Evidence], passages: Sequence[Passage]
    ) -> list[ClaimResult]:
        """Each claim with its evidence and verdict."""
        sims = self._similarities(claims, chosen)
        out: list[ClaimResult] = []
        for i, claim in enumerate(claims):
            result = self.check(claim, chosen, passages, sims[i] if sims else None)
            if result.supported:
                trimmed = self._stated_clauses(claim, result)
                if trimmed is not None:
                    kept, dropped = trimmed
                    again = self.check(kept, chosen, passages)
                    if again.supported:
                        out.extend(self._each_answer(kept, again, chosen, passages))
                        out.extend(
                            ClaimResult(d, result.evidence, False, "content", UNSTATED_CLAUSE)
                            for d in dropped
                        )
                        continue
                out.extend(self._each_answer(claim, result, chosen, passages))
                continue
            subject = result.check == "subject"
            parts = clauses(claim, result.check == "figure", half_width=subject)
            if len(parts) > 1 and (
                result.check in ("content", "figure") or (subject and self._each_named(parts))
            ):
                # A sentence joining a stated fact and an unstated one ("起售价3,500美元，
                # 运行visionOS"), or statements of several subjects each naming its own
                # ("CATL的电池为500Wh/kg，Amprion的为400Wh/kg", stated by two sentences):
                # its clauses are checked one by one, and only the ones stated are shown.
                part_sims = self._similarities(parts, chosen)
                each = [
                    self.check(part, chosen, passages, part_sims[j] if part_sims else None)
                    for j, part in enumerate(parts)
                ]
                # The first clause names what the sentence is about; a later clause
                # alone ("体重为2000公斤左右") has lost its subject, so clauses are kept only
                # after a stated first one.
                if each[0].supported:
                    out.extend(each)
                    continue
            out.append(result)
        return out

    def _stated_clauses(self, claim: str, result: ClaimResult) -> tuple[str, list[str]] | None:
        """A held claim less its clauses after the first that state nothing its sentences
        or the question say — no word of theirs is written there ("…专用卫星通信协议，这种
        技术更先进和高效" cited to a table row that calls it neither) — with those clauses;
        None when every clause says something stated. A claim is held as a whole when most
        of its words are stated; a clause the model added of its own is not, whatever the
        rest of the claim states. Across languages words cannot be looked up: not checked."""
        if any(_cross_lingual(claim, s.text) for _p, s in result.evidence):
            return None
        parts = clauses(claim)
        if len(parts) < 2:
            return None
        own = " ".join(self._context(p, s, wide=False) for p, s in result.evidence)
        dropped = []
        for part in parts[1:]:
            words = [
                t
                for t in tokenize(part)
                if len(t) > 1 and not find_numbers(t) and fold(t) not in STOPWORDS
            ]
            if len(words) < UNSTATED_WORDS:
                continue
            if not any(_holds(own, w) or _holds(self._question, w) for w in words):
                dropped.append(part)
        if not dropped:
            return None
        kept = claim
        for part in dropped:
            at = kept.find(part)
            if at < 0:
                return None
            before = kept[:at].rstrip(" ，,；;")
            kept = before + kept[at + len(part) :]
        kept = kept.strip(" ，,；;")
        return (kept, dropped) if kept else None

    def _each_named(self, parts: Sequence[str]) -> bool:
        """Whether each clause names a subject of the question, no two the same one."""
        named = [
            next((e for e in self.analysis.entities if fold(e) in fold(part)), None)
            for part in parts
        ]
        return None not in named and len(set(named)) == len(named)

    def _each_answer(
        self,
        claim: str,
        result: ClaimResult,
        chosen: Sequence[Evidence],
        passages: Sequence[Passage],
    ) -> list[ClaimResult]:
        """A claim answering a question of several parts in one sentence, a figure per
        clause ("GPT-4于11月6日发布，腾讯报告认为它比GPT-3.5进步了40%"): each clause is
        checked as a claim of its own, since the claim as a whole need only be about one
        part's subjects. A clause whose figure belongs to another subject or year is
        dropped and the clauses that pass on their own kept — or, when none does (they
        lean on the subject the first one named), the whole claim is dropped for it."""
        if len(_questions(self.analysis.question)) < 2:
            return [result]
        parts = clauses(claim)
        if len(parts) < 2 or not all(find_numbers(part) for part in parts):
            return [result]
        each = [self.check(part, chosen, passages) for part in parts]
        wrong = [r for r in each if not r.supported and r.check in ("subject", "year")]
        if not wrong:
            return [result]
        if any(r.supported for r in each):
            return each
        # The other clauses, read without the subject the first one named, state nothing
        # on their own: the claim states a figure of another subject, and is dropped.
        return [replace(result, supported=False, check=wrong[0].check, detail=wrong[0].detail)]

    def check(
        self,
        claim: str,
        chosen: Sequence[Evidence],
        passages: Sequence[Passage],
        sims: Sequence[float] | None = None,
    ) -> ClaimResult:
        """Whether `claim` is stated by the chosen sentences it echoes — or, when those
        fail a check, by another shown sentence that states it and passes every check on
        its own (the model cited the wrong one of two sentences giving the same answer:
        "随后出场的是谢尔巴科娃" for the one saying she took the gold). The claim is then
        cited from that sentence."""
        result = self._check_cited(claim, chosen, passages, sims)
        if result.supported or result.check not in _RECITABLE:
            return result
        for candidate in self._other_statements(claim, result.evidence, passages):
            again = self._check_cited(claim, (candidate,), passages)
            if again.supported:
                return again
        translated = self._translated_statement(claim, chosen, passages, sims)
        if translated is not None:
            candidate, cosine = translated
            again = self._check_cited(claim, (candidate,), passages, [cosine])
            if again.supported:
                return again
        return result

    def _translated_statement(
        self,
        claim: str,
        chosen: Sequence[Evidence],
        passages: Sequence[Passage],
        sims: Sequence[float] | None,
    ) -> tuple[Evidence, float] | None:
        """For a claim across languages that its named sentences were scored for by
        meaning (`sims`): the shown sentence it translates, with its cosine, when that one
        means the claim clearly better than every one the model named."""
        if sims is None or self.similarity is None:
            return None
        pool = [
            (p, s)
            for p in passages
            for s in p.sentences
            if (p, s) not in chosen and _cross_lingual(claim, s.text)
        ]
        if not pool:
            return None
        cosines = self.similarity([claim], [s.text for _p, s in pool])[0]
        at = max(range(len(pool)), key=lambda i: cosines[i])
        if cosines[at] < max(CLAIM_SIMILARITY, max(sims, default=0.0) + RECITE_MARGIN):
            return None
        return pool[at], cosines[at]

    def _other_statements(
        self, claim: str, cited: Sequence[Evidence], passages: Sequence[Passage]
    ) -> list[Evidence]:
        """Shown sentences besides `cited` that state the claim's answer in the claim's own
        language — every one of its figures, else the most of the words it adds to the
        question — about what the claim shares with the question (each such word in the
        sentence, the ones before it or its heading: 场馆全部使用绿色电力 states no
        吉祥物 that is 绿色); the best few. Each is read in the claim's language on its own:
        a claim of Latin names ("Adobe Express") cited to a Chinese sentence that lacks
        them may rest on the one beside it that writes them."""
        words = {fold(t) for t in tokenize(claim) if len(t) > 1 and fold(t) not in STOPWORDS}
        topic = {w for w in words if w in self._question and w not in REQUEST_WORDS}
        pool = [
            (p, s)
            for p in passages
            for s in p.sentences
            if (p, s) not in cited
            and not _cross_lingual(claim, s.text)
            and all(w in self._sentence_context(p, s) for w in topic)
        ]
        figures = find_numbers(claim)
        if figures:
            scored = [
                (sum(not unsupported_numbers(f.text, s.text) for f in figures), (p, s))
                for p, s in pool
            ]
            need = len(figures)
        else:
            added = words - topic
            scored = [(sum(t in fold(s.text) for t in added), (p, s)) for p, s in pool]
            need = 1
        ranked = sorted((t for t in scored if t[0] >= need), key=lambda t: -t[0])
        return [e for _n, e in ranked[:RECITED_CANDIDATES]]

    def _measured_elsewhere(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """Why a claim's figure is not what it says it is ('' when it may be): the cited
        sentence stating the figure (with its heading) holds less than `MEASURE_SHARE` of
        the words of the claim's clause that gives it — "2023年立项数量为97家" citing "97家
        企业被认定为小巨人企业", whose 97 counts something else. A figure is stated with
        what it measures; the entity the question names it of may be named just before
        ("腾讯云高性能计算集群 HCC …。算力调度总规模超过 1.5 亿核"), and what the whole
        document is about by its title and labels (an FAA rule on the 737 MAX need not say
        "737 MAX" in each cost row). An English word is held in any of its inflections
        ("hourly" by "per hour"), a hyphenated compound word by word. Only where claim,
        question and sentence share a language: a
        translated question's words are guesses at the report's ("空气冷却" for 风冷), and
        a translation's words are not the sentence's. Years are dates, not measures."""
        language = detect_language(claim)
        if self.analysis.original or any(detect_language(s.text) != language for _p, s in evidence):
            return ""
        entities = [fold(e) for e in self.analysis.entities if len(e) > 1]
        for clause in _FIGURE_CLAUSE.split(claim):
            plain = _DIMENSION.sub("", without_dates(clause))
            figures = [f for f in find_numbers(plain) if not _YEAR_ONLY.fullmatch(f.text)]
            words = _measure_words(clause)
            if not figures or not words:
                continue
            # Words of a named entity may be held by the sentences before the figure's.
            named = {w for w in words if any(w in e or e in w for e in entities)}
            for figure in figures:
                holders = [
                    (
                        fold(
                            f"{self._sentence_and_report(p, s)} {heading_at(p.hit.chunk, s.offset)}"
                        ),
                        self._sentence_context(p, s) if named else "",
                    )
                    for p, s in evidence
                    if not unsupported_numbers(figure.text, s.text)
                ]
                if not holders:
                    continue
                held = max(
                    sum(_holds(own, w) or (w in named and w in around) for w in words) / len(words)
                    for own, around in holders
                )
                if held < MEASURE_SHARE:
                    return (
                        f"the sentence stating {figure.text} is about something else "
                        f"(it holds {held:.0%} of the words the claim gives it with)"
                    )
        return ""

    def _check_cited(
        self,
        claim: str,
        chosen: Sequence[Evidence],
        passages: Sequence[Passage],
        sims: Sequence[float] | None = None,
    ) -> ClaimResult:
        """Whether `claim` is stated by the chosen sentences it echoes."""
        self._shown_texts = tuple(fold(p.hit.chunk.text) for p in passages)
        self._shown_passages = tuple(passages)
        evidence, score = self._evidence(claim, chosen, sims)
        if score < CLAIM_COVERAGE and detect_language(claim) == self._passage_language(passages):
            # The model named the wrong sentences; a claim another shown sentence states is
            # cited from that one.
            pool = [(p, s) for p in passages for s in p.sentences]
            better, better_score = self._evidence(claim, pool, None)
            if better_score > score:
                evidence, score = better[:1], better_score
        evidence = _named_rows(claim, self._figure_evidence(claim, evidence, chosen, passages))
        if not evidence:
            return ClaimResult(claim, (), False, "content", "no cited sentence states it", score)
        if all(_SOURCE_LINE.match(s.text) for _p, s in evidence) and not _ASKS_SOURCE.search(
            self.analysis.question
        ):
            # "来源：Pitchbook，未尽研究" under a chart says where its figures come from, and
            # answers no question but one asking that.
            why = "its cited sentence only names a chart's source"
            return ClaimResult(claim, evidence, False, "content", why, score)
        if all(
            _CREDIT_LINE.search(s.text.strip()) for _p, s in evidence
        ) and not _ASKS_MAKER.search(self.analysis.question):
            why = "its cited sentence only credits who made the report"
            return ClaimResult(claim, evidence, False, "content", why, score)
        other = self._other_report(claim, evidence)
        if other:
            return ClaimResult(
                claim,
                evidence,
                False,
                "report",
                f"it attributes to {other} what another report's sentence states",
                score,
            )
        # A chart's label ("图表 6:") numbers the chart: no figure it states, unless the
        # claim names the chart too.
        # Nor is the digit of a dimension or a generation ("3D", "5G", "6DoF") a figure.
        cited = " ".join(_CAPTION_LABEL.sub(" ", self._stated(p, s)) for p, s in evidence)
        cited = _DIMENSION.sub("", cited)
        stated = _DIMENSION.sub("", _ITEM_MARKER.sub(" ", _CAPTION_NAMED.sub(" ", claim)))
        bad = unsupported_numbers(stated, cited, self.analysis.question)
        if bad:
            return ClaimResult(
                claim, evidence, False, "figure", f"no cited sentence states {bad[0]}", score
            )
        measured = other_unit(stated, cited)
        if measured:
            why = f"no cited sentence states {measured} (its figure measures something else)"
            return ClaimResult(claim, evidence, False, "figure", why, score)
        repeated = _repeated_figure(_DIMENSION.sub("", claim), cited)
        if repeated:
            why = f"it gives {repeated} for more things than its cited sentences do"
            return ClaimResult(claim, evidence, False, "figure", why, score)
        column = _other_column(claim, evidence, self.analysis.question)
        if column:
            return ClaimResult(claim, evidence, False, "figure", column, score)
        dated = self._dated_otherwise(claim, evidence)
        if dated:
            return ClaimResult(claim, evidence, False, "year", dated, score)
        missing = self._missing_subject(claim, evidence)
        if missing:
            return ClaimResult(
                claim,
                evidence,
                False,
                "subject",
                f"the cited sentences state it for another subject, not {missing}",
                score,
            )
        numbered = self._outside_numbered(evidence)
        if numbered:
            return ClaimResult(
                claim,
                evidence,
                False,
                "heading",
                f"the question asks for the section numbered {self.analysis.ordinal} "
                f"({numbered}); no cited sentence stands in it",
                score,
            )
        empty = self._empty_section(evidence)
        if empty:
            return ClaimResult(
                claim,
                evidence,
                False,
                "heading",
                f"the question asks of {empty}, a heading with no body, and no cited "
                "sentence names it",
                score,
            )
        unheaded = self._unheaded(claim, evidence)
        if unheaded:
            return ClaimResult(
                claim,
                evidence,
                False,
                "heading",
                f"no cited sentence stands under the heading {unheaded}",
                score,
            )
        if (
            self.analysis.defines
            and _DEFINES_WORD.search(claim)
            and not any(_says_what(s.text) for _p, s in evidence)
        ):
            # "腾讯定义卫星到手机的直接连接为星链2.0 mini版本", citing "星链2.0 mini版本入轨":
            # a definition rests on a statement, not on an event line, a caption or a title.
            why = "it gives a definition and its cited sentences state nothing"
            return ClaimResult(claim, evidence, False, "content", why, score)
        entry = self._another_entry(evidence)
        if entry:
            return ClaimResult(
                claim,
                evidence,
                False,
                "subject",
                f"the cited entry is {entry}'s, not one the question asks of",
                score,
            )
        owner = self._figure_of_another(claim, evidence) or self._owned_otherwise(claim, evidence)
        if owner:
            return ClaimResult(claim, evidence, False, "subject", owner, score)
        if self.restates_question(claim):
            return ClaimResult(claim, evidence, False, "content", RESTATES, score)
        # A claim joining two cited facts ("$3,500, and it runs visionOS") may take a name
        # from any sentence the model cited, not only from the one its words match best.
        all_cited = (*evidence, *(e for e in chosen if e not in evidence))
        foreign = self._unstated_name(claim, all_cited)
        if foreign:
            return ClaimResult(
                claim,
                evidence,
                False,
                "content",
                f"it names {foreign}, which its cited sentences do not",
                score,
            )
        if not self._content_ok(claim, evidence, score):
            return ClaimResult(
                claim, evidence, False, "content", "its cited sentences do not state it", score
            )
        # Like a name, what a claim adds may come from any sentence the model cited.
        added = self._added_unstated(claim, all_cited)
        if added:
            return ClaimResult(
                claim,
                evidence,
                False,
                "content",
                f"its cited sentences do not state what it adds: {', '.join(added[:3])}",
                score,
            )
        asked = self._answer_sentence_share(claim, evidence)
        threshold = ANSWER_SENTENCE_COVERAGE * self._asked_scale
        if asked is not None and threshold and asked < threshold:
            return ClaimResult(
                claim,
                evidence,
                False,
                "asked",
                f"the sentence that states it is about something else (it holds {asked:.2f} "
                "of the question's terms)",
                score,
                asked,
            )
        unasked = self._unasked_attribute(claim, evidence)
        if unasked:
            return ClaimResult(
                claim,
                evidence,
                False,
                "attribute",
                f"the sentence that states it does not speak of what was asked ({unasked})",
                score,
                asked,
            )
        measured = self._measured_elsewhere(claim, evidence)
        if measured:
            return ClaimResult(claim, evidence, False, "figure", measured, score, asked)
        return ClaimResult(claim, evidence, True, score=score, asked=asked)

    # ------------------------------------------------------------------ evidence

    @staticmethod
    def _passage_language(passages: Sequence[Passage]) -> str:
        return detect_language(" ".join(s.text for p in passages[:2] for s in p.sentences[:3]))

    def _similarities(
        self, claims: Sequence[str], chosen: Sequence[Evidence]
    ) -> list[list[float]] | None:
        """Cross-lingual cosine of each claim with each chosen sentence, when it is needed."""
        if self.similarity is None or not claims or not chosen:
            return None
        if not any(_cross_lingual(c, s.text) for c in claims for _p, s in chosen):
            return None
        return self.similarity(claims, [s.text for _p, s in chosen])

    def _evidence(
        self, claim: str, chosen: Sequence[Evidence], sims: Sequence[float] | None
    ) -> tuple[tuple[Evidence, ...], float]:
        """The chosen sentences the claim rests on, and its best content score."""
        scored: list[tuple[float, Evidence]] = []
        for i, (p, s) in enumerate(chosen):
            if _cross_lingual(claim, s.text):
                value = sims[i] if sims else 0.0
                value = max(value, self._latin_coverage(claim, s.text))
            else:
                value = self._coverage(claim, self._own_text(claim, p, s))
            if overlap(claim, s.text) >= 100:
                value = max(value, 0.5 + 0.5 * value)  # a shared figure ties them
            scored.append((value, (p, s)))
        scored.sort(key=lambda t: -t[0])
        if not scored or scored[0][0] <= 0:
            return (), 0.0
        best = scored[0][0]
        keep = tuple(e for v, e in scored if v >= max(0.3, 0.6 * best))[:3]
        return keep, best

    def _figure_evidence(
        self,
        claim: str,
        evidence: tuple[Evidence, ...],
        chosen: Sequence[Evidence],
        passages: Sequence[Passage],
    ) -> tuple[Evidence, ...]:
        """Add the sentence that states each of the claim's figures, if a given one does."""
        out = list(evidence)
        question = self.analysis.question
        stated = " ".join(self._stated(p, s) for p, s in out)
        for figure in unsupported_numbers(claim, stated, question):
            pool = [*chosen, *((p, s) for p in passages for s in p.sentences)]
            match = next(
                (e for e in pool if not unsupported_numbers(figure, self._stated(*e))), None
            )
            if match is not None and match not in out:
                out.append(match)
        return tuple(out)

    @staticmethod
    def _stated(passage: Passage, sentence: Sentence) -> str:
        """What a sentence states of figures: its text, and for a row of a table whose unit
        line ("单位：万元", "(in millions)") stands in its heading or above it in its
        passage, its bare figures read in that unit too."""
        scale = table_unit(text_above(passage, sentence))
        return f"{sentence.text} {in_unit(sentence.text, scale)}" if scale else sentence.text

    # ------------------------------------------------------------------ checks

    def _other_report(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """A report the claim names as its source that none of its cited sentences is from."""
        if self.reports is None or not evidence:
            return ""
        named = self.reports.named(claim)
        if not named:
            return ""
        groups = {self.reports.group_of(d) for d in named}
        cited = {self.reports.group_of(d) for p, _s in evidence for d in p.hit.chunk.docs}
        if groups & cited:
            return ""
        return f"《{self.reports.label(named)}》"

    def _dated_otherwise(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """Why a claim's figure is another year's: asked about one year, the claim dates
        its figure only to others ("2023年清明档票房突破1.92亿元" for 2022's), or every
        sentence stating it does in the clauses that lead up to it ("2023年清明档总票房已
        突破1.92亿元，超过2022年…" dates it to 2023, whatever year the claim writes)."""
        asked = self._asked_years
        if len(asked) != 1 or self._asks_a_course:
            return ""
        year = next(iter(asked))
        dated = _other_year(claim, asked)
        if dated:
            return f"it dates its figure to {dated}, not {year}"
        spans = [c for _p, s in evidence if (c := figure_clauses(claim, s.text))]
        others = [_other_year(c, asked) for c in spans]
        if others and all(others):
            return f"it dates its figure to {others[0]}, not {year}"
        return ""

    @cached_property
    def _asked_years(self) -> set[str]:
        """The years the question asks about (a report title's year aside): worked out
        once, not per claim."""
        question = self.analysis.question
        return set(_YEAR.findall(self.reports.untitled(question) if self.reports else question))

    def _missing_subject(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """A subject of the question that is not named where the claim's figure is stated.

        A question asking two things ("新款机器人2024年几月上市？2022年深圳融资呢？") is
        answered claim by claim: a claim must be about the subjects of one of them — of
        the one whose subjects it names, when it names one part's only ("GPT-4于11月6日
        发布" answers "GPT-4是哪天发布的？", not "…比GPT-3.5进步了多少？")."""
        question = self.analysis.question
        parts = _questions(question)
        # One question asking two things in its clauses ("…如何定义AGI，以及GPT-4位于哪个
        # 位置？") is answered clause by clause too; a clause naming no subject of its own
        # ("…有多少家，增长了多少？") asks of the one before it.
        clauses = len(parts) < 2
        if clauses:
            parts = asked_parts(question) or parts
        entities = [
            e
            for e in self._of_its_alternatives(claim, self.analysis.entities)
            if e not in self._owning
        ]
        if len(parts) < 2:
            return self._missing_subject_of(claim, evidence, entities)
        anywhere = [e for e in entities if not any(fold(e) in fold(q) for q in parts)]
        own = [[e for e in entities if fold(e) in fold(q)] for q in parts]
        for i in range(1, len(parts)):
            if not own[i] and (clauses or POINTING.match(parts[i].strip())):
                # "这件事有什么意义？" asks of what the question before it asked about: its
                # subjects are that question's, not none.
                own[i] = own[i - 1]
        folded = fold(claim)
        named = [i for i, es in enumerate(own) if any(fold(e) in folded for e in es)]
        if len(named) == 1:
            own, parts = [own[named[0]]], [parts[named[0]]]
        missing = [self._missing_subject_of(claim, evidence, [*es, *anywhere]) for es in own]
        return "" if "" in missing else missing[0]

    @cached_property
    def _owning(self) -> frozenset[str]:
        """The question's names written only as another's owner (`owners`)."""
        return owners(self.analysis.question, self.analysis.entities)

    @cached_property
    def _joined(self) -> list[set[str]]:
        """The runs of the question's subjects joined by 和 (`_joined_subjects`): worked
        out once, not per claim."""
        return _joined_subjects(self._question, self.analysis.entities)

    def _of_its_alternatives(self, claim: str, entities: Sequence[str]) -> list[str]:
        """The subjects a claim must be about, less those joined to one it names ("Condor和
        Heron处理器有多少个量子位？" is asked of each: "Condor处理器有1121量子位" needs
        Condor's sentence, not Heron's)."""
        folded = fold(claim)
        out = list(entities)
        for group in self._joined:
            if any(fold(e) in folded for e in group):
                out = [e for e in out if e not in group or fold(e) in folded]
        return out

    def _missing_subject_of(
        self, claim: str, evidence: Sequence[Evidence], entities: Sequence[str]
    ) -> str:
        # A year alone dates what a fact states ("2023 年，中国风险资本…将在阵痛中寻找机会"
        # under the entry 下南洋): it is no figure owned by the subject its sentence names.
        dated_only = all(_YEAR_ONLY.fullmatch(n.text) for n in find_numbers(claim))
        has_figure = not dated_only or self.analysis.type == "number"
        entities = [*entities, *(t for t in self._defined if t not in entities)]
        if not has_figure and (
            self.analysis.type == "definition" or self._defining_claim(claim, entities)
        ):
            # A definition states what its term is where it names the term: the sentence
            # giving what the claim adds names it, or the two before it or its heading do —
            # not merely somewhere in its section (a sentence three paragraphs on is about
            # something else, whichever sentence the claim's echo of the term came from).
            # And what the claim says the term is comes from such sentences only: a cited
            # caption beside it ("数字交互引擎是腾讯量子实验室模型流程图") is about its figure.
            stating = self._stating(claim, evidence) or list(evidence)
            for entity in entities:
                if not (self._quoted_term(entity) or entity in self._defined):
                    continue
                forms = self._forms(entity)
                if not forms:
                    continue
                naming = [
                    (p, s)
                    for p, s in evidence
                    if any(f in self._sentence_context(p, s) for f in forms)
                ]
                if not any(e in naming for e in stating) or self._adds_unnamed(
                    claim, naming, [e for e in evidence if e not in naming]
                ):
                    return entity
        part = any(p.for_part for p, _s in evidence)
        sectioned = self.analysis.type in ("list", "definition", "overview")
        if not has_figure and part and not sectioned:
            # A comparison's part asking a fact is stated near the Latin name or the quoted
            # term it asks of, as a section's part is (below); its other subjects are
            # checked as any fact's are.
            near = next((e for e in entities if self._unnamed_near(e, evidence)), "")
            if near:
                return near
        elif not has_figure and sectioned:
            # What a section or a definition is about is its heading's business; a name
            # the question asks about (RLHF, ChatGLM), or the term it defines, is still
            # written in the section.
            if part:
                # A comparison's part is one report's few sentences on the name, read among
                # its other sections: a sentence about something else is no part of its
                # answer for sharing a section that mentions the name in passing (a Hunyuan
                # picture's caption, asked of Gemini's versions). The name is written near
                # the sentence: in it, the two before or the one after, or its heading.
                return next((e for e in entities if self._unnamed_near(e, evidence)), "")
            return next((e for e in entities if self._unnamed_in_section(e, evidence)), "")
        # A figure belongs to the subject named where the figure is stated, not to one
        # named in another cited sentence — nor in one that only shares its year ("2023
        # 年，京津冀…178 起" beside "至 2023 年…590 起", which states China's).
        stating = [
            (p, s) for p, s in evidence if find_numbers(claim) and not _lacks_measures(claim, s)
        ]
        evidence = stating or evidence
        missing = self._unnamed_subject(claim, evidence, entities, has_figure)
        if missing or not has_figure or len(evidence) < 2:
            return missing
        # Each figure belongs to the subject named where it is stated: a claim joining the
        # figures of several sentences ("QLoRA…65B参数模型，需要2万亿个tokens训练") is not
        # about the subject where a figure's own sentences leave it unnamed and name another
        # subject of its kind instead (Llama 2's sentence). (One that names none, "该集群共有
        # 3072核", is about what the other cited sentence names.)
        for n in find_numbers(claim):
            own = [(p, s) for p, s in evidence if not unsupported_numbers(n.text, s.text)]
            if _YEAR_ONLY.fullmatch(n.text) or not own or len(own) == len(evidence):
                continue
            missing = self._unnamed_subject(claim, own, entities, has_figure)
            if missing and self._rivalled(missing, own, claim):
                return missing
        return ""

    def _rivalled(self, entity: str, evidence: Sequence[Evidence], claim: str) -> bool:
        """Whether every sentence of `evidence` names another subject of the entity's kind
        — for a name in Latin letters (QLoRA), another Latin name the question does not
        write (Llama)."""
        forms = self._forms(entity)
        if not forms:
            return False
        if all(self._rival(entity, forms, p, s, claim) for p, s in evidence):
            return True
        if han_share(entity) > 0:
            return False
        asked = fold(self.analysis.question)
        return all(
            any(kind == "latin" and fold(w) not in asked for w, kind in names_in(s.text))
            for _p, s in evidence
        )

    def _unnamed_subject(
        self, claim: str, evidence: Sequence[Evidence], entities: Sequence[str], has_figure: bool
    ) -> str:
        """The first of `entities` that the sentences stating a claim (`evidence`) do not
        make its subject: not named where the figure is stated, nor just before, nor in
        its passage; or named beside another subject of its kind."""
        for entity in entities:
            if _YEAR.fullmatch(entity):
                # A figure besides years ("377.2亿美元"); a year alone may be an epithet's
                # ("2021年美网女单冠军").
                measured = any(not _YEAR.fullmatch(n.text) for n in find_numbers(claim))
                if not any(self._year_ok(entity, p, s, has_figure, measured) for p, s in evidence):
                    return entity
                continue
            forms = self._forms(entity)
            if not forms:
                if has_figure and any(_other_version(entity, s.text) for _p, s in evidence):
                    return entity  # Claude 2's date for Claude 3's
                if has_figure and self._rival_by_meaning(entity, evidence):
                    return entity
                if self._never_written(entity, evidence):
                    return entity  # Airbus A320neo, asked of a shelf on the 737 MAX
                continue  # a name the corpus does not use as written cannot be checked
            # A place in the publisher's name (深圳市…协会) says where the report is made,
            # not what each of its figures measures: China's, the world's or Shenzhen's.
            # Nor, where the question names the place apart from its report ("深圳白皮书
            # …深圳人工智能应用层企业"), what any sentence of the report is about.
            place = _kinds([entity]) == _PLACE
            labels = not (place and (has_figure or self._names_a_report(entity)))
            if has_figure and self._variants_figure(claim, entity, evidence):
                return entity  # GPT-4 Turbo's date for GPT-4's
            # A figure said after a run of names ("驶入北京、武汉、重庆、深圳、上海五城") is
            # none of theirs alone (`_writes`).
            if any(
                _writes(forms, self._sentence_and_report(p, s, labels=labels), has_figure)
                for p, s in evidence
            ):
                continue  # named in the sentence that states the claim, or by its report
            if has_figure and all(self._rival(entity, forms, p, s, claim) for p, s in evidence):
                return entity  # the figure's own sentence names another subject of its kind
            if any(
                _writes(forms, self._context(p, s, wide=False, labels=labels), has_figure)
                for p, s in evidence
            ):
                continue  # named just before it (a subject named once, then "其…")
            in_passage = [
                (p, s)
                for p, s in evidence
                if _writes(forms, self._context(p, s, wide=True, labels=labels), has_figure)
            ]
            if not in_passage:
                if entity in self.analysis.sources and any(
                    f in text for f in forms for text in self._shown_texts
                ):
                    continue  # a source, named where the report cites it, not by each figure
                return entity
            if has_figure and all(self._rival(entity, forms, p, s, claim) for p, s in in_passage):
                return entity  # the figure's sentence names another subject of its kind
        return ""

    def _names_a_report(self, entity: str) -> bool:
        """Whether `entity` is a word of the name of a report the question names."""
        if self.reports is None:
            return False
        names = (n for d in self.analysis.docs for n in self.reports.names.get(d, ()))
        return any(shares_name(entity, n) for n in names)

    def _owned_otherwise(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """Why a claim's figure is another subject's measure ('' when it may be the one
        asked): the question measures something of a subject ("脑机接口市场"), and every
        cited sentence stating the figure writes that measure after another word, not
        naming the question's subject — "2035年人形机器人市场或将达到1540亿美元" gives the
        humanoid-robot market, whatever its passage is about. A word the question writes
        too (全球) owns nothing else. Chinese only: a translation's words are the model's."""
        figures = [
            f for f in find_numbers(without_dates(claim)) if not _YEAR_ONLY.fullmatch(f.text)
        ]
        if not figures or detect_language(claim) != "zh":
            return ""
        stating = [
            s
            for _p, s in evidence
            if any(not unsupported_numbers(f.text, s.text) for f in figures)
            and detect_language(s.text) == "zh"
        ]
        for subject, measure in self._measured:
            owners = [self._owner_in(s.text, measure) for s in stating]
            named = any(subject in fold(s.text) for s in stating)
            if stating and all(owners) and not named:
                return f"the cited sentence states the {measure} of {owners[0]}, not of {subject}"
        return ""

    @cached_property
    def _measured(self) -> list[tuple[str, str]]:
        """(subject, measure) pairs a Chinese question writes: 脑机接口, 市场 of "全球脑机
        接口市场到2035年会有多大规模"."""
        if detect_language(self.analysis.question) != "zh":
            return []
        cut = [fold(w) for w in words(self.analysis.question)]
        return [
            (before, word)
            for before, word in itertools.pairwise(cut)
            if word in _MEASURES
            and len(before) >= 2
            and _HAN_WORD.fullmatch(before)
            and before not in STOPWORDS
        ]

    def _owner_in(self, text: str, measure: str) -> str:
        """The word `text` writes right before `measure` when the question does not write
        it ('' otherwise)."""
        cut = [fold(w) for w in words(text)]
        for before, word in itertools.pairwise(cut):
            if word != measure or len(before) < 2 or not _HAN_WORD.fullmatch(before):
                continue
            if before not in STOPWORDS and before not in self._question:
                return before
        return ""

    def _another_entry(self, evidence: Sequence[Evidence]) -> str:
        """The label of a cited "label：value" entry ("沉浸式媒体：宋扬、王强") when the
        question asks of other entries of its run (脑机接口, 星地直连通信) and not of it:
        the value is that label's. '' when every cited sentence is an entry the question
        asks of, is no entry, or the question names no entry of its run."""
        found = ""
        for passage, sentence in evidence:
            label = _entry_label(sentence.text)
            if not label:
                return ""
            run = _entry_run(passage, sentence)
            asked = [other for other in run if fold(other) in self._question]
            if not asked or fold(label) in self._question:
                return ""
            found = found or label
        return found

    def _figure_of_another(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """Why a figure the claim gives as one subject's is another's ('' when none is): the
        claim names a place, an organisation or a person, and every cited sentence stating
        one of its figures names none of the claim's names (nor does the sentence before it
        or its heading) but another name of the same kind. "天津: 163起" cited to "深圳…163
        起融资" states Shenzhen's count, whichever names the question used; the figures of one
        claim may come from several sentences, but each from one about the claim's subject.
        A year is a date, not a measure of the subject."""
        own = [(w, kind) for w, kind in names_in(claim) if kind in _ANY_NAME]
        if not own:
            return ""
        forms = {fold(f) for w, _k in own for f in (w, *_SAME_PLACE.get(w, ()))}
        forms |= {fold(_PLACE_SUFFIX.sub("", w)) for w, kind in own if kind == "place"}
        kinds = {kind for _w, kind in own}
        for figure in find_numbers(claim):
            if _YEAR.fullmatch(figure.text.strip().rstrip("年")):
                continue
            stating = [(p, s) for p, s in evidence if not unsupported_numbers(figure.text, s.text)]
            if not stating:
                continue
            rivals: list[str] = []
            for p, s in stating:
                # The sentence says whose figure it is, or its heading or the sentence
                # before it does (a subject named once, then "其…"); not the report's
                # publisher, which names where the report is made.
                heading = heading_at(p.hit.chunk, s.offset)
                context = fold(f"{heading} {self._before(p, s, 1)} {s.text}")
                if any(f and f in context for f in forms):
                    break
                other = next(
                    (
                        w
                        for w, kind in names_in(s.text)
                        if kind in kinds
                        and not any(fold(w) in f or f in fold(w) for f in forms if f)
                    ),
                    "",
                )
                if not other:
                    break
                rivals.append(other)
            else:
                name = own[0][0]
                return f"the cited sentence states {figure.text} for {rivals[0]}, not {name}"
        return ""

    def _unnamed_in_section(self, entity: str, evidence: Sequence[Evidence]) -> bool:
        """Whether a Latin-script name the corpus writes (RLHF, ChatGLM), or a term the
        question quotes ('行业预测', “数字交互引擎”), is missing from every shown passage
        of the sections the claim's sentences lie in, headings and titles included. Other
        Chinese subjects are a section's topic in other words."""
        forms = self._written_names(entity)
        if not forms:
            return False
        sections = {_section(p) for p, _s in evidence}
        cited = {id(p) for p, _s in evidence}
        shown = [
            fold(f"{q.hit.chunk.title} {q.hit.chunk.heading or ''} {q.hit.chunk.text}")
            for q in self._shown_passages
            if _section(q) in sections or id(q) in cited
        ]
        return not any(f in text for f in forms for text in shown)

    def _outside_numbered(self, evidence: Sequence[Evidence]) -> str:
        """For a section asked for by its number ("第三个趋势"): the heading of that
        section — the passages shown for it, found by its number — when none of the
        claim's sentences stands in it ('' when one does, or when no section was found
        by the number: nothing says which the claim must be in)."""
        if not self.analysis.ordinal:
            return ""
        numbered = [p for p in self._shown_passages if "numbered" in p.hit.retrievers]
        if not numbered:
            return ""
        for p, s in evidence:
            loc = p.hit.chunk.location
            at = loc.start + s.offset
            for q in numbered:
                span = q.hit.chunk.location
                if span.doc == loc.doc and span.start <= at < span.end:
                    return ""
        return numbered[0].hit.chunk.heading or numbered[0].hit.chunk.text.split("\n")[0]

    def _empty_section(self, evidence: Sequence[Evidence]) -> str:
        """The numbered section the question asks of whose heading a shown passage gives
        with no body — the next line is the next section's heading ("趋势四：云原生安全"
        over "趋势五：…") — when none of the claim's sentences names its title ('' when
        there is none). The report says nothing under it; a sentence of the next section
        is about that section's topic, not the one asked."""
        asked = fold(self.analysis.question)
        for passage in self._shown_passages:
            lines = [line for line in passage.hit.chunk.text.split("\n") if line.strip()]
            for line, after in itertools.pairwise(lines):
                this, following = numbered_heading(line), numbered_heading(after)
                if this is None or following is None or this.series != following.series:
                    continue
                title = fold(this.title)
                if len(title) < SECTION_TITLE_CHARS or title not in asked:
                    continue
                if not any(title in fold(s.text) for _p, s in evidence):
                    return line.strip(" *#\t")
        return ""

    def _unheaded(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """For a list, a definition or an overview: the quoted term the question asks under
        (`_not_under`) that heads none of the claim's sentences ('' when there is none)."""
        if find_numbers(claim) or self.analysis.type not in ("list", "definition", "overview"):
            return ""
        return next((e for e in self.analysis.entities if self._not_under(e, evidence)), "")

    def _not_under(self, entity: str, evidence: Sequence[Evidence]) -> bool:
        """Whether a term the question quotes, which a shown passage writes as a heading
        (a line of its own: '行业预测'), heads none of the claim's sentences. What is asked
        of a heading is what stands under it; a heading with no body (行业预测 over a chart
        the text lost) holds nothing, and sentences elsewhere in its chapter are no answer."""
        if not self._quoted_term(entity):
            return False
        lines = {
            fold(line.strip())
            for p in self._shown_passages
            for line in p.hit.chunk.text.split("\n")
        }
        headings = [f for f in self._forms(entity) if f in lines]
        return bool(headings) and not any(
            self._headed_by(f, p, s) for f in headings for p, s in evidence
        )

    def _headed_by(self, heading: str, passage: Passage, sentence: Sentence) -> bool:
        """Whether the (folded) `heading` stands above `sentence` as its heading: the
        passage's own heading, or a line of its own read back to over lines that state
        nothing (captions, entry titles), items of a run with their bodies, and at most
        `ENTRY_SENTENCES` other lines that state something — over no heading its document
        repeats in every chapter (大事记 after an empty 行业预测 opens another part). Read
        back through the document's text where it is known; where only the passage and
        the one before it are, text that ends first says nothing against the heading."""
        chunk = passage.hit.chunk
        if heading in fold(chunk.heading or ""):
            return True
        if self.document_text is not None:
            head = self.document_text(chunk.doc)[: chunk.location.start + sentence.offset]
        else:
            head = self._text_up_to(passage, sentence)
        repeated = self.repeated_lines(chunk.doc) if self.repeated_lines else frozenset()
        statements = 0
        for line in reversed([line.strip() for line in head.split("\n") if line.strip()]):
            folded = fold(line)
            if folded == heading:
                return True
            if folded in repeated and _HEADING_LINE.fullmatch(line):
                return False  # a chapter's heading its document repeats, not a caption
            if NUMBERED.match(line) or _LIST_ITEM.match(line):
                statements = 0  # an item of a run under the heading, after its body
            elif line[-1] in STATEMENT_END:
                statements += 1
                if statements > ENTRY_SENTENCES:
                    return False
        return self.document_text is None

    def _unnamed_near(self, entity: str, evidence: Sequence[Evidence]) -> bool:
        """Whether a name `_unnamed_in_section` holds a claim to is missing from the near
        context (`_context`, not wide) of every sentence stating the claim."""
        forms = self._written_names(entity)
        return bool(forms) and not any(
            f in self._context(p, s, wide=False) for f in forms for p, s in evidence
        )

    def _written_names(self, entity: str) -> list[str]:
        """How the corpus writes `entity` (`_forms`) when it is a name a section must write
        — a Latin-script name, a term the question quotes or the term it defines, the title
        of a work it names in 《》 that is none of the shelf's reports — else []."""
        if not (
            _LATIN_ENTITY.fullmatch(entity)
            or self._quoted_term(entity)
            or entity in self._defined
            or entity in self._titled_works
        ):
            return []
        return self._forms(entity)

    @cached_property
    def _titled_works(self) -> frozenset[str]:
        """The titles the question writes in 《》 that name none of the shelf's reports (a
        ministry's guideline, 《人形机器人创新发展指导意见》): a work asked about by name."""
        question = self.analysis.question
        titles = set(quoted_terms(question)) - set(quoted_terms(question, titles=False))
        return frozenset(
            t
            for t in titles
            if self.reports is not None
            and not self.reports.named(f"《{t}》")
            and not self._names_a_report(t)
        )

    @cached_property
    def _asks_a_course(self) -> bool:
        """Whether the question has a part asking how something went over the years
        (`_asks_a_course`): worked out once, not per claim."""
        return _asks_a_course(self.analysis.question)

    @cached_property
    def _defined(self) -> tuple[str, ...]:
        """The unquoted term a definition question defines (神经形态计算 of "什么是神经形态
        计算？"): a definition is of it, so its section writes it."""
        if not self.analysis.defines or self.analysis.original:
            return ()
        return defined_terms(self.analysis.question)

    def _quoted_term(self, entity: str) -> bool:
        """Whether the question quotes `entity` (the reader names it exactly; a title in
        《》 names a work, not a section)."""
        return entity in self._quoted_terms

    @cached_property
    def _quoted_terms(self) -> frozenset[str]:
        return frozenset(quoted_terms(self.analysis.question, titles=False))

    def _variants_figure(self, claim: str, entity: str, evidence: Sequence[Evidence]) -> bool:
        """Whether a figure of the claim is stated only by sentences naming a variant of
        the entity and never the entity itself ("GPT-4 Turbo" for GPT-4, "Gemini Ultra"
        for Gemini): a variant the question does not name is another subject."""
        asked = fold(self.analysis.question)
        for figure in find_numbers(claim):
            stating = [s.text for _p, s in evidence if not unsupported_numbers(figure.text, s.text)]
            variants = [_variant_of(entity, text) for text in stating]
            named = any(fold(f"{entity} {v}") in asked for v in variants)
            if stating and all(variants) and not named:
                return True
        return False

    def _rival(
        self,
        entity: str,
        forms: Sequence[str],
        passage: Passage,
        sentence: Sentence,
        claim: str = "",
    ) -> str:
        """A name of the entity's kind (place, person, organisation) that the sentence
        attributes its figure to instead: a sentence that names none is about its
        passage's subject, as a year-less sentence is about its passage's year. A
        question asking for a name ("深圳哪个区…？") is answered by one: the name the claim
        gives as its answer (福田区) is no rival."""
        answer = fold(claim) if self._answer_slot else ""
        kinds = _kinds([entity, *self.analysis.entities_zh.get(entity, ())])
        labels = fold(" ".join(self.labels.get(d, "") for d in passage.hit.chunk.docs))
        wider = _WIDER_PLACE.search(sentence.text) if kinds & _ANY_NAME == _PLACE else None
        if wider and not self._asked_name(fold(wider.group(0)), forms):
            return wider.group(0)
        for word, kind in names_in(sentence.text):
            folded = fold(word)
            if kind not in kinds or folded in labels:
                continue
            if self._asked_name(folded, forms) and not self._given_only(folded, entity):
                continue
            if answer and folded in answer and self._fills_slot(folded, kind, answer):
                continue
            if self.idf.get(folded, self.default_idf) < COMMON_IDF:
                continue
            return word
        return ""

    @cached_property
    def _answer_slot(self) -> tuple[str, ...]:
        """The kinds of name the question asks for: the noun after 哪个 (区 of "深圳哪个
        区"), and "person" for 谁 and 哪位; () when it asks for no name."""
        question = self.analysis.question
        slot = tuple(m.group(1) for m in _ASKS_NAME.finditer(question))
        return slot + (("person",) if _ASKS_PERSON.search(question) else ())

    def _fills_slot(self, folded: str, kind: str, answer: str) -> bool:
        """Whether a name is of a kind the question asks for: 福田区 (or 福田, which the
        answer writes as 福田区) for 哪个区."""
        if kind == "person" and "person" in self._answer_slot:
            return True
        return any(
            len(noun) == 1 and (folded.endswith(noun) or folded + noun in answer)
            for noun in self._answer_slot
        )

    def _given_only(self, folded: str, entity: str) -> bool:
        """Whether the question names `folded` only in what it states before asking, and
        asks of `entity`: "中国…已经超过42%，那同期美国…是多少？" gives China's rate and asks
        America's, so a sentence stating China's is another subject's."""
        given = fold(self._premise)
        if not given or folded not in given:
            return False
        asked = self._question[len(given) :]
        return folded not in asked and fold(entity) in asked

    @cached_property
    def _premise(self) -> str:
        return premise(self.analysis.question)

    def _asked_name(self, folded: str, forms: Sequence[str] = ()) -> bool:
        """Whether the question itself names this (folded) name: whatever it names is no
        rival — its other entities, in either language (NVIDIA's 英伟达 beside the asked
        MimicGen), or a name its working text writes (山东大学 beside the asked Sophgo)."""
        if folded in self._question:
            return True
        return any(folded in a or a in folded for a in (*self._asked, *forms))

    def _rival_by_meaning(self, entity: str, evidence: Sequence[Evidence]) -> str:
        """For a name the corpus does not write as translated (Beijing-Tianjin-Hebei, whose
        translation 北京-天津-河北地区 the reports never use): a name of the figure's own
        sentences that means it much less than a word of the shown passages does — the
        figure is 长三角's when 京津冀 stands beside it. A sentence naming nothing is
        about its passage's subject; a close call is no evidence."""
        if self.similarity is None or han_share(entity) > 0 or not _LATIN_PROPER.search(entity):
            return ""  # a Latin proper name only: "passenger cars" names no subject
        kinds = _kinds([entity])
        named = {w for _p, s in evidence for w, kind in names_in(s.text) if kind in kinds}
        named = {w for w in named if han_share(w) > 0 and not self._asked_name(fold(w))}
        if not named:
            return ""
        # The rarest words of the figure's passages: a subject beside it is named there.
        words = {
            t
            for text in dict.fromkeys(p.hit.chunk.text for p, _s in evidence)
            for t in tokenize(fold(text))
            if len(t) >= 2 and han_share(t) == 1 and self.idf.get(t, 0.0) >= COMMON_IDF
        }
        names = sorted(named)
        others = sorted(words - named, key=lambda w: (-self.idf.get(w, 0.0), w))[:RIVAL_WORDS]
        if not others:
            return ""
        cosines = self.similarity([entity], [*names, *others])[0]
        own, best = max(cosines[: len(names)]), max(cosines[len(names) :])
        if best - own < RIVAL_MARGIN:
            return ""
        return names[max(range(len(names)), key=lambda i: cosines[i])]

    def _year_ok(
        self, year: str, passage: Passage, sentence: Sentence, figure: bool, measured: bool
    ) -> bool:
        """The asked year is the one the sentence is about: named near it, or — when the
        sentence names no year at all — in its passage. A claim without figures (what a
        paper showed) only fails where its sentence is dated to another year: a report's
        "2月，…" under its review of the year is that year's."""
        own = fold(sentence.text)
        dating = _dating_years(own)
        if year in dating:
            return True
        if measured and dating:
            # The figure's own sentence dates it to another year ("在2026年将达到377.2亿美
            # 元" for 2023's market): a year named nearby frames its neighbours, not it.
            return False
        near = self._context(passage, sentence, wide=False)
        if year in near:
            return True  # (also a year the sentence only counts from or compares with)
        if _YEAR.search(own):
            return False  # the sentence dates its figure, and not to the asked year
        return not figure or year in self._context(passage, sentence, wide=True)

    def _forms(self, entity: str) -> list[str]:
        """How the corpus may write an entity: itself, or its Chinese forms; [] if unknown
        or too common to single anything out."""
        words = tokenize(entity)
        common = bool(words) and max(self.idf.get(w, self.default_idf) for w in words) < COMMON_IDF
        if common and not re.search(r"\d", entity):
            return []
        # A model's translation counts only where the corpus uses it somewhere: a name it
        # transliterated its own way (特伦斯·陶 for 陶哲轩) checks nothing.
        zh = self.analysis.entities_zh.get(entity, ())
        forms = [fold(z) for z in zh if z and self._known(z)]
        folded = fold(entity)
        if han_share(entity) > 0:
            # A name the tokenizer keeps whole; one it cuts a function word from (和星 of
            # "脑机接口和星地直连") is a mis-segmentation, not a name. In a translated
            # question a phrase is the model's wording (《打破计算墙》 for the chapter
            # the report calls 算力“破墙”): a name only if the corpus has it as a word or a
            # shown passage writes it.
            kept = "".join(words)
            # A round's name (B轮) is written as the reports write it (`rounds_named`).
            guessed = self.analysis.original and not (
                len(words) == 1 or self._shown(folded) or names_round(entity)
            )
            if all(c in kept for c in folded if not c.isspace()) and not guessed:
                forms.append(folded)
            elif self._quoted_term(entity) and self._shown(folded):
                # Quoted, the reader's exact words, written as such by a shown passage —
                # function words (从, 向) and all: "从异构转向超异构".
                forms.append(folded)
        elif self._known(entity) and (self._shown(folded) or self._one_name(entity)):
            # A one-word Latin name the corpus writes (RLHF, ChatGLM) is checked even where
            # no shown passage writes it: then no cited sentence can be about it.
            forms.append(folded)
        forms.extend(fold(f) for form in list(forms) for f in _SAME_PLACE.get(form, ()))
        forms.extend(fold(f) for form in list(forms) for f in _JOINT_PLACES.get(form, ()))
        # AI and 人工智能 are one word, which Chinese reports write either way ("人工智能大
        # 模型(AI Large Model)" for a question's "AI大模型").
        forms.extend([_AI.sub(_other_ai, f) for f in forms])
        # A province of a run the question names is written as their region (京津冀), its
        # word for an area too ("北京-天津-河北地区": 河北地区).
        province = _AREA_WORD.sub("", entity)
        if province in self._region:
            forms += [fold(province), self._region[province]]
        return [f for f in dict.fromkeys(forms) if f]

    @cached_property
    def _region(self) -> Mapping[str, str]:
        """Each province the question names in a run of provinces, with their region."""
        return regions(self.analysis.question)

    def _one_name(self, entity: str) -> bool:
        return (
            not self.analysis.original
            and re.fullmatch(r"[A-Za-z][A-Za-z0-9\-]*", entity) is not None
        )

    def _shown(self, folded: str) -> bool:
        """Whether a passage the model was shown writes this (folded) name."""
        return any(folded in text for text in self._shown_texts)

    def _never_written(self, entity: str, evidence: Sequence[Evidence]) -> bool:
        """A name the corpus does not speak of: a Latin-script name an English question
        asks about, claimed from English sentences, with a word the corpus never writes
        and in no shown passage — or a Chinese place name (`_never_written_place`). (A name
        the corpus would write in another script — a Chinese report's 空客 for Airbus —
        cannot be told from a missing one, so only a name in its sentences' script is
        checked this way.)"""
        if not evidence:
            return False
        if han_share(entity) == 1 and _kinds([entity]) == _PLACE:
            return self._never_written_place(entity, evidence)
        if han_share(entity) > 0 or not re.search(r"[A-Z0-9]", entity):
            return False
        if self.analysis.original or detect_language(self.analysis.question) != "en":
            return False
        if any(detect_language(s.text) != "en" for _p, s in evidence):
            return False
        folded = fold(entity)
        if self._shown(folded):
            return False
        # Its words as written apart: folded, "Best Animated Film" is one unknown word.
        words = [w for w in re.findall(r"[a-z][a-z0-9]{2,}", entity.lower()) if w not in STOPWORDS]
        return any(w not in self.idf for w in words)

    def _never_written_place(self, entity: str, evidence: Sequence[Evidence]) -> bool:
        """A Chinese place name (江苏省, asked of Guangdong's list) claimed from Chinese
        sentences when no shown passage and no word of the corpus writes it, with or
        without its 省/市/县/区: a Chinese report writes its places in Chinese."""
        if any(detect_language(s.text) != "zh" for _p, s in evidence):
            return False
        bare = _PLACE_SUFFIX.sub("", fold(entity))
        if len(bare) < 2 or self._shown(bare):
            return False
        return not any(bare in word for word in self.idf if len(word) >= len(bare))

    def _known(self, entity: str) -> bool:
        """Whether the corpus uses this name as written: a word it has, or a phrase one of
        the passages writes. A phrase of common words ("L2-and-above", a translated title)
        is the question's wording, not a name to find."""
        words = tokenize(entity)
        if not words or not all(w in self.idf for w in words):
            return False
        if han_share(entity) > 0 or len(re.findall(r"[A-Za-z0-9]+", entity)) == 1:
            return True
        return self._shown(fold(entity))

    def echoed(self, claim: str, passages: Sequence[Passage]) -> Evidence | None:
        """The shown sentence stating most of a claim's words, if it states enough of them
        to be what the claim repeats (the first of equals)."""
        return next(iter(self.echoes(claim, passages)), None)

    def echoes(self, claim: str, passages: Sequence[Passage]) -> list[Evidence]:
        """The shown sentences stating enough of a claim's words to be what it repeats,
        those stating most first (in order of showing among equals)."""
        found = [
            (share, (p, s))
            for p in passages
            for s in p.sentences
            if (share := self._coverage(claim, fold(s.text))) >= CLAIM_COVERAGE
        ]
        return [e for _share, e in sorted(found, key=lambda f: -f[0])]

    def restates_question(self, claim: str) -> bool:
        """A claim whose every word and figure is the question's says nothing new: "AI +
        gene computing" answers no question about what lies under that heading, "截至2023年
        底" none about how much was raised by then, "技术层面" none about the challenges
        "…在基础、技术、应用层面临哪些挑战？" asks for."""
        if unsupported_numbers(claim, self.analysis.question):
            return False
        words = {fold(t) for t in tokenize(claim) if len(t) > 1}
        asked = {fold(t) for t in tokenize(self.analysis.question)}
        asked |= {fold(t) for t in self.analysis.terms_zh}
        written = fold(" ".join((self.analysis.question, *self.analysis.terms_zh)))
        held = {w for w in words if w in asked or _adds_nothing(written, w)}
        # A search-mode cut inside a held word (管理系 of 管理系统) is held with it.
        return bool(words) and all(any(w in h for h in held) for w in words)

    def _unstated_name(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """For a claim in another language than its sentences: a Latin-script name it gives
        that the shown passages write (so the corpus names it as written) but its cited
        sentences do not. Similarity alone lets a fluent claim about the wrong team pass."""
        if not any(_cross_lingual(claim, s.text) for _p, s in evidence):
            return ""
        asked = fold(self.analysis.question)
        cited = " ".join(self._context(p, s, wide=False, own=True) for p, s in evidence)
        for m in _LATIN_NAMES.finditer(claim):
            words = [w for w in m.group(0).split() if fold(w) not in STOPWORDS]
            for name in (" ".join(words), *words) if len(words) > 1 else words:
                folded = fold(name)
                if len(folded) < 2 or folded in asked or folded in cited:
                    continue
                if self._shown(folded):
                    return name
        return ""

    @property
    def _asked_scale(self) -> float:
        # A translated question's words are the model's guesses at the report's.
        return TRANSLATED_SHARE if self.analysis.original else 1.0

    def _added_unstated(self, claim: str, evidence: Sequence[Evidence]) -> list[str]:
        """The words a claim adds to the question that its sentences do not state, if they
        weigh more than `ADDED_COVERAGE` of what it adds ([] otherwise). "2023年春晚吉祥物
        是兔年" cited to "吉祥物形象和春晚标识的官方发布" echoes the question and adds 兔年."""
        if any(_cross_lingual(claim, s.text) for _p, s in evidence):
            return []  # across languages, words cannot be looked up (the cosine decides)
        asked = self._question
        added = {
            word
            for t in tokenize(claim)
            if len(t) > 1 and not find_numbers(t)  # figures have their own check
            for word in [self._word_of(t, asked)]
            if word
            and not _adds_nothing(asked, word)
            and not self._names_report(fold(word))
            and fold(word) not in STOPWORDS
        }
        if not added:
            return []
        own = " ".join(self._context(p, s, wide=False, own=True) for p, s in evidence)
        weights = {t: self.idf.get(t, self.default_idf) for t in added}
        if _share(weights, own) >= ADDED_COVERAGE:
            return []
        return sorted((t for t in added if fold(t) not in own), key=lambda t: -weights[t])

    def _word_of(self, token: str, asked: str) -> str:
        """The word a claim's token stands for, or '' when it is no word to look up: a
        Latin token the corpus never uses (an escape's debris), or a Han token the
        tokenizer glued to a function character (使算力 for 算力) read as its word."""
        if token in self.idf:
            return token
        if han_share(token) == 0:
            return ""
        if len(token) >= 3:
            for part in (token[1:], token[:-1]):
                if fold(part) in asked or part in self.idf:
                    return part
        return token

    def _answer_sentence_share(self, claim: str, evidence: Sequence[Evidence]) -> float | None:
        """For a fact or a figure: the share of the question's terms in the sentence that
        states the claim's figures (else its added words), with that sentence's heading and
        report labels; None where not checked (lists, definitions, overviews and
        comparisons read a section; an English claim over Chinese sentences)."""
        if self.analysis.type not in ("fact", "number") or not evidence:
            return None
        if detect_language(self.analysis.question) != "zh" or detect_language(claim) != "zh":
            return None
        terms = self._question_terms
        if not terms:
            return None
        stating = self._stating(claim, evidence)
        if not stating:
            return None
        weights = {t: self.idf.get(t, self.default_idf) for t in terms}
        return max(
            _share(weights, with_members(self._sentence_context(p, s), self._region))
            for p, s in stating
        )

    def _defining_claim(self, claim: str, entities: Sequence[str]) -> bool:
        """Whether the claim, answering a question that asks what a term is, opens by
        saying what it is ("T是…", "T指…"): it is then the term's definition."""
        if not self.analysis.defines:
            return False
        folded = fold(claim).lstrip("-•* ")
        terms = [fold(e) for e in entities if self._quoted_term(e) or e in self._defined]
        return any(
            folded.startswith(t) and _DEFINING_AFTER.match(folded, len(t)) for t in terms if t
        )

    def _adds_unnamed(
        self, claim: str, naming: Sequence[Evidence], others: Sequence[Evidence]
    ) -> bool:
        """Whether a cited sentence not about the claim's term gives words of the claim
        that no sentence about the term gives."""
        added = [t for t in tokenize(claim) if len(t) > 1 and fold(t) not in self._question]
        named = " ".join(fold(s.text) for _p, s in naming)
        for _p, s in others:
            own = [t for t in added if fold(t) in fold(s.text) and fold(t) not in named]
            if sum(map(len, own)) >= UNNAMED_CHARS:
                return True
        return False

    def _stating(self, claim: str, evidence: Sequence[Evidence]) -> list[Evidence]:
        """The cited sentences that state the claim's answer: its figures, else the most of
        the words it adds to the question."""
        figures = find_numbers(claim)
        if figures:
            counts = [
                sum(not unsupported_numbers(f.text, s.text) for f in figures) for _p, s in evidence
            ]
        else:
            added = [t for t in tokenize(claim) if len(t) > 1 and fold(t) not in self._question]
            counts = [sum(fold(t) in fold(s.text) for t in added) for _p, s in evidence]
        top = max(counts, default=0)
        return [e for e, n in zip(evidence, counts, strict=True) if n == top] if top else []

    @cached_property
    def _attribute_terms(self) -> list[str]:
        """What the question asks of its subject: its last content word (a Chinese question
        names its topic first, then what it asks of it) — 开幕 of "北京冬奥会开幕日期是什么
        时候", 指令长 of "谁是神舟十四号的指令长" — and the words joined to it (人次 and 收入
        of "出游人次和收入"). The kind of thing an answer names (球队 of "是哪支球队", 事件
        of "改编自什么真实事件") is the answer's, not what is asked of the subject: a
        sentence naming 克罗地亚 need not say 球队. Content words are the question's words
        less its answer slot, quoted titles, figures, dates and the named reports' words.
        A question asking two things ("…什么会成为载体？哪项技术被视为方向？") asks each
        sub-question's."""
        asked = _questions(self.analysis.question)
        return list(dict.fromkeys(t for q in asked for t in self._attributes_of(q)))

    def _attributes_of(self, question: str) -> list[str]:
        question = _QUOTED_TITLE.sub(" ", unframed(question)).rstrip(" ？?。.！!")
        # The topic set out first ("腾讯混元大模型：…") is the subject, checked as one.
        question = question[len(topic_lead(question)) :]
        # "这件事有什么意义？" asks of what the sub-question before it asked about: the
        # thing it points at is no word of its own.
        question = POINTING.sub("", question)
        # What a count question counts is what it asks (球队 of "多少支球队参赛").
        counted = [
            w
            for m in _COUNTED.finditer(question)
            for w in self._content_words(m.group(1))
            if not _UNIT_WORD.fullmatch(w)  # 亿元 of "多少亿元" is the answer's unit
        ]
        question = _SLOT_VERB.sub("", _ANSWER_KIND.sub("", question))
        kind = _COUNT_KIND.search(question)
        if kind and len(tokenize(kind.group(1))) <= 1:
            question = question[: kind.start()]
        parts = _JOINED.split(question)
        last = [self._last_word(part) for part in parts]
        if len(parts) > 1 and all(last[-2:]) and len(parts[-1]) <= JOINED_CHARS:
            return list(dict.fromkeys([*last[-2], *last[-1], *counted]))
        return list(dict.fromkeys([*self._last_word(question), *counted]))

    def _last_word(self, text: str) -> list[str]:
        """The last subject word of `text`, read past a word naming its kind: 医疗 of
        "智能医疗领域的占比" (a kind noun alone is kept)."""
        words = self._subject_words(text)
        while len(words) > 1 and words[-1] in _KIND_NOUNS:
            words.pop()
        return words[-1:]

    def _subject_words(self, text: str) -> list[str]:
        """Content words that may say what is asked of the subject: in a question naming
        its report, the verb saying what the report does (腾讯报告展示了…, 白皮书记录的…,
        未尽研究称…) is the report's, not the subject's."""
        words = self._content_words(text)
        if not self.analysis.docs:
            return words
        return [w for w in words if w not in _REPORTING]

    def _content_words(self, text: str) -> list[str]:
        out = []
        for token in tokenize(asked_text(text)):
            folded = fold(token)
            if folded[-1:] in _FUNCTION_CHARS and not known_word(folded):
                folded = folded[:-1]
            if len(folded) < 2 or folded in STOPWORDS or folded in REQUEST_WORDS:
                continue
            if _WHEN_WORD.fullmatch(folded) or _EACH.fullmatch(folded) or find_numbers(token):
                continue
            if folded[0] in "年月日" and not known_word(folded):
                continue  # a date's unit cut with the word after it: 年定 of "2025年定了"
            if folded in _HEDGE:
                continue
            if _TO_ANSWER.fullmatch(folded):
                continue
            if self._names_report(folded):
                continue
            out.append(folded)
        return out

    def _unasked_attribute(self, claim: str, evidence: Sequence[Evidence]) -> str:
        """For a fact or a figure asked in Chinese: the question's attribute words when the
        sentence stating the claim (read as `_attribute_context` reads it) holds none of
        them ('' otherwise). A figure or a name answers what its own
        sentence speaks of: the date of a news broadcast beside a sentence on the opening
        ceremony is no opening date."""
        if self.analysis.type not in ("fact", "number") or self.analysis.original:
            return ""  # a translated question's words are the model's guesses at the report's
        if detect_language(self.analysis.question) != "zh" or detect_language(claim) != "zh":
            return ""
        if _DESCRIBED.search(self.analysis.question):
            return ""  # "做了怎样的调整": a description answers it in its own words
        attributes = self._attribute_terms
        stating = self._stating(claim, evidence)
        if not attributes or not stating:
            return ""
        for p, s in stating:
            context = self._attribute_context(p, s)
            if any(self._said(term, context) for term in attributes):
                return ""
            if any(
                states_measure(term, s.text) and self._said(self._owners[term], context)
                for term in attributes
            ):
                return ""
        return "、".join(attributes[:3])

    @cached_property
    def _owners(self) -> dict[str, str]:
        """`_owner_of` each attribute term: worked out once, not per claim and sentence."""
        return {term: self._owner_of(term) for term in self._attribute_terms}

    def _owner_of(self, measure: str) -> str:
        """What the question measures with `measure`: its last content word before it, past
        the other things it asks (产业 of "中国人工智能核心产业规模", 市场 of "商用市场的增速
        和规模"). A sum stands for a 规模 only in a sentence that speaks of that: "大基金三期
        目标筹集400亿美元" is no size of China's core AI industry. '' when none comes before
        it (the measure is then said by its figure alone). A measure the question puts
        before what it measures ("多高比例的丢包") measures that."""
        question = fold(self.analysis.question)
        at = question.find(measure)
        if at <= 0:
            return ""
        # "能抵抗多高比例的丢包": a measure asked as what a thing comes in measures it.
        after = question[at + len(measure) :]
        if after.startswith("的"):
            named = [w for w in self._content_words(after[1:]) if w not in _MEASURED]
            if named:
                return named[0]
        words = [
            w
            for w in self._content_words(question[:at])
            if w not in self._attribute_terms and w not in _MEASURED
        ]
        return words[-1] if words else ""

    def _attribute_context(self, passage: Passage, sentence: Sentence) -> str:
        """Where a sentence says what it speaks of: itself, its heading and its report's
        labels, and the sentence before when it goes on from that one ("其…", "该…"), or
        for a table row its table's first row (the column headers)."""
        chunk = passage.hit.chunk
        labels = " ".join(self.labels.get(d, "") for d in chunk.docs)
        heading = heading_at(chunk, sentence.offset)
        text = _read(passage, sentence, whole=True)
        earlier = [s for s in passage.sentences if s.id < sentence.id]
        if "\t" in text:
            # A table row's cells are read under the table's header row.
            header = next((s for s in earlier if "\t" in s.text), None)
            if header is not None:
                text = f"{header.text} {text}"
        elif _ENTRY.match(text.strip()):
            # An entry of a run of "label：value" lines (脑机接口：吴朋阳) is read under the
            # short line that opens the run (主笔), as a table row under its header — read
            # back through its chunk and the one before, where the run may have begun.
            run = self._lines_before(passage, sentence)
            while run and _ENTRY.match(run[0].strip()):
                run.pop(0)
            if run and _LIST_LABEL.fullmatch(run[0].strip()):
                text = f"{run[0]} {text}"
        elif earlier and _GOES_ON.match(text.lstrip(" 　【[（(")):
            text = f"{earlier[-1].text} {text}"
        else:
            text = f"{self._entry_title(passage, earlier)} {text}"
        return fold(f"{labels} {chunk.title} {heading} {text}")

    def _entry_title(self, passage: Passage, earlier: Sequence[Sentence]) -> str:
        """The line titling the short entry a sentence belongs to: the nearest topic line
        at most `ENTRY_SENTENCES` sentences above it ("特斯拉擎天柱再次升级" over the two
        sentences of its entry in a chronicle), as a heading titles its section; '' when
        none is that near."""
        text = passage.hit.chunk.text
        for before in list(reversed(earlier))[: ENTRY_SENTENCES + 1]:
            if topic_line(text, before):
                return before.text
        return ""

    def _lines_before(self, passage: Passage, sentence: Sentence) -> list[str]:
        """The sentences before `sentence` in its chunk and, under the same heading, in the
        text before the chunk: nearest first."""
        head = self._text_up_to(passage, sentence)
        return [head[a:b] for a, b in reversed(split_sentences(head))]

    def _text_up_to(self, passage: Passage, sentence: Sentence) -> str:
        """The text before `sentence` in its chunk and, under the same heading, the text
        of the chunk before it (`text_before`)."""
        chunk = passage.hit.chunk
        head = chunk.text[: sentence.offset]
        if self.text_before is not None:
            head = f"{self.text_before(chunk)}\n{head}"
        return head

    def _said(self, term: str, folded_context: str) -> bool:
        """A (folded) term in the context: as written, a two-character word written apart
        within a clause, or a two-character word of a longer one the corpus knows (教练 for
        主教练)."""
        if term in folded_context:
            return True
        family = next((f for f in _CHANGE_WORDS if term in f), frozenset())
        if any(word in folded_context for word in family):
            return True  # "进步了多少" is answered by what "提升了40%" states
        if term in _DEADLINE_TERMS and _ENDS_BY.search(folded_context):
            return True
        if han_share(term) < 1:
            # A Latin name is written with or without its hyphen (GPT-4, GPT4).
            return _UNHYPHENATED.sub("", term) in _UNHYPHENATED.sub("", folded_context)
        if len(term) == 2:
            # A word written apart (逃税 in 偷逃个人所得税, 参赛 in 参加比赛, 开幕 in 开闭幕式).
            return (
                re.search(
                    f"{term[0]}[^，。；！？,;]{{0,{SPLIT_WORD_GAP}}}{term[1]}", folded_context
                )
                is not None
            )
        parts = (term[i : i + 2] for i in range(len(term) - 1))
        return any(part in folded_context for part in parts if part in self.idf)

    def _before(self, passage: Passage, sentence: Sentence, n: int) -> str:
        """The `n` sentences before `sentence`, read on into the passage before it in its
        document when this one starts closer than that — back to the nearest topic line
        at most: a line of its own that states nothing ("特斯拉：人型机器人采用…" between
        NVIDIA's paragraph and Tesla's) opens what follows, and what stands above it is
        about something else."""
        earlier: list[str] = []
        text = passage.hit.chunk.text
        above = list(reversed([s for s in passage.sentences if s.id < sentence.id]))
        for i, before in enumerate(above):
            if len(earlier) == n:
                break
            earlier.insert(0, before.text)
            if topic_line(text, before):
                # A field of an entry ("准确性：●●●●" under "下南洋", above "核心判断：…")
                # is read under the entry's title, the topic line just above it.
                title = above[i + 1] if i + 1 < len(above) else None
                if (
                    _ENTRY.match(before.text.strip())
                    and title is not None
                    and topic_line(text, title)
                    and not _ENTRY.match(title.text.strip())
                ):
                    earlier.insert(0, title.text)
                return " ".join(earlier)
        if len(earlier) < n and self.lead_in is not None:
            lead = self.lead_in(passage.hit.chunk)
            spans = split_sentences(lead)[len(earlier) - n :]
            earlier[:0] = [lead[a:b] for a, b in spans]
        return " ".join(earlier)

    def _sentence_context(self, passage: Passage, sentence: Sentence) -> str:
        """What a sentence is about: itself and the two before it (a subject named once,
        then "其…"), its heading and its report's labels — not the sentences after it,
        which are about what comes next, but for one of its paragraph that names what the
        paragraph described ("…共生链条。硅谷人称“云洗钱”。")."""
        chunk = passage.hit.chunk
        labels = " ".join(self.labels.get(d, "") for d in chunk.docs)
        heading = heading_at(chunk, sentence.offset)
        naming = naming_below(passage, sentence)
        named = naming.text if naming else ""
        body = f"{self._before(passage, sentence, 2)} {sentence.text} {named}"
        return fold(f"{labels} {chunk.title} {heading} {body}")

    def _content_ok(self, claim: str, evidence: Sequence[Evidence], score: float) -> bool:
        if any(_cross_lingual(claim, s.text) for _p, s in evidence):
            return score >= CLAIM_SIMILARITY
        own = " ".join(self._own_text(claim, p, s) for p, s in evidence)
        if self._coverage(claim, own) >= CLAIM_COVERAGE:
            return True
        # The question's own words a claim repeats ("the FAA's hourly labor rate is $85")
        # name what was asked; the sentences around the cited one may name it (a table row
        # under its header, in a document by the FAA). What the claim adds is still held
        # to the sentence itself (`_added_unstated`).
        around = " ".join(self._context(p, s, wide=False) for p, s in evidence)
        return self._coverage(claim, own, asked_in=around) >= CLAIM_COVERAGE

    def _own_text(self, claim: str, passage: Passage, sentence: Sentence) -> str:
        """What a sentence states for `claim`: itself read under its heading — unless the
        heading alone states the claim. A heading names what its section is about, and a
        claim copied from it ("价值对齐是大模型的必由之路", the heading of the section the
        cited sentence lies in) is stated by no sentence a reader can check at the
        citation; then only the sentence's own words count."""
        heading = fold(heading_at(passage.hit.chunk, sentence.offset))
        if heading and self._coverage(claim, heading) >= CLAIM_COVERAGE:
            return fold(sentence.text)
        return self._context(passage, sentence, wide=False, own=True)

    def _sentence_and_report(
        self, passage: Passage, sentence: Sentence, *, labels: bool = True
    ) -> str:
        """Folded: the sentence itself and its report's title and (`labels`) labels."""
        chunk = passage.hit.chunk
        named = " ".join(self.labels.get(d, "") for d in chunk.docs) if labels else ""
        return fold(f"{named} {chunk.title} {_read(passage, sentence, whole=True)}")

    def _context(
        self,
        passage: Passage,
        sentence: Sentence,
        *,
        wide: bool,
        own: bool = False,
        labels: bool = True,
    ) -> str:
        """Folded text a sentence is read in: itself and the sentence before it, its
        section heading and its document's labels (unless not `labels`); `wide`, the whole
        passage."""
        chunk = passage.hit.chunk
        named = " ".join(self.labels.get(d, "") for d in chunk.docs) if labels else ""
        heading = heading_at(chunk, sentence.offset)
        if own:
            # What the sentence itself states, under its heading. Not the report's title:
            # a year in 《看DAO2024》 is no evidence that a sentence states "2024".
            return fold(f"{heading} {_read(passage, sentence)}")
        if wide:
            # Not its source lines: "来源: Lilium Battery Webinar" says who gathered a
            # table's figures, not whose they are, nor the year they measure — unless the
            # question asks what a source found ("the Hugging Face study"): then the line
            # crediting it is what ties the figures to it.
            body = chunk.text if self.analysis.sources else _without_sources(chunk.text)
            heading = chunk.heading or ""
        else:
            # The sentence, the two before it (a subject named once, then "其…") and the
            # one after it — not a table's source line.
            after = [
                s.text
                for s in passage.sentences
                if s.id > sentence.id and (self.analysis.sources or not _SOURCE_LINE.match(s.text))
            ][:1]
            body = " ".join((self._before(passage, sentence, 2), sentence.text, *after))
        return fold(f"{named} {chunk.title} {heading} {body}")

    def _coverage(self, claim: str, folded_context: str, asked_in: str = "") -> float:
        """Idf-weighted share of the claim's informative words found in the context (the
        question's own words also in `asked_in`, when given).

        Words that name the question's reports ("《看DAO2024》认为") are no content.
        """
        terms = {
            t
            for t in self._stating_words(claim)
            if (len(t) > 1 or t.isdigit()) and not self._names_report(fold(t))
        }
        if not terms:
            return 1.0 if fold(claim) in folded_context else 0.0
        weights = {t: self.idf.get(t, self.default_idf) for t in terms}
        if asked_in:
            total = sum(weights.values())
            found = sum(
                w
                for t, w in weights.items()
                if _holds(folded_context, t) or (fold(t) in self._question and fold(t) in asked_in)
            )
            return found / total if total else 0.0
        share = _share(weights, folded_context)
        if self._guessed:
            own = {t: w for t, w in weights.items() if fold(t) not in self._guessed}
            if own:
                share = max(share, _share(own, folded_context))
        return share

    def _names_report(self, word: str) -> bool:
        """Whether a (folded) word is one of the words naming the question's reports: a
        Han word anywhere in their labels, a Latin word or a figure only as a whole word
        of them ("85" of "Vol. 85", "ad" of "Administration" name nothing)."""
        if not self._named:
            return False
        if han_share(word):
            return word in self._named
        return word in self._named_latin

    def _stating_words(self, claim: str) -> list[str]:
        """The claim's tokens that can state something: not its English function words
        ("has", "their", "uses" — a paraphrase changes them freely), and a hyphenated
        compound the corpus never writes ("cost-of-compliance") read as its parts."""
        out: list[str] = []
        for t in tokenize(claim):
            if "-" in t and t not in self.idf and _ENGLISH_WORD.search(t):
                out.extend(p for p in t.split("-") if p and p not in FUNCTION_WORDS)
            elif t not in FUNCTION_WORDS:
                out.append(t)
        return out

    def _latin_coverage(self, claim: str, sentence: str) -> float:
        """For an English claim: the share of its corpus-known Latin names in the sentence."""
        names = [t for t in tokenize(claim) if t in self.idf and not t.isdigit()]
        if len(names) < 2:
            return 0.0
        folded = fold(sentence)
        return sum(1 for t in names if t in folded) / len(names)


# jieba's part-of-speech tags for names, by kind: a rival must be of the asked name's kind.
_KIND = {"ns": "place", "nr": "person", "nrt": "person", "nrfg": "person", "nt": "org"}
_ANY_NAME = frozenset({"place", "person", "org"})
# What a figure measures of the subject written just before it: "脑机接口市场", "新能源汽车
# 销量", "机器人产业规模".
_MEASURES = frozenset(
    (
        *("市场", "规模", "市场规模", "产值", "销量", "产量", "营收", "收入", "出货量"),
        *("渗透率", "占比", "市值", "估值", "融资", "投资", "用户", "装机量"),
    )
)
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_NOT_PERSON = frozenset({"place", "org"})
# An acronym: capitals (and digits, &, -) only, two at least.
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&\-]*[A-Z0-9]")
# Common words jieba's dictionary tags as places (ns) though they name none: "深度融合"
# would make 深度 a rival of 深圳. From the dictionary's most frequent ns entries.
_NO_PLACE = frozenset(
    [
        "城市",
        "东西",
        "南北",
        "英雄",
        "哥哥",
        "阿哥",
        "太阳",
        "海洋",
        "上市",
        "美丽",
        "江湖",
        "大街",
        "南路",
        "王国",
        "庆典",
        "深度",
        "治安",
        "新鲜",
        "回国",
        "大国",
        "开国",
        "建国",
        "爱国",
        "外国",
        "平原",
        "湖泊",
        "高原",
        "山区",
        "山脉",
        "城镇",
        "古城",
        "大桥",
        "朝廷",
        "海峡",
        "共和国",
        "京城",
        "大都",
        "自治州",
        "自治县",
    ]
)
_PLACE = frozenset({"place"})
_PLACE_SUFFIX = re.compile(r"(?:省|市|县|区|自治区|特别行政区)$")
# The one-character name of each provincial-level division, which Chinese joins to name
# a region of several (京津冀 for 北京、天津、河北; 苏浙沪, 川渝, 粤港澳).
PROVINCE_ABBREVIATIONS = {
    "北京": "京", "天津": "津", "河北": "冀", "山西": "晋", "内蒙古": "蒙", "辽宁": "辽",
    "吉林": "吉", "黑龙江": "黑", "上海": "沪", "江苏": "苏", "浙江": "浙", "安徽": "皖",
    "福建": "闽", "江西": "赣", "山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘",
    "广东": "粤", "广西": "桂", "海南": "琼", "重庆": "渝", "四川": "川", "贵州": "黔",
    "云南": "滇", "西藏": "藏", "陕西": "陕", "甘肃": "甘", "青海": "青", "宁夏": "宁",
    "新疆": "新", "香港": "港", "澳门": "澳", "台湾": "台",
}  # fmt: skip
_AREA_WORD = re.compile(r"(?:地区|区域|一带)$")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|自治区|特别行政区)$")
_PROVINCE = "(?:" + "|".join(PROVINCE_ABBREVIATIONS) + ")(?:省|市|自治区|特别行政区)?"
# Joined by a list's words, or by dashes as a translated name writes them
# ("北京-天津-河北地区" for Beijing-Tianjin-Hebei).
_PROVINCE_SEP_TEXT = r"、|和|与|及|\s?[-－–—/]\s?"
_PROVINCE_SEP = re.compile(_PROVINCE_SEP_TEXT)
_PROVINCE_RUN = re.compile(f"{_PROVINCE}(?:(?:{_PROVINCE_SEP_TEXT}){_PROVINCE})+")


@lru_cache(maxsize=256)
def regions(question: str) -> Mapping[str, str]:
    """Each province `question` names in a run of provinces ("北京、天津、河北三地"), with
    the run as Chinese writes the region they make: their one-character names in the
    order asked (京津冀). Read-only: the cache hands the same mapping to every caller."""
    out: dict[str, str] = {}
    for m in _PROVINCE_RUN.finditer(question):
        names = [_PROVINCE_SUFFIX.sub("", n) for n in _PROVINCE_SEP.split(m.group(0))]
        region = "".join(PROVINCE_ABBREVIATIONS[n] for n in names)
        out.update(dict.fromkeys(names, region))
    return MappingProxyType(out)


def with_members(folded: str, region_of: Mapping[str, str]) -> str:
    """`folded` text, with the provinces of each region it writes (京津冀) named after it."""
    members = [name for name, region in region_of.items() if region in folded]
    return f"{folded} {' '.join(members)}" if members else folded


# Words naming the whole country or the world: a figure stated for one is no city's or
# province's (全国 融资金额 for 深圳's), however common the word is in the corpus.
_WIDER_PLACE = re.compile(r"全国|全球|全世界|我国")


# A year a sentence compares with or counts from is not the year it dates its figure to.
# (Of those, the words that say a figure is measured from the year: _SINCE_YEAR.)
_SINCE_BEFORE = "较|比|同比|相比|相较|对比|高于|低于|超过|自|从"
_SINCE_AFTER = "以来|至今|开始|起"
_COMPARED_YEAR = re.compile(
    rf"(?:{_SINCE_BEFORE}|与|和|至|到|-|–|~)\s*(?:19|20)\d{{2}}"
    rf"|(?:19|20)\d{{2}}\s*年?\s*(?:{_SINCE_AFTER}|-|–|~|至|到)"
)


# …of those, the years a figure is measured from: a span's end (至2022年) is not one.
_SINCE_YEAR = re.compile(
    rf"(?:{_SINCE_BEFORE})\s*(?:19|20)\d{{2}}|(?:19|20)\d{{2}}\s*年?\s*(?:{_SINCE_AFTER})"
)


_VERSIONED = re.compile(r"([A-Za-z][A-Za-z\-. ]*?)[\s\-]*(\d+(?:\.\d+)?)")
# A name written in Latin script ("RLHF", "ChatGLM", "GPT-4 Turbo").
_LATIN_ENTITY = re.compile(r"[A-Za-z][A-Za-z0-9\-.+ ]*")
# A capitalised word right after a name: the variant it names ("Turbo", "Ultra", "Pro").
# A capitalised word after a name, naming a variant of it — not the company's full name
# ("Amprion Technologies", "Horizon Robotics": the same subject).
_VARIANT_WORD = re.compile(
    r"[\s\-]?(?!(?:Technolog(?:y|ies)|Inc|Corp(?:oration)?|Ltd|Limited|Group|Holdings?|"
    r"Company|Co|Labs?|Robotics|Systems|Industries|Dynamics|Motors|Electronics)\b)"
    r"([A-Z][a-z]+)(?![A-Za-z0-9])"
)


def _other_version(entity: str, sentence: str) -> str:
    """Another version of a versioned Latin-script name (Claude 2 for Claude 3, H100 for
    H800) written in the sentence, '' if none."""
    m = _VERSIONED.fullmatch(entity.strip())
    # A one-letter name only as a model code (H800, not "X 5").
    if not m or (len(m.group(1).strip()) < 2 and not re.fullmatch(r"[A-Z]\d{2,}", entity)):
        return ""
    name = re.escape(m.group(1).strip())
    for found in re.finditer(rf"(?<![A-Za-z]){name}[\s\-]*(\d+(?:\.\d+)?)", sentence, re.I):
        if found.group(1) != m.group(2):
            return found.group(0)
    return ""


def _variant_of(entity: str, sentence: str) -> str:
    """The word naming the variant of a Latin-script name a sentence writes in its stead:
    the capitalised word after the name ("Turbo" of "GPT-4 Turbo", "Ultra" of "Gemini
    Ultra") wherever the sentence writes it; '' when it writes the name alone anywhere, or
    not at all. An acronym after it ("GPT-4 API") names no variant."""
    name = entity.strip()
    if not _LATIN_ENTITY.fullmatch(name):
        return ""
    found = list(re.finditer(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", sentence, re.I))
    variants = [_VARIANT_WORD.match(sentence, m.end()) for m in found]
    if not found or not all(variants):
        return ""
    first = variants[0]
    assert first is not None
    return first.group(1)


def _dating_years(folded: str) -> list[str]:
    """The years a (folded) sentence dates its statement to: those it names, except
    years it compares with or counts from ("较2022年", "2021年以来")."""
    return _YEAR.findall(_COMPARED_YEAR.sub(" ", folded))


# A Latin-script proper name in a sentence (Optimus, iPhone) or a model code (H100,
# SG2042), not an acronym (GPU, AI) or a level (L2, 5G).
_LATIN_PROPER = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z][a-z]{2,}|[a-z]+[A-Z]|[A-Z]{1,4}\d{2,})[A-Za-z0-9]*"
)


# Attributes that are a kind of quantity, which a sentence states by giving one — a growth
# rate as a percentage it grows (or falls) by, a size as a sum of money, a count as things
# counted — in words of its own: "以17%以上的年增长…突破60亿美元" states 增速 and 规模.
# A percentage, then the rise or fall it measures ("12.7%的降幅").
_PERCENT_MOVED = r"\d+(?:\.\d+)?\s*%[^，。；;,]{0,6}?(?:增|涨|降|减|跌)"
_RATE = re.compile(
    rf"(?:增|涨|降|减|跌|翻|提升|提高)[^，。；;,]{{0,12}}?\d+(?:\.\d+)?\s*%|{_PERCENT_MOVED}"
)
_AMOUNT = re.compile(r"\d[\d,.]*\s*[万亿千百]*\s*(?:元|美元|欧元|英镑|日元|港元)")
_COUNT = re.compile(r"\d[\d,.]*\s*[万亿]?\s*[家个件起项台辆座所款]")
# A change (变化了多少) is stated by a rise or a fall and its figure.
_CHANGE = re.compile(
    rf"(?:增|涨|降|减|跌|翻|提升|提高|上升|下滑|回落|负增长)[^，。；;,]{{0,12}}?\d|{_PERCENT_MOVED}"
)
# A share (比例, 占比) is stated by a percentage or a fraction of the whole.
_SHARE = re.compile(r"\d+(?:\.\d+)?\s*%|百分之|[一二三四五六七八九十]成|[几\d]+分之")
_MEASURED = {
    **dict.fromkeys(("增速", "增长率", "增幅", "涨幅", "降幅", "增长速度", "年增长率"), _RATE),
    **dict.fromkeys(("变化", "变动", "增减", "涨跌", "变化量"), _CHANGE),
    **dict.fromkeys(("规模", "市场规模", "金额", "总额", "产值", "营收", "销售额"), _AMOUNT),
    **dict.fromkeys(("数量", "数目", "总数"), _COUNT),
    **dict.fromkeys(("比例", "占比", "比重", "百分比", "比率", "份额", "占有率"), _SHARE),
}


def states_measure(term: str, sentence: str) -> bool:
    """Whether the sentence states the quantity a measure attribute names (增速, 规模,
    数量) by giving one of its kind."""
    pattern = _MEASURED.get(term)
    return pattern is not None and pattern.search(sentence) is not None


def _writes(forms: Sequence[str], text: str, figure: bool) -> bool:
    """Whether (folded) `text` writes one of a subject's `forms` — for the subject of a
    figure, other than only as an item of a run of names joined by 、 ("北京、武汉、重庆…"):
    a figure said of the run is no one item's, unless the text assigns its figures to
    each ("分别")."""
    if not figure or "分别" in text or "respectively" in text:
        return any(f in text for f in forms)
    return any(
        text[m.start() - 1 : m.start()] != "、" and text[m.end() : m.end() + 1] != "、"
        for f in forms
        for m in re.finditer(re.escape(f), text)
    )


@lru_cache(maxsize=4096)
def names_in(text: str) -> tuple[tuple[str, str], ...]:
    """Proper names in `text` with their kind (place, person, org; "latin" for a name in
    Latin letters, a product's or a company's, which the tagger leaves untyped). Cached:
    the subject check asks it of the same sentences and entities for every claim."""
    names = [
        (word, _KIND[flag])
        for word, flag in tagged(text)
        if flag in _KIND and len(word.strip()) >= 2 and not (flag == "ns" and word in _NO_PLACE)
    ]
    if han_share(text) > 0:
        # In Chinese text a capitalised Latin word is a name; in English, any first word.
        names += [(m.group(0), "latin") for m in _LATIN_PROPER.finditer(text)]
    return tuple(names)


def _section(passage: Passage) -> tuple[str, str]:
    """The section a passage speaks in: its heading's; for a point of an outline, the
    point's own (the chunks under it), not the chapter listing all the points — which
    is shown as the point's heading and read with it."""
    chunk = passage.hit.chunk
    if passage.part == "outline":
        return chunk.location.doc, fold(chunk.text)
    return chunk.location.doc, fold(chunk.heading or "")


def _kinds(names: Sequence[str]) -> frozenset[str]:
    """The kinds of name an entity is; any kind when the tagger does not know it — save a
    person's for an acronym (ABI, NASA, EU), which names an organisation or a place."""
    found = {kind for name in names for _w, kind in names_in(name)}
    latin = {"latin" for n in names if han_share(n) == 0 and _LATIN_PROPER.search(n)}
    if not found and names and all(_ACRONYM.fullmatch(n) for n in names):
        return _NOT_PERSON | latin
    return frozenset(found or _ANY_NAME) | latin


# A question's part asking how something went over time ("新审批情况如何？", "how did new
# approvals develop?"): its answer is dated to the years it went through.
_COURSE = re.compile(
    r"情况如何|如何(?:变化|发展|演变)|(?:变化|发展|演变)(?:情况|趋势)|趋势如何|走势|历年|逐年|"
    r"\bhow (?:did|has|have|do|does)\b[^?]*\b(?:develop|change|evolve|grow)\w*|"
    r"\btrend (?:of|in)\b|\bover (?:the years|time)\b",
    re.IGNORECASE,
)


def _asks_a_course(question: str) -> bool:
    """Whether a part of `question` that names no year asks how something went over time:
    the year another part names ("截至2023年底，…有多少家？新审批情况如何？") frames that
    part alone, and a claim may answer the other with the years it went through."""
    return any(_COURSE.search(p) and not _YEAR.search(p) for p in asked_parts(question))


def without_answer_slot(question: str) -> str:
    """A Chinese question without the words of its answer's slot: the kind of thing it asks
    for and the verb opening it ("Chiplet会带来什么变化？" asks of Chiplet; a sentence
    answering it states the change — 互联标准将逐渐统一 — and need not say 带来 or 变化)."""
    out = []
    for q in _questions(question):
        q = q.strip().rstrip(" ？?。.！!")
        out.append(_SLOT_VERB.sub("", _ANSWER_KIND.sub("", q)))
    return "？".join(out)


def _questions(text: str) -> list[str]:
    """The questions asked in `text`, each up to its question mark; words after the last
    one ("…是多少？根据深圳白皮书。") belong to it."""
    found = [q for q in _SUB_QUESTION.findall(text) if q.strip(" ？?")]
    rest = _SUB_QUESTION.sub("", text).strip()
    if not found:
        return [text]
    if rest:
        found[-1] += rest
    return found


def _says_what(text: str) -> bool:
    """Whether a sentence states something: it ends with a stop, or says what something is
    (是, 即, 指, "：", "is", "means" …) — an event line, a caption or a title does not."""
    return bool(re.search(r"[。；;.!！?？]\s*$", text.strip())) or bool(_SAYS_WHAT.search(text))


def _entry_label(text: str) -> str:
    """The label of a "label：value" line ("沉浸式媒体：宋扬、王强"), '' for any other."""
    text = LEAD_MARKER.sub("", text.strip())
    return text.split("：", 1)[0].split(":", 1)[0].strip() if _ENTRY.match(text) else ""


def _entry_run(passage: Passage, sentence: Sentence) -> list[str]:
    """The labels of the entries next to `sentence` in its passage, one after another
    (the run of "label：value" lines it is in), its own too."""
    sentences = list(passage.sentences)
    at = next(i for i, s in enumerate(sentences) if s.id == sentence.id)
    lo = hi = at
    while lo > 0 and _entry_label(sentences[lo - 1].text):
        lo -= 1
    while hi + 1 < len(sentences) and _entry_label(sentences[hi + 1].text):
        hi += 1
    return [_entry_label(s.text) for s in sentences[lo : hi + 1]]


def _named_rows(claim: str, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """The evidence less the table rows the claim does not name, where it names some: "焦炭
    的灰分为10.0%" citing the rows of 型煤, 焦炭 and 兰炭, which all hold 10.0%, rests on
    焦炭's row alone."""
    folded = fold(claim)
    labels = {
        (p.n, s.id): fold(row_label(row))
        for p, s in evidence
        if (row := labelled_rows(p.sentences, p.table_header).get(s.id))
    }
    named = {key for key, label in labels.items() if label and label in folded}
    if not named or len(named) == len(labels):
        return evidence
    return tuple(
        e for e in evidence if (e[0].n, e[1].id) not in labels or (e[0].n, e[1].id) in named
    )


def _other_column(claim: str, evidence: Sequence[Evidence], question: str = "") -> str:
    """Why a claim's figure is not what the claim calls it ('' when it may be): the claim
    names a column of a cited table row and states none of that column's figures, but
    another column's ("AMD MI300X的内存带宽是2400GB/s", from a row whose 内存带宽 is 5.6
    and whose 算力 is 2400). A claim that names no column answers the one the `question`
    names ("8" asked for H20 SXM's 算力 is its 位宽). A column named inside a longer named
    one (内存 in 内存带宽) is not named on its own."""
    stated = find_numbers(claim) + han_figures(claim)

    def states(value: str) -> bool:
        numbers = find_numbers(value)
        return bool(numbers) and all(supported(n, stated) for n in numbers)

    for passage, sentence in evidence:
        row = row_cells(passage.sentences, passage.table_header).get(sentence.id)
        if row is None:
            continue
        label, cells = row
        names = {h: fold(column_name(h)) for h, _v in cells}
        named = _columns_named(claim, names) or _columns_named(question, names)
        if not named or any(states(v) for h, v in cells if h in named):
            continue
        other = next(((h, v) for h, v in cells if h not in named and states(v)), None)
        if other is not None:
            asked = next(h for h, _v in cells if h in named)
            return (
                f"{other[1]} is {label}'s {column_name(other[0])}, not its "
                f"{column_name(asked)} ({dict(cells)[asked]})"
            )
    return ""


def _columns_named(text: str, names: dict[str, str]) -> set[str]:
    """The columns (header cell: folded name) `text` names, less one named only inside a
    longer named one (内存 in 内存带宽)."""
    folded = fold(text)
    named = {h for h, n in names.items() if len(n) >= 2 and n in folded}
    return {h for h in named if not any(names[h] in names[o] != names[h] for o in named)}


@lru_cache(maxsize=256)
def _without_sources(text: str) -> str:
    """`text` less its source lines ("来源：…", "Source: …"); cached: the subject check
    reads a passage this way for every subject of every claim it cites."""
    if not _SOURCE_LINE.search(text):
        return text
    return "\n".join(line for line in text.split("\n") if not _SOURCE_LINE.match(line))


def _read(passage: Passage, sentence: Sentence, *, whole: bool = False) -> str:
    """A sentence as a reader reads it: a table's row with each figure under its column's
    name (as the model was shown it), any other sentence as written — or, read `whole`
    for what it speaks of, a sentence a page break cut ("…介绍了一种名为直" / "接偏好优化
    (…,DPO)的算法…") with the rest of it. (What it states is its own words: a claim the
    rest states cites the rest.)"""
    row = labelled_rows(passage.sentences, passage.table_header).get(sentence.id)
    if row is not None:
        return row
    rest = _cut_off(passage, sentence) if whole else None
    return f"{sentence.text}{rest.text}" if rest else sentence.text


def _cut_off(passage: Passage, sentence: Sentence) -> Sentence | None:
    """The rest of a sentence a line or page break cut: the next one, when this one is a
    statement's length and ends mid-word (a character, not a stop or a comma: a sentence
    the splitter ended at "表示，" before a quote is read as written), and the next is no
    heading or item."""
    text = sentence.text.rstrip()
    if not text or not text[-1].isalnum() or titles_a_body(sentence):
        return None
    after = next((s for s in passage.sentences if s.id == sentence.id + 1), None)
    if after is None or titles_a_body(after) or NUMBERED.match(after.text):
        return None
    if not re.match(r"[\u4e00-\u9fff]", after.text.lstrip()):
        return None  # a cut Chinese sentence goes on in Chinese, not with "- " or a label
    return after


def _share(weights: Mapping[str, float], folded_context: str) -> float:
    """The weight share of the terms found in the (folded) context."""
    total = sum(weights.values())
    found = sum(w for t, w in weights.items() if _holds(folded_context, t))
    return found / total if total else 0.0


_ENGLISH_WORD = re.compile(r"[A-Za-z]+")
# English words that state nothing a sentence must state: auxiliaries, pronouns,
# determiners, prepositions, conjunctions and the verbs an answer frames a figure with
# ("the FAA uses $85 per hour" says what "× $85 per hour" states). Negations, comparisons,
# quantities and relations of time and place (not, more, all, before, under) are content.
# Beyond tokens.STOPWORDS, which BM25 also drops; these stay searchable.
_FUNCTION_TEXT = """
has have had having will would shall should can could may might must being
i me my we our ours you your he him his she her they them their theirs there here
some any each every either other another such same
onto upon via within along across around toward towards
but so yet if then because while although though whether also too very just
use uses used using include includes included including
"""
FUNCTION_WORDS = STOPWORDS | frozenset(_FUNCTION_TEXT.split())
# An English word's inflections and its -ly adverb: "hourly" is said by "per hour",
# "estimated" by "estimates", "uses" by "use", "studies" by "study".
_ENGLISH_SUFFIXES = ("ies", "ied", "ing", "ly", "ed", "es", "s", "d")
STEM_CHARS = 3  # a shorter stem ("us" of "uses") is part of too many words
_SCALED = (1.0, 1e3, 1e4, 1e8, 1e12)  # the scale words 千, 万, 亿, 万亿 a figure's digits take


def english_forms(word: str) -> set[str]:
    """`word` (folded) and the stems its inflections share, each as a substring to find."""
    forms = {word}
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_CHARS:
            forms.add(word[: -len(suffix)])
    return forms


@lru_cache(maxsize=256)
def _han_values(folded_context: str) -> frozenset[float]:
    """The values of the figures a context writes in characters (read once per context:
    every term of every claim checked against it asks)."""
    return frozenset(n.value for n in han_figures(folded_context))


def _adds_nothing(folded_question: str, word: str) -> bool:
    """Whether `word` says nothing the (folded) question does not: the question writes it,
    inside a longer word too (层面 in "应用层面临") or in another form, or it is a kind noun
    (问题, 系统), alone or after a word the question writes (管理系统)."""
    if _holds(folded_question, word):
        return True
    folded = fold(word)
    return any(
        folded == kind or (folded.endswith(kind) and fold(folded[: -len(kind)]) in folded_question)
        for kind in KIND_NOUNS
    )


def _holds(folded_context: str, term: str) -> bool:
    """Whether the (folded) context writes `term` — a figure in digits or in characters
    (320 is stated by 三百二十, 1500 of 1500亿 by 一千五百亿)."""
    if fold(term) in folded_context:
        return True
    if _ENGLISH_WORD.fullmatch(term):
        return any(form in folded_context for form in english_forms(fold(term)))
    if not term.isdigit():
        return False
    values = _han_values(folded_context)
    return any(float(term) * scale in values for scale in _SCALED)


# A chart's or a table's label opening its caption ("图表 9:", "表2-1", "Figure 3."): its
# number numbers the chart and counts nothing.
_CAPTION_LABEL = re.compile(
    r"^\s*(?:图表|图|表|Figure|Fig\.?|Table|Chart|Exhibit)\s*\d+(?:[-.]\d+)?\s*[:：.、]?",
    re.IGNORECASE,
)

# The number of an item a claim lists ("弱点：1. 产业链…", "2. 人才方面…", "（3）…"):
# its place in the list, no figure it states.
_ITEM_MARKER = re.compile(
    r"(?:^|(?<=[：:；;。，,\s]))(?:[（(]\d{1,2}[)）]|\d{1,2}[.．、)）](?!\d))(?=\s*[\u4e00-\u9fffA-Za-z])"
)
# The digit of a dimension, a generation or degrees of freedom: 3D, 2D, 5G, 6DoF.
_DIMENSION = re.compile(r"(?<![\d.])\d(?=(?:DoF|D|G)(?![A-Za-z]))", re.IGNORECASE)
# A chart or a table named by its label anywhere in a claim ("如图表 6 所示", "Table 2").
_CAPTION_NAMED = re.compile(
    r"(?<![\u4e00-\u9fff])(?:图表|图|表)\s*\d+(?:[-.]\d+)?|"
    r"\b(?:Figure|Fig\.?|Table|Chart|Exhibit)\s*\d+(?:[-.]\d+)?",
    re.IGNORECASE,
)


def states_figures(text: str) -> bool:
    """Whether `text` states a figure, a caption's own label number aside."""
    return bool(find_numbers(_CAPTION_LABEL.sub("", text)))


def _joined_subjects(question: str, entities: Sequence[str]) -> list[set[str]]:
    """Runs of the question's subjects written one after another, joined by 和, 与, 及,
    、 or "and" (folded question): each is asked of separately."""
    names = {fold(e): e for e in entities if len(e) > 1}
    joiner = rf"(?:{_JOINED.pattern}|,|，|\band\b)"
    groups: list[set[str]] = []
    for (a, first), (b, second) in itertools.permutations(names.items(), 2):
        if re.search(rf"{re.escape(a)}\s*{joiner}\s*{re.escape(b)}", question):
            joined = next((g for g in groups if first in g or second in g), None)
            if joined is None:
                groups.append({first, second})
            else:
                joined.update((first, second))
    return groups


def topic_line(text: str, sentence: Sentence) -> bool:
    """Whether a sentence is a line of its own that names a topic and states nothing: no
    closing stop, short, the whole of its line in `text` (its passage's chunk text)."""
    piece = sentence.text.strip()
    if not piece or len(piece) > TOPIC_LINE_CHARS or piece[-1] in STATEMENT_END:
        return False
    start = text.rfind("\n", 0, sentence.offset) + 1
    end = text.find("\n", sentence.offset)
    line = text[start : end if end >= 0 else len(text)]
    return line.strip() == piece


def _lacks_measures(claim: str, sentence: Sentence) -> bool:
    """Whether the sentence states none of the claim's figures, its years aside when it
    has other figures (a year dates a figure; it is not what the figure measures)."""
    figures = [n.text for n in find_numbers(claim)]
    measures = [f for f in figures if not _YEAR_ONLY.fullmatch(f)] or figures
    return all(unsupported_numbers(f, sentence.text) for f in measures)


def _cross_lingual(claim: str, sentence: str) -> bool:
    """Whether the claim is written in another language than the sentence. A claim in no
    language (a bare figure, "9.6%") or one that only repeats the sentence's own Latin
    names ("Prime Medicine") is read in the sentence's words."""
    if not _LETTER.search(claim):
        return False
    if not han_share(claim):
        words = [w for w in _LATIN_TOKEN.findall(fold(claim)) if len(w) > 1]
        if words and all(w in fold(sentence) for w in words):
            return False
    return detect_language(claim) != detect_language(sentence)


_LETTER = re.compile(r"[^\W\d_]")
_LATIN_TOKEN = re.compile(r"[a-z][a-z0-9'\-]*")
