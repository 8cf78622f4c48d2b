"""The Parquet lake: every core table (and the public `meeting_facts` view) as hive-partitioned
Parquet under `<lake_dir>/<table>/year=<YYYY>/`.

The whole lake is written to a temporary folder beside `lake_dir` and swapped in by rename,
so a reader sees the previous lake or the new one, never a half-written one. Queries live in
`warehouse/sql/lake.sql`; rows with no known year go to `year=__HIVE_DEFAULT_PARTITION__`
(DuckDB's null partition, read back as NULL with `read_parquet(..., hive_partitioning=true)`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from warehouse.store import SQL_DIR, named_statements

LAKE_TABLES: tuple[str, ...] = (
    "reports",
    "attendance",
    "people",
    "agenda_items",
    "work_report_items",
    "keywords",
    "fact_spans",
    "meeting_facts",
    "quarantine",
    "runs",
    "file_ledger",
    "meetings",
    "meeting_reports",
    "conflicts",
    "meeting_checks",
)
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connection(con_or_path: Any) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """(connection, opened_here) from a connection, a Warehouse or a database path."""
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        return con_or_path, False
    con = getattr(con_or_path, "con", None)
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con, False
    return duckdb.connect(str(con_or_path), read_only=True), True


def export_lake(con_or_path: Any, lake_dir: Path | str) -> dict[str, int]:
    """Write the lake aside and swap it in; returns rows written per table."""
    lake_dir = Path(lake_dir)
    lake_dir.parent.mkdir(parents=True, exist_ok=True)
    queries = named_statements(SQL_DIR / "lake.sql")
    tmp = lake_dir.with_name(f".{lake_dir.name}.tmp-{os.getpid()}")
    old = lake_dir.with_name(f".{lake_dir.name}.old-{os.getpid()}")
    for stale in (tmp, old):
        if stale.exists():
            shutil.rmtree(stale)
    con, opened = _connection(con_or_path)
    counts: dict[str, int] = {}
    try:
        tmp.mkdir()
        for table in LAKE_TABLES:
            counts[table] = _export_table(con, queries[table], tmp / table)
        if lake_dir.exists():
            os.rename(lake_dir, old)
        os.rename(tmp, lake_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not lake_dir.exists():
            os.rename(old, lake_dir)
        raise
    finally:
        if opened:
            con.close()
    shutil.rmtree(old, ignore_errors=True)
    return counts


def _export_table(con: duckdb.DuckDBPyConnection, sql: str, out: Path) -> int:
    query = sql.strip().rstrip(";")
    n = con.execute(f"select count(*) from ({query})").fetchone()[0]
    if n:
        con.execute(
            f"copy ({query}) to {_sql_str(str(out))} "
            "(format parquet, compression zstd, partition_by (year), overwrite_or_ignore)"
        )
    else:
        # An empty table still gets one (empty) file, so readers find its schema.
        part = out / f"year={NULL_PARTITION}"
        part.mkdir(parents=True)
        con.execute(
            f"copy (select * exclude (year) from ({query})) to {_sql_str(str(part / 'data_0.parquet'))} "
            "(format parquet, compression zstd)"
        )
    return int(n)
