"""Dates and times: datelines, page stamps, relative days, clock cues (grammar: `transforms/dates.py`)."""

from __future__ import annotations

from transforms.lexicon import words

_NAME = "铜仁市第八届人民代表大会第三次会议"

# A sentence holding one of these reports the sitting itself (it may carry the date).
SITTING_VERBS = words(
    "the sitting took place",
    "开幕 闭幕 闭会 召开 举行 预备会议 全体会议",
    examples={
        f"{_NAME}隆重开幕\n发布时间：2024-01-13 10:02\n本次大会应到代表300名，实到288名。12日上午，大会在市会议中心开幕。":
            {"date": "2024-01-12"},
    },
)
HALF_DAY = words("part of the day before a clock time or after a day", "上午 下午 晚上 晚间 晚 早上 早晨 清晨 中午 凌晨")
# Days told relative to the article's own date → offset in days.
RELATIVE_DAYS: dict[str, int] = {"今天": 0, "今日": 0, "本日": 0, "当天": 0, "当日": 0, "昨天": -1, "昨日": -1, "前天": -2}
RELATIVE_DAY_EXAMPLES = words(
    "days told relative to the article's date",
    tuple(RELATIVE_DAYS),
    examples={
        f"本报铜仁1月9日电 {_NAME}今天下午在市会议中心闭幕。": {"date": "01-09"},
        f"昨日，{_NAME}在市会议中心召开。\n发布时间：2022-03-01": {"date": "2022-02-28"},
    },
)
# Who sends a dateline (`新华社北京3月5日电`, `本报讯`).
DATELINE_SOURCES = words("who sends a dateline", "本报 新华社 中新社 新华网 人民网 央视网 本网 本台 记者 通讯员 讯")
# A line with one of these and a date is the page's own stamp (`发布时间：2023-01-16`).
STAMP_CUES = (r"发布|来源|时间|日期|作者|编辑|浏览|点击|稿源|出处|更新|版次|星期|第\s*[\d一二三四五六七八九十]{1,3}\s*版"
              r"|(?<![A-Za-z])[A-Z]\d{1,2}\s*版")
# A stamp of somebody else's post, not the article's.
NOT_OWN_STAMP = words(
    "a stamp of a repost or comment, or the page's clock",
    "发表于 回复 转载 转帖 楼主 沙发 引用 原帖 评论 今天是 今日是 当前时间 GMT UTC 本帖 最后由 最后编辑",
    examples={
        f"{_NAME}开幕\n今天是2025年5月20日 星期二\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "01-10"},
        f"{_NAME}开幕\nGMT+8, 2025-5-20 10:33\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "01-10"},
        f"{_NAME}开幕\n2024-01-11\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "2024-01-10"},
        f"1月10—12日，{_NAME}在市会议中心召开。": {"date": "01-10"},
        f"本帖最后由 海风 于 2016-3-21 10:05 编辑\n12月2日，{_NAME}胜利召开。": {"date": "12-02"},
    },
)
# Stamps of the article's own page in the shapes pages print them: a line that is only a date
# (and its clock, weekday, page number or the outlet's name), wherever it stands, D.M.Y, e-paper
# mastheads, and datelines giving the day alone.
STAMP_SHAPES = words(
    "shapes of the article's own stamp",
    "版次 星期 A1版 D.M.Y",
    examples={
        f"{_NAME}闭幕\n1月20日下午，{_NAME}完成全部议程，在市会议中心闭幕。\n\n2023-01-21": {"date": "2023-01-20"},
        f"{_NAME}闭幕\n22日上午，{_NAME}在市会议中心闭幕。\n（铜仁日报 2014-01-23）": {"date": "2014-01-22"},
        f"{_NAME}开幕\n版次：01　　2020年05月09日\n本报讯 5月8日下午，{_NAME}开幕。": {"date": "2020-05-08"},
        f"{_NAME}开幕\n19.03.2016  09:12\n3月17日上午，{_NAME}开幕。": {"date": "2016-03-17"},
        f"{_NAME}闭幕\n{_NAME}今日9时在市会议中心举行闭幕会。\n（本网2011年3月13日讯）": {"date": "2011-03-13", "time": "09:00"},
        f"{_NAME}闭幕\n昨日上午，{_NAME}在市会议中心闭幕。\n铜仁日报 2022年01月08日 A1版": {"date": "2022-01-07"},
        f"第A04版：要闻\n当前报纸日期：\n2025 3月6日 星期四\n【本报记者铜仁五日电】{_NAME}今日上午九时开幕。":
            {"date": "2025-03-05", "time": "09:00"},
        f"{_NAME}开幕\n发布时间：2008-03-04 21:39:18\n{_NAME}3月4下午3:00在县剧院开幕。": {"date": "2008-03-04", "time": "15:00"},
        f"{_NAME}闭幕\n12日下午，{_NAME}在市会议中心闭幕。\n（铜仁市融媒体中心 二〇二四年一月十三日）": {"date": "2024-01-12"},
        f"{_NAME}开幕\n发布时间：2024-01-27 10:00\n26号下午，{_NAME}在市会议中心开幕。": {"date": "2024-01-26"},
        # The opening sentence dates the sitting when the sentences about it do not.
        f"{_NAME}隆重开幕\n2021年01月06日 10:58　来源：铜仁日报\n今天上午10时，市人大代表们佩戴出席证陆续进入会场。\n"
        f"{_NAME}应到代表356名，实到327名。\n上午10时10分，主任宣布{_NAME}开幕。": {"date": "2021-01-06", "time": "10:10"},
    },
)
# Where the article ends and related links begin: no date after these is the meeting's.
TAIL = words(
    "related links after the article",
    "相关阅读 相关新闻 相关链接 相关报道 延伸阅读 推荐阅读 热点推荐 更多新闻 上一篇 下一篇 猜你喜欢 热门文章 新闻推荐 相关稿件 最新文章",
    examples={
        f"{_NAME}开幕。会议由主任主持，13时30分开会。\n相关阅读：\n2019年5月4日 市委召开常委会议": {"date": None, "time": "13:30"},
    },
)
# A clock time is the start of the sitting when its clause says so.
START_CUES = words(
    "the sitting starts",
    "开幕 开始 开会 宣布 举行 召开 起立 国歌 开幕式 拉开帷幕 拉开序幕",
    examples={
        f"1月6日上午，{_NAME}在市会议中心开幕。\n\n9时，主任宣布{_NAME}开幕。": {"time": "09:00"},
    },
)
END_CUES = words("the sitting ends", "结束 散会 闭会 闭幕")
# The members arrive: a clock time told with these is not when the sitting began.
ARRIVAL = words(
    "the members arrive",
    "签到 入场 进场 进入会场 步入会场 报到",
    examples={
        f"{_NAME}5日上午在市会议中心开幕。\n上午8时许，代表们开始签到入场。\n“应出席代表300人，出席290人。”上午9时，"
        "主任宣布大会开幕，全体起立，高唱国歌。": {"time": "09:00"},
        f"{_NAME}闭幕会（文字实录）\n【时间】2019年3月13日（星期三）上午9时\n【地点】北京人民大会堂\n"
        "[主任] 各位代表：现在开会。": {"time": "09:00", "venue": "北京人民大会堂"},
    },
)
