"""Extraction against the shared dev corpus: the issue's accuracy bar through the real CLI,
grounding of every emitted value, and nothing dropped (every file extracted or quarantined).

Skipped, with a message, when ../shared/corpus is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.decode import decode
from transforms.extract import extract
from transforms.facts import Person
from transforms.normalize import normalize
from transforms.numbers import NUMBER_RE, parse_int

pytestmark = pytest.mark.corpus
BIN = Path(sys.executable).parent

# Fields whose value is a label the extractor chose from a closed set (level, body, …):
# the snippet is the cue it was read from, so grounding means "a non-empty cue in the text".
LABEL_FIELDS = {"is_meeting_report", "level", "body", "event", "quorum_claimed", "attendance_scope",
                "agenda_items", "adcode", "province", "city", "county"}
RELATIVE_DAYS = {"今天", "今日", "昨天", "昨日", "当天", "当日", "同日", "明天", "次日"}
NUMBER_FIELDS = {"term", "session", "required", "present", "absent", "key_tasks"}


def _gold(corpus_dir: Path) -> list[dict]:
    with (corpus_dir / "gold.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _numbers(clean_snippet: str) -> set[int]:
    return {n for n in (parse_int(m.group()) for m in NUMBER_RE.finditer(clean_snippet)) if n is not None}


def _grounded(name: str, value: object, snippet: str) -> bool:
    clean, _ = normalize(snippet)
    if name in LABEL_FIELDS:
        return bool(clean.strip()) or value is False
    if name in NUMBER_FIELDS:
        return value in _numbers(clean)
    if name == "date":
        # YYYY-MM-DD, or MM-DD when no year is stated anywhere. The span is the day as
        # written ("8日", "今天"); month and year may come from the dateline.
        day = int(str(value).split("-")[-1])
        return day in _numbers(clean) or clean.strip() in RELATIVE_DAYS
    if name == "time":
        hour = int(str(value).split(":")[0])
        found = _numbers(clean)
        return hour in found or hour - 12 in found
    if isinstance(value, Person):
        value = value.name
    return str(value) in clean or str(value) in snippet


def test_eval_cli_meets_the_accuracy_bar(corpus_dir: Path, tmp_path: Path) -> None:
    out, preds = tmp_path / "eval.json", tmp_path / "preds.jsonl"
    got = subprocess.run(
        [str(BIN / "congress-etl"), "eval", "--corpus", str(corpus_dir), "--gold", str(corpus_dir / "gold.jsonl"),
         "--json", str(out), "--predictions", str(preds)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "120"})
    assert got.returncode == 0, got.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    gold = _gold(corpus_dir)
    assert result["files"] == len(gold)
    assert set(result["overall"]) >= {"precision", "recall", "f1"}
    assert result["overall"]["f1"] >= 0.97, result["overall"]
    weak = {f: v["f1"] for f, v in result["fields"].items() if v["f1"] < 0.93}
    assert not weak, f"fields under F1 0.93: {weak}"
    assert result["violations"]["overall"]["f1"] >= 0.9, result["violations"]
    lines = [json.loads(line) for line in preds.read_text(encoding="utf-8").splitlines()]
    assert [p["file"] for p in lines] == [g["file"] for g in gold]
    for p in lines:
        for field, (start, end) in p["spans"].items():
            assert 0 <= start <= end, (p["file"], field)
            assert p[field] is not None, (p["file"], field)


def test_every_value_is_grounded_in_its_span(corpus_dir: Path) -> None:
    ungrounded = []
    checked = 0
    for path in sorted((corpus_dir / "reports").iterdir()):
        doc = decode(path.read_bytes(), path.name)
        facts = extract(doc)
        emitted = facts.facts() + [("leaders", f) for f in facts.leaders] + \
            [("key_task_items", f) for f in facts.key_task_items]
        for name, fact in emitted:
            assert doc.text[fact.start:fact.end] == fact.snippet, (path.name, name)
            value = fact.value.heading if name == "key_task_items" else fact.value
            checked += 1
            if name == "key_task_items":
                ok = _grounded(name, value[:8], fact.snippet)
            else:
                ok = _grounded(name, value, fact.snippet)
            if not ok:
                ungrounded.append((path.name, name, value, fact.snippet[:60]))
    assert checked > 500
    assert not ungrounded, "\n".join(map(str, ungrounded))


def test_every_file_is_extracted_or_has_a_reason(corpus_dir: Path) -> None:
    """Nothing silently dropped: a file yields meeting facts, is recognised as not a meeting
    report, or carries decoder defects (quarantined as `unreadable`)."""
    for path in sorted((corpus_dir / "reports").iterdir()):
        doc = decode(path.read_bytes(), path.name)
        facts = extract(doc)
        verdict = facts.value("is_meeting_report")
        assert verdict is not None or doc.defects, path.name
        if verdict:
            assert facts.meeting_name is not None or facts.body is not None, path.name
        if verdict is False:
            assert facts.required is None and facts.executive_chairs is None, path.name
        if not doc.text.strip():
            assert doc.defects, f"{path.name}: blank text without a reason"
