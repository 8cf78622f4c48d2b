"""Where extraction tasks run: in this process, a local process pool, or a Dask cluster.

`task_runner(settings)` picks the Prefect task runner; `stream(runner, task, calls, window)`
submits task calls with at most `window` in flight and yields results as they finish, so
neither the queue of work nor its results grow with the inbox.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

RUNNERS = ("process", "dask")


def task_runner(runner: str, workers: int, dask_address: str | None = None) -> TaskRunner | None:
    """None means "run inline" (one worker, no pool to start)."""
    if runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r} (choose from {', '.join(RUNNERS)})")
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # Worker processes, one thread each: jieba and the extractors hold the GIL.
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    if workers <= 1:
        return None
    return ProcessPoolTaskRunner(max_workers=workers)


def stream(runner: TaskRunner, task: Any, calls: Iterable[dict[str, Any]], window: int) -> Iterator[Any]:
    """Results of task(**call) for every call, in completion order."""
    done: queue.Queue = queue.Queue()
    pending = iter(calls)
    in_flight = 0

    def submit_next() -> bool:
        nonlocal in_flight
        call = next(pending, None)
        if call is None:
            return False
        runner.submit(task, call).add_done_callback(done.put)
        in_flight += 1
        return True

    while in_flight < window and submit_next():
        pass
    while in_flight:
        future = done.get()
        in_flight -= 1
        result = future.result()  # raises what the task raised: the run fails, nothing is loaded
        submit_next()
        yield result
