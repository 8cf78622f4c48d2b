"""Write the dashboard: read the warehouse read-only, render (dashboards.render), write
one HTML file. Prefers the published snapshot, so a dashboard never holds the writer's lock.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import duckdb

from dashboards.render import bar_chart, line_chart, render_dashboard, segments
from warehouse.sqlfiles import named_statements

# What one page carries; the warehouse holds the rest (BI tools read it all).
MAX_MEETINGS = 200
MAX_ROWS = 60
FIELD_LABELS = {
    "meeting_name": "会议名称", "date": "日期", "time": "时间", "venue": "地点", "required": "应到",
    "present": "实到", "absent": "缺席", "presider": "主持", "executive_chairs": "执行主席",
    "work_report_by": "政府工作报告",
}
LINKED_FIELDS = ("meeting_name", "date", "required", "present", "presider")


def dashboard_dir_for(warehouse: Path | str) -> Path:
    """Where a run writes its dashboard: next to the warehouse (data/dashboard by default)."""
    return Path(warehouse).parent / "dashboard"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None) -> list[dict]:
    cur = con.execute(sql, dict(params or {}))
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def load_dashboard_data(db: Path | str, *, max_meetings: int = MAX_MEETINGS, max_rows: int = MAX_ROWS,
                        links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything the page shows, read from `db` (opened read-only)."""
    q = named_statements("queries/dashboard.sql")
    con = duckdb.connect(str(db), read_only=True)
    try:
        lim = {"limit": max_rows}
        meetings = _rows(con, q["meetings"], {"limit": max_meetings})
        ids = [m["meeting_id"] for m in meetings]
        members = _rows(con, q["meeting_reports"], {"ids": ids})
        report_ids = sorted({r["report_id"] for r in members})
        conflicts = _rows(con, q["conflicts"], lim)
        data = {
            "totals": _rows(con, q["totals"])[0],
            "attendance": _rows(con, q["attendance"], lim),
            "trends": _rows(con, q["trends"]),
            "people": _rows(con, q["people"], {"limit": 20}),
            "agenda": _rows(con, q["agenda"], {"limit": 15}),
            "key_tasks": _rows(con, q["key_tasks"], lim),
            "keywords": _rows(con, q["keywords"], {"limit": 20}),
            "keyword_years": _rows(con, q["keyword_years"]),
            "quality_rules": _rows(con, q["quality_rules"]),
            "runs": _rows(con, q["runs"], {"limit": 20}),
            "checks": _rows(con, q["checks"], lim),
            "conflicts": conflicts,
        }
        spans = _rows(con, q["spans"], {"ids": report_ids})
        texts = {r["report_id"]: r["text"] for r in _rows(con, q["texts"], {"ids": report_ids})}
    finally:
        con.close()
    data.update(_meetings_and_sources(meetings, members, spans, texts, conflicts))
    data["charts"] = _charts(data)
    data["links"] = dict(links or {})
    data["source"] = str(db)
    data["generated_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return data


def _meetings_and_sources(meetings: list[dict], members: list[dict], spans: list[dict],
                          texts: Mapping[str, str], conflicts: list[dict]) -> dict[str, Any]:
    """Meetings with their reports and span links; report texts cut into highlightable segments."""
    per_report: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    ids: dict[tuple[str, int, int], str] = {}

    def span_id(report_id: str, start: int | None, end: int | None) -> str | None:
        if start is None or end is None or report_id not in texts:
            return None
        key = (report_id, start, end)
        if key not in ids:
            ids[key] = f"s-{report_id}-{len(per_report[report_id])}"
            per_report[report_id].append((ids[key], start, end))
        return ids[key]

    links: dict[str, list[dict]] = defaultdict(list)
    first_field: set[tuple[str, str]] = set()
    for s in spans:
        sid = span_id(s["report_id"], s["start_offset"], s["end_offset"])
        if sid and s["field"] in LINKED_FIELDS and (s["report_id"], s["field"]) not in first_field:
            first_field.add((s["report_id"], s["field"]))
            links[s["report_id"]].append({"label": FIELD_LABELS[s["field"]], "value": s["value"], "href": f"#{sid}"})
    for c in conflicts:
        c["href_a"] = (lambda i: f"#{i}" if i else None)(span_id(c["report_id_a"], c["start_a"], c["end_a"]))
        c["href_b"] = (lambda i: f"#{i}" if i else None)(span_id(c["report_id_b"], c["start_b"], c["end_b"]))
    by_meeting: dict[str, list[dict]] = defaultdict(list)
    for r in members:
        by_meeting[r["meeting_id"]].append({**r, "links": links.get(r["report_id"], []),
                                            "has_text": r["report_id"] in texts})
    for m in meetings:
        m["members"] = by_meeting.get(m["meeting_id"], [])
    titles = {r["report_id"]: r["file_path"] or r["report_id"] for r in members}
    sources = [{"report_id": rid, "file_path": titles.get(rid, rid),
                "segments": segments(texts[rid], per_report.get(rid, []))}
               for rid in sorted(texts)]
    return {"meetings": meetings, "sources": sources}


def _charts(data: Mapping[str, Any]) -> dict[str, Any]:
    attendance = [(f"{a['meeting_name'] or a['region'] or a['meeting_id']} · {a['event']}", a["attendance_rate"])
                  for a in data["attendance"][:25] if a["attendance_rate"] is not None]
    trends: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for t in data["trends"]:
        if t["attendance_rate"] is not None:
            trends[t["level"] or "unknown"].append((int(t["year"]), float(t["attendance_rate"])))
    quality = [(f"{q['source']}: {q['rule']}", q["violations"]) for q in data["quality_rules"]]
    return {
        "attendance": bar_chart(attendance, max_value=1.0, fmt="{:.1%}", label_width=300),
        "trends": line_chart(trends, y_max=1.0),
        "people": bar_chart((f"{p['name']}（{p['role']}）", p["meetings"]) for p in data["people"]),
        "agenda": bar_chart(((a["item"], a["meetings"]) for a in data["agenda"]), label_width=300),
        "keywords": bar_chart((k["term"], k["reports"]) for k in data["keywords"]),
        "quality": bar_chart(quality, label_width=300),
    }


def write_dashboard(db: Path | str, out_dir: Path | str, *, docs_index: Path | str | None = None,
                    **limits: int) -> Path:
    """Render the dashboard of `db` into out_dir/index.html (written aside, then swapped in)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    links = {}
    if docs_index is not None:
        links["Data Docs"] = os.path.relpath(Path(docs_index).resolve(), out_dir.resolve())
    html = render_dashboard(load_dashboard_data(db, links=links, **limits))
    target = out_dir / "index.html"
    tmp = out_dir / f".index.html.tmp-{os.getpid()}"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
