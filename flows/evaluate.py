"""`congress-etl eval`: extraction and validation over a gold-labelled corpus, no database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transforms.decode import decode
from transforms.document import Document
from transforms.extract import extract
from transforms.facts import ReportFacts
from transforms.scoring import Finding, audit_file, score


@dataclass
class Evaluation:
    """Scores, one prediction record per gold line, and (when asked) the audit findings."""

    result: dict[str, Any]
    predictions: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    with gold_path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _predict(paths: list[Path]) -> tuple[list[dict[str, Any]], list[Document], list[ReportFacts]]:
    from expectations.rules import rule_ids

    predictions: list[dict[str, Any]] = []
    docs: list[Document] = []
    all_facts: list[ReportFacts] = []
    for path in paths:
        doc = decode(path.read_bytes(), path.name)
        facts = extract(doc)
        record = facts.record()
        record["spans"] = {k: list(v) for k, v in facts.spans().items()}
        predictions.append(record)
        docs.append(doc)
        all_facts.append(facts)
    raised = rule_ids([{k: v for k, v in p.items() if k != "spans"} for p in predictions])
    for record, rules, doc in zip(predictions, raised, docs):
        record["violations"] = (["unreadable"] if doc.defects else []) + [r for r in rules if r != "unreadable"]
    return predictions, docs, all_facts


def predict_files(paths: list[Path]) -> list[dict[str, Any]]:
    """One prediction per file: gold-shaped values, their spans and the rules raised."""
    return _predict(paths)[0]


def evaluate(corpus: Path, gold_path: Path, *, audit: bool = False) -> Evaluation:
    """Score every gold file; with `audit`, also every FN and FP with the sentences that show it."""
    from opencc import OpenCC

    simplify = OpenCC("t2s").convert
    gold = load_gold(gold_path)
    records, docs, all_facts = _predict([corpus / g["file"] for g in gold])
    preds = [{"file": g["file"], **p} for g, p in zip(gold, records)]
    result = score(zip(preds, gold), simplify=simplify)
    findings: list[Finding] = []
    if audit:
        for g, p, doc, facts in zip(gold, preds, docs, all_facts):
            findings += audit_file(g["file"], doc, facts, p, g, simplify)
    return Evaluation(result, preds, findings)
