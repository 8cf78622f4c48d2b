"""The nightly flow end to end under a real (temporary) Prefect server and real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly

pytestmark = pytest.mark.slow


def _run(inbox: Path, tmp_path: Path, workers: int = 1) -> dict:
    return nightly(inbox=str(inbox), warehouse=str(tmp_path / "wh.duckdb"), lake=str(tmp_path / "lake"),
                   docs=str(tmp_path / "docs"), workers=workers, batch_size=2)


def _rows(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_seed_inbox_loads_validates_and_quarantines(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    summary = _run(seed_inbox, tmp_path, workers=2)
    assert summary["files_seen"] == summary["files_new"] == len(list(seed_inbox.iterdir()))
    pinglu = _rows(tmp_path, "select required, present, presider, len(executive_chairs), valid from meeting_facts "
                             "where meeting_name like '%平鲁区第八届%'")
    assert pinglu == [(185, 162, "贾志武", 8, True)]
    quarantined = dict(_rows(tmp_path, "select file_path, list(rule order by rule) from quarantine group by 1"))
    assert "present_le_required" in quarantined["102_jiaocheng_renda_bimu.txt"]
    assert "unreadable" in quarantined["103_kelan_renda_kaimu.txt"]
    assert "000_pinglu_opening.txt" not in quarantined
    # A quarantined report is flagged, not dropped.
    flags = dict(_rows(tmp_path, "select file_path, valid from meeting_facts"))
    assert flags["102_jiaocheng_renda_bimu.txt"] is False
    assert (tmp_path / "docs" / "index.html").is_file()
    assert list((tmp_path / "lake").rglob("*.parquet"))


def test_second_run_loads_nothing_and_changes_nothing(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    before = _rows(tmp_path, "select * from meeting_facts order by file_path")
    lake_version = (tmp_path / "lake").resolve()
    snapshot = tmp_path / "serve" / "wh.duckdb"
    published = snapshot.stat().st_mtime_ns
    again = _run(seed_inbox, tmp_path)
    assert again["files_new"] == 0 and again["files_loaded"] == 0
    assert again["files_unchanged"] == again["files_seen"]
    assert _rows(tmp_path, "select * from meeting_facts order by file_path") == before
    assert _rows(tmp_path, "select count(*), count(distinct status) from runs") == [(2, 1)]
    # Nothing new and nothing left unpublished: lake and snapshot are not rewritten.
    assert (tmp_path / "lake").resolve() == lake_version
    assert snapshot.stat().st_mtime_ns == published


def test_unpublished_commit_is_published_by_a_nothing_new_run(prefect_harness, seed_inbox: Path,
                                                              tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    assert _rows(tmp_path, "select status, published from runs") == [("ok", True)]
    lake_version = (tmp_path / "lake").resolve()
    # What a run killed between its commit and its snapshot leaves behind: its row unpublished.
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("update runs set published = false")
    again = _run(seed_inbox, tmp_path)
    assert again["files_new"] == 0
    assert (tmp_path / "lake").resolve() != lake_version
    # Both published now: the first by the second, the second by itself.
    assert _rows(tmp_path, "select published from runs order by started_at") == [(True,), (True,)]
    # A warehouse from before `runs.published` marked that with a file: still honoured, then gone.
    lake_version = (tmp_path / "lake").resolve()
    (tmp_path / "wh.duckdb.unpublished").touch()
    _run(seed_inbox, tmp_path)
    assert (tmp_path / "lake").resolve() != lake_version
    assert not (tmp_path / "wh.duckdb.unpublished").exists()


def test_changed_file_becomes_a_new_version(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    seed = seed_inbox / "000_pinglu_opening.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("出席162人", "出席163人"), encoding="utf-8")
    summary = _run(seed_inbox, tmp_path)
    assert summary["files_new"] == 1
    present = _rows(tmp_path, "select present from meeting_facts where file_path = '000_pinglu_opening.txt'")
    assert present == [(163,)]
    assert _rows(tmp_path, "select count(*) from reports where file_path = '000_pinglu_opening.txt'") == [(2,)]
