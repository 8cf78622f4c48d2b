"""Compare predicted records with gold records: per-field and overall precision/recall/F1.

Scalar field: TP when prediction == gold (after trimming and traditional→simplified);
FP when a value is predicted and differs from gold or gold is null; FN when gold has a
value and the prediction is null or different. List fields score element by element as
sets. A key absent from a gold line is not scored for that file. Violations score as
sets of rule ids per file.

The recall audit below (`differences`, `locate`, `audit_file`) lists each FN and FP with the
sentence of the text that states the value (`congress-etl eval --misses / --false-positives`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from transforms.facts import GOLD_FIELDS, LIST_FIELDS


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.support += other.support

    def figures(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": self.support,
        }


def _canon(value: Any, simplify: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return simplify(value.strip())
    return value


def score_scalar(pred: Any, gold: Any, simplify: Callable[[str], str]) -> Counts:
    pred, gold = _canon(pred, simplify), _canon(gold, simplify)
    counts = Counts(support=int(gold is not None))
    if pred is not None and gold is not None and pred == gold and type(pred) is type(gold):
        counts.tp = 1
        return counts
    if pred is not None:
        counts.fp = 1
    if gold is not None:
        counts.fn = 1
    return counts


def score_set(pred: Iterable[Any] | None, gold: Iterable[Any] | None, simplify: Callable[[str], str]) -> Counts:
    p = {_canon(v, simplify) for v in pred or ()}
    g = {_canon(v, simplify) for v in gold or ()}
    return Counts(tp=len(p & g), fp=len(p - g), fn=len(g - p), support=len(g))


def score(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    simplify: Callable[[str], str] = lambda s: s,
) -> dict[str, Any]:
    """pairs: (prediction, gold) records; prediction may carry `violations` (rule ids)."""
    fields = {name: Counts() for name in GOLD_FIELDS}
    violations: dict[str, Counts] = {}
    files = 0
    for pred, gold in pairs:
        files += 1
        for name in GOLD_FIELDS:
            if name not in gold:
                continue
            if name in LIST_FIELDS:
                fields[name].add(score_set(pred.get(name), gold[name], simplify))
            else:
                fields[name].add(score_scalar(pred.get(name), gold[name], simplify))
        if "expected_violations" in gold:
            expected = set(gold["expected_violations"] or ())
            raised = set(pred.get("violations") or ())
            for rule in expected | raised:
                c = violations.setdefault(rule, Counts())
                c.add(Counts(tp=int(rule in expected and rule in raised), fp=int(rule in raised - expected),
                             fn=int(rule in expected - raised), support=int(rule in expected)))
    overall = Counts()
    for c in fields.values():
        overall.add(c)
    all_violations = Counts()
    for c in violations.values():
        all_violations.add(c)
    return {
        "files": files,
        "overall": {k: v for k, v in overall.figures().items() if k != "support"},
        "fields": {name: c.figures() for name, c in fields.items()},
        "violations": {
            "overall": all_violations.figures(),
            "rules": {rule: c.figures() for rule, c in sorted(violations.items())},
        },
    }


# ---------------------------------------------------------------- recall audit (`eval --misses`)
#
# For every value that scores FN (a gold value the extractor did not produce) or FP (a value it
# produced that gold does not have), find where in the text it is stated and show that sentence,
# so a person sees the phrasing that was missed without opening the file. Gold values are located
# in the normalised text (`Document.clean`: simplified, half-width) and mapped back to the
# decoded text; predicted values carry their own span.

MISS = "miss"  # gold has it, the prediction does not (recall)
FALSE_POSITIVE = "false_positive"  # the prediction has it, gold does not (precision)

# Words around a number or label that say which field it is: they rank the places a gold value
# occurs (a count like 3 appears many times; the one next to 缺席 is the absent count).
FIELD_CUES: dict[str, str] = {
    "term": "届",
    "session": "次会议|次全体会议|会议",
    "required": "应出席|应到|应到会|现有|实有|共有|总数|组成人员",
    "present": "出席|实到|到会|参加",
    "absent": "缺席|请假",
    "key_tasks": "方面|项|是|重点|工作",
    "date": "日",
    "time": "时|点|:",
    "venue": "在|会堂|会议|礼堂|中心",
    "presider": "主持",
    "executive_chairs": "执行主席",
    "work_report_by": "政府工作报告|作.{0,12}报告",
    "quorum_claimed": "法定人数|规定人数|章程规定|三分之二|半数|合法有效|可以开会",
    "is_meeting_report": "开幕|闭幕|召开|举行|会议",
}
# Closed-set labels: where the text says them.
LABEL_CUES: dict[str, dict[Any, str]] = {
    "body": {"人大": "人民代表大会|人大", "政协": "政治协商会议|政协",
             "人大常委会": "人大常委会|人民代表大会常务委员会|人大常务委员会",
             "政协常委会": "政协常委会|政协.{0,12}常务委员会"},
    "event": {"开幕": "开幕", "闭幕": "闭幕|闭会", "预备会议": "预备会议",
              "全体会议": "全体会议", "other": "召开|举行|会议"},
    "attendance_scope": {"deputies": "代表", "members": "委员", "presidium": "主席团",
                         "standing_committee_members": "常委|常务委员会组成人员|委员"},
}
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CN_DIGITS = "〇零一二两三四五六七八九十百千万"
_MONTH_DAY = re.compile(rf"(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[日号]")
_CLOCK = re.compile(rf"(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*(?:时|点|:|：)")


@dataclass(frozen=True)
class Where:
    """A sentence of the decoded text and the span inside it that holds a value."""

    sentence: str
    mark: tuple[int, int]  # [start, end) within `sentence`
    offset: int  # text index of sentence[0]
    exact: bool  # the value itself was found (False: the closest sentence, or a cue only)

    def marked(self, left: str = "⟦", right: str = "⟧") -> str:
        a, b = self.mark
        return f"{self.sentence[:a]}{left}{self.sentence[a:b]}{right}{self.sentence[b:]}"


@dataclass(frozen=True)
class Finding:
    """One value that scored FN (`kind` = miss) or FP (`kind` = false_positive) in one file."""

    file: str
    field: str
    kind: str
    gold: Any  # the gold value (the element, for list fields); None for a false positive gold lacks
    got: Any  # what the extractor produced for the field (the element, for list fields)
    where_gold: tuple[Where, ...] = ()  # where the text states the gold value
    where_got: tuple[Where, ...] = ()  # where the extractor read its value
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "field": self.field, "kind": self.kind, "gold": self.gold, "got": self.got,
            "note": self.note,
            "where_gold": [{"sentence": w.sentence, "mark": list(w.mark), "offset": w.offset, "exact": w.exact}
                           for w in self.where_gold],
            "where_got": [{"sentence": w.sentence, "mark": list(w.mark), "offset": w.offset, "exact": w.exact}
                          for w in self.where_got],
        }


def differences(
    pred: Mapping[str, Any], gold: Mapping[str, Any], simplify: Callable[[str], str] = lambda s: s
) -> list[tuple[str, str, Any, Any]]:
    """(field, kind, gold value, predicted value) for every FN and FP that `score` counts, in
    gold-field order; list fields element by element. Violations come last as field
    `violations` (gold = an expected rule not raised, got = a raised rule not expected)."""
    out: list[tuple[str, str, Any, Any]] = []
    for name in GOLD_FIELDS:
        if name not in gold:
            continue
        if name in LIST_FIELDS:
            p = {_canon(v, simplify): v for v in pred.get(name) or ()}
            g = {_canon(v, simplify): v for v in gold[name] or ()}
            out += [(name, MISS, g[k], None) for k in g if k not in p]
            out += [(name, FALSE_POSITIVE, None, p[k]) for k in p if k not in g]
            continue
        counts = score_scalar(pred.get(name), gold[name], simplify)
        if counts.fn:
            out.append((name, MISS, gold[name], pred.get(name)))
        if counts.fp:
            out.append((name, FALSE_POSITIVE, gold[name], pred.get(name)))
    if "expected_violations" in gold:
        expected = list(dict.fromkeys(gold["expected_violations"] or ()))
        raised = list(dict.fromkeys(pred.get("violations") or ()))
        out += [("violations", MISS, r, None) for r in expected if r not in raised]
        out += [("violations", FALSE_POSITIVE, None, r) for r in raised if r not in expected]
    return out


def sentence_at(text: str, start: int, end: int, width: int = 160) -> Where:
    """The sentence of `text` holding [start, end), cut to about `width` characters around it."""
    left = start
    while left > 0 and not _SENTENCE_END.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not _SENTENCE_END.match(text[right]):
        right += 1
    if right < len(text) and text[right] != "\n":
        right += 1  # keep the full stop
    room = max(0, width - (end - start)) // 2
    if start - left > room:
        left = start - room
    if right - end > room:
        right = end + room
    raw = text[left:right]
    lead = len(raw) - len(raw.lstrip())
    sentence = raw.strip()
    return Where(sentence=sentence, mark=(start - left - lead, end - left - lead), offset=left + lead, exact=True)


def _cue_distance(clean: str, start: int, end: int, cues: str | None, reach: int = 24) -> int:
    """Characters between [start, end) and the nearest cue word in the same sentence (a large
    number when there is none)."""
    far = 1 << 30
    if not cues:
        return far
    lo, hi = max(0, start - reach), min(len(clean), end + reach)
    for m in _SENTENCE_END.finditer(clean, lo, start):
        lo = m.end()
    stop = _SENTENCE_END.search(clean, end, hi)
    hi = stop.start() if stop else hi
    best = far
    for m in re.finditer(cues, clean[lo:hi]):
        a, b = lo + m.start(), lo + m.end()
        best = min(best, start - b if b <= start else a - end if a >= end else 0)
    return best


def _parse(token: str) -> int | None:
    from transforms.numbers import parse_int

    return parse_int(token)


def _number_spans(clean: str, value: int) -> list[tuple[int, int]]:
    from transforms.numbers import NUMBER_RE

    return [(m.start(), m.end()) for m in NUMBER_RE.finditer(clean) if _parse(m.group()) == value]


def _chars_pattern(value: str) -> re.Pattern[str]:
    # Spaces and line breaks may split a name or a title in the text (`郝  云`, a wrapped line).
    return re.compile(r"\s*".join(re.escape(ch) for ch in value if not ch.isspace()))


def _closest_sentence(clean: str, value: str) -> tuple[int, int] | None:
    """The span of the sentence sharing most character pairs with `value` (at least half)."""
    pairs = {value[i:i + 2] for i in range(len(value) - 1)}
    if not pairs:
        return None
    best, best_hits, pos = None, 0, 0
    for m in _SENTENCE_END.finditer(clean + "\n"):
        sentence = clean[pos:m.start()]
        hits = sum(p in sentence for p in pairs)
        if hits > best_hits:
            best, best_hits = (pos, m.start()), hits
        pos = m.end()
    return best if best_hits * 2 >= len(pairs) else None


def locate(field: str, value: Any, clean: str, gold: Mapping[str, Any] | None = None) -> list[tuple[int, int, bool]]:
    """Where `clean` states `value` of `field`: [(start, end, exact)], best first.

    Numbers in any form the extractors parse (185, 一百八十五); dates as `M月D日`; times as the
    hour; names and phrases literally (spaces allowed between characters), else the sentence
    sharing most character pairs; labels by the words that say them. Places next to the field's
    cue words come first."""
    if value is None or isinstance(value, bool) and field not in ("is_meeting_report", "quorum_claimed"):
        return []
    cues = FIELD_CUES.get(field)
    spans: list[tuple[int, int]] = []
    exact = True
    if field in ("is_meeting_report", "quorum_claimed"):
        if value is True and cues:
            spans = [m.span() for m in re.finditer(cues, clean)]
        exact = False
    elif field in LABEL_CUES:
        pattern = LABEL_CUES[field].get(value)
        spans = [m.span() for m in re.finditer(pattern, clean)] if pattern else []
        exact = False
    elif field == "level":
        anchor = (gold or {}).get("region") or (gold or {}).get("meeting_name")
        return locate("region", anchor, clean) if anchor else []
    elif field == "date" and isinstance(value, str):
        month, day = (int(x) for x in value.split("-")[-2:])
        spans = [m.span() for m in _MONTH_DAY.finditer(clean)
                 if _parse(m.group(1)) == month and _parse(m.group(2)) == day]
        if not spans:  # the day alone (`19日上午`), the month from a dateline
            spans = [(m.start(), m.end()) for m in re.finditer(rf"(\d+|[{_CN_DIGITS}]+)\s*[日号]", clean)
                     if _parse(m.group(1)) == day]
    elif field == "time" and isinstance(value, str):
        hour = int(value.split(":")[0])
        spans = [m.span() for m in _CLOCK.finditer(clean) if _parse(m.group(1)) in (hour, hour - 12)]
    elif isinstance(value, int) and not isinstance(value, bool):
        spans = _number_spans(clean, value)
    elif isinstance(value, str) and value.strip():
        spans = [m.span() for m in _chars_pattern(value).finditer(clean)]
        if not spans:
            near = _closest_sentence(clean, value)
            return [(*near, False)] if near else []
    # Stable sort: places nearest a cue word of the field first, then text order.
    spans.sort(key=lambda s: _cue_distance(clean, s[0], s[1], cues))
    return [(a, b, exact) for a, b in spans]


def _facts_of(facts: Any, field: str, value: Any) -> list[Any]:
    got = getattr(facts, field, None) if facts is not None else None
    if got is None:
        return []
    items = got if isinstance(got, list) else [got]
    return [f for f in items if value is None or f.value == value]


def audit_file(
    file: str,
    doc: Any,
    facts: Any,
    pred: Mapping[str, Any],
    gold: Mapping[str, Any],
    simplify: Callable[[str], str] = lambda s: s,
    per_value: int = 3,
) -> list[Finding]:
    """Every FN and FP of one file with the sentences that show it.

    doc: the decoded `Document`; facts: its `ReportFacts` (spans of predicted values);
    pred/gold: gold-shaped records. At most `per_value` places per value, cue-word places first."""
    findings: list[Finding] = []
    unrecognised = gold.get("is_meeting_report") is True and pred.get("is_meeting_report") is not True
    for field, kind, gold_value, got_value in differences(pred, gold, simplify):
        where_gold: list[Where] = []
        where_got: list[Where] = []
        if doc is not None and field != "violations":
            if gold_value is not None:
                for start, end, exact in locate(field, gold_value, doc.clean, gold)[:per_value]:
                    a, b = doc.text_span(start, end)
                    w = sentence_at(doc.text, a, b)
                    where_gold.append(Where(w.sentence, w.mark, w.offset, exact))
            wanted = got_value if field in LIST_FIELDS else None
            if got_value is not None:
                for fact in _facts_of(facts, field, wanted)[:per_value]:
                    where_got.append(sentence_at(doc.text, fact.start, fact.end))
        note = None
        if unrecognised and field != "is_meeting_report":
            note = "report not recognised as a meeting report: all its facts were dropped"
        findings.append(Finding(file, field, kind, gold_value, got_value, tuple(where_gold), tuple(where_got), note))
    return findings


def group_by_field(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by field, fields in gold order (violations last), files in input order."""
    order = {name: i for i, name in enumerate((*GOLD_FIELDS, "violations"))}
    grouped: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: order.get(f.field, len(order))):
        grouped.setdefault(f.field, []).append(f)
    return grouped
