"""A deterministic corpus of synthetic session reports with the facts each one states.

`generate(n, seed)` yields `Generated` reports: file name, bytes and the gold-shaped expected
facts (same schema as the dev corpus's gold.jsonl). The same (n, seed) gives byte-identical
files on every machine: every report draws from its own `random.Random(f"{seed}:{i}")`.

Reports vary along the structure of the language rather than copying one template: the
meeting-name word order per body, roster / present / absent cue words and their order,
Arabic, spaced and Chinese-numeral counts, chair-list delimiters and lead-ins, presider
phrasings, agenda verbs, key-task lead-ins and separators. Bodies are padded with neutral
review prose to 2-30 KB. They are written as UTF-8, GB18030, Big5 (traditional), UTF-16 text
or UTF-8 HTML; about 3 % are invalid (empty, binary, truncated UTF-8) and about 5 % break a
validation rule (present > required, present + absent != roster).

`write_corpus(out, n, seed)` writes the files plus `.manifest.jsonl` (one expected record per
file, `file` relative to `out`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = ".manifest.jsonl"  # hidden: the inbox scan skips it

# (region as named in the meeting name, level, short prefix used in titles and agencies)
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("河北省", "province", "省"), ("山西省", "province", "省"), ("湖南省", "province", "省"),
    ("四川省", "province", "省"), ("甘肃省", "province", "省"), ("江西省", "province", "省"),
    ("保定市", "city", "市"), ("宜昌市", "city", "市"), ("株洲市", "city", "市"), ("赣州市", "city", "市"),
    ("遵义市", "city", "市"), ("绵阳市", "city", "市"), ("洛阳市", "city", "市"), ("无锡市", "city", "市"),
    ("平遥县", "county", "县"), ("沁源县", "county", "县"), ("灵丘县", "county", "县"), ("神池县", "county", "县"),
    ("蓝田县", "county", "县"), ("彭阳县", "county", "县"), ("盐池县", "county", "县"), ("岚县", "county", "县"),
    ("朔州市平鲁区", "county", "区"), ("鄂托克旗", "county", "旗"),
    ("大营镇", "township", "镇"), ("石门乡", "township", "乡"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强海燕丽华永福晓东素琴文瑞玉芳振邦承恩立德秀英明辉红梅春生国栋新民卫东俊杰淑珍桂兰宏伟德胜学军玉兰金山"
VENUES = ("人民会堂", "会议中心", "政府礼堂", "人大常委会会议室", "政府二楼会议室", "政协会议厅", "大会堂")
NUMERALS = "零一二三四五六七八九"
TRADITIONAL_OK = ("big5",)

# Agenda reports by body, as (canonical name, phrase in the text).
AGENDA_RENDA = (
    ("国民经济和社会发展计划执行情况与计划草案的报告", "{gov}关于{y0}年国民经济和社会发展计划执行情况与{y1}年国民经济和社会发展计划草案的报告"),
    ("财政预算执行情况与预算草案的报告", "{gov}关于{y0}年财政预算执行情况与{y1}年财政预算草案的报告"),
    ("人大常委会工作报告", "{p}人大常委会工作报告"),
    ("人民法院工作报告", "{p}人民法院工作报告"),
    ("人民检察院工作报告", "{p}人民检察院工作报告"),
)
AGENDA_ZHENGXIE = (
    ("政协常委会工作报告", "政协{p}委员会常务委员会工作报告"),
    ("提案工作情况报告", "常委会关于提案工作情况的报告"),
)
FILLER_SUBJECTS = ("全{p}上下", "各级各部门", "广大干部群众", "{p}委{p}政府", "基层干部")
FILLER_VERBS = ("扎实推进", "持续深化", "统筹抓好", "稳步实施", "大力发展", "认真落实")
FILLER_OBJECTS = ("乡村振兴战略", "生态环境保护", "城市更新行动", "营商环境优化", "民生实事项目", "文旅融合发展",
                  "科技创新体系", "基础设施建设", "教育医疗事业", "社会治理创新", "特色农业产业", "开发区改革")
FILLER_RESULTS = ("取得明显成效", "迈出坚实步伐", "呈现良好态势", "得到群众认可", "实现新的突破", "稳中有进")


@dataclass(frozen=True)
class Generated:
    name: str  # file name (relative path in the written corpus)
    data: bytes
    expected: dict[str, Any]  # gold-schema record without `file`


def cn_number(n: int) -> str:
    """0 < n < 10000 as Chinese numerals, the way reports write counts (二百零三)."""
    if n < 10:
        return NUMERALS[n]
    out: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"))
    zero = False
    for value, unit in units:
        digit = n // value % 10
        if digit:
            if zero:
                out.append("零")
                zero = False
            out.append(("" if (value == 10 and n < 20) else NUMERALS[digit]) + unit)
        elif out:
            zero = True
    last = n % 10
    if last:
        if zero:
            out.append("零")
        out.append(NUMERALS[last])
    return "".join(out)


def _ordinal(n: int, rng: random.Random) -> str:
    """届/次 numbers: Chinese numerals mostly, Arabic for large session numbers sometimes."""
    return str(n) if n > 20 and rng.random() < 0.5 else cn_number(n)


def _count(n: int, rng: random.Random, unit: str) -> str:
    form = rng.random()
    if form < 0.6:
        return f"{n}{unit}"
    if form < 0.8:
        return f" {n} {unit}"
    return f"{cn_number(n)}{unit}"


def _names(rng: random.Random, k: int) -> list[str]:
    out: list[str] = []
    while len(out) < k:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in out:
            out.append(name)
    return out


def _filler(rng: random.Random, prefix: str, chars: int) -> list[str]:
    """Neutral review paragraphs: no counts, names, cue words or enumerations."""
    paras: list[str] = []
    total = 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            sentences.append(rng.choice(FILLER_SUBJECTS).format(p=prefix) + rng.choice(FILLER_VERBS)
                             + rng.choice(FILLER_OBJECTS) + "，" + rng.choice(FILLER_OBJECTS)
                             + rng.choice(FILLER_RESULTS) + "。")
        para = "过去一年，" + "".join(sentences)
        paras.append(para)
        total += len(para)
    return paras


def _meeting(rng: random.Random) -> dict[str, Any]:
    region, level, prefix = rng.choice(REGIONS)
    body = rng.choice(("人大", "人大", "人大", "政协", "政协", "人大常委会")) if level != "township" else "人大"
    term = rng.randint(8, 18) if body != "人大常委会" else rng.randint(10, 16)
    session = rng.randint(1, 7) if body != "人大常委会" else rng.randint(2, 40)
    t, s = _ordinal(term, rng), _ordinal(session, rng)
    if body == "人大":
        name = f"{region}第{t}届人民代表大会第{s}次会议"
        scope, event = "deputies", rng.choice(("开幕", "闭幕"))
    elif body == "政协":
        name = f"中国人民政治协商会议{region}第{t}届委员会第{s}次会议" if rng.random() < 0.5 else \
            f"政协{region}第{t}届委员会第{s}次会议"
        scope, event = "members", rng.choice(("开幕", "闭幕"))
    else:
        name = f"{region}第{t}届人民代表大会常务委员会第{s}次会议"
        scope, event = "standing_committee_members", rng.choice(("开幕", "other"))
    return {"region": region, "level": level, "prefix": prefix, "body": body, "term": term, "session": session,
            "meeting_name": name, "attendance_scope": scope, "event": event}


def _attendance(rng: random.Random, m: dict[str, Any], broken: bool) -> tuple[str, dict[str, Any]]:
    body = m["body"]
    noun = {"人大": "代表", "政协": "委员", "人大常委会": "常委会组成人员"}[body]
    base = {"township": 60, "county": 200, "city": 450, "province": 700}[m["level"]]
    required = rng.randint(base // 2, base) if body != "人大常委会" else rng.randint(20, 60)
    present = rng.randint(-(-required * 3 // 4), required - 1)
    absent = required - present
    if broken:
        if rng.random() < 0.5:
            present = required + rng.randint(1, 9)  # present > required
            absent = None
        else:
            absent += rng.randint(1, 5)  # present + absent != required
    state_absent = absent is not None and rng.random() < 0.5
    unit = rng.choice(("人", "名"))
    roster_cue = rng.choice(("应出席", "应到", "现有", "实有", "共有"))
    present_cue = rng.choice(("出席", "实到", "实际出席", "到会"))
    absent_cue = rng.choice(("缺席", "请假", "因事因病请假"))
    claimed = rng.random() < 0.8
    quorum = rng.choice(("符合法定人数", "满足法定人数", "出席人数符合法定人数"))
    opener = rng.choice(("本次会议", "会议", "大会"))
    roster = f"{roster_cue}{noun}{_count(required, rng, unit)}"
    pres = f"{present_cue}{_count(present, rng, unit)}"
    parts = [roster, pres]
    if state_absent:
        ab = f"{absent_cue}{_count(absent, rng, unit)}"
        parts = [roster, ab, pres] if rng.random() < 0.3 else [roster, pres, ab]
    sentence = opener + "，".join(parts) + ("，" + quorum if claimed else "") + "。"
    facts = {"required": required, "present": present, "absent": absent if state_absent else None,
             "quorum_claimed": claimed}
    return sentence, facts


def _chairs(rng: random.Random, names: list[str], presider_is_chair: bool) -> tuple[str, str]:
    delim = rng.choice(("、", "，", "、"))
    listed = delim.join(names)
    lead = rng.randrange(3)
    if lead == 0:
        chairs = f"大会执行主席{listed}在主席台前排就座。"
    elif lead == 1:
        chairs = f"担任本次会议执行主席的有：{listed}。"
    else:
        chairs = f"本次会议的执行主席是：{listed}。"
    return chairs, delim


def _presider_sentence(rng: random.Random, who: str) -> str:
    return rng.choice((f"{who}主持会议。", f"会议由{who}主持。", f"大会由{who}主持。"))


def _agenda(rng: random.Random, m: dict[str, Any], year: int, work_by: str | None) -> tuple[list[str], list[str]]:
    """Sentences and canonical names, in order of first mention."""
    gov = f"{m['prefix']}人民政府"
    sentences: list[str] = []
    names: list[str] = []
    if m["body"] == "人大":
        if work_by:
            sentences.append(rng.choice((f"{work_by}代表{gov}向大会作政府工作报告。",
                                         f"{work_by}代表{gov}作政府工作报告。")))
            names.append("政府工作报告")
        picks = [a for a in AGENDA_RENDA if rng.random() < 0.6]
        for canonical, phrase in picks:
            verb = rng.choice(("审查了", "审议了", "书面审查了", "听取和审议了"))
            sentences.append(f"大会还{verb}{phrase.format(gov=gov, y0=year - 1, y1=year, p=m['prefix'])}。")
            names.append(canonical)
    elif m["body"] == "政协":
        picks = [a for a in AGENDA_ZHENGXIE if rng.random() < 0.7]
        for canonical, phrase in picks:
            verb = rng.choice(("听取了", "审议了"))
            sentences.append(f"会议{verb}{phrase.format(p=m['region'])}。")
            names.append(canonical)
    return sentences, names


def _key_tasks(rng: random.Random, k: int) -> str:
    lead = rng.choice(("报告提出，今年重点抓好{n}个方面工作：", "报告指出，今年要重点抓好{n}方面工作：",
                       "报告提出，{y}要着力抓好{n}个方面工作："))
    sep = rng.choice(("；", "。", "，"))
    items = [f"{cn_number(i)}是{rng.choice(FILLER_VERBS)}{rng.choice(FILLER_OBJECTS)}" for i in range(1, k + 1)]
    return lead.format(n=cn_number(k), y="今年") + sep.join(items) + "。"


def _report(rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """(title, text, expected facts) of one valid-bytes report."""
    m = _meeting(rng)
    year = rng.randint(2008, 2026)
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    state_year = rng.random() < 0.8
    date_text = f"{year}年{month}月{day}日" if state_year else f"{month}月{day}日"
    hour, minute = rng.choice((8, 9, 9, 14, 15)), rng.choice((0, 0, 30))
    half = "上午" if hour < 12 else "下午"
    clock = f"{half}{hour if hour < 12 else hour - 12}时" + (f"{minute}分" if minute else "")
    state_time = rng.random() < 0.85
    venue = m["prefix"] + rng.choice(VENUES)
    broken = rng.random() < 0.05
    attendance, counts = _attendance(rng, m, broken)
    plenary = m["body"] in ("人大", "政协")
    chair_names = _names(rng, rng.randint(3, 9)) if plenary and rng.random() < 0.8 else []
    presider = chair_names[rng.randrange(len(chair_names))] if chair_names else _names(rng, 1)[0]
    work_by = _names(rng, 1)[0] if m["body"] == "人大" and rng.random() < 0.8 else None
    if work_by in chair_names:
        work_by = None
    verb = {"开幕": "开幕", "闭幕": "闭幕", "other": "召开"}[m["event"]]
    if m["event"] == "other":
        verb = rng.choice(("召开", "举行"))
    title = f"{m['meeting_name']}{verb}"
    paras = [f"{date_text}{half}，{m['meeting_name']}在{venue}{verb}。"]
    if chair_names:
        chairs, _ = _chairs(rng, chair_names, True)
        paras.append(chairs + _presider_sentence(rng, presider))
    else:
        paras.append(f"{m['prefix']}人大常委会主任{presider}主持会议。" if m["body"] == "人大常委会"
                     else _presider_sentence(rng, presider))
    paras.append(attendance)
    if state_time:
        paras.append(f"{clock}，{presider}宣布会议开幕，全体起立，奏唱国歌。" if m["event"] == "开幕"
                     else f"{clock}，会议开始。")
    agenda_sentences, agenda = _agenda(rng, m, year, work_by)
    paras.extend(agenda_sentences)
    key_tasks = rng.randint(3, 9) if work_by and rng.random() < 0.6 else None
    if key_tasks:
        paras.append(_key_tasks(rng, key_tasks))
    # UTF-8 size in KB, skewed small like real archives (mean about 6.5 KB, up to 30 KB).
    target = int(rng.choice((2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8, 10, 16, 30)) * 1024 * rng.uniform(0.85, 1.0) / 3)
    used = sum(len(p) for p in paras) + len(title)
    filler = _filler(rng, m["prefix"], max(0, target - used - 40))
    paras[2:2] = filler[: len(filler) // 2]
    paras.extend(filler[len(filler) // 2:])
    paras.append(f"（编辑：{_names(rng, 1)[0]}）")
    text = title + "\n\n" + "\n\n".join(paras) + "\n"
    expected = {
        "is_meeting_report": True,
        "meeting_name": m["meeting_name"],
        "region": m["region"],
        "level": m["level"],
        "body": m["body"],
        "term": m["term"],
        "session": m["session"],
        "event": m["event"],
        "date": f"{year:04d}-{month:02d}-{day:02d}" if state_year else f"{month:02d}-{day:02d}",
        "time": f"{hour:02d}:{minute:02d}" if state_time else None,
        "venue": venue,
        **counts,
        "attendance_scope": m["attendance_scope"],
        "executive_chairs": chair_names or None,
        "presider": presider,
        "work_report_by": work_by,
        "agenda_items": agenda or None,
        "key_tasks": key_tasks,
    }
    expected["expected_violations"] = expected_violations(expected)
    return title, text, expected


def expected_violations(r: dict[str, Any]) -> list[str]:
    """The corpus README's rules computed from the expected facts (rule order of the suite)."""
    out: list[str] = []
    req, pre, ab = r.get("required"), r.get("present"), r.get("absent")
    if req is not None and pre is not None and pre > req:
        out.append("present_le_required")
    if None not in (req, pre, ab) and pre + ab != req:
        out.append("present_plus_absent_eq_required")
    quorum_ok = None
    if req is not None and pre is not None:
        if r.get("attendance_scope") in ("deputies", "members"):
            quorum_ok = pre * 3 >= req * 2
            if not quorum_ok:
                out.append("quorum_two_thirds")
        elif r.get("attendance_scope") in ("standing_committee_members", "presidium"):
            quorum_ok = pre * 2 > req
            if not quorum_ok:
                out.append("quorum_majority")
    if r.get("quorum_claimed") and quorum_ok is False:
        out.append("quorum_claim_consistent")
    chairs = r.get("executive_chairs")
    if chairs and r.get("presider") and r["presider"] not in chairs:
        out.append("presider_in_chairs")
    return out


_NOT_A_REPORT = {"is_meeting_report": False, "expected_violations": ["unreadable"]}


def generate_text(seed: int, i: int) -> str | None:
    """The text report `i` was encoded from (None for the invalid ones): what the jieba floor
    of `congress-etl bench` segments."""
    rng = random.Random(f"{seed}:{i}")
    if rng.random() < 0.03:
        return None
    return _report(rng)[1]


def _invalid(rng: random.Random) -> tuple[str, bytes, dict[str, Any]]:
    kind = rng.randrange(3)
    if kind == 0:
        return "txt", b"", dict(_NOT_A_REPORT)
    if kind == 1:
        return "txt", bytes(rng.randrange(256) for _ in range(rng.randint(2048, 4096))), dict(_NOT_A_REPORT)
    return "txt", None, {}  # truncated: filled in by the caller from a real report


def _html(title: str, text: str, expected: dict[str, Any]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n")[1:] if p.strip())
    stamp = expected["date"] if len(expected["date"]) == 10 else None
    meta = f'<meta property="article:published_time" content="{stamp}T10:00:00+08:00">' if stamp else ""
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head>\n'
            f'<body><div class="nav"><a href="/">首页</a> <a href="/news">新闻</a></div>\n'
            f'<article><h1>{title}</h1>\n{body}</article>\n'
            f'<div class="footer">版权所有 主办单位：人大常委会办公室</div></body></html>\n')
    return page.encode("utf-8")


_CONVERTER = None


def _traditional(text: str) -> str:
    global _CONVERTER
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC("s2tw")  # Taiwan forms (群, 眾) are the ones Big5 has
    return _CONVERTER.convert(text)


def _encode(rng: random.Random, title: str, text: str, expected: dict[str, Any]) -> tuple[str, bytes, str]:
    pick = rng.random()
    if pick < 0.55:
        return "txt", text.encode("utf-8"), "utf-8"
    if pick < 0.70:
        return "txt", text.encode("gb18030"), "gb18030"
    if pick < 0.78:
        try:
            return "txt", _traditional(text).encode("big5"), "big5"
        except UnicodeEncodeError:  # a character Big5 lacks: fall back, still deterministic
            return "txt", text.encode("gb18030"), "gb18030"
    if pick < 0.85:
        return "txt", text.encode("utf-16"), "utf-16"
    return "html", _html(title, text, expected), "utf-8"


def generate_one(seed: int, i: int) -> Generated:
    """Report number `i` of the corpus with this seed."""
    rng = random.Random(f"{seed}:{i}")
    if rng.random() < 0.03:
        ext, data, expected = _invalid(rng)
        if data is None:  # truncated UTF-8: a real report cut inside a character
            _, text, expected = _report(rng)
            raw = text.encode("utf-8")
            cut = len(raw) // 2
            while raw[cut] < 0xC0:  # stop on the lead byte of a multi-byte character
                cut += 1
            data = raw[: cut + 1]
            expected = {**{k: None for k in expected}, "is_meeting_report": None,
                        "expected_violations": ["unreadable"], "truncated": True}
        return Generated(f"{i:07d}_invalid.{ext}", data, expected)
    title, text, expected = _report(rng)
    ext, data, encoding = _encode(rng, title, text, expected)
    return Generated(f"{i:07d}_{expected['body']}_{encoding}.{ext}", data, {**expected, "encoding": encoding})


def generate(n: int, seed: int = 0) -> Iterator[Generated]:
    for i in range(n):
        yield generate_one(seed, i)


def write_corpus(out: Path | str, n: int, seed: int = 0, per_dir: int = 1000) -> Path:
    """Write n reports (in subfolders of `per_dir` files) and `manifest.jsonl` under `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / MANIFEST).open("w", encoding="utf-8") as manifest:
        for i, g in enumerate(generate(n, seed)):
            rel = f"{i // per_dir:04d}/{g.name}"
            path = out / rel
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(g.data)
            manifest.write(json.dumps({"file": rel, **g.expected}, ensure_ascii=False) + "\n")
    return out


def read_manifest(out: Path | str) -> list[dict[str, Any]]:
    with (Path(out) / MANIFEST).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def ensure_corpus(out: Path | str, n: int, seed: int = 0) -> Path:
    """The corpus for (n, seed) at `out`, written unless a complete one is already there
    (generating 100,000 reports takes minutes; a bench rerun reuses them)."""
    out = Path(out)
    stamp = out / ".complete"
    want = f"n={n} seed={seed} per_dir=1000\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == want:
        return out
    if out.exists():
        import shutil

        shutil.rmtree(out)
    write_corpus(out, n, seed)
    stamp.write_text(want, encoding="utf-8")
    return out
