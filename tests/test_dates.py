"""dates.extract on composed reports: years from text / dateline / own stamp, relative days,
Chinese-numeral years, start times (end times ignored)."""

from __future__ import annotations

import json

import pytest

from transforms import dates
from transforms.document import Document
from transforms.facts import ReportFacts
from transforms.text import TextView


def run(text: str, **meta) -> dict:
    doc = Document.from_text(text, **meta)
    got = dates.extract(TextView.of(doc), ReportFacts())
    for fact in got.values():
        assert doc.text[fact.start:fact.end] == fact.snippet
    return {k: v.value for k, v in got.items()}


NAME = "铜仁市第八届人民代表大会第三次会议"

CASES = [
    (f"二〇二四年一月十二日上午，{NAME}在市会议中心开幕。上午9点半，大会开始。", {}, "2024-01-12", "09:30"),
    (f"{NAME}于2月3日上午8:30在市会议中心开幕。", {}, "02-03", "08:30"),
    (f"{NAME}开幕\n发布时间：2023-01-16 08:30\n15日上午，{NAME}在市会议中心开幕。上午九时，大会开始。",
     {}, "2023-01-15", "09:00"),
    (f"本报铜仁1月9日电 {NAME}今天下午在市会议中心闭幕。下午2点，闭幕大会开始。下午5时10分，大会在国歌声中闭幕。",
     {"published_at": "2021-01-10"}, "2021-01-09", "14:00"),
    (f"昨日，{NAME}在市会议中心召开。会议于上午10时正式开始。", {"published_at": "2022-03-01"}, "2022-02-28", "10:00"),
    (f"1月6日，{NAME}在市会议中心开幕。报告回顾了2023年工作，提出2024年工作安排。", {}, "01-06", None),
    # A meeting in late December reported in January: the year is the previous one.
    (f"12月29日，{NAME}闭幕。\n2020年01月02日 09:15 来源：铜仁日报", {}, "2019-12-29", None),
    # Related-link tails and other meetings never date the report.
    (f"{NAME}开幕。会议由主任主持，13时30分开会。\n相关阅读：\n2019年5月4日 市委召开常委会议", {}, None, "13:30"),
    (f"{NAME}在市会议中心开幕。会议确定，七届人大四次会议于2025年1月举行。", {}, None, None),
]


@pytest.mark.parametrize("text, meta, date, time", CASES, ids=[str(i) for i in range(len(CASES))])
def test_composed(text: str, meta: dict, date: str | None, time: str | None) -> None:
    got = run(text, **meta)
    assert got.get("date") == date, got
    assert got.get("time") == time, got


def test_no_meeting_no_dates() -> None:
    assert run("2024年3月16日上午，油菜花旅游节开幕。上午9时，游客入园。") == {}


def test_metadata_of_office_files_is_not_a_stamp() -> None:
    # Word/PDF creation dates are template dates, not the article's own stamp.
    got = run(f"3月2日上午，{NAME}开幕。", published_at="2013-12-23", format="docx")
    assert got["date"] == "03-02"
    got = run(f"3月2日上午，{NAME}开幕。", published_at="2013-03-03", format="html")
    assert got["date"] == "2013-03-02"


def test_corpus_dates(corpus_dir) -> None:
    from transforms.decode import decode
    from transforms.meeting import extract as meeting_extract

    wrong = []
    for line in (corpus_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if not gold["is_meeting_report"]:
            continue
        doc = decode((corpus_dir / gold["file"]).read_bytes(), gold["file"])
        facts = ReportFacts()
        view = TextView.of(doc)
        for k, v in meeting_extract(view, facts).items():
            setattr(facts, k, v)
        got = dates.extract(view, facts)
        for name in ("date", "time"):
            value = got[name].value if name in got else None
            if value != gold[name]:
                wrong.append((gold["file"], name, value, gold[name]))
    assert not wrong, wrong
