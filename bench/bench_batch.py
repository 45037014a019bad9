"""Batch jobs on Celery: 1,000 images through real workers over Redis.

Prints images per second with 1, 2 and 4 workers through the local demo ONNX model; through a
Roboflow-compatible server on 127.0.0.1 that answers instantly, in a process of its own, on
photo-sized JPEGs (640x480, about 300 kB: three rounds that take the worker counts in turn, and the
median speed-up from 1 to 2 workers); where the two workers' time goes while they share a job (on a
CPU, waiting for a CPU, waiting on the model server, Redis or the database), from the kernel's
scheduler figures (/proc/<pid>/schedstat) of every thread of each process; the queue overhead (a
job's throughput against the same photos sent as synchronous `/workflows/run` requests at the same
concurrency); and a worker's resident memory after 100 and after 1,000 images.

Run: .venv/bin/python -m bench.bench_batch [--images 1000] [--photos 300] [--redis redis://127.0.0.1:6379/2]
(needs Redis; SQLite in a temporary folder unless --database-url points at PostgreSQL).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import requests

from bench._support import live_server, resident_mb
from bench.bench_models import model_server
from bench.cpu_waits import between, children_running, sample
from tests.support.workers import redis_forget

COLOURS = ("red", "green", "blue")
REMOTE = "instant Roboflow-compatible server"
ROUNDS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def prepare(args: argparse.Namespace, base: Path) -> dict[str, str]:
    """Settings for this process and the workers, set before Django starts."""
    env = {
        "DATABASE_URL": args.database_url or f"sqlite:///{base / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": args.redis,
        "BLOCKWISE_CELERY_QUEUE": f"blockwise-bench-{os.getpid()}",
        "BLOCKWISE_MEDIA_ROOT": str(base / "media"),
        "BLOCKWISE_BATCH_ROOTS": str(base / "roots"),
        "BLOCKWISE_MODEL_RETRIES": "0",
        "ROBOFLOW_API_KEY": "bench-key",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    return env


def write_images(folder: Path, count: int) -> list[bytes]:
    from scripts.train_demo_model import draw_sample

    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    images = []
    for index in range(count):
        buffer = io.BytesIO()
        draw_sample(COLOURS[index % 3], rng).save(buffer, format="PNG")
        (folder / f"{index:05d}.png").write_bytes(buffer.getvalue())
        images.append(buffer.getvalue())
    return images


def write_photos(folder: Path, count: int) -> list[bytes]:
    from bench.bench_serving import jpeg_values

    folder.mkdir(parents=True)
    photos = [base64.b64decode(value["value"]) for value in jpeg_values(count, photo=True)]
    for index, data in enumerate(photos):
        (folder / f"{index:05d}.jpg").write_bytes(data)
    return photos


@contextmanager
def workers(count: int, env: dict[str, str], logs: Path, *, prefix: str = "") -> Iterator[list[Any]]:
    from tests.support.workers import WorkerPool

    pool = WorkerPool({**os.environ, **env}, logs, prefix=prefix)
    try:
        yield pool.start(count)
    finally:
        pool.stop_all()


def job_rate(workflow: Any, folder: Path, parameters: dict[str, Any]) -> float:
    """Images per second from starting the job to its last result (the time the worker wrote, so
    how often this loop looks does not matter; it looks rarely to leave the CPUs to the workers)."""
    from registry.models import FINISHED_JOB_STATUSES, Job
    from registry.services.jobs import job_create

    start = time.time()
    job = job_create(user=workflow.owner, workflow=workflow, folder=str(folder), parameters=parameters)
    while True:
        job = Job.objects.get(pk=job.pk)
        if job.status in FINISHED_JOB_STATUSES:
            break
        time.sleep(0.25)
    assert job.status == "succeeded", job.status
    assert job.finished_at is not None
    return job.total / (job.finished_at.timestamp() - start)


def alternating_rates(
    workflow: Any,
    folder: Path,
    warmup: Path,
    parameters: dict[str, Any],
    counts: list[int],
    env: dict[str, str],
    logs: Path,
) -> dict[int, list[float]]:
    """Images per second with each number of workers, in ROUNDS rounds that take the counts in turn.

    Every pool runs at once, each on a queue of its own (the idle ones wait on Redis without using
    the CPUs), so the counts are measured one right after the other: on a shared machine whose speed
    drifts between minutes, a round's figures are comparable with each other."""
    from config.celery import app as celery_app

    base_queue = env["BLOCKWISE_CELERY_QUEUE"]
    rates: dict[int, list[float]] = {count: [] for count in counts}
    with ExitStack() as pools:
        for count in counts:
            queue = f"{base_queue}-{count}"
            pools.enter_context(workers(count, {**env, "BLOCKWISE_CELERY_QUEUE": queue}, logs, prefix=f"p{count}-"))
            celery_app.conf.task_default_queue = queue
            for _ in range(count):
                job_rate(workflow, warmup, parameters)
        try:
            for _ in range(ROUNDS):
                for count in counts:
                    celery_app.conf.task_default_queue = f"{base_queue}-{count}"
                    rates[count].append(job_rate(workflow, folder, parameters))
        finally:
            celery_app.conf.task_default_queue = base_queue
            for count in counts:
                redis_forget(f"{base_queue}-{count}")
    return rates


def where_two_workers_wait(
    workflow: Any,
    folder: Path,
    warmup: Path,
    parameters: dict[str, Any],
    env: dict[str, str],
    logs: Path,
    one_worker_rate: float,
) -> None:
    """One job on two workers, with the kernel's accounting of each worker's time while it runs, the
    model server's CPU time and how busy the machine's CPUs were (every user's processes included);
    and the ceiling those CPUs put on the speed-up over `one_worker_rate`."""
    from config.celery import app as celery_app

    queue = f"{env['BLOCKWISE_CELERY_QUEUE']}-waits"
    model_servers = children_running("tests.support.roboflow_server")
    with workers(2, {**env, "BLOCKWISE_CELERY_QUEUE": queue}, logs, prefix="waits-") as pool:
        celery_app.conf.task_default_queue = queue
        try:
            job_rate(workflow, warmup, parameters)
            pids = [worker.process.pid for worker in pool]
            before = sample(pids + model_servers)
            rate = job_rate(workflow, folder, parameters)
            stretch = between(before, sample(pids + model_servers))
        finally:
            celery_app.conf.task_default_queue = env["BLOCKWISE_CELERY_QUEUE"]
            redis_forget(queue)
    line(f"where 2 workers' time goes, one job of {REMOTE}: images/s", rate, "img/s")
    for index, pid in enumerate(pids, 1):
        for label, seconds in (
            ("on a CPU", stretch.on_cpu[pid]),
            ("ready, waiting for a CPU", stretch.waiting_for_cpu[pid]),
            ("waiting on the model server, Redis or the database", stretch.blocked[pid]),
        ):
            line(f"  worker {index}: {label}, share of the job's time", seconds / stretch.wall, "x")
    for pid in model_servers:
        line("  model server process: CPU seconds per job second", stretch.process_cpu[pid] / stretch.wall, "x")
    cpus = os.cpu_count() or 1
    line(f"  the machine's {cpus} CPUs: busy share, every user's processes", stretch.machine_busy_share, "x")
    # Every image costs the machine this much CPU, whichever process spends it (workers, model
    # server, Redis, this process polling): the CPUs cannot answer more images per second than
    # their count over that cost, however many workers share them.
    images = rate * stretch.wall
    job_cpu_ms = sum(stretch.process_cpu[pid] for pid in pids + model_servers) / images * 1000
    machine_cpu_ms = stretch.machine_busy_share * cpus * stretch.wall / images * 1000
    line("  CPU per image, workers and model server", job_cpu_ms, "ms")
    line("  CPU per image, the whole machine", machine_cpu_ms, "ms")
    ceiling = cpus / (machine_cpu_ms / 1000)
    line(f"  ceiling of {cpus} CPUs at that cost: images/s", ceiling, "img/s")
    line("  ceiling of the speed-up 1 -> 2 workers (ceiling / 1 worker's rate)", ceiling / one_worker_rate, "x")
    waiting = statistics.mean(stretch.waiting_for_cpu[pid] / stretch.wall for pid in pids)
    blocked = statistics.mean(stretch.blocked[pid] / stretch.wall for pid in pids)
    if waiting >= blocked:
        print(
            "  limit: the workers wait longest for a CPU: with the model server, Redis, the database and the "
            f"other processes on these {cpus} CPUs, a second worker gets only the CPU time left over.",
            flush=True,
        )
    else:
        print(
            "  limit: the workers wait longest on the model server, Redis or the database, not for a CPU.",
            flush=True,
        )


def synchronous_rate(url: str, specification: dict[str, Any], images: list[bytes], concurrency: int) -> float:
    """The same images as `/workflows/run` requests, `concurrency` at a time."""
    bodies = [
        {
            "specification": specification,
            "api_key": "bench-key",
            "inputs": {"image": {"type": "base64", "value": base64.b64encode(image).decode()}, "model_id": "bench/1"},
        }
        for image in images
    ]
    sessions = [requests.Session() for _ in range(concurrency)]

    def send(index: int) -> int:
        return sessions[index % concurrency].post(f"{url}/workflows/run", json=bodies[index], timeout=60).status_code

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, range(min(20, len(bodies)))))
        start = time.perf_counter()
        statuses = list(pool.map(send, range(len(bodies))))
        seconds = time.perf_counter() - start
    assert set(statuses) == {200}, set(statuses)
    return len(bodies) / seconds


def line(label: str, value: float, unit: str, target: str = "") -> None:
    print(f"{label:<62} {value:>9.2f} {unit:<6} {('target ' + target) if target else ''}", flush=True)


def main() -> None:
    args = parse_args()
    counts = [int(value) for value in args.workers.split(",")]
    base = Path(tempfile.mkdtemp(prefix="blockwise-bench-batch-"))
    env = prepare(args, base)
    from io import StringIO

    from django.core.management import call_command

    from config.celery import app as celery_app
    from registry.management.commands.seed_demo import demo_specification
    from registry.services.workflows import workflow_create
    from tests.executor.conftest import classification_workflow
    from tests.registry.conftest import make_user

    celery_app.conf.update(broker_url=args.redis, task_default_queue=env["BLOCKWISE_CELERY_QUEUE"])
    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    owner = make_user(f"bench-{os.getpid()}")  # a user of its own: --database-url may hold earlier runs
    demo = workflow_create(owner=owner, name="demo", specification=demo_specification())
    remote_spec = classification_workflow()
    remote = workflow_create(owner=owner, name="remote", specification=remote_spec)
    folder = base / "roots" / "images"
    images = write_images(folder, args.images)
    warmup = base / "roots" / "warmup"
    write_images(warmup, 100)
    photo_folder = base / "roots" / "photos"
    photos = write_photos(photo_folder, args.photos)
    logs = base / "logs"
    logs.mkdir()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.images} PNG images ({sum(map(len, images)) // len(images)} bytes each), chunks of "
        f"{os.environ.get('BLOCKWISE_BATCH_CHUNK_SIZE', '10')}, Redis broker, {database}, "
        f"{os.cpu_count()} CPUs; each worker is one `celery worker --pool=solo` process; the remote model "
        f"runs on {args.photos} photo-sized JPEGs ({sum(map(len, photos)) // len(photos) // 1024} kB each)"
    )

    with model_server(0.0) as model_url:
        env |= {"ROBOFLOW_API_URL": model_url}
        job_rates: dict[tuple[str, int], float] = {}
        for count in counts:
            with workers(count, env, logs):
                job_rate(demo, warmup, {})
                job_rates[("demo ONNX model", count)] = job_rate(demo, folder, {})
            line(f"job, demo ONNX model, {count} worker(s): images/s", job_rates[("demo ONNX model", count)], "img/s")
        remote_parameters = {"model_id": "bench/1"}
        rounds = alternating_rates(remote, photo_folder, warmup, remote_parameters, counts, env, logs)
        for count in counts:
            job_rates[(REMOTE, count)] = statistics.median(rounds[count])
            line(f"job, {REMOTE}, {count} worker(s): images/s, median", job_rates[(REMOTE, count)], "img/s")
            print("  rounds: " + ", ".join(f"{rate:.0f}" for rate in rounds[count]), flush=True)
        if 1 in counts and 2 in counts:
            speedups = [two / one for one, two in zip(rounds[1], rounds[2], strict=True)]
            for index, speedup in enumerate(speedups, 1):
                line(f"job, {REMOTE}: speed-up 1 -> 2 workers, round {index}", speedup, "x")
            line(f"job, {REMOTE}: speed-up 1 -> 2 workers, median", statistics.median(speedups), "x", ">= 1.7")
            where_two_workers_wait(remote, photo_folder, warmup, remote_parameters, env, logs, job_rates[(REMOTE, 1)])

        # One anonymous client sends every request: without this the anonymous rate limit answers most.
        unlimited = {**env, "BLOCKWISE_THROTTLE_ANONYMOUS_RUN": ""}
        for count in [count for count in counts if count <= 2]:
            with live_server(env["DATABASE_URL"], processes=count, env=unlimited) as (_, port, _):
                sync = synchronous_rate(f"http://127.0.0.1:{port}", remote_spec, photos, count)
            ratio = job_rates[(REMOTE, count)] / sync
            line(f"synchronous /workflows/run, concurrency {count}: images/s", sync, "img/s")
            line(f"queue overhead: job / synchronous at concurrency {count}", ratio, "x", ">= 0.8")

        with workers(1, env, logs) as [worker]:
            assert worker.process is not None
            job_rate(demo, warmup, {})
            after_100 = resident_mb(worker.process.pid)
            job_rate(demo, folder, {})
            after_1100 = resident_mb(worker.process.pid)
            job_rate(demo, folder, {})
            after_2100 = resident_mb(worker.process.pid)
        line("worker memory after 100 images (demo model)", after_100, "MB")
        line(f"worker memory after {100 + args.images} images", after_1100, "MB")
        line(f"worker memory after {100 + 2 * args.images} images", after_2100, "MB")
        line(
            f"growth per image over the last {args.images} images",
            (after_2100 - after_1100) * 1024 / args.images,
            "kB",
            "~0 (flat)",
        )
    redis_forget(env["BLOCKWISE_CELERY_QUEUE"])


if __name__ == "__main__":
    main()
