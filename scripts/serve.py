"""`make run` and `make serve`: the production server (config/server.py), and beside it a Celery worker when
no broker is configured.

With no `CELERY_BROKER_URL`, jobs travel over kombu's filesystem transport (a folder under var/),
so one machine runs jobs with nothing else installed; the worker is the same `celery -A config
worker` that `make worker` starts against Redis. Both processes stop together.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from types import FrameType

from config.server import SHUTDOWN_TIMEOUT_S, metrics_folder, server_command


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default_address = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    parser.add_argument("--address", default=default_address)
    args = parser.parse_args()
    worker: subprocess.Popen[bytes] | None = None
    server: subprocess.Popen[bytes] | None = None

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    # One metrics folder for the server's processes and the job worker beside it (executor/metrics.py).
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_folder()))
    try:
        if os.environ.get("CELERY_BROKER_URL"):
            print("Jobs: CELERY_BROKER_URL is set; start workers with `make worker`.", flush=True)
        else:
            print("Jobs: a Celery worker runs beside the web server (filesystem transport, var/celery).", flush=True)
            worker = subprocess.Popen(
                [
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
            )
        server = subprocess.Popen(server_command(args.address))
        return server.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        _stop(server)
        _stop(worker)


if __name__ == "__main__":
    sys.exit(main())
