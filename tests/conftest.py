"""Shared fixtures. Tests that need the public dev corpus (../shared/corpus) skip, with a
message saying so, when it is absent; the project's own fixtures live in tests/cases/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
SHARED_CORPUS = Path(os.environ.get("CONGRESS_ETL_CORPUS", ROOT.parent / "shared" / "corpus"))

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared dev corpus, or a skip explaining where it was looked for."""
    if not (SHARED_CORPUS / "gold.jsonl").is_file():
        pytest.skip(f"shared dev corpus not found at {SHARED_CORPUS} (set CONGRESS_ETL_CORPUS to run corpus tests)")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    return CASES

SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (start-up costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def seed_inbox(tmp_path: Path) -> Path:
    """A private copy of seeds/reports, so tests may add, change or delete files."""
    import shutil

    inbox = tmp_path / "inbox"
    shutil.copytree(SEEDS / "reports", inbox)
    return inbox


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory) -> dict[str, str]:
    """One real `prefect server start` on loopback for tests that run the CLI in subprocesses
    (a subprocess without PREFECT_API_URL would pay a temporary server of its own).
    Returns the environment those subprocesses need."""
    from flows.server import free_port, local_prefect_server

    base = tmp_path_factory.mktemp("prefect-api")
    with local_prefect_server(home=base / "server", port=free_port(), ui=False, timeout_s=180) as api_url:
        yield {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(base / "client")}


@pytest.fixture(scope="session")
def dashboard_sample(tmp_path_factory) -> dict:
    """The sample warehouse of tests/dashboard_sample.py and its BI snapshot, built once."""
    from tests.dashboard_sample import build_sample
    from warehouse.store import Warehouse

    root = tmp_path_factory.mktemp("dashboard-sample")
    wh = root / "warehouse.duckdb"
    ids = build_sample(wh)
    with Warehouse(wh) as w:
        snapshot = w.publish_snapshot(root / "serve" / "warehouse.duckdb")
    return {"root": root, "wh": wh, "ids": ids, "snapshot": snapshot}
