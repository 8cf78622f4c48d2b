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
from transforms.firstchar import guarded
from transforms.lexicon import alternation, common, compile_words
from transforms.lexicon import sitting as lexicon
from transforms.numbers import CHINESE_DIGITS, NUMBER, parse_int
from transforms.regions import SPACE_RUN, RegionMatch, find_regions, resolve_region
from transforms.text import TextView

# ---------------------------------------------------------------------------- names

N = NUMBER
_SP = r"[ \t\u3000]*"
_GLOSS = r"(?:[（(][^（）()\n]{1,20}[)）])?"
_CJK = r"[\u4e00-\u9fff]"
# Up to 30 CJK characters before the term; trimmed to the longest real region afterwards.
_PRE = rf"(?P<pre>{_CJK}{{1,30}}?)"

_ORG = rf"(?P<org>{alternation(lexicon.CPPCC)})"
_LEVEL = alternation(lexicon.LEVEL_WORDS)

_FORMAL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("npc_nat", re.compile(
        rf"(?:{alternation(lexicon.COUNTRY)}{_SP})?"
        rf"第{_SP}(?P<term>{N}){_SP}届{_SP}全国人民代表大会{_SP}{_GLOSS}{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("cppcc_nat", re.compile(
        rf"{_ORG}{_SP}第?{_SP}(?P<term>{N}){_SP}届{_SP}全国委员会{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    ("cppcc", re.compile(
        rf"{_ORG}{_SP}(?P<region>{_CJK}{{2,30}}?){_SP}(?:委员会)?{_SP}"
        rf"第{_SP}(?P<term>{N}){_SP}届{_SP}(?:委员会)?{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    # 政协第十届鹤峰县委员会第四次会议: the term before the place.
    ("cppcc_mid", re.compile(
        rf"{_ORG}{_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}(?P<region>{_CJK}{{2,30}}?){_SP}委员会{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    # The place (or only its level word, or nothing) before 政协: 县政协第九届委员会第三次会议,
    # 宁国市政协第十届常务委员会第十五次会议.
    ("cppcc_pre", re.compile(
        rf"(?P<pre>{_CJK}{{0,30}}?){_SP}政协{_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}(?:委员会)?{_SP}(?P<sc>常务委员会)?{_SP}"
        rf"第{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    # The place (or only its level word, or nothing) before the term: 延陵镇召开了第十九届…;
    # 第 may be left out (某县十八届人民代表大会三次会议).
    ("npc", re.compile(
        rf"(?P<pre>{_CJK}{{0,30}}?){_SP}{_GLOSS}{_SP}第?{_SP}(?P<term>{N}){_SP}届{_SP}人民代表大会{_SP}{_GLOSS}{_SP}"
        rf"(?P<sc>常务委员会)?{_SP}第?{_SP}(?P<session>{N}){_SP}次{_SP}{_GLOSS}{_SP}会议")),
    # Township form: 宣风镇第十九届第一次人民代表大会, 双沟镇第十八届三次人民代表大会.
    ("npc_twp", re.compile(
        rf"(?P<pre>{_CJK}{{0,30}}?){_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}第?{_SP}(?P<session>{N}){_SP}次{_SP}"
        rf"人民代表大会(?P<sc>)(?!常务委员会|代表|主席团)")),
    # Only the term, no session (城关镇第十三届人民代表大会于2016年4月22日召开): a name only when a
    # sitting verb follows in its clause.
    ("npc_term", re.compile(
        rf"(?P<pre>{_CJK}{{0,30}}?){_SP}第{_SP}(?P<term>{N}){_SP}届{_SP}人民代表大会(?P<sc>)(?P<session>)"
        rf"(?=[^，,。；;！!？?\n第次]{{0,20}}?(?:{alternation(lexicon.TERM_ONLY_VERBS)}))"
        rf"(?!{_SP}(?:常务委员会|代表|主席团|[{CHINESE_DIGITS}\d]))")),
]
# Kinds whose region is what precedes them, trimmed to the longest real region; without one the
# name stands alone (its region may come from the context, see `context_region`).
_PRE_KINDS = ("npc", "npc_twp", "npc_term", "cppcc_pre")

_ABBR_PREFIX = _LEVEL
# Between the body and its verb, when and where (今天下午在杭举行第四十一次会议).
_WHEN_WHERE = r"(?:今天|今日|昨天|昨日|当天|[上下]午|晚上|\d{1,2}日|[一二三四五六七八九十]{1,3}日|在[\u4e00-\u9fff]{1,12}?)*"
_SPLIT_VERB = rf"{_WHEN_WHERE}{alternation(lexicon.SPLIT_VERBS)}了?"
_BODY_VERB = rf"{alternation(lexicon.SPLIT_VERBS)}了?"
_ABBR_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("npc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?第?(?P<term>{N})届(?P<nat>全国)?人大"
        rf"(?P<sc>常委会)?第?(?P<session>{N})次(?:会议|全体会议)")),
    # 县政协九届十五次常委会议; 省政协十二届十六次常委会 followed by its own plenary (第二次全体会议).
    ("cppcc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?政协第?(?P<term>{N})届(?:委员会)?(?P<sc>常委会|常务委员会)?第?"
        rf"(?P<session>{N})次(?:(?P<sc2>常委会?)?会议|(?P<sc3>常委会)(?=第{N}次全体会议))")),
    # 十七届县人大常委会第十九次会议, 十四届全国政协二次会议: the term before the prefix.
    ("npc_abbr", re.compile(
        rf"(?P<pre>)(?<![{_CJK[1:-1]}])第?(?P<term>{N})届(?P<pfx>{_ABBR_PREFIX})人大"
        rf"(?P<sc>常委会)?第?(?P<session>{N})次(?:会议|全体会议)")),
    ("cppcc_abbr", re.compile(
        rf"(?P<pre>)(?<![{_CJK[1:-1]}])第?(?P<term>{N})届(?P<pfx>{_ABBR_PREFIX})政协(?P<sc>常委会)?第?"
        rf"(?P<session>{N})次(?P<sc2>常委会?)?会议")),
    # The body before the term: 郴州市人大六届四次会议, 当涂县人大常委会十八届二十次会议, 县政协常委会十届五次会议.
    # Its verb may stand between the body and the term (区人大常委会召开十届二十次会议).
    ("npc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?(?P<head>人大)(?P<sc>常委会)?(?P<verb>{_BODY_VERB})?"
        rf"第?(?P<term>{N})届第?(?P<session>{N})次(?:会议|全体会议)")),
    ("cppcc_abbr", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?(?P<head>政协)(?P<sc>常委会)?(?P<verb>{_BODY_VERB})?"
        rf"第?(?P<term>{N})届第?(?P<session>{N})次(?P<sc2>常委会?)?会议")),
    # The place after 政协: 政协宁远县十届三次会议.
    ("cppcc_abbr_mid", re.compile(
        rf"(?P<pre>)(?P<pfx>)(?P<head>政协)(?P<region>{_CJK}{{2,12}}?)第?(?P<term>{N})届(?:委员会)?(?P<sc>常委会|常务委员会)?第?"
        rf"(?P<session>{N})次(?P<sc2>常委会?)?会议")),
    # The name split by its verb: 县十七届人大常委会举行第五次会议, 县政协十一届常委会召开第十八次会议.
    ("npc_split", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?第?(?P<term>{N})届(?P<nat>全国)?(?:人大|人民代表大会)"
        rf"(?P<sc>常委会|常务委员会)?(?P<verb>{_SPLIT_VERB})第(?P<session>{N})次(?:全体)?会议")),
    ("cppcc_split", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?政协第?(?P<term>{N})届(?:委员会)?(?P<sc>常委会|常务委员会)?"
        rf"(?P<verb>{_SPLIT_VERB})第(?P<session>{N})次(?:全体)?会议")),
    # A standing committee's sitting named without its term: 县人大常委会（召开）第十九次会议.
    ("npc_sc_noterm", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?(?P<term>)(?P<sc>人大常委会|人民代表大会常务委员会)"
        rf"(?P<verb>{_SPLIT_VERB})?第(?P<session>{N})次(?:全体)?会议")),
    ("cppcc_sc_noterm", re.compile(
        rf"(?P<pre>{_CJK}{{0,12}}?)(?P<pfx>{_ABBR_PREFIX})?(?P<term>)(?P<sc>政协常委会|政协常务委员会)"
        rf"(?P<verb>{_SPLIT_VERB})?第(?P<session>{N})次(?:全体)?会议")),
]

# Literals every match of each _ABBR_PATTERNS entry holds (one of each group): a run without
# them is not scanned (the lazy region prefix makes each scan try every start position).
_NPC, _CPPCC, _VERB = ("人大",), ("政协",), tuple(lexicon.SPLIT_VERBS)
_ABBR_LITERALS: dict[re.Pattern[str], tuple[tuple[str, ...], ...]] = dict(zip(
    (pat for _, pat in _ABBR_PATTERNS),
    [(_NPC,), (_CPPCC,), (_NPC,), (_CPPCC,), (_NPC,), (_CPPCC,), (_CPPCC,),
     (("人大", "人民代表大会"), _VERB), (_CPPCC, _VERB),
     (("人大常委会", "人民代表大会常务委员会"),), (("政协常委会", "政协常务委员会"),)],
    strict=True))

# A stretch every match of an _ABBR_PATTERNS entry holds, taken from the pattern itself (None: its
# literals above are all there is). These open with a literal, so the engine skips ahead to it;
# the patterns open with a lazy region prefix tried at every position of a run (and every length).
_ABBR_NEEDLE_RES: dict[re.Pattern[str], re.Pattern[str] | None] = dict(zip(
    (pat for _, pat in _ABBR_PATTERNS),
    [re.compile(rf"届(?:全国)?人大"), re.compile(rf"政协第?{N}届"),
     re.compile(rf"届{_ABBR_PREFIX}人大"), re.compile(rf"届{_ABBR_PREFIX}政协"),
     re.compile(rf"人大(?:常委会)?(?:{_BODY_VERB})?第?{N}届"), re.compile(rf"政协(?:常委会)?(?:{_BODY_VERB})?第?{N}届"),
     None,
     re.compile(rf"届(?:全国)?(?:人大|人民代表大会)(?:常委会|常务委员会)?{_SPLIT_VERB}第{N}次(?:全体)?会议"),
     re.compile(rf"政协第?{N}届(?:委员会)?(?:常委会|常务委员会)?{_SPLIT_VERB}第{N}次(?:全体)?会议"),
     re.compile(rf"(?:人大常委会|人民代表大会常务委员会)(?:{_SPLIT_VERB})?第{N}次(?:全体)?会议"),
     re.compile(rf"(?:政协常委会|政协常务委员会)(?:{_SPLIT_VERB})?第{N}次(?:全体)?会议")],
    strict=True))

_TOWNSHIP_SUFFIX = re.compile(alternation(lexicon.TOWNSHIP_SUFFIXES) + "$")
_REGION_SUFFIX = re.compile(alternation(lexicon.REGION_SUFFIXES, lexicon.TOWNSHIP_SUFFIXES) + "$")
_NOT_REGION_CHARS = set(lexicon.NOT_REGION_CHARS)
_LEVEL_END = re.compile(_LEVEL + "$")


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
    abbr_prefix: str | None = None  # the level word that stands for the region (县十五届人大…)
    split: bool = False  # written with its verb inside (县十七届人大常委会举行第五次会议)

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
        # A known region may hold a character that is also a verb (开封市), unless it completes
        # a verb begun right before it (召开县… is not 开县).
        if s > 0 and text[s - 1:s + 1] in lexicon.VERBS_BEFORE_REGION:
            continue
        m = resolve_region(cand)
        if m is not None:
            return s, m
    # Unknown to the table (townships are not in it): a short name ending in a township suffix,
    # after the last prose char. A county or city not in the table is prose (`主席团主持市…`).
    s = end
    while s > start and text[s - 1] not in _NOT_REGION_CHARS and end - (s - 1) <= 12:
        s -= 1
    cand = text[s:end]
    if len(cand) >= 2 and _TOWNSHIP_SUFFIX.search(cand):
        return s, None
    return None


_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")


def _clean_value(raw: str) -> str:
    return SPACE_RUN.sub("", _BRACKETED.sub("", raw))


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


def abbr_needle(kind: str) -> str:
    """What every match of the _ABBR_PATTERNS entry `kind` holds: its term (届), or for a name
    without a term, 次会议."""
    return "次会议" if kind.endswith("noterm") else "届"


def abbr_runs(s: str, needle: str = "届", lines: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """(start, end, text) of every run of `_ABBR_RUN` characters holding `needle`, in text order.
    `lines`: the lines of `s` holding 届, when the caller knows them already."""
    out: list[tuple[int, int, str]] = []
    for start, end in (lines_holding(s, needle) if lines is None or needle != "届" else lines):
        for run in _ABBR_RUN.finditer(s, start, end):
            text = run.group()
            if needle in text:
                out.append((run.start(), run.end(), text))
    return out


def abbr_finditer(pat: re.Pattern[str], s: str,
                  lines: list[tuple[int, int]] | None = None, needle: str = "届",
                  runs: list[tuple[int, int, str]] | None = None) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for an _ABBR_PATTERNS pattern: same matches, same order. Only runs
    holding `needle` (届, or 次会议 for names without a term) and the pattern's literals can hold one.
    `runs`: `abbr_runs(s, needle, lines)`, when the caller scans several patterns (found once)."""
    literals = _ABBR_LITERALS.get(pat, ())
    needle_re = _ABBR_NEEDLE_RES.get(pat)
    for start, end, text in abbr_runs(s, needle, lines) if runs is None else runs:
        if all(any(w in text for w in group) for group in literals) and (needle_re is None or needle_re.search(text)):
            # pos/endpos keep the whole string: lookbehinds still see the character before the run.
            yield from pat.finditer(s, start, end)


# Literals every match of a formal pattern contains. No formal pattern matches a line break, so
# only lines holding all of them can hold a match: scanning just those lines finds the same matches.
_FORMAL_NEEDLES: dict[str, tuple[str, ...]] = {
    "npc_nat": ("届", "全国人民代表大会"),
    "cppcc_nat": ("届", "全国委员会"),
    "cppcc": ("届", "会议"),
    "cppcc_mid": ("届", "委员会"),
    "cppcc_pre": ("届", "政协"),
    "npc": ("届", "人民代表大会"),
    "npc_twp": ("届", "人民代表大会"),
    "npc_term": ("届", "人民代表大会"),
}


# For the kinds that open with a lazy region prefix (tried at every position, at every length): the
# stretch after the prefix every match holds, from the pattern itself. These open with a literal,
# which the engine skips ahead to.
_FORMAL_NEEDLE_RES: dict[str, re.Pattern[str]] = {
    "cppcc_pre": re.compile(rf"政协{_SP}第"),
    "npc": re.compile(rf"届{_SP}人民代表大会{_SP}{_GLOSS}{_SP}(?:常务委员会)?{_SP}第?{_SP}{N}{_SP}次{_SP}{_GLOSS}{_SP}会议"),
    "npc_twp": re.compile(rf"次{_SP}人民代表大会(?!常务委员会|代表|主席团)"),
    "npc_term": re.compile(
        rf"届{_SP}人民代表大会(?=[^，,。；;！!？?\n第次]{{0,20}}?(?:{alternation(lexicon.TERM_ONLY_VERBS)}))"
        rf"(?!{_SP}(?:常务委员会|代表|主席团|[{CHINESE_DIGITS}\d]))"),
}


def formal_finditer(kind: str, pat: re.Pattern[str], s: str,
                    lines: list[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """`pat.finditer(s)` for the _FORMAL_PATTERNS entry `kind`: same matches, same order.
    `lines`: the lines of `s` holding 届, when the caller knows them already."""
    needles = _FORMAL_NEEDLES[kind]
    needle_re = _FORMAL_NEEDLE_RES.get(kind)
    for start, end in lines_holding(s) if lines is None else lines:
        line = s[start:end]
        if all(needle in line for needle in needles) and (needle_re is None or needle_re.search(line)):
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
            region = region_span = rm = level_word = None
            if kind in _PRE_KINDS:
                pre_s, pre_e = m.span("pre")
                trimmed = _trim_region(s, pre_s, pre_e) if pre_e > pre_s else None
                if trimmed is not None:
                    rstart, rm = trimmed
                    start = rstart
                    region_span = (rstart, pre_e)
                else:
                    # No region before the name: it opens with its level word (县第十八届…), if
                    # any, else with itself; the region may come from the context. Without 第
                    # the term needs one of them (新一届… is no name).
                    if not _LEVEL_END.search(s, pre_s, pre_e) and not s[pre_e:m.start("term")].strip(" \t\u3000").startswith("第"):
                        continue
                    start = pre_e
                    lvl = _LEVEL_END.search(s, pre_s, pre_e)
                    if lvl is not None:
                        start, level_word = lvl.start(), lvl.group()
                    while start < m.end() and s[start] in " \t\u3000":
                        start += 1
            elif kind in ("cppcc", "cppcc_mid"):
                if "委员会" not in m.group():
                    continue
                rstart, rend = m.span("region")
                cand = s[rstart:rend]
                rm = resolve_region(cand)
                # (a region unknown to the table still names the CPPCC's committee: a suffix will do)
                if rm is None and not (_REGION_SUFFIX.search(cand) and not set(cand) & _NOT_REGION_CHARS):
                    continue
                region_span = (rstart, rend)
            if region_span is not None:
                region = SPACE_RUN.sub("", s[region_span[0]:region_span[1]])
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
                region=region, region_span=region_span, region_match=rm, formal=True,
                abbr_prefix=level_word))
    runs: dict[str, list[tuple[int, int, str]]] = {}  # needle → its runs, shared by the patterns
    for kind, pat in _ABBR_PATTERNS:
        needle = abbr_needle(kind)
        if needle not in runs:
            runs[needle] = abbr_runs(s, needle, lines)
        for m in abbr_finditer(pat, s, needle=needle, runs=runs[needle]):
            head = m.groupdict().get("head")
            start = m.start("pfx") if m.group("pfx") else m.start("head") if head else m.start("term")
            if m.group("pfx") and m.start("term") < m.start("pfx"):
                start = m.start()  # 十七届县人大…: the name opens with its term
            if s[start - 1:start] == "第" and not m.group("pfx"):
                start -= 1
            end = m.end()
            region = region_span = rm = None
            pre_s, pre_e = m.span("pre")
            pfx = m.group("pfx")
            if m.groupdict().get("region") is not None:
                # 政协宁远县十届三次会议: the place between the body and the term must be a region.
                rm = resolve_region(m.group("region"))
                if rm is None or rm.level == "national":
                    continue
                region, region_span = m.group("region"), m.span("region")
            elif kind.startswith("npc") and m.groupdict().get("nat"):
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
            sc = m.group("sc") or m.groupdict().get("sc2") or m.groupdict().get("sc3")
            body = family + ("常委会" if sc else "")
            taken.append((start, end))
            value = _clean_value(s[start:end])
            if m.groupdict().get("verb"):  # the name without the verb that splits it
                value = _clean_value(s[start:m.start("verb")] + s[m.end("verb"):end])
            out.append(NameMatch(
                kind=kind, start=start, end=end, value=value, body=body,
                term=parse_int(m.group("term")), term_span=m.span("term"),
                session=parse_int(m.group("session")), session_span=m.span("session"),
                region=region, region_span=region_span, region_match=rm, formal=False,
                abbr_prefix=pfx, split=bool(m.groupdict().get("verb"))))
    # A sitting named without its term (县人大常委会召开第二十次会议) is the one of that session
    # named with it elsewhere in the text.
    for n in out:
        if n.term is None:
            same = next((o for o in out if o.term is not None and o.body == n.body and o.session == n.session), None)
            if same is not None:
                n.term = same.term
    out.sort(key=lambda n: n.start)
    return out


# ---------------------------------------------------------------------------- cues

SITTING_CUE = compile_words(lexicon.SITTING_CUES)
FUTURE_CUE = compile_words(common.FUTURE, lexicon.ANNOUNCEMENT)
PAST_CUE = compile_words(lexicon.PAST_CUES)
ROUNDUP = re.compile(alternation(lexicon.ROUNDUP) + r"(?:召开|举行|开幕|闭幕)")
_EARLIER_SETTING = re.compile(alternation(lexicon.EARLIER) + r"[^，,。；;]{0,8}?(?:召开|举行)的$")
_ATTENDEES_OF = re.compile(r"(?:出席|列席|参加)$")
_ABOUT_THE_SITTING = re.compile(lexicon.ABOUT_THE_SITTING)
_OF_PEOPLE = re.compile(r"的(?:全体)?(?:人大代表|代表|委员|政协委员|人员|同志)")
# A decision or notice that calls the session (`关于召开…第四次会议的决定`, with its issuer before it) is
# no report of it; nor is a script or a notice (`…全体会议主持词`).
_CALLING_NOTICE = re.compile(r"^[^。\n]{0,40}?关于(?:召开|举行)[^。]*(?:的)?(?:决定|通知|公告)$")
_OTHER_MEETING = compile_words(lexicon.OTHER_MEETINGS)
_NOT_A_REPORT_TITLE = re.compile(alternation(lexicon.DOCUMENT_TITLES) + r"\s*$")
# The sitting as what is studied (`传达学习十四届全国人大二次会议…精神`).
_STUDIED = re.compile(alternation(lexicon.STUDIED))
# Blanks to fill in (`应到代表____名`): a template, not a report.
_BLANKS = guarded(lexicon.BLANKS)
NOT_SITTING_AFTER = re.compile(rf"^\s*(?:{lexicon.NOT_SITTING_AFTER})")
_SITTING_VERB = re.compile(r"开幕|闭幕|闭会|召开|举行")
# Preparations that are over (`经过近一个月筹备，…召开`) announce nothing.
_DONE = re.compile(alternation(lexicon.DONE) + r"[^，,。；;]{0,8}$")


def _future(s: str, a: int, b: int) -> bool:
    """A future or preparation cue in s[a:b] that is not told as done."""
    return any(not _DONE.search(s, a, m.start()) for m in FUTURE_CUE.finditer(s, a, b))
# ---------------------------------------------------------------------------- locate


def _cue_span(view: TextView, name: NameMatch) -> tuple[int, int] | None:
    """A sitting cue in the name's sentence (after a report-of-sitting reading)."""
    s = view.s
    if NOT_SITTING_AFTER.match(s[name.end:name.end + 6]):
        return None
    st, en = view.sentences.around(name.start)
    sent = s[st:en]
    # A future cue in the sentence: only a sitting verb of the name's own (…举行第四十一次会议，为即将
    # 召开的…作准备) or a completed one after it keeps the sitting reported.
    if _future(s, st, en) and not name.split and not re.search(r"开幕|闭幕|闭会|召开了|举行了", s[name.end:en]):
        return None
    # `在去年1月召开的…会议上`: a sitting of an earlier year the story refers back to; `在今年召开的…
    # 会议上提交了两件建议`: a sitting of this year, told as the setting of something else.
    clause = view.clause_start(name.start)
    if PAST_CUE.search(s, clause, name.start) or _EARLIER_SETTING.search(s, clause, name.start):
        return None
    # `关于召开…会议的决定`, `会议决定：…召开…常委会议`: what is decided about the sitting.
    if _ABOUT_THE_SITTING.search(s, st, name.start):
        return None
    # `传达学习…会议精神`: the sitting is what is studied; `建议…会议于明年3月3日召开`: proposed;
    # `应到代表____名`: a script with blanks.
    if _STUDIED.search(s, clause, name.start) or _BLANKS.search(sent):
        return None
    # `出席…会议的代表陆续报到`: the people of the sitting, not the sitting.
    if _ATTENDEES_OF.search(s, clause, name.start) and _OF_PEOPLE.match(s, name.end):
        return None
    # `全县15个乡镇…第一次会议相继召开`: a round-up of many sittings, not the report of one.
    if ROUNDUP.match(s, name.end, name.end + 4):
        return None
    # `…会议定于1月8日上午在…开幕`: a future cue ahead of the sitting verb announces the meeting.
    verb = _SITTING_VERB.search(s[name.end:en])
    if verb and not name.split and FUTURE_CUE.search(s[name.end:name.end + verb.start()]):
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


_PAGE_FURNITURE = compile_words(lexicon.PAGE_FURNITURE)
_TITLE_MAX = 64  # characters; a longer first line is the lead paragraph


def _title_line(view: TextView) -> tuple[int, int]:
    """The headline: the first line with text that is not page furniture (breadcrumbs, font-size
    and print buttons, stamps), among the first five; else the first line."""
    first = view.first_line()
    pos, seen = first[0], 0
    while seen < 5 and pos < len(view.s):
        end = view.s.find("\n", pos)
        end = len(view.s) if end < 0 else end
        line = view.s[pos:end].strip()
        if line:
            seen += 1
            if not _PAGE_FURNITURE.search(line):
                a = pos + (len(view.s[pos:end]) - len(view.s[pos:end].lstrip()))
                if len(line) > _TITLE_MAX or "。" in line[:-1]:
                    return a, a  # a paragraph, not a headline: the text has none
                return a, a + len(line)
        pos = end + 1
    return first


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
    tl_s, tl_e = _title_line(view)
    title = s[tl_s:tl_e]
    if _CALLING_NOTICE.match(title) or _NOT_A_REPORT_TITLE.search(title):
        return None
    if _OTHER_MEETING.search(title) and not any(tl_s <= n.start < tl_e for n in names):
        return None
    if _feature_story(view, (tl_s, tl_e), names):
        return None
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
    # Its formal name, else a formal name of the same body and term whose session the lead does
    # not state (a standing committee's `…常委会议` and the plenary session are different sittings).
    formal = [n for n in group if n.formal] or [n for n in names if n.formal and n.body == lead.body
                                                  and n.term == lead.term and lead.session is None]
    # Without a formal name, the abbreviation written with its region (黔东南州十三届人大六次会议 in
    # the headline, 州十三届人大六次会议 in the lead) names it best.
    regioned = [n for n in group if n.region is not None] if not lead.region else []
    chosen = max(formal, key=lambda n: (len(n.value), -n.start)) if formal else \
        max(regioned, key=lambda n: (len(n.value), -n.start)) if regioned else lead
    return Located(names, evidence, lead, lead_cue, chosen, group, (tl_s, tl_e), view.sentences.around(lead.start))


_FEATURE_WORDS = compile_words(lexicon.FEATURE_HEADLINE)
_FEATURE_PROPOSALS = compile_words(lexicon.FEATURE_PROPOSALS)
_FEATURE_PEOPLE = compile_words(lexicon.FEATURE_PEOPLE)
_HEADLINE_SITTING = compile_words(lexicon.SITTING_CUES, lexicon.HEADLINE_SITTING)


def _feature_story(view: TextView, title: tuple[int, int], names: list[NameMatch]) -> bool:
    """A story about people at the session (a delegation's proposals, a deputy's work) whose
    headline lines name no sitting and tell no sitting, however its lead refers to it."""
    s = view.s
    tl_s, tl_e = title
    if tl_e <= tl_s:
        return False
    # The headline and a subtitle right under it (short lines without a full stop).
    end = tl_e
    nxt = re.match(r"\n[ \t\u3000]*([^\n]{1,40})(?=\n)", s[tl_e:])
    if nxt and not re.search(r"[。！？]", nxt.group(1)):
        end = tl_e + nxt.end()
    head = re.sub(r"(?:会议|大会|两会)精神", "", s[tl_s:end])  # what deputies pass on, not the sitting
    about_people = _FEATURE_WORDS.search(head) or (_FEATURE_PROPOSALS.search(head) and _FEATURE_PEOPLE.search(head))
    if not about_people or _HEADLINE_SITTING.search(head):
        return False
    return not any(tl_s <= n.start < end for n in names)


_PRESIDIUM_MEETING_RE = re.compile(r"主席团(?:举行|召开)?(?:第[^,，。\n]{1,4}次)?会议")
_HEAD_END = re.compile(r"[。!?;]")
# A sentence that opens with these tells what happened around the sitting, not the sitting.
_ASIDE_OPENING = re.compile(r"(?:会前|会后|此前|随后|当天|同日|期间)")


def is_presidium_meeting(view: TextView, so_far: ReportFacts) -> bool:
    """Is the report itself about a presidium meeting (its name, headline or lead sentence)?"""
    name = so_far.meeting_name.value if so_far.meeting_name is not None else ""
    if "主席团" in name:
        return True
    loc = locate(view)
    heads = []
    if loc is not None:
        heads = [view.s[loc.title[0]:loc.title[1]], view.s[slice(*loc.lead_sentence)]]
    else:
        s = view.s.lstrip()
        nl = s.find("\n")
        heads = [s[: nl if 0 < nl <= 120 else 120]]
    for head in heads:
        end = _HEAD_END.search(head)
        head = head[: end.start()] if end else head
        if _ASIDE_OPENING.match(head):
            continue
        if _PRESIDIUM_MEETING_RE.search(head):
            return True
    return False


# ---------------------------------------------------------------------------- region from context

# Lines that are page furniture rather than prose: the headline, source, byline and footer lines.
_FURNITURE = compile_words(lexicon.SOURCE_LINE_CUES)
# A region that owns an organ, a document or a budget named in the text (`青海省人大常委会工作报告`,
# `《浙江省乡村旅游促进条例》`, `湘潭市2022年市本级财政决算`): the report's own region when it is the only
# one of its level so named.
_OWNED_AFTER = re.compile(alternation(lexicon.REGION_OWNS) + r"|(?:19|20)\d\d年")
_OWNED_BEFORE = re.compile(r"(?:《|关于)$")
_CONJUNCTIONS = "和及与"


def _fits(level_word: str | None, region: str) -> bool:
    return level_word is None or (level_word != "全国" and region.endswith(level_word))


def context_region(view: TextView, loc: Located) -> tuple[str, tuple[int, int], RegionMatch] | None:
    """The region of a session named without one (`延陵镇召开了第十九届…`, `县第十八届…` with the
    county in the source line): (name, span, match), or None when the text does not say.

    Sources, in order: the subject before the name in a sentence naming the sitting (a known
    division, or a township at the start of its clause); then, only when the name carries a level
    word (县 / 市 / 镇 …), the one region of that level named in the headline, source, byline or
    dateline lines — two different ones and the region stays unknown.
    """
    memo = view.memo.get("context_region", ())
    if memo and memo[0] is loc:
        return memo[1]
    found = _context_region(view, loc)
    view.memo["context_region"] = (loc, found)
    return found


def _context_region(view: TextView, loc: Located) -> tuple[str, tuple[int, int], RegionMatch] | None:
    s = view.s
    level_word = next((n.abbr_prefix for n in [loc.chosen, *loc.group] if n.abbr_prefix), None)
    for n in [loc.lead, *(g for g in loc.group if g is not loc.lead)]:
        a, _ = view.sentences.around(n.start)
        best = None
        pos = a
        for clause in re.split(r"([，,：:])", s[a:n.start]):
            if clause and clause not in "，,：:":
                for ra, rb, rm in find_regions(clause, townships=True):
                    if _fits(level_word, rm.name):
                        best = (rm.name, (pos + ra, pos + rb), rm)
            pos += len(clause)
        if best is not None:
            return best
    if level_word is None:
        return None
    # Another session named with its region and the same level word (a standing committee's
    # sitting during its plenary: 省政协十二届九次常委会议 + 政协甘肃省第十二届委员会第四次会议).
    others = {n.region: n for n in loc.names if n.region and n.region_match is not None and n.region_span
              and _fits(level_word, n.region) and n.region_match.level != "national"}
    if len(others) == 1:
        n = next(iter(others.values()))
        return n.region, n.region_span, n.region_match  # type: ignore[return-value]
    seen: dict[str, tuple[str, tuple[int, int], RegionMatch]] = {}
    for line in re.finditer(r"[^\n]+", s):
        text = line.group()
        head = text[:40]
        if (line.start() == loc.title[0] and loc.title[1] > loc.title[0]) or (len(text) <= 80 and not re.search(r"[。！？]\s*$", text)
                                            and _FURNITURE.search(text)):
            part = text
        elif re.search(r"讯|电", head):  # a dateline opening a paragraph (本报延川讯 …)
            part = head[:re.search(r"讯|电", head).end()]
        else:
            continue
        for ra, rb, rm in find_regions(part):
            if rm.name[0] in _CONJUNCTIONS and ra > 0 and re.match(_CJK, part[ra - 1]):
                continue
            if _fits(level_word, rm.name) and rm.level != "national":
                seen.setdefault(rm.name, (rm.name, (line.start() + ra, line.start() + rb), rm))
    if len(seen) == 1:
        return next(iter(seen.values()))
    if seen:
        return None
    named: set[str] = set()
    owned: dict[str, tuple[str, tuple[int, int], RegionMatch]] = {}
    for ra, rb, rm in find_regions(s):
        if not _fits(level_word, rm.name) or rm.level == "national":
            continue
        if rm.name[0] in _CONJUNCTIONS and ra > 0 and re.match(_CJK, s[ra - 1]):
            continue  # `常委会和县人民法院`: 和 joins, it does not open 和县
        named.add(rm.name)
        if _OWNED_AFTER.match(s, rb) or _OWNED_BEFORE.search(s, max(0, ra - 2), ra):
            owned.setdefault(rm.name, (rm.name, (ra, rb), rm))
    if len(named) == 1 and len(owned) == 1:
        return next(iter(owned.values()))
    return None
