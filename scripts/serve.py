"""`make run` and `make serve`: the production server (config/server.py), and beside it a Celery worker when
no broker is configured.

With no `CELERY_BROKER_URL`, jobs go over kombu's filesystem transport (a folder under var/), so one
machine runs jobs with nothing else installed; the worker is the same `celery -A config worker` that
`make worker` starts against Redis. The worker is started again whenever it dies (what it held comes
back through the job sweep), and the server's `/healthz` reports whether it is alive. Both processes
stop together.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

from config.server import SHUTDOWN_TIMEOUT_S, metrics_folder, server_command

WORKER_COMMAND = [
    sys.executable,
    "-m",
    "celery",
    "-A",
    "config",
    "worker",
    "--pool=solo",
    "-l",
    "warning",
    "-n",
    "embedded@%h",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]
POLL_S = 0.5
# A worker that dies sooner than this after its start is started again after a growing pause.
STABLE_S = 30.0
MAX_RESTART_DELAY_S = 30.0


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        # Longer than the server's own shutdown timeout, so it stops its workers before it exits.
        process.wait(timeout=SHUTDOWN_TIMEOUT_S + 10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class EmbeddedWorker:
    """The worker beside the server, started again (after a pause that grows while it keeps dying
    young) whenever it exits."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.delay = 1.0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(WORKER_COMMAND)
        self.started = time.monotonic()
        self.restart_at = None

    def watch(self) -> None:
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
            return
        if self.process is None or self.process.poll() is None:
            return
        lived = now - self.started
        self.delay = 1.0 if lived >= STABLE_S else min(self.delay * 2, MAX_RESTART_DELAY_S)
        print(
            f"Jobs: the worker exited ({self.process.returncode}) after {lived:.0f} s; "
            f"starting it again in {self.delay:.0f} s.",
            flush=True,
        )
        self.restart_at = now + self.delay

    def stop(self) -> None:
        _stop(self.process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default_address = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    parser.add_argument("--address", default=default_address)
    args = parser.parse_args()
    worker: EmbeddedWorker | None = None
    server: subprocess.Popen[bytes] | None = None

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    # One metrics folder for the server's processes and the job worker beside it (executor/metrics.py).
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_folder()))
    server_env = dict(os.environ)
    try:
        if os.environ.get("CELERY_BROKER_URL"):
            print("Jobs: CELERY_BROKER_URL is set; start workers with `make worker`.", flush=True)
        else:
            print("Jobs: a Celery worker runs beside the web server (filesystem transport, var/celery).", flush=True)
            worker = EmbeddedWorker()
            worker.start()
            server_env["BLOCKWISE_HEALTH_WORKERS"] = "1"
        server = subprocess.Popen(server_command(args.address), env=server_env)
        while (code := server.poll()) is None:
            if worker is not None:
                worker.watch()
            time.sleep(POLL_S)
        return code
    except KeyboardInterrupt:
        return 130
    finally:
        _stop(server)
        if worker is not None:
            worker.stop()


if __name__ == "__main__":
    sys.exit(main())
