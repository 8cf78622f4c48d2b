"""Event and venue of the reported sitting (grammar: `transforms/meeting.py`)."""

from __future__ import annotations

from transforms.lexicon import words

# Events, in the order they are tried on the lead sentence and the headline.
PREPARATORY = words("a preparatory meeting", "预备会议 预备会")
PRESIDIUM_MEETING = r"主席团(?:第[^，。]{1,4}次)?会议|主席团会"
CLOSING = words(
    "the closing sitting",
    "闭幕 闭会 落下帷幕 落幕",
    examples={
        "1月12日下午，县第十八届人民代表大会第三次会议完成各项议程后落下帷幕。": {"event": "闭幕"},
    },
)
OPENING = words(
    "the opening sitting",
    "开幕 拉开帷幕 拉开序幕",
    examples={
        "12月8日上午，同庆镇第十六届人民代表大会第四次会议在国歌声中拉开序幕。": {"event": "开幕"},
    },
)
# 预备会议 that only says where the presidium came from (`由预备会议选举产生的主席团举行第一次会议`).
NOT_THE_PREPARATORY = r"选举产生|产生的|通过的|确定的|选出的"

# ---------------------------------------------------------------------------- venues

# A venue ends in one of these nouns.
VENUE_NOUNS = words(
    "nouns a venue ends with",
    "会议中心 会展中心 会议厅 会议室 大礼堂 礼堂 会堂 剧院 影剧院 大剧院 剧场 文化中心 活动中心 艺术中心 中心 "
    "宾馆 酒店 饭店 大厦 广场 体育馆 文化馆 文化宫 报告厅 宫 馆 厅 堂 室 楼 院",
    examples={
        "1月6日上午，开封市第十六届人民代表大会第四次会议在东京艺术中心开幕。": {"venue": "东京艺术中心"},
        "3月1日，灵宝市第十届人民代表大会第三次会议在市会展中心二楼1号会议厅胜利闭幕。":
            {"venue": "市会展中心二楼1号会议厅"},
        "1月10日上午，在县人民会堂，沁源县第十八届人民代表大会第三次会议隆重开幕。": {"venue": "县人民会堂"},
        "1月10日上午，沁源县第十八届人民代表大会第三次会议在县体育馆内隆重开幕。": {"venue": "县体育馆"},
        "1月10日上午，沁源县第十八届人民代表大会第三次会议在位于县城南区的县文化艺术中心开幕。":
            {"venue": "县文化艺术中心"},
    },
)
# Places that are venues on their own (`在县城隆重开幕`); region names and the short names of
# provinces and cities (`在北京开幕`, `在太原举行`) count too.
TOWN_WORDS = words(
    "places named as venues without a building",
    "县城 市区 城区",
    examples={
        "1月8日，柞水县第十八届人民代表大会第四次会议在县城隆重开幕。": {"venue": "县城"},
        "3月4日，政协浙江省第十三届委员会第二次会议在杭州胜利闭幕。": {"venue": "杭州"},
        "1月20日，内蒙古自治区第十四届人民代表大会第三次会议在呼和浩特内蒙古人民会堂隆重开幕。":
            {"venue": "呼和浩特内蒙古人民会堂"},
    },
)
# Between the venue and the verb.
VENUE_ADVERBS = words("adverbs between venue and verb", "隆重 胜利 圆满 正式 顺利 如期 盛大 庄严")
VENUE_VERBS = words(
    "verbs a venue (在X) comes before",
    "开幕 闭幕 闭会 召开 举行 开会 完成 拉开帷幕 拉开序幕 落下帷幕",
)
# `X会堂内气氛热烈`: a description of the hall.
SCENE_WORDS = words(
    "what the hall looks like",
    "气氛 庄严 庄重 肃穆 灯火 灯光 座无虚席 张灯结彩 鲜花 红旗 国徽 热烈 喜庆 洋溢 高悬 悬挂",
)
VENUE_LABELS = r"会场设在|会议地点[:：]?|会址[:：]|地点[:：]"
