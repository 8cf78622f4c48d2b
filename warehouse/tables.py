"""The table registry: every warehouse table (and the one public view the lake carries), its
key, how it is written, how the lake partitions it and which DDL file declares it.

Every table list of the code is derived from here: `REPORT_TABLES` (the report rows a run
loads, in load order), `CORE_TABLES`, `RECONCILE_TABLES`, `KEYS` (staging dedupe keys),
`LAKE_TABLES`, and `transforms.rows.TABLES`. Pure data: no database, importable anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

# Write modes.
INSERT_ONLY = "insert-only"  # rows keyed by content; a key already stored is never loaded again
UPSERT = "upsert"            # one row per key, written again when it changes (ledger, runs)
REPLACE = "replace"          # derived by reconciliation from the current reports
VIEW = "view"                # not stored: a view the lake exports (meeting_facts)

# Lake partitions (`year=YYYY`, see warehouse/sql/queries/lake.sql).
REPORT_YEAR = "report year"     # the meeting year of the row's report
RUN_YEAR = "run year"           # the year of the run (or sighting) that wrote the row
MEETING_YEAR = "meeting year"   # the meeting's year, stated or inferred across reports
OWN_YEAR = "own year"           # the row's own `year` column


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # staging rows are deduplicated on it, first occurrence wins
    write: str            # INSERT_ONLY | UPSERT | REPLACE | VIEW
    group: str            # report | run | reconcile | text | public
    ddl: str              # the file under warehouse/sql/ that declares it
    lake: str | None = None  # partition rule; None = not in the lake
    stage: str | None = None  # the staging name when it differs from `name`


TABLES: tuple[Table, ...] = (
    # Report tables, in load order (reports first: the others hang off its report_id).
    Table("reports", ("report_id",), INSERT_ONLY, "report", "schema/001_core.sql", REPORT_YEAR),
    Table("attendance", ("report_id",), INSERT_ONLY, "report", "schema/001_core.sql", REPORT_YEAR),
    Table("people", ("report_id", "role", "ordinal"), INSERT_ONLY, "report", "schema/001_core.sql", REPORT_YEAR),
    Table("agenda_items", ("report_id", "ordinal"), INSERT_ONLY, "report", "schema/001_core.sql", REPORT_YEAR),
    Table("work_report_items", ("report_id", "kind", "ordinal"), INSERT_ONLY, "report", "schema/001_core.sql",
          REPORT_YEAR),
    # A report's candidate terms and counts (transforms/keywords.py).
    Table("keyword_candidates", ("report_id", "term"), INSERT_ONLY, "report",
          "schema/011_keyword_candidates_unindexed.sql", REPORT_YEAR),
    Table("fact_spans", ("report_id", "field", "value", "start_offset", "end_offset"), INSERT_ONLY, "report",
          "schema/001_core.sql", REPORT_YEAR),
    # The public contract, exported next to the report tables.
    Table("meeting_facts", ("report_id", "file_path"), VIEW, "public", "marts/010_meeting_facts.sql", REPORT_YEAR),
    # The candidates ranked by the IDF of the current reports when read, so they never depend on
    # load order; not in the lake (its weights move with every load: the lake has the candidates).
    Table("keywords", ("report_id", "term"), VIEW, "public", "marts/025_keywords.sql"),
    # What each run saw and decided.
    Table("quarantine", ("file_path", "sha256", "rule"), INSERT_ONLY, "run", "schema/001_core.sql", RUN_YEAR),
    Table("runs", ("run_id",), UPSERT, "run", "schema/001_core.sql", RUN_YEAR),
    # A file is identified by its inbox and its path there (schema/005); versions are numbered per path.
    Table("file_ledger", ("inbox", "path"), UPSERT, "run", "schema/001_core.sql", RUN_YEAR, stage="files"),
    # Reconciliation: many reports, one meeting.
    Table("meetings", ("meeting_id",), REPLACE, "reconcile", "schema/003_reconciliation.sql", OWN_YEAR),
    Table("meeting_reports", ("report_id",), REPLACE, "reconcile", "schema/003_reconciliation.sql", OWN_YEAR),
    Table("conflicts", ("meeting_id", "event", "field", "report_id_a", "report_id_b"), REPLACE, "reconcile",
          "schema/003_reconciliation.sql", MEETING_YEAR),
    Table("meeting_checks", ("rule", "meeting_id", "other_meeting_id"), REPLACE, "reconcile",
          "schema/003_reconciliation.sql", MEETING_YEAR),
    # Decoded texts (spans index into them), written before a run's load.
    Table("report_texts", ("report_id",), INSERT_ONLY, "text", "schema/003_reconciliation.sql", REPORT_YEAR),
    # The warehouse's own bookkeeping: not published (lake, snapshot).
    Table("schema_version", ("version",), INSERT_ONLY, "internal", "schema/000_schema_version.sql"),
    Table("report_keys", ("report_id",), INSERT_ONLY, "internal", "schema/010_report_keys.sql"),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def _names(group: str) -> tuple[str, ...]:
    return tuple(t.name for t in TABLES if t.group == group)


REPORT_TABLES: tuple[str, ...] = _names("report")
RUN_TABLES: tuple[str, ...] = _names("run")
# Every stored table a run loads (snapshot, tests).
CORE_TABLES: tuple[str, ...] = (*REPORT_TABLES, *RUN_TABLES)
# Written by reconciliation, in this order.
RECONCILE_TABLES: tuple[str, ...] = _names("reconcile")
TEXTS_TABLE = "report_texts"
INTERNAL_TABLES: tuple[str, ...] = _names("internal")
# The lake's tables, in export order.
LAKE_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES if t.lake)
# Staging rows are deduplicated on these keys (first occurrence wins) before loading; the
# ledger's staging rows are called `files`.
KEYS: dict[str, tuple[str, ...]] = {(t.stage or t.name): t.key for t in TABLES
                                    if t.group in ("report", "run")}
