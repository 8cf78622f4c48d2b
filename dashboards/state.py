"""The dashboard's data, computed from the warehouse in proportion to what changed.

A build reads the source (the BI snapshot, or any warehouse file) read-only, in its own
in-memory DuckDB; the statements are `warehouse/sql/queries/dashboard.sql`. Its unit of work is
the cell (year, level, province, body) of a meeting: every figure the page shows is a sum or a
top list over cells (cubes, top-list items and who chaired are rows of one cell and event), so

1. a fingerprint per meeting and per cell (`new_meetings`, `new_cells`: one cheap scan of the
   meeting tables) says which cells changed since the previous build;
2. those cells' source rows are copied into a `scope` catalog, where the staging and mart
   views of `warehouse/sql/` are created over them — the very marts BI tools read, evaluated
   over the changed cells only — and their cubes, top-list items and chair counts recomputed;
3. the top lists (of each year and over all years) of the groups a changed item or chair count
   falls in are merged from the previous lists and the changes, recomputing from every row of
   the group only the few full lists a change could make inexact (star_*);
4. everything else is the previous build's.

The build's state is Parquet beside the page (`data-<version>/state/<table>/part=<name>/`):
list items and chair counts one folder per year, the lists one folder per top-list chunk
(province × year); a build writes those of its changed cells' years and of its changed chunks
and the caller hard-links the rest; cubes, cell fingerprints, the chunk index and the listed meetings
(with their fingerprints) one file each. Without a usable previous state (the first build, a
state of another key — the key hashes this code, so a build after an upgrade is full —
`full=True`) every cell is "changed", the scope is the whole source and every list is computed
from every row (not merged): the incremental and the full build must produce the same chunks
(tests/test_dashboard_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import duckdb

from warehouse.sqlfiles import SQL_DIR, migrations, named_statements, view_files

# DuckDB's share of the run's memory while the dashboard is built (the bench's 100k lake: 300 MB
# ran out reading the listed meetings' texts and spans; a full build peaks at ~570 MB RSS)
MEMORY_LIMIT = "512MB"
ALL = "all"  # '*' (all provinces, all years) in file names
# Up to this many reports, the detail chunks' reads filter on a bound list of report ids (pushed
# into the scan) rather than join (a full build's thousands: a join)
FEW_REPORTS = 1000

# State tables → the column that partitions them into files (None: one file).
# Items and people grow with the warehouse: one folder per year, and a build writes its changed
# years'; the top lists one folder per top-list chunk (province × year, `part=<y>-<province id>`),
# and a build writes those of the chunks holding a list it changed.
# The cubes (a row per filter cell) are read whole by every build for the summary, the meetings'
# fingerprints to find the changed ones: one file each.
PARTITIONED: dict[str, str | None] = {
    "cells": None, "meetings": None,
    "sitting_cube": None, "distribution": None, "months": None, "meeting_cube": None,
    "violation_cube": None, "themes": None,
    "items": "year", "people": "year", "lists": "part", "parts": None, "listed": None,
}
# The folder name of a partitioning column's value (the `{part}` of save_years).
PART_EXPR = {"year": "cast(year as varchar)", "part": "list_part(p, y)"}
# The temp table each state table is saved from.
SOURCES = {"cells": "new_cells", "meetings": "new_meetings", "items": "next_items", "people": "next_people", "lists": "new_lists",
           "parts": "new_parts", "listed": "new_listed",
           **{c: f"all_{c}" for c in ("sitting_cube", "distribution", "months", "meeting_cube", "violation_cube",
                                      "themes")}}
CUBES = ("sitting_cube", "distribution", "months", "meeting_cube", "violation_cube", "themes")
# Source tables the scope holds (by meeting or by report); the others are empty in the scope.
BY_MEETING = ("meetings", "meeting_reports", "conflicts", "meeting_checks")
BY_REPORT = ("reports", "attendance", "people", "work_report_items")


def state_key(**limits: int) -> str:
    """What a state (and the chunks linked from its version) is valid for: this code — the
    statements, the views, the builder that shapes the chunks — DuckDB's version (it makes the
    hashes), and the limits. A state with another key is not reused: the build is full."""
    h = hashlib.sha256()
    h.update(f"{duckdb.__version__}|{sorted(limits.items())}".encode())
    here = Path(__file__).resolve().parent
    for path in (SQL_DIR / "queries" / "dashboard.sql", *migrations(), *view_files(),
                 here / "state.py", here / "build.py", here / "render.py"):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


EMPTY = "part=none"  # the folder of an empty table's schema-only file


def partition_dir(year: int) -> str:
    """The folder of one year of a state table (DuckDB's hive layout)."""
    return f"part={year}"


def province_id(province: str) -> str:
    """A stable file name for a province's top-list chunks ('*' = all provinces)."""
    return ALL if province == "*" else hashlib.sha1(province.encode("utf-8")).hexdigest()[:10]


@dataclass
class Changes:
    """What a build found changed: the years recomputed, and the files of the previous state
    that stay valid (to be hard-linked by the caller)."""
    full: bool
    years: list[int]
    cells: int  # (year, level, province, body) cells recomputed
    keep: dict[str, list[str]] = field(default_factory=dict)  # table → partition folders to keep


class StateBuild:
    """One build's work database. Use as a context manager; `compute()` then the readers."""

    def __init__(self, source: Path | str, previous: Path | None, *, top_k: int, detail_meetings: int,
                 full: bool = False) -> None:
        self.q = named_statements("queries/dashboard.sql")
        self.top_k, self.detail_meetings = top_k, detail_meetings
        self.key = state_key(top_k=top_k, detail_meetings=detail_meetings)
        self.previous = None if full else _usable(previous, self.key)
        self.con = duckdb.connect()
        self.con.execute("set enable_progress_bar = false")
        # The run's process pays this step's memory: cap DuckDB, let big groupings spill.
        self.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute("set temp_directory = ?", [tempfile.gettempdir()])
        self.con.execute("set preserve_insertion_order = false")
        # One thread: the build's statements are many and small (the 20k snapshot's full build:
        # ~90 statements, none above ~0.5 s CPU), so a second thread mostly added its start-up
        # and idle spinning to the CPU the run's process pays, without a shorter wall clock
        # (measured: README Dashboard, "A full build's CPU at 20,000 reports").
        self.con.execute("set threads = 1")
        self.con.execute("attach ? as src (read_only)", [str(source)])
        self.con.execute("attach ':memory:' as scope")
        self.changes: Changes | None = None

    def __enter__(self) -> "StateBuild":
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    # ---------------------------------------------------------------- statements

    def run(self, name: str, params: Mapping[str, Any] | None = None, **fill: str) -> None:
        """Execute a named statement (or several, `;`-separated)."""
        sql = self.q[name]
        for k, v in fill.items():
            sql = sql.replace("{" + k + "}", v)
        for statement in _statements(sql):
            self.con.execute(statement, dict(params or {}) if "$" in statement else None)

    def rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """A named query's rows as dicts."""
        cur = self.con.execute(self.q[name], dict(params or {}))
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    # ---------------------------------------------------------------- the computation

    def compute(self) -> Changes:
        """Fingerprints, the changed years, their rows, and every list of the page."""
        self.run("new_meetings")
        self.run("new_cells")
        self._load_previous()
        full = self.previous is None
        if full:
            self.run("no_previous_cells")
        self.run("touched")
        years = [r[0] for r in self.con.execute("select year from touched order by year").fetchall()]
        self._scope(full)
        self.run("fresh_cubes")
        self.run("fresh_items")
        self.run("fresh_people")
        k = {"k": self.top_k}
        self.run("lists_macro")
        if full:
            self.run("no_previous_state")
            for cube in CUBES:
                self.run("old_cube", table=cube)
        for table in ("items", "people"):
            self.run("all_rows", table=table)
        for table in CUBES:
            self.run("all_cube", table=table)
        if full:  # every list from every row: a computation independent of the merge
            self.run("year_lists", k)
            self.run("star_lists_full", k)
            self.run("full_lists")
        else:
            for table in ("items", "people"):
                self.run("old_touched", table=table)
            self.run("changed_meetings")
            self.run("star_delta")
            lists = {f"part={r[0]}" for r in self.con.execute("select folder from affected_parts").fetchall()}
            self._old_lists(lists)
            self.run("star_dirty", k)
            self.run("star_merge", k)
        self.run("rendered")
        keep: dict[str, list[str]] = {}
        if not full:
            for table, column in PARTITIONED.items():
                redone = lists if table == "lists" else {partition_dir(y) for y in years}
                if column is not None:
                    keep[table] = sorted(p.name for p in (self.previous / table).iterdir()
                                         if p.is_dir() and p.name not in redone and p.name != EMPTY)
        cells = self.con.execute("select count(*) from touched_cells").fetchone()[0]
        self.changes = Changes(full=full, years=years, cells=cells, keep=keep)
        return self.changes

    def _load_previous(self) -> None:
        """Views old_<table> over the previous state's files (none: no usable previous state)."""
        if self.previous is None:
            return
        for table in PARTITIONED:
            files = sorted(str(p) for p in (self.previous / table).glob("*/*.parquet"))
            if not files:  # a table the previous build wrote no file for: not a whole state
                self.previous = None
                return
            if table == "lists":  # read by year, once the changed years are known (_old_lists)
                continue
            listed = ", ".join(f"'{_sql_path(Path(f))}'" for f in files)
            self.con.execute(f"create or replace temp view old_{table} as "
                             f"select * from read_parquet([{listed}], hive_partitioning = false)")

    def _old_lists(self, folders: set[str]) -> None:
        """Table old_lists: the previous lists of the chunks holding a changed group (their
        state folders): the only ones a build merges (the other chunks' files are linked)."""
        assert self.previous is not None
        files = sorted(str(p) for p in (self.previous / "lists").glob("*/*.parquet") if p.parent.name in folders)
        if not files:  # no previous list in those chunks: the schema of any file
            files = sorted(str(p) for p in (self.previous / "lists").glob("*/*.parquet"))[:1]
            where = " where false"
        else:
            where = ""
        listed = ", ".join(f"'{_sql_path(Path(f))}'" for f in files)
        self.con.execute(f"create or replace temp table old_lists as "
                         f"select * from read_parquet([{listed}], hive_partitioning = false){where}")

    def _scope(self, full: bool) -> None:
        """The source rows of the changed years in catalog `scope` (a full build: views over
        the whole source), with the staging and mart views of warehouse/sql/ over them. The
        scope's tables are made by this code's migrations first, so the views bind whatever
        version wrote the source; the tables the dashboard reads are then the source's rows."""
        present = {r[0] for r in self.con.execute(self.q["source_tables"]).fetchall()}
        self._in("scope", lambda: [self.con.execute(path.read_text(encoding="utf-8")) for path in migrations()])
        self.run("scope_meetings")
        if not full:
            self.run("scope_reports")
        self.partitioned = {r[0] for r in self.con.execute(self.q["partitioned_tables"]).fetchall()}
        scope_prune = "" if full else self._prune("scope.dash_scope_reports")
        for name in (*BY_MEETING, *BY_REPORT, "quarantine"):
            if name not in present:
                continue
            self.run("scope_drop", table=name)
            if full:
                self.run("scope_view", table=name)
            else:
                where = ("where_meeting" if name in BY_MEETING else
                         "where_report" if name in BY_REPORT else "where_quarantine")
                self.run("scope_table", table=name, where=self.q[where],
                         prune=scope_prune if name in self.partitioned else "")
        self._in("scope", lambda: [self.con.execute(path.read_text(encoding="utf-8")) for path in view_files()])
        self.run("materialize_sittings")

    def _prune(self, reports: str) -> str:
        """A filter naming the lake partitions of the reports in table `reports`, for reads of
        report tables; empty when the source is not partitioned (a warehouse, a full copy).
        Every report-keyed table the reads touch must then be partitioned like `reports`."""
        if not {"reports", "attendance", "fact_spans", "report_texts"} <= self.partitioned:
            return ""
        years = [r[0] for r in self.con.execute(self.q["report_partitions"].replace("{reports}", reports)).fetchall()]
        named = [f"lake_year in ({', '.join(str(int(y)) for y in sorted(y for y in years if y is not None))})"
                 ] if any(y is not None for y in years) else []
        if None in years:
            named.append("lake_year is null")
        return f" and ({' or '.join(named)})" if named else " and false"

    def _in(self, catalog: str, work: Any) -> Any:
        """Run `work` with `catalog` as the default one (unqualified names resolve there)."""
        self.con.execute(f"use {catalog}")
        try:
            return work()
        finally:
            self.con.execute("use memory")

    # ---------------------------------------------------------------- state files

    def save(self, dest: Path) -> None:
        """Write the new state's partitions of the changed years (the small tables whole) under
        `dest`, one COPY per table; the caller links the kept partitions of the previous state
        beside them, then calls finish_state."""
        assert self.changes is not None
        dest.mkdir(parents=True, exist_ok=True)
        for table, column in PARTITIONED.items():
            fill = {"source": SOURCES[table], "target": _sql_path(dest / table)}
            if column is None:
                (dest / table / "part=all").mkdir(parents=True)
                self.run("save_whole", **fill)
            else:
                self.run("save_years", part=PART_EXPR[column], **fill)

    def finish_state(self, dest: Path) -> None:
        """After the kept partitions are linked: a table left without any file gets an empty
        one, so the next build reads its schema; then the key that makes the state usable."""
        for table, column in PARTITIONED.items():
            if column is not None and not any((dest / table).glob("*/*.parquet")):
                (dest / table / EMPTY).mkdir(parents=True, exist_ok=True)
                self.run("save_empty", source=SOURCES[table], target=_sql_path(dest / table / EMPTY))
        (dest / "KEY").write_text(self.key, encoding="ascii")

    # ---------------------------------------------------------------- readers of the result

    def summary_cubes(self, shapes: Mapping[str, tuple[Sequence[str], Sequence[str], Sequence[str]]]
                      ) -> tuple[dict[str, list[Any]], dict[str, str]]:
        """The filter values ({dim: sorted values}) and every cube as JSON text {"cols", "dicts",
        "rows"}: rows [dim codes…, extras…, measures…], the `coded` extras as codes into dicts.
        Encoded in the database: the cubes hold a row per filter cell of every year."""
        self.run("dims")
        dims: dict[str, list[Any]] = {}
        for dim, value in self.con.execute(self.q["dim_values"]).fetchall():
            dims.setdefault(dim, []).append(int(value) if dim == "year" else value)
        out = {}
        for cube, (extra, measures, coded) in shapes.items():
            columns, joins, order, dicts = "", "", "", {}
            for c in extra:
                if c in coded:
                    self.run("cube_dict", column=c, cube=cube)
                    columns += f", d_{c}.code"
                    joins += f"\nleft join dict_{c} as d_{c} on d_{c}.value is not distinct from c.{c}"
                    dicts[c] = [r[0] for r in self.con.execute(self.q["dict_values"].replace("{column}", c)).fetchall()]
                else:
                    columns += f", c.{c}"
                order += f", c.{c}"
            columns += "".join(f", c.{m}" for m in measures)
            sql = (self.q["cube_json"].replace("{columns}", columns).replace("{order}", order)
                   .replace("{joins}", joins).replace("{cube}", cube))
            rows = self.con.execute(sql).fetchone()[0]
            cols = ["year", "level", "province", "body", "event", *extra, *measures]
            out[cube] = ('{"cols":' + json.dumps(cols, separators=(",", ":"))
                         + ',"dicts":' + json.dumps(dicts, ensure_ascii=False) + ',"rows":[' + rows + "]}")
        return dims, out

    def parts_to_render(self) -> list[tuple[str, str]]:
        """(province, y) of the list chunks this build writes: those holding a list it merged or
        recomputed (a full build: all); `new_parts` lists every chunk that exists."""
        self.run("new_parts")
        return [(r[0], r[1]) for r in self.con.execute(self.q["rendered_parts"]).fetchall()]

    def all_parts(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.con.execute(self.q["all_parts"]).fetchall()]

    def listing(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """The meetings the page lists (rows, most recent first), the ids whose detail chunk
        must be written (new in the list, or changed), and those whose previous chunk holds."""
        self.run("window", {"limit": max(0, self.detail_meetings)})
        self.run("listing_plan")
        sql = self.q["listed_rows"].rstrip().rstrip(";")
        # most are meetings of the changed years, in the scope; the rest are read from the source
        for catalog, in_scope in (("scope", True), ("src", False)):
            self._in(catalog, lambda: self.con.execute(f"create or replace temp table got_{catalog} as {sql}",
                                                       {"in_scope": in_scope}))
        self.run("new_listed")
        return (self.rows("listing_rows"), [r[0] for r in self.con.execute(self.q["listing_written"]).fetchall()],
                [r[0] for r in self.con.execute(self.q["listing_kept"]).fetchall()])

    def details(self, meeting_ids: Sequence[str], batch: int = 100) -> Iterable[tuple[str, str]]:
        """(meeting id, detail chunk JSON) of these meetings: reports, failed rules, fact spans
        and texts read from the source once, composed into JSON by DuckDB `batch` meetings at a
        time (Python holds one batch's text, never its rows as objects)."""
        self.con.execute("create or replace temp table want as select unnest($ids::varchar[]) as meeting_id",
                         {"ids": list(meeting_ids)})
        self.run("detail_reports")
        reports = [r[0] for r in self.con.execute("select distinct report_id from detail_reports").fetchall()]
        few = len(reports) <= FEW_REPORTS
        self.run("detail_fetch", {"reports": reports} if few else None, prune=self._prune("detail_reports"),
                 wanted=self.q["wanted_listed" if few else "wanted_joined"])
        for start in range(0, len(meeting_ids), batch):
            ids = {"ids": list(meeting_ids[start:start + batch])}
            yield from self.con.execute(self.q["detail_chunks"], ids).fetchall()
        for table in ("detail_reports", "detail_members", "detail_rules", "detail_spans", "detail_texts"):
            self.con.execute(f"drop table {table}")

    def release_state(self) -> None:
        """Once the state is saved, its tables are no longer needed (only the listing's)."""
        self.run("drop_state")

    def release_scope(self) -> None:
        """The scope's copies are no longer needed once the lists and the listing are made."""
        self.con.execute("detach scope")

    def totals(self) -> dict[str, Any]:
        return self.rows("totals")[0]

    def runs(self, limit: int) -> list[dict[str, Any]]:
        return self.rows("runs", {"limit": limit})

    def list_entries(self) -> Iterable[tuple]:
        """(p, y, l, b, e, kind, item) of the lists to render, in chunk order."""
        cur = self.con.execute(self.q["list_entries"])
        while batch := cur.fetchmany(5000):
            yield from batch


def _usable(previous: Path | None, key: str) -> Path | None:
    if previous is None or not (previous / "KEY").is_file():
        return None
    return previous if (previous / "KEY").read_text(encoding="ascii").strip() == key else None


def _statements(sql: str) -> list[str]:
    """Split a named section into statements at `;` ending a line (the files' convention)."""
    out, buf = [], []
    for line in sql.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";"):
            text = "\n".join(buf).strip()
            if text.strip(";").strip() and not all(l.strip().startswith("--") or not l.strip() for l in buf):
                out.append(text)
            buf = []
    rest = "\n".join(buf).strip()
    if rest and not all(l.strip().startswith("--") or not l.strip() for l in buf):
        out.append(rest)
    return out


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
