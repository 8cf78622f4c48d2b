"""ReportFacts → warehouse staging rows. Pure: no I/O, no database.

`report_rows` is the one place that knows how facts map onto the warehouse tables; the loader
(`warehouse.store`) never reaches into extractor internals. Column names match
`warehouse/sql/schema/001_core.sql`; columns the loader owns (`loaded_run_id`) are left out.
"""

from __future__ import annotations

import re
from typing import Any

from transforms.document import Document
from transforms.facts import Fact, KeyTask, Person, ReportFacts, Violation
from warehouse.tables import REPORT_TABLES

# Role labels used in `people` for the gold person fields.
ROLE_CHAIR = "执行主席"
ROLE_PRESIDER = "主持人"
ROLE_WORK_REPORT = "政府工作报告人"

# The report tables, from the table registry (pure data, no database).
TABLES: tuple[str, ...] = REPORT_TABLES

_FULL_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}$")


def report_id_for(sha256: str) -> str:
    """The report key: the content hash prefix (loads are keyed by content)."""
    return sha256[:16]


def meeting_year(date: str | None) -> int | None:
    """The year of a gold-format date (`YYYY-MM-DD`); None for `MM-DD` or no date."""
    if not date:
        return None
    m = _FULL_DATE.match(date)
    return int(m.group(1)) if m else None


def _v(fact: Fact[Any] | None) -> Any:
    return None if fact is None else fact.value


def _text(value: Any) -> str | None:
    """A fact value as text for `fact_spans.value`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Person):
        return value.name
    if isinstance(value, KeyTask):
        return value.heading
    return str(value)


def report_rows(
    *,
    report_id: str,
    file_path: str,
    sha256: str,
    doc: Document,
    facts: ReportFacts,
    violations: list[Violation],
) -> dict[str, list[dict[str, Any]]]:
    """Rows for every report table, keyed by table name (all tables present, maybe empty)."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    date = _v(facts.date)
    out["reports"].append(
        {
            "report_id": report_id,
            "file_path": file_path,
            "sha256": sha256,
            "is_meeting_report": _v(facts.is_meeting_report),
            "meeting_name": _v(facts.meeting_name),
            "region": _v(facts.region),
            "level": _v(facts.level),
            "body": _v(facts.body),
            "term": _v(facts.term),
            "session": _v(facts.session),
            "event": _v(facts.event),
            "meeting_date": date,
            "meeting_year": meeting_year(date),
            "meeting_time": _v(facts.time),
            "venue": _v(facts.venue),
            "adcode": _v(facts.adcode),
            "province": _v(facts.province),
            "city": _v(facts.city),
            "county": _v(facts.county),
            "region_ambiguous": bool(facts.region_ambiguous),
            "quorum_claimed": _v(facts.quorum_claimed),
            "attendance_scope": _v(facts.attendance_scope),
            "presider": _v(facts.presider),
            "work_report_by": _v(facts.work_report_by),
            "key_tasks": _v(facts.key_tasks),
            "title": doc.title,
            "encoding": doc.encoding,
            "format": doc.format,
            "valid": not violations,
        }
    )

    counts = (_v(facts.required), _v(facts.present), _v(facts.absent))
    if any(c is not None for c in counts):
        out["attendance"].append(
            {
                "report_id": report_id,
                "scope": _v(facts.attendance_scope),
                "required": counts[0],
                "present": counts[1],
                "absent": counts[2],
            }
        )

    out["people"] = _people(report_id, facts)

    seen_items: set[str] = set()
    for fact in facts.agenda_items or []:
        if fact.value in seen_items:
            continue
        seen_items.add(fact.value)
        out["agenda_items"].append({"report_id": report_id, "ordinal": len(seen_items), "item": fact.value})

    items = out["work_report_items"]
    for kind, facts_of_kind in (
        ("part", facts.report_parts),
        ("achievement", facts.achievements),
        ("slogan", facts.slogans),
    ):
        for i, fact in enumerate(facts_of_kind, start=1):
            items.append({"report_id": report_id, "kind": kind, "ordinal": i, "text": _text(fact.value)})
    used: set[int] = set()
    for i, fact in enumerate(facts.key_task_items, start=1):
        ordinal = fact.value.ordinal if isinstance(fact.value, KeyTask) else i
        if ordinal in used:  # keep the first item of a repeated ordinal
            continue
        used.add(ordinal)
        items.append({"report_id": report_id, "kind": "key_task", "ordinal": ordinal, "text": _text(fact.value)})

    # Candidate terms with their counts; the `keywords` view weighs them by the warehouse's IDF.
    terms: set[str] = set()
    for kw in facts.keywords:
        if kw.term not in terms and kw.count > 0:
            terms.add(kw.term)
            out["keyword_candidates"].append({"report_id": report_id, "term": kw.term, "count": kw.count,
                                              "tokens": kw.tokens})

    spans: list[tuple[str, Fact[Any]]] = list(facts.facts())
    spans += [("leaders", f) for f in facts.leaders]
    spans += [("report_parts", f) for f in facts.report_parts]
    spans += [("achievements", f) for f in facts.achievements]
    spans += [("key_task_items", f) for f in facts.key_task_items]
    spans += [("slogans", f) for f in facts.slogans]
    for name, fact in spans:
        out["fact_spans"].append(
            {
                "report_id": report_id,
                "field": name,
                "value": _text(fact.value),
                "start_offset": fact.start,
                "end_offset": fact.end,
                "snippet": fact.snippet,
            }
        )
    return out


def _people(report_id: str, facts: ReportFacts) -> list[dict[str, Any]]:
    """Chairs (text order), presider, government work reporter, then other named leaders.
    One row per (role, name); `ordinal` counts from 1 within the role."""
    named: list[tuple[str, str]] = []
    for fact in facts.executive_chairs or []:
        named.append((ROLE_CHAIR, fact.value))
    if facts.presider is not None:
        named.append((ROLE_PRESIDER, facts.presider.value))
    if facts.work_report_by is not None:
        named.append((ROLE_WORK_REPORT, facts.work_report_by.value))
    for fact in facts.leaders:
        person = fact.value
        if isinstance(person, Person) and person.name and person.role:
            named.append((person.role, person.name))
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    per_role: dict[str, int] = {}
    for role, name in named:
        if not name or (role, name) in seen:
            continue
        seen.add((role, name))
        per_role[role] = per_role.get(role, 0) + 1
        rows.append({"report_id": report_id, "name": name, "role": role, "ordinal": per_role[role]})
    return rows
