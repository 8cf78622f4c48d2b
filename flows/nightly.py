"""The nightly flow: discover → extract → validate → load → reconcile → export → snapshot → dashboard.

Thin orchestration only: each step is one Prefect task that calls `transforms/` (pure, in the
workers), `expectations/` (GX) or `warehouse/` (the one writer). A task that fails fails the
run, and its name is the stage the `runs` row records. Steps that touch files or the network
retry transient I/O errors only (bad input is never retried). `flows/run.py` holds a run's
state; everything that touches DuckDB runs in this process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.inbox import InboxFile, Scan, is_transient, ledger_table, scan_inbox
from flows.run import Run, RunSummary
from flows.runguard import kill_point
from flows.settings import DEFAULTS, RunSettings
from flows.staging import (Outcome, leftover_rows, remove_shards, stage_batch, stage_unchanged, validate_run,
                           write_outcomes)

__all__ = ["RunSummary", "init_worker", "nightly", "run_pipeline"]


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only for transient I/O errors; bad input (a missing inbox, ...) is terminal."""
    exc = state.data if isinstance(state.data, BaseException) else state.result(raise_on_failure=False)
    return is_transient(exc)


def io_step(name: str, retries: int = 2, delays: tuple[int, ...] = (1, 5)) -> Any:
    """A step that reads or writes files: transient I/O errors are retried, nothing else."""
    return task(name=name, retries=retries, retry_delay_seconds=list(delays), retry_condition_fn=_transient_only,
                cache_policy=NO_CACHE)


class StepFailed(Exception):
    """A step's task ended failed: `stage` is its name, `error` what it raised."""

    def __init__(self, stage: str, error: BaseException) -> None:
        super().__init__(f"{stage}: {type(error).__name__}: {error}")
        self.stage, self.error = stage, error


def step(task_fn: Any, run: Run) -> Any:
    """Run one step's task; its final state says whether the run goes on (and where it stopped)."""
    began, cpu = time.perf_counter(), time.process_time()
    state = task_fn(run, return_state=True)
    # The run's own process (all its threads, DuckDB's too; not the extraction workers): what each
    # step costs the writer, beside the wall time the task runs record.
    run.logger.info("%s: %.2f s, %.2f s CPU in the run's process", task_fn.name,
                    time.perf_counter() - began, time.process_time() - cpu)
    if not state.is_completed():
        error = state.result(raise_on_failure=False)
        raise StepFailed(task_fn.name, error if isinstance(error, BaseException) else RuntimeError(state.message))
    return state.result()


# ---------------------------------------------------------------------------- the run


def run_pipeline(settings: RunSettings, run_id: str | None = None) -> RunSummary:
    """One nightly run, callable inside a flow (the flow below) or a test harness."""
    run = Run(settings, run_id)
    # One run at a time: a second start stops at once (RunLocked), before touching anything.
    with run.hold(get_run_logger()):
        try:
            step(discover, run)
            try:
                step(extract, run)
                step(validate, run)
                changed = step(load, run)
                if changed or run.was_unpublished or run.outputs_missing():
                    step(reconcile, run)
                    step(export, run)
                    step(snapshot, run)
                    step(dashboard, run)
                else:
                    run.logger.info("nothing changed: meetings, lake, snapshot and dashboard already show the warehouse")
            finally:
                # Last, not right after the load: files created soon after many were deleted cost
                # the kernel more (README Performance, "Deleting before creating").
                remove_shards(run.shards)
            run.record_end(status="ok", error=None)
        except StepFailed as failed:
            run.record_failure(failed.stage, failed.error)
            raise failed.error from None
    kill_point("done")
    create_markdown_artifact(key="nightly-summary", markdown=_summary_markdown(run),
                             description="congress-etl nightly run summary")
    return run.summary


@flow(name="nightly", log_prints=False)
def nightly(
    inbox: str = str(DEFAULTS.inbox),
    warehouse: str = str(DEFAULTS.warehouse),
    lake: str = str(DEFAULTS.lake),
    docs: str = str(DEFAULTS.docs),
    workers: int = DEFAULTS.workers,
    batch_size: int = DEFAULTS.batch_size,
    snapshot: str | None = None,
    runner: str = DEFAULTS.runner,
    dask_address: str | None = None,
    dashboard: str | None = None,
    keep_removed: bool = DEFAULTS.keep_removed,
    verify: bool = DEFAULTS.verify,
    file_timeout_s: float | None = None,
    worker_memory_mb: int | None = None,
    writer_memory_mb: int | None = None,
    writer_threads: int | None = None,
) -> dict[str, Any]:
    """Ingest new report files from the inbox into the warehouse and the Parquet lake."""
    settings = RunSettings.from_strings(inbox=inbox, warehouse=warehouse, lake=lake, docs=docs,
                                        workers=workers, batch_size=batch_size, snapshot=snapshot,
                                        runner=runner, dask_address=dask_address, dashboard=dashboard,
                                        keep_removed=keep_removed, verify=verify, file_timeout_s=file_timeout_s,
                                        worker_memory_mb=worker_memory_mb, writer_memory_mb=writer_memory_mb,
                                        writer_threads=writer_threads)
    return run_pipeline(settings).as_dict()


# ---------------------------------------------------------------------------- the steps


@io_step("discover")
def discover(run: Run) -> None:
    """Diff the inbox against its ledger: new, unchanged, rejected and missing files."""
    kill_point("discover")
    s = run.settings
    if s.runner == "process":
        from flows.workers import boot_worker_server

        boot_worker_server()  # boots on the other core while the inbox is listed
    run.ledger = run.wh.inbox_ledger(run.inbox)
    scan = scan_inbox(s.inbox, run.ledger, s.max_bytes, verify=s.verify)
    missing = _missing_to_record(scan, run.ledger, s.keep_removed)
    if missing and scan.seen == 0:  # an unmounted inbox looks empty: never take that as a deletion
        run.logger.warning("inbox %s is empty but the ledger holds %d files from it: not marking them removed "
                           "(an unmounted inbox?)", s.inbox, len(scan.missing))
        scan, missing = replace(scan, missing=[]), []
    run.scan, run.missing = scan, missing
    summary = run.summary
    summary.files_seen, summary.files_new = scan.seen, len(scan.new)
    summary.files_unchanged, summary.files_missing = scan.unchanged.num_rows, len(scan.missing)
    get_run_logger().info("inbox %s: %d new, %d unchanged, %d rejected, %d missing", s.inbox, len(scan.new),
                          scan.unchanged.num_rows, len(scan.rejected), len(scan.missing))


@task(name="extract", cache_policy=NO_CACHE)
def extract(run: Run) -> None:
    """Read, decode and extract every new file in worker processes; rows, validation rows and
    per-file outcomes go to the run's shards."""
    kill_point("extract")
    items = run.scan.new
    if not items:
        return
    from expectations.rules import preload

    preload()  # GX's import overlaps extraction
    from flows.progress import extraction_progress

    s = run.settings
    dictionary = tuple(Path(s.user_dict).read_text(encoding="utf-8").splitlines()) if s.user_dict else ()
    with extraction_progress(len(items), s.show_progress) as advance:
        for k, outcomes in enumerate(_extraction_results(items, run, dictionary)):
            write_outcomes(run.shards, f"o{k:07d}", outcomes)
            advance(len(outcomes))


@task(name="validate", cache_policy=NO_CACHE)
def validate(run: Run) -> None:
    """The GX suite over every report extracted; ledger and quarantine rows of every file read."""
    kill_point("validate")
    s = run.settings
    tally = validate_run(run.shards, docs_dir=s.docs, run_id=run.run_id, now=run.now, inbox=run.inbox,
                         schemas=run.schemas, chunk=s.validate_chunk)
    files, quarantine = leftover_rows(run.run_id, run.now, run.scan.rejected, run.missing, inbox=run.inbox,
                                      keep_removed=s.keep_removed)
    if not run.whole_inbox_unchanged():  # else the load refreshes them all in one update
        stage_unchanged(run.scan.unchanged, inbox=run.inbox, now=run.now, shard_dir=run.shards)
    run.leftovers = (files, quarantine)
    run.duplicated = tally.duplicated
    tally.rules.update(q["rule"] for q in quarantine)
    summary = run.summary
    summary.files_quarantined = tally.files_quarantined + len(run.scan.rejected)
    summary.files_loaded, summary.files_skipped = tally.files_loaded, tally.files_skipped
    summary.meeting_reports = tally.meeting_reports
    summary.violations = dict(sorted(tally.rules.items()))


@task(name="load", cache_policy=NO_CACHE)
def load(run: Run) -> bool:
    """The run's one transaction: ledger, report rows, quarantine and the runs row (`running`).
    True when it changed what readers see."""
    kill_point("load")
    scan = run.scan
    may_change = bool(scan.new or run.missing or _unrecorded_rejections(scan, run.ledger))
    # published = false is committed with the data: a run killed before it publishes leaves it,
    # and the next run publishes.
    run.row.update(run.summary.as_dict(), status="running", error=None, published=False if may_change else None)
    run.wh.store_texts_from_shards(run.shards)  # before the load: a loaded report always has its text
    files, quarantine = run.leftovers
    from warehouse.store import utc_naive

    touch = (run.inbox, utc_naive(run.now)) if run.whole_inbox_unchanged() else None
    counts = run.wh.commit_run(run.row, files, {}, quarantine, shards=run.shards, dedupe=run.duplicated,
                               touch_inbox=touch)
    run.summary.rows_loaded = sum(counts.values())
    get_run_logger().info("run %s committed: %s", run.run_id, counts)
    changed = run.summary.rows_loaded > 0 or bool(run.missing)
    if may_change and not changed:  # nothing actually changed: nothing to publish
        run.row["published"] = None
    return changed


@task(name="reconcile", cache_policy=NO_CACHE)
def reconcile(run: Run) -> None:
    """Meetings, reposts and conflicts of the meetings whose reports changed (this run's, and the
    ones changed or removed files left); one transaction, so a failure leaves the meeting tables
    as they were and the next run catches up."""
    kill_point("reconcile")
    from flows.reconcile import reconcile_warehouse

    logger = get_run_logger()
    try:
        logger.info("reconciled: %s", reconcile_warehouse(run.wh))
    except Exception as exc:
        logger.error("reconciliation failed, meeting tables unchanged: %s: %s", type(exc).__name__, exc)
    run.summary.meetings = run.wh.run_meetings(run.run_id)


@io_step("export")
def export(run: Run) -> None:
    """A new version of the Parquet lake from the committed warehouse, swapped in atomically:
    changed partitions written, the others hard-linked from the previous version."""
    kill_point("export")
    from warehouse.lake import export_lake

    export_lake(run.wh, run.settings.lake)


@io_step("snapshot")
def snapshot(run: Run) -> None:
    """The read-only BI snapshot (DuckDB 1.x format) that readers open instead of the writer's
    file: views over the lake version just exported. A failed publish leaves no temp file behind."""
    kill_point("snapshot")
    from flows.runguard import sweep_leftovers

    s = run.settings
    try:
        run.wh.publish_snapshot(s.snapshot_path, s.lake)
    except BaseException:
        for note in sweep_leftovers(s.lake, s.snapshot_path):
            get_run_logger().warning("removed after the failure: %s", note)
        raise
    run.wh.mark_published()
    run.row["published"] = True


@io_step("dashboard", retries=1, delays=(1,))
def dashboard(run: Run) -> None:
    """The HTML dashboard from the snapshot; the run is committed, so a dashboard that cannot be
    drawn is logged, not fatal."""
    kill_point("dashboard")
    from dashboards.build import write_dashboard

    s = run.settings
    try:
        write_dashboard(s.snapshot_path, s.dashboard_dir, docs_index=s.docs / "index.html")
    except Exception as exc:
        if is_transient(exc):
            raise
        message = f"dashboard not written: {type(exc).__name__}: {str(exc).splitlines()[0]}"
        get_run_logger().error(message)
        run.summary.warnings.append(message)


# ---------------------------------------------------------------------------- helpers


def _missing_to_record(scan: Scan, ledger: Any, keep_removed: bool) -> list[str]:
    """Files gone from the inbox whose ledger rows change this run: all of them (they stop
    being current), or with --keep-removed those not yet marked missing."""
    if not keep_removed or not scan.missing:
        return list(scan.missing)
    known = _ledger_rows(ledger, scan.missing)
    return [p for p in scan.missing if known[p]["missing_since"] is None]


def _unrecorded_rejections(scan: Scan, ledger: Any) -> list[Any]:
    """Rejected files the ledger does not already hold as rejected in this very state: only
    those change the warehouse (a FIFO rejected every night does not)."""
    known = _ledger_rows(ledger, [r.path for r in scan.rejected])
    out = []
    for r in scan.rejected:
        k = known.get(r.path)
        if not (k and k["status"] == "quarantined" and k["sha256"] is None
                and k["size_bytes"] == r.size_bytes and k["mtime_ns"] == r.mtime_ns):
            out.append(r)
    return out


def _ledger_rows(ledger: Any, paths: list[str]) -> dict[str, dict[str, Any]]:
    """The ledger entries of a few paths, as dicts (the ledger itself stays an Arrow table)."""
    if not paths:
        return {}
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ledger_table(ledger)
    picked = table.filter(pc.is_in(table["path"], value_set=pa.array(paths, pa.string())))
    return {row["path"]: row for row in picked.to_pylist()}


def _extraction_results(items: list[InboxFile], run: Run, dictionary: tuple[str, ...]) -> Iterator[list[Outcome]]:
    """Outcomes batch by batch, in completion order: supervised local workers (one bad file
    costs only itself, see flows/workers.py), or Prefect tasks on Dask."""
    s = run.settings
    if s.runner == "process":
        from flows.runguard import POISON_ENV, SLOW_READ_ENV
        from flows.workers import WorkerConfig, WorkerPool, extraction_jobs

        hooks = {k: os.environ[k] for k in (POISON_ENV, SLOW_READ_ENV) if k in os.environ}
        config = WorkerConfig(str(run.shards), run.schemas, dictionary, s.worker_memory_mb, hooks)
        with WorkerPool(s.workers, config, file_timeout_s=s.file_timeout_s, log=get_run_logger()) as pool:
            yield from pool.map(extraction_jobs(items, s.batch_size))
        return
    from flows.runners import stream, task_runner

    size = s.batch_size
    # Shard tags sort in inbox path order: the load keeps the first file of duplicated content.
    calls = ({"items": items[i:i + size], "shard_dir": str(run.shards), "tag": f"b{i // size:07d}",
              "schemas": run.schemas, "dictionary": dictionary} for i in range(0, len(items), size))
    runner = task_runner(s.runner, s.workers, s.dask_address)
    with share_api_with_workers(), runner:
        yield from stream(runner, extract_batch, calls, window=max(2, s.workers * 3))


@task(name="extract-batch", retries=1, retry_delay_seconds=[2], cache_policy=NO_CACHE)
def extract_batch(items: list[InboxFile], shard_dir: str, tag: str, schemas: dict[str, Any],
                  dictionary: tuple[str, ...] = ()) -> list[Outcome]:
    """Read, decode and extract a batch of files on a Dask worker; rows go to shards `tag`."""
    _load_dictionary_lines(dictionary)
    return stage_batch(items, shard_dir, tag, schemas)


@contextmanager
def share_api_with_workers() -> Iterator[None]:
    """Point Dask workers started here at this run's Prefect API. Under the temporary server
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


_WORKER_DICTS: set = set()


def _load_dictionary_lines(lines: tuple[str, ...]) -> None:
    # Dask workers may be other machines: the dictionary travels with the task, not as a path.
    key = hash(lines)
    if lines and key not in _WORKER_DICTS:
        from transforms import keywords

        keywords.load_user_dictionary(lines)
        _WORKER_DICTS.add(key)


def init_worker(user_dict: str | None) -> None:
    """jieba's user dictionary is per process: loaded once in a process (idempotent)."""
    if user_dict and user_dict not in _WORKER_DICTS:
        from transforms import keywords

        keywords.load_user_dictionary(Path(user_dict).read_text(encoding="utf-8").splitlines())
        _WORKER_DICTS.add(user_dict)


def _summary_markdown(run: Run) -> str:
    summary, s = run.summary, run.settings
    lines = [f"# Nightly run `{summary.run_id}`", "", "| figure | value |", "|---|---|"]
    for key in (*RunSummary.FIGURES, "wall_seconds"):
        lines.append(f"| {key} | {getattr(summary, key)} |")
    lines += ["", "| rule | violations |", "|---|---|"]
    lines += [f"| {rule} | {n} |" for rule, n in sorted(summary.violations.items())] or ["| (none) | 0 |"]
    lines += ["", *(f"**Warning:** {w}" for w in summary.warnings)] if summary.warnings else []
    lines += ["", f"Warehouse: `{s.warehouse}` · lake: `{s.lake}` · Data Docs: "
              f"`{s.docs}/index.html` · BI snapshot: `{s.snapshot_path}`"]
    dashboard_uri = (s.dashboard_dir / "index.html").resolve().as_uri()
    lines += ["", f"[Dashboard]({dashboard_uri}) · [Data Docs]({(s.docs / 'index.html').resolve().as_uri()})"]
    return "\n".join(lines)
