"""transforms/rows.py: ReportFacts → staging rows (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.document import Document
from transforms.facts import Fact, KeyTask, Keyword, Person, ReportFacts, Violation
from transforms.rows import (
    ROLE_CHAIR,
    ROLE_PRESIDER,
    ROLE_WORK_REPORT,
    TABLES,
    meeting_year,
    report_rows,
)

TEXT = (
    "新闻标题\n"
    "临河县第九届人民代表大会第四次会议于2023年2月8日上午9时在县会堂隆重开幕。"
    "会议应到代表二百零五名，因事因病请假十名，实到代表一百九十五名，符合法定人数。"
    "大会执行主席：周红、吴刚、郑丽。会议由吴刚主持。县长孙海作政府工作报告，"
    "报告共分三个部分。今年重点抓好两方面工作：一是稳增长，二是惠民生。"
    "会议还审查了县人民法院工作报告。"
)


def _at(doc: Document, value, evidence: str, nth: int = 0) -> Fact:
    start = -1
    for _ in range(nth + 1):
        start = doc.clean.index(evidence, start + 1)
    return doc.fact(value, start, start + len(evidence))


def build(text: str = TEXT) -> tuple[Document, ReportFacts]:
    doc = Document.from_text(text, encoding="utf-8", format="txt", title="新闻标题")
    f = ReportFacts(
        is_meeting_report=_at(doc, True, "隆重开幕"),
        meeting_name=_at(doc, "临河县第九届人民代表大会第四次会议", "临河县第九届人民代表大会第四次会议"),
        region=_at(doc, "临河县", "临河县"),
        level=_at(doc, "county", "临河县"),
        body=_at(doc, "人大", "人民代表大会"),
        term=_at(doc, 9, "第九届"),
        session=_at(doc, 4, "第四次会议"),
        event=_at(doc, "开幕", "开幕"),
        date=_at(doc, "2023-02-08", "2023年2月8日"),
        time=_at(doc, "09:00", "上午9时"),
        venue=_at(doc, "县会堂", "县会堂"),
        required=_at(doc, 205, "应到代表二百零五名"),
        present=_at(doc, 195, "实到代表一百九十五名"),
        absent=_at(doc, 10, "请假十名"),
        quorum_claimed=_at(doc, True, "符合法定人数"),
        attendance_scope=_at(doc, "deputies", "代表"),
        executive_chairs=[_at(doc, "周红", "周红"), _at(doc, "吴刚", "吴刚"), _at(doc, "郑丽", "郑丽")],
        presider=_at(doc, "吴刚", "吴刚", nth=1),
        work_report_by=_at(doc, "孙海", "孙海"),
        agenda_items=[_at(doc, "政府工作报告", "政府工作报告"), _at(doc, "人民法院工作报告", "人民法院工作报告")],
        key_tasks=_at(doc, 2, "两方面工作"),
        leaders=[_at(doc, Person("孙海", "县长"), "县长孙海")],
        report_parts=[_at(doc, "三个部分", "三个部分")],
        key_task_items=[_at(doc, KeyTask(1, "稳增长"), "一是稳增长"), _at(doc, KeyTask(2, "惠民生"), "二是惠民生")],
        keywords=[Keyword("惠民生", 0.4, 2, 5), Keyword("稳增长", 0.6, 3, 5), Keyword("惠民生", 0.4, 2, 5),
                  Keyword("无计数", 0.1)],
    )
    return doc, f


def rows_for(violations=()):
    doc, facts = build()
    return doc, facts, report_rows(report_id="abc123", file_path="in/a.txt", sha256="abc123ff",
                                   doc=doc, facts=facts, violations=list(violations))


def test_every_table_present_and_report_row():
    _, _, rows = rows_for()
    assert set(rows) == set(TABLES)
    (r,) = rows["reports"]
    assert r["report_id"] == "abc123" and r["file_path"] == "in/a.txt" and r["sha256"] == "abc123ff"
    assert r["meeting_date"] == "2023-02-08" and r["meeting_year"] == 2023 and r["meeting_time"] == "09:00"
    assert r["term"] == 9 and r["session"] == 4 and r["key_tasks"] == 2
    assert r["presider"] == "吴刚" and r["work_report_by"] == "孙海"
    assert r["title"] == "新闻标题" and r["encoding"] == "utf-8" and r["format"] == "txt"
    assert r["valid"] is True


def test_violations_make_report_invalid():
    _, _, rows = rows_for([Violation("present_le_required", "195 > 10", {"present": 195})])
    assert rows["reports"][0]["valid"] is False


def test_attendance_row():
    _, _, rows = rows_for()
    assert rows["attendance"] == [
        {"report_id": "abc123", "scope": "deputies", "required": 205, "present": 195, "absent": 10}
    ]


def test_no_counts_no_attendance_row():
    doc = Document.from_text("一则新闻。")
    rows = report_rows(report_id="x", file_path="x", sha256="x", doc=doc, facts=ReportFacts(), violations=[])
    assert rows["attendance"] == [] and rows["people"] == [] and rows["fact_spans"] == []
    assert rows["reports"][0]["meeting_year"] is None and rows["reports"][0]["valid"] is True


def test_people_roles_and_text_order():
    _, _, rows = rows_for()
    chairs = [(p["ordinal"], p["name"]) for p in rows["people"] if p["role"] == ROLE_CHAIR]
    assert chairs == [(1, "周红"), (2, "吴刚"), (3, "郑丽")]
    assert [p["name"] for p in rows["people"] if p["role"] == ROLE_PRESIDER] == ["吴刚"]
    assert [p["name"] for p in rows["people"] if p["role"] == ROLE_WORK_REPORT] == ["孙海"]
    assert [p["name"] for p in rows["people"] if p["role"] == "县长"] == ["孙海"]


def test_agenda_work_items_keywords():
    _, _, rows = rows_for()
    assert [(a["ordinal"], a["item"]) for a in rows["agenda_items"]] == [(1, "政府工作报告"), (2, "人民法院工作报告")]
    items = {(w["kind"], w["ordinal"], w["text"]) for w in rows["work_report_items"]}
    assert items == {("part", 1, "三个部分"), ("key_task", 1, "稳增长"), ("key_task", 2, "惠民生")}
    # Candidates with their counts, once per term; no weights or ranks (the `keywords` view makes them).
    assert [(k["term"], k["count"], k["tokens"]) for k in rows["keyword_candidates"]] == [("惠民生", 2, 5),
                                                                                         ("稳增长", 3, 5)]


def test_fact_spans_cover_every_fact_and_extras():
    doc, facts, rows = rows_for()
    spans = rows["fact_spans"]
    assert len(spans) == len(facts.facts()) + 1 + 1 + 2  # + leader, part, two key-task items
    fields = {s["field"] for s in spans}
    assert {"presider", "executive_chairs", "leaders", "report_parts", "key_task_items"} <= fields
    for s in spans:
        assert doc.text[s["start_offset"]:s["end_offset"]] == s["snippet"]
        assert isinstance(s["value"], str)
    quorum = next(s for s in spans if s["field"] == "quorum_claimed")
    assert quorum["value"] == "true" and quorum["snippet"] == "符合法定人数"


def test_meeting_year():
    assert meeting_year("2024-01-12") == 2024
    assert meeting_year("03-19") is None
    assert meeting_year(None) is None


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60), st.data())
def test_property_span_rows_slice_the_text(text, data):
    doc = Document.from_text(text)
    n = len(doc.clean)
    facts = ReportFacts()
    if n:
        a = data.draw(st.integers(0, n - 1))
        b = data.draw(st.integers(a + 1, n))
        facts.venue = doc.fact(doc.clean[a:b], a, b)
        facts.executive_chairs = [doc.fact("甲", a, b), doc.fact("乙", a, b)]
    rows = report_rows(report_id="r", file_path="p", sha256="s", doc=doc, facts=facts, violations=[])
    for s in rows["fact_spans"]:
        assert s["snippet"] == doc.text[s["start_offset"]:s["end_offset"]]
    assert [p["ordinal"] for p in rows["people"]] == list(range(1, len(rows["people"]) + 1))
