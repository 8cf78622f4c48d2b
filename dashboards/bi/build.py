"""`python -m dashboards.bi.build` (`make bi`): run every `pages/*.sql` with the DuckDB 1.x CLI
against the BI snapshot, read-only, and write each result as an HTML page under `data/bi/`.

The CLI is a separate process and a different DuckDB release than the one that writes the
warehouse, so a page that builds proves the snapshot and its marts open for 1.x readers.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
TITLE = re.compile(r"^--\s*title:\s*(.+)$", re.M)


def duckdb_cli() -> Path:
    """The `duckdb` executable of the `duckdb-cli` package installed next to this Python."""
    found = os.environ.get("CONGRESS_ETL_DUCKDB_CLI") or shutil.which("duckdb", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("duckdb CLI not found: `make setup` installs the pinned duckdb-cli package")
    return Path(found)


def run_page(cli: Path, snapshot: Path, sql: str) -> str:
    """The page's query result as HTML table rows (the CLI escapes every value)."""
    got = subprocess.run([str(cli), "-readonly", "-html", "-bail", str(snapshot)], input=sql, capture_output=True,
                         text=True, timeout=300)
    if got.returncode != 0:
        raise RuntimeError(f"duckdb CLI failed on {snapshot}: {got.stderr.strip()}")
    return got.stdout


def build(snapshot: Path | str, out: Path | str) -> list[Path]:
    """Write out/<page>.html for every page and out/index.html linking them; returns the pages."""
    snapshot, out = Path(snapshot), Path(out)
    if not snapshot.is_file():
        raise SystemExit(f"snapshot not found: {snapshot} (run `congress-etl run` first)")
    cli = duckdb_cli()
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip()
    out.mkdir(parents=True, exist_ok=True)
    written, links = [], []
    for page in sorted(PAGES.glob("*.sql")):
        sql = page.read_text(encoding="utf-8")
        title = (TITLE.search(sql) or re.match(r"(.*)", page.stem)).group(1).strip()
        rows = run_page(cli, snapshot, sql)
        target = out / f"{page.stem}.html"
        target.write_text(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{html.escape(title)}</title><style>table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;"
            f"padding:2px 6px}}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(version)} · {html.escape(str(snapshot))}</p><table id=\"result\">\n{rows}</table>"
            "<p><a href=\"index.html\">all pages</a></p></body></html>\n", encoding="utf-8")
        written.append(target)
        links.append(f'<li><a href="{target.name}">{html.escape(title)}</a></li>')
    (out / "index.html").write_text(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>congress-etl BI</title></head><body>"
        f"<h1>congress-etl BI pages</h1><ul>{''.join(links)}</ul></body></html>\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default="data/serve/warehouse.duckdb")
    parser.add_argument("--out", default="data/bi")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages = build(args.snapshot, args.out)
    print(f"BI: {len(pages)} pages in {args.out} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
