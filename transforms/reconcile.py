"""Many reports, one meeting: keys, text fingerprints, year inference, conflicts, cross-checks.

Pure: report-level facts in, meeting-level rows out; no database, no I/O. The output depends
on the set of reports only (re-running changes nothing), and a meeting's rows on its own
reports only: `reconcile_groups` recomputes any subset of meetings, which is how the warehouse
keeps the tables current a run at a time (flows/reconcile.py); `reconcile` is the same over
everything at once, the reference it is tested against.

A meeting is one session of one body: (region, body, term, session). Its reports are the
opening and closing sittings (separate events), the plenaries in between, and reposts of any
of them. Reposts are near-duplicate texts (MinHash sketches of character shingles, compared
within a meeting); they are kept but point at the report they copy, so marts count each text once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

SHINGLE = 4
SKETCH_SIZE = 64
# Reports of one sitting whose texts resemble this much are one text reposted. Measured on
# the dev corpus: reposts of its 42 texts (source line and editor tag added, re-punctuated,
# last tenth cut) resemble their original >= 0.80; two different reports <= 0.30.
DUPLICATE_MIN_RESEMBLANCE = 0.6
# Reports of one session are a few weeks apart at most; a year is only inferred this close.
YEAR_WINDOW_DAYS = 120

# Sittings that happen once per session: two reports of one of these must agree. Numbered
# plenaries (全体会议) and `other` are several sittings we cannot tell apart, so not compared.
SINGLE_SITTINGS = ("开幕", "闭幕", "预备会议")
CONFLICT_FIELDS = ("date", "required", "present", "absent", "presider")

_DROP_FOR_PRINT = re.compile(r"[\s\W_]+", re.UNICODE)
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_REGION_NOISE = re.compile(r"[\s·•・\u3000]+")


# -- fingerprints ---------------------------------------------------------------------------

def fingerprint_text(text: str) -> str:
    """What a fingerprint reads: NFKC text without whitespace and punctuation, so reposts
    that only re-wrap, re-space or re-punctuate a text fingerprint the same."""
    return _DROP_FOR_PRINT.sub("", unicodedata.normalize("NFKC", text or ""))


def fingerprint(text: str, k: int = SHINGLE, size: int = SKETCH_SIZE) -> tuple[int, ...] | None:
    """Bottom-k MinHash sketch: the `size` smallest 32-bit hashes of the distinct character
    k-shingles of `fingerprint_text(text)`, ascending; None for text with no shingle.

    Stable across processes and machines: a shingle's hash is a function of its code points
    only (`shingle_hashes`), never Python's salted `hash`."""
    codes = _print_codes(text)
    if not codes.size:
        return None
    return tuple(smallest_distinct(_code_shingle_hashes(codes, k), size).tolist())


@lru_cache(maxsize=1)
def _dropped_in_bmp() -> np.ndarray:
    """For each of the 65,536 code points of the Basic Multilingual Plane, whether
    `fingerprint_text` drops it: marked by `_DROP_FOR_PRINT` itself, run once over all of them
    (~10 ms a process), so the table is that regex's answer, not a second definition of it."""
    every = "".join(map(chr, range(0x10000)))
    dropped = np.zeros(0x10000, dtype=bool)
    for m in _DROP_FOR_PRINT.finditer(every):
        dropped[m.start():m.end()] = True
    return dropped


def _print_codes(text: str) -> np.ndarray:
    """The code points (uint32) of `fingerprint_text(text)`. The regex's Unicode class asks the
    character database for every character (0.1 ms of a 2,300-character report); a lookup in
    `_dropped_in_bmp` over the whole array costs a few µs. A text with a character beyond the BMP
    (rare) takes the regex."""
    nfkc = unicodedata.normalize("NFKC", text or "")
    # (surrogatepass: a lone surrogate, which the regex drops, is looked up like any other)
    codes = np.frombuffer(nfkc.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if codes.size and int(codes.max()) < 0x10000:
        return codes[~_dropped_in_bmp()[codes]]
    return np.frombuffer(_DROP_FOR_PRINT.sub("", nfkc).encode("utf-32-le"), dtype="<u4")


def smallest_distinct(values: np.ndarray, size: int) -> np.ndarray:
    """The `size` smallest distinct values, ascending (`np.unique(values)[:size]`). A report has
    thousands of shingles and the sketch keeps 64: the 4·size smallest values, found without
    sorting (`np.partition`), hold the answer whenever they hold `size` distinct ones — every
    value left out is at least as large as all of them — and sorting only those cost a third of
    sorting all. (`_sorted_distinct` rather than `np.unique`: the same values, a third of the
    cost on arrays this small.)"""
    pool = 4 * size
    if len(values) > pool:
        found = _sorted_distinct(np.partition(values, pool - 1)[:pool])
        if len(found) >= size:
            return found[:size]
    return _sorted_distinct(values)[:size]


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` of a 1-D array: sorted, each value once."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


# The hash of a shingle c0..c(k-1) (code points): x = (((c0·P + c1)·P + c2)·P + c3) mod 2^64,
# then splitmix64's finalizer, then its high 32 bits. Computed for every shingle of a text at
# once in numpy: a per-shingle Python step with a cryptographic hash (blake2b, before schema
# 012) cost 0.6 ms of a 2,000-character report, this 0.1 ms. Changing it changes every stored
# sketch: a schema migration must recompute them (warehouse/sql/schema/012_*).
_POLY = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S27, _S30, _S31, _S32 = (np.uint64(n) for n in (27, 30, 31, 32))


def shingle_hashes(s: str, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes (uint32) of the k-shingles of `s` in order (one shingle, `s` itself, when
    `s` is shorter than k)."""
    return _code_shingle_hashes(np.frombuffer(s.encode("utf-32-le"), dtype="<u4"), k)


def _code_shingle_hashes(code_points: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """`shingle_hashes` of the string with these code points (uint32)."""
    codes = code_points.astype(np.uint64)
    n = max(1, len(codes) - k + 1)
    x = codes[:n].copy()
    with np.errstate(over="ignore"):  # arithmetic mod 2^64 is the point
        for j in range(1, min(k, len(codes))):
            x *= _POLY
            x += codes[j:j + n]
        x ^= x >> _S30
        x *= _MIX1
        x ^= x >> _S27
        x *= _MIX2
        x ^= x >> _S31
    return (x >> _S32).astype(np.uint32)


def resemblance(a: Sequence[int], b: Sequence[int], size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of the shingle sets two sketches come from: the share of
    the `size` smallest hashes of both that both texts contain (exact for short texts)."""
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:size]
    if not union:
        return 0.0
    return sum(1 for h in union if h in sa and h in sb) / len(union)


# -- keys -------------------------------------------------------------------------------------

def normalize_region(name: str | None) -> str | None:
    """Region name as a key part: NFKC, no spaces or dots; None when empty."""
    if not name:
        return None
    got = _REGION_NOISE.sub("", unicodedata.normalize("NFKC", name))
    return got or None


def meeting_key(region: str | None, body: str | None, term: int | None, session: int | None) -> str | None:
    """`region|body|term|session`, or None when any part is unknown (such a report cannot be
    matched with others and stays a meeting of its own)."""
    region = normalize_region(region)
    if not region or not body or term is None or session is None or body == "other":
        return None
    return f"{region}|{body}|{int(term)}|{int(session)}"


def meeting_id_for(key: str) -> str:
    """Stable id of a meeting key (ids survive re-runs and rebuilds)."""
    return "m" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


# -- dates --------------------------------------------------------------------------------------

def _parse(value: str | None) -> tuple[int | None, int, int] | None:
    if not value:
        return None
    m = _FULL_DATE.match(value)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = _MONTH_DAY.match(value)
    if m:
        return None, int(m.group(1)), int(m.group(2))
    return None


def _as_date(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def infer_year(value: str | None, anchors: Iterable[str]) -> tuple[str | None, str | None]:
    """(date, source) for a gold-format date given full dates stated by other reports of the
    same meeting. A stated year is kept (`stated`); an `MM-DD` takes the year that puts it
    nearest to a stated date, within YEAR_WINDOW_DAYS (`inferred`); otherwise unchanged (None)."""
    got = _parse(value)
    if got is None:
        return value, None
    year, month, day = got
    if year is not None:
        return value, "stated"
    best: tuple[int, Date] | None = None
    for anchor in sorted(set(anchors)):
        a = _parse(anchor)
        if a is None or a[0] is None:
            continue
        anchor_day = _as_date(*a)  # type: ignore[arg-type]
        if anchor_day is None:
            continue
        for y in (a[0] - 1, a[0], a[0] + 1):
            cand = _as_date(y, month, day)
            if cand is None:
                continue
            gap = abs((cand - anchor_day).days)
            if gap <= YEAR_WINDOW_DAYS and (best is None or (gap, cand) < best):
                best = (gap, cand)
    if best is None:
        return value, None
    return best[1].isoformat(), "inferred"


# -- inputs and outputs -----------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int
    end: int
    snippet: str | None = None


@dataclass(frozen=True)
class ReportRef:
    """The report-level facts reconciliation reads (one current report)."""

    report_id: str
    region: str | None = None
    adcode: str | None = None
    province: str | None = None
    level: str | None = None
    body: str | None = None
    term: int | None = None
    session: int | None = None
    event: str | None = None
    date: str | None = None
    meeting_name: str | None = None
    required: int | None = None
    present: int | None = None
    absent: int | None = None
    scope: str | None = None
    presider: str | None = None
    chairs: tuple[str, ...] = ()
    presidium: tuple[str, ...] = ()  # people the text places on the presidium (主席团…)
    fingerprint: tuple[int, ...] | None = None  # `fingerprint(text)`: a bottom-k sketch
    spans: Mapping[str, Span] = field(default_factory=dict)  # first span of each conflict field

    def stated(self) -> int:
        """How many facts the report states: the richest copy of a repost cluster leads it."""
        return sum(getattr(self, f) is not None for f in (
            "region", "body", "term", "session", "event", "date", "meeting_name", "required", "present",
            "absent", "presider")) + len(self.chairs)


@dataclass
class Reconciliation:
    meetings: list[dict[str, Any]] = field(default_factory=list)
    meeting_reports: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)


# -- grouping -----------------------------------------------------------------------------------

def group_reports(refs: Sequence[ReportRef]) -> dict[str, list[ReportRef]]:
    """meeting key → reports. Within one (body, term, session), an adcode decides; a report
    without one joins the adcode group that uses its region name when exactly one does,
    else groups by region name. Reports without a full key are meetings of their own."""
    out: dict[str, list[ReportRef]] = defaultdict(list)
    buckets: dict[tuple[str, int, int], list[ReportRef]] = defaultdict(list)
    for r in refs:
        if meeting_key(r.region or r.adcode, r.body, r.term, r.session) is None:
            out[f"report:{r.report_id}"].append(r)
        else:
            buckets[(r.body, int(r.term), int(r.session))].append(r)  # type: ignore[arg-type]
    for (body, term, session), members in buckets.items():
        names_by_code: dict[str, set[str]] = defaultdict(set)
        for r in members:
            if r.adcode:
                name = normalize_region(r.region)
                if name:
                    names_by_code[r.adcode].add(name)
        for r in members:
            code = r.adcode
            if not code:
                name = normalize_region(r.region)
                owners = sorted(c for c, names in names_by_code.items() if name in names)
                code = owners[0] if len(owners) == 1 else None
            region_part = f"adcode:{code}" if code else normalize_region(r.region)
            out[f"{region_part}|{body}|{term}|{session}"].append(r)
    return dict(out)


def duplicate_clusters(refs: Sequence[ReportRef], min_resemblance: float = DUPLICATE_MIN_RESEMBLANCE
                       ) -> dict[str, tuple[str | None, float | None]]:
    """report_id → (the report it reposts or None, resemblance to it). Reports of one sitting
    whose texts resemble at least min_resemblance are one cluster (transitively); the report
    stating the most facts (then the smallest id) leads it. Pairs are compared within one
    meeting only, so the quadratic loop runs over a handful of reports."""
    parent = {r.report_id: r.report_id for r in refs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    printed = [r for r in refs if r.fingerprint]
    for i, a in enumerate(printed):
        for b in printed[i + 1:]:
            if a.event == b.event and resemblance(a.fingerprint, b.fingerprint) >= min_resemblance:  # type: ignore[arg-type]
                ra, rb = find(a.report_id), find(b.report_id)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    clusters: dict[str, list[ReportRef]] = defaultdict(list)
    for r in refs:
        clusters[find(r.report_id)].append(r)
    out: dict[str, tuple[str | None, float | None]] = {}
    for members in clusters.values():
        lead = min(members, key=lambda r: (-r.stated(), r.report_id))
        for r in members:
            if r is lead:
                out[r.report_id] = (None, None)
            else:
                sim = resemblance(r.fingerprint, lead.fingerprint) if r.fingerprint and lead.fingerprint else None
                out[r.report_id] = (lead.report_id, None if sim is None else round(sim, 4))
    return out


# -- conflicts ----------------------------------------------------------------------------------

def detect_conflicts(meeting_id: str, refs: Sequence[ReportRef], dates: Mapping[str, str | None]
                     ) -> list[dict[str, Any]]:
    """One row per pair of disagreeing values of one field within one once-per-session sitting.
    `dates` holds each report's date after year inference. Attendance is compared only
    between counts of the same scope. Both values come with their report and span."""
    rows: list[dict[str, Any]] = []
    by_event: dict[str, list[ReportRef]] = defaultdict(list)
    for r in refs:
        if r.event in SINGLE_SITTINGS:
            by_event[r.event].append(r)
    for event in sorted(by_event):
        members = sorted(by_event[event], key=lambda r: r.report_id)
        for name in CONFLICT_FIELDS:
            groups: dict[Any, list[tuple[ReportRef, Any]]] = defaultdict(list)
            for r in members:
                value = dates.get(r.report_id, r.date) if name == "date" else getattr(r, name)
                if value is None:
                    continue
                scope = r.scope if name in ("required", "present", "absent") else None
                groups[(scope, value)].append((r, value))
            keys = sorted(groups, key=lambda k: (str(k[0]), str(k[1])))
            for i, ka in enumerate(keys):
                for kb in keys[i + 1:]:
                    if ka[0] != kb[0]:
                        continue
                    if name == "date" and _dates_agree(ka[1], kb[1]):
                        continue  # a year-less date agrees with any year of the same day
                    (ra, va), (rb, vb) = groups[ka][0], groups[kb][0]
                    rows.append(_conflict_row(meeting_id, event, name, ra, va, rb, vb))
    return rows


def _dates_agree(a: str, b: str) -> bool:
    pa, pb = _parse(a), _parse(b)
    if pa is None or pb is None:
        return a == b
    if pa[1:] != pb[1:]:
        return False
    return pa[0] is None or pb[0] is None or pa[0] == pb[0]


def _conflict_row(meeting_id: str, event: str, name: str, ra: ReportRef, va: Any, rb: ReportRef, vb: Any
                  ) -> dict[str, Any]:
    sa, sb = ra.spans.get(name), rb.spans.get(name)
    return {
        "meeting_id": meeting_id, "event": event, "field": name,
        "report_id_a": ra.report_id, "value_a": str(va),
        "start_a": sa.start if sa else None, "end_a": sa.end if sa else None, "snippet_a": sa.snippet if sa else None,
        "report_id_b": rb.report_id, "value_b": str(vb),
        "start_b": sb.start if sb else None, "end_b": sb.end if sb else None, "snippet_b": sb.snippet if sb else None,
    }


# -- cross-report checks -----------------------------------------------------------------------

def check_session_order(meetings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`session_order`: within one (region, body, term), sessions must follow their dates.
    One row per adjacent pair (by start date) whose session number does not increase."""
    series: dict[tuple[str, str, int], list[tuple[Date, int, str]]] = defaultdict(list)
    for m in meetings:
        started = _parse(m.get("started_on"))
        if started is None or started[0] is None or m.get("term") is None or m.get("session") is None:
            continue
        day = _as_date(*started)  # type: ignore[arg-type]
        if day is None:
            continue
        series[(m["region_key"], m["body"], m["term"])].append((day, m["session"], m["meeting_id"]))
    rows = []
    for key in sorted(series):
        ordered = sorted(series[key])
        for (d1, s1, m1), (d2, s2, m2) in zip(ordered, ordered[1:]):
            if s2 <= s1 and d2 > d1:
                rows.append({"rule": "session_order", "meeting_id": m2, "other_meeting_id": m1,
                             "message": f"session {s2} on {d2} does not follow session {s1} on {d1} "
                                        f"of the same term",
                             "observed": f'{{"earlier": [{s1}, "{d1}"], "later": [{s2}, "{d2}"]}}'})
    return rows


def check_chairs_in_presidium(meeting_id: str, refs: Sequence[ReportRef]) -> list[dict[str, Any]]:
    """`chairs_in_presidium`: executive chairs of the opening sitting are presidium members,
    checked only when some report of the meeting names the presidium."""
    presidium = {n for r in refs for n in r.presidium}
    chairs = {n for r in refs if r.event == "开幕" for n in r.chairs}
    missing = sorted(chairs - presidium)
    if not presidium or not missing:
        return []
    return [{"rule": "chairs_in_presidium", "meeting_id": meeting_id, "other_meeting_id": None,
             "message": f"opening chairs not on the presidium: {'、'.join(missing)}",
             "observed": '{"missing": [' + ", ".join(f'"{n}"' for n in missing) + "]}"}]


# -- the whole thing --------------------------------------------------------------------------

def _most_common(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v is not None)
    if not counted:
        return None
    return min(counted, key=lambda v: (-counted[v], -len(str(v)), str(v)))


def key_parts(region: str | None, adcode: str | None, body: str | None, term: int | None,
              session: int | None) -> tuple[str | None, bool]:
    """What grouping needs of a report beyond its columns: its region name as a key part, and
    whether it has a full meeting key (the warehouse stores both once per report and groups
    in SQL exactly as `group_reports` does)."""
    return normalize_region(region), meeting_key(region or adcode, body, term, session) is not None


def region_key_of(key: str) -> str:
    """The region part of a meeting key (`report:<id>` for a meeting of one report)."""
    return key.rsplit("|", 3)[0]


def reconcile_groups(groups: Mapping[str, Sequence[ReportRef]],
                     min_resemblance: float = DUPLICATE_MIN_RESEMBLANCE) -> Reconciliation:
    """Meetings, report memberships, conflicts and `chairs_in_presidium` checks of reports
    already grouped by meeting key (`group_reports`). Each meeting depends on its own reports
    only, so any subset of meetings can be recomputed on its own; `session_order` spans the
    meetings of a series and is `check_session_order`'s. Rows come sorted by key and report."""
    out = Reconciliation()
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda r: r.report_id)
        mid = meeting_id_for(key)
        anchors = [r.date for r in members if r.date and _FULL_DATE.match(r.date)]
        dates: dict[str, str | None] = {}
        sources: dict[str, str | None] = {}
        for r in members:
            dates[r.report_id], sources[r.report_id] = infer_year(r.date, anchors)
        dups = duplicate_clusters(members, min_resemblance)
        for r in members:
            d = dates[r.report_id]
            parsed = _parse(d)
            out.meeting_reports.append({
                "report_id": r.report_id, "meeting_id": mid, "event": r.event, "event_date": d,
                "year": parsed[0] if parsed else None, "year_source": sources[r.report_id],
                "duplicate_of": dups[r.report_id][0], "resemblance": dups[r.report_id][1],
            })
        originals = [r for r in members if dups[r.report_id][0] is None]
        # Over reposts too: an edited repost that changes a figure is a disagreement.
        conflicts = detect_conflicts(mid, members, dates)
        out.conflicts.extend(conflicts)
        out.checks.extend(check_chairs_in_presidium(mid, members))
        years = sorted({p[0] for p in (_parse(dates[r.report_id]) for r in members) if p and p[0]})
        full = sorted(d for d in (dates[r.report_id] for r in members) if d and _FULL_DATE.match(d))

        def on(event: str, pick: Any) -> str | None:
            got = [dates[r.report_id] for r in members if r.event == event and dates[r.report_id]]
            return pick(got) if got else None

        names = [r.meeting_name for r in originals if r.meeting_name]
        out.meetings.append({
            "meeting_id": mid, "meeting_key": key,
            "region_key": region_key_of(key),
            "region": _most_common(r.region for r in members),
            "province": _most_common(r.province for r in members),
            "adcode": _most_common(r.adcode for r in members),
            "level": _most_common(r.level for r in members),
            "body": _most_common(r.body for r in members),
            "term": _most_common(r.term for r in members),
            "session": _most_common(r.session for r in members),
            "meeting_name": max(names, key=lambda n: (len(n), n)) if names else None,
            "year": years[0] if years else None,
            "started_on": full[0] if full else (min(d for d in dates.values() if d) if any(dates.values()) else None),
            "opened_on": on("开幕", min), "closed_on": on("闭幕", max),
            "events": ",".join(sorted({r.event for r in members if r.event})) or None,
            "reports": len(members), "distinct_reports": len(originals), "conflicts": len(conflicts),
        })
    out.meeting_reports.sort(key=lambda r: r["report_id"])
    return out


def reconcile(refs: Iterable[ReportRef], min_resemblance: float = DUPLICATE_MIN_RESEMBLANCE) -> Reconciliation:
    """All current reports → meetings, report memberships, conflicts and cross-report checks.
    Deterministic: rows come sorted, so equal inputs give equal outputs in any order."""
    out = reconcile_groups(group_reports(sorted(refs, key=lambda r: r.report_id)), min_resemblance)
    out.checks.extend(check_session_order(out.meetings))
    out.checks.sort(key=lambda c: (c["rule"], c["meeting_id"], c["other_meeting_id"] or ""))
    return out
