"""The BI snapshot opens in DuckDB 1.x: a real duckdb==1.1.3 in a throwaway virtualenv (kept in
the pytest cache) reads `data/serve/warehouse.duckdb` published by a real run — views over the
lake's Parquet files — and sees exactly the live `meeting_facts`, every published table and view,
and the marts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from warehouse.snapshot import SNAPSHOT_INFO
from warehouse.tables import INTERNAL_TABLES

pytestmark = pytest.mark.slow
OLD = "1.1.3"
READ = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
rows = con.execute("select * from meeting_facts order by file_path").fetchall()
tables = sorted(r[0] for r in con.execute("select table_name from information_schema.tables").fetchall())
counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
marts = con.execute("select * from mart_attendance_by_meeting order by all").fetchall()
print(json.dumps({"version": duckdb.__version__, "rows": rows, "tables": tables, "counts": counts, "marts": marts},
                 default=str, ensure_ascii=False))
"""


@pytest.fixture(scope="session")
def old_duckdb_python(request, tmp_path_factory) -> Path:
    cache = getattr(request.config, "cache", None)
    base = cache.mkdir(f"duckdb-{OLD}-venv") if cache else tmp_path_factory.mktemp("old-duckdb")
    python = base / "bin" / "python"
    probe = [str(python), "-c", f"import duckdb; assert duckdb.__version__ == '{OLD}'"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(base)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot create a virtualenv for duckdb=={OLD}: {made.stderr.strip().splitlines()[-1:]}")
    got = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          f"duckdb=={OLD}"], capture_output=True, text=True, timeout=600)
    if got.returncode != 0:
        pytest.skip(f"cannot install duckdb=={OLD} (no package registry?): {got.stderr.strip().splitlines()[-1:]}")
    return python


def test_snapshot_opens_in_duckdb_1x_and_matches_live_facts(prefect_harness, old_duckdb_python: Path,
                                                            seed_inbox: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    nightly(inbox=str(seed_inbox), warehouse=str(warehouse), lake=str(tmp_path / "lake"),
            docs=str(tmp_path / "docs"), workers=1)
    snapshot = tmp_path / "data" / "serve" / "warehouse.duckdb"
    read = subprocess.run([str(old_duckdb_python), "-c", READ, str(snapshot)], capture_output=True, text=True,
                          timeout=120)
    assert read.returncode == 0, read.stderr
    old = json.loads(read.stdout)
    assert old["version"] == OLD
    with duckdb.connect(str(warehouse), read_only=True) as con:
        live = con.execute("select * from meeting_facts order by file_path").fetchall()
        live_tables = sorted(r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
                             if r[0] not in INTERNAL_TABLES)
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in live_tables}
        marts = con.execute("select * from mart_attendance_by_meeting order by all").fetchall()
    assert len(live) == len(list(seed_inbox.iterdir()))
    assert old["rows"] == json.loads(json.dumps(live, default=str, ensure_ascii=False))
    assert old["tables"] == sorted([*live_tables, SNAPSHOT_INFO])
    assert {t: n for t, n in old["counts"].items() if t != SNAPSHOT_INFO} == counts
    assert old["marts"] == json.loads(json.dumps(marts, default=str, ensure_ascii=False))
