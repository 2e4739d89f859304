"""Numbers in Chinese and English text, with their scale words, for checking answers.

A small model writing English from Chinese passages slips on scale
(70 亿 is 7 billion, not 70 billion), so an answer's figures are compared by
value with the evidence's: "72.72 billion" matches "727.2亿".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from trendqa.textnorm import HAN_DIGITS, HAN_YEAR

_SCALES = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4,
    "千": 1e3, "trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3,
    "bn": 1e9, "b": 1e9, "m": 1e6, "k": 1e3,
}  # fmt: skip
# Digits glued to a word by a hyphen are part of a name, not a figure: GPT-3.5 is written
# GPT3.5 too, and COVID-19 states no 19.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*"
    r"(万亿|千亿|百亿|亿|千万|百万|万|千|trillion|billion|million|thousand|bn|[bmk](?![a-z]))?",
    re.IGNORECASE,
)


NUMBER_PATTERN = _NUMBER


@dataclass(frozen=True)
class Number:
    """A figure as written (`raw`) and its value with any scale word applied."""

    raw: float
    value: float
    text: str


def find_numbers(text: str) -> list[Number]:
    """Every figure in `text`; '3,072' is 3072, '727.2亿' is 7.272e10."""
    return [_read(m) for m in _NUMBER.finditer(text)]


def _read(m: re.Match[str]) -> Number:
    """The figure `_NUMBER` matched."""
    whole, frac, scale = m.group(1), m.group(2) or "", m.group(3)
    raw = float(whole.replace(",", "") + frac)
    factor = _SCALES.get(scale.lower(), 1.0) if scale else 1.0
    return Number(raw=raw, value=raw * factor, text=m.group(0).strip())


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def supported(number: Number, evidence: list[Number]) -> bool:
    """Whether `number` states a figure the evidence states (by value, or as written)."""
    return any(
        _close(number.value, e.value) or (_close(number.raw, e.raw) and number.value == number.raw)
        for e in evidence
    )


_DIGITS = "零一二三四五六七八九"


def chinese_numerals(value: float) -> tuple[str, ...]:
    """How a report writes a whole number below 100 in characters: 3 -> 三, 15 -> 十五."""
    n = int(value)
    if n != value or not 0 < n < 100:
        return ()
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    text = head + (_DIGITS[ones] if ones else "")
    return (text, "两") if n == 2 else (text,)


_HAN_FIGURE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")
_HAN_DIGIT = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_HAN_UNIT = {"十": 10, "百": 100, "千": 1000}


def han_figures(text: str) -> list[Number]:
    """Figures written in characters: 三千 (3000), 四百万 (4e6), 十五 (15), 两亿 (2e8),
    百分之一点六 (1.6, a percentage), and years digit by digit (二〇二三年 is 2023).

    Only runs of two or more numeral characters with a unit among them count: 统一 and
    一些 hold no figure.
    """
    out = []
    read = set()  # where the runs read as a percentage or a year end
    for m in _HAN_PERCENT.finditer(text):
        whole = han_value(m.group(1))
        frac = m.group(2).translate(HAN_DIGITS) if m.group(2) else ""
        value = float(f"{int(whole)}.{frac}") if frac else whole
        out.append(Number(raw=value, value=value, text=m.group(0)))
        read.add(m.end(1))
    for m in HAN_YEAR.finditer(text):
        value = float(m.group(0).translate(HAN_DIGITS))
        out.append(Number(raw=value, value=value, text=m.group(0)))
        read.add(m.end())
    for m in _HAN_FIGURE.finditer(text):
        span = m.group(0)
        if m.end() in read:
            continue
        if span[-1] == "千" and text[m.end() : m.end() + 1] in _AFTER_KILO:
            span = span[:-1]  # 一千五百亿千瓦时: 千瓦 is the unit (kilowatt)
        if not any(u in span for u in "十百千万亿"):
            continue
        value = han_value(span)
        if value:
            out.append(Number(raw=value, value=value, text=span))
    return out


# What 千 begins as a unit's prefix: 千瓦 (kW), 千克 (kg), 千米 (km), 千帕, 千伏, 千焦, 千卡, 千兆.
_AFTER_KILO = frozenset("瓦克米帕伏焦卡兆")
# A percentage in characters: 百分之三十五 (35%), 百分之一点六 (1.6%).
_HAN_PERCENT = re.compile(
    r"百分之([零〇一二两三四五六七八九十百]+)(?:点([〇零一二三四五六七八九]+))?"
)


# A count a sentence gives of what it lists, in digits or characters: 3, 十, 两.
COUNT = r"(\d{1,2}|[两二三四五六七八九十]{1,2})"


def count_value(said: str) -> int:
    """The value of a `COUNT` match: "3" is 3, "两" 2, "十二" 12."""
    return int(said) if said.isdigit() else int(han_value(said))


def han_value(span: str) -> float:
    """The value of a run of Chinese numerals: 三 is 3, 二十三 is 23, 四百万 is 4e6."""
    total, section, digit = 0.0, 0.0, 0.0
    for c in span:
        if c in _HAN_DIGIT:
            digit = _HAN_DIGIT[c]
        elif c in _HAN_UNIT:
            section += (digit or 1) * _HAN_UNIT[c]
            digit = 0
        elif c == "万":
            total += (section + digit) * 1e4
            section = digit = 0
        elif c == "亿":
            total = (total + section + digit) * 1e8
            section = digit = 0
    return total + section + digit


def figures(text: str) -> list[Number]:
    """Every figure in `text`, written in digits, in characters or in English words with a
    scale ("four million")."""
    return find_numbers(text) + han_figures(text) + scaled_words(text)


_WORD_UNITS = {w: i for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen"))} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join([*_WORD_UNITS, "hundred", *_WORD_SCALES]) + r")\b"
    r"(?:[\s-]+(?:and[\s-]+)?(?:" + "|".join([*_WORD_UNITS, "hundred", *_WORD_SCALES]) + r")\b)*",
    re.IGNORECASE,
)


def scaled_words(text: str) -> list[Number]:
    """Figures an English text writes in words with a scale: "three thousand" is 3,000,
    "four hundred thousand" 400,000 (a small model's slip for 四百万, four million). A
    number word alone ("two layers", "one of") is no figure here: it is read where a
    figure is looked for in words (`dropped_numbers`)."""
    out = []
    for m in _NUMBER_WORD.finditer(text):
        words = [w for w in re.split(r"[\s-]+", m.group(0).lower()) if w != "and"]
        if not any(w == "hundred" or w in _WORD_SCALES for w in words):
            continue
        if words[0] not in _WORD_UNITS:
            # "thousands of", "each thousand", "a thousand times" (每千次: per thousand):
            # a scale without a number of its own.
            continue
        if re.search(r"\d[\d,.]*\s*$", text[: m.start()]):
            continue  # the scale of a figure in digits ("4 million"), read with it
        total, current = 0.0, 0.0
        for w in words:
            if w in _WORD_UNITS:
                current += _WORD_UNITS[w]
            elif w == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _WORD_SCALES[w]
                current = 0.0
        value = total + current
        out.append(Number(raw=value, value=value, text=m.group(0)))
    return out


def unsupported_numbers(answer: str, evidence_text: str, question: str = "") -> list[str]:
    """Figures in `answer` (in digits, or in English words with a scale) that neither the
    evidence nor the question contains (the evidence's figures in digits, in characters
    or in words)."""
    known = figures(evidence_text) + find_numbers(question)
    out = []
    at = 0
    for n in find_numbers(answer) + scaled_words(answer):
        at = answer.find(n.text, at)
        after = answer[at + len(n.text) :].lstrip() if at >= 0 else ""
        at = max(at, 0) + len(n.text)
        # A count ("40笔交易") is not the digits of a scaled amount ("40 亿美元"): its
        # measure word says what it counts, and only the same value states it.
        counted = after[:1] in _COUNTED and n.value == n.raw
        held = any(_close(n.value, e.value) for e in known) if counted else supported(n, known)
        if not held and not _counted_in_characters(n.value, evidence_text):
            out.append(n.text)
    # A count written in characters ("划分为四个阶段") is a figure too: stated by the
    # evidence in characters or digits, or given by the question.
    for m in _CHARACTER_COUNT.finditer(answer):
        value = han_value(m.group(1))
        if any(_close(value, e.value) for e in known):
            continue
        if not any(_counted_in_characters(value, t) for t in (evidence_text, question)):
            out.append(m.group(0))
    return out


# A count in characters with its measure word ("四个", "三大", "十项"); not 一 (一个 is
# "a"), nor an ordinal (第四个) or a part of a longer numeral.
_CHARACTER_COUNT = re.compile(
    r"(?<![第零〇一二两三四五六七八九十百千万亿\d])([二两三四五六七八九十][二三四五六七八九十]?)"
    r"[个项大类种条点家位款层]"
)


# A numeral counts only before a measure word (三大系统, 十项抓手), not inside words (统一).
_MEASURE = "大项个种类条家位名次倍款代层点步期轮批所座台部章节年月天"
# The measure words that count things (笔 deals, 家 firms, 人 people…).
_COUNTED = frozenset("笔件人个家位名次项款台辆架艘颗枚场所座部张只")


def _counted_in_characters(value: float, text: str) -> bool:
    """Whether `text` writes `value` in characters: before a measure word (三大, 十项), or
    as an ordinal (位居世界第二 is "ranks 2nd")."""
    numerals = chinese_numerals(value)
    if value >= 1 and any(re.search(f"第{c}(?![{_DIGITS}十百千万亿])", text) for c in numerals):
        return True
    return value > 1 and any(
        re.search(f"(?<![{_DIGITS}十]){c}[{_MEASURE}]", text) for c in numerals
    )


_ENGLISH_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def in_english(value: float) -> str:
    """A value in English scale words: 7.272e10 -> '72.72 billion'."""
    for factor, word in _ENGLISH_SCALES:
        if value >= factor:
            return f"{value / factor:.4f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{value:.4f}".rstrip("0").rstrip(".")


def in_chinese(value: float) -> str:
    """A value in Chinese scale words: 2.5e10 -> '250亿', 1.2e6 -> '120万'."""
    for factor, word in ((1e8, "亿"), (1e4, "万")):
        if value >= factor:
            return f"{value / factor:.4f}".rstrip("0").rstrip(".") + word
    return f"{value:.4f}".rstrip("0").rstrip(".")


def keep_figures(translated: str, original: str) -> str:
    """A translation with each Chinese-scaled figure that misreads one of the original's
    English-scaled figures (US$25 billion as 25亿美元, which is 2.5 billion) written with
    the original's value (250亿)."""
    return _rescaled(translated, original, han=True, write=in_chinese)


def annotate_chinese_scales(text: str, characters: bool = False) -> str:
    """Add the English reading after Chinese-scaled figures: '70 亿' -> '70 亿 (=7 billion)'.

    Small models translate 亿 and 万 wrongly; reading the conversion beside the
    figure, they copy it instead.
    """

    def note(m: re.Match[str]) -> str:
        scale = m.group(3)
        if not scale or not _HAN_SCALE.match(scale):
            return m.group(0)
        number = find_numbers(m.group(0))[0]
        return f"{m.group(0)} (={_over(text, m.end())}{in_english(number.value)})"

    text = _NUMBER.sub(note, text)
    if not characters:
        return text
    # With `characters`, figures written in characters too: 四百万 was translated "four
    # hundred thousand".
    out, at = [], 0
    for n in han_figures(text):
        where = text.find(n.text, at)
        if where < 0:
            continue
        end = where + len(n.text)
        if n.value < 100 or not re.search("[十百千万亿]", n.text):
            continue  # a small number is translated right; 二〇二三 is a year's digits
        value = _in_digits(n.value)
        value += "%" if n.text.startswith("百分之") else ""
        out.append(f"{text[at:end]} (={_over(text, end)}{value})")
        at = end
    return "".join(out) + text[at:]


def _over(text: str, end: int) -> str:
    """ "over " when the figure ending at `end` is followed by 余 or 多 (三千余倍, 3000多家:
    more than it), which a translation otherwise drops."""
    return "over " if text[end : end + 1] in ("余", "多") else ""


def figures_in_digits(text: str) -> str:
    """An English text with each figure it writes in words with a scale written in
    digits: "three thousand times" as "3,000 times", "four million" as "4 million"."""
    out, at = [], 0
    for n in scaled_words(text):
        where = text.find(n.text, at)
        if where < 0:
            continue
        value = _in_digits(n.value)
        out.append(text[at:where] + value)
        at = where + len(n.text)
    return "".join(out) + text[at:]


# The reading `annotate_chinese_scales` adds: a model copying its sentence copies it too.
_ANNOTATION = re.compile(r" \(=[^()]{1,60}\)")


def without_annotations(text: str) -> str:
    """`text` without the English readings added to its Chinese figures ("一千五百亿
    (=150 billion)千瓦时" is "一千五百亿千瓦时")."""
    return _ANNOTATION.sub("", text)


def _in_digits(value: float) -> str:
    """A figure as an English reader scans for it: "4 million", "3,000", "12.5"."""
    return in_english(value) if value >= 1e6 else f"{value:,.{_places(value)}f}"


def _places(value: float) -> int:
    """Decimal places to write `value` with: none for a whole number."""
    return 0 if value == int(value) else len(repr(value).split(".")[1])


_HAN_SCALE = re.compile(r"[万亿千百]")


def repair_scales(answer: str, evidence_text: str) -> str:
    """Fix figures whose digits a source states with a Chinese scale the answer misread.

    "130 billion" where the source says "130 亿" becomes "13 billion": copying the
    digits and translating the scale word is the slip small models make most.
    """
    # Only English scale words are misreadings of 亿 and 万. A figure grouped wrong
    # ("3500,000" for 3500万) is read as its digits say (3,500,000) first.
    answer = _MISGROUPED.sub(lambda m: f"{int(m.group(0).replace(',', '')):,}", answer)
    return _rescaled(answer, evidence_text, han=False, write=in_english)


_MISGROUPED = re.compile(r"(?<![\d,.])\d{4,}(?:,\d{3})+(?![\d,])")


def _rescaled(text: str, source_text: str, *, han: bool, write: Callable[[float], str]) -> str:
    """`text` with each figure written with a scale word (Chinese ones if `han`, else
    English ones) whose digits a scaled figure of `source_text` gives at another value,
    rewritten with `write` at the source's value."""
    scaled = [n for n in find_numbers(source_text) if n.value != n.raw]
    stated = figures(source_text)

    def fix(m: re.Match[str]) -> str:
        scale = m.group(3)
        if not scale and not han:
            # The digits written out with the wrong scale's zeros: 750万 as "750,000".
            number = find_numbers(m.group(0))[0]
            if number.value < 1000 or any(_close(number.value, e.value) for e in stated):
                return m.group(0)
            source = next(
                (
                    e
                    for e in scaled
                    if any(_close(e.raw * k, number.value) for k in (1e3, 1e6, 1e9))
                ),
                None,
            )
            if source is None:
                return m.group(0)
            trailing = m.group(0)[len(m.group(0).rstrip()) :]
            return write(source.value) + trailing
        if not scale or bool(_HAN_SCALE.match(scale)) != han:
            return m.group(0)
        number = find_numbers(m.group(0))[0]
        source = next((e for e in scaled if _close(e.raw, number.raw)), None)
        if source is None or _close(source.value, number.value):
            return m.group(0)
        trailing = m.group(0)[len(m.group(0).rstrip()) :]
        return write(source.value) + trailing

    return _NUMBER.sub(fix, text)


# Whether a text states a quantity or a time at all, in any notation: permissive on
# purpose (一些 counts), since it only refuses answers that state none.
_ANY_QUANTITY = re.compile(
    r"\d|[零〇一二两三四五六七八九十百千万亿]|\b(?:one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|"
    r"billions?|trillions?|dozens?|half|percent|double[ds]?|tripled?|twice|\w+fold)\b",
    re.IGNORECASE,
)
# Dates as a sentence writes them: a year (2023年, 2023年底, "in 2023"), a month and day
# (11月27日), "May 19, 2023".
_DATES = re.compile(
    r"(?<![\d.])(?:19|20)\d{2}\s*年(?:[底初中末]|代)?|(?<![\d.])\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|"
    r"\b(?:in|by|since|from|until|through|of|during)\s+(?:19|20)\d{2}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"(?:\s+(?:19|20)\d{2})?",
    re.IGNORECASE,
)
# The interrogatives that ask for a measure: 多少, 多大/多高/多久…, and 多重 ("how heavy")
# where it ends a clause (多重影响 is "multiple").
HOW_MUCH = r"多少|多[大高长久远快宽深]|多重(?=\s*(?:[？?，,；;]|$))"
_ANY_YEAR = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<![\d.])\d{3,4}\s*年|[〇零一二三四五六七八九]{4}年|[去今明前]年|"
    r"\b(?:last|this|next|that|the same) year\b",
    re.IGNORECASE,
)
# A month's name, written out or cut short (Sep, Sept., September).
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_ANY_DATE = re.compile(
    r"[\d一二三四五六七八九十]{1,3}\s*[月日号]|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|"
    r"(?<![\d.])\d{1,2}/\d{1,2}(?![\d/])|今天|明天|昨天|当天|当日|同日|次日|"
    rf"\b{_MONTH}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b|"
    r"\b(?:today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# Numbers that measure nothing: dates, ordinals, document numbers ("2021年1月1日", "第八条",
# "令第39号", "January 1, 2021").
_NOT_MEASURE = re.compile(
    r"(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*日|"
    r"第\s*\d+|\d+\s*号|"
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s*(?:19|20)\d{{2}})?|\b\d{{1,2}}\s+{_MONTH}",
    re.IGNORECASE,
)


def without_dates(text: str) -> str:
    """`text` without the numbers that measure nothing: dates, ordinals, document numbers."""
    return _NOT_MEASURE.sub(" ", text)


_ANY_TIME = re.compile(
    r"\d|[年月日周季春夏秋冬初底旬号]|今天|明天|昨天|目前|近期|\b(?:january|february|march|"
    r"april|may|june|july|august|september|october|november|december|spring|summer|"
    r"autumn|fall|winter|years?|months?|weeks?|quarters?|days?|early|late|mid|end|"
    r"beginning|today|tomorrow|yesterday|next|last|currently|now)\b",
    re.IGNORECASE,
)


def states_form(text: str, form: str, question: str = "") -> bool:
    """Whether `text` states a quantity (`form` "quantity"), a sum of money ("amount"), a
    day ("date": a month or a day of one), a time ("time") or a year ("year"). A quantity
    is none of the figures `question` states ("in 2023", "H100"), nor a digit of a model or
    product name: "how many H100 chips did Meta buy in 2023?" is not answered by "the
    number of H100 chips bought in 2023"."""
    if form == "year":
        return bool(_ANY_YEAR.search(text))
    if form == "date":
        return bool(_ANY_DATE.search(text))
    if form == "time":
        return bool(_ANY_TIME.search(text))
    if form == "amount":
        return bool(_ANY_AMOUNT.search(text))
    if form == "quantity":
        if question:
            text = _NAME_DIGITS.sub(" ", text)
            for n in find_numbers(_NAME_DIGITS.sub(" ", question)):
                text = text.replace(n.text, " ")
            if _ASKS_COUNT.search(question) and not _MONEY_WORD.search(question):
                # A sum is no count: "how many deals did Amazon do?" is not answered by
                # the US$4 billion it invested.
                text = _ANY_AMOUNT.sub(" ", text)
        # A date is when, not how much: "2023年中，…响应容量位于前列" gives no capacity.
        return bool(_ANY_QUANTITY.search(_DATES.sub(" ", text)))
    return True


# A sum of money: a figure (in digits, characters or words) with its currency, either side,
# or a figure in 万 or 亿 that counts nothing ("4765.82万", "727.2亿"; not "12万家").
_FIGURE_WORDS = r"[\d零〇一二两三四五六七八九十百千万亿]"
_ANY_AMOUNT = re.compile(
    rf"{_FIGURE_WORDS}[\d,.\s]*[十百千万亿]*\s*(?:多|余)?\s*[十百千万亿]*\s*(?:元|美元|美金|欧元|英镑|日元|港元|人民币)|"
    r"\d[\d,.]*\s*(?:多|余)?\s*[万亿]+(?![\u4e00-\u9fff])|"
    r"[$¥￥€£]\s*\d|\b(?:US\$|USD|RMB|CNY|EUR)\s*\d|"
    r"\d[\d,.]*\s*(?:thousand|million|billion|trillion|[kmb]n?)?\s*"
    r"(?:yuan|dollars?|usd|rmb|euros?|pounds?|yen|hkd)\b",
    re.IGNORECASE,
)
# A question counting things, and one asking about money however it counts.
_ASKS_COUNT = re.compile(
    r"\bhow many\b|\bnumber of\b|(?:多少|几)[个家起笔项位名件款台辆次人所座部只条轮]", re.IGNORECASE
)
_MONEY_WORD = re.compile(
    r"元|钱|资金|金额|\b(?:dollars?|yuan|rmb|usd|euros?|money|funding)\b|\$", re.IGNORECASE
)
# A name whose letters run into its digits: H100, GPT-4, A800 (not "iPhone 15", "10x").
_NAME_DIGITS = re.compile(r"(?<![A-Za-z\d])[A-Za-z]+-?\d+[A-Za-z\d]*(?![A-Za-z\d])")


_ENGLISH_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen", "twenty")  # fmt: skip
_ENGLISH_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth",
    "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
    "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth")  # fmt: skip
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december")  # fmt: skip
_ENGLISH_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                 "eighty": 80, "ninety": 90, "hundred": 100}  # fmt: skip


def _in_english_words(value: float, text: str) -> bool:
    """Whether an English text writes a small whole number in words ("two", "second",
    "twice", "forty")."""
    n = int(value)
    if n != value:
        return False
    words = set(re.findall(r"[a-z]+", text.lower()))
    if n < len(_ENGLISH_WORDS) and (_ENGLISH_WORDS[n] in words or _ENGLISH_ORDINALS[n] in words):
        return True
    if n in (2, 3) and ("twice" if n == 2 else "thrice") in words:
        return True
    if 1 <= n <= 12 and (_MONTHS[n - 1] in words or _MONTHS[n - 1][:3] in words):
        return True  # 10月 is October
    return any(words & {w, w.rstrip("y") + "ieth"} for w, v in _ENGLISH_TENS.items() if v == n)


def dropped_numbers(original: str, translated: str) -> list[str]:
    """Figures of `original` that its translation `translated` does not state, in digits,
    in characters or (for small whole numbers) in English words."""
    return [
        n.text
        for n in find_numbers(original)
        if unsupported_numbers(n.text, translated) and not _in_english_words(n.value, translated)
    ]


# A table's unit line: "单位：万元", "单位: 亿元", "(in thousands)", "in millions of dollars".
_TABLE_UNIT = re.compile(
    r"单位\s*[:：]\s*(?:人民币|美元)?\s*(万亿|千亿|百亿|亿|千万|百万|万|千)"
    r"|\(\s*(?:in|unit:?)\s+(thousands|millions|billions)\b",
    re.IGNORECASE,
)
_BARE_FIGURE = re.compile(
    r"(?<![A-Za-z0-9.,])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+|-?\d{2,})"
    r"(?![\d.,]*\s*(?:[%％‰]|[\u4e00-\u9fff]|[A-Za-z]))"
)


def table_unit(text: str) -> str:
    """The scale the last unit line of `text` declares for the figures below it ("万" of
    "单位：万元", "million" of "(in millions)"), '' when it declares none."""
    found = list(_TABLE_UNIT.finditer(text))
    if not found:
        return ""
    m = found[-1]
    return m.group(1) or m.group(2).lower().rstrip("s")


def in_unit(text: str, scale: str) -> str:
    """`text` with each figure written bare (no unit, no percent sign) read in `scale`:
    a row under "单位：万元" states "125,430.6万"."""
    sep = "" if re.match(r"[\u4e00-\u9fff]", scale) else " "
    return _BARE_FIGURE.sub(
        lambda m: m.group(1) if _A_YEAR.fullmatch(m.group(1)) else f"{m.group(1)}{sep}{scale}",
        text,
    )


_A_YEAR = re.compile(r"(?:19|20)\d{2}")


# The units a figure is measured in, each under one name whichever way it is written
# (公里, 千米, km, kilometres: km). Longest first, so that kWh is not read as kW.
_UNIT_NAMES = {
    "km": ("km", "公里", "千米", "kilometres", "kilometers", "kilometre", "kilometer"),
    "m": ("m", "米", "metres", "meters", "metre", "meter"),
    "cm": ("cm", "厘米"),
    "mm": ("mm", "毫米"),
    "nm": ("nm", "纳米", "nanometres", "nanometers"),
    "kg": ("kg", "公斤", "千克", "kilograms", "kilogram"),
    "g": ("g", "克", "grams", "gram"),
    "t": ("t", "吨", "tonnes", "tons", "tonne", "ton"),
    "Wh/kg": ("Wh/kg",),
    "W/kg": ("W/kg",),
    "kWh": ("kWh", "千瓦时"),
    "MWh": ("MWh",),
    "GWh": ("GWh",),
    "W": ("W", "瓦", "watts"),
    "kW": ("kW", "千瓦", "kilowatts"),
    "MW": ("MW", "兆瓦", "megawatts"),
    "GW": ("GW", "吉瓦", "gigawatts"),
    "km/h": ("km/h", "公里/小时", "公里每小时"),
    "GHz": ("GHz",),
    "MHz": ("MHz",),
    "KB": ("KB",),
    "MB": ("MB",),
    "GB": ("GB",),
    "TB": ("TB",),
    "PB": ("PB",),
    "TOPS": ("TOPS",),
    "FLOPS": ("FLOPS", "TFLOPS", "PFLOPS"),
    "%": ("%", "％", "percent", "per cent"),
}
_UNIT_OF = {form.lower(): name for name, forms in _UNIT_NAMES.items() for form in forms}
_UNIT = re.compile(
    r"\s?(" + "|".join(re.escape(f) for f in sorted(_UNIT_OF, key=len, reverse=True)) + r")"
    r"(?![A-Za-z/])",
    re.IGNORECASE,
)
# A range's first figure takes the unit written after its second (30-40km).
_RANGE_REST = re.compile(r"\s?[-–~～至到]\s?\d[\d,.]*")


def _units(text: str) -> list[tuple[Number, str | None, str]]:
    """Each figure in digits in `text` with the unit written right after it, if any (its
    name, and the figure as written with it)."""
    out = []
    for m in _NUMBER.finditer(text):
        number = _read(m)
        at = m.end()
        if m.group(3) == "千" and text[at : at + 1] in _AFTER_KILO:
            at -= 1  # 千瓦, 千克, 千米: a unit, not a thousand
        span = _RANGE_REST.match(text, at)
        unit = _UNIT.match(text, span.end() if span else at)
        name = _UNIT_OF[unit.group(1).lower()] if unit else None
        out.append((number, name, text[m.start() : unit.end() if unit else m.end()].strip()))
    return out


def other_unit(claim: str, evidence_text: str) -> str:
    """A figure of `claim` given in a unit (300km) that the evidence states only in
    another (300Wh/kg): the figure is the evidence's, the thing it measures is not. A
    figure the evidence writes bare, or not at all, is left to the other checks."""
    given = [(number, unit, written) for number, unit, written in _units(claim) if unit]
    stated = _units(evidence_text) if given else []
    for number, unit, written in given:
        same = [u for n, u, _w in stated if _close(n.value, number.value)]
        if same and all(u is not None and u != unit for u in same):
            return written
    return ""
