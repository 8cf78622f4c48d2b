"""`congress-etl eval --misses / --false-positives`: every FN and FP that the scores count is
listed, by field, with the sentence of the text that states the value.

The CLI test scores a project fixture against a gold file whose values were changed on purpose
(a chair added and one removed, a wrong count, a date the text does not state, a venue gold
does not have, a rule that is not raised), so each kind of finding is known in advance whatever
the extractor learns later."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.document import Document
from transforms.facts import GOLD_FIELDS, LIST_FIELDS
from transforms.numbers import parse_int
from transforms.scoring import (FALSE_POSITIVE, MISS, audit_file, differences, group_by_field, locate,
                                score_scalar, score_set, sentence_at)

BIN = Path(sys.executable).parent
FIXTURE = "01_national_npc_opening.txt"


def _gold_line(cases_dir: Path, name: str) -> dict:
    for line in (cases_dir / "generalisation" / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and json.loads(line)["file"] == name:
            return json.loads(line)
    raise AssertionError(f"{name} not in expected.jsonl")


def _perturbed(gold: dict) -> dict:
    g = dict(gold)
    g["executive_chairs"] = [c for c in gold["executive_chairs"] if c != "次仁多吉"] + [gold["work_report_by"]]
    g["present"] = gold["required"]  # a count the text states, but for another field
    g["date"] = "03-06"  # a day the text never states
    g["venue"] = None  # the extractor's venue becomes a false positive
    g["expected_violations"] = ["present_le_required"]
    return g


# ---------------------------------------------------------------- pure parts


def test_locate_numbers_in_any_form_cue_first() -> None:
    clean = "会议共选举委员3名。本次会议应出席代表二百六十五名，实到3名以上。缺席3名。"
    spans = locate("absent", 3, clean)
    assert len(spans) == 3 and all(exact for *_, exact in spans)
    first = spans[0]
    assert clean[first[0]:first[1]] == "3" and "缺席" in clean[first[0] - 4:first[0]]
    (a, b, exact), = locate("required", 265, clean)
    assert clean[a:b] == "二百六十五" and exact


def test_locate_dates_times_names_and_labels() -> None:
    clean = "新华社北京三月五日电 会议5日上午在人民大会堂开幕。下午2时30分，郝  云主持会议。应到委员30人。"
    (a, b, _), = locate("date", "2024-03-05", clean)
    assert clean[a:b] == "三月五日"
    (a, b, _), = locate("time", "14:30", clean)
    assert clean[a:b].startswith("2")
    (a, b, exact), = locate("presider", "郝云", clean)
    assert clean[a:b] == "郝  云" and exact
    (a, b, exact), = locate("event", "开幕", clean)
    assert clean[a:b] == "开幕" and not exact  # a label: the cue that says it, not the value
    assert locate("attendance_scope", "members", clean)[0][:2] == (clean.index("委员"), clean.index("委员") + 2)
    # A canonical agenda name is not written as such: the sentence sharing most of it.
    text = "大会审查了关于2023年国民经济和社会发展计划执行情况与2024年计划草案的报告。会议结束。"
    (a, b, exact), = locate("agenda_items", "国民经济和社会发展计划执行情况与计划草案的报告", text)
    assert not exact and text[a:b].startswith("大会审查了")
    assert locate("venue", "完全不相干的地方", text) == []


def test_sentence_at_marks_the_value_inside_its_sentence() -> None:
    text = "第一句。本次大会应出席代表2977名，出席2929名。第三句"
    start = text.index("2929")
    w = sentence_at(text, start, start + 4)
    assert w.sentence == "本次大会应出席代表2977名，出席2929名。"
    assert w.sentence[w.mark[0]:w.mark[1]] == "2929" and text[w.offset:].startswith(w.sentence)
    assert w.marked() == "本次大会应出席代表2977名，出席⟦2929⟧名。"
    long = "甲" * 500 + "值" + "乙" * 500
    w = sentence_at(long, 500, 501, width=40)
    assert len(w.sentence) <= 41 and w.sentence[w.mark[0]:w.mark[1]] == "值"


def test_differences_are_exactly_what_the_scores_count(cases_dir: Path) -> None:
    """One MISS per FN and one FALSE_POSITIVE per FP, field by field."""
    gold = _gold_line(cases_dir, FIXTURE)
    pert = _perturbed(gold)
    found = differences(gold, pert)  # the true values as the "prediction" of the perturbed gold
    for name in GOLD_FIELDS:
        c = (score_set if name in LIST_FIELDS else score_scalar)(gold[name], pert[name], lambda s: s)
        assert sum(1 for f, k, *_ in found if f == name and k == MISS) == c.fn, name
        assert sum(1 for f, k, *_ in found if f == name and k == FALSE_POSITIVE) == c.fp, name
    assert ("violations", MISS, "present_le_required", None) in found


def test_audit_file_locates_every_finding(cases_dir: Path) -> None:
    from transforms.decode import decode
    from transforms.extract import extract

    path = cases_dir / "generalisation" / FIXTURE
    doc = decode(path.read_bytes(), path.name)
    facts = extract(doc)
    pred = facts.record()
    gold = _perturbed(_gold_line(cases_dir, FIXTURE))
    findings = audit_file(FIXTURE, doc, facts, pred, gold)
    by_field = group_by_field(findings)
    assert list(by_field) == [f for f in (*GOLD_FIELDS, "violations") if f in by_field]
    for f in findings:
        for w in f.where_gold + f.where_got:
            assert doc.text[w.offset:w.offset + len(w.sentence)] == w.sentence
    chair_miss = [f for f in by_field["executive_chairs"] if f.kind == MISS]
    assert [f.gold for f in chair_miss] == [gold["work_report_by"]]
    w = chair_miss[0].where_gold[0]
    assert w.exact and w.sentence[w.mark[0]:w.mark[1]] == gold["work_report_by"] and "政府工作报告" in w.sentence
    present = [f for f in by_field["present"] if f.kind == MISS][0]
    assert present.gold == gold["required"] and present.got == pred["present"]
    assert parse_int(present.where_gold[0].sentence[slice(*present.where_gold[0].mark)]) == gold["required"]
    assert str(pred["present"]) in present.where_got[0].sentence[slice(*present.where_got[0].mark)]  # its own span
    date = [f for f in by_field["date"] if f.kind == MISS][0]
    assert date.where_gold == ()
    venue, = by_field["venue"]
    assert venue.kind == FALSE_POSITIVE and venue.where_got and venue.got in venue.where_got[0].sentence


def test_unrecognised_report_findings_say_so() -> None:
    doc = Document.from_text("县人大常委会召开第十九次会议，应到委员25人，实到23人。")
    gold = {"is_meeting_report": True, "present": 23}
    pred = {"is_meeting_report": False, "present": None}
    findings = audit_file("x.txt", doc, None, pred, gold)
    present = [f for f in findings if f.field == "present"][0]
    assert present.note and "not recognised" in present.note
    assert present.where_gold[0].sentence.endswith("实到23人。")


# ---------------------------------------------------------------- through the real CLI


@pytest.fixture
def perturbed_corpus(tmp_path: Path, cases_dir: Path) -> tuple[Path, Path, dict]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(cases_dir / "generalisation" / FIXTURE, corpus / FIXTURE)
    second = "12_xuzhou_npcsc.txt"
    shutil.copy(cases_dir / "generalisation" / second, corpus / second)
    gold = _perturbed(_gold_line(cases_dir, FIXTURE))
    lines = [gold, _gold_line(cases_dir, second)]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in lines), encoding="utf-8")
    return corpus, gold_path, gold


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "congress-etl"), "eval", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def test_eval_misses_and_false_positives_through_the_cli(perturbed_corpus, tmp_path: Path) -> None:
    corpus, gold_path, gold = perturbed_corpus
    out = tmp_path / "eval.json"
    got = _cli("--corpus", str(corpus), "--gold", str(gold_path), "--misses", "--false-positives", "--json", str(out))
    assert got.returncode == 0, got.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    misses, fps = result["audit"]["misses"], result["audit"]["false_positives"]
    # Every FN the score counts is listed once (recall of present = tp / (tp + fn)).
    for name in ("executive_chairs", "present", "date"):
        fig = result["fields"][name]
        listed = sum(1 for m in misses if m["field"] == name)
        assert listed >= 1 and fig["recall"] < 1.0
    assert {m["field"] for m in misses} >= {"executive_chairs", "present", "date", "violations"}
    assert {f["field"] for f in fps} >= {"executive_chairs", "venue", "present"}
    assert all(m["kind"] == MISS for m in misses) and all(f["kind"] == FALSE_POSITIVE for f in fps)
    chair = next(m for m in misses if m["field"] == "executive_chairs")
    w = chair["where_gold"][0]
    assert w["sentence"][w["mark"][0]:w["mark"][1]] == gold["work_report_by"]
    # The terminal listing: a header per kind, a block per field, the value marked in its sentence.
    assert "Misses (4): gold values the extractor did not produce, by field" in got.stdout
    assert "False positives (" in got.stdout and "values the extractor produced that gold does not have" in got.stdout
    assert "executive_chairs (" in got.stdout and "present (" in got.stdout
    assert f"⟦{gold['work_report_by']}⟧作政府工作报告" in got.stdout
    assert f"⟦{gold['required']}⟧" in got.stdout
    assert "not found in the text" in got.stdout  # the date gold states and the text does not


def test_eval_field_filter_and_plain_eval(perturbed_corpus, tmp_path: Path) -> None:
    corpus, gold_path, _ = perturbed_corpus
    got = _cli("--corpus", str(corpus), "--gold", str(gold_path), "--misses", "--field", "present")
    assert got.returncode == 0, got.stderr
    assert "present (1)" in got.stdout and "executive_chairs (" not in got.stdout
    assert "False positives" not in got.stdout
    plain = _cli("--corpus", str(corpus), "--gold", str(gold_path), "--json", str(tmp_path / "p.json"))
    assert plain.returncode == 0 and "Misses" not in plain.stdout
    assert "audit" not in json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    bad = _cli("--corpus", str(corpus), "--gold", str(gold_path), "--misses", "--field", "nonsense")
    assert bad.returncode == 1 and "unknown --field nonsense" in bad.stderr
