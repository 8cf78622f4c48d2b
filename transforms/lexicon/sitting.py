"""Session names and the cues that a sitting took place (grammar: `transforms/sitting.py`,
facts: `transforms/meeting.py`).

A session name is built from parts — region, term (第N届), body (人民代表大会 / 人大 / 政协 …,
常务委员会 / 常委会), session (第N次会议) — in the orders `transforms/sitting.py` knows; the words
of each part are here. Examples are whole short reports: `tests/test_lexicon.py` extracts each and
compares the facts listed.
"""

from __future__ import annotations

from transforms.lexicon import words

CPPCC = words(
    "the CPPCC's name (its full form, its short form)",
    "中国人民政治协商会议 政协",
    examples={
        "1月5日，中国人民政治协商会议灵宝市第十届委员会第三次会议在市会议中心开幕。":
            {"meeting_name": "中国人民政治协商会议灵宝市第十届委员会第三次会议", "region": "灵宝市", "body": "政协"},
        "1月5日，政协第十届灵宝市委员会第三次会议在市会议中心开幕。":
            {"region": "灵宝市", "term": 10, "session": 3},
    },
)

# The country's name may open a national session's name in the chair's declaration.
COUNTRY = words(
    "the country's name before a national session's name",
    "中华人民共和国",
    examples={
        "上午9时，大会执行主席宣布：中华人民共和国第十四届全国人民代表大会第三次会议开幕。":
            {"meeting_name": "中华人民共和国第十四届全国人民代表大会第三次会议", "region": "全国", "level": "national"},
    },
)

# A name split by its verb: the body, the verb, then the session (`县十七届人大常委会举行第五次会议`).
SPLIT_VERBS = words(
    "verbs that may stand between a body and its session number",
    "举行 召开",
    examples={
        "9月28日，县十七届人大常委会举行第五次会议。县人大常委会副主任衣萍主持会议。":
            {"meeting_name": "县十七届人大常委会第五次会议", "body": "人大常委会", "term": 17, "session": 5,
             "level": "county", "presider": "衣萍"},
        "8月26日，县第十七届人大常委会举行第二十次会议。副主任朱永昌、张鹉及县人大常委会组成人员共23人出席会议。":
            {"session": 20, "present": 23, "attendance_scope": "standing_committee_members"},
        # A standing committee's sitting named without its term: the term stays unknown…
        "5月20日，县人大常委会召开第十九次会议。会议由县人大常委会主任张建华主持。":
            {"is_meeting_report": True, "meeting_name": "县人大常委会第十九次会议", "term": None, "session": 19},
        # …unless the text names it elsewhere.
        "遂昌县第十七届人民代表大会常务委员会第二十次会议召开\n5月20日，县人大常委会召开第二十次会议。":
            {"meeting_name": "遂昌县第十七届人民代表大会常务委员会第二十次会议", "term": 17, "region": "遂昌县"},
        # 第 left out before the term and the session.
        "1月5日，沁源县十八届人民代表大会三次会议在县人民会堂开幕。":
            {"meeting_name": "沁源县十八届人民代表大会三次会议", "term": 18, "session": 3, "region": "沁源县"},
    },
)

# A level word standing for the region (`县第十八届…`, `市五届人大四次会议`, `自治县九届人大七次会议`).
LEVEL_WORDS = words(
    "level words that stand for the report's own region",
    "全国 自治区 自治州 自治县 自治旗 省 市 县 区 旗 州 盟 镇 乡",
    examples={
        "县十五届人大常委会第36次会议召开\n5月20日，县十五届人大常委会第36次会议召开。":
            {"meeting_name": "县十五届人大常委会第36次会议", "level": "county", "body": "人大常委会", "session": 36},
        "1月5日，自治县九届人大七次会议在县会议中心开幕。":
            {"meeting_name": "自治县九届人大七次会议", "level": "county", "term": 9, "session": 7},
    },
)

# The last part of a region's name: what a name without a known region must end with.
REGION_SUFFIXES = words(
    "administrative suffixes a region name ends with",
    "省 自治区 市 自治州 州 盟 地区 县 自治县 区 旗 自治旗 林区 镇 乡 苏木 街道",
)

# Characters that never occur inside a region name unknown to the division table (they betray
# the prose around it: `召开了`, `在`, `今年`).
NOT_REGION_CHARS = "的在了于是及、，,届次午召今昨日年开举行为由将"

# Two characters that form a verb: a known region cannot begin with the second character
# when the first stands right before it (`召开县…` is not the county 开县).
VERBS_BEFORE_REGION = words("verbs a region's first character may complete", "召开 举行 在于")

# A sitting took place: a name in a sentence with one of these reports on a sitting.
SITTING_CUES = words(
    "the sentence reports a sitting",
    "开幕 闭幕 闭会 召开 举行 开会 预备会议 全体会议 会议开始 大会开始 主持 隆重 胜利 圆满 宣布 出席 列席 "
    "就座 就坐 应到 实到 应出席 拉开帷幕 拉开序幕 落下帷幕 落幕",
    examples={
        "12月8日上午，同庆镇第十六届人民代表大会第四次会议在庄严雄壮的国歌声中拉开序幕。":
            {"is_meeting_report": True, "region": "同庆镇", "event": "开幕"},
        "1月19日，滔溪镇召开了第六届人民代表大会第七次会议。":
            {"is_meeting_report": True, "meeting_name": "滔溪镇第六届人民代表大会第七次会议", "region": "滔溪镇"},
    },
)

# The meeting is announced, not reported: `common.FUTURE` and its preparations.
ANNOUNCEMENT = words(
    "the sitting is being prepared",
    "筹备 前夕",
    examples={
        "县十八届人大三次会议筹备工作会议召开\n1月3日，县人大常委会召开县十八届人大三次会议筹备工作会议。":
            {"is_meeting_report": False},
    },
)

# The sitting is told as something past that the story is not about (`去年召开的…会议上`).
PAST_CUES = words(
    "the sitting belongs to an earlier year",
    "去年 前年 上年 上一年 往年 历年",
    examples={
        "记者从市政府获悉，在去年1月召开的市十六届人大三次会议上，代表们票决产生的十件民生实事项目已完成八件。":
            {"is_meeting_report": False},
    },
)

# The sitting told as the earlier setting of the story (`在今年召开的…会议上，他提交了…`), before 召开的.
EARLIER = words(
    "a sitting some time ago",
    "今年 年初 前不久 不久前 此前 日前 近日",
    examples={
        "代表风采｜王某：扎根基层的“田专家”\n作为县人大代表，王某在今年召开的县十八届人大三次会议上提交了两件建议。":
            {"is_meeting_report": False},
        "县十八届人大三次会议代表报到\n1月9日，出席县十八届人大三次会议的代表陆续报到，领取会议材料。":
            {"is_meeting_report": False},
        "关于召开县第十八届人民代表大会第四次会议的决定\n县第十八届人民代表大会常务委员会第二十次会议决定，"
        "县第十八届人民代表大会第四次会议于2025年1月8日在县城召开。": {"is_meeting_report": False},
        "12月22日下午，市政协十四届六十一次主席会议召开。会议决定：12月26日，召开市政协十四届二十五次常委会议，会期半天。"
        "会议审议通过了关于召开市政协十五届一次会议的决定（草案）。": {"is_meeting_report": False},
    },
)

# Many sittings at once (a round-up of the townships' sessions), before the verb.
ROUNDUP = words(
    "many sittings, one after another",
    "相继 陆续 分别 先后 同时",
    examples={
        "2月15日至16日，全县15个乡镇新一届人民代表大会第一次会议相继召开并圆满结束。": {"is_meeting_report": False},
    },
)

# Right after the name, a noun that makes the session a modifier: its spirit, resolutions,
# period, or the deputies' suggestions handled afterwards (`…会议代表建议交办会`).
NOT_SITTING_AFTER = (
    r"精神|决议|期间|以来|文件|召开前|筹备|(?:召开|开幕|闭幕|举行)(?:以来|前|之前)"
    r"|(?:代表|委员)?(?:建议|议案)(?:交办|办理|督办)|交办"
    # `…常委会议召开的时间、地点、议程`: arrangements for it
    r"|(?:召开|举行)的(?:时间|地点|日期|议程|日程|有关|相关|各项|筹备)"
)
# Right before the name: a document or decision about the sitting, not the sitting
# (`关于召开…会议的决定`, `会议决定：12月26日，召开…常委会议`).
ABOUT_THE_SITTING = r"关于(?:召开|举行)$|决定[^。；;]{0,16}?(?:召开|举行)$"

# Lines of a web page around the article that are not its headline.
PAGE_FURNITURE = words(
    "page furniture lines above the headline",
    "当前位置 您的位置 首页 字号 打印 关闭 分享 扫一扫 发布时间 发布日期 来源 作者 编辑 浏览 点击 >",
    examples={
        "当前位置：首页 > 新闻中心\n字号：大 中 小 【打印】【关闭】\n省政协十一届十五次常委会议在长沙开幕\n"
        "6月28日上午，政协湖南省第十一届委员会常务委员会第十五次会议在省政协机关大礼堂开幕。":
            {"venue": "省政协机关大礼堂", "event": "开幕", "date": "06-28"},
    },
)
