"""The inbox side of a run: which files are there, which are new, and reading them safely.

This is the only place that touches report files. Discovery compares path + size + mtime
with the ledger first (a no-op rerun reads no file contents), and hashes only files whose
metadata changed.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are quarantined, never read into memory
_READ_ATTEMPTS = 3


@dataclass(frozen=True)
class InboxFile:
    path: str  # relative to the inbox, with "/" separators: the file's identity
    abs_path: str
    size_bytes: int
    mtime_ns: int
    sha256: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A file that is never read: the reason becomes its quarantine record."""

    path: str
    rule: str
    message: str
    size_bytes: int | None = None
    mtime_ns: int | None = None


@dataclass(frozen=True)
class Scan:
    new: list[InboxFile]  # new paths and changed contents
    unchanged: list[InboxFile]
    rejected: list[Rejected]

    @property
    def seen(self) -> int:
        return len(self.new) + len(self.unchanged) + len(self.rejected)


def _display(path: Path, root: Path) -> str:
    # Names with undecodable bytes survive as surrogate escapes; show them replaced.
    rel = path.relative_to(root).as_posix()
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def list_inbox(inbox: Path) -> tuple[list[tuple[str, Path, os.stat_result]], list[Rejected]]:
    """Every regular file below `inbox` (hidden files skipped), in path order.

    A symlink whose target is outside the inbox is rejected, never followed.
    """
    root = inbox.resolve()
    found: list[tuple[str, Path, os.stat_result]] = []
    rejected: list[Rejected] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = _display(path, root)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    rejected.append(Rejected(rel, "unsafe_path", f"symlink points outside the inbox (to {target})"))
                    continue
            try:
                st = path.stat()
            except OSError as exc:
                rejected.append(Rejected(rel, "unreadable", f"cannot stat file: {exc.strerror or exc}"))
                continue
            if not path.is_file():
                continue
            found.append((rel, path, st))
    found.sort(key=lambda entry: entry[0])
    return found, rejected


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_inbox(inbox: Path, ledger: dict[str, dict[str, Any]], max_bytes: int = MAX_FILE_BYTES) -> Scan:
    """Split the inbox into new, unchanged and rejected files against the ledger."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    found, rejected = list_inbox(inbox)
    new: list[InboxFile] = []
    unchanged: list[InboxFile] = []
    for rel, path, st in found:
        item = InboxFile(rel, str(path), st.st_size, st.st_mtime_ns)
        known = ledger.get(rel)
        if known and known.get("size_bytes") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
            unchanged.append(InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, known.get("sha256")))
            continue
        if st.st_size > max_bytes:
            rejected.append(Rejected(rel, "too_large",
                                     f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; not read",
                                     st.st_size, st.st_mtime_ns))
            continue
        digest = sha256_file(path)
        item = InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, digest)
        if known and known.get("sha256") == digest:
            unchanged.append(item)  # touched, same content
        else:
            new.append(item)
    return Scan(new=new, unchanged=unchanged, rejected=rejected)


def read_bytes(item: InboxFile, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read one file, retrying transient I/O errors with backoff; bounded in size."""
    delay = 0.2
    for attempt in range(1, _READ_ATTEMPTS + 1):
        try:
            with open(item.abs_path, "rb") as fh:
                data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ValueError(f"file grew past the {max_bytes:,}-byte limit while being read")
            return data
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise  # not transient
        except OSError:
            if attempt == _READ_ATTEMPTS:
                raise
            time.sleep(delay)
            delay *= 4
    raise AssertionError("unreachable")
