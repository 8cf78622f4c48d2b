"""Make GX Data Docs open offline: the pages GX writes load ~15 scripts and stylesheets from
CDNs (bootstrap, bootstrap-table, jQuery, Vega, Font Awesome …). This copies the same files from
the npm packages installed by `make setup` (dashboards/assets.py) into `<docs>/static/vendor/`
and points every page at those copies. Idempotent: pages already rewritten are left alone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from dashboards import assets

VENDOR = Path("static") / "vendor"
# GX's logo comes from S3 with a cache-busting query; GX itself copies the same image here.
LOGO = re.compile(r"https://great-expectations-web-assets\.s3[\w.-]*\.amazonaws\.com/logo-long\.png(?:\?[^\"']*)?")
TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.I)
ATTR = re.compile(r"""(?P<attr>\b(?:src|href))=(?P<q>["'])(?P<url>https?://[^"']+)(?P=q)""")
# Subresource-integrity and CORS attributes make Chromium refuse file:// copies (opaque origin).
CORS = re.compile(r"""\s(?:integrity|crossorigin)(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?""", re.I)


def _install(docs_dir: Path) -> None:
    for rel in assets.DATA_DOCS.values():
        src, dest = assets.asset(rel), docs_dir / VENDOR / rel
        if not dest.exists() or dest.stat().st_size != src.stat().st_size:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    for rel_src, rel_dest in assets.DATA_DOCS_DIRS.items():
        dest = docs_dir / VENDOR / rel_dest
        if not dest.is_dir():
            shutil.copytree(assets.asset(rel_src), dest)


def localize_page(html: str, page_dir: Path, docs_dir: Path) -> str:
    """`html` with every CDN asset it loads pointed at the local copy (paths relative to the page)."""
    def rel(target: Path) -> str:
        return Path(os.path.relpath(target, page_dir)).as_posix()

    def swap(m: re.Match) -> str:
        local = assets.DATA_DOCS.get(m.group("url"))
        if local is None:
            return m.group(0)
        return f'{m.group("attr")}={m.group("q")}{rel(docs_dir / VENDOR / local)}{m.group("q")}'

    def tag(m: re.Match) -> str:
        swapped = ATTR.sub(swap, m.group(0))
        return CORS.sub("", swapped) if swapped != m.group(0) else swapped

    html = LOGO.sub(rel(docs_dir / "static" / "images" / "logo-long.png"), html)
    return TAG.sub(tag, html)


def localize_data_docs(docs_dir: Path | str) -> int:
    """Rewrite every Data Docs page under docs_dir that still names a CDN; returns how many."""
    docs_dir = Path(docs_dir).resolve()
    pages = [p for p in docs_dir.rglob("*.html") if VENDOR.as_posix() not in p.as_posix()]
    if not pages:
        return 0
    _install(docs_dir)
    changed = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        new = localize_page(html, page.parent, docs_dir)
        if new != html:
            tmp = page.with_name(f".{page.name}.tmp-{os.getpid()}")
            tmp.write_text(new, encoding="utf-8")
            os.replace(tmp, page)
            changed += 1
    return changed
