"""One run's state and bookkeeping: what it holds (the lock, the writer, its scratch folder), what
it has counted, and how its `runs` row ends. The steps in `flows/nightly.py` read and fill it.

`Run` is a plain class on purpose: Prefect walks the collections and dataclasses a task receives
(to find upstream futures), and a run holds 100k-row tables.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flows.inbox import Scan, inbox_id
from flows.runguard import claim_outputs, run_lock, sweep_leftovers
from flows.settings import RunSettings
from flows.staging import TEXTS_TABLE, remove_stale_shards, shard_dir_for
from warehouse.tables import REPORT_TABLES


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
    # Steps after the commit that did not complete but do not fail the run (the dashboard).
    warnings: list[str] = field(default_factory=list)

    FIGURES = ("files_seen", "files_new", "files_unchanged", "files_loaded", "files_quarantined", "files_missing",
               "files_skipped", "meetings", "meeting_reports", "rows_loaded")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Run:
    """The state of one nightly run, from the lock to its `runs` row."""

    def __init__(self, settings: RunSettings, run_id: str | None = None) -> None:
        self.settings = settings
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.summary = RunSummary(run_id=self.run_id)
        self.started = time.perf_counter()
        self.row: dict[str, Any] = {"run_id": self.run_id, "started_at": datetime.now(timezone.utc),
                                    "inbox": str(settings.inbox)}
        self.inbox = inbox_id(settings.inbox)
        self.shards = shard_dir_for(settings.warehouse, self.run_id)
        self.now = datetime.now(timezone.utc)
        self.wh: Any = None
        self.logger: Any = None
        self.ledger: Any = None  # this inbox's current ledger entries (Arrow)
        self.schemas: dict[str, Any] = {}
        self.scan: Scan | None = None
        self.missing: list[str] = []  # ledger rows this run marks missing
        self.leftovers: tuple[list, list] = ([], [])  # ledger and quarantine rows of files not extracted
        self.duplicated = False
        self.was_unpublished = False

    def __getstate__(self) -> dict[str, Any]:
        """Prefect sends the running task's context (and so its `run` parameter) along with the
        Dask tasks it submits; the writer, the logger and the run's tables stay in this process."""
        keep = ("settings", "run_id", "inbox", "shards", "now")
        return {k: v for k, v in self.__dict__.items() if k in keep}

    @contextmanager
    def hold(self, logger: Any) -> Iterator[Any]:
        """The run lock and the writer; under them, before anything else, the outputs are
        checked to be this warehouse's and what a killed run of it left behind is undone."""
        from warehouse.store import Warehouse

        s = self.settings
        self.logger = logger
        with run_lock(s.warehouse, self.run_id), Warehouse(s.warehouse, s.writer_memory_mb, s.writer_threads) as wh:
            self.wh = wh
            claim_outputs(s.warehouse, {"--lake": s.lake, "--snapshot": s.snapshot_path,
                                        "--dashboard": s.dashboard_dir, "--docs": s.docs})
            for note in sweep_leftovers(s.lake, s.snapshot_path):
                logger.warning("leftover of an interrupted run: %s", note)
            for stale in remove_stale_shards(s.warehouse):
                logger.warning("leftover of an interrupted run: removed %s", stale.name)
            if wh.close_interrupted_runs():
                logger.warning("a run that died after its commit is now recorded as failed")
            self.was_unpublished = wh.unpublished_runs() > 0 or self._legacy_mark()
            self.schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
            if wh.has_table(TEXTS_TABLE):
                self.schemas[TEXTS_TABLE] = wh.table_schema(TEXTS_TABLE)
            yield wh

    def _legacy_mark(self) -> bool:
        """Warehouses from before `runs.published` marked an unpublished commit with a file."""
        mark = self.settings.warehouse.with_name(self.settings.warehouse.name + ".unpublished")
        if not mark.exists():
            return False
        mark.unlink()
        return True

    def whole_inbox_unchanged(self) -> bool:
        """Every current ledger file of this inbox was found again as the ledger has it (same
        size and mtime; none missing, rejected or changed): the load then refreshes their
        sightings with one filtered update instead of staging a row per file."""
        scan = self.scan
        return (scan is not None and self.ledger is not None and scan.rehashed == 0
                and scan.unchanged.num_rows == self.ledger.num_rows and scan.unchanged.num_rows > 0)

    def outputs_missing(self) -> bool:
        s = self.settings
        return not (s.lake.exists() and s.snapshot_path.exists() and (s.dashboard_dir / "index.html").exists())

    def record_end(self, **end: Any) -> None:
        """The runs row says how the run ended; written last, from what happened."""
        self.summary.wall_seconds = round(time.perf_counter() - self.started, 3)
        self.row.update(self.summary.as_dict(), finished_at=datetime.now(timezone.utc), **end)
        self.wh.record_run(self.row)

    def record_failure(self, stage: str, error: BaseException) -> None:
        """The runs row says the run failed, where and why (after a commit its data stays loaded).
        If even that cannot be written (a full disk), the log and the exit code still say it, and
        the row stays `running` until the next run marks it failed."""
        try:
            self.record_end(status="failed", error=f"{stage}: {type(error).__name__}: {error}")
        except Exception as also:  # the original error is the one to report
            self.logger.error("could not record the failed run: %s: %s", type(also).__name__, also)
