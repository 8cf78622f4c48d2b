"""warehouse/store.py on real DuckDB files: migrations, idempotent loads, file versions,
rollback, the meeting_facts contract, snapshots and report text that looks like code."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.document import Document
from transforms.facts import Fact, ReportFacts, Violation
from transforms.rows import report_rows
from warehouse.sqlfiles import migrations
from warehouse.store import CORE_TABLES, Warehouse, query

CONTRACT = [
    "report_id", "file_path", "is_meeting_report", "meeting_name", "region", "level", "body", "term",
    "session", "event", "meeting_date", "venue", "required", "present", "absent", "quorum_claimed",
    "attendance_scope", "presider", "executive_chairs", "work_report_by", "key_tasks", "valid",
]
T0 = datetime(2025, 3, 1, 22, 0, tzinfo=timezone.utc)


def make_text(place: str = "临河县", term: str = "第九届", chairs: tuple[str, ...] = ("周红", "吴刚", "郑丽"),
              presider: str = "吴刚", venue: str = "县会堂", year: str = "2023年") -> str:
    return (
        f"{place}{term}人民代表大会第四次会议于{year}2月8日上午9时在{venue}开幕。"
        "会议应到代表205名，实到代表195名，缺席10名，符合法定人数。"
        f"大会执行主席：{'、'.join(chairs)}。会议由{presider}主持。县长孙海作政府工作报告。"
    )


def _at(doc: Document, value: Any, evidence: str, nth: int = 0) -> Fact:
    start = -1
    for _ in range(nth + 1):
        start = doc.clean.index(evidence, start + 1)
    return doc.fact(value, start, start + len(evidence))


def make_report(text: str, path: str, *, violations: list[Violation] | None = None,
                with_chairs: bool = True) -> tuple[dict, dict[str, list[dict]]]:
    """(ledger entry, staging rows) for one report text, facts built by hand."""
    raw = text.encode("utf-8")
    sha = hashlib.sha256(raw).hexdigest()
    doc = Document.from_text(text, encoding="utf-8", format="txt")
    c = doc.clean
    year = re.search(r"(\d{4})年2月8日", c)
    name_end = c.index("第四次会议") + len("第四次会议")
    facts = ReportFacts(
        is_meeting_report=_at(doc, True, "开幕"),
        meeting_name=doc.fact(c[:name_end], 0, name_end),
        region=doc.fact(c[: c.index("第")], 0, c.index("第")),
        level=_at(doc, "county", "县"),
        body=_at(doc, "人大", "人民代表大会"),
        term=_at(doc, 9, "届"),
        session=_at(doc, 4, "第四次会议"),
        event=_at(doc, "开幕", "开幕"),
        date=_at(doc, f"{year.group(1)}-02-08" if year else "02-08", "2月8日"),
        time=_at(doc, "09:00", "上午9时"),
        venue=doc.fact(c[c.index("在") + 1: c.index("开幕")], c.index("在") + 1, c.index("开幕")),
        required=_at(doc, 205, "应到代表205名"),
        present=_at(doc, 195, "实到代表195名"),
        absent=_at(doc, 10, "缺席10名"),
        quorum_claimed=_at(doc, True, "符合法定人数"),
        attendance_scope=_at(doc, "deputies", "代表"),
        presider=doc.fact(c[c.index("会议由") + 3: c.index("主持")], c.index("会议由") + 3, c.index("主持")),
        work_report_by=_at(doc, "孙海", "孙海"),
        agenda_items=[_at(doc, "政府工作报告", "政府工作报告")],
        key_tasks=None,
    )
    if with_chairs:
        s = c.index("执行主席:") + len("执行主席:")
        e = c.index("。", s)
        chairs, pos = [], s
        for name in c[s:e].split("、"):
            chairs.append(doc.fact(name, pos, pos + len(name)))
            pos += len(name) + 1
        facts.executive_chairs = chairs
    rows = report_rows(report_id=sha[:16], file_path=path, sha256=sha, doc=doc, facts=facts,
                       violations=violations or [])
    entry = {"path": path, "sha256": sha, "size_bytes": len(raw), "mtime_ns": 1_700_000_000_000_000_000,
             "encoding": "utf-8", "format": "txt", "status": "quarantined" if violations else "loaded",
             "report_id": sha[:16], "seen_at": T0}
    return entry, rows


def merge(*parts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in parts:
        for k, v in p.items():
            out.setdefault(k, []).extend(v)
    return out


def run_row(run_id: str, at: datetime = T0, **extra: Any) -> dict:
    return {"run_id": run_id, "started_at": at, "finished_at": at + timedelta(seconds=3), "status": "ok",
            "inbox": "inbox", "files_seen": 2, "files_new": 2, "files_unchanged": 0, "files_loaded": 2,
            "files_quarantined": 0, "meetings": 2, "violations": {}, "wall_seconds": 3.0,
            "rows_loaded": 99, **extra}


def table_counts(wh: Warehouse) -> dict[str, int]:
    return {t: wh.con.execute(f"select count(*) from {t}").fetchone()[0] for t in CORE_TABLES}


def facts_rows(wh: Warehouse) -> list[tuple]:
    return wh.con.execute("select * from meeting_facts").fetchall()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "warehouse.duckdb"


@pytest.fixture()
def two_reports():
    a_file, a_rows = make_report(make_text(), "a.txt")
    b_file, b_rows = make_report(make_text(place="平安县", chairs=("钱多",), presider="钱多"), "sub/b.txt")
    return [a_file, b_file], merge(a_rows, b_rows)


def test_schema_files_apply_once_and_views_are_recreated(db: Path):
    with Warehouse(db) as wh:
        recorded = [r[0] for r in wh.con.execute("select version from schema_version order by version").fetchall()]
        tables = wh.con.execute("select table_name, table_type from information_schema.tables order by 1").fetchall()
        assert wh.migrate() == []  # everything recorded: nothing applied twice
        wh.con.execute("drop view mart_agenda")
    assert db.is_file() and recorded == [p.name for p in migrations()]
    assert recorded[:2] == ["000_schema_version.sql", "001_core.sql"]
    with Warehouse(db) as wh:  # reopening applies no schema file, and re-creates every view
        again = wh.con.execute("select table_name, table_type from information_schema.tables order by 1").fetchall()
        assert wh.con.execute("select count(*) from schema_version").fetchone()[0] == len(recorded)
        assert facts_rows(wh) == []
    assert again == tables
    assert ("meeting_facts", "VIEW") in tables and ("reports", "BASE TABLE") in tables
    assert ("mart_agenda", "VIEW") in again


def test_a_new_schema_file_is_applied_once_in_order(db: Path, tmp_path: Path, monkeypatch):
    import warehouse.sqlfiles as sqlfiles

    with Warehouse(db):
        pass
    schema = tmp_path / "schema"
    shutil.copytree(sqlfiles.SCHEMA_DIR, schema)
    # Not idempotent on purpose: applied twice it would fail.
    (schema / "900_test_column.sql").write_text("alter table runs add column test_note varchar;", encoding="utf-8")
    monkeypatch.setattr(sqlfiles, "SCHEMA_DIR", schema)
    with Warehouse(db) as wh:
        assert wh.migrate() == []
        assert "test_note" in {c[0] for c in wh.con.execute("describe runs").fetchall()}
    with Warehouse(db) as wh:
        assert wh.con.execute("select max(version) from schema_version").fetchone() == ("900_test_column.sql",)


def test_commit_twice_loads_nothing_the_second_time(db: Path, two_reports):
    files, tables = two_reports
    with Warehouse(db) as wh:
        first = wh.commit_run(run_row("r1"), files, tables, [])
        assert first["reports"] == 2 and first["file_ledger"] == 2 and first["people"] == 2 * 1 + 1 + 2 + 1 + 2
        assert first["fact_spans"] == len(tables["fact_spans"])
        before_counts, before_facts = table_counts(wh), facts_rows(wh)
        second = wh.commit_run(run_row("r1"), files, tables, [])
        assert second == {k: 0 for k in first} and "runs" not in second
        assert table_counts(wh) == before_counts
        assert facts_rows(wh) == before_facts
        # A later run that sees the same content as new still loads nothing new.
        third = wh.commit_run(run_row("r2"), files, tables, [])
        assert third["reports"] == 0 and third["file_ledger"] == 0
        assert wh.con.execute("select run_id from runs order by run_id").fetchall() == [("r1",), ("r2",)]
        assert facts_rows(wh) == before_facts
        assert len(before_facts) == 2


def test_duplicate_staging_rows_are_deduplicated(db: Path, two_reports):
    files, tables = two_reports
    doubled = {k: v + v for k, v in tables.items()}
    with Warehouse(db) as wh:
        counts = wh.commit_run(run_row("r1"), files + files, doubled, [])
        assert counts["reports"] == 2 and counts["file_ledger"] == 2
        assert counts["fact_spans"] == len(tables["fact_spans"])


def test_same_content_at_two_paths_is_one_report_two_rows(db: Path):
    a_file, a_rows = make_report(make_text(), "a.txt")
    copy_file, copy_rows = make_report(make_text(), "copy/a.txt")
    with Warehouse(db) as wh:
        counts = wh.commit_run(run_row("r1"), [a_file, copy_file], merge(a_rows, copy_rows), [])
        assert counts["reports"] == 1
        got = wh.con.execute("select file_path, report_id from meeting_facts").fetchall()
    assert got == [("a.txt", a_file["report_id"]), ("copy/a.txt", a_file["report_id"])]


def test_changed_file_becomes_new_version(db: Path, two_reports):
    files, tables = two_reports
    new_file, new_rows = make_report(make_text(venue="县政府礼堂"), "a.txt")
    new_file["seen_at"] = T0 + timedelta(days=1)
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files, tables, [])
        counts = wh.commit_run(run_row("r2", T0 + timedelta(days=1)), [new_file], new_rows, [])
        assert counts["file_ledger"] == 1 and counts["reports"] == 1
        versions = wh.con.execute(
            "select version, sha256, is_current, report_id from file_ledger where path = 'a.txt' order by version"
        ).fetchall()
        assert [(v, cur) for v, _, cur, _ in versions] == [(1, False), (2, True)]
        assert versions[0][1] == files[0]["sha256"] and versions[1][1] == new_file["sha256"]
        assert wh.ledger()["a.txt"]["sha256"] == new_file["sha256"]
        assert wh.ledger()["a.txt"]["version"] == 2
        rows = wh.con.execute("select file_path, report_id, venue from meeting_facts").fetchall()
        assert rows == [("a.txt", new_file["report_id"], "县政府礼堂"), ("sub/b.txt", files[1]["report_id"], "县会堂")]
        # The old version's report is kept, just no longer current.
        assert wh.con.execute("select count(*) from reports").fetchone()[0] == 3
        # Changing back to the first content is a third version pointing at the old report.
        back = dict(files[0], seen_at=T0 + timedelta(days=2))
        counts = wh.commit_run(run_row("r3"), [back], tables, [])
        assert counts["file_ledger"] == 1 and counts["reports"] == 0
        assert wh.ledger()["a.txt"]["version"] == 3
        assert wh.con.execute("select venue from meeting_facts where file_path = 'a.txt'").fetchone() == ("县会堂",)


def test_unchanged_files_keep_status_and_update_last_seen(db: Path):
    bad = [Violation("present_le_required", "present > required", {"present": 195, "required": 10})]
    entry, rows = make_report(make_text(), "a.txt", violations=bad)
    q = [{"file_path": "a.txt", "report_id": entry["report_id"], "sha256": entry["sha256"],
          "rule": "present_le_required", "observed": {"present": 195, "required": 10}, "message": "m"}]
    later = T0 + timedelta(days=1)
    with Warehouse(db) as wh:
        counts = wh.commit_run(run_row("r1"), [entry], rows, q)
        assert counts["quarantine"] == 1
        unchanged = {"path": "a.txt", "sha256": entry["sha256"], "size_bytes": entry["size_bytes"],
                     "mtime_ns": entry["mtime_ns"], "status": "unchanged", "seen_at": later}
        counts = wh.commit_run(run_row("r2", later), [unchanged], {}, [])
        assert counts["file_ledger"] == 0
        got = wh.con.execute(
            "select status, report_id, first_seen_at, last_seen_at, version from file_ledger"
        ).fetchall()
        assert got == [("quarantined", entry["report_id"], T0.replace(tzinfo=None), later.replace(tzinfo=None), 1)]
        assert wh.ledger()["a.txt"]["status"] == "quarantined"
        observed, run_id = wh.con.execute("select observed, run_id from quarantine").fetchone()
        assert observed == '{"present": 195, "required": 10}' and run_id == "r1"
        assert wh.con.execute("select valid from meeting_facts").fetchone() == (False,)


def test_rejected_file_without_hash(db: Path):
    entry = {"path": "big.txt", "sha256": None, "size_bytes": 10**9, "mtime_ns": 1, "status": "quarantined",
             "report_id": None, "seen_at": T0}
    q = [{"file_path": "big.txt", "sha256": None, "report_id": None, "rule": "too_large", "observed": {},
          "message": "too big", "run_id": "r1", "quarantined_at": T0}]
    with Warehouse(db) as wh:
        assert wh.commit_run(run_row("r1"), [entry], {}, q)["quarantine"] == 1
        assert wh.commit_run(run_row("r1"), [dict(entry, status="unchanged")], {}, q)["quarantine"] == 0
        assert wh.ledger() == {"big.txt": {"sha256": None, "size_bytes": 10**9, "mtime_ns": 1,
                                           "status": "quarantined", "report_id": None, "version": 1}}
        assert facts_rows(wh) == []


def test_error_rolls_back_everything(db: Path, two_reports):
    files, tables = two_reports
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files[:1], {k: [r for r in v if r["report_id"] == files[0]["report_id"]]
                                                 for k, v in tables.items()}, [])
        before_counts, before_facts, before_ledger = table_counts(wh), facts_rows(wh), wh.ledger()
        broken = {k: [dict(r) for r in v] for k, v in tables.items()}
        broken["people"][-1]["name"] = None  # NOT NULL: fails after ledger and reports were written
        with pytest.raises(duckdb.Error):
            wh.commit_run(run_row("r2"), files, broken, [{"file_path": "x", "rule": "r", "message": "m"}])
        assert table_counts(wh) == before_counts
        assert facts_rows(wh) == before_facts
        assert wh.ledger() == before_ledger
        # The connection is usable afterwards and the failure can be recorded.
        wh.record_failed_run(run_row("r2", status="ok", error="IntegrityError: boom"))
        assert wh.con.execute("select status, error from runs where run_id = 'r2'").fetchone() == (
            "failed", "IntegrityError: boom")
        assert wh.commit_run(run_row("r3"), files, tables, [])["reports"] == 1


def test_meeting_facts_contract_columns(db: Path, two_reports):
    files, tables = two_reports
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files, tables, [])
        cols = [c[0] for c in wh.con.execute("select * from meeting_facts limit 0").description]
        types = dict(wh.con.execute(
            "select column_name, data_type from information_schema.columns where table_name = 'meeting_facts'"
        ).fetchall())
        row = dict(zip(cols, wh.con.execute("select * from meeting_facts where file_path = 'a.txt'").fetchone()))
    assert cols[: len(CONTRACT)] == CONTRACT
    assert cols[len(CONTRACT):] == ["adcode", "province", "city", "county", "meeting_time", "agenda_items"]
    assert not any(c.endswith("_at") or "run_id" in c for c in cols)
    assert types["executive_chairs"] == "VARCHAR[]" and types["agenda_items"] == "VARCHAR[]"
    assert types["valid"] == "BOOLEAN" and types["meeting_date"] == "VARCHAR"
    assert row["executive_chairs"] == ["周红", "吴刚", "郑丽"]  # text order, not alphabetical
    assert row["presider"] == "吴刚" and row["required"] == 205 and row["present"] == 195 and row["absent"] == 10
    assert row["meeting_date"] == "2023-02-08" and row["meeting_time"] == "09:00"
    assert row["agenda_items"] == ["政府工作报告"] and row["valid"] is True


def test_executive_chairs_null_when_none(db: Path):
    entry, rows = make_report(make_text(chairs=("某甲",)), "a.txt", with_chairs=False)
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), [entry], rows, [])
        assert wh.con.execute("select executive_chairs, presider from meeting_facts").fetchone() == (None, "吴刚")


def test_reload_replaces_a_loaded_report(db: Path):
    entry, rows = make_report(make_text(), "a.txt")
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), [entry], rows, [])
        rows["reports"][0]["venue"] = "新会场"
        assert wh.commit_run(run_row("r2"), [entry], rows, [])["reports"] == 0
        assert wh.con.execute("select venue from meeting_facts").fetchone() == ("县会堂",)
        counts = wh.commit_run(run_row("r3"), [entry], rows, [], reload=True)
        assert counts["reports"] == 1 and counts["people"] == len(rows["people"])
        assert wh.con.execute("select venue from meeting_facts").fetchone() == ("新会场",)
        assert wh.con.execute("select count(*) from people").fetchone()[0] == len(rows["people"])


def test_snapshot_opens_read_only_and_matches(db: Path, two_reports, tmp_path: Path):
    files, tables = two_reports
    snap = tmp_path / "public" / "snapshot.duckdb"
    lake = tmp_path / "lake"
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files, tables, [])
        wh.export_lake(lake)
        wh.publish_snapshot(snap, lake)
        expected = facts_rows(wh)
        first = duckdb.connect(str(snap), read_only=True)  # a reader that stays open
        # Publishing again swaps a fresh snapshot over the old one.
        new_file, new_rows = make_report(make_text(place="新县"), "c.txt")
        wh.commit_run(run_row("r2"), [new_file], new_rows, [])
        wh.export_lake(lake)
        wh.publish_snapshot(snap, lake)
        expected2 = facts_rows(wh)
    # The open reader keeps its view: the lake version its snapshot reads is still there.
    assert first.execute("select * from meeting_facts").fetchall() == expected
    first.close()
    assert len(expected2) == len(expected) + 1
    assert not list(snap.parent.glob(".*tmp*"))
    con = duckdb.connect(str(snap), read_only=True)
    try:
        assert con.execute("select * from meeting_facts").fetchall() == expected2
        with pytest.raises(duckdb.Error):
            con.execute("delete from reports")
    finally:
        con.close()
    cols, rows = query(snap, "select file_path from meeting_facts where report_id = ?", [new_file["report_id"]])
    assert cols == ["file_path"] and rows == [("c.txt",)]
    # Written in the v1.0.0 storage format (DuckDB 1.x can open it); the warehouse itself is newer.
    con = duckdb.connect()
    try:
        con.execute(f"attach '{snap}' as snap (read_only)")
        con.execute(f"attach '{db}' as main_db (read_only)")
        tags = dict(con.execute("select database_name, tags['storage_version'] from duckdb_databases()").fetchall())
    finally:
        con.close()
    assert tags["snap"] == "v1.0.0+" and tags["main_db"] != "v1.0.0+"


def test_sql_and_html_in_report_text_round_trip_as_data(db: Path):
    evil = "'); DROP TABLE reports; --"
    script = "<script>alert('x')</script>"
    text = make_text(venue=evil + script, presider="王'五", chairs=("王'五", "李<四>"))
    path = "it's/\"odd\"; drop table file_ledger;.txt"
    entry, rows = make_report(text, path)
    rows["reports"][0]["meeting_name"] = "<b>会议</b>" + evil  # staging rows are data, whatever they hold
    q = [{"file_path": path, "sha256": entry["sha256"], "report_id": entry["report_id"], "rule": evil,
          "observed": {"text": script}, "message": evil}]
    with Warehouse(db) as wh:
        wh.commit_run(run_row(evil), [entry], rows, q)
        got = wh.con.execute(
            "select file_path, venue, presider, executive_chairs, meeting_name from meeting_facts").fetchone()
        assert got == (path, evil + script, "王'五", ["王'五", "李<四>"], "<b>会议</b>" + evil)
        assert wh.con.execute("select rule, message, observed from quarantine").fetchone() == (
            evil, evil, '{"text": "<script>alert(\'x\')</script>"}')
        assert wh.con.execute("select run_id from runs").fetchone() == (evil,)
        assert set(table_counts(wh)) == set(CORE_TABLES)  # every table still there
        wh.export_lake(db.parent / "it's a lake")  # paths with quotes, too
        wh.publish_snapshot(db.parent / "snap's.duckdb", db.parent / "it's a lake")
    cols, rows = query(db, "select venue from meeting_facts where presider = ?", ["王'五"])
    assert rows == [(evil + script,)]
    cols, rows = query(db.parent / "snap's.duckdb", "select count(*) from reports")
    assert rows == [(1,)]
    cols, rows = query(db.parent / "snap's.duckdb", "select venue, meeting_name from meeting_facts")
    assert rows == [(evil + script, "<b>会议</b>" + evil)]


def test_query_is_read_only(db: Path, two_reports):
    files, tables = two_reports
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files, tables, [])
    cols, rows = query(db, "select file_path, executive_chairs from meeting_facts order by file_path")
    assert cols == ["file_path", "executive_chairs"]
    assert rows == [("a.txt", ["周红", "吴刚", "郑丽"]), ("sub/b.txt", ["钱多"])]
    with pytest.raises(duckdb.Error):
        query(db, "delete from reports")
    assert query(db, "select count(*) from reports")[1] == [(2,)]


def test_touch_unchanged_updates_last_seen_only(db: Path, two_reports):
    files, tables = two_reports
    later = T0 + timedelta(hours=5)
    with Warehouse(db) as wh:
        wh.commit_run(run_row("r1"), files, tables, [])
        before = wh.ledger()
        assert wh.touch_unchanged(["a.txt", "missing.txt"], later) == 1
        assert wh.ledger() == before
        seen = dict(wh.con.execute("select path, last_seen_at from file_ledger").fetchall())
    assert seen == {"a.txt": later.replace(tzinfo=None), "sub/b.txt": T0.replace(tzinfo=None)}


def test_property_any_text_round_trips(tmp_path: Path):
    """Whatever a report says (quotes, semicolons, NULs, tags, emoji) is stored as data."""
    base_entry, base_rows = make_report(make_text(), "p.txt")

    with Warehouse(tmp_path / "w.duckdb") as wh:

        @settings(max_examples=30, deadline=None)
        @given(value=st.text(min_size=1, max_size=40))
        def check(value: str) -> None:
            key = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            rows = {t: [dict(r, report_id=key) for r in rs] for t, rs in base_rows.items()}
            rows["reports"][0].update(venue=value, meeting_name=value)
            rows["people"][0]["name"] = value
            entry = dict(base_entry, path=value, report_id=key, sha256=key)
            wh.commit_run(run_row("p"), [entry], rows, [{"file_path": value, "rule": "r", "message": value}])
            got = wh.con.execute(
                "select venue, meeting_name, executive_chairs[1] from meeting_facts where file_path = ?", [value]
            ).fetchall()
            assert got == [(value, value, value)]

        check()
        assert {t for (t,) in wh.con.execute("select table_name from information_schema.tables").fetchall()} >= set(
            CORE_TABLES)


def test_writer_threads_are_the_settings_and_default_to_one(db: Path):
    from flows.settings import DEFAULTS, RunSettings

    with Warehouse(db) as wh:
        assert wh.con.execute("select current_setting('threads')").fetchone()[0] == DEFAULTS.writer_threads == 1
    with Warehouse(db, threads=3) as wh:
        assert wh.con.execute("select current_setting('threads')").fetchone()[0] == 3
    common = dict(inbox="in", warehouse="w.duckdb", lake="lake", docs="docs", workers=2, batch_size=8)
    assert RunSettings.from_strings(**common, writer_threads=2).writer_threads == 2
    with pytest.raises(ValueError, match="writer_threads"):
        RunSettings.from_strings(**common, writer_threads=0)
