"""When the reported sitting took place: `date` (YYYY-MM-DD, or MM-DD without a stated year)
and `time` (HH:MM, 24 h, when the sitting started or was declared open).

Sources, in order of trust:
  * the date written next to the meeting (`2019年7月23日上午，…会议在…开幕`, `…会议8日下午在…举行`),
    including Chinese-numeral years (`二〇二四年一月十二日`);
  * relative days (`15日上午`, `今天`, `昨日`) resolved against the article's own dateline
    (`本报成都1月15日讯`, `新华社北京3月8日电`) or publication stamp (`发布时间：2023-01-16`,
    `2023年01月16日 08:30 来源：`, HTML metadata in `doc.published_at`);
  * a month-day without a year takes its year from the dateline or the publication stamp.
Never: related-link tails (相关阅读…), forum/repost stamps, image names, years inside report content
(`2024年工作安排`), or dates of other meetings.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Iterator
from typing import Any

from transforms.document import Document
from transforms.facts import ReportFacts
from transforms.firstchar import guarded
from transforms.lexicon import alternation, common, compile_words
from transforms.lexicon import dates as lexicon
from transforms.sitting import Located, locate
from transforms.text import TextView
from transforms.numbers import parse_int

_CN = "零〇一二两三四五六七八九十"
_YEAR = rf"(?P<y>(?:19|20)\d\d|[{_CN}]{{4}})\s*年\s*"
# A day range written with one 日 (`1月10—12日`) dates the sitting by its first day.
# `3月4下午3:00`: a day without 日 right before the part of the day.
_MD = (rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}}|元)\s*月\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})"
       rf"\s*(?:[日号]|(?=[—－\-~～至到]\s*(?:\d{{1,2}}|[{_CN}]{{1,3}})\s*日)|(?=(?:{alternation(lexicon.HALF_DAY)})))")
FULL_DATE = re.compile(rf"(?:{_YEAR})?{_MD}")
# `15日上午`, `8日下午在…`: a bare day, not preceded by a month or digit.
_HALF_DAY = alternation(lexicon.HALF_DAY)
REL_DAY = re.compile(rf"(?<![月\d{_CN}])(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号](?=\s*(?:{_HALF_DAY}|[,，]|在|于|举行|召开|开幕|闭幕))")
REL_WORD = compile_words(lexicon.RELATIVE_DAYS)
_REL_OFFSET = lexicon.RELATIVE_DAYS

DATELINE = re.compile(
    rf"{alternation(lexicon.DATELINE_SOURCES)}?[\u4e00-\u9fff]{{0,8}}?"
    rf"(?:{_YEAR})?{_MD}\s*(?:电|讯|消息)")
# `【本报记者北京五日电】`: the day alone; the month is the page stamp's.
DATELINE_DAY = re.compile(
    rf"{alternation(lexicon.DATELINE_SOURCES)}[\u4e00-\u9fff]{{0,8}}?"
    rf"(?<![月\d{_CN}])(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*日\s*(?:电|讯)")
# Y-M-D in any separator (`2025 3月6日`: a space before a month written with 月), and D.M.Y.
# (Spaces only inside one line: a stamp never runs over a line break.) Three shapes, scanned
# apart and merged in text order: one pattern with the three alternatives scans twice as slowly.
_SP = r"[ \t\u3000]*"
STAMP_DATES = (
    re.compile(rf"(?P<y>(?:19|20)\d\d){_SP}(?:[-/.年]|[ \t\u3000](?={_SP}\d{{1,2}}{_SP}月)){_SP}"
               rf"(?P<m>\d{{1,2}}){_SP}[-/.月]{_SP}(?P<d>\d{{1,2}}){_SP}日?"),
    # D.M.Y (`19.03.2016`); not inside a longer run of digits and dots (checked in `_stamp_dates`).
    # `\d\d?` and `[…][…]{3}` rather than `\d{1,2}` and `[…]{4}` (the same strings, matched alike):
    # a pattern that opens with a character class lets the engine skip ahead to that class, one
    # that opens with a repeat makes it try every position (half the CPU of these scans).
    re.compile(r"(?P<d>\d\d?)\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])"),
    re.compile(rf"(?P<y>[{_CN}][{_CN}]{{3}}){_SP}年{_SP}(?P<m>[{_CN}]{{1,3}}){_SP}月{_SP}(?P<d>[{_CN}]{{1,3}}){_SP}日"),
)


def _stamp_dates(s: str, limit: int) -> Iterator[re.Match[str]]:
    """Every stamp-shaped date in s[:limit], in text order."""
    scans = [rx.finditer(s, 0, limit) for rx in STAMP_DATES]
    for m in heapq.merge(*scans, key=lambda m: m.start()):
        if m.re is STAMP_DATES[1] and m.start() > 0 and s[m.start() - 1] in "0123456789.":
            continue
        yield m


# A newspaper page stamp (`人民日报 2024年3月11日 第01版`) dates the article as well.
STAMP_CUE = guarded(lexicon.STAMP_CUES)
# What a stamp line holds besides its date and the outlet's name: clock, weekday, page, brackets.
_STAMP_FURNITURE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?|[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?|(?:版次[:：]?\s*)?第?\s*[A-Z]?\d{1,3}\s*版"
    r"|版次[:：]?\s*\d{1,3}|[\s()（）【】\[\]:：,，|/·\-]")


def _stamp_ymd(m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    return _int(m["y"]), _int(m["m"]), _int(m["d"])
NOT_OWN_STAMP = compile_words(lexicon.NOT_OWN_STAMP)
_CMS_STAMP = re.compile(r"[（(【\[]\s*((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s*[)）】\]]")

# The half-day word, then the hour (whitespace only between them, never before the hour: the
# match starts where the time does).
TIME = re.compile(
    rf"(?:(?P<ap>{_HALF_DAY})\s*)?"
    rf"(?P<h>\d{{1,2}}|[{_CN}]{{1,3}})\s*(?:(?P<unit>[时点])\s*(?:(?P<min>\d{{1,2}}|[{_CN}]{{1,3}})\s*分|(?P<half>半)|整|许|左右)?"
    rf"|[:：](?P<mm>\d{{2}})(?!\d))")
START_CUE = compile_words(lexicon.START_CUES)
ARRIVAL = compile_words(lexicon.ARRIVAL)
# Alternatives that each open with a literal (the bracket and the word spelt out): the regex engine
# skips ahead to their first characters rather than trying every position.
_TIME_LABEL = re.compile(r"【\s*(?:会议)?时间\s*[】\]]|\[\s*(?:会议)?时间\s*[】\]]|会议时间\s*[:：]|开会时间\s*[:：]")
_HELD_CLOSING = re.compile(r"(?:举行|召开)了?(?:闭幕|闭会)(?:会议|大会|会|式)?")
END_CUE = compile_words(lexicon.END_CUES)
FUTURE = compile_words(common.FUTURE, common.FUTURE_DAYS)
SITTING = compile_words(lexicon.SITTING_VERBS)


def _int(text: str | None) -> int | None:
    if text == "元":  # 元月: the first month
        return 1
    return parse_int(text) if text else None


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    if m is None or d is None or not (1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        dt.date(y or 2000, m, d)
    except ValueError:
        return False
    return y is None or 1949 <= y <= 2100


def _tail(s: str) -> int:
    """Where the related links begin (the first TAIL word), else the end: no date after it is the
    meeting's. (One `str.find` per word: a regex alternation of them scans several times slower.)"""
    found = [i for i in (s.find(w) for w in lexicon.TAIL) if i >= 0]
    return min(found) if found else len(s)


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CLOCK_NEXT = re.compile(r"\s*\d{1,2}:\d{2}")
_SHORT_NAME = re.compile(r"[\u4e00-\u9fff]{0,16}")  # an outlet's name, what a stamp line may hold besides


def _stamp(doc: Document, s: str, limit: int) -> tuple[dt.date, int, int] | None:
    """The article's own publication date: metadata, else the first stamp line before the related
    links (which begin at `limit`)."""
    if doc.published_at and doc.format not in ("docx", "pdf"):
        m = _ISO_DATE.match(doc.published_at)
        if m and _valid(int(m[1]), int(m[2]), int(m[3])):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), 0, 0
    # `（2024-01-10 18:30）` closing a paragraph: a CMS stamp with its clock time.
    cms = _CMS_STAMP.search(s, 0, limit)
    if cms and _valid(int(cms[1]), int(cms[2]), int(cms[3])):
        return dt.date(int(cms[1]), int(cms[2]), int(cms[3])), cms.start(), cms.end()
    for b in _BRACKET_STAMP.finditer(s, 0, limit):
        if not s[s.rfind("\n", 0, b.start()) + 1:b.start()].strip():
            y, mo, d = _int(b["y"]), _int(b["m"]), _int(b["d"])
            if y and mo and d and _valid(y, mo, d):
                return dt.date(y, mo, d), b.start(), b.end()
        break
    # Every date before the related links, in text order (one scan), read with its line.
    line_at, text, cue = -1, "", False
    for m in _stamp_dates(s, limit):
        ls = s.rfind("\n", 0, m.start()) + 1
        if ls != line_at:
            le = s.find("\n", m.end(), limit)
            line_at, text = ls, s[ls:limit if le < 0 else le]
            cue = None if NOT_OWN_STAMP.search(text) else bool(STAMP_CUE.search(text))
        if cue is None:
            continue  # somebody else's post, or the page's clock
        a, b = m.start() - ls, m.end() - ls
        # A line that is only a date, or a source name and a date, with its clock, weekday or
        # page (`广州日报 2025-01-08`, `（本网2011年3月13日讯）`, `19.03.2016 09:12`, `2023-01-21` closing
        # the article) is a stamp too (a long line of prose never is).
        if not (cue or _CLOCK_NEXT.match(text[b:b + 12])
                or (len(text) <= 64 and _SHORT_NAME.fullmatch(_STAMP_FURNITURE.sub("", text[:a] + text[b:])))):
            continue
        # A stamp line is furniture, not a sentence about the meeting.
        if SITTING.search(text) and not STAMP_CUE.search(text[:a]):
            continue
        y, mo, d = _stamp_ymd(m)
        if y is not None and _valid(y, mo, d):
            return dt.date(y, mo, d), m.start(), m.end()
    return None


# How every DATELINE and DATELINE_DAY match ends: the day, then 电 / 讯 / 消息 (the lookaheads that
# end `_MD` without 日 leave a dash or a half-day word next, which 电 / 讯 / 消息 cannot match). Both
# patterns open with optional words, so a scan tries them at every position (most reports have no
# dateline at all): without this ending before `limit` neither can match.
_DATELINE_END = re.compile(r"[日号]\s*(?:电|讯|消息)")


def _dateline(s: str, limit: int, stamp: dt.date | None) -> tuple[int | None, int, int, int, int] | None:
    if _DATELINE_END.search(s, 0, limit) is None:
        return None
    for m in DATELINE.finditer(s, 0, limit):
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if _valid(y, mo, d):
            return y, mo, d, m.start(), m.end()  # type: ignore[return-value]
    if stamp is not None:
        # The day alone (`北京五日电`): the stamp's month, or the month before for a later day.
        for m in DATELINE_DAY.finditer(s, 0, limit):
            d = _int(m.group("d"))
            if d is None:
                continue
            y, mo = stamp.year, stamp.month
            if d > stamp.day + 1:
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            if _valid(y, mo, d):
                return y, mo, d, m.start(), m.end()
    return None


def _year_for(mo: int, d: int, ref: dt.date | None) -> int | None:
    if ref is None:
        return None
    year = ref.year
    # A meeting reported in early January may have sat in late December.
    if (mo, d) > (ref.month, ref.day) and mo - ref.month > 1:
        year -= 1
    return year


def extract(view: TextView, so_far: ReportFacts) -> dict[str, Any]:
    s = view.s
    loc = locate(view)
    if loc is None:
        return {}
    lead_e = loc.lead_sentence[1]
    limit = _tail(s)
    stamp = _stamp(view.doc, s, limit)
    stamp_date = stamp[0] if stamp else None
    dl = _dateline(s, min(len(s), lead_e + 1), stamp_date)
    dl_span = (dl[3], dl[4]) if dl else (0, 0)
    dl_date: dt.date | None = None
    if dl:
        y = dl[0] if dl[0] is not None else _year_for(dl[1], dl[2], stamp_date)
        if y is not None:
            dl_date = dt.date(y, dl[1], dl[2])
    ref = dl_date or stamp_date

    out: dict[str, Any] = {}
    date = _meeting_date(view, loc, dl, dl_span, ref, stamp_date, limit, stamp[1:] if stamp else None)
    if date is not None:
        out["date"] = view.fact(*date)
    time = _meeting_time(view, loc, limit, stamp[1:] if stamp else None)
    if time is not None:
        out["time"] = view.fact(*time)
    return out


def _candidate_sentences(view: TextView, loc: Located, limit: int) -> list[tuple[int, int]]:
    s = view.s
    out = [loc.lead_sentence]
    for n, _ in loc.evidence:
        if n.key == loc.lead.key and n.start < limit:
            b = view.sentences.around(n.start)
            if b not in out:
                out.append(b)
    # Sentences after the lead that report the sitting itself (开幕 / 举行 …) without naming it,
    # starting before the related-links tail.
    lead_end = loc.lead_sentence[1]
    for p in view.hits("sitting_verbs"):
        if p <= lead_end:
            continue
        a, b = view.sentences.around(p)
        if a > limit:
            break
        if (a, b) not in out:
            out.append((a, b))
    return out


_BRACKET_STAMP = re.compile(rf"[（(【\[]\s*(?:{_YEAR}){_MD}\s*[)）】\]]")


def _bracketed_stamp(s: str, m: re.Match[str]) -> bool:
    """`（2024年1月11日）本报讯`: a dated bracket opening a line is the article's stamp."""
    b = _BRACKET_STAMP.match(s, max(0, m.start() - 2))
    b = b or _BRACKET_STAMP.match(s, max(0, m.start() - 1))
    if b is None or not b.start() <= m.start() < b.end():
        return False
    line_start = s.rfind("\n", 0, b.start()) + 1
    return not s[line_start:b.start()].strip()


def _meeting_date(view: TextView, loc: Located, dl, dl_span, ref, stamp_date, limit, stamp_span=None):
    s = view.s

    def first_in(a: int, b: int) -> tuple[str, int, int] | None:
        found = []
        for m in FULL_DATE.finditer(s, a, b):
            if dl_span[0] <= m.start() < dl_span[1] or _bracketed_stamp(s, m):
                continue
            found.append(("full", m))
        for m in REL_DAY.finditer(s, a, b):
            if dl_span[0] <= m.start() < dl_span[1]:
                continue
            if any(f.start() <= m.start() < f.end() for _, f in found):
                continue
            found.append(("rel", m))
        for m in REL_WORD.finditer(s, a, b):
            found.append(("word", m))
        found.sort(key=lambda x: x[1].start())
        for kind, m in found:
            got = _resolve(kind, m, dl, ref, stamp_date)
            if got is not None:
                return got, m.start(), m.end()
        return None

    for a, b in _candidate_sentences(view, loc, limit):
        got = first_in(a, b)
        if got is not None:
            return got
    # No sentence about the sitting is dated: the article's opening sentence, above the lead
    # (`今天上午10时，委员们陆续进入会场。…宣布…开幕`), dates it — not a stamp or furniture line.
    pos = loc.title[1] + (1 if loc.title[1] > loc.title[0] else 0)
    while pos < loc.lead_sentence[0]:
        a, b = view.sentences.around(pos)
        if b <= a or not s[a:b].strip():
            pos = b + 1
            continue
        if (stamp_span and a <= stamp_span[0] < b + 1) or (dl_span[1] > dl_span[0] and a <= dl_span[0] < b) \
                or STAMP_CUE.search(s, a, b) or len(s[a:b].strip()) < 12:
            pos = b + 1
            continue
        return first_in(a, b)
    return None


def _fmt(y: int | None, mo: int, d: int) -> str:
    return f"{y:04d}-{mo:02d}-{d:02d}" if y else f"{mo:02d}-{d:02d}"


def _resolve(kind, m, dl, ref: dt.date | None, stamp_date: dt.date | None) -> str | None:
    if kind == "full":
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if not _valid(y, mo, d):
            return None
        if y is None:
            if dl is not None and dl[0] is not None and (dl[1], dl[2]) >= (mo, d) and dl[1] - mo <= 1:
                y = dl[0]
            else:
                y = _year_for(mo, d, stamp_date or ref)
        return _fmt(y, mo, d)
    if kind == "rel":
        d = _int(m.group("d"))
        if d is None or not 1 <= d <= 31:
            return None
        if ref is not None:
            y, mo = ref.year, ref.month
            if d > ref.day + 1:
                mo -= 1
                if mo == 0:
                    y, mo = y - 1, 12
            if not _valid(y, mo, d):
                return None
            known_year = (dl is not None and dl[0] is not None) or stamp_date is not None
            return _fmt(y if known_year else None, mo, d)
        if dl is not None:
            mo = dl[1] if d <= dl[2] + 1 else dl[1] - 1
            if mo >= 1 and _valid(None, mo, d):
                return _fmt(None, mo, d)
        return None
    # Relative word.
    offset = _REL_OFFSET.get(m.group(), 0)
    if ref is not None:
        day = ref + dt.timedelta(days=offset)
        known_year = (dl is not None and dl[0] is not None) or stamp_date is not None
        return _fmt(day.year if known_year else None, day.month, day.day)
    if dl is not None:
        try:
            day = dt.date(2000, dl[1], dl[2]) + dt.timedelta(days=offset)
        except ValueError:
            return None
        return _fmt(None, day.month, day.day)
    return None


# Every TIME match holds the hour's last digit, optional spaces, then its unit or colon (`9时`,
# `十 点`, `8:30`): a pattern that opens with a character class, which the engine skips ahead to.
_TIME_ANCHOR = re.compile(rf"[\d{_CN}]\s*[时点:：]")
# Every character a TIME match holds before that anchor: the half-day word, spaces, the hour.
_TIME_LEAD = re.compile(rf"[\s\d{_CN}{''.join(sorted(set(''.join(lexicon.HALF_DAY))))}]")


def _times(s: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
    """`TIME.finditer(s, pos, endpos)`: the same matches in the same order. TIME opens with an
    optional word, so a plain scan tries it at every position (0.2 ms a report). A match starting
    at p holds an anchor at q >= p, and s[p..q] is all `_TIME_LEAD` characters; so with q the first
    anchor at or after `pos`, a match can only start in the run of such characters that ends at q
    (or start after q): those positions are tried in order, then the scan goes on after q."""
    while True:
        anchor = _TIME_ANCHOR.search(s, pos, endpos)
        if anchor is None:
            return
        q = lo = anchor.start()
        while lo > pos and _TIME_LEAD.match(s, lo - 1):
            lo -= 1
        for p in range(lo, q + 1):
            m = TIME.match(s, p, endpos)
            if m is not None:
                yield m
                pos = m.end()  # TIME never matches the empty string
                break
        else:
            pos = q + 1


_DIGIT_BEFORE = re.compile(r"\d\s*$")
_DATE_SEPARATOR_BEFORE = re.compile(r"[-/年月日]\s*$")
_DIGIT_OR_MONTH_BEFORE = re.compile(r"[\d月]\s*$")
_ARABIC_HOUR = re.compile(r"\d")
_BYLINE_WORDS = re.compile(r"来源|发布|编辑|作者")
_STARTED = re.compile(r"开幕|开始|举行|召开")
_STARTS = re.compile(r"开始|开幕(?!式)")
_ENDED = re.compile(r"结束|散会")


def _meeting_time(view: TextView, loc: Located, limit: int, stamp_span) -> tuple[str, int, int] | None:
    s = view.s
    start = max(0, loc.lead_sentence[0])
    # A transcript's header (`【时间】…上午9时`) may stand above the lead.
    label = _TIME_LABEL.search(s, 0, limit) if "时间" in s else None
    if label is not None and label.start() < start:
        start = label.start()
    for m in _times(s, start, limit):
        # `【时间】2019年3月13日上午9时`, `会议时间：…`: a time under its label is the sitting's.
        labelled = label is not None and bool(_TIME_LABEL.search(s, s.rfind("\n", 0, m.start()) + 1, m.start()))
        if stamp_span and stamp_span[0] <= m.start() < stamp_span[1] + 10 and "\n" not in s[stamp_span[1]:m.start()] \
                and not labelled:
            continue  # the stamp's own clock time, on the stamp's line
        h = _int(m.group("h"))
        if h is None:
            continue
        ap = m.group("ap")
        if m.group("mm") is not None:
            if not ap and (_DIGIT_BEFORE.search(s[max(0, m.start() - 3):m.start()])
                           or _DATE_SEPARATOR_BEFORE.search(s[max(0, m.start() - 2):m.start()])):
                continue  # a stamp like 2023-01-16 08:30
            minute = int(m.group("mm"))
        else:
            if not ap and not _ARABIC_HOUR.match(m.group("h")) and not (m.group("min") or m.group("half")):
                continue  # 一时 / 十时 without a half-day word is prose, not a clock time
            minute = 30 if m.group("half") else (_int(m.group("min")) or 0)
        if _DIGIT_OR_MONTH_BEFORE.search(s[max(0, m.start() - 1):m.start()]) and not ap:
            continue
        line_e = s.find("\n", m.end())
        line = s[s.rfind("\n", 0, m.start()) + 1:line_e if line_e >= 0 else len(s)]
        if _BYLINE_WORDS.search(line) and not _STARTED.search(line):
            continue
        if not (0 <= h <= 24 and 0 <= minute < 60):
            continue
        if ap in ("下午", "晚上", "晚间", "晚") and h < 12:
            h += 12
        elif ap == "中午" and h < 6:
            h += 12
        # The clause the time belongs to: up to the end of its sentence.
        sent_start, sent_end = view.sentences.around(m.start())
        clause = s[m.end():sent_end]
        context = s[sent_start:sent_end]
        if FUTURE.search(context):
            continue
        # `下午2时30分，…会议在…闭幕` states when the closing sitting took place: the time heads
        # a sentence that names the meeting. After the name it is an end time.
        heads_lead = any(n.key == loc.lead.key and sent_start <= m.start() and m.end() <= n.start < sent_end
                         for n in loc.names) and bool(SITTING.search(clause))
        if not START_CUE.search(clause) and not START_CUE.search(s[sent_start:m.start()]) and not heads_lead \
                and not labelled:
            continue
        # End cues count up to the next clock time (`上午9时开始，下午5时结束`).
        nxt = TIME.search(s, m.end(), sent_end)
        # `上午8时许，代表们开始签到入场`: the members arriving, not the sitting starting.
        if ARRIVAL.search(s, m.end(), nxt.start() if nxt else sent_end) and not labelled:
            continue
        own = s[m.end():nxt.start() if nxt and nxt.start() > m.end() else sent_end]
        # `9时在…举行闭幕会`: the closing sitting is what starts then.
        own_end = _HELD_CLOSING.sub("", own)
        if END_CUE.search(own_end) and not _STARTS.search(own) and not heads_lead:
            continue
        if _ENDED.search(own):
            continue
        return f"{h % 24:02d}:{minute:02d}", m.start(), m.end()
    return None
