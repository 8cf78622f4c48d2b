"""A file's identity and life: inbox + path, deletion, same-size edits, files written while read,
rejected files, and the run figures — through the real flow, real DuckDB files, real processes."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from flows.runguard import SLOW_READ_ENV

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "reports"
PINGLU = "000_pinglu_opening.txt"


def _run(inbox: Path, tmp_path: Path, **options) -> dict:
    return nightly(inbox=str(inbox), warehouse=str(tmp_path / "wh.duckdb"), lake=str(tmp_path / "lake"),
                   docs=str(tmp_path / "docs"), workers=1, batch_size=2, **options)


def _rows(tmp_path: Path, sql: str, params: list | None = None, db: str = "wh.duckdb") -> list[tuple]:
    with duckdb.connect(str(tmp_path / db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _facts(tmp_path: Path, db: str = "wh.duckdb") -> dict[str, int | None]:
    return dict(_rows(tmp_path, "select file_path, present from meeting_facts", db=db))


def test_two_inboxes_with_the_same_file_names_are_different_files(prefect_harness, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SEEDS, a)
    shutil.copytree(SEEDS, b)
    (b / PINGLU).write_text((a / PINGLU).read_text(encoding="utf-8").replace("出席162人", "出席170人"),
                            encoding="utf-8")
    _run(a, tmp_path)
    second = _run(b, tmp_path)
    assert second["files_new"] == 4 and second["files_missing"] == 0
    pinglu = _rows(tmp_path, "select present from meeting_facts where file_path = ? order by present", [PINGLU])
    assert pinglu == [(162,), (170,)]  # B's file is its own file, not "version 2" of A's
    ledger = _rows(tmp_path, "select inbox, version, is_current from file_ledger where path = ? order by inbox",
                   [PINGLU])
    assert [(inbox, current) for inbox, _, current in ledger] == [(str(a.resolve()), True), (str(b.resolve()), True)]
    assert len({v for _, v, _ in ledger}) == 2  # versions are numbered per path (the table's key)
    # Each inbox's rerun sees only its own files: nothing new, nothing missing.
    for inbox in (a, b):
        again = _run(inbox, tmp_path)
        assert (again["files_new"], again["files_missing"], again["files_unchanged"]) == (0, 0, 4)
    assert _rows(tmp_path, "select count(*) from meeting_facts") == [(8,)]
    assert _rows(tmp_path, "select count(*) from meetings where meeting_id in (select meeting_id from "
                           "meeting_reports join reports using (report_id) where file_path = ?)", [PINGLU]) == [(1,)]


def test_removed_files_leave_the_facts_and_meetings_and_keep_their_history(prefect_harness, seed_inbox: Path,
                                                                            tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    meetings = _rows(tmp_path, "select count(*) from meetings")[0][0]
    gone = "101_shouyang_zhengxie_kaimu.txt"
    saved = (seed_inbox / gone).read_bytes()
    (seed_inbox / gone).unlink()
    summary = _run(seed_inbox, tmp_path)
    assert summary["files_missing"] == 1 and summary["files_seen"] == 3
    assert gone not in _facts(tmp_path) and gone not in _facts(tmp_path, "serve/wh.duckdb")  # published too
    assert _rows(tmp_path, "select count(*) from meetings") == [(meetings - 1,)]
    (current, since, status), = _rows(tmp_path, "select is_current, missing_since, status from file_ledger "
                                                "where path = ?", [gone])
    assert current is False and since is not None and status == "loaded"  # history: when and what it was
    assert _rows(tmp_path, "select count(*) from reports where file_path = ?", [gone]) == [(1,)]
    # Back again: a file of the inbox once more, its facts and meeting with it.
    (seed_inbox / gone).write_bytes(saved)
    back = _run(seed_inbox, tmp_path)
    assert back["files_new"] == 1 and gone in _facts(tmp_path)
    assert _rows(tmp_path, "select count(*) from meetings") == [(meetings,)]
    assert _rows(tmp_path, "select version, is_current, missing_since is null from file_ledger where path = ? "
                           "order by version", [gone]) == [(1, False, False), (2, True, True)]


def test_keep_removed_keeps_the_facts_of_files_the_crawler_cleaned_away(prefect_harness, seed_inbox: Path,
                                                                         tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path, keep_removed=True)
    gone = "102_jiaocheng_renda_bimu.txt"
    (seed_inbox / gone).unlink()
    first = _run(seed_inbox, tmp_path, keep_removed=True)
    assert first["files_missing"] == 1 and gone in _facts(tmp_path)
    (since,), = _rows(tmp_path, "select missing_since from file_ledger where path = ? and is_current", [gone])
    assert since is not None
    snapshot = tmp_path / "serve" / "wh.duckdb"
    published = snapshot.stat().st_mtime_ns
    again = _run(seed_inbox, tmp_path, keep_removed=True)
    assert again["files_missing"] == 1 and gone in _facts(tmp_path)
    assert _rows(tmp_path, "select missing_since from file_ledger where path = ? and is_current", [gone]) == [(since,)]
    assert snapshot.stat().st_mtime_ns == published  # nothing changed: nothing republished
    # Without the option the file leaves, as any removed file does.
    _run(seed_inbox, tmp_path)
    assert gone not in _facts(tmp_path)


def test_an_inbox_that_looks_empty_is_not_taken_as_a_deletion(prefect_harness, seed_inbox: Path,
                                                              tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    before = _facts(tmp_path)
    for f in seed_inbox.iterdir():
        f.unlink()
    summary = _run(seed_inbox, tmp_path)  # an unmounted network inbox looks like this
    assert summary["files_seen"] == 0 and summary["files_missing"] == 0
    assert _facts(tmp_path) == before


def test_same_size_edit_with_the_old_mtime_is_caught_by_verify(prefect_harness, seed_inbox: Path,
                                                               tmp_path: Path) -> None:
    _run(seed_inbox, tmp_path)
    f = seed_inbox / PINGLU
    st = f.stat()
    f.write_text(f.read_text(encoding="utf-8").replace("出席162人", "出席163人"), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p`, `tar x` and `rsync -t` leave it
    assert f.stat().st_size == st.st_size
    plain = _run(seed_inbox, tmp_path)
    assert plain["files_new"] == 0 and _facts(tmp_path)[PINGLU] == 162  # size and mtime cannot tell
    verified = _run(seed_inbox, tmp_path, verify=True)
    assert verified["files_new"] == 1 and _facts(tmp_path)[PINGLU] == 163
    assert _rows(tmp_path, "select sha256 from file_ledger where path = ? and is_current", [PINGLU]) == \
        [(hashlib.sha256(f.read_bytes()).hexdigest(),)]


def test_a_file_written_while_it_is_read_is_left_for_the_next_run(prefect_harness, seed_inbox: Path,
                                                                  tmp_path: Path, monkeypatch) -> None:
    growing = seed_inbox / "zz_growing.txt"
    growing.write_bytes((seed_inbox / PINGLU).read_bytes().replace("出席162人".encode(), "出席150人".encode()))
    stop = threading.Event()

    def crawler_still_writing() -> None:
        while not stop.wait(0.05):
            with growing.open("ab") as fh:
                fh.write("会议期间，代表们分组审议了政府工作报告。\n".encode())

    monkeypatch.setenv(SLOW_READ_ENV, "zz_growing.txt:1.5")  # the read takes long enough to be written into
    writer = threading.Thread(target=crawler_still_writing)
    writer.start()
    try:
        summary = _run(seed_inbox, tmp_path)
    finally:
        stop.set()
        writer.join()
    assert summary["files_skipped"] == 1 and summary["files_loaded"] == 4
    assert _rows(tmp_path, "select count(*) from file_ledger where path = 'zz_growing.txt'") == [(0,)]
    monkeypatch.delenv(SLOW_READ_ENV)
    later = _run(seed_inbox, tmp_path)
    assert later["files_new"] == 1 and later["files_skipped"] == 0
    data = growing.read_bytes()
    (sha, report_id), = _rows(tmp_path, "select sha256, report_id from file_ledger where path = 'zz_growing.txt'")
    assert sha == hashlib.sha256(data).hexdigest() and report_id == sha[:16]
    (text,), = _rows(tmp_path, "select text from report_texts where report_id = ?", [report_id])
    assert text.rstrip().endswith(data.decode("utf-8").rstrip()[-20:])  # the facts come from those bytes


def test_rejected_files_do_not_make_every_run_republish(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    os.mkfifo(seed_inbox / "pipe.txt")
    (seed_inbox / "outside.txt").symlink_to(tmp_path)
    first = _run(seed_inbox, tmp_path)
    assert first["files_quarantined"] >= 2
    lake, snapshot = (tmp_path / "lake").resolve(), tmp_path / "serve" / "wh.duckdb"
    published = snapshot.stat().st_mtime_ns
    again = _run(seed_inbox, tmp_path)
    assert again["files_new"] == 0 and again["rows_loaded"] == 0
    assert (tmp_path / "lake").resolve() == lake and snapshot.stat().st_mtime_ns == published
    assert _rows(tmp_path, "select published from runs order by started_at") == [(True,), (None,)]


def test_run_figures_count_meetings_from_reconciliation(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    """A repost is a second report of the same meeting: two meeting reports, one meeting."""
    text = (seed_inbox / PINGLU).read_text(encoding="utf-8")
    (seed_inbox / "zz_repost.txt").write_text("（来源：平鲁区融媒体中心）\n" + text, encoding="utf-8")
    summary = _run(seed_inbox, tmp_path)
    (meetings,), = _rows(tmp_path, "select count(*) from meetings")
    (reports,), = _rows(tmp_path, "select count(*) from reports where is_meeting_report")
    assert summary["meeting_reports"] == reports == 5
    assert summary["meetings"] == meetings == 4
    assert _rows(tmp_path, "select status, meetings, meeting_reports from runs") == [("ok", 4, 5)]


def test_a_moved_inbox_keeps_its_files_identity(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    _run(seed_inbox, tmp_path)
    moved = tmp_path / "moved-inbox"
    old = str(seed_inbox.resolve())
    seed_inbox.rename(moved)
    cli = str(Path(sys.executable).with_name("congress-etl"))
    got = subprocess.run([cli, "move-inbox", old, str(moved), "--warehouse", str(tmp_path / "wh.duckdb")],
                         capture_output=True, text=True, timeout=120)
    assert got.returncode == 0 and "4 ledger rows moved" in got.stdout, got.stderr
    after = _run(moved, tmp_path)
    assert (after["files_new"], after["files_unchanged"], after["files_missing"]) == (0, 4, 0)
    again = subprocess.run([cli, "move-inbox", old, str(moved), "--warehouse", str(tmp_path / "wh.duckdb")],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "holds no files of inbox" in again.stderr


def test_every_rerun_refreshes_the_sighting_of_every_file(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    """Nothing new: the whole inbox's sightings are refreshed in one update. A touched file (same
    content, new mtime) takes the per-file path: its new mtime is recorded, so it is not hashed
    again next time."""
    sightings = "select path, last_seen_at, mtime_ns from file_ledger where is_current order by path"
    _run(seed_inbox, tmp_path)
    first = _rows(tmp_path, sightings)
    again = _run(seed_inbox, tmp_path)
    assert (again["files_new"], again["files_unchanged"]) == (0, len(first))
    second = _rows(tmp_path, sightings)
    assert [p for p, _, _ in second] == [p for p, _, _ in first]
    assert len({seen for _, seen, _ in second}) == 1 and all(s[1] > f[1] for s, f in zip(second, first))
    touched = seed_inbox / PINGLU
    mtime = touched.stat().st_mtime_ns + 5 * 10**9
    os.utime(touched, ns=(mtime, mtime))
    third = _run(seed_inbox, tmp_path)
    assert (third["files_new"], third["files_unchanged"]) == (0, len(first))
    rows = _rows(tmp_path, sightings)
    assert dict((p, m) for p, _, m in rows)[PINGLU] == mtime
    assert len({seen for _, seen, _ in rows}) == 1 and rows[0][1] > second[0][1]
    assert _rows(tmp_path, "select count(*) from file_ledger") == [(len(first),)]  # no new versions
