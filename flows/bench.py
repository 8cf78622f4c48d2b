"""`congress-etl bench`: how close a full run gets to jieba's segmentation floor.

One generated corpus (bench/generate.py, cached under the work folder), the same W worker
processes for every figure:

- jieba_floor_docs_per_s: bare `jieba.cut` over every report text, W processes, user dictionary
  loaded, text generation not timed;
- end_to_end_docs_per_s: a full `congress-etl run` (subprocess) into a fresh warehouse against a
  Prefect server started beforehand; its start-up is `prefect_startup_s`;
- ratio = end_to_end / floor; peak_rss_mb = the run's process tree (parent + workers) at its
  largest; noop_rerun_s = the same run again over the unchanged inbox;
- ratio_cpu: the same ratio from CPU seconds per document (floor workers' cut time vs the run's
  whole process tree), which other load on the machine distorts much less than wall time;
- nightly_new_s (with --nightly N): N new reports on top of the loaded warehouse, run the way
  cron runs it, with Prefect's own temporary server, so start-up included.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

FLOOR_CHUNK = 256


def _floor_init(user_dict: str | None) -> None:
    from transforms import keywords

    if user_dict:
        keywords.load_user_dictionary(Path(user_dict).read_text(encoding="utf-8").splitlines(), reference=True)
    import jieba

    jieba.initialize()


def _floor_chunk(seed: int, start: int, stop: int) -> tuple[int, float, float]:
    """(texts cut, wall and CPU seconds spent in jieba.cut) for reports start..stop; generation
    not timed."""
    import jieba

    from bench.generate import generate_text

    texts = [t for t in (generate_text(seed, i) for i in range(start, stop)) if t]
    began, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        for _ in jieba.cut(text):
            pass
    return len(texts), time.perf_counter() - began, time.process_time() - cpu


def jieba_floor(reports: int, seed: int, workers: int, user_dict: str | None) -> dict[str, float]:
    """Docs per second of bare segmentation on `workers` processes (busiest worker's time)."""
    per_worker: dict[int, float] = {}
    docs, cpu = 0, 0.0
    with ProcessPoolExecutor(max_workers=workers, initializer=_floor_init, initargs=(user_dict,)) as pool:
        # Warm every worker (dictionary built) before timing.
        list(pool.map(_floor_chunk, [seed] * workers, [0] * workers, [0] * workers))
        futures = [pool.submit(_floor_chunk, seed, i, min(i + FLOOR_CHUNK, reports))
                   for i in range(0, reports, FLOOR_CHUNK)]
        busy = [0.0] * workers
        for f in futures:
            n, seconds, cpu_seconds = f.result()
            docs += n
            cpu += cpu_seconds
            busy[busy.index(min(busy))] += seconds  # greedy: what each worker's share would cost
        per_worker = dict(enumerate(busy))
    wall = max(per_worker.values()) or 1e-9
    return {"docs": docs, "seconds": wall, "docs_per_s": docs / wall, "cpu_s": cpu}


class PeakRss:
    """Samples the resident memory of a process and its children (MB) until stopped."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(self.interval)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_cli(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS MB, exit code, CPU seconds of the process tree) of one
    `congress-etl` invocation (its worker processes are waited for, so their CPU counts)."""
    cmd = [sys.executable, "-m", "flows.cli", *args]
    began, cpu = time.perf_counter(), _children_cpu()
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        with PeakRss(proc.pid) as rss:
            code = proc.wait()
    return time.perf_counter() - began, rss.peak, code, _children_cpu() - cpu


def run_bench(reports: int, workers: int, *, work: Path, seed: int = 0, batch_size: int = 256,
              nightly: int = 0, runner: str = "process", floor_reports: int | None = None,
              say: Any = print) -> dict[str, Any]:
    from bench.generate import ensure_corpus, write_corpus
    from flows.server import free_port, local_prefect_server
    from flows.settings import USER_DICT

    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    user_dict = str(USER_DICT) if USER_DICT.is_file() else None
    t0 = time.perf_counter()
    inbox = ensure_corpus(work / f"corpus-s{seed}-n{reports}", reports, seed)
    say(f"corpus: {reports} reports at {inbox} ({time.perf_counter() - t0:.1f} s)")

    # The floor is a rate: on a very large corpus its first `floor_reports` texts measure it.
    floor = jieba_floor(min(reports, floor_reports or reports), seed, workers, user_dict)
    say(f"jieba floor: {floor['docs_per_s']:.1f} docs/s ({floor['docs']} texts, {floor['seconds']:.1f} s)")

    out = work / "run"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    log = out / "bench.log"
    run_args = ["run", "--inbox", str(inbox), "--warehouse", str(out / "warehouse.duckdb"), "--lake",
                str(out / "lake"), "--docs", str(out / "docs"), "--workers", str(workers),
                "--batch-size", str(batch_size), "--runner", runner]
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "GX_ANALYTICS_ENABLED": "false"}
    t0 = time.perf_counter()
    with local_prefect_server(home=out / "prefect", port=free_port(), ui=False) as api_url:
        startup = time.perf_counter() - t0
        say(f"prefect server up in {startup:.1f} s")
        api_env = {**env, "PREFECT_API_URL": api_url}
        e2e, peak, code, e2e_cpu = _run_cli(run_args, api_env, log)
        if code:
            raise RuntimeError(f"congress-etl run failed (exit {code}); see {log}")
        say(f"end to end: {e2e:.1f} s, peak RSS {peak:.0f} MB")
        noop, _, code, _ = _run_cli(run_args, api_env, log)
        if code:
            raise RuntimeError(f"second congress-etl run failed (exit {code}); see {log}")
        say(f"no-op rerun: {noop:.1f} s")
    load_after = os.getloadavg()[0]
    result: dict[str, Any] = {
        "reports": reports,
        "workers": workers,
        "runner": runner,
        "batch_size": batch_size,
        "cpu_count": os.cpu_count(),
        "floor_texts": floor["docs"],
        "jieba_floor_docs_per_s": round(floor["docs_per_s"], 2),
        "end_to_end_docs_per_s": round(reports / e2e, 2),
        "ratio": round(reports / e2e / floor["docs_per_s"], 3),
        "end_to_end_s": round(e2e, 2),
        # CPU-time view of the same figures: on a machine shared with other work, wall-clock
        # rates move with the load, CPU seconds per document much less (Prefect server excluded).
        "jieba_floor_cpu_s": round(floor["cpu_s"], 1),
        "end_to_end_cpu_s": round(e2e_cpu, 1),
        "ratio_cpu": round((floor["cpu_s"] / floor["docs"]) / (e2e_cpu / reports), 3),
        "peak_rss_mb": round(peak, 1),
        "noop_rerun_s": round(noop, 2),
        "prefect_startup_s": round(startup, 2),
        # Other work on the machine slows every figure: the 1-minute load average, before/after.
        "load_avg_before": round(load_before, 2),
        "load_avg_after": round(load_after, 2),
    }
    if nightly:
        new = work / f"nightly-s{seed + 1}-n{nightly}"
        shutil.rmtree(new, ignore_errors=True)
        write_corpus(new, nightly, seed + 1)
        shutil.copytree(new, inbox / "zz-nightly", ignore=shutil.ignore_patterns(".*"))
        try:
            wall, _, code, _ = _run_cli(run_args, env, log)  # no API URL: Prefect's temporary server
        finally:
            shutil.rmtree(inbox / "zz-nightly", ignore_errors=True)
        if code:
            raise RuntimeError(f"nightly congress-etl run failed (exit {code}); see {log}")
        result["nightly_new_reports"] = nightly
        result["nightly_new_s"] = round(wall, 2)
        say(f"nightly batch of {nightly} new reports (with Prefect start-up): {wall:.1f} s")
    (out / "bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result
