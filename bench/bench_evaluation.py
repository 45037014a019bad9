"""Evaluations against plain batch jobs: 1,000 labelled images through one Celery worker over Redis.

Both run the demo workflow (local ONNX model) over the same stored images of one dataset: a plain
job (`job_create` on the dataset's files) and an evaluation (the same job, then the metrics computed
from the stored results and kept with the evaluation). Each is timed from its start to the moment
its answer is complete: the job's last result for the job, the metrics stored for the evaluation.
Rounds alternate the two, so a shared machine's drift touches both alike; the medians and the
overhead (evaluation / job - 1, target at most 10 %) are printed, with the metrics step alone.

Run: .venv/bin/python -m bench.bench_evaluation [--images 1000] [--rounds 3] [--redis redis://127.0.0.1:6379/2]
(needs Redis; SQLite in a temporary folder unless --database-url points at PostgreSQL).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_batch import line, prepare, workers
from tests.support.workers import redis_forget


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def _wait(job_id: int) -> Any:
    from registry.models import FINISHED_JOB_STATUSES, Job

    while True:
        job = Job.objects.get(pk=job_id)
        if job.status in FINISHED_JOB_STATUSES:
            assert job.status == "succeeded", job.status
            return job
        time.sleep(0.25)


def job_seconds(workflow: Any, dataset: Any) -> float:
    """From start to the job's last result (the worker's clock: how often this loop looks does not matter)."""
    from registry.services.evaluations import dataset_sources
    from registry.services.jobs import job_create

    start = time.time()
    job = job_create(user=workflow.owner, workflow=workflow, stored=dataset_sources(dataset))
    finished = _wait(job.pk)
    return float(finished.finished_at.timestamp() - start)


def evaluation_seconds(workflow: Any, dataset: Any) -> tuple[float, float]:
    """From start to the metrics stored: the job's time plus the metrics step; and that step alone."""
    from registry.services.evaluations import evaluation_create, evaluation_settle

    start = time.time()
    evaluation = evaluation_create(user=workflow.owner, workflow=workflow, dataset=dataset, output="predictions")
    finished = _wait(evaluation.job_id)
    settle_start = time.perf_counter()
    settled = evaluation_settle(evaluation=evaluation)
    settle = time.perf_counter() - settle_start
    assert settled.metrics is not None and settled.metrics["images"] == dataset.total
    return float(finished.finished_at.timestamp() - start) + settle, settle


def main() -> None:
    args = parse_args()
    base = Path(tempfile.mkdtemp(prefix="blockwise-bench-evaluation-"))
    env = prepare(args, base)
    from django.core.management import call_command

    from config.celery import app as celery_app
    from registry.management.commands.make_demo_dataset import demo_dataset_zip
    from registry.management.commands.seed_demo import demo_specification
    from registry.services.datasets import dataset_create
    from registry.services.workflows import workflow_create
    from scripts.train_demo_model import CLASSES
    from tests.registry.conftest import make_user

    celery_app.conf.update(broker_url=args.redis, task_default_queue=env["BLOCKWISE_CELERY_QUEUE"])
    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    owner = make_user(f"bench-evaluation-{time.time_ns()}")
    workflow = workflow_create(owner=owner, name="demo", specification=demo_specification())
    per_class = -(-args.images // len(CLASSES))
    dataset = dataset_create(owner=owner, name="bench", images=io.BytesIO(demo_dataset_zip(per_class=per_class)))
    warmup = dataset_create(owner=owner, name="warmup", images=io.BytesIO(demo_dataset_zip(per_class=10, seed=1)))
    logs = base / "logs"
    logs.mkdir()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{dataset.total} labelled images, one `celery worker --pool=solo`, Redis broker, {database}")

    jobs: list[float] = []
    evaluations: list[float] = []
    settles: list[float] = []
    with workers(1, env, logs):
        job_seconds(workflow, warmup)
        evaluation_seconds(workflow, warmup)
        for _ in range(args.rounds):
            jobs.append(job_seconds(workflow, dataset))
            seconds, settle = evaluation_seconds(workflow, dataset)
            evaluations.append(seconds)
            settles.append(settle)
    redis_forget(env["BLOCKWISE_CELERY_QUEUE"])

    job, evaluation = statistics.median(jobs), statistics.median(evaluations)
    line("plain batch job: seconds, median", job, "s")
    print("  rounds: " + ", ".join(f"{value:.2f}" for value in jobs))
    line("evaluation (job + metrics stored): seconds, median", evaluation, "s")
    print("  rounds: " + ", ".join(f"{value:.2f}" for value in evaluations))
    line("metrics step alone (read results, compute, store): seconds, median", statistics.median(settles), "s")
    line("plain batch job: images/s", dataset.total / job, "img/s")
    line("evaluation: images/s", dataset.total / evaluation, "img/s")
    line("evaluation overhead over the plain job (medians)", 100 * (evaluation / job - 1), "%", "<= 10")
    paired = statistics.median(e / j for j, e in zip(jobs, evaluations, strict=True))
    line("evaluation overhead over the plain job (median of the rounds' pairs)", 100 * (paired - 1), "%", "<= 10")
    # The rounds' spread on a shared machine can exceed the difference; the metrics step is measured alone.
    line("metrics step as a share of the plain job", 100 * statistics.median(settles) / job, "%", "<= 10")


if __name__ == "__main__":
    main()
