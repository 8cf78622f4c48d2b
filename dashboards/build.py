"""Write the dashboard folder: read the warehouse read-only, shape its marts into compact data
chunks (dashboards.render), copy the page, its script and the vendored chart library.

What the folder holds, and why its size is bounded whatever the warehouse holds:
- `index.html`, `app.js`, `app.css`, `vendor/echarts.min.js`: the page;
- `data-<version>/summary.js`: the additive cubes of the dashboard marts (sittings, attendance
  distribution, months, meetings, violations, key-task themes), sized by the number of distinct
  years × levels × provinces × bodies × events;
- `data-<version>/meetings.js`: the meetings the page lists, searches and opens (at most
  `detail_meetings`, every year/level/province/body cell represented before any gets more);
- `data-<version>/part-N.js`: one province's (part-0: all provinces') top lists for every
  choice of the other filters — who chaired most, lowest attendance, quorum failures, invalid
  sittings, conflicts, cross-report findings — loaded when that province is chosen;
- `data-<version>/detail-N.js`: the reports, facts and texts of 25 listed meetings, loaded when
  one of them is opened.

Each build writes a new `data-<version>/` folder, then replaces `index.html` (which names it) in one
rename, then removes versions older than the previous one: an open page keeps loading chunks of
the version it started with. The page loads data as `<script>` chunks because `file://` pages
cannot fetch() local files; its Content-Security-Policy allows scripts from the folder only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import duckdb

from dashboards import assets
from dashboards.datadocs import localize_data_docs
from dashboards.render import chunk_script, render_index, segments
from warehouse.sqlfiles import named_statements

DETAIL_MEETINGS = 2000   # meetings listed with their reports and texts (the rest: BI snapshot)
TOP_K = 10               # rows of each top list, per filter cell
MEETINGS_PER_CHUNK = 25  # meetings per lazily loaded detail chunk
RUNS = 20
MEMORY_LIMIT = "500MB"   # DuckDB's share while the dashboard is read (spills beyond it)
DIMS = ("year", "level", "province", "body", "event")
STATIC = Path(__file__).resolve().parent / "static"
FIELD_LABELS = {
    "meeting_name": "会议名称", "date": "日期", "time": "时间", "venue": "地点", "required": "应到",
    "present": "实到", "absent": "缺席", "presider": "主持", "executive_chairs": "执行主席",
    "work_report_by": "政府工作报告", "quorum_claimed": "法定人数", "agenda_items": "议程",
}


def dashboard_dir_for(warehouse: Path | str) -> Path:
    """Where a run writes its dashboard: next to the warehouse (data/dashboard by default)."""
    return Path(warehouse).parent / "dashboard"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None) -> list[dict]:
    cur = con.execute(sql, dict(params or {}))
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None,
            batch: int = 2000) -> Iterable[dict]:
    """Rows as dicts, fetched `batch` at a time."""
    cur = con.execute(sql, dict(params or {}))
    cols = [d[0] for d in cur.description or []]
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield dict(zip(cols, r))


class _Dims:
    """Dictionary-encodes the filter dimensions: rows carry small integers, the page the names."""

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {d: [] for d in DIMS}
        self._index: dict[str, dict[Any, int]] = {d: {} for d in DIMS}

    def code(self, dim: str, value: Any) -> int:
        index = self._index[dim]
        if value not in index:
            index[value] = len(self.values[dim])
            self.values[dim].append(value)
        return index[value]

    def encode(self, row: Mapping[str, Any]) -> list[int]:
        return [self.code(d, row[d]) for d in DIMS]


def _cube(rows: Sequence[Mapping[str, Any]], dims: _Dims, measures: Sequence[str],
          extra: Sequence[str] = (), coded: Sequence[str] = ()) -> dict[str, Any]:
    """A cube as columns + rows of [dim codes…, extra…, measures…] (compact JSON); the `coded`
    extra columns (repeated strings) as codes into cube["dicts"][column]."""
    dicts: dict[str, dict[Any, int]] = {c: {} for c in coded}

    def cell(column: str, v: Any) -> Any:
        if column not in dicts:
            return v
        return dicts[column].setdefault(v, len(dicts[column]))

    return {"cols": [*DIMS, *extra, *measures], "dicts": {c: list(d) for c, d in dicts.items()},
            "rows": [[*dims.encode(r), *(cell(e, r[e]) for e in extra), *(r[m] for m in measures)] for r in rows]}


def load_dashboard_data(db: Path | str, *, detail_meetings: int = DETAIL_MEETINGS, top_k: int = TOP_K,
                        links: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything the page shows, read from `db` (opened read-only): {"summary", "meetings",
    "people": {part: payload}, "detail": {chunk: payload}}."""
    q = named_statements("queries/dashboard.sql")
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("set enable_progress_bar = false")
        # The run's process pays this step's memory: cap DuckDB, let big groupings spill to disk.
        con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        con.execute("set temp_directory = ?", [tempfile.gettempdir()])
        k = {"k": top_k}
        cubes_raw = {
            "sittings": _rows(con, q["sitting_cube"]),
            "distribution": _rows(con, q["distribution"]),
            "months": _rows(con, q["months"]),
            "meetings": _rows(con, q["meeting_cube"]),
            "violations": _rows(con, q["violation_cube"]),
            "themes": _rows(con, q["theme_cube"]),
        }
        # The top lists are folded into per-province parts batch by batch: the raw rows (lists
        # of structs for ~35k filter choices at 100k reports) are never all held at once.
        parts = _Parts()
        parts.add_sittings(_stream(con, q["sitting_tops"], k),
                           lambda ids: _rows(con, q["sittings_of"], {"ids": ids}))
        parts.add_table("conflicts", _stream(con, q["conflict_tops"], k), CONFLICT_COLUMNS)
        parts.add_table("checks", _stream(con, q["check_tops"], k), CHECK_COLUMNS)
        parts.add_people(_stream(con, q["people_top"], k))
        totals = _rows(con, q["totals"])[0]
        runs = _rows(con, q["runs"], {"limit": RUNS})
        window = [r["meeting_id"] for r in _rows(con, q["window"], {"limit": max(0, detail_meetings)})]
        ids = {"ids": window}
        meetings = _rows(con, q["meetings"], ids)
        meeting_people = _rows(con, q["meeting_people"], ids)
        members = _rows(con, q["meeting_reports"], ids)
        report_ids = {"ids": sorted({r["report_id"] for r in members})}
        rules = _rows(con, q["report_rules"], report_ids)
        spans = _rows(con, q["spans"], report_ids)
        texts = {r["report_id"]: r["text"] for r in _rows(con, q["texts"], report_ids)}
    finally:
        con.close()

    dims = _Dims()
    summary: dict[str, Any] = {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "source": str(db),
        "links": dict(links or {}),
        "totals": totals,
        "detail_meetings": detail_meetings,
        "top_k": top_k,
        "cubes": {
            "sittings": _cube(cubes_raw["sittings"], dims, ["sittings", "invalid", "with_counts", "valid_with_counts",
                                                            "required", "present", "below_quorum",
                                                            "below_quorum_invalid", "reports", "distinct_reports"]),
            "distribution": _cube(cubes_raw["distribution"], dims, ["sittings"], extra=["rate_bin", "valid"]),
            "months": _cube(cubes_raw["months"], dims, ["sittings", "invalid"], extra=["month"]),
            "meetings": _cube(cubes_raw["meetings"], dims, ["meetings", "conflicts"]),
            "violations": _cube(cubes_raw["violations"], dims, ["violations"], extra=["source", "rule"],
                                coded=["source", "rule"]),
            "themes": _cube(cubes_raw["themes"], dims, ["tasks"], extra=["theme"], coded=["theme"]),
        },
        "runs": runs,
    }
    parts = parts.chunks()
    summary["parts"] = {province: name for name, province in ((n, p["province"]) for n, p in parts.items())}
    meeting_rows, detail = _meetings_and_detail(meetings, meeting_people, members, rules, spans, texts, dims)
    summary["dims"] = dims.values  # after every encode: codes index these lists
    return {"summary": summary, "meetings": {"meetings": meeting_rows}, "parts": parts, "detail": detail}


SITTING_COLUMNS = ("meeting_id", "event", "meeting_name", "event_date", "required", "present", "attendance_rate",
                   "quorum_margin", "quorum_met", "valid", "rules")
CONFLICT_COLUMNS = ("meeting_id", "meeting_name", "event", "field", "value_a", "snippet_a", "value_b", "snippet_b")
CHECK_COLUMNS = ("rule", "meeting_id", "meeting_name", "message")
GROUP = ("y", "l", "b", "e")


class _Parts:
    """Per province ('*' = all), per filter choice "year|level|body|event" ('*' = all): who
    chaired most and the top lists, as indexes into the part's own rows. One chunk per province."""

    def __init__(self) -> None:
        self.parts: dict[str, dict[str, Any]] = {}
        self.index: dict[tuple, int] = {}
        self.part("*")  # always there, even for an empty warehouse

    def part(self, province: str) -> dict[str, Any]:
        if province not in self.parts:
            self.parts[province] = {"province": province, "groups": defaultdict(dict),
                                    "sittings": {"cols": list(SITTING_COLUMNS), "rows": []},
                                    "conflicts": {"cols": list(CONFLICT_COLUMNS), "rows": []},
                                    "checks": {"cols": list(CHECK_COLUMNS), "rows": []}}
        return self.parts[province]

    def group(self, r: Mapping[str, Any]) -> dict:
        return self.part(r["p"])["groups"]["|".join(r[g] for g in GROUP)]

    def row_of(self, province: str, table: str, key: tuple, values: Any) -> int:
        """Index of the row `key` in the part's `table`; values() makes it when new."""
        if (province, table, key) not in self.index:
            rows = self.part(province)[table]["rows"]
            self.index[(province, table, key)] = len(rows)
            rows.append(values())
        return self.index[(province, table, key)]

    def add_people(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for r in rows:
            self.group(r)["people"] = [[x["name"], x["meetings"], x["as_chair"], x["as_presider"]] for x in r["people"]]

    def add_sittings(self, rows: Iterable[Mapping[str, Any]], details_of: Any) -> None:
        """Top-list groups first as (meeting, event) keys; then one query for what they show."""
        pending: list[tuple[str, str, list[tuple[str, str]]]] = []
        for r in rows:
            for kind in ("low", "quorum", "invalid"):
                if r[kind]:
                    pending.append((r["p"], "|".join(r[g] for g in GROUP) + "\t" + kind,
                                    [(x["m"], x["v"]) for x in r[kind]]))
        wanted = sorted({m for _, _, keys in pending for m, _ in keys})
        details = {(d["meeting_id"], d["event"]): [d[c] for c in SITTING_COLUMNS] for d in details_of(wanted)}
        for province, where, keys in pending:
            key, kind = where.split("\t")
            self.part(province)["groups"][key][kind] = [
                self.row_of(province, "sittings", mk, lambda mk=mk: details[mk]) for mk in keys]

    def add_table(self, table: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
        for r in rows:
            if r[table]:
                self.group(r)[table] = [
                    self.row_of(r["p"], table, tuple(x[c] for c in columns), lambda x=x: [x[c] for c in columns])
                    for x in r[table]]

    def chunks(self) -> dict[str, dict[str, Any]]:
        names = sorted(self.parts, key=lambda p: (p != "*", p))
        return {f"part-{i}": self.parts[p] for i, p in enumerate(names)}


def _meetings_and_detail(meetings: list[dict], people: list[dict], members: list[dict], rules: list[dict],
                         spans: list[dict], texts: Mapping[str, str],
                         dims: _Dims) -> tuple[list[dict], dict[str, Any]]:
    """Listed meetings (compact, searchable) and their detail chunks (reports, facts, spans, text)."""
    names: dict[str, list[list[str]]] = defaultdict(list)
    for p in people:
        names[p["meeting_id"]].append([p["name"], p["role"]])
    by_meeting: dict[str, list[dict]] = defaultdict(list)
    for r in members:
        by_meeting[r["meeting_id"]].append(r)
    failed: dict[str, list[dict]] = defaultdict(list)
    for r in rules:
        failed[r["report_id"]].append({"rule": r["rule"], "message": r["message"]})
    per_report: dict[str, list[dict]] = defaultdict(list)
    for s in spans:
        per_report[s["report_id"]].append(s)

    rows, detail = [], {}
    for i, m in enumerate(meetings):
        chunk = f"detail-{i // MEETINGS_PER_CHUNK}"
        rows.append({
            "id": m["meeting_id"], "name": m["meeting_name"] or m["meeting_id"], "region": m["region"],
            "cell": dims.encode({**m, "event": "*"})[:4],
            "events": [dims.code("event", e) for e in sorted(m["events"] or [])],
            "started_on": m["started_on"], "reports": m["reports"], "distinct_reports": m["distinct_reports"],
            "conflicts": m["conflicts"], "people": names.get(m["meeting_id"], []), "chunk": chunk,
        })
        reports = []
        for r in by_meeting.get(m["meeting_id"], []):
            facts = [{"field": s["field"], "label": FIELD_LABELS.get(s["field"], s["field"]), "value": s["value"],
                      "start": s["start_offset"], "end": s["end_offset"], "snippet": s["snippet"]}
                     for s in per_report.get(r["report_id"], [])]
            text = texts.get(r["report_id"])
            cut = segments(text, [(str(j), f["start"], f["end"]) for j, f in enumerate(facts)]) if text else []
            reports.append({**{k: r[k] for k in ("report_id", "file_path", "title", "event", "event_date",
                                                  "year_source", "duplicate_of", "valid", "scope", "required",
                                                  "present", "absent")},
                            "rules": failed.get(r["report_id"], []), "facts": facts,
                            "segments": [[s["text"], s["spans"]] for s in cut]})
        detail.setdefault(chunk, {})[m["meeting_id"]] = {"reports": reports}
    return rows, detail


def write_dashboard(db: Path | str, out_dir: Path | str, *, docs_index: Path | str | None = None,
                    **limits: int) -> Path:
    """Build the dashboard of `db` into out_dir (see the module docstring); returns index.html.
    With docs_index, the Data Docs site next to it is pointed at local copies of its assets."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    echarts = assets.echarts_js()  # fails early, with the fix, when the assets are not installed
    links = {}
    if docs_index is not None:
        docs_index = Path(docs_index)
        if docs_index.parent.is_dir():
            localize_data_docs(docs_index.parent)
        links["Data Docs"] = os.path.relpath(docs_index.resolve(), out_dir.resolve())
    data = load_dashboard_data(db, links=links, **limits)

    version = f"data-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"
    stage = out_dir / f".{version}.tmp"
    stage.mkdir()
    _write(stage / "summary.js", chunk_script("summary", data["summary"]))
    _write(stage / "meetings.js", chunk_script("meetings", data["meetings"]))
    for name, payload in data["parts"].items():
        _write(stage / f"{name}.js", chunk_script(name, payload))
    for name, payload in data["detail"].items():
        _write(stage / f"{name}.js", chunk_script(name, payload))
    os.replace(stage, out_dir / version)

    (out_dir / "vendor").mkdir(exist_ok=True)
    _copy_if_changed(echarts, out_dir / "vendor" / "echarts.min.js")
    for name in ("app.js", "app.css"):
        _copy_if_changed(STATIC / name, out_dir / name)
    target = out_dir / "index.html"
    _write(target, render_index(version=version, generated_at=data["summary"]["generated_at"]), atomic=True)
    _prune_versions(out_dir, keep={version, *_previous_version(out_dir, version)})
    return target


def _write(path: Path, text: str, *, atomic: bool = False) -> None:
    if not atomic:
        path.write_text(text, encoding="utf-8")
        return
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _copy_if_changed(src: Path, dest: Path) -> None:
    if dest.exists() and dest.stat().st_size == src.stat().st_size and dest.read_bytes() == src.read_bytes():
        return
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _versions(out_dir: Path) -> list[str]:
    return sorted(p.name for p in out_dir.iterdir() if p.is_dir() and p.name.startswith("data-"))


def _previous_version(out_dir: Path, current: str) -> list[str]:
    older = [v for v in _versions(out_dir) if v < current]
    return older[-1:]


def _prune_versions(out_dir: Path, keep: set[str]) -> None:
    """Remove data versions other than `keep` (and stale staging folders of dead builds)."""
    for p in out_dir.iterdir():
        stale_stage = p.name.startswith(".data-") and p.name.endswith(".tmp") and not p.name.endswith(f"-{os.getpid()}.tmp")
        if p.is_dir() and ((p.name.startswith("data-") and p.name not in keep) or stale_stage):
            shutil.rmtree(p, ignore_errors=True)
