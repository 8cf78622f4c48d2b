"""The sample warehouse the dashboard, Data Docs and BI tests read: generated reports of every
level and body over several provinces and years (bench/generate.py), plus composed ones with
known traits — a report carrying `<script>` markup, one with characters outside the BMP, a
repost, a conflict and a sitting at 114.8 % attendance that fails `present_le_required`. Built with the real decoder, extractor,
GX suite, loader and reconciliation (no Prefect)."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate_text
from tests.meeting_reports import build, closing, opening, repost
from transforms.decode import decode
from transforms.extract import extract

SEED = 7
GENERATED = 160
EVIL = ('<script>window.__pwned = "script";</script>'
        '<img src="https://example.com/x.png" onerror="window.__pwned = \'img\'">')
# Code points outside the BMP (a CJK Extension B character, an emoji): one character each in
# Python and the warehouse, two UTF-16 units each in JavaScript.
ASTRAL = "𠮷野🙂"
# 241 present of 210 deputies: 114.8 %, the invalid sitting the issue names.
OVER_ROSTER = ("2024年1月9日，灵石县第十八届人民代表大会第三次会议开幕。会议应到代表210名，实到代表241名，"
               "符合法定人数。大会执行主席赵强、钱伟在主席台就座。会议由赵强主持。")


def sample_reports() -> dict[str, str]:
    # The generated corpus reports its sessions year by year: every 251st file spans ~8 years.
    reports = {f"gen_{i:04d}.txt": t for i in range(GENERATED) if (t := generate_text(SEED, i * 251))}
    reports.update({
        "open.txt": opening(extra=EVIL),
        # characters outside the BMP before its spans: the page counts offsets as the warehouse does
        "other_site.txt": ASTRAL + "另据报道，" + opening(present=196, absent=9, presider="郑丽", extra="会议审议了各项报告。"),
        "close.txt": closing(),
        "repost.txt": repost(closing()),
        "over_roster.txt": OVER_ROSTER,
        "below_quorum.txt": opening(place="介休市", term="第十六届", session="第二次", date="2023年2月20日",
                                    present=120, absent=85, presider="孔明", chairs="孔明、曹丽"),
    })
    return reports


def build_sample(path: Path) -> dict[str, str]:
    """Write the sample warehouse to `path`; returns {file name: report_id}."""
    from expectations.rules import validate_records

    reports = sample_reports()
    records = [extract(decode(text.encode("utf-8"), name)).record() for name, text in reports.items()]
    quarantine = [{"file_path": name, "sha256": None, "rule": v.rule, "message": v.message, "observed": "{}"}
                  for name, found in zip(reports, validate_records(records)) for v in found]
    return build(path, reports, quarantine=quarantine)
