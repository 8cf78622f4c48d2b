"""Extraction on the real-world development set (`tests/cases/realworld/`), field by field.

The batches listed in TUNED are the ones the extractor has been developed against: every gold
value must be produced and every produced value grounded in its span. Their scores before the
extractor was changed for them are in `tests/cases/realworld/SCORES.md`; a new batch is scored
with `congress-etl eval` first and added here only once the work on it is done.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.grounding import ungrounded
from transforms.decode import decode
from transforms.extract import extract
from transforms.facts import GOLD_FIELDS, LIST_FIELDS

HERE = Path(__file__).resolve().parent / "cases" / "realworld"
TUNED = ("batch1", "batch2", "batch5", "variants6")


def _gold() -> list[tuple[str, dict]]:
    out = []
    for batch in TUNED:
        with (HERE / batch / "gold.jsonl").open(encoding="utf-8") as fh:
            out += [(batch, json.loads(line)) for line in fh if line.strip()]
    return out


GOLD = _gold()


@pytest.mark.parametrize("batch, gold", GOLD, ids=[f"{b}/{g['file']}" for b, g in GOLD])
def test_fields_match_gold(batch: str, gold: dict) -> None:
    path = HERE / batch / gold["file"]
    doc = decode(path.read_bytes(), path.name)
    facts = extract(doc)
    got = facts.record()
    want = {f: gold[f] for f in GOLD_FIELDS if f in gold}
    # List fields are sets, as `congress-etl eval` scores them (gold may list them in another order).
    wrong = {f: (got[f], want[f]) for f in want
             if (set(got[f] or ()) != set(want[f] or ()) if f in LIST_FIELDS else got[f] != want[f])}
    assert not wrong, "\n".join(f"{f}: got {g!r}, expected {e!r}" for f, (g, e) in wrong.items())
    assert not ungrounded(doc.text, facts)
