"""The Parquet lake: every core table (and the public `meeting_facts` view) as hive-partitioned
Parquet under `<lake_dir>/<table>/year=<YYYY>/`.

`<lake_dir>` is a symlink to one complete version folder in `.<lake name>-versions/` beside it.
An export writes a new version folder completely (as `.tmp-<version>`, renamed when done),
then points a temporary symlink at it and `os.replace`s that over `<lake_dir>`: one atomic
rename, so a reader always finds `<lake_dir>` and sees the whole old lake or the whole new
one, never a half-written or missing one. The link target is relative, so the data folder can
be moved. The version `<lake_dir>` pointed to before stays (a reader may have listed it a
moment ago); older ones are deleted.

A glob through the link (`<lake_dir>/t/**/*.parquet`) is several path lookups, not one: a query
whose glob spans the swap instant can fail with "no such file" (files are named after their
version, so it never reads the next version's file of the same name) or, rarely, miss a
partition (measured over 300 swaps with a reader in a tight loop: of 49,455 reads, 153 failed
and 1 missed a partition; the swap is nightly, so a failed query is simply run again). A
reader that must be certain, or wants one view over several tables, resolves `<lake_dir>`
once (`os.path.realpath`) and reads under the resolved folder; that folder stays whole
until the export after next.

Migration: a `<lake_dir>` that is still a real folder (written by an older version of this
code) is moved into the versions folder and replaced by the link in two renames, once; a kill
between those two leaves no `<lake_dir>` until the next run's sweep (`sweep_lake`) links the
newest complete version back.

One export at a time per lake: an export holds an exclusive `flock` on the versions folder's
`.lock`, and `sweep_lake` touches nothing while another process holds it. Queries live in
`warehouse/sql/queries/lake.sql`; rows with no known year go to `year=__HIVE_DEFAULT_PARTITION__`
(DuckDB's null partition, read back as NULL with `read_parquet(..., hive_partitioning=true)`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sqlfiles import named_statements
from warehouse.tables import LAKE_TABLES

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# Entries of the versions folder starting with a dot are not versions: `.lock`, and `.tmp-*`
# folders an export is still writing (or a killed one left half-written).
HALF_WRITTEN = ".tmp-"


def versions_dir(lake: Path) -> Path:
    return lake.with_name(f".{lake.name}-versions")


def _link_tmp(lake: Path) -> Path:
    return lake.with_name(f".{lake.name}.link-{os.getpid()}")


def _stamp(at: float | None = None) -> str:
    # Fixed width, so version names sort by time.
    when = datetime.fromtimestamp(at, timezone.utc) if at is not None else datetime.now(timezone.utc)
    return when.strftime("%Y%m%dT%H%M%S%fZ")


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


@contextmanager
def _versions_lock(versions: Path, *, wait: bool) -> Iterator[bool]:
    """Hold the export lock of a lake for the block; yields False (not held) if `wait` is off
    and someone else holds it. The kernel drops a flock when its holder dies, even by SIGKILL."""
    versions.mkdir(parents=True, exist_ok=True)
    fd = os.open(versions / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def current_version(lake: Path) -> str | None:
    """The version folder `lake` links to, or None (no link, or a link we did not make)."""
    if not lake.is_symlink():
        return None
    target = Path(os.readlink(lake))
    return target.name if target.parent == Path(versions_dir(lake).name) else None


def _complete_versions(versions: Path) -> list[str]:
    return sorted(p.name for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))


def _remove_half_written(versions: Path) -> list[str]:
    """Only with the lock held: then no export is writing, and any `.tmp-*` is a killed one's."""
    gone = []
    for stale in versions.glob(f"{HALF_WRITTEN}*"):
        shutil.rmtree(stale, ignore_errors=True)
        gone.append(stale.name)
    return gone


def _prune(versions: Path, keep: set[str | None]) -> list[str]:
    gone = []
    for name in _complete_versions(versions):
        if name not in keep:
            shutil.rmtree(versions / name, ignore_errors=True)
            gone.append(name)
    return gone


def _point(lake: Path, version: str) -> None:
    """Make `lake` link to `version` in one atomic rename (a symlink replaces a symlink)."""
    link = _link_tmp(lake)
    link.unlink(missing_ok=True)
    # Relative to the link's own folder, so the whole data folder can be moved or mounted elsewhere.
    os.symlink(os.path.join(versions_dir(lake).name, version), link)
    try:
        os.replace(link, lake)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def _migrate(lake: Path) -> str | None:
    """Name of the version the lake showed before this export. A real `lake` folder from an
    older version of this code moves into the versions folder: until `_point` replaces it a
    moment later there is no `lake` (rename(2) cannot put a symlink over a directory)."""
    if lake.is_symlink():
        return current_version(lake)
    if not lake.exists():
        return None
    if not lake.is_dir():
        raise FileExistsError(f"{lake} is neither the lake link nor a lake folder; move it away")
    name = f"{_stamp(lake.stat().st_mtime)}-migrated"
    os.rename(lake, versions_dir(lake) / name)
    return name


def export_lake(con_or_path: Any, lake_dir: Path | str) -> dict[str, int]:
    """Write a new lake version and swap the `lake_dir` link to it; returns rows written per table."""
    lake = Path(lake_dir)
    lake.parent.mkdir(parents=True, exist_ok=True)
    versions = versions_dir(lake)
    queries = named_statements("queries/lake.sql")
    con, opened = _connection(con_or_path)
    counts: dict[str, int] = {}
    try:
        with _versions_lock(versions, wait=True):
            _remove_half_written(versions)
            name = f"{_stamp()}-{os.getpid()}"
            tmp = versions / f"{HALF_WRITTEN}{name}"
            try:
                tmp.mkdir()
                for table in LAKE_TABLES:
                    counts[table] = _export_table(con, queries[table], tmp / table, f"part-{name}")
                os.rename(tmp, versions / name)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            previous = _migrate(lake)
            _point(lake, name)
            # Keep the version readers may have opened just before the swap; delete the rest.
            _prune(versions, {name, previous})
    finally:
        if opened:
            con.close()
    return counts


def sweep_lake(lake: Path) -> list[str]:
    """Undo what a killed export left (notes of what was done): half-written versions and
    temporary links go; a missing or dangling `lake` links the newest complete version again;
    versions other than the current one and the one just before it go."""
    versions = versions_dir(lake)
    if not versions.is_dir():
        return []
    done: list[str] = []
    with _versions_lock(versions, wait=False) as held:
        if not held:
            return [f"left {versions.name} alone: an export holds it"]
        done += [f"removed {versions.name}/{name}" for name in _remove_half_written(versions)]
        for stale in lake.parent.glob(f".{lake.name}.link-*"):
            stale.unlink(missing_ok=True)
            done.append(f"removed {stale.name}")
        complete = _complete_versions(versions)
        if complete and not lake.exists():  # missing, or a link to nothing
            _point(lake, complete[-1])
            done.append(f"restored {lake} -> {complete[-1]}")
        current = current_version(lake)
        older = [name for name in complete if current and name < current]
        keep = {current, older[-1] if older else None}
        done += [f"removed {versions.name}/{name}" for name in _prune(versions, keep)]
    return done


def _export_table(con: duckdb.DuckDBPyConnection, sql: str, out: Path, stem: str) -> int:
    """Rows written. `stem` names the files after their version: a read through the link that
    listed files before a swap and opens them after fails with "no such file" instead of
    reading the next version's file of the same name."""
    query = sql.strip().rstrip(";")
    n = con.execute(
        f"copy ({query}) to {_sql_str(str(out))} "
        f"(format parquet, compression zstd, partition_by (year), filename_pattern {_sql_str(stem + '-{i}')})"
    ).fetchone()[0]
    if not n:
        # An empty table still gets one (empty) file, so readers find its schema.
        part = out / f"year={NULL_PARTITION}"
        part.mkdir(parents=True)
        con.execute(
            f"copy (select * exclude (year) from ({query})) to {_sql_str(str(part / (stem + '-0.parquet')))} "
            "(format parquet, compression zstd)"
        )
    return int(n)
