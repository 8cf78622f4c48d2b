"""Traditional → simplified Chinese, length-preserving, and only when the text needs it.

The one place that calls OpenCC (`t2s`). Most reports are written in simplified characters: for
them `simplify` is one regex scan (`has_traditional`) and no conversion. The detector is the set
of characters OpenCC's t2s changes when converted on their own (built once per process from
OpenCC itself, ~60 ms), plus any character outside the Basic Multilingual Plane (rare; converted
to be safe).

Conversion keeps OpenCC's phrase context (乾隆 stays 乾隆, 乾燥 → 干燥) line by line; a line
whose length the conversion would change is converted character by character instead, so every
position in the result is the position of the same character in the input.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    """A character class of every BMP character t2s changes on its own (≈4,200), or astral."""
    convert = _opencc().convert
    codepoints = [*range(0x2E80, 0xA000), *range(0xF900, 0xFB00), *range(0xFE30, 0xFE50)]
    chars = [chr(c) for c in codepoints]
    # One conversion call; line breaks keep OpenCC from reading neighbours as a phrase.
    converted = convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC kept the line structure so far
        changed = [c for c in chars if convert(c) != c]
    else:
        changed = [c for c, out in zip(chars, converted) if out != c]
    body = "".join(re.escape(c) for c in changed)
    return re.compile(f"[{body}\U00010000-\U0010ffff]")


def has_traditional(text: str) -> bool:
    """Does t2s change anything in `text`? (One regex scan; no OpenCC call.)"""
    return _traditional_re().search(text) is not None


@lru_cache(maxsize=8192)
def simplify_char(ch: str) -> str:
    """One character in simplified script (itself when t2s would not give one character)."""
    out = _opencc().convert(ch)
    return out if len(out) == 1 else ch


def simplify(text: str) -> str:
    """`text` in simplified characters, exactly as long as `text` (positions stay valid)."""
    if not text or not has_traditional(text):
        return text
    convert = _opencc().convert
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if not has_traditional(line):
            out.append(line)
            continue
        conv = convert(line)
        out.append(conv if len(conv) == len(line) else "".join(simplify_char(c) for c in line))
    return "".join(out)
