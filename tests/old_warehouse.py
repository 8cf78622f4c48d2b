"""A warehouse file as an older version of the code left it: the schema files before `first_new`
applied and recorded, none after (the next `Warehouse(path)` migrates it)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.sqlfiles import migrations


def warehouse_before(path: Path, first_new: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    for f in migrations():
        if f.name < first_new:
            con.execute(f.read_text(encoding="utf-8"))
            con.execute("insert into schema_version values (?, now())", [f.name])
    return con
