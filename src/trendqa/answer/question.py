"""Question analysis before retrieval: what kind of answer, about which report and subject.

Everything here is read off the question and the index's document labels (title,
publisher, source); nothing is tuned to particular questions. The type decides how
evidence is gathered (a section for a list, one retrieval per report for a
comparison); the named reports filter retrieval; the entities and figures are what a
claim must be about to count as supported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

from trendqa.evidence import without_gloss
from trendqa.numbers import HOW_MUCH, chinese_numerals, find_numbers, han_value
from trendqa.records import DocumentMeta
from trendqa.textnorm import detect_language, fold, han_share
from trendqa.tokens import STOPWORDS, tagged, tokenize, words

QuestionType = Literal["fact", "number", "list", "definition", "comparison", "overview"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "fact",
    "number",
    "list",
    "definition",
    "comparison",
    "overview",
)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks for, read before retrieval."""

    question: str
    language: str
    type: QuestionType
    docs: tuple[str, ...] = ()  # documents the question names (ids), in the order named
    parts: tuple[tuple[str, ...], ...] = ()  # comparisons: document groups, one per report
    entities: tuple[str, ...] = ()  # the subject: names, places, organisations, years
    # Entities the question names as its figure's source ("the Hugging Face study",
    # "据IDC统计"), not as what the figure is about.
    sources: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()  # figures the question states
    count: int | None = None  # how many items a list question expects ("十大", "three")
    wants: str = ""  # what form its answer takes: "quantity", "date", "time", "" (any)
    terms_zh: tuple[str, ...] = ()  # English questions: their key terms in Chinese
    entities_zh: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # entity -> zh
    # A question translated into its passages' language: the question as asked, and the
    # language its answer is shown in ("" when it was not translated).
    original: str = ""
    shown_in: str = ""
    # People the question names in Latin letters, as the passages write them in Chinese
    # ((Feng Zhang, 张锋)): the answer shown in English names them as the question did.
    people: tuple[tuple[str, str], ...] = ()
    # Whether it asks, among other things, what a notion is ("X是什么？主要由哪些模块构成？",
    # "How does … define X, and how does it differ from Y?"): its answer then gives the
    # report's definition whatever its type.
    defines: bool = False
    # A part of a question asking several things, asked on its own: the whole question,
    # and what its answer states already.
    whole: str = ""
    stated: str = ""
    # A numbered section asked for by its number ("第三个趋势", "the third trend"): the
    # number, and the word naming what is numbered (趋势; "" when none is named).
    ordinal: int = 0
    ordinal_of: str = ""

    @property
    def asked(self) -> str:
        """The question as the reader asked it (before any translation)."""
        return self.original or self.question


# Patterns per type, most specific first. Each is a habit of how analysts phrase a
# request, in both languages; a question matching none asks for a single fact.
_COMPARISON = re.compile(
    r"比较|对比|区别|异同|不同之处|有何不同|有什么不同|"
    r"\bcompar|\bdiffer|\bversus\b|\bvs\.?\s|\bcontrast",
    re.IGNORECASE,
)
# What a list question asks for, named after "what": "what challenges", "what emergent
# abilities" (not "Tencent's trends report", which names a report).
_PLURALS = (
    r"(?:trends|ways|paths|steps|factors|directions|measures|areas|types|kinds|points|courses|"
    r"stages|challenges|drivers|applications|characteristics|features|traits|properties|"
    r"components|modules|elements|principles|risks|sectors|scenarios|technologies|companies|"
    r"products|abilities|capabilities|reasons|causes|benefits|advantages|problems|obstacles|"
    r"barriers|weaknesses|strengths|goals|tasks)\b(?!\s+report)"
)
_LIST = re.compile(
    r"哪些|哪几|有几|几大|几个方面|几项|几条|几类|几种|列举|列出|包括什么|包含什么|都有什么|"
    r"[二三四五六七八九十两\d]+大|[二三四五六七八九十两\d]+[个项条类种点方](?:面|向|个)?|"
    # "哪七家公司", "哪三位科学家": which N of a kind counted by its measure word.
    r"哪些?[二三四五六七八九十两\d]+[家位名所座国]|"
    r"\bwhat are the\b|\bwhich\b.*\b(?:are|were)\b|\blist\b|\bname the\b|"
    # (a count of one or two digits: "2023 trends report" names a year's report)
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:\w+\s+){0,3}"
    r"(?:trends|ways|paths|steps|factors|directions|measures|areas|types|kinds|points|"
    r"courses|stages|parts|features|challenges|drivers|applications|fields|categories)\b|"
    rf"\bwhat (?:\w+ ){{0,3}}{_PLURALS}|"
    # …or seen as one: "What does the white paper see as the drivers behind…".
    rf"\bwhat\b[^?？]{{0,60}}?\b(?:as|are|were) (?:the |its |their )?(?:[\w-]+ ){{0,2}}{_PLURALS}|"
    # A plural named before and asked for by pointing at it: "…showed some emergent
    # abilities. What are they?", "这些措施分别是什么".
    r"\bwhat (?:are|were) (?:they|these|those|them)\b|(?:它们|这些|那些)[^？?，,。]{0,8}是什么|"
    r"分别是什么|"
    # A count and a plural noun: "which seven companies", "the four US agencies".
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:[\w-]+\s+){0,2}"
    r"[a-z-]+(?<!s)s\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    rf"{HOW_MUCH}|几[家个位款项年月天倍台名次]|比例|占比|百分之|增长率|规模|"
    r"何时|哪一年|哪年|什么时候|哪天|\bhow (?:many|much|big|large|long|fast|high)\b|"
    r"\bwhat (?:percentage|share|proportion|fraction|price|size|number|amount)\b|\bwhen\b|"
    r"\bwhat (?:was|were|is|are|will be) the (?:\w+ ){0,2}"
    r"(?:amount|number|value|share|rate|size|price|total|count|percentage|proportion)s?\b|"
    # A quantity's noun ending its phrase ("the estimated cost on U.S. operators of …"),
    # not naming a thing ("the cost function").
    r"\bwhat (?:was|were|is|are|will be) the (?:\w+ ){0,2}"
    r"(?:cost|revenue|income|profit|loss|budget|fee|capacity|spending|valuation|volume|"
    r"output|population|growth|speed|length|weight|duration)s?"
    r"(?=\s+(?:of|on|for|in|at|per|to|from|by|under|with)\b|\s*[?,.]|$)|"
    r"\bwhat year\b|\bby how much\b",
    re.IGNORECASE,
)
# A question asking which thing or who, however it ends ("该机构是什么？", "名字是什么",
# "Which institution's interface …?"): a fact, not a definition.
_IDENTITY = re.compile(
    r"(?:名字|名称|机构|公司|企业|组织|团队|国家|城市|地点|人物|人)是(?:什么|哪)|叫什么|"
    r"\b(?:which|who|whom|whose|where)\b|\bwhat is the name\b|"
    r"\bwhat (?:company|institution|organi[sz]ation|team|country|city|university)\b",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"是什么|什么是|指什么|是指|含义|定义|意思|何谓|如何理解|怎么理解|是个什么|怎么一?回事|"
    r"\bwhat is\b|\bwhat are\b|\bwhat does .+ mean\b|\bdefin|\bmeaning\b|\bexplain\b|"
    r"\bwhat .+ refers? to\b|\bhow does .+ work\b|"
    # How a report bounds or portrays a notion: a definition, asked another way.
    r"[如怎][何样么]?(?:界定|定义|描述|刻画|诠释|解释|介绍)|\bwhat counts as\b|"
    r"\bhow (?:do|does|did) .+ (?:define|describe|characteri[sz]e)\b",
    re.IGNORECASE,
)
# Words that ask for a definition whatever else the question asks ("是什么" alone may ask
# a fact: "口号是什么").
_DEFINES = re.compile(
    r"定义|界定|含义|何谓|什么是|是指什么|指的是什么|"
    r"\bdefin(?:e|es|ed|ition)\b|\bmeaning of\b|\bwhat counts as\b|\bwhat does .+ mean\b",
    re.IGNORECASE,
)


def asks_definition(question: str, kind: QuestionType) -> bool:
    """Whether `question` (of type `kind`) asks what a notion is: it is a definition
    question, one of its sub-questions is one, or it uses a word that only a definition
    question uses."""
    if kind == "definition":
        return True
    if _DEFINES.search(question) and not _IDENTITY.search(question):
        return True
    return any(question_type(c) == "definition" for c in sub_questions(question))


_OVERVIEW = re.compile(
    r"概述|概括|总结|主要内容|讲了什么|说了什么|总体|整体|"
    r"\bsummar|\boverview\b|\bmain points\b|\bwhat does .+ say about\b",
    re.IGNORECASE,
)
# Questions whose answer is a quantity or a point in time, whatever else it says.
_WANTS_TIME = re.compile(
    r"何时|什么时候|哪一年|哪年|哪一天|哪天|哪个月|几月|时间(?!线|表)|日期|"
    # "When did/was…?", "…released when?" — not "When DAMO talks about X, what…", whose
    # "when" opens a clause, not the question.
    r"\bwhen\s+(?:did|was|were|is|are|will|would|does|do|has|have|had|can|could|should)\b|"
    r"\bwhen\s*\?|\bwhen and\b|\bsince when\b|"
    r"\bwhat (?:year|date|month|day|time)\b|\bwhich (?:year|month|day)\b",
    re.IGNORECASE,
)
# Asked for the day, an answer names a month or a day: a year alone ("2022北京冬奥会…") is
# no date.
_WANTS_DATE = re.compile(
    r"日期|哪一?天|几月几[日号]|几号|\b(?:what|which) (?:date|day)\b|\bon what day\b",
    re.IGNORECASE,
)
# Asked for the year, an answer names one: "近年来" is a time, not the year asked for.
_WANTS_YEAR = re.compile(
    r"哪一年|哪年|何年|\b(?:what|which) year\b|\bin what year\b", re.IGNORECASE
)
# Asked for a sum of money — what was raised, invested, earned or valued at — an answer
# states one: a count of deals ("融资事件12起") is no amount. Not a question asking how many
# deals, nor one asking how a sum grew or what share it is.
_WANTS_AMOUNT = re.compile(
    r"(?:融资|投资|募资|筹资|募集)(?:总|的)?(?:金额|总额|额)|融资了?多少|投资了?多少|"
    r"(?:营收|营业收入|销售额|市值|估值)(?:是|为|有|达到?)?多少|多少钱|多少[万亿]*(?:美元|元)|"
    # A price: "售价是多少", "what is the price of…", "how much does it cost".
    r"(?:价格|售价|定价|价钱|单价|造价)(?:是|为|有|达到?)?多少|"
    r"\bwhat (?:is|was|are|were) the (?:\w+ )?(?:price|cost)s?\b(?!-)|"
    r"\bhow much does\b[^?]*\bcost\b|"
    r"\bhow much (?:money|funding|capital|investment|venture)\b|"
    r"\bhow much\b[^?]*\b(?:rais|invest|fund|financ|spen[dt]|earn|cost|valu|worth)\w*|"
    r"\b(?:total|amount of|sum of)\b[^?]{0,40}\b(?:funding|investment|financing|revenue|"
    r"spending|capital)\b|\bwhat (?:valuation|revenue|market (?:value|cap\w*))\b",
    re.IGNORECASE,
)
_NOT_AMOUNT = re.compile(
    r"多少[家个起笔轮次项名位件]|几[家个起笔轮次项名位件]|数量|(?:事件|企业|公司|项目|交易)数|"
    r"增速|增长率|增幅|占比|比例|倍|各是|各为|分别|"
    r"\bhow many\b|\bnumber of\b|\bgrowth\b|\brate\b|\bshare\b|\bpercent|\bproportion\b|"
    r"\bby (?:\w+ ){0,2}how much\b|\brespectively\b|"
    # A change asked of how much ("how much has participation in VC funds fallen?").
    r"\bhow much\b[^?]*\b(?:fall|fell|drop|declin|decreas|shr[iau]nk|ris[ei]|rose|grow|"
    r"grew|increas|improv|boost)\w*|"
    # …or of a measure that is no sum ("how much can it raise training efficiency").
    r"\bhow much\b[^?]*\b(?:efficien|accura|productiv|performan|speed|latency|yield)\w*",
    re.IGNORECASE,
)
_WANTS_QUANTITY = re.compile(
    rf"{HOW_MUCH}|(?<!哪)几[家个位款项年月天倍台名次人所座]|比例|占比|百分之|"
    r"增长率|"
    # A question that names the measure it wants ("死亡人数", "运动员数量"): the answer is one.
    r"(?:数量|人数|金额|总额|票房|销量|产量|保有量|市值|估值)(?:是|为|有)?[？?]?$|"
    r"\bthe (?:number|amount|count) of\b|"
    r"\bhow (?:many|much|big|large|long|fast|high|far)\b|\bby how much\b|"
    r"\bwhat (?:percentage|share|proportion|fraction|number|amount|price)\b",
    re.IGNORECASE,
)


# Chinese question words and particles.
_ASKING_ZH = "吗|什么|多少|哪|何|几|谁|怎|是否|有无"
_ASKING = re.compile(
    rf"[?？]|{_ASKING_ZH}|"
    r"\b(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can)\b",
    re.IGNORECASE,
)


# A question's topic set out before what it asks: "关于X，", "在X方面，", "X：".
_TOPIC_LEAD = re.compile(
    r"^(?:关于[^？?，,：:]{2,30}[，,：:]|在[^？?，,：:]{2,30}方面[，,：:]|[^？?，,：:]{2,30}[：:])"
)


def topic_lead(question: str) -> str:
    """The topic a question sets out before what it asks ("腾讯混元大模型：…"), or ''."""
    m = _TOPIC_LEAD.match(question)
    return m.group(0) if m and not asks(m.group(0)) else ""


def asks(question: str) -> bool:
    """Whether a question's translation or rewrite still asks something: a model may turn
    "by what year does Tao expect …?" into the statement "Tao expects …", or answer a
    follow-up ("它位于哪个国家？" → "美国") instead of rewriting it."""
    return bool(_ASKING.search(question))


# What a question asks for, by its question word: an English wh-word; a Chinese one (吗,
# 是否, 有没有 ask only whether: "by roughly how much has … fallen?" translated "…下降了…
# 峰值吗？" asks whether it fell).
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_WH_ZH = r"什么|多少|哪|(?<![任])何|几(?!乎)|谁|怎|多[大久长高重快远]"  # not 任何, 几乎
_CHINESE_ASKING = re.compile(_WH_ZH)


def lost_question_word(question: str, translation: str) -> bool:
    """Whether a Chinese translation of an English wh-question lost what it asks for: "What
    does Kan DAO say turned Nvidia from … into …?" translated "Kan DAO说，Nvidia从…转变为…？"
    (or "…吗？") asks nothing but whether the statement holds, and its answer restates it."""
    return bool(_WH_WORD.search(question)) and not _CHINESE_ASKING.search(translation)


# A question's negation: "not", "never", "n't"…, or 不/未/没/非/无/勿 (as in 不适用, 未列入,
# 无需). Han words that only hold a negating character (无人机) pass for one: it is only
# asked of a translation whose question is negated.
_NEGATION = re.compile(
    r"n't\b|\b(?:not|no|never|without|none|neither|nor|cannot)\b|[不未没非无勿]",
    re.IGNORECASE,
)


def negated(question: str) -> bool:
    """Whether a question says what is not so ("In which areas does the list not
    apply?"): a translation that drops the negation asks the opposite."""
    return bool(_NEGATION.search(question))


# Years written relative to the year a report is written in, and how far from it.
_RELATIVE_YEARS = {
    "今年": 0, "本年": 0, "this year": 0, "去年": -1, "last year": -1, "明年": 1, "next year": 1,
}  # fmt: skip


def says_year(text: str, dated: int | None, year: int) -> bool:
    """Whether folded `text`, of a report dated `dated`, names a year relative to its own
    ("截至今年三季度", "last year") that can be `year`. A report is dated with the year it
    is published in, and written in that year or the one before (a 2024 outlook looks
    back at 2023): its 今年 is one of the two."""
    if dated is None:
        return False
    return any(
        word in text and year - shift in (dated, dated - 1)
        for word, shift in _RELATIVE_YEARS.items()
    )


# A year as a translation may add it to a question: with the word before it that dates
# ("到2028年，"), the part of the year after it, and the comma that sets it off.
_ADDED_YEAR = r"(?:到|在|截至|截止|于|从|自)?\s*{year}\s*年?(?:[底初末中前后内]|以来)?\s*[，,]?"


def without_added_years(translated: str, original: str) -> str:
    """`translated` without the years its original question does not name: "over the next
    five years" translated "到2028年" asks about a year the reader never wrote, which every
    year check would then hold the answer to."""
    years = set(_YEAR.findall(original))
    out = translated
    for year in dict.fromkeys(_YEAR.findall(translated)):
        if year not in years:
            out = re.sub(_ADDED_YEAR.format(year=year), "", out)
    return out if asks(out) else translated


def wanted_form(question: str) -> str:
    """ "year", "date", "time", "amount" (of money) or "quantity" when the question asks
    for one, else ""."""
    if _WANTS_YEAR.search(question):
        return "year"
    if _WANTS_DATE.search(question):
        return "date"
    if _WANTS_TIME.search(question):
        return "time"
    if _WANTS_AMOUNT.search(question) and not _NOT_AMOUNT.search(question):
        return "amount"
    return "quantity" if _WANTS_QUANTITY.search(question) else ""


_ENGLISH_COUNTS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12,
}  # fmt: skip
# Words that name no particular report: they appear in every label.
_GENERIC = frozenset(
    [
        "report",
        "reports",
        "trends",
        "trend",
        "white",
        "paper",
        "research",
        "institute",
        "academy",
        "association",
        "industry",
        "artificial",
        "intelligence",
        "ai",
        "tech",
        "technology",
        "technologies",
        "digital",
        "frontier",
        "applications",
        "development",
        "top",
        "preview",
        "partial",
        "abridged",
        "pdf",
        "top10",
        "the",
        "of",
        "and",
        "报告",
        "趋势",
        "研究院",
        "研究",
        "人工智能",
        "科技",
        "数字",
        "前沿",
        "应用",
        "发展",
        "节选",
        "试读",
        "十大",
        "协会",
        "行业",
        "有限公司",
        "科技有限公司",
    ]
)


# A report named, after its publisher's possessive, by what it counts: "…in DAMO Academy's
# 2023 top ten tech trends?" (its name cut out already, the possessive left). Where the
# question asks of a thing in it, the count is the title's, not a list asked for.
_IN_COUNTED_TITLE = re.compile(
    r"\b(?:in|from|according to)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?[\w-]*\s*'s\s+(?:\d{4}\s+)?"
    r"(?:top\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
    r"(?:[\w-]+\s+){0,2}?trends\b(?:\s+report)?",
    re.IGNORECASE,
)


def question_type(question: str, named_reports: int = 0) -> QuestionType:
    """The kind of answer a question asks for (report names already cut out)."""
    if named_reports >= 2 or (_COMPARISON.search(question) and not _NUMBER.search(question)):
        return "comparison"
    listing = _IN_COUNTED_TITLE.sub(" ", question)
    if _LIST.search(listing) and not _single_number(question):
        return "list"
    if _NUMBER.search(question):
        return "number"
    if _DEFINITION.search(question) and not _IDENTITY.search(question):
        return "definition"
    if _OVERVIEW.search(question):
        return "overview"
    return "fact"


def _single_number(question: str) -> bool:
    # "几家企业" / "how many companies" asks for one count, not a list of items.
    return bool(re.search(r"多少|\bhow many\b|\bhow much\b", question, re.IGNORECASE))


def expected_count(
    question: str, is_title: Callable[[str], object] = lambda _t: False
) -> int | None:
    """How many items a list question names: 十大 -> 10, "three ways" -> 3. A count inside
    a report's title, in 《》 or quoted and named by `is_title` (《2023年十大科技趋势》认为…
    哪些新应用, "In the '2023 top ten technology trends', which companies…"), is part of the
    title: it counts nothing asked. A quoted list's own name counts its items (“生成式AI十
    大展望”分别是什么)."""
    question = _QUOTED.sub(
        lambda m: " " if m.group(0).startswith("《") or is_title(m.group(0)) else m.group(0),
        question,
    )
    for value in range(2, 21):
        for numeral in chinese_numerals(value):
            if re.search(f"(?<![一二三四五六七八九十]){numeral}(?:大|个|项|条|类|种|点)", question):
                return value
            if re.search(f"哪些?{numeral}[家位名所座国]", question):
                return value
    m = re.search(r"(\d{1,2})\s*(?:大|个|项|条|类|种|点)", question)
    if m:
        return int(m.group(1))
    for word, value in _ENGLISH_COUNTS.items():
        if re.search(rf"\b{word}\b", question, re.IGNORECASE):
            return value
    m = re.search(r"\b(\d{1,2})\s+[a-z]", question)
    return int(m.group(1)) if m else None


class ReportNames:
    """Resolves reports named in a question against the index's document labels.

    Each document's names are its title, its publisher in each language, titles quoted
    in its source line, and the words of those; a name counts only when it singles out
    one publisher's documents (so "2024" or "人工智能" name nothing).
    """

    def __init__(self, documents: Mapping[str, DocumentMeta]) -> None:
        self.documents = dict(documents)
        names: dict[str, set[str]] = {d: _names(d, m) for d, m in documents.items()}
        owner: dict[str, set[str]] = {}
        for doc, found in names.items():
            group = self.group_of(doc)
            for name in found:
                owner.setdefault(name, set()).add(group)
        self.names = {
            doc: tuple(sorted((n for n in found if len(owner[n]) == 1), key=len, reverse=True))
            for doc, found in names.items()
        }
        self.strong = {n for d, m in documents.items() for n in _full_names(d, m)}
        # A name that is itself a kind of report (白皮书) names the report wherever it stands.
        self.strong |= {n for ns in self.names.values() for n in ns if _REPORT_KIND.search(n)}

    def group_of(self, doc: str) -> str:
        """The publisher a document belongs to (a preview and its full report share one)."""
        meta = self.documents[doc]
        return fold(meta.publisher or meta.title)

    def named(self, question: str) -> tuple[str, ...]:
        """Documents the question names, in the order it names them.

        A full title or publisher always names its report; a short name (腾讯, Shenzhen)
        only when a report word follows it ("腾讯报告", "the Shenzhen white paper"), since
        the same word also names a company or a city the reports write about.
        """
        return tuple(sorted(self._where(question), key=lambda d: (self._where(question)[d], d)))

    def _where(self, question: str) -> dict[str, int]:
        folded = fold(question)
        lower = question.lower()
        where: dict[str, int] = {}
        for doc, names in self.names.items():
            for name in names:
                at = _find_name(name, folded, lower, strong=name in self.strong)
                if at >= 0:
                    where[doc] = min(where.get(doc, at), at)
        return where

    def written_in_chinese(self, question: str, docs: Sequence[str]) -> str:
        """`question` with the Latin names it gives the reports `docs` written as the
        reports write themselves: a title as its Chinese title, anything else as its
        publisher's Chinese name ("the Weijin Research report" -> "the 未尽研究 report"),
        for a translation that would not know them (微信 for Weijin)."""
        out = question
        for doc in docs:
            meta = self.documents[doc]
            titles = {_name_form(a) for a in meta.aliases} | {_name_form(meta.title)}
            titles |= {_name_form(_YEAR_WORD.sub(" ", a)) for a in meta.aliases}
            publisher = re.split(r"\s*[(（]", meta.publisher or "", maxsplit=1)[0].strip()
            title = re.sub(r"[（(][^）)]*[）)]", "", meta.title).strip()
            for name in self.names.get(doc, ()):
                if not re.fullmatch(r"[a-z0-9][a-z0-9 .\-]*", name):
                    continue
                lower = out.lower()
                at = _find_name(name, fold(out), lower, strong=name in self.strong)
                if at < 0:
                    continue
                chinese = title if name in titles else publisher
                if chinese and detect_language(chinese) == "zh":
                    out = out[:at] + chinese + out[at + len(name) :]
        return out

    def untitled(self, question: str) -> str:
        """`question` without the titles it gives reports on the shelf, quoted or not: the
        year of 《2023年十大科技趋势》 or of "2024数字科技前沿应用趋势中…" names the report,
        not the year asked about."""
        out = _TITLE_QUOTED.sub(lambda m: " " if self.named(m[0]) else m[0], question)
        for name in self._dated_titles:
            out = re.sub(re.escape(name), " ", out, flags=re.IGNORECASE)
        return out

    @cached_property
    def _dated_titles(self) -> list[str]:
        """The full names of reports that hold a year, longest first."""
        dated = {n for n in self.strong if re.search(r"(?:19|20)\d{2}", n)}
        return sorted(dated, key=len, reverse=True)

    def publisher_added(self, source: str, translation: str) -> str:
        """The publisher `translation` names (its Latin name's first word: Tencent,
        Weijin) that `source`, the statement it translates, names in neither language
        ('' when none). A translation is lent the question's words for what it names, and
        the small default model took "Tencent" from a question about the Tencent report
        for 智谱 AI: "Tencent's ChatGLM3" credits the publisher with another's work."""
        folded = fold(source)
        for doc, meta in self.documents.items():
            publisher = meta.publisher or ""
            latin = _publisher_in(publisher, "en").split()[:1]
            if not latin or not re.search(rf"\b{re.escape(latin[0])}\b", translation):
                continue
            # Its names, and its Chinese name's first word as the Latin's (深圳 of 深圳市
            # 人工智能行业协会: "Shenzhen has…" for 深圳有…).
            first = words(_publisher_in(publisher, "zh"))[:1]
            own = {*self.names.get(doc, ()), *(w for f in first for w in tokenize(f) if len(w) > 1)}
            if not any(fold(name) in folded for name in own):
                return latin[0]
        return ""

    def strip(self, question: str) -> str:
        """`question` with the report names it contains cut out (they say nothing of its type)."""
        out = re.sub(r"《[^》]*》|'[^']{6,80}'|\"[^\"]{6,80}\"", " ", question)
        for names in self.names.values():
            for name in names:
                if name in self.strong:
                    out = re.sub(re.escape(name), " ", out, flags=re.IGNORECASE)
        return out

    def without(self, question: str, docs: Sequence[str]) -> str:
        """One report's part of a comparison: `question` with the names it gives the
        reports `docs` cut out, each with its "报告"/"report" and the conjunction that joined
        it to the others ("腾讯报告和未尽研究分别如何看待…" is "腾讯报告如何看待…" for
        Tencent's part, "未尽研究如何看待…" for Weijin's), and the words that split the
        question across reports (分别, each, both) — left in, the part asks the model to
        compare, with one report's passages."""
        out = question
        for doc in docs:
            names = self.names.get(doc, ())
            for name in sorted(names, key=len, reverse=True):
                out = _cut_name(out, name, names)
        # A title cut from its marks leaves them empty, with the 和 that joined it.
        out = _EMPTY_TITLE.sub("", out)
        out = _SPLITTING.sub("", out)
        out = re.sub(r"\s+([？?，,。])", r"\1", out)
        return re.sub(r"\s+", " ", out).strip()

    def groups(self, docs: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        """`docs` grouped by publisher, in order of first appearance."""
        out: dict[str, list[str]] = {}
        for doc in docs:
            out.setdefault(self.group_of(doc), []).append(doc)
        return tuple(tuple(v) for v in out.values())

    def label(self, docs: Sequence[str], language: str = "zh") -> str:
        """How to name a group of documents in an answer: the full report's title, or for
        an English answer its English name (the first alias in Latin script), if it has one."""
        titles = sorted((self._title(self.documents[d], language) for d in docs), key=len)
        return titles[0] if titles else ""

    def heading(self, docs: Sequence[str], language: str = "zh") -> str:
        """How a comparison's part is headed: its publisher, in the answer's language when
        the manifest gives that form, before its report's title (`label`) —
        "腾讯研究院《2024数字科技前沿应用趋势》", "Tencent Research Institute, 2024 Digital
        Technology Frontier Application Trends": the reader asked of "the Tencent report"
        and "Weijin Research", and the title alone says neither."""
        title = self.label(docs, language)
        if not title:
            return ""
        metas = [self.documents[d] for d in docs]
        publisher = _publisher_in(next((m.publisher for m in metas if m.publisher), ""), language)
        if not publisher or fold(publisher) in fold(title):
            return f"《{title}》" if language == "zh" else title
        return f"{publisher}《{title}》" if language == "zh" else f"{publisher}, {title}"

    @staticmethod
    def _title(meta: DocumentMeta, language: str) -> str:
        if language == "en":
            english = [a for a in meta.aliases if detect_language(a) == "en"]
            if english:
                return english[0]
        return meta.title


def _publisher_in(publisher: str, language: str) -> str:
    """A manifest's publisher ("腾讯研究院 (Tencent Research Institute)") in one language:
    the form written in it, or '' when it has none."""
    forms = [f.strip() for f in re.split(r"[(（)）]", publisher) if f.strip()]
    return next((f for f in forms if detect_language(f) == language), "")


_REPORT_KIND = re.compile(r"白皮书|报告|研究院|white paper")
# After a publisher's short name, its report's year may come first ("达摩院2023十大科技趋势").
_REPORT_WORD_ZH = re.compile(
    r"^(?:(?:19|20)\d{2}年?度?)?.{0,4}?(?:报告|研究院|白皮书|趋势|认为|称|说|讲|写|指出|提到|预测|统计|估计|总结|梳理|整理|引用|"
    r"给出|列举|《)"
)
_REPORT_WORD_EN = re.compile(
    r"^(?:'s)?(?:\W+\w+){0,2}?\W+(?:reports?|papers?|white paper|research|institute|trends|study)\b"
)


_TITLE_QUOTED = re.compile(r"《[^》]{1,60}》")
# What names a source before it: a name after these is a report's name, as a name before
# a report word is ("according to the Shenzhen AI Industry Association", "根据深圳市…").
_SOURCE_LEAD = re.compile(
    r"(?:\baccording to|\bper|\bas reported by|根据|依据|按照)\s*(?:the\s+)?$", re.IGNORECASE
)


def _name_form(text: str) -> str:
    """How a name is matched: folded for Han text, lowercased with single spaces for Latin."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return fold(text)
    return " ".join(text.lower().split())


def _find_name(name: str, folded: str, lower: str, *, strong: bool) -> int:
    if re.fullmatch(r"[a-z0-9][a-z0-9 .\-]*", name):
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", lower):
            # In Chinese text a Latin name says what its report does in Chinese ("DAMO预测").
            after = lower[m.end() :]
            if strong or _REPORT_WORD_EN.match(after) or _REPORT_WORD_ZH.match(after):
                return m.start()
            if _SOURCE_LEAD.search(lower[: m.start()]):
                return m.start()
        return -1
    at = folded.find(name)
    while at >= 0:
        if strong or _REPORT_WORD_ZH.match(folded[at + len(name) :]):
            return at
        if _SOURCE_LEAD.search(folded[:at]):
            return at
        at = folded.find(name, at + 1)
    return -1


_YEAR_WORD = re.compile(r"\b(?:19|20)\d{2}\b")
_YEAR_NIAN = re.compile(r"((?:19|20)\d{2})年(?=\D)")


def _short_year(name: str) -> str:
    """A name with its year written as readers shorten it, without 年 ("2023十大科技趋势")."""
    return _YEAR_NIAN.sub(r"\1", name)


_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z&'-]*")
_LINKING = frozenset({"of", "and", "the", "for", "on", "in", "&"})


def acronyms(name: str | None) -> list[str]:
    """The initials an English name goes by ("Federal Aviation Administration": FAA,
    "Federal Bureau of Investigation": FBI), for each comma-separated part of at least
    two capitalised words."""
    out: list[str] = []
    for part in re.split(r"[,;()（）]", name or ""):
        words = [w for w in _NAME_WORD.findall(part) if w.lower() not in _LINKING]
        if len(words) >= 2 and all(w[0].isupper() for w in words):
            out.append("".join(w[0] for w in words))
    return out


def _labels(meta: DocumentMeta) -> list[str]:
    """Title, publisher and aliases; each alias also without its year."""
    years_out = [_YEAR_WORD.sub(" ", a) for a in meta.aliases]
    return [
        meta.title,
        meta.publisher or "",
        *meta.aliases,
        *(y for y in years_out if len(y.split()) >= 3),
    ]


def _full_names(doc: str, meta: DocumentMeta) -> set[str]:
    """A document's full names: its title and its publisher, in each language, and its
    aliases — also without their year, since readers put it first or last ("2023 top ten
    technology trends" for "Top Ten Technology Trends 2023")."""
    labels = _labels(meta)
    labels += re.findall(r"《([^》]+)》", meta.source or "")
    out: set[str] = set()
    for label in labels:
        for part in re.split(r"[()（）:：]", label):
            part = re.sub(r"[\s（(]*(?:节选|试读节选|abridged)[)）]*", "", part).strip()
            if len(fold(part)) >= 3 and not fold(part).isdigit():
                out.add(_name_form(part))
                # Readers drop a year's 年 before a title's words ("2023十大科技趋势").
                out.add(_name_form(_short_year(part)))
                # ... and write a romanised title as one word ("Kandao 2024" for Kan DAO 2024).
                out.add(_name_form(_LATIN_GAP.sub("", part)))
                # ... and Artificial Intelligence as AI ("the Shenzhen AI Industry Association").
                out.add(_name_form(_AI_WORDS.sub("AI", part)))
                # ... and an institution by its own name, without its parent's ("DAMO
                # Academy" of Alibaba DAMO Academy): from its all-capital word on.
                own = _OWN_NAME.search(part)
                if own:
                    out.add(_name_form(own.group(0)))
    return out


# An institution's own name after its parent's: an all-capital word and the capitalised
# words ending the label ("Alibaba DAMO Academy", "阿里巴巴达摩院 (Alibaba DAMO Academy)").
_OWN_NAME = re.compile(r"(?<=\s)[A-Z]{3,}(?:\s+[A-Z][a-z]+)+(?=\s*[)）]?\s*$)")


# The space between two Latin words of a name.
_LATIN_GAP = re.compile(r"(?<=[A-Za-z])\s+(?=[A-Za-z])")
_AI_WORDS = re.compile(r"\bartificial intelligence\b", re.IGNORECASE)


def _names(doc: str, meta: DocumentMeta) -> set[str]:
    """Every way a question might name this document (folded)."""
    labels = _labels(meta)
    labels += [m.group(0) for label in _labels(meta) if (m := _OWN_NAME.search(label))]
    labels += re.findall(r"《([^》]+)》", meta.source or "")
    pieces: set[str] = set()
    for label in labels:
        for part in re.split(r"[()（）:：]", label):
            part = re.sub(r"[\s（(]*(?:节选|试读节选|abridged)[)）]*", "", part).strip()
            if part:
                pieces.add(part)
                pieces.add(_short_year(part))
                pieces.add(_LATIN_GAP.sub("", part))
                pieces.add(_AI_WORDS.sub("AI", part))
    stem = re.sub(r"\.\w+$", "", doc.rsplit("/", 1)[-1])
    pieces.update(w for w in re.split(r"[_\-\s]+", stem) if re.fullmatch(r"[a-z]{4,}", w))
    out: set[str] = set()
    for piece in pieces:
        form = _name_form(piece)
        if len(form) >= 2 and form not in _GENERIC and not form.isdigit():
            out.add(form)
        for word in _words(piece):
            if len(word) >= 2 and word not in _GENERIC and not word.isdigit():
                out.add(_name_form(word))
    return out


def _words(text: str) -> list[str]:
    """Whole words (jieba's precise cut: 阿里巴巴, not 阿里 and 巴巴), lowercased Latin words."""
    from trendqa.tokens import warm_up

    warm_up()  # imports jieba the one way that keeps its import-time notices quiet
    import jieba

    return [w.strip().lower() for w in jieba.cut(text) if w.strip() and w not in STOPWORDS]


# Parts of speech that name a particular thing (jieba's tags): places, people,
# organisations, other proper nouns, and Latin-script names.
_NAME_TAGS = ("ns", "nr", "nt", "nz", "nrt", "eng", "nrfg")
# Quoted terms; a single quote only where it opens and closes a phrase, not in "China's".
# Single quotes quote a term unless a Latin letter or digit touches them (Tencent's);
# Chinese characters may ("中，'行业预测'部分").
_QUOTED = re.compile(
    r"[“\"「『《]([^”\"」』》]{2,30})[”\"」』》]|(?<![A-Za-z0-9])'([^']{2,40})'(?![A-Za-z0-9])"
    r"|‘([^‘’]{2,40})’"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_HYPHENATED_NAME = re.compile(
    r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)+(?:\s+[A-Z][a-z]+)*(?![A-Za-z0-9])"
)
_SPACED_NAME = re.compile(
    r"(?<![A-Za-z0-9\-])[A-Z][A-Za-z0-9+.]*(?:\s[A-Z][A-Za-z0-9+.]*|\s\d{1,3}(?:\.\d+)?(?![\d.]))+"
    r"(?![A-Za-z0-9\-])"
)
_EN_NAME = re.compile(r"\b(?:[A-Z][\w\-+.]*[A-Za-z0-9+]|[A-Z]{2,}\w*)(?:\s+[A-Z][\w\-+.]*)*")


def _not_opening(name: str, at: int) -> str:
    """A capitalised run without the word that opens the question, which is capitalised
    for opening it ("Under Jiangsu Province's list…" names Jiangsu Province); '' when
    nothing is left."""
    return name if at > 0 else name.partition(" ")[2].strip()


def _with_version(name: str, question: str) -> str:
    """A Latin-script name with the version the question gives it (Claude 3, GPT-4):
    another version is another subject."""
    if not re.search(r"[A-Za-z]$", name):
        return name
    m = re.search(
        rf"(?<![A-Za-z]){re.escape(name)}([\s\-]*\d{{1,2}}(?:\.\d)?)"
        r"(?![\d%,.年月日亿万千百个家款台项倍元])",
        question,
    )
    return name + m.group(1) if m else name


def quoted_terms(text: str, titles: bool = True) -> list[str]:
    """The terms `text` quotes (“数字交互引擎”, '行业预测'), and titles in 《》 unless
    `titles` is false."""
    return [
        m.group(1) or m.group(2) or m.group(3)
        for m in _QUOTED.finditer(text)
        if titles or not m.group(0).startswith("《")
    ]


# What a Chinese definition question defines, unquoted: 神经形态计算 of "什么是神经形态计算？",
# 向量数据库 of "白皮书中的向量数据库是什么？" — named after the definition word, or framed
# as what a report says (中的, 所说的) before it. A bare "X是什么" may ask a fact (口号是什么).
_DEFINED = (
    re.compile(r"(?:什么是|何谓)(?P<t>[^？?，,。；;：:的]{2,24})[？?]?$"),
    re.compile(r"(?:如何|怎样|怎么)(?:定义|界定)(?P<t>[^？?，,。；;：:的]{2,24})[？?]?$"),
    # How a report portrays a thing: "…是怎样介绍eVTOL的？", "对CLIP的描述是什么？".
    re.compile(
        r"(?:如何|怎样|怎么)(?:描述|介绍|刻画|诠释|解释)(?P<t>[^？?，,。；;：:的]{2,24})的?[？?]?$"
    ),
    re.compile(r"对(?P<t>[^？?，,。；;：:的]{2,24})的(?:描述|介绍|定义|解释)是什么[？?]?$"),
    re.compile(
        r"(?:所说的|所谓的?|提到的|中的|里的)(?P<t>[^？?，,。；;：:的]{2,24}?)"
        r"(?:是什么意思|是什么|指的是什么|指什么|是指什么)[？?]?$"
    ),
    # A clause naming the term, its English in brackets perhaps, and asking what it means:
    # "…白皮书中，天空计算（Sky Computing）指的是什么？" (not a bare 是什么: 口号是什么).
    re.compile(
        r"(?:^|[，,：:])\s*(?P<t>[^？?，,。；;：:的（(]{2,24}?)\s*(?:[（(][^（）()]{1,60}[)）])?\s*"
        r"(?:是什么意思|指的是什么|指什么|是指什么)[？?]?$"
    ),
)


# Words that point back to what the question said before ("“重新定义了大数据”，这句话是什么
# 意思？", "这件事有什么意义？"): they name no term or subject of their own.
POINTING = re.compile(r"^(?:这|那|该|此)(?:一|件|个|项|些|种)?(?:事情|事件|事)?")


def defined_terms(question: str, latin: bool = False) -> tuple[str, ...]:
    """The unquoted terms a Chinese definition question defines (quoted ones are
    `quoted_terms`): Chinese terms, and with `latin` also Latin-script ones (VoxPoser of
    "报告里提到的 VoxPoser 是什么？"). A phrase pointing back ("这句话", "这个说法") is
    none: what it points to is quoted before it or is the question's subject."""
    out: list[str] = []
    for part in re.split(r"(?<=[？?])", question):
        for pattern in _DEFINED:
            m = pattern.search(part.strip())
            if not m or POINTING.match(m.group("t").strip()):
                continue
            if not quoted_terms(m.group("t")) and (latin or han_share(m.group("t")) > 0.5):
                out.append(m.group("t").strip())
                break
    return tuple(dict.fromkeys(out))


# Capitalised words that name a role, not who holds it ("the President and ten Vice
# Presidents").
ROLE_WORDS = frozenset((
    "vice", "president", "presidents", "chief", "executive", "executives", "officer", "officers",
    "director", "directors", "chair", "chairman", "chairwoman", "chairperson", "head", "heads",
    "deputy", "general", "manager", "managers", "board", "secretary", "minister", "prime",
    "senior", "founder", "founders", "ceo", "cfo", "cto",
))  # fmt: skip


# What names a report after a word of its publisher's name ("深圳那份白皮书", "深圳AI协会",
# "the Shenzhen white paper"), within the few characters of its clause that follow.
_REPORT_AFTER = re.compile(
    r"白皮书|报告|协会|研究院|研究|趋势|"
    r"\b(?:white\s*paper|report|association|institute|trends?)\b",
    re.IGNORECASE,
)
NAMING_CHARS = 12
_CLAUSE_END = re.compile(r"[，,。；;？?！!：:]")


def written_apart(term: str, question: str) -> bool:
    """Whether the question writes `term`, a place in a report's name, once at least where
    it names no report: Shenzhen in "白皮书统计的深圳各区AI企业分布里" or "for Shenzhen's
    own AI sector" is what is asked about, in "深圳那份白皮书里" the publisher's city. (A
    publisher's own name written alone, 达摩院认为…, names the report as the speaker; one
    written before a title, "据深圳《2024人工智能发展白皮书》", names the titled work.)"""
    if _REPORT_AFTER.search(term) or not _is_place(term):
        return False
    titled = _QUOTED.sub(lambda m: " 报告 " if m.group(0).startswith("《") else " ", question)
    text = " ".join(titled.lower().split())
    for m in re.finditer(re.escape(" ".join(term.lower().split())), text):
        after = _CLAUSE_END.split(text[m.end() : m.end() + NAMING_CHARS])[0]
        if not _REPORT_AFTER.search(after):
            return True
    return False


@lru_cache(maxsize=1024)
def _is_place(term: str) -> bool:
    """Whether jieba's tagger reads `term` as one place name (深圳, 上海市)."""
    pairs = tagged(term.strip())
    return len(pairs) == 1 and pairs[0][1] == "ns"


def owners(question: str, names: Sequence[str]) -> frozenset[str]:
    """The names the question writes only as the owner of another name it writes right
    after ("NVIDIA的VIMA", "DeepMind 's AlphaMissense"): the owned name says what is asked
    of, and a sentence naming it ("英伟达VIMA…", "AlphaMissense模型对…分类") states it for
    the owner too. Years are no owners ("2023年的GPT-4" dates it)."""

    def owns(owner: str, owned: str) -> bool:
        pattern = rf"{re.escape(owner)}\s*(?:的|['’]s\b)\s*{re.escape(owned)}"
        return owned != owner and bool(re.search(pattern, question, re.IGNORECASE))

    return frozenset(
        owner
        for owner in names
        if not _YEAR.fullmatch(owner) and any(owns(owner, owned) for owned in names)
    )


# A funding round named by its letter, as the reports write it (A轮, B+轮, Pre-A轮), and
# as an English question does ("Series B").
_ROUND_ZH = re.compile(r"(?<![A-Za-z])(?:Pre-?)?[A-H]\+?\s*轮", re.IGNORECASE)
_ROUND_EN = re.compile(r"\bSeries\s+([A-H])\b", re.IGNORECASE)


def rounds_named(translated: str, original: str) -> str:
    """`translated` with the funding rounds its English `original` names ("Series B")
    written as the reports write them (B轮): the small model wrote 系列B, which no passage
    writes and no check can hold a sentence to — so Series A's count was given for B."""
    for letter in dict.fromkeys(m[1].upper() for m in _ROUND_EN.finditer(original)):
        translated = re.sub(
            rf"(?:系列\s*{letter}(?![A-Za-z])|(?<![A-Za-z]){letter}\s*系列)(?:\s*轮)?",
            f"{letter}轮",
            translated,
        )
    return translated


def names_round(term: str) -> bool:
    """Whether `term` is a funding round named by its letter (B轮)."""
    return _ROUND_ZH.fullmatch(term) is not None


def entities(question: str, report_names: Sequence[str] = ()) -> tuple[str, ...]:
    """The question's subject: proper names, quoted terms and years, minus report names —
    but for a name it also writes apart from naming its report (`written_apart`): Shenzhen
    of "深圳白皮书里，深圳有多少家人工智能企业？" is the subject, not only the publisher's
    city."""
    found: list[str] = quoted_terms(question)
    # A year inside a quoted title names the title ('2023 top ten trends'), not the date
    # of what is asked.
    found += [m.group(1) for m in _YEAR.finditer(_QUOTED.sub(" ", question))]
    if detect_language(question) == "zh":
        # A hyphenated Latin name is one name ("Fei-Fei Li的VoxPoser"): jieba cuts it at
        # the hyphen into words that name no one.
        # So is a Latin name of words apart ("Vision Pro", "Stable Diffusion", "Llama 2").
        joined = [m.group(0) for m in _HYPHENATED_NAME.finditer(question)]
        spaced = (m.group(0) for m in _SPACED_NAME.finditer(question))
        joined += [n for n in spaced if not any(n in j for j in joined)]
        pieces = {w for n in joined for w in re.split(r"[\s\-]+", n)}
        named = [*joined, *(n for n in _chinese_names(question) if n not in pieces)]
        named.sort(key=question.find)  # as the question writes them
        found += [_with_version(n, question) for n in named]
        # A round is a subject as a name is: A轮's count is not B轮's.
        found += [re.sub(r"\s+", "", m[0]) for m in _ROUND_ZH.finditer(question)]
    else:
        found += [
            _with_version(name, question)
            for m in _EN_NAME.finditer(question)
            if (name := _not_opening(m.group(0), m.start()))
        ]
    names = {fold(n) for n in report_names}
    out: list[str] = []
    for term in found:
        term = term.strip()
        folded = fold(term)
        if len(folded) < 2 or folded in STOPWORDS or folded in _GENERIC:
            continue
        if all(w in ROLE_WORDS for w in folded.split()):
            continue  # "the CEO of Tesla": the role asked for, not a subject
        if any(shares_name(term, n) for n in names) and not written_apart(term, question):
            continue  # naming the report is not naming the subject
        if folded not in (fold(o) for o in out):
            out.append(term)
    return tuple(out)


def shares_name(term: str, name: str) -> bool:
    """Whether `term` is part of a report's `name` (folded), or the name part of it; a
    short Latin one (US, AI) as a whole word: "US" is no part of "industry association"."""
    folded = fold(term)
    for part, whole in ((folded, name), (name, _name_form(term))):
        if re.fullmatch(r"[a-z0-9]{1,3}", part):
            if re.search(rf"(?<![a-z0-9]){part}(?![a-z0-9])", whole):
                return True
        elif part in whole or part in fold(whole):
            return True
    return False


def _chinese_names(question: str) -> list[str]:
    return [
        word
        for word, flag in tagged(question)
        if flag in _NAME_TAGS
        and len(word.strip()) >= 2
        and not _TOWARD_COUNTRY.fullmatch(word.strip())
        and not (flag == "nz" and _pointed_at(word, question))
        and not _asked_kind(word, question)
        and not (flag == "nz" and _counted(word, question))
        and not _LOWER_LATIN.fullmatch(word.strip())
    ]


def other_proper_nouns(question: str) -> set[str]:
    """The Chinese words jieba reads only as some proper noun (nz), not as a place, a
    person or an organisation: in a translated question often the model's word for plain
    English (全自动 of "fully driverless"), not a name."""
    return {
        word.strip()
        for word, flag in tagged(question)
        if flag == "nz" and re.fullmatch(r"[\u4e00-\u9fff]{2,}", word.strip())
    }


# A lower-case English word in a Chinese question ("腾讯报告中 humanoid-机器人章节") is a
# word a translation left as it was, not a name (names are written GPT-4, iPhone, BIS).
_LOWER_LATIN = re.compile(r"[a-z]{3,}")


# A word the question points at ("哪篇论文", "该论文"): the kind of thing it asks for, or one
# it named already — jieba tags many common nouns nz (论文, 通讯), and these are no name.
_MEASURE_WORDS = "个篇项家部款位种条份本"  # 哪家, 这份, 该项…
_POINTER = rf"[哪该此这那][一]?[{_MEASURE_WORDS}]?"


def _pointed_at(word: str, question: str) -> bool:
    return re.search(_POINTER + re.escape(word), question) is not None


# The kind of thing a question asks for, written right after its interrogative ("是个什么
# 东西", jieba's place name 东西 "east-west"): what is asked, never a subject it names.
_ASKED = rf"(?:什么|哪一?(?:[{_MEASURE_WORDS}些])?)"


def _asked_kind(word: str, question: str) -> bool:
    return re.search(_ASKED + re.escape(word), question) is not None


# What a question counts, right after 多少 or 几 ("多少个中文字符", "几项专利"): the kind of
# thing its figure is a number of, not a subject the figure's sentence must name. Only
# jieba's other proper nouns (nz: 中文, 汉字); a place counted in ("多少家上海企业") is one.
_COUNTED = rf"(?:多少|几)[{_MEASURE_WORDS}台次名件]?"


def _counted(word: str, question: str) -> bool:
    return re.search(_COUNTED + re.escape(word), question) is not None


# A relation to a country written as one word (对华, 赴美, 驻日): which way a policy or a
# trip goes, not a subject a sentence must name — 对华 of "美国对华半导体出口管制" is the
# report's 出口到有关国家.
_TOWARD_COUNTRY = re.compile(r"[对向赴来访驻援涉在从与]+[华中美日俄英法德韩欧台港澳]")


# A source named after its work ("the Hugging Face study"; Chinese only with the verb that
# makes it one, "IDC数据显示": 深圳的数据中心 names no source) or after "according to".
_SOURCE_AFTER = (
    r"(?:'s)?\s+(?:study|studies|survey|data|research|analysis|estimates?)\b|"
    r"(?:的)?(?:研究|调查|数据|报告)(?:显示|表明|指出|发现|称)|(?:的)?(?:统计|测算|预测)(?!局)"
)
_SOURCE_BEFORE = r"(?:according to|cited by|引用|根据|依据|按照)\s*(?:the\s+)?(?:的)?"


def sources(question: str, found: Sequence[str]) -> tuple[str, ...]:
    """The entities `question` names as the source of what it asks ("the Hugging Face
    study cited by …", "据IDC统计"): a figure's sentence need not name its source, which a
    report names once, under its chart or before its paragraph."""
    out = []
    for entity in found:
        name = re.escape(entity)
        if re.search(name + f"(?:{_SOURCE_AFTER})", question, re.IGNORECASE) or re.search(
            _SOURCE_BEFORE + name, question, re.IGNORECASE
        ):
            out.append(entity)
    return tuple(out)


# Where a question says to look ("in Tencent's eVTOL section", "在eVTOL部分", "人形机器人
# 一章里"): a name before the word for a part of a report, with only its other words
# between. (大部分, 一部分 are amounts, not parts of a report.)
_SCOPE_AFTER = (
    r"(?:\s+[a-z][a-z-]*){0,3}\s+(?:section|chapter)s?\b|"
    r"[^\W\da-zA-Z的在和与及、]{0,6}?(?:章节|一章|这一章|这章|一节|这一节|这节|板块|(?<![大一小])部分)|"
    # "在“AI+基因计算”的热点方向中提到的…": where the report mentions what is asked.
    r"[”」』\"']?的?[^\W\da-zA-Z的在和与及、]{0,6}?中所?(?:提到|提及|列出|介绍|谈到|写到)"
)
_SCOPE_BEFORE = r"\b(?:section|chapter)\s+(?:on|about)\s+(?:the\s+)?[\w'’ -]{0,30}?"


def scopes(question: str, found: Sequence[str]) -> tuple[str, ...]:
    """The entities `question` names only as the part of a report to look in ("In
    Tencent's eVTOL section, how do CATL's and Amprion's batteries compare?"): where the
    answer is written, not what it is about — a battery's figure need not name eVTOL."""
    out = []
    for entity in found:
        name = re.escape(entity)
        if re.search(name + f"(?:{_SCOPE_AFTER})", question) or re.search(
            _SCOPE_BEFORE + name, question, re.IGNORECASE
        ):
            out.append(entity)
    return tuple(out)


def figures(question: str) -> tuple[str, ...]:
    """The figures a question states (years, amounts)."""
    return tuple(n.text for n in find_numbers(question))


def analyze(
    question: str,
    reports: ReportNames,
    language: str | None = None,
    docs: Sequence[str] = (),
) -> QuestionAnalysis:
    """Type, named reports, subject and figures of `question` (no model call)."""
    named = tuple(d for d in reports.named(question) if not docs or d in docs)
    parts = reports.groups(named)
    kind = question_type(reports.strip(question), len(parts))
    shelf_wide = () if docs else _shelf_wide_parts(question, reports, parts)
    if shelf_wide:
        parts, kind = shelf_wide, "comparison"
    report_names = [n for d in named for n in reports.names[d]]
    # An English gloss of a Chinese term (科技巨头（Big Tech）) names no second subject.
    found = entities(without_gloss(question), report_names)
    scoped = scopes(question, found)
    found = tuple(e for e in found if e not in scoped)
    ordinal = asked_ordinal(reports.strip(question))
    return QuestionAnalysis(
        question=question,
        language=language or detect_language(question),
        type=kind,
        docs=named,
        parts=parts if kind == "comparison" and len(parts) >= 2 else (),
        entities=found,
        sources=sources(question, found),
        figures=figures(reports.untitled(question)),
        count=expected_count(question, reports.named) if kind == "list" else None,
        wants=wanted_form(reports.strip(question)) if kind in ("number", "fact") else "",
        defines=asks_definition(reports.strip(question), kind),
        ordinal=ordinal[0] if ordinal else 0,
        ordinal_of=ordinal[1] if ordinal else "",
    )


# What a report numbers its sections as: "第三个趋势", "趋势三", "第2章", "the third trend",
# "trend 3". A rank (排名第三), a quarter (第三季度) or an edition (第七届) numbers no
# section: the number must come with the word for one.
_SECTION_WORDS_ZH = "趋势|方向|要点|挑战|路径|原则|特征|部分|章|节|篇"
# A year after the word ("十大科技趋势2023") numbers no section: a number is one or two
# digits standing alone.
_ORDINAL_ZH = re.compile(
    rf"第\s*(?P<n>[一二三四五六七八九十]{{1,3}}|\d{{1,2}}(?!\d))\s*(?:个|项|条|大|点)?\s*"
    rf"(?:科技|技术|发展|关键)?(?P<what>{_SECTION_WORDS_ZH})"
    rf"|(?P<what2>趋势|要点)\s*"
    rf"(?P<n2>[一二三四五六七八九十]{{1,3}}(?![〇零一二三四五六七八九十年月日])|\d{{1,2}}(?![\d.]))"
)
_ENGLISH_ORDINALS: tuple[str, ...] = ("first", "second", "third", "fourth", "fifth")
_ENGLISH_ORDINALS += ("sixth", "seventh", "eighth", "ninth", "tenth")
_ENGLISH_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_SECTION_WORDS_EN = "trend|direction|challenge|path|principle|point|chapter|section|part"
_ORDINAL_EN = re.compile(
    rf"\b(?P<n>{'|'.join(_ENGLISH_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+(?:\w+\s+)?"
    rf"(?P<what>{_SECTION_WORDS_EN})s?\b"
    rf"|\b(?P<what2>trend|chapter|section|part)\s+(?P<n2>\d{{1,2}}|{'|'.join(_ENGLISH_NUMBERS)})\b",
    re.IGNORECASE,
)
# The Chinese a report's headings use for what an English question numbers.
_SECTION_WORDS_IN_ZH = {"trend": "趋势", "chapter": "章", "section": "节", "challenge": "挑战"}


def unnumbered(question: str) -> str:
    """`question` without the number of the section it asks for: "第三个趋势" is "趋势",
    "the third trend" "trend" — the passages write neither the number nor its measure
    word, and a question's terms are looked for in them."""

    def word(m: re.Match[str]) -> str:
        return m.group("what") or m.group("what2")

    return _ORDINAL_EN.sub(word, _ORDINAL_ZH.sub(word, question))


def asked_ordinal(question: str) -> tuple[int, str] | None:
    """The numbered section `question` asks for, as (its number, the word naming what is
    numbered, in Chinese where a report's headings would write it), or None."""
    m = _ORDINAL_ZH.search(question)
    if m:
        numeral, what = (
            (m.group("n"), m.group("what")) if m.group("n") else (m.group("n2"), m.group("what2"))
        )
        number = int(numeral) if numeral.isdigit() else int(han_value(numeral))
        return (number, what) if number > 0 else None
    m = _ORDINAL_EN.search(question)
    if not m:
        return None
    numeral = (m.group("n") or m.group("n2")).lower()
    what = (m.group("what") or m.group("what2")).lower()
    if numeral in _ENGLISH_ORDINALS:
        number = _ENGLISH_ORDINALS.index(numeral) + 1
    elif numeral in _ENGLISH_NUMBERS:
        number = _ENGLISH_NUMBERS.index(numeral) + 1
    else:
        number = int(re.sub(r"\D", "", numeral))
    return (number, _SECTION_WORDS_IN_ZH.get(what, what)) if number > 0 else None


def sub_questions(question: str) -> list[str]:
    """The sub-questions of a question that asks several ("…是哪天发布的？…进步了多少？"),
    or [] for one that asks one."""
    parts = [p.strip() for p in re.split(r"(?<=[？?；;])", question) if p.strip()]
    return parts if len(parts) > 1 else []


# What makes a clause ask something: an interrogative word (not 几乎 "almost", 任何
# "any"), and in English a wh-word or an auxiliary opening it.
_INTERROGATIVE_ZH = re.compile(rf"{_WH_ZH}|是否|吗")
_CLAUSE_BREAK_ZH = re.compile(r"(?<=[，,、；;])")
_AND_ASKS_EN = re.compile(
    r",?\s+and\s+(?=(?:what|which|who|whom|whose|when|where|why|how|whether|is|are|was|"
    r"were|does|did|do|has|have|had)\b)",
    re.IGNORECASE,
)
_ASKS_EN = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how|whether)\b|^\s*(?:is|are|was|were|"
    r"does|did|do|has|have|had|can)\b",
    re.IGNORECASE,
)


def premise(question: str) -> str:
    """What a question states before it asks ("未尽研究说中国…渗透率已经超过42%，" of "…，那
    同期美国乘用车的渗透率是多少？"): its clauses before the first that asks, '' when it
    opens by asking."""
    zh = detect_language(question) == "zh"
    asking = _INTERROGATIVE_ZH if zh else _ASKS_EN
    clauses = [c for c in re.split(r"(?<=[，,；;])", question) if c]
    given = ""
    for clause in clauses[:-1]:
        if asking.search(clause):
            break
        given += clause
    return given


def asked_parts(question: str) -> list[str]:
    """Every thing a question asks, one clause each, or [] for a question asking one:
    its sub-questions (`sub_questions`), and within one, the clauses that each ask
    ("截至2023年底，深圳有多少家…载体，新审批情况如何？", "How many cores does it have,
    and what chips is it built from?"). A clause that asks nothing ("截至2023年底，")
    belongs to the one after it."""
    out: list[str] = []
    for sub in sub_questions(question) or [question]:
        if detect_language(sub) == "zh":
            pieces = [p for p in _CLAUSE_BREAK_ZH.split(sub) if p]
            asking = _INTERROGATIVE_ZH
        else:
            pieces = [p for p in _AND_ASKS_EN.split(sub) if p]
            asking = _ASKS_EN
        clauses: list[str] = []
        current = ""
        for piece in pieces:
            if current and asking.search(current) and asking.search(piece):
                clauses.append(current)
                current = piece
            else:
                current += piece
        if current:
            if clauses and not asking.search(current):
                clauses[-1] += current
            else:
                clauses.append(current)
        out.extend(c.strip() for c in clauses if c.strip())
    return out if len(out) > 1 else []


# "它" standing for one thing (not 它们, which the sub-question asks of several).
_IT = re.compile(r"它(?!们)")


# A clause asking for a thing to be named: 哪个/哪家/哪款… and the noun asked for.
_ASKS_WHICH = re.compile(r"哪(?:一)?[个家款位所台种项部]")
# A name written right after the noun it names ("高性能计算机JUPITER", "模型“山海”").
_NAME_AFTER = (
    r"\s*([A-Za-z][A-Za-z0-9\-]*(?:\s[A-Z0-9][A-Za-z0-9\-]*)*|“[^”]{2,20}”|《[^》]{2,30}》)"
)


def _asked_noun(clause: str) -> str:
    """The head of the noun a clause asks to be named ("计算机" of "哪个欧洲超大规模计算机
    开始建设"): the last word before its verb — '' when it asks none, or names another
    thing after it ("哪家医院试用了…系统": "它" may be either)."""
    m = _ASKS_WHICH.search(clause)
    if not m:
        return ""
    pairs = [(word, flag) for word, flag in tagged(clause[m.end() :]) if word.strip()]
    head, at = "", len(pairs)
    for i, (word, flag) in enumerate(pairs):
        if flag.startswith(("v", "p", "u", "x", "c", "d")):
            at = i
            break
        head = word
    if any(flag.startswith(("n", "eng")) for _word, flag in pairs[at:]):
        return ""
    return head if len(head) >= 2 else ""


def named_by_answer(part: str, before: str, stated: str) -> str:
    """`part` with its "它" written as the name the answer gives for what the clause
    before it asks to be named ("哪个欧洲超大规模计算机开始建设，它使用了哪些关键技术？"
    answered "…高性能计算机JUPITER的建设": "JUPITER使用了哪些关键技术？"): the one name
    written right after the asked noun in `stated` (what the answer's kept claims say),
    or the one name ending in it (北京友谊医院 for 哪家医院). `part` as it is when the
    clause asks for no name, or the answer gives none or several."""
    if not _IT.search(part):
        return part
    head = _asked_noun(before)
    if not head:
        return part
    found = {m.group(1).strip("“”《》") for m in re.finditer(re.escape(head) + _NAME_AFTER, stated)}
    if not found:
        from trendqa.answer.claims import names_in

        found = {w for w, _kind in names_in(stated) if w.endswith(head) and len(w) > len(head)}
    found = {f for f in found if fold(f) not in fold(before)}
    return _IT.sub(found.pop(), part, count=1) if len(found) == 1 else part


def standalone(clauses: Sequence[str], reports: ReportNames) -> list[str]:
    """Sub-questions each readable alone: "它" in one is the subject the one before it
    names ("GPT-4是哪天发布的？腾讯报告认为它比GPT-3.5进步了多少？" asks the second of
    GPT-4; a report the sub-question names is no subject). A sub-question is asked alone,
    with its own report's passages; a pronoun there points at nothing."""
    out = list(clauses)
    for i in range(1, len(out)):
        if not _IT.search(out[i]):
            continue
        lead = topic_lead(out[i])
        if lead and not reports.named(lead):
            # "腾讯混元大模型：腾讯报告展示了它的什么能力？": "它" is the topic set out first,
            # which the sub-question carries already.
            continue
        # Its subject: what the one before names, or the notion it asks to define
        # ("什么是存算一体？它与…有什么关系？").
        subjects = analyze(out[i - 1], reports).entities or defined_terms(out[i - 1])
        before = [e for e in subjects if not _YEAR.fullmatch(e)]
        if before:
            out[i] = _IT.sub(before[0], out[i], count=1)
    return out


def with_subjects(clauses: Sequence[str], reports: ReportNames) -> list[str]:
    """Sub-questions each asked alone of its own report: one naming no subject of its own
    ("未尽研究又怎么定位这份文件？") asks of the subject the one before it names, set out
    first as its topic ("人形机器人创新发展指导意见：未尽研究又怎么定位这份文件？"). A report
    named is no subject; nor is a year."""
    names = [n for group in reports.names.values() for n in group]
    out = list(clauses)
    for i in range(1, len(out)):
        if topic_lead(out[i]) or _names_a_subject(reports.without(out[i], reports.named(out[i]))):
            continue
        before = [e for e in entities(clauses[i - 1], names) if not _YEAR.fullmatch(e)]
        if before:
            colon = "：" if detect_language(out[i]) == "zh" else ": "
            out[i] = f"{before[0]}{colon}{out[i]}"
    return out


# A sub-question that leans on the one before it ("它们分别由谁研发？") asks nothing alone.
_LEANS = re.compile(
    r"[它其他她]们?|该|此|这些|那些|\b(?:it|its|they|their|them|these|those|this|that)\b",
    re.IGNORECASE,
)


def _shelf_wide_parts(
    question: str, reports: ReportNames, parts: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, ...], ...]:
    """The parts of a question of several sub-questions that names one report in some of
    them and none in another that stands alone, naming its own subject ("GPT-4是哪天发布
    的？腾讯报告认为它比GPT-3.5进步了多少？"): the named report for its sub-questions, the
    whole shelf (an empty group) for the other — the reader held only the one to that
    report. A sub-question that names no subject ("主要特点有哪些？") goes on asking about
    the report's. () when the question is not of that shape."""
    if len(parts) != 1:
        return ()
    out: list[tuple[str, ...]] = []
    for clause in sub_questions(question):
        if reports.named(clause):
            if not _names_a_subject(reports.without(clause, parts[0])):
                # "硅谷说的“云洗钱”是什么意思？未尽研究是怎么解释的？": naming the report and
                # nothing else, it asks of the subject before it, in that report — the
                # whole question is held to the report, asked as one.
                return ()
            group = parts[0]
        elif not _LEANS.search(clause) and asks(clause) and entities(clause, ()):
            group = ()
        else:
            continue
        if group not in out:
            out.append(group)
    return tuple(out) if len(out) == 2 else ()


# What a clause asks for, from its interrogative to its end ("哪些量化数字？"): the kind of
# answer, not what it asks about.
_ASKED_FOR = re.compile(rf"(?:什么|哪些|哪一?[{_MEASURE_WORDS}类])[^？?，,。；;]*")
_HOW = frozenset({"怎么", "如何", "怎样", "怎么样", "为何", "为什么"})
# What points back at a thing ("这份文件", "该技术"): named before, not by this clause.
_POINTER_WORD = re.compile(rf"[这那]一?[{_MEASURE_WORDS}些类]?|[该此]")


def _names_a_subject(clause: str) -> bool:
    """Whether a sub-question, its report's name cut out, names something it asks about: a
    noun outside what it asks for ("如何看待人形机器人的成本？" does; "是怎么解释的？" and
    "给了哪些量化数字？" do not) — in English, a name of its own (`entities`)."""
    if detect_language(clause) != "zh":
        return bool(entities(clause, ()))
    # The word after 怎么/如何 is what is done ("怎么定位", jieba's noun 定位); the one after
    # 这份/该 was named before ("这份文件"). A term of trendqa's own dictionary ("人形机器
    # 人") comes untagged: x.
    before = ""
    for word, flag in tagged(_ASKED_FOR.sub(" ", clause)):
        if (
            (flag.startswith("n") or flag == "eng" or flag == "x")
            and len(word.strip()) >= 2
            and re.search(r"\w", word) is not None
            and fold(word) not in STOPWORDS
            and before not in _HOW
            and not _POINTER_WORD.fullmatch(before)
        ):
            return True
        before = word
    return False


# The fewest Han characters of another name written before a report noun that are its lead.
_LEAD_CHARS = 2


def _name_lead(head: str, others: Collection[str]) -> int:
    """How many of `head`'s last characters begin another (longer) name of the same
    report: "深圳" before "白皮书", of 深圳市 — with a short Latin qualifier between them,
    "深圳AI" before "白皮书" (0 when none do)."""
    qualifier = _QUALIFIER.search(head)
    bare = head[: qualifier.start()] if qualifier else head
    for k in range(min(len(bare), 8), _LEAD_CHARS - 1, -1):
        lead = bare[-k:]
        if han_share(lead) == 1 and any(o != lead and o.startswith(lead) for o in others):
            return k + len(head) - len(bare)
    return 0


# A short Latin word between a report's place and its report noun: 深圳AI白皮书.
_QUALIFIER = re.compile(r"(?<=[\u4e00-\u9fff])\s*[A-Za-z]{1,4}\s*$")


# What follows a report's name as part of it: "腾讯报告", "the Shenzhen white paper".
# A year written onto a title ("2024人工智能展望"); "2023年腾讯…" dates what is asked.
_YEAR_BEFORE = re.compile(r"(?:19|20)\d{2}$")
_REPORT_NOUN = re.compile(
    # The report's title right after its publisher's name, in 《》 ("阿里达摩院《2023十大科技
    # 趋势》") or loosely, a year and the words up to its report noun ("腾讯研究院2024数字科技
    # 趋势报告"): the year names the report, and is no other report's part's to ask.
    r"^(?:\s*《[^》]*》|\s*(?:19|20)\d{2}年?[\u4e00-\u9fff]{0,12}?(?:报告|白皮书|趋势))?"
    r"(?:的?(?:研究报告|报告|白皮书|趋势报告)|'s|’s)?"
    r"(?:\s*(?:AI\s+|trends?\s+|research\s+)?(?:report|white\s*paper|study|chapter)s?\b)?",
    re.IGNORECASE,
)
# What joins two named reports: before the name ("A和B" cuts "和B") or after it ("B和A").
_JOIN_BEFORE = re.compile(r"(?:和|与|及|以及|跟|同|、|，|,|\s+and(?:\s+the)?|\s+vs\.?)\s*$", re.I)
_JOIN_AFTER = re.compile(r"^\s*(?:和|与|及|以及|跟|同|、|，|,|and\b|vs\.?)\s*", re.I)
_JOINING_AFTER = re.compile(r"^\s*(?:和|与|及|以及|跟|同|、|and\b|vs\.?)", re.I)
_EMPTY_TITLE = re.compile(r"(?:和|与|及|以及|跟|同|、)?\s*《[\s：:·—-]*》")
_SPLITTING = re.compile(r"分别|各自|\b(?:each|both|respectively)\b", re.IGNORECASE)


def _cut_name(question: str, name: str, others: Collection[str] = ()) -> str:
    """`question` with every mention of the report `name` cut out with its report noun and
    the one conjunction that joined it to another report — and with the words written
    just before it that begin another of the report's names (深圳 of "深圳白皮书", the
    publisher 深圳市…协会's place written short)."""
    out = question
    while True:
        m = re.search(re.escape(name), out, flags=re.IGNORECASE)
        if m is None:
            return out
        start, end = m.start(), m.end()
        start -= _name_lead(out[:start], others)
        # A year written just before a title names that report too ("2024人工智能展望报告").
        dated = _YEAR_BEFORE.search(out[:start])
        start = dated.start() if dated else start
        end += _REPORT_NOUN.match(out[end:]).end()  # type: ignore[union-attr]
        head = re.sub(r"(?:\bthe\s+)$", "", out[:start], flags=re.IGNORECASE)
        joined = _JOIN_BEFORE.search(head)
        if joined and joined.group(0).strip() in ("，", ",") and _JOINING_AFTER.match(out[end:]):
            # "…行政令，深圳白皮书和未尽研究…": the 和 after the name joined it to the other
            # report; the comma before it closes the clause before and stays.
            joined = None
        if joined:
            head = head[: joined.start()]
            tail = out[end:]
        else:
            tail = _JOIN_AFTER.sub("", out[end:], count=1)
        spaced = (
            head[-1:].isascii()
            and head[-1:].isalnum()
            and tail[:1].isascii()
            and tail[:1].isalnum()
        )
        out = head + (" " if spaced else "") + tail
