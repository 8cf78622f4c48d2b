"""A real Prefect server on loopback, for schedules when no PREFECT_API_URL is configured.

Prefect's temporary per-process server cannot run schedules, so `congress-etl serve`
starts `prefect server start` itself and talks to it like any other Prefect API.
"""

from __future__ import annotations

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


def wait_healthy(api_url: str, timeout_s: float, proc: subprocess.Popen | None = None) -> None:
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
        time.sleep(0.5)
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


@contextmanager
def local_prefect_server(home: Path, port: int = 4200, log_path: Path | None = None,
                         ui: bool = True, timeout_s: float = 120) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1:port (state under `home`); yield its API URL."""
    home.mkdir(parents=True, exist_ok=True)
    log_path = log_path or home / "server.log"
    env = server_env(home)
    env["PREFECT_UI_ENABLED"] = "true" if ui else "false"
    prefect_cli = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect_cli), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    api_url = f"http://127.0.0.1:{port}/api"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(api_url, timeout_s, proc)
        yield api_url
    finally:
        stop_process(proc)


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
