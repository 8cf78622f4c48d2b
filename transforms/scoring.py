"""Compare predicted records with gold records: per-field and overall precision/recall/F1.

Scalar field: TP when prediction == gold (after trimming and traditional→simplified);
FP when a value is predicted and differs from gold or gold is null; FN when gold has a
value and the prediction is null or different. List fields score element by element as
sets. A key absent from a gold line is not scored for that file. Violations score as
sets of rule ids per file.
"""

from __future__ import annotations

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
