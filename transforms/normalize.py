"""Normalisation that keeps every character traceable to the decoded text.

`normalize(text)` returns (clean, mapping) where mapping[i] is the index in `text` of
clean[i] (plus one trailing entry = len(text)). Only 1:1 substitutions and deletions are
made, so every extracted span maps back exactly.
"""

from __future__ import annotations

_FULL_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF.update({0x3000: 0x20, 0x00A0: 0x20})
_DROP = set("\r\u200b\u200c\u200d\u2060\ufeff")


def normalize(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    mapping: list[int] = []
    for i, ch in enumerate(text.translate(_FULL_TO_HALF)):
        if ch in _DROP:
            continue
        chars.append(ch)
        mapping.append(i)
    mapping.append(len(text))
    return "".join(chars), mapping
