"""A step after the commit that cannot finish (the dashboard) leaves the run's data committed and
says so: exit 0, status ok, and a warning in the run's output — never a silent log line only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).with_name("congress-etl"))


def test_a_dashboard_that_cannot_be_written_is_a_warning_of_a_committed_run(prefect_api, seed_inbox: Path,
                                                                            tmp_path: Path) -> None:
    blocked = tmp_path / "dashboard"
    blocked.write_text("a file where the dashboard folder should be", encoding="utf-8")
    args = [CLI, "run", "--inbox", str(seed_inbox), "--warehouse", str(tmp_path / "wh.duckdb"),
            "--lake", str(tmp_path / "lake"), "--docs", str(tmp_path / "docs"), "--dashboard", str(blocked)]
    proc = subprocess.run(args, env={**prefect_api, "COLUMNS": "200"}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "warning: dashboard not written" in proc.stdout
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        status, loaded = con.execute("select status, files_loaded from runs").fetchone()
        reports = con.execute("select count(*) from reports").fetchone()[0]
    assert status == "ok" and loaded > 0 and reports > 0
