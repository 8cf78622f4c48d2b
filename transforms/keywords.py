"""Keywords of a report (TF-IDF), plus segmentation other steps can reuse.

Pure functions: the caller reads the user dictionary (`USER_DICT`, one `term freq tag` per
line) and hands its lines to `load_user_dictionary` once per process, before extraction:

    from transforms import keywords
    keywords.load_user_dictionary(keywords.USER_DICT.read_text(encoding="utf-8").splitlines())

`segment(text)` cuts once; `keywords_from_tokens(tokens)` scores an existing segmentation so a
later step does not cut the same text twice.

Segmentation is `jieba_next` (a Rust-accelerated fork of jieba with the same dictionary and API)
with the HMM off: on every text tried its tokens equal stock `jieba` 0.42.1's in that mode, at
about a fifth of the CPU time (README "Performance"; `tests/test_segmentation.py` checks the
equality). The HMM is off because it only guesses words outside the dictionary, and in these
reports those guesses are mostly people's names and photo credits (`群摄`), which are not what a
report is about. Stock jieba stays the reference (and the fallback when `jieba_next` cannot be
imported: same tokens, slower).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import jieba.analyse

from transforms.document import Document
from transforms.facts import Keyword, ReportFacts

try:  # the shipped segmenter; stock jieba gives the same tokens with HMM off, only slower
    import jieba_next as _segmenter

    SEGMENTER = "jieba_next"
except ImportError:  # pragma: no cover - jieba-next is a pinned dependency
    _segmenter = jieba
    SEGMENTER = "jieba"
HMM = False  # dictionary words only (see the module docstring)

jieba.setLogLevel(logging.WARNING)
getattr(_segmenter, "set_log_level", getattr(_segmenter, "setLogLevel", None))(logging.WARNING)

# The political-terms user dictionary shipped with the project (a path, not a read).
USER_DICT: Path = Path(__file__).resolve().parents[1] / "seeds" / "dict" / "political_terms.txt"

_LOCK = threading.Lock()
_LOADED: set[str] = set()
_LOADED_REFERENCE: set[str] = set()

# Function words and report boilerplate that carry no topic.
STOPWORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 以及 或 在 是 为 对 把 被 将 由 从 向 于 以 之 其 这 那 此 该 各 每 等 并 并且 而 而且 但 但是 也 都 就 还 又 再 更 最
    很 已 已经 正在 要 会 能 可 可以 应 应当 需要 通过 进行 开展 加强 推进 推动 坚持 全面 深入 不断 持续 积极 进一步 一步 一个 一批 一些 有关 相关 方面
    工作 问题 情况 方式 方面 部分 我们 他们 大家 同志 今天 今年 去年 明年 目前 当前 上午 下午 昨日 今日 其中 同时 以来 以上 以下 之一 之后 之前 期间
    报告 指出 强调 表示 提出 要求 认为 记者 编辑 责任编辑 来源 摄 图 本报 讯 电 说 讲话 会议 会上 大会 出席 主持 宣布 举行 召开 全体 起立 奏唱 国歌
    主席台 就座 就坐 列席 代表 委员 人 名 位 次 届 年 月 日 时 分
    提升 全力 奋力 抓好 做好 着力 实现 增强 强化 提高 促进 打造 加快 深化 统筹 优化 扎实 切实 努力 坚决 确保 发展 建设
    不断 进一步 更加 重要 主要 重点 一是 二是 三是 四是 五是 六是 七是 八是 九是 十是""".split()
)
_NUMERIC = re.compile(r"^[\d０-９.,，．%％〇零一二两三四五六七八九十百千万亿]+[年月日时分个项名人次届%％]?$")
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def dictionary_entries(lines: Iterable[str]) -> Iterator[tuple[str, int | None, str | None]]:
    """(term, freq, tag) of each `term [freq] [tag]` line; blank and `#` lines skipped."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else None)
        yield parts[0], freq, tag


def load_user_dictionary(lines: Iterable[str], *, reference: bool = True) -> None:
    """Add `term [freq] [tag]` lines to the segmenter; blank and `#` lines are skipped.

    With `reference` (the default) stock jieba gets them too: the bench's segmentation floor and
    `transforms.normalize` cut with stock jieba directly. Idempotent per process: a term
    already added is not added again.
    """
    with _LOCK:
        for word, freq, tag in dictionary_entries(lines):
            if word not in _LOADED:
                _segmenter.add_word(word, freq=freq, tag=tag)
                _LOADED.add(word)
            if reference and _segmenter is not jieba and word not in _LOADED_REFERENCE:
                jieba.add_word(word, freq=freq, tag=tag)
                _LOADED_REFERENCE.add(word)


def loaded_terms() -> frozenset[str]:
    """The user-dictionary terms added so far in this process."""
    return frozenset(_LOADED)


def segment(text: str) -> list[str]:
    """Tokens of `text` (dictionary words, HMM off); `"".join(segment(text)) == text`."""
    return _segmenter.lcut(text, HMM=HMM)


def reference_segment(text: str) -> list[str]:
    """Stock jieba's tokens in the same mode: what `segment` must equal."""
    return jieba.lcut(text, HMM=HMM)


@lru_cache(maxsize=1 << 16)  # a report repeats its words: decide each distinct token once
def _keep(term: str) -> bool:
    term = term.strip()
    return (
        len(term) > 1
        and term not in STOPWORDS
        and not _NUMERIC.match(term)
        and bool(_WORDLIKE.search(term))
    )


def keywords_from_tokens(tokens: Iterable[str], top_k: int = 20) -> list[Keyword]:
    """TF-IDF over an existing segmentation, with jieba.analyse's IDF table."""
    tfidf = jieba.analyse.default_tfidf
    raw = Counter(tokens)  # count first: the filter then runs once per distinct token
    counts: Counter = Counter()
    for t, c in raw.items():
        if _keep(t):
            counts[t.strip()] += c
    total = sum(counts.values())
    if not total:
        return []
    idf, median = tfidf.idf_freq, tfidf.median_idf
    scored = {w: c / total * idf.get(w, median) for w, c in counts.items()}
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    return [Keyword(term=w, weight=round(s, 6)) for w, s in ranked if math.isfinite(s)]


def keywords(text: str, top_k: int = 20) -> list[Keyword]:
    """Top-k TF-IDF keywords of `text`: no stopwords, numbers or single characters."""
    return keywords_from_tokens(segment(text), top_k=top_k)


def extract(doc: Document, so_far: ReportFacts) -> dict[str, Any]:
    """Family-extractor interface: {"keywords": [Keyword, ...]} from the clean text."""
    if not doc.clean.strip():
        return {"keywords": []}
    return {"keywords": keywords(doc.clean)}
