"""`congress-etl eval`: extraction (and validation) over a gold-labelled corpus, no database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from transforms.decode import decode
from transforms.extract import extract
from transforms.scoring import score


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    with gold_path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict_file(path: Path) -> dict[str, Any]:
    """One prediction line: gold-shaped values, their spans and the rules raised."""
    doc = decode(path.read_bytes(), path.name)
    facts = extract(doc)
    record = facts.record()
    record["spans"] = {k: list(v) for k, v in facts.spans().items()}
    violations = ["unreadable"] if doc.defects else []
    try:
        from expectations.rules import violations_for
    except ImportError:  # validation lands separately; until then only `unreadable` is raised
        pass
    else:
        violations += [v for v in violations_for(record) if v not in violations]
    record["violations"] = violations
    return record


def predictions(corpus: Path, gold: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for line in gold:
        pred = predict_file(corpus / line["file"])
        yield {"file": line["file"], **pred}, line


def evaluate(corpus: Path, gold_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from opencc import OpenCC

    t2s = OpenCC("t2s").convert
    gold = load_gold(gold_path)
    pairs = list(predictions(corpus, gold))
    return score(pairs, simplify=t2s), [p for p, _ in pairs]
