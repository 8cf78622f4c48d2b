"""Serve the nightly flow as deployment `nightly/nightly` on a cron schedule."""

from __future__ import annotations

from pathlib import Path

DEPLOYMENT_NAME = "nightly"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"


def serve_nightly(*, cron: str, timezone: str, inbox: Path, warehouse: Path, lake: Path, docs: Path,
                  workers: int, keep_removed: bool = False) -> None:
    """Register the deployment with its schedule and poll for scheduled or triggered runs (blocks)."""
    from prefect.schedules import Cron

    from flows.nightly import nightly

    nightly.serve(
        name=DEPLOYMENT_NAME,
        schedule=Cron(cron, timezone=timezone),
        # Absolute paths: a served run executes in its own process.
        parameters={"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                    "lake": str(lake.resolve()), "docs": str(docs.resolve()), "workers": workers,
                    "keep_removed": keep_removed},
        description="congress-etl nightly ingest of new session reports",
        tags=["congress-etl"],
        print_starting_message=True,
    )
