"""Reconciliation step of a run: warehouse rows → transforms.reconcile → warehouse tables.

Work follows the change, not the history. Which meeting key every current report belongs to is
decided in SQL (`Warehouse.assign_meetings`; key parts computed in Python once per report);
only the meetings whose set of reports changed — reports that became current, left or moved —
are recomputed, their reports read and reconciled a batch of meetings at a time, and
`session_order` is checked again over the (region, body, term) series those meetings are in.
Each meeting depends on its own reports only, so the tables equal a recompute over
everything (`full=True`, also what the first run on a warehouse does). One transaction: a
killed or failed reconciliation leaves the tables as they were, and the next run redoes it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from transforms.reconcile import (ReportRef, Span, check_session_order, key_parts, meeting_id_for,
                                  reconcile_groups)

BATCH_MEETINGS = 2000  # meetings reconciled per batch: bounds the rows held in Python


def report_refs(inputs: dict[str, list[dict[str, Any]]]) -> list[ReportRef]:
    """`Warehouse.meeting_inputs()` → the ReportRefs reconciliation reads."""
    chairs: dict[str, list[str]] = defaultdict(list)
    presidium: dict[str, list[str]] = defaultdict(list)
    for p in inputs.get("people", []):
        (chairs if p["role"] == "执行主席" else presidium)[p["report_id"]].append(p["name"])
    spans: dict[str, dict[str, Span]] = defaultdict(dict)
    for s in inputs.get("spans", []):
        spans[s["report_id"]][s["field"]] = Span(s["start_offset"], s["end_offset"], s["snippet"])
    fields = set(ReportRef.__dataclass_fields__) - {"chairs", "presidium", "spans"}
    return [
        ReportRef(**{k: v for k, v in row.items() if k in fields},
                  chairs=tuple(chairs.get(row["report_id"], ())),
                  presidium=tuple(presidium.get(row["report_id"], ())),
                  spans=spans.get(row["report_id"], {}))
        for row in inputs.get("inputs", [])
    ]


def _keys_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        name, keyable = key_parts(r["region"], r["adcode"], r["body"], r["term"], r["session"])
        out.append({"report_id": r["report_id"], "region_name": name, "keyable": keyable})
    return out


def reconcile_warehouse(wh: Any, *, full: bool = False, batch_meetings: int = BATCH_MEETINGS) -> dict[str, int]:
    """Bring meetings, memberships, conflicts and cross-report checks up to date with the
    current reports; returns the touched meetings and reports and the rows per table."""
    try:
        return _reconcile(wh, full, batch_meetings)
    finally:
        wh.end_reconcile(counts=False)  # also after a failure: no temporary table or view stays behind


def _reconcile(wh: Any, full: bool, batch_meetings: int) -> dict[str, int]:
    with wh.transaction():
        if full:
            wh.forget_report_keys()
        for rows in wh.unkeyed_reports():
            wh.add_report_keys(_keys_of(rows))
        wh.assign_meetings()
        keys = wh.touched_meeting_keys(full=full)
        touched = {key: meeting_id_for(key) for key in keys}
        series = wh.clear_meetings(touched)
        reports = 0
        for i in range(0, len(keys), batch_meetings):
            batch = keys[i:i + batch_meetings]
            inputs = wh.meeting_inputs(batch)
            key_of = {row["report_id"]: row["meeting_key"] for row in inputs["inputs"]}
            groups: dict[str, list[ReportRef]] = defaultdict(list)
            for ref in report_refs(inputs):
                groups[key_of[ref.report_id]].append(ref)
            del inputs
            result = reconcile_groups(groups)
            reports += len(result.meeting_reports)
            wh.write_reconciliation({"meetings": result.meetings, "meeting_reports": result.meeting_reports,
                                     "conflicts": result.conflicts, "meeting_checks": result.checks})
            series |= {(m["region_key"], m["body"], m["term"]) for m in result.meetings}
        in_series = wh.series_meetings(sorted(series, key=repr))
        wh.replace_session_order(in_series, check_session_order(in_series))
    return {"touched_meetings": len(keys), "touched_reports": reports, **wh.end_reconcile()}
