"""Well-formedness checks for hand-written gold of the real-world development set.

Each batch directory holds the fixture files, `gold.jsonl` (one object per fixture, the dev
corpus schema, `file` relative to the batch directory) and `MANIFEST.json` (per file: encoding,
format, level, body, event and what the fixture exercises). `problems(batch_dir)` returns every
way the gold fails the schema conventions; an empty list means the gold is well-formed.

The checks read the fixture text independently of the extractor: bytes are decoded with the
encoding the manifest declares, HTML tags are dropped, traditional characters are converted to
simplified, and every non-null value must be recoverable from that text (names and venues as
substrings, numbers as Arabic or Chinese numerals, dates by their month/day and year figures).
`expected_violations` must equal the rules the gold facts themselves break (plus `unreadable`
when the manifest marks the bytes as broken).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import cn2an
from opencc import OpenCC

from transforms.facts import BODIES, CANONICAL_AGENDA, EVENTS, GOLD_FIELDS, LEVELS, SCOPES

FIELDS = ("file", *GOLD_FIELDS, "expected_violations")
RULES = (
    "present_le_required",
    "present_plus_absent_eq_required",
    "quorum_two_thirds",
    "quorum_majority",
    "quorum_claim_consistent",
    "presider_in_chairs",
    "unreadable",
)
# A region may stand apart from the name: the gold name is then region + the name as written
# without its generic level word (`县第十八届…` in the text, `X县` named elsewhere).
LEVEL_WORDS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
# Which scopes a body's sitting can report.
SCOPE_BY_BODY = {
    "人大": {"deputies", "presidium"},
    "政协": {"members", "presidium"},
    "人大常委会": {"standing_committee_members"},
    "政协常委会": {"standing_committee_members"},
    "other": set(SCOPES),
}
# What each canonical agenda item needs in the text (after t2s): a regex, so that coordinated
# names (`关于市人大常委会、市中级人民法院工作报告的决议`) still count.
AGENDA_CUES = {
    "政府工作报告": r"政府工作(的)?报告",
    "国民经济和社会发展计划执行情况与计划草案的报告": r"计划",
    "财政预算执行情况与预算草案的报告": r"预算",
    "国民经济和社会发展五年规划纲要草案": r"规划纲要|五年规划",
    "人大常委会工作报告": r"(常务委员会|常委会).{0,30}?工作报告",
    "人民法院工作报告": r"法院.{0,30}?工作报告",
    "人民检察院工作报告": r"检察院.{0,30}?工作报告",
    "政协常委会工作报告": r"(常务委员会|常委会).{0,30}?(工作报告|报告工作)|向大会报告工作",
    "提案工作情况报告": r"提案工作",
    "提案审查情况报告": r"提案审查",
    # a township has no standing committee: its 人大工作报告 is the presidium's
    "人大主席团工作报告": r"主席团工作报告|人大.{0,2}工作报告",
    "代表资格审查报告": r"资格",
    "决算报告": r"决算",
    "审计工作报告": r"审计",
    "预算调整方案的报告": r"预算调整",
}
RELATIVE_DAYS = ("今天", "今日", "昨天", "昨日", "当天", "当日", "前天", "本日")
DIGIT_CHARS = "〇零一二三四五六七八九"


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def load_manifest(batch: Path) -> dict[str, dict[str, Any]]:
    return json.loads((batch / "MANIFEST.json").read_text(encoding="utf-8"))


def load_gold(batch: Path) -> list[dict[str, Any]]:
    with (batch / "gold.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def raw_text(path: Path, encoding: str) -> str:
    """The file's characters as its manifest says they are encoded (broken tails replaced)."""
    return path.read_bytes().decode(encoding, errors="replace")


def visible_text(raw: str, fmt: str) -> str:
    """Text a reader sees: HTML without scripts, styles and tags; simplified, NFKC, no spaces."""
    text = raw
    if fmt == "html":
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "\n", text)
        text = re.sub(r"(?s)<!--.*?-->", "\n", text)
        text = re.sub(r"(?s)<[^>]+>", "\n", text)
        text = html.unescape(text)
    return squeeze(text)


def squeeze(text: str) -> str:
    text = unicodedata.normalize("NFKC", _t2s().convert(text))
    # spaces go (`现有代表 521 人`), line breaks stay so figures on adjacent lines do not merge
    return re.sub(r"[^\S\n]+", "", text).replace("\r", "")


def numbers(text: str) -> set[int]:
    """Every integer written in the text, as Arabic digits or Chinese numerals."""
    text = unicodedata.normalize("NFKC", text)
    out = {int(m) for m in re.findall(r"\d+", text)}
    for run in re.findall(r"[〇零一二三四五六七八九十百千两]+", text):
        if all(c in DIGIT_CHARS for c in run):  # 二〇二五 digit by digit; a single 三 too
            out.add(int("".join(str(DIGIT_CHARS.index(c) if c != "零" else 0) for c in run)))
        try:
            out.add(int(cn2an.cn2an(run.replace("两", "二"), "smart")))
        except (ValueError, KeyError, TypeError):
            pass
        # figures inside a longer run (`十四届人大三次` reads 十四 and 三 separately anyway)
        for sub in re.findall(r"[一二三四五六七八九十百千]+", run):
            try:
                out.add(int(cn2an.cn2an(sub, "smart")))
            except (ValueError, KeyError, TypeError):
                pass
    return out


def written(n: int, suffixes: tuple[str, ...], text: str) -> bool:
    """Whether n is written right before one of the suffixes (`9时`, `九时`, `09:`, `十二月`)."""
    forms = {str(n), f"{n:02d}", cn2an.an2cn(n)} | ({"两"} if n == 2 else set())
    return any(re.search(rf"(?<![\d〇零一二三四五六七八九十]){re.escape(f)}{re.escape(suf)}", text)
               for f in forms for suf in suffixes)


def violations(g: dict[str, Any]) -> list[str]:
    """The validation rules (corpus README) that the gold facts themselves break."""
    req, pres, absent = g.get("required"), g.get("present"), g.get("absent")
    scope = g.get("attendance_scope")
    out: list[str] = []
    if req is not None and pres is not None and pres > req:
        out.append("present_le_required")
    if None not in (req, pres, absent) and pres + absent != req:
        out.append("present_plus_absent_eq_required")
    two_thirds = scope in ("deputies", "members") and None not in (req, pres) and pres * 3 < req * 2
    majority = scope in ("standing_committee_members", "presidium") and None not in (req, pres) and pres * 2 <= req
    if two_thirds:
        out.append("quorum_two_thirds")
    if majority:
        out.append("quorum_majority")
    if g.get("quorum_claimed") and (two_thirds or majority):
        out.append("quorum_claim_consistent")
    chairs, presider = g.get("executive_chairs"), g.get("presider")
    if chairs and presider and presider not in chairs:
        out.append("presider_in_chairs")
    return out


def name_recoverable(name: str, region: str | None, text: str) -> bool:
    name = re.sub(r"[（(][^（）()]*[)）]", "", name)
    if name in text:
        return True
    if region and name.startswith(region) and region in text:
        rest = name[len(region):]
        return any(word + rest in text for word in LEVEL_WORDS) or (len(rest) > 6 and rest in text)
    return False


def check_record(g: dict[str, Any], raw: str, fmt: str, broken: bool) -> list[str]:
    """Problems with one gold object against its fixture's text."""
    errs: list[str] = []
    if tuple(g) != FIELDS:
        return [f"keys {list(g)} != {list(FIELDS)}"]
    text = visible_text(raw, fmt)
    nums = numbers(_t2s().convert(raw))
    rep = g["is_meeting_report"]
    if not isinstance(rep, bool):
        errs.append("is_meeting_report not bool")
    if rep is False:
        stated = [f for f in GOLD_FIELDS[1:] if g[f] is not None]
        if stated:
            errs.append(f"non-report states {stated}")
        if g["expected_violations"] not in ([], ["unreadable"]):
            errs.append("non-report with rule violations")
        return errs
    for f, allowed in (("level", LEVELS), ("body", BODIES), ("event", EVENTS)):
        if g[f] not in allowed:
            errs.append(f"{f}={g[f]!r} not in enum")
    if g["attendance_scope"] is not None and g["attendance_scope"] not in SCOPES:
        errs.append("attendance_scope not in enum")
    for f in ("term", "session", "required", "present", "absent", "key_tasks"):
        v = g[f]
        if v is None:
            continue
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            errs.append(f"{f}={v!r} not a positive int")
        elif v not in nums:
            errs.append(f"{f}={v} not written in the text")
    if not isinstance(g["quorum_claimed"], bool):
        errs.append("quorum_claimed must be a bool for a meeting report")
    counts = [g[f] for f in ("required", "present", "absent")]
    if (g["attendance_scope"] is None) != all(c is None for c in counts):
        errs.append("attendance_scope must be null exactly when there are no counts")
    if g["attendance_scope"] and g["body"] and g["attendance_scope"] not in SCOPE_BY_BODY[g["body"]]:
        errs.append(f"scope {g['attendance_scope']} does not fit body {g['body']}")
    if g["level"] == "national" and g["region"] != "全国":
        errs.append("national meetings have region 全国")
    for f in ("region", "venue", "presider", "work_report_by"):
        v = g[f]
        if v is not None and (not isinstance(v, str) or squeeze(v) != v or v not in text):
            errs.append(f"{f}={v!r} not found in the text")
    if g["meeting_name"] is not None and not name_recoverable(g["meeting_name"], g["region"], text):
        errs.append(f"meeting_name={g['meeting_name']!r} not recoverable")
    chairs = g["executive_chairs"]
    if chairs is not None:
        if not isinstance(chairs, list) or not chairs or len(set(chairs)) != len(chairs):
            errs.append("executive_chairs must be null or a non-empty list without duplicates")
        else:
            errs += [f"chair {c!r} not found in the text" for c in chairs if c not in text]
    items = g["agenda_items"]
    if items is not None:
        if not isinstance(items, list) or not items or len(set(items)) != len(items):
            errs.append("agenda_items must be null or a non-empty list without duplicates")
        else:
            for item in items:
                if item not in CANONICAL_AGENDA:
                    errs.append(f"agenda item {item!r} is not a canonical name")
                elif not re.search(AGENDA_CUES[item], text):
                    errs.append(f"agenda item {item!r} has no cue in the text")
    date = g["date"]
    if date is not None:
        m = re.fullmatch(r"(?:(\d{4})-)?(\d{2})-(\d{2})", date)
        if not m:
            errs.append(f"date {date!r} malformed")
        else:
            year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
            relative = any(w in text for w in RELATIVE_DAYS)
            month_ok = written(month, ("月",), text) or f"-{month:02d}-" in text or (month == 1 and "元月" in text)
            day_ok = written(day, ("日", "号"), text) or re.search(rf"-{day:02d}(?!\d)", text)
            if not relative and not (month_ok and day_ok):
                errs.append(f"date {date} month/day not written")
            if year and int(year) not in nums:
                errs.append(f"date year {year} not written")
    tm = g["time"]
    if tm is not None:
        m = re.fullmatch(r"(\d{2}):(\d{2})", tm)
        if not m:
            errs.append(f"time {tm!r} malformed")
        else:
            hour, minute = int(m.group(1)), int(m.group(2))
            if not any(written(h, ("时", "点", ":"), text) for h in {hour, hour - 12} if h > 0):
                errs.append(f"time {tm} hour not written")
            if minute and not (written(minute, ("分",), text) or f":{minute:02d}" in text
                               or (minute == 30 and "半" in text)):
                errs.append(f"time {tm} minute not written")
    expected = violations(g) + (["unreadable"] if broken else [])
    if g["expected_violations"] != expected:
        errs.append(f"expected_violations {g['expected_violations']} != {expected} (from the gold facts)")
    return errs


def problems(batch: Path) -> list[str]:
    """Every problem with a batch's gold, as `file: message` lines."""
    manifest = load_manifest(batch)
    gold = load_gold(batch)
    out: list[str] = []
    on_disk = {p.name for p in batch.iterdir() if p.name not in {"gold.jsonl", "MANIFEST.json", "README.md"}}
    listed = [g.get("file") for g in gold]
    if len(set(listed)) != len(listed):
        out.append("gold.jsonl lists a file twice")
    if set(listed) != on_disk:
        out.append(f"gold files != files on disk: {sorted(set(listed) ^ on_disk)}")
    if set(manifest) != set(listed):
        out.append(f"manifest files != gold files: {sorted(set(manifest) ^ set(listed))}")
    for g in gold:
        name = g.get("file")
        meta = manifest.get(name)
        if meta is None or name not in on_disk:
            continue
        raw = raw_text(batch / name, meta["encoding"])
        out += [f"{name}: {e}" for e in check_record(g, raw, meta["format"], bool(meta.get("broken")))]
        for f in ("level", "body", "event"):
            if meta.get(f) != g.get(f) and g.get("is_meeting_report"):
                out.append(f"{name}: manifest {f} {meta.get(f)!r} != gold {g.get(f)!r}")
    return out
