"""People: titles, chair labels and lead-ins, presiding and reporting forms (grammar:
`transforms/people.py`)."""

from __future__ import annotations

from transforms.lexicon import words

_LEAD = "某县第十八届人民代表大会第三次会议今天上午在县人民会堂开幕。"

# A name is what follows the last title of a segment (`县人大常委会副主任熊卫平` → 熊卫平).
TITLES = words(
    "titles and roles written before (or after) a name",
    """代市长 副市长 市长 代县长 副县长 县长 代区长 副区长 区长 代省长 副省长 省长 代旗长 旗长 副旗长 乡长 副乡长
    镇长 副镇长 州长 副州长 盟长 副盟长 自治区主席 主席 副主席 主任 副主任 书记 副书记 委员长 副委员长 总理 副总理
    部长 副部长 厅长 局长 秘书长 副秘书长 院长 副院长 检察长 常委 委员 代表 同志 领导 负责人 负责同志 主持人
    执行主席 常务主席 理事长 董事长 总经理 校长 司令员 政委 议长 专员 调研员 巡视员 处长 科长 主委 会长 社长
    主编 记者 通讯员 首席 人选 老领导 成员 大会""",
)
# Words that are never (part of) a name.
NOT_NAMES = words(
    "words never part of a name",
    """会议 大会 主席团 人民 政府 政协 人大 委员会 常委会 全体 本次 今天 今日 上午 下午 开幕 闭幕 宣布 主持 出席 就座 就坐
    前排 主席台 报告 工作 决议 议程 选举 举行 召开 人选 名单 人员 成员 领导 同志 代表 委员 主任 书记 执行 常务
    以及 其他 有关 各位 全场 起立 国歌 会场 记者 摄影 编辑 来源 责任""",
)

# After the 执行主席 label, before the names (`执行主席是（按姓名笔画排列）：`, `共有执行主席5名，分别是：`).
CHAIR_LEADS = words(
    "what stands between the 执行主席 label and the names",
    "有 是 为 分别是 分别为 包括 分别由 由 还有 还包括 另有",
    examples={
        _LEAD + "大会执行主席、县人大常委会主任张建华主持会议。大会执行主席还有：李红梅、王立新、刘军（江岸）、赵明。":
            {"executive_chairs": ["张建华", "李红梅", "王立新", "刘军", "赵明"], "presider": "张建华"},
        _LEAD + "担任本次大会执行主席的有：李红梅、王立新、赵明。": {"executive_chairs": ["李红梅", "王立新", "赵明"]},
    },
)
# `A、B担任本次会议执行主席`: the verb before the label.
CHAIR_VERBS = words(
    "verbs that make the names before them chairs",
    "担任 出任 任",
    examples={
        _LEAD + "张建华、李红梅、王立新担任大会执行主席并在主席台前排就座。": {"executive_chairs": ["张建华", "李红梅", "王立新"]},
        _LEAD + "张建华、李红梅、王立新等大会执行主席在主席台前排就座。": {"executive_chairs": ["张建华", "李红梅", "王立新"]},
    },
)
# `推选A、B为大会执行主席`: the presidium names the chairs.
CHAIR_CHOOSING = words(
    "the presidium names the chairs",
    "推选 推举 选举 选出 确定 决定由 决定",
    examples={
        _LEAD + "大会推选张建华、李红梅、王立新为本次会议执行主席。": {"executive_chairs": ["张建华", "李红梅", "王立新"]},
    },
)
# Where a list of names ends.
LIST_ENDS = (
    r"在主席台|在台上|在前排|在会上|主持(?!人[)）])|就座|就坐|出席|列席|宣布|分别|参加|讲话|致辞|担任|出任"
    r"|作了?[^\s]{0,6}报告|代表[^、,，]{0,20}政府"
)
# Verbs that end a run of name characters (`副县长向光明宣布…`).
SPEECH_VERBS = words("verbs right after a speaker's name", "宣布 主持 说 指出 表示 强调 代表 向 作 在 出席 同志 致")

# The government work report is the government's: made on behalf of one of these…
GOVERNMENT = words("the government", "人民政府 政府 国务院")
# …and not of these.
NOT_GOVERNMENT = words(
    "organs whose reports are not the government work report",
    "政协 常务委员会 常委会 法院 检察院 人大 委员会 主席团",
    examples={
        _LEAD + "县长王立新代表县人民政府作政府工作报告。县人大常委会主任张建华作县人大常委会工作报告。":
            {"work_report_by": "王立新"},
        _LEAD + "大会听取和审议了镇长车立新所作的《双溪镇人民政府工作报告》。": {"work_report_by": "车立新"},
    },
)
# Ends of organisation names (a list item ending in one is an organ, not a person).
ORG_ENDS = "委府会院局厅部办组团队"
