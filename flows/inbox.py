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
import gc
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

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
    unchanged: "pa.Table"  # path, sha256, size_bytes, mtime_ns of known files as they were
    rejected: list[Rejected]
    missing: list[str] = field(default_factory=list)  # ledger paths of this inbox no longer in it
    rehashed: int = 0  # unchanged files whose size or mtime changed (hashed: same content)

    @property
    def seen(self) -> int:
        return len(self.new) + self.unchanged.num_rows + len(self.rejected)


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


@dataclass(frozen=True)
class Listing:
    """The regular files found in an inbox, as columns in path order (a no-op run over 100k
    files builds no per-file Python objects beyond these lists)."""

    path: list[str]  # relative to the inbox, "/" separators, non-UTF-8 bytes as \\xNN
    abs_path: list[str]  # the real file (symlinks inside the inbox resolved)
    size_bytes: list[int]
    mtime_ns: list[int]

    def __len__(self) -> int:
        return len(self.path)

    def table(self) -> "pa.Table":
        import pyarrow as pa

        return pa.table({"path": pa.array(self.path, pa.string()), "size_bytes": pa.array(self.size_bytes, pa.int64()),
                         "mtime_ns": pa.array(self.mtime_ns, pa.int64())})


def list_inbox(inbox: Path) -> tuple[Listing, list[Rejected]]:
    """Every regular file below `inbox` (hidden files skipped), in path order: one `os.scandir`
    per folder and one lstat per file, nothing read.

    A symlink whose target is outside the inbox is rejected, never followed; so are symlink
    loops and anything that is not a regular file (a FIFO would block the reader forever).
    Linked folders are not descended into (their files are found at their own paths).
    """
    root = inbox.resolve()
    found: list[tuple[str, str, int, int]] = []
    rejected: list[Rejected] = []
    renamed = False  # a name with non-UTF-8 bytes, written as \\xNN: it may collide with another
    stack = [(str(root), "")]
    while stack:  # the common case (a plain file) costs one lstat and no other call per entry
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
        except OSError as exc:
            rejected.append(Rejected(printable(prefix.rstrip("/")) or ".", "unreadable",
                                     f"cannot list folder: {exc.strerror or exc}"))
            continue
        names = "/".join(e.name for e in entries)  # "/" is in no name: one check for the folder
        plain = printable(names) == names
        renamed = renamed or not plain
        for entry in entries:
            name = entry.name if plain else printable(entry.name)
            rel, real = prefix + name, entry.path
            try:
                if entry.is_symlink():
                    real = _resolve_link(entry.path, root, rel, rejected)
                    if real is None:
                        continue
                    st = os.stat(real)
                    if stat.S_ISDIR(st.st_mode):
                        continue  # its files are found at their own paths inside the inbox
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + "/"))
                    continue
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                rejected.append(Rejected(rel, "unreadable", f"cannot stat file: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                rejected.append(Rejected(rel, "unreadable", f"{_kind(st.st_mode)}, not a regular file; not read"))
                continue
            found.append((rel, real, st.st_size, st.st_mtime_ns))
    found.sort()
    if renamed:
        found = _drop_collisions(found, rejected)
    rejected.sort(key=lambda r: r.path)
    columns = list(zip(*found)) if found else [(), (), (), ()]
    return Listing(list(columns[0]), list(columns[1]), list(columns[2]), list(columns[3])), rejected


def _drop_collisions(found: list[tuple[str, str, int, int]],
                     rejected: list[Rejected]) -> list[tuple[str, str, int, int]]:
    """Files whose shown path equals an earlier one's (sorted by shown path, then real path)
    once non-UTF-8 bytes are written as \\xNN: the first keeps the path, the others are
    rejected."""
    kept: list[tuple[str, str, int, int]] = []
    for item in found:
        if kept and kept[-1][0] == item[0]:
            rejected.append(Rejected(item[0], "unsafe_path", "file name collides with another once its non-UTF-8 "
                                     "bytes are written as \\xNN; rename it", item[2], item[3]))
            continue
        kept.append(item)
    return kept


def _resolve_link(link: str, root: Path, rel: str, rejected: list[Rejected]) -> str | None:
    """The real path of a symlink inside the inbox, or None (and a Rejected) when it is not one."""
    try:
        real = Path(link).resolve(strict=True)
    except FileNotFoundError:
        rejected.append(Rejected(rel, "unreadable", "symlink target does not exist"))
        return None
    except (OSError, RuntimeError):
        rejected.append(Rejected(rel, "unsafe_path", "symlink loop; not followed"))
        return None
    if not real.is_relative_to(root):
        rejected.append(Rejected(rel, "unsafe_path",
                                 f"symlink points outside the inbox (to {printable(str(real))}); not followed"))
        return None
    return str(real)


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


LEDGER_COLUMNS = ("path", "sha256", "size_bytes", "mtime_ns", "status", "missing_since")


def ledger_table(ledger: "dict[str, dict[str, Any]] | pa.Table") -> "pa.Table":
    """An inbox's current ledger entries as an Arrow table (a dict {path: entry} is converted)."""
    import pyarrow as pa

    if isinstance(ledger, pa.Table):
        return ledger
    rows = [{"path": path, **{k: entry.get(k) for k in LEDGER_COLUMNS[1:]}} for path, entry in ledger.items()]
    schema = pa.schema([("path", pa.string()), ("sha256", pa.string()), ("size_bytes", pa.int64()),
                        ("mtime_ns", pa.int64()), ("status", pa.string()), ("missing_since", pa.timestamp("us"))])
    return pa.Table.from_pylist(rows, schema=schema)


def scan_inbox(inbox: Path, ledger: "dict[str, dict[str, Any]] | pa.Table", max_bytes: int = MAX_FILE_BYTES, *,
               verify: bool = False) -> Scan:
    """Split the inbox into new, unchanged and rejected files against this inbox's ledger (an
    Arrow table of its current entries, or a dict {path: entry}), and list the ledger's files
    that are gone. The diff is one Arrow lookup (`index_in`, no join engine to load): a no-op
    run over 100k known files reads their metadata only. `verify` rehashes every known file (a
    same-size edit with its old mtime restored, as `cp -p` or `rsync -t` leave it, is only seen
    that way)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    # The listing makes ~5 objects per file and keeps them all: in a process that has imported
    # Prefect, each of the garbage collector's passes it triggers walks that whole heap for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        listing, rejected = list_inbox(inbox)
    finally:
        if collecting:
            gc.enable()
    known = ledger_table(ledger).select(list(LEDGER_COLUMNS))
    listed = listing.table()
    # Where each listed path sits in the ledger (null: not in it). Pyarrow's join would load its
    # query engine, 0.4 s of a no-op run's start.
    at = pc.index_in(listed["path"], value_set=known["path"])
    joined = listed.append_column("known_sha256", pc.take(known["sha256"], at)) \
        .append_column("known_size", pc.take(known["size_bytes"], at)) \
        .append_column("known_mtime", pc.take(known["mtime_ns"], at))
    in_ledger = pc.is_valid(at)
    hashed = pc.is_valid(joined["known_sha256"])
    same_stat = pc.and_(pc.equal(joined["size_bytes"], joined["known_size"]),
                        pc.equal(joined["mtime_ns"], joined["known_mtime"]))
    fast = pc.fill_null(pc.and_(in_ledger, same_stat), False)
    if verify:
        fast = pc.and_(fast, pc.invert(hashed))
    unchanged_mask = fast
    new: list[InboxFile] = []
    extra_unchanged: list[int] = []
    todo = pc.indices_nonzero(pc.invert(fast)).to_pylist()  # new paths, changed metadata, verify
    known_sha = joined["known_sha256"].to_pylist() if todo else []
    for i in todo:  # the lookup keeps the listing's order: row i is listed file i
        rel, path, size, mtime = listing.path[i], listing.abs_path[i], listing.size_bytes[i], listing.mtime_ns[i]
        if size > max_bytes:
            rejected.append(Rejected(rel, "too_large", f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; "
                                                       "not read", size, mtime))
            continue
        if not known_sha[i]:
            new.append(InboxFile(rel, path, size, mtime))  # hashed where it is read
            continue
        try:  # known path, new size or mtime (or verify): maybe only touched
            digest = sha256_file(path)
        except (OSError, ValueError) as exc:  # vanished or swapped since the listing
            rejected.append(Rejected(rel, "unreadable", f"cannot read file: {printable(str(exc))}", size, mtime))
            continue
        if known_sha[i] == digest:
            extra_unchanged.append(i)  # touched, same content
        else:
            new.append(InboxFile(rel, path, size, mtime, digest))
    if extra_unchanged:
        unchanged_mask = pc.or_(unchanged_mask, pc.is_in(pa.array(range(joined.num_rows)),
                                                         value_set=pa.array(extra_unchanged)))
    unchanged = joined.filter(unchanged_mask)
    unchanged = pa.table({"path": unchanged["path"], "sha256": unchanged["known_sha256"],
                          "size_bytes": unchanged["size_bytes"], "mtime_ns": unchanged["mtime_ns"]})
    present = pa.array(listing.path + [r.path for r in rejected], pa.string())
    missing = known.filter(pc.invert(pc.is_in(known["path"], value_set=present)))["path"].to_pylist()
    return Scan(new=new, unchanged=unchanged, rejected=sorted(rejected, key=lambda r: r.path),
                missing=sorted(missing), rehashed=len(extra_unchanged))


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
