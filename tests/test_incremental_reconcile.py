"""Incremental reconciliation equals the pure recompute over every current report.

Reports with chosen facts (regions with and without adcodes, dates with and without years,
text sketches, counts, chairs, presidium) are loaded into a real warehouse night after night —
files appearing, changing content, turning unreadable — and after each night the reconciliation
tables the warehouse keeps up to date incrementally must equal `transforms.reconcile.reconcile`
over the night's current reports, and a full recompute. The SQL grouping is checked against
`group_reports` on its own too."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.reconcile import reconcile_warehouse
from transforms.reconcile import ReportRef, Span, group_reports, reconcile
from warehouse.store import Warehouse
from warehouse.tables import RECONCILE_TABLES

# Two adcodes share the name 平遥县 (a report without adcode then keys by its name).
REGIONS = st.sampled_from([("平遥县", "140728"), ("平遥县", None), ("平 遥县", None), ("平遥县", "990001"),
                           ("介休市", "140781"), ("介休市", None), ("鼓楼区", None), (None, "140728"), (None, None)])
SKETCHES = [None, (1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5, 7), (1, 2, 3, 4, 8, 9), (20, 21, 22)]


@st.composite
def refs(draw, rid: str) -> ReportRef:
    region, adcode = draw(REGIONS)
    present = draw(st.sampled_from([None, 180, 181]))
    date = draw(st.sampled_from([None, "01-14", "2025-01-14", "2025-01-16", "2024-01-14", "2024-12-30"]))
    presider = draw(st.sampled_from([None, "吴刚", "周红"]))
    spans = {}
    if present is not None:
        spans["present"] = Span(10, 17, f"实到代表{present}名")
    if date is not None:
        spans["date"] = Span(0, 6, date)
    if presider is not None:
        spans["presider"] = Span(30, 32, presider)
    return ReportRef(
        rid, region=region, adcode=adcode, province="山西省", level="county",
        body=draw(st.sampled_from(["人大", "政协", "other", None])), term=draw(st.sampled_from([17, 18, None])),
        session=draw(st.sampled_from([4, 5])), event=draw(st.sampled_from(["开幕", "闭幕", "全体会议", None])),
        date=date, meeting_name=draw(st.sampled_from([None, "平遥县第十七届人民代表大会第五次会议"])),
        required=205 if present else None, present=present, absent=None, scope="deputies" if present else None,
        presider=presider, chairs=tuple(draw(st.lists(st.sampled_from(["吴刚", "周红", "郑丽"]), unique=True, max_size=2))),
        presidium=tuple(draw(st.lists(st.sampled_from(["吴刚", "周红"]), unique=True, max_size=2))),
        fingerprint=draw(st.sampled_from(SKETCHES)), spans=spans)


@st.composite
def nights(draw) -> tuple[list[ReportRef], list[dict[str, int | None]]]:
    pool = [draw(refs(f"r{i:02d}")) for i in range(draw(st.integers(2, 9)))]
    paths = [f"f{i}.txt" for i in range(6)]
    # Each night: which report each file holds now (None: the file became unreadable).
    plan = [{p: draw(st.one_of(st.none(), st.integers(0, len(pool) - 1))) for p in draw(
        st.lists(st.sampled_from(paths), unique=True, min_size=1, max_size=6))} for _ in range(draw(st.integers(1, 4)))]
    return pool, plan


def _rows_of(ref: ReportRef, path: str) -> dict[str, list[dict]]:
    return {
        "reports": [{"report_id": ref.report_id, "file_path": path, "sha256": _sha(ref), "is_meeting_report": True,
                     "region": ref.region, "adcode": ref.adcode, "province": ref.province, "level": ref.level,
                     "body": ref.body, "term": ref.term, "session": ref.session, "event": ref.event,
                     "meeting_date": ref.date, "meeting_name": ref.meeting_name, "presider": ref.presider,
                     "attendance_scope": ref.scope, "valid": True}],
        "attendance": [{"report_id": ref.report_id, "scope": ref.scope, "required": ref.required,
                        "present": ref.present, "absent": ref.absent}] if ref.present is not None else [],
        "people": [{"report_id": ref.report_id, "name": n, "role": "执行主席", "ordinal": i + 1}
                   for i, n in enumerate(ref.chairs)]
                  + [{"report_id": ref.report_id, "name": n, "role": "主席团成员", "ordinal": i + 1}
                     for i, n in enumerate(ref.presidium)],
        "fact_spans": [{"report_id": ref.report_id, "field": f, "value": s.snippet, "start_offset": s.start,
                        "end_offset": s.end, "snippet": s.snippet} for f, s in ref.spans.items()],
    }


def _sha(ref: ReportRef) -> str:
    return hashlib.sha256(ref.report_id.encode()).hexdigest()


def _night(wh: Warehouse, n: int, pool: list[ReportRef], night: dict[str, int | None], loaded: set[str],
           tmp: Path) -> None:
    files, tables, texts = [], {}, []
    for path, idx in sorted(night.items()):
        if idx is None:
            files.append({"path": path, "sha256": f"unreadable-{n}-{path}", "status": "quarantined", "report_id": None})
            continue
        ref = pool[idx]
        files.append({"path": path, "sha256": _sha(ref), "status": "loaded", "report_id": ref.report_id})
        if ref.report_id not in loaded:
            loaded.add(ref.report_id)
            for table, rows in _rows_of(ref, path).items():
                tables.setdefault(table, []).extend(rows)
            texts.append({"report_id": ref.report_id, "text": "x" * 40,
                          "fingerprint": list(ref.fingerprint) if ref.fingerprint else None})
    shards = tmp / f"shards-{n}"
    if texts:  # texts come the way a run brings them: a Parquet shard
        (shards / "report_texts").mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(texts, schema=wh.table_schema("report_texts")),
                       shards / "report_texts" / "b0.parquet")
        wh.store_texts_from_shards(shards)
    wh.commit_run({"run_id": f"run-{n}", "started_at": "2026-01-01T00:00:00", "status": "ok"}, files, tables, [])


def _current(pool: list[ReportRef], state: dict[str, int | None]) -> list[ReportRef]:
    ids = {pool[i].report_id for i in state.values() if i is not None}
    return [r for r in pool if r.report_id in ids]


def _tables(wh: Warehouse) -> dict[str, list[tuple]]:
    return {t: wh.query(f"select * from {t} order by all")[1] for t in RECONCILE_TABLES}


def _expected(wh: Warehouse, refs_now: list[ReportRef]) -> dict[str, list[tuple]]:
    """The pure reconciliation's rows, through the same table types (a scratch schema)."""
    out = reconcile(refs_now)
    got = {}
    for table, rows in zip(RECONCILE_TABLES, (out.meetings, out.meeting_reports, out.conflicts, out.checks)):
        arrow = pa.Table.from_pylist(rows, schema=wh.table_schema(table))
        wh.con.register("expected_rows", arrow)
        got[table] = wh.query("select * from expected_rows order by all")[1]
        wh.con.unregister("expected_rows")
    return got


@pytest.fixture()
def scratch(tmp_path: Path):
    """One warehouse for all examples of a property test, emptied before each (opening a new
    DuckDB file per example would cost most of the test's time)."""
    with Warehouse(tmp_path / "w.duckdb") as wh:
        def fresh() -> Warehouse:
            for table in (*RECONCILE_TABLES, "reports", "attendance", "people", "fact_spans", "report_texts",
                          "report_keys", "file_ledger", "runs"):
                wh.con.execute(f"delete from {table}")
            return wh
        yield fresh


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nights())
def test_each_night_equals_the_pure_recompute_and_a_full_one(scratch, tmp_path_factory, case) -> None:
    pool, plan = case
    tmp = tmp_path_factory.mktemp("inc")
    state: dict[str, int | None] = {}
    loaded: set[str] = set()
    wh = scratch()
    if True:
        for n, night in enumerate(plan):
            _night(wh, n, pool, night, loaded, tmp)
            state.update(night)
            reconcile_warehouse(wh, batch_meetings=2)  # tiny batches: meetings of one run span several
            incremental = _tables(wh)
            assert incremental == _expected(wh, _current(pool, state)), f"night {n}"
            again = reconcile_warehouse(wh)
            assert again["touched_meetings"] == 0 and _tables(wh) == incremental
        reconcile_warehouse(wh, full=True)
        assert _tables(wh) == incremental


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(REGIONS, st.sampled_from(["人大", "人大", "other"]), st.sampled_from([17, 17, None]),
                          st.sampled_from([5, 5, 4])), min_size=1, max_size=10))
def test_sql_grouping_is_group_reports(scratch, tmp_path_factory, drawn) -> None:
    """Few keys, so reports share buckets: adcodes claiming a name, two adcodes sharing one."""
    pool = [ReportRef(f"r{i:02d}", region=region, adcode=adcode, body=body, term=term, session=session)
            for i, ((region, adcode), body, term, session) in enumerate(drawn)]
    tmp = tmp_path_factory.mktemp("grp")
    wh = scratch()
    if True:
        _night(wh, 0, pool, {f"f{i}.txt": i for i in range(len(pool))}, set(), tmp)
        reconcile_warehouse(wh)
        got = dict(wh.query("select mr.report_id, m.meeting_key from meeting_reports mr join meetings m using (meeting_id)")[1])
    want = {r.report_id: key for key, members in group_reports(pool).items() for r in members}
    assert got == want


def test_a_report_without_adcode_moves_when_an_adcode_claims_its_name(tmp_path: Path) -> None:
    b = ReportRef("b", region="平遥县", body="人大", term=17, session=5, event="开幕")
    a = ReportRef("a", region="平遥县", adcode="140728", body="人大", term=17, session=5, event="闭幕")
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _night(wh, 0, [b, a], {"b.txt": 0}, set(), tmp_path)
        reconcile_warehouse(wh)
        assert wh.query("select meeting_key from meetings")[1] == [("平遥县|人大|17|5",)]
        _night(wh, 1, [b, a], {"a.txt": 1}, {"b"}, tmp_path)
        got = reconcile_warehouse(wh)
        assert got["touched_meetings"] == 2  # b's old meeting and the adcode's
        assert wh.query("select meeting_key, reports from meetings")[1] == [("adcode:140728|人大|17|5", 2)]


@pytest.mark.parametrize("batch", [1, 1000])
def test_touched_work_follows_the_change(tmp_path: Path, batch: int) -> None:
    """A night that adds one report to one meeting recomputes that meeting only."""
    pool = [ReportRef(f"r{i}", region=f"县{i}", body="人大", term=17, session=5, event="开幕") for i in range(30)]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _night(wh, 0, pool[:29], {f"f{i}.txt": i for i in range(29)}, set(), tmp_path)
        first = reconcile_warehouse(wh, batch_meetings=batch)
        assert first["touched_meetings"] == 29
        _night(wh, 1, pool, {"f29.txt": 29}, {r.report_id for r in pool[:29]}, tmp_path)
        second = reconcile_warehouse(wh, batch_meetings=batch)
        assert (second["touched_meetings"], second["touched_reports"], second["meetings"]) == (1, 1, 30)


def test_a_failed_reconciliation_changes_nothing_and_the_next_one_catches_up(tmp_path: Path, monkeypatch) -> None:
    import flows.reconcile as step

    pool = [ReportRef(f"r{i}", region=f"县{i % 4}", body="人大", term=17, session=5, event="开幕",
                      date=f"2025-01-{10 + i:02d}") for i in range(12)]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _night(wh, 0, pool[:6], {f"f{i}.txt": i for i in range(6)}, set(), tmp_path)
        reconcile_warehouse(wh)
        before = _tables(wh)
        _night(wh, 1, pool, {f"f{i}.txt": i for i in range(6, 12)}, {r.report_id for r in pool[:6]}, tmp_path)
        real, calls = step.reconcile_groups, {"n": 0}

        def failing(groups, *args):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("killed mid-way")
            return real(groups, *args)

        monkeypatch.setattr(step, "reconcile_groups", failing)
        with pytest.raises(RuntimeError, match="killed mid-way"):
            reconcile_warehouse(wh, batch_meetings=1)
        assert _tables(wh) == before  # one transaction: the first batch's rows rolled back too
        monkeypatch.setattr(step, "reconcile_groups", real)
        assert reconcile_warehouse(wh)["touched_meetings"] == 4
        assert _tables(wh) == _expected(wh, pool)
