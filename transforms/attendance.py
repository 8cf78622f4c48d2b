"""Attendance facts: roster size (`required`), attendance (`present`), absences (`absent`),
the quorum claim (`quorum_claimed`) and which group the counts refer to (`attendance_scope`).

The extractor is a small proximity grammar over a working view of `doc.clean`:

* a *roster* figure is a roster cue (应出席 / 应到 / 应到会 / 现有 / 实有 / 共有 / 总数 …) followed,
  within the same clause group, by an optional group noun and an exact count (`N人/名/位`);
* the *present* figure is the nearest attendance cue (出席 / 实到 / 实际出席 / 到会 / 今天出席…的代表
  …) with a count after the roster, in the same or the next sentence;
* the *absent* figure is a 缺席 / 请假 count (before or after the present figure, also in
  parentheses: `另有14名代表因事因病请假`) inside that stretch of text.

Approximate figures (`400多名`, `近3000名`, `约`, `余`), figures in 万, observers (列席) and
counts of a presidium meeting inside a session report are never attendance counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from transforms.facts import Fact, ReportFacts
from transforms.firstchar import guarded
from transforms.lexicon import alternation, common, compile_words
from transforms.lexicon import attendance as lexicon
from transforms.numbers import CHINESE_DIGITS, NUMBER, parse_int
from transforms.sitting import is_presidium_meeting
from transforms.text import CLAUSE_END, Derived, Sentences, TextView

# ---------------------------------------------------------------------------
# Grammar pieces.

_UNIT = alternation(lexicon.UNITS)
_NUM = rf"(?P<num>{NUMBER})"
# Text allowed between a cue and its count: no digits, no clause/sentence boundary.
_GAP = r"[^\d,，。;；!?！？\n:：()（）]{0,14}?"
_SHORT_GAP = r"[^\d,，。;；!?！？\n:：()（）]{0,8}?"
_APPROX_BEFORE = re.compile(alternation(lexicon.APPROX_BEFORE) + "$")
_APPROX_AFTER = re.compile(r"\s*" + alternation(lexicon.APPROX_AFTER))
_APPROX_TAIL = re.compile(r"\s*(?:左右|以上|上下)")
_BEFORE_COUNT = rf"(?=\s*[\d{CHINESE_DIGITS}])"

ROSTER_RE = guarded(
    rf"(?P<cue>{alternation(lexicon.ROSTER_CUES)}"
    # `共` / `全镇` right before a count; `常委会组成人员25人，出席会议21人`: the committee's size, read
    # as a roster with a present figure
    rf"|共{_BEFORE_COUNT}"
    # `全镇57名人大代表，…请假4人，共53名代表…参加`: the whole place's count, with the sentence telling who came
    rf"|{alternation(w for w in lexicon.ROSTER_BEFORE_COUNT if w not in ('共', '组成人员'))}{_BEFORE_COUNT}"
    rf"(?=[^。！？!?\n]*?(?:{alternation(lexicon.ABSENT_CUES, lexicon.CAME_VERBS)}))"
    rf"|(?<=常委会|委员会)组成人员{_BEFORE_COUNT})"
    rf"(?P<gap>{_GAP})\s*[:：]?\s*{_NUM}\s*(?P<unit>{_UNIT})"
)
PRESENT_RE = guarded(
    rf"(?<![{lexicon.NOT_BEFORE_PRESENT}])(?P<cue>{alternation(lexicon.PRESENT_CUES)})"
    rf"(?P<gap>{_GAP})\s*[:：]?\s*{_NUM}\s*(?P<unit>{_UNIT})"
)
ABSENT_RE = re.compile(
    rf"(?:(?P<cue>{alternation(lexicon.ABSENT_CUES)})(?P<gap>{_SHORT_GAP})\s*[:：]?\s*{_NUM}\s*(?P<unit>{_UNIT}))"
    rf"|(?:(?<![\d{CHINESE_DIGITS}])(?P<num2>{NUMBER})\s*(?P<unit2>{_UNIT})"
    rf"(?:代表|委员|常委会委员|常委|成员)?{alternation(lexicon.ABSENCE_REASONS)}?(?:请假|缺席|未出席|未到会))"
)

_NEG = lexicon.NEGATIONS
_CLAIM_RE = guarded(rf"(?<![{_NEG}])(?:" + "|".join(lexicon.QUORUM_CLAIMS) + ")")
_NEG_CLAIM_RE = re.compile(rf"(?:不|未|没有)(?:符合|满足|达到|足|够|超过)[^,，。;；\n]{{0,6}}?(?:法定|规定)人数")
# Majority / two-thirds claims only count inside an attendance sentence.
_RATIO_CLAIM_RE = guarded(rf"(?<![{_NEG}])" + "|".join(lexicon.RATIO_CLAIMS))

_NOUNS = lexicon.GROUP_NOUNS
_BODY_SCOPE = {
    "人大": "deputies",
    "政协": "members",
    "人大常委会": "standing_committee_members",
    "政协常委会": "standing_committee_members",
}


@dataclass
class Count:
    kind: str  # roster | present | absent
    value: int
    start: int
    end: int
    cue_start: int  # where the cue (or, for `N名…请假`, the number) starts
    gap: str


# Number first: `全县200名县人大代表中，有190名出席大会`.
ROSTER_AMONG_RE = re.compile(
    rf"(?<![\d{CHINESE_DIGITS}]){_NUM}\s*(?P<unit>{_UNIT})"
    rf"(?P<gap>(?:(?!出席|到会|实到|列席)[^\d,，。;；!?！？\n]){{0,8}}?(?:代表|委员|常委|成员))中"
)
# `主席团成员45名，出席42名`: the group's size told by its noun alone, right before a present count.
ROSTER_NOUN_RE = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<gap>{alternation(lexicon.ROSTER_NOUNS)})共?\s*{_NUM}\s*(?P<unit>{_UNIT})"
    rf"(?=\s*[,，;；]\s*(?:今天|今日|本次|会议)?(?:实际)?(?:出席|实到|到会)(?:会议|大会)?的?(?:代表|委员|成员)?\s*{NUMBER})"
)
PRESENT_AMONG_RE = re.compile(
    rf"(?:有|其中)\s*{_NUM}\s*(?P<unit>{_UNIT})(?P<gap>(?:代表|委员|常委会委员|常委)?)(?:出席|到会|参加)(?:了)?(?:会议|大会)"
)

# `186名代表出席会议`, `59名镇人大代表及38名列席人员共97人参加会议`, `2950名全国人大代表走进人民大会堂`:
# the people who came, counted before the verb (the first count, with its group noun; observers
# and totals after it are passed over).
_NOUN = (r"(?:主席团成员|常委会组成人员|组成人员|常委会委员|常务委员会委员|常务委员(?!会)|常委(?!会)|人大代表"
         r"|代表(?!大会|团|资格)|委员(?!会|长)|成员)")
_NO_BREAK = r"[^\d,，。;；!?！？\n:：()（）]"
_CAME_OBJECT = (r"(?:了)?(?:本次|此次|这次|今天的|今日的|当天的)?(?:会议|大会|盛会|开幕会|闭幕会|开幕式|闭幕式"
                r"|全体会议|会场|人民大会堂|会堂|一堂)|(?=\s*[,，。;；!?！？\n])")
_CAME = alternation(lexicon.CAME_VERBS)
_NOT_COUNTED = alternation(lexicon.OBSERVERS, lexicon.EXTRA, lexicon.REMOTE)
CAME_RE = re.compile(
    rf"(?<![\d{CHINESE_DIGITS}.．]){_NUM}\s*(?P<unit>{_UNIT})"
    rf"(?P<gap>(?:(?!{_NOT_COUNTED}){_NO_BREAK}){{0,10}}?{_NOUN})"
    rf"(?:[、和及与,，]\s*{NUMBER}\s*(?:多|余)?{_UNIT}{_NO_BREAK}{{0,12}}?)*(?:[,，]?\s*共计?\s*{NUMBER}\s*(?:多|余)?{_UNIT})?"
    rf"(?:(?!{_NOT_COUNTED}){_NO_BREAK}){{0,14}}?(?P<verb>{_CAME})(?:{_CAME_OBJECT})"
)
# `常委会组成人员158人出席会议`, `副主任…及委员共19人出席会议`: the group noun before the count.
CAME_AFTER_NOUN_RE = re.compile(
    rf"(?P<gap>{_NOUN})(?:共计?)?\s*{_NUM}\s*(?P<unit>{_UNIT})\s*(?P<verb>出席|参加|到会|与会)(?:{_CAME_OBJECT})"
)
# `出席会议的有158（应到170，实到158）位委员`: both figures in brackets after the count.
PAREN_RE = re.compile(
    rf"(?<![\d{CHINESE_DIGITS}]){_NUM}\s*[（(]\s*{alternation(lexicon.ROSTER_CUES)}\s*(?P<req>{NUMBER})\s*[,，、;；]\s*"
    rf"{alternation(lexicon.PRESENT_CUES)}\s*{NUMBER}\s*[)）]"
    rf"\s*(?P<unit>{_UNIT})(?P<gap>{_NOUN}?)"
)


def _count(kind: str, m: re.Match[str], s: str) -> Count | None:
    num_group = "num" if m.group("num") is not None else "num2"
    text = m.group(num_group)
    value = parse_int(text)
    # Nobody absent is a count too (`缺席0人`); nobody on a roster or present is not.
    if value is None or not (0 if kind == "absent" else 1) <= value <= 10000:
        return None
    num_start, num_end = m.start(num_group), m.end(num_group)
    gap = m.groupdict().get("gap") or ""
    if kind == "present" and re.search(r"应出席|应到|应参|总数", gap):
        return None  # `出席会议的代表应到N人`: the count belongs to the roster cue
    if _APPROX_BEFORE.search(s[max(0, num_start - 3):num_start].rstrip()):
        return None
    unit_end = m.end("unit") if m.groupdict().get("unit") is not None else m.end()
    if _APPROX_AFTER.match(s, num_end) or _APPROX_TAIL.match(s, unit_end):
        return None  # `400多名`, `200名左右`
    if not text.isdigit() and any(ch in text for ch in "万") and value >= 10000:
        return None
    return Count(kind, value, m.start(), m.end(), m.start(), gap)


def find_counts(s: str, windows: list[tuple[int, int]] | None = None) -> list[Count]:
    """Every roster, present and absent figure in `s`, in text order. `windows`: the only
    stretches that can hold one (around the attendance trigger words), when known."""
    out: list[Count] = []
    spans = [(0, len(s))] if windows is None else windows
    for kind, rx in (("roster", ROSTER_RE), ("roster", ROSTER_AMONG_RE), ("roster", ROSTER_NOUN_RE), ("present", PRESENT_RE),
                     ("present", PRESENT_AMONG_RE), ("absent", ABSENT_RE)):
        for a, b in spans:
            for m in rx.finditer(s, a, b):
                c = _count(kind, m, s)
                if c is not None:
                    out.append(c)
    came: list[Count] = []
    came_spans: list[tuple[int, int]] = []
    for rx in (CAME_RE, CAME_AFTER_NOUN_RE):
        for a, b in spans:
            for m in rx.finditer(s, a, b):
                if any(c.kind == "present" and c.start <= m.start("num") < c.end for c in out):
                    continue  # already read with its cue (`出席会议的代表共186名`)
                c = _count("present", m, s)
                if c is not None:
                    c.end = m.end("unit")
                    came.append(c)
                    came_spans.append(m.span())
    for a, b in spans:
        for m in PAREN_RE.finditer(s, a, b):
            req = parse_int(m.group("req"))
            c = _count("present", m, s)
            if c is not None and req:
                c.end = m.end("num")
                came.append(c)
                out.append(Count("roster", req, m.start("req"), m.end("req"), m.start("req"), m.group("gap")))
    # `出席大会的代表共146名`: the 共 inside a present figure starts no roster.
    presents = [c for c in out if c.kind == "present"]
    out = [c for c in out if not (c.kind == "roster" and any(p.start < c.start < p.end for p in presents))]
    if came:
        # A roster cue whose count is the one that came (`共有67名代表参加`, `组成人员158人出席`) is not a roster.
        # The total of everybody there (`…及38名列席人员共97人参加会议`) is no roster either.
        ends = {c.end for c in came}
        out = [c for c in out if not (c.kind == "roster" and (c.end in ends or any(
            a <= c.start < b for a, b in came_spans)))] + came
    out.sort(key=lambda c: c.start)
    # A roster cue inside a present cue's gap (e.g. `出席…应到`) is not a present figure.
    return out


_FUTURE = compile_words(common.FUTURE)
# A sentence (a line) that opens with the absences.
_ABSENT_OPENS = re.compile(r"\s*(?:" + alternation(lexicon.ABSENT_CUES) + ")")


def _noun_scope(text: str) -> str | None:
    """The group noun nearest the end of `text`; of overlapping nouns the longer wins
    (`常委会委员` over `委员`)."""
    best: tuple[int, int, str] | None = None
    for rx, scope in _NOUNS:
        for m in re.finditer(rx, text):
            key = (m.end(), m.end() - m.start(), scope)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _clause_start(s: str, pos: int) -> int:
    return max(s.rfind(ch, 0, pos) for ch in CLAUSE_END) + 1


@dataclass
class Group:
    roster: Count | None
    present: Count | None
    absent: Count | None
    scope: str | None
    start: int
    end: int


def _scope_for(s: str, roster: Count | None, present: Count | None, body_scope: str | None) -> str | None:
    scope = None
    for c in (roster, present):
        if c is None:
            continue
        scope = _noun_scope(c.gap)
        if scope:
            break
    if scope is None and roster is not None:
        # `常委会委员应到25人`, `…全国委员会委员总数2235人`: the noun before the cue.
        head = s[_clause_start(s, roster.start):roster.start]
        scope = _noun_scope(head)
    if scope is None and present is not None:
        tail = s[present.end:present.end + 6]
        m = re.match(r"(?:的)?(主席团成员|常委会委员|常委|代表|委员)", tail)
        if m:
            scope = _noun_scope(m.group(1))
    if scope == "members" and body_scope == "standing_committee_members":
        scope = body_scope
    return scope or body_scope


def _groups(s: str, counts: list[Count], sents: Sentences, body_scope: str | None) -> list[Group]:
    groups: list[Group] = []
    rosters = [c for c in counts if c.kind == "roster"]
    presents = [c for c in counts if c.kind == "present"]
    absents = [c for c in counts if c.kind == "absent"]
    used_present: set[int] = set()
    for r in rosters:
        si = sents.index(r.start)
        strong = s[r.start:r.start + 2] in ("应出", "应到", "应参", "应有", "总数", "总人")
        # The present figure follows in the same sentence or the next — or the one after, when
        # the sentence between holds no count (`代表共2979人。截至三日，已报到的代表2961人。今天的
        # 预备会议，出席2903人`).
        cand = [p for p in presents if p.start >= r.end and sents.index(p.start) in (si, si + 1, si + 2)]
        cand = [p for p in cand if sents.index(p.start) < si + 2 or not any(
            o.kind == "present" and o is not p and sents.index(o.start) == si + 1 for o in counts)]
        # Nothing may sit between: another roster figure ends the group.
        nxt_roster = min((o.start for o in rosters if o.start > r.start), default=len(s))
        cand = [p for p in cand if p.start < nxt_roster]
        present = cand[0] if cand else None
        if present is None:
            before = [p for p in presents if p.end <= r.start and sents.index(p.start) == si]
            present = before[-1] if before else None
        if present is None and not strong:
            continue
        if present is not None:
            used_present.add(present.start)
        lo = min(r.start, present.start if present else r.start)
        hi = max(r.end, present.end if present else r.end)
        s_lo, _ = sents.bounds(sents.index(lo))
        _, s_hi = sents.bounds(sents.index(hi))
        # Absent: in the stretch from the roster to the end of the present figure's sentence, or
        # of the line after it when that line gives the absences (`出席：2911人` / `缺席：65人`).
        a_hi = s_hi
        if (opens := _ABSENT_OPENS.match(s, s_hi)) is not None:
            a_hi = sents.bounds(sents.index(opens.end() - 1))[1]
        absent = next((a for a in absents if lo <= a.start < a_hi and not r.start <= a.start < r.end
                       and a.start < nxt_roster and (present is None or not present.start <= a.start < present.end)),
                      None)
        scope = _scope_for(s, r, present, body_scope)
        groups.append(Group(r, present, absent, scope, s_lo, s_hi))
    for p in presents:
        if p.start in used_present:
            continue
        # A present figure without a roster counts only with a group noun or a strong cue.
        if not (_noun_scope(p.gap) or p.gap == "" and s[p.start:p.start + 2] in ("实到", "实际", "到会")):
            continue
        si = sents.index(p.start)
        s_lo, s_hi = sents.bounds(si)
        absent = next((a for a in absents if s_lo <= a.start < s_hi and a.start != p.start), None)
        groups.append(Group(None, p, absent, _scope_for(s, None, p, body_scope), s_lo, s_hi))
    groups.sort(key=lambda g: g.start)
    return groups


def _body_scope(view: Derived, so_far: ReportFacts) -> str | None:
    if so_far.body is not None and so_far.body.value in _BODY_SCOPE:
        return _BODY_SCOPE[so_far.body.value]
    head = view.s[:400]
    m = re.search(r"人民代表大会常务委员会|人大常委会|政协[^,，。\n]{0,12}常务委员会|政协[^,，。\n]{0,8}常委会|常委会议"
                  r"|政治协商会议|政协|人民代表大会|人大", head)
    if not m:
        return None
    tok = m.group(0)
    if "常务委员会" in tok or "常委会" in tok:
        return "standing_committee_members"
    if "政" in tok:
        return "members"
    return "deputies"


_MEETING_CUE_RE = re.compile(r"第?[^\s,，。]{1,4}届[^\s,，。]{0,30}?第?[^\s,，。]{1,4}次(?:全体)?会议|[^\s,，。]{1,3}届[^\s,，。]{1,3}次会议")


def _looks_like_meeting(view: Derived, so_far: ReportFacts) -> bool:
    if so_far.is_meeting_report is not None:
        return bool(so_far.is_meeting_report.value)
    return bool(_MEETING_CUE_RE.search(view.s))


def _claim(s: str, lo: int, hi: int, ratio_ok: bool) -> tuple[bool, int, int] | None:
    seg = s[lo:hi]
    m = _NEG_CLAIM_RE.search(seg)
    if m:
        return False, lo + m.start(), lo + m.end()
    m = _CLAIM_RE.search(seg)
    if m:
        return True, lo + m.start(), lo + m.end()
    if ratio_ok:
        m = _RATIO_CLAIM_RE.search(seg)
        if m:
            return True, lo + m.start(), lo + m.end()
    return None


def extract(tv: TextView, so_far: ReportFacts) -> dict[str, Any]:
    view = tv.joined
    s = view.s
    if not s.strip():
        return {}
    sents = view.sentences
    presidium_meeting = is_presidium_meeting(tv, so_far)
    # Counts without a group noun are the body's — the presidium's when the presidium met.
    body_scope = "presidium" if presidium_meeting else _body_scope(view, so_far)
    # The joined copy differs from the view's text only in a PDF: there, scan all of it.
    windows = tv.windows("attendance") if view.s is tv.s else None
    # `将于3月10日召开的…会议，共有382名代表参加`: counts of a sitting still to come.
    counts = [c for c in find_counts(s, windows) if not _FUTURE.search(s, sents.bounds(sents.index(c.start))[0], c.start)]
    groups = _groups(s, counts, sents, body_scope)
    if presidium_meeting:
        pres = [g for g in groups if g.scope == "presidium"]
        groups = pres or groups
    else:
        groups = [g for g in groups if g.scope != "presidium"]
    # Prefer a complete group (roster and present), then any group, in text order.
    chosen = next((g for g in groups if g.roster and g.present), None) or (groups[0] if groups else None)

    out: dict[str, Any] = {}
    if chosen is not None:
        for name, c in (("required", chosen.roster), ("present", chosen.present), ("absent", chosen.absent)):
            if c is not None:
                out[name] = view.fact(c.value, c.start, c.end)
        if chosen.scope is not None:
            anchor = chosen.roster or chosen.present
            assert anchor is not None
            out["attendance_scope"] = view.fact(chosen.scope, anchor.start, anchor.end)

    # Quorum claim: first in the attendance stretch (and the sentence after), else anywhere.
    claim = None
    if chosen is not None:
        nxt = sents.index(chosen.end - 1) + 1
        _, hi = sents.bounds(nxt) if nxt <= len(sents.ends) else (0, len(s))
        claim = _claim(s, chosen.start, max(hi, chosen.end), ratio_ok=True)
    if claim is None:
        claim = _claim(s, 0, len(s), ratio_ok=False)
        if claim is not None:
            # A strict claim far away from any count must still be about attendance.
            cs = sents.bounds(sents.index(claim[1]))
            if not re.search(r"人数|出席|到会|实到|代表|委员", s[cs[0]:cs[1]]):
                claim = None
    if claim is not None:
        out["quorum_claimed"] = view.fact(claim[0], claim[1], claim[2])
    elif chosen is not None:
        out["quorum_claimed"] = view.fact(False, chosen.start, chosen.end)
    elif _looks_like_meeting(view, so_far):
        anchor = so_far.meeting_name
        if anchor is not None:
            out["quorum_claimed"] = Fact(False, anchor.start, anchor.end, anchor.snippet)
        else:
            m = _MEETING_CUE_RE.search(s)
            if m:
                out["quorum_claimed"] = view.fact(False, m.start(), m.end())
    return out
