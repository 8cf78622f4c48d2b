"""The nightly flow: discover → read & decode → extract → validate → load → export lake.

Thin orchestration only: the work is done by `transforms/` (pure), `expectations/` (GX)
and `warehouse/` (the one writer). Extraction runs in worker processes, files batched
into tasks; everything that touches DuckDB runs in this process.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from dashboards.build import write_dashboard
from flows.inbox import InboxFile, Scan, inbox_id, is_transient, scan_inbox
from flows.progress import extraction_progress
from flows.reconcile import reconcile_warehouse
from flows.runners import stream, task_runner
from flows.runguard import claim_outputs, kill_point, run_lock, sweep_leftovers
from flows.settings import RunSettings
from flows.staging import (TEXTS_TABLE, Extracted, Outcome, Tally, leftover_rows, process_one,  # noqa: F401
                           remove_shards, remove_stale_shards, shard_dir_for, stage_batch, stage_verdicts,
                           validate_chunk)
from transforms.facts import Violation
from warehouse.store import REPORT_TABLES

DEFAULT_BATCH_SIZE = 64


@dataclass
class RunSummary:
    run_id: str
    files_seen: int = 0
    files_new: int = 0
    files_unchanged: int = 0
    files_loaded: int = 0
    files_quarantined: int = 0
    files_missing: int = 0  # ledger files gone from the inbox
    files_skipped: int = 0  # changed while read: left for the next run
    meetings: int = 0  # meetings (after reconciliation) the run's new reports belong to
    meeting_reports: int = 0  # new reports that are meeting reports
    rows_loaded: int = 0
    violations: dict[str, int] = field(default_factory=dict)
    wall_seconds: float = 0.0

    FIGURES = ("files_seen", "files_new", "files_unchanged", "files_loaded", "files_quarantined", "files_missing",
               "files_skipped", "meetings", "meeting_reports", "rows_loaded")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def init_worker(user_dict: str | None) -> None:
    """jieba's user dictionary is per process: loaded once in every worker (idempotent)."""
    if user_dict and user_dict not in _WORKER_DICTS:
        from transforms import keywords

        keywords.load_user_dictionary(Path(user_dict).read_text(encoding="utf-8").splitlines())
        _WORKER_DICTS.add(user_dict)


def _load_dictionary_lines(lines: tuple[str, ...]) -> None:
    # Dask workers may be other machines: the dictionary travels with the task, not as a path.
    key = hash(lines)
    if lines and key not in _WORKER_DICTS:
        from transforms import keywords

        keywords.load_user_dictionary(lines)
        _WORKER_DICTS.add(key)


_WORKER_DICTS: set = set()


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only for transient I/O errors; bad input (a missing inbox, ...) is terminal."""
    exc = state.data if isinstance(state.data, BaseException) else state.result(raise_on_failure=False)
    return is_transient(exc)


@task(name="discover-files", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_transient_only,
      cache_policy=NO_CACHE)
def discover_files(inbox: Path, ledger: dict[str, dict[str, Any]], max_bytes: int, verify: bool = False) -> Scan:
    """Diff the inbox against its ledger: new, unchanged, rejected and missing files."""
    scan = scan_inbox(inbox, ledger, max_bytes, verify=verify)
    get_run_logger().info("inbox %s: %d new, %d unchanged, %d rejected, %d missing", inbox, len(scan.new),
                          len(scan.unchanged), len(scan.rejected), len(scan.missing))
    return scan


@task(name="extract-batch", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def extract_batch(items: list[InboxFile], shard_dir: str, tag: str, schemas: dict[str, Any],
                  dictionary: tuple[str, ...] = ()) -> list[Outcome]:
    """Read, decode and extract a batch of files in a worker; rows go to Parquet shards `tag`."""
    _load_dictionary_lines(dictionary)
    return stage_batch(items, shard_dir, tag, schemas)


@task(name="validate-reports", cache_policy=NO_CACHE)
def validate_reports(outcomes: list[Outcome], docs_dir: Path | None, run_id: str) -> list[list[Violation]]:
    """Run the GX suite once over a chunk of new reports; decoder defects come as `unreadable`."""
    kill_point("validate")
    return validate_chunk(outcomes, docs_dir, run_id)


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


def _extract_all(items: list[InboxFile], settings: RunSettings, *, run_id: str, now: datetime,
                 shard_dir: Path, schemas: dict[str, Any], inbox: str) -> tuple[Tally, bool]:
    """Extract every new file into shards, validating a chunk at a time as batches finish.
    Returns the run's figures and whether some content came twice (the load then dedupes)."""
    tally = Tally()
    if not items:
        return tally, False
    dictionary = tuple(Path(settings.user_dict).read_text(encoding="utf-8").splitlines()) \
        if settings.user_dict else ()
    pending: list[Outcome] = []
    seen: set[str] = set()
    duplicated = False
    chunks = 0

    def flush() -> None:
        nonlocal chunks
        violations = validate_reports(pending, settings.docs, run_id)
        stage_verdicts(pending, violations, run_id=run_id, now=now, shard_dir=shard_dir, tag=f"v{chunks:06d}",
                       schemas=schemas, tally=tally, inbox=inbox)
        chunks += 1
        pending.clear()

    with extraction_progress(len(items), settings.show_progress) as advance:
        for got in _extraction_results(items, settings, shard_dir, schemas, dictionary):
            for o in got:
                if o.report_id is not None:
                    duplicated |= o.report_id in seen
                    seen.add(o.report_id)
            pending.extend(got)
            advance(len(got))
            if len(pending) >= settings.validate_chunk:
                flush()
    if pending:
        flush()
    return tally, duplicated


def _extraction_results(items: list[InboxFile], settings: RunSettings, shard_dir: Path, schemas: dict[str, Any],
                        dictionary: tuple[str, ...]) -> Iterator[list[Outcome]]:
    """Outcomes batch by batch, in completion order: supervised local workers (one bad file
    costs only itself, see flows/workers.py), or Prefect tasks on Dask."""
    if settings.runner == "process":
        from flows.runguard import POISON_ENV, SLOW_READ_ENV
        from flows.workers import WorkerConfig, WorkerPool, extraction_jobs

        hooks = {k: os.environ[k] for k in (POISON_ENV, SLOW_READ_ENV) if k in os.environ}
        config = WorkerConfig(str(shard_dir), schemas, dictionary, settings.worker_memory_mb, hooks)
        with WorkerPool(settings.workers, config, file_timeout_s=settings.file_timeout_s,
                        log=get_run_logger()) as pool:
            yield from pool.map(extraction_jobs(items, settings.batch_size))
        return
    size = settings.batch_size
    # Shard tags sort in inbox path order: the load keeps the first file of duplicated content.
    calls = ({"items": items[i:i + size], "shard_dir": str(shard_dir), "tag": f"b{i // size:07d}",
              "schemas": schemas, "dictionary": dictionary} for i in range(0, len(items), size))
    runner = task_runner(settings.runner, settings.workers, settings.dask_address)
    with share_api_with_workers(), runner:
        yield from stream(runner, extract_batch, calls, window=max(2, settings.workers * 3))


def _summary_markdown(summary: RunSummary, settings: RunSettings) -> str:
    lines = [f"# Nightly run `{summary.run_id}`", "", "| figure | value |", "|---|---|"]
    for key in (*RunSummary.FIGURES, "wall_seconds"):
        lines.append(f"| {key} | {getattr(summary, key)} |")
    lines += ["", "| rule | violations |", "|---|---|"]
    lines += [f"| {rule} | {n} |" for rule, n in sorted(summary.violations.items())] or ["| (none) | 0 |"]
    lines += ["", f"Warehouse: `{settings.warehouse}` · lake: `{settings.lake}` · Data Docs: "
              f"`{settings.docs}/index.html` · BI snapshot: `{settings.snapshot_path}`"]
    dashboard = (settings.dashboard_dir / "index.html").resolve()
    docs = (settings.docs / "index.html").resolve()
    lines += ["", f"[Dashboard]({dashboard.as_uri()}) · [Data Docs]({docs.as_uri()})"]
    return "\n".join(lines)


def _record_end(wh: Any, run_row: dict[str, Any], summary: RunSummary, started: float, **end: Any) -> None:
    """The runs row says how the run ended; written last, from what happened."""
    run_row.update(summary.as_dict(), finished_at=datetime.now(timezone.utc),
                   wall_seconds=round(time.perf_counter() - started, 3), **end)
    wh.record_run(run_row)


def _record_failure(wh: Any, run_row: dict[str, Any], summary: RunSummary, stage: str, exc: Exception,
                    started: float) -> None:
    """The runs row says the run failed, where and why (after a commit its data stays loaded).
    If even that cannot be written (a full disk), the log and the exit code still say it, and
    the row stays `running` until the next run marks it failed."""
    try:
        _record_end(wh, run_row, summary, started, status="failed", error=f"{stage}: {type(exc).__name__}: {exc}")
    except Exception as also:  # the original error is the one to report
        get_run_logger().error("could not record the failed run: %s: %s", type(also).__name__, also)


def _unrecorded_rejections(scan: Scan, ledger: dict[str, dict[str, Any]]) -> list[Any]:
    """Rejected files the ledger does not already hold as rejected in this very state: only
    those change the warehouse (a FIFO rejected every night does not)."""
    out = []
    for r in scan.rejected:
        known = ledger.get(r.path)
        if not (known and known["status"] == "quarantined" and known["sha256"] is None
                and known["size_bytes"] == r.size_bytes and known["mtime_ns"] == r.mtime_ns):
            out.append(r)
    return out


def _missing_to_record(scan: Scan, ledger: dict[str, dict[str, Any]], settings: RunSettings) -> list[str]:
    """Files gone from the inbox whose ledger rows change this run: all of them (they stop
    being current), or with --keep-removed those not yet marked missing."""
    if settings.keep_removed:
        return [p for p in scan.missing if ledger[p].get("missing_since") is None]
    return list(scan.missing)


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
    unpublished = settings.unpublished_mark
    dashboard_index = settings.dashboard_dir / "index.html"
    # One run at a time: a second start stops at once (RunLocked). Under the lock, undo what a
    # killed run of this warehouse left behind before anything else happens.
    with run_lock(settings.warehouse, run_id), Warehouse(settings.warehouse) as wh:
        # Outputs another warehouse publishes to are not ours to sweep or write: stop first.
        claim_outputs(settings.warehouse, {"--lake": settings.lake, "--snapshot": settings.snapshot_path,
                                           "--dashboard": settings.dashboard_dir, "--docs": settings.docs})
        for note in sweep_leftovers(settings.lake, settings.snapshot_path):
            logger.warning("leftover of an interrupted run: %s", note)
        for stale in remove_stale_shards(settings.warehouse):
            logger.warning("leftover of an interrupted run: removed %s", stale.name)
        if wh.close_interrupted_runs():
            logger.warning("a run that died after its commit is now recorded as failed")
        stage = "discover"
        try:
            kill_point(stage)
            inbox = inbox_id(settings.inbox)
            ledger = wh.inbox_ledger(inbox)
            scan = discover_files(settings.inbox, ledger, settings.max_bytes, settings.verify)
            missing = _missing_to_record(scan, ledger, settings)
            if missing and scan.seen == 0:  # an unmounted inbox looks empty: never take that as a deletion
                logger.warning("inbox %s is empty but the ledger holds %d files from it: not marking them removed "
                               "(an unmounted inbox?)", settings.inbox, len(scan.missing))
                scan, missing = replace(scan, missing=[]), []
            now = datetime.now(timezone.utc)
            shards = shard_dir_for(settings.warehouse, run_id)
            schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
            if wh.has_table(TEXTS_TABLE):
                schemas[TEXTS_TABLE] = wh.table_schema(TEXTS_TABLE)
            try:
                stage = "extract"
                kill_point(stage)
                tally, duplicated = _extract_all(scan.new, settings, run_id=run_id, now=now, shard_dir=shards,
                                                 schemas=schemas, inbox=inbox)
                files, quarantine = leftover_rows(run_id, now, scan.unchanged, scan.rejected, missing, inbox=inbox,
                                                  keep_removed=settings.keep_removed)
                tally.rules.update(q["rule"] for q in quarantine)
                summary.files_seen = scan.seen
                summary.files_new = len(scan.new)
                summary.files_unchanged = len(scan.unchanged)
                summary.files_quarantined = tally.files_quarantined + len(scan.rejected)
                summary.files_loaded = tally.files_loaded
                summary.files_missing = len(scan.missing)
                summary.files_skipped = tally.files_skipped
                summary.meeting_reports = tally.meeting_reports
                summary.violations = dict(sorted(tally.rules.items()))
                run_row.update(summary.as_dict(), status="running", error=None)
                stage = "load"
                kill_point(stage)
                was_unpublished = unpublished.exists()
                if scan.new or missing or _unrecorded_rejections(scan, ledger):
                    # Set before the commit, cleared once the lake and snapshot show it: a run
                    # killed in between leaves it, and the next run publishes again.
                    unpublished.touch()
                wh.store_texts_from_shards(shards)  # before the load: a loaded report always has its text
                counts = wh.commit_run(run_row, files, {}, quarantine, shards=shards, dedupe=duplicated)
            finally:
                remove_shards(shards)
            summary.rows_loaded = sum(counts.values())
            logger.info("run %s committed: %s", run_id, counts)
            changed = summary.rows_loaded > 0 or bool(missing)
            if not changed and not was_unpublished:
                unpublished.unlink(missing_ok=True)  # set for nothing: the commit changed no row
            publish = (changed or was_unpublished or not settings.lake.exists()
                       or not settings.snapshot_path.exists() or not dashboard_index.exists())
            if publish:
                try:  # all current reports, earlier runs' too; idempotent, so the next run catches up
                    logger.info("reconciled: %s", reconcile_warehouse(wh))
                except Exception as exc:
                    logger.error("reconciliation failed, meeting tables unchanged: %s: %s",
                                 type(exc).__name__, exc)
                summary.meetings = wh.run_meetings(run_id)
                # Both are rebuilt from the committed warehouse whenever it changed or a run
                # killed or failed after its commit left them behind.
                stage = "export"
                kill_point(stage)
                export_lake(wh, settings.lake)
                stage = "snapshot"
                kill_point(stage)
                # Readers (BI, dashboards, `congress-etl query`) open this copy, never the writer's file.
                wh.publish_snapshot(settings.snapshot_path)
                try:  # the run is committed; a dashboard that cannot be drawn must not fail it
                    write_dashboard(settings.snapshot_path, settings.dashboard_dir,
                                    docs_index=settings.docs / "index.html")
                except Exception as exc:
                    logger.error("dashboard not written: %s: %s", type(exc).__name__, exc)
                unpublished.unlink(missing_ok=True)
            else:
                logger.info("nothing new: meetings, lake, snapshot and dashboard already show the warehouse")
            stage = "record"
            _record_end(wh, run_row, summary, started, status="ok", error=None)
        except Exception as exc:
            # A failed publish leaves no temp file behind (a half-written snapshot on a full
            # disk would keep it full until the next run).
            for note in sweep_leftovers(settings.lake, settings.snapshot_path):
                logger.warning("removed after the failure: %s", note)
            _record_failure(wh, run_row, summary, stage, exc, started)
            raise
    kill_point("done")
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
    runner: str = "process",
    dask_address: str | None = None,
    dashboard: str | None = None,
    keep_removed: bool = False,
    verify: bool = False,
    file_timeout_s: float | None = None,
    worker_memory_mb: int | None = None,
) -> dict[str, Any]:
    """Ingest new report files from the inbox into the warehouse and the Parquet lake."""
    settings = RunSettings.from_strings(inbox=inbox, warehouse=warehouse, lake=lake, docs=docs,
                                        workers=workers, batch_size=batch_size, snapshot=snapshot,
                                        runner=runner, dask_address=dask_address, dashboard=dashboard,
                                        keep_removed=keep_removed, verify=verify, file_timeout_s=file_timeout_s,
                                        worker_memory_mb=worker_memory_mb)
    return run_pipeline(settings).as_dict()
