"""Dates and times: sitting verbs, start and end cues, datelines (`transforms/dates.py`)."""

from __future__ import annotations

from transforms.lexicon import words

# A sentence holding one of these reports the sitting itself (it may carry the date).
SITTING_VERBS = words("the sitting took place", "开幕 闭幕 闭会 召开 举行 预备会议 全体会议")
