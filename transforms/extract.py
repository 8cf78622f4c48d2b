"""Document → ReportFacts: one TextView of the document, handed to each family in dependency order."""

from __future__ import annotations

from transforms import agenda, attendance, dates, keywords, meeting, people
from transforms.document import Document
from transforms.facts import Fact, ReportFacts
from transforms.text import TextView

# meeting first (the others read its body and name), then the families that use them.
FAMILIES = (meeting, dates, attendance, people, agenda, keywords)


def extract(doc: Document) -> ReportFacts:
    facts = ReportFacts()
    if not doc.clean.strip():
        # Nothing readable is not a meeting report: say so rather than leave it unknown.
        facts.is_meeting_report = Fact(False, 0, 0, "")
        return facts
    view = TextView.of(doc)
    for family in FAMILIES:
        for name, value in family.extract(view, facts).items():
            setattr(facts, name, value)
        if facts.is_meeting_report is not None and not facts.is_meeting_report.value:
            # Non-meeting texts carry no meeting facts, whatever cue words they contain: the
            # other families need not run.
            return ReportFacts(is_meeting_report=facts.is_meeting_report)
    return facts
