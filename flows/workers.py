"""Extraction worker processes, supervised one file at a time.

A bad file must cost only itself. Each worker is its own process (forked from a clean,
single-threaded server that has the decoders, extractors and jieba loaded, so a worker starts
in milliseconds; never from this multi-threaded one) and marks which file it starts, in memory
it shares with the parent, before it starts it. So when a worker dies — a crash in a C library, the kernel's
out-of-memory killer, a SIGKILL — or spends longer than the time limit on one file, the parent
knows the one file responsible:

* a worker that dies on a file is replaced, and that file is tried once more alone in a fresh
  worker (the first death might have been someone else's fault, e.g. the machine's OOM
  killer); if it dies again the file is quarantined `worker_crashed`;
* a file that takes longer than `file_timeout_s` is stopped (its worker is killed and
  replaced) and quarantined `timeout`;
* every worker caps its own address space (RLIMIT_AS), so a file that needs too much memory
  fails inside the worker with MemoryError (`too_large`) before it can starve the machine.

The other files of the batch go to a fresh worker; the run goes on. Crashed and timed-out
files reach the ledger with their hash, so the next run does not try them again unless they
change. A worker that dies while no file is in progress (at start-up, while writing shards)
is not a file's fault: its batch is retried whole, and after a few such deaths the run fails.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from flows.inbox import InboxFile
from flows.staging import Outcome, failed_outcome

# Modules the worker server imports once (see flows/worker_boot.py).
_PRELOAD = ["flows.worker_boot"]
# Deaths outside any file (start-up, shard writing) tolerated before the run gives up.
_ANONYMOUS_DEATHS = 3
# A worker's progress is one shared 64-bit integer, (files started << 32) | index of the file in
# progress, written before each file: one aligned store, so the parent never reads half of it.
# A message per file instead woke the run's process 20,000 times in a 20,000-file run (~2.5 s of
# its CPU, alternating runs); the parent now reads the integer when it looks at timeouts (at
# least once a second) and when a worker dies.
_NO_FILE = 0xFFFFFFFF  # index part: no file in progress (before the first, writing shards)
_INDEX = 0xFFFFFFFF


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker needs, sent once when it starts."""

    shard_dir: str
    schemas: dict[str, Any]  # table → pyarrow schema of its shards
    dictionary: tuple[str, ...] = ()  # jieba user dictionary lines
    memory_mb: int | None = None  # address-space cap (RLIMIT_AS); None: no cap
    env: dict[str, str] = field(default_factory=dict)  # test hooks: the server's env is older than the run


@dataclass
class Job:
    """A batch of files; `settled` holds outcomes the parent decided (crashed, timed out)."""

    tag: str  # shard name; a retry's is its batch's plus `r<n>`, so it sorts in the same place
    items: list[InboxFile]
    settled: list[Outcome] = field(default_factory=list)
    suspect: bool = False  # one file that a worker died on once: tried alone, again


# ---------------------------------------------------------------------------- worker side


def _cap_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with_parent() -> None:
    """A worker never outlives its run. Its parent is the worker server, which exits when the
    run's process does (even by SIGKILL); a worker busy on a hanging file would not notice."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def worker_main(conn: Connection, config: WorkerConfig, progress: Any) -> None:
    """Serve batches until told to stop: `progress` marks file i before it starts and no file
    before the shards are written; ("done", outcomes) after them, ("error", text) when the batch
    itself failed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _exit_with_parent()
    os.environ.update(config.env)
    from flows.runguard import poison_hook
    from flows.staging import BatchStager, failed_outcome
    from transforms import keywords

    if config.dictionary:
        keywords.load_user_dictionary(config.dictionary)
    _cap_memory(config.memory_mb)
    conn.send(("ready", os.getpid()))
    started = 0  # files started by this worker
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        tag, items = job
        try:
            stager = BatchStager(config.schemas)
            outcomes = []
            for i, item in enumerate(items):
                started += 1
                progress.value = (started << 32) | i
                out_of_memory = False
                try:
                    poison_hook(item.path)
                    outcomes.append(stager.add(item))
                except MemoryError:
                    out_of_memory = True  # handled below, once the traceback has let go of the memory
                if out_of_memory:
                    outcomes.append(failed_outcome(item, "too_large", "ran out of the worker's memory cap; "
                                                                      "not extracted"))
            progress.value = (started << 32) | _NO_FILE
            stager.write(config.shard_dir, tag)
            del stager
            conn.send(("done", outcomes))
        except (EOFError, BrokenPipeError):
            return
        except Exception as exc:  # not a file's fault (those become outcomes): the run fails
            try:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            except OSError:
                return


# ---------------------------------------------------------------------------- parent side


def _context() -> multiprocessing.context.BaseContext:
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:  # no forkserver on this platform
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def boot_worker_server() -> None:
    """Start the workers' fork server now, without waiting: it imports flows/worker_boot.py
    (~2 s of one core) while this process lists the inbox, instead of when extraction starts
    its first worker. Does nothing where there is no fork server, or when it already runs."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _death(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker process stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        why = {"SIGKILL": " (killed: out of memory, or by hand)", "SIGSEGV": " (a crash in native code)",
               "SIGBUS": " (a crash in native code)", "SIGABRT": " (aborted by native code)"}.get(name, "")
        return f"the worker process died of {name}{why}"
    return f"the worker process exited with code {exitcode}"


class _Worker:
    def __init__(self, ctx: Any, config: WorkerConfig) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.progress = ctx.RawValue("q", _NO_FILE)  # see _NO_FILE
        self.proc = ctx.Process(target=worker_main, args=(child, config, self.progress), daemon=True,
                                name="congress-etl-worker")
        self.proc.start()
        child.close()
        self.ready = False
        self.job: Job | None = None
        self.seen = _NO_FILE  # the progress value last read, and since when it holds
        self.since = time.monotonic()

    def assign(self, job: Job) -> None:
        self.job = job
        self.conn.send((job.tag, job.items))

    def current(self) -> int | None:
        """Index of the file in progress in the current job (None between files: before the
        first, writing shards, done)."""
        index = self.progress.value & _INDEX
        return None if self.job is None or index == _NO_FILE else index

    def observe(self, now: float) -> None:
        """Read the progress: a new value (another file started) restarts the file's clock. A
        file is timed from the first reading that shows it, at most one wake-up (1 s) late."""
        value = self.progress.value
        if value != self.seen:
            self.seen, self.since = value, now

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=10)
        self.conn.close()


class WorkerPool:
    """`n` supervised worker processes; `map(jobs)` yields each job's outcomes as it finishes."""

    def __init__(self, n: int, config: WorkerConfig, *, file_timeout_s: float | None = None,
                 log: Any = None) -> None:
        self.n = max(1, n)
        self.config = config
        self.file_timeout_s = file_timeout_s
        self.log = log
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self.anonymous_deaths = 0
        self.retries = 0

    def _retry(self, job: Job, items: list[InboxFile], settled: list[Outcome], suspect: bool = False) -> Job:
        self.retries += 1  # a fresh shard name every time: a retry never overwrites another's shard
        return Job(f"{job.tag.split('r')[0]}r{self.retries:04d}", items, settled, suspect)

    def __enter__(self) -> "WorkerPool":
        self.workers = [_Worker(self.ctx, self.config) for _ in range(self.n)]
        return self

    def __exit__(self, *exc: object) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for w in self.workers:
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            w.kill()
        self.workers = []

    def _say(self, message: str, *args: Any) -> None:
        if self.log is not None:
            self.log.warning(message, *args)

    def map(self, jobs: Iterable[Job]) -> Iterator[list[Outcome]]:
        source = iter(jobs)
        retries: deque[Job] = deque()
        exhausted = False
        while True:
            for w in self.workers:
                if w.ready and w.job is None:
                    job = retries.popleft() if retries else None
                    if job is None and not exhausted:
                        job = next(source, None)
                        exhausted = job is None
                    if job is not None:
                        w.assign(job)
            busy = [w for w in self.workers if w.job is not None]
            if not busy and not retries and exhausted:
                return
            waits = {w.conn: w for w in self.workers}
            waits.update({w.proc.sentinel: w for w in self.workers})
            ready = wait(list(waits), timeout=self._next_deadline())
            finished: list[list[Outcome]] = []
            dead: set[_Worker] = set()
            for handle in ready:
                w = waits[handle]
                if w in dead:
                    continue
                if handle is w.conn:
                    try:
                        while w.conn.poll():
                            got = self._on_message(w, w.conn.recv())
                            if got is not None:
                                finished.append(got)
                    except (EOFError, OSError):
                        dead.add(w)
                elif not w.proc.is_alive():
                    dead.add(w)
            for w in dead:
                self._on_death(w, retries, finished)
            self._check_timeouts(retries, finished)
            yield from finished

    def _next_deadline(self) -> float | None:
        """Seconds until the next look at the workers' progress: at most 1 (a file's clock
        starts when a look first shows it), sooner when a file's time runs out."""
        if not self.file_timeout_s:
            return 1.0
        now = time.monotonic()
        left = []
        for w in self.workers:
            w.observe(now)
            if w.current() is not None:
                left.append(w.since + self.file_timeout_s - now)
        return max(0.05, min([1.0, *left]))

    def _on_message(self, w: _Worker, msg: tuple) -> list[Outcome] | None:
        kind = msg[0]
        if kind == "ready":
            w.ready = True
        elif kind == "done":
            job = w.job
            w.job = None
            return job.settled + list(msg[1])
        elif kind == "error":
            raise RuntimeError(f"extraction worker failed outside any file: {msg[1]}")
        return None

    def _settle(self, job: Job, index: int, rule: str, message: str) -> Job:
        """The file at `index` is decided; the rest of the job goes to a fresh worker."""
        item = job.items[index]
        rest = job.items[:index] + job.items[index + 1:]
        return self._retry(job, rest, job.settled + [failed_outcome(item, rule, message)])

    def _on_death(self, w: _Worker, retries: deque[Job], finished: list[list[Outcome]]) -> None:
        w.proc.join(timeout=5)
        why = _death(w.proc.exitcode)
        job, index = w.job, w.current()
        if job is not None and index is not None:
            item = job.items[index]
            if job.suspect:
                self._say("file %s killed its worker twice (%s): quarantined", item.path, why)
                job = self._settle(job, index, "worker_crashed",
                                   f"{why} while extracting this file, twice (also when tried alone); not extracted")
            else:
                self._say("worker died on file %s (%s): trying it once more, alone", item.path, why)
                retries.append(self._retry(job, [item], [], suspect=True))
                job = self._retry(job, job.items[:index] + job.items[index + 1:], job.settled)
        elif job is not None or not w.ready:
            self.anonymous_deaths += 1
            self._say("%s outside any file (%d of %d tolerated)", why, self.anonymous_deaths, _ANONYMOUS_DEATHS)
            if self.anonymous_deaths > _ANONYMOUS_DEATHS:
                raise RuntimeError(f"extraction workers keep dying outside any file: {why}")
            if job is not None:
                job = self._retry(job, job.items, job.settled, job.suspect)
        self._replace(w, job, retries, finished)

    def _replace(self, w: _Worker, job: Job | None, retries: deque[Job],
                 finished: list[list[Outcome]] | None = None) -> None:
        w.kill()
        self.workers[self.workers.index(w)] = _Worker(self.ctx, self.config)
        if job is None:
            return
        if job.items:
            retries.appendleft(job)
        elif finished is not None:
            finished.append(job.settled)

    def _check_timeouts(self, retries: deque[Job], finished: list[list[Outcome]]) -> None:
        if not self.file_timeout_s:
            return
        now = time.monotonic()
        for w in list(self.workers):
            w.observe(now)
            index = w.current()
            if index is None or now - w.since < self.file_timeout_s:
                continue
            job = w.job
            self._say("file %s still running after %.0f s: stopped", job.items[index].path, self.file_timeout_s)
            job = self._settle(job, index, "timeout", f"extraction did not finish within {self.file_timeout_s:g} s; "
                                                      "stopped, not extracted")
            self._replace(w, job, retries, finished)


def extraction_jobs(items: list[InboxFile], size: int) -> Iterator[Job]:
    """Batches in inbox path order, tagged so their shards sort the same way."""
    for i in range(0, len(items), size):
        yield Job(f"b{i // size:07d}", items[i:i + size])


def shard_tags(shard_dir: Path) -> list[str]:  # for tests and diagnostics
    return sorted(p.stem for p in (shard_dir / "reports").glob("*.parquet"))
