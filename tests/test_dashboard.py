"""The dashboard in a real headless Chromium (the OS package, driven by playwright): built from
known reports, one of which carries `<script>` and `<img onerror>` in its text."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards.build import write_dashboard
from dashboards.render import segments
from tests.meeting_reports import build, closing, opening, repost

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CONGRESS_ETL_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EVIL = ('<script>window.__pwned = "script";</script>'
        '<img src="https://example.com/x.png" onerror="window.__pwned = \'img\'">')


def _chromium() -> Path:
    if CHROMIUM.is_file():
        return CHROMIUM
    message = (f"Chromium not found at {CHROMIUM}: install the Debian package (`apt-get install -y chromium`, "
               "or `make browser` as root)")
    if os.geteuid() == 0 or os.environ.get("CI"):
        pytest.fail(message)  # CI-like machine: the browser test must run
    pytest.skip(message)


def test_segments_cover_the_text_once_and_mark_every_span() -> None:
    text = "会议应到代表205名，实到代表195名。"
    got = segments(text, [("a", 2, 9), ("b", 6, 9), ("c", 11, 19), ("x", 30, 40)])
    assert "".join(s["text"] for s in got) == text
    assert "".join(s["text"] for s in got if "a" in s["spans"].split()) == text[2:9]
    assert "".join(s["text"] for s in got if "b" in s["spans"].split()) == text[6:9]
    assert "".join(s["text"] for s in got if "c" in s["spans"].split()) == text[11:19]
    assert not any("x" in s["spans"].split() for s in got)


def test_dashboard_renders_offline_escapes_report_text_and_highlights_spans(tmp_path: Path) -> None:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    wh = tmp_path / "wh.duckdb"
    ids = build(wh, {
        "open.txt": opening(extra=EVIL),
        "other_site.txt": "另据报道，" + opening(present=196, absent=9, presider="郑丽", extra="会议审议了各项报告。"),
        "close.txt": closing(),
        "repost.txt": repost(closing()),
        "earlier.txt": opening(session="第四次", date="2024年1月10日", present=200, absent=5),
    }, quarantine=[{"file_path": "other_site.txt", "sha256": None, "rule": "present_plus_absent_eq_required",
                    "message": "composed", "observed": "{}"}])
    page_path = write_dashboard(wh, tmp_path / "dashboard", docs_index=tmp_path / "docs" / "index.html")
    html = page_path.read_text(encoding="utf-8")
    assert EVIL not in html and "&lt;script&gt;" in html
    # No attribute of the page points anywhere but inside it (report text may *mention* URLs).
    assert not re.search(r'(?:src|href|action|data)\s*=\s*"(?:https?:)?//', html)

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))

            def record(route) -> None:
                requests.append(route.request.url)
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", record)
            page.goto(page_path.resolve().as_uri())
            assert page.title() == "congress-etl dashboard"
            assert page.locator("#total-meetings").inner_text() == "2"
            for chart in ("attendance", "trends", "people", "agenda", "keywords", "quality"):
                marks = page.locator(f"svg.chart.{chart} .mark")
                assert marks.count() > 0, f"chart {chart} drew nothing"
                box = marks.first.bounding_box()
                assert box and box["width"] > 0 and box["height"] > 0, chart
            # The report's markup is text on the page; none of it ran or loaded.
            assert page.evaluate("typeof window.__pwned") == "undefined"
            source = page.locator(f"#r-{ids['open.txt']} .report-text")
            assert EVIL in source.text_content()
            assert page.locator(".report-text img, .report-text script").count() == 0
            # A meeting's link to its source span opens the report with that span highlighted.
            link = page.locator(f"#meeting-{_meeting_of(page)} a.span-link", has_text="实到 195").first
            link.click()
            page.wait_for_function("document.querySelectorAll('.report-text .hl').length > 0")
            lit = page.locator(".report-text .hl")
            assert "".join(lit.all_text_contents()) == "实到代表195名"
            assert lit.first.is_visible()
            assert page.evaluate("getComputedStyle(document.querySelector('.hl')).backgroundColor") == "rgb(255, 213, 79)"
            assert page.locator("#conflicts tr").count() > 1
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert not errors, errors
    assert requests and all(u.startswith("file:") for u in requests), requests
    keep = ROOT / "data" / "test-artifacts" / "dashboard.png"
    keep.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, keep)
    print(f"dashboard screenshot: {shot} (copy: {keep})")


def _meeting_of(page) -> str:
    """The meeting row of session 5 (the one with the conflict)."""
    row = page.locator("tr.meeting", has_text="第五次会议").first
    return row.get_attribute("id").removeprefix("meeting-")


def test_cli_dashboard_writes_the_page_and_explains_a_missing_warehouse(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    wh = tmp_path / "wh.duckdb"
    build(wh, {"open.txt": opening()})
    runner = CliRunner()
    got = runner.invoke(app, ["dashboard", "--warehouse", str(wh), "--out", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "平遥县第十七届人民代表大会第五次会议" in page
    missing = runner.invoke(app, ["dashboard", "--warehouse", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "warehouse not found" in missing.output


def test_a_run_writes_the_dashboard_and_its_artifact_links_it(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.nightly import nightly

    data = tmp_path / "data"
    summary = nightly(inbox=str(seed_inbox), warehouse=str(data / "warehouse.duckdb"), lake=str(data / "lake"),
                      docs=str(data / "docs"), workers=1, batch_size=4)
    page = data / "dashboard" / "index.html"
    assert page.is_file()
    with duckdb.connect(str(data / "serve" / "warehouse.duckdb"), read_only=True) as con:
        meetings = con.execute("select count(*) from meetings").fetchall()[0][0]
        texts = con.execute("select count(*) from report_texts").fetchall()[0][0]
    assert meetings >= 2 and texts == summary["files_loaded"]
    assert f'<b id="total-meetings">{meetings}</b>' in page.read_text(encoding="utf-8")
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nightly-summary"])),
                                            limit=1, sort="CREATED_DESC")
    assert f"[Dashboard]({page.resolve().as_uri()})" in artifact.data
    assert f"[Data Docs]({(data / 'docs' / 'index.html').resolve().as_uri()})" in artifact.data
