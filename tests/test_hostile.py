"""A hostile inbox through the whole flow: every file is loaded or quarantined with a clear
reason, nothing outside the inbox is read, the run completes, and a second run adds nothing."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import duckdb
import pytest

from flows.inbox import MAX_FILE_BYTES, MAX_TEXT_CHARS
from flows.nightly import nightly

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "reports"
PINGLU = (SEEDS / "000_pinglu_opening.txt").read_bytes()
SHOUYANG = (SEEDS / "101_shouyang_zhengxie_kaimu.txt").read_text(encoding="utf-8")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", SHOUYANG)
    return buf.getvalue()


def _hostile_inbox(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, str]], Path]:
    """The inbox, {ledger path: (rule or "loaded", message fragment)}, and a secret outside it."""
    inbox = tmp_path / "inbox"
    outside = tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SHOUYANG.replace("寿阳县", "机密县"), encoding="utf-8")
    (outside / "more.txt").write_bytes(PINGLU)
    sentence = "第十届人民代表大会第三次会议在县会议中心隆重开幕，应到代表186人。\n"
    para = "<p>" + "第十届人民代表大会第三次会议在县会议中心隆重开幕。" * 20 + "</p>\n"
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "png.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "cut_mid_char.txt": SHOUYANG.rstrip().encode("utf-8")[:-1],  # ends inside 。
        "zip_named.txt": _zip(),
        "nested.html": b"<html><body>" + b"<div>" * 100_000 + "大会开幕".encode() + b"</div>" * 100_000
                       + b"</body></html>",
        "huge.html": ("<html><head><title>会议</title></head><body>" + para * 1_200 + "</body></html>").encode(),
        "long.txt": (sentence * (MAX_TEXT_CHARS // len(sentence) + 10)).encode(),
        "sql.txt": (SHOUYANG + "\n'); drop table reports; -- \" ; delete from file_ledger;\n").encode(),
        "script.html": ("<html><head><title>政协寿阳县第十届委员会第三次会议开幕</title></head><body>"
                        + "".join(f"<p>{line}</p>" for line in SHOUYANG.splitlines() if line.strip())
                        + "<script>alert('x')</script><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
                          "</body></html>").encode(),
        "it's \"quoted\".txt": PINGLU.replace("出席162人".encode(), "出席161人".encode()),
        "semi;colon; drop table runs;.txt": PINGLU.replace("出席162人".encode(), "出席160人".encode()),
        "with  spaces .txt": PINGLU.replace("出席162人".encode(), "出席159人".encode()),
        "new\nline.txt": PINGLU.replace("出席162人".encode(), "出席158人".encode()),
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    # Two names that are not UTF-8 and differ only in the undecodable byte: both must survive.
    for raw in (b"gbk-\xe9.txt", b"gbk-\xea.txt"):
        with open(os.fsencode(inbox) + b"/" + raw, "wb") as fh:
            fh.write(PINGLU.replace("出席162人".encode(), f"出席{raw[-5]}人".encode()))
    with open(os.fsencode(inbox) + b"/empty-\xff.txt", "wb"):  # quarantined under its escaped name
        pass
    (inbox / "bin\nary.txt").write_bytes(b"\x7fELF" + bytes(200))
    with open(inbox / "sparse_51MB.txt", "wb") as fh:  # 51 MiB on paper, no blocks: never read
        fh.truncate(51 * 1024 * 1024)
    (inbox / "link_out.txt").symlink_to(secret)
    (inbox / "dir_out").symlink_to(outside)
    (inbox / "loop.txt").symlink_to(inbox / "loop.txt")
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    os.mkfifo(inbox / "fifo.txt")
    expected = {
        "empty.txt": ("unreadable", "empty"),
        "empty-\\xff.txt": ("unreadable", "empty"),
        "bin\nary.txt": ("unreadable", "ELF"),
        "png.txt": ("unreadable", "PNG"),
        "cut_mid_char.txt": ("unreadable", "truncated mid-character"),
        "zip_named.txt": ("unreadable", "ZIP"),
        "nested.html": ("unreadable", "HTML"),
        "huge.html": ("too_large", "character limit; not extracted"),
        "long.txt": ("too_large", "character limit; not extracted"),
        "sparse_51MB.txt": ("too_large", f"over the {MAX_FILE_BYTES:,}-byte limit; not read"),
        "link_out.txt": ("unsafe_path", "symlink points outside the inbox"),
        "dir_out": ("unsafe_path", "symlink points outside the inbox"),
        "loop.txt": ("unsafe_path", "symlink loop"),
        "dangling.txt": ("unreadable", "symlink target does not exist"),
        "fifo.txt": ("unreadable", "FIFO"),
        "sql.txt": ("loaded", ""),
        "script.html": ("loaded", ""),
        "it's \"quoted\".txt": ("loaded", ""),
        "semi;colon; drop table runs;.txt": ("loaded", ""),
        "with  spaces .txt": ("loaded", ""),
        "new\nline.txt": ("loaded", ""),
        "gbk-\\xe9.txt": ("loaded", ""),
        "gbk-\\xea.txt": ("loaded", ""),
    }
    return inbox, expected, secret


def _run(inbox: Path, tmp_path: Path) -> dict:
    return nightly(inbox=str(inbox), warehouse=str(tmp_path / "data" / "wh.duckdb"), lake=str(tmp_path / "lake"),
                   docs=str(tmp_path / "docs"), workers=1, batch_size=8)


def _rows(tmp_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "data" / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_hostile_inbox_every_file_loaded_or_quarantined(prefect_harness, tmp_path: Path) -> None:
    inbox, expected, secret = _hostile_inbox(tmp_path)
    summary = _run(inbox, tmp_path)
    assert summary["files_seen"] == len(expected)

    ledger = dict(_rows(tmp_path, "select path, status from file_ledger where is_current"))
    assert set(ledger) == set(expected)  # every file once, under its own name; nothing from outside
    reasons: dict[str, list[tuple[str, str]]] = {}
    for path, rule, message in _rows(tmp_path, "select file_path, rule, message from quarantine"):
        reasons.setdefault(path, []).append((rule, message))
    for path, (rule, fragment) in expected.items():
        if rule == "loaded":
            assert not {r for r, _ in reasons.get(path, []) if r in ("unreadable", "too_large", "unsafe_path")}, path
            continue
        assert ledger[path] == "quarantined", path
        assert any(r == rule and fragment in m for r, m in reasons[path]), (path, reasons.get(path))

    # Hostile names and hostile text are data: loaded with their facts, and no table was harmed.
    facts = dict(_rows(tmp_path, "select file_path, present from meeting_facts where present is not null"))
    assert facts["new\nline.txt"] == 158 and facts["it's \"quoted\".txt"] == 161
    assert facts["gbk-\\xe9.txt"] == 0xE9 and facts["gbk-\\xea.txt"] == 0xEA
    assert facts["semi;colon; drop table runs;.txt"] == 160 and facts["with  spaces .txt"] == 159
    texts = [t for (t,) in _rows(tmp_path, "select text from report_texts")]
    assert any("drop table reports" in t for t in texts)
    assert _rows(tmp_path, "select count(*) from runs") == [(1,)]
    # Nothing outside the inbox was read: the secret's content hash is nowhere.
    secret_sha = hashlib.sha256(secret.read_bytes()).hexdigest()
    assert _rows(tmp_path, "select count(*) from file_ledger where sha256 = ?", [secret_sha]) == [(0,)]
    assert _rows(tmp_path, "select count(*) from report_texts where text like '%机密县%'") == [(0,)]

    # Same inbox again: nothing new, nothing duplicated.
    counts = "select (select count(*) from file_ledger), (select count(*) from quarantine), (select count(*) from reports)"
    before = _rows(tmp_path, counts)
    again = _run(inbox, tmp_path)
    assert again["files_new"] == 0 and again["files_seen"] == len(expected)
    assert _rows(tmp_path, counts) == before
    assert _rows(tmp_path, "select count(*), count(distinct status) from runs") == [(2, 1)]
