"""GX Data Docs open offline: a real GX run writes its site (pages that load ~15 CDN assets),
dashboards.datadocs points them at local copies of the same npm packages, and headless Chromium
opens every page with all non-file requests blocked — styled, scripted, no errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboards.datadocs import localize_data_docs
from tests.dashboard_sample import sample_reports
from tests.test_dashboard import ARGS, ARTIFACTS, chromium_path
from transforms.decode import decode
from transforms.extract import extract

pytestmark = pytest.mark.slow
CDN = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']https?://""", re.I)


def test_data_docs_pages_load_only_local_assets_in_chromium(tmp_path: Path) -> None:
    chromium = chromium_path()
    from playwright.sync_api import sync_playwright

    from expectations.rules import validate_records

    docs = tmp_path / "docs"
    reports = list(sample_reports().items())[:20] + [("over_roster.txt", sample_reports()["over_roster.txt"])]
    validate_records([extract(decode(t.encode("utf-8"), n)).record() for n, t in reports], docs_dir=docs,
                     run_name="run-1")
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) >= 3 and all(CDN.search(p.read_text(encoding="utf-8")) for p in pages)  # as GX writes them
    assert localize_data_docs(docs) == len(pages)
    assert localize_data_docs(docs) == 0  # idempotent
    assert not any(CDN.search(p.read_text(encoding="utf-8")) for p in pages)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            for path in pages:
                requests: list[str] = []
                errors: list[str] = []
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))

                page.route("**/*", _recorder(requests))
                page.goto(path.resolve().as_uri())
                page.wait_for_load_state("load")
                name = path.relative_to(docs).as_posix()
                assert page.evaluate("[typeof jQuery, typeof jQuery.fn.bootstrapTable, typeof vegaEmbed]") == [
                    "function", "function", "function"], name
                # bootstrap's stylesheet applied: its navbar is a flex box
                assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex", name
                assert not errors, (name, errors)
                assert requests and all(u.startswith(docs.resolve().as_uri()) for u in requests), (name, requests)
                if "validations" in name:
                    assert page.locator("text=present_le_required").count() >= 1
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / "datadocs-offline.png"))
                page.close()
        finally:
            browser.close()


def _recorder(requests: list[str]):
    def record(route) -> None:
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()
    return record
