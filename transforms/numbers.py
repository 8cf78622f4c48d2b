"""Number forms in reports: Arabic (with spaces or full-width, already half-width in `clean`)
and Chinese numerals (二百一十五, 二〇二四, 两百), parsed with cn2an."""

from __future__ import annotations

import re

import cn2an

CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万"
# One integer as written: Arabic digits, or a run of Chinese numeral characters.
NUMBER = rf"(?:\d+|[{CHINESE_DIGITS}]+)"
NUMBER_RE = re.compile(NUMBER)


def parse_int(text: str) -> int | None:
    """'162' → 162, '二百零三' → 203, '二〇二四' → 2024, '十七' → 17; None when not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if not all(ch in CHINESE_DIGITS for ch in text):
        return None
    if not any(ch in "十百千万" for ch in text):
        # Digit-by-digit form such as 二〇二四 or 一九九八.
        digits = "".join(str("〇一二三四五六七八九".index(ch)) if ch in "〇一二三四五六七八九" else
                         ("0" if ch == "零" else "2" if ch == "两" else "") for ch in text)
        return int(digits) if digits and len(digits) == len(text) else None
    try:
        value = cn2an.cn2an(text.replace("两", "二"), "strict")
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None
