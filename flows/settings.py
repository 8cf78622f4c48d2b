"""Where a run reads and writes, and how hard it works. Defaults are the documented ones."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.inbox import MAX_FILE_BYTES

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
    show_progress: bool = sys.stderr.isatty()
    user_dict: str | None = str(USER_DICT) if USER_DICT.is_file() else None
    snapshot: Path | None = None  # read-only copy for BI; default <warehouse dir>/serve/warehouse.duckdb
    runner: str = "process"  # process (local pool, or inline for 1 worker) | dask
    dask_address: str | None = None  # scheduler of an existing Dask cluster; None starts a LocalCluster
    validate_chunk: int = 4096  # reports per GX validation (GX costs ~1 s a call, whatever the size)

    @property
    def snapshot_path(self) -> Path:
        return self.snapshot or self.warehouse.parent / "serve" / "warehouse.duckdb"

    @classmethod
    def from_strings(cls, *, inbox: str, warehouse: str, lake: str, docs: str, workers: int,
                     batch_size: int, show_progress: bool | None = None,
                     snapshot: str | None = None, runner: str = "process",
                     dask_address: str | None = None) -> "RunSettings":
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if runner not in ("process", "dask"):
            raise ValueError(f"unknown runner {runner!r}: process or dask")
        return cls(inbox=Path(inbox), warehouse=Path(warehouse), lake=Path(lake), docs=Path(docs),
                   workers=workers, batch_size=batch_size, snapshot=Path(snapshot) if snapshot else None,
                   runner=runner, dask_address=dask_address or None,
                   show_progress=sys.stderr.isatty() if show_progress is None else show_progress)
