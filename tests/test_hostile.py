"""A hostile inbox through the real command: every file is loaded or quarantined with a clear
reason, nothing outside the inbox is read, the run completes, and a second run adds nothing.

It holds poison files too — a DOCX zip bomb (document.xml inflates to 1.1 GB), files that make
their worker die by SIGKILL or a segmentation fault, or hang (these three through the test-only
CONGRESS_ETL_POISON hook; the bomb is real) — and each costs only itself: the rest of the inbox
loads in the same run, the process tree stays under 1.5 GB (PSS), and the next run does not try them
again unless they change. (The worker memory cap is tested in test_isolation.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from flows.inbox import MAX_FILE_BYTES, MAX_TEXT_CHARS
from flows.runguard import POISON_ENV
from tests.hostile_files import docx_bytes, many_members_zip, pdf_bytes, zip_bomb_docx

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
    _, more_expected = _more_hostile_files(inbox, tmp_path)
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
        **more_expected,
    }
    return inbox, expected, secret


def _variant(n: int) -> bytes:
    """A valid report with its own content (the attendance figure varies)."""
    return PINGLU.replace("出席162人".encode(), f"出席{100 + n}人".encode())


POISON = "kill:poison_kill.txt;segv:poison_segv.txt;hang:poison_hang.txt"


def _more_hostile_files(inbox: Path, tmp_path: Path) -> tuple[list[Path], dict[str, tuple[str, str]]]:
    """Poison files, archives, PDFs, odd names and layouts; {ledger path: (rule or loaded, fragment)}."""
    zip_bomb_docx(inbox / "zip_bomb.docx")
    expected: dict[str, tuple[str, str]] = {
        "zip_bomb.docx": ("too_large", "bytes when inflated"),
        "poison_kill.txt": ("worker_crashed", "SIGKILL"),
        "poison_segv.txt": ("worker_crashed", "SIGSEGV"),
        "poison_hang.txt": ("timeout", "did not finish within"),
    }
    for n, name in enumerate(("poison_kill.txt", "poison_segv.txt", "poison_hang.txt")):
        (inbox / name).write_bytes(_variant(n))
    page = [f"line {i:03d} of a long session transcript with many many words" for i in range(60)]
    gz = io.BytesIO()
    import gzip

    with gzip.GzipFile(fileobj=gz, mode="wb") as fh:
        fh.write(PINGLU)
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    docx = docx_bytes(PINGLU.decode("utf-8").replace("出席162人", "出席150人").splitlines(), title="开幕")
    files: dict[str, tuple[bytes, str, str]] = {
        "report.docx": (docx, "loaded", ""),
        "report.pdf": (pdf_bytes([["County congress session opens", "Deputies attend the meeting."]]), "loaded", ""),
        "long.pdf": (pdf_bytes([page] * (MAX_TEXT_CHARS // 3000 + 5)), "too_large", "character limit"),
        "many_members.docx": (many_members_zip(12_000), "too_large", "members"),
        "empty.docx": (docx_bytes([]), "unreadable", "without text"),
        "corrupt.docx": (docx[: len(docx) // 2], "unreadable", "ZIP"),
        "scan.pdf": (pdf_bytes([[]]), "unreadable", "without a text layer"),
        "legacy.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "unreadable", "legacy MS Office"),
        "sheet.xlsx": (sheet.getvalue(), "unreadable", "Excel"),
        "gzip.txt": (gz.getvalue(), "unreadable", "gzip"),
        "jpeg.html": (b"\xff\xd8\xff\xe0" + bytes(300), "unreadable", "JPEG"),
        "scripts.html": (b"<html><head><script>var a=1;</script></head><body><script>b()</script></body></html>",
                         "unreadable", "without readable article text"),
        "bom_only.txt": (b"\xef\xbb\xbf", "unreadable", "blank"),
        "blank.txt": (b" \r\n\t\n   \n", "unreadable", "blank"),
        "nul_mid.txt": (PINGLU[:300] + b"\x00\x00\x00" + PINGLU[300:], "unreadable", "NUL byte"),
        "utf16_nobom.txt": (PINGLU.decode("utf-8").encode("utf-16-le"), "unreadable", "binary"),
        "crlf.txt": (_variant(10).replace(b"\n", b"\r\n"), "loaded", ""),
        "gb18030.txt": (_variant(11).decode("utf-8").encode("gb18030"), "loaded", ""),
        "big5.txt": (SHOUYANG.replace("寿阳县", "壽陽縣").encode("big5", "replace"), "loaded", ""),
        "-rf.txt": (_variant(12), "loaded", ""),
        "glob[*?].txt": (_variant(13), "loaded", ""),
        "emoji_🏛️.txt": (_variant(14), "loaded", ""),
        ("长" * 80) + ".txt": (_variant(15), "loaded", ""),  # 244 bytes: near the 255-byte name limit
        "back\\slash.txt": (_variant(16), "loaded", ""),
        " leading space.txt": (_variant(17), "loaded", ""),
        "deep/a/b/c/d/e/f/g/report.txt": (_variant(18), "loaded", ""),
        "sub/000_pinglu_opening.txt": (_variant(19), "loaded", ""),  # a name the seed inbox has
        "folder.txt/inner.txt": (_variant(20), "loaded", ""),
        "copy_of_sql.txt": ((SHOUYANG + "\n'); drop table reports; -- \" ; delete from file_ledger;\n").encode(),
                            "loaded", ""),  # the same content as sql.txt
        "over_quorum.txt": (_variant(200), "loaded", ""),  # present 300 > required 185: flagged, loaded
    }
    for name, (data, rule, fragment) in files.items():
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = (rule, fragment)
    os.link(inbox / "crlf.txt", inbox / "hardlink.txt")
    expected["hardlink.txt"] = ("loaded", "")
    (inbox / "alias.txt").symlink_to("sql.txt")  # inside the inbox: read under its own name
    expected["alias.txt"] = ("loaded", "")
    (inbox / ".hidden.txt").write_bytes(_variant(21))  # hidden: never seen
    try:
        os.mknod(inbox / "device.txt", 0o600 | 0o020000, os.makedev(1, 3))  # a character device (/dev/null)
        expected["device.txt"] = ("unreadable", "character device")
    except PermissionError:  # not root: the FIFO covers special files
        pass
    return [inbox / name for name in expected], expected


CLI = str(Path(sys.executable).with_name("congress-etl"))


def _run(env: dict[str, str], inbox: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """One `congress-etl run` over the inbox: its result and the process tree's peak memory."""
    args = [CLI, "run", "--inbox", str(inbox), "--warehouse", str(tmp_path / "data" / "wh.duckdb"),
            "--lake", str(tmp_path / "lake"), "--docs", str(tmp_path / "docs"), "--workers", "2",
            "--batch-size", "8", "--file-timeout", "10"]
    began = time.monotonic()
    proc = subprocess.Popen(args, cwd=tmp_path, env={**env, POISON_ENV: POISON}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate(timeout=600)
    figures = {"wall_s": round(time.monotonic() - began, 1), "peak_rss_mb": round(mem.rss), "peak_pss_mb": round(mem.pss)}
    return subprocess.CompletedProcess(args, proc.returncode, out, err), figures


class TreeMemory:
    """Peak memory of a process and everything below it: RSS summed (counts pages the workers
    share with their server once per process) and PSS (each shared page split between them)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.rss, self.pss = pid, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        while not self._stop.is_set():
            rss = pss = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            for p in procs:
                try:
                    info = p.memory_full_info()
                    rss, pss = rss + info.rss, pss + info.pss
                except psutil.Error:
                    pass
            self.rss, self.pss = max(self.rss, rss / 2**20), max(self.pss, pss / 2**20)
            self._stop.wait(0.2)


def _rows(tmp_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "data" / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_hostile_inbox_every_file_loaded_or_quarantined(prefect_api, tmp_path: Path) -> None:
    inbox, expected, secret = _hostile_inbox(tmp_path)
    assert len(expected) >= 50
    got, figures = _run(prefect_api, inbox, tmp_path)
    assert got.returncode == 0, got.stderr[-3000:]
    (seen, status) = _rows(tmp_path, "select files_seen, status from runs")[0]
    assert (seen, status) == (len(expected), "ok")

    ledger = {p: (s, sha) for p, s, sha in _rows(tmp_path, "select path, status, sha256 from file_ledger "
                                                         "where is_current")}
    assert set(ledger) == set(expected)  # every file once, under its own name; nothing from outside
    reasons: dict[str, list[tuple[str, str]]] = {}
    for path, rule, message in _rows(tmp_path, "select file_path, rule, message from quarantine"):
        reasons.setdefault(path, []).append((rule, message))
    refused = ("unreadable", "too_large", "unsafe_path", "worker_crashed", "timeout")
    for path, (rule, fragment) in expected.items():
        if rule == "loaded":
            assert not {r for r, _ in reasons.get(path, []) if r in refused}, (path, reasons.get(path))
            continue
        assert ledger[path][0] == "quarantined", path
        assert any(r == rule and fragment in m for r, m in reasons[path]), (path, reasons.get(path))
    # The poison files reached the ledger with the hash of their content: not retried unchanged.
    for name in ("zip_bomb.docx", "poison_kill.txt", "poison_segv.txt", "poison_hang.txt"):
        assert ledger[name][1] == hashlib.sha256((inbox / name).read_bytes()).hexdigest(), name
    # Each poison file cost only itself: everything else loaded in the same run, in bounded memory.
    loaded = {p for p, in _rows(tmp_path, "select file_path from meeting_facts")}
    assert {p for p, (r, _) in expected.items() if r == "loaded"} <= loaded
    # Memory of the process tree: PSS splits the pages workers share with the server they are
    # forked from (the extractors, loaded once); summed RSS counts them once per worker.
    assert figures["peak_pss_mb"] < 1500 and figures["peak_rss_mb"] < 2000, figures

    # Hostile names and hostile text are data: loaded with their facts, and no table was harmed.
    facts = dict(_rows(tmp_path, "select file_path, present from meeting_facts where present is not null"))
    assert facts["new\nline.txt"] == 158 and facts["it's \"quoted\".txt"] == 161
    assert facts["gbk-\\xe9.txt"] == 0xE9 and facts["gbk-\\xea.txt"] == 0xEA
    assert facts["semi;colon; drop table runs;.txt"] == 160 and facts["with  spaces .txt"] == 159
    assert facts["glob[*?].txt"] == 113 and facts["sub/000_pinglu_opening.txt"] == 119
    assert facts["report.docx"] == 150 and facts["over_quorum.txt"] == 300
    texts = [t for (t,) in _rows(tmp_path, "select text from report_texts")]
    assert any("drop table reports" in t for t in texts)
    # Nothing outside the inbox was read: the secret's content hash is nowhere.
    secret_sha = hashlib.sha256(secret.read_bytes()).hexdigest()
    assert _rows(tmp_path, "select count(*) from file_ledger where sha256 = ?", [secret_sha]) == [(0,)]
    assert _rows(tmp_path, "select count(*) from report_texts where text like '%机密县%'") == [(0,)]

    # Same inbox again: nothing new, nothing duplicated, no poison file tried again.
    counts = "select (select count(*) from file_ledger), (select count(*) from quarantine), (select count(*) from reports)"
    before = _rows(tmp_path, counts)
    again, again_figures = _run(prefect_api, inbox, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _rows(tmp_path, "select files_new, files_seen from runs order by started_at desc limit 1") == \
        [(0, len(expected))]
    assert _rows(tmp_path, counts) == before
    assert "worker died" not in again.stderr and "still running" not in again.stderr
    # A poison file that changes is a new version: tried again (and still quarantined).
    with (inbox / "poison_kill.txt").open("ab") as fh:
        fh.write("\n（更正）\n".encode())
    third, _ = _run(prefect_api, inbox, tmp_path)
    assert third.returncode == 0, third.stderr[-3000:]
    assert _rows(tmp_path, "select files_new from runs order by started_at desc limit 1") == [(1,)]
    assert _rows(tmp_path, "select version, status from file_ledger where path = 'poison_kill.txt' "
                           "order by version") == [(1, "quarantined"), (2, "quarantined")]
    assert _rows(tmp_path, "select count(*), count(distinct status) from runs") == [(3, 1)]
    print(json.dumps({"files": len(expected), "loaded": len(loaded), "first_run": figures,
                      "noop_run": again_figures}))
