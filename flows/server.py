"""A real Prefect server on loopback, for schedules and for one-off runs when no Prefect API
is configured.

Prefect's temporary per-process server cannot run schedules, so `congress-etl serve`
starts `prefect server start` itself and talks to it like any other Prefect API.

`congress-etl run` (cron, a shell) starts one for the length of the run, before the run's own
imports: Prefect's temporary server is only started once the flow is called, after this process
has imported Prefect's server code (3.6 s) — start-up then costs the sum of the two, ~9 s of a
run's wall time, where starting first overlaps the server's boot with the run's imports (~3 s).
That server is the app Prefect's temporary server runs (`run_only`: API, run records, events and
logs; no UI, no scheduling services), served by uvicorn without the `prefect` CLI in front.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerStartError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(api_url: str, timeout_s: float, proc: subprocess.Popen | None = None,
                 poll_s: float = 0.5) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerStartError(f"prefect server exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(poll_s)
    raise ServerStartError(f"prefect server at {api_url} not healthy after {timeout_s:.0f} s")


def server_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    })
    env.pop("PREFECT_API_URL", None)
    return env


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: SIGTERM this process when the process that started it dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_prefect_server(home: Path, port: int, log_path: Path | None = None, ui: bool = True,
                         die_with_parent: bool = False, run_only: bool = False) -> tuple[subprocess.Popen, str]:
    """Start a Prefect server on 127.0.0.1:port (state under `home`), without waiting:
    (the process, its API URL). Its log is appended to `log_path` (home/server.log).

    `run_only`: the server records one run's flow, tasks, logs and events and nothing else, as
    Prefect's own temporary server does (its app in ephemeral mode, served by uvicorn directly):
    no UI and none of the loop services a long-lived server runs for deployments (scheduler,
    late runs, foreman, cancellation clean-up...), which cost CPU at boot and poll during the
    run, and no `prefect` CLI process to import first. Otherwise `prefect server start`."""
    home.mkdir(parents=True, exist_ok=True)
    log_path = log_path or home / "server.log"
    env = server_env(home)
    env["PREFECT_UI_ENABLED"] = "true" if ui and not run_only else "false"
    if run_only:
        import importlib.util  # not `import prefect`: this runs before the run's own imports

        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
        env.update({"PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
        cmd = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
               "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--lifespan", "on"]
    else:
        prefect_cli = Path(sys.executable).with_name("prefect")
        cmd = [str(prefect_cli), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent if die_with_parent else None)
    return proc, f"http://127.0.0.1:{port}/api"


@contextmanager
def local_prefect_server(home: Path, port: int = 4200, log_path: Path | None = None,
                         ui: bool = True, timeout_s: float = 120) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1:port (state under `home`); yield its API URL."""
    proc, api_url = start_prefect_server(home, port, log_path, ui)
    try:
        wait_healthy(api_url, timeout_s, proc)
        yield api_url
    finally:
        stop_process(proc)


def prefect_home() -> Path:
    """Where Prefect keeps its state: PREFECT_HOME, else Prefect's default ~/.prefect."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


class RunServer:
    """A Prefect server (no UI) for the length of one `congress-etl run`, state in PREFECT_HOME
    as Prefect's temporary server keeps it. Started at once and stopped when this process exits;
    `api()` waits for it, unless the active Prefect profile names a server, which is then used
    and this one stopped. A run killed outright takes its server with it (Linux: parent-death
    signal)."""

    def __init__(self, home: Path | None = None, timeout_s: float = 120) -> None:
        self.home = home or prefect_home()
        self.timeout_s = timeout_s
        self.proc, self.api_url = start_prefect_server(self.home, free_port(), run_only=True, die_with_parent=True)
        # Stopped at exit, as Prefect stops its temporary server: exit handlers run last-registered
        # first, so Prefect's own (registered during the run) send the run's last logs and events
        # before the server goes; stopped earlier, they retry against a closed port for a minute.
        atexit.register(self.stop)

    @classmethod
    def unless_configured(cls) -> "RunServer | None":
        """A started RunServer, or None when PREFECT_API_URL is in the environment."""
        return None if os.environ.get("PREFECT_API_URL") else cls()

    @contextmanager
    def api(self) -> Iterator[str | None]:
        """Use this server for Prefect calls inside the block (this process and the processes it
        starts); the profile's server instead when it names one (yields None then)."""
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

        if get_current_settings().api.url:
            self.stop()
            yield None
            return
        wait_healthy(self.api_url, self.timeout_s, self.proc, poll_s=0.1)
        os.environ["PREFECT_API_URL"] = self.api_url  # for worker processes (Dask) too
        try:
            with temporary_settings(updates={PREFECT_API_URL: self.api_url}):
                yield self.api_url
        finally:
            os.environ.pop("PREFECT_API_URL", None)

    def stop(self) -> None:
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen, timeout_s: float = 20) -> int:
    """Stop a child the way a service manager would: SIGTERM, wait, then SIGKILL. A child
    started in its own session (`start_new_session=True`) is stopped with everything it started
    (its whole process group), so nothing it spawned is left holding a port."""
    def send(sig: int) -> None:
        try:
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except (ProcessLookupError, PermissionError):
            pass

    if proc.poll() is None:
        send(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        return proc.wait()
