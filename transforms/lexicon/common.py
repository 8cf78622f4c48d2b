"""Words more than one family reads: what is still to come. One list; a family that needs a wider
net adds its own words beside it (dates: days after today; the sitting: its preparations)."""

from __future__ import annotations

from transforms.lexicon import words

FUTURE = words(
    "the thing is still to come",
    "将于 将在 即将 拟于 定于 计划于 预计",
    examples={
        "市七届人大五次会议将于1月20日召开，现将有关事项通知如下。": {"is_meeting_report": False},
    },
)
FUTURE_DAYS = words(
    "a day after the article's",
    "明天 明日 次日 后天 届时",
    examples={
        "某县第九届人民代表大会第二次会议今天上午开幕。明天上午9时，大会举行第二次全体会议。": {"time": None},
    },
)
