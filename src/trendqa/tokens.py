"""Lexical tokens for BM25: jieba words for Chinese, lowercased words for Latin text."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from functools import cache
from typing import Any

from trendqa.textnorm import JOINED_NUMBER

# Function words and question words that match everywhere and mean nothing.
_STOPWORD_TEXT = """
的 了 是 在 和 与 及 或 等 对 为 将 把 被 从 到 也 都 而 并 其 之 这 那 该 有 中 上 下
个 们 吗 呢 吧 啊 哪 哪些 哪个 什么 多少 怎样 怎么 如何 为何 是否 几 谁 何时 哪里 哪一年
分别 主要 根据 提到 认为 报告 据 中的 一个 一种 可以 以及 通过 进行 由 给出 方面 提出
a an the of to in on for and or by with as at from is are was were be been what which who
whom when where why how does do did according report paper its it this that these those
than into about list lists listed say says said per
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words of technology reports that jieba's general dictionary lacks. Unknown, a leading or
# trailing character is glued to its neighbour ("腾讯混元大模型" cut 混元大/模型, "混元算力",
# "混元星/地直/连"), and the name no longer matches where the report writes it alone.
# Search-mode cuts still give their known parts (大模型 also gives 模型).
_DOMAIN_TEXT = (
    "大模型 大语言模型 多模态 预训练 微调 智能体 具身智能 人形机器人 灵巧手 脑机接口 "
    "算力 智算 算力网络 存算一体 光计算 量子计算 边缘计算 云原生 芯粒 数据中心 液冷 "
    "星地直连 卫星互联网 低空经济 数字孪生 空间计算 混合现实 虚拟电厂 向量数据库 "
    "扩散模型 知识图谱 强化学习 生成式 文生图 文生视频 自动驾驶 智能驾驶 新能源汽车 "
    "基因编辑 合成生物学 可控核聚变 固态电池 半导体 光刻机"
)
DOMAIN_WORDS = tuple(_DOMAIN_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()


@cache
def _jieba() -> Any:
    with warnings.catch_warnings():
        # jieba imports pkg_resources when it is there (setuptools<81, which Milvus Lite needs).
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        import jieba

    # jieba logs "Building prefix dict..." at INFO; keep stderr for real problems.
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
        for word in DOMAIN_WORDS:
            jieba.add_word(word)
    return jieba


def known_word(word: str) -> bool:
    """Whether jieba's dictionary (with the domain words) holds `word`: a word of Han
    text it cut without the dictionary was guessed by its hidden-Markov model."""
    return bool(_jieba().dt.FREQ.get(word))


def warm_up() -> None:
    """Load jieba's dictionary now (about a second), e.g. in a background thread."""
    _jieba()


def tagged(text: str) -> list[tuple[str, str]]:
    """`text` cut by jieba with each word's part of speech ("nr" a person, "ns" a place,
    "n…" a noun): its dictionary loaded first, the one way that keeps jieba's import-time
    notices quiet."""
    _jieba()
    import jieba.posseg

    return [(pair.word, pair.flag) for pair in jieba.posseg.cut(text)]


def tokenize(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words for Han text, lowercased words otherwise."""
    return [w for w in _words(text, search=True) if w not in STOPWORDS]


def words(text: str) -> list[str]:
    """The words of `text` in reading order, none overlapping and none left out: jieba's
    precise cut for Han text, lowercased words otherwise (punctuation and spaces
    dropped, stopwords kept)."""
    return _words(text, search=False)


def _words(text: str, *, search: bool) -> list[str]:
    """Han runs cut by jieba (search mode, overlapping, or its precise cut), other text
    as lowercased words, a name's hyphen before its number dropped."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for piece in re.split(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)", text):
        if not piece:
            continue
        if _HAN.match(piece):
            out.extend(_jieba().cut_for_search(piece) if search else _jieba().lcut(piece))
        else:
            out.extend(JOINED_NUMBER.sub("", m.group().lower()) for m in _WORD.finditer(piece))
    return out
