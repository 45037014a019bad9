"""Where processes spend a stretch of wall time, from the kernel's own accounting (Linux /proc).

A thread's `schedstat` holds the time it ran on a CPU and the time it was ready to run but waited
for a CPU; the rest of the wall time it was blocked (sockets, locks, the disk). `/proc/stat` gives how
busy the machine's CPUs were, whoever used them.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    at: float
    threads: dict[int, tuple[float, float]]  # pid -> (seconds on a CPU, seconds waiting for one), its main thread
    cpu_seconds: dict[int, float]  # pid -> user + system seconds of all its threads, ended ones included
    machine_busy: float  # seconds all CPUs were busy since boot
    machine_total: float


def _main_thread(pid: int) -> tuple[float, float]:
    on_cpu, waiting, _ = (int(field) for field in Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split())
    return on_cpu / 1e9, waiting / 1e9


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _machine() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


def sample(pids: list[int]) -> Sample:
    busy, total = _machine()
    return Sample(
        time.monotonic(),
        {pid: _main_thread(pid) for pid in pids},
        {pid: _process_cpu(pid) for pid in pids},
        busy,
        total,
    )


@dataclass(frozen=True)
class Stretch:
    wall: float
    on_cpu: dict[int, float]
    waiting_for_cpu: dict[int, float]
    blocked: dict[int, float]
    process_cpu: dict[int, float]
    machine_busy_share: float  # of all the machine's CPUs over the stretch


def between(before: Sample, after: Sample) -> Stretch:
    wall = after.at - before.at
    on_cpu = {pid: after.threads[pid][0] - before.threads[pid][0] for pid in before.threads}
    waiting = {pid: after.threads[pid][1] - before.threads[pid][1] for pid in before.threads}
    return Stretch(
        wall=wall,
        on_cpu=on_cpu,
        waiting_for_cpu=waiting,
        blocked={pid: max(wall - on_cpu[pid] - waiting[pid], 0.0) for pid in on_cpu},
        process_cpu={pid: after.cpu_seconds[pid] - before.cpu_seconds[pid] for pid in before.cpu_seconds},
        machine_busy_share=(after.machine_busy - before.machine_busy)
        / max(after.machine_total - before.machine_total, 1e-9),
    )


def children_running(module: str) -> list[int]:
    """Process ids of this process's children whose command line names `module`."""
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if module in Path(f"/proc/{child}/cmdline").read_text():
                    pids.append(int(child))
            except OSError:
                continue
    return pids
