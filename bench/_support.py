"""Helpers for benchmarks: a throw-away database, timing, and a live server subprocess."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server_process import free_port, stop_process, wait_until_answering

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


def measure_ms(
    action: Callable[[], object], *, repeat: int = 50, warmup: int = 3, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Median wall time of `action` in milliseconds (the best run is kept for `report`).

    These machines are shared virtual machines: medians move by tens of percent between runs, so
    the best run is printed beside the median as the figure least disturbed by neighbours."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = clock()
        action()
        samples.append((clock() - start) * 1000)
    _last_best[0] = min(samples)
    return statistics.median(samples)


def last_best() -> float:
    """The best run of the last `measure_ms`, in milliseconds."""
    return _last_best[0]


def report(label: str, measured: float, unit: str, target: str, *, timed: bool = True) -> None:
    """One figure measured in this run. Comparisons (Roboflow, a bare client) are figures of their own,
    measured in the same run; nothing here prints a number it did not measure."""
    best = f"(best {_last_best[0]:.2f})" if timed and unit == "ms" else ""
    print(f"{label:<52} {measured:>9.2f} {unit:<3} {best:<14} target {target}", flush=True)


@contextmanager
def live_server(
    database: Path | str,
    *,
    processes: int = 1,
    env: dict[str, str] | None = None,
    app: str = "config.wsgi:application",
    command: Callable[[dict[str, str]], list[str]] | None = None,
    **settings_env: str,
) -> Iterator[tuple[subprocess.Popen[bytes], int, float]]:
    """Start the server as `make serve` does (config/server.py) with `processes` workers on the
    benchmark database (a SQLite file or a URL); yields the process, its port and seconds to first answer.
    `env` and keyword arguments add settings (e.g. model URLs); `command`, given the environment,
    replaces the server's command line (another server, to compare)."""
    from config.server import server_command

    port = free_port()
    settings = {
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(processes),
        "ACCESS_LOG": "",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 30),
    }
    environ = {**os.environ, **settings, **(env or {}), **settings_env}
    start = time.perf_counter()
    argv = command(environ) if command else server_command(environ=environ, app=app)
    # The server's own lines (start, stop) would mix with the figures.
    process = subprocess.Popen(
        argv, cwd=REPO_DIR, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", process, timeout_s=60, poll_s=0.02)
        yield process, port, time.perf_counter() - start
    finally:
        stop_process(process, timeout_s=30)


def peak_mb(pid: int) -> float:
    """The largest peak resident memory (VmHWM) among a server's worker processes, in MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else [pid]
    peaks = []
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


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


def paired_ms(
    first: Callable[[], None],
    second: Callable[[], None],
    *,
    repeat: int,
    settle: Callable[[], None] = lambda: None,
) -> tuple[float, float]:
    """Median milliseconds of two actions timed in turn, one after the other in each round, so a
    neighbour's load on this shared machine weighs on both alike. `settle`, untimed after each `first`,
    waits for what it left running (our run's record is saved after its answer is sent: left running,
    it would weigh on the `second` action timed next)."""
    first()
    settle()
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for action, times in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
            if action is first:
                settle()
    return statistics.median(samples[0]), statistics.median(samples[1])


def records_saved() -> Callable[[], None]:
    """Waits until the server has saved each run's record (it does so once the answer is sent)."""
    from registry.models import Run

    seen = [Run.objects.count()]

    def settle() -> None:
        deadline = time.monotonic() + 5
        while Run.objects.count() <= seen[0] and time.monotonic() < deadline:
            time.sleep(0.001)
        seen[0] = Run.objects.count()

    return settle
