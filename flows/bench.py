"""`congress-etl bench`: what a run costs, against jieba's segmentation floor, and how the cost
grows with the warehouse.

One generated corpus (bench/generate.py, cached under the work folder); its first n files are the
corpus of size n. The same W worker processes for every figure:

- jieba_floor: bare `jieba.cut` over the report texts, W processes, user dictionary loaded, text
  generation not timed (docs/s, CPU ms per text); measured before the sizes' runs and again after
  them, and the mean used (`…_before` / `…_after` kept): on a shared VM the floor itself drifts
  by 10–15 % within minutes, and one measurement taken before a long run says less;
- per size (`--scale 10000,100000`, or `--reports N` for one): a full `congress-etl run`
  (subprocess) into a fresh warehouse against a Prefect server started beforehand (its start-up
  is `prefect_startup_s`): wall and CPU seconds of the run's process tree, per report, the tree's
  peak RSS (and the parent's and largest child's), ratio_cpu = floor CPU per text ÷ run CPU per
  report; then the same run again over the unchanged inbox (no-op);
- nightly (with --nightly N; always with --scale): the N files that follow the largest corpus
  (new sessions of the latest year) on top of its warehouse, and the same N onto an empty one,
  run the way cron runs them (no PREFECT_API_URL: each run starts its own Prefect server, so
  start-up is included; its PREFECT_HOME is migrated beforehand, untimed, as on any machine
  that has run before).

The folders a bench replaces (a previous bench's runs and inboxes) are renamed aside and deleted
after its last timed run (`SetAside`): no timed run follows a mass deletion.
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
    """Samples the memory of a process and its children (MB) until stopped: the tree's peak
    summed RSS (`peak`) and summed PSS (`peak_pss`: pages shared between processes, such as
    workers forked from one preloaded server, counted once in all), and what the root alone
    (`peak_root`) and its largest child (`peak_child`) held at their largest (RSS); `cpu_s` is the
    tree's CPU seconds, each process's last sampled user + system time summed. The run's workers
    are children of multiprocessing's fork server, which nobody waits for, so their CPU never
    reaches the root's RUSAGE_CHILDREN; sampling undercounts only what a process spends after its
    last sample (≤ one interval each)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak = self.peak_pss = self.peak_root = self.peak_child = 0.0
        self._cpu: dict[tuple[int, float], float] = {}  # (pid, start time) → last user + system
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = pss = 0.0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        info = p.memory_full_info()
                    except psutil.AccessDenied:
                        info = p.memory_info()
                    except psutil.Error:
                        continue
                    try:
                        times = p.cpu_times()
                        self._cpu[(p.pid, p.create_time())] = times.user + times.system
                    except psutil.Error:
                        pass
                    rss = info.rss / 2**20
                    total += rss
                    pss += getattr(info, "pss", info.rss) / 2**20
                    if p.pid == self.pid:
                        self.peak_root = max(self.peak_root, rss)
                    else:
                        self.peak_child = max(self.peak_child, rss)
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(self.interval)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


LAST_RSS: dict[str, float] = {}  # the last _run_cli's parent and largest-child peaks


def _run_cli(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS MB, exit code, CPU seconds of the process tree) of one
    `congress-etl` invocation, workers included (see PeakRss)."""
    cmd = [sys.executable, "-m", "flows.cli", *args]
    began, cpu = time.perf_counter(), _children_cpu()
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        with PeakRss(proc.pid) as rss:
            code = proc.wait()
    LAST_RSS.update(parent=rss.peak_root, child=rss.peak_child, pss=rss.peak_pss)
    # The root's own and waited-for descendants' CPU is exact in RUSAGE_CHILDREN; the fork
    # server's workers only show in the samples: take whichever saw more.
    return time.perf_counter() - began, rss.peak, code, max(_children_cpu() - cpu, rss.cpu_s)


STEPS = ("discover", "extract", "validate", "load", "reconcile", "export", "snapshot", "dashboard")


def step_seconds(api_url: str) -> dict[str, float]:
    """Wall seconds of each step (a Prefect task) of the latest flow run on `api_url`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        if not runs:
            return {}
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[runs[0].id])))
    out: dict[str, float] = {}
    for task in tasks:
        name = task.name.rsplit("-", 1)[0]
        if name in STEPS:
            seconds = task.total_run_time.total_seconds() if task.total_run_time else 0.0
            out[name] = round(out.get(name, 0.0) + seconds, 2)
    return {step: out[step] for step in STEPS if step in out}


def run_bench(reports: int, workers: int, *, work: Path, seed: int = 0, batch_size: int = 256,
              nightly: int = 0, runner: str = "process", floor_reports: int | None = None,
              say: Any = print) -> dict[str, Any]:
    """One size: `run_scale` with a single size, as the flat figures `congress-etl bench
    --reports N` prints (floor, end to end, ratios, RSS, no-op, Prefect start-up, nightly)."""
    scale = run_scale([reports], workers, work=work, seed=seed, batch_size=batch_size, nightly=nightly,
                      runner=runner, floor_reports=floor_reports or reports, say=say)
    return flat_figures(scale)


def flat_figures(scale: dict[str, Any]) -> dict[str, Any]:
    """A one-size `run_scale` result as `congress-etl bench --reports N`'s figures."""
    (size,) = scale["sizes"].values()
    n, floor_rate = size["reports"], scale["jieba_floor_docs_per_s"]
    result: dict[str, Any] = {
        "reports": n, "workers": scale["workers"], "runner": scale["runner"], "batch_size": scale["batch_size"],
        "cpu_count": scale["cpu_count"], "floor_texts": scale["floor_texts"],
        "jieba_floor_docs_per_s": floor_rate,
        "end_to_end_docs_per_s": size["docs_per_s"],
        "ratio": round(size["docs_per_s"] / floor_rate, 3),
        "end_to_end_s": size["end_to_end_s"],
        # CPU-time view of the same figures: on a machine shared with other work, wall-clock
        # rates move with the load, CPU seconds per document much less (Prefect server excluded).
        "jieba_floor_cpu_s": scale["jieba_floor_cpu_s"],
        "jieba_floor_cpu_ms_before": scale["jieba_floor_cpu_ms_before"],
        "jieba_floor_cpu_ms_after": scale["jieba_floor_cpu_ms_after"],
        "end_to_end_cpu_s": size["end_to_end_cpu_s"],
        "ratio_cpu": size["ratio_cpu"],
        "peak_rss_mb": size["peak_rss_mb"],
        "noop_rerun_s": size["noop_rerun_s"],
        "prefect_startup_s": scale["prefect_startup_s"],
        # Other work on the machine slows every figure: the 1-minute load average, before/after.
        "load_avg_before": scale["load_avg_before"],
        "load_avg_after": scale["load_avg_after"],
    }
    if "nightly" in scale:
        result["nightly_new_reports"] = scale["nightly"]["new_reports"]
        result["nightly_new_s"] = scale["nightly"]["on_top_s"]
        result["nightly_onto_empty_s"] = scale["nightly"]["onto_empty_s"]
    return result


def _steps(api_url: str) -> dict[str, float]:
    try:
        return step_seconds(api_url)
    except Exception as exc:  # the figures of the run stand without the breakdown
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}


class SetAside:
    """Folders a bench replaces, moved out of the way (a rename) and deleted only after the last
    timed run. On ext4 without a journal (this project's VMs), a new file's inode is searched
    past every inode freed in the last 60–300 s of its block group, each looked up in the buffer
    cache: deleting the previous bench's 20,000-report run folder just before the next run made
    that run's file creations cost ~3 s more CPU (the kernel's, in `__ext4_new_inode`; the
    dashboard step 5.2–6.0 s of CPU instead of 3.9), a cost of the bench's own cleanup that no
    nightly run pays (README Performance, "Deleting before creating")."""

    def __init__(self, work: Path) -> None:
        self.trash = work / ".set-aside"
        self.moved = 0

    def clear(self, path: Path) -> None:
        """`path` no longer exists (a rename into the trash folder: nothing freed yet)."""
        if path.exists() or path.is_symlink():
            self.trash.mkdir(parents=True, exist_ok=True)
            self.moved += 1
            path.rename(self.trash / f"{path.name}.{os.getpid()}.{self.moved}")

    def empty(self) -> None:
        shutil.rmtree(self.trash, ignore_errors=True)

    def __enter__(self) -> "SetAside":
        return self

    def __exit__(self, *exc: object) -> None:
        self.empty()


def _link_first(corpus: Path, dst: Path, n: int, aside: SetAside) -> None:
    """`dst` holds the first `n` files of `corpus` (manifest order), as hard links: no copy, and
    no symlink (the inbox scan refuses links that leave the inbox); a previous `dst` is set aside."""
    from bench.generate import read_manifest

    aside.clear(dst)
    dst.mkdir(parents=True)
    for entry in read_manifest(corpus)[:n]:
        (dst / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
        os.link(corpus / entry["file"], dst / entry["file"])


def _run_figures(n: int, wall: float, rss: float, cpu: float) -> dict[str, Any]:
    return {"reports": n, "end_to_end_s": round(wall, 2), "end_to_end_cpu_s": round(cpu, 1),
            "per_report_ms": round(wall / n * 1000, 2), "per_report_cpu_ms": round(cpu / n * 1000, 2),
            "docs_per_s": round(n / wall, 2), "peak_rss_mb": round(rss, 1)}


def _bracket_floor(result: dict[str, Any], before: dict[str, float], after: dict[str, float], say: Any) -> None:
    """The floor as the mean of its measurements before and after the sizes' runs; each size's
    `ratio_cpu` against that mean."""
    ms = [m["cpu_s"] / m["docs"] * 1000 for m in (before, after)]
    say(f"jieba floor again: {after['docs_per_s']:.1f} docs/s, {ms[1]:.2f} ms CPU per text "
        f"(before the runs {ms[0]:.2f}; the mean is the floor)")
    result.update({
        "jieba_floor_docs_per_s": round((before["docs_per_s"] + after["docs_per_s"]) / 2, 2),
        "jieba_floor_cpu_s": round((before["cpu_s"] + after["cpu_s"]) / 2, 1),
        "jieba_floor_cpu_ms": round(sum(ms) / 2, 3),
        "jieba_floor_cpu_ms_before": round(ms[0], 3), "jieba_floor_cpu_ms_after": round(ms[1], 3),
    })
    for figures in result["sizes"].values():
        figures["ratio_cpu"] = round(result["jieba_floor_cpu_ms"] / figures["per_report_cpu_ms"], 3)


def run_scale(sizes: list[int], workers: int, *, work: Path, seed: int = 0, batch_size: int = 256,
              nightly: int = 1000, runner: str = "process", floor_reports: int = 3000,
              say: Any = print) -> dict[str, Any]:
    """The same corpus at each size (the first n files of one corpus), each into a fresh
    warehouse: end to end, per report, peak RSS, no-op rerun; then `nightly` new reports (the
    files after the largest size) on top of the largest warehouse and onto an empty one, the
    way cron runs them (each run starts its own Prefect server, start-up included). The folders
    of a previous bench are set aside and deleted after the last timed run (`SetAside`)."""
    from bench.generate import ensure_corpus
    from flows.server import free_port, local_prefect_server
    from flows.settings import USER_DICT

    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1:
        raise ValueError("--scale needs sizes of at least 1 report")
    work.mkdir(parents=True, exist_ok=True)
    user_dict = str(USER_DICT) if USER_DICT.is_file() else None
    with SetAside(work) as aside:  # emptied after the last timed run
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        corpus = ensure_corpus(work / f"corpus-s{seed}-n{sizes[-1]}", sizes[-1], seed)
        say(f"corpus: {sizes[-1]} reports at {corpus} ({time.perf_counter() - t0:.1f} s)")
        floor_texts = min(sizes[0], floor_reports)
        floor = jieba_floor(floor_texts, seed, workers, user_dict)
        say(f"jieba floor: {floor['docs_per_s']:.1f} docs/s, "
            f"{floor['cpu_s'] / floor['docs'] * 1000:.2f} ms CPU per text")
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "GX_ANALYTICS_ENABLED": "false"}

        def run_args(inbox: Path, out: Path) -> list[str]:
            return ["run", "--inbox", str(inbox), "--warehouse", str(out / "warehouse.duckdb"), "--lake",
                    str(out / "lake"), "--docs", str(out / "docs"), "--workers", str(workers),
                    "--batch-size", str(batch_size), "--runner", runner]

        result: dict[str, Any] = {"workers": workers, "runner": runner, "batch_size": batch_size,
                                  "cpu_count": os.cpu_count(), "floor_texts": floor["docs"],
                                  "jieba_floor_docs_per_s": round(floor["docs_per_s"], 2),
                                  "jieba_floor_cpu_s": round(floor["cpu_s"], 1),
                                  "jieba_floor_cpu_ms": round(floor["cpu_s"] / floor["docs"] * 1000, 3), "sizes": {}}
        t0 = time.perf_counter()
        with local_prefect_server(home=work / "prefect", port=free_port(), ui=False) as api_url:
            result["prefect_startup_s"] = round(time.perf_counter() - t0, 2)
            say(f"prefect server up in {result['prefect_startup_s']:.1f} s")
            api_env = {**env, "PREFECT_API_URL": api_url}
            for n in sizes:
                inbox = work / f"inbox-{n}"
                _link_first(corpus, inbox, n, aside)
                out = work / f"run-{n}"
                aside.clear(out)
                out.mkdir(parents=True)
                log = out / "bench.log"
                wall, rss, code, cpu = _run_cli(run_args(inbox, out), api_env, log)
                if code:
                    raise RuntimeError(f"congress-etl run failed (exit {code}); see {log}")
                figures = _run_figures(n, wall, rss, cpu)
                figures["steps_s"] = _steps(api_url)
                figures["peak_pss_mb"] = round(LAST_RSS["pss"], 1)
                figures["parent_peak_rss_mb"] = round(LAST_RSS["parent"], 1)
                figures["largest_child_peak_rss_mb"] = round(LAST_RSS["child"], 1)
                noop, noop_rss, code, _ = _run_cli(run_args(inbox, out), api_env, log)
                if code:
                    raise RuntimeError(f"no-op congress-etl run failed (exit {code}); see {log}")
                figures["noop_rerun_s"] = round(noop, 2)
                figures["noop_steps_s"] = _steps(api_url)
                figures["noop_peak_rss_mb"] = round(noop_rss, 1)
                result["sizes"][str(n)] = figures
                say(f"{n} reports: {wall:.1f} s ({figures['per_report_ms']} ms, {figures['per_report_cpu_ms']} ms CPU "
                    f"per report), peak RSS {rss:.0f} MB, no-op {noop:.1f} s")
        _bracket_floor(result, floor, jieba_floor(floor_texts, seed, workers, user_dict), say)
        if nightly:
            # Cron's runs: no PREFECT_API_URL, each run starts its own server on a PREFECT_HOME whose
            # database a machine that runs nightly has migrated long ago. Migrating it is done here,
            # untimed, so neither timed run pays the first start's migrations (~9 s).
            cron_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
            cron_env["PREFECT_HOME"] = str((work / "prefect-cron").resolve())
            t0 = time.perf_counter()
            with local_prefect_server(home=work / "prefect-cron", port=free_port(), ui=False):
                pass
            say(f"cron runs' Prefect home migrated in {time.perf_counter() - t0:.1f} s (untimed)")
            top = sizes[-1]
            # the next night: new sessions of the latest year (generated once, like the corpus)
            new = ensure_corpus(work / f"nightly-s{seed}-from{top}-n{nightly}", nightly, seed, start=top)
            inbox, out = work / f"inbox-{top}", work / f"run-{top}"
            shutil.copytree(new, inbox / "zz-nightly", ignore=shutil.ignore_patterns(".*"), copy_function=os.link)
            try:
                wall, rss, code, cpu = _run_cli(run_args(inbox, out), cron_env, out / "bench.log")
                pss = LAST_RSS["pss"]
            finally:
                aside.clear(inbox / "zz-nightly")
            if code:
                raise RuntimeError(f"nightly congress-etl run failed (exit {code}); see {out / 'bench.log'}")
            empty = work / "run-nightly-onto-empty"
            aside.clear(empty)
            empty.mkdir(parents=True)
            alone = work / "inbox-nightly"
            _link_first(new, alone, nightly, aside)
            e_wall, e_rss, code, e_cpu = _run_cli(run_args(alone, empty), cron_env, empty / "bench.log")
            e_pss = LAST_RSS["pss"]
            if code:
                raise RuntimeError(f"nightly congress-etl run onto an empty warehouse failed (exit {code})")
            result["nightly"] = {
                "new_reports": nightly, "on_top_of": top,
                "on_top_s": round(wall, 2), "on_top_cpu_s": round(cpu, 1), "on_top_peak_rss_mb": round(rss, 1),
                "on_top_peak_pss_mb": round(pss, 1),
                "onto_empty_s": round(e_wall, 2), "onto_empty_cpu_s": round(e_cpu, 1),
                "onto_empty_peak_rss_mb": round(e_rss, 1), "onto_empty_peak_pss_mb": round(e_pss, 1),
                "ratio": round(wall / e_wall, 2),
            }
            say(f"nightly {nightly} new reports (Prefect start-up included): {wall:.1f} s on top of {top}, "
                f"{e_wall:.1f} s onto an empty warehouse ({wall / e_wall:.2f}×)")
        if len(sizes) > 1:
            small, large = result["sizes"][str(sizes[0])], result["sizes"][str(sizes[-1])]
            result["rss_growth"] = round(large["peak_rss_mb"] / small["peak_rss_mb"], 2)
            result["per_report_cpu_growth"] = round(large["per_report_cpu_ms"] / small["per_report_cpu_ms"], 2)
        result["load_avg_before"] = round(load_before, 2)
        result["load_avg_after"] = round(os.getloadavg()[0], 2)
        (work / "scale.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        return result
