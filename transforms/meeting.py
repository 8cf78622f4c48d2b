"""Which meeting a report is about: session name, region, level, body, term, session, event,
venue — and whether the document reports a sitting at all.

Everything is read from `doc.clean`, viewed through a same-length simplified-Chinese copy
(`simplified(doc)`) so that traditional-script reports match the same rules and every match
position is a position in `clean`.

Formal session names (the structure the rules are built on):
  {地区}第N届人民代表大会[常务委员会]第N次会议          人大 / 人大常委会
  第N届全国人民代表大会[常务委员会]第N次会议            national 人大
  中国人民政治协商会议|政协 {地区}第N届委员会[常务委员会]第N次会议   政协 / 政协常委会
  中国人民政治协商会议|政协 第N届全国委员会…            national 政协
Abbreviations (used only when no formal form appears): 市六届人大三次会议, 十一届全国人大三次会议,
县十五届人大常委会第十六次会议, 市政协十届五次会议, 省政协十一届十五次常委会议, 全国政协十二届一次会议.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from transforms.document import Document
from transforms.facts import Fact, ReportFacts
from transforms.numbers import CHINESE_DIGITS, NUMBER, parse_int
from transforms.regions import RegionMatch, resolve_region

# ---------------------------------------------------------------------------- text view


@lru_cache(maxsize=1)
def _t2s():
    try:
        from opencc import OpenCC
    except ImportError:  # pragma: no cover - opencc is a project dependency
        return None
    return OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Simplified copy of `text` with exactly the same length (positions stay valid)."""
    convert = _t2s()
    if convert is None or not text:
        return text
    out = convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


_SIMPLE_CACHE: dict[int, tuple[str, str]] = {}


def simplified(doc: Document) -> str:
    """`doc.clean` in simplified characters, same length (cached per document)."""
    key = id(doc)
    hit = _SIMPLE_CACHE.get(key)
    if hit is not None and hit[0] is doc.clean:
        return hit[1]
    out = to_simplified(doc.clean)
    if len(_SIMPLE_CACHE) > 64:
        _SIMPLE_CACHE.clear()
    _SIMPLE_CACHE[key] = (doc.clean, out)
    return out


SENTENCE_END = "。！？!?；;\n"
_SENT_RE = re.compile(r"[^。！？!?；;\n]+")


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """[start, end) of the sentence around `pos` (ends at 。！？；, newline)."""
    start = pos
    while start > 0 and text[start - 1] not in SENTENCE_END:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in SENTENCE_END:
        end += 1
    return start, end


def first_line(text: str) -> tuple[int, int]:
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            s, e = m.span()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            return s, e
    return 0, 0


# ---------------------------------------------------------------------------- names

N = NUMBER
_SP = r"[ \t\u3000]*"
_GLOSS = r"(?:[（(][^（）()\n]{1,20}[)）])?"
_CJK = r"[\u4e00-\u9fff]"
# Up to 30 CJK characters before the term; trimmed to the longest real region afterwards.
_PRE = rf"(?P<pre>{_CJK}{{1,30}}?)"

_FORMAL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("npc_nat", re.compile(
        rf"第{_SP}(?P<term>{N}){_SP}届{_SP}全国人民代表大会{_SP}{_GLOSS}{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("cppcc_nat", re.compile(
        rf"(?P<org>中国人民政治协商会议|政协){_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}全国委员会{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("cppcc", re.compile(
        rf"(?P<org>中国人民政治协商会议|政协){_SP}(?P<region>{_CJK}{{2,30}}?){_SP}(?:委员会)?{_SP}"
        rf"第{_SP}(?P<term>{N}){_SP}届{_SP}(?:委员会)?{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    # 政协第十届鹤峰县委员会第四次会议: the term before the place.
    ("cppcc_mid", re.compile(
        rf"(?P<org>中国人民政治协商会议|政协){_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}(?P<region>{_CJK}{{2,30}}?){_SP}委员会{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("cppcc_pre", re.compile(
        rf"{_PRE}{_SP}政协{_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}委员会{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("npc", re.compile(
        rf"{_PRE}{_SP}{_GLOSS}{_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}人民代表大会{_SP}{_GLOSS}{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
]

_ABBR_PREFIX = r"(?:全国|自治区|自治州|自治县|省|市|县|区|旗|州|盟|镇|乡)"
_ABBR_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("npc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?第?(?P<term>{N})届(?P<nat>全国)?人大"
        rf"(?P<sc>常委会)?第?(?P<session>{N})次(?:会议|全体会议)")),
    ("cppcc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?政协第?(?P<term>{N})届(?:委员会)?(?P<sc>常委会|常务委员会)?第?"
        rf"(?P<session>{N})次(?P<sc2>常委会?)?会议")),
    # 十七届县人大常委会第十九次会议, 十四届全国政协二次会议: the term before the prefix.
    ("npc_abbr", re.compile(
        rf"(?P<pre>)(?<![{_CJK[1:-1]}])第?(?P<term>{N})届(?P<pfx>{_ABBR_PREFIX})人大"
        rf"(?P<sc>常委会)?第?(?P<session>{N})次(?:会议|全体会议)")),
    ("cppcc_abbr", re.compile(
        rf"(?P<pre>)(?<![{_CJK[1:-1]}])第?(?P<term>{N})届(?P<pfx>{_ABBR_PREFIX})政协(?P<sc>常委会)?第?"
        rf"(?P<session>{N})次(?P<sc2>常委会?)?会议")),
]

_REGION_SUFFIX = re.compile(r"(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|自治旗|林区|镇|乡|苏木|街道)$")
_NOT_REGION_CHARS = set("的在了于是及、，,届次午召今昨日年开举行为由将")


@dataclass
class NameMatch:
    kind: str  # npc | npc_nat | cppcc | cppcc_nat | cppcc_pre | *_abbr
    start: int  # span of the whole name in clean
    end: int
    value: str
    body: str
    term: int | None
    term_span: tuple[int, int]
    session: int | None
    session_span: tuple[int, int]
    region: str | None
    region_span: tuple[int, int] | None
    region_match: RegionMatch | None
    formal: bool
    abbr_prefix: str | None = None

    @property
    def family(self) -> str:
        return "政协" if self.body.startswith("政协") else "人大"

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.family, self.term, self.session)


def _trim_region(text: str, start: int, end: int) -> tuple[int, RegionMatch | None] | None:
    """Longest suffix of text[start:end] that is a region; (new start, match) or None."""
    for s in range(start, end - 1):
        cand = text[s:end]
        if set(cand) & _NOT_REGION_CHARS:
            continue
        m = resolve_region(cand)
        if m is not None:
            return s, m
    # Unknown to the table: a short name ending in an admin suffix, after the last prose char.
    s = end
    while s > start and text[s - 1] not in _NOT_REGION_CHARS and end - (s - 1) <= 12:
        s -= 1
    cand = text[s:end]
    if len(cand) >= 2 and _REGION_SUFFIX.search(cand):
        return s, None
    return None


def _clean_value(raw: str) -> str:
    raw = re.sub(r"[（(][^（）()]*[)）]", "", raw)
    return re.sub(r"\s+", "", raw)


# Every character an abbreviated name can hold (CJK, digits). A match never crosses a character
# outside this class, so scanning only the runs of it that contain 届 finds the same matches as
# scanning the whole text, several times faster (the lazy prefix is tried at every position).
_ABBR_RUN = re.compile(rf"[\u4e00-\u9fff{CHINESE_DIGITS}\d]+")


def abbr_finditer(pat: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for an _ABBR_PATTERNS pattern: same matches, same order."""
    for run in _ABBR_RUN.finditer(s):
        if "届" in run.group():
            # pos/endpos keep the whole string: lookbehinds still see the character before the run.
            yield from pat.finditer(s, run.start(), run.end())


# Literals every match of a formal pattern contains. No formal pattern matches a line break, so
# only lines holding all of them can hold a match: scanning just those lines finds the same matches.
_FORMAL_NEEDLES: dict[str, tuple[str, ...]] = {
    "npc_nat": ("届", "全国人民代表大会"),
    "cppcc_nat": ("届", "全国委员会"),
    "cppcc": ("届", "会议"),
    "cppcc_pre": ("届", "政协"),
    "npc": ("届", "人民代表大会"),
}


def formal_finditer(kind: str, pat: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for the _FORMAL_PATTERNS entry `kind`: same matches, same order."""
    needles = _FORMAL_NEEDLES.get(kind)
    if needles is None:  # a pattern without known literals: scan everything
        yield from pat.finditer(s)
        return
    start = 0
    while start <= len(s):
        end = s.find("\n", start)
        end = len(s) if end < 0 else end
        if all(needle in s[start:end] for needle in needles):
            yield from pat.finditer(s, start, end)
        start = end + 1


def find_names(s: str) -> list[NameMatch]:
    """Every formal or abbreviated session name in simplified text `s`, in text order."""
    out: list[NameMatch] = []
    taken: list[tuple[int, int]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in taken)

    for kind, pat in _FORMAL_PATTERNS:
        for m in formal_finditer(kind, pat, s):
            start, end = m.span()
            region = region_span = rm = None
            if kind in ("npc", "cppcc_pre"):
                trimmed = _trim_region(s, m.start("pre"), m.end("pre"))
                if trimmed is None:
                    continue
                rstart, rm = trimmed
                start = rstart
                region_span = (rstart, m.end("pre"))
            elif kind in ("cppcc", "cppcc_mid"):
                if "委员会" not in m.group():
                    continue
                rstart, rend = m.span("region")
                cand = s[rstart:rend]
                rm = resolve_region(cand)
                if rm is None and not (_REGION_SUFFIX.search(cand) and not set(cand) & _NOT_REGION_CHARS):
                    continue
                region_span = (rstart, rend)
            if region_span is not None:
                region = re.sub(r"\s+", "", s[region_span[0]:region_span[1]])
            elif kind.endswith("_nat"):
                region = "全国"
                rm = resolve_region("全国")
            if overlaps(start, end):
                continue
            family = "政协" if kind.startswith("cppcc") else "人大"
            body = family + ("常委会" if m.group("sc") else "")
            taken.append((start, end))
            out.append(NameMatch(
                kind=kind, start=start, end=end, value=_clean_value(s[start:end]), body=body,
                term=parse_int(m.group("term")), term_span=m.span("term"),
                session=parse_int(m.group("session")), session_span=m.span("session"),
                region=region, region_span=region_span, region_match=rm, formal=True))
    for kind, pat in _ABBR_PATTERNS:
        for m in abbr_finditer(pat, s):
            start = m.start("pfx") if m.group("pfx") else m.start("term")
            if m.group("pfx") and m.start("term") < m.start("pfx"):
                start = m.start()  # 十七届县人大…: the name opens with its term
            if s[start - 1:start] == "第" and not m.group("pfx"):
                start -= 1
            end = m.end()
            region = region_span = rm = None
            pre_s, pre_e = m.span("pre")
            pfx = m.group("pfx")
            if kind == "npc_abbr" and m.groupdict().get("nat"):
                region, rm = "全国", resolve_region("全国")
            elif pfx == "全国":
                region, rm = "全国", resolve_region("全国")
            # A place name written before the prefix (平鲁区八届人大…) or ending in it (鄂托克旗…).
            place_end = m.end("pfx") if pfx else pre_e
            if region is None and place_end > pre_s:
                trimmed = _trim_region(s, pre_s, place_end)
                if trimmed is not None and trimmed[1] is not None and place_end - trimmed[0] > len(pfx or ""):
                    region_span = (trimmed[0], place_end)
                    region, rm = s[region_span[0]:place_end], trimmed[1]
                    start = min(start, trimmed[0])
            if overlaps(start, end):
                continue
            family = "政协" if kind.startswith("cppcc") else "人大"
            sc = m.group("sc") or (m.groupdict().get("sc2"))
            body = family + ("常委会" if sc else "")
            taken.append((start, end))
            out.append(NameMatch(
                kind=kind, start=start, end=end, value=_clean_value(s[start:end]), body=body,
                term=parse_int(m.group("term")), term_span=m.span("term"),
                session=parse_int(m.group("session")), session_span=m.span("session"),
                region=region, region_span=region_span, region_match=rm, formal=False,
                abbr_prefix=pfx))
    out.sort(key=lambda n: n.start)
    return out


# ---------------------------------------------------------------------------- cues

SITTING_CUE = re.compile(
    r"开幕|闭幕|闭会|召开|举行|开会|预备会议|全体会议|会议开始|大会开始|主持|隆重|胜利|圆满|宣布|"
    r"出席|列席|就座|就坐|应到|实到|应出席")
FUTURE_CUE = re.compile(r"将于|将在|即将|拟于|定于|筹备|前夕")
# After the name, a noun that makes the session a modifier: its spirit, resolutions, period, or
# the deputies' suggestions handled afterwards (`…会议代表建议交办会`).
NOT_SITTING_AFTER = re.compile(r"^\s*(?:精神|决议|期间|以来|文件|召开前|筹备|(?:召开|开幕|闭幕|举行)(?:以来|前|之前)"
                               r"|(?:代表|委员)?(?:建议|议案)(?:交办|办理|督办)|交办)")
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


# ---------------------------------------------------------------------------- extract


def _cue_span(s: str, name: NameMatch) -> tuple[int, int] | None:
    """A sitting cue in the name's sentence (after a report-of-sitting reading)."""
    if NOT_SITTING_AFTER.match(s[name.end:name.end + 6]):
        return None
    st, en = sentence_bounds(s, name.start)
    sent = s[st:en]
    if FUTURE_CUE.search(sent) and not re.search(r"开幕|闭幕|闭会|召开了|举行了", s[name.end:en]):
        return None
    # `…会议定于1月8日上午在…开幕`: a future cue ahead of the sitting verb announces the meeting.
    verb = re.search(r"开幕|闭幕|闭会|召开|举行", s[name.end:en])
    if verb and FUTURE_CUE.search(s[name.end:name.end + verb.start()]):
        return None
    cues = [m for m in SITTING_CUE.finditer(s, st, en)]
    if not cues:
        return None
    after = [c for c in cues if c.start() >= name.end]
    c = after[0] if after else cues[-1]
    return c.span()


@dataclass
class Located:
    """The report's own meeting as found in the text (positions in `clean`)."""

    names: list[NameMatch]
    evidence: list[tuple[NameMatch, tuple[int, int]]]
    lead: NameMatch
    lead_cue: tuple[int, int]
    chosen: NameMatch
    group: list[NameMatch]
    title: tuple[int, int]

    @property
    def lead_sentence(self) -> tuple[int, int]:
        return self._sentence

    _sentence: tuple[int, int] = (0, 0)


_LOCATE_CACHE: dict[int, tuple[str, Located | None]] = {}


def locate(doc: Document) -> Located | None:
    """The meeting the document reports, or None when it reports no sitting."""
    hit = _LOCATE_CACHE.get(id(doc))
    if hit is not None and hit[0] is doc.clean:
        return hit[1]
    found = _locate(simplified(doc))
    if len(_LOCATE_CACHE) > 64:
        _LOCATE_CACHE.clear()
    _LOCATE_CACHE[id(doc)] = (doc.clean, found)
    return found


def _locate(s: str) -> Located | None:
    names = find_names(s)
    with_cue = [(n, _cue_span(s, n)) for n in names]
    evidence = [(n, c) for n, c in with_cue if c is not None]
    if not evidence:
        return None
    tl_s, tl_e = first_line(s)
    # The report's meeting: the one named in the title line, else the first with a sitting cue.
    title_names = [n for n, _ in evidence if n.start < tl_e] or [n for n in names if n.start < tl_e]
    lead, lead_cue = evidence[0]
    if title_names:
        key = title_names[0].key
        same = [(n, c) for n, c in evidence if n.key == key]
        if same:
            body_same = [(n, c) for n, c in same if n.start >= tl_e]
            lead, lead_cue = (body_same or same)[0]
    key = lead.key
    group = [n for n in names if n.key == key]
    formal = [n for n in group if n.formal] or [n for n in names if n.formal and n.family == lead.family
                                                  and n.term == lead.term]
    chosen = max(formal, key=lambda n: (len(n.value), -n.start)) if formal else lead
    loc = Located(names, evidence, lead, lead_cue, chosen, group, (tl_s, tl_e))
    loc._sentence = sentence_bounds(s, lead.start)
    return loc


def extract(doc: Document, so_far: ReportFacts) -> dict[str, Any]:
    s = simplified(doc)
    if not s.strip():
        return {}
    loc = locate(doc)
    if loc is None:
        fs, fe = first_line(s)
        sent_end = fs
        while sent_end < fe and s[sent_end] not in SENTENCE_END:
            sent_end += 1
        return {"is_meeting_report": doc.fact(False, fs, max(sent_end, fs))}
    names, evidence, lead, lead_cue = loc.names, loc.evidence, loc.lead, loc.lead_cue
    chosen, group, (tl_s, tl_e) = loc.chosen, loc.group, loc.title
    best_region = next((n for n in sorted(group, key=lambda n: -len(n.value)) if n.region), None)

    out: dict[str, Any] = {}
    ev_s, ev_e = min(lead.start, lead_cue[0]), max(lead.end, lead_cue[1])
    out["is_meeting_report"] = doc.fact(True, ev_s, ev_e)
    out["meeting_name"] = doc.fact(chosen.value, chosen.start, chosen.end)
    out["body"] = doc.fact(chosen.body if chosen.formal else lead.body, chosen.start, chosen.end)
    if chosen.term is not None:
        out["term"] = doc.fact(chosen.term, *chosen.term_span)
    if chosen.session is not None:
        out["session"] = doc.fact(chosen.session, *chosen.session_span)

    reg_src = chosen if chosen.region else best_region
    level = None
    if reg_src is not None and reg_src.region:
        rspan = reg_src.region_span or (reg_src.start, reg_src.end)
        out["region"] = doc.fact(reg_src.region, *rspan)
        rm = reg_src.region_match
        if rm is not None:
            level = rm.level
            out["region_ambiguous"] = rm.ambiguous
            for attr in ("adcode", "province", "city", "county"):
                val = getattr(rm, attr)
                if val:
                    out[attr] = doc.fact(val, *rspan)
        else:
            level = _level_from_suffix(reg_src.region)
        if level:
            out["level"] = doc.fact(level, *rspan)
    else:
        pfx = next((n.abbr_prefix for n in group if n.abbr_prefix), None)
        level = _level_from_suffix(pfx or "")
        if level:
            src = next(n for n in group if n.abbr_prefix)
            out["level"] = doc.fact(level, src.start, src.end)

    event = _event(s, lead, (tl_s, tl_e))
    if event is not None:
        out["event"] = doc.fact(*event)
    venue = _venue(s, lead, evidence)
    if venue is not None:
        out["venue"] = doc.fact(*venue)
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


def _event(s: str, lead: NameMatch, title: tuple[int, int]) -> tuple[str, int, int] | None:
    """Event of the reported sitting, read from the title line and the lead sentence."""
    st, en = sentence_bounds(s, lead.start)
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


def _venue(s: str, lead: NameMatch, evidence: list[tuple[NameMatch, tuple[int, int]]]) -> tuple[str, int, int] | None:
    st, en = sentence_bounds(s, lead.start)
    spans: list[tuple[int, int]] = [(st, en)]
    for n, _ in evidence:
        b = sentence_bounds(s, n.start)
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
