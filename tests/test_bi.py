"""The BI project (dashboards/bi/) built by a real DuckDB 1.x client — the pinned `duckdb` CLI,
a separate process and release — against the BI snapshot of the sample warehouse; the pages
must show the numbers that SQL on the warehouse's base tables gives independently."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from dashboards.bi.build import build

pytestmark = pytest.mark.slow


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page(path: Path) -> list[dict[str, str]]:
    parser = _Table()
    parser.feed(path.read_text(encoding="utf-8"))
    head, *rows = parser.rows
    return [dict(zip(head, r)) for r in rows]


def test_bi_pages_built_by_duckdb_1x_cli_show_the_warehouse_numbers(dashboard_sample, tmp_path: Path) -> None:
    start = time.perf_counter()
    pages = build(dashboard_sample["snapshot"], tmp_path / "bi")
    print(f"BI build: {len(pages)} pages in {time.perf_counter() - start:.2f} s")
    assert re.search(r"v1\.\d+\.\d+", (tmp_path / "bi" / "10_attendance.html").read_text(encoding="utf-8"))
    con = duckdb.connect(str(dashboard_sample["wh"]), read_only=True)

    attendance = {(r["level"], r["body"]): r for r in _page(tmp_path / "bi" / "10_attendance.html")}
    want = con.execute("""
        select m.level, m.body, count(*) as sittings,
               round(sum(a.present) filter (where r.valid) / sum(a.required) filter (where r.valid), 4) as rate
        from (select distinct meeting_id, coalesce(event, 'other') as event from meeting_reports) s
        join meetings m on m.meeting_id = s.meeting_id
        left join mart_attendance_by_meeting a on a.meeting_id = s.meeting_id and a.event = s.event
        left join reports r on r.report_id = a.report_id
        group by m.level, m.body""").fetchall()
    assert len(attendance) == len(want) > 3
    for level, body, sittings, rate in want:
        got = attendance[(level, body)]
        assert int(got["sittings"]) == sittings and float(got["attendance_rate"]) == pytest.approx(rate), (level, body)

    chairs = [(r["name"], int(r["meetings"])) for r in _page(tmp_path / "bi" / "30_chairs.html")]
    assert chairs == con.execute("""
        select p.name, count(distinct mr.meeting_id) n from people p join meeting_reports mr using (report_id)
        where p.role in ('执行主席', '主持人') group by p.name order by n desc, p.name limit 20""").fetchall()

    quality = {(r["source"], r["rule"]): int(r["violations"]) for r in _page(tmp_path / "bi" / "50_quality.html")}
    for rule, n in con.execute("select rule, count(*) from quarantine group by rule").fetchall():
        assert quality[("quarantine", rule)] == n
    assert sum(v for (s, _), v in quality.items() if s == "conflict") == con.execute(
        "select count(*) from conflicts").fetchall()[0][0]

    quorum = _page(tmp_path / "bi" / "20_quorum.html")
    assert sum(int(r["quorum_failures"]) for r in quorum) == con.execute(
        "select count(*) from mart_attendance_by_meeting where not quorum_met").fetchall()[0][0] >= 1
    con.close()
