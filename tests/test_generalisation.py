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
from tests.grounding import ungrounded

HERE = Path(__file__).resolve().parent / "cases" / "generalisation"


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


@pytest.mark.parametrize("gold", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_values_are_grounded(gold):
    doc, facts = _extract(gold["file"])
    assert not ungrounded(doc.text, facts)


# ---------------------------------------------------------------------------- generated families

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import cn2an  # noqa: E402

from transforms.document import Document  # noqa: E402

_LEAD = "2024年1月10日上午，某县第十届人民代表大会第三次会议在县人民会堂开幕。"
_ROSTER_CUES = ["应出席代表", "应到代表", "应到会代表", "本次大会应出席代表", "实有代表", "现有代表", "共有代表",
                "应出席会议的代表"]
_PRESENT_CUES = ["实到", "实到会代表", "出席", "实际出席", "出席会议的代表有", "实到代表", "今天到会代表",
                 "实际到会", "实出席", "到会代表", "出席今天大会的代表", "实际出席会议的代表"]
_UNITS = ["名", "人", "位"]


def _num(n: int, form: str) -> str:
    if form == "chinese":
        return cn2an.an2cn(n)
    if form == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if form == "spaced":
        return f" {n} "
    return str(n)


def _extract_text(text: str):
    return extract(Document.from_text(text))


@st.composite
def attendance_sentences(draw):
    required = draw(st.integers(30, 3000))
    absent = draw(st.integers(1, required // 3))
    present = required - absent
    form = draw(st.sampled_from(["arabic", "chinese", "fullwidth", "spaced"]))
    unit = draw(st.sampled_from(_UNITS))
    roster = f"{draw(st.sampled_from(_ROSTER_CUES))}{_num(required, form)}{unit}"
    pres = f"{draw(st.sampled_from(_PRESENT_CUES))}{_num(present, form)}{unit}"
    n_abs = _num(absent, form)
    absent_clause = draw(st.sampled_from([
        f"缺席{n_abs}{unit}", f"因事因病请假{n_abs}{unit}", f"请假{n_abs}{unit}", f"{n_abs}{unit}代表因事因病请假",
        f"因病因事缺席{n_abs}{unit}", f"因公因事请假{n_abs}{unit}", f"缺席：{n_abs}{unit}"]))
    with_absent = draw(st.booleans())
    order = draw(st.sampled_from(["rpa", "rap", "pra"]))
    parts = [roster, pres] + ([absent_clause] if with_absent else [])
    if with_absent and order == "rap":
        parts = [roster, absent_clause, pres]
    if order == "pra" and not roster.startswith(("共有", "实有", "现有")):
        parts = [pres] + ([absent_clause] if with_absent else []) + [roster]
    claim = draw(st.sampled_from(["", "，符合法定人数", "，出席人数符合法定人数", "，超过代表总数的三分之二",
                                  "，达到法定人数", "，会议合法有效", "，符合《地方组织法》规定的法定人数"]))
    text = f"{_LEAD}\n会议{'，'.join(parts)}{claim}。\n"
    return text, dict(required=required, present=present, absent=absent if with_absent else None,
                      quorum_claimed=bool(claim), attendance_scope="deputies")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(attendance_sentences())
def test_generated_attendance_sentences(case):
    text, expected = case
    got = _extract_text(text).record()
    assert {k: got[k] for k in expected} == expected, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["400多名", "近3000名", "约500名", "300余名", "200名左右"]), st.sampled_from(_ROSTER_CUES[:3]))
def test_approximate_figures_are_never_counts(approx, cue):
    text = f"{_LEAD}\n会议{cue}{approx}代表参加。列席会议的有120名。\n"
    got = _extract_text(text).record()
    assert got["required"] is None and got["present"] is None, text


_NAMES = ["张建华", "李红梅", "王志刚", "赵国庆", "陈静", "刘明", "杨光辉", "黄丽娟", "周立群", "吴刚", "欧阳春华",
          "马海", "孙明华", "巴特尔", "次仁多吉", "乌云其其格"]
_MARKERS = ["", "", "（女）", "（回族）", "（女，土家族）", "（蒙古族）"]


@st.composite
def chair_lists(draw):
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=2, max_size=7, unique=True))
    delim = draw(st.sampled_from(["、", "，", " ", "　"]))
    marked = [n + draw(st.sampled_from(_MARKERS)) for n in names]
    last_join = draw(st.sampled_from([delim, delim, "和", "及"]))
    layout = draw(st.sampled_from(["rostrum", "label_colon", "youshi", "before", "block", "you", "leader"]))
    if layout == "block":
        listing = "\n".join(marked)
    else:
        listing = delim.join(marked[:-1]) + last_join + marked[-1]
    presider = names[0]
    body = {
        "rostrum": f"大会执行主席{listing}在主席台前排就座。{presider}主持会议。",
        "label_colon": f"大会执行主席：{listing}。{presider}主持会议。",
        "youshi": f"担任今天大会执行主席的是：{listing}。会议由{presider}主持。",
        "before": f"{listing}担任本次会议执行主席。会议由{presider}主持。",
        "block": f"执行主席：\n{listing}\n\n会议由{presider}主持。",
        "you": f"本次大会执行主席由{listing}担任。{presider}主持大会。",
        # a titled leader seated beside the chairs is not a chair
        "leader": f"大会执行主席{listing}{draw(st.sampled_from(['、', '，']))}县委书记钱学文等在主席台前排就座。"
                  f"{presider}主持会议。",
    }[layout]
    return f"{_LEAD}\n{body}\n会议应到代表200名，实到代表190名。\n", names, presider


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chair_lists())
def test_generated_chair_lists(case):
    text, names, presider = case
    got = _extract_text(text).record()
    assert got["executive_chairs"] == names, text
    assert got["presider"] == presider, text


@st.composite
def dated_leads(draw):
    year = draw(st.one_of(st.none(), st.integers(2005, 2026)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    hour = draw(st.integers(8, 16))
    minute = draw(st.sampled_from([0, 30]))
    cn = draw(st.booleans())
    ystr = "" if year is None else (
        "".join("〇一二三四五六七八九"[int(c)] for c in str(year)) if cn else str(year)) + "年"
    mstr = ("元" if month == 1 and draw(st.booleans()) else (cn2an.an2cn(month) if cn else str(month))) + "月"
    dstr = (cn2an.an2cn(day) if cn else str(day)) + "日"
    half = "上午" if hour < 12 else "下午"
    h12 = hour if hour <= 12 else hour - 12
    hform = draw(st.sampled_from(["时", "点", "colon"]))
    hnum = cn2an.an2cn(h12) if cn and hform != "colon" else str(h12)
    if hform == "colon":
        clock = f"{h12}:{minute:02d}"
    elif minute == 30:
        clock = f"{hnum}{hform}" + draw(st.sampled_from(["半", "30分" if not cn else "三十分"]))
    else:
        clock = f"{hnum}{hform}" + draw(st.sampled_from(["", "整"]))
    text = (f"某县第十届人民代表大会第三次会议开幕\n{ystr}{mstr}{dstr}{half}{clock}，某县第十届人民代表大会第三次会议"
            f"在县人民会堂开幕。\n")
    date = f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"
    return text, date, f"{hour:02d}:{minute:02d}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_leads())
def test_generated_dates_and_times(case):
    text, date, time = case
    got = _extract_text(text).record()
    assert (got["date"], got["time"]) == (date, time), text
