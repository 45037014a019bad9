"""How the production server is started: granian serving `config.wsgi`, from the environment.

granian (an HTTP server written in Rust) runs the WSGI application on a pool of Python threads
in each worker process, through config/body_buffer.py: granian's event loop reads each request body
whole (within `BLOCKWISE_BODY_CHUNK_TIMEOUT_S` per chunk, `BLOCKWISE_BODY_TIMEOUT_S` in all) before a
thread takes the request, so slow clients hold no threads. granian replaced gunicorn's threaded
workers by measurement: a keep-alive POST to an empty WSGI app cost about 0.3 ms through granian
against 0.47 ms through gunicorn (bench_serving prints both floors), much of what a cached
validation costs.

`HOST` (default 127.0.0.1) and `PORT` (default 8000) choose the address; `WEB_CONCURRENCY` the
number of processes (CPUs + 1, at most 4); `WEB_THREADS` the threads per process (8): requests
wait mostly on the database and on model servers. One access-log line per request, with its request
id, is written by config/body_buffer.py in the project's log format (`ACCESS_LOG=""` turns it off,
for benchmarks); the path is logged without its query string, since Roboflow's routes accept
`?api_key=`. SIGTERM lets the requests in flight finish (up to
`SHUTDOWN_TIMEOUT_S`) and exits.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

SHUTDOWN_TIMEOUT_S = 30
METRICS_FOLDER_PREFIX = "blockwise-metrics-"


def default_workers() -> int:
    return min(4, (os.cpu_count() or 1) + 1)


def server_command(
    address: str | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    app: str = "config.wsgi:application",
) -> list[str]:
    """The command line of the server, for `make serve`, the benchmarks and the tests alike."""
    host, _, port = (address or f"{environ.get('HOST', '127.0.0.1')}:{environ.get('PORT', '8000')}").rpartition(":")
    threads = environ.get("WEB_THREADS") or "8"
    return [
        sys.executable,
        "-m",
        "config.server",
        f"--app={app}",
        f"--threads={threads}",
        f"--access-log={1 if environ.get('ACCESS_LOG', '-') else 0}",
        "--",
        "--interface",
        "rsgi",
        "--factory",
        "--host",
        host.strip("[]"),
        "--port",
        port,
        "--workers",
        environ.get("WEB_CONCURRENCY") or str(default_workers()),
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        str(SHUTDOWN_TIMEOUT_S),
        "--log-level",
        "info",
    ]


def metrics_folder() -> Path:
    """A new folder for the metrics of one server's processes (prometheus-client's multiprocess
    mode), named after this process; folders of servers that have exited are removed."""
    for old in Path(tempfile.gettempdir()).glob(f"{METRICS_FOLDER_PREFIX}*"):
        pid = old.name.removeprefix(METRICS_FOLDER_PREFIX)
        if pid.isascii() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.gettempdir()) / f"{METRICS_FOLDER_PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    return folder


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> None:
    """`python -m config.server --app=... --threads=N --access-log=1 -- <granian options>`: granian in this process's
    place, serving config.body_buffer with the WSGI app and threads given. Its processes record their
    metrics in `PROMETHEUS_MULTIPROC_DIR`, a new folder unless one is given (scripts/serve.py gives
    the one the job worker beside it shares)."""
    split = argv.index("--")
    ours, granian = argv[:split], argv[split + 1 :]
    options = dict(option.removeprefix("--").split("=", 1) for option in ours)
    os.environ["BLOCKWISE_WSGI_APP"] = options["app"]
    os.environ["WEB_THREADS"] = options["threads"]
    os.environ["BLOCKWISE_ACCESS_LOG"] = options["access-log"]
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_folder())
    os.execv(sys.executable, [sys.executable, "-m", "granian", *granian, "config.body_buffer:build"])


if __name__ == "__main__":
    main(sys.argv[1:])
