"""The BI snapshot: a small read-only DuckDB file (1.x storage format) of views over one lake
version's Parquet files, plus the same staging and mart views as the warehouse.

It holds no data, so publishing it costs the same whatever the warehouse holds (a full copy
grew with the warehouse: see README, Performance). Readers open it exactly as before
(`duckdb.connect(path, read_only=True)`, BI tools, `congress-etl query`) and see every
published table and view under its own name and column order, with the warehouse's types;
tables partitioned by their report's year also have `lake_year`, the partition, so a filter on
it reads only those partitions' files.

Consistency: the views read the lake version that was current when the snapshot was written,
by its resolved path, so a reader sees one export whole, and an open reader keeps that view
while later runs swap the lake. The version stays as long as a snapshot reads it: publishing
pins it (`warehouse.lake.pin_version`) and lake pruning keeps pinned versions; the pin moves
with the next snapshot, and the version is deleted after the next export but one. A reader
that keeps a connection open across two more runs must reconnect; so must one whose data
folder was moved (the views name absolute paths).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.lake import current_version, pin_version, versions_dir
from warehouse.sqlfiles import named_statements, view_files
from warehouse.tables import BY_NAME, INTERNAL_TABLES, LAKE_TABLES, REPORT_YEAR, VIEW

SNAPSHOT_INFO = "snapshot_lake"  # one row: the lake version the views read, when it was published


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def published_tables() -> tuple[str, ...]:
    """Tables the snapshot carries as views over the lake (views like meeting_facts are
    re-created from the SQL files, over them)."""
    return tuple(t for t in LAKE_TABLES if BY_NAME[t].write != VIEW and t not in INTERNAL_TABLES)


def publish_snapshot(con: duckdb.DuckDBPyConnection, dest: Path | str, lake: Path | str) -> Path:
    """Write the snapshot for the lake's current version aside, then swap it in atomically.
    `con` (the warehouse) gives each table's columns and types."""
    dest, lake = Path(dest), Path(lake)
    version = current_version(lake)
    if version is None:
        raise FileNotFoundError(f"no lake version to publish at {lake}: export the lake first")
    columns = {t: con.execute(f"describe {t}").fetchall() for t in published_tables()}
    # No DuckDB object stays in this frame: a failure below (a full disk, a folder in the
    # way) must not keep the warehouse connection alive in the error's traceback.
    del con
    root = (versions_dir(lake) / version).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    # Pinned before the swap: from the moment readers can open it, pruning keeps its version.
    pin_version(lake, version, str(dest.resolve()))
    try:
        _write(tmp, root, columns, version)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)  # a failed publish leaves no half-written file behind
        raise
    return dest


def _write(path: Path, root: Path, columns: dict[str, list[tuple]], version: str) -> None:
    template = named_statements("queries/snapshot.sql")
    out = duckdb.connect()
    try:
        out.execute(f"attach {_sql_str(str(path))} as snap (storage_version 'v1.0.0')")
        out.execute("use snap")
        for table, cols in columns.items():
            select = ", ".join(template["year_column"] if c[0] == "year" else
                               f"cast({_ident(c[0])} as {c[1]}) as {_ident(c[0])}" for c in cols)
            if BY_NAME[table].lake == REPORT_YEAR:
                select += ", " + template["lake_year"]
            glob = str(root / table / "*" / "*.parquet")
            out.execute(template["view"].replace("{table}", table).replace("{columns}", select)
                        .replace("{glob}", _sql_str(glob)))
        for view in view_files():
            out.execute(view.read_text(encoding="utf-8"))
        out.execute(template["info"].replace("{info}", SNAPSHOT_INFO),
                    [version, datetime.now(timezone.utc).replace(tzinfo=None)])
        out.execute("use memory")
        out.execute("detach snap")
    finally:
        out.close()
        del out  # nor in a failure's traceback


def snapshot_version(path: Path | str) -> str | None:
    """The lake version a published snapshot reads (None: no snapshot, or a full copy)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute(f"select lake_version from {SNAPSHOT_INFO}").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()

