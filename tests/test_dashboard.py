"""The dashboard as a person uses it: headless Debian Chromium opens data/dashboard/ from disk,
applies each filter, searches, opens a meeting and a source span; every figure it shows is
checked against SQL run independently on the same warehouse (base tables and the public
mart_attendance_by_meeting, not the dashboard marts). Also: no console errors, no request
that leaves the folder, report markup shown as text, invalid facts kept apart."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from dashboards.build import write_dashboard
from dashboards.render import chunk_script
from tests.dashboard_sample import ASTRAL, EVIL
from tests.meeting_reports import build, opening

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "data" / "test-artifacts"
CHROMIUM = Path(os.environ.get("CONGRESS_ETL_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOWEST = 10


def chromium_path() -> Path:
    if CHROMIUM.is_file():
        return CHROMIUM
    message = (f"Chromium not found at {CHROMIUM}: install the Debian package (`apt-get install -y chromium`, "
               "or `make browser` as root)")
    if os.geteuid() == 0 or os.environ.get("CI"):
        pytest.fail(message)  # CI-like machine: the browser test must run
    pytest.skip(message)


# ------------------------------------------------------------------ pure parts

def test_a_data_chunk_is_json_that_cannot_close_a_script_element() -> None:
    payload = {"text": "</script><script>alert(1)</script>", "n": 3, "zh": "人大"}
    script = chunk_script("detail-0", payload)
    assert "</script" not in script.lower() and "<" not in script
    m = re.fullmatch(r'congressData\("detail-0",(.*)\);\n', script, re.S)
    assert m and json.loads(m.group(1)) == payload


# ------------------------------------------------------------------ the sample warehouse

@pytest.fixture(scope="module")
def sample(dashboard_sample) -> dict:
    """The sample warehouse (conftest) and its dashboard, drawn from the BI snapshot as a run does."""
    page = write_dashboard(dashboard_sample["snapshot"], dashboard_sample["root"] / "dashboard")
    return {**dashboard_sample, "page": page}


def test_the_folder_holds_what_the_caps_allow_not_every_report(sample, tmp_path: Path) -> None:
    """Listed meetings and their text chunks stop at the cap; cubes have one row per filter
    cell, however many reports fill it."""
    out = write_dashboard(sample["wh"], tmp_path / "small", detail_meetings=5).parent
    (version,) = [p for p in out.iterdir() if p.name.startswith("data-")]
    meetings = _chunk(version / "meetings.js")["meetings"]
    assert len(meetings) == 5
    detail = sorted((version / "m").glob("*.js"))  # one chunk per listed meeting, opened on demand
    assert [p.stem for p in detail] == sorted(m["id"] for m in meetings)
    assert all(_chunk(p)["reports"] for p in detail)
    # a detail chunk (composed in DuckDB) holds each report's text, facts and failed rules as the
    # warehouse has them; the page cuts the text at the facts' spans
    with duckdb.connect(str(sample["wh"]), read_only=True) as con:
        for p in detail:
            reports = _chunk(p)["reports"]
            assert [r["report_id"] for r in reports] == [r[0] for r in con.execute(
                "select report_id from meeting_reports where meeting_id = ? order by coalesce(event, 'other'), report_id",
                [p.stem]).fetchall()]
            for r in reports:
                assert r["text"] == con.execute("select text from report_texts where report_id = ?",
                                                [r["report_id"]]).fetchall()[0][0]
                assert [(f["field"], f["value"], f["start"], f["end"], f["snippet"]) for f in r["facts"]] == con.execute(
                    "select field, value, start_offset, end_offset, snippet from fact_spans where report_id = ? "
                    "order by start_offset, end_offset, field, value", [r["report_id"]]).fetchall()
                assert [(x["rule"], x["message"]) for x in r["rules"]] == con.execute(
                    "select rule, message from quarantine where report_id = ? order by rule, message",
                    [r["report_id"]]).fetchall()
    summary = _chunk(version / "summary.js")
    assert "parts/all/all" in summary["parts"] and all((version / f"{n}.js").is_file() for n in summary["parts"])
    with duckdb.connect(str(sample["wh"]), read_only=True) as con:
        sittings = con.execute("select count(*) from (select distinct meeting_id, coalesce(event, 'other') "
                               "from meeting_reports)").fetchall()[0][0]
        cells = con.execute("select count(*) from (select distinct coalesce(m.year, -1), m.level, m.province, m.body, "
                            "coalesce(mr.event, 'other') from meeting_reports mr join meetings m using (meeting_id))"
                            ).fetchall()[0][0]
    assert len(summary["cubes"]["sittings"]["rows"]) == cells < sittings
    # texts are shipped only for listed meetings: the over-roster sitting is not among 5
    full = next(sample["page"].parent.glob("data-*")) / "m"
    assert sum(p.stat().st_size for p in detail) < sum(p.stat().st_size for p in full.iterdir())


def _chunk(path: Path) -> dict:
    m = re.fullmatch(r'congressData\("[\w/-]+",(.*)\);\n', path.read_text(encoding="utf-8"), re.S)
    return json.loads(m.group(1))


# ------------------------------------------------------------------ SQL, independently

PROVINCE = "coalesce(m.province, case when m.level = 'national' then '全国' end, '未知')"


def _where(f: dict) -> tuple[str, list]:
    """A filter as SQL over meetings m and meeting_reports mr."""
    cond, args = ["true"], []
    for dim, expr in (("year", "coalesce(m.year, -1)"), ("level", "m.level"), ("province", PROVINCE),
                      ("body", "m.body"), ("event", "coalesce(mr.event, 'other')")):
        if dim in f:
            cond.append(f"{expr} = ?")
            args.append(f[dim])
    return " and ".join(cond), args


def expected(con: duckdb.DuckDBPyConnection, f: dict) -> dict:
    where, args = _where(f)
    base = f"from meeting_reports mr join meetings m on m.meeting_id = mr.meeting_id where {where}"
    one = lambda sql: con.execute(sql, args).fetchall()[0][0]  # noqa: E731
    att = (f"from mart_attendance_by_meeting a join reports r on r.report_id = a.report_id "
           f"join meetings m on m.meeting_id = a.meeting_id "
           f"join (select distinct report_id, event from meeting_reports) mr on mr.report_id = a.report_id where {where}")
    present, required = con.execute(f"select sum(a.present), sum(a.required) {att} and r.valid", args).fetchall()[0]
    people = con.execute(
        f"select p.name, count(distinct mr.meeting_id) as n from people p join meeting_reports mr using (report_id) "
        f"join meetings m on m.meeting_id = mr.meeting_id where {where} and p.role in ('执行主席', '主持人') "
        f"group by p.name order by n desc, p.name limit 10", args).fetchall()
    lowest = con.execute(
        f"select a.meeting_id, a.attendance_rate {att} and r.valid order by a.attendance_rate, a.meeting_id, a.event "
        f"limit {LOWEST}", args).fetchall()
    # (every quarantined report of the sample belongs to a meeting: placed by its meeting)
    quarantined = one(f"select count(*) from quarantine q join meeting_reports mr on mr.report_id = q.report_id "
                      f"join meetings m on m.meeting_id = mr.meeting_id where {where}")
    conflicts = one(f"select count(*) from conflicts mr join meetings m using (meeting_id) where {where}")
    checks = 0
    if f.get("event", "other") == "other":  # cross-report findings belong to no sitting: event 'other'
        w, a = _where({k: v for k, v in f.items() if k != "event"})
        checks = con.execute(f"select count(*) from meeting_checks k join meetings m using (meeting_id) where {w}",
                             a).fetchall()[0][0]
    return {
        "meetings": one(f"select count(distinct mr.meeting_id) {base}"),
        "sittings": one(f"select count(*) from (select distinct mr.meeting_id, coalesce(mr.event, 'other') {base})"),
        "reports": one(f"select count(*) {base}"),
        "rate": None if not required else present / required,
        "quorum": one(f"select count(*) {att} and not a.quorum_met"),
        "invalid_with_counts": one(f"select count(*) {att} and not r.valid"),
        "violations": quarantined + conflicts + checks,
        "people": [(n, c) for n, c in people],
        "lowest": lowest,
    }


# ------------------------------------------------------------------ the browser

def _open(browser, page_path: Path, requests: list[str], errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))

    def record(route) -> None:
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    page.route("**/*", record)
    page.goto(page_path.resolve().as_uri())
    page.wait_for_selector("body[data-ready]", state="attached")
    return page


def _shown(page, f: dict) -> dict:
    """What the page shows for filter `f`: tiles, the chairs chart, the lowest-attendance table
    (after the province's part — chairs and lists — has arrived and been drawn)."""
    part = "|".join(str(f.get(d, "*")) for d in ("year", "level", "body", "event")) + "@" + str(f.get("province", "*"))
    page.wait_for_function("key => document.body.getAttribute('data-part') === key", arg=part)
    tiles = {k: page.locator(f"#t-{k}").inner_text() for k in
             ("meetings", "sittings", "reports", "rate", "quorum", "invalid", "violations")}
    people = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('chart-people')).getOption();
        const names = o.yAxis[0].data.slice().reverse(), values = o.series[0].data.slice().reverse();
        return names.map((n, i) => [n, values[i]]); }""")
    lowest = page.evaluate("""() => Array.from(document.querySelectorAll('#low-table tr.sitting')).map(
        tr => [tr.getAttribute('data-meeting'), tr.querySelector('td.rate').textContent])""")
    dist = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('chart-distribution')).getOption();
        const total = s => s.data.reduce((a, b) => a + b, 0);
        return {valid: o.series.filter(s => s.stack === 'valid').reduce((a, s) => a + total(s), 0),
                invalid: total(o.series.find(s => s.stack === 'invalid'))}; }""")
    listed = len(page.locator("#meetings-table tr.meeting").all())
    return {"tiles": tiles, "people": [tuple(p) for p in people], "lowest": lowest, "dist": dist, "listed": listed}


def _check(page, con, f: dict) -> None:
    want, got = expected(con, f), _shown(page, f)
    t = got["tiles"]
    assert int(t["meetings"]) == want["meetings"], f
    assert int(t["sittings"]) == want["sittings"], f
    assert int(t["reports"]) == want["reports"], f
    assert t["rate"] == ("–" if want["rate"] is None else _pct(want["rate"])), f
    assert int(t["quorum"]) == want["quorum"], f
    assert int(t["violations"]) == want["violations"], f
    assert got["people"] == want["people"], f
    assert got["lowest"] == [[m, _pct(r)] for m, r in want["lowest"]], f
    assert got["dist"]["invalid"] == want["invalid_with_counts"], f
    assert got["listed"] == min(want["meetings"], 50), f  # first page of the list (all meetings fit the cap)


def _pct(x: float) -> str:
    """As JavaScript's (x * 100).toFixed(1): ties away from zero on the double's exact value."""
    return f"{Decimal(x * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _select(page, dim: str, value) -> None:
    option = page.locator(f'#f-{dim} option[data-value="{value}"]')
    page.select_option(f"#f-{dim}", value=option.get_attribute("value"))


def _common(con, dim: str):
    """The dimension's most frequent value among dated meeting reports."""
    expr = {"year": "coalesce(m.year, -1)", "level": "m.level", "province": PROVINCE, "body": "m.body",
            "event": "coalesce(mr.event, 'other')"}[dim]
    return con.execute(f"select {expr} v, count(*) n from meeting_reports mr join meetings m using (meeting_id) "
                       "where m.year is not null group by v order by n desc, v limit 1").fetchall()[0][0]


def test_filters_search_and_drill_down_match_sql_in_chromium(sample) -> None:
    chromium = chromium_path()
    from playwright.sync_api import sync_playwright

    con = duckdb.connect(str(sample["wh"]), read_only=True)
    assert con.execute("select count(*) from quarantine where report_id not in "
                       "(select report_id from meeting_reports)").fetchall()[0][0] == 0
    requests: list[str] = []
    errors: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            page = _open(browser, sample["page"], requests, errors)
            assert page.title() == "congress-etl dashboard"
            _check(page, con, {})
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=False)

            # Violations by rule: every rule named, counted as the base tables say.
            rules = page.evaluate("""() => {
                const o = echarts.getInstanceByDom(document.getElementById('chart-rules')).getOption();
                return o.yAxis[0].data.map((k, i) => [k, o.series[0].data[i]]); }""")
            want_rules = dict(con.execute(
                "select 'quarantine: ' || rule, count(*) from quarantine group by rule union all "
                "select 'conflict: conflict_' || field, count(*) from conflicts group by field union all "
                "select 'cross_report: ' || rule, count(*) from meeting_checks group by rule").fetchall())
            assert dict(rules) == want_rules and len(rules) >= 3
            # Key-task themes: one line per theme of the lexicon, summing to the mart's tasks.
            themes = page.evaluate("""() => {
                const o = echarts.getInstanceByDom(document.getElementById('chart-themes')).getOption();
                return o.series.map(s => [s.name, s.data.reduce((a, b) => a + b, 0)]); }""")
            want_themes = dict(con.execute("select theme, sum(tasks) from mart_key_task_themes where year <> -1 "
                                           "group by theme").fetchall())
            assert dict(themes) == want_themes and len(themes) >= 2

            # Each filter alone, then all of them reset, then three together.
            for dim in ("year", "level", "province", "body", "event"):
                value = _common(con, dim)
                _select(page, dim, value)
                _check(page, con, {dim: value})
                page.click("#f-reset")
            combo = con.execute(f"select coalesce(m.year, -1), m.level, {PROVINCE} from meetings m "
                                "where m.year is not null group by all order by count(*) desc limit 1").fetchall()[0]
            for dim, value in zip(("year", "level", "province"), combo):
                _select(page, dim, value)
            _check(page, con, dict(zip(("year", "level", "province"), combo)))
            page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"), full_page=False)
            page.click("#f-reset")

            # The invalid sitting (114.8 %) is in the invalid list with its rule, never among valid ones.
            invalid = page.locator("#invalid-table tr.sitting.invalid", has_text="114.8%")
            assert invalid.count() == 1 and "present_le_required" in invalid.inner_text()
            assert page.locator("#low-table tr.sitting.invalid").count() == 0

            # Search by meeting name, then by a person's name.
            page.fill("#search", "灵石县第十八届")
            rows = page.locator("#meetings-table tr.meeting")
            want = con.execute("select count(*) from meetings where meeting_name like '%灵石县第十八届%'").fetchall()[0][0]
            assert rows.count() == want >= 1
            person = con.execute(
                "select p.name from people p join meeting_reports mr using (report_id) "
                "group by p.name having count(distinct mr.meeting_id) > 1 order by count(distinct mr.meeting_id) desc, "
                "p.name limit 1").fetchall()[0][0]
            n = con.execute(  # the search matches names, regions and people by substring
                "select count(*) from meetings m where m.meeting_name like ? or m.region like ? or exists ("
                "select 1 from people p join meeting_reports mr using (report_id) "
                "where mr.meeting_id = m.meeting_id and p.name like ?)", [f"%{person}%"] * 3).fetchall()[0][0]
            page.fill("#search", person)
            assert rows.count() == n >= 2
            assert all(person in r for r in rows.all_inner_texts())

            # Drill down: a meeting opens its reports; a fact's link lights its source span.
            page.fill("#search", "平遥县第十七届人民代表大会第五次会议")
            rows.first.locator("a.meeting-link").click()
            page.wait_for_selector("#detail article.report")
            assert page.evaluate("typeof window.__pwned") == "undefined"
            open_id = sample["ids"]["open.txt"]
            assert EVIL in page.locator(f"#text-{open_id}").text_content()
            assert page.locator(".report-text img, .report-text script").count() == 0
            page.locator(f"#r-{open_id} a.span-link", has_text="实到代表195名").first.click()
            lit = page.locator(f"#text-{open_id} .hl")
            assert "".join(lit.all_text_contents()) == "实到代表195名"
            assert lit.first.is_visible()
            assert page.evaluate("getComputedStyle(document.querySelector('.hl')).backgroundColor") == "rgb(255, 213, 79)"
            lit.first.screenshot(path=str(ARTIFACTS / "dashboard-span.png"))
            # Every fact's link lights exactly its span, also after characters outside the BMP:
            # the warehouse's offsets count code points, JavaScript strings UTF-16 units.
            other = sample["ids"]["other_site.txt"]
            text = con.execute("select text from report_texts where report_id = ?", [other]).fetchall()[0][0]
            assert text.startswith(ASTRAL) and len(ASTRAL.encode("utf-16-le")) // 2 > len(ASTRAL)
            spans = con.execute("select start_offset, end_offset from fact_spans where report_id = ? "
                                "order by start_offset, end_offset, field, value", [other]).fetchall()
            assert len(spans) >= 5 and all(s >= len(ASTRAL) for s, _ in spans)
            assert page.locator(f"#text-{other}").text_content() == text
            lit_each = page.evaluate("""id => Array.from(document.querySelectorAll('#r-' + id + ' a.span-link')).map(a => {
                a.click();
                return Array.from(document.querySelectorAll('#text-' + id + ' .hl')).map(e => e.textContent).join(''); })""",
                                     other)
            assert lit_each == [text[s:e] for s, e in spans]
            page.locator("#detail").screenshot(path=str(ARTIFACTS / "dashboard-detail.png"))
        finally:
            browser.close()
            con.close()
    assert not errors, errors
    folder = sample["page"].parent.resolve().as_uri()
    assert requests and all(u.startswith(folder) for u in requests), [u for u in requests if not u.startswith(folder)]


def test_cli_dashboard_writes_the_folder_and_explains_a_missing_warehouse(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    wh = tmp_path / "wh.duckdb"
    build(wh, {"open.txt": opening()})
    runner = CliRunner()
    got = runner.invoke(app, ["dashboard", "--warehouse", str(wh), "--out", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    (version,) = (tmp_path / "out").glob("data-*")
    assert "平遥县第十七届人民代表大会第五次会议" in (version / "meetings.js").read_text(encoding="utf-8")
    assert f'{version.name}/summary.js' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for flags, full in (([], False), (["--full"], True)):  # a redraw recomputes what changed, or all
        got = runner.invoke(app, ["dashboard", "--warehouse", str(wh), "--out", str(tmp_path / "out"), *flags])
        assert got.exit_code == 0, got.output
        version = re.search(r'content="(data-[^"]+)"', (tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
        assert _chunk(tmp_path / "out" / version.group(1) / "summary.js")["build"]["full"] is full
    missing = runner.invoke(app, ["dashboard", "--warehouse", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "warehouse not found" in missing.output


def test_a_rebuild_keeps_the_previous_data_version_for_open_pages(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    build(wh, {"open.txt": opening()})
    out = tmp_path / "out"
    versions = []
    for _ in range(3):
        write_dashboard(wh, out)
        versions.append(re.search(r'content="(data-[^"]+)"', (out / "index.html").read_text(encoding="utf-8")).group(1))
    assert len(set(versions)) == 3
    assert sorted(p.name for p in out.glob("data-*")) == sorted(versions[1:])


def test_a_run_writes_the_dashboard_and_its_artifact_links_it(prefect_harness, seed_inbox: Path, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.nightly import nightly

    data = tmp_path / "data"
    state = nightly(inbox=str(seed_inbox), warehouse=str(data / "warehouse.duckdb"), lake=str(data / "lake"),
                    docs=str(data / "docs"), workers=1, batch_size=4, return_state=True)
    assert state.is_completed()
    page = data / "dashboard" / "index.html"
    assert page.is_file()
    with duckdb.connect(str(data / "serve" / "warehouse.duckdb"), read_only=True) as con:
        meetings = con.execute("select count(*) from meetings").fetchall()[0][0]
    (version,) = (data / "dashboard").glob("data-*")
    assert meetings >= 2 and _chunk(version / "summary.js")["totals"]["meetings"] == meetings
    # The run's Data Docs were pointed at local copies of their assets.
    docs = list((data / "docs").rglob("*.html"))
    assert docs and not any(re.search(r'(?:src|href)="https://(?:cdn|unpkg|code\.jquery|maxcdn|stackpath)',
                                      p.read_text(encoding="utf-8")) for p in docs)
    with get_client(sync_client=True) as client:
        # this run's own artifact: the session's Prefect server records other tests' runs too
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["nightly-summary"]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    assert f"[Dashboard]({page.resolve().as_uri()})" in artifact.data
    assert f"[Data Docs]({(data / 'docs' / 'index.html').resolve().as_uri()})" in artifact.data
    shutil.rmtree(data / "dashboard")
