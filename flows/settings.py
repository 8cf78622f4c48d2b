"""Where a run reads and writes, and how hard it works: every default lives here (`DEFAULTS`),
and the CLI, the flow's parameters and `congress-etl serve` read theirs from it.

Outputs derived from the warehouse are named after it, so warehouses that share a folder
never share a default output: the BI snapshot of `<dir>/<name>` is `<dir>/serve/<name>` (so
`data/serve/warehouse.duckdb` for the default `data/warehouse.duckdb`). The lake, Data Docs and
dashboard folders are claimed by the first warehouse that writes them (see `claim_outputs`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.inbox import MAX_FILE_BYTES, MAX_TEXT_CHARS

REPO_ROOT = Path(__file__).resolve().parents[1]
USER_DICT = REPO_ROOT / "seeds" / "dict" / "political_terms.txt"


@dataclass(frozen=True)
class RunSettings:
    inbox: Path = Path("seeds/reports")
    warehouse: Path = Path("data/warehouse.duckdb")
    lake: Path = Path("data/lake")
    docs: Path = Path("data/docs")
    workers: int = min(2, os.cpu_count() or 1)
    batch_size: int = 64
    max_bytes: int = MAX_FILE_BYTES
    max_chars: int = MAX_TEXT_CHARS
    show_progress: bool = sys.stderr.isatty()
    user_dict: str | None = str(USER_DICT) if USER_DICT.is_file() else None
    snapshot: Path | None = None  # read-only copy for BI; default <warehouse dir>/serve/<warehouse name>
    dashboard: Path | None = None  # dashboard folder; default <warehouse dir>/dashboard
    runner: str = "process"  # process (supervised local workers) | dask
    dask_address: str | None = None  # scheduler of an existing Dask cluster; None starts a LocalCluster
    validate_chunk: int = 65_536  # reports per GX validation (a call costs ~1 s, nearly whatever the size)
    # Last lines of defence against a poison file (flows/workers.py): a file that takes longer
    # is stopped and quarantined `timeout`; a worker's address space is capped (MemoryError →
    # `too_large`). Real reports take well under a second; a worker idles near 520 MB of address
    # space (250 MB resident), so the cap leaves it about 1 GB to work with.
    file_timeout_s: float = 120.0
    worker_memory_mb: int | None = 1536
    # The writer's DuckDB buffers (warehouse/store.py WRITER_CONFIG): beyond it DuckDB spills to
    # `<warehouse>.tmp`. It caches up to the cap whatever it reads, so the cap is what the run's
    # process holds above its ~650 MB of Python at a backfill's load: 1 GB made a 100,000-report
    # backfill's parent peak at ~1,550 MB. Too small fails a commit ("failed to pin block").
    writer_memory_mb: int = 512
    writer_threads: int = 1  # the writer's DuckDB threads: one burns less CPU (warehouse/store.py WRITER_THREADS)
    keep_removed: bool = False  # files gone from the inbox keep their facts current
    verify: bool = False  # rehash every known file (catches same-size edits with the old mtime)

    @property
    def snapshot_path(self) -> Path:
        return self.snapshot or self.warehouse.parent / "serve" / self.warehouse.name

    @property
    def dashboard_dir(self) -> Path:
        return self.dashboard or self.warehouse.parent / "dashboard"

    @classmethod
    def from_strings(cls, *, inbox: str, warehouse: str, lake: str, docs: str, workers: int,
                     batch_size: int, show_progress: bool | None = None,
                     snapshot: str | None = None, runner: str = "process",
                     dask_address: str | None = None, dashboard: str | None = None,
                     keep_removed: bool = False, verify: bool = False,
                     file_timeout_s: float | None = None, worker_memory_mb: int | None = None,
                     writer_memory_mb: int | None = None, writer_threads: int | None = None) -> "RunSettings":
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if runner not in ("process", "dask"):
            raise ValueError(f"unknown runner {runner!r}: process or dask")
        extra = {}
        if file_timeout_s is not None:
            extra["file_timeout_s"] = file_timeout_s
        if worker_memory_mb is not None:
            extra["worker_memory_mb"] = worker_memory_mb or None  # 0: no cap
        if writer_memory_mb is not None:
            if writer_memory_mb < 64:
                raise ValueError("writer_memory_mb must be at least 64")
            extra["writer_memory_mb"] = writer_memory_mb
        if writer_threads is not None:
            if writer_threads < 1:
                raise ValueError("writer_threads must be at least 1")
            extra["writer_threads"] = writer_threads
        return cls(inbox=Path(inbox), warehouse=Path(warehouse), lake=Path(lake), docs=Path(docs),
                   workers=workers, batch_size=batch_size, snapshot=Path(snapshot) if snapshot else None,
                   runner=runner, dask_address=dask_address or None,
                   dashboard=Path(dashboard) if dashboard else None, keep_removed=keep_removed, verify=verify,
                   show_progress=sys.stderr.isatty() if show_progress is None else show_progress, **extra)


DEFAULTS = RunSettings()
