"""`congress-etl eval`: extraction and validation over a gold-labelled corpus, no database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from transforms.decode import decode
from transforms.extract import extract
from transforms.scoring import score


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    with gold_path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict_files(paths: list[Path]) -> list[dict[str, Any]]:
    """One prediction per file: gold-shaped values, their spans and the rules raised."""
    from expectations.rules import rule_ids

    predictions: list[dict[str, Any]] = []
    defects: list[bool] = []
    for path in paths:
        doc = decode(path.read_bytes(), path.name)
        facts = extract(doc)
        record = facts.record()
        record["spans"] = {k: list(v) for k, v in facts.spans().items()}
        predictions.append(record)
        defects.append(bool(doc.defects))
    raised = rule_ids([{k: v for k, v in p.items() if k != "spans"} for p in predictions])
    for record, rules, defective in zip(predictions, raised, defects):
        record["violations"] = (["unreadable"] if defective else []) + [r for r in rules if r != "unreadable"]
    return predictions


def evaluate(corpus: Path, gold_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from opencc import OpenCC

    gold = load_gold(gold_path)
    preds = [{"file": g["file"], **p} for g, p in zip(gold, predict_files([corpus / g["file"] for g in gold]))]
    return score(zip(preds, gold), simplify=OpenCC("t2s").convert), preds
