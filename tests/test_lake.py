"""warehouse/lake.py: hive-partitioned Parquet that reads back equal to the tables."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.test_warehouse import T0, make_report, make_text, merge, run_row
from warehouse.lake import LAKE_TABLES, export_lake
from warehouse.store import Warehouse


@pytest.fixture()
def loaded(tmp_path: Path) -> Path:
    """A warehouse with a dated report (2023), an undated one (MM-DD), a changed file and a
    quarantine record."""
    db = tmp_path / "warehouse.duckdb"
    a_file, a_rows = make_report(make_text(), "a.txt")
    b_file, b_rows = make_report(make_text(place="平安县", year=""), "b.txt")
    a2_file, a2_rows = make_report(make_text(venue="新礼堂"), "a.txt")
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), [a_file, b_file], merge(a_rows, b_rows),
                      [{"file_path": "b.txt", "sha256": b_file["sha256"], "rule": "presider_in_chairs",
                        "observed": {"presider": "吴刚"}, "message": "m"}])
        later = T0 + timedelta(days=400)
        wh.commit_run(run_row("r2", later), [dict(a2_file, seen_at=later)], a2_rows, [])
    return db


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def _assert_lake_equals_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> dict[str, int]:
    """Every lake table reads back equal to its warehouse table (the partition column left out
    unless the table has its own `year`); rows read back per table."""
    read_back = {}
    for table in LAKE_TABLES:
        glob = str(lake / table / "**" / "*.parquet")
        own_year = "year" in {c[0] for c in con.execute(f"describe {table}").fetchall()}
        back = _rows(con, f"select * exclude (year) from read_parquet('{glob}', hive_partitioning = true)")
        assert back == _rows(con, f"select * exclude (year) from {table}" if own_year
                             else f"select * from {table}"), table
        read_back[table] = len(back)
    return read_back


def test_lake_reads_back_equal_to_tables(loaded: Path, tmp_path: Path):
    lake = tmp_path / "out" / "lake"
    with Warehouse(loaded) as wh:
        counts = export_lake(wh, lake)
        con = wh.con
        assert set(counts) == set(LAKE_TABLES)
        for table in LAKE_TABLES:
            glob = str(lake / table / "**" / "*.parquet")
            back = _rows(con, f"select * exclude (year) from read_parquet('{glob}', hive_partitioning = true)")
            own_year = "year" in {c[0] for c in con.execute(f"describe {table}").fetchall()}
            assert back == _rows(con, f"select * exclude (year) from {table}" if own_year
                                 else f"select * from {table}"), table
            if own_year:  # the table's own year column is the partition: it reads back the same
                years = _rows(con, f"select year from read_parquet('{glob}', hive_partitioning = true)")
                assert years == _rows(con, f"select year from {table}"), table
            assert counts[table] == len(back)
        assert counts["reports"] == 3 and counts["meeting_facts"] == 2 and counts["runs"] == 2
        # Report tables are partitioned by meeting year; an undated report by the year of the run
        # that loaded it (no null partition that grows with history).
        parts = sorted(p.name for p in (lake / "reports").iterdir())
        assert parts == ["year=2023", "year=2025"]
        assert con.execute("select count(*) from reports where meeting_year is null").fetchone()[0] > 0
        loaded_year = ("select r.report_id, coalesce(r.meeting_year, year(u.started_at)) from reports as r "
                       "left join runs as u on u.run_id = r.loaded_run_id")
        years = _rows(con, f"select report_id, year from read_parquet('{lake}/reports/**/*.parquet', "
                           "hive_partitioning = true)")
        assert years == _rows(con, loaded_year)
        spans = _rows(con, f"select distinct year from read_parquet('{lake}/fact_spans/**/*.parquet', "
                           "hive_partitioning = true)")
        assert spans == _rows(con, f"select distinct y from ({loaded_year}) as t(report_id, y)")
        # Run tables are partitioned by the run's year.
        assert sorted(p.name for p in (lake / "runs").iterdir()) == ["year=2025", "year=2026"]
        assert [p.name for p in (lake / "quarantine").iterdir()] == ["year=2025"]
        # meeting_facts keeps its list columns.
        chairs = con.execute(f"select executive_chairs from read_parquet('{lake}/meeting_facts/**/*.parquet', "
                             "hive_partitioning = true) where file_path = 'a.txt'").fetchone()
        assert chairs == (["周红", "吴刚", "郑丽"],)


def test_an_export_writes_only_changed_partitions_and_links_the_rest(loaded: Path, tmp_path: Path):
    lake = tmp_path / "lake"
    export_lake(loaded, lake)
    first = lake.resolve()
    with Warehouse(loaded) as wh:
        c_file, c_rows = make_report(make_text(place="新县", year="2019年"), "c.txt")
        wh.commit_run(run_row("r3"), [dict(c_file, seen_at=T0)], c_rows, [])
        stats: dict = {}
        counts = wh.export_lake(lake, stats=stats)
        second = lake.resolve()
        # A new report of 2019: that partition is written; 2023 and 2025 (the undated report, by
        # the year of the run that loaded it) are links.
        for table in ("reports", "fact_spans", "meeting_facts"):
            assert stats[table] == {"written": 1, "linked": 2}, table
        assert stats["runs"] == {"written": 1, "linked": 1}  # the 2025 runs gained r3; 2026 unchanged
        for part in ("year=2023", "year=2025"):
            old = sorted(f.stat().st_ino for f in (first / "reports" / part).glob("*.parquet"))
            assert old and old == sorted(f.stat().st_ino for f in (second / "reports" / part).glob("*.parquet"))
        assert not {f.name for f in second.rglob("*.parquet")} & {f.name for f in first.rglob("*.parquet")}
        # Whole on its own: every table reads back equal to the warehouse, as a full export does.
        read_back = _assert_lake_equals_tables(wh.con, lake)
        for table in LAKE_TABLES:
            assert counts[table] == read_back[table]
        # Nothing changed: nothing written.
        again: dict = {}
        wh.export_lake(lake, stats=again)
        assert {t: s["written"] for t, s in again.items()} == {t: 0 for t in LAKE_TABLES}


def test_a_partition_that_only_gained_reports_keeps_its_files_and_gets_one_more(loaded: Path, tmp_path: Path):
    """A night's new reports of two existing partitions (one of 2023; an undated one, filed
    under its loading run's year like b.txt): each
    partition's files are the previous ones (same inodes) plus one file of its new report's
    rows, for the report tables, the texts and meeting_facts alike, and the lake reads back whole.
    A report reloaded under a new run id changes the partition otherwise: it is written again."""
    lake = tmp_path / "lake"
    texts = ("insert into report_texts select report_id, 'text of ' || report_id, null "
             "from reports anti join report_texts using (report_id)")
    with Warehouse(loaded) as wh:
        wh.con.execute(texts)  # texts come from the run's shards; by hand here
        wh.export_lake(lake)
    first = lake.resolve()
    with Warehouse(loaded) as wh:
        c_file, c_rows = make_report(make_text(place="新县"), "c.txt")  # 2023, like a.txt
        d_file, d_rows = make_report(make_text(place="旧县", year=""), "d.txt")  # undated: 2025, like b.txt
        wh.commit_run(run_row("r3"), [dict(c_file, seen_at=T0), dict(d_file, seen_at=T0)], merge(c_rows, d_rows),
                      [])
        wh.con.execute(texts)
        wh.export_lake(lake)
        second = lake.resolve()
        for table in ("reports", "fact_spans", "people", "report_texts", "meeting_facts"):
            for part, new_report in (("year=2023", c_rows), ("year=2025", d_rows)):
                old = {f.stat().st_ino for f in (first / table / part).glob("*.parquet")}
                now = list((second / table / part).glob("*.parquet"))
                assert old and old < {f.stat().st_ino for f in now}, (table, part)  # kept, and one more
                added = [f for f in now if f.stat().st_ino not in old]
                assert len(added) == 1, (table, part)
                ids = wh.con.execute("select distinct report_id from read_parquet(?)", [str(added[0])]).fetchall()
                assert ids == [(new_report["reports"][0]["report_id"],)], (table, part)
        _assert_lake_equals_tables(wh.con, lake)
        # The same report loaded again under another run id: the sums differ, the partition is
        # written whole (no file of the previous version in it).
        wh.con.execute("update reports set loaded_run_id = 'r9' where report_id = ?", [c_rows["reports"][0]["report_id"]])
        wh.export_lake(lake)
        third = lake.resolve()
        kept = {f.stat().st_ino for f in (second / "reports" / "year=2023").glob("*.parquet")}
        assert not kept & {f.stat().st_ino for f in (third / "reports" / "year=2023").glob("*.parquet")}
        back = _rows(wh.con, f"select * exclude (year) from read_parquet('{lake}/reports/**/*.parquet', "
                             "hive_partitioning = true)")
        assert back == _rows(wh.con, "select * from reports")


def _inodes(folder: Path) -> set[int]:
    return {f.stat().st_ino for f in folder.glob("*.parquet")}


def test_meeting_facts_appends_a_repost_and_rewrites_a_partition_that_lost_a_file(loaded: Path, tmp_path: Path):
    """meeting_facts rows are (report, current file): a new file with the content of a known
    report (a repost) gains a row in its report's partition while the report tables stay as
    they were (linked); a file that stops being current takes its row away, and that partition
    is written whole even when it gained a row the same night. The lake reads back equal to the view both times."""
    lake = tmp_path / "lake"
    with Warehouse(loaded) as wh:
        wh.export_lake(lake)
    first = lake.resolve()
    with Warehouse(loaded) as wh:
        repost_file, repost_rows = make_report(make_text(venue="新礼堂"), "a-repost.txt")  # a.txt's content now
        known = wh.con.execute("select report_id from file_ledger where path = 'a.txt' and is_current").fetchone()[0]
        assert repost_rows["reports"][0]["report_id"] == known
        wh.commit_run(run_row("r3"), [dict(repost_file, seen_at=T0)], repost_rows, [])
        stats: dict = {}
        wh.export_lake(lake, stats=stats)
        second = lake.resolve()
        part = "year=2023"
        assert _inodes(second / "reports" / part) == _inodes(first / "reports" / part)  # no report gained
        old, now = _inodes(first / "meeting_facts" / part), list((second / "meeting_facts" / part).glob("*.parquet"))
        assert old and old < {f.stat().st_ino for f in now}
        added = [f for f in now if f.stat().st_ino not in old]
        assert len(added) == 1
        assert wh.con.execute("select report_id, file_path from read_parquet(?)", [str(added[0])]).fetchall() == [
            (known, "a-repost.txt")]
        _assert_lake_equals_tables(wh.con, lake)
        # The same night a new report of 2023 arrives: the partition gained a row and lost one.
        wh.con.execute("update file_ledger set is_current = false where path = 'a-repost.txt'")
        c_file, c_rows = make_report(make_text(place="新县"), "c.txt")
        wh.commit_run(run_row("r4"), [dict(c_file, seen_at=T0)], c_rows, [])
        wh.export_lake(lake)
        third = lake.resolve()
        assert not _inodes(second / "meeting_facts" / part) & _inodes(third / "meeting_facts" / part)
        _assert_lake_equals_tables(wh.con, lake)


def test_a_new_column_rewrites_that_table_whole(loaded: Path, tmp_path: Path):
    """A migration that adds a column (as schema files do) changes the table's signature: its
    partitions are written again, not linked with the old columns."""
    lake = tmp_path / "lake"
    export_lake(loaded, lake)
    with Warehouse(loaded) as wh:
        wh.con.execute("alter table runs add column note varchar default 'migrated'")
        stats: dict = {}
        wh.export_lake(lake, stats=stats)
        assert stats["runs"] == {"written": 2, "linked": 0}
        assert stats["reports"]["written"] == 0
        notes = wh.con.execute(f"select distinct note from read_parquet('{lake}/runs/*/*.parquet')").fetchall()
    assert notes == [("migrated",)]


def test_empty_tables_still_have_a_readable_schema(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    lake = tmp_path / "lake"
    with Warehouse(db):
        pass
    counts = export_lake(db, lake)  # from a path: opened read-only
    assert all(n == 0 for n in counts.values())
    con = duckdb.connect()
    cols = [d[0] for d in con.execute(
        f"select * from read_parquet('{lake}/meeting_facts/**/*.parquet', hive_partitioning = true)").description]
    assert cols[:3] == ["report_id", "file_path", "is_meeting_report"]
    assert con.execute(f"select count(*) from read_parquet('{lake}/keyword_candidates/**/*.parquet')").fetchone() == (0,)


def _partitions(root: Path) -> list[Path]:
    return sorted({p.parent.relative_to(root) for p in root.rglob("*.parquet")})


def test_export_swaps_the_whole_lake(loaded: Path, tmp_path: Path):
    lake = tmp_path / "lake"
    versions = tmp_path / ".lake-versions"
    lake.mkdir()  # a real lake folder, as older code wrote it: migrated into the versions folder
    (lake / "stale.txt").write_text("old lake content")
    export_lake(loaded, lake)
    assert lake.is_symlink() and not (lake / "stale.txt").exists()
    first = os.readlink(lake)
    assert not os.path.isabs(first) and Path(first).parent == Path(versions.name)
    migrated = [p for p in versions.iterdir() if p.name.endswith("-migrated")]
    assert [p.name for p in migrated[0].iterdir()] == ["stale.txt"]  # kept as the previous version
    first_parts = _partitions(lake)
    with Warehouse(loaded) as wh:
        c_file, c_rows = make_report(make_text(place="新县", year="2019年"), "c.txt")
        wh.commit_run(run_row("r3"), [c_file], c_rows, [])
        counts = wh.export_lake(lake)
    assert counts["meeting_facts"] == 3
    assert (lake / "reports" / "year=2019").is_dir()
    assert set(first_parts) <= set(_partitions(lake))
    # Files are named after their version (see the reader test for why).
    assert {p.name.split("-")[1] for p in lake.rglob("*.parquet")} == {Path(os.readlink(lake)).name.split("-")[0]}
    # The previous version stays for readers that opened it a moment ago; older ones go.
    second = os.readlink(lake)
    assert sorted(p.name for p in versions.iterdir() if not p.name.endswith(".manifest.json")) == sorted(
        [".lock", Path(first).name, Path(second).name])
    # Each version's manifest (partition fingerprints) lies beside it; the pruned one's went with it.
    assert sorted(p.name for p in versions.glob("*.manifest.json")) == sorted(
        f".{Path(v).name}.manifest.json" for v in (first, second))
    assert _partitions(tmp_path / first) == first_parts
    # Beside the lake only the versions folder: no temporary links or folders.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [versions.name]


def test_failed_export_keeps_the_previous_lake(loaded: Path, tmp_path: Path, monkeypatch):
    lake = tmp_path / "lake"
    export_lake(loaded, lake)
    target = os.readlink(lake)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    import warehouse.lake as lake_mod

    real = lake_mod._export_table
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(lake_mod, "_export_table", flaky)
    with pytest.raises(OSError, match="disk full"):
        export_lake(loaded, lake)
    assert calls["n"] == 4
    # Same link, same version, nothing half-written left anywhere.
    assert os.readlink(lake) == target
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_relative_lake_dir_links_relatively_so_the_tree_can_move(loaded: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    counts = export_lake(loaded, Path("data") / "lake")
    assert os.readlink(tmp_path / "data" / "lake").startswith(".lake-versions" + os.sep)
    (tmp_path / "data").rename(tmp_path / "moved")
    con = duckdb.connect()
    glob = str(tmp_path / "moved" / "lake" / "meeting_facts" / "**" / "*.parquet")
    assert con.execute("select count(*) from read_parquet(?)", [glob]).fetchone() == (counts["meeting_facts"],)


def _lake_counts(con: duckdb.DuckDBPyConnection, root: Path | str) -> dict[str, int]:
    return {table: con.execute("select count(*) from read_parquet(?, hive_partitioning = true)",
                               [os.path.join(root, table, "**", "*.parquet")]).fetchone()[0]
            for table in LAKE_TABLES}


def test_readers_never_see_a_missing_or_partial_lake_during_exports(loaded: Path, tmp_path: Path):
    """A reader lists and reads the lake in a tight loop while 20 exports swap it between two
    warehouses of different sizes: the lake is always there with all its tables, and a reader
    that resolves the link once sees every table of one of the two exports, whole. (A glob
    through the link is several path lookups; one that spans the swap instant can see parts of
    both, which is why readers that need certainty resolve the link first.)"""
    bigger = tmp_path / "bigger.duckdb"
    shutil.copy(loaded, bigger)
    with Warehouse(bigger) as wh:
        c_file, c_rows = make_report(make_text(place="新县", year="2019年"), "c.txt")
        wh.commit_run(run_row("r3"), [c_file], c_rows, [])
    lake = tmp_path / "data" / "lake"
    sources = [loaded, bigger]
    reader_con = duckdb.connect()
    expected, partitions = [], []
    for source in sources:
        export_lake(source, lake)
        expected.append(_lake_counts(reader_con, lake))
        partitions.append(sorted(os.listdir(lake / "reports")))
    assert partitions[0] != partitions[1]
    assert expected[0]["meeting_facts"] != expected[1]["meeting_facts"]
    totals = {sum(c.values()) for c in expected}
    assert len(totals) == 2

    stop = threading.Event()
    seen: Counter = Counter()
    problems: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                tables = sorted(os.listdir(lake))
                if tables != sorted(LAKE_TABLES):
                    problems.append(f"listing: {tables}")
                # One directory listing through the link is one lookup: one version's partitions.
                parts = sorted(os.listdir(lake / "reports"))
                if parts not in partitions:
                    problems.append(f"reports partitions: {parts}")
                # Resolved once: every table of one version.
                counts = _lake_counts(reader_con, os.path.realpath(lake))
                if counts not in expected:
                    problems.append(f"counts: {counts}")
                seen[sum(counts.values())] += 1
            except Exception as exc:  # a missing lake or file is exactly what must never happen
                problems.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for i in range(20):
            export_lake(sources[i % 2], lake)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert problems == []
    assert sum(seen.values()) >= 20 and set(seen) == totals, seen  # it read often, and saw both
    assert len([p for p in (tmp_path / "data" / ".lake-versions").iterdir() if p.is_dir()]) == 2


_EXPORT_LOOP = """
import os, signal, sys
import warehouse.lake as lake_module
from warehouse.lake import export_lake
lake, die_mid_write, sources = sys.argv[1], sys.argv[2] == "die-mid-write", sys.argv[3:]
if die_mid_write:  # SIGKILL itself once the first table of a version is written: surely mid-write
    write_table = lake_module._export_table
    def _export_table(*args, **kwargs):
        write_table(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    lake_module._export_table = _export_table
print("ready", flush=True)
i = 0
while True:
    export_lake(sources[i % 2], lake)
    i += 1
"""


@pytest.mark.slow
def test_sigkilled_exports_leave_a_whole_lake_and_the_sweep_cleans_up(loaded: Path, tmp_path: Path):
    """SIGKILL an exporting process at random moments: before any sweep the lake is there and
    whole (one of the two exports), and the sweep leaves only the current and previous versions."""
    from flows.runguard import sweep_leftovers

    bigger = tmp_path / "bigger.duckdb"
    shutil.copy(loaded, bigger)
    with Warehouse(bigger) as wh:
        c_file, c_rows = make_report(make_text(place="新县", year="2019年"), "c.txt")
        wh.commit_run(run_row("r3"), [c_file], c_rows, [])
    lake = tmp_path / "data" / "lake"
    con = duckdb.connect()
    expected = []
    for source in (loaded, bigger):
        export_lake(source, lake)
        expected.append(_lake_counts(con, lake))
    rng = random.Random(4)
    swept = []
    root = Path(__file__).resolve().parents[1]
    # Five kills at random moments (an export now takes well under a second, so they may all
    # land between writes), and one that surely lands while a version is half written.
    for mode in ["random", "random", "die-mid-write", "random", "random", "random"]:
        child = subprocess.Popen([sys.executable, "-c", _EXPORT_LOOP, str(lake), mode, str(loaded), str(bigger)],
                                 cwd=root, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        if mode == "random":
            time.sleep(rng.uniform(0.05, 0.8))
            child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
        child.stdout.close()
        assert _lake_counts(con, lake) in expected
        swept += sweep_leftovers(lake, tmp_path / "serve" / "warehouse.duckdb")
        assert _lake_counts(con, lake) in expected
        left = sorted(p.name for p in (tmp_path / "data").iterdir())
        assert left == [".lake-versions", "lake"]
        versions = [p.name for p in (tmp_path / "data" / ".lake-versions").iterdir() if p.is_dir()]
        assert os.path.basename(os.readlink(lake)) in versions and len(versions) <= 2
        assert not [v for v in versions if v.startswith(".")]
    assert any(note.startswith("removed .lake-versions/.tmp-") for note in swept), swept  # the half-written one


def test_a_published_snapshot_keeps_the_lake_version_it_reads(loaded: Path, tmp_path: Path):
    """A run killed between its export and its snapshot leaves the old snapshot reading an older
    version: exports keep that version (its pin) until a snapshot reads a newer one; a pin
    whose snapshot is gone keeps nothing."""
    lake, snap = tmp_path / "lake", tmp_path / "serve" / "warehouse.duckdb"
    with Warehouse(loaded) as wh:
        wh.export_lake(lake)
        wh.publish_snapshot(snap, lake)
        first = os.readlink(lake)
        expected = wh.con.execute("select * from meeting_facts order by all").fetchall()
        for _ in range(3):  # exports whose snapshots never came
            wh.con.execute("update runs set wall_seconds = coalesce(wall_seconds, 0) + 1")
            wh.export_lake(lake)
        versions = tmp_path / ".lake-versions"
        assert (tmp_path / first).is_dir()
        assert len([p for p in versions.iterdir() if p.is_dir()]) == 3  # current, previous, pinned
        with duckdb.connect(str(snap), read_only=True) as con:
            assert con.execute("select * from meeting_facts order by all").fetchall() == expected
        wh.publish_snapshot(snap, lake)
        wh.export_lake(lake)
        assert not (tmp_path / first).exists()
        assert len([p for p in versions.iterdir() if p.is_dir()]) == 2
        snap.unlink()
        pinned = os.readlink(lake)
        wh.con.execute("update runs set wall_seconds = coalesce(wall_seconds, 0) + 1")
        wh.export_lake(lake)
        wh.con.execute("update runs set wall_seconds = coalesce(wall_seconds, 0) + 1")
        wh.export_lake(lake)
        assert not (tmp_path / pinned).exists() and not list(versions.glob(".pin-*"))
