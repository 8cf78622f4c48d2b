"""Validation of extracted meeting facts with Great Expectations.

The checked-in suite `meeting_facts.json` holds one expectation (or two) per rule, each tagged
`meta.rule_id`. Validation goes in two steps:

- `validation_table(records)`: the per-record Python work — cleaning the values and deriving the
  helper columns the suite checks — into one Arrow table (cheap; it can run in the extraction
  worker that made the records, and the table travels as a compact batch);
- `validate_table(table)`: the suite runs ONCE over the table as a pandas DataFrame with
  `result_format=COMPLETE` keyed by `row_id`, and every failed expectation's unexpected rows map
  back to rule ids; messages and observed values are built for the failing rows only.

`validate_records(records)` does both. GX is imported once per process (~2.4 s of CPU, with
`scipy.stats` deferred by `_defer_scipy_stats`; `preload()` starts it in a background thread), and
its context, datasource, suite and checkpoint are built once per run and reused for every chunk
(`SuiteRunner`). Analytics and progress bars are off. Only pandas DataFrames are validated (GX's
SQL datasource does not work on DuckDB).
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transforms.facts import Violation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SUITE_PATH = Path(__file__).with_name("meeting_facts.json")
SUITE_NAME = "meeting_facts"

# Rule id -> one-line description. The order is the canonical order of reported violations.
RULES: dict[str, str] = {
    "unreadable": "the bytes are not clean text (empty, binary, invalid or truncated); raised by the decoder",
    "present_le_required": "attendance does not exceed the roster: present <= required",
    "present_plus_absent_eq_required": "when all three counts are stated, present + absent == required",
    "quorum_two_thirds": "人大/政协 plenary (scope deputies or members) needs two thirds: present*3 >= required*2",
    "quorum_majority": "standing committee or presidium needs more than half: present*2 > required",
    "quorum_claim_consistent": "a claimed quorum (符合法定人数 …) must satisfy the applicable quorum rule",
    "presider_in_chairs": "when executive chairs are listed, the presider is one of them",
    "required_within_legal_bounds": "required >= 1, and a roster of deputies is at most the Electoral Law maximum "
    "for its level (national 3000, province 1000, city 650, county 450, township 160)",
    "valid_date": "date is YYYY-MM-DD or MM-DD and a real calendar date (MM-DD checked against a leap year)",
}
RULE_ORDER: tuple[str, ...] = tuple(RULES)

# Electoral Law (选举法) maxima for the number of deputies of a people's congress, by level.
LEGAL_MAX_DEPUTIES: dict[str, int] = {
    "national": 3000,
    "province": 1000,
    "city": 650,
    "county": 450,
    "township": 160,
}
TWO_THIRDS_SCOPES = ("deputies", "members")
MAJORITY_SCOPES = ("standing_committee_members", "presidium")
DATE_RE = re.compile(r"^(?:[0-9]{4}-)?[0-9]{2}-[0-9]{2}$")  # ASCII digits only; \d matches any Unicode digit
LEAP_YEAR = "2000"
SCOPE_WORDS = {
    "deputies": "deputies",
    "members": "members",
    "standing_committee_members": "standing-committee members",
    "presidium": "presidium members",
}


# ---------------------------------------------------------------- record cleaning


def _count(value: Any) -> int | None:
    """An attendance count as int, or None when missing or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    try:  # numpy integers and the like
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return as_int if as_int == value else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def clean(record: dict[str, Any]) -> dict[str, Any]:
    """The values the rules read, normalised: counts as int|None, strings stripped (blank → None),
    chairs as a list of names (None when absent or empty)."""
    chairs = record.get("executive_chairs")
    if isinstance(chairs, str):
        chairs = [chairs]
    names = [t for t in (_text(c) for c in chairs or []) if t] or None
    claimed = record.get("quorum_claimed")
    return {
        "required": _count(record.get("required")),
        "present": _count(record.get("present")),
        "absent": _count(record.get("absent")),
        "attendance_scope": _text(record.get("attendance_scope")),
        "level": _text(record.get("level")),
        "quorum_claimed": bool(claimed) if claimed is not None and not isinstance(claimed, str) else None,
        "presider": _text(record.get("presider")),
        "executive_chairs": names,
        "date": _text(record.get("date")),
    }


# ---------------------------------------------------------------- helper columns


def _two_thirds_needed(c: dict[str, Any]) -> int | None:
    if c["attendance_scope"] in TWO_THIRDS_SCOPES and c["required"] is not None:
        return -(-2 * c["required"] // 3)  # ceil(2r/3): present*3 >= required*2
    return None


def _majority_needed(c: dict[str, Any]) -> int | None:
    if c["attendance_scope"] in MAJORITY_SCOPES and c["required"] is not None:
        return c["required"] // 2 + 1  # present*2 > required
    return None


def _quorum_met(c: dict[str, Any]) -> bool | None:
    needed = _two_thirds_needed(c)
    if needed is None:
        needed = _majority_needed(c)
    if needed is None or c["present"] is None:
        return None
    return c["present"] >= needed


def _legal_max(c: dict[str, Any]) -> int | None:
    if c["attendance_scope"] == "deputies" and c["required"] is not None:
        return LEGAL_MAX_DEPUTIES.get(c["level"] or "")
    return None


def _full_date(date: str | None) -> str | None:
    if date is None:
        return None
    return f"{LEAP_YEAR}-{date}" if re.fullmatch(r"[0-9]{2}-[0-9]{2}", date) else date


# The columns GX checks: counts and helper columns as float64 (NaN = not stated), tri-state
# booleans, strings. `row_id` is added when a table is validated (its row number).
NUMERIC_COLUMNS = ("required", "present", "absent", "present_plus_absent", "two_thirds_needed", "majority_needed",
                   "deputies_legal_max")
CHECKED_COLUMNS = (
    "report_id", *NUMERIC_COLUMNS[:3], "attendance_scope", "level", *NUMERIC_COLUMNS[3:6], "quorum_met",
    "claimed_quorum_met", "presider_in_chairs", NUMERIC_COLUMNS[6], "date", "date_full",
)
# Kept beside them for the messages of the few rows that fail.
MESSAGE_COLUMNS = ("quorum_claimed", "presider", "executive_chairs")


def _schema() -> Any:
    import pyarrow as pa

    types = {c: pa.float64() for c in NUMERIC_COLUMNS}
    types.update({c: pa.bool_() for c in ("quorum_met", "claimed_quorum_met", "presider_in_chairs",
                                          "quorum_claimed")})
    types["executive_chairs"] = pa.list_(pa.string())
    return pa.schema([(c, types.get(c, pa.string())) for c in (*CHECKED_COLUMNS, *MESSAGE_COLUMNS)])


def validation_table(records: list[dict[str, Any]]) -> Any:
    """Records → one Arrow table, one row per record: the cleaned values and the helper columns the
    suite checks. The per-record Python work of validation is all here, so it can run where the
    records are made (an extraction worker) and travel as a compact Arrow batch; `validate_table`
    then does no per-row Python."""
    import pyarrow as pa

    cols: dict[str, list[Any]] = {name: [] for name in (*CHECKED_COLUMNS, *MESSAGE_COLUMNS)}
    for record in records:
        c = clean(record)
        r, p, a = c["required"], c["present"], c["absent"]
        chairs, presider = c["executive_chairs"], c["presider"]
        quorum_met = _quorum_met(c)
        row = {
            "report_id": _text(record.get("report_id")) or _text(record.get("file")),
            "required": r,
            "present": p,
            "absent": a,
            "attendance_scope": c["attendance_scope"],
            "level": c["level"],
            "present_plus_absent": p + a if p is not None and a is not None else None,
            "two_thirds_needed": _two_thirds_needed(c),
            "majority_needed": _majority_needed(c),
            "quorum_met": quorum_met,
            "claimed_quorum_met": quorum_met if c["quorum_claimed"] is True else None,
            "presider_in_chairs": (presider in chairs) if chairs and presider else None,
            "deputies_legal_max": _legal_max(c),
            "date": c["date"],
            "date_full": _full_date(c["date"]),
            "quorum_claimed": c["quorum_claimed"],
            "presider": presider,
            "executive_chairs": chairs,
        }
        for name, value in row.items():
            cols[name].append(float(value) if name in NUMERIC_COLUMNS and value is not None else value)
    return pa.table(cols, schema=_schema())


def frame_of(table: Any) -> "pd.DataFrame":
    """The DataFrame GX validates: the checked columns of a validation table plus `row_id`."""
    df = table.select(list(CHECKED_COLUMNS)).to_pandas()  # numbers float64 + NaN, bool/str object + None
    df.insert(0, "row_id", range(len(df)))
    for col in ("quorum_met", "claimed_quorum_met", "presider_in_chairs", "date", "date_full", "attendance_scope",
                "level", "report_id"):
        df[col] = df[col].astype("object").where(df[col].notna(), None)
    return df


def frame(records: list[dict[str, Any]]) -> "pd.DataFrame":
    """One row per record: the counts, scope, date, and the helper columns the suite checks."""
    return frame_of(validation_table(records))


# ---------------------------------------------------------------- GX plumbing


def suite_dict() -> dict[str, Any]:
    """The checked-in suite as a dict."""
    return json.loads(SUITE_PATH.read_text(encoding="utf-8"))


def _quiet_env() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")


def _defer_scipy_stats() -> None:
    """Make `scipy.stats` a lazy module (stdlib `importlib.util.LazyLoader`): it is loaded on the
    first use of one of its names, not when it is imported.

    GX imports it at module level for three expectations and metrics about distributions (KL
    divergence, two Kolmogorov–Smirnov tests) that our suite never runs; loading it cost ~1 s of
    GX's ~3 s of import CPU, paid by every run with new files. If such an expectation ever runs,
    its first use of `stats` loads the module then. Nothing happens when scipy.stats is already
    imported (or not installed)."""
    import importlib.util
    import sys

    if "scipy.stats" in sys.modules:
        return
    spec = importlib.util.find_spec("scipy.stats")
    if spec is None or spec.loader is None:  # pragma: no cover - scipy comes with GX
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["scipy.stats"] = module
    spec.loader.exec_module(module)
    # Bound on the package too: `from scipy import stats` (GX's form) then takes the attribute
    # without going through the import system, whose check of the module's `__spec__` would load it.
    import scipy

    scipy.stats = module


@lru_cache(maxsize=1)
def _gx() -> Any:
    """Import GX once (slow: ~2.4 s of CPU; 3.3–3.8 s before scipy.stats was deferred)."""
    _quiet_env()
    _defer_scipy_stats()
    import great_expectations as gx

    return gx


def _context(docs_dir: Path | None) -> Any:
    """An in-memory context: analytics and progress bars off, and (with docs_dir) one
    file-backed Data Docs site there."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites: dict[str, Any] = {}
    if docs_dir is not None:
        sites["meeting_facts_site"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites=sites,
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def load_suite() -> Any:
    """The checked-in suite as a GX ExpectationSuite."""
    gx = _gx()
    d = suite_dict()
    return gx.ExpectationSuite(name=d["name"], expectations=d["expectations"], meta=d.get("meta"))


RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["row_id"],
    "return_unexpected_index_query": False,
}


class SuiteRunner:
    """What GX needs to validate report DataFrames, built once and reused for every chunk of a
    run: the context, the pandas datasource and its whole-DataFrame batch definition, the suite
    and, with a docs folder, a checkpoint whose UpdateDataDocsAction renders each chunk's result
    page and the site index there."""

    def __init__(self, docs_dir: Path | None) -> None:
        gx = _gx()
        self.docs_dir = docs_dir
        self.context = _context(docs_dir)
        source = self.context.data_sources.add_pandas("meeting_facts_source")
        asset = source.add_dataframe_asset("meeting_facts")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("all_reports")
        self.suite = load_suite()
        self.checkpoint = None
        if docs_dir is not None:
            from great_expectations.checkpoint import UpdateDataDocsAction

            Path(docs_dir).mkdir(parents=True, exist_ok=True)
            suite = self.context.suites.add(self.suite)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name="meeting_facts_validation", data=self.batch_definition, suite=suite)
            )
            self.checkpoint = self.context.checkpoints.add(
                gx.Checkpoint(
                    name="meeting_facts_checkpoint",
                    validation_definitions=[definition],
                    actions=[UpdateDataDocsAction(name="update_data_docs", site_names=["meeting_facts_site"])],
                    result_format=RESULT_FORMAT,
                )
            )

    def results(self, df: "pd.DataFrame", run_name: str | None) -> list[Any]:
        """The suite's ExpectationValidationResults over df (and one Data Docs page, with docs)."""
        if self.checkpoint is None:
            batch = self.batch_definition.get_batch(batch_parameters={"dataframe": df})
            return batch.validate(self.suite, result_format=RESULT_FORMAT).results
        from great_expectations.core.run_identifier import RunIdentifier

        Path(self.docs_dir).mkdir(parents=True, exist_ok=True)
        outcome = self.checkpoint.run(batch_parameters={"dataframe": df},
                                      run_id=RunIdentifier(run_name=run_name or "congress-etl"))
        return [r for run in outcome.run_results.values() for r in run.results]


_RUNNERS: dict[tuple[str | None, str | None], SuiteRunner] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(docs_dir: Path | None, run_name: str | None) -> SuiteRunner:
    """The runner of this (docs folder, run), shared by every chunk of the run. Another run gets
    a fresh one (its in-memory results start empty, so the site index lists that run's chunks)."""
    key = (str(Path(docs_dir).resolve()), run_name) if docs_dir is not None else (None, None)
    runner = _RUNNERS.get(key)
    if runner is None:
        for old in [k for k in _RUNNERS if k[0] == key[0]]:
            del _RUNNERS[old]  # an earlier run's results are not kept
        runner = _RUNNERS[key] = SuiteRunner(docs_dir)
    return runner


YOUNG_GC_THRESHOLD = 20_000  # allocations between collections of the youngest generation in a run (preload)


def preload() -> threading.Thread:
    """Start importing GX in a background thread (a run calls this when it has new files, so the
    ~2.4 s import overlaps discovery and extraction instead of delaying the first validation).

    Once imported, every object allocated so far — GX's ~300,000, Prefect's, the run's modules —
    goes to the permanent generation (`gc.freeze`): they live as long as the run, and the run's
    later garbage collections no longer walk them. And the youngest generation is collected
    every 20,000 allocations instead of 700: the run's steps allocate rows by the million and keep
    few. Measured on 20,000-report runs: the run's process spent 1.51 / 1.52 s of CPU in the
    collector, 0.81 / 0.88 s with the freeze (1,646 young collections), 0.31 s with both (45)."""
    def import_then_freeze() -> None:
        import gc

        _gx()
        gc.freeze()
        gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])

    thread = threading.Thread(target=import_then_freeze, name="gx-import", daemon=True)
    thread.start()
    return thread


def run_suite(df: "pd.DataFrame", *, docs_dir: Path | None = None, run_name: str | None = None) -> dict[str, set[int]]:
    """Validate df with the suite once; {rule_id: row_ids that failed it}. With docs_dir, the run
    goes through a Checkpoint whose UpdateDataDocsAction writes a Data Docs site there."""
    with _RUNNERS_LOCK:  # one context, used by one thread at a time
        results = _runner(docs_dir, run_name).results(df, run_name)

    failed: dict[str, set[int]] = {}
    for res in results:
        rule = (res.expectation_config.meta or {}).get("rule_id")
        if rule is None:
            continue
        info = res.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"expectation for rule {rule} raised: {info.get('exception_message')}")
        if res.success:
            continue
        rows = {int(item["row_id"]) for item in res.result.get("unexpected_index_list") or []}
        failed.setdefault(rule, set()).update(rows)
    return failed


# ---------------------------------------------------------------- messages


def _violation(rule: str, c: dict[str, Any]) -> Violation:
    r, p, a = c["required"], c["present"], c["absent"]
    scope = c["attendance_scope"]
    who = SCOPE_WORDS.get(scope or "", scope or "")
    if rule == "present_le_required":
        return Violation(rule, f"present {p} > required {r}", {"present": p, "required": r})
    if rule == "present_plus_absent_eq_required":
        return Violation(
            rule,
            f"present {p} + absent {a} = {p + a} != required {r}",
            {"present": p, "absent": a, "required": r},
        )
    if rule == "quorum_two_thirds":
        need = _two_thirds_needed(c)
        return Violation(
            rule,
            f"present {p} < two thirds of required {r} {who} (needs {need})",
            {"present": p, "required": r, "attendance_scope": scope, "needed": need},
        )
    if rule == "quorum_majority":
        need = _majority_needed(c)
        return Violation(
            rule,
            f"present {p} is not more than half of required {r} {who} (needs {need})",
            {"present": p, "required": r, "attendance_scope": scope, "needed": need},
        )
    if rule == "quorum_claim_consistent":
        need = _two_thirds_needed(c)
        kind = "two-thirds"
        if need is None:
            need, kind = _majority_needed(c), "majority"
        return Violation(
            rule,
            f"quorum claimed, but present {p} of required {r} {who} fails the {kind} quorum (needs {need})",
            {"quorum_claimed": True, "present": p, "required": r, "attendance_scope": scope, "needed": need},
        )
    if rule == "presider_in_chairs":
        chairs = c["executive_chairs"] or []
        return Violation(
            rule,
            f"presider {c['presider']} is not among the executive chairs {'、'.join(chairs)}",
            {"presider": c["presider"], "executive_chairs": list(chairs)},
        )
    if rule == "required_within_legal_bounds":
        limit = _legal_max(c)
        if r is not None and r < 1:
            msg = f"required {r} < 1"
        else:
            msg = f"required {r} deputies exceeds the legal maximum {limit} for a {c['level']} congress"
        return Violation(rule, msg, {"required": r, "level": c["level"], "attendance_scope": scope, "legal_max": limit})
    if rule == "valid_date":
        return Violation(rule, f"date {c['date']!r} is not a real YYYY-MM-DD or MM-DD date", {"date": c["date"]})
    return Violation(rule, rule, {})


# ---------------------------------------------------------------- public API


def validate_table(
    table: Any, *, docs_dir: Path | None = None, run_name: str | None = None
) -> list[list[Violation]]:
    """One list of Violations per row of a `validation_table` (or several concatenated), in order
    (rule order of RULES). The suite runs once over the whole table; with docs_dir a GX Data Docs
    site for this run is built there."""
    if table.num_rows == 0:
        return []
    failed = run_suite(frame_of(table), docs_dir=docs_dir, run_name=run_name)
    out: list[list[Violation]] = [[] for _ in range(table.num_rows)]
    rows = sorted({i for ids in failed.values() for i in ids})
    if not rows:
        return out
    picked = table.take(rows).to_pylist()  # only failing rows become Python objects
    for i, row in zip(rows, picked):
        c = {k: row[k] for k in ("required", "present", "absent", "attendance_scope", "level", "quorum_claimed",
                                 "presider", "executive_chairs", "date")}
        for key in ("required", "present", "absent"):
            c[key] = None if c[key] is None else int(c[key])
        out[i] = [_violation(rule, c) for rule in RULE_ORDER if i in failed.get(rule, ())]
    return out


def validate_records(
    records: list[dict[str, Any]], *, docs_dir: Path | None = None, run_name: str | None = None
) -> list[list[Violation]]:
    """One list of Violations per record, in order (rule order of RULES). The suite runs once over
    one DataFrame of all records; with docs_dir a GX Data Docs site for this run is built there."""
    if not records:
        return []
    return validate_table(validation_table(records), docs_dir=docs_dir, run_name=run_name)


def rule_ids(records: list[dict[str, Any]]) -> list[list[str]]:
    """Rule ids failed by each record, in order (no Data Docs)."""
    return [[v.rule for v in vs] for vs in validate_records(records)]


def violations_for(record: dict[str, Any]) -> list[str]:
    """Rule ids for a single record (compatibility with flows/evaluate.py; prefer rule_ids for many)."""
    return rule_ids([record])[0]
