"""The browser assets the dashboard and the Data Docs are given, from the npm registry.

`make setup` installs the exact versions pinned in `dashboards/assets/package.json` into
`dashboards/assets/node_modules/` (`npm install --no-package-lock`, so no lockfile naming a
registry is ever written). Builds copy files from there; a page never loads anything remote.
"""

from __future__ import annotations

import os
from pathlib import Path

ASSETS = Path(os.environ.get("CONGRESS_ETL_ASSETS", Path(__file__).resolve().parent / "assets")) / "node_modules"

# What GX Data Docs pages load from CDNs → the same file in the installed packages.
# Keys are URL prefixes as GX 1.x writes them; versions differ only where npm has no such
# release (bootstrap-table's filter-control CSS 1.19.0 is served from 1.19.1).
DATA_DOCS = {
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
}
# Font Awesome's CSS loads its fonts from ../webfonts/ relative to itself.
DATA_DOCS_DIRS = {"@fortawesome/fontawesome-free/webfonts": "@fortawesome/fontawesome-free/webfonts"}


class AssetsMissing(RuntimeError):
    pass


def asset(relpath: str) -> Path:
    path = ASSETS / relpath
    if not path.exists():
        raise AssetsMissing(f"{path} is missing: run `make setup` (it installs dashboards/assets/package.json "
                            "with npm; needs node and npm)")
    return path


def echarts_js() -> Path:
    return asset("echarts/dist/echarts.min.js")
