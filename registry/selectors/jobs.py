"""Reads of batch jobs: progress (counts, rate, ETA), the summary, and the result exports.

Counts are computed from the results table, never kept as counters, so a chunk delivered twice
cannot count an image twice. Exports stream one line per item in item order, answered or not.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from blocks.errors import ErrorCode, NotFoundError
from registry.models import Job, JobItem, JobItemStatus, JobResult, WorkerHeartbeat
from registry.selectors import shapes

CSV_COLUMNS = ("source", "status", "top_class", "confidence", "error")


def job_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(user_id=user.pk).select_related("workflow", "revision")


def job_get(*, user: AbstractBaseUser | AnonymousUser, job_id: int) -> Job:
    """A job of the caller's; anyone else's is a 404."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.user_id != user.pk:
        raise NotFoundError(f"Job {job_id} does not exist.", code=ErrorCode.NOT_FOUND)
    return job


def job_workers_alive() -> int:
    """How many job workers swept lately (each sweeps every BLOCKWISE_JOB_SWEEP_INTERVAL_S)."""
    stale = max(3 * settings.BLOCKWISE_JOB_SWEEP_INTERVAL_S, 15.0)
    return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timedelta(seconds=stale)).count()


def job_counts(job: Job) -> dict[str, int]:
    counts = JobResult.objects.filter(job_id=job.pk).aggregate(
        answered=Count("pk"),
        failed=Count("pk", filter=Q(status=JobItemStatus.FAILED)),
        cancelled=Count("pk", filter=Q(status=JobItemStatus.CANCELLED)),
    )
    return {
        "done": counts["answered"] - counts["cancelled"],
        "failed": counts["failed"],
        "cancelled": counts["cancelled"],
    }


def job_detail(job: Job) -> dict[str, Any]:
    """The job as the API shows it: `done` counts every processed image, `failed` those that failed."""
    counts = job_counts(job)
    rate: float | None = None
    eta: float | None = None
    if job.started_at is not None:
        elapsed = ((job.finished_at or timezone.now()) - job.started_at).total_seconds()
        rate = round(counts["done"] / elapsed, 3) if elapsed > 0 else None
        remaining = job.total - counts["done"] - counts["cancelled"]
        if job.finished_at is None and rate:
            eta = round(remaining / rate, 1)
        elif job.finished_at is not None:
            eta = 0.0
    detail = shapes.Job(
        id=job.pk,
        workflow=job.workflow_id,
        revision=job.revision.number,
        source=job.source,
        status=job.status,
        total=job.total,
        **counts,
        skipped=job.skipped,
        skipped_count=job.skipped_count,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        rate=rate,
        eta_seconds=eta,
        parameters=job.parameters,
        webhook=bool(job.webhook),
        webhook_result=job.webhook_result,
    )
    return detail.model_dump(mode="json")


def job_summary(job: Job) -> dict[str, Any]:
    """Counts per top class of the succeeded images, and failures per error code."""
    results = JobResult.objects.filter(job_id=job.pk)
    classes = Counter(
        dict(
            results.filter(status=JobItemStatus.SUCCEEDED)
            .exclude(top_class="")
            .values_list("top_class")
            .annotate(count=Count("pk"))
            .values_list("top_class", "count")
        )
    )
    errors: Counter[str] = Counter()
    for error in results.filter(status=JobItemStatus.FAILED).values_list("error", flat=True).iterator():
        errors[(error or {}).get("code", "unknown")] += 1
    summary = shapes.JobSummary(classes=dict(sorted(classes.items())), errors=dict(sorted(errors.items())))
    return summary.model_dump(mode="json")


def _rows(job: Job) -> Iterator[tuple[JobItem, JobResult | None]]:
    items = JobItem.objects.filter(job_id=job.pk).select_related("result").order_by("index")
    for item in items.iterator(chunk_size=500):
        try:
            yield item, item.result
        except JobResult.DoesNotExist:
            yield item, None


def job_output_names(job: Job) -> list[str]:
    """The names of the workflow's outputs, in the order its definition gives them."""
    outputs = (job.revision.definition or {}).get("outputs") or []
    return [str(output["name"]) for output in outputs if isinstance(output, dict) and "name" in output]


def job_results_jsonl(job: Job) -> Iterator[str]:
    for item, result in _rows(job):
        line = {
            "source": item.name,
            "status": result.status if result else "pending",
            "top_class": result.top_class if result else "",
            "confidence": result.confidence if result else None,
            "outputs": result.outputs if result else None,
            "error": result.error if result else None,
        }
        yield json.dumps(line, separators=(",", ":")) + "\n"


# A cell a spreadsheet would read as a formula (OWASP's list): written with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A value as one CSV cell: text as is, anything else as compact JSON; never a formula."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, separators=(",", ":"))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def job_results_csv(job: Job) -> Iterator[str]:
    """One row per image: its source, status, top class, confidence and error code, then every
    workflow output (text as is, other values as JSON)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = job_output_names(job)

    def line(values: tuple[Any, ...]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(value) for value in values])
        return buffer.getvalue()

    yield line((*CSV_COLUMNS, *names))
    for item, result in _rows(job):
        if result is None:
            yield line((item.name, "pending", "", "", "", *[""] * len(names)))
            continue
        confidence = "" if result.confidence is None else f"{result.confidence:.6g}"
        error = (result.error or {}).get("code", "")
        outputs = result.outputs or {}
        yield line((item.name, result.status, result.top_class, confidence, error, *[outputs.get(n) for n in names]))
