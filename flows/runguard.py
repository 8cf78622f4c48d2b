"""What makes a run safe to kill and safe to start twice: the run lock, the sweep of what a
killed run left beside the lake and the snapshot, and the test-only kill points.

Choice for concurrent starts: a second run exits at once with a clear message (it does not
wait). The lock is an advisory `flock` on `<warehouse>.lock`; the kernel drops it when the
holder dies, even by SIGKILL, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import fnmatch
import glob
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

# Test-only fault injection: CONGRESS_ETL_KILL_AT=<stage>[:<seconds>] SIGKILLs this process
# <seconds> after the run reaches <stage> (at once without a delay). Stages, in order:
STAGES = ("discover", "extract", "validate", "load", "reconcile", "export", "snapshot", "dashboard", "done")
KILL_ENV = "CONGRESS_ETL_KILL_AT"


class RunLocked(RuntimeError):
    """Another run holds the warehouse."""


_LOCK_TRIES = 6


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _locked_message(warehouse: Path, holder: bytes) -> str:
    who = holder.decode("utf-8", "replace").strip() or "holder unknown"
    return (f"another run is in progress on {warehouse} ({who}); this run stopped before touching "
            "anything, start it again when that one has finished")


def lock_holder(warehouse: Path) -> str | None:
    """Why a run on `warehouse` would be refused right now, or None. A cheap early check for
    the CLI (no Prefect import); the lock taken by `run_lock` is what actually guards."""
    try:
        fd = os.open(lock_path(warehouse), os.O_RDONLY)
    except OSError:  # no lock file yet (or no folder: the run says so)
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _locked_message(warehouse, os.pread(fd, 512, 0))
    finally:
        os.close(fd)
    return None


@contextmanager
def run_lock(warehouse: Path, run_id: str) -> Iterator[Path]:
    """Hold the run lock of `warehouse` for the block, or raise RunLocked at once."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        # A few tries over half a second: `lock_holder` probes hold the lock for microseconds.
        for attempt in range(_LOCK_TRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == _LOCK_TRIES - 1:
                    raise RunLocked(_locked_message(warehouse, os.pread(fd, 512, 0))) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.pwrite(fd, f"run {run_id}, pid {os.getpid()}, started {started}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing drops the flock


class OutputClaimed(RuntimeError):
    """An output folder or file belongs to another warehouse."""


def _claim_file(output: Path) -> Path:
    return output.parent / f".{output.name}.owner"


def claim_outputs(warehouse: Path, outputs: dict[str, Path]) -> None:
    """Make sure no other warehouse publishes to these outputs (call with the run lock held).

    Two warehouses writing one lake, snapshot or dashboard would each overwrite the other's
    without a word. The first warehouse to write an output claims it in `.<output>.owner` beside
    it (its path relative to that folder, so a whole data folder can be moved or copied); a run
    of another warehouse stops before touching anything, unless the claiming warehouse is gone.
    `outputs`: option name (for the message) → path.
    """
    me = warehouse.resolve()
    for option, output in outputs.items():
        claim = _claim_file(output)
        try:
            owner_text = claim.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            owner_text = ""
        owner = (claim.parent / owner_text).resolve() if owner_text else None
        if owner == me:
            continue
        if owner is not None and owner.exists():
            raise OutputClaimed(f"{output} holds the {option.lstrip('-')} of warehouse {owner}; give {warehouse} its "
                                f"own {option} (or remove {claim} if {owner} no longer publishes there)")
        claim.parent.mkdir(parents=True, exist_ok=True)
        tmp = claim.with_name(f"{claim.name}.tmp-{os.getpid()}")
        tmp.write_text(os.path.relpath(me, claim.parent.resolve()) + "\n", encoding="utf-8")
        os.replace(tmp, claim)


def sweep_leftovers(lake: Path, snapshot: Path) -> list[str]:
    """Undo what a killed export or snapshot left behind (call with the run lock held).

    The lake is a symlink swapped in one rename; a killed export leaves at most a half-written
    version folder, a temporary link or an unlinked version, which `sweep_lake` clears (and it
    links the newest complete version if `lake` is missing). Lakes written before that layout
    were swapped by two renames: a kill between them left only `.lake.old-<pid>`, which still
    goes back into place here.
    """
    from warehouse.lake import sweep_lake  # here: `lock_holder` callers must not pay for duckdb

    done: list[str] = []
    if lake.parent.is_dir():
        olds = sorted(lake.parent.glob(f".{lake.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if olds and not os.path.lexists(lake):
            os.rename(olds.pop(), lake)
            done.append(f"restored {lake}")
        for stale in [*olds, *lake.parent.glob(f".{lake.name}.tmp-*")]:
            shutil.rmtree(stale, ignore_errors=True)
            done.append(f"removed {stale.name}")
        done += sweep_lake(lake)
    if snapshot.parent.is_dir():
        for stale in snapshot.parent.glob(f".{glob.escape(snapshot.name)}.tmp-*"):
            stale.unlink(missing_ok=True)
            done.append(f"removed {stale.name}")
    return done


def kill_point(stage: str) -> None:
    """Fault injection for the crash tests; does nothing unless CONGRESS_ETL_KILL_AT names `stage`."""
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    name, _, delay = spec.partition(":")
    if name != stage:
        return
    seconds = float(delay or 0)
    if seconds <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGKILL))
    timer.daemon = True
    timer.start()


# Test-only poison files, for the worker isolation tests: CONGRESS_ETL_POISON="kill:<glob>;hang:<glob>"
# makes an extraction worker, when it starts a file whose name matches <glob>, SIGKILL itself
# (`kill`), crash in native code (`segv`), never return (`hang`) or allocate without bound (`oom`);
# `killonce:<glob>:<dir>` SIGKILLs only the first time (a marker file in <dir> remembers).
POISON_ENV = "CONGRESS_ETL_POISON"
# Test-only: CONGRESS_ETL_SLOW_READ="<glob>:<seconds>" pauses between opening a matching file and
# reading it, so a test can change the file while it is being read.
SLOW_READ_ENV = "CONGRESS_ETL_SLOW_READ"


def _matches(path: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatchcase(path, pattern)


def poison_hook(path: str) -> None:
    """Fault injection for the worker isolation tests; nothing unless CONGRESS_ETL_POISON matches."""
    spec = os.environ.get(POISON_ENV)
    if not spec:
        return
    for entry in spec.split(";"):
        action, _, pattern = entry.partition(":")
        if action == "killonce":
            pattern, _, markers = pattern.rpartition(":")
        if not pattern or not _matches(path, pattern):
            continue
        if action == "killonce":
            marker = Path(markers) / path.replace("/", "_")
            if not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        elif action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "segv":
            import ctypes

            ctypes.string_at(0)  # a real segmentation fault in native code
        elif action == "hang":
            while True:
                time.sleep(3600)
        elif action == "oom":
            hog = []
            while True:  # until the worker's memory cap says no (MemoryError)
                hog.append(bytearray(64 * 1024 * 1024))


def slow_read_hook(path: str) -> None:
    """Fault injection for the read-while-written test; nothing unless CONGRESS_ETL_SLOW_READ matches."""
    spec = os.environ.get(SLOW_READ_ENV)
    if not spec:
        return
    pattern, _, seconds = spec.rpartition(":")
    if pattern and _matches(path, pattern):
        time.sleep(float(seconds))
