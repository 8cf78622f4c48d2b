"""Crash safety for real: runs SIGKILLed at random moments and at every named stage, over a few
hundred reports, against one real Prefect server. After every kill the warehouse equals the
state before the run or the clean state after it, the lake and the BI snapshot are readable
and one of those two, and one more run converges to a clean run's result."""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from flows.runguard import KILL_ENV
from tests.reliability_corpus import build_inbox
from tests.reliability_state import lake_state, snapshot_state, warehouse_state

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
FILES = 200
SEED = 20261126
# Where inside each stage a stage-aimed kill lands: a random delay after the stage begins.
# ("done", after the snapshot, is left out: it can only end "after", and costs a whole run.)
STAGE_DELAYS = {"discover": 0.3, "extract": 1.5, "validate": 1.0, "load": 0.4, "export": 0.3, "snapshot": 0.2}


class Runner:
    """The pre-loaded runner process (tests/crash_runner.py): one forked child per run."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.logs = logs
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "crash_runner.py")], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}
        self.count = 0

    def run(self, where: Path, inbox: Path, *, kill_at: str | None = None,
            kill_after: float | None = None) -> dict:
        self.count += 1
        params = {"inbox": str(inbox), "warehouse": str(where / "warehouse.duckdb"), "lake": str(where / "lake"),
                  "docs": str(where / "docs"), "workers": 1, "batch_size": 32}
        request = {"params": params, "env": {KILL_ENV: kill_at} if kill_at else {}, "kill_after": kill_after,
                   "log": str(self.logs / f"run-{self.count:03d}.log")}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        json.loads(self.proc.stdout.readline())  # started
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# The furthest point a killed run's log shows it reached (for the figures, not the verdict).
_MARKS = (("reconciled:", "after commit: exporting"), ("committed:", "after commit"),
          ("Task run 'load", "loading"), ("Task run 'validate", "validating"),
          ("Task run 'extract", "extracting"), ("Task run 'discover", "discovering"))


def _landed(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return next((where for mark, where in _MARKS if mark in text), "starting/discovering")


def _states(where: Path) -> tuple:
    return (warehouse_state(where / "warehouse.duckdb"), lake_state(where / "lake"),
            snapshot_state(where / "serve" / "warehouse.duckdb"))


def test_killed_runs_leave_before_or_after_and_the_next_run_converges(prefect_api, tmp_path: Path) -> None:
    t0 = time.monotonic()
    inbox = tmp_path / "inbox"
    build_inbox(inbox, FILES)
    logs = tmp_path / "logs"
    logs.mkdir()
    runner = Runner(prefect_api, logs)
    try:
        clean = runner.run(tmp_path / "reference", inbox)
        assert clean["code"] == 0, (logs / "run-001.log").read_text()
        ref = _states(tmp_path / "reference")
        assert ref[0]["meeting_facts"].startswith(f"{FILES + 3}:")
        assert ref[1] == ref[2] == ref[0]["meeting_facts"], ref  # lake and snapshot hold the same rows
        ref_wh, ref_mf = ref[0], ref[1]
        full_run = clean["seconds"]

        rng = random.Random(SEED)
        plan = [("random", None, round(rng.uniform(0.2, 0.8 * full_run), 2)) for _ in range(4)]
        plan += [(stage, f"{stage}:{rng.uniform(0, cap):.2f}", None) for stage, cap in STAGE_DELAYS.items()]
        rng.shuffle(plan)
        outcomes: Counter = Counter()
        kills: Counter = Counter()
        landed: Counter = Counter()
        fresh = 0
        where = tmp_path / f"w{fresh}"
        for kind, kill_at, kill_after in plan:
            before = _states(where)
            if before[0] == ref_wh:  # already complete: a kill now would test nothing new
                fresh += 1
                where = tmp_path / f"w{fresh}"
                before = _states(where)
            got = runner.run(where, inbox, kill_at=kill_at, kill_after=kill_after)
            after = _states(where)
            if got["signal"] is None:  # the run finished before the random kill came
                assert got["code"] == 0
                assert after == ref, kind
                outcomes["finished"] += 1
                continue
            kills[kind] += 1
            landed[_landed(logs / f"run-{runner.count:03d}.log")] += 1
            wh, lake, snap = after
            if wh == before[0]:
                outcomes["before"] += 1
            else:
                assert wh == ref_wh, f"kill {kind} {kill_at or kill_after}: warehouse is neither before nor after"
                outcomes["after"] += 1
            # Readers see the old or the new lake and snapshot, never a torn one.
            assert lake in (before[1], ref_mf), f"kill {kind}: lake {lake}"
            assert snap in (before[2], ref_mf), f"kill {kind}: snapshot {snap}"
            # A post-commit kill: the next, nothing-new run must bring lake and snapshot up to date.
            if wh == ref_wh and (lake, snap) != (ref_mf, ref_mf) and not outcomes["caught_up_after_commit"]:
                again = runner.run(where, inbox)
                assert again["code"] == 0 and _states(where) == ref
                outcomes["caught_up_after_commit"] += 1
        # Whatever the last kill left, one more run converges to the clean reference.
        final = runner.run(where, inbox)
        assert final["code"] == 0, (logs / f"run-{runner.count:03d}.log").read_text()
        assert _states(where) == ref
        assert not list(where.glob(".*tmp-*")) and not list((where / "serve").glob(".*tmp-*"))
        assert not list(where.glob(".*.shards-*"))
        # Every run row says how its run ended: a run killed after its commit is `failed`, none `running`.
        with duckdb.connect(str(where / "warehouse.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from runs where status not in ('ok', 'failed')").fetchone()[0] == 0
        assert not list(where.glob(".lake.link-*")) and not list((where / ".lake-versions").glob(".tmp-*"))
        assert sum(kills.values()) >= 8 and set(STAGE_DELAYS) <= set(kills)
        print(json.dumps({"files": FILES + 3, "kills": dict(kills), "outcomes": dict(outcomes), "landed": dict(landed),
                          "runs": runner.count, "clean_run_s": full_run,
                          "test_s": round(time.monotonic() - t0, 1)}))
    finally:
        runner.close()


def test_sweep_puts_back_an_old_layout_lake_killed_between_its_two_renames(tmp_path: Path) -> None:
    """Lakes written before the symlinked layout were swapped by two renames."""
    from flows.runguard import sweep_leftovers

    lake, snap = tmp_path / "lake", tmp_path / "serve" / "warehouse.duckdb"
    (tmp_path / ".lake.old-41" / "reports").mkdir(parents=True)  # the old lake, renamed aside
    (tmp_path / ".lake.tmp-41" / "reports").mkdir(parents=True)  # the new one, never moved in
    snap.parent.mkdir()
    (snap.parent / ".warehouse.duckdb.tmp-41").write_bytes(b"half a database")
    notes = sweep_leftovers(lake, snap)
    assert (lake / "reports").is_dir() and f"restored {lake}" in notes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "serve"]
    assert list(snap.parent.iterdir()) == []
    assert sweep_leftovers(lake, snap) == []  # a clean folder: nothing to do


def _version(versions: Path, name: str) -> str:
    (versions / name / "reports").mkdir(parents=True)
    return name


def test_sweep_clears_what_a_killed_export_left_and_keeps_current_and_previous(tmp_path: Path) -> None:
    from flows.runguard import sweep_leftovers

    lake, snap = tmp_path / "lake", tmp_path / "serve" / "warehouse.duckdb"
    versions = tmp_path / ".lake-versions"
    older = _version(versions, "20260101T000000000000Z-11")
    previous = _version(versions, "20260102T000000000000Z-12")
    current = _version(versions, "20260103T000000000000Z-13")
    unlinked = _version(versions, "20260104T000000000000Z-14")  # complete, killed before its swap
    half = _version(versions, ".tmp-20260105T000000000000Z-15")  # killed while writing
    os.symlink(f".lake-versions/{current}", lake)
    os.symlink(f".lake-versions/{unlinked}", tmp_path / ".lake.link-14")  # killed before os.replace
    notes = sweep_leftovers(lake, snap)
    assert os.readlink(lake) == f".lake-versions/{current}"
    assert sorted(p.name for p in versions.iterdir()) == [".lock", previous, current]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lake-versions", "lake"]
    assert sorted(notes) == sorted([f"removed .lake-versions/{half}", "removed .lake.link-14",
                                    f"removed .lake-versions/{older}", f"removed .lake-versions/{unlinked}"])
    assert sweep_leftovers(lake, snap) == []


def test_sweep_links_the_newest_complete_version_when_the_lake_is_missing(tmp_path: Path) -> None:
    """A kill inside the one-time migration (real folder moved aside, link not yet in) leaves
    no lake; so does a link whose version is gone."""
    from flows.runguard import sweep_leftovers

    lake, snap = tmp_path / "lake", tmp_path / "serve" / "warehouse.duckdb"
    versions = tmp_path / ".lake-versions"
    migrated = _version(versions, "20260101T000000000000Z-migrated")
    new = _version(versions, "20260102T000000000000Z-21")
    notes = sweep_leftovers(lake, snap)
    assert f"restored {lake} -> {new}" in notes and (lake / "reports").is_dir()
    assert sorted(p.name for p in versions.iterdir()) == [".lock", migrated, new]
    shutil.rmtree(versions / new)  # now the link points at nothing
    notes = sweep_leftovers(lake, snap)
    assert notes == [f"restored {lake} -> {migrated}"] and os.readlink(lake) == f".lake-versions/{migrated}"


def test_sweep_leaves_a_lake_alone_while_an_export_holds_it(tmp_path: Path) -> None:
    from flows.runguard import sweep_leftovers

    lake, snap = tmp_path / "lake", tmp_path / "serve" / "warehouse.duckdb"
    versions = tmp_path / ".lake-versions"
    half = _version(versions, ".tmp-20260101T000000000000Z-31")  # being written right now
    fd = os.open(versions / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert sweep_leftovers(lake, snap) == ["left .lake-versions alone: an export holds it"]
        assert (versions / half).is_dir()
    finally:
        os.close(fd)
    assert sweep_leftovers(lake, snap) == [f"removed .lake-versions/{half}"]
