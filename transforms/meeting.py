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
from transforms.numbers import NUMBER
from transforms.sitting import NameMatch, locate
from transforms.text import TextView

N = NUMBER
_SP = r"[ \t\u3000]*"

_EVENT_ORDER = (
    ("预备会议", re.compile(r"预备会议?")),
    ("other", re.compile(r"主席团(?:第[^，。]{1,4}次)?会议|主席团会")),
    ("闭幕", re.compile(r"闭幕|闭会")),
    ("开幕", re.compile(r"开幕")),
    ("全体会议", re.compile(rf"第{_SP}{N}{_SP}次{_SP}全体会议")),
)
VENUE_NOUN = r"(?:会议中心|会展中心|会议厅|会议室|大礼堂|礼堂|会堂|剧院|影剧院|大剧院|剧场|文化中心|活动中心|中心|宾馆|酒店|饭店|大厦|广场|体育馆|文化馆|文化宫|宫|馆|厅|堂|室|楼|院)"
_VENUE_CHARS = r"[^\s，。、；：,;:!?！？“”\"《》（）()]"
VENUE_PATTERNS = [
    re.compile(rf"(?:在|于)(?P<v>{_VENUE_CHARS[:-1]}在于]{{2,24}}?)(?:隆重|胜利|圆满|正式|顺利|如期)?"
               rf"(?:开幕|闭幕|闭会|召开|举行|开会|完成|拉开帷幕)"),
    re.compile(rf"(?:^|[，。；！？\n])\s*(?P<v>{_VENUE_CHARS}{{2,20}}?{VENUE_NOUN})(?:内|里)"
               rf"(?:气氛|庄严|庄重|肃穆|灯火|灯光|座无虚席|张灯结彩|鲜花|红旗|国徽|热烈|喜庆|洋溢|高悬|悬挂)"),
    re.compile(rf"(?:会场设在|会议地点[:：]?|会址[:：]|地点[:：])\s*(?P<v>{_VENUE_CHARS}{{2,24}})"),
]
_TIME_IN_VENUE = re.compile(r"\d|[上下]午|晚上|\d日|今天|昨天|\d月|\d年|期间")


def _is_venue(v: str) -> bool:
    return bool(v) and not _TIME_IN_VENUE.search(v) and not re.search("的|和|及|会议$|大会$", v)


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
    if reg_src is not None and reg_src.region:
        rspan = reg_src.region_span or (reg_src.start, reg_src.end)
        out["region"] = view.fact(reg_src.region, *rspan)
        rm = reg_src.region_match
        if rm is not None:
            level = rm.level
            out["region_ambiguous"] = rm.ambiguous
            for attr in ("adcode", "province", "city", "county"):
                val = getattr(rm, attr)
                if val:
                    out[attr] = view.fact(val, *rspan)
        else:
            level = _level_from_suffix(reg_src.region)
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
    # The sentences right after the lead (会场描写), then the rest of the text.
    spans.append((en, min(len(s), en + 400)))
    spans.append((0, len(s)))
    for a, b in spans:
        seg = s[a:b]
        best = None
        for pat in VENUE_PATTERNS:
            for m in pat.finditer(seg):
                v = m.group("v")
                # Keep only the place: drop a leading clause ending in 后/时 and trailing adverbs.
                vs = a + m.start("v")
                if not _is_venue(v):
                    continue
                if not re.search(VENUE_NOUN + "$", v) and len(v) < 3:
                    continue
                score = (1 if re.search(VENUE_NOUN + "$", v) else 0, -m.start())
                if best is None or score > best[0]:
                    best = (score, v, vs, vs + len(v))
        if best is not None and best[0][0] == 1:
            return best[1], best[2], best[3]
    return None
