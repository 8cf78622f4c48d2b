"""Validation over Arrow batches: records become an Arrow table where they are made (a worker),
tables concatenate, and the real GX suite runs once over the whole table in the parent, with one
GX context per run reused by every chunk."""

from __future__ import annotations

import pyarrow as pa

from expectations import rules

BASE = {"required": 200, "present": 180, "absent": 20, "quorum_claimed": True, "attendance_scope": "deputies",
        "level": "county", "presider": "张三", "executive_chairs": ["张三", "李四"], "date": "2024-03-05"}
BAD = [
    {**BASE, "present": 250, "absent": None},  # present_le_required
    {**BASE, "present": 100, "absent": 100},  # quorum_two_thirds + quorum_claim_consistent
    {**BASE, "presider": "王五"},  # presider_in_chairs
    {**BASE, "date": "2023-02-29"},  # valid_date
    {**BASE, "required": 500, "present": 480, "absent": 20},  # above the county maximum
]


def test_table_has_the_checked_and_message_columns() -> None:
    table = rules.validation_table([BASE, {}, {"required": "12", "present": 12.0, "executive_chairs": "张三"}])
    assert table.num_rows == 3
    assert table.column_names == [*rules.CHECKED_COLUMNS, *rules.MESSAGE_COLUMNS]
    assert table.column("required").to_pylist() == [200.0, None, 12.0]
    assert table.column("executive_chairs").to_pylist() == [["张三", "李四"], None, ["张三"]]
    assert table.column("two_thirds_needed").to_pylist()[0] == 134.0
    df = rules.frame_of(table)
    assert list(df["row_id"]) == [0, 1, 2] and df["present_plus_absent"].iloc[0] == 200.0


def test_concatenated_batches_validate_like_the_records() -> None:
    records = [BASE, *BAD, {}, BASE]
    whole = rules.validate_records(records)
    batches = [rules.validation_table(records[:3]), rules.validation_table(records[3:])]
    got = rules.validate_table(pa.concat_tables(batches))
    assert got == whole
    assert [[v.rule for v in vs] for vs in got] == [
        [], ["present_le_required"], ["quorum_two_thirds", "quorum_claim_consistent"], ["presider_in_chairs"],
        ["valid_date"], ["required_within_legal_bounds"], [], [],
    ]
    # Messages come from the failing rows' own values.
    assert got[1][0].observed == {"present": 250, "required": 200}
    assert got[3][0].observed == {"presider": "王五", "executive_chairs": ["张三", "李四"]}
    assert rules.validate_table(rules.validation_table([])) == []


def test_one_context_per_run_and_every_chunk_in_the_docs(tmp_path) -> None:
    docs = tmp_path / "docs"
    rules.validate_records([BASE, BAD[0]], docs_dir=docs, run_name="run-a")
    first = rules._runner(docs, "run-a")
    rules.validate_records([BAD[1]], docs_dir=docs, run_name="run-a")
    assert rules._runner(docs, "run-a") is first  # built once, reused by the next chunk
    pages = sorted((docs / "validations" / "meeting_facts" / "run-a").rglob("*.html"))
    assert len(pages) == 2  # one result page per chunk
    index = (docs / "index.html").read_text(encoding="utf-8")
    for page in pages:  # the index links both chunks of the run, not just the last one
        assert page.relative_to(docs).as_posix() in index
    rules.validate_records([BASE], docs_dir=docs, run_name="run-b")
    assert rules._runner(docs, "run-b") is not first
    assert not any(k == (str(docs.resolve()), "run-a") for k in rules._RUNNERS)  # run-a's results are let go


def test_preload_imports_gx_in_the_background_then_freezes_what_the_run_holds_and_collects_less_often() -> None:
    import gc

    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        thread = rules.preload()
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert rules._gx.cache_info().currsize == 1
        assert gc.get_freeze_count() > 100_000  # GX's objects and everything before them
        assert gc.get_threshold() == (rules.YOUNG_GC_THRESHOLD, *thresholds[1:])
    finally:
        gc.unfreeze()  # this test process goes on collecting them, as often as before
        gc.set_threshold(*thresholds)
