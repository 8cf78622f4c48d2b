"""The inbox side of a run: which files are there, which are new or gone, and reading them safely.

This is the only place that touches report files. A file's identity is its inbox (the inbox
folder's resolved path) plus its path inside the inbox. Discovery compares path + size + mtime
with the ledger first (a no-op rerun reads no file contents), and hashes only known files whose
metadata changed (or all known files with `verify`); new paths are hashed by the worker that
reads them, from the very bytes it extracts.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.runguard import slow_read_hook

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
    missing: list[str] = field(default_factory=list)  # ledger paths of this inbox no longer in it

    @property
    def seen(self) -> int:
        return len(self.new) + len(self.unchanged) + len(self.rejected)


class FileChanging(Exception):
    """The file changed while it was read: left for the next run, nothing recorded."""


@dataclass(frozen=True)
class ReadFile:
    """The bytes of one read and what they are: hash, and the size and mtime they had."""

    data: bytes
    sha256: str
    size_bytes: int
    mtime_ns: int


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


def inbox_id(inbox: Path) -> str:
    """The inbox part of a file's identity: its folder's resolved path."""
    return printable(str(inbox.resolve()))


def scan_inbox(inbox: Path, ledger: dict[str, dict[str, Any]], max_bytes: int = MAX_FILE_BYTES, *,
               verify: bool = False) -> Scan:
    """Split the inbox into new, unchanged and rejected files against this inbox's ledger, and
    list the ledger's files that are gone. `verify` rehashes every known file (a same-size edit
    with its old mtime restored, as `cp -p` or `rsync -t` leave it, is only seen that way)."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    found, rejected = list_inbox(inbox)
    new: list[InboxFile] = []
    unchanged: list[InboxFile] = []
    for rel, path, st in found:
        known = ledger.get(rel)
        same_stat = known and known.get("size_bytes") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns
        if same_stat and not (verify and known.get("sha256")):
            unchanged.append(InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, known.get("sha256")))
            continue
        if st.st_size > max_bytes:
            rejected.append(Rejected(rel, "too_large",
                                     f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; not read",
                                     st.st_size, st.st_mtime_ns))
            continue
        if not known or not known.get("sha256"):
            new.append(InboxFile(rel, str(path), st.st_size, st.st_mtime_ns))  # hashed where it is read
            continue
        try:  # known path, new size or mtime (or verify): maybe only touched
            digest = sha256_file(path)
        except (OSError, ValueError) as exc:  # vanished or swapped since the listing
            rejected.append(Rejected(rel, "unreadable", f"cannot read file: {printable(str(exc))}",
                                     st.st_size, st.st_mtime_ns))
            continue
        item = InboxFile(rel, str(path), st.st_size, st.st_mtime_ns, digest)
        if known.get("sha256") == digest:
            unchanged.append(item)  # touched, same content
        else:
            new.append(item)
    present = {f[0] for f in found} | {r.path for r in rejected}
    missing = sorted(p for p in ledger if p not in present)
    return Scan(new=new, unchanged=unchanged, rejected=sorted(rejected, key=lambda r: r.path), missing=missing)


def read_bytes(item: InboxFile, max_bytes: int = MAX_FILE_BYTES) -> ReadFile:
    """Read one file once, retrying transient I/O errors with backoff; bounded in size.

    The hash, size and mtime returned are those of the bytes actually read. A file whose size
    or mtime changes while it is read raises FileChanging: a hash of one content must never be
    stored with facts extracted from another."""
    delay = 0.2
    for attempt in range(1, _READ_ATTEMPTS + 1):
        try:
            with os.fdopen(_open_regular(item.abs_path), "rb") as fh:
                before = os.fstat(fh.fileno())
                slow_read_hook(item.path)
                data = fh.read(max_bytes + 1)
                after = os.fstat(fh.fileno())
            if len(data) > max_bytes:
                raise ValueError(f"file grew past the {max_bytes:,}-byte limit while being read")
            if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
                raise FileChanging(f"file changed while being read ({before.st_size:,} → {after.st_size:,} bytes); "
                                   "left for the next run")
            return ReadFile(data, hashlib.sha256(data).hexdigest(), after.st_size, after.st_mtime_ns)
        except OSError as exc:
            if not is_transient(exc) or attempt == _READ_ATTEMPTS:
                raise
            time.sleep(delay)
            delay *= 4
    raise AssertionError("unreachable")
