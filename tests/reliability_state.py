"""Fingerprints of what a run leaves behind, for the crash and concurrency tests.

A fingerprint is what must never be lost or duplicated: meeting_facts, quarantine without
run ids and timestamps, and the file ledger without timestamps, each as a digest of its rows.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import duckdb

WAREHOUSE_QUERIES = {
    "meeting_facts": "select * from meeting_facts order by file_path, report_id",
    "quarantine": "select * exclude (run_id, quarantined_at) from quarantine order by all",
    "file_ledger": "select * exclude (first_seen_at, last_seen_at) from file_ledger order by path, version",
}
LAKE_TABLES = ("reports", "attendance", "people", "agenda_items", "work_report_items", "keyword_candidates", "fact_spans",
               "meeting_facts", "quarantine", "runs", "file_ledger")


def _digest(rows: list[tuple]) -> str:
    return f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}"


EMPTY = {name: _digest([]) for name in WAREHOUSE_QUERIES}


def warehouse_state(path: Path) -> dict[str, str]:
    """Digests of the warehouse as the next run will find it (the WAL replayed on a copy);
    no warehouse file at all counts as an empty warehouse."""
    if not path.exists():
        return EMPTY
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w.duckdb"
        shutil.copy2(path, copy)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
        with duckdb.connect(str(copy)) as con:
            tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
            if "meeting_facts" not in tables:
                return EMPTY  # killed before the schema was created
            return {name: _digest(con.execute(sql).fetchall()) for name, sql in WAREHOUSE_QUERIES.items()}


def snapshot_state(path: Path) -> str | None:
    """Digest of meeting_facts in the published snapshot (opened read-only, as BI does)."""
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        return _digest(con.execute(WAREHOUSE_QUERIES["meeting_facts"]).fetchall())


def lake_state(lake: Path) -> str | None:
    """Digest of the lake's meeting_facts; every table must be readable (else this raises)."""
    if not lake.exists():
        return None
    with duckdb.connect() as con:
        for table in LAKE_TABLES:
            con.execute("select count(*) from read_parquet(?, hive_partitioning = true)",
                        [str(lake / table / "**" / "*.parquet")]).fetchone()
        rows = con.execute("select * exclude (year) from read_parquet(?, hive_partitioning = true) "
                           "order by file_path, report_id", [str(lake / "meeting_facts" / "**" / "*.parquet")])
        return _digest(rows.fetchall())
