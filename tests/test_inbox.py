"""Inbox discovery: the ledger diff, size limits, symlinks, odd names."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from flows.inbox import FileChanging, read_bytes, scan_inbox
from flows.runguard import SLOW_READ_ENV


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _paths(unchanged) -> list[str]:
    return unchanged.column("path").to_pylist()


def _known(item, root: Path) -> dict:
    """The ledger entry a loaded file leaves (its hash as the worker computes it)."""
    return {"sha256": read_bytes(item).sha256, "size_bytes": item.size_bytes, "mtime_ns": item.mtime_ns}


def test_new_files_are_listed_in_path_order_and_hashed_where_they_are_read(tmp_path: Path) -> None:
    _write(tmp_path / "b.txt", "乙".encode())
    _write(tmp_path / "a" / "c.txt", "丙".encode())
    _write(tmp_path / ".hidden", b"x")
    scan = scan_inbox(tmp_path, {})
    assert [f.path for f in scan.new] == ["a/c.txt", "b.txt"]
    assert all(f.sha256 is None for f in scan.new)  # a new path is read once, by its worker
    read = read_bytes(scan.new[1])
    assert read.sha256 == hashlib.sha256("乙".encode()).hexdigest() and read.data == "乙".encode()
    assert (read.size_bytes, read.mtime_ns) == (scan.new[1].size_bytes, scan.new[1].mtime_ns)
    assert scan.unchanged.num_rows == 0 and scan.rejected == [] and scan.missing == []


def test_unchanged_metadata_skips_hashing_and_changed_content_is_new(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", "会议".encode())
    first = scan_inbox(tmp_path, {}).new[0]
    ledger = {"r.txt": _known(first, tmp_path)}
    again = scan_inbox(tmp_path, ledger)
    assert _paths(again.unchanged) == ["r.txt"] and again.new == []
    f.write_bytes("会议开幕".encode())
    changed = scan_inbox(tmp_path, ledger)
    assert [n.path for n in changed.new] == ["r.txt"] and changed.new[0].sha256 != ledger["r.txt"]["sha256"]


def test_touched_file_with_same_content_is_unchanged(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", "会议".encode())
    first = scan_inbox(tmp_path, {}).new[0]
    os.utime(f, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    ledger = {"r.txt": _known(first, tmp_path)}
    assert _paths(scan_inbox(tmp_path, ledger).unchanged) == ["r.txt"]


def test_same_size_edit_with_the_old_mtime_is_only_seen_with_verify(tmp_path: Path) -> None:
    """`cp -p`, `tar x` and `rsync -t` restore the old mtime: size and mtime cannot tell."""
    f = _write(tmp_path / "r.txt", "出席162人".encode())
    first = scan_inbox(tmp_path, {}).new[0]
    ledger = {"r.txt": _known(first, tmp_path)}
    f.write_bytes("出席163人".encode())  # same size
    os.utime(f, ns=(first.mtime_ns, first.mtime_ns))
    assert _paths(scan_inbox(tmp_path, ledger).unchanged) == ["r.txt"]
    verified = scan_inbox(tmp_path, ledger, verify=True)
    assert [n.path for n in verified.new] == ["r.txt"]
    assert verified.new[0].sha256 == hashlib.sha256("出席163人".encode()).hexdigest()


def test_files_gone_from_the_inbox_are_listed_missing(tmp_path: Path) -> None:
    _write(tmp_path / "a.txt", b"a")
    _write(tmp_path / "b.txt", b"b")
    ledger = {p.path: _known(p, tmp_path) for p in scan_inbox(tmp_path, {}).new}
    (tmp_path / "a.txt").unlink()
    os.mkfifo(tmp_path / "b2.txt")  # rejected files are there, not missing
    scan = scan_inbox(tmp_path, {**ledger, "b2.txt": {"sha256": None, "size_bytes": None, "mtime_ns": None}})
    assert scan.missing == ["a.txt"] and _paths(scan.unchanged) == ["b.txt"]


def test_a_file_changing_while_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    """The hash, size and mtime of a read are those of the bytes read, or the read is refused."""
    import threading

    f = _write(tmp_path / "grow.txt", "会议".encode() * 100)
    item = scan_inbox(tmp_path, {}).new[0]
    monkeypatch.setenv(SLOW_READ_ENV, "grow.txt:0.5")
    writer = threading.Timer(0.1, lambda: f.open("ab").write("开幕".encode()))
    writer.start()
    with pytest.raises(FileChanging, match="changed while being read"):
        read_bytes(item)
    writer.join()
    monkeypatch.delenv(SLOW_READ_ENV)
    read = read_bytes(item)  # the scan's stat is old: the read says what it actually read
    assert read.data.endswith("开幕".encode()) and read.size_bytes == len(read.data) == item.size_bytes + 6


def test_oversized_file_is_rejected_without_reading(tmp_path: Path) -> None:
    _write(tmp_path / "big.txt", b"a" * 2048)
    scan = scan_inbox(tmp_path, {}, max_bytes=1024)
    assert scan.new == []
    (rej,) = scan.rejected
    assert rej.rule == "too_large" and "2,048 bytes" in rej.message


def test_symlink_outside_inbox_is_rejected(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    secret = _write(tmp_path / "secret.txt", b"outside")
    inbox.mkdir()
    (inbox / "link.txt").symlink_to(secret)
    _write(inbox / "inner.txt", b"in")
    (inbox / "inner_link.txt").symlink_to(inbox / "inner.txt")
    scan = scan_inbox(inbox, {})
    assert [r.path for r in scan.rejected] == ["link.txt"]
    assert scan.rejected[0].rule == "unsafe_path"
    assert sorted(f.path for f in scan.new) == ["inner.txt", "inner_link.txt"]


def test_hostile_names_survive(tmp_path: Path) -> None:
    names = ["a'b.txt", "semi;colon.txt", "with space.txt", "new\nline.txt"]
    for name in names:
        _write(tmp_path / name, name.encode())
    bad = os.fsencode(tmp_path) + b"/latin1-\xe9.txt"
    with open(bad, "wb") as fh:
        fh.write(b"x")
    scan = scan_inbox(tmp_path, {})
    paths = {f.path for f in scan.new}
    assert set(names) <= paths
    assert any(p.startswith("latin1-") for p in paths)
    for f in scan.new:
        assert read_bytes(f)


def test_a_name_that_collides_once_its_bytes_are_written_out_is_rejected(tmp_path: Path) -> None:
    """`sub/\\xe9.txt` (a literal backslash) and `sub/<byte e9>.txt` are both shown as `sub/\\xe9.txt`:
    one keeps the path, the other is refused (unsafe_path), whatever folder they sit in; a
    Chinese name is shown as it is."""
    _write(tmp_path / "sub" / "\\xe9.txt", b"literal")
    with open(os.fsencode(tmp_path) + b"/sub/\xe9.txt", "wb") as fh:
        fh.write(b"latin1")
    _write(tmp_path / "sub" / "开幕.txt", "开幕".encode())
    scan = scan_inbox(tmp_path, {})
    assert sorted(f.path for f in scan.new) == ["sub/\\xe9.txt", "sub/开幕.txt"]
    assert [(r.path, r.rule) for r in scan.rejected] == [("sub/\\xe9.txt", "unsafe_path")]
    assert "collides" in scan.rejected[0].message


def test_missing_inbox_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="inbox folder not found"):
        scan_inbox(tmp_path / "nope", {})


_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


def test_a_scan_of_known_files_reads_metadata_only(tmp_path: Path) -> None:
    """What a no-op nightly run pays: one folder listing and one stat per file, no file opened
    (watched through Python's audit hook on every `open`)."""
    global _OPENED
    for i in range(300):
        _write(tmp_path / f"{i // 100}" / f"{i:03d}.txt", f"会议{i}".encode())
    ledger = {p.path: _known(p, tmp_path) for p in scan_inbox(tmp_path, {}).new}
    _OPENED = []
    try:
        scan = scan_inbox(tmp_path, ledger)
    finally:
        opened, _OPENED = _OPENED, None
    assert scan.unchanged.num_rows == 300 and scan.new == [] and scan.missing == []
    assert not [p for p in opened if p.startswith(str(tmp_path))], opened[:5]
