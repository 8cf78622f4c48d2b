"""Extraction on Dask (`--runner dask`): the Prefect task runner and a bounded stream of tasks.

The default runner (`process`) does not come here: it supervises its own worker processes
(flows/workers.py). `stream(runner, task, calls, window)` submits task calls with at most
`window` in flight and yields results as they finish, so neither the queue of work nor its
results grow with the inbox.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator
from typing import Any

from prefect.task_runners import TaskRunner

RUNNERS = ("process", "dask")


def task_runner(runner: str, workers: int, dask_address: str | None = None) -> TaskRunner:
    """The Dask task runner: an existing cluster, or a local one of `workers` processes."""
    if runner != "dask":
        raise ValueError(f"no task runner for {runner!r}: the process runner is flows/workers.py")
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    # Worker processes, one thread each: jieba and the extractors hold the GIL.
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


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
