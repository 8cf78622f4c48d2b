"""Metamorphic tests: rewrites that change how a report is written but not what it states must
not change what is extracted from it.

Each report of the dev corpus and of the real-world batch the extractor is tuned on is rewritten
(page furniture around it, CRLF, full-width digits, Chinese-numeral or `人`/`名` counts, spaced
term numerals, traditional script, an HTML page around it, synonyms of the cue words, comma and
colon styles, blank lines), and every gold field must come out as for the original text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cn2an
import pytest

from transforms.decode import decode
from transforms.extract import extract
from transforms.facts import GOLD_FIELDS

ROOT = Path(__file__).resolve().parent
REALWORLD = ROOT / "cases" / "realworld" / "batch1"


def _html(text: str) -> str:
    lines = text.split("\n")
    body = "".join(f"<p>{line}</p>" for line in lines[1:] if line.strip())
    return (f"<html><head><title>{lines[0]}_某某网</title></head><body><div class='nav'>首页 &gt; 新闻</div>"
            f"<h1>{lines[0]}</h1><div class='content'>{body}</div><div class='footer'>版权所有 ICP备12345号</div>"
            "</body></html>")


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


REWRITES = {
    "furniture": lambda t: ("当前位置：首页 > 新闻中心\n字号：大 中 小 【打印】【关闭】\n" + t
                            + "\n分享到：微信 微博\n扫一扫在手机打开当前页"),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "blank_lines": lambda t: t.replace("\n", "\n\n"),
    "no_blank_lines": lambda t: re.sub(r"\n\s*\n", "\n", t),
    "fullwidth_digits": lambda t: re.sub(r"\d", lambda m: chr(ord(m.group()) + 0xFEE0), t),
    "chinese_counts": lambda t: re.sub(r"(\d{2,4})(名|人)", lambda m: cn2an.an2cn(int(m.group(1))) + m.group(2), t),
    "ming_for_ren": lambda t: re.sub(r"(\d+)人", r"\1名", t),
    "spaced_term": lambda t: re.sub(r"第([一二三四五六七八九十]+)届",
                                    lambda m: "第 " + " ".join(m.group(1)) + " 届", t),
    "ascii_punctuation": lambda t: t.replace("，", ",").replace("：", ":"),
    "solemn_opening": lambda t: re.sub(r"(?<!隆重)开幕", "隆重开幕", t, count=1),
    "roster_cue": lambda t: t.replace("应出席", "应到"),
    "quorum_cue": lambda t: t.replace("符合法定人数", "达到法定人数"),
    "clock_dian": lambda t: re.sub(r"(上午|下午)(\d+)时", r"\1\2点", t),
    "presider_order": lambda t: re.sub(r"会议由([^，。,]{2,12}?)主持", r"\1主持会议", t),
    "traditional": _traditional,
    "html": _html,
}


def _reports() -> list[tuple[str, bytes]]:
    out = []
    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    for root in (corpus, REALWORLD):
        gold_file = root / "gold.jsonl"
        if not gold_file.is_file():
            continue
        for line in gold_file.read_text(encoding="utf-8").splitlines():
            gold = json.loads(line) if line.strip() else None
            if gold and gold["is_meeting_report"] and gold["file"].endswith(".txt"):
                out.append((f"{root.name}/{gold['file']}", (root / gold["file"]).read_bytes()))
    return out


REPORTS = _reports()


@pytest.mark.parametrize("rewrite", sorted(REWRITES))
def test_rewrite_keeps_every_fact(rewrite: str) -> None:
    assert len(REPORTS) >= 30
    fn = REWRITES[rewrite]
    changed = 0
    wrong = []
    for label, data in REPORTS:
        doc = decode(data, "x.txt")
        text = fn(doc.text)
        if text == doc.text:
            continue
        changed += 1
        base = extract(doc).record()
        got = extract(decode(text.encode("utf-8"), "x.html" if rewrite == "html" else "x.txt")).record()
        wrong += [(label, f, base[f], got[f]) for f in GOLD_FIELDS if got[f] != base[f]]
    assert changed, f"{rewrite} changed no report"
    assert not wrong, "\n".join(map(str, wrong))
