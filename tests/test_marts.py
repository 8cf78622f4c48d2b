"""Each mart on known inputs: composed reports through the real extractor, loader and
reconciliation, then the views read back and compared with figures worked out by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.meeting_reports import T0, closing, load, opening, repost
from warehouse.store import Warehouse

CITY = ("晋中市第五届人民代表大会第三次会议于2023年1月5日上午9时在市会议中心开幕。会议应到代表300名，实到代表280名，"
        "缺席20名，符合法定人数。会议由赵强主持。市长钱进代表市人民政府作政府工作报告。"
        "报告提出，今年重点抓好三方面工作：一是扩大有效投资；二是深化改革开放；三是保障改善民生。")
COMMITTEE = ("平遥县第十七届人民代表大会常务委员会第二十次会议于2025年6月20日上午在县人大常委会会议室召开。"
             "会议应到常委会委员25人，实到{present}人，符合法定人数。会议由吴刚主持。")


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    """Two runs: session 5 of one county congress (opening reported by two sites that disagree,
    closing reposted), session 4, a standing committee below quorum and a city congress."""
    path = tmp_path_factory.mktemp("marts") / "wh.duckdb"
    with Warehouse(path) as w:
        load(w, {"s5_open.txt": opening(), "s5_close.txt": closing(), "s4_open.txt": opening(
                     session="第四次", date="2024年1月10日", present=200, absent=5)},
             run_id="run-1", at=T0)
        load(w, {"s5_close_repost.txt": repost(closing()), "city.txt": CITY,
                 "committee.txt": COMMITTEE.format(present=12),
                 "s5_other_site.txt": "另据报道，" + opening(present=196, absent=9)},
             run_id="run-2", at=datetime(2025, 3, 2, 22, 0),
             quarantine=[{"file_path": "committee.txt", "sha256": "x", "rule": "quorum_majority", "message": "m"},
                         {"file_path": "committee.txt", "sha256": "x", "rule": "quorum_claim_consistent",
                          "message": "m"},
                         {"file_path": "s5_other_site.txt", "sha256": "y", "rule": "present_plus_absent_eq_required",
                          "message": "m"}])
    return path


def _q(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_attendance_by_meeting_rate_and_quorum_margin(wh: Path) -> None:
    rows = _q(wh, "select meeting_name, event, scope, required, present, absent, attendance_rate, quorum_needed, "
                  "quorum_margin, quorum_met, reports from mart_attendance_by_meeting order by meeting_name, event")
    s5 = "平遥县第十七届人民代表大会第五次会议"
    present, absent = _s5_opening(wh)
    assert rows == [
        ("平遥县第十七届人民代表大会常务委员会第二十次会议", "other", "standing_committee_members", 25, 12, None,
         0.48, 13, -1, False, 1),  # more than half of 25 is 13
        # The two sites disagree (195 vs 196): the leading original speaks, both are counted.
        (s5, "开幕", "deputies", 205, present, absent, round(present / 205, 4), 137, present - 137, True, 2),
        (s5, "闭幕", "deputies", 205, 190, 15, 0.9268, 137, 53, True, 2),  # closing + its repost
        ("平遥县第十七届人民代表大会第四次会议", "开幕", "deputies", 205, 200, 5, 0.9756, 137, 63, True, 1),
        ("晋中市第五届人民代表大会第三次会议", "开幕", "deputies", 300, 280, 20, 0.9333, 200, 80, True, 1),
    ]


def _s5_opening(wh: Path) -> tuple[int, int]:
    """Counts of the report that leads the session-5 opening (the other is its near-copy)."""
    (got,) = _q(wh, "select a.present, a.absent from meeting_reports mr join attendance a using (report_id) "
                    "join meetings m using (meeting_id) where m.session = 5 and mr.event = '开幕' "
                    "and mr.duplicate_of is null")
    assert got in ((195, 10), (196, 9))
    return got


def test_attendance_trends_by_region_level_and_year(wh: Path) -> None:
    rows = _q(wh, "select region, level, year, meetings, sittings, required, present, attendance_rate, "
                  "min_quorum_margin, sittings_below_quorum from mart_attendance_trends")
    present = _s5_opening(wh)[0]  # 2025: session-5 opening + 190 (closing) + 12 (committee)
    assert rows == [
        ("山西省", "city", 2023, 1, 1, 300, 280, 0.9333, 80, 0),
        ("山西省", "county", 2024, 1, 1, 205, 200, 0.9756, 63, 0),
        ("山西省", "county", 2025, 2, 3, 435, 202 + present, round((202 + present) / 435, 4), -1, 1),
    ]


def test_people_roles_count_meetings_not_reports(wh: Path) -> None:
    roles = {(n, r): (m, rep, first, last) for n, r, m, rep, _, first, last in
             _q(wh, "select name, role, meetings, reports, regions, first_year, last_year from mart_people_roles")}
    # 吴刚 presides both openings and the committee; the opening of session 5 has two reports.
    assert roles[("吴刚", "主持人")] == (3, 4, 2024, 2025)
    assert roles[("周红", "主持人")] == (1, 2, 2025, 2025)  # the closing and its repost
    assert roles[("周红", "执行主席")] == (2, 5, 2024, 2025)
    assert roles[("钱进", "政府工作报告人")] == (1, 1, 2023, 2023)
    where = _q(wh, "select meeting_name, events from mart_people_appearances where name = '周红' and role = '主持人'")
    assert where == [("平遥县第十七届人民代表大会第五次会议", ["闭幕"])]


def test_agenda_and_key_tasks(wh: Path) -> None:
    agenda = _q(wh, "select meeting_name, item, ordinal, reports from mart_agenda order by meeting_name, ordinal")
    assert ("晋中市第五届人民代表大会第三次会议", "政府工作报告", 1, 1) in agenda
    # Both openings, the closing's resolution and its repost.
    assert ("平遥县第十七届人民代表大会第五次会议", "政府工作报告", 1, 4) in agenda
    tasks = _q(wh, "select meeting_name, announced_tasks, ordinal, task from mart_key_tasks")
    assert tasks == [("晋中市第五届人民代表大会第三次会议", 3, 1, "扩大有效投资"),
                     ("晋中市第五届人民代表大会第三次会议", 3, 2, "深化改革开放"),
                     ("晋中市第五届人民代表大会第三次会议", 3, 3, "保障改善民生")]


def test_keyword_trends_count_a_reposted_text_once(wh: Path) -> None:
    expected = _q(wh, """
        select coalesce(mr.year, m.year), m.level, k.term, count(*) from keywords k
        join meeting_reports mr using (report_id) join meetings m using (meeting_id)
        where mr.duplicate_of is null group by all""")
    got = _q(wh, "select year, level, term, reports from mart_keyword_trends")
    assert sorted(got) == sorted(expected) and got
    reposts = _q(wh, "select count(*) from meeting_reports where duplicate_of is not null")[0][0]
    assert reposts >= 1
    all_reports = _q(wh, "select count(*) from keywords k join meeting_reports using (report_id)")[0][0]
    assert sum(r[3] for r in got) < all_reports  # the repost's keywords are not counted again
    ranks = _q(wh, "select year, level, list(rank order by rank) = range(1, count(*) + 1) from mart_keyword_trends "
                   "group by all")
    assert all(r[2] for r in ranks)
    # Every (year, level) whose reports have keywords (the purely procedural ones have none).
    assert {(y, lv) for y, lv, _ in ranks} == {(r[0], r[1]) for r in expected} >= {(2023, "city"), (2025, "county")}


def test_quality_by_rule_and_by_run(wh: Path) -> None:
    by_rule = _q(wh, "select source, rule, violations, files, meetings from mart_quality_by_rule")
    conflicts = _q(wh, "select field, count(*) from conflicts group by field order by field")
    assert conflicts == [("absent", 1), ("present", 1)]
    assert by_rule == [("conflict", "conflict_absent", 1, None, 1), ("conflict", "conflict_present", 1, None, 1),
                       ("quarantine", "present_plus_absent_eq_required", 1, 1, None),
                       ("quarantine", "quorum_claim_consistent", 1, 1, None),
                       ("quarantine", "quorum_majority", 1, 1, None)]
    by_run = _q(wh, "select run_id, files_loaded, rule, violations from mart_quality_by_run")
    assert by_run == [("run-1", 3, None, 0), ("run-2", 4, "present_plus_absent_eq_required", 1),
                      ("run-2", 4, "quorum_claim_consistent", 1), ("run-2", 4, "quorum_majority", 1)]


def test_marts_read_from_the_published_snapshot(wh: Path, tmp_path: Path) -> None:
    with Warehouse(wh) as w:
        w.export_lake(tmp_path / "lake")
        snap = w.publish_snapshot(tmp_path / "serve" / "warehouse.duckdb", tmp_path / "lake")
    for view in ("mart_attendance_by_meeting", "mart_attendance_trends", "mart_people_roles", "mart_agenda",
                 "mart_key_tasks", "mart_keyword_trends", "mart_quality_by_rule", "mart_quality_by_run"):
        assert _q(snap, f"select * from {view} order by all") == _q(wh, f"select * from {view} order by all"), view
    # Report tables show their lake partition as `lake_year` (a filter on it prunes files): the
    # meeting year, else the year of the run that loaded the report.
    assert _q(snap, "select count(*) from reports as r left join runs as u on u.run_id = r.loaded_run_id "
                    "where lake_year is distinct from coalesce(meeting_year, year(u.started_at))") == [(0,)]
    assert _q(snap, "select * exclude (lake_year) from reports order by all") == _q(
        wh, "select * from reports order by all")
