"""A pre-loaded runner of nightly flows for the crash tests (run as a subprocess).

Importing Prefect, GX and jieba costs ~15 s a process; the kill test needs dozens of runs.
This process pays it once, then forks one child per request: each child is a real process
running the real flow against the real Prefect server, and dies by a real SIGKILL.

Protocol, one JSON object a line. In: {"params": {nightly kwargs}, "env": {...},
"log": path, "kill_after": seconds|null}. Out: {"pid": n} when the child starts, then
{"pid": n, "signal": k|null, "code": c|null, "seconds": s} when it has ended.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback


def _child(request: dict) -> None:
    code = 1
    try:
        fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.environ.update(request.get("env") or {})
        from flows.nightly import nightly

        print(json.dumps(nightly(**request["params"]), default=str), flush=True)
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    # The expensive imports, before any thread exists (forking a threaded process is unsafe).
    import flows.nightly  # noqa: F401
    from expectations.rules import _gx
    from flows.nightly import init_worker
    from flows.settings import USER_DICT

    _gx()
    init_worker(str(USER_DICT))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), flush=True)
        kill_after = request.get("kill_after")
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if kill_after is not None and time.monotonic() - started >= kill_after:
                os.kill(pid, signal.SIGKILL)  # our own unreaped child: the pid cannot be reused yet
                kill_after = None
            time.sleep(0.005)
        print(json.dumps({"pid": pid, "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                          "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                          "seconds": round(time.monotonic() - started, 3)}), flush=True)


if __name__ == "__main__":
    main()
