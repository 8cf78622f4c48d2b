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
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from warehouse.sqlfiles import SQL_DIR, named_statements
from warehouse.tables import BY_NAME, LAKE_TABLES, REPORT_TABLES, REPORT_YEAR, VIEW

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


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """Delete the complete versions not in `keep` (and any pinned by a published snapshot
    stays), and the manifests of versions that are gone."""
    keep = keep | pinned_versions(versions)
    gone = []
    for name in _complete_versions(versions):
        if name not in keep:
            shutil.rmtree(versions / name, ignore_errors=True)
            gone.append(name)
    for manifest in versions.glob(".*.manifest.json*"):
        if not (versions / manifest.name[1:].split(".manifest.json")[0]).is_dir():
            manifest.unlink(missing_ok=True)
    return gone


PIN_PREFIX = ".pin-"


def pin_version(lake: Path, version: str, holder: str) -> None:
    """Keep `version` while `holder` (a published snapshot's path) reads it: a snapshot is views
    over one lake version's files, so pruning must not delete it under its readers. One pin per
    holder, replaced atomically; a pin whose holder no longer exists is dropped."""
    versions = versions_dir(lake)
    pin = versions / f"{PIN_PREFIX}{hashlib.sha256(holder.encode()).hexdigest()[:12]}"
    tmp = pin.with_name(pin.name + f".tmp-{os.getpid()}")
    tmp.write_text(f"{version}\n{holder}\n", encoding="utf-8")
    os.replace(tmp, pin)


def pinned_versions(versions: Path) -> set[str | None]:
    got: set[str | None] = set()
    for pin in versions.glob(f"{PIN_PREFIX}*"):
        if ".tmp-" in pin.name:
            continue
        try:
            version, holder = (pin.read_text(encoding="utf-8").splitlines() + ["", ""])[:2]
        except OSError:
            continue
        if holder and not os.path.exists(holder):
            pin.unlink(missing_ok=True)  # the snapshot is gone: nothing reads that version any more
            continue
        got.add(version.strip())
    return got


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


def _fingerprint_sql(queries: dict[str, str], table: str) -> str:
    if BY_NAME[table].group == "report":
        return queries["fp_reports"]
    if f"fp_{table}" in queries:
        return queries[f"fp_{table}"]
    return queries["fp_rows"].replace("{query}", queries[table].strip().rstrip(";"))


# Rows per Parquet row group where rows are big. A reader decompresses a row group's column whole:
# report_texts' null-year partition of a 100k bench lake held 20,609 texts in one 125 MB row
# group, more than the dashboard step's capped DuckDB could allocate beside its own work.
ROW_GROUP_ROWS = {"report_texts": 2048}


def _copy_options(table: str) -> str:
    rows = ROW_GROUP_ROWS.get(table)
    return "format parquet, compression zstd" + (f", row_group_size {rows}" if rows else "")


def _partition(year: Any) -> str:
    return f"year={NULL_PARTITION if year is None else int(year)}"


def _signature(con: duckdb.DuckDBPyConnection, queries: dict[str, str], table: str) -> str:
    """What a table's files depend on besides its rows: its columns and types, the statements
    that export and fingerprint it, and for a view the SQL that defines it (a code update that
    changes any of them rewrites that table once)."""
    query = queries[table].strip().rstrip(";")
    cur = con.cursor()
    try:
        columns = cur.execute(f"describe ({query})").fetchall()
    finally:
        cur.close()
    text = repr([(c[0], c[1]) for c in columns]) + query + _fingerprint_sql(queries, table) + _copy_options(table)
    if BY_NAME[table].write == VIEW:
        text += "".join(p.read_text(encoding="utf-8") for p in (*sorted((SQL_DIR / "staging").glob("*.sql")),
                                                                SQL_DIR / BY_NAME[table].ddl))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def manifest_path(versions: Path, version: str) -> Path:
    """Beside the version folder, not in it: a listing of the lake shows its tables only."""
    return versions / f".{version}.manifest.json"


def _read_manifest(versions: Path, version: str | None) -> dict[str, Any]:
    if not version:
        return {}
    try:
        return json.loads(manifest_path(versions, version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # an older export, or a killed one: everything is written again


def export_lake(con_or_path: Any, lake_dir: Path | str, *, stats: dict[str, Any] | None = None) -> dict[str, int]:
    """Write a new lake version and swap the `lake_dir` link to it; returns rows per table.

    Only partitions whose fingerprint (rows and their hash, `queries/lake.sql`) differs from
    the previous version's are written; the others are hard links to the previous version's
    files under this version's names — no copy, and every version stays complete on its own
    (deleting an old version only drops names). `stats`, when given, receives partitions
    written and linked per table."""
    lake = Path(lake_dir)
    lake.parent.mkdir(parents=True, exist_ok=True)
    versions = versions_dir(lake)
    queries = named_statements("queries/lake.sql")
    con, opened = _connection(con_or_path)
    counts: dict[str, int] = {}
    try:
        with _versions_lock(versions, wait=True):
            _remove_half_written(versions)
            before = current_version(lake)  # None: no lake yet, or an older layout (written whole)
            old = _read_manifest(versions, before) if before and (versions / before).is_dir() else {}
            name = f"{_stamp()}-{os.getpid()}"
            tmp = versions / f"{HALF_WRITTEN}{name}"
            manifest: dict[str, Any] = {}
            new_reports: dict[str, Any] = {}
            try:
                tmp.mkdir()
                for table in LAKE_TABLES:
                    manifest[table], counts[table], done = _export_table(
                        con, queries, table, tmp / table, f"part-{name}", old.get(table), versions / (before or "-"),
                        old.get("reports"), new_reports)
                    if stats is not None:
                        stats[table] = done
                os.rename(tmp, versions / name)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            _write_manifest(manifest_path(versions, name), manifest)
            previous = _migrate(lake)
            _point(lake, name)
            # Keep the version readers may have opened just before the swap, and any a published
            # snapshot reads (pins); delete the rest.
            _prune(versions, {name, previous})
    finally:
        if opened:
            con.close()
    return counts


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


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


def _export_table(con: duckdb.DuckDBPyConnection, queries: dict[str, str], table: str, out: Path, stem: str,
                  old: dict[str, Any] | None, old_dir: Path, old_reports: dict[str, Any] | None,
                  new_reports: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, int]]:
    """One table of a new version: (its manifest entry, rows, partitions written/linked).
    Files are named after their version (`stem`): a read through the link that listed files
    before a swap and opens them after fails with "no such file" instead of reading the next
    version's file of the same name. A changed partition of a table partitioned by report year
    (report tables, texts, meeting_facts) that only gained rows keeps its files (links) and gets
    one more file with the new rows (one COPY per table for all such partitions:
    `_appended_rows`). `new_reports` caches, per partition, the reports it gained (the same for
    every table keyed by report, found once per export)."""
    query = queries[table].strip().rstrip(";")
    signature = _signature(con, queries, table)
    parts = {_partition(year): [int(n), str(h)]
             for year, n, h in con.execute(_fingerprint_sql(queries, table)).fetchall()}
    same = old if old and old.get("signature") == signature else {"partitions": {}}
    reuse = {part for part, fp in parts.items()
             if same["partitions"].get(part, {}).get("fingerprint") == fp
             and all((old_dir / table / part / f).is_file() for f in same["partitions"][part]["files"])}
    dirty = sorted(set(parts) - reuse)
    entry: dict[str, Any] = {"signature": signature, "partitions": {}}
    rows = 0
    appends = _appended_rows(con, queries, table, dirty, parts, same, old_dir, old_reports, new_reports)
    dirty = [part for part in dirty if part not in appends]
    if dirty:
        where = _where_partitions(dirty)
        con.execute(
            f"copy (select * from ({query}) where {where}) to {_sql_str(str(out))} "
            f"({_copy_options(table)}, partition_by (year), filename_pattern {_sql_str(stem + '-{i}')})")
    added = _append(con, queries, table, appends, out, stem) if appends else {}  # after the COPY above: it wants
    for part in appends:                                                 # its folder empty
        before = same["partitions"][part]
        files = _link_files(old_dir / table / part, before["files"], out / part, stem)
        files += [name for name, _ in added.get(part, [])]
        entry["partitions"][part] = {"fingerprint": parts[part], "files": files,
                                     "rows": before["rows"] + sum(n for _, n in added.get(part, []))}
        rows += entry["partitions"][part]["rows"]
    for part in dirty:  # what was written, as the files say (a partition may hold no row of this table)
        folder = out / part
        files = sorted(f.name for f in folder.glob("*.parquet")) if folder.is_dir() else []
        n = sum(pq.read_metadata(folder / f).num_rows for f in files)
        entry["partitions"][part] = {"fingerprint": parts[part], "files": files, "rows": n}
        rows += n
    for part in sorted(reuse):
        files = _link_files(old_dir / table / part, same["partitions"][part]["files"], out / part, stem)
        entry["partitions"][part] = {"fingerprint": parts[part], "files": files,
                                     "rows": same["partitions"][part]["rows"]}
        rows += same["partitions"][part]["rows"]
    if not rows:
        # An empty table still gets one (empty) file, so readers find its schema.
        part = out / f"year={NULL_PARTITION}"
        part.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy (select * exclude (year) from ({query}) limit 0) to {_sql_str(str(part / (stem + '-e.parquet')))} "
            f"({_copy_options(table)})"
        )
    return entry, rows, {"written": len(parts) - len(reuse), "linked": len(reuse)}


# Files a report-table partition may gather by appending before it is written again whole.
APPEND_MAX_FILES = 16
# What a view's gained rows are computed over (append_view_rows): the relations keyed by report,
# each cut down to the gained reports — the report tables, and the current files (a view).
REPORT_KEYED = (*REPORT_TABLES, "current_files")
# `CREATE VIEW <name> AS ` at the head of a view's definition as duckdb_views() gives it.
_VIEW_HEAD = re.compile(r'^\s*create\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?view\s+'
                        r'(?:"(?:[^"]|"")+"|[^\s(]+)\s+as\s+', re.IGNORECASE)


def _append_key(table: str) -> tuple[str, ...]:
    """What a partition gains a row by: its report, for the tables keyed by report; its key
    (report, file) for meeting_facts, whose rows are a report's current files."""
    return BY_NAME[table].key if BY_NAME[table].write == VIEW else ("report_id",)


def _where_partitions(parts: list[str]) -> str:
    """A filter on `year` naming these partitions."""
    years = [p.split("=", 1)[1] for p in parts]
    wanted = [y for y in years if y != NULL_PARTITION]
    return " or ".join(([f"year in ({', '.join(str(int(y)) for y in wanted)})"] if wanted else [])
                       + (["year is null"] if NULL_PARTITION in years else []))


def _appended_rows(con: duckdb.DuckDBPyConnection, queries: dict[str, str], table: str, dirty: list[str],
                   parts: dict[str, list[Any]], same: dict[str, Any], old_dir: Path,
                   old_reports: dict[str, Any] | None, cache: dict[str, list[tuple]]
                   ) -> dict[str, list[tuple[str, ...]]]:
    """{partition: the rows (by `_append_key`) it gained} for the changed partitions of a table
    partitioned by report year (the report tables, report_texts, meeting_facts) that only gained
    rows since the previous version; the others are written again. Those partitions are
    fingerprinted by (count, sum of hashes) of terms fixed by the row's key — the report for the
    tables keyed by it, whose rows never change; (report, file, run) for meeting_facts — so the
    previous fingerprint plus the gained rows' terms equals the current one exactly when the
    partition only gained those rows (a report reloaded under a new run id, one without a row in
    this table, a file that left or moved to another report: the sums differ). Gained rows are
    found by one query per table over all its candidate partitions, comparing with their previous
    files: the reports' files for the tables keyed by report (asked once per export, `cache`),
    meeting_facts' own (`fp_meeting_facts_gained`)."""
    if BY_NAME[table].lake != REPORT_YEAR or not old_reports:
        return {}
    own = f"fp_{table}_gained" in queries
    candidates: dict[str, list[Path]] = {}
    for part in dirty:
        before, before_reports = same["partitions"].get(part), old_reports.get("partitions", {}).get(part)
        if not before or not before_reports or len(before["files"]) >= APPEND_MAX_FILES:
            continue
        files = [old_dir / table / part / f for f in before["files"]]
        compare = files if own else [old_dir / "reports" / part / f for f in before_reports["files"]]
        if all(f.is_file() for f in (files if own else files + compare)):
            candidates[part] = compare
    if own:
        gained = _gained_rows(con, queries[f"fp_{table}_gained"], candidates)
    else:
        missing = {part: files for part, files in candidates.items() if part not in cache}
        cache.update(_gained_rows(con, queries["fp_partition_new_reports"], missing))
        gained = cache
    appends = {}
    for part in candidates:
        rows = gained.get(part)
        n_before, h_before = same["partitions"][part]["fingerprint"]
        n_now, h_now = parts[part]
        if rows and n_before + len(rows) == n_now and int(h_before) + sum(int(r[-1]) for r in rows) == int(h_now):
            appends[part] = [tuple(r[:-1]) for r in rows]
    return appends


@contextmanager
def _append_keys(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...], keys: list[tuple[str, ...]]
                 ) -> Iterator[None]:
    """Temp table lake_append_ids (the key `columns`) for the block: the rows the statements pick."""
    listed = ", ".join(f"unnest(${i + 1}::varchar[]) as {c}" for i, c in enumerate(columns))
    con.execute(f"create or replace temp table lake_append_ids as select {listed}",
                [[k[i] for k in keys] for i in range(len(columns))])
    try:
        yield
    finally:
        con.execute("drop table if exists lake_append_ids")


def _gained_rows(con: duckdb.DuckDBPyConnection, sql: str, old_files: dict[str, list[Path]]
                 ) -> dict[str, list[tuple]]:
    """{partition: [(key…, fingerprint term)]} of the rows of these partitions that are not in
    their previous files (`sql`: fp_partition_new_reports, or a table's own fp_<table>_gained),
    in one query (a partition that gained nothing: an empty list)."""
    if not old_files:
        return {}
    files = [str(f) for part_files in old_files.values() for f in part_files]
    got: dict[str, list[tuple]] = {part: [] for part in old_files}
    for year, *row in con.execute(sql.replace("{where}", _where_partitions(list(old_files))), [files]).fetchall():
        got[_partition(year)].append(tuple(row))
    return got


def _link_files(old_part: Path, names: list[str], out_part: Path, stem: str) -> list[str]:
    """Hard links, under this version's names, to a partition's files of the previous version."""
    out_part.mkdir(parents=True, exist_ok=True)
    files = []
    for i, f in enumerate(names):
        new = f"{stem}-l{i}.parquet"
        os.link(old_part / f, out_part / new)
        files.append(new)
    return files


def _append(con: duckdb.DuckDBPyConnection, queries: dict[str, str], table: str,
            appends: dict[str, list[tuple[str, ...]]],
            out: Path, stem: str) -> dict[str, list[tuple[str, int]]]:
    """The rows of the gained reports of every appended partition of one table, in one COPY
    (one pass over the table, however many partitions gained reports; a stored table's rows
    picked by rowid, `append_rows`), moved into each partition's folder of the new version:
    {partition: [(file name, rows)]}."""
    staging = out.parent / f".append-{out.name}"
    shutil.rmtree(staging, ignore_errors=True)
    keys = [key for part_keys in appends.values() for key in part_keys]
    columns = _append_key(table)
    query = queries[table].strip().rstrip(";")
    catalog = con.execute("select current_database()").fetchone()[0]
    if BY_NAME[table].write == VIEW:
        view = con.execute("select sql from duckdb_views() where database_name = ? and schema_name = 'main' "
                           "and view_name = ?", [catalog, table]).fetchone()[0]
        shadows = ", ".join(
            f"{_sql_name(name)} as (select * from {_sql_name(catalog)}.main.{_sql_name(name)} "
            f"where report_id in (select report_id from lake_append_ids))" for name in REPORT_KEYED)
        rows = (queries["append_view_rows"].strip().rstrip(";").replace("{shadows}", shadows)
                .replace("{table}", _sql_name(table)).replace("{key}", ", ".join(columns))
                .replace("{view}", _VIEW_HEAD.sub("", view.strip().rstrip(";"), count=1)).replace("{query}", query))
    else:
        stored = f"{_sql_name(catalog)}.main.{_sql_name(table)}"
        rows = (queries["append_rows"].strip().rstrip(";").replace("{stored}", stored)
                .replace("{table}", _sql_name(table)).replace("{query}", query))
    with _append_keys(con, columns, keys):
        con.execute(
            f"copy ({rows}) to {_sql_str(str(staging))} ({_copy_options(out.name)}, partition_by (year), "
            f"filename_pattern {_sql_str(stem + '-a{i}')})")
    added: dict[str, list[tuple[str, int]]] = {}
    for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
        part = folder.name
        if part not in appends:  # cannot happen: the ids are those partitions' reports
            raise RuntimeError(f"lake append of {out.name} wrote rows for {part}, which gained no reports")
        (out / part).mkdir(parents=True, exist_ok=True)
        for f in sorted(folder.glob("*.parquet")):
            n = pq.read_metadata(f).num_rows
            os.rename(f, out / part / f.name)
            if n:
                added.setdefault(part, []).append((f.name, n))
            else:
                (out / part / f.name).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return added
