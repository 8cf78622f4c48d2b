"""Scale-out: the same flow on a Dask cluster (a local one of worker processes here) loads the
same meeting_facts as the default process pool."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bench.generate import write_corpus
from flows.cli import app
from flows.nightly import nightly


def _run(inbox: Path, out: Path, **kw) -> dict:
    return nightly(inbox=str(inbox), warehouse=str(out / "wh.duckdb"), lake=str(out / "lake"),
                   docs=str(out / "docs"), workers=2, batch_size=5, **kw)


def _facts(out: Path) -> list[tuple]:
    with duckdb.connect(str(out / "wh.duckdb"), read_only=True) as con:
        return con.execute("select * from meeting_facts order by file_path").fetchall()


@pytest.mark.slow
def test_dask_runner_loads_the_same_meeting_facts(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    write_corpus(seed_inbox / "gen", 12, seed=11)
    pool = _run(seed_inbox, tmp_path / "pool")
    dask = _run(seed_inbox, tmp_path / "dask", runner="dask")
    rows = _facts(tmp_path / "pool")
    assert len(rows) >= 12
    assert _facts(tmp_path / "dask") == rows
    for key in ("files_new", "files_loaded", "files_quarantined", "meetings", "violations"):
        assert dask[key] == pool[key], key
    # The run's shards are gone once it committed.
    assert not list((tmp_path / "dask").glob(".shards-*"))
    # The jieba user dictionary was loaded in the Dask workers too: terms that only it knows
    # (jieba's own dictionary cuts 乡村振兴 into 乡村 + 振兴) come out as keywords.
    with duckdb.connect(str(tmp_path / "dask" / "wh.duckdb"), read_only=True) as con:
        kw = set(con.execute("select list(distinct term) from keywords").fetchone()[0])
    assert {"乡村振兴", "营商环境", "科技创新", "文旅融合"} & kw


def test_dask_address_needs_the_dask_runner(seed_inbox: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--inbox", str(seed_inbox), "--warehouse", str(tmp_path / "w.duckdb"),
                                      "--dask-address", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 1
    assert not (tmp_path / "w.duckdb").exists()


def test_unknown_runner_is_refused(seed_inbox: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--inbox", str(seed_inbox), "--warehouse", str(tmp_path / "w.duckdb"),
                                      "--runner", "spark"])
    assert result.exit_code == 1
    assert not (tmp_path / "w.duckdb").exists()
