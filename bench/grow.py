"""Grow a warehouse by cloning its reports, to profile the steps after extraction at sizes that
extraction would take hours to reach (`python -m bench.grow --help`).

Each copy `c` gets new report ids, file paths and sha256s, and its meetings new keys (term +
100·c), so a clone is a warehouse of distinct sessions shaped like the one it grew from. Then
it times, on the grown warehouse and in one process: a full reconciliation, a lake export, the
BI snapshot, and a "night" of `--night` reports (one more partial copy) through the incremental
reconciliation, lake export and snapshot; and the process's peak RSS. A development tool, not
a test: figures go to the README's Performance section.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from warehouse.tables import REPORT_TABLES, TEXTS_TABLE

# Columns that carry a report's identity, per table (everything else is copied as is).
_IDS = {t: ("report_id",) for t in (*REPORT_TABLES, TEXTS_TABLE, "report_keys")}


def _clone_sql(table: str, columns: list[str], c: int, where: str) -> str:
    out = []
    for col in columns:
        if col == "report_id":
            out.append(f"left(md5(report_id || ':{c}'), 16) as report_id")
        elif col == "sha256":
            out.append(f"md5(coalesce(sha256, '') || ':{c}') || md5(coalesce(sha256, '') || ':{c}b') as sha256")
        elif col in ("file_path", "path"):
            out.append(f"'clone-{c}/' || {col} as {col}")
        elif col == "term" and table == "reports":
            out.append(f"term + {100 * c} as term")
        else:
            out.append(col)
    return f"insert into {table} select {', '.join(out)} from {table} where {where}"


def grow(wh: Any, copies: range, share: float = 1.0, year: int | None = None) -> None:
    """Clone the original reports (file paths without `clone-`) once per copy; `share` < 1
    clones only that part of them, `year` only reports of that meeting year (a night's new
    reports are about recent sittings)."""
    con = wh.con
    pick = f"hash(report_id) % 1000 < {int(share * 1000)}"
    of_year = f" and meeting_year = {int(year)}" if year is not None else ""
    original = f"report_id in (select report_id from reports where file_path not like 'clone-%'{of_year})"
    with wh.transaction():
        for c in copies:
            for table in (*REPORT_TABLES, TEXTS_TABLE, "report_keys"):
                cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
                con.execute(_clone_sql(table, cols, c, f"{original} and {pick}"))
            cols = [r[0] for r in con.execute("describe file_ledger").fetchall()]
            con.execute(_clone_sql("file_ledger", cols, c, f"path not like 'clone-%' and is_current and "
                                                           f"(report_id is null or {pick})"))


def full_copy(con: Any, dest: Path) -> None:
    """The snapshot as it was published before views over the lake: a copy of every table."""
    catalog = con.execute("select current_database()").fetchone()[0]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    con.execute(f"attach '{dest}' as copy_out (storage_version 'v1.0.0')")
    try:
        con.execute(f'copy from database "{catalog}" to copy_out')
        con.execute("checkpoint copy_out")
    finally:
        con.execute("detach copy_out")


def _timed(figures: dict[str, Any], name: str, fn: Any, *args: Any, **kw: Any) -> Any:
    began, cpu = time.perf_counter(), time.process_time()
    got = fn(*args, **kw)
    figures[name] = {"wall_s": round(time.perf_counter() - began, 3), "cpu_s": round(time.process_time() - cpu, 3)}
    return got


QUERIES = {
    "meeting_facts": "select * from meeting_facts",
    "mart_attendance_by_meeting": "select * from mart_attendance_by_meeting",
    "mart_keyword_trends_top": "select * from mart_keyword_trends where rank <= 20",
    "one_meeting_spans": "select s.* from fact_spans s join meeting_reports mr using (report_id) "
                         "where mr.meeting_id = (select min(meeting_id) from meetings)",
}


def _queries(serve: Path) -> dict[str, Any]:
    """Seconds per reader query, on each snapshot file present (views over the lake, copy)."""
    import duckdb

    out: dict[str, Any] = {}
    for name in ("warehouse.duckdb", "copy.duckdb"):
        if not (serve / name).is_file():
            continue
        con = duckdb.connect(str(serve / name), read_only=True)
        try:
            for key, sql in QUERIES.items():
                began = time.perf_counter()
                con.execute(sql).fetchall()
                out[f"{name}:{key}"] = round(time.perf_counter() - began, 3)
        finally:
            con.close()
    return out


def main() -> None:
    from flows.reconcile import reconcile_warehouse
    from warehouse.snapshot import publish_snapshot
    from warehouse.store import Warehouse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", type=Path, help="a warehouse built by `congress-etl run` (copied, never changed)")
    ap.add_argument("--copies", type=int, default=10, help="grow to this many times the base")
    ap.add_argument("--night", type=int, default=1000, help="reports in the simulated night")
    ap.add_argument("--work", type=Path, default=Path("data/grow"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--copy-snapshot", action="store_true", help="also time the full-copy snapshot")
    args = ap.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    db = args.work / "warehouse.duckdb"
    shutil.copy(args.base, db)
    figures: dict[str, Any] = {}
    with Warehouse(db) as wh:
        _timed(figures, "grow", grow, wh, range(1, args.copies))
        reports = wh.con.execute("select count(*) from reports").fetchone()[0]
        figures["reports"] = reports
        got = _timed(figures, "full_reconcile", reconcile_warehouse, wh, full=True)
        figures["meetings"] = got["meetings"]
        stats: dict[str, Any] = {}
        _timed(figures, "lake_full", wh.export_lake, args.work / "lake", stats=stats)
        _timed(figures, "snapshot", publish_snapshot, wh.con, args.work / "serve" / "warehouse.duckdb", args.work / "lake")
        if args.copy_snapshot:  # the full copy it replaced, for comparison
            _timed(figures, "snapshot_full_copy", full_copy, wh.con, args.work / "serve" / "copy.duckdb")
            figures["snapshot_full_copy_mb"] = round((args.work / "serve" / "copy.duckdb").stat().st_size / 2**20, 1)
        figures["queries"] = _queries(args.work / "serve")
        # The night: new reports of the latest year (copies of the base's reports of that year,
        # as many copies as it takes), as a nightly batch is about recent sittings.
        year, n = wh.con.execute("select meeting_year, count(*) from reports where file_path not like 'clone-%' "
                                 "and meeting_year is not null group by 1 order by 1 desc limit 1").fetchone()
        night, c = 0, args.copies
        while night < args.night * 0.98:
            share = min(1.0, (args.night - night) / n)
            grow(wh, range(c, c + 1), share, year)
            night += int(n * share)
            c += 1
        figures["night_year"] = year
        figures["night_reports"] = wh.con.execute("select count(*) from reports").fetchone()[0] - reports
        got = _timed(figures, "night_reconcile", reconcile_warehouse, wh)
        figures["night_touched_meetings"] = got["touched_meetings"]
        stats = {}
        _timed(figures, "night_lake", wh.export_lake, args.work / "lake", stats=stats)
        figures["night_lake_partitions"] = {
            "written": sum(s["written"] for s in stats.values()), "linked": sum(s["linked"] for s in stats.values())}
        _timed(figures, "night_snapshot", publish_snapshot, wh.con, args.work / "serve" / "warehouse.duckdb",
               args.work / "lake")
        _timed(figures, "noop_reconcile", reconcile_warehouse, wh)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
