"""Composed meeting reports and a warehouse built from them with the real decoder, extractor,
loader and reconciliation (no Prefect, no GX): the known inputs of the reconciliation, mart
and dashboard tests."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

from flows.reconcile import reconcile_warehouse, text_rows
from transforms.decode import decode
from transforms.extract import extract
from transforms.rows import report_id_for, report_rows
from warehouse.store import Warehouse

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


def load(wh: Warehouse, reports: Mapping[str, str], *, run_id: str = "run-1",
         quarantine: list[dict] | None = None, at: datetime = T0) -> dict[str, str]:
    """Decode, extract and load `reports` ({file name: text}) as one run, keep their texts and
    reconcile; returns {file name: report_id}."""
    files, tables, kept, ids = [], {}, [], {}
    for name, text in reports.items():
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        doc = decode(data, name)
        facts = extract(doc)
        rid = ids[name] = report_id_for(sha)
        for table, rows in report_rows(report_id=rid, file_path=name, sha256=sha, doc=doc, facts=facts,
                                       violations=[q for q in quarantine or [] if q["file_path"] == name]
                                       ).items():
            tables.setdefault(table, []).extend(rows)
        files.append({"path": name, "sha256": sha, "size_bytes": len(data), "status": "loaded",
                      "report_id": rid, "seen_at": at})
        kept.append(_Extracted(doc, sha))
    wh.store_texts(text_rows(kept))
    wh.commit_run({"run_id": run_id, "started_at": at, "finished_at": at, "status": "ok",
                   "files_seen": len(files), "files_new": len(files), "files_loaded": len(files),
                   "files_quarantined": len({q["file_path"] for q in quarantine or []})},
                  files, tables, [{**q, "report_id": ids.get(q["file_path"])} for q in quarantine or []])
    reconcile_warehouse(wh)
    return ids


class _File:
    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256


class _Extracted:
    """The two attributes of flows.nightly.Extracted that text_rows reads."""

    def __init__(self, doc, sha256: str) -> None:
        self.doc, self.file = doc, _File(sha256)


def build(path: Path, reports: Mapping[str, str], **kw) -> dict[str, str]:
    with Warehouse(path) as wh:
        return load(wh, reports, **kw)
