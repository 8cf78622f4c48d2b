"""A random warehouse that changes night by night, written straight into the tables the
dashboard reads (a real warehouse file: schema and views from warehouse/, rows by SQL).

Each night adds meetings (in new and in past years), adds reports to existing meetings (their
counts, validity, chairs and conflicts change), deletes meetings, moves one to another year,
renames one, and adds quarantine records of files that belong to no meeting — the changes a
nightly run makes to the meeting tables, including the ones that make an incremental dashboard
recompute a list (an item that leaves or gets worse, a person whose count falls). A small pool
of names and provinces makes people and cells collide, so counts and top lists tie and overflow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from warehouse.store import Warehouse

PROVINCES = ["山西省", "河北省", "四川省", "新疆维吾尔自治区", None]
LEVELS = ["province", "city", "county", "national", None]
BODIES = ["人大", "政协", "人大常委会"]
EVENTS = ["开幕", "闭幕", None]
NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨军", "赵强", "黄磊"]
RULES = ["present_le_required", "present_plus_absent_eq_required"]
TASKS = ["推进乡村振兴", "加强生态环境保护", "发展数字经济", "完善社会保障", "深化改革开放", "其他工作"]


@dataclass
class Report:
    report_id: str
    event: str | None
    required: int | None
    present: int | None
    valid: bool
    chairs: list[str]
    presider: str | None
    duplicate_of: str | None = None
    tasks: list[str] = field(default_factory=list)


@dataclass
class Meeting:
    meeting_id: str
    year: int | None
    level: str | None
    province: str | None
    body: str
    name: str
    day: int
    reports: list[Report] = field(default_factory=list)
    conflict: bool = False
    check: bool = False


class World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.meetings: dict[str, Meeting] = {}
        self.loose: list[dict[str, Any]] = []
        self.orphans: list[tuple[Meeting, Report]] = []  # reports of meetings that went: still loaded
        self.runs: list[str] = []
        self.n = 0

    def _id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n:05d}"

    def _report(self, event: str | None) -> Report:
        r = self.rng
        required = r.choice([None, 100, 205, 60])
        present = None if required is None else r.randint(required // 3, required + 10)
        valid = present is None or present <= required
        return Report(self._id("r"), event, required, present, valid, r.sample(NAMES, r.randint(0, 3)),
                      r.choice(NAMES + [None]), tasks=r.sample(TASKS, r.randint(0, 2)))

    def add_meeting(self, year: int | None) -> None:
        r = self.rng
        m = Meeting(self._id("m"), year, r.choice(LEVELS), r.choice(PROVINCES), r.choice(BODIES),
                    f"第{self.n}次会议", r.randint(1, 360))
        for _ in range(r.randint(1, 3)):
            m.reports.append(self._report(r.choice(EVENTS)))
        if len(m.reports) > 1 and r.random() < 0.3:
            m.reports[-1].duplicate_of = m.reports[0].report_id
        m.conflict = len(m.reports) > 1 and r.random() < 0.4
        m.check = r.random() < 0.15
        self.meetings[m.meeting_id] = m

    def night(self, first: bool = False) -> None:
        """One night's changes (the first night only adds)."""
        r = self.rng
        years = [2019, 2020, 2021, 2022, None]
        for _ in range(r.randint(8, 14) if first else r.randint(2, 5)):
            self.add_meeting(r.choice(years))
        if not first:
            ids = sorted(self.meetings)
            for mid in r.sample(ids, min(3, len(ids))):  # a new report for an existing meeting
                self.meetings[mid].reports.append(self._report(r.choice(EVENTS)))
                self.meetings[mid].conflict = r.random() < 0.5
            for mid in r.sample(sorted(self.meetings), 1):  # a meeting goes; its reports stay loaded
                gone = self.meetings.pop(mid)
                self.orphans += [(gone, rep) for rep in gone.reports]
            moved = self.meetings[r.choice(sorted(self.meetings))]
            moved.year = r.choice(years)  # its year inferred differently now
            self.meetings[r.choice(sorted(self.meetings))].name += "（续）"
        for _ in range(r.randint(0, 2)):
            self.loose.append({"file_path": self._id("bad") + ".txt", "rule": r.choice(["unreadable", "not_a_report"]),
                               "year": r.choice([2020, None])})
        self.runs.append(self._id("run"))

    # ------------------------------------------------------------------ into the warehouse

    def write(self, path: Path) -> None:
        """Replace the warehouse's rows with the world as it is tonight."""
        with Warehouse(path):
            pass  # schema and views
        con = duckdb.connect(str(path))
        try:
            for table in ("meetings", "meeting_reports", "conflicts", "meeting_checks", "reports", "attendance",
                          "people", "work_report_items", "fact_spans", "report_texts", "quarantine", "runs"):
                con.execute(f"delete from {table}")
            t0 = datetime(2025, 1, 1)
            for i, run in enumerate(self.runs):
                con.execute("insert into runs (run_id, started_at, status, files_seen, files_new, files_loaded, "
                            "files_quarantined) values (?, ?, 'ok', 1, 1, 1, 0)", [run, t0 + timedelta(days=i)])
            for m in self.meetings.values():
                self._write_meeting(con, m)
            for m, rep in self.orphans:  # placed by their own fields now (their quarantine too)
                con.execute("insert into reports (report_id, file_path, sha256, is_meeting_report, meeting_year, level, "
                            "province, body, event, valid) values (?, ?, ?, true, ?, ?, ?, ?, ?, ?)",
                            [rep.report_id, rep.report_id + ".txt", rep.report_id, m.year, m.level, m.province, m.body,
                             rep.event, rep.valid])
                if not rep.valid:
                    con.execute("insert into quarantine (file_path, report_id, rule, message, run_id) "
                                "values (?, ?, ?, ?, ?)", [rep.report_id + ".txt", rep.report_id, RULES[0],
                                                           "present > required", self.runs[0]])
            for q in self.loose:
                rid = None
                if q["year"] is not None:  # a report that is no meeting report
                    rid = "x" + q["file_path"]
                    con.execute("insert into reports (report_id, file_path, sha256, is_meeting_report, meeting_year, "
                                "level, body, valid) values (?, ?, ?, false, ?, 'county', '人大', false)",
                                [rid, q["file_path"], rid, q["year"]])
                con.execute("insert into quarantine (file_path, report_id, rule, message, run_id) values (?, ?, ?, ?, ?)",
                            [q["file_path"], rid, q["rule"], "bad file", self.runs[0]])
        finally:
            con.close()

    def _write_meeting(self, con: duckdb.DuckDBPyConnection, m: Meeting) -> None:
        date = None if m.year is None else f"{m.year}-{1 + m.day // 31:02d}-{1 + m.day % 28:02d}"
        events = sorted({r.event or "other" for r in m.reports})
        con.execute(
            "insert into meetings (meeting_id, meeting_key, region, province, level, body, meeting_name, year, "
            "started_on, events, reports, distinct_reports, conflicts) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [m.meeting_id, m.meeting_id, (m.province or "某") + "某县", m.province, m.level, m.body, m.name, m.year,
             date, ",".join(events), len(m.reports), sum(r.duplicate_of is None for r in m.reports), int(m.conflict)])
        for r in m.reports:
            text = (f"{m.name}。应到{r.required}名，实到{r.present}名。" + "".join(f"执行主席{c}。" for c in r.chairs)
                    + (f"会议由{r.presider}主持。" if r.presider else ""))
            con.execute("insert into reports (report_id, file_path, sha256, is_meeting_report, meeting_name, level, body, "
                        "event, meeting_date, meeting_year, province, valid, key_tasks) "
                        "values (?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [r.report_id, r.report_id + ".txt", r.report_id, m.name, m.level, m.body, r.event, date, m.year,
                         m.province, r.valid, len(r.tasks)])
            con.execute("insert into meeting_reports (report_id, meeting_id, event, event_date, year, duplicate_of) "
                        "values (?, ?, ?, ?, ?, ?)", [r.report_id, m.meeting_id, r.event, date, m.year, r.duplicate_of])
            con.execute("insert into report_texts (report_id, text) values (?, ?)", [r.report_id, text])
            if r.required is not None:
                con.execute("insert into attendance values (?, 'deputies', ?, ?, ?)",
                            [r.report_id, r.required, r.present, r.required - r.present])
                start = text.index("实到")
                con.execute("insert into fact_spans values (?, 'present', ?, ?, ?, ?)",
                            [r.report_id, str(r.present), start, start + 2 + len(str(r.present)) + 1, text[start:start + 8]])
            for i, c in enumerate(r.chairs):
                con.execute("insert into people values (?, ?, '执行主席', ?)", [r.report_id, c, i + 1])
            if r.presider:
                con.execute("insert into people values (?, ?, '主持人', 1)", [r.report_id, r.presider])
            for i, t in enumerate(r.tasks):
                con.execute("insert into work_report_items values (?, 'key_task', ?, ?)", [r.report_id, i + 1, t])
            if not r.valid:
                con.execute("insert into quarantine (file_path, report_id, rule, message, run_id) values (?, ?, ?, ?, ?)",
                            [r.report_id + ".txt", r.report_id, RULES[0], "present > required", self.runs[0]])
        if m.conflict:
            a, b = m.reports[0], m.reports[-1]
            con.execute("insert into conflicts (meeting_id, event, field, report_id_a, value_a, snippet_a, report_id_b, "
                        "value_b, snippet_b) values (?, ?, 'present', ?, ?, '实到', ?, ?, '实到')",
                        [m.meeting_id, a.event or "other", a.report_id, str(a.present), b.report_id, str(b.present)])
        if m.check:
            con.execute("insert into meeting_checks (rule, meeting_id, message) values ('session_order', ?, ?)",
                        [m.meeting_id, f"{m.name} out of order"])
