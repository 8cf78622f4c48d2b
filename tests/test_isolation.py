"""One bad file costs only itself: supervised extraction workers (flows/workers.py) with real
processes. A file that kills its worker, hangs, or runs out of the worker's memory cap is settled
on its own, with its hash; the rest of its batch loads; a worker that dies once on a file that
then succeeds alone costs nothing; a failure that is no file's fault fails the run."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from flows.inbox import scan_inbox
from flows.runguard import POISON_ENV
from flows.settings import USER_DICT
from flows.workers import WorkerConfig, WorkerPool, extraction_jobs
from warehouse.store import REPORT_TABLES, Warehouse

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "reports"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    shutil.copytree(SEEDS, box)
    pinglu = (SEEDS / "000_pinglu_opening.txt").read_bytes()
    for n, name in enumerate(("a_once.txt", "b_twice.txt", "c_hang.txt", "d_hog.txt")):
        (box / name).write_bytes(pinglu.replace("出席162人".encode(), f"出席{150 + n}人".encode()))
    return box


def _extract(inbox: Path, tmp_path: Path, poison: str, **pool: object) -> dict:
    with Warehouse(tmp_path / "wh.duckdb") as wh:
        schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
    config = WorkerConfig(str(tmp_path / "shards"), schemas, tuple(USER_DICT.read_text(encoding="utf-8").splitlines()),
                          pool.pop("memory_mb", 1536), {POISON_ENV: poison})
    items = scan_inbox(inbox, {}).new
    with WorkerPool(2, config, **pool) as workers:
        outcomes = [o for got in workers.map(extraction_jobs(items, 3)) for o in got]
    return {o.file.path: o for o in outcomes}


def test_poison_files_are_settled_alone_and_the_rest_of_their_batch_loads(inbox: Path, tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    out = _extract(inbox, tmp_path, f"killonce:a_once.txt:{markers};kill:b_twice.txt;hang:c_hang.txt;oom:d_hog.txt",
                   file_timeout_s=8, memory_mb=1024)
    assert sorted(out) == sorted(p.name for p in inbox.iterdir())  # every file exactly once
    # Died once, then succeeded alone in a fresh worker: a normal report.
    assert out["a_once.txt"].report_id and not out["a_once.txt"].found
    for name, rule, fragment in (("b_twice.txt", "worker_crashed", "SIGKILL"),
                                 ("c_hang.txt", "timeout", "8 s"),
                                 ("d_hog.txt", "too_large", "memory cap")):
        (v,) = out[name].found
        assert (v.rule, fragment in v.message) == (rule, True), (name, v)
        assert out[name].report_id is None
        assert out[name].file.sha256 == hashlib.sha256((inbox / name).read_bytes()).hexdigest()
    # Every other file of the inbox was extracted as usual, and its rows are in the shards.
    good = [p for p in out if p not in ("b_twice.txt", "c_hang.txt", "d_hog.txt")]
    assert all(out[p].report_id for p in good)
    import pyarrow.parquet as pq

    shard_ids = set(pq.read_table(tmp_path / "shards" / "reports").column("report_id").to_pylist())
    assert shard_ids == {out[p].report_id for p in good}


def test_a_failure_that_is_no_files_fault_fails_the_run(inbox: Path, tmp_path: Path) -> None:
    """Shards cannot be written (here: the shard folder is a file; in life, a full disk): that
    is not the files' fault, so nothing is quarantined and the run stops with the reason."""
    (tmp_path / "shards").write_text("in the way")
    with pytest.raises(RuntimeError, match="outside any file: (FileExistsError|NotADirectoryError)"):
        _extract(inbox, tmp_path, "")


def test_workers_do_without_pandas_and_write_the_shards_a_process_with_pandas_writes(tmp_path: Path) -> None:
    """flows/worker_boot.py keeps pandas out of the workers (pyarrow would import it only to ask
    whether a value is a pandas object): no worker maps a pandas library, and their shards hold
    exactly what this process — pandas loaded — writes from the same files."""
    import pandas  # noqa: F401  (the reference side has it, as the run's own process does)
    import pyarrow.parquet as pq

    from bench.generate import write_corpus
    from flows.staging import stage_batch
    from transforms import keywords

    box = tmp_path / "inbox"
    shutil.copytree(SEEDS, box)
    write_corpus(box / "gen", 12, seed=5)
    with Warehouse(tmp_path / "wh.duckdb") as wh:
        schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
        schemas["report_texts"] = wh.table_schema("report_texts")  # as a run's workers get it
    config = WorkerConfig(str(tmp_path / "workers"), schemas, tuple(USER_DICT.read_text(encoding="utf-8").splitlines()))
    items = scan_inbox(box, {}).new
    with WorkerPool(2, config) as workers:
        done = [o for got in workers.map(extraction_jobs(items, 4)) for o in got]
        maps = [Path(f"/proc/{w.proc.pid}/maps").read_text() for w in workers.workers]
    assert len(done) == len(items) and len(maps) == 2
    for mapped in maps:
        assert "/pyarrow/" in mapped  # the workers converted and wrote Arrow tables…
        assert "/pandas/" not in mapped  # …without loading pandas
    keywords.load_user_dictionary(config.dictionary)  # as every worker has
    for job in extraction_jobs(items, 4):
        stage_batch(job.items, str(tmp_path / "here"), job.tag, schemas)
    for table in ("reports", "fact_spans", "keyword_candidates", "report_texts", "validation"):
        def read(folder: str) -> list[dict]:
            rows = pq.read_table(tmp_path / folder / table).to_pylist()
            return sorted(rows, key=repr)

        assert read("workers") == read("here") != [], table
