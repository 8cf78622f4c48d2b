"""Agenda and key tasks: report titles, review cues, enumeration lead-ins (grammar:
`transforms/agenda.py`)."""

from __future__ import annotations

from transforms.lexicon import words

_LEAD = "某县第十八届人民代表大会第三次会议今天上午在县人民会堂开幕。"
_CPPCC = "政协平遥县第九届委员会第三次会议今天上午在县会议中心开幕。"

# A report title ends in one of these (its terminal noun).
TITLE_TRIGGERS = words("terminal nouns of report titles", "报告 决议 纲要 决算 预算调整方案 提案工作情况 提案情况")
# The title is heard, reviewed or voted on.
REVIEW_CUES = words(
    "the meeting heard, reviewed or voted on the report",
    "听取 审议 审查 审阅 审核 讨论 表决 通过 批准 听了",
    examples={
        _LEAD + "会议听取和审议了县人民政府工作报告、县人民法院工作报告和县人民检察院工作报告。":
            {"agenda_items": ["政府工作报告", "人民法院工作报告", "人民检察院工作报告"]},
        # a preparatory meeting adopts the agenda: the reports are still to come
        "某县第十八届人民代表大会第三次会议举行预备会议。根据表决通过的会议议程，大会将听取和审议县人民政府工作报告；审查和批准"
        "县财政预算执行情况与预算草案的报告；听取和审议县人大常委会工作报告。": {"agenda_items": None},
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
        _CPPCC + "受政协平遥县第九届委员会常务委员会委托，县政协副主席李红梅向大会报告九届二次会议以来的提案工作情况。":
            {"agenda_items": ["提案工作情况报告"]},
    },
)
# The meeting heard how the delegations discussed the reports, not the reports themselves.
DISCUSSION_OF_REPORTS = words(
    "the delegations' discussion of the reports",
    "代表团审议 代表团讨论 分组审议 分组讨论 小组审议 小组讨论 各组讨论 讨论组 关于讨论",
    examples={
        "某县第十八届人民代表大会第三次会议主席团举行第二次会议。会议听取了各代表团审议政府工作报告、计划报告和预算报告情况的汇报。":
            {"agenda_items": None},
        "1月8日上午，县政协十届二十一次常委会议召开。会议听取了各讨论组关于讨论政府工作报告及其他报告情况的汇报；讨论通过了"
        "县政协提案委员会关于十届四次会议提案审查情况的报告（草案）。": {"agenda_items": None},
    },
)

# After a title: the meeting heard how it was discussed (`…工作报告的审议情况汇报`,
# `讨论政府工作报告等情况的汇报`), not the report.
DISCUSSED_AFTER = words(
    "the discussion of the report, after its title",
    "审议情况 讨论情况 审议意见 讨论意见 等情况 情况的汇报 情况汇报 起草情况 修改情况",
    examples={
        "1月30日上午，市八届人大三次会议主席团举行第三次会议。会议听取了各代表团对市人大常委会和市法院、检察院工作报告的"
        "审议情况汇报。": {"agenda_items": None},
        "县政协十一届四次会议主席团举行会议。会议听取了各讨论组讨论政府工作报告等情况的汇报。": {"agenda_items": None},
        # how a report was drafted, and drafts put to the plenary, are not the report heard
        "6月12日，政协第十三届全国委员会常务委员会第二十次会议在京开幕。会议听取了关于政协全国委员会常务委员会工作报告（草案）"
        "修改情况的说明。": {"agenda_items": None},
        "4月20日，湖南省政协十二届第七次常委会议在长沙召开。会议表决通过了政协湖南省第十二届委员会提案委员会关于十二届四次会议"
        "提案审查情况的报告（草案），同意提请省政协十二届四次会议第三次全体会议通过。": {"agenda_items": None},
    },
)
# Part of the year: a budget or plan report for it is not the session's annual report.
PART_YEAR = words(
    "part of the year",
    "上半年 下半年 前三季度 一季度 半年",
    examples={
        "当涂县人大常委会十八届二十次会议召开\n2023年8月30日，当涂县人大常委会十八届二十次会议召开。会议听取审议了县人民政府关于"
        "2023年上半年预算执行情况的报告、关于2022年度县本级预算执行和其他财政收支的审计工作报告。":
            {"agenda_items": ["审计工作报告"]},
    },
)
# A report delivered on behalf of an organ (`受…常务委员会的委托，X向大会报告工作`) is that organ's.
ENTRUSTED_EXAMPLES = words(
    "reports delivered on an organ's behalf",
    "受…委托",
    examples={
        _CPPCC + "受政协平遥县第九届委员会常务委员会的委托，县政协主席莫国华向大会报告工作。": {"agenda_items": ["政协常委会工作报告"]},
        _CPPCC + "莫国华代表政协平遥县第九届委员会常务委员会，向大会报告过去五年的工作。": {"agenda_items": ["政协常委会工作报告"]},
    },
)
# A transcript carries the agenda out item by item.
TRANSCRIPT_EXAMPLES = words(
    "agenda items carried out in a transcript",
    "进行第N项议程",
    examples={
        "政协第十三届全国委员会第二次会议闭幕会（文字实录）\n[主席] 各位委员：中国人民政治协商会议第十三届全国委员会第二次会议，"
        "应出席委员2146人，今天实到2058人，符合规定人数。现在开会。\n今天上午的会议共有四项议程。现在进行第一项议程：通过政协"
        "第十三届全国委员会第二次会议关于常务委员会工作报告的决议。\n[主席] 现在进行第二项议程：通过政协第十三届全国委员会第二次会议"
        "关于政协十三届一次会议以来提案工作情况报告的决议。表决有效，通过。":
            {"agenda_items": ["政协常委会工作报告", "提案工作情况报告"]},
    },
)
# The nouns after a key-task count (`抓好五项工作`, `五件大事`).
TASK_NOUNS = words(
    "what the coming year's tasks are called",
    "工作 任务 举措 大事",
    examples={
        _LEAD + "报告提出，今年要突出抓好五件大事：第一，做强生态产业；第二，推动文旅融合；第三，加快县城更新；"
        "第四，深化改革开放；第五，办好民生实事。": {"key_tasks": 5},
    },
)

# Every key-task lead-in holds one of these.
TASK_TRIGGERS = words(
    "words one of which every key-task lead-in contains",
    "方面 项 件 大 个 以下 主要 重点",
)
