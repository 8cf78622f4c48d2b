"""Normalisation that keeps every character traceable to the decoded text.

`normalize(text)` returns (clean, mapping) where mapping[i] is the index in `text` of
clean[i] (plus one trailing entry = len(text)). Only 1:1 substitutions and deletions are
made, so every extracted span maps back exactly.

Substitutions (1:1): traditional → simplified (OpenCC t2s, kept length-preserving),
full-width ASCII → half-width, ideographic / no-break / typographic spaces → ' ',
a lone CR (old Mac line ending) and Unicode line/paragraph separators → '\\n'.

Deletions: CR of CRLF, zero-width and BOM characters, soft hyphens; stray inline HTML tags
(`人民<span>代表</span>`) and HTML comments; pinyin glosses after a character
(`會(huì)`, `会（huì）`); short bracketed tags inserted inside a word (`人民[标签]代表`);
spaces/tabs that split a Chinese word (`第 八 届`, `人民代 表大会`); soft line wraps in
hard-wrapped text (a newline inside a sentence, between lines of near-equal width).
Paragraph breaks are kept. Chinese numerals are left alone (extractors parse them).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from transforms.script import simplify, simplify_char

_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_SPACES = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_FULL_TO_HALF.update({ord(c): 0x20 for c in _SPACES})
_FULL_TO_HALF.update({0x2028: 0x0A, 0x2029: 0x0A, 0x0085: 0x0A, 0x000B: 0x0A, 0x000C: 0x0A})
_DROP = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e")
# Characters deleted outright: the zero-width ones, and the CR of a CRLF (a lone CR became \n).
_DROP_RE = re.compile("[" + "".join(sorted(_DROP)) + "\r]+")
# Most texts hold none of them: a `str` search per character (C, memchr-like) decides that several
# times faster than the regex scan.
_DROP_CHARS = (*sorted(_DROP), "\r")
_LONE_CR_RE = re.compile(r"\r(?!\n)")

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3007"
_HAN_RE = re.compile(f"[{HAN}]")
_SENTENCE_END = set("。！？；：!?;:.…」』”\"'）)】]》")

# Inline HTML that leaked into text: only real tag names, so `a<b` or 《书名》 are untouched.
_TAG_NAMES = (
    "a|abbr|b|big|br|code|del|div|em|font|h[1-6]|i|img|ins|label|mark|nobr|p|s|small|span|"
    "strike|strong|sub|sup|tt|u|wbr|section|article|center|cite|q|time"
)
# A tag either has no attributes (`<span>`, `</a>`, `<br/>`) or has name=value attributes.
_HTML_RE = re.compile(
    rf"<!--.*?-->|</?(?:{_TAG_NAMES})\s*/?>|<(?:{_TAG_NAMES})\s+[\w:-]+\s*=[^<>\n]{{0,300}}?/?>", re.I | re.S
)

# These three patterns start with the bracket or space they look for and check the Chinese
# character before it afterwards (`X(?<=[HAN]X)`, the same matches as `(?<=[HAN])X`): a pattern
# that starts with a lookbehind gives the regex engine no first character to skip ahead to, so it
# tried the lookbehind at every position of the text (3x the CPU).

# Pinyin gloss right after a Chinese character: 會(huì), 会（hui4）, 朔(shuò)州.
_PY_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
_GLOSS_RE = re.compile(
    rf"[(（](?<=[{HAN}][(（])\s*([{_PY_LETTERS}]+[1-5]?(?:[\s'’·][{_PY_LETTERS}]+[1-5]?){{0,3}})\s*[)）]", re.I
)

# A short bracketed tag wedged between two Chinese characters: 人民[标签]代表, 人民【广告】代表.
_BRACKET_TAG_RE = re.compile(rf"(?:\[(?<=[{HAN}]\[)[^\[\]\n]{{1,12}}\]|［(?<=[{HAN}]［)[^［］\n]{{1,12}}］"
                             rf"|【(?<=[{HAN}]【)[^【】\n]{{1,8}}】)(?=[{HAN}])")

# Horizontal whitespace between two Chinese characters.
_HAN_GAP_RE = re.compile(rf"[ \t](?<=[{HAN}][ \t])[ \t]*(?=[{HAN}])")


# A character `_FULL_TO_HALF` changes. `str.translate` over the whole text does a dict lookup per
# character, and a substitution per run of them (every full-width comma) a Python call per run:
# a report holds a handful of distinct ones, each replaced everywhere in one `str.replace`
# (their replacements are ASCII, which the table leaves alone, so the order does not matter).
_FULL_CHAR_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FULL_TO_HALF)) + "]")
_HALF_OF = {chr(cp): chr(half) for cp, half in _FULL_TO_HALF.items()}


def _to_half_width(text: str) -> str:
    # The next one not yet replaced is never before the last one found (all before it are
    # replaced or were never full-width): one search per distinct character, not a list of all.
    pos = 0
    while (m := _FULL_CHAR_RE.search(text, pos)) is not None:
        ch = m.group()
        text = text.replace(ch, _HALF_OF[ch])
        pos = m.start()
    return text


def _norm_char(ch: str) -> str:
    """The context-free normalisation of one character ('' when it is dropped)."""
    if ch in _DROP or ch == "\r":
        return ""
    ch = ch.translate(_FULL_TO_HALF)
    if ord(ch) > 0x2E7F:
        ch = simplify_char(ch)
    return ch


# ---------------------------------------------------------------------------- offsets


@dataclass(frozen=True)
class OffsetMap(Sequence[int]):
    """clean index → text index, stored as runs (a run: consecutive clean characters that come
    from consecutive text characters). `len(clean) + 1` entries, the last one `len(text)`;
    indexable (also from the end) and iterable like the list it stands for, but built and
    stored in O(number of deletions), not O(characters)."""

    starts: tuple[int, ...]  # clean index where each run begins (first is 0)
    origins: tuple[int, ...]  # text index of each run's first character
    length: int  # len(clean)
    text_length: int  # len(text): the trailing entry

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls((0,), (0,), n, n)

    def __len__(self) -> int:
        return self.length + 1

    def __getitem__(self, i):  # type: ignore[override]
        if type(i) is int and 0 <= i < self.length:  # the common case, first (a fact's two ends)
            k = bisect_right(self.starts, i) - 1
            return self.origins[k] + i - self.starts[k]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += self.length + 1
        if not 0 <= i <= self.length:
            raise IndexError(i)
        if i == self.length:
            return self.text_length
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + i - self.starts[k]

    def __iter__(self) -> Iterator[int]:
        bounds = (*self.starts[1:], self.length)
        runs = (range(o, o + b - a) for a, b, o in zip(self.starts, bounds, self.origins))
        return chain(*runs, (self.text_length,))

    def jumps(self) -> Iterator[int]:
        """Clean indices i > 0 whose text position is not the previous one's + 1 (something of
        the text was deleted between clean[i-1] and clean[i])."""
        for k in range(1, len(self.starts)):
            i = self.starts[k]
            if i < self.length and self.origins[k] != self[i - 1] + 1:
                yield i

    def delete(self, spans: list[tuple[int, int]]) -> "OffsetMap":
        """The map after deleting the clean spans `spans` (sorted or not, may overlap)."""
        if not spans:
            return self
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if b <= a:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        # Kept pieces of the old clean string, each split at the old runs' starts.
        cuts = sorted({0, self.length, *self.starts, *(x for ab in merged for x in ab)})
        starts: list[int] = []
        origins: list[int] = []
        pos = 0
        m = 0
        for a, b in zip(cuts, cuts[1:]):
            while m < len(merged) and merged[m][1] <= a:
                m += 1
            if m < len(merged) and merged[m][0] <= a:
                continue  # inside a deletion
            origin = self[a]
            if not (origins and origins[-1] + pos - starts[-1] == origin):
                starts.append(pos)
                origins.append(origin)
            pos += b - a
        if not starts:
            starts, origins = [0], [self.text_length]
        return OffsetMap(tuple(starts), tuple(origins), pos, self.text_length)


def _delete(s: str, offsets: OffsetMap, spans: list[tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Delete the spans of `s` (its offsets follow)."""
    if not spans:
        return s, offsets
    pieces: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if a > pos:
            pieces.append(s[pos:a])
        pos = max(pos, b)
    pieces.append(s[pos:])
    return "".join(pieces), offsets.delete(spans)


# ---------------------------------------------------------------------------- soft wraps


class _WideChars(dict):
    """`str.translate` table deleting East Asian wide/fullwidth characters, filled on demand
    (a character's width is looked up once per process, then the table lookup is C-level)."""

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.east_asian_width(chr(cp)) in "WF" else cp
        self[cp] = value
        return value


_WIDE = _WideChars()


def _widths(lines: list[str]) -> list[int]:
    """Display columns of each line (wide characters count two), from one translation of the
    whole text rather than one per line."""
    narrow = "\n".join(lines).translate(_WIDE).split("\n")
    return [2 * len(line) - len(rest) for line, rest in zip(lines, narrow)]


def soft_wraps(text: str, force: bool = False) -> set[int]:
    """Indices of newlines that are visual line wraps rather than paragraph breaks.

    A text counts as hard-wrapped (always for `force`, e.g. a PDF text layer) when at least
    three lines fill the common width, and that width is at least 40 columns (20 Chinese
    characters), so lists and headings one per line are never joined. A newline is a wrap when the line before it is within
    the common width (≥ 85 % of the widest lines), does not end a sentence, and the next
    line starts with text.
    """
    lines = text.split("\n")
    if len(lines) < 2:
        return set()
    stripped = [line.rstrip() for line in lines]
    if not force:
        # A line is len to 2 × len columns wide: when the quantile below of the lengths alone is
        # past 160 columns, so is the wrap width, and the text is paragraphs (most reports), known
        # without measuring widths character by character.
        lengths = sorted(n for n in map(len, stripped) if n)
        if lengths and lengths[max(0, int(len(lengths) * 0.9) - 1)] > 160:
            return set()
    widths = _widths(stripped)
    nonempty = sorted(w for w in widths if w)
    if not nonempty:
        return set()
    # The wrap width: a high quantile rather than the max, so one long line does not skew it.
    full = nonempty[max(0, int(len(nonempty) * 0.9) - 1)]
    if full < 40:  # short lines (name lists, headings) are never treated as wrapped prose
        return set()
    if not force:
        filled = [w for w in widths if w >= 0.85 * full]
        # Wrapped lines share one width (give or take a punctuation mark): at least three of
        # them near the common width, not lines of every length (a headline among paragraphs).
        at_width = [w for w in widths if abs(w - full) <= 4]
        if full > 160 or len(filled) < 3 or len(filled) < 0.4 * len(nonempty) or len(at_width) < 3:
            return set()
    wraps: set[int] = set()
    pos = 0
    for k, line in enumerate(lines[:-1]):
        end = pos + len(line)
        body = line.rstrip()
        nxt = lines[k + 1].lstrip()
        if body and nxt and widths[k] >= 0.85 * full and body[-1] not in _SENTENCE_END:
            wraps.add(end)
        pos = end + 1
    return wraps


def _jieba_joins(left: str, right: str) -> bool:
    """True when a word of the joined string straddles the left|right boundary.

    Between two short runs (name-like, `王芳 李明天`) only a straddling word of three or more
    characters counts, so space-separated name lists are not fused.
    """
    # The segmentation keywords use (jieba_next, HMM off: the tokens of stock jieba, one
    # dictionary per worker). Imported here: keywords imports document, which imports this module.
    from transforms.keywords import segment

    joined = left + right
    pos = 0
    for word in segment(joined):
        start, pos = pos, pos + len(word)
        if start < len(left) < pos:
            return len(word) >= 3 or len(left) >= 4 or len(right) >= 4
    return False


def _gap_is_inside_word(s: str, start: int, end: int) -> bool:
    """Is the whitespace s[start:end] (between two Chinese characters) splitting a word?"""
    left_run = re.search(rf"[{HAN}]+$", s[max(0, start - 8) : start])
    right_run = re.match(rf"[{HAN}]+", s[end : end + 8])
    if left_run is None or right_run is None:
        return False
    lr, rr = left_run.group(), right_run.group()
    if len(lr) == 1 or len(rr) == 1:  # spaced-out characters: 第 八 届, 王　芳
        return True
    return _jieba_joins(lr[-4:], rr[:4])


def _deletions(s: str) -> list[tuple[int, int]]:
    # Each pattern opens with a character that must be in the text (`<`, a bracket): without one
    # it cannot match, which `in` tells several times faster than the regex scan.
    spans: list[tuple[int, int]] = []
    if "<" in s:
        for m in _HTML_RE.finditer(s):
            spans.append(m.span())
    if "(" in s or "（" in s:
        for m in _GLOSS_RE.finditer(s):
            gloss = m.group(1).lower()
            if any(c in _TONE_MARKS for c in gloss) or re.search(r"[a-zü][1-5]\b", gloss):
                spans.append(m.span())
    if "[" in s or "［" in s or "【" in s:
        for m in _BRACKET_TAG_RE.finditer(s):
            spans.append(m.span())
    return spans


def normalize(text: str) -> tuple[str, OffsetMap]:
    """(clean, offsets): `offsets[i]` is the index in `text` of `clean[i]`."""
    # 1. 1:1 substitutions, traditional → simplified first so glosses/brackets match after;
    #    then the zero-width characters and CRs go (a lone CR is a line break).
    converted = _LONE_CR_RE.sub("\n", _to_half_width(simplify(text)))
    drops = [m.span() for m in _DROP_RE.finditer(converted)] if any(c in converted for c in _DROP_CHARS) else []
    s, offsets = _delete(converted, OffsetMap.identity(len(text)), drops)

    # 2. Inline junk (tags, glosses, bracket tags); repeat once so nested junk also goes.
    for _ in range(2):
        spans = _deletions(s)
        if not spans:
            break
        s, offsets = _delete(s, offsets, spans)

    # 3. Whitespace that splits a Chinese word, and soft wraps of hard-wrapped text.
    spans = [m.span() for m in _HAN_GAP_RE.finditer(s) if _gap_is_inside_word(s, *m.span())]
    spans += [(i, i + 1) for i in soft_wraps(s) if _wrap_joins(s, i)]
    s, offsets = _delete(s, offsets, spans)
    return s, offsets


def _wrap_joins(s: str, i: int) -> bool:
    """Delete a wrap newline only between non-space characters that join without a space
    (Chinese text); a wrap before a Latin word stays as a separator."""
    before, after = s[i - 1 : i], s[i + 1 : i + 2]
    if not before or not after or before.isspace() or after.isspace():
        return False
    return not (before.isascii() and after.isascii() and after.isalnum())
