"""The schedule for real: a `prefect server start` on loopback, `congress-etl serve` against it,
a run triggered through the API, and the warehouse loaded by that run; and `congress-etl serve`
with its own Prefect server stopping whole on SIGTERM, as service managers stop it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.server import free_port, local_prefect_server, stop_process

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
            stop_process(served, timeout_s=30)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (row,) = con.execute("select required, present, presider from meeting_facts "
                             "where meeting_name like '%平鲁区第八届%'").fetchall()
    assert row == (185, 162, "贾志武")


def test_serve_stops_whole_on_sigterm(tmp_path: Path) -> None:
    """systemd, Docker and Kubernetes stop a service with SIGTERM to its main process: the local
    Prefect server it started and the served deployment must go with it, freeing the port."""
    import psutil

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    served = subprocess.Popen(
        [str(BIN / "congress-etl"), "serve", "--port", str(port), "--inbox", str(tmp_path / "inbox"),
         "--warehouse", str(tmp_path / "data" / "warehouse.duckdb"), "--lake", str(tmp_path / "lake"),
         "--docs", str(tmp_path / "docs"), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        _wait_for_deployment(f"http://127.0.0.1:{port}/api", tmp_path / "client", timeout_s=240)
        tree = [served.pid] + [p.pid for p in psutil.Process(served.pid).children(recursive=True)]
        assert len(tree) >= 3  # serve, the Prefect server, the served deployment
        os.kill(served.pid, signal.SIGTERM)  # the main process only, as `docker stop` does
        assert served.wait(timeout=60) == 0
    finally:
        stop_process(served, timeout_s=10)  # cleans up if the test failed before the SIGTERM
    deadline = time.monotonic() + 10
    while any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in tree):
        assert time.monotonic() < deadline, [psutil.Process(p).cmdline() for p in tree if psutil.pid_exists(p)]
        time.sleep(0.2)
    with pytest.raises(ConnectionRefusedError):  # nothing holds the port any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # and a restarted service can take it
