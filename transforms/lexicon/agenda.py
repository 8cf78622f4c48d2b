"""Agenda and key tasks: report titles, review cues, enumeration lead-ins (`transforms/agenda.py`)."""

from __future__ import annotations

from transforms.lexicon import words

# A report title ends in one of these (its terminal noun).
TITLE_TRIGGERS = words("terminal nouns of report titles", "报告 决议 纲要 决算 预算调整方案")
# Every key-task lead-in holds one of these.
TASK_TRIGGERS = words(
    "words one of which every key-task lead-in contains",
    "方面 项 件 大 个 以下 主要 重点",
)
