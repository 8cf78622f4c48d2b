"""Which meeting a report is about, as facts: session name, region, level, body, term, session,
event, venue — and whether the document reports a sitting at all.

The sitting itself is found by `transforms.sitting.locate` (names, cues, the lead sentence);
this family reads its facts off the located names and the sentences around them. Everything is
read from the view's simplified text, so traditional-script reports match the same rules and
every match position is a position in `clean`.
"""

from __future__ import annotations

import re
from typing import Any

from transforms.facts import ReportFacts
from transforms.lexicon import alternation, compile_words
from transforms.lexicon import meeting as lexicon
from transforms.numbers import NUMBER
from transforms.regions import is_place
from transforms.sitting import NameMatch, context_region, locate
from transforms.text import TextView

N = NUMBER
_SP = r"[ \t\u3000]*"

_EVENT_ORDER = (
    ("预备会议", re.compile(r"预备会议?")),
    ("other", re.compile(lexicon.PRESIDIUM_MEETING)),
    ("闭幕", compile_words(lexicon.CLOSING)),
    ("开幕", compile_words(lexicon.OPENING)),
    ("全体会议", re.compile(rf"第{_SP}{N}{_SP}次{_SP}全体会议")),
)
_NOT_THE_PREPARATORY = re.compile(lexicon.NOT_THE_PREPARATORY)

VENUE_NOUN = alternation(lexicon.VENUE_NOUNS)
_VENUE_END = re.compile(VENUE_NOUN + "$")
_VENUE_CHARS = r"[^\s，。、；：,;:!?！？“”\"《》（）()]"
VENUE_PATTERNS = [
    re.compile(rf"(?:在|于)(?P<v>{_VENUE_CHARS[:-1]}在于]{{2,24}}?){alternation(lexicon.VENUE_ADVERBS)}?"
               rf"{alternation(lexicon.VENUE_VERBS)}"),
    re.compile(rf"(?:^|[，,。；;！!？?\n])\s*(?P<v>{_VENUE_CHARS}{{2,20}}?{VENUE_NOUN})(?:内|里)"
               rf"{alternation(lexicon.SCENE_WORDS)}"),
    re.compile(rf"(?:{lexicon.VENUE_LABELS})\s*(?P<v>{_VENUE_CHARS}{{2,24}})"),
    # `在县人民会堂，某县…隆重开幕`: the place first, set off by a comma.
    re.compile(rf"(?:^|[，,。；;！!？?\n]|[日午])\s*在(?P<v>{_VENUE_CHARS[:-1]}在于]{{2,24}}?{VENUE_NOUN})[，,]"),
]
# `位于县城南区的县文化艺术中心`: where the venue is, then the venue.
_LOCATED_AT = re.compile(r"^[^的，,。]{1,16}的")
# A time, not a place (`在3月5日上午…`); digits are allowed only as room or floor numbers.
_TIME_IN_VENUE = re.compile(r"\d(?![\d]*(?:号|楼|层|室|厅))|[上下]午|晚上|今天|昨天|期间")
_NOT_IN_VENUE = re.compile("的|和|及|会议$|大会$")
_PLACE_HEAD = re.compile(r"[\u4e00-\u9fff]{2,8}")


def _is_venue(v: str) -> bool:
    if not v or _TIME_IN_VENUE.search(v):
        return False
    # A place name at the front (`呼和浩特内蒙古人民会堂`) may hold 和 / 及.
    for k in range(min(len(v), 8), 1, -1):
        if is_place(v[:k]):
            v = v[k:]
            break
    return not _NOT_IN_VENUE.search(v)


def _venue_kind(v: str) -> int:
    """2: a building (ends in a venue noun); 1: a town or city on its own (`县城`, `北京`); 0: else."""
    if _VENUE_END.search(v):
        return 2
    if v in lexicon.TOWN_WORDS or is_place(v):
        return 1
    return 0


def extract(view: TextView, so_far: ReportFacts) -> dict[str, Any]:
    s = view.s
    if not s.strip():
        return {}
    loc = locate(view)
    if loc is None:
        fs, fe = view.first_line()
        return {"is_meeting_report": view.fact(False, fs, max(min(fe, view.sentences.around(fs)[1]), fs))}
    names, evidence, lead, lead_cue = loc.names, loc.evidence, loc.lead, loc.lead_cue
    chosen, group, (tl_s, tl_e) = loc.chosen, loc.group, loc.title
    best_region = next((n for n in sorted(group, key=lambda n: -len(n.value)) if n.region), None)

    out: dict[str, Any] = {}
    ev_s, ev_e = min(lead.start, lead_cue[0]), max(lead.end, lead_cue[1])
    out["is_meeting_report"] = view.fact(True, ev_s, ev_e)
    out["meeting_name"] = view.fact(chosen.value, chosen.start, chosen.end)
    out["body"] = view.fact(chosen.body if chosen.formal else lead.body, chosen.start, chosen.end)
    if chosen.term is not None:
        out["term"] = view.fact(chosen.term, *chosen.term_span)
    if chosen.session is not None:
        out["session"] = view.fact(chosen.session, *chosen.session_span)

    reg_src = chosen if chosen.region else best_region
    level = None
    region = rspan = rm = None
    if reg_src is not None and reg_src.region:
        region, rspan, rm = reg_src.region, reg_src.region_span or (reg_src.start, reg_src.end), reg_src.region_match
    elif (ctx := context_region(view, loc)) is not None:
        # The name stands without its region (`延陵镇召开了第十九届…`, `县第十八届…` + the source
        # line): the name is that region + the name as written, without its level word.
        region, rspan, rm = ctx
        written = chosen.value
        if chosen.abbr_prefix and written.startswith(chosen.abbr_prefix) and region.endswith(chosen.abbr_prefix):
            written = written[len(chosen.abbr_prefix):]
        out["meeting_name"] = view.fact(region + written, chosen.start, chosen.end)
    if region is not None and rspan is not None:
        out["region"] = view.fact(region, *rspan)
        if rm is not None:
            level = rm.level
            out["region_ambiguous"] = rm.ambiguous
            for attr in ("adcode", "province", "city", "county"):
                val = getattr(rm, attr)
                if val:
                    out[attr] = view.fact(val, *rspan)
        else:
            level = _level_from_suffix(region)
        if level:
            out["level"] = view.fact(level, *rspan)
    else:
        pfx = next((n.abbr_prefix for n in group if n.abbr_prefix), None)
        level = _level_from_suffix(pfx or "")
        if level:
            src = next(n for n in group if n.abbr_prefix)
            out["level"] = view.fact(level, src.start, src.end)

    event = _event(view, lead, (tl_s, tl_e))
    if event is not None:
        out["event"] = view.fact(*event)
    venue = _venue(view, lead, evidence)
    if venue is not None:
        out["venue"] = view.fact(*venue)
    return out


def _level_from_suffix(name: str) -> str | None:
    if not name:
        return None
    if name == "全国":
        return "national"
    if name.endswith(("镇", "乡", "苏木", "街道")):
        return "township"
    if name.endswith(("县", "区", "旗", "自治县", "自治旗", "林区")) and not name.endswith(("自治区", "地区")):
        return "county"
    if name.endswith(("省", "自治区")):
        return "province"
    if name.endswith(("市", "州", "盟", "地区")):
        return "city"
    return None


def _event(view: TextView, lead: NameMatch, title: tuple[int, int]) -> tuple[str, int, int] | None:
    """Event of the reported sitting, read from the title line and the lead sentence."""
    s = view.s
    st, en = view.sentences.around(lead.start)
    regions = [(st, en)]
    if title[1] > title[0] and not (st <= title[0] < en):
        regions.append(title)
    for label, pat in _EVENT_ORDER:
        for a, b in regions:
            seg = s[a:b]
            # Parts of the name itself (…会议) must not count as cues.
            for m in pat.finditer(seg):
                ms, me = a + m.start(), a + m.end()
                if lead.start <= ms < lead.end:
                    continue
                if label == "开幕" and re.match(r"式|以来|前", s[me:me + 2]) and "举行开幕式" not in s[ms - 4:me + 1]:
                    if re.match(r"以来|前", s[me:me + 2]):
                        continue
                if label in ("闭幕", "开幕") and re.match(r"以来", s[me:me + 2]):
                    continue
                if label == "预备会议" and _NOT_THE_PREPARATORY.match(s, me, me + 8):
                    continue  # `由预备会议选举产生的主席团…`: where the presidium came from
                return label, ms, me
    # A plain sitting: 召开 / 举行 / round-up.
    m = re.search(r"召开|举行|开会", s[st:en])
    if m:
        return "other", st + m.start(), st + m.end()
    return "other", lead.start, lead.end


def _venue(view: TextView, lead: NameMatch,
           evidence: list[tuple[NameMatch, tuple[int, int]]]) -> tuple[str, int, int] | None:
    s = view.s
    st, en = view.sentences.around(lead.start)
    spans: list[tuple[int, int]] = [(st, en)]
    for n, _ in evidence:
        b = view.sentences.around(n.start)
        if b not in spans:
            spans.append(b)
    # A building named in a sentence about the sitting, else right after the lead (会场描写);
    # then a town or city alone (`在北京开幕`) in a sentence about the sitting; then a building
    # anywhere in the text.
    passes = [(spans, 2), ([(en, min(len(s), en + 400))], 2), (spans, 1), ([(0, len(s))], 2)]
    for where, kind_needed in passes:
        for a, b in where:
            got = _venue_in(s, a, b, kind_needed)
            if got is not None:
                return got
    return None


def _venue_in(s: str, a: int, b: int, kind_needed: int) -> tuple[str, int, int] | None:
    """The first venue of the given kind in s[a:b] (a building: 2, a town or city: 1)."""
    seg = s[a:b]
    best = None
    for pat in VENUE_PATTERNS:
        for m in pat.finditer(seg):
            v, vs = m.group("v"), a + m.start("v")
            at = _LOCATED_AT.match(v) if seg[m.start() - 1:m.start() + 1] == "位于" else None
            if at:
                v, vs = v[at.end():], vs + at.end()
            if v[-1:] in ("内", "里") and _venue_kind(v[:-1]) == 2:
                v = v[:-1]  # 在县体育馆内开幕
            if not _is_venue(v) or _venue_kind(v) != kind_needed:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), v, vs, vs + len(v))
    return None if best is None else best[1:]
