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
STAMP_CUES = r"发布|来源|时间|日期|作者|编辑|浏览|点击|稿源|出处|更新|第\s*[\d一二三四五六七八九十]{1,3}\s*版"
# A stamp of somebody else's post, not the article's.
NOT_OWN_STAMP = words(
    "a stamp of a repost or comment, or the page's clock",
    "发表于 回复 转载 转帖 楼主 沙发 引用 原帖 评论 今天是 今日是 当前时间 GMT UTC",
    examples={
        f"{_NAME}开幕\n今天是2025年5月20日 星期二\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "01-10"},
        f"{_NAME}开幕\nGMT+8, 2025-5-20 10:33\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "01-10"},
        f"{_NAME}开幕\n2024-01-11\n1月10日上午，{_NAME}在市会议中心开幕。": {"date": "2024-01-10"},
        f"1月10—12日，{_NAME}在市会议中心召开。": {"date": "01-10"},
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
