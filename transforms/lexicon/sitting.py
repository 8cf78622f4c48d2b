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
        "6月20日，政協十三屆全國委員會常務委員會第五次會議在北京開幕。全國政協主席洪振東主持開幕會。":
            {"meeting_name": "政协十三届全国委员会常务委员会第五次会议", "body": "政协常委会", "region": "全国",
             "term": 13, "session": 5, "presider": "洪振东"},
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

# A session named by its term alone (a township's whole session told in one story): the name
# counts only with one of these verbs in its clause.
TERM_ONLY_VERBS = words(
    "verbs after a session named by its term alone",
    "召开 开幕 闭幕 举行",
    examples={
        "經過近一個月籌備，城關鎮第十三屆人民代表大會於2016年4月22日召開。58名鎮代表和26名列席代表出席會議。":
            {"is_meeting_report": True, "meeting_name": "城关镇第十三届人民代表大会", "region": "城关镇",
             "term": 13, "session": None, "level": "township", "present": 58},
        "县第十三届人民代表大会代表名单公布\n县第十三届人民代表大会代表共215名。": {"is_meeting_report": False},
    },
)

# Abbreviations that put the body before the term, or the place between 政协 and the term.
BODY_FIRST_EXAMPLES = words(
    "abbreviated names with the body before the term",
    "人大N届M次会议 人大常委会N届M次会议 政协R十届三次会议",
    examples={
        "2025年1月8日上午，郴州市人大六届四次会议在市会议中心开幕。":
            {"meeting_name": "郴州市人大六届四次会议", "region": "郴州市", "term": 6, "session": 4, "body": "人大"},
        "2023年8月30日，当涂县人大常委会十八届二十次会议在县人大常委会会议室召开，主任陶文祥主持。":
            {"meeting_name": "当涂县人大常委会十八届二十次会议", "region": "当涂县", "body": "人大常委会",
             "term": 18, "session": 20, "presider": "陶文祥"},
        "1月10日上午，政协宁远县十届三次会议完成全部议程，在县委党校举行闭幕大会。":
            {"meeting_name": "政协宁远县十届三次会议", "region": "宁远县", "body": "政协", "term": 10, "session": 3,
             "event": "闭幕", "venue": "县委党校"},
        "2月26日，双沟镇第十八届三次人民代表大会在镇政府三楼会议室召开，全镇55名镇人大代表参加会议。":
            {"meeting_name": "双沟镇第十八届三次人民代表大会", "term": 18, "session": 3, "present": 55,
             "venue": "镇政府三楼会议室"},
        "12月20日，平遥县政协召开十届五次常委会议。县政协主席王五主持会议。":
            {"is_meeting_report": True, "body": "政协常委会", "term": 10, "session": 5, "region": "平遥县"},
        "8月26日，平遥县政协常委会召开第十五次会议。": {"body": "政协常委会", "session": 15, "term": None},
        "1月26日，陕西省政协十三届九次常委会第二次全体会议召开。省政协主席孔德平主持会议。会议通过省政协十三届三次会议政治"
        "决议（草案），并提请省政协十三届三次会议闭幕会通过。":
            {"meeting_name": "陕西省政协十三届九次常委会", "body": "政协常委会", "session": 9, "event": "全体会议",
             "presider": "孔德平"},
        "2023年12月19日下午，寧國市政協第十屆常務委員會第十五次會議在市政協機關會議室召開。":
            {"meeting_name": "宁国市政协第十届常务委员会第十五次会议", "body": "政协常委会", "session": 15},
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

# Lines that name the outlet, the source, the author or the site (and so its region): a short line
# with one of these, besides the headline and a dateline (`本报延川讯`).
SOURCE_LINE_CUES = words(
    "words of source, byline and footer lines",
    "来源 稿源 出处 作者 记者 通讯员 编辑 发布 融媒体 讯 电 供稿 主办 承办 版权所有",
    examples={
        "县第十七届人大常委会第15次会议召开\n11月28日上午，县第十七届人大常委会第15次会议在县人大常委会三楼会议室召开。\n"
        "主办：平昌县人大常委会办公室": {"meeting_name": "平昌县第十七届人大常委会第15次会议", "region": "平昌县"},
        "市政协五届十九次常委会议召开\n12月23日，市政协五届十九次常委会议召开。\n宜昌市政协办公室 供稿":
            {"meeting_name": "宜昌市政协五届十九次常委会议", "region": "宜昌市", "body": "政协常委会"},
    },
)

# What a region owns when it is named in the text with it: organs, documents (after 《 or 关于),
# a year's budget. A session named by its level word alone takes the one region of that level so
# named, when no headline, source line or other session name says it.
REGION_OWNS = words(
    "organs a region is named with",
    "人大常委会 人民代表大会 人大 政协 人民政府 政府 中级人民法院 人民法院 人民检察院 委员会 党委",
    examples={
        "省十四届人大常委会第五次会议闭会\n本报杭州9月29日讯 省十四届人大常委会第五次会议今天下午在杭州闭会。"
        "会议表决通过了《浙江省乡村旅游促进条例》。":
            {"meeting_name": "浙江省十四届人大常委会第五次会议", "region": "浙江省", "level": "province"},
        "1月30日上午，市八届人大三次会议主席团举行第三次会议。会议确定了梅州市人大常委会副主任正式候选人。":
            {"meeting_name": "梅州市八届人大三次会议", "region": "梅州市"},
        "12月15日，市十六届人大常委会召开第八次会议。会议听取和审议了湘潭市2022年市本级财政决算的报告。":
            {"region": "湘潭市"},
        "12月15日，市十六届人大常委会召开第八次会议。会议听取了湘潭市和株洲市人民政府的报告。": {"region": None},
        # 和 joining two organs does not open the county 和县.
        "1月18日上午，县十七届人民代表大会第二次会议举行主席团第三次会议。会议听取各代表团对县人大常委会和县人民法院工作报告"
        "审议情况的汇报。": {"region": None, "agenda_items": None},
    },
)

# Suffixes of the divisions the table lists: a place between 政协 and 委员会 that the table does
# not know still names the committee when it ends with one of these (or a township's).
REGION_SUFFIXES = words(
    "administrative suffixes of counties and above",
    "省 自治区 市 自治州 州 盟 地区 县 自治县 区 旗 自治旗 林区",
)

# A region unknown to the division table (it lists divisions down to counties) before a session
# name must be a township: its name ends with one of these.
TOWNSHIP_SUFFIXES = words(
    "suffixes of a township's name",
    "镇 乡 苏木 街道",
    examples={
        "12月26日下午，市第十届人民代表大会第二次会议召开预备会议。在预备会议推选出主席团以后，将由主席团主持市第十届人民代表大会"
        "第二次会议。会议应到代表415名，实到代表398名。": {"meeting_name": "市第十届人民代表大会第二次会议", "region": None},
    },
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
        "3月8日，马镇镇胜利召开了第十五届人民代表大会第二次会议。":
            {"meeting_name": "马镇镇第十五届人民代表大会第二次会议", "region": "马镇镇"},
    },
)

# The meeting is announced, not reported: `common.FUTURE` and its preparations.
ANNOUNCEMENT = words(
    "the sitting is being prepared",
    "筹备 前夕 于明年",
    examples={
        # next year's work planned at a sitting is not a sitting planned for next year
        "12月20日，平遥县第十八届人民代表大会第五次会议隆重召开，会议部署了明年工作。": {"is_meeting_report": True},
        "县十八届人大三次会议筹备工作会议召开\n1月3日，县人大常委会召开县十八届人大三次会议筹备工作会议。":
            {"is_meeting_report": False},
    },
)

# Before a preparation cue: the preparations are over (`经过近一个月筹备，…召开`).
DONE = words("the preparations are over", "经过 历经 经")

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
    # `…会议和全国政协…会议精神`: named beside another whose spirit is studied
    r"|(?:和|及|与|、)[^，,。；;\n]{0,30}?精神"
    # what a chair's meeting prepares (`研究…第十六次会议有关事项`, `…会议的议程`)
    r"|的?(?:有关|相关)?(?:事项|事宜)|的?(?:议程|日程)"
    # a delegation's or a group's own meeting at the session (`…会议湖南代表团举行全体会议`)
    r"|[\u4e00-\u9fff]{0,8}?(?:代表团|界别|小组|分组|讨论组)"
)

# Before the name in its clause: the sitting is studied, not held (`传达学习…会议精神`).
STUDIED = words(
    "the sitting is what is studied",
    "传达 学习 贯彻 领会 宣讲 建议",
    examples={
        "县水利局传达学习全国两会精神\n3月14日，县水利局召开党组（扩大）会议，传达学习十四届全国人大二次会议和"
        "全国政协十四届二次会议精神。局党组书记、局长蒋国平主持会议。": {"is_meeting_report": False, "presider": None},
        "日前召开的政协第十四届全国委员会第十二次主席会议，审议通过了关于召开政协第十四届全国委员会第四次会议的决定（草案），"
        "建议全国政协十四届四次会议于明年3月4日在北京召开。": {"is_meeting_report": False},
    },
)
# Blanks to fill in: the text is a template (a chair's script), not a report.
BLANKS = r"_{2,}|＿{2,}|×{2,}|X{3,}|〇{3,}(?!年)"

# A headline (its last words) that makes the text a document about the sitting, not a report of it.
DOCUMENT_TITLES = words(
    "documents about a sitting: scripts, notices",
    "主持词 主持稿 串词 讲话稿 发言稿 讲话提纲 通知 公告 日程安排",
    examples={
        "镇人民代表大会全体会议主持词\n各位代表：\n柳林镇第十九届人民代表大会第三次会议应到代表____名，实到____名。"
        "现在，我宣布：大会开幕。": {"is_meeting_report": False},
        "临沧市人民代表大会常务委员会关于召开临沧市第五届人民代表大会第五次会议的决定\n临沧市第五届人民代表大会常务委员会"
        "第二十五次会议决定：临沧市第五届人民代表大会第五次会议于2025年1月10日在临沧召开。": {"is_meeting_report": False},
    },
)

# A headline naming another kind of meeting (a chair's meeting, a party group, a staff or study
# meeting) and no session: the story is about that meeting, whatever session it prepares or studies.
OTHER_MEETINGS = words(
    "meetings that are not sittings of a body",
    "主任会议 主席会议 党组会议 党组扩大会议 秘书长会议 机关干部大会 干部大会 座谈会 培训班 学习会 推进会 报告会 宣讲会 "
    "交办会 督办会 联席会议 协调会 调度会 工作会议 部署会",
    examples={
        "县人大常委会召开第二十六次主任会议\n10月8日，县人大常委会召开第二十六次主任会议，研究县十七届人大常委会第十六次会议"
        "有关事项。会议决定，县十七届人大常委会第十六次会议于10月下旬召开。主任张三主持会议。": {"is_meeting_report": False},
        "6月10日，县十八届人大常委会召开第十五次主任会议。会议由程立山主持。会议决定县十八届人大常委会第九次会议于6月18日"
        "上午9:00召开。": {"is_meeting_report": False},
        "湖南代表团举行全体会议审议政府工作报告\n新华社北京3月6日电 十四届全国人大二次会议湖南代表团6日上午举行全体会议，"
        "审议政府工作报告。": {"is_meeting_report": False},
        "区人大常委会召开十届二十次会议\n5月20日，区人大常委会召开十届二十次会议。区人大常委会主任李四主持会议。":
            {"is_meeting_report": True, "term": 10, "session": 20, "body": "人大常委会", "presider": "李四"},
    },
)

# A headline about people at the session (a delegation, a deputy's proposals) that names no
# sitting and tells none is a feature story, whatever its lead says of the sitting.
FEATURE_HEADLINE = words(
    "what a feature about people at the session is about",
    "代表团 履职 心声 风采 专访 访谈",
    examples={
        "澳區代表提交建議八十七份創新高\n代表團：將向社會宣講會議精神\n【本報記者北京十三日電】十四屆全國人大一次會議昨日在"
        "北京閉幕。澳區全國人大代表團本屆會議期間提交建議八十七份。\n代表團團長表示，十二名代表全程出席大會，出席率百分之百。":
            {"is_meeting_report": False, "present": None},
    },
)
# …or their proposals, with the people who made them (`澳区代表提交建议八十七份`): a thematic
# headline over a sitting's report (`聚焦民生提案 共话发展大计`) names no people.
FEATURE_PROPOSALS = words(
    "proposals, in a feature about the people who made them",
    "建议 提案 议案",
    examples={
        "聚焦民生提案 共话发展大计\n1月5日上午，政协平遥县第十届委员会第三次会议在县会堂隆重开幕。应到委员200人，实到185人。":
            {"is_meeting_report": True, "present": 185},
    },
)
FEATURE_PEOPLE = words("the people a feature is about", "代表 委员")
# Besides the sitting cues, what a headline about the sitting itself says.
HEADLINE_SITTING = words("a headline about the sitting", "会议 大会 人代会 两会 全会")
# Right before the name: a document or decision about the sitting, not the sitting
# (`关于召开…会议的决定`, `会议决定：12月26日，召开…常委会议`).
ABOUT_THE_SITTING = r"关于(?:召开|举行)$|决定[^。；;]{0,16}?(?:召开|举行)$|决定\s*[:：，,]?\s*$"

# Lines of a web page around the article that are not its headline.
PAGE_FURNITURE = words(
    "page furniture lines above the headline",
    "当前位置 您的位置 首页 字号 打印 关闭 分享 扫一扫 发布时间 发布日期 来源 作者 编辑 浏览 点击 > "
    # e-paper mastheads (`第A04版：澳聞 上一版 下一版`, `當前報紙日期：`; the text is half-width here)
    "版: 上一版 下一版 报纸日期 当前报章 top",
    examples={
        "当前位置：首页 > 新闻中心\n字号：大 中 小 【打印】【关闭】\n省政协十一届十五次常委会议在长沙开幕\n"
        "6月28日上午，政协湖南省第十一届委员会常务委员会第十五次会议在省政协机关大礼堂开幕。":
            {"venue": "省政协机关大礼堂", "event": "开幕", "date": "06-28"},
    },
)
