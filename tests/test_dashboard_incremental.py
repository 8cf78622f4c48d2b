"""The dashboard built night by night equals the dashboard built at once, and a night rewrites
only what it changed.

An incremental build recomputes only the cells (year, level, province, body) whose meetings
changed and merges the top lists of the groups they fall in from the previous ones
(dashboards/state.py); a full build computes everything. Both must give the page the same data:
every chunk (summary, meeting list, top-list chunks, meeting detail chunks) is compared after each
night, parsed — and the chunks other than the summary byte for byte. Real DuckDB files, the real
builder; no browser (tests/test_dashboard.py checks the page itself against SQL)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards.build import write_dashboard
from dashboards.state import PARTITIONED, province_id
from tests.dashboard_sample import sample_reports
from tests.dashboard_world import World
from tests.meeting_reports import T0, load
from warehouse.store import Warehouse

pytestmark = pytest.mark.slow
VOLATILE = ("generated_at", "source", "build")  # the summary's fields that name the build itself


def chunks(out: Path) -> dict[str, bytes]:
    """Every data chunk of the version index.html names: {relative name: file bytes}."""
    version = re.search(r'content="(data-[^"]+)"', (out / "index.html").read_text(encoding="utf-8")).group(1)
    root = out / version
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.js")}


def payload(data: bytes) -> dict:
    m = re.fullmatch(r'congressData\("[\w/-]+",(.*)\);\n', data.decode("utf-8"), re.S)
    return json.loads(m.group(1))


def assert_same_page(incremental: Path, full: Path) -> None:
    a, b = chunks(incremental), chunks(full)
    assert sorted(a) == sorted(b)
    sa, sb = payload(a.pop("summary.js")), payload(b.pop("summary.js"))
    for key in VOLATILE:
        sa.pop(key), sb.pop(key)
    assert sa == sb
    for name in sorted(a):
        assert a[name] == b[name], name  # byte-identical: the same rows, in the same order


def version_of(out: Path) -> Path:
    return out / re.search(r'content="(data-[^"]+)"', (out / "index.html").read_text(encoding="utf-8")).group(1)


def test_random_nights_built_incrementally_equal_a_full_build(tmp_path: Path) -> None:
    """Meetings come, go, gain reports, move years and get renamed; quarantine records of files
    outside any meeting come. Lists of 2 and a listing of 6 meetings overflow constantly, so the
    merges, the recomputed groups and the listing's window are all exercised. (Seeds 0–24 and
    100–129 with 8 nights each, lists of 2 and 3, passed the same comparison with the year-level
    build; seeds 0–3 and 100–101 with the cell-level one and merged year lists; one seed keeps
    the suite short.)"""
    world = World(11)
    wh = tmp_path / "warehouse.duckdb"
    limits = {"top_k": 2, "detail_meetings": 6}
    merged_or_dirty = set()
    for night in range(7):
        world.night(first=night == 0)
        world.write(wh)
        write_dashboard(wh, tmp_path / "incremental", **limits)
        write_dashboard(wh, tmp_path / f"full-{night}", full=True, **limits)
        assert_same_page(tmp_path / "incremental", tmp_path / f"full-{night}")
        build = payload(chunks(tmp_path / "incremental")["summary.js"])["build"]
        assert build["full"] == (night == 0)
        merged_or_dirty.update(build["years"])
    assert len(merged_or_dirty) >= 3  # nights touched several years, not always all of them


def test_the_pipeline_night_by_night_equals_one_build(tmp_path: Path) -> None:
    """The sample reports through the real extractor, loader and reconciliation in four nights
    (a repost and a conflicting report of an existing sitting arrive later than the sitting),
    the dashboard built after each night; then one build of the final warehouse."""
    reports = sample_reports()
    names = sorted(reports, key=lambda n: (n in ("repost.txt", "other_site.txt", "over_roster.txt"), n))
    nights = [names[i::4] for i in range(3)]
    late = [n for n in names if n not in {x for night in nights for x in night}]
    nights.append(late)
    wh = tmp_path / "warehouse.duckdb"
    (tmp_path / "serve").mkdir()
    for i, night in enumerate(nights):
        with Warehouse(wh) as w:
            load(w, {n: reports[n] for n in night}, run_id=f"run-{i}", at=T0.replace(day=1 + i))
        shutil.copy(wh, tmp_path / "serve" / f"night-{i}.duckdb")  # what readers saw after that night
    for i in range(len(nights)):
        write_dashboard(tmp_path / "serve" / f"night-{i}.duckdb", tmp_path / "incremental")
    write_dashboard(tmp_path / "serve" / f"night-{len(nights) - 1}.duckdb", tmp_path / "full", full=True)
    assert_same_page(tmp_path / "incremental", tmp_path / "full")
    with duckdb.connect(str(wh), read_only=True) as con:
        meetings = con.execute("select count(*) from meetings").fetchall()[0][0]
    assert payload(chunks(tmp_path / "incremental")["summary.js"])["totals"]["meetings"] == meetings > 20


def test_a_night_writes_only_what_it_changed(tmp_path: Path) -> None:
    """A night that changes one year: that year is recomputed, every chunk and state file of
    the other years is the previous version's file (a hard link, not a copy), and so is the
    detail chunk of every listed meeting that did not change."""
    world = World(5)
    wh = tmp_path / "warehouse.duckdb"
    world.night(first=True)
    world.write(wh)
    out = tmp_path / "dash"
    write_dashboard(wh, out)
    before = version_of(out)
    year = 2021
    world.add_meeting(year)
    world.runs.append("run-late")
    world.write(wh)
    write_dashboard(wh, out)
    after = version_of(out)
    assert after != before and before.is_dir()  # the previous version stays for open pages
    build = payload((after / "summary.js").read_bytes())["build"]
    assert (build["full"], build["years"], build["cells"]) == (False, [year], 1)

    def same_file(name: str) -> bool:
        return (before / name).is_file() and (after / name).stat().st_ino == (before / name).stat().st_ino

    files = [p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()]
    other_years = [f for f in files if f.startswith("parts/") and not f.startswith(("parts/all/", f"parts/{year}/"))]
    assert other_years and all(same_file(f) for f in other_years)
    state = [f for f in files if re.match(r"state/\w+/part=(-?\d+)/", f)]
    assert state and all(same_file(f) == (f"/part={year}/" not in f) for f in state)
    listed = {m["id"]: m for m in payload((after / "meetings.js").read_bytes())["meetings"]}
    new = [f"{m['chunk']}.js" for mid, m in listed.items() if mid == max(world.meetings)]
    kept = [f"{m['chunk']}.js" for mid, m in listed.items() if mid != max(world.meetings)]
    assert new and not same_file(new[0]) and kept and all(same_file(f) for f in kept)
    # everything it wrote: the year's files, the all-years lists, the page-wide chunks and tables
    whole = ("summary.js", "meetings.js", "state/KEY", *(f"state/{t}/" for t, by in PARTITIONED.items() if by is None))
    written = [f for f in files if not same_file(f)]
    bad = [f for f in written if not (f.startswith((f"parts/{year}/", "parts/all/", *whole)) or f"/part={year}/" in f
                                      or re.match(rf"state/lists/part=(all|{year})-", f) or f in new)]
    assert not bad, bad


def test_a_sitting_leaving_a_year_list_is_replaced_by_the_next_and_only_its_chunks_are_rewritten(
        tmp_path: Path) -> None:
    """A night removes the meeting of the lowest attendance of one year (all provinces): the
    year's list is merged, not recomputed from the year's rows — what is left of it moves up and
    the next ones come from the kept rows, as a full build has them — and the lists rewritten (state
    and chunks) are those of the four chunks the meeting's groups are in: its province and all
    provinces, of its year and of all years. Every other chunk and list file is linked."""
    world = World(6)  # 8 meetings in 2020, 5 of them with valid counts
    wh = tmp_path / "warehouse.duckdb"
    limits = {"top_k": 2, "detail_meetings": 6}
    for night in range(4):
        world.night(first=night == 0)
    world.write(wh)
    out = tmp_path / "dash"
    write_dashboard(wh, out, **limits)
    before = version_of(out)
    year = 2020
    part = payload((before / f"parts/{year}/all.js").read_bytes())
    low = [part["sittings"]["rows"][i][0] for i in part["groups"]["*|*|*"]["low"]]
    assert len(low) == 2
    gone = world.meetings.pop(low[0])
    world.write(wh)
    write_dashboard(wh, out, **limits)
    after = version_of(out)
    write_dashboard(wh, tmp_path / "full", full=True, **limits)
    assert_same_page(out, tmp_path / "full")
    part = payload((after / f"parts/{year}/all.js").read_bytes())
    now = [part["sittings"]["rows"][i][0] for i in part["groups"]["*|*|*"]["low"]]
    left = [m for m in low if m != gone.meeting_id]
    assert gone.meeting_id not in now and len(now) == 2 and now[:len(left)] == left
    build = payload((after / "summary.js").read_bytes())["build"]
    assert (build["full"], build["years"], build["cells"]) == (False, [year], 1)
    chunks_of_it = {f"{y}/{p}" for y in (str(year), "all") for p in ("all", province_id(gone.province or "未知"))}
    assert build["chunks"] == len(chunks_of_it)
    files = [p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()]
    written = {f for f in files
               if not ((before / f).is_file() and (before / f).stat().st_ino == (after / f).stat().st_ino)}
    lists = {f for f in files if f.startswith("state/lists/")}
    assert {f.split("/")[2] for f in lists & written} == {f"part={c.replace('/', '-')}" for c in chunks_of_it}
    assert {f for f in written if f.startswith("parts/")} == {f"parts/{c}.js" for c in chunks_of_it}


def test_a_state_built_for_other_limits_or_code_is_not_reused(tmp_path: Path) -> None:
    world = World(8)
    world.night(first=True)
    wh = tmp_path / "warehouse.duckdb"
    world.write(wh)
    out = tmp_path / "dash"
    write_dashboard(wh, out, top_k=3)
    write_dashboard(wh, out, top_k=3)
    assert payload(chunks(out)["summary.js"])["build"] == {"full": False, "years": [], "cells": 0, "chunks": 0}
    write_dashboard(wh, out, top_k=4)  # other limits: everything again
    assert payload(chunks(out)["summary.js"])["build"]["full"] is True
    (version_of(out) / "state" / "KEY").write_text("from another version", encoding="ascii")
    write_dashboard(wh, out, top_k=4)
    assert payload(chunks(out)["summary.js"])["build"]["full"] is True
