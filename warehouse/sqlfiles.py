"""The warehouse's `.sql` files: where they live and how they are read. No database here.

`warehouse/sql/` is laid out by layer, dbt-style:

- `schema/NNN_*.sql`   DDL and migrations, applied in number order, each once per warehouse
                       (recorded in `schema_version`);
- `staging/*.sql`      views that clean the sources (`current_files`) and the named statements
                       that turn a run's Parquet shards into `stg_<table>` views;
- `marts/NNN_*.sql`    views for readers: `meeting_facts` (the public contract), `meeting_events`
                       and the `mart_*` views; re-created on every open, so a code update
                       updates them;
- `queries/*.sql`     named statements (`-- name: x` sections) the Python code runs:
                       `load.sql`, `reconcile.sql`, `lake.sql`, `dashboard.sql`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"
SCHEMA_DIR = SQL_DIR / "schema"
STAGING_DIR = SQL_DIR / "staging"
MARTS_DIR = SQL_DIR / "marts"

_NUMBERED = re.compile(r"^\d+_.*\.sql$")
_NAME = re.compile(r"^--\s*name:\s*(\w+)\s*$")


def migrations() -> list[Path]:
    """`schema/NNN_*.sql`, in the order they are applied."""
    return sorted(p for p in SCHEMA_DIR.glob("*.sql") if _NUMBERED.match(p.name))


def view_files() -> list[Path]:
    """The view layers, in the order they are (re)created: staging views, then marts (each
    folder's numbered files in number order; later files may read earlier views)."""
    return [*sorted(p for p in STAGING_DIR.glob("*.sql") if _NUMBERED.match(p.name)),
            *sorted(p for p in MARTS_DIR.glob("*.sql") if _NUMBERED.match(p.name))]


def named_statements(path: Path | str) -> dict[str, str]:
    """`-- name: x` sections of a .sql file → {x: statement text}. `path` is absolute or
    relative to `warehouse/sql/`."""
    return dict(_named(str(SQL_DIR / path)))


@lru_cache(maxsize=None)
def _named(path: str) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _NAME.match(line)
        if m:
            if name:
                out[name] = "\n".join(lines).strip()
            name, lines = m.group(1), []
        elif name:
            lines.append(line)
    if name:
        out[name] = "\n".join(lines).strip()
    return tuple(out.items())
