"""Attendance: roster, present and absent cues, group nouns, quorum claims (`transforms/attendance.py`)."""

from __future__ import annotations

from transforms.lexicon import words

# A count can only be read in a sentence (or next to one) holding one of these.
TRIGGERS = words(
    "words one of which every roster, present or absent figure contains",
    "应 共 现有 实有 总数 总人数 组成人员 代表中 委员中 常委中 成员中 实到 实际 出席 到会 到场 参会 参加 与会 缺席 请假 缺会",
)
