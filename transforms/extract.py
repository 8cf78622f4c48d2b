"""Document → ReportFacts: runs each family extractor in dependency order."""

from __future__ import annotations

from transforms import agenda, attendance, dates, keywords, meeting, people
from transforms.document import Document
from transforms.facts import Fact, ReportFacts


def extract(doc: Document) -> ReportFacts:
    facts = ReportFacts()
    if not doc.clean.strip():
        # Nothing readable is not a meeting report: say so rather than leave it unknown.
        facts.is_meeting_report = Fact(False, 0, 0, "")
        return facts
    for family in (meeting, dates, attendance, people, agenda, keywords):
        for name, value in family.extract(doc, facts).items():
            setattr(facts, name, value)
    if facts.is_meeting_report is not None and not facts.is_meeting_report.value:
        # Non-meeting texts carry no meeting facts, whatever cue words they contain.
        return ReportFacts(is_meeting_report=facts.is_meeting_report)
    return facts
