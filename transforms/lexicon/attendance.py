"""Attendance: roster, present and absent cues, group nouns, quorum claims (grammar:
`transforms/attendance.py`).

The grammar reads `<cue> [group noun] <count><unit>` (应到代表200人), `<count><unit><group noun>
<came>` (186名代表出席会议) and the absence forms; a count is an integer written in Arabic or
Chinese numerals followed by a unit. Examples are whole short reports (`tests/test_lexicon.py`).
"""

from __future__ import annotations

from transforms.lexicon import words

_LEAD = "某县第九届人民代表大会第二次会议今天开幕。"

UNITS = words("units of a head count", "人 名 位")

ROSTER_CUES = words(
    "the size of the group the sitting is counted against",
    "应出席 应到会 应到 应出 应参会 应参加会议 应有 现有 实有 共有 共计 总数 总人数",
    examples={
        _LEAD + "会议应出席代表150人，实际出席142人，8人因事请假，出席人数超过法定人数。":
            {"required": 150, "present": 142, "absent": 8, "quorum_claimed": True},
        _LEAD + "大会现有代表215名，出席本次会议的代表203名，符合法定人数。":
            {"required": 215, "present": 203, "attendance_scope": "deputies"},
    },
)
# `共` alone and `组成人员` (常委会组成人员25人) are roster cues only right before a count.
ROSTER_BEFORE_COUNT = words("roster cues that need the count right after them", "共 组成人员")

PRESENT_CUES = words(
    "who attended, before the count",
    "实际出席 实际到会 实际到 实到会 实到 出席 到会 到场 参会 参加会议 与会",
    examples={
        _LEAD + "应到代表２１０名，实到代表１９６名（另有１４名代表因病请假），符合法定人数。":
            {"required": 210, "present": 196, "absent": 14},
        "政协某县第九届委员会第二次会议闭幕。闭幕大会实到委员186名。": {"present": 186, "attendance_scope": "members"},
    },
)
# Characters that, right before a present cue, make it something else (应出席, 未出席, 列席).
NOT_BEFORE_PRESENT = "应未没缺列"

# `186名代表出席会议`: the people who came, counted before the verb.
CAME_VERBS = words(
    "the counted people came",
    "出席 参加 到会 参会 与会 走进 走入 步入 齐聚",
    examples={
        _LEAD + "186名代表出席会议。": {"present": 186, "attendance_scope": "deputies"},
        "某镇第九届人民代表大会第二次会议今天召开。本次会议共有67名代表参加，列席人员75名。":
            {"present": 67, "attendance_scope": "deputies", "required": None},
        "某镇第九届人民代表大会第二次会议胜利召开，来自全镇各条战线的59名镇人大代表及38名列席人员共97人参加会议。":
            {"present": 59, "attendance_scope": "deputies"},
        "第十四届全国人民代表大会第二次会议今天在人民大会堂开幕。2950名全国人大代表走进人民大会堂出席大会。":
            {"present": 2950, "attendance_scope": "deputies"},
        "某县第十六届人大常委会第21次会议召开。县人大常委会主任张三，副主任李四、王五及委员共19人出席会议。":
            {"present": 19, "attendance_scope": "standing_committee_members"},
        "第十四届全国人民代表大会常务委员会第九次会议今天闭幕。常委会组成人员158人出席会议，出席人数符合法定人数。":
            {"present": 158, "required": None, "attendance_scope": "standing_committee_members",
             "quorum_claimed": True},
        "某乡第九届人民代表大会第二次会议今天开幕。全乡48名人大代表、12名特邀列席代表参加会议。": {"present": 48},
        "12月30日，归昌乡第十七届人民代表大会第一次会议召开，来自全乡各战线的71名正式代表和30余名列席代表齐聚一堂。":
            {"present": 71, "attendance_scope": "deputies"},
        _LEAD + "近300名代表出席会议。": {"present": None},
        _LEAD + "会议应到代表200名，实到190名，另有12名代表通过视频线上参会。": {"present": 190, "required": 200},
    },
)
# People who came but are not members of the counted body.
OBSERVERS = words("people who sit in without being counted", "列席 特邀 旁听 工作人员 嘉宾")
# Counts told after these are extra people, not the attendance (`另有12名代表线上参会`).
EXTRA = words("an extra group", "另有 另外 此外")
REMOTE = words("taking part from elsewhere", "线上 视频 网络 远程")

ABSENT_CUES = words("who stayed away, before the count", "缺席 请假 未出席 未到会 缺会")
ABSENCE_REASONS = words("why they stayed away", "因事因病 因病因事 因事 因病 因故 因公")

# Approximate figures are never counts: before and after the number.
APPROX_BEFORE = words("approximately, before a number", "近 约 约有 大约 将近 逾 超过 上 不到 不足 多达 达")
APPROX_AFTER = words("approximately, after a number", "多 余 来 左右 以上")

# Group nouns → attendance_scope. Regex fragments: a noun must not continue into a longer word.
GROUP_NOUNS: tuple[tuple[str, str], ...] = (
    (r"主席团成员", "presidium"),
    (r"常委会组成人员|常委会委员|常务委员会委员|常务委员(?!会)|常委(?!会)", "standing_committee_members"),
    (r"代表(?!大会|团|资格)", "deputies"),
    (r"委员(?!会|长)", "members"),
)

# Quorum claims (regex fragments: they hold the name of a law or a charter in 《》).
QUORUM_CLAIMS = (
    r"符合(?:《[^》\n]{1,40}》)?[^,，。;；\n]{0,12}?(?:法定|规定|有效|要求)的?人数",
    r"(?:达到|符合)(?:了)?(?:法定|规定)(?:要求|标准)",
    r"(?:满足|达到|已达|已达到|超过|已超过|够|足)了?(?:会议)?法定人数",
    r"符合(?:《)?[^,，。;；\n]{0,8}?章程(?:》)?(?:的)?(?:有关)?规定",
    r"符合(?:有关|法定|法律|相关)?规定",
)
NEGATIONS = "不未没"
# Majority / two-thirds, and the sitting declared valid right after the counts.
RATIO_CLAIMS = (
    r"(?:超过|超出|已过|已超过|过|达到|已达)了?[^,，。;；\n]{0,10}?(?:三分之二|半数|二分之一|一半)",
    r"(?<=[,，])(?:会议)?(?:合法)?有效",
    r"(?<=[,，])(?:会议)?可以(?:开会|开始会议)",
)

# A count can only be read in a sentence (or next to one) holding one of these.
TRIGGERS = words(
    "words one of which every roster, present or absent figure contains",
    "应 共 现有 实有 总数 总人数 组成人员 代表中 委员中 常委中 成员中 实到 实际 出席 到会 到场 参会 参加 与会 缺席 "
    "请假 缺会 走进 走入 步入 齐聚",
)
