"""A run's data path in batches: files → Parquet shards (workers) → verdicts (parent) → one load.

Workers read, decode and extract a batch of files and write the batch's warehouse rows as one
Parquet shard per table under the run's shard folder, plus the batch's validation rows
(`validation/`, what the GX suite checks); they return only a compact `Outcome` per file
(ledger facts, read/decode failures), which the parent writes as `outcomes/` shards. Once
extraction is done the parent validates the run (`validate_run`: GX once per 65,536 reports)
and writes the ledger and quarantine rows as shards too. Nothing proportional to the inbox
stays in memory; the one writer loads every shard in the run's single transaction
(`Warehouse.commit_run(shards=...)`).

A report's `valid` flag in its shard only reflects read/decode failures; the load clears it
for every report validation quarantined.
"""

from __future__ import annotations

import glob
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
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
    from transforms.reconcile import fingerprint

    return {"report_id": report_id, "text": doc.text, "fingerprint": fingerprint(doc.clean)}


def write_shard(shard_dir: Path | str, table: str, tag: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    """rows → <shard_dir>/<table>/<tag>.parquet (nothing written for no rows), as `write_table`."""
    if not rows:
        return
    from warehouse.store import to_arrow

    write_table(shard_dir, table, tag, to_arrow(rows, schema))


class BatchStager:
    """Rows of a batch of files, gathered one file at a time and written as shards named `tag`:
    the report tables, and the validation rows of the batch's facts (`validation/`)."""

    def __init__(self, schemas: dict[str, pa.Schema]) -> None:
        self.schemas = schemas
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schemas}
        self.records: list[dict[str, Any]] = []

    def add(self, item: InboxFile) -> Outcome:
        from transforms.rows import report_id_for, report_rows

        e = process_one(item)
        item = e.file  # as read
        if e.skipped:
            return Outcome(item, None, None, None, [], False, skipped=e.skipped)
        found = _pre_violations(e)
        report_id = report_id_for(item.sha256 or "") if e.doc is not None else None
        if e.doc is not None:
            facts = e.facts or ReportFacts()
            for table, rows in report_rows(report_id=report_id, file_path=item.path, sha256=item.sha256 or "",
                                           doc=e.doc, facts=facts, violations=found).items():
                if table in self.tables:
                    self.tables[table].extend(rows)
            if TEXTS_TABLE in self.tables and item.sha256:
                self.tables[TEXTS_TABLE].append(_text_row(report_id, e.doc))
            if e.facts is not None:
                self.records.append(dict(e.facts.record(), report_id=report_id))
        return Outcome(item, report_id, e.doc.encoding if e.doc else None, e.doc.format if e.doc else None,
                       found, bool(e.facts and e.facts.value("is_meeting_report")))

    def write(self, shard_dir: Path | str, tag: str) -> None:
        for table, rows in self.tables.items():
            write_shard(shard_dir, table, tag, rows, self.schemas[table])
        if self.records:  # the per-record work of validation, done here where the records are
            from expectations.rules import validation_table

            write_table(shard_dir, VALIDATION, tag, validation_table(self.records))


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
    return Outcome(item, None, None, None, [Violation(rule, message)], False)


VALIDATION = "validation"  # shard folder of the validation rows (expectations.rules.validation_table)
OUTCOMES = "outcomes"  # shard folder of the per-file outcomes
_FOUND = pa.list_(pa.struct([("rule", pa.string()), ("message", pa.string()), ("observed", pa.string())]))
OUTCOME_SCHEMA = pa.schema([("path", pa.string()), ("sha256", pa.string()), ("size_bytes", pa.int64()),
                            ("mtime_ns", pa.int64()), ("encoding", pa.string()), ("format", pa.string()),
                            ("report_id", pa.string()), ("is_meeting", pa.bool_()), ("skipped", pa.string()),
                            ("found", _FOUND)])


# A shard is read once, whole, by the load: no dictionary pages and no min/max statistics
# (pyarrow hashes every value for the one and scans it for the other: a third of the writing's
# CPU on bench shards, 0.20 → 0.13 s for 6,000 reports' tables).
SHARD_PARQUET = {"compression": "snappy", "use_dictionary": False, "write_statistics": False}


def write_table(shard_dir: Path | str, folder: str, tag: str, table: pa.Table) -> None:
    """An Arrow table → <shard_dir>/<folder>/<tag>.parquet, written aside and renamed, so a
    reader never sees half a shard."""
    if not table.num_rows:
        return
    target = Path(shard_dir) / folder
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f".{tag}.{uuid.uuid4().hex[:8]}.tmp"
    pq.write_table(table, tmp, **SHARD_PARQUET)
    tmp.replace(target / f"{tag}.parquet")


def write_outcomes(shard_dir: Path | str, tag: str, outcomes: list[Outcome]) -> None:
    """A batch's outcomes as a shard (the parent keeps none of them in memory)."""
    import json

    rows = [{"path": o.file.path, "sha256": o.file.sha256, "size_bytes": o.file.size_bytes,
             "mtime_ns": o.file.mtime_ns, "encoding": o.encoding, "format": o.format, "report_id": o.report_id,
             "is_meeting": o.is_meeting, "skipped": o.skipped,
             "found": [{"rule": v.rule, "message": v.message,
                        "observed": json.dumps(v.observed, ensure_ascii=False, sort_keys=True, default=str)
                        if v.observed else None} for v in o.found]} for o in outcomes]
    write_table(shard_dir, OUTCOMES, tag, pa.Table.from_pylist(rows, schema=OUTCOME_SCHEMA))


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
    duplicated: bool = False  # some content came twice (the load then dedupes)


def _shards(shard_dir: Path, folder: str) -> list[str]:
    return sorted(str(p) for p in (Path(shard_dir) / folder).glob("*.parquet"))


def row_chunks(dataset: Any, rows: int) -> Iterator[pa.Table]:
    """The dataset's rows as tables of `rows` rows (the last one shorter). A dataset's batches end
    where its files do: one worker shard (a batch of files) each, so validating batch by batch ran
    GX — about a second a call, plus a Data Docs page and index — once per 256 reports."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in dataset.to_batches(batch_size=rows):
        pending.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def validate_run(shard_dir: Path, *, docs_dir: Path | None, run_id: str, now: datetime, inbox: str | None,
                 schemas: dict[str, pa.Schema], chunk: int = 65_536) -> Tally:
    """Validate every report the run extracted and write the ledger and quarantine rows of every
    file it read (`files/` and `quarantine/` shards); the run's figures. GX runs once per
    `chunk` reports over the workers' validation rows; only failing reports' violations are
    kept in memory, keyed by report (equal content, equal verdict)."""
    import pyarrow.dataset as ds

    failing: dict[str, list[Violation]] = {}
    tables = _shards(shard_dir, VALIDATION)
    if tables:
        from expectations.rules import validate_table  # GX costs seconds to import: only when needed

        for table in row_chunks(ds.dataset(tables, format="parquet"), chunk):
            for report_id, found in zip(table["report_id"].to_pylist(),
                                        validate_table(table, docs_dir=docs_dir, run_name=run_id)):
                if found:
                    failing[report_id] = found
    tally = Tally()
    seen: set[str] = set()
    outcomes = _shards(shard_dir, OUTCOMES)
    if outcomes:
        for k, batch in enumerate(ds.dataset(outcomes, format="parquet").to_batches(batch_size=chunk)):
            rows = batch.to_pylist()
            for row in rows:
                rid = row["report_id"]
                if rid is not None:
                    tally.duplicated |= rid in seen
                    seen.add(rid)
            stage_verdicts(rows, failing, run_id=run_id, now=now, shard_dir=shard_dir, tag=f"v{k:06d}",
                           schemas=schemas, tally=tally, inbox=inbox)
    return tally


def stage_verdicts(rows: list[dict[str, Any]], failing: dict[str, list[Violation]], *, run_id: str, now: datetime,
                   shard_dir: Path, tag: str, schemas: dict[str, pa.Schema], tally: Tally,
                   inbox: str | None = None) -> None:
    """Ledger and quarantine shards for outcome rows; figures into `tally`."""
    import json

    from warehouse.store import FILES_SCHEMA

    files: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    for o in rows:
        if o["skipped"]:
            tally.files_skipped += 1
            continue
        found = [Violation(f["rule"], f["message"], json.loads(f["observed"]) if f["observed"] else {})
                 for f in o["found"] or ()]
        found += failing.get(o["report_id"], []) if o["report_id"] else []
        sha = o["sha256"] or ""
        rules: set[str] = set()
        for v in found:
            if v.rule not in rules:  # one record per (file, content, rule), as the loader keys them
                rules.add(v.rule)
                quarantine.append(quarantine_row(run_id, now, o["path"], sha, o["report_id"], v, inbox))
        files.append({"inbox": inbox, "path": o["path"], "sha256": sha, "size_bytes": o["size_bytes"],
                      "mtime_ns": o["mtime_ns"], "encoding": o["encoding"], "format": o["format"],
                      "status": "quarantined" if found else "loaded", "report_id": o["report_id"], "seen_at": now})
        tally.files_loaded += o["report_id"] is not None
        tally.meeting_reports += bool(o["is_meeting"])
        tally.files_quarantined += bool(found)
        tally.rules.update(v.rule for v in found)
    write_shard(shard_dir, "files", tag, files, FILES_SCHEMA)
    write_shard(shard_dir, "quarantine", tag, quarantine, schemas["quarantine"])


def leftover_rows(run_id: str, now: datetime, rejected: list[Rejected], missing: list[str] = (), *,
                  inbox: str | None = None,
                  keep_removed: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ledger and quarantine rows of files that were not extracted: rejected, and missing (gone
    from the inbox; `keep_removed` keeps their facts current). Unchanged files are a shard
    (`stage_unchanged`): there may be 100k of them."""
    files: list[dict[str, Any]] = []
    quarantine = []
    for r in rejected:
        quarantine.append(quarantine_row(run_id, now, r.path, None, None, Violation(r.rule, r.message), inbox))
        files.append({"inbox": inbox, "path": r.path, "sha256": None, "size_bytes": r.size_bytes,
                      "mtime_ns": r.mtime_ns, "status": "quarantined", "report_id": None, "seen_at": now})
    status = "missing_kept" if keep_removed else "missing"
    files += [{"inbox": inbox, "path": p, "status": status, "seen_at": now} for p in missing]
    return files, quarantine


def stage_unchanged(unchanged: pa.Table, *, inbox: str | None, now: datetime, shard_dir: Path) -> None:
    """Ledger rows of the unchanged files (their sighting is refreshed) as one shard, built
    column-wise: a no-op run over 100k files makes no row objects."""
    from warehouse.store import FILES_SCHEMA, utc_naive

    n = unchanged.num_rows
    if not n:
        return
    columns = {"inbox": pa.array([inbox] * n, pa.string()), "path": unchanged["path"],
               "sha256": unchanged["sha256"], "size_bytes": unchanged["size_bytes"],
               "mtime_ns": unchanged["mtime_ns"], "encoding": pa.nulls(n, pa.string()),
               "format": pa.nulls(n, pa.string()), "status": pa.array(["unchanged"] * n, pa.string()),
               "report_id": pa.nulls(n, pa.string()),
               "seen_at": pa.array([utc_naive(now)] * n, pa.timestamp("us"))}
    write_table(shard_dir, "files", "unchanged",
                pa.table([columns[f.name] for f in FILES_SCHEMA], schema=FILES_SCHEMA))


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
