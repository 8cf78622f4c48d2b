"""`congress-etl bench` end to end on a tiny corpus: every figure present and plausible. The
real figures come from running it at scale (README, Performance); this only proves it runs.
`--reports N` is `--scale N` with its figures flattened (`flat_figures`), checked here too."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.bench import flat_figures
from flows.cli import app

pytestmark = pytest.mark.slow

KEYS = ("jieba_floor_docs_per_s", "end_to_end_docs_per_s", "ratio", "peak_rss_mb", "noop_rerun_s",
        "prefect_startup_s", "ratio_cpu", "nightly_new_s", "nightly_onto_empty_s")


def test_bench_scale_reports_each_size_and_the_nightly(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    # A previous bench's run folder: set aside before the run, deleted after the last timed run.
    (tmp_path / "w" / "run-12").mkdir(parents=True)
    (tmp_path / "w" / "run-12" / "old-marker").write_text("previous bench")
    result = CliRunner().invoke(app, ["bench", "--scale", "6,12", "--nightly", "3", "--workers", "1",
                                      "--work", str(tmp_path / "w"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "w" / "run-12" / "old-marker").exists() and not (tmp_path / "w" / ".set-aside").exists()
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures["sizes"]) == {"6", "12"}
    for n, size in figures["sizes"].items():
        assert size["reports"] == int(n) and 50 < size["peak_rss_mb"] < 4000 and size["noop_rerun_s"] > 0
        assert size["per_report_cpu_ms"] == pytest.approx(size["end_to_end_cpu_s"] / int(n) * 1000, rel=0.05, abs=1)
        assert 0 < size["ratio_cpu"] < 1.5
        # The floor is measured before and after the runs; the ratio is against their mean.
        assert size["ratio_cpu"] == pytest.approx(figures["jieba_floor_cpu_ms"] / size["per_report_cpu_ms"],
                                                  rel=0.01, abs=0.0006)  # rounded to 3 decimals
        assert size["parent_peak_rss_mb"] <= size["peak_rss_mb"]
        # Each step's wall time, read from the run's Prefect task runs; a no-op run skips publishing.
        assert {"discover", "extract", "validate", "load", "reconcile", "export", "snapshot"} <= set(size["steps_s"])
        assert "reconcile" not in size["noop_steps_s"] and "load" in size["noop_steps_s"]
    nightly = figures["nightly"]
    assert nightly["new_reports"] == 3 and nightly["on_top_of"] == 12
    assert nightly["ratio"] == pytest.approx(nightly["on_top_s"] / nightly["onto_empty_s"], rel=0.01)
    assert figures["rss_growth"] > 0 and figures["prefect_startup_s"] > 0
    before, after = figures["jieba_floor_cpu_ms_before"], figures["jieba_floor_cpu_ms_after"]
    assert before > 0 and after > 0 and figures["jieba_floor_cpu_ms"] == pytest.approx((before + after) / 2, abs=0.002)
    # The night's files are the 3 after the 12: on top, 15 current files; alone, 3.
    with duckdb.connect(str(tmp_path / "w" / "run-12" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from file_ledger where is_current").fetchone()[0] == 15
        assert con.execute("select count(*) from reports").fetchone()[0] >= 13  # ~3 % of files are invalid
    with duckdb.connect(str(tmp_path / "w" / "run-nightly-onto-empty" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from file_ledger where is_current").fetchone()[0] == 3

    # `bench --reports 12` prints the same run's figures flat.
    flat = flat_figures({**figures, "sizes": {"12": figures["sizes"]["12"]}})
    assert set(KEYS) <= set(flat) and flat["reports"] == 12
    assert (flat["jieba_floor_cpu_ms_before"], flat["jieba_floor_cpu_ms_after"]) == (before, after)
    assert 0 < flat["end_to_end_docs_per_s"] < flat["jieba_floor_docs_per_s"]
    assert flat["ratio"] == pytest.approx(flat["end_to_end_docs_per_s"] / flat["jieba_floor_docs_per_s"],
                                          rel=0.01, abs=0.0006)


FORK_SERVER_POOL = """
import multiprocessing

def spin(_):
    total = 0
    for i in range(4 * 10**6):
        total += i
    return total

if __name__ == "__main__":
    with multiprocessing.get_context("forkserver").Pool(2) as pool:
        pool.map(spin, [0, 1])
"""


def test_tree_cpu_counts_workers_of_the_fork_server(tmp_path: Path) -> None:
    """The run's workers are the fork server's children, which nobody waits for: their CPU must
    still be in the figure (RUSAGE_CHILDREN alone saw 0.09 s of a 2.65 s tree)."""
    import subprocess
    import sys
    import time

    from flows.bench import PeakRss, _children_cpu

    script = tmp_path / "pool.py"
    script.write_text(FORK_SERVER_POOL, encoding="utf-8")
    before = _children_cpu()
    proc = subprocess.Popen([sys.executable, str(script)])
    with PeakRss(proc.pid, interval=0.05) as tree:
        proc.wait()
    waited = _children_cpu() - before
    spun = time.process_time()
    total = 0
    for i in range(4 * 10**6):
        total += i
    one_worker = time.process_time() - spun
    assert tree.cpu_s > waited + one_worker, (tree.cpu_s, waited, one_worker)


def test_set_aside_moves_folders_now_and_deletes_them_only_when_emptied(tmp_path: Path) -> None:
    from flows.bench import SetAside

    aside = SetAside(tmp_path)
    for name in ("run-10", "inbox-10"):
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "f.txt").write_text(name)
    aside.clear(tmp_path / "run-10")
    aside.clear(tmp_path / "inbox-10")
    aside.clear(tmp_path / "never-there")  # nothing to move
    assert not (tmp_path / "run-10").exists() and not (tmp_path / "inbox-10").exists()
    kept = sorted(p.read_text() for p in (tmp_path / ".set-aside").rglob("f.txt"))
    assert kept == ["inbox-10", "run-10"]  # moved, not yet deleted
    aside.empty()
    assert not (tmp_path / ".set-aside").exists()
