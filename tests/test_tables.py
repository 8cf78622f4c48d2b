"""warehouse/tables.py, the table registry, agrees with the SQL files and a real warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from warehouse.sqlfiles import SQL_DIR, named_statements
from warehouse.store import Warehouse
from warehouse.tables import BY_NAME, KEYS, LAKE_TABLES, REPORT_TABLES, TABLES, VIEW

def test_every_registered_table_is_declared_where_the_registry_says(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        kinds = dict(wh.con.execute("select table_name, table_type from information_schema.tables").fetchall())
        for t in TABLES:
            assert kinds.get(t.name) == ("VIEW" if t.write == VIEW else "BASE TABLE"), t.name
            kind = "view" if t.write == VIEW else "table"
            ddl = (SQL_DIR / t.ddl).read_text(encoding="utf-8")
            assert re.search(rf"create (or replace )?{kind} (if not exists )?{t.name} ", ddl), (t.name, t.ddl)
            columns = {c[0] for c in wh.con.execute(f"describe {t.name}").fetchall()}
            assert set(t.key) <= columns, t.name
        stored = {name for name, kind in kinds.items() if kind == "BASE TABLE"}
    assert stored == {t.name for t in TABLES if t.write != VIEW}


def test_lake_has_one_query_per_lake_table() -> None:
    queries = named_statements("queries/lake.sql")
    # the others: fingerprints (fp_*) and the templates of a partition's appended rows (append_*)
    assert {q for q in queries if not q.startswith(("fp_", "append_"))} == set(LAKE_TABLES)
    assert all(BY_NAME[t].lake for t in LAKE_TABLES)


def test_derived_lists() -> None:
    from transforms.rows import TABLES as ROW_TABLES

    assert ROW_TABLES == REPORT_TABLES
    assert REPORT_TABLES[0] == "reports"  # the others hang off its report_id: loaded first
    assert KEYS["files"] == ("inbox", "path") and set(REPORT_TABLES) <= set(KEYS)
