"""The schedule for real: a `prefect server start` on loopback, `congress-etl serve` against it,
a run triggered through the API, and the warehouse loaded by that run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.server import free_port, local_prefect_server

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _prefect(api_url: str, home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home)}
    return subprocess.run([str(BIN / "prefect"), *args], env=env, capture_output=True, text=True, timeout=timeout)


def _wait_for_deployment(api_url: str, home: Path, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = _prefect(api_url, home, "deployment", "inspect", "nightly/nightly", "--output", "json")
        if got.returncode == 0:
            return got.stdout
        time.sleep(1)
    raise AssertionError(f"deployment nightly/nightly never appeared: {got.stdout}{got.stderr}")


def test_served_deployment_has_cron_and_runs_when_triggered(seed_inbox: Path, tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    with local_prefect_server(home=home, port=free_port(), ui=False) as api_url:
        env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home)}
        served = subprocess.Popen(
            [str(BIN / "congress-etl"), "serve", "--cron", "30 1 * * *", "--timezone", "Asia/Shanghai",
             "--inbox", str(seed_inbox), "--warehouse", str(warehouse), "--lake", str(tmp_path / "lake"),
             "--docs", str(tmp_path / "docs"), "--workers", "1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            deployment = json.loads(_wait_for_deployment(api_url, home))
            (schedule,) = deployment["schedules"]
            assert schedule["schedule"]["cron"] == "30 1 * * *"
            assert schedule["schedule"]["timezone"] == "Asia/Shanghai"
            ran = _prefect(api_url, home, "deployment", "run", "nightly/nightly", "--watch",
                           "--watch-timeout", "300", timeout=330)
            assert ran.returncode == 0, ran.stdout + ran.stderr
            assert "COMPLETED" in ran.stdout.upper(), ran.stdout
        finally:
            served.terminate()
            try:
                served.wait(timeout=30)
            except subprocess.TimeoutExpired:
                served.kill()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (row,) = con.execute("select required, present, presider from meeting_facts "
                             "where meeting_name like '%平鲁区第八届%'").fetchall()
    assert row == (185, 162, "贾志武")
