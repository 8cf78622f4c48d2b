"""Concurrent starts and failed runs, through the real CLI against a real Prefect server.

Choice: a second run does not wait; it exits at once (code 1, one line naming the run that
holds the lock). Readers use the published snapshot and never block the writer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from prefect.states import Failed

from flows.inbox import is_transient
from flows.nightly import _transient_only
from flows.runguard import SLOW_READ_ENV, lock_path
from tests.reliability_corpus import build_inbox
from tests.reliability_state import snapshot_state, warehouse_state

pytestmark = pytest.mark.slow
CLI = str(Path(sys.executable).with_name("congress-etl"))
STARTS = 3  # refused starts while one run holds the warehouse


def _cli(env: dict[str, str], cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _popen(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([CLI, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from meeting_facts").fetchone()[0]


def test_second_starts_exit_at_once_and_readers_never_block(prefect_api, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    build_inbox(inbox, 200)
    later = tmp_path / "later"
    later.mkdir()
    for sub in ("01",):  # the second half arrives after the first night
        os.rename(inbox / sub, later / sub)
    first = _cli(prefect_api, tmp_path, "run", "--inbox", "inbox", "--workers", "1")
    assert first.returncode == 0, first.stderr
    snapshot = tmp_path / "data" / "serve" / "warehouse.duckdb"
    assert _count(snapshot) == 103
    os.rename(later / "01", inbox / "01")

    bi = duckdb.connect(str(snapshot), read_only=True)  # a dashboard keeps the snapshot open all night
    try:
        run = _popen(prefect_api, tmp_path, "run", "--inbox", "inbox", "--workers", "1")
        lock = lock_path(tmp_path / "data" / "warehouse.duckdb")
        deadline = time.monotonic() + 120
        while f"pid {run.pid}," not in (lock.read_text() if lock.exists() else ""):
            assert run.poll() is None and time.monotonic() < deadline, "first run never took the lock"
            time.sleep(0.05)
        started = time.monotonic()
        others = [_popen(prefect_api, tmp_path, "run", "--inbox", "inbox") for _ in range(STARTS)]
        refused = [p.communicate(timeout=60) + (p.returncode,) for p in others]
        refused_in = time.monotonic() - started
        reader = _cli(prefect_api, tmp_path, "query", "select count(*) as n from meeting_facts")
        assert run.poll() is None, "the first run ended too soon for this test to mean anything"
        out, errs = run.communicate(timeout=300)
        assert run.returncode == 0, errs
    finally:
        bi_rows = bi.execute("select count(*) from meeting_facts").fetchone()[0]
        bi.close()
    for _, stderr, code in refused:
        assert code == 1
        (line,) = stderr.strip().splitlines()
        assert "another run is in progress" in line and f"pid {run.pid}" in line
    assert refused_in < 30, f"refused starts took {refused_in:.1f} s"
    assert reader.returncode == 0 and "103" in reader.stdout  # the published snapshot, mid-run
    assert bi_rows == 103  # the open reader kept its consistent old view and did not block the swap

    # Nothing lost, nothing twice: every file once in the ledger, every report once in facts.
    wh = tmp_path / "data" / "warehouse.duckdb"
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("select count(*), count(distinct path) from file_ledger").fetchone() == (203, 203)
        assert con.execute("select count(*), count(distinct file_path) from meeting_facts").fetchone() == (203, 203)
        assert con.execute("select count(*), count(distinct status) from runs").fetchone() == (2, 1)
    assert snapshot_state(snapshot) == warehouse_state(wh)["meeting_facts"]
    after = _cli(prefect_api, tmp_path, "query", "select count(*) as n from meeting_facts")
    assert "203" in after.stdout


def test_failed_run_is_recorded_reported_in_one_line_and_caught_up(prefect_api, seed_inbox: Path,
                                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"  # a folder where the snapshot file should go: publishing fails
    (blocker / "keep").mkdir(parents=True)
    failed = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), "--workers", "1",
                  "--snapshot", str(blocker))
    assert failed.returncode == 1
    line = failed.stderr.strip().splitlines()[-1]  # after Prefect's own log lines
    assert line.startswith("error: run failed: ") and "IsADirectoryError" in line and line.endswith(".log)")
    log = Path(line.rsplit("(log: ", 1)[1].rstrip(")"))
    assert (tmp_path / log).is_file() and "IsADirectoryError" in (tmp_path / log).read_text()
    wh = tmp_path / "data" / "warehouse.duckdb"
    with duckdb.connect(str(wh), read_only=True) as con:
        status, error, loaded = con.execute("select status, error, files_loaded from runs").fetchone()
        committed = con.execute("select count(*) from meeting_facts").fetchone()[0]
    assert status == "failed" and error.startswith("snapshot: IsADirectoryError") and loaded == 4
    assert committed == 4  # the load was committed before the snapshot failed: kept, not redone
    again = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert snapshot_state(tmp_path / "data" / "serve" / "warehouse.duckdb") == warehouse_state(wh)["meeting_facts"]


def test_only_transient_errors_are_retried() -> None:
    import errno

    assert is_transient(OSError(errno.EIO, "I/O error")) and is_transient(OSError(errno.ESTALE, "stale"))
    for terminal in (FileNotFoundError("inbox folder not found: x"), PermissionError(errno.EACCES, "denied"),
                     ValueError("file grew past the limit"), OSError(errno.ELOOP, "loop")):
        assert not is_transient(terminal)
        assert not _transient_only(None, None, Failed(data=terminal))
    assert _transient_only(None, None, Failed(data=OSError(errno.EIO, "I/O error")))


def _one_line_with_log(stderr: str, cwd: Path) -> str:
    """The CLI's error: one line (after Prefect's own log lines) naming a log file that exists."""
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and line.endswith(".log)"), stderr[-2000:]
    log = Path(line.rsplit("(log: ", 1)[1].rstrip(")"))
    assert (cwd / log).is_file()
    return line


def test_two_warehouses_in_one_folder_overlap_without_losing_data(prefect_api, seed_inbox: Path,
                                                                 tmp_path: Path) -> None:
    """Issue 13, case 1: another warehouse's run in the same folder must not sweep this run's
    shards or publish over its snapshot."""
    inbox = tmp_path / "inbox-a"
    build_inbox(inbox, 200)
    folder = tmp_path / "wh"

    def outputs(name: str) -> list[str]:
        return ["--warehouse", f"wh/{name}.duckdb", "--lake", f"wh/lake-{name}", "--docs", f"wh/docs-{name}",
                "--dashboard", f"wh/dashboard-{name}", "--workers", "1"]

    slow = {**prefect_api, SLOW_READ_ENV: "*:0.2"}  # A reads slowly, so B starts and ends while A extracts
    a = _popen(slow, tmp_path, "run", "--inbox", "inbox-a", *outputs("a"))
    deadline = time.monotonic() + 180
    while not list(folder.glob(".a.duckdb.shards-*/reports/*.parquet")):
        assert a.poll() is None and time.monotonic() < deadline, "run A never wrote a shard"
        time.sleep(0.05)
    b = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), *outputs("b"))
    assert b.returncode == 0, b.stderr
    assert a.poll() is None, "run A ended before run B: the runs did not overlap"
    assert list(folder.glob(".a.duckdb.shards-*"))  # B swept only its own scratch
    _, errs = a.communicate(timeout=300)
    assert a.returncode == 0, errs
    with duckdb.connect(str(folder / "a.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from reports").fetchone()[0] == 203
        assert con.execute("select count(*), count(report_id) from file_ledger").fetchone() == (203, 203)
    assert _count(folder / "serve" / "a.duckdb") == 203 and _count(folder / "serve" / "b.duckdb") == 4
    assert snapshot_state(folder / "serve" / "a.duckdb") == warehouse_state(folder / "a.duckdb")["meeting_facts"]

    # A third warehouse pointed at A's lake is refused before it touches anything.
    lake_a = os.readlink(folder / "lake-a")
    c = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), "--warehouse", "wh/c.duckdb",
             "--lake", "wh/lake-a", "--dashboard", "wh/dashboard-c", "--docs", "wh/docs-c", "--workers", "1")
    assert c.returncode == 1
    line = _one_line_with_log(c.stderr, tmp_path)
    assert "holds the lake of warehouse" in line and "a.duckdb" in line
    assert os.readlink(folder / "lake-a") == lake_a


@pytest.fixture
def mount_tmpfs(tmp_path: Path):
    """mount(folder, options): a real tmpfs, unmounted after the test; skips where mounting is
    not allowed (it needs root or CAP_SYS_ADMIN)."""
    mounted: list[Path] = []

    def mount(folder: Path, options: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        got = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                             text=True)
        if got.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({got.stderr.strip() or 'mount failed'}); needs root")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_read_only_warehouse_folder_is_a_one_line_error(prefect_api, seed_inbox: Path, tmp_path: Path,
                                                          mount_tmpfs) -> None:
    ro = mount_tmpfs(tmp_path / "ro", "ro,size=1m")
    got = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), "--warehouse", str(ro / "wh.duckdb"),
               "--workers", "1")
    assert got.returncode == 1
    line = _one_line_with_log(got.stderr, tmp_path)
    assert "Read-only file system" in line and len(got.stderr.strip().splitlines()) == 1, got.stderr
    (tmp_path / "afile").write_text("x")  # a warehouse "folder" that is a file
    got = _cli(prefect_api, tmp_path, "run", "--inbox", str(seed_inbox), "--warehouse", "afile/wh.duckdb")
    assert got.returncode == 1 and len(got.stderr.strip().splitlines()) == 1, got.stderr
    assert "afile/wh.duckdb" in got.stderr and "(log: " in got.stderr


def test_a_full_disk_fails_the_run_honestly_and_leaves_no_temp_file(prefect_api, seed_inbox: Path, tmp_path: Path,
                                                                    mount_tmpfs) -> None:
    """The snapshot does not fit: exit 1 with one line, no half-written snapshot left filling the
    disk, and `runs` never says ok for that run; with space again the next run catches up."""
    disk = mount_tmpfs(tmp_path / "disk", "size=6m")  # the warehouse fits (~6 MB), its snapshot does not
    args = ["run", "--inbox", str(seed_inbox), "--warehouse", str(disk / "wh.duckdb"), "--lake", "lake",
            "--docs", "docs", "--dashboard", "dashboard", "--workers", "1"]
    got = _cli(prefect_api, tmp_path, *args)
    assert got.returncode == 1, f"the run fit in 6 MB: make the tmpfs smaller\n{got.stdout}"
    line = _one_line_with_log(got.stderr, tmp_path)
    assert "No space left on device" in line, line
    assert not [p for p in disk.rglob("*") if ".tmp-" in p.name]  # the failed publish cleaned up at once
    log = Path(line.rsplit("(log: ", 1)[1].rstrip(")"))
    assert "space" in (tmp_path / log).read_text().lower()
    statuses = [s for (s,) in _rows(disk / "wh.duckdb", "select status from runs")]
    assert statuses and "ok" not in statuses, statuses  # `failed`, or `running` if even that could not be written
    subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
    again = _cli(prefect_api, tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert sorted(s for (s,) in _rows(disk / "wh.duckdb", "select status from runs")) == ["failed", "ok"]
    assert snapshot_state(disk / "serve" / "wh.duckdb") == warehouse_state(disk / "wh.duckdb")["meeting_facts"]


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()
