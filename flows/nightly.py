"""The nightly flow: discover → read & decode → extract → validate → load → export lake.

Thin orchestration only: the work is done by `transforms/` (pure), `expectations/` (GX)
and `warehouse/` (the one writer). Extraction runs in worker processes, files batched
into tasks; everything that touches DuckDB runs in this process.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner

from flows.dashboard import dashboard_dir_for, write_dashboard
from flows.inbox import InboxFile, Rejected, Scan, read_bytes, scan_inbox
from flows.progress import extraction_progress
from flows.reconcile import reconcile_warehouse, text_rows
from flows.settings import RunSettings
from transforms.decode import decode
from transforms.document import Document
from transforms.extract import extract
from transforms.facts import ReportFacts, Violation
from transforms.rows import report_id_for, report_rows

DEFAULT_BATCH_SIZE = 64


@dataclass
class Extracted:
    """One file's way through the workers: its document and facts, or why it failed."""

    file: InboxFile
    doc: Document | None = None
    facts: ReportFacts | None = None
    failure: Violation | None = None  # read or extraction failure: quarantined, not retried


@dataclass
class RunSummary:
    run_id: str
    files_seen: int = 0
    files_new: int = 0
    files_unchanged: int = 0
    files_loaded: int = 0
    files_quarantined: int = 0
    meetings: int = 0
    rows_loaded: int = 0
    violations: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def init_worker(user_dict: str | None) -> None:
    """Runs once in every worker process: jieba's user dictionary is per process."""
    if user_dict:
        from transforms import keywords

        keywords.load_user_dictionary(Path(user_dict).read_text(encoding="utf-8").splitlines())


def process_one(item: InboxFile) -> Extracted:
    """Read, decode and extract one file; bad input becomes a failure record, never an exception."""
    try:
        data = read_bytes(item)
    except (OSError, ValueError) as exc:
        return Extracted(item, failure=Violation("unreadable", f"cannot read file: {exc}"))
    doc = decode(data, item.path)
    try:
        facts = extract(doc)
    except Exception as exc:  # an extractor bug must cost one report, not the run
        return Extracted(item, doc=doc, failure=Violation("extraction_error", f"{type(exc).__name__}: {exc}"))
    return Extracted(item, doc=doc, facts=facts)


@task(name="discover-files", retries=2, retry_delay_seconds=[1, 5])
def discover_files(inbox: Path, ledger: dict[str, dict[str, Any]], max_bytes: int) -> Scan:
    """Diff the inbox against the ledger: new, unchanged and rejected files."""
    scan = scan_inbox(inbox, ledger, max_bytes)
    get_run_logger().info("inbox %s: %d new, %d unchanged, %d rejected", inbox, len(scan.new),
                          len(scan.unchanged), len(scan.rejected))
    return scan


@task(name="extract-batch", retries=1, retry_delay_seconds=[2])
def extract_batch(items: list[InboxFile]) -> list[Extracted]:
    """Read, decode and extract a batch of files in a worker process."""
    return [process_one(item) for item in items]


@task(name="validate-reports")
def validate_reports(extracted: list[Extracted], docs_dir: Path | None, run_id: str) -> list[list[Violation]]:
    """Run the GX suite once over all new reports; add decoder defects as `unreadable`."""
    from expectations.rules import validate_records

    records = [dict(e.facts.record(), report_id=report_id_for(e.file.sha256 or "")) if e.facts else {}
               for e in extracted]
    checked = validate_records(records, docs_dir=docs_dir, run_name=run_id) if records else []
    out: list[list[Violation]] = []
    for e, found in zip(extracted, checked):
        violations: list[Violation] = []
        if e.failure:
            violations.append(e.failure)
        if e.doc is not None and e.doc.defects:
            violations.append(Violation("unreadable", "; ".join(e.doc.defects)))
        out.append(violations + list(found))
    return out


@contextmanager
def share_api_with_workers() -> Iterator[None]:
    """Point worker processes at this run's Prefect API. Under the temporary server
    PREFECT_API_URL is unset, and each worker would start a temporary server of its own
    (~15 s) instead of reporting to the flow's."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if os.environ.get("PREFECT_API_URL") or ctx is None or ctx.client is None:
        yield
        return
    os.environ["PREFECT_API_URL"] = str(ctx.client.api_url).rstrip("/")
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _extract_all(items: list[InboxFile], settings: RunSettings) -> list[Extracted]:
    if not items:
        return []
    batches = [items[i:i + settings.batch_size] for i in range(0, len(items), settings.batch_size)]
    results: list[Extracted] = []
    with extraction_progress(len(items), settings.show_progress) as advance:
        if settings.workers <= 1:
            init_worker(settings.user_dict)
            for batch in batches:
                got = extract_batch(batch)
                results.extend(got)
                advance(len(got))
        else:
            runner = ProcessPoolTaskRunner(max_workers=settings.workers, initializer=init_worker,
                                           initargs=(settings.user_dict,))
            with share_api_with_workers(), runner:
                futures = [runner.submit(extract_batch, {"items": batch}) for batch in batches]
                for future in as_completed(futures):
                    got = future.result()
                    results.extend(got)
                    advance(len(got))
    order = {item.path: i for i, item in enumerate(items)}
    return sorted(results, key=lambda e: order[e.file.path])


def _quarantine_row(run_id: str, now: datetime, path: str, sha256: str | None, report_id: str | None,
                    violation: Violation) -> dict[str, Any]:
    return {"file_path": path, "report_id": report_id, "sha256": sha256, "rule": violation.rule,
            "observed": violation.observed, "message": violation.message, "run_id": run_id,
            "quarantined_at": now}


def _assemble(run_id: str, now: datetime, scan: Scan, extracted: list[Extracted],
              violations: list[list[Violation]]) -> tuple[list[dict], dict[str, list[dict]], list[dict]]:
    """Ledger entries, staging rows and quarantine rows for one run."""
    files: list[dict[str, Any]] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    quarantine: list[dict[str, Any]] = []
    for e, found in zip(extracted, violations):
        sha = e.file.sha256 or ""
        report_id = report_id_for(sha) if e.doc is not None else None
        if e.doc is not None:
            facts = e.facts or ReportFacts()
            for table, rows in report_rows(report_id=report_id, file_path=e.file.path, sha256=sha,
                                           doc=e.doc, facts=facts, violations=found).items():
                tables.setdefault(table, []).extend(rows)
        for v in found:
            quarantine.append(_quarantine_row(run_id, now, e.file.path, sha, report_id, v))
        files.append({"path": e.file.path, "sha256": sha, "size_bytes": e.file.size_bytes,
                      "mtime_ns": e.file.mtime_ns, "encoding": e.doc.encoding if e.doc else None,
                      "format": e.doc.format if e.doc else None,
                      "status": "quarantined" if found else "loaded", "report_id": report_id, "seen_at": now})
    for item in scan.unchanged:
        files.append({"path": item.path, "sha256": item.sha256, "size_bytes": item.size_bytes,
                      "mtime_ns": item.mtime_ns, "status": "unchanged", "seen_at": now})
    for r in scan.rejected:
        v = Violation(r.rule, r.message)
        quarantine.append(_quarantine_row(run_id, now, r.path, None, None, v))
        files.append({"path": r.path, "sha256": None, "size_bytes": r.size_bytes, "mtime_ns": r.mtime_ns,
                      "status": "quarantined", "report_id": None, "seen_at": now})
    return files, tables, quarantine


def _summary_markdown(summary: RunSummary, settings: RunSettings) -> str:
    lines = [f"# Nightly run `{summary.run_id}`", "", "| figure | value |", "|---|---|"]
    for key in ("files_seen", "files_new", "files_unchanged", "files_loaded", "files_quarantined", "meetings",
                "rows_loaded", "wall_seconds"):
        lines.append(f"| {key} | {getattr(summary, key)} |")
    lines += ["", "| rule | violations |", "|---|---|"]
    lines += [f"| {rule} | {n} |" for rule, n in sorted(summary.violations.items())] or ["| (none) | 0 |"]
    lines += ["", f"Warehouse: `{settings.warehouse}` · lake: `{settings.lake}` · Data Docs: "
              f"`{settings.docs}/index.html` · BI snapshot: `{settings.snapshot_path}`"]
    dashboard = (dashboard_dir_for(settings.warehouse) / "index.html").resolve()
    docs = (settings.docs / "index.html").resolve()
    lines += ["", f"[Dashboard]({dashboard.as_uri()}) · [Data Docs]({docs.as_uri()})"]
    return "\n".join(lines)


def run_pipeline(settings: RunSettings, run_id: str | None = None) -> RunSummary:
    """One nightly run, callable inside a flow (the flow below) or a test harness."""
    from warehouse.lake import export_lake
    from warehouse.store import Warehouse

    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc)
    run_id = run_id or uuid.uuid4().hex[:12]
    summary = RunSummary(run_id=run_id)
    run_row: dict[str, Any] = {"run_id": run_id, "started_at": started_at, "inbox": str(settings.inbox)}
    # Holding the writer connection for the whole run is also the run lock: a second
    # run cannot open the file for writing and stops with a clear message.
    with Warehouse(settings.warehouse) as wh:
        try:
            scan = discover_files(settings.inbox, wh.ledger(), settings.max_bytes)
            extracted = _extract_all(scan.new, settings)
            violations = validate_reports(extracted, settings.docs, run_id)
            now = datetime.now(timezone.utc)
            files, tables, quarantine = _assemble(run_id, now, scan, extracted, violations)
            rule_counts = Counter(q["rule"] for q in quarantine)
            summary.files_seen = scan.seen
            summary.files_new = len(scan.new)
            summary.files_unchanged = len(scan.unchanged)
            summary.files_quarantined = len({q["file_path"] for q in quarantine})
            summary.files_loaded = sum(1 for e in extracted if e.doc is not None)
            summary.meetings = sum(1 for e in extracted if e.facts and e.facts.value("is_meeting_report"))
            summary.violations = dict(sorted(rule_counts.items()))
            summary.wall_seconds = round(time.perf_counter() - started, 3)
            run_row.update(summary.as_dict(), finished_at=datetime.now(timezone.utc), status="ok", error=None)
            wh.store_texts(text_rows(extracted))  # before the load: a loaded report always has its text
            counts = wh.commit_run(run_row, files, tables, quarantine)
            summary.rows_loaded = sum(counts.values())
            logger.info("run %s committed: %s", run_id, counts)
        except Exception as exc:
            run_row.update(summary.as_dict(), finished_at=datetime.now(timezone.utc), status="failed",
                           error=f"{type(exc).__name__}: {exc}",
                           wall_seconds=round(time.perf_counter() - started, 3))
            wh.record_failed_run(run_row)
            raise
        try:  # all current reports, earlier runs' too; idempotent, so the next run catches up
            logger.info("reconciled: %s", reconcile_warehouse(wh))
        except Exception as exc:
            logger.error("reconciliation failed, meeting tables unchanged: %s: %s", type(exc).__name__, exc)
        export_lake(wh, settings.lake)
        # Readers (BI, dashboards) open this copy, never the writer's file.
        wh.publish_snapshot(settings.snapshot_path)
    try:  # the run is committed; a dashboard that cannot be drawn must not fail it
        write_dashboard(settings.snapshot_path, dashboard_dir_for(settings.warehouse),
                        docs_index=settings.docs / "index.html")
    except Exception as exc:
        logger.error("dashboard not written: %s: %s", type(exc).__name__, exc)
    summary.wall_seconds = round(time.perf_counter() - started, 3)
    create_markdown_artifact(key="nightly-summary", markdown=_summary_markdown(summary, settings),
                             description="congress-etl nightly run summary")
    return summary


@flow(name="nightly", log_prints=False)
def nightly(
    inbox: str = "seeds/reports",
    warehouse: str = "data/warehouse.duckdb",
    lake: str = "data/lake",
    docs: str = "data/docs",
    workers: int = 2,
    batch_size: int = DEFAULT_BATCH_SIZE,
    snapshot: str | None = None,
) -> dict[str, Any]:
    """Ingest new report files from the inbox into the warehouse and the Parquet lake."""
    settings = RunSettings.from_strings(inbox=inbox, warehouse=warehouse, lake=lake, docs=docs,
                                        workers=workers, batch_size=batch_size, snapshot=snapshot)
    return run_pipeline(settings).as_dict()
