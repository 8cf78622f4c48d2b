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
from functools import lru_cache

_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_SPACES = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_FULL_TO_HALF.update({ord(c): 0x20 for c in _SPACES})
_FULL_TO_HALF.update({0x2028: 0x0A, 0x2029: 0x0A, 0x0085: 0x0A, 0x000B: 0x0A, 0x000C: 0x0A})
_DROP = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e")

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

# Pinyin gloss right after a Chinese character: 會(huì), 会（hui4）, 朔(shuò)州.
_PY_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
_GLOSS_RE = re.compile(
    rf"(?<=[{HAN}])[(（]\s*([{_PY_LETTERS}]+[1-5]?(?:[\s'’·][{_PY_LETTERS}]+[1-5]?){{0,3}})\s*[)）]", re.I
)

# A short bracketed tag wedged between two Chinese characters: 人民[标签]代表, 人民【广告】代表.
_BRACKET_TAG_RE = re.compile(rf"(?<=[{HAN}])(?:\[[^\[\]\n]{{1,12}}\]|［[^［］\n]{{1,12}}］|【[^【】\n]{{1,8}}】)(?=[{HAN}])")

# Horizontal whitespace between two Chinese characters.
_HAN_GAP_RE = re.compile(rf"(?<=[{HAN}])[ \t]+(?=[{HAN}])")


@lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def _t2s_char(ch: str) -> str:
    out = _opencc().convert(ch)
    return out if len(out) == 1 else ch


def _norm_char(ch: str) -> str:
    """The context-free normalisation of one character ('' when it is dropped)."""
    if ch in _DROP or ch == "\r":
        return ""
    ch = ch.translate(_FULL_TO_HALF)
    if ord(ch) > 0x2E7F:
        ch = _t2s_char(ch)
    return ch


def _t2s(text: str) -> str:
    """Traditional → simplified, exactly length-preserving.

    Whole-line conversion keeps OpenCC's phrase context (乾隆 stays 乾隆); a line whose length
    changes is converted character by character instead.
    """
    if all(ord(c) < 0x2E80 for c in text):
        return text
    cc = _opencc()
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        conv = cc.convert(line)
        out.append(conv if len(conv) == len(line) else "".join(_t2s_char(c) for c in line))
    return "".join(out)


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


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
    widths = [_width(line.rstrip()) for line in lines]
    nonempty = sorted(w for w in widths if w)
    if not nonempty:
        return set()
    # The wrap width: a high quantile rather than the max, so one long line does not skew it.
    full = nonempty[max(0, int(len(nonempty) * 0.9) - 1)]
    if full < 40:  # short lines (name lists, headings) are never treated as wrapped prose
        return set()
    if not force:
        filled = [w for w in widths if w >= 0.85 * full]
        if full > 160 or len(filled) < 3 or len(filled) < 0.4 * len(nonempty):
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
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a pinned dependency
        return False
    import logging

    jieba.setLogLevel(logging.WARNING)
    joined = left + right
    pos = 0
    for word in jieba.cut(joined, HMM=False):
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
    spans: list[tuple[int, int]] = []
    for m in _HTML_RE.finditer(s):
        spans.append(m.span())
    for m in _GLOSS_RE.finditer(s):
        gloss = m.group(1).lower()
        if any(c in _TONE_MARKS for c in gloss) or re.search(r"[a-zü][1-5]\b", gloss):
            spans.append(m.span())
    for m in _BRACKET_TAG_RE.finditer(s):
        spans.append(m.span())
    return spans


def _apply(chars: list[str], mapping: list[int], spans: list[tuple[int, int]]) -> tuple[list[str], list[int]]:
    if not spans:
        return chars, mapping
    drop = bytearray(len(chars))
    for a, b in spans:
        drop[a:b] = b"\x01" * (b - a)
    keep = [i for i in range(len(chars)) if not drop[i]]
    return [chars[i] for i in keep], [mapping[i] for i in keep]


def normalize(text: str) -> tuple[str, list[int]]:
    # 1. 1:1 substitutions, traditional → simplified first so glosses/brackets match after.
    converted = _t2s(text).translate(_FULL_TO_HALF)
    chars: list[str] = []
    mapping: list[int] = []
    n = len(text)
    for i, ch in enumerate(converted):
        if ch in _DROP:
            continue
        if ch == "\r":
            if i + 1 < n and converted[i + 1] == "\n":
                continue
            ch = "\n"
        chars.append(ch)
        mapping.append(i)

    # 2. Inline junk (tags, glosses, bracket tags); repeat once so nested junk also goes.
    for _ in range(2):
        spans = _deletions("".join(chars))
        if not spans:
            break
        chars, mapping = _apply(chars, mapping, spans)

    # 3. Whitespace that splits a Chinese word, and soft wraps of hard-wrapped text.
    s = "".join(chars)
    spans = [m.span() for m in _HAN_GAP_RE.finditer(s) if _gap_is_inside_word(s, *m.span())]
    spans += [(i, i + 1) for i in soft_wraps(s) if _wrap_joins(s, i)]
    chars, mapping = _apply(chars, mapping, spans)

    mapping.append(n)
    return "".join(chars), mapping


def _wrap_joins(s: str, i: int) -> bool:
    """Delete a wrap newline only between non-space characters that join without a space
    (Chinese text); a wrap before a Latin word stays as a separator."""
    before, after = s[i - 1 : i], s[i + 1 : i + 2]
    if not before or not after or before.isspace() or after.isspace():
        return False
    return not (before.isascii() and after.isascii() and after.isalnum())
