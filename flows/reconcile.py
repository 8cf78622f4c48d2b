"""Reconciliation step of a run: warehouse rows → transforms.reconcile → warehouse tables.

Runs over every current report (earlier runs included) after each load, and replaces the
meeting tables with the result; the same reports always give the same tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from transforms.reconcile import ReportRef, Span, fingerprint, reconcile
from transforms.rows import report_id_for


def text_rows(extracted: Iterable[Any]) -> list[dict[str, Any]]:
    """report_texts rows (decoded text + fingerprint) of a run's decoded files."""
    rows = []
    for e in extracted:
        if e.doc is None or not e.file.sha256:
            continue
        rows.append({"report_id": report_id_for(e.file.sha256), "text": e.doc.text,
                     "fingerprint": fingerprint(e.doc.clean)})
    return rows


def report_refs(inputs: dict[str, list[dict[str, Any]]]) -> list[ReportRef]:
    """`Warehouse.reconcile_inputs()` → the ReportRefs reconciliation reads."""
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


def reconcile_warehouse(wh: Any) -> dict[str, int]:
    """Recompute meetings, memberships, conflicts and cross-report checks; rows per table."""
    result = reconcile(report_refs(wh.reconcile_inputs()))
    return wh.replace_reconciliation({"meetings": result.meetings, "meeting_reports": result.meeting_reports,
                                      "conflicts": result.conflicts, "meeting_checks": result.checks})
