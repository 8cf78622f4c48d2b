"""The one definition of the fact schema: Fact, ReportFacts and the gold field list.

Every value that leaves `transforms/` is a `Fact`: the value plus the character span
(start, end) in the decoded document text it was read from, and that text slice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Gold-schema fields in the order of the corpus README (without `file` and
# `expected_violations`). Scalars first, then the two list fields.
SCALAR_FIELDS: tuple[str, ...] = (
    "is_meeting_report",
    "meeting_name",
    "region",
    "level",
    "body",
    "term",
    "session",
    "event",
    "date",
    "time",
    "venue",
    "required",
    "present",
    "absent",
    "quorum_claimed",
    "attendance_scope",
    "presider",
    "work_report_by",
    "key_tasks",
)
LIST_FIELDS: tuple[str, ...] = ("executive_chairs", "agenda_items")
# All scored gold fields, in gold-file order.
GOLD_FIELDS: tuple[str, ...] = (
    *SCALAR_FIELDS[:16],
    "executive_chairs",
    "presider",
    "work_report_by",
    "agenda_items",
    "key_tasks",
)

LEVELS = ("national", "province", "city", "county", "township")
BODIES = ("人大", "政协", "人大常委会", "政协常委会", "other")
EVENTS = ("开幕", "闭幕", "预备会议", "全体会议", "other")
SCOPES = ("deputies", "members", "standing_committee_members", "presidium")

CANONICAL_AGENDA = (
    "政府工作报告",
    "国民经济和社会发展计划执行情况与计划草案的报告",
    "财政预算执行情况与预算草案的报告",
    "国民经济和社会发展五年规划纲要草案",
    "人大常委会工作报告",
    "人民法院工作报告",
    "人民检察院工作报告",
    "政协常委会工作报告",
    "提案工作情况报告",
    "提案审查情况报告",
    "人大主席团工作报告",
    "代表资格审查报告",
    "决算报告",
    "审计工作报告",
    "预算调整方案的报告",
)


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value and where it came from: text[start:end] == snippet."""

    value: T
    start: int
    end: int
    snippet: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span ({self.start}, {self.end}) for {self.value!r}")


@dataclass(frozen=True)
class Person:
    """A person named in a report and the role label the text gives them."""

    name: str
    role: str


@dataclass(frozen=True)
class KeyTask:
    """One enumerated key task of a work report (`一是…`), ordinal from 1."""

    ordinal: int
    heading: str


@dataclass(frozen=True)
class Keyword:
    """A candidate term of a report: `count` occurrences among its `tokens` content tokens;
    `weight` is tf (count / tokens) until the warehouse weighs it by its IDF."""

    term: str
    weight: float
    count: int = 0
    tokens: int = 0


@dataclass
class ReportFacts:
    """Everything extracted from one document. `None` means "not stated"."""

    is_meeting_report: Fact[bool] | None = None
    meeting_name: Fact[str] | None = None
    region: Fact[str] | None = None
    level: Fact[str] | None = None
    body: Fact[str] | None = None
    term: Fact[int] | None = None
    session: Fact[int] | None = None
    event: Fact[str] | None = None
    date: Fact[str] | None = None
    time: Fact[str] | None = None
    venue: Fact[str] | None = None
    required: Fact[int] | None = None
    present: Fact[int] | None = None
    absent: Fact[int] | None = None
    quorum_claimed: Fact[bool] | None = None
    attendance_scope: Fact[str] | None = None
    executive_chairs: list[Fact[str]] | None = None
    presider: Fact[str] | None = None
    work_report_by: Fact[str] | None = None
    agenda_items: list[Fact[str]] | None = None
    key_tasks: Fact[int] | None = None
    # Beyond the gold schema.
    adcode: Fact[str] | None = None
    province: Fact[str] | None = None
    city: Fact[str] | None = None
    county: Fact[str] | None = None
    region_ambiguous: bool = False
    leaders: list[Fact[Person]] = field(default_factory=list)
    report_parts: list[Fact[str]] = field(default_factory=list)
    achievements: list[Fact[str]] = field(default_factory=list)
    key_task_items: list[Fact[KeyTask]] = field(default_factory=list)
    slogans: list[Fact[str]] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)

    def value(self, name: str) -> Any:
        """The plain value of a gold field (lists as lists of values)."""
        got = getattr(self, name)
        if got is None:
            return None
        if isinstance(got, list):
            return [f.value for f in got]
        return got.value

    def record(self) -> dict[str, Any]:
        """Gold-shaped dict: {field: value} for every gold field."""
        return {name: self.value(name) for name in GOLD_FIELDS}

    def spans(self) -> dict[str, tuple[int, int]]:
        """{field: (start, end)} for every stated gold field; a list covers its elements."""
        out: dict[str, tuple[int, int]] = {}
        for name in GOLD_FIELDS:
            got = getattr(self, name)
            if not got:
                continue
            if isinstance(got, list):
                out[name] = (min(f.start for f in got), max(f.end for f in got))
            else:
                out[name] = (got.start, got.end)
        return out

    def facts(self) -> list[tuple[str, Fact[Any]]]:
        """(field, fact) for every stated value, list elements one by one."""
        out: list[tuple[str, Fact[Any]]] = []
        for name in GOLD_FIELDS + ("adcode", "province", "city", "county"):
            got = getattr(self, name)
            if got is None:
                continue
            for fact in got if isinstance(got, list) else [got]:
                out.append((name, fact))
        return out


@dataclass(frozen=True)
class Violation:
    """A validation rule a report's facts fail; `rule` is a rule id shared by the GX suite,
    the quarantine table, `eval` and the dashboard (e.g. `present_le_required`)."""

    rule: str
    message: str
    observed: dict[str, Any] = field(default_factory=dict)
