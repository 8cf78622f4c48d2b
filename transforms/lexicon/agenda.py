"""Agenda and key tasks: report titles, review cues, enumeration lead-ins (grammar:
`transforms/agenda.py`)."""

from __future__ import annotations

from transforms.lexicon import words

_LEAD = "某县第十八届人民代表大会第三次会议今天上午在县人民会堂开幕。"
_CPPCC = "政协某县第九届委员会第三次会议今天上午在县会议中心开幕。"

# A report title ends in one of these (its terminal noun).
TITLE_TRIGGERS = words("terminal nouns of report titles", "报告 决议 纲要 决算 预算调整方案 提案工作情况 提案情况")
# The title is heard, reviewed or voted on.
REVIEW_CUES = words(
    "the meeting heard, reviewed or voted on the report",
    "听取 审议 审查 审阅 审核 讨论 表决 通过 批准 听了",
    examples={
        _LEAD + "会议听取和审议了县人民政府工作报告、县人民法院工作报告和县人民检察院工作报告。":
            {"agenda_items": ["政府工作报告", "人民法院工作报告", "人民检察院工作报告"]},
    },
)
# A township's 人大 reports through its presidium: `人大工作报告` there is the presidium's.
TOWNSHIP_REPORTS = words(
    "the township 人大's own report",
    "人大工作报告",
    examples={
        "12月30日，归昌乡第十七届人民代表大会第一次会议召开。会议听取和审议了乡长孙继远所作的《政府工作报告》、"
        "乡人大主席谢艺所作的《人大工作报告》。":
            {"agenda_items": ["政府工作报告", "人大主席团工作报告"], "work_report_by": "孙继远"},
    },
)

# The report is delivered to the meeting (`向大会报告…提案工作情况`).
DELIVERY_CUES = words(
    "the report is delivered to the meeting",
    "向大会报告 向会议报告 向大会汇报 向会议汇报",
    examples={
        _CPPCC + "受政协某县第九届委员会常务委员会委托，县政协副主席李红梅向大会报告九届二次会议以来的提案工作情况。":
            {"agenda_items": ["提案工作情况报告"]},
    },
)
# The meeting heard how the delegations discussed the reports, not the reports themselves.
DISCUSSION_OF_REPORTS = words(
    "the delegations' discussion of the reports",
    "代表团审议 代表团讨论 分组审议 分组讨论 小组审议 小组讨论 各组讨论",
    examples={
        "某县第十八届人民代表大会第三次会议主席团举行第二次会议。会议听取了各代表团审议政府工作报告、计划报告和预算报告情况的汇报。":
            {"agenda_items": None},
    },
)

# Every key-task lead-in holds one of these.
TASK_TRIGGERS = words(
    "words one of which every key-task lead-in contains",
    "方面 项 件 大 个 以下 主要 重点",
)
