"""The dashboard's data, computed from the warehouse in proportion to what changed.

A build reads the source (the BI snapshot, or any warehouse file) read-only, in its own
in-memory DuckDB; the statements are `warehouse/sql/queries/dashboard.sql`. Its unit of work is
the meeting year: every figure the page shows belongs to the year of its meeting (cubes, top
lists of one year, who chaired), so

1. a fingerprint per meeting and per year (`new_meetings`, `new_years`: one cheap scan of the
   meeting tables) says which years changed since the previous build;
2. those years' source rows are copied into a `scope` catalog, where the staging and mart
   views of `warehouse/sql/` are created over them — the very marts BI tools read, evaluated
   over the changed years only — and their cubes, top-list items and chair counts recomputed;
3. the lists over all years (`y = '*'`) are merged from the previous lists and the changed rows,
   recomputing from every row only the few groups a change could make inexact (star_dirty);
4. everything of the unchanged years is the previous build's.

The build's state (cubes, list items, chair counts, lists, meeting fingerprints, the listed
meetings) is Parquet beside the page, one file per year (`state/<table>/<year>.parquet`): a
build rewrites the files of the changed years and the caller hard-links the rest. Without a
usable previous state (first build, other format, `full=True`) every year is "changed" and the
scope is the whole source: the same statements then give the full build, so incremental and full
builds produce the same data (tests/test_dashboard_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import duckdb

from warehouse.sqlfiles import SQL_DIR, named_statements, view_files
from warehouse.tables import TABLES, VIEW

MEMORY_LIMIT = "500MB"  # DuckDB's share of the run's memory while the dashboard is built
STATE_FORMAT = 1        # bump when the state's tables change shape
ALL = "all"             # file name of the all-years partition (y = '*')

# State tables → the column that partitions them into files (None: one file).
PARTITIONED: dict[str, str | None] = {
    "years": None,
    "sitting_cube": "year", "distribution": "year", "months": "year", "meeting_cube": "year",
    "violation_cube": "year", "themes": "year",
    "items": "year", "people": "year", "star_lists": None, "parts": None, "listed": None,
}
CUBES = ("sitting_cube", "distribution", "months", "meeting_cube", "violation_cube", "themes")
# Source tables the scope holds (by meeting or by report); the others are empty in the scope.
BY_MEETING = ("meetings", "meeting_reports", "conflicts", "meeting_checks")
BY_REPORT = ("reports", "attendance", "people", "work_report_items")


def state_key(**limits: int) -> str:
    """What a state is valid for: this code's statements and views, DuckDB's version (hashes),
    the format and the limits. A state with another key is not reused."""
    h = hashlib.sha256()
    h.update(f"{STATE_FORMAT}|{duckdb.__version__}|{sorted(limits.items())}".encode())
    for path in (SQL_DIR / "queries" / "dashboard.sql", *view_files()):
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
    keep: dict[str, list[str]] = field(default_factory=dict)  # table → partition files to keep


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

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(self.q.get(sql, sql), dict(params or {}))
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    # ---------------------------------------------------------------- the computation

    def compute(self) -> Changes:
        """Fingerprints, the changed years, their rows, and every list of the page."""
        self.run("new_meetings")
        self.run("new_years")
        self._load_previous()
        full = self.previous is None
        if full:
            years = [r[0] for r in self.con.execute("select year from new_years order by year").fetchall()]
        else:
            years = [r[0] for r in self.con.execute(self.q["touched_years"]).fetchall()]
        self.con.execute("create or replace temp table touched as select unnest($y::integer[]) as year", {"y": years})
        self._scope(full)
        self.run("fresh_cubes")
        self.run("fresh_items")
        self.run("fresh_people")
        k = {"k": self.top_k}
        self.run("lists_macro")
        self.run("year_lists", k)
        # Every row of the page's years: the previous build's where unchanged, the fresh ones.
        for table in ("items", "people", *CUBES):
            fresh = f"fresh_{table}"
            old = "" if full else f"select * from old_{table} where year not in (select year from touched) union all "
            self.con.execute(f"create or replace temp view all_{table} as {old}select * from {fresh}")
        if full:
            self.run("star_lists_full", k)
        else:
            for table in ("items", "people"):
                self.con.execute(f"create or replace temp view old_{table}_touched as "
                                 f"select * from old_{table} where year in (select year from touched)")
            self.run("star_delta")
            self.run("star_dirty")
            self.run("star_merge", k)
        keep: dict[str, list[str]] = {}
        if not full:
            redone = {partition_dir(y) for y in years}
            for table, column in PARTITIONED.items():
                if column is not None:
                    keep[table] = sorted(p.name for p in (self.previous / table).iterdir()
                                         if p.is_dir() and p.name not in redone and p.name != EMPTY)
        self.changes = Changes(full=full, years=years, keep=keep)
        return self.changes

    def _load_previous(self) -> None:
        if self.previous is None:
            return
        for table in PARTITIONED:
            files = sorted(str(p) for p in (self.previous / table).glob("*/*.parquet"))
            if not files:  # a table the previous build wrote no rows to: no previous state at all
                self.previous = None
                return
            listed = ", ".join(f"'{_sql_path(Path(f))}'" for f in files)
            self.con.execute(f"create or replace temp view old_{table} as "
                             f"select * from read_parquet([{listed}], hive_partitioning = false)")

    def _scope(self, full: bool) -> None:
        """The source rows of the changed years in catalog `scope`, with the views over them."""
        present = {r[0] for r in self.con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src'").fetchall()}
        if not full:
            self.run("scope_meetings")
            self.run("scope_reports")
        for t in TABLES:
            if t.write == VIEW or t.name not in present:
                continue
            if full:
                self.run("scope_view", table=t.name)
                continue
            where = ("where_meeting" if t.name in BY_MEETING else "where_report" if t.name in BY_REPORT
                     else "where_quarantine" if t.name == "quarantine" else "where_none")
            self.run("scope_table", table=t.name, where=self.q[where])
        self.con.execute("use scope")
        try:
            for path in view_files():
                self.con.execute(path.read_text(encoding="utf-8"))
        finally:
            self.con.execute("use memory")
        self.run("materialize_sittings")

    # ---------------------------------------------------------------- state files

    def save(self, dest: Path) -> None:
        """Write the new state's partitions of the changed years (and of all years, for the
        lists; the small tables whole) under `dest`, one COPY per table; the caller links the
        kept partitions of the previous state beside them, then calls finish_state."""
        assert self.changes is not None
        dest.mkdir(parents=True, exist_ok=True)
        sources = {
            "years": "select * from new_years",
            "items": "select * from fresh_items", "people": "select * from fresh_people",
            "star_lists": "select * from star_lists",
            "parts": "select * from new_parts",
            "listed": "select * from new_listed",
            **{c: f"select * from fresh_{c}" for c in CUBES},
        }
        for table, column in PARTITIONED.items():
            target = _sql_path(dest / table)
            if column is None:
                (dest / table / "part=all").mkdir(parents=True)
                self.con.execute(f"copy ({sources[table]}) to '{target}/part=all/data_0.parquet' (format parquet)")
                continue
            self.con.execute(f"copy (select *, cast({column} as varchar) as part from ({sources[table]})) to '{target}' "
                             "(format parquet, partition_by (part), write_partition_columns false, overwrite_or_ignore)")

    def finish_state(self, dest: Path) -> None:
        """After the kept partitions are linked: a table left without any file gets an empty
        one, so the next build reads its schema; then the key that makes the state usable."""
        empties = {"items": "fresh_items", "people": "fresh_people",
                   **{c: f"fresh_{c}" for c in CUBES}}
        for table, source in empties.items():
            if not any((dest / table).glob("*/*.parquet")):
                (dest / table / EMPTY).mkdir(parents=True, exist_ok=True)
                self.con.execute(f"copy (select * from {source} limit 0) to "
                                 f"'{_sql_path(dest / table / EMPTY / 'data_0.parquet')}' (format parquet)")
        (dest / "KEY").write_text(self.key, encoding="ascii")

    # ---------------------------------------------------------------- readers of the result

    def summary_cubes(self, shapes: Mapping[str, tuple[Sequence[str], Sequence[str], Sequence[str]]]
                      ) -> tuple[dict[str, list[Any]], dict[str, str]]:
        """The filter values ({dim: sorted values}) and every cube as JSON text {"cols", "dicts",
        "rows"}: rows [dim codes…, extras…, measures…], the `coded` extras as codes into dicts.
        Encoded in the database: the cubes hold a row per filter cell of every year."""
        self.run("dims")
        dims: dict[str, list[Any]] = {}
        for dim, value in self.con.execute("select dim, value from dims order by dim, code").fetchall():
            dims.setdefault(dim, []).append(int(value) if dim == "year" else value)
        out = {}
        for cube, (extra, measures, coded) in shapes.items():
            columns, joins, order, dicts = "", "", "", {}
            for c in extra:
                if c in coded:
                    self.run("cube_dict", column=c, cube=cube)
                    columns += f", d_{c}.code"
                    joins += f"\nleft join dict_{c} as d_{c} on d_{c}.value is not distinct from c.{c}"
                    dicts[c] = [r[0] for r in self.con.execute(f"select value from dict_{c} order by code").fetchall()]
                else:
                    columns += f", c.{c}"
                order += f", c.{c}"
            columns += "".join(f", c.{m}" for m in measures)
            sql = (self.q["cube_json"].replace("{columns}", columns).replace("{order}", order)
                   .replace("{joins}", joins).replace("{cube}", cube))
            rows = self.con.execute(sql).fetchone()[0]
            out[cube] = ('{"cols":' + json.dumps(["year", "level", "province", "body", "event", *extra, *measures])
                         + ',"dicts":' + json.dumps(dicts, ensure_ascii=False) + ',"rows":[' + rows + "]}")
        return dims, out

    def parts_to_render(self) -> list[tuple[str, str]]:
        """(province, y) of the list chunks this build writes: every province of the changed
        years and of the all-years lists; `new_parts` lists every chunk that exists."""
        assert self.changes is not None
        kept = "" if self.changes.full else (
            "select p, y from old_parts where y <> '*' and y not in (select cast(year as varchar) from touched) "
            "union all ")
        self.con.execute(f"create or replace temp table new_parts as select distinct p, y from ({kept}"
                         "select p, y from fresh_lists union all select p, y from star_lists)")
        return [(r[0], r[1]) for r in self.con.execute(
            "select distinct p, y from (select p, y from fresh_lists union all select p, y from star_lists) "
            "order by all").fetchall()]

    def all_parts(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.con.execute("select p, y from new_parts order by all").fetchall()]

    def listing(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """The meetings the page lists (rows in window order), the ids whose detail chunk must be
        written (new in the list, or changed), and those whose previous chunk stays valid."""
        assert self.changes is not None
        self.con.execute(f"create or replace temp table listed_window as select row_number() over () as rank, * "
                         f"from ({self.q['window'].rstrip().rstrip(';')})", {"limit": max(0, self.detail_meetings)})
        reuse = "false" if self.changes.full else (
            "exists (select 1 from old_listed as o where o.meeting_id = w.meeting_id and o.fp = w.fp)")
        self.con.execute(f"create or replace temp table listed_plan as select w.*, {reuse} as reused "
                         "from listed_window as w")
        self.con.execute("create or replace temp table want as select meeting_id from listed_plan where not reused")
        fetched = []
        for catalog, where in (("scope", "in"), ("src", "not in")):
            if self.changes.full and catalog == "src":
                continue  # the full build's scope is the whole source
            name = f"got_{catalog}"
            self.con.execute(f"use {catalog}")
            try:
                self.con.execute(
                    f"create or replace temp table {name} as {self.q['listed_rows'].rstrip().rstrip(';')} "
                    f"and d.meeting_id {where} (select meeting_id from scope.dash_scope_meetings)"
                    if not self.changes.full else
                    f"create or replace temp table {name} as {self.q['listed_rows'].rstrip().rstrip(';')}")
            finally:
                self.con.execute("use memory")
            fetched.append(f"select * from {name}")
        old = "" if self.changes.full else (
            "select w.rank, w.fp, o.* exclude (rank, fp) from listed_plan as w "
            "inner join old_listed as o on o.meeting_id = w.meeting_id where w.reused union all by name ")
        self.con.execute(
            "create or replace temp table new_listed as select * from ("
            f"{old}select w.rank, w.fp, g.* from listed_plan as w inner join ("
            f"{' union all by name '.join(fetched)}) as g on g.meeting_id = w.meeting_id) order by rank")
        rows = self.rows("select * exclude (rank, fp) from new_listed order by started_on desc nulls last, meeting_id")
        write = [r[0] for r in self.con.execute(
            "select meeting_id from listed_plan where not reused order by rank").fetchall()]
        keep = [r[0] for r in self.con.execute(
            "select meeting_id from listed_plan where reused order by rank").fetchall()]
        return rows, write, keep

    def detail_rows(self, meeting_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Reports, failed rules, fact spans and texts of these meetings (read from the source)."""
        self.con.execute("create or replace temp table want as select unnest($ids::varchar[]) as meeting_id",
                         {"ids": list(meeting_ids)})
        members = self.rows("meeting_reports")
        self.con.execute("create or replace temp table want_reports as select unnest($ids::varchar[]) as report_id",
                         {"ids": sorted({r["report_id"] for r in members})})
        return {"members": members, "rules": self.rows("report_rules"), "spans": self.rows("spans"),
                "texts": self.rows("texts")}

    def totals(self) -> dict[str, Any]:
        return self.rows("totals")[0]

    def runs(self, limit: int) -> list[dict[str, Any]]:
        return self.rows("runs", {"limit": limit})

    def list_entries(self) -> Iterable[tuple]:
        """(p, y, l, b, e, kind, item) of the lists to render, in chunk order."""
        cur = self.con.execute(
            "select p, y, l, b, e, kind, item from (select * from fresh_lists union all select * from star_lists) "
            "order by p, y, l, b, e, kind, rank")
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
