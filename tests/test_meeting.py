"""meeting.extract on composed reports whose wording is not in the dev corpus."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import meeting
from transforms.document import Document
from transforms.facts import ReportFacts
from transforms.text import TextView


def run(text: str) -> dict:
    doc = Document.from_text(text)
    got = meeting.extract(TextView.of(doc), ReportFacts())
    for name, fact in got.items():
        if hasattr(fact, "snippet"):
            assert doc.text[fact.start:fact.end] == fact.snippet
    return {k: getattr(v, "value", v) for k, v in got.items()}


CASES = [
    # township (乡), closing, venue from 在X胜利闭幕
    ("12月30日下午，平川乡第十一届人民代表大会第二次会议在乡政府大会议室胜利闭幕。会议应到代表52人，实到49人。",
     dict(meeting_name="平川乡第十一届人民代表大会第二次会议", region="平川乡", level="township", body="人大",
          term=11, session=2, event="闭幕", venue="乡政府大会议室")),
    # 苏木 township qualified by its banner
    ("阿巴嘎旗那仁宝拉格苏木第六届人民代表大会第三次会议于1月5日在苏木会议室召开。",
     dict(region="阿巴嘎旗那仁宝拉格苏木", level="township", term=6, session=3, event="other", venue="苏木会议室")),
    # autonomous prefecture, Arabic numerals, opening
    ("恩施土家族苗族自治州第9届人民代表大会第4次会议今天上午在州民族文化中心隆重开幕。",
     dict(meeting_name="恩施土家族苗族自治州第9届人民代表大会第4次会议", region="恩施土家族苗族自治州",
          level="city", term=9, session=4, event="开幕", venue="州民族文化中心")),
    # national standing committee
    ("第十四届全国人民代表大会常务委员会第七次会议12月25日上午在北京人民大会堂举行第一次全体会议。",
     dict(meeting_name="第十四届全国人民代表大会常务委员会第七次会议", region="全国", level="national",
          body="人大常委会", term=14, session=7, event="全体会议", venue="北京人民大会堂")),
    # 政协 with 政协 prefix, province-level municipality
    ("政协上海市第十四届委员会第二次会议1月21日下午在上海展览中心开幕。",
     dict(region="上海市", level="province", body="政协", term=14, session=2, event="开幕", venue="上海展览中心")),
    # CPPCC standing committee, county-level city
    ("中国人民政治协商会议高平市第十届委员会常务委员会第十二次会议日前召开。",
     dict(meeting_name="中国人民政治协商会议高平市第十届委员会常务委员会第十二次会议", region="高平市",
          level="county", body="政协常委会", term=10, session=12, event="other")),
    # preparatory meeting; abbreviation in the title, formal name in the body
    ("县十九届人大一次会议举行预备会议\n1月9日，会昌县第十九届人民代表大会第一次会议在县会议中心举行预备会议。",
     dict(meeting_name="会昌县第十九届人民代表大会第一次会议", level="county", term=19, session=1,
          event="预备会议", venue="县会议中心")),
    # abbreviation only
    ("市五届人大四次会议闭会\n本报讯 市五届人大四次会议今天完成各项议程后闭会。",
     dict(meeting_name="市五届人大四次会议", level="city", body="人大", term=5, session=4, event="闭幕")),
    # presidium meeting is a sub-meeting of the session: event other, parent's term/session
    ("河南省第十四届人民代表大会第二次会议主席团举行第三次会议，会议由主席团常务主席主持。",
     dict(region="河南省", level="province", term=14, session=2, event="other")),
    # 政协XX市委员会第N届… word order; Arabic and Chinese numerals mixed
    ("政协北京市委员会第十四届第二次会议在北京会议中心开幕。",
     dict(region="北京市", level="province", body="政协", term=14, session=2, event="开幕", venue="北京会议中心")),
    # national CPPCC standing committee
    ("中国人民政治协商会议第十四届全国委员会常务委员会第五次会议1月18日在京开幕。",
     dict(region="全国", level="national", body="政协常委会", term=14, session=5, event="开幕")),
    # national CPPCC abbreviation only
    ("全国政协十四届二次会议3月4日下午在人民大会堂闭幕。",
     dict(meeting_name="全国政协十四届二次会议", region="全国", level="national", body="政协", term=14,
          session=2, event="闭幕", venue="人民大会堂")),
    # venue from 会场设在 / X内气氛
    ("西湖区第十五届人民代表大会第三次会议开幕。区行政中心报告厅内气氛热烈。",
     dict(venue="区行政中心报告厅", event="开幕")),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_composed_reports(text: str, expected: dict) -> None:
    got = run(text)
    assert got["is_meeting_report"] is True
    for key, value in expected.items():
        assert got.get(key) == value, (key, got)


def test_bare_district_name_is_flagged_ambiguous() -> None:
    got = run("鼓楼区第十八届人民代表大会第四次会议在区会议中心开幕。")
    assert got["region"] == "鼓楼区" and got["level"] == "county"
    assert got["region_ambiguous"] is True and "adcode" not in got and "city" not in got
    got = run("南京市鼓楼区第十八届人民代表大会第四次会议在区会议中心开幕。")
    assert got["region_ambiguous"] is False and got["adcode"] == "320106"


def test_traditional_script() -> None:
    got = run("中國人民政治協商會議廈門市第十四屆委員會第三次會議今天上午在廈門會堂閉幕。")
    assert got["meeting_name"] == "中国人民政治协商会议厦门市第十四届委员会第三次会议"
    assert (got["event"], got["venue"], got["level"]) == ("闭幕", "厦门会堂", "city")


def test_longest_formal_form_wins() -> None:
    got = run("政协岳阳市第九届委员会第一次会议开幕\n1月8日，中国人民政治协商会议岳阳市第九届委员会第一次会议在岳阳市会议中心开幕。")
    assert got["meeting_name"] == "中国人民政治协商会议岳阳市第九届委员会第一次会议"


@pytest.mark.parametrize(
    "text",
    [
        "婺源油菜花节开幕 县人大常委会副主任出席开幕式。游客接待量创新高。",
        "市民文化节在市会议中心开幕，市人大常委会领导出席。",
        "全县各级各部门认真学习贯彻县十七届人大三次会议精神。",
        "明日天气晴，气温8到21摄氏度。",
        "市七届人大五次会议将于1月20日召开，现将有关事项通知如下。",
    ],
)
def test_not_meeting_reports(text: str) -> None:
    got = run(text)
    assert got["is_meeting_report"] is False
    assert set(got) == {"is_meeting_report"}


@settings(max_examples=25, deadline=None)
@given(
    region=st.sampled_from(["长沙市岳麓区", "延边朝鲜族自治州", "吴忠市", "海淀区", "桃源县", "青海省", "柳林镇"]),
    term=st.integers(1, 20),
    session=st.integers(1, 40),
    verb=st.sampled_from(["隆重开幕", "胜利闭幕", "召开", "举行预备会议"]),
    noise=st.sampled_from(["", "本报讯 ", "（记者 王某）", "2月3日上午，"]),
)
def test_property_spans_hold_their_values(region, term, session, verb, noise) -> None:
    from transforms.numbers import parse_int  # noqa: F401  (numerals are written in Arabic here)

    text = f"{noise}{region}第{term}届人民代表大会第{session}次会议在会议中心{verb}。"
    doc = Document.from_text(text)
    got = meeting.extract(TextView.of(doc), ReportFacts())
    assert got["is_meeting_report"].value is True
    assert got["meeting_name"].value == f"{region}第{term}届人民代表大会第{session}次会议"
    assert got["region"].value == region and got["region"].snippet == region
    assert got["term"].value == term and str(term) in got["term"].snippet
    assert got["session"].value == session and str(session) in got["session"].snippet
    assert got["event"].value in got["event"].snippet or got["event"].value == "other"


def test_corpus_fields(corpus_dir) -> None:
    from transforms.decode import decode

    fields = ("is_meeting_report", "meeting_name", "region", "level", "body", "term", "session", "event", "venue")
    wrong = []
    for line in (corpus_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        doc = decode((corpus_dir / gold["file"]).read_bytes(), gold["file"])
        if not doc.clean.strip():
            continue
        got = meeting.extract(TextView.of(doc), ReportFacts())
        for name in fields:
            value = got[name].value if name in got else None
            if gold["is_meeting_report"] is False and name != "is_meeting_report":
                continue
            if value != gold[name]:
                wrong.append((gold["file"], name, value, gold[name]))
    assert not wrong, wrong
