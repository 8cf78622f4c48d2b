"""Speed-ups that must not change a single match: each fast path against the plain one."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from transforms.decode import decode
from transforms.sitting import _ABBR_PATTERNS, _FORMAL_PATTERNS, abbr_finditer, abbr_needle, formal_finditer

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "reports"
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "reports"
CASES = Path(__file__).resolve().parent / "cases"

# Characters abbreviated session names are made of, and ones that break them.
PIECES = ["人民代表大会", "全国人民代表大会", "中国人民政治协商会议", "全国委员会", "届", "人大", "政协", "常委会", "常务委员会", "委员会", "第", "次", "会议", "全体会议", "全国", "县", "市", "区",
          "平鲁", "十七", "二", "3", "１２", "〇", " ", "，", "\n", "（扩大）", "\t", "\u3000", "（", "）", "、", "a", "年", "召开",
          "举行", "今天", "上午", "在", "于", "开幕", "主席团", "代表", "镇", "全体"]


def _spans(pat, s: str, fast: bool, kind: str | None = None, abbr: str | None = None) -> list[tuple]:
    if fast:
        found = formal_finditer(kind, pat, s) if kind else abbr_finditer(pat, s, needle=abbr_needle(abbr or ""))
    else:
        found = pat.finditer(s)
    return [(m.span(), m.groupdict()) for m in found]


def _texts() -> list[str]:
    files = [p for d in (CORPUS, SEEDS, CASES) if d.is_dir() for p in sorted(d.rglob("*")) if p.is_file()]
    texts = [decode(p.read_bytes(), p.name).clean for p in files]
    texts += [decode(g.data, g.name).clean for g in generate(60, seed=31)]
    return texts


def test_abbreviated_names_same_matches_on_real_and_generated_texts() -> None:
    texts = _texts()
    assert len(texts) > 60
    hits = 0
    for s in texts:
        for kind, pat in _ABBR_PATTERNS:
            plain = _spans(pat, s, fast=False)
            assert _spans(pat, s, fast=True, abbr=kind) == plain
            hits += len(plain)
        for kind, pat in _FORMAL_PATTERNS:
            plain = _spans(pat, s, fast=False)
            assert _spans(pat, s, fast=True, kind=kind) == plain, kind
            hits += len(plain)
    assert hits > 0


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_abbreviated_names_same_matches_on_composed_strings(parts: list[str]) -> None:
    s = "".join(parts)
    for kind, pat in _ABBR_PATTERNS:
        assert _spans(pat, s, fast=True, abbr=kind) == _spans(pat, s, fast=False)
    for kind, pat in _FORMAL_PATTERNS:
        assert _spans(pat, s, fast=True, kind=kind) == _spans(pat, s, fast=False)


# ------------------------------------------------------------------ cue pre-filters (TextView.hits)

from transforms import agenda, attendance  # noqa: E402
from transforms.document import Document  # noqa: E402
from transforms.text import FULL_STOP, Sentences, TextView  # noqa: E402

ATTENDANCE_PIECES = ["应到", "应出席", "代表", "委员", "常委会", "组成人员", "实到", "出席", "会议", "到会", "缺席", "请假",
                     "因病", "列席", "共有", "其中", "有", "中", "200", "一百九十", "12", "人", "名", "位", "，", "。", "；",
                     "\n", "\n\n", " ", "：", "（", "）", "多", "近", "全县", "符合法定人数", "参加", "与会"]


def _counts(s: str, windows) -> list[tuple]:
    return [(c.kind, c.value, c.start, c.end) for c in attendance.find_counts(s, windows)]


def test_attendance_windows_find_every_count_on_real_and_generated_texts() -> None:
    found = 0
    for s in _texts():
        view = TextView.of(Document.from_text(s))
        plain = _counts(view.s, None)
        assert _counts(view.s, view.windows("attendance")) == plain
        found += len(plain)
    assert found > 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATTENDANCE_PIECES), max_size=40))
@example(parts=["应到", "\n", "200", "\n", "人"])  # a figure across two line breaks (missed by line windows)
def test_attendance_windows_find_every_count_on_composed_strings(parts: list[str]) -> None:
    view = TextView.of(Document.from_text("".join(parts)))
    assert _counts(view.s, view.windows("attendance")) == _counts(view.s, None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATTENDANCE_PIECES + ["。", "！", "?", "\r\n"]), max_size=40))
def test_full_sentences_are_those_a_scan_for_full_stops_finds(parts: list[str]) -> None:
    view = TextView.of(Document.from_text("".join(parts)))
    scanned = Sentences(view.s, FULL_STOP)
    assert (view.full_sentences.ends, view.full_sentences.length) == (scanned.ends, scanned.length)


def test_agenda_trigger_sentences_hold_every_title_and_task_cue() -> None:
    for s in _texts():
        view = TextView.of(Document.from_text(s))
        sents = Sentences(view.s, FULL_STOP + "\n")
        for family, rx in (("agenda_titles", agenda._TERMINAL), ("key_tasks", agenda._TASK_CUE)):
            kept = set(view.sentences_with(family, sents))
            for i, (a, b) in enumerate(sents.spans()):
                if rx.search(view.s[a:b]):
                    assert sents.index(a) in kept, (family, view.s[a:b])


# ------------------------------------------------------------------ dates: clock times, datelines

from transforms import dates  # noqa: E402

TIME_PIECES = ["上午", "下午", "晚上", "中午", "凌晨", "晚", "9", "10", "08", "30", "一", "十", "两", "〇", "时", "点", ":",
               "：", "分", "半", "整", "许", "左右", " ", "\n", "\u3000", "年", "月", "日", "-", "会议", "开幕", "，"]
DATELINE_PIECES = ["本报", "新华社", "北京", "讯", "电", "消息", "1", "15", "三", "十五", "年", "月", "日", "号", " ", "\n",
                   "—", "至", "上午", "下午", "【", "】", "记者"]


def _times(s: str, a: int, b: int, fast: bool) -> list[tuple]:
    found = dates._times(s, a, b) if fast else dates.TIME.finditer(s, a, b)
    return [(m.span(), m.groupdict()) for m in found]


def test_clock_time_scan_same_matches_on_real_and_generated_texts() -> None:
    found = 0
    for s in _texts():
        for a, b in ((0, len(s)), (len(s) // 3, len(s)), (0, len(s) // 2)):
            plain = _times(s, a, b, fast=False)
            assert _times(s, a, b, fast=True) == plain
            found += len(plain)
    assert found > 100


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TIME_PIECES), max_size=30), st.integers(0, 60))
def test_clock_time_scan_same_matches_on_composed_strings(parts: list[str], start: int) -> None:
    s = "".join(parts)
    start = min(start, len(s))
    assert _times(s, start, len(s), fast=True) == _times(s, start, len(s), fast=False)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(DATELINE_PIECES), max_size=30))
def test_dateline_needs_its_ending(parts: list[str]) -> None:
    """`_dateline` skips the scans when the text has no `日电`-like ending: then they find nothing."""
    s = "".join(parts)
    if dates._DATELINE_END.search(s) is None:
        assert not list(dates.DATELINE.finditer(s)) and not list(dates.DATELINE_DAY.finditer(s))


# ------------------------------------------------------------------ agenda: key-task cue pre-check

TASK_PIECES = ["重点", "着力", "抓好", "做好", "推进", "实施", "部署", "安排", "提出", "从", "以下", "几", "个", "方面", "项",
               "件", "大", "五", "十二", "3", "两", "的", "主要", "工作", "任务", "是", "：", ":", "“", "”", "工程", "行动",
               "今年", "，", "。", " "]


def test_key_task_pre_check_keeps_every_cue_on_real_and_generated_texts() -> None:
    kept = 0
    for s in _texts():
        for m in agenda._TASK_CUE.finditer(s):
            sent_start = max(s.rfind(c, 0, m.start()) for c in FULL_STOP + "\n") + 1
            # (the sixth alternative's colon is a lookahead: it stands after the match)
            assert agenda._may_hold_task_cue(s[sent_start:m.end() + 1]), m.group()
            kept += 1
    assert kept > 10


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TASK_PIECES), max_size=30))
def test_key_task_pre_check_keeps_every_cue_on_composed_strings(parts: list[str]) -> None:
    s = "".join(parts)
    if agenda._TASK_CUE.search(s):
        assert agenda._may_hold_task_cue(s)


# ------------------------------------------------------------------ optional lead-ins spelt out

import re  # noqa: E402

from transforms import people  # noqa: E402

# (fast pattern, the pattern as first written): the fast one spells out an optional lead-in or a
# group of words as alternatives that open with a literal, so the engine skips ahead to them.
SPELT_OUT = [
    (people._ROSTRUM_RE, r"(?:出席(?:会议|大会|开幕会|闭幕会)?并)?在主席台(?:前排)?(?:就座|就坐)"),
    (people._ATTEND_RE, r"(?:应邀)?出席(?:了)?(?:会议|大会|开幕会|闭幕会|开幕式)"),
    (agenda._ACHIEVEMENTS_LEAD, r"(?:回顾|总结)[^。:：]{0,30}?[:：]|(?:取得|主要)[^。:：]{0,10}(?:成绩|成效)[^。:：]{0,10}[:：]"),
    (dates._TIME_LABEL, r"(?:[【\[]\s*(?:会议)?时间\s*[】\]]|(?:会议|开会)时间\s*[:：])"),
]
SPELT_PIECES = ["应邀", "出席", "了", "会议", "大会", "开幕会", "闭幕会", "开幕式", "并", "在主席台", "前排", "就座", "就坐",
                "回顾", "总结", "取得", "主要", "成绩", "成效", "：", ":", "。", "【", "[", "】", "]", "时间", "开会", " ", "在", "出"]


def test_spelt_out_patterns_same_matches_on_real_and_generated_texts() -> None:
    found = 0
    for s in _texts():
        for fast, plain in SPELT_OUT:
            expected = [m.span() for m in re.finditer(plain, s)]
            assert [m.span() for m in fast.finditer(s)] == expected, plain
            found += len(expected)
    assert found > 50


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SPELT_PIECES), max_size=30))
def test_spelt_out_patterns_same_matches_on_composed_strings(parts: list[str]) -> None:
    s = "".join(parts)
    for fast, plain in SPELT_OUT:
        assert [m.span() for m in fast.finditer(s)] == [m.span() for m in re.finditer(plain, s)], plain
