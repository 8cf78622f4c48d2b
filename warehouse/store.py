"""The warehouse: the only code that writes DuckDB.

SQL lives in `warehouse/sql/` (layout in `warehouse/sqlfiles.py`): `schema/` files are applied
once each, in number order, and recorded in `schema_version`; the `staging/` and `marts/` views
are re-created on every open; `queries/load.sql` holds the named statements a run's load executes.
Python here only loads and runs them, binding values as parameters or as registered Arrow
tables — report text never becomes SQL. Which tables exist and how each is keyed and written
is `warehouse/tables.py`.

One run = one transaction (`commit_run`): ledger, report rows, quarantine and the runs row
land together or not at all. Loads are keyed by content hash: a report already loaded is not
loaded again, so committing the same rows twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Iterable, Mapping

import duckdb
import pyarrow as pa

from warehouse.lake import export_lake
from warehouse.snapshot import publish_snapshot
from warehouse.sqlfiles import SQL_DIR, migrations, named_statements, view_files
from warehouse.tables import CORE_TABLES, KEYS, RECONCILE_TABLES, REPORT_TABLES

__all__ = ["CORE_TABLES", "FILES_SCHEMA", "KEYS", "RECONCILE_TABLES", "REPORT_TABLES", "SQL_DIR", "Warehouse",
           "named_statements", "query", "to_arrow", "utc_naive"]

FILES_SCHEMA = pa.schema(
    [
        ("inbox", pa.string()),
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("encoding", pa.string()),
        ("format", pa.string()),
        ("status", pa.string()),
        ("report_id", pa.string()),
        ("seen_at", pa.timestamp("us")),
    ]
)


def utc_naive(value: Any) -> datetime | None:
    """Timestamps are stored as naive UTC: aware datetimes are converted, ISO strings parsed,
    numbers read as epoch seconds."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _json(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _coerce(value: Any, dtype: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_timestamp(dtype):
        return utc_naive(value)
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        if isinstance(value, (dict, list, tuple)):
            return _json(value)
        return value if isinstance(value, str) else str(value)
    return value


def _column(values: list[Any], dtype: pa.DataType) -> list[Any]:
    """One column's values coerced to `dtype`, column-wise: a run's rows share few timestamps
    (converted once each) and their text columns are text already (checked, not rebuilt)."""
    if pa.types.is_timestamp(dtype):
        done: dict[Any, Any] = {}
        out = []
        for v in values:
            if v is None:
                out.append(None)
                continue
            try:
                got = done[v]
            except KeyError:
                got = done[v] = utc_naive(v)
            except TypeError:  # unhashable: convert as is
                got = utc_naive(v)
            out.append(got)
        return out
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        if all(v is None or type(v) is str for v in values):
            return values
        return [_coerce(v, dtype) for v in values]
    return values


def to_arrow(rows: Iterable[Mapping[str, Any]], schema: pa.Schema, key: tuple[str, ...] = ()) -> pa.Table:
    """Rows → Arrow table of exactly `schema` (missing keys null, extra keys dropped),
    deduplicated on `key` with the first occurrence kept."""
    rows = rows if isinstance(rows, list) else list(rows)
    if key:
        seen: set[tuple[Any, ...]] = set()
        kept = []
        for row in rows:
            k = tuple(row.get(c) for c in key)
            if k not in seen:
                seen.add(k)
                kept.append(row)
        rows = kept
    if not any(pa.types.is_timestamp(f.type) for f in schema):
        # Rows whose values already have the schema's types (the extraction workers' report rows)
        # convert in one C++ pass; anything to coerce (text columns given numbers or lists)
        # raises, and goes the column-wise way below.
        try:
            return pa.Table.from_pylist(rows, schema=schema)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            pass
    return pa.table({f.name: pa.array(_column([row.get(f.name) for row in rows], f.type), type=f.type)
                     for f in schema}, schema=schema)


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# The writer's DuckDB settings. Memory: DuckDB caps its buffers at `memory_mb` (RunSettings
# writer_memory_mb for a run) and spills to `<warehouse>.tmp` beyond (its default is 80 % of the
# machine); row order is not part of any table's meaning (views and readers order explicitly),
# and not keeping it lets large inserts and Parquet exports stream with less memory.
WRITER_CONFIG = {"preserve_insertion_order": False}
REFINGERPRINT_ROWS = 4096  # texts re-read per batch by the schema-012 step (bounds its memory)


def refingerprint_texts(con: duckdb.DuckDBPyConnection, rows: int = REFINGERPRINT_ROWS) -> int:
    """Schema 012's data step: every `report_texts` sketch recomputed from its text, as a run
    computes it for a new report (flows/staging.py: `fingerprint` of the Document's clean text);
    returns the rows.
    A batch of reports at a time: their texts read, their rows deleted and inserted again with
    the new sketches (DuckDB's UPDATE of a list column cost 130 s for 20,000 rows; this whole step,
    the sketches recomputed included, ~17 s)."""
    from transforms.document import Document
    from transforms.reconcile import fingerprint

    ids = [r[0] for r in con.execute("select report_id from report_texts order by report_id").fetchall()]
    schema = pa.schema([("report_id", pa.string()), ("text", pa.string()), ("fingerprint", pa.list_(pa.uint32()))])
    for lo in range(0, len(ids), rows):
        batch = pa.table({"report_id": pa.array(ids[lo:lo + rows], pa.string())})
        con.register("stg_refingerprint_ids", batch)
        try:
            got = con.execute("select t.report_id, t.text from report_texts as t "
                              "semi join stg_refingerprint_ids as b on b.report_id = t.report_id").fetchall()
            staged = pa.Table.from_pylist([{"report_id": rid, "text": text,
                                            "fingerprint": fingerprint(Document.from_text(text or "").clean)}
                                           for rid, text in got], schema=schema)
            con.register("stg_refingerprint", staged)
            con.execute("delete from report_texts where report_id in (select report_id from stg_refingerprint_ids)")
            con.execute("insert into report_texts by name select * from stg_refingerprint")
        finally:
            con.unregister("stg_refingerprint_ids")
            con.unregister("stg_refingerprint")
    return len(ids)


# Schema files with a step SQL cannot express, run in the file's transaction right after it.
DATA_STEPS = {"012_fingerprint_hash.sql": refingerprint_texts}
WRITER_MEMORY_MB = 512
# DuckDB's threads in the writer (RunSettings writer_threads). A run's load, reconciliation and
# lake export follow the extraction, so both cores are free then; but two threads cost ~30 % more
# CPU than one in a 20,000-report backfill's load (5.6 / 7.4 vs 4.6 / 4.5 s, alternating runs)
# for little wall time, and a nightly job is judged by what it burns, not by seconds saved.
WRITER_THREADS = 1


class Warehouse:
    """A read-write connection to the warehouse file (also the run lock: DuckDB admits one
    writing process)."""

    def __init__(self, path: Path | str, memory_mb: int = WRITER_MEMORY_MB, threads: int = WRITER_THREADS) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path), config={**WRITER_CONFIG, "memory_limit": f"{memory_mb}MB",
                                                          "threads": threads})
        self._load = named_statements("queries/load.sql")
        self._reconcile = named_statements("queries/reconcile.sql")
        self._schemas: dict[str, pa.Schema] = {}
        self.migrate()

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def _rollback(self) -> None:
        """Roll back the open transaction. A COMMIT that failed has ended it already (DuckDB rolls
        back itself), and the error of a second ROLLBACK would replace the one that says why."""
        try:
            self.con.rollback()
        except duckdb.TransactionException as exc:
            if "no transaction is active" not in str(exc):
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for the block: committed when it ends, rolled back on any error."""
        self.con.begin()
        try:
            yield
            self.con.commit()
        except BaseException:
            self._rollback()
            raise

    def migrate(self) -> list[str]:
        """Apply the schema files this warehouse has not applied yet (each in its own
        transaction, recorded in `schema_version`), then re-create the views; returns the
        schema files applied now."""
        applied = []
        first, *rest = migrations()  # 000_schema_version.sql: the table that records the others
        self.con.execute(first.read_text(encoding="utf-8"))
        done = {r[0] for r in self.con.execute("select version from schema_version").fetchall()}
        for path in (first, *rest):
            if path.name in done:
                continue
            with self.transaction():
                self.con.execute(path.read_text(encoding="utf-8"))
                if path.name in DATA_STEPS:
                    DATA_STEPS[path.name](self.con)
                self.con.execute("insert into schema_version values (?, ?)",
                                 [path.name, utc_naive(datetime.now(timezone.utc))])
            applied.append(path.name)
        for path in view_files():
            self.con.execute(path.read_text(encoding="utf-8"))
        self._schemas = {}
        return applied

    # -- reads -----------------------------------------------------------------------------
    def inbox_ledger(self, inbox: str) -> pa.Table:
        """Current ledger entries of one inbox as an Arrow table (path, sha256, size_bytes,
        mtime_ns, status, missing_since); rows from before inboxes were recorded are claimed by
        this inbox first."""
        lifecycle = named_statements("queries/lifecycle.sql")
        self._in_transaction({}, lambda: self.con.execute(lifecycle["claim_legacy_ledger"], {"inbox": inbox}))
        cur = self.con.cursor()
        try:
            return cur.sql(lifecycle["ledger"], params={"inbox": inbox}).to_arrow_table()
        finally:
            cur.close()

    def move_inbox(self, old: str, new: str) -> int:
        """Ledger rows of inbox `old` become inbox `new`'s (own transaction); returns rows moved."""
        statement = named_statements("queries/lifecycle.sql")["move_inbox"]
        return int(self._in_transaction({}, lambda: self.con.execute(statement, {"old": old, "new": new})
                                        .fetchone()[0]) or 0)

    def close_interrupted_runs(self) -> int:
        """Runs rows left `running` by a run that died after its commit become `failed`."""
        statement = named_statements("queries/lifecycle.sql")["close_interrupted_runs"]
        return int(self._in_transaction({}, lambda: self.con.execute(statement).fetchone()[0]) or 0)

    def unpublished_runs(self) -> int:
        """Runs whose committed changes the lake, snapshot and dashboard do not show yet."""
        return int(self.con.execute(named_statements("queries/lifecycle.sql")["unpublished_runs"]).fetchone()[0])

    def mark_published(self) -> None:
        """Every committed run is now visible to readers (own transaction)."""
        statement = named_statements("queries/lifecycle.sql")["mark_published"]
        self._in_transaction({}, lambda: self.con.execute(statement))

    def run_meetings(self, run_id: str) -> int:
        """Meetings (after reconciliation) that this run's new reports belong to."""
        statement = named_statements("queries/lifecycle.sql")["run_meetings"]
        return int(self.con.execute(statement, {"run_id": run_id}).fetchone()[0])

    def ledger(self) -> dict[str, dict[str, Any]]:
        """Current ledger entries by path (all inboxes)."""
        rows = self.con.execute(
            "select path, sha256, size_bytes, mtime_ns, status, report_id, version "
            "from file_ledger where is_current order by path"
        ).fetchall()
        return {
            r[0]: {"sha256": r[1], "size_bytes": r[2], "mtime_ns": r[3], "status": r[4], "report_id": r[5],
                   "version": r[6]}
            for r in rows
        }

    def query(self, sql: str, params: Iterable[Any] = ()) -> tuple[list[str], list[tuple]]:
        """A query on this connection (for callers that already hold the writer)."""
        cur = self.con.execute(sql, list(params))
        return [d[0] for d in cur.description or []], cur.fetchall()

    def schema(self, table: str) -> pa.Schema:
        """The Arrow schema of a core table (staging rows are built to it)."""
        if table not in CORE_TABLES:
            raise ValueError(f"unknown table {table!r}")
        if table not in self._schemas:
            # A cursor of its own: an unfinished result on the main connection cannot block it.
            cur = self.con.cursor()
            try:
                self._schemas[table] = cur.sql(f"select * from {table} limit 0").to_arrow_table().schema
            finally:
                cur.close()
        return self._schemas[table]

    def has_table(self, table: str) -> bool:
        cur = self.con.cursor()
        try:
            return bool(cur.execute("select count(*) from duckdb_tables() where table_name = ?",
                                    [table]).fetchone()[0])
        finally:
            cur.close()

    def table_schema(self, table: str) -> pa.Schema:
        """The Arrow schema of any existing table (`table` from the caller's fixed list)."""
        if not self.has_table(table):
            raise ValueError(f"unknown table {table!r}")
        cur = self.con.cursor()
        try:
            return cur.sql(f"select * from {table} limit 0").to_arrow_table().schema
        finally:
            cur.close()

    # -- writes ----------------------------------------------------------------------------
    def commit_run(
        self,
        run: Mapping[str, Any],
        files: list[Mapping[str, Any]],
        tables: Mapping[str, list[Mapping[str, Any]]],
        quarantine: list[Mapping[str, Any]],
        *,
        reload: bool = False,
        shards: Path | str | None = None,
        dedupe: bool = True,
        touch_inbox: tuple[str, Any] | None = None,
    ) -> dict[str, int]:
        """Load one run in ONE transaction; returns data rows inserted per table (file_ledger
        versions, report tables, quarantine; the runs row is always written and not counted, so
        a run that finds nothing new returns all zeros).

        files: ledger entries (path, sha256, size_bytes, mtime_ns, encoding, format, status,
        report_id, seen_at); status `unchanged` only refreshes last_seen_at. tables: staging
        rows from `transforms.rows.report_rows`; a report_id already loaded is skipped (with
        `reload=True` it is replaced). Any error rolls everything back and re-raises.

        shards: a run's shard folder (`flows/staging.py`): `<table>/*.parquet` for report tables,
        `files` and `quarantine` are loaded together with the rows passed in, streamed from disk
        rather than held in memory. `dedupe=False` says the shards hold no content twice (the
        caller checked), which spares a sort of every shard table. `touch_inbox` = (inbox,
        seen_at): every current file of that inbox was seen again unchanged, as the ledger has it
        (its `unchanged` entries are then not passed): their sighting is refreshed in one update.
        """
        unknown = set(tables) - set(REPORT_TABLES)
        if unknown:
            raise ValueError(f"unknown staging tables: {sorted(unknown)}")
        run_id = run.get("run_id")
        default_at = run.get("finished_at") or run.get("started_at")
        staged: dict[str, pa.Table] = {}
        for table in REPORT_TABLES:
            rows = tables.get(table, [])
            if table == "reports":
                rows = [{**r, "loaded_run_id": r.get("loaded_run_id") or run_id} for r in rows]
            staged[f"stg_{table}"] = to_arrow(rows, self.schema(table), KEYS[table])
        q_rows = [
            {**q, "file_path": q.get("file_path", q.get("path")), "run_id": q.get("run_id") or run_id,
             "quarantined_at": q.get("quarantined_at") or default_at}
            for q in quarantine
        ]
        staged["stg_quarantine"] = to_arrow(q_rows, self.schema("quarantine"), KEYS["quarantine"])
        staged["stg_runs"] = to_arrow([run], self.schema("runs"), KEYS["runs"])
        f_rows = [{**f, "seen_at": f.get("seen_at") or default_at} for f in files]
        staged["stg_files"] = to_arrow(f_rows, FILES_SCHEMA, KEYS["files"])

        counts: dict[str, int] = {}
        try:
            with self.transaction():
                if shards is None:
                    for name, arrow in staged.items():
                        self.con.register(name, arrow)
                else:
                    self._stage_shards(Path(shards), staged, dedupe)
                if touch_inbox is not None:
                    self.con.execute(self._load["ledger_touch_inbox"],
                                     {"inbox": touch_inbox[0], "seen_at": touch_inbox[1]})
                self._exec("ledger_touch")
                self._exec("ledger_retire")
                self._exec("ledger_missing")
                counts["file_ledger"] = self._exec("ledger_insert")
                if reload:
                    for table in reversed(REPORT_TABLES):
                        self.con.execute(self._load["delete_staged"].replace("{table}", table))
                self._exec("new_reports")
                for table in REPORT_TABLES:
                    counts[table] = self._exec(f"insert_{table}")
                if repeated := self._exec("duplicate_keyword_candidates"):  # the key no index upholds
                    raise duckdb.ConstraintException(
                        f"duplicate key: {repeated} (report_id, term) pairs of keyword_candidates occur more than "
                        "once in this load (primary key of warehouse/tables.py)")
                counts["quarantine"] = self._exec("insert_quarantine")
                if run_id:
                    self._exec("upsert_run")  # always written; not counted as loaded data
                self.con.execute("drop table if exists new_reports")
        finally:
            for name in staged:
                self._unregister(name)
            if shards is not None:  # names from the fixed table lists
                for table in (*REPORT_TABLES, "quarantine", "files", "runs", "reports_shards"):
                    for name in (f"mem_{table}", f"stg_{table}"):
                        self._unregister(name)
                        self.con.execute(f"drop view if exists {name}")
        return counts

    def _stage_shards(self, shards: Path, staged: dict[str, pa.Table], dedupe: bool) -> None:
        """stg_<table> views over in-memory rows + the run's Parquet shards (inside the run's
        transaction)."""
        sql = named_statements("staging/stg_shards.sql")
        for stg, arrow in staged.items():
            table = stg.removeprefix("stg_")
            folder = shards / table
            if not folder.is_dir() or not any(folder.glob("*.parquet")):
                name = "stg_reports_shards" if table == "reports" else stg
                self.con.register(name, arrow)
                continue
            mem = f"mem_{table}"
            self.con.register(mem, arrow)
            key = KEYS.get(table, ())
            view = "stg_reports_shards" if table == "reports" else stg
            self.con.execute(
                sql["stage"].replace("{stg}", view).replace("{mem}", mem)
                .replace("{glob}", _quote_path(folder / "*.parquet"))
                .replace("{dedupe}", sql["dedupe"].replace("{key}", ", ".join(key)) if dedupe and key else "")
            )
        self.con.execute(sql["reports_final"])

    def store_texts_from_shards(self, shards: Path | str) -> int:
        """Decoded texts from a run's `report_texts` shards (own transaction, before the load:
        a text without a loaded report is harmless, the reverse is not)."""
        folder = Path(shards) / "report_texts"
        if not folder.is_dir() or not any(folder.glob("*.parquet")):
            return 0
        statement = named_statements("staging/stg_shards.sql")["texts"].replace(
            "{glob}", _quote_path(folder / "*.parquet"))
        with self.transaction():
            return self._exec_statement(statement)

    def _exec_statement(self, statement: str) -> int:
        got = self.con.execute(statement).fetchall()
        return int(got[0][0]) if got and got[0] and isinstance(got[0][0], int) else 0

    def touch_unchanged(self, paths: Iterable[str], seen_at: Any) -> int:
        """Refresh last_seen_at of current ledger entries (own transaction); returns rows touched."""
        arrow = to_arrow(({"path": p, "seen_at": seen_at} for p in paths), FILES_SCHEMA, KEYS["files"])
        n = self._in_transaction({"stg_touch": arrow}, lambda: self.con.execute(
            "update file_ledger as f set last_seen_at = s.seen_at from stg_touch as s "
            "where f.path = s.path and f.is_current"
        ).fetchone()[0])
        return int(n)

    def record_run(self, run: Mapping[str, Any]) -> None:
        """Write the runs row in its own transaction: how the run ended, written last."""
        arrow = to_arrow([run], self.schema("runs"))
        self._in_transaction({"stg_runs": arrow}, lambda: self._exec("upsert_run"))

    def record_failed_run(self, run: Mapping[str, Any]) -> None:
        """Write a failed runs row in its own transaction (status forced to `failed`)."""
        self.record_run({**run, "status": "failed"})

    def publish_snapshot(self, dest: Path | str, lake: Path | str) -> Path:
        """Publish the read-only BI snapshot (DuckDB 1.x format) for the lake's current
        version: views over its Parquet files, swapped in atomically (warehouse/snapshot.py)."""
        return publish_snapshot(self.con, dest, lake)

    def export_lake(self, lake_dir: Path | str, *, stats: dict[str, Any] | None = None) -> dict[str, int]:
        return export_lake(self.con, Path(lake_dir), stats=stats)

    # -- reconciliation (one meeting, many reports) -----------------------------------------
    # Incremental reconciliation, in the order flows/reconcile.py calls it, inside one
    # `transaction()`: key parts of new reports → assignment of every current report to its
    # meeting key (SQL) → the touched keys → their old rows cleared → their new rows written a
    # batch at a time → session_order of the touched series.
    def unkeyed_reports(self, batch_rows: int = 20_000) -> Iterator[list[dict[str, Any]]]:
        """Current meeting reports without stored key parts, a batch of rows at a time (the
        caller stores each batch's keys before asking for the next)."""
        statement = self._reconcile["unkeyed"].rstrip().rstrip(";") + " limit ?"
        while True:
            rows = self.con.sql(statement, params=[batch_rows]).to_arrow_table().to_pylist()
            if not rows:
                return
            yield rows

    def add_report_keys(self, rows: list[Mapping[str, Any]]) -> int:
        arrow = pa.Table.from_pylist(list(rows), schema=self._table_schema("report_keys"))
        self.con.register("stg_report_keys", arrow)
        try:
            self.con.execute(self._reconcile["add_keys"])
        finally:
            self._unregister("stg_report_keys")
        return arrow.num_rows

    def forget_report_keys(self) -> None:
        self.con.execute(self._reconcile["forget_keys"])

    def assign_meetings(self) -> None:
        """temp table reconcile_assigned: every current meeting report → its meeting key."""
        self.con.execute(self._reconcile["assign"])

    def touched_meeting_keys(self, *, full: bool = False) -> list[str]:
        """Keys whose set of reports changed since the tables were written (all with `full`)."""
        return [r[0] for r in self.con.execute(self._reconcile["all_keys" if full else "touched"]).fetchall()]

    def clear_meetings(self, touched: Mapping[str, str]) -> set[tuple[Any, ...]]:
        """Delete the rows of the touched meetings ({meeting key: meeting id}); returns the
        (region_key, body, term) series they were in."""
        staged = pa.table({"meeting_key": list(touched), "meeting_id": list(touched.values())},
                          schema=pa.schema([("meeting_key", pa.string()), ("meeting_id", pa.string())]))
        self.con.register("stg_touched", staged)  # kept until end_reconcile: session_order reads it
        series = {tuple(r) for r in self.con.execute(self._reconcile["touched_series"]).fetchall()}
        self.con.execute(self._reconcile["clear_touched"])
        return series

    def meeting_inputs(self, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The reports of these meetings (`inputs`, with `meeting_key`), their chairs and
        presidium (`people`) and the first span of each compared field (`spans`)."""
        self.con.register("stg_batch", pa.table({"meeting_key": pa.array(keys, pa.string())}))
        try:
            return {key: self.con.sql(self._reconcile[name]).to_arrow_table().to_pylist()
                    for key, name in (("inputs", "batch_inputs"), ("people", "batch_people"),
                                      ("spans", "batch_spans"))}
        finally:
            self._unregister("stg_batch")

    def write_reconciliation(self, tables: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, int]:
        """Insert rows of recomputed meetings; returns rows written per table."""
        unknown = set(tables) - set(RECONCILE_TABLES)
        if unknown:
            raise ValueError(f"unknown reconciliation tables: {sorted(unknown)}")
        counts = {}
        for table in RECONCILE_TABLES:
            rows = tables.get(table) or []
            if not rows:
                counts[table] = 0
                continue
            # Rows come typed from transforms.reconcile: Arrow converts them in bulk.
            arrow = pa.Table.from_pylist(list(rows), schema=self._table_schema(table))
            self.con.register(f"stg_{table}", arrow)
            try:
                self.con.execute(self._reconcile["fill"].replace("{table}", table))
            finally:
                self._unregister(f"stg_{table}")
            counts[table] = arrow.num_rows
        return counts

    def series_meetings(self, series: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """Every meeting of these (region_key, body, term) series."""
        rows = list(series)
        staged = pa.table({"region_key": pa.array([r[0] for r in rows], pa.string()),
                           "body": pa.array([r[1] for r in rows], pa.string()),
                           "term": pa.array([r[2] for r in rows], pa.int32())})
        self.con.register("stg_series", staged)
        try:
            return self.con.sql(self._reconcile["series_meetings"]).to_arrow_table().to_pylist()
        finally:
            self._unregister("stg_series")

    def replace_session_order(self, series_meetings: list[Mapping[str, Any]],
                              rows: list[Mapping[str, Any]]) -> int:
        """Replace the session_order findings of the recomputed series (and any naming a
        touched meeting) with `rows`."""
        ids = pa.table({"meeting_id": pa.array([m["meeting_id"] for m in series_meetings], pa.string())})
        self.con.register("stg_series_meetings", ids)
        try:
            self.con.execute(self._reconcile["clear_session_order"])
        finally:
            self._unregister("stg_series_meetings")
        return self.write_reconciliation({"meeting_checks": list(rows)})["meeting_checks"]

    def end_reconcile(self, *, counts: bool = True) -> dict[str, int]:
        """Drop reconciliation's temporary tables; rows per reconciliation table."""
        self._unregister("stg_touched")
        self.con.execute(self._reconcile["drop_temps"])
        if not counts:
            return {}
        return {t: self.con.execute(f"select count(*) from {t}").fetchone()[0] for t in RECONCILE_TABLES}

    def _table_schema(self, table: str) -> pa.Schema:
        cur = self.con.cursor()
        try:
            return cur.sql(f"select * from {table} limit 0").to_arrow_table().schema
        finally:
            cur.close()

    def _unregister(self, name: str) -> None:
        try:
            self.con.unregister(name)
        except Exception:  # pragma: no cover - best effort cleanup; may not be registered
            pass

    def _in_transaction(self, staged: Mapping[str, pa.Table], work: Any) -> Any:
        try:
            with self.transaction():
                for name, arrow in staged.items():
                    self.con.register(name, arrow)
                return work()
        finally:
            for name in staged:
                self._unregister(name)

    def _exec(self, name: str) -> int:
        got = self.con.execute(self._load[name]).fetchall()
        return int(got[0][0]) if got and got[0] and isinstance(got[0][0], int) else 0


def query(path: Path | str, sql: str, params: Iterable[Any] = ()) -> tuple[list[str], list[tuple]]:
    """Run one statement on a read-only connection; returns (column names, rows)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute(sql, list(params))
        return [d[0] for d in cur.description or []], cur.fetchall()
    finally:
        con.close()
