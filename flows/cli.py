"""The `congress-etl` command line: parse, call, print. The work lives in flows/ and below."""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

# Telemetry off before Prefect or GX are imported anywhere in this process.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Prefect's temporary server gives up after 20 s by default; on a busy 2-core machine a
# first start (fresh PREFECT_HOME, database migrations) has been seen to take longer.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from flows.serve import DEFAULT_CRON, DEFAULT_TIMEZONE  # noqa: E402
from flows.settings import DEFAULTS  # noqa: E402

app = typer.Typer(
    help="congress-etl: Chinese session reports → validated facts in DuckDB + Parquet.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


@app.callback()
def main() -> None:
    """congress-etl: Chinese session reports → validated facts in DuckDB + Parquet."""


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)  # one line, for logs and cron mail
    raise typer.Exit(code)


def _run_log(warehouse: Path) -> Path:
    """The run's log file, `logs/` beside the warehouse; in the system temp folder when that
    cannot be written (a read-only warehouse folder must still get a one-line error with a log)."""
    import tempfile

    name = f"run-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
    for logs in (warehouse.parent / "logs", Path(tempfile.gettempdir()) / "congress-etl-logs"):
        try:
            logs.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(logs / name, encoding="utf-8")
            break
        except OSError:
            continue
    else:
        return Path(os.devnull)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("prefect").addHandler(handler)
    return logs / name


def _explain(exc: BaseException, warehouse: Path) -> str:
    from flows.runguard import RunLocked

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, RunLocked):
        return text
    if "lock" in text.lower() and "conflicting" in text.lower():
        # Not our run lock: some other program (a BI tool?) has the writer's file open.
        return (f"another process holds {warehouse} open; readers should use the published snapshot "
                f"(<warehouse dir>/serve/<warehouse file name>) instead ({text})")
    return f"{type(exc).__name__}: {text}"


@app.command()
def run(
    inbox: Path = typer.Option(DEFAULTS.inbox, "--inbox", help="Folder the crawler drops report files into."),
    warehouse: Path = typer.Option(DEFAULTS.warehouse, "--warehouse", help="DuckDB warehouse file."),
    lake: Path = typer.Option(DEFAULTS.lake, "--lake", help="Parquet lake folder (hive-partitioned by year)."),
    docs: Path = typer.Option(DEFAULTS.docs, "--docs", help="Great Expectations Data Docs folder."),
    workers: int = typer.Option(DEFAULTS.workers, "--workers", min=1, help="Extraction worker processes."),
    batch_size: int = typer.Option(DEFAULTS.batch_size, "--batch-size", min=1, help="Files per extraction task."),
    snapshot: Path | None = typer.Option(None, "--snapshot",
                                         help="Read-only DuckDB copy for BI (DuckDB 1.x format) "
                                              "(default: serve/<warehouse file name> beside the warehouse)."),
    dashboard: Path | None = typer.Option(None, "--dashboard",
                                          help="Folder of the HTML dashboard (default: dashboard/ beside the "
                                               "warehouse)."),
    keep_removed: bool = typer.Option(DEFAULTS.keep_removed, "--keep-removed",
                                      help="Keep the facts of files that were loaded and then removed from the "
                                           "inbox (they are still marked missing in the ledger)."),
    verify: bool = typer.Option(DEFAULTS.verify, "--verify",
                                help="Rehash every known file: catches edits that kept the size and the old "
                                     "modification time (cp -p, tar x, rsync -t)."),
    file_timeout: float = typer.Option(DEFAULTS.file_timeout_s, "--file-timeout", min=1,
                                       help="Seconds one file may take before it is stopped and quarantined "
                                            "(timeout)."),
    worker_memory: int = typer.Option(DEFAULTS.worker_memory_mb or 0, "--worker-memory", min=0,
                                      help="Address-space cap of each worker process in MiB (0: none); a file "
                                           "that needs more is quarantined (too_large)."),
    writer_memory: int = typer.Option(DEFAULTS.writer_memory_mb, "--writer-memory", min=64,
                                      help="Memory cap of the warehouse writer's DuckDB in MiB (it spills to disk "
                                           "beyond); raise it if a load fails with \"failed to pin block\"."),
    writer_threads: int = typer.Option(DEFAULTS.writer_threads, "--writer-threads", min=1,
                                       help="Threads of the warehouse writer's DuckDB (load, reconciliation, lake "
                                            "export); more may finish sooner but burn more CPU."),
    runner: str = typer.Option(DEFAULTS.runner, "--runner",
                               help="Where extraction runs: process (local worker processes) or dask."),
    dask_address: str | None = typer.Option(None, "--dask-address",
                                            help="Scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                                                 "(default with --runner dask: a local cluster of --workers "
                                                 "processes)."),
) -> None:
    """Run the nightly flow once: new files in the inbox → validated facts in DuckDB + Parquet.

    Exits 0 when the run completed (also with quarantined reports); 1 with a one-line reason and the log path.

    A second run while one holds the warehouse exits at once with code 1 (runs never wait for each other).

    Prefect: the API at PREFECT_API_URL (or the active profile's); with none, a Prefect server of the run's own
    on loopback, stopped when the run ends (state in PREFECT_HOME).

    Example: congress-etl run --inbox seeds/reports --warehouse data/warehouse.duckdb
    """
    if not inbox.is_dir():
        _fail(f"inbox folder not found: {inbox} (pass --inbox DIR)")
    if runner not in ("process", "dask"):
        _fail(f"unknown --runner {runner!r}: use process or dask")
    if dask_address and runner != "dask":
        _fail("--dask-address needs --runner dask")
    from flows.runguard import lock_holder, lock_path

    # Before the slow imports: a refused start costs well under a second, and a warehouse folder
    # that cannot be written is one line here rather than a failed flow run.
    busy = lock_holder(warehouse)
    if busy:
        _fail(busy)
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(lock_path(warehouse), os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as exc:
        message = f"cannot write beside warehouse {warehouse}: {exc.strerror or exc}"
        log_path = _run_log(warehouse)
        logging.getLogger("prefect.congress-etl").error(message)
        _fail(f"{message} (log: {log_path})")
    from flows.server import RunServer, ServerStartError

    # No Prefect API configured (cron, a shell): a server for this run, booting while we import
    # (stopped when the process exits).
    server = RunServer.unless_configured()
    log_path: Path | None = None
    try:
        from flows.nightly import nightly

        log_path = _run_log(warehouse)  # after the import: Prefect's logging setup replaces earlier handlers
        with server.api() if server else contextlib.nullcontext():
            summary = nightly(inbox=str(inbox), warehouse=str(warehouse), lake=str(lake), docs=str(docs),
                              workers=workers, batch_size=batch_size,
                              snapshot=str(snapshot) if snapshot else None, runner=runner,
                              dask_address=dask_address, dashboard=str(dashboard) if dashboard else None,
                              keep_removed=keep_removed, verify=verify, file_timeout_s=file_timeout,
                              worker_memory_mb=worker_memory, writer_memory_mb=writer_memory,
                              writer_threads=writer_threads)
    except ServerStartError as exc:
        _fail(f"could not start a Prefect server for the run: {exc} (its log: {server.home / 'server.log'}; "
              "or set PREFECT_API_URL to a running one)")
    except Exception as exc:  # the run itself failed: one line, and where the details are
        _fail(f"run failed: {_explain(exc, warehouse)} (log: {log_path})")
    from flows.run import RunSummary
    from flows.settings import RunSettings

    table = Table(title=f"congress-etl run {summary['run_id']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in RunSummary.FIGURES:
        table.add_row(key.replace("_", " "), str(summary[key]))
    for rule, n in summary["violations"].items():
        table.add_row(f"violations: {rule}", str(n))
    table.add_row("wall time (s)", f"{summary['wall_seconds']:.2f}")
    console.print(table)
    for warning in summary.get("warnings", ()):
        console.print(f"[yellow]warning:[/] {warning} (the data is committed; the next run tries again)")
    if summary["files_new"] == 0 and summary["files_missing"] == 0:
        console.print("Nothing new in the inbox: no rows loaded, the warehouse is unchanged.")
    settings = RunSettings(inbox=inbox, warehouse=warehouse, lake=lake, docs=docs, snapshot=snapshot,
                           dashboard=dashboard)
    console.print(f"Warehouse {warehouse} · BI snapshot {settings.snapshot_path} · lake {lake} · Data Docs "
                  f"{docs}/index.html · dashboard {settings.dashboard_dir / 'index.html'} · log {log_path}")


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL to run read-only, e.g. \"select * from meeting_facts\"."),
    warehouse: Path = typer.Option(Path("data/serve/warehouse.duckdb"), "--warehouse",
                                   help="DuckDB file to read. Default: the snapshot the last successful run "
                                        "published, so a query never blocks or waits for a running load; "
                                        "pass data/warehouse.duckdb to read the writer's file (only while no "
                                        "run is going)."),
) -> None:
    """Run a read-only SQL query on the published BI snapshot and print the result as a table.

    Example: congress-etl query "select meeting_name, required, present from meeting_facts"
    """
    if not warehouse.is_file():
        _fail(f"warehouse not found: {warehouse} (run `congress-etl run` first, or pass --warehouse)")
    import duckdb

    from warehouse.store import query as run_query

    try:
        columns, rows = run_query(warehouse, sql)
    except duckdb.Error as exc:
        _fail(f"query failed: {str(exc).splitlines()[0]}")
    table = Table(show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)
    console.print(f"{len(rows)} row(s)")


@app.command()
def serve(
    cron: str = typer.Option(DEFAULT_CRON, "--cron", help="Cron expression of the nightly schedule."),
    timezone: str = typer.Option(DEFAULT_TIMEZONE, "--timezone", help="IANA time zone the cron is read in."),
    inbox: Path = typer.Option(DEFAULTS.inbox, "--inbox", help="Folder the crawler drops report files into."),
    warehouse: Path = typer.Option(DEFAULTS.warehouse, "--warehouse", help="DuckDB warehouse file."),
    lake: Path = typer.Option(DEFAULTS.lake, "--lake", help="Parquet lake folder."),
    docs: Path = typer.Option(DEFAULTS.docs, "--docs", help="Great Expectations Data Docs folder."),
    workers: int = typer.Option(DEFAULTS.workers, "--workers", min=1, help="Extraction worker processes per run."),
    port: int = typer.Option(4200, "--port", help="Port of the local Prefect server started when PREFECT_API_URL is unset."),
    keep_removed: bool = typer.Option(DEFAULTS.keep_removed, "--keep-removed",
                                      help="Keep the facts of files removed from the inbox after loading."),
) -> None:
    """Serve deployment nightly/nightly on a cron schedule until stopped (Ctrl-C or SIGTERM).

    Uses the Prefect API at PREFECT_API_URL when set; otherwise starts a local Prefect
    server on 127.0.0.1 (state in data/prefect/) and serves against it; SIGTERM stops both.

    Example: congress-etl serve --cron "0 2 * * *" --timezone Asia/Shanghai
    """
    import signal
    import subprocess

    from flows.serve import serve_nightly

    if os.environ.get("PREFECT_API_URL"):
        serve_nightly(cron=cron, timezone=timezone, inbox=inbox, warehouse=warehouse, lake=lake, docs=docs,
                      workers=workers, keep_removed=keep_removed)
        return
    from flows.server import ServerStartError, local_prefect_server, stop_process

    class Stopped(Exception):
        pass

    def on_sigterm(signum: int, frame: object) -> None:
        raise Stopped()  # systemd, Docker and Kubernetes stop services with SIGTERM: stop whole

    signal.signal(signal.SIGTERM, on_sigterm)
    home = warehouse.parent / "prefect"
    child = None
    try:
        with local_prefect_server(home=home, port=port) as api_url:
            console.print(f"Prefect server at {api_url.removesuffix('/api')} (state in {home})")
            child = subprocess.Popen([sys.executable, "-m", "flows.cli", *sys.argv[1:]],
                                     env={**os.environ, "PREFECT_API_URL": api_url}, start_new_session=True)
            try:
                code = child.wait()
            finally:  # Ctrl-C, SIGTERM or the server failing: the served deployment stops first
                stop_process(child, timeout_s=30)
            raise typer.Exit(code)
    except (KeyboardInterrupt, Stopped):
        console.print("congress-etl serve stopped (deployment and Prefect server)")
    except ServerStartError as exc:
        _fail(f"{exc} (see {home / 'server.log'})")


@app.command("move-inbox")
def move_inbox(
    old: Path = typer.Argument(..., help="The inbox folder the warehouse knows (where it was)."),
    new: Path = typer.Argument(..., help="The folder it is now (must exist)."),
    warehouse: Path = typer.Option(Path("data/warehouse.duckdb"), "--warehouse", help="DuckDB warehouse file."),
) -> None:
    """Tell the warehouse an inbox moved: its files keep their identity, nothing is re-read.

    A file is identified by its inbox and its path inside it; without this, the next run over
    the new folder would read every file as new and mark the old inbox's files removed.

    Example: congress-etl move-inbox /srv/inbox /data/inbox
    """
    if not new.is_dir():
        _fail(f"new inbox folder not found: {new}")
    if not warehouse.is_file():
        _fail(f"warehouse not found: {warehouse}")
    from flows.inbox import inbox_id
    from flows.runguard import RunLocked, run_lock
    from warehouse.store import Warehouse

    old_id = str(old.resolve()) if old.exists() else str(old.absolute())
    try:
        with run_lock(warehouse, "move-inbox"), Warehouse(warehouse) as wh:
            moved = wh.move_inbox(old_id, inbox_id(new))
    except RunLocked as exc:
        _fail(str(exc))
    if not moved:
        _fail(f"the warehouse holds no files of inbox {old_id}")
    console.print(f"{moved} ledger rows moved from {old_id} to {inbox_id(new)}")


@app.command()
def dashboard(
    warehouse: Path | None = typer.Option(None, "--warehouse",
                                          help="DuckDB file to read (read-only); "
                                               "default: data/serve/warehouse.duckdb, else data/warehouse.duckdb."),
    out: Path = typer.Option(Path("data/dashboard"), "--out", help="Folder to write the dashboard into."),
    docs: Path = typer.Option(Path("data/docs"), "--docs", help="Data Docs folder to link to."),
    full: bool = typer.Option(False, "--full", help="Recompute everything instead of only the cells (year, "
                                                    "level, province, body) whose meetings changed since the "
                                                    "folder's last build."),
) -> None:
    """Write the dashboard folder: index.html and its data, opened from disk (no server, no network).

    Every `run` writes it too; this redraws it from an existing warehouse. Only the cells (year,
    level, province, body) whose meetings changed since the folder's last build are recomputed,
    and only the top-list chunks that hold them rewritten (--full: all of them).

    Example: congress-etl dashboard --warehouse data/serve/warehouse.duckdb --out data/dashboard
    """
    if warehouse is None:
        snapshot = Path("data/serve/warehouse.duckdb")
        warehouse = snapshot if snapshot.is_file() else Path("data/warehouse.duckdb")
    if not warehouse.is_file():
        _fail(f"warehouse not found: {warehouse} (run `congress-etl run` first, or pass --warehouse)")
    import duckdb

    from dashboards.build import write_dashboard

    try:
        path = write_dashboard(warehouse, out, docs_index=docs / "index.html", full=full)
    except duckdb.Error as exc:
        _fail(f"cannot read {warehouse}: {str(exc).splitlines()[0]} "
              "(a warehouse from before reconciliation: run `congress-etl run` once to upgrade it)")
    console.print(f"Dashboard written: {path} (open {path.resolve().as_uri()})")


@app.command()
def bench(
    reports: int = typer.Option(2000, "--reports", min=1, help="Generated reports in the corpus."),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes, for the floor and the run."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the figures as JSON here."),
    work: Path = typer.Option(Path("data/bench"), "--work",
                              help="Scratch folder: the generated corpus (kept for reruns) and the run."),
    seed: int = typer.Option(0, "--seed", help="Corpus seed (same seed, same files)."),
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="Files per extraction task."),
    nightly: int = typer.Option(0, "--nightly", min=0,
                                help="Also time a run of this many new reports on top, Prefect start-up included."),
    runner: str = typer.Option("process", "--runner", help="process or dask."),
    floor_reports: int | None = typer.Option(None, "--floor-reports", min=1,
                                             help="Measure the jieba floor on the first N reports only "
                                                  "(default: all; 3000 with --scale)."),
    scale: str | None = typer.Option(None, "--scale",
                                     help="Comma-separated sizes, e.g. 10000,100000: the same "
                                          "corpus at each size, each into a fresh warehouse — RSS and cost per "
                                          "report at each, then --nightly new reports (default 1000) on top of the "
                                          "largest and onto an empty warehouse."),
) -> None:
    """Benchmark a full run against jieba's segmentation floor on a generated corpus.

    Example: congress-etl bench --reports 20000 --workers 2 --json data/bench.json
    Example: congress-etl bench --scale 10000,100000 --nightly 1000 --json data/scale.json
    """
    from flows.bench import run_bench, run_scale

    if scale:
        try:
            sizes = [int(s) for s in scale.split(",") if s.strip()]
            result = run_scale(sizes, workers, work=work, seed=seed, batch_size=batch_size, nightly=nightly or 1000,
                               runner=runner, floor_reports=floor_reports or 3000,
                               say=lambda m: err.print(m, highlight=False))
        except (RuntimeError, ValueError) as exc:
            _fail(str(exc))
        _print_scale(result)
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return
    try:
        result = run_bench(reports, workers, work=work, seed=seed, batch_size=batch_size, nightly=nightly,
                           runner=runner, floor_reports=floor_reports,
                           say=lambda m: err.print(m, highlight=False))
    except RuntimeError as exc:
        _fail(str(exc))
    table = Table(title=f"congress-etl bench: {reports} reports, {workers} workers")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    console.print(table)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _print_scale(result: dict) -> None:
    sizes = result["sizes"]
    table = Table(title=f"congress-etl bench --scale, {result['workers']} workers "
                        f"(jieba floor {result['jieba_floor_cpu_ms']} ms CPU per text)")
    table.add_column("figure")
    for n in sizes:
        table.add_column(f"{int(n):,} reports", justify="right")
    for key in ("end_to_end_s", "per_report_ms", "per_report_cpu_ms", "ratio_cpu", "peak_rss_mb", "peak_pss_mb",
                "parent_peak_rss_mb", "largest_child_peak_rss_mb", "noop_rerun_s", "noop_peak_rss_mb"):
        table.add_row(key, *(str(f[key]) for f in sizes.values()))
    steps = [s for s in next(iter(sizes.values())).get("steps_s", {}) if s != "error"]
    for step in steps:  # wall seconds of each step of the run (its Prefect task)
        table.add_row(f"step {step} (s)", *(str(f.get("steps_s", {}).get(step, "")) for f in sizes.values()))
    console.print(table)
    nightly = result.get("nightly")
    if nightly:
        table = Table(title=f"{nightly['new_reports']:,} new reports, Prefect start-up included")
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, value in nightly.items():
            table.add_row(key, str(value))
        console.print(table)
    for key in ("rss_growth", "per_report_cpu_growth", "load_avg_before", "load_avg_after"):
        if key in result:
            console.print(f"{key}: {result[key]}")


@app.command("eval")
def eval_(
    corpus: Path = typer.Option(..., "--corpus", help="Corpus root; gold `file` paths are relative to it."),
    gold: Path = typer.Option(..., "--gold", help="gold.jsonl with hand-read facts."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the scores (and the audit, when asked) as JSON "
                                                            "here."),
    predictions_out: Path | None = typer.Option(None, "--predictions", help="Write one JSON line per file here."),
    misses: bool = typer.Option(False, "--misses",
                                help="Recall audit: list every gold value the extractor did not produce, by field, "
                                     "with the sentence that states it (⟦marked⟧) and what was read instead."),
    false_positives: bool = typer.Option(False, "--false-positives",
                                         help="Precision audit: list every value the extractor produced that gold "
                                              "does not have, by field, with the sentence it was read from."),
    only: list[str] | None = typer.Option(None, "--field",
                                          help="Audit only this field (repeat for several), e.g. --field present."),
) -> None:
    """Score extraction and validation against gold facts (no database).

    --misses lists the recall misses (gold value not produced), --false-positives the values produced that
    gold lacks; a wrong value is both. Each is grouped by field and shows file, gold and predicted values and
    the sentence of the text around each, the value ⟦marked⟧ (≈ when only the closest sentence was found).

    Example: congress-etl eval --corpus ../shared/corpus --gold ../shared/corpus/gold.jsonl --json out.json

    Example: congress-etl eval --corpus tests/cases/generalisation --gold tests/cases/generalisation/expected.jsonl --misses --field present --field venue
    """
    if not gold.is_file():
        _fail(f"gold file not found: {gold}")
    from flows.evaluate import evaluate
    from transforms.facts import GOLD_FIELDS

    known = (*GOLD_FIELDS, "violations")
    unknown = [f for f in only or () if f not in known]
    if unknown:
        _fail(f"unknown --field {', '.join(unknown)}: use one of {', '.join(known)}")
    evaluation = evaluate(corpus, gold, audit=misses or false_positives)
    result, preds = evaluation.result, evaluation.predictions
    table = Table(title=f"Extraction vs gold ({result['files']} files)")
    for col in ("field", "precision", "recall", "f1", "support"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name, fig in result["fields"].items():
        table.add_row(name, *(str(fig[k]) for k in ("precision", "recall", "f1", "support")))
    ov = result["overall"]
    table.add_row("[bold]overall (micro)", str(ov["precision"]), str(ov["recall"]), str(ov["f1"]), "")
    vo = result["violations"]["overall"]
    table.add_row("[bold]violations", str(vo["precision"]), str(vo["recall"]), str(vo["f1"]), str(vo["support"]))
    console.print(table)
    findings = [f for f in evaluation.findings if not only or f.field in only]
    audit: dict[str, list[dict]] = {}
    from transforms.scoring import FALSE_POSITIVE, MISS

    for wanted, kind, title in ((misses, MISS, "Misses: gold values the extractor did not produce, by field"),
                                (false_positives, FALSE_POSITIVE,
                                 "False positives: values the extractor produced that gold does not have, by field")):
        if wanted:
            chosen = [f for f in findings if f.kind == kind]
            _print_findings(title, chosen, kind)
            audit[kind + ("es" if kind == MISS else "s")] = [f.as_dict() for f in chosen]
    if json_out:
        payload = {**result, **({"audit": audit} if audit else {})}
        json_out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if predictions_out:
        with predictions_out.open("w", encoding="utf-8") as fh:
            for p in preds:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")


def _print_findings(title: str, findings: list, kind: str) -> None:
    """One block per field: `file · gold X · got Y`, then the sentences (report text printed as text,
    never as markup)."""
    from rich.text import Text

    from transforms.scoring import MISS, group_by_field

    name, _, what = title.partition(": ")
    console.print(Text(f"\n{name} ({len(findings)}): {what}", style="bold"))
    if not findings:
        console.print("  (none)")
    for field_name, items in group_by_field(findings).items():
        console.print(Text(f"\n{field_name} ({len(items)})", style="bold cyan"))
        for f in items:
            head = Text(f"  {f.file} · ")
            if kind == MISS:
                head.append(f"gold {_show(f.gold)} · got {_show(f.got)}")
            else:
                head.append(f"got {_show(f.got)} · gold {_show(f.gold)}")
            if f.note:
                head.append(f"  ({f.note})", style="yellow")
            console.print(head, soft_wrap=True)
            order = (("gold", f.where_gold), ("got", f.where_got))
            for label, places in order if kind == MISS else order[::-1]:
                for w in places:
                    line = Text(f"      {label}{'' if w.exact else ' ≈'}: ")
                    a, b = w.mark
                    line.append(w.sentence[:a].replace("\n", " "))
                    line.append("⟦" + w.sentence[a:b].replace("\n", " ") + "⟧", style="bold red")
                    line.append(w.sentence[b:].replace("\n", " "))
                    console.print(line, soft_wrap=True)
                if label == "gold" and kind == MISS and not places and f.field != "violations" and f.gold is not False:
                    console.print("      gold: (not found in the text in any form the audit knows)")


def _show(value: object) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def run_cli() -> None:
    """The `congress-etl` command: the app, then the first two steps of the interpreter's own exit
    (wait for non-daemon threads, run the exit handlers: Prefect sends the last logs and events,
    a run's own Prefect server is stopped, logging is flushed), then `os._exit` instead of the
    teardown that follows: freeing the heap Prefect, GX and pandas leave took 1.1 s of every run
    after its flow had finished (the handlers: ~0 s). Every DuckDB file is closed by then
    (writers and readers use `with`). CPython names both steps with an underscore; where they
    are missing the exit is Python's usual one."""
    try:
        app()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    wait_for_threads = getattr(threading, "_shutdown", None)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if wait_for_threads is None or run_exit_handlers is None:
        sys.exit(code)
    if code is not None and not isinstance(code, int):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        code = 1
    wait_for_threads()
    run_exit_handlers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run_cli()
