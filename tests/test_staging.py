"""The streamed data path: batches → Parquet shards → one load. It must give exactly the rows the
all-in-memory path gives (same facts, validity, quarantine, ledger), dedupe repeated content to
the first file, and leave no shard behind."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from bench.generate import write_corpus
from flows.inbox import scan_inbox
from expectations.rules import validate_records
from flows.staging import (Tally, _pre_violations, leftover_rows, process_one, remove_stale_shards, shard_dir_for,
                           stage_batch, validate_run, write_outcomes)
from transforms import keywords
from transforms.facts import ReportFacts
from transforms.rows import report_id_for, report_rows
from warehouse.store import REPORT_TABLES, Warehouse

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
TABLES = (*REPORT_TABLES, "quarantine", "file_ledger")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staging")
    box = root / "inbox"
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds" / "reports", box)
    write_corpus(box / "gen", 30, seed=77)
    # The same content at two paths, in different batches: the first path's rows win.
    first = sorted((box / "gen").rglob("*.txt"))[0]
    shutil.copy(first, box / "zz_copy_of_first.txt")
    keywords.load_user_dictionary(keywords.USER_DICT.read_text(encoding="utf-8").splitlines())
    return box


def _run_row(run_id: str) -> dict:
    return {"run_id": run_id, "started_at": NOW, "finished_at": NOW, "status": "ok"}


def _in_memory(wh: Warehouse, inbox: Path) -> None:
    """The reference: every row built in memory and loaded in one commit_run."""
    scan = scan_inbox(inbox, {})
    extracted = [process_one(item) for item in scan.new]
    records = [dict(e.facts.record(), report_id=report_id_for(e.file.sha256)) if e.facts else {} for e in extracted]
    checked = validate_records(records) if any(records) else [[] for _ in records]
    violations = [_pre_violations(e) + list(c) for e, c in zip(extracted, checked)]
    files, tables, quarantine = [], {}, []
    for e, found in zip(extracted, violations):
        sha = e.file.sha256
        rid = report_id_for(sha) if e.doc is not None else None
        if e.doc is not None:
            for t, rows in report_rows(report_id=rid, file_path=e.file.path, sha256=sha, doc=e.doc,
                                       facts=e.facts or ReportFacts(), violations=found).items():
                tables.setdefault(t, []).extend(rows)
        quarantine += [{"file_path": e.file.path, "report_id": rid, "sha256": sha, "rule": v.rule,
                        "observed": v.observed, "message": v.message, "run_id": "r1", "quarantined_at": NOW}
                       for v in found]
        encoding, fmt = (e.doc.encoding, e.doc.format) if e.doc else (None, None)
        files.append({"path": e.file.path, "sha256": sha, "size_bytes": e.file.size_bytes,
                      "mtime_ns": e.file.mtime_ns, "encoding": encoding, "format": fmt,
                      "status": "quarantined" if found else "loaded", "report_id": rid, "seen_at": NOW})
    wh.commit_run(_run_row("r1"), files, tables, quarantine)


def _streamed(wh: Warehouse, inbox: Path, warehouse_path: Path, batch: int = 7, chunk: int = 12) -> Tally:
    """Workers' shards batch by batch, outcomes as shards, validation in chunks of `chunk`."""
    scan = scan_inbox(inbox, {})
    shards = shard_dir_for(warehouse_path, "r1")
    schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
    for i in range(0, len(scan.new), batch):
        outcomes = stage_batch(scan.new[i:i + batch], str(shards), f"b{i // batch:07d}", schemas)
        write_outcomes(shards, f"o{i // batch:07d}", outcomes)
    tally = validate_run(shards, docs_dir=None, run_id="r1", now=NOW, inbox=None, schemas=schemas, chunk=chunk)
    files, quarantine = leftover_rows("r1", NOW, scan.rejected)
    assert list(shards.glob("reports/*.parquet")) and list(shards.glob("files/*.parquet"))
    assert len(list(shards.glob("validation/*.parquet"))) > 1 and tally.duplicated
    wh.commit_run(_run_row("r1"), files, {}, quarantine, shards=shards, dedupe=True)
    return tally


def _dump(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in TABLES}


def test_shards_load_exactly_what_memory_loads(inbox: Path, tmp_path: Path) -> None:
    with Warehouse(tmp_path / "mem.duckdb") as wh:
        _in_memory(wh, inbox)
    with Warehouse(tmp_path / "shards.duckdb") as wh:
        tally = _streamed(wh, inbox, tmp_path / "shards.duckdb")
    mem, streamed = _dump(tmp_path / "mem.duckdb"), _dump(tmp_path / "shards.duckdb")
    for table in TABLES:
        assert streamed[table] == mem[table], table
    assert streamed["reports"] and streamed["quarantine"] and streamed["fact_spans"]
    # Validation quarantined some reports after their shard was written: they are not valid.
    with duckdb.connect(str(tmp_path / "shards.duckdb"), read_only=True) as con:
        invalid = con.execute("select count(*) from reports where not valid").fetchone()[0]
        quarantined = con.execute("select count(distinct report_id) from quarantine where report_id is not null"
                                  ).fetchone()[0]
        copies = con.execute("select count(*), min(file_path) from reports where report_id in "
                             "(select report_id from file_ledger where path = 'zz_copy_of_first.txt')").fetchone()
        ledger = con.execute("select count(report_id), count(*) filter (where status = 'quarantined') "
                             "from file_ledger").fetchone()
    assert invalid == quarantined > 0
    assert copies[0] == 1 and copies[1].startswith("gen/")
    assert (tally.files_loaded, tally.files_quarantined) == ledger


def test_stale_shards_of_a_killed_run_are_swept_and_only_this_warehouses(tmp_path: Path) -> None:
    wh_path = tmp_path / "wh.duckdb"
    stale = shard_dir_for(wh_path, "dead")
    (stale / "reports").mkdir(parents=True)
    (stale / "reports" / "b0000000.parquet").write_bytes(b"half")
    keep = tmp_path / "lake"
    keep.mkdir()
    others = [shard_dir_for(tmp_path / name, "live") for name in ("other.duckdb", "wh.duckdb2", "[wh].duckdb")]
    for folder in others:  # another warehouse's run in progress in the same folder
        folder.mkdir()
    assert remove_stale_shards(wh_path) == [stale]
    assert not stale.exists() and keep.exists() and all(folder.exists() for folder in others)


@pytest.mark.parametrize("rows", [1, 4, 5, 7, 100])
def test_row_chunks_cut_across_shard_files(tmp_path: Path, rows: int) -> None:
    """Validation chunks span shard files: one GX call per `rows` reports, not one per shard."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from flows.staging import row_chunks

    ids = [f"r{i}" for i in range(17)]
    for k, start in enumerate(range(0, len(ids), 3)):  # six shard files of 3 (the last of 2) rows
        pq.write_table(pa.table({"report_id": ids[start:start + 3]}), tmp_path / f"s{k}.parquet")
    dataset = ds.dataset(sorted(str(p) for p in tmp_path.glob("*.parquet")), format="parquet")
    chunks = list(row_chunks(dataset, rows))
    assert [c.num_rows for c in chunks] == [rows] * (len(ids) // rows) + ([len(ids) % rows] if len(ids) % rows else [])
    assert [r for c in chunks for r in c["report_id"].to_pylist()] == ids
