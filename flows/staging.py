"""A run's data path in batches: files → Parquet shards (worker side) → verdicts (parent side).

Workers read, decode and extract a batch of files and write the batch's warehouse rows as one
Parquet shard per table under the run's shard folder; they return only a compact `Outcome` per
file (ledger facts, the record GX checks, read/decode failures). The parent validates outcomes
a chunk at a time (GX once per chunk) and writes the chunk's ledger and quarantine rows as
shards too. Nothing proportional to the inbox stays in memory; the one writer loads every
shard in the run's single transaction (`Warehouse.commit_run(shards=...)`).

A report's `valid` flag in its shard only reflects read/decode failures; the load clears it
for every report the chunk's validation quarantined.
"""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows.inbox import MAX_TEXT_CHARS, InboxFile, Rejected, printable, read_bytes
from transforms.facts import ReportFacts, Violation

if TYPE_CHECKING:  # decoders and extractors load in the workers only (seconds of imports)
    from transforms.document import Document

TEXTS_TABLE = "report_texts"  # kept when the warehouse has it (reconciliation reads texts)


@dataclass
class Extracted:
    """One file's way through extraction: its document and facts, or why it failed."""

    file: InboxFile
    doc: Document | None = None
    facts: ReportFacts | None = None
    failure: Violation | None = None  # read or extraction failure: quarantined, not retried


@dataclass
class Outcome:
    """What the parent needs of one file after its batch was staged (no text, no rows)."""

    file: InboxFile
    report_id: str | None
    encoding: str | None
    format: str | None
    record: dict[str, Any] | None  # gold-shaped facts + report_id, for validation
    found: list[Violation]  # read/extraction failures and decoder defects
    is_meeting: bool


def process_one(item: InboxFile) -> Extracted:
    """Read, decode and extract one file; bad input becomes a failure record, never an exception."""
    from transforms.decode import decode
    from transforms.extract import extract

    try:
        data = read_bytes(item)
    except (OSError, ValueError) as exc:
        return Extracted(item, failure=Violation("unreadable", f"cannot read file: {printable(str(exc))}"))
    doc = decode(data, item.path)
    if len(doc.text) > MAX_TEXT_CHARS:  # extraction time grows faster than the text: refuse, do not stall
        return Extracted(item, failure=Violation("too_large", f"decoded text is {len(doc.text):,} characters, over "
                                                              f"the {MAX_TEXT_CHARS:,}-character limit; not extracted"))
    try:
        facts = extract(doc)
    except Exception as exc:  # an extractor bug must cost one report, not the run
        return Extracted(item, doc=doc, failure=Violation("extraction_error", f"{type(exc).__name__}: {exc}"))
    return Extracted(item, doc=doc, facts=facts)


def _pre_violations(e: Extracted) -> list[Violation]:
    found: list[Violation] = []
    if e.failure:
        found.append(e.failure)
    if e.doc is not None and e.doc.defects:
        found.append(Violation("unreadable", "; ".join(e.doc.defects)))
    return found


def _text_row(report_id: str, doc: Document) -> dict[str, Any]:
    from transforms.reconcile import fingerprint

    return {"report_id": report_id, "text": doc.text, "fingerprint": fingerprint(doc.clean)}


def write_shard(shard_dir: Path | str, table: str, tag: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    """rows → <shard_dir>/<table>/<tag>.parquet (nothing written for no rows). Written aside and
    renamed, so a reader never sees half a shard."""
    if not rows:
        return
    from warehouse.store import to_arrow

    folder = Path(shard_dir) / table
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{tag}.{uuid.uuid4().hex[:8]}.tmp"
    pq.write_table(to_arrow(rows, schema), tmp, compression="snappy")
    tmp.replace(folder / f"{tag}.parquet")


def stage_batch(items: list[InboxFile], shard_dir: str, tag: str, schemas: dict[str, pa.Schema]) -> list[Outcome]:
    """Extract a batch and write its report rows as shards named `tag`; the compact outcomes."""
    from transforms.rows import report_id_for, report_rows

    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schemas}
    outcomes: list[Outcome] = []
    for item in items:
        e = process_one(item)
        found = _pre_violations(e)
        report_id = report_id_for(item.sha256 or "") if e.doc is not None else None
        record = None
        if e.doc is not None:
            facts = e.facts or ReportFacts()
            for table, rows in report_rows(report_id=report_id, file_path=item.path, sha256=item.sha256 or "",
                                           doc=e.doc, facts=facts, violations=found).items():
                if table in tables:
                    tables[table].extend(rows)
            if TEXTS_TABLE in tables and item.sha256:
                tables[TEXTS_TABLE].append(_text_row(report_id, e.doc))
            if e.facts is not None:
                record = dict(e.facts.record(), report_id=report_id)
        outcomes.append(Outcome(item, report_id, e.doc.encoding if e.doc else None, e.doc.format if e.doc else None,
                                record, found, bool(e.facts and e.facts.value("is_meeting_report"))))
    for table, rows in tables.items():
        write_shard(shard_dir, table, tag, rows, schemas[table])
    return outcomes


def quarantine_row(run_id: str, now: datetime, path: str, sha256: str | None, report_id: str | None,
                   violation: Violation) -> dict[str, Any]:
    return {"file_path": path, "report_id": report_id, "sha256": sha256, "rule": violation.rule,
            "observed": violation.observed, "message": violation.message, "run_id": run_id,
            "quarantined_at": now}


@dataclass
class Tally:
    """Run figures accumulated chunk by chunk."""

    files_loaded: int = 0
    files_quarantined: int = 0
    meetings: int = 0
    rules: Counter = field(default_factory=Counter)


def validate_chunk(outcomes: list[Outcome], docs_dir: Path | None, run_name: str) -> list[list[Violation]]:
    """GX once over the chunk's records; read/decode failures come first for each file."""
    records = [o.record or {} for o in outcomes]
    checked: list[list[Violation]] = [[] for _ in outcomes]
    if any(records):
        from expectations.rules import validate_records  # GX costs seconds to import: only when needed

        checked = validate_records(records, docs_dir=docs_dir, run_name=run_name)
    return [o.found + list(c) for o, c in zip(outcomes, checked)]


def stage_verdicts(outcomes: list[Outcome], violations: list[list[Violation]], *, run_id: str, now: datetime,
                   shard_dir: Path, tag: str, schemas: dict[str, pa.Schema], tally: Tally) -> None:
    """Ledger and quarantine shards for a validated chunk; figures into `tally`."""
    from warehouse.store import FILES_SCHEMA

    files: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    for o, found in zip(outcomes, violations):
        sha = o.file.sha256 or ""
        rules: set[str] = set()
        for v in found:
            if v.rule not in rules:  # one record per (file, content, rule), as the loader keys them
                rules.add(v.rule)
                quarantine.append(quarantine_row(run_id, now, o.file.path, sha, o.report_id, v))
        files.append({"path": o.file.path, "sha256": sha, "size_bytes": o.file.size_bytes,
                      "mtime_ns": o.file.mtime_ns, "encoding": o.encoding, "format": o.format,
                      "status": "quarantined" if found else "loaded", "report_id": o.report_id, "seen_at": now})
        tally.files_loaded += o.report_id is not None
        tally.meetings += o.is_meeting
        tally.files_quarantined += bool(found)
        tally.rules.update(v.rule for v in found)
    write_shard(shard_dir, "files", tag, files, FILES_SCHEMA)
    write_shard(shard_dir, "quarantine", tag, quarantine, schemas["quarantine"])


def leftover_rows(run_id: str, now: datetime, unchanged: list[InboxFile],
                  rejected: list[Rejected]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ledger and quarantine rows of files that were not extracted (unchanged, rejected)."""
    files = [{"path": i.path, "sha256": i.sha256, "size_bytes": i.size_bytes, "mtime_ns": i.mtime_ns,
              "status": "unchanged", "seen_at": now} for i in unchanged]
    quarantine = []
    for r in rejected:
        quarantine.append(quarantine_row(run_id, now, r.path, None, None, Violation(r.rule, r.message)))
        files.append({"path": r.path, "sha256": None, "size_bytes": r.size_bytes, "mtime_ns": r.mtime_ns,
                      "status": "quarantined", "report_id": None, "seen_at": now})
    return files, quarantine


def shard_dir_for(warehouse: Path, run_id: str) -> Path:
    """The run's scratch folder next to the warehouse (same disk; removed after the run)."""
    return warehouse.parent / f".shards-{run_id}"


def remove_shards(shard_dir: Path) -> None:
    shutil.rmtree(shard_dir, ignore_errors=True)


def remove_stale_shards(warehouse: Path) -> None:
    """Shard folders of runs that were killed; call only while holding the warehouse lock."""
    for stale in warehouse.parent.glob(".shards-*"):
        remove_shards(stale)
