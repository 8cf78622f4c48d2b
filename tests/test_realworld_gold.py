"""The real-world development set's gold is well-formed.

`tests/cases/realworld/batch*/` hold reports written in the forms real published reports use
(see `tests/cases/realworld/PHRASINGS.md` and `BATCH56.md`), `variants*/` short synthetic reports that
state the dev corpus's kind of facts in forms it does not use, with gold written by reading each text against the
dev corpus README conventions before the extractor ran on it. This test checks the gold itself,
not the extractor: every field present and typed, enums valid, every stated value recoverable
from the fixture text (decoded independently of `transforms/`), and `expected_violations`
equal to what the gold facts break. Accuracy on the set is measured with `congress-etl eval`
(scores in `tests/cases/realworld/SCORES.md`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "cases" / "realworld"
sys.path.insert(0, str(HERE))
import goldcheck  # noqa: E402

BATCHES = sorted(p for p in HERE.glob("batch*") if p.is_dir())  # real forms: a sample of every level
SETS = BATCHES + sorted(p for p in HERE.glob("variants*") if p.is_dir())


def test_batches_exist():
    assert BATCHES, "no realworld batch directory"


@pytest.mark.parametrize("batch", SETS, ids=[b.name for b in SETS])
def test_gold_is_well_formed(batch):
    found = goldcheck.problems(batch)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("batch", BATCHES, ids=[b.name for b in BATCHES])
def test_batch_mixes_levels_bodies_and_negatives(batch):
    gold = goldcheck.load_gold(batch)
    reports = [g for g in gold if g["is_meeting_report"]]
    assert {g["level"] for g in reports} == {"national", "province", "city", "county", "township"}
    assert {g["body"] for g in reports} >= {"人大", "政协", "人大常委会", "政协常委会"}
    assert sum(not g["is_meeting_report"] for g in gold) >= 4
    assert any(g["expected_violations"] for g in reports)


# The checker must reject the mistakes it exists to catch.
_TEXT = "1月8日上午9时，某县第十届人民代表大会第三次会议在县人民会堂开幕。会议应到代表200名，实到代表190名，符合法定人数。张建华主持会议。"
_GOOD = {
    "file": "x.txt", "is_meeting_report": True, "meeting_name": "某县第十届人民代表大会第三次会议", "region": "某县",
    "level": "county", "body": "人大", "term": 10, "session": 3, "event": "开幕", "date": "01-08", "time": "09:00",
    "venue": "县人民会堂", "required": 200, "present": 190, "absent": None, "quorum_claimed": True,
    "attendance_scope": "deputies", "executive_chairs": None, "presider": "张建华", "work_report_by": None,
    "agenda_items": None, "key_tasks": None, "expected_violations": [],
}


def test_checker_accepts_a_correct_record():
    assert goldcheck.check_record(dict(_GOOD), _TEXT, "text", False) == []


@pytest.mark.parametrize("field,value", [
    ("presider", "李红梅"),                 # not in the text
    ("present", 191),                      # figure not written
    ("date", "2024-01-08"),                # year not written
    ("time", "10:00"),                     # hour not written
    ("attendance_scope", None),            # counts without a scope
    ("level", "prefecture"),               # not in the enum
    ("agenda_items", ["政府工作报告"]),      # no cue in the text
    ("expected_violations", ["present_le_required"]),  # the facts break no rule
    ("meeting_name", "某县第十届人民代表大会第四次会议"),
])
def test_checker_rejects_a_wrong_value(field, value):
    bad = dict(_GOOD, **{field: value})
    assert goldcheck.check_record(bad, _TEXT, "text", False)


def test_rules_follow_the_readme():
    rec = dict(_GOOD, required=240, present=150, executive_chairs=["王志刚"])
    assert goldcheck.violations(rec) == ["quorum_two_thirds", "quorum_claim_consistent", "presider_in_chairs"]
    rec = dict(_GOOD, attendance_scope="standing_committee_members", required=24, present=12, absent=11)
    assert goldcheck.violations(rec) == ["present_plus_absent_eq_required", "quorum_majority", "quorum_claim_consistent"]


def test_manifest_declares_every_file():
    for batch in SETS:
        manifest = json.loads((batch / "MANIFEST.json").read_text(encoding="utf-8"))
        for name, meta in manifest.items():
            assert (batch / name).is_file(), name
            if not meta["broken"]:  # strict: the declared encoding is right
                (batch / name).read_bytes().decode(meta["encoding"])
