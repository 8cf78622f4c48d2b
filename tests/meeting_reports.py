"""Composed meeting reports and a warehouse built from them through the run's own data path —
files in an inbox, the inbox scan, the workers' `stage_batch` (decode, extract, Parquet shards),
the parent's verdict shards, the shard load and reconciliation — with the validation verdicts
given by the test instead of GX (no Prefect): the known inputs of the reconciliation, mart and
dashboard tests."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

import pyarrow.parquet as pq

from flows.inbox import inbox_id, scan_inbox
from flows.reconcile import reconcile_warehouse
from flows.staging import (Tally, leftover_rows, remove_shards, shard_dir_for, stage_batch, stage_unchanged,
                           stage_verdicts, write_outcomes)
from transforms.facts import Violation
from transforms.rows import report_id_for
from warehouse.store import Warehouse
from warehouse.tables import REPORT_TABLES, TEXTS_TABLE

T0 = datetime(2025, 3, 1, 22, 0, tzinfo=timezone.utc)


def opening(session: str = "第五次", date: str = "2025年1月14日", present: int = 195, absent: int = 10,
            presider: str = "吴刚", chairs: str = "周红、吴刚、郑丽", place: str = "平遥县", term: str = "第十七届",
            extra: str = "") -> str:
    return (f"{place}{term}人民代表大会{session}会议于{date}上午9时在县人民会堂开幕。"
            f"会议应到代表205名，实到代表{present}名，缺席{absent}名，符合法定人数。"
            f"大会执行主席{chairs}在主席台前排就座。会议由{presider}主持。"
            f"县长孙海代表县人民政府作政府工作报告。{extra}")


def closing(date: str = "1月17日", present: int = 190, absent: int = 15, presider: str = "周红") -> str:
    return (f"{date}下午，平遥县第十七届人民代表大会第五次会议在县人民会堂胜利闭幕。"
            f"会议应到代表205名，实到代表{present}名，缺席{absent}名，符合法定人数。"
            f"大会执行主席周红、吴刚、郑丽在主席台前排就座。闭幕大会由{presider}主持。"
            "大会通过了关于政府工作报告的决议，号召全县推进文旅融合，加强古城保护。")


def repost(text: str) -> str:
    """The same report as another site carries it: a source line and an editor tag."""
    return f"来源：平遥新闻网\n{text}\n责任编辑：李明"


def inbox_of(wh: Warehouse) -> Path:
    """The warehouse's test inbox: files of every load stay, as a crawler's inbox keeps them."""
    return wh.path.parent / f"{wh.path.stem}-inbox"


def load(wh: Warehouse, reports: Mapping[str, str], *, run_id: str = "run-1",
         quarantine: list[dict] | None = None, at: datetime = T0) -> dict[str, str]:
    """Write `reports` ({file name: text}) into the warehouse's inbox and run them through the
    shard path as one run, with `quarantine` ({file_path, rule, message}) as the validation
    verdicts; then reconcile. Returns {file name: report_id}."""
    inbox = inbox_of(wh)
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (inbox / name).write_bytes(text.encode("utf-8"))
    ident = inbox_id(inbox)
    scan = scan_inbox(inbox, wh.inbox_ledger(ident))
    shards = shard_dir_for(wh.path, run_id)
    schemas = {t: wh.schema(t) for t in (*REPORT_TABLES, "quarantine")}
    schemas[TEXTS_TABLE] = wh.table_schema(TEXTS_TABLE)
    tally = Tally()
    try:
        outcomes = stage_batch(scan.new, str(shards), "b0000000", schemas)
        write_outcomes(shards, "o0000000", outcomes)
        rows = [row for path in sorted((shards / "outcomes").glob("*.parquet"))
                for row in pq.read_table(path).to_pylist()]
        failing = {o.report_id: [Violation(q["rule"], q.get("message", "")) for q in quarantine or []
                                 if q["file_path"] == o.file.path] for o in outcomes if o.report_id}
        stage_verdicts(rows, {k: v for k, v in failing.items() if v}, run_id=run_id, now=at, shard_dir=shards,
                       tag="v000000", schemas=schemas, tally=tally, inbox=ident)
        files, rejected = leftover_rows(run_id, at, scan.rejected, inbox=ident)
        stage_unchanged(scan.unchanged, inbox=ident, now=at, shard_dir=shards)
        wh.store_texts_from_shards(shards)
        wh.commit_run({"run_id": run_id, "started_at": at, "finished_at": at, "status": "ok",
                       "files_seen": scan.seen, "files_new": len(scan.new), "files_loaded": tally.files_loaded,
                       "files_quarantined": tally.files_quarantined}, files, {}, rejected, shards=shards)
    finally:
        remove_shards(shards)
    reconcile_warehouse(wh)
    ids = {o.file.path: o.report_id for o in outcomes if o.report_id}  # workers hash what they read
    ids.update({p: report_id_for(s) for p, s in zip(scan.unchanged["path"].to_pylist(),
                                                    scan.unchanged["sha256"].to_pylist()) if s})
    return {name: ids[name] for name in reports if name in ids}


def build(path: Path, reports: Mapping[str, str], **kw) -> dict[str, str]:
    with Warehouse(path) as wh:
        return load(wh, reports, **kw)
