"""Extraction on reports written in phrasings the dev corpus does not contain.

`tests/cases/generalisation/*.txt` are composed reports (several encodings, every level, body and
event, plus texts that are not meeting reports); `expected.jsonl` holds their hand-written gold
values, following the dev corpus README conventions. Each report is decoded and extracted, and
every field is compared; all mismatches are reported together. Every emitted value must also be
grounded in its span.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.decode import decode
from transforms.extract import extract
from transforms.facts import GOLD_FIELDS
from transforms.normalize import normalize
from transforms.numbers import NUMBER_RE, parse_int

HERE = Path(__file__).resolve().parent / "cases" / "generalisation"
LABELS = {"is_meeting_report", "level", "body", "event", "quorum_claimed", "attendance_scope", "agenda_items"}
NUMBERS = {"term", "session", "required", "present", "absent", "key_tasks"}


def _expected() -> list[dict]:
    with (HERE / "expected.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


EXPECTED = _expected()


def _extract(name: str):
    data = (HERE / name).read_bytes()
    doc = decode(data, name)
    return doc, extract(doc)


def test_every_report_has_expected_values():
    on_disk = {p.name for p in HERE.glob("*.txt")}
    assert on_disk == {e["file"] for e in EXPECTED}
    assert len(on_disk) >= 25
    assert sum(not e["is_meeting_report"] for e in EXPECTED) >= 4


@pytest.mark.parametrize("gold", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_fields_match_gold(gold):
    _, facts = _extract(gold["file"])
    got = facts.record()
    wrong = {f: (got[f], gold[f]) for f in GOLD_FIELDS if got[f] != gold[f]}
    assert not wrong, "\n".join(f"{f}: got {g!r}, expected {e!r}" for f, (g, e) in wrong.items())


def _numbers(text: str) -> set[int]:
    return {n for n in (parse_int(m.group()) for m in NUMBER_RE.finditer(text)) if n is not None}


@pytest.mark.parametrize("gold", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_values_are_grounded(gold):
    doc, facts = _extract(gold["file"])
    for name, fact in facts.facts():
        if name not in GOLD_FIELDS:
            continue
        assert doc.text[fact.start:fact.end] == fact.snippet
        clean, _ = normalize(fact.snippet)
        if name in LABELS:
            assert clean.strip() or fact.value is False, name
        elif name in NUMBERS:
            assert fact.value in _numbers(clean), (name, fact)
        elif name == "date":
            day = int(fact.value.split("-")[-1])
            assert day in _numbers(clean) or clean.strip() in {"今天", "今日", "昨天", "昨日", "当天", "当日"}, fact
        elif name == "time":
            hour = int(fact.value.split(":")[0])
            assert {hour, hour - 12} & _numbers(clean), fact
        else:
            assert fact.value in clean or fact.value in normalize(fact.snippet)[0], (name, fact)
