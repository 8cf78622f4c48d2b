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
import re
from typing import Any

from transforms.document import Document
from transforms.facts import ReportFacts
from transforms.lexicon import alternation, common, compile_words
from transforms.lexicon import dates as lexicon
from transforms.sitting import Located, locate
from transforms.text import TextView
from transforms.numbers import parse_int

_CN = "零〇一二两三四五六七八九十"
_YEAR = rf"(?P<y>(?:19|20)\d\d|[{_CN}]{{4}})\s*年\s*"
# A day range written with one 日 (`1月10—12日`) dates the sitting by its first day.
_MD = (rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}}|元)\s*月\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})"
       rf"\s*(?:[日号]|(?=[—－\-~～至到]\s*(?:\d{{1,2}}|[{_CN}]{{1,3}})\s*日))")
FULL_DATE = re.compile(rf"(?:{_YEAR})?{_MD}")
# `15日上午`, `8日下午在…`: a bare day, not preceded by a month or digit.
_HALF_DAY = alternation(lexicon.HALF_DAY)
REL_DAY = re.compile(rf"(?<![月\d{_CN}])(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*日(?=\s*(?:{_HALF_DAY}|[,，]|在|于|举行|召开|开幕|闭幕))")
REL_WORD = compile_words(lexicon.RELATIVE_DAYS)
_REL_OFFSET = lexicon.RELATIVE_DAYS

DATELINE = re.compile(
    rf"{alternation(lexicon.DATELINE_SOURCES)}?[\u4e00-\u9fff]{{0,8}}?"
    rf"(?:{_YEAR})?{_MD}\s*(?:电|讯)")
STAMP_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")
# A newspaper page stamp (`人民日报 2024年3月11日 第01版`) dates the article as well.
STAMP_CUE = re.compile(lexicon.STAMP_CUES)
NOT_OWN_STAMP = compile_words(lexicon.NOT_OWN_STAMP)
TAIL = compile_words(lexicon.TAIL)

# The half-day word, then the hour (whitespace only between them, never before the hour: the
# match starts where the time does).
TIME = re.compile(
    rf"(?:(?P<ap>{_HALF_DAY})\s*)?"
    rf"(?P<h>\d{{1,2}}|[{_CN}]{{1,3}})\s*(?:(?P<unit>[时点])\s*(?:(?P<min>\d{{1,2}}|[{_CN}]{{1,3}})\s*分|(?P<half>半)|整|许|左右)?"
    rf"|[:：](?P<mm>\d{{2}})(?!\d))")
START_CUE = compile_words(lexicon.START_CUES)
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


def _stamp(doc: Document, s: str, body_start: int) -> tuple[dt.date, int, int] | None:
    """The article's own publication date: metadata, else a stamp line above or near the lead."""
    if doc.published_at and doc.format not in ("docx", "pdf"):
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", doc.published_at)
        if m and _valid(int(m[1]), int(m[2]), int(m[3])):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), 0, 0
    tail = TAIL.search(s)
    limit = tail.start() if tail else len(s)
    # `（2024-01-10 18:30）` closing a paragraph: a CMS stamp with its clock time.
    cms = re.search(r"[（(【\[]\s*((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s*[)）】\]]",
                    s[:limit])
    if cms and _valid(int(cms[1]), int(cms[2]), int(cms[3])):
        return dt.date(int(cms[1]), int(cms[2]), int(cms[3])), cms.start(), cms.end()
    for b in _BRACKET_STAMP.finditer(s, 0, limit):
        if not s[s.rfind("\n", 0, b.start()) + 1:b.start()].strip():
            y, mo, d = _int(b["y"]), _int(b["m"]), _int(b["d"])
            if y and mo and d and _valid(y, mo, d):
                return dt.date(y, mo, d), b.start(), b.end()
        break
    for line in re.finditer(r"[^\n]+", s[:limit]):
        text = line.group()
        if NOT_OWN_STAMP.search(text):
            continue
        for m in STAMP_DATE.finditer(text):
            after = text[m.end():m.end() + 12]
            # A line that is only a source name and a date (`广州日报 2025-01-08`) is a stamp too.
            rest = re.sub(r"\s+", "", text[:m.start()] + text[m.end():])
            bare = re.fullmatch(r"[\u4e00-\u9fff]{2,12}", rest) or (
                # …or only a date (and a clock time) on a line above the lead
                line.start() < body_start and re.fullmatch(r"(?:\d{1,2}:\d{2}(?::\d{2})?)?", rest))
            if not (STAMP_CUE.search(text) or re.match(r"\s*\d{1,2}:\d{2}", after) or bare):
                continue
            # A stamp line is furniture, not a sentence about the meeting.
            if SITTING.search(text) and not STAMP_CUE.search(text[:m.start()]):
                continue
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if _valid(y, mo, d):
                return dt.date(y, mo, d), line.start() + m.start(), line.start() + m.end()
        if line.start() > body_start + 2000:
            break
    return None


def _dateline(s: str, limit: int) -> tuple[int | None, int, int, int, int] | None:
    for m in DATELINE.finditer(s, 0, limit):
        y, mo, d = _int(m.group("y")), _int(m.group("m")), _int(m.group("d"))
        if _valid(y, mo, d):
            return y, mo, d, m.start(), m.end()  # type: ignore[return-value]
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
    lead_s, lead_e = loc.lead_sentence
    stamp = _stamp(view.doc, s, lead_s)
    stamp_date = stamp[0] if stamp else None
    dl = _dateline(s, min(len(s), lead_e + 1))
    dl_span = (dl[3], dl[4]) if dl else (0, 0)
    dl_date: dt.date | None = None
    if dl:
        y = dl[0] if dl[0] is not None else _year_for(dl[1], dl[2], stamp_date)
        if y is not None:
            dl_date = dt.date(y, dl[1], dl[2])
    ref = dl_date or stamp_date

    tail = TAIL.search(s)
    limit = tail.start() if tail else len(s)
    out: dict[str, Any] = {}
    date = _meeting_date(view, loc, dl, dl_span, ref, stamp_date, limit)
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


def _meeting_date(view: TextView, loc: Located, dl, dl_span, ref, stamp_date, limit):
    s = view.s
    for a, b in _candidate_sentences(view, loc, limit):
        found = []
        for m in FULL_DATE.finditer(s, a, b):
            if dl_span[0] <= m.start() < dl_span[1]:
                continue
            if _bracketed_stamp(s, m):
                continue
            found.append(("full", m))
        for m in REL_DAY.finditer(s, a, b):
            if dl_span[0] <= m.start() < dl_span[1]:
                continue
            if any(f.start() <= m.start() < f.end() for _, f in found):
                continue
            found.append(("rel", m))
        for m in REL_WORD.finditer(s, a, b):
            if s[m.end():m.end() + 2] in ("的会", "会议") and False:
                continue
            found.append(("word", m))
        found.sort(key=lambda x: x[1].start())
        for kind, m in found:
            got = _resolve(kind, m, dl, ref, stamp_date)
            if got is not None:
                return got, m.start(), m.end()
        # A dateline in the lead sentence dates the report itself (本报福州2015年1月26日讯 … 今天).
    if dl is not None and dl_span[1] > dl_span[0] and loc.lead_sentence[0] <= dl_span[0] < loc.lead_sentence[1]:
        pass
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


def _meeting_time(view: TextView, loc: Located, limit: int, stamp_span) -> tuple[str, int, int] | None:
    s = view.s
    start = max(0, loc.lead_sentence[0])
    for m in TIME.finditer(s, start, limit):
        if stamp_span and stamp_span[0] <= m.start() < stamp_span[1] + 10 and "\n" not in s[stamp_span[1]:m.start()]:
            continue  # the stamp's own clock time, on the stamp's line
        h = _int(m.group("h"))
        if h is None:
            continue
        ap = m.group("ap")
        if m.group("mm") is not None:
            if not ap and (re.search(r"\d\s*$", s[max(0, m.start() - 3):m.start()])
                           or re.search(r"[-/年月日]\s*$", s[max(0, m.start() - 2):m.start()])):
                continue  # a stamp like 2023-01-16 08:30
            minute = int(m.group("mm"))
        else:
            if not ap and not re.match(rf"\d", m.group("h")) and not (m.group("min") or m.group("half")):
                continue  # 一时 / 十时 without a half-day word is prose, not a clock time
            minute = 30 if m.group("half") else (_int(m.group("min")) or 0)
        if re.search(r"[\d月]\s*$", s[max(0, m.start() - 1):m.start()]) and not ap:
            continue
        line_s = s.rfind("\n", 0, m.start()) + 1
        line_e = s.find("\n", m.end())
        line = s[line_s:line_e if line_e >= 0 else len(s)]
        if re.search(r"来源|发布|编辑|作者", line) and not re.search(r"开幕|开始|举行|召开", line):
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
        if not START_CUE.search(clause) and not START_CUE.search(s[sent_start:m.start()]) and not heads_lead:
            continue
        # End cues count up to the next clock time (`上午9时开始，下午5时结束`).
        nxt = TIME.search(s, m.end(), sent_end)
        own = s[m.end():nxt.start() if nxt and nxt.start() > m.end() else sent_end]
        if END_CUE.search(own) and not re.search(r"开始|开幕(?!式)", own) and not heads_lead:
            continue
        if re.search(r"结束|散会", own):
            continue
        return f"{h % 24:02d}:{minute:02d}", m.start(), m.end()
    return None
