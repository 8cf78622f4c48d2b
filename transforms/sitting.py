"""Which sitting a report is about: the session names in the text (formal and abbreviated), the
one the report reports on (`locate`), and whether the report is about a presidium meeting.

Shared grammar, not a fact family: `meeting` turns the located sitting into facts, `dates` reads
the date of the lead sentence, `attendance` and `people` ask whether a presidium met. Results are
kept in the view's memo, so each is worked out once per document.

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

from transforms.facts import ReportFacts
from transforms.numbers import CHINESE_DIGITS, NUMBER, parse_int
from transforms.regions import RegionMatch, resolve_region
from transforms.text import TextView

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


def lines_holding(s: str, needle: str = "届") -> list[tuple[int, int]]:
    """[start, end) of every line of `s` that holds `needle` (every session name holds 届)."""
    out: list[tuple[int, int]] = []
    pos = s.find(needle)
    while pos >= 0:
        start = s.rfind("\n", 0, pos) + 1
        end = s.find("\n", pos)
        end = len(s) if end < 0 else end
        out.append((start, end))
        pos = s.find(needle, end)
    return out


def abbr_finditer(pat: re.Pattern[str], s: str,
                  lines: list[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for an _ABBR_PATTERNS pattern: same matches, same order."""
    for start, end in lines_holding(s) if lines is None else lines:
        for run in _ABBR_RUN.finditer(s, start, end):
            if "届" in run.group():
                # pos/endpos keep the whole string: lookbehinds still see the character before the run.
                yield from pat.finditer(s, run.start(), run.end())


# Literals every match of a formal pattern contains. No formal pattern matches a line break, so
# only lines holding all of them can hold a match: scanning just those lines finds the same matches.
_FORMAL_NEEDLES: dict[str, tuple[str, ...]] = {
    "npc_nat": ("届", "全国人民代表大会"),
    "cppcc_nat": ("届", "全国委员会"),
    "cppcc": ("届", "会议"),
    "cppcc_mid": ("届", "委员会"),
    "cppcc_pre": ("届", "政协"),
    "npc": ("届", "人民代表大会"),
}


def formal_finditer(kind: str, pat: re.Pattern[str], s: str,
                    lines: list[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for the _FORMAL_PATTERNS entry `kind`: same matches, same order.
    `lines`: the lines of `s` holding 届, when the caller knows them already."""
    needles = _FORMAL_NEEDLES[kind]
    for start, end in lines_holding(s) if lines is None else lines:
        line = s[start:end]
        if all(needle in line for needle in needles):
            yield from pat.finditer(s, start, end)


def find_names(s: str, lines: list[tuple[int, int]] | None = None) -> list[NameMatch]:
    """Every formal or abbreviated session name in simplified text `s`, in text order.
    `lines`: the lines of `s` holding 届 (found when not given)."""
    lines = lines_holding(s) if lines is None else lines
    out: list[NameMatch] = []
    taken: list[tuple[int, int]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in taken)

    for kind, pat in _FORMAL_PATTERNS:
        for m in formal_finditer(kind, pat, s, lines):
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
        for m in abbr_finditer(pat, s, lines):
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
# ---------------------------------------------------------------------------- locate


def _cue_span(view: TextView, name: NameMatch) -> tuple[int, int] | None:
    """A sitting cue in the name's sentence (after a report-of-sitting reading)."""
    s = view.s
    if NOT_SITTING_AFTER.match(s[name.end:name.end + 6]):
        return None
    st, en = view.sentences.around(name.start)
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
    lead_sentence: tuple[int, int]  # [start, end) of the lead name's sentence, terminal excluded


def locate(view: TextView) -> Located | None:
    """The meeting the document reports, or None when it reports no sitting (once per view)."""
    if "located" not in view.memo:
        view.memo["located"] = _locate(view)
    return view.memo["located"]


def _locate(view: TextView) -> Located | None:
    s = view.s
    names = find_names(s)
    with_cue = [(n, _cue_span(view, n)) for n in names]
    evidence = [(n, c) for n, c in with_cue if c is not None]
    if not evidence:
        return None
    tl_s, tl_e = view.first_line()
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
    return Located(names, evidence, lead, lead_cue, chosen, group, (tl_s, tl_e), view.sentences.around(lead.start))


_PRESIDIUM_MEETING_RE = re.compile(r"主席团(?:举行|召开)?(?:第[^,，。\n]{1,4}次)?会议")


def is_presidium_meeting(view: TextView, so_far: ReportFacts) -> bool:
    """Is the report itself about a presidium meeting (title or first sentence)?"""
    name = so_far.meeting_name.value if so_far.meeting_name is not None else ""
    if "主席团" in name:
        return True
    s = view.s.lstrip()
    nl = s.find("\n")
    head = s[: nl if 0 < nl <= 120 else 120]
    end = re.search(r"[。!?;]", head)
    head = head[: end.start()] if end else head
    if re.match(r"(?:会前|会后|此前|随后|当天|同日|期间)", head):
        return False
    return bool(_PRESIDIUM_MEETING_RE.search(head))
