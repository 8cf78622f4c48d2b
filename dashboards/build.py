"""Write the dashboard folder: shape the data of dashboards/state.py into chunks the page loads
(dashboards/render.py), copy the page, its script and the vendored chart library.

What the folder holds, and why its size is bounded whatever the warehouse holds:
- `index.html`, `app.js`, `app.css`, `vendor/echarts.min.js`: the page;
- `data-<version>/summary.js`: the additive cubes of the dashboard marts (sittings, attendance
  distribution, months, meetings, violations, key-task themes), sized by the number of distinct
  years × levels × provinces × bodies × events, and the runs;
- `data-<version>/meetings.js`: the meetings the page lists, searches and opens (at most
  `detail_meetings`, every year/level/province/body cell represented before any gets more);
- `data-<version>/parts/<year|all>/<province|all>.js`: the top lists of one province (or all) and
  one year (or all years) for every choice of the other filters — who chaired most, lowest
  attendance, quorum failures, invalid sittings, conflicts, cross-report findings — loaded when
  that province and year are chosen;
- `data-<version>/m/<meeting>.js`: the reports, facts and texts of one listed meeting, loaded when
  it is opened (composed by DuckDB; the page cuts each text at its facts' spans);
- `data-<version>/state/`: the build's state (Parquet, see dashboards/state.py), from which the next
  build recomputes only the cells (year, level, province, body) and top lists that changed.

A build writes a new `data-<version>/` folder: the chunks and state files of what changed are
written, every other file is a hard link to the previous version's. Then it replaces `index.html`
(which names the version) in one rename and removes versions older than the previous one: an open
page keeps loading chunks of the version it started with and never sees a half-written one. The
page loads data as `<script>` chunks because `file://` pages cannot fetch() local files; its
Content-Security-Policy allows scripts from the folder only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from dashboards import assets
from dashboards.datadocs import localize_data_docs
from dashboards.render import chunk_script, json_default as _json_default, raw_chunk_script, render_index
from dashboards.state import ALL, CUBES, StateBuild, province_id

DETAIL_MEETINGS = 2000   # meetings listed with their reports and texts (the rest: BI snapshot)
TOP_K = 10               # rows of each top list, per filter cell
RUNS = 20
DIMS = ("year", "level", "province", "body", "event")
STATIC = Path(__file__).resolve().parent / "static"
# Columns of the list items (the JSON arrays of queries/dashboard.sql fresh_items), per table.
SITTING_COLUMNS = ("meeting_id", "event", "meeting_name", "event_date", "required", "present", "attendance_rate",
                   "quorum_margin", "quorum_met", "valid", "rules")
CONFLICT_COLUMNS = ("meeting_id", "meeting_name", "event", "field", "value_a", "snippet_a", "value_b", "snippet_b")
CHECK_COLUMNS = ("rule", "meeting_id", "meeting_name", "message")
TABLE_OF = {"low": "sittings", "quorum": "sittings", "invalid": "sittings", "conflicts": "conflicts",
            "checks": "checks"}
CUBE_SHAPES = {  # cube → (extra columns, measures, coded extras)
    "sitting_cube": ((), ("sittings", "invalid", "with_counts", "valid_with_counts", "required", "present",
                          "below_quorum", "below_quorum_invalid", "reports", "distinct_reports"), ()),
    "distribution": (("rate_bin", "valid"), ("sittings",), ()),
    "months": (("month",), ("sittings", "invalid"), ()),
    "meeting_cube": ((), ("meetings", "conflicts"), ()),
    "violation_cube": (("source", "rule"), ("violations",), ("source", "rule")),
    "themes": (("theme",), ("tasks",), ("theme",)),
}
PAGE_CUBES = {"sitting_cube": "sittings", "distribution": "distribution", "months": "months",
              "meeting_cube": "meetings", "violation_cube": "violations", "themes": "themes"}


def dashboard_dir_for(warehouse: Path | str) -> Path:
    """Where a run writes its dashboard: next to the warehouse (data/dashboard by default)."""
    return Path(warehouse).parent / "dashboard"


def write_dashboard(db: Path | str, out_dir: Path | str, *, docs_index: Path | str | None = None,
                    full: bool = False, detail_meetings: int = DETAIL_MEETINGS, top_k: int = TOP_K) -> Path:
    """Build the dashboard of `db` into out_dir (see the module docstring); returns index.html.
    Recomputes only what changed since the build `out_dir` holds, unless `full`. With
    docs_index, the Data Docs site next to it is pointed at local copies of its assets."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    echarts = assets.echarts_js()  # fails early, with the fix, when the assets are not installed
    links = {}
    if docs_index is not None:
        docs_index = Path(docs_index)
        if docs_index.parent.is_dir():
            localize_data_docs(docs_index.parent)
        links["Data Docs"] = os.path.relpath(docs_index.resolve(), out_dir.resolve())
    previous = _current_version(out_dir)
    version = f"data-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"
    stage = out_dir / f".{version}.tmp"
    stage.mkdir()
    try:
        generated_at, first_part = _build(db, previous, stage, links=links, full=full,
                                          detail_meetings=detail_meetings, top_k=top_k)
        os.replace(stage, out_dir / version)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    (out_dir / "vendor").mkdir(exist_ok=True)
    _copy_if_changed(echarts, out_dir / "vendor" / "echarts.min.js")
    for name in ("app.js", "app.css"):
        _copy_if_changed(STATIC / name, out_dir / name)
    target = out_dir / "index.html"
    _write(target, render_index(version=version, generated_at=generated_at, first_part=first_part), atomic=True)
    _prune_versions(out_dir, keep={version, *([previous.name] if previous else [])})
    return target


def _build(db: Path | str, previous: Path | None, stage: Path, *, links: Mapping[str, str], full: bool,
           detail_meetings: int, top_k: int) -> tuple[str, str | None]:
    """Everything of one version into `stage`; returns its generated_at and the top-list chunk
    the page loads with it (all provinces, all years; None when the warehouse has none)."""
    with StateBuild(db, previous / "state" if previous else None, top_k=top_k, detail_meetings=detail_meetings,
                    full=full) as b:
        changes = b.compute()
        dim_values, cubes = b.summary_cubes(CUBE_SHAPES)
        listed, write_ids, keep_ids = b.listing()
        b.release_scope()
        dims = _Dims(dim_values)
        generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

        # top lists: the chunks holding a list that changed, the rest linked
        rendered = set(b.parts_to_render())
        for (p, y), text in _parts(b.list_entries()):
            name = _part_name(p, y)  # written, or linked when the previous version's is the same
            _write_or_link(stage, previous, name + ".js", raw_chunk_script(name, text))
        if previous is not None and not changes.full:
            for p, y in b.all_parts():
                if (p, y) not in rendered:
                    _link(previous / f"{_part_name(p, y)}.js", stage / f"{_part_name(p, y)}.js")
        parts = sorted(_part_name(p, y) for p, y in b.all_parts())

        # the state, before the detail chunks: its tables are then dropped, DuckDB's memory
        # goes to the texts
        state = stage / "state"
        b.save(state)
        for table, folders in changes.keep.items():
            for folder in folders:
                for f in (previous / "state" / table / folder).iterdir():
                    _link(f, state / table / folder / f.name)
        b.finish_state(state)
        b.release_state()

        # meetings: the list, and one detail chunk per listed meeting (changed ones written)
        meeting_rows = [_meeting_row(m, dims) for m in listed]
        _write(stage / "meetings.js", chunk_script("meetings", {"meetings": meeting_rows}))
        for mid in keep_ids:
            _link(previous / f"{_meeting_chunk(mid)}.js", stage / f"{_meeting_chunk(mid)}.js")
        # one read of the source for all of them (each read of a big table scans it), composed
        # into chunks by DuckDB a batch of meetings at a time
        for mid, payload in (b.details(write_ids) if write_ids else ()):
            _write(stage / f"{_meeting_chunk(mid)}.js", raw_chunk_script(_meeting_chunk(mid), payload), mkdir=True)

        summary = {
            "generated_at": generated_at,
            "source": str(db),
            "links": dict(links),
            "totals": b.totals(),
            "detail_meetings": detail_meetings,
            "top_k": top_k,
            "cubes": "@CUBES@",
            "runs": b.runs(RUNS),
            "provinces": {p: province_id(p) for p in ["*", *dims.values["province"]]},
            "parts": parts,
            "dims": dims.values,
            "build": {"full": changes.full, "years": [y for y in changes.years], "cells": changes.cells,
                      "chunks": len(rendered)},
        }
        cube_text = "{" + ",".join(f"{json.dumps(PAGE_CUBES[c])}:{cubes[c]}" for c in CUBES) + "}"
        body = json.dumps(summary, ensure_ascii=False, separators=(",", ":"), default=_json_default)
        _write(stage / "summary.js", raw_chunk_script("summary", body.replace('"@CUBES@"', cube_text, 1)))

    first = _part_name("*", "*")
    return generated_at, (first if first in parts else None)


class _Dims:
    """Dictionary-encodes the filter dimensions: rows carry small integers (positions in each
    dimension's sorted values, as the summary's cubes do), the page the names."""

    def __init__(self, values: Mapping[str, list[Any]]) -> None:
        self.values = {d: list(values.get(d, [])) for d in DIMS}
        self._index = {d: {v: i for i, v in enumerate(vals)} for d, vals in self.values.items()}

    def code(self, dim: str, value: Any) -> int:
        return self._index[dim][value]

    def encode(self, row: Mapping[str, Any]) -> list[int]:
        return [self.code(d, row[d]) for d in DIMS]


def _part_name(province: str, y: str) -> str:
    return f"parts/{ALL if y == '*' else y}/{province_id(province)}"


def _parts(entries: Iterable[tuple]) -> Iterable[tuple[tuple[str, str], str]]:
    """List entries (p, y, l, b, e, kind, item JSON) in chunk order → ((p, y), chunk JSON text).
    A chunk: {"province", "year", "groups": {"l|b|e": {kind: [row index…] or people rows}},
    "sittings"/"conflicts"/"checks": {"cols", "rows"}} — each table row once per chunk."""
    current: tuple[str, str] | None = None
    groups: dict[str, dict[str, list]] = {}
    tables: dict[str, dict[str, int]] = {}

    def finish() -> tuple[tuple[str, str], str]:
        p, y = current  # type: ignore[misc]
        parts = [f'"province":{json.dumps(p, ensure_ascii=False)}', f'"year":{json.dumps(y)}']
        parts.append('"groups":{' + ",".join(
            f'{json.dumps(key, ensure_ascii=False)}:{{' + ",".join(
                f'"{kind}":[' + ",".join(v if kind == "people" else map(str, v)) + "]"
                for kind, v in kinds.items()) + "}"
            for key, kinds in groups.items()) + "}")
        for table, cols in (("sittings", SITTING_COLUMNS), ("conflicts", CONFLICT_COLUMNS), ("checks", CHECK_COLUMNS)):
            rows = tables.get(table, {})
            parts.append(f'"{table}":{{"cols":{json.dumps(list(cols))},"rows":[' + ",".join(rows) + "]}")
        return current, "{" + ",".join(parts) + "}"  # type: ignore[return-value]

    for p, y, l, b, e, kind, item in entries:
        if (p, y) != current:
            if current is not None:
                yield finish()
            current, groups, tables = (p, y), {}, {}
        kinds = groups.setdefault(f"{l}|{b}|{e}", {})
        if kind == "people":
            kinds.setdefault(kind, []).append(item)
        else:
            rows = tables.setdefault(TABLE_OF[kind], {})
            kinds.setdefault(kind, []).append(rows.setdefault(item, len(rows)))
    if current is not None:
        yield finish()


_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _meeting_chunk(meeting_id: str) -> str:
    """The detail chunk of a meeting: `m/<id>` (ids are hex; anything else is hashed)."""
    import hashlib

    return "m/" + (meeting_id if _SAFE_ID.match(meeting_id) else hashlib.sha1(meeting_id.encode()).hexdigest())


def _meeting_row(m: Mapping[str, Any], dims: _Dims) -> dict[str, Any]:
    return {
        "id": m["meeting_id"], "name": m["meeting_name"] or m["meeting_id"], "region": m["region"],
        "cell": dims.encode({**m, "event": "*"})[:4],
        "events": [dims.code("event", e) for e in (m["events"] or [])],
        "started_on": m["started_on"], "reports": m["reports"], "distinct_reports": m["distinct_reports"],
        "conflicts": m["conflicts"], "people": [[name, role] for role, name in (m["people"] or [])],
        "chunk": _meeting_chunk(m["meeting_id"]),
    }


# ------------------------------------------------------------------ files


def _write(path: Path, text: str, *, atomic: bool = False, mkdir: bool = False) -> None:
    if mkdir:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not atomic:
        path.write_text(text, encoding="utf-8")
        return
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _link(src: Path, dest: Path) -> None:
    """dest becomes the same file as src (a hard link; a copy where links are not possible)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _write_or_link(stage: Path, previous: Path | None, name: str, text: str) -> None:
    """Write a chunk, or link the previous version's when it holds exactly this text."""
    data = text.encode("utf-8")
    old = previous / name if previous is not None else None
    if old is not None and old.is_file() and old.stat().st_size == len(data) and old.read_bytes() == data:
        _link(old, stage / name)
        return
    (stage / name).parent.mkdir(parents=True, exist_ok=True)
    (stage / name).write_bytes(data)


def _copy_if_changed(src: Path, dest: Path) -> None:
    if dest.exists() and dest.stat().st_size == src.stat().st_size and dest.read_bytes() == src.read_bytes():
        return
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _current_version(out_dir: Path) -> Path | None:
    """The data version the folder's index.html names (the page readers have open)."""
    index = out_dir / "index.html"
    if not index.is_file():
        return None
    m = re.search(r'<meta name="congress-data" content="(data-[^"]+)"', index.read_text(encoding="utf-8"))
    if not m or not (out_dir / m.group(1)).is_dir():
        return None
    return out_dir / m.group(1)


def _prune_versions(out_dir: Path, keep: set[str]) -> None:
    """Remove data versions other than `keep` (and stale staging folders of dead builds)."""
    for p in out_dir.iterdir():
        stale_stage = p.name.startswith(".data-") and p.name.endswith(".tmp") and not p.name.endswith(f"-{os.getpid()}.tmp")
        if p.is_dir() and ((p.name.startswith("data-") and p.name not in keep) or stale_stage):
            shutil.rmtree(p, ignore_errors=True)


__all__ = ["DETAIL_MEETINGS", "TOP_K", "dashboard_dir_for", "write_dashboard"]
