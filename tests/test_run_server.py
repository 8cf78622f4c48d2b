"""`congress-etl run` with no Prefect API configured starts a Prefect server for the run (booting
while the run imports) and leaves nothing running afterwards, even when the run is killed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from flows.runguard import KILL_ENV

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
SEED = sorted((ROOT / "seeds" / "reports").glob("*.txt"))[0]

pytestmark = pytest.mark.slow


def _servers_of(home: Path) -> list[psutil.Process]:
    """Live processes whose PREFECT_HOME is `home` (the run's server, if any is left)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("PREFECT_HOME") == str(home.resolve()) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _run(tmp_path: Path, home: Path, **extra_env: str) -> subprocess.CompletedProcess:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    shutil.copy(SEED, inbox / SEED.name)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), **extra_env)
    return subprocess.run(
        [str(BIN / "congress-etl"), "run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "w" / "warehouse.duckdb"),
         "--lake", str(tmp_path / "w" / "lake"), "--docs", str(tmp_path / "w" / "docs"), "--workers", "1"],
        env=env, capture_output=True, text=True, timeout=300)


def _wait_gone(home: Path, timeout_s: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout_s
    while (left := _servers_of(home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_a_run_without_a_prefect_api_records_itself_in_its_own_server_and_stops_it(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    done = _run(tmp_path, home)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Error logging to API" not in done.stdout + done.stderr  # the last logs were sent before it stopped
    assert _wait_gone(home, 5) == []
    with sqlite3.connect(home / "prefect.db") as db:  # the server's own database, under PREFECT_HOME
        runs = db.execute("select f.name, r.state_type from flow_run r join flow f on f.id = r.flow_id").fetchall()
    assert runs == [("nightly", "COMPLETED")]


def test_a_killed_run_takes_its_server_with_it(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    done = _run(tmp_path, home, **{KILL_ENV: "extract"})  # SIGKILL mid-run: no exit handler runs
    assert done.returncode == -9
    assert _wait_gone(home, 30) == []


def test_the_command_keeps_its_exit_status_and_its_output() -> None:
    """`congress-etl` leaves through os._exit after its exit handlers (flows/cli.run_cli): the
    status and everything printed must survive that."""
    helped = subprocess.run([str(BIN / "congress-etl"), "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "run" in helped.stdout and helped.stdout.rstrip().endswith("╯")
    refused = subprocess.run([str(BIN / "congress-etl"), "run", "--workers", "0"], capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 2 and "--workers" in refused.stderr
