"""The `keywords` view on real DuckDB warehouses: a report's candidates weighed by the IDF of the
warehouse's current reports — the same as `transforms.keywords.weigh` — and the same whatever
order and however many nights the same files were loaded in."""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bench.generate import generate_text
from transforms import keywords as kw
from transforms.document import Document
from transforms.extract import extract
from transforms.rows import report_id_for, report_rows
from warehouse.store import Warehouse

kw.load_user_dictionary(kw.USER_DICT.read_text(encoding="utf-8").splitlines())
T0 = datetime(2025, 3, 1, 22, 0, tzinfo=timezone.utc)


def _report(path: str, text: str) -> tuple[dict, dict[str, list[dict]], list]:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc = Document.from_text(text, encoding="utf-8", format="txt")
    facts = extract(doc)
    rid = report_id_for(sha)
    rows = report_rows(report_id=rid, file_path=path, sha256=sha, doc=doc, facts=facts, violations=[])
    entry = {"path": path, "sha256": sha, "size_bytes": len(text.encode()), "mtime_ns": 1, "encoding": "utf-8",
             "format": "txt", "status": "loaded", "report_id": rid}
    return entry, rows, facts.keywords


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    """30 generated reports plus a changed version of one of them (a file edited between nights)."""
    texts = {f"r{i:02d}.txt": t for i, t in ((i, generate_text(7, i)) for i in range(40)) if t}
    return dict(list(texts.items())[:30])


def _night(wh: Warehouse, n: int, reports: list[tuple[dict, dict, list]]) -> None:
    at = T0 + timedelta(days=n)
    tables: dict[str, list[dict]] = {}
    for _, rows, _ in reports:
        for table, got in rows.items():
            tables.setdefault(table, []).extend(got)
    run = {"run_id": f"night{n}", "started_at": at, "finished_at": at, "status": "ok", "inbox": "inbox"}
    wh.commit_run(run, [{**e, "seen_at": at} for e, _, _ in reports], tables, [])


def _keywords(path: Path) -> list[tuple]:
    with Warehouse(path) as wh:
        return wh.query("select report_id, term, weight, rank from keywords order by report_id, rank")[1]


def test_view_weighs_like_python(tmp_path: Path, corpus: dict[str, str]) -> None:
    reports = [_report(p, t) for p, t in corpus.items()]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        _night(wh, 0, reports)
        got = wh.query("select report_id, term, weight, rank from keywords order by report_id, rank")[1]
        df_rows = dict(wh.query("select term, reports from keyword_document_frequency")[1])
    df = Counter(k.term for _, _, found in reports for k in found)
    assert df_rows == dict(df)
    n = sum(1 for _, _, found in reports if found)
    by_report: dict[str, list[tuple]] = {}
    for rid, term, weight, rank in got:
        by_report.setdefault(rid, []).append((term, weight, rank))
    assert len(by_report) == n
    for entry, _, found in reports:
        want = kw.weigh(found, df, n)
        rows = by_report[entry["report_id"]]
        assert [r[0] for r in rows] == [k.term for k in want]
        assert [r[2] for r in rows] == list(range(1, len(want) + 1))
        assert all(math.isclose(r[1], k.weight, abs_tol=2e-6) for r, k in zip(rows, want))
    # Procedure and people are not what reports are about.
    terms = Counter(t for rows in by_report.values() for t, _, rank in rows if rank <= 5)
    assert not {"开幕", "人民代表大会", "法定人数", "执行主席", "第十四届"} & set(terms)


def test_same_tables_in_any_order_over_several_nights(tmp_path: Path, corpus: dict[str, str]) -> None:
    paths = list(corpus)
    changed = paths[3]
    final = {**corpus, changed: corpus[changed].replace("。", "。坚持改革创新，", 3)}
    # One run over the final inbox.
    with Warehouse(tmp_path / "one.duckdb") as wh:
        _night(wh, 0, [_report(p, final[p]) for p in paths])
    # Four nights, shuffled; the changed file first in its old version, then edited.
    order = paths[:]
    random.Random(5).shuffle(order)
    with Warehouse(tmp_path / "many.duckdb") as wh:
        _night(wh, 0, [_report(p, corpus[p]) for p in order[:8]] + [_report(changed, corpus[changed])])
        _night(wh, 1, [_report(p, corpus[p]) for p in order[8:19] if p != changed])
        _night(wh, 2, [_report(p, corpus[p]) for p in order[19:] if p != changed])
        _night(wh, 3, [_report(changed, final[changed])])
        old_id = report_id_for(hashlib.sha256(corpus[changed].encode()).hexdigest())
        assert wh.query("select count(*) from keyword_candidates where report_id = ?", [old_id])[1][0][0] > 0
    one, many = _keywords(tmp_path / "one.duckdb"), _keywords(tmp_path / "many.duckdb")
    assert one and one == many
    assert old_id not in {r[0] for r in many}  # the old version is not current: no keywords, no weight in df


def test_a_warehouse_made_before_candidates_migrates(tmp_path: Path) -> None:
    """An old warehouse's `keywords` table held jieba-IDF weights fixed at load: the migrations add
    the candidates and replace the table by the view (its rows had no counts to weigh)."""
    from tests.old_warehouse import warehouse_before

    path = tmp_path / "old.duckdb"
    con = warehouse_before(path, "004")
    con.execute("insert into keywords values ('r1', '旧词', 0.5, 1)")
    con.close()
    with Warehouse(path) as wh:
        kinds = dict(wh.query("select table_name, table_type from information_schema.tables "
                              "where table_name in ('keywords', 'keyword_candidates')")[1])
        assert kinds == {"keywords": "VIEW", "keyword_candidates": "BASE TABLE"}
        assert wh.query("select count(*) from keywords")[1] == [(0,)]
        assert wh.query("select count(*) from mart_keyword_trends")[1] == [(0,)]
