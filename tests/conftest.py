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


# Under pytest-xdist the controller starts ONE Prefect server for all the workers (each worker's
# session fixtures below would otherwise start their own: two per worker, each ~12 s of CPU to
# boot and ~3 % of a core while idle, on a 2-core machine running three workers). It is started
# without waiting, before the workers exist; they wait for it to answer when a test first needs
# it. A run without xdist (or with -n 0) starts its own servers lazily, as before.
SHARED_PREFECT_ENV = "CONGRESS_ETL_TEST_PREFECT_API"
_SHARED_PREFECT = pytest.StashKey[tuple]()  # (the server process, its home folder)


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return  # an xdist worker (it inherits the controller's variable), or no xdist
    if "not slow" in (config.getoption("markexpr") or ""):
        return  # `make test-fast`: every test that needs Prefect is marked slow (else it starts its own)
    import tempfile

    from flows.server import free_port, start_prefect_server

    home = Path(tempfile.mkdtemp(prefix="congress-etl-test-prefect-"))
    proc, api_url = start_prefect_server(home / "server", free_port(), ui=False, die_with_parent=True)
    config.stash[_SHARED_PREFECT] = (proc, home)
    os.environ[SHARED_PREFECT_ENV] = api_url


def pytest_unconfigure(config: pytest.Config) -> None:
    shared = config.stash.get(_SHARED_PREFECT, None)
    if shared is not None:
        import shutil

        from flows.server import stop_process

        proc, home = shared
        stop_process(proc)
        shutil.rmtree(home, ignore_errors=True)


def _shared_prefect_api() -> str | None:
    """The controller's server, once it answers (None when this session has none)."""
    api_url = os.environ.get(SHARED_PREFECT_ENV)
    if api_url:
        from flows.server import wait_healthy

        wait_healthy(api_url, timeout_s=180)
    return api_url


@pytest.fixture(scope="session")
def prefect_harness():
    """In-process flows record to one Prefect server for the whole session: the shared one, or
    a temporary one (start-up costs seconds)."""
    api_url = _shared_prefect_api()
    if api_url:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api_url}):
            yield
        return
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
    client = {"PREFECT_HOME": str(base / "client")}
    api_url = _shared_prefect_api()
    if api_url:
        yield {**os.environ, "PREFECT_API_URL": api_url, **client}
        return
    with local_prefect_server(home=base / "server", port=free_port(), ui=False, timeout_s=180) as api_url:
        yield {**os.environ, "PREFECT_API_URL": api_url, **client}


@pytest.fixture(scope="session")
def dashboard_sample(tmp_path_factory) -> dict:
    """The sample warehouse of tests/dashboard_sample.py and its BI snapshot, built once."""
    from tests.dashboard_sample import build_sample
    from warehouse.store import Warehouse

    root = tmp_path_factory.mktemp("dashboard-sample")
    wh = root / "warehouse.duckdb"
    ids = build_sample(wh)
    with Warehouse(wh) as w:  # the snapshot is views over the lake: export it first, as a run does
        w.export_lake(root / "lake")
        snapshot = w.publish_snapshot(root / "serve" / "warehouse.duckdb", root / "lake")
    return {"root": root, "wh": wh, "ids": ids, "snapshot": snapshot}
