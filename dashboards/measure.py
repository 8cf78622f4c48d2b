"""Measure one dashboard build (and optionally the page's opening in Chromium): a development
tool for the figures in README "Dashboard", not a test.

    python -m dashboards.measure data/serve/warehouse.duckdb data/dashboard [--full] [--open 7]

Prints JSON: the build's CPU seconds (this process, DuckDB's threads included), wall seconds,
the process's peak RSS, the years it recomputed, what the new data version holds, how much of
it was written and how much is hard links to the previous version; with --open N, the median
and range of N openings of the page in headless Chromium (navigation start to every chart and
table drawn, the page's own `data-ready` mark).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import time
from pathlib import Path
from typing import Any


def _folder(out: Path) -> dict[str, Any]:
    """What the version index.html names holds: files, bytes, and those that are links."""
    version = out / re.search(r'content="(data-[^"]+)"', (out / "index.html").read_text(encoding="utf-8")).group(1)
    files = [p for p in version.rglob("*") if p.is_file()]
    linked = [p for p in files if p.stat().st_nlink > 1]
    on_open = sum((version / n).stat().st_size for n in ("summary.js", "meetings.js", "parts/all/all.js")
                  if (version / n).is_file())
    return {"files": len(files), "mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
            "written_files": len(files) - len(linked),
            "written_mb": round(sum(p.stat().st_size for p in files if p not in linked) / 2**20, 2),
            "state_mb": round(sum(p.stat().st_size for p in files if "state" in p.relative_to(version).parts) / 2**20, 1),
            "read_on_open_mb": round(on_open / 2**20, 2)}


def open_times(page: Path, n: int) -> dict[str, Any]:
    """Median and range of n openings of the page (fresh browser page each time)."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CONGRESS_ETL_CHROMIUM", "/usr/bin/chromium")
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(n):
                tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                tab.goto(page.resolve().as_uri())
                tab.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
                times.append(int(tab.get_attribute("body", "data-ready")) / 1000)
                tab.close()
        finally:
            browser.close()
    return {"open_median_s": round(statistics.median(times), 2), "open_min_s": round(min(times), 2),
            "open_max_s": round(max(times), 2)}


def main() -> None:
    from dashboards.build import write_dashboard

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="the BI snapshot (or a warehouse file) to read")
    ap.add_argument("out", type=Path, help="the dashboard folder (its previous build is the starting point)")
    ap.add_argument("--full", action="store_true", help="recompute everything")
    ap.add_argument("--open", type=int, default=0, metavar="N", help="then open the page N times in Chromium")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    page = write_dashboard(args.source, args.out, full=args.full)
    figures: dict[str, Any] = {"cpu_s": round(time.process_time() - cpu, 2), "wall_s": round(time.perf_counter() - wall, 2),
                               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    summary = (page.parent / re.search(r'content="(data-[^"]+)"', page.read_text(encoding="utf-8")).group(1)
               / "summary.js").read_text(encoding="utf-8")
    figures["build"] = json.loads(re.search(r'"build":(\{[^}]*\})', summary).group(1))
    figures["version"] = _folder(args.out)
    inodes = {p.stat().st_ino: p.stat().st_size for p in args.out.rglob("*") if p.is_file()}
    figures["folder_mb"] = round(sum(inodes.values()) / 2**20, 1)  # both versions kept, links once
    if args.open:
        figures.update(open_times(page, args.open))
    figures["load_avg_1min"] = [round(load, 1), round(os.getloadavg()[0], 1)]
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
