"""Inbox discovery: the ledger diff, size limits, symlinks, odd names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.inbox import read_bytes, scan_inbox


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_new_files_are_hashed_and_listed_in_path_order(tmp_path: Path) -> None:
    _write(tmp_path / "b.txt", "乙".encode())
    _write(tmp_path / "a" / "c.txt", "丙".encode())
    _write(tmp_path / ".hidden", b"x")
    scan = scan_inbox(tmp_path, {})
    assert [f.path for f in scan.new] == ["a/c.txt", "b.txt"]
    assert all(f.sha256 and len(f.sha256) == 64 for f in scan.new)
    assert scan.unchanged == [] and scan.rejected == []


def test_unchanged_metadata_skips_hashing_and_changed_content_is_new(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", "会议".encode())
    first = scan_inbox(tmp_path, {}).new[0]
    ledger = {"r.txt": {"sha256": first.sha256, "size_bytes": first.size_bytes, "mtime_ns": first.mtime_ns}}
    again = scan_inbox(tmp_path, ledger)
    assert [u.path for u in again.unchanged] == ["r.txt"] and again.new == []
    f.write_bytes("会议开幕".encode())
    changed = scan_inbox(tmp_path, ledger)
    assert [n.path for n in changed.new] == ["r.txt"] and changed.new[0].sha256 != first.sha256


def test_touched_file_with_same_content_is_unchanged(tmp_path: Path) -> None:
    f = _write(tmp_path / "r.txt", "会议".encode())
    first = scan_inbox(tmp_path, {}).new[0]
    os.utime(f, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    ledger = {"r.txt": {"sha256": first.sha256, "size_bytes": first.size_bytes, "mtime_ns": first.mtime_ns}}
    assert [u.path for u in scan_inbox(tmp_path, ledger).unchanged] == ["r.txt"]


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


def test_missing_inbox_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="inbox folder not found"):
        scan_inbox(tmp_path / "nope", {})
