"""Helpers for benchmarks: a throw-away database, timing, and a live server subprocess."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
ROBOFLOW_DESCRIBE = REPO_DIR.parent / "shared" / "data" / "roboflow-describe-1.8.3.json.gz"


def use_temporary_database() -> Path:
    """Point Django at a fresh SQLite file before it is set up; returns the file's path."""
    path = Path(tempfile.mkdtemp(prefix="blockwise-bench-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return path


_last_best: list[float] = [0.0]


def measure_ms(action: Callable[[], object], *, repeat: int = 50, warmup: int = 3) -> float:
    """Median wall time of `action` in milliseconds (the best run is kept for `report`).

    These machines are shared virtual machines: medians move by tens of percent between runs, so
    the best run is printed beside the median as the figure least disturbed by neighbours."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    _last_best[0] = min(samples)
    return statistics.median(samples)


def report(label: str, measured: float, unit: str, target: str, roboflow: str = "", *, timed: bool = True) -> None:
    best = f"(best {_last_best[0]:.2f})" if timed and unit == "ms" else ""
    line = f"{label:<44} {measured:>9.2f} {unit:<3} {best:<14} target {target:<8}"
    if roboflow:
        line += f" Roboflow 1.8.3: {roboflow}"
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    database: Path | str, *, processes: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], int, float]]:
    """Start gunicorn on the benchmark database (a SQLite file or a URL) with `processes` workers;
    yields the process, its port and seconds to first answer."""
    import urllib.request

    port = free_port()
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, **(env or {}), "DATABASE_URL": url}
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(processes),
            "--log-level",
            "warning",
        ],
        cwd=REPO_DIR,
        env=env,
    )
    try:
        deadline = start + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/workflows/execution_engine/versions", timeout=1):
                    break
            except OSError:
                if time.perf_counter() > deadline:
                    raise
                time.sleep(0.02)
        yield process, port, time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=10)


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total_kb = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024
