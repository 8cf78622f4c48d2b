"""Reconciliation: pure properties of transforms/reconcile.py, then real warehouses built from
composed reports (and the dev corpus) through the real extractor, loader and reconciliation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.meeting_reports import build, closing, load, opening, repost
from transforms.reconcile import (
    DUPLICATE_MIN_RESEMBLANCE, YEAR_WINDOW_DAYS, ReportRef, Span, check_chairs_in_presidium,
    check_session_order, detect_conflicts, fingerprint, fingerprint_text, group_reports, infer_year,
    meeting_id_for, meeting_key, reconcile, resemblance, shingle_hashes, smallest_distinct,
)
from warehouse.store import Warehouse

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
NOISE = st.sampled_from([" ", "\n", "，", "。", "、", "\u3000", "：", "!", "（", "）"])


# -- fingerprints -------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(HAN, min_size=1, max_size=6), NOISE), min_size=2, max_size=40), st.randoms())
def test_fingerprint_ignores_spacing_and_punctuation(parts, rnd) -> None:
    plain = "".join(word for word, _ in parts)
    noisy = "".join(word + (noise if rnd.random() < 0.5 else "") for word, noise in parts)
    assert fingerprint_text(noisy) == plain
    assert fingerprint(noisy) == fingerprint(plain)


@settings(max_examples=60, deadline=None)
@given(st.text(HAN, min_size=4, max_size=300), st.text(HAN, min_size=4, max_size=300))
def test_resemblance_is_a_similarity_and_exact_on_short_texts(a: str, b: str) -> None:
    fa, fb = fingerprint(a), fingerprint(b)
    assert list(fa) == sorted(set(fa)) and len(fa) <= 64
    assert resemblance(fa, fa) == 1.0
    assert 0.0 <= resemblance(fa, fb) == resemblance(fb, fa) <= 1.0
    sa = {a[i:i + 4] for i in range(len(a) - 3)}
    sb = {b[i:i + 4] for i in range(len(b) - 3)}
    if len(sa | sb) <= 60:  # fewer shingles than the sketch holds (and no 32-bit collision): exact Jaccard
        assert abs(resemblance(fa, fb) - len(sa & sb) / len(sa | sb)) < 0.05


def _shingle_hash_reference(shingle: str) -> int:
    """The stored hash of one shingle, one Python int at a time (what `shingle_hashes` vectorises)."""
    mask = (1 << 64) - 1
    x = 0
    for i, ch in enumerate(shingle):
        x = ord(ch) if i == 0 else (x * 0x9E3779B97F4A7C15 + ord(ch)) & mask
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & mask
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & mask
    x ^= x >> 31
    return x >> 32


@settings(max_examples=80, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200))
def test_sketch_is_the_smallest_hashes_of_the_distinct_shingles(text: str) -> None:
    s = fingerprint_text(text)
    got = fingerprint(text)
    if not s:
        assert got is None
        return
    shingles = {s[i:i + 4] for i in range(max(1, len(s) - 3))}
    assert list(shingle_hashes(s)) == [_shingle_hash_reference(s[i:i + 4]) for i in range(max(1, len(s) - 3))]
    assert got == tuple(sorted({_shingle_hash_reference(g) for g in shingles})[:64])


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(), max_size=200) | st.text(st.sampled_from("人大代表 \n\t，。_·•a1１\u3000\u200b\ud800𠀀"), max_size=60))
def test_fingerprint_reads_the_code_points_of_the_fingerprint_text(text: str) -> None:
    """`_print_codes` (a table lookup in the BMP, the regex beyond it) is `fingerprint_text`'s
    code points, lone surrogates and characters beyond the BMP included."""
    from transforms.reconcile import _print_codes

    assert [chr(c) for c in _print_codes(text).tolist()] == list(fingerprint_text(text))


@settings(max_examples=30, deadline=None)
@given(st.text(st.sampled_from("人民代表大会常务委员会第十四届二次会议在县城召开应到实到"), min_size=300, max_size=1500))
def test_sketch_of_a_long_text_is_the_smallest_hashes_of_its_distinct_shingles(text: str) -> None:
    """Texts with more shingles than the sketch keeps ×4 take `smallest_distinct`'s shortcut; few
    distinct characters make many repeated shingles."""
    s = fingerprint_text(text)
    shingles = {s[i:i + 4] for i in range(len(s) - 3)}
    assert fingerprint(text) == tuple(sorted({_shingle_hash_reference(g) for g in shingles})[:64])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 40), max_size=1500), st.integers(1, 80))
def test_smallest_distinct_equals_sorting_every_value(values: list[int], size: int) -> None:
    assert smallest_distinct(np.array(values, dtype=np.uint32), size).tolist() == sorted(set(values))[:size]


def test_no_text_has_no_fingerprint() -> None:
    assert fingerprint("") is None
    assert fingerprint(" \n，。") is None


def test_repost_resembles_and_a_different_report_does_not() -> None:
    original = fingerprint(opening())
    assert resemblance(original, fingerprint(repost(opening()))) >= DUPLICATE_MIN_RESEMBLANCE
    assert resemblance(original, fingerprint(closing())) < DUPLICATE_MIN_RESEMBLANCE


# -- keys ---------------------------------------------------------------------------------------

@given(st.sampled_from(["平遥县", "平 遥县", "平遥县\u3000", None, ""]), st.sampled_from(["人大", "政协", None, "other"]),
       st.one_of(st.none(), st.integers(1, 20)), st.one_of(st.none(), st.integers(1, 40)))
def test_meeting_key_needs_every_part_and_ignores_spaces(region, body, term, session) -> None:
    key = meeting_key(region, body, term, session)
    complete = bool(region) and body in ("人大", "政协") and term is not None and session is not None
    assert (key is not None) == complete
    if key:
        assert key == f"平遥县|{body}|{term}|{session}"
        assert meeting_id_for(key) == meeting_id_for(meeting_key("平遥县", body, term, session))


def test_a_report_without_adcode_joins_the_adcode_group_of_its_region_name() -> None:
    refs = [ReportRef("a", region="平遥县", adcode="140728", body="人大", term=17, session=5),
            ReportRef("b", region="平遥县", body="人大", term=17, session=5),
            ReportRef("c", region="平遥县", adcode="999999", body="人大", term=17, session=5),
            ReportRef("d", region="平遥县", body="人大", term=17, session=6),
            ReportRef("e", region=None, body="人大", term=17, session=5)]
    groups = {k: sorted(r.report_id for r in v) for k, v in group_reports(refs).items()}
    # Two adcodes share the name: b cannot tell which it belongs to, so it keeps its name.
    assert groups == {"adcode:140728|人大|17|5": ["a"], "adcode:999999|人大|17|5": ["c"],
                      "平遥县|人大|17|5": ["b"], "平遥县|人大|17|6": ["d"], "report:e": ["e"]}
    groups = group_reports(refs[:2])
    assert {k: sorted(r.report_id for r in v) for k, v in groups.items()} == {"adcode:140728|人大|17|5": ["a", "b"]}


# -- years --------------------------------------------------------------------------------------

@given(st.dates(date(2001, 1, 1), date(2030, 12, 31)), st.integers(-YEAR_WINDOW_DAYS, YEAR_WINDOW_DAYS))
def test_year_is_inferred_from_a_nearby_stated_date(anchor: date, offset: int) -> None:
    target = anchor + timedelta(days=offset)
    if (target.month, target.day) == (2, 29):
        return  # MM-DD 02-29 names a day only leap years have
    got, source = infer_year(target.strftime("%m-%d"), [anchor.isoformat()])
    assert (got, source) == (target.isoformat(), "inferred")


@given(st.dates(date(2001, 1, 1), date(2030, 12, 31)), st.lists(st.dates(date(2001, 1, 1), date(2030, 12, 31)), max_size=3))
def test_a_stated_year_is_never_changed(day: date, anchors: list[date]) -> None:
    assert infer_year(day.isoformat(), [a.isoformat() for a in anchors]) == (day.isoformat(), "stated")


def test_no_anchor_or_a_far_one_leaves_the_date_alone() -> None:
    assert infer_year("01-17", []) == ("01-17", None)
    assert infer_year("07-01", ["2025-01-14"]) == ("07-01", None)
    assert infer_year(None, ["2025-01-14"]) == (None, None)
    assert infer_year("12-30", ["2025-01-03"]) == ("2024-12-30", "inferred")


# -- conflicts and checks ------------------------------------------------------------------------

def _ref(rid: str, **kw) -> ReportRef:
    base = dict(region="平遥县", adcode="140728", body="人大", term=17, session=5, event="开幕", scope="deputies")
    return ReportRef(rid, **{**base, **kw})


def test_disagreeing_reports_give_one_row_per_pair_of_values_with_spans() -> None:
    refs = [_ref("a", present=195, presider="吴刚", date="2025-01-14", spans={"present": Span(40, 49, "实到代表195名")}),
            _ref("b", present=196, presider="吴刚", date="01-14", spans={"present": Span(12, 21, "实到代表196名")}),
            _ref("c", present=197, presider="郑丽", date="2024-01-14"),
            _ref("d", present=190, event="闭幕")]
    rows = detect_conflicts("m", refs, {r.report_id: r.date for r in refs})
    got = sorted((r["field"], r["value_a"], r["value_b"]) for r in rows)
    assert got == [("date", "2024-01-14", "2025-01-14"), ("present", "195", "196"), ("present", "195", "197"),
                   ("present", "196", "197"), ("presider", "吴刚", "郑丽")]
    first = next(r for r in rows if r["field"] == "present" and r["value_b"] == "196")
    assert (first["report_id_a"], first["start_a"], first["snippet_a"]) == ("a", 40, "实到代表195名")
    assert (first["report_id_b"], first["start_b"], first["snippet_b"]) == ("b", 12, "实到代表196名")


REFS = st.lists(st.builds(
    _ref, st.text("abcdef", min_size=1, max_size=3),
    session=st.integers(4, 5), event=st.sampled_from(["开幕", "闭幕", "全体会议"]),
    present=st.one_of(st.none(), st.integers(180, 182)), presider=st.sampled_from([None, "吴刚", "周红"]),
    date=st.sampled_from([None, "01-14", "2025-01-14", "2024-01-14"]),
    fingerprint=st.sampled_from([None, (1, 2, 3, 4), (1, 2, 3, 5), (7, 8, 9)]),
), max_size=8, unique_by=lambda r: r.report_id)


@settings(max_examples=80, deadline=None)
@given(REFS, st.randoms())
def test_reconciliation_does_not_depend_on_input_order(refs, rnd) -> None:
    shuffled = list(refs)
    rnd.shuffle(shuffled)
    assert reconcile(refs) == reconcile(shuffled)


@settings(max_examples=80, deadline=None)
@given(REFS)
def test_agreeing_reports_never_conflict_and_every_report_lands_in_one_meeting(refs) -> None:
    same = [ReportRef(r.report_id, region=r.region, adcode=r.adcode, body=r.body, term=r.term, session=r.session,
                      event=r.event, scope=r.scope, present=181, presider="吴刚", date="2025-01-14") for r in refs]
    out = reconcile(same)
    assert out.conflicts == []
    assert sorted(m["report_id"] for m in out.meeting_reports) == sorted(r.report_id for r in refs)
    assert sum(m["reports"] for m in out.meetings) == len(refs)
    assert len(out.meetings) == len({r.session for r in refs})


def test_sessions_must_follow_their_dates() -> None:
    meetings = [{"meeting_id": "m4", "region_key": "x", "body": "人大", "term": 17, "session": 4, "started_on": "2025-01-10"},
                {"meeting_id": "m5", "region_key": "x", "body": "人大", "term": 17, "session": 5, "started_on": "2024-01-14"},
                {"meeting_id": "m6", "region_key": "x", "body": "人大", "term": 17, "session": 6, "started_on": "01-14"},
                {"meeting_id": "o", "region_key": "y", "body": "人大", "term": 17, "session": 1, "started_on": "2026-01-01"}]
    (row,) = check_session_order(meetings)
    assert (row["rule"], row["meeting_id"], row["other_meeting_id"]) == ("session_order", "m4", "m5")
    assert check_session_order([{**meetings[0], "started_on": "2023-01-10"}, meetings[1]]) == []


def test_opening_chairs_must_be_on_the_presidium_when_it_is_named() -> None:
    chairs = _ref("a", chairs=("周红", "吴刚"))
    assert check_chairs_in_presidium("m", [chairs]) == []  # presidium unknown: not checked
    ok = _ref("b", event="闭幕", presidium=("周红", "吴刚", "郑丽"))
    assert check_chairs_in_presidium("m", [chairs, ok]) == []
    short = _ref("c", event="闭幕", presidium=("周红",))
    (row,) = check_chairs_in_presidium("m", [chairs, short])
    assert row["rule"] == "chairs_in_presidium" and json.loads(row["observed"]) == {"missing": ["吴刚"]}


# -- in the warehouse ----------------------------------------------------------------------------

def _q(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_opening_closing_and_a_repost_are_one_meeting(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    ids = build(wh, {"open.txt": opening(), "close.txt": closing(), "repost.txt": repost(opening()),
                     "earlier.txt": opening(session="第四次", date="2024年1月10日")})
    rows = _q(wh, "select meeting_name, year, opened_on, closed_on, events, reports, distinct_reports "
                  "from meetings order by session")
    assert rows == [("平遥县第十七届人民代表大会第四次会议", 2024, "2024-01-10", None, "开幕", 1, 1),
                    ("平遥县第十七届人民代表大会第五次会议", 2025, "2025-01-14", "2025-01-17", "开幕,闭幕", 3, 2)]
    members = dict((r[0], r[1:]) for r in _q(wh, "select report_id, event, event_date, year_source, duplicate_of "
                                                 "from meeting_reports"))
    assert members[ids["close.txt"]] == ("闭幕", "2025-01-17", "inferred", None)
    # One of the two copies leads; the other points at it.
    pair = {members[ids["repost.txt"]][3], members[ids["open.txt"]][3]}
    assert pair in ({None, ids["open.txt"]}, {None, ids["repost.txt"]})
    assert _q(wh, "select count(*) from conflicts") == [(0,)]
    events = _q(wh, "select e.event, e.reports, e.distinct_reports from meeting_events e join meetings m using (meeting_id) "
                    "where m.session = 5 order by e.event")
    assert events == [("开幕", 2, 1), ("闭幕", 1, 1)]


def test_two_reports_that_disagree_give_conflict_rows_with_both_spans(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    ids = build(wh, {"a.txt": opening(), "b.txt": "另据报道，" + opening(present=196, absent=9, presider="郑丽",
                                                                       extra="会议审议了各项报告。")})
    rows = _q(wh, "select field, report_id_a, value_a, start_a, end_a, snippet_a, report_id_b, value_b, start_b, "
                  "end_b, snippet_b from conflicts order by field")
    assert [r[0] for r in rows] == ["absent", "present", "presider"]
    texts = dict(_q(wh, "select report_id, text from report_texts"))
    for field, ra, va, sa, ea, snip_a, rb, vb, sb, eb, snip_b in rows:
        assert {ra, rb} == {ids["a.txt"], ids["b.txt"]} and va != vb
        assert texts[ra][sa:ea] == snip_a and va in snip_a
        assert texts[rb][sb:eb] == snip_b and vb in snip_b
    assert _q(wh, "select conflicts from meetings") == [(3,)]


def test_reconciliation_covers_earlier_runs_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    tables = ("meetings", "meeting_reports", "conflicts", "meeting_checks")
    with Warehouse(path) as wh:
        load(wh, {"open.txt": opening()}, run_id="run-1")
        load(wh, {"close.txt": closing(present=189, absent=16)}, run_id="run-2")
        (meeting,) = wh.query("select reports, events, year from meetings")[1]
        assert meeting == (2, "开幕,闭幕", 2025)
        before = {t: wh.query(f"select * from {t} order by all")[1] for t in tables}
        load(wh, {"open.txt": opening(), "close.txt": closing(present=189, absent=16)}, run_id="run-3")
        from flows.reconcile import reconcile_warehouse
        reconcile_warehouse(wh)
        assert {t: wh.query(f"select * from {t} order by all")[1] for t in tables} == before


def test_session_order_finding_in_the_warehouse(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    build(wh, {"s4.txt": opening(session="第四次", date="2025年1月10日"),
               "s5.txt": opening(session="第五次", date="2024年1月14日")})
    assert _q(wh, "select k.rule, m.session from meeting_checks k join meetings m using (meeting_id)") == [
        ("session_order", 4)]


@pytest.mark.corpus
def test_corpus_reports_of_one_session_collapse_to_one_meeting(corpus_dir: Path, tmp_path: Path) -> None:
    gold = [json.loads(line) for line in (corpus_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    reports, keys = {}, {}
    for g in gold:
        raw = (corpus_dir / g["file"]).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # legacy encodings are the decoder's tests; here reposts are re-encoded as UTF-8
        if not g["is_meeting_report"] or not text.strip() or g["file"].endswith((".html", ".docx", ".pdf")):
            continue
        name = Path(g["file"]).name
        reports[name] = text
        keys[name] = (g["region"], g["body"], g["term"], g["session"])
    # Every third report is also carried by a second site.
    for name in sorted(reports)[::3]:
        reports[f"repost_{name}"] = repost(reports[name])
        keys[f"repost_{name}"] = keys[name]
    wh = tmp_path / "wh.duckdb"
    ids = build(wh, reports)
    member = dict(_q(wh, "select report_id, meeting_id from meeting_reports"))
    meeting_of = {name: member[rid] for name, rid in ids.items()}
    by_gold: dict[tuple, set[str]] = {}
    for name, key in keys.items():
        by_gold.setdefault(key, set()).add(meeting_of[name])
    assert all(len(m) == 1 for m in by_gold.values()), {k: v for k, v in by_gold.items() if len(v) > 1}
    assert len(set(meeting_of.values())) == len(by_gold)
    dup = dict(_q(wh, "select report_id, duplicate_of from meeting_reports"))
    for name in reports:
        if name.startswith("repost_"):
            assert {dup[ids[name]], dup[ids[name[len("repost_"):]]]} - {None} <= {ids[name], ids[name[7:]]}
            assert dup[ids[name]] or dup[ids[name[7:]]], f"{name} not collapsed"
    assert _q(wh, "select count(*) from conflicts") == [(0,)]
