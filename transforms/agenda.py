"""(placeholder until the agenda extractor lands)"""

from __future__ import annotations

from typing import Any

from transforms.document import Document
from transforms.facts import ReportFacts


def extract(doc: Document, so_far: ReportFacts) -> dict[str, Any]:
    return {}
