"""The inbox side of a run: which files are there, which are new, and reading them safely.

This is the only place that touches report files. Discovery compares path + size + mtime
with the ledger first (a no-op rerun reads no file contents), and hashes only files whose
metadata changed.

Hostile inboxes are expected: nothing found here stops a run. Symlinks leaving the inbox,
symlink loops, FIFOs/devices, name collisions and oversized files become `Rejected` entries
(quarantine records with a reason) and are never opened.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Decoding holds a few copies of the text in memory: at this limit a worker peaks near 1 GB.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Extraction time grows faster than linearly with text length; real reports are < 50k chars.
MAX_TEXT_CHARS = 200_000
_READ_ATTEMPTS = 3
# Errors worth another try (flaky disks, network mounts); anything else is the file's fault.
_TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.EINTR, errno.EBUSY, errno.ETIMEDOUT,
                               errno.ESTALE, errno.ENFILE, errno.EMFILE, errno.ENOLCK})


def is_transient(exc: BaseException | None) -> bool:
    """True for I/O errors a retry may cure; bad input (missing, not a file, ...) is terminal."""
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS


@dataclass(frozen=True)
class InboxFile:
    path: str  # relative to the inbox, with "/" separators: the file's identity
    abs_path: str  # the real file (symlinks inside the inbox resolved at scan time)
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


def printable(text: str) -> str:
    """A str that can be stored: bytes that were not UTF-8 (surrogate escapes) become `\\xNN`."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _display(path: Path, root: Path) -> str:
    return printable(path.relative_to(root).as_posix())


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "not a regular file"


def list_inbox(inbox: Path) -> tuple[list[tuple[str, Path, os.stat_result]], list[Rejected]]:
    """Every regular file below `inbox` (hidden files skipped), in path order.

    A symlink whose target is outside the inbox is rejected, never followed; so are symlink
    loops and anything that is not a regular file (a FIFO would block the reader forever).
    """
    root = inbox.resolve()
    found: list[tuple[str, Path, os.stat_result]] = []
    rejected: list[Rejected] = []
    names: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        entries = sorted(n for n in filenames if not n.startswith("."))
        # Linked folders are not descended into; one pointing outside is reported.
        linked = [d for d in dirnames if not d.startswith(".") and os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in linked)
        for name in sorted(entries + linked):
            path = Path(dirpath) / name
            rel = _display(path, root)
            real = path
            if path.is_symlink():
                try:
                    real = path.resolve(strict=True)
                except FileNotFoundError:
                    rejected.append(Rejected(rel, "unreadable", "symlink target does not exist"))
                    continue
                except (OSError, RuntimeError):
                    rejected.append(Rejected(rel, "unsafe_path", "symlink loop; not followed"))
                    continue
                if not real.is_relative_to(root):
                    rejected.append(Rejected(rel, "unsafe_path",
                                             f"symlink points outside the inbox (to {printable(str(real))}); "
                                             "not followed"))
                    continue
                if real.is_dir():
                    continue  # its files are found at their own paths inside the inbox
            try:
                st = real.stat()
            except OSError as exc:
                rejected.append(Rejected(rel, "unreadable", f"cannot stat file: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                rejected.append(Rejected(rel, "unreadable", f"{_kind(st.st_mode)}, not a regular file; not read"))
                continue
            if rel in names:
                rejected.append(Rejected(rel, "unsafe_path", "file name collides with another once its non-UTF-8 "
                                         "bytes are written as \\xNN; rename it", st.st_size, st.st_mtime_ns))
                continue
            names.add(rel)
            found.append((rel, real, st))
    found.sort(key=lambda entry: entry[0])
    rejected.sort(key=lambda r: r.path)
    return found, rejected


def _open_regular(abs_path: str) -> int:
    """Open without following a final symlink or blocking on a FIFO swapped in after the scan."""
    fd = os.open(abs_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError("not a regular file any more; not read")
    return fd


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(str(path)), "rb") as fh:
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
        known = ledger.get(rel)
        if known and known.get("size_bytes") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
            unchanged.append(InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, known.get("sha256")))
            continue
        if st.st_size > max_bytes:
            rejected.append(Rejected(rel, "too_large",
                                     f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; not read",
                                     st.st_size, st.st_mtime_ns))
            continue
        try:
            digest = sha256_file(path)
        except (OSError, ValueError) as exc:  # vanished or swapped since the listing
            rejected.append(Rejected(rel, "unreadable", f"cannot read file: {printable(str(exc))}",
                                     st.st_size, st.st_mtime_ns))
            continue
        item = InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, digest)
        if known and known.get("sha256") == digest:
            unchanged.append(item)  # touched, same content
        else:
            new.append(item)
    return Scan(new=new, unchanged=unchanged, rejected=sorted(rejected, key=lambda r: r.path))


def read_bytes(item: InboxFile, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read one file, retrying transient I/O errors with backoff; bounded in size."""
    delay = 0.2
    for attempt in range(1, _READ_ATTEMPTS + 1):
        try:
            with os.fdopen(_open_regular(item.abs_path), "rb") as fh:
                data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ValueError(f"file grew past the {max_bytes:,}-byte limit while being read")
            return data
        except OSError as exc:
            if not is_transient(exc) or attempt == _READ_ATTEMPTS:
                raise
            time.sleep(delay)
            delay *= 4
    raise AssertionError("unreachable")
