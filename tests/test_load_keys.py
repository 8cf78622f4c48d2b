"""Keys the load upholds itself: keyword_candidates has no primary-key index (schema/011: the
largest table, whose index cost a backfill's commit memory and time), so the load checks the
run's own rows; and a COMMIT that fails reports why, not a second error from the rollback."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.inbox import scan_inbox
from flows.staging import leftover_rows, shard_dir_for, stage_batch, validate_run, write_outcomes
from tests.old_warehouse import warehouse_before
from transforms.normalize import normalize
from transforms.reconcile import fingerprint
from warehouse.store import REPORT_TABLES, Warehouse, refingerprint_texts

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _primary_key(wh: Warehouse, table: str) -> list:
    return wh.query("select constraint_column_names from duckdb_constraints() "
                    "where table_name = ? and constraint_type = 'PRIMARY KEY'", [table])[1]


def _stage(wh: Warehouse, inbox: Path, warehouse_path: Path) -> tuple[Path, list, list]:
    scan = scan_inbox(inbox, {})
    shards = shard_dir_for(warehouse_path, "r1")
    schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
    write_outcomes(shards, "o0000000", stage_batch(scan.new, str(shards), "b0000000", schemas))
    validate_run(shards, docs_dir=None, run_id="r1", now=NOW, inbox=None, schemas=schemas)
    files, quarantine = leftover_rows("r1", NOW, scan.rejected)
    return shards, files, quarantine


def test_a_load_that_repeats_a_candidate_key_fails_whole(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in sorted((ROOT / "seeds" / "reports").glob("*.txt"))[:3]:
        shutil.copy(seed, inbox / seed.name)
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        assert _primary_key(wh, "keyword_candidates") == []
        shards, files, quarantine = _stage(wh, inbox, path)
        written = sorted((shards / "keyword_candidates").glob("*.parquet"))
        one_row = pq.read_table(written[0]).slice(0, 1)
        pq.write_table(one_row, shards / "keyword_candidates" / "zz-repeated.parquet")  # a worker's bug
        run = {"run_id": "r1", "started_at": NOW, "finished_at": NOW, "status": "ok"}
        with pytest.raises(duckdb.ConstraintException, match=r"1 \(report_id, term\) pairs of keyword_candidates"):
            wh.commit_run(run, files, {}, quarantine, shards=shards, dedupe=False)
        assert wh.query("select count(*) from reports")[1] == [(0,)]
        assert wh.query("select count(*) from keyword_candidates")[1] == [(0,)]
        # The same shards with the repeated row gone load, every candidate once.
        (shards / "keyword_candidates" / "zz-repeated.parquet").unlink()
        counts = wh.commit_run(run, files, {}, quarantine, shards=shards, dedupe=False)
        assert counts["keyword_candidates"] == sum(pq.read_metadata(f).num_rows for f in written) > 0
        assert wh.query("select count(*) from (select distinct report_id, term from keyword_candidates)")[1] \
            == [(counts["keyword_candidates"],)]


def test_a_warehouse_with_the_indexed_candidates_keeps_them_unindexed(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = warehouse_before(path, "011")
    con.execute("insert into keyword_candidates values ('r1', '乡村振兴', 3, 120), ('r1', '营商环境', 2, 120), "
                "('r2', '乡村振兴', 1, 80)")
    assert con.execute("select count(*) from duckdb_constraints() where table_name = 'keyword_candidates' "
                       "and constraint_type = 'PRIMARY KEY'").fetchone() == (1,)
    con.close()
    with Warehouse(path) as wh:
        assert _primary_key(wh, "keyword_candidates") == []
        assert sorted(wh.query("select * from keyword_candidates")[1]) == [
            ("r1", "乡村振兴", 3, 120), ("r1", "营商环境", 2, 120), ("r2", "乡村振兴", 1, 80)]
        assert "keyword_candidates_indexed" not in {r[0] for r in wh.query("select table_name from duckdb_tables()")[1]}


def test_a_warehouse_with_sketches_hashed_the_old_way_gets_them_recomputed(tmp_path: Path) -> None:
    """Schema 012: sketches of another hash cannot be compared with a new report's; every one is
    recomputed from its text, and every meeting is left to be reconciled and published again."""
    texts = {f"r{i}": seed.read_bytes().decode("utf-8", "replace")
             for i, seed in enumerate(sorted((ROOT / "seeds" / "reports").glob("*.txt"))[:5])}
    texts["r-empty"] = ""
    path = tmp_path / "old.duckdb"
    con = warehouse_before(path, "012")
    for rid, text in texts.items():
        con.execute("insert into report_texts values (?, ?, ?)", [rid, text, None if not text else [1, 2, 3]])
    con.execute("insert into meeting_reports (report_id, meeting_id) values ('r0', 'm1')")
    con.execute("insert into runs (run_id, started_at, status, published) values ('old', now(), 'ok', true)")
    con.close()
    with Warehouse(path) as wh:
        stored = dict(wh.query("select report_id, fingerprint from report_texts")[1])
        assert stored.keys() == texts.keys()
        for rid, text in texts.items():
            expected = fingerprint(normalize(text)[0])
            assert (tuple(stored[rid]) if stored[rid] is not None else None) == expected
        assert stored["r0"] is not None and stored["r-empty"] is None
        assert wh.query("select count(*) from meeting_reports")[1] == [(0,)]
        assert wh.unpublished_runs() == 1


def test_refingerprinting_in_batches_reads_every_text_once(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        rows = [(f"r{i:03d}", "第十五届人民代表大会第二次会议" * (i % 7 + 1), [9]) for i in range(23)]
        wh.con.executemany("insert into report_texts values (?, ?, ?)", rows)
        assert refingerprint_texts(wh.con, rows=5) == 23
        got = wh.query("select report_id, text, fingerprint from report_texts order by report_id")[1]
        assert [(r, t) for r, t, _ in got] == [(r, t) for r, t, _ in rows]
        assert all(tuple(f) == fingerprint(normalize(t)[0]) for _, t, f in got)


def test_a_commit_that_fails_says_why(tmp_path: Path) -> None:
    """DuckDB ends a transaction whose COMMIT failed; rolling back again must not replace the
    commit's error with "no transaction is active"."""
    with Warehouse(tmp_path / "w.duckdb") as wh:
        other = wh.con.cursor()  # a second transaction on the same database
        other.begin()
        other.execute("insert into runs (run_id, started_at, status) values ('r1', now(), 'ok')")
        with pytest.raises(duckdb.TransactionException, match="Failed to commit: .*duplicate key"):
            with wh.transaction():
                wh.con.execute("insert into runs (run_id, started_at, status) values ('r1', now(), 'ok')")
                other.commit()  # first to commit wins; the block's commit then fails
        other.close()
        assert wh.query("select count(*) from runs")[1] == [(1,)]
