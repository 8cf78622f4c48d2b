"""Every extracted value is grounded in its span: the snippet is the text at the span, and the
value can be read from the snippet (numbers, days and hours in it; labels over a non-empty cue;
names as written). Shared by the generalisation and real-world tests."""

from __future__ import annotations

import re

from transforms.facts import GOLD_FIELDS, ReportFacts
from transforms.normalize import normalize
from transforms.numbers import NUMBER_RE, parse_int

LABELS = {"is_meeting_report", "level", "body", "event", "quorum_claimed", "attendance_scope", "agenda_items"}
NUMBERS = {"term", "session", "required", "present", "absent", "key_tasks"}
LEVEL_WORDS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "县", "区", "旗", "州", "盟", "镇", "乡")


def _numbers(text: str) -> set[int]:
    return {n for n in (parse_int(m.group()) for m in NUMBER_RE.finditer(text)) if n is not None}


def ungrounded(text: str, facts: ReportFacts) -> list[str]:
    """The facts whose value cannot be read from their span (empty when all are grounded)."""
    bad = []
    region = facts.value("region")
    for name, fact in facts.facts():
        if name not in GOLD_FIELDS:
            continue
        if text[fact.start:fact.end] != fact.snippet:
            bad.append(f"{name}: snippet {fact.snippet!r} is not the text at {fact.start}:{fact.end}")
            continue
        clean, _ = normalize(fact.snippet)
        ok = True
        if name in LABELS:
            ok = bool(clean.strip()) or fact.value is False
        elif name in NUMBERS:
            ok = fact.value in _numbers(clean)
        elif name == "date":
            day = int(fact.value.split("-")[-1])
            ok = day in _numbers(clean) or clean.strip() in {"今天", "今日", "昨天", "昨日", "当天", "当日"}
        elif name == "time":
            hour = int(fact.value.split(":")[0])
            ok = bool({hour, hour - 12} & _numbers(clean))
        elif name == "meeting_name":
            # The name as written minus inserted glosses (（扩大）) and spaces; a name written
            # without its region is that region (its own fact and span) + the name, level word dropped.
            written = re.sub(r"[（(][^（）()]*[)）]|\s+", "", clean)
            # A name split by its verb (`县十七届人大常委会举行第五次会议`) is written without it.
            forms = {written, re.sub(r"(?:举行|召开)了?(?=第)", "", written)}
            if region:
                forms |= {region + f for f in forms} | {region + f[len(w):] for f in forms for w in LEVEL_WORDS
                                                          if f.startswith(w)}
            ok = fact.value in forms
        else:
            ok = fact.value in clean
        if not ok:
            bad.append(f"{name}: {fact.value!r} not read from {fact.snippet!r}")
    return bad
