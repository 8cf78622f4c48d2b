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

import glob
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows.inbox import MAX_TEXT_CHARS, FileChanging, InboxFile, Rejected, printable, read_bytes, sha256_file
from transforms.facts import ReportFacts, Violation

if TYPE_CHECKING:  # decoders and extractors load in the workers only (seconds of imports)
    from transforms.document import Document

TEXTS_TABLE = "report_texts"  # kept when the warehouse has it (reconciliation reads texts)


@dataclass
class Extracted:
    """One file's way through extraction: its document and facts, or why it failed."""

    file: InboxFile  # as read: sha256, size and mtime of the bytes the facts come from
    doc: Document | None = None
    facts: ReportFacts | None = None
    failure: Violation | None = None  # read or extraction failure: quarantined, not retried
    skipped: str | None = None  # changed while read: nothing recorded, the next run reads it


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
    skipped: str | None = None  # why the file is left for the next run (nothing recorded)


def process_one(item: InboxFile, max_chars: int = MAX_TEXT_CHARS) -> Extracted:
    """Read, decode and extract one file; bad input becomes a failure record, never an exception.

    The file is read once: its hash, size and mtime are taken from those very bytes. Archives
    are checked against their inflated-size limit before anything inflates them, and a decoder
    or extractor that runs out of the worker's memory costs this file only (`too_large`)."""
    from transforms.decode import decode
    from transforms.extract import extract
    from transforms.limits import TooLarge, check_zip

    try:
        read = read_bytes(item)
    except FileChanging as exc:
        return Extracted(item, skipped=str(exc))
    except (OSError, ValueError) as exc:
        return Extracted(item, failure=Violation("unreadable", f"cannot read file: {printable(str(exc))}"))
    item = replace(item, sha256=read.sha256, size_bytes=read.size_bytes, mtime_ns=read.mtime_ns)
    try:
        if read.data.startswith(b"PK\x03\x04"):
            check_zip(read.data)
        doc = decode(read.data, item.path, max_chars=max_chars)
    except TooLarge as exc:
        return Extracted(item, failure=Violation("too_large", str(exc)))
    except MemoryError:
        return Extracted(item, failure=Violation("too_large", "decoding ran out of the worker's memory cap; "
                                                              "not extracted"))
    del read
    if len(doc.text) > max_chars:  # extraction time grows faster than the text: refuse, do not stall
        more = " or more" if doc.format == "pdf" else ""  # PDF extraction stops past the limit
        return Extracted(item, failure=Violation("too_large", f"decoded text is {len(doc.text):,} characters{more}, "
                                                              f"over the {max_chars:,}-character limit; not extracted"))
    try:
        facts = extract(doc)
    except MemoryError:
        return Extracted(item, failure=Violation("too_large", "extraction ran out of the worker's memory cap; "
                                                              "not extracted"))
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
    from transforms.reconcile import simhash

    return {"report_id": report_id, "text": doc.text, "fingerprint": simhash(doc.clean)}


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


class BatchStager:
    """Rows of a batch of files, gathered one file at a time and written as shards named `tag`."""

    def __init__(self, schemas: dict[str, pa.Schema]) -> None:
        self.schemas = schemas
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schemas}

    def add(self, item: InboxFile) -> Outcome:
        from transforms.rows import report_id_for, report_rows

        e = process_one(item)
        item = e.file  # as read
        if e.skipped:
            return Outcome(item, None, None, None, None, [], False, skipped=e.skipped)
        found = _pre_violations(e)
        report_id = report_id_for(item.sha256 or "") if e.doc is not None else None
        record = None
        if e.doc is not None:
            facts = e.facts or ReportFacts()
            for table, rows in report_rows(report_id=report_id, file_path=item.path, sha256=item.sha256 or "",
                                           doc=e.doc, facts=facts, violations=found).items():
                if table in self.tables:
                    self.tables[table].extend(rows)
            if TEXTS_TABLE in self.tables and item.sha256:
                self.tables[TEXTS_TABLE].append(_text_row(report_id, e.doc))
            if e.facts is not None:
                record = dict(e.facts.record(), report_id=report_id)
        return Outcome(item, report_id, e.doc.encoding if e.doc else None, e.doc.format if e.doc else None,
                       record, found, bool(e.facts and e.facts.value("is_meeting_report")))

    def write(self, shard_dir: Path | str, tag: str) -> None:
        for table, rows in self.tables.items():
            write_shard(shard_dir, table, tag, rows, self.schemas[table])


def stage_batch(items: list[InboxFile], shard_dir: str, tag: str, schemas: dict[str, pa.Schema]) -> list[Outcome]:
    """Extract a batch and write its report rows as shards named `tag`; the compact outcomes."""
    stager = BatchStager(schemas)
    outcomes = [stager.add(item) for item in items]
    stager.write(shard_dir, tag)
    return outcomes


def failed_outcome(item: InboxFile, rule: str, message: str) -> Outcome:
    """A file that failed outside the normal path (its worker crashed, timed out or ran out of
    memory on it). Its hash goes to the ledger, so the next run does not try it again unless
    it changes."""
    if item.sha256 is None:
        try:
            item = replace(item, sha256=sha256_file(item.abs_path))
        except (OSError, ValueError):
            pass
    return Outcome(item, None, None, None, None, [Violation(rule, message)], False)


def quarantine_row(run_id: str, now: datetime, path: str, sha256: str | None, report_id: str | None,
                   violation: Violation, inbox: str | None = None) -> dict[str, Any]:
    return {"file_path": path, "report_id": report_id, "sha256": sha256, "rule": violation.rule,
            "observed": violation.observed, "message": violation.message, "run_id": run_id,
            "quarantined_at": now, "inbox": inbox}


@dataclass
class Tally:
    """Run figures accumulated chunk by chunk."""

    files_loaded: int = 0
    files_quarantined: int = 0
    files_skipped: int = 0  # changed while read: left for the next run
    meeting_reports: int = 0
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
                   shard_dir: Path, tag: str, schemas: dict[str, pa.Schema], tally: Tally,
                   inbox: str | None = None) -> None:
    """Ledger and quarantine shards for a validated chunk; figures into `tally`."""
    from warehouse.store import FILES_SCHEMA

    files: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    for o, found in zip(outcomes, violations):
        if o.skipped:
            tally.files_skipped += 1
            continue
        sha = o.file.sha256 or ""
        rules: set[str] = set()
        for v in found:
            if v.rule not in rules:  # one record per (file, content, rule), as the loader keys them
                rules.add(v.rule)
                quarantine.append(quarantine_row(run_id, now, o.file.path, sha, o.report_id, v, inbox))
        files.append({"inbox": inbox, "path": o.file.path, "sha256": sha, "size_bytes": o.file.size_bytes,
                      "mtime_ns": o.file.mtime_ns, "encoding": o.encoding, "format": o.format,
                      "status": "quarantined" if found else "loaded", "report_id": o.report_id, "seen_at": now})
        tally.files_loaded += o.report_id is not None
        tally.meeting_reports += o.is_meeting
        tally.files_quarantined += bool(found)
        tally.rules.update(v.rule for v in found)
    write_shard(shard_dir, "files", tag, files, FILES_SCHEMA)
    write_shard(shard_dir, "quarantine", tag, quarantine, schemas["quarantine"])


def leftover_rows(run_id: str, now: datetime, unchanged: list[InboxFile], rejected: list[Rejected],
                  missing: list[str] = (), *, inbox: str | None = None,
                  keep_removed: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ledger and quarantine rows of files that were not extracted (unchanged, rejected, and
    missing: gone from the inbox; `keep_removed` keeps their facts current)."""
    files = [{"inbox": inbox, "path": i.path, "sha256": i.sha256, "size_bytes": i.size_bytes,
              "mtime_ns": i.mtime_ns, "status": "unchanged", "seen_at": now} for i in unchanged]
    quarantine = []
    for r in rejected:
        quarantine.append(quarantine_row(run_id, now, r.path, None, None, Violation(r.rule, r.message), inbox))
        files.append({"inbox": inbox, "path": r.path, "sha256": None, "size_bytes": r.size_bytes,
                      "mtime_ns": r.mtime_ns, "status": "quarantined", "report_id": None, "seen_at": now})
    status = "missing_kept" if keep_removed else "missing"
    files += [{"inbox": inbox, "path": p, "status": status, "seen_at": now} for p in missing]
    return files, quarantine


def shard_dir_for(warehouse: Path, run_id: str) -> Path:
    """The run's scratch folder next to the warehouse (same disk; removed after the run), named
    after the warehouse: `.<warehouse file name>.shards-<run>`, so warehouses sharing a folder
    never touch each other's scratch."""
    return warehouse.parent / f".{warehouse.name}.shards-{run_id}"


def remove_shards(shard_dir: Path) -> None:
    shutil.rmtree(shard_dir, ignore_errors=True)


def remove_stale_shards(warehouse: Path) -> list[Path]:
    """Shard folders of this warehouse's killed runs; call only while holding its run lock (the
    lock guards exactly these: other warehouses' shards are theirs to sweep)."""
    stale = sorted(warehouse.parent.glob(f".{glob.escape(warehouse.name)}.shards-*"))
    for folder in stale:
        remove_shards(folder)
    return stale
