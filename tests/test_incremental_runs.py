"""Several nightly runs equal one run over everything.

A generated corpus (sessions whose reports, reposts and conflicting copies arrive on different
nights) goes in over three nights through the real flow — the last night also changes a file's
content, so its old report leaves its meeting — and the warehouse that incremental
reconciliation, lake export and snapshot leave must equal a fresh warehouse loaded in one run
from the final inbox: meeting_facts, quarantine, meetings, meeting_reports, conflicts and
meeting_checks; the lake reads back equal to the tables, and the snapshot shows the same facts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from bench.generate import generate
from flows.nightly import nightly
from warehouse.tables import LAKE_TABLES

pytestmark = pytest.mark.slow

N = 90
COMPARED = {
    "meeting_facts": "select * from meeting_facts order by all",
    # The inbox differs (the single run reads a copy of the final inbox): not compared.
    "quarantine": "select * exclude (run_id, quarantined_at, inbox) from quarantine order by all",
    "meetings": "select * from meetings order by all",
    "meeting_reports": "select * from meeting_reports order by all",
    "conflicts": "select * from conflicts order by all",
    "meeting_checks": "select * from meeting_checks order by all",
}


def _run(inbox: Path, out: Path) -> dict:
    return nightly(inbox=str(inbox), warehouse=str(out / "wh.duckdb"), lake=str(out / "lake"),
                   docs=str(out / "docs"), workers=1, batch_size=16)


def _state(out: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(out / "wh.duckdb"), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in COMPARED.items()}


def test_three_nights_equal_one_run_over_everything(prefect_harness, tmp_path: Path) -> None:
    files = list(generate(N, seed=41))
    inbox, nights = tmp_path / "inbox", tmp_path / "nights"
    inbox.mkdir()
    for night in range(2):  # a session's files are consecutive: spread them over the nights
        for i, g in enumerate(files):
            if i % 2 == night:
                (inbox / g.name).write_bytes(g.data)
        _run(inbox, nights)
    # Night three: a file changes content (its report leaves its meeting for another one) and
    # a late repost of an early report arrives.
    valid = [g for g in files if g.expected.get("is_meeting_report") and not g.expected["expected_violations"]]
    changed, other = valid[0], valid[-1]
    (inbox / changed.name).write_bytes(other.data + "\n（完）".encode("utf-8") if other.expected["encoding"] == "utf-8"
                                      else other.data)
    (inbox / f"zz_repost_{valid[1].name}").write_bytes(valid[1].data)
    summary = _run(inbox, nights)
    assert summary["files_new"] == 2

    once = tmp_path / "once"
    shutil.copytree(inbox, tmp_path / "inbox-final")
    _run(tmp_path / "inbox-final", once)

    incremental, full = _state(nights), _state(once)
    for name in COMPARED:
        assert incremental[name] == full[name], name
    assert len(incremental["meetings"]) > 20 and incremental["meeting_reports"]
    assert any(r for r in incremental["meeting_reports"] if r[6] is not None)  # reposts were found

    with duckdb.connect(str(nights / "wh.duckdb"), read_only=True) as con:
        for table in LAKE_TABLES:
            if table == "runs":  # exported while the run is still `running` (its status is written last)
                continue
            glob = str(nights / "lake" / table / "*" / "*.parquet")
            own_year = "year" in {c[0] for c in con.execute(f"describe {table}").fetchall()}
            back = con.execute(f"select * exclude (year) from read_parquet('{glob}', hive_partitioning = true) "
                               "order by all").fetchall()
            assert back == con.execute(f"select * {'exclude (year) ' if own_year else ''}from {table} "
                                       "order by all").fetchall(), table
    with duckdb.connect(str(nights / "serve" / "wh.duckdb"), read_only=True) as snap:  # named after the warehouse
        assert snap.execute(COMPARED["meeting_facts"]).fetchall() == incremental["meeting_facts"]
        assert snap.execute(COMPARED["meetings"]).fetchall() == incremental["meetings"]
