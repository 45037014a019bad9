"""Batch jobs: start, run a chunk, finish, cancel, retry.

Job state lives in the database; the work travels as Celery tasks (`registry.tasks`) that call the
functions here. A chunk may be delivered more than once (a lost worker's chunk comes back): items
that already have a result are skipped, and every delivery counts in the items' `attempts`.
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from blocks.errors import ConflictError, DomainError, ErrorCode
from config.celery import app as celery_app
from executor.engine import RunContext
from executor.plan import ExecutionPlan
from registry.execution import run_context, run_deadline
from registry.models import (
    FINISHED_JOB_STATUSES,
    Job,
    JobItem,
    JobItemStatus,
    JobResult,
    JobSource,
    JobStatus,
    Workflow,
    WorkflowRevision,
)
from registry.selectors.workflows import workflow_compile
from registry.services.job_inputs import (
    ItemSource,
    files_store,
    folder_sources,
    url_sources,
    webhook_check,
    zip_extract,
    zip_open,
)
from registry.services.job_items import ItemOutcome, job_item_run, job_results_write

logger = logging.getLogger(__name__)

IMAGE_INPUT_TYPES = frozenset({"WorkflowImage"})
# How often a worker writes the answers it has and looks for a cancel.
FLUSH_INTERVAL_S = 0.5
CHUNK_TASK = "registry.tasks.job_chunk_task"
WEBHOOK_TASK = "registry.tasks.job_webhook_task"


def _plan(revision: WorkflowRevision, user: User) -> ExecutionPlan:
    compiled = workflow_compile(revision.definition, user=user, workflow=revision.workflow, pins=revision.lockfile)
    if not compiled.valid or compiled.plan is None:
        raise DomainError(
            "The workflow's current revision is not valid.",
            code="invalid_workflow",
            details=[issue.as_dict() for issue in compiled.errors],
        )
    return compiled.plan


def _image_input(plan: ExecutionPlan) -> str:
    for item in plan.inputs:
        if item.type in IMAGE_INPUT_TYPES:
            return item.name
    raise DomainError("The workflow has no image input to give the job's images to.", code="no_image_input")


def _check_parameters(parameters: dict[str, Any], plan: ExecutionPlan, image_input: str) -> None:
    """Every parameter names an input of the workflow other than the image input."""
    names = {item.name for item in plan.inputs} - {image_input}
    wrong = sorted(set(parameters) - names)
    if wrong:
        raise DomainError(
            "Parameters must name inputs of the workflow other than the image input, which each image fills.",
            code="unknown_parameter",
            details=[{"path": f"/parameters/{name}", "code": "unknown_parameter", "message": name} for name in wrong],
        )


def job_create(
    *,
    user: User,
    workflow: Workflow,
    parameters: dict[str, Any] | None = None,
    webhook: str = "",
    zip_upload: IO[bytes] | None = None,
    urls: list[str] | None = None,
    folder: str | None = None,
    files: list[Path] | None = None,
) -> Job:
    """Start a job on the workflow's current revision over exactly one of the sources."""
    revision = workflow.revisions.filter(number=workflow.revision).first()
    if revision is None:
        raise DomainError("The workflow has no saved revision.", code="invalid_workflow")
    plan = _plan(revision, user)
    if plan.lockfile() != revision.lockfile:
        raise ConflictError(
            "The blocks this revision was saved with have changed; save the workflow again.",
            code="lockfile_mismatch",
        )
    image_input = _image_input(plan)
    parameters = parameters or {}
    _check_parameters(parameters, plan, image_input)
    if webhook:
        webhook_check(webhook)
    archive: zipfile.ZipFile | None = None
    sources: list[ItemSource] = []
    if zip_upload is not None:
        source, archive = JobSource.ZIP, zip_open(zip_upload)
    elif urls is not None:
        source, sources = JobSource.URLS, url_sources(urls)
    elif folder is not None:
        source, sources = JobSource.FOLDER, folder_sources(folder)
    elif files is not None:
        source = JobSource.FILES
    else:
        raise DomainError("Give the job's images: a zip, URLs, a folder or files.", code="no_images")
    with transaction.atomic():
        job = Job.objects.create(
            user=user,
            workflow=workflow,
            revision=revision,
            lockfile=revision.lockfile,
            image_input=image_input,
            source=source,
            parameters=parameters,
            webhook=webhook,
        )
        prefix = f"jobs/{job.pk}/inputs"
        if archive is not None:
            sources = zip_extract(archive, prefix=prefix)
        elif files is not None:
            sources = files_store(files, prefix=prefix)
        items = JobItem.objects.bulk_create(
            JobItem(job=job, index=index, name=item.name, location=item.location) for index, item in enumerate(sources)
        )
        job.total = len(items)
        job.save(update_fields=["total"])
        transaction.on_commit(_enqueue_after(job.pk))
    return job


def _enqueue_after(job_id: int) -> Callable[[], None]:
    """Send the chunks once the job is committed; if the broker cannot take them, the unsent images
    fail with `queue_unavailable` (a retry sends them again) and the request answers 503."""

    def enqueue() -> None:
        try:
            job_enqueue(job_id=job_id)
        except (KombuOperationalError, OSError) as exc:
            logger.warning("The job queue refused job %s: %s", job_id, exc)
            _fail_unanswered(job_id)
            raise DomainError(
                "The job queue is unavailable; the job is recorded as failed and can be retried.",
                code=ErrorCode.QUEUE_UNAVAILABLE,
                extra={"job": job_id},
            ) from exc

    return enqueue


def _fail_unanswered(job_id: int) -> None:
    error = {"code": "queue_unavailable", "message": "The job queue was unavailable.", "step": None}
    outcome = ItemOutcome(status=JobItemStatus.FAILED, error=error)
    pending = JobItem.objects.filter(job_id=job_id, result__isnull=True)
    job_results_write(answers=[(item, outcome) for item in pending])
    job_finish_if_done(job_id=job_id)


def job_enqueue(*, job_id: int) -> int:
    """Send the job's unanswered items as chunk tasks; returns how many chunks were sent."""
    pending = list(
        JobItem.objects.filter(job_id=job_id, result__isnull=True).order_by("index").values_list("pk", flat=True)
    )
    size = max(1, settings.BLOCKWISE_BATCH_CHUNK_SIZE)
    chunks = [pending[start : start + size] for start in range(0, len(pending), size)]
    for chunk in chunks:
        celery_app.send_task(CHUNK_TASK, args=(job_id, chunk))
    return len(chunks)


def _cancelled(job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, status=JobStatus.CANCELLED).exists()


def _lockfile_mismatch() -> ItemOutcome:
    error = {"code": "lockfile_mismatch", "message": "The workflow's blocks changed.", "step": None}
    return ItemOutcome(status=JobItemStatus.FAILED, error=error)


def _item_context(job: Job) -> RunContext:
    """Each item gets the budget of a single run, as if its owner had sent it on its own (so the
    server's Roboflow key and active learning serve the job's signed-in owner)."""
    return run_context(None, deadline=run_deadline(), user=job.user)


def job_chunk_run(*, job_id: int, item_ids: list[int], final_attempt: bool, worker: str = "") -> list[int]:
    """Run the chunk's unanswered items; returns those that failed in a way worth another try.

    Not one transaction: answers are written every `FLUSH_INTERVAL_S` (one insert for several
    images, and progress stays live), so a worker lost mid-chunk keeps what it wrote. The job is
    checked for a cancel at each write. On the final attempt retryable failures are written too.
    """
    job = Job.objects.select_related("revision", "user").filter(pk=job_id).first()
    if job is None or job.status in FINISHED_JOB_STATUSES:
        return []
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING, started_at=timezone.now())
    items = list(JobItem.objects.filter(pk__in=item_ids, result__isnull=True).order_by("index"))
    JobItem.objects.filter(pk__in=[item.pk for item in items]).update(attempts=F("attempts") + 1, worker=worker)
    compiled = workflow_compile(job.revision.definition, user=job.user, workflow=job.workflow, pins=job.lockfile)
    plan = compiled.plan if compiled.valid and compiled.plan and compiled.plan.lockfile() == job.lockfile else None
    retry: list[int] = []
    answers: list[tuple[JobItem, ItemOutcome]] = []
    flushed = time.monotonic()
    for item in items:
        if plan is None:
            outcome = _lockfile_mismatch()
        else:
            outcome = job_item_run(job=job, item=item, plan=plan, context=_item_context(job))
        if outcome.retryable and not final_attempt:
            retry.append(item.pk)
        else:
            answers.append((item, outcome))
        if time.monotonic() - flushed >= FLUSH_INTERVAL_S:
            job_results_write(answers=answers, worker=worker)
            answers, flushed = [], time.monotonic()
            if _cancelled(job_id):
                return []
    job_results_write(answers=answers, worker=worker)
    if not retry:
        job_finish_if_done(job_id=job_id)
    return retry


def job_finish_if_done(*, job_id: int) -> bool:
    """Close the job once every item is answered; True for the one caller that closed it."""
    if JobItem.objects.filter(job_id=job_id, result__isnull=True).exists():
        return False
    results = JobResult.objects.filter(job_id=job_id)
    failed = results.filter(status=JobItemStatus.FAILED).exists()
    succeeded = results.filter(status=JobItemStatus.SUCCEEDED).exists()
    status = JobStatus.SUCCEEDED if not failed else JobStatus.COMPLETED_WITH_ERRORS if succeeded else JobStatus.FAILED
    closed = Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=status, finished_at=timezone.now()
    )
    if closed:
        _webhook_after(job_id)
    return bool(closed)


def _webhook_after(job_id: int) -> None:
    if Job.objects.filter(pk=job_id).exclude(webhook="").exists():
        transaction.on_commit(lambda: _webhook_send(job_id))


def _webhook_send(job_id: int) -> None:
    try:
        celery_app.send_task(WEBHOOK_TASK, args=(job_id,))
    except (KombuOperationalError, OSError) as exc:
        # The job's outcome stands without it; the failed delivery is what the job records.
        logger.warning("The webhook of job %s could not be queued: %s", job_id, exc)
        Job.objects.filter(pk=job_id).update(webhook_result={"error": "queue_unavailable"})


@transaction.atomic
def job_cancel(*, job: Job) -> Job:
    """Stop the job: unanswered items are answered `cancelled`; what is done stays."""
    updated = Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now()
    )
    if not updated:
        raise ConflictError(f"Job {job.pk} has already finished.", code="job_finished")
    pending = JobItem.objects.filter(job_id=job.pk, result__isnull=True)
    JobResult.objects.bulk_create(
        [JobResult(item=item, job_id=job.pk, status=JobItemStatus.CANCELLED) for item in pending],
        ignore_conflicts=True,
    )
    _webhook_after(job.pk)
    job.refresh_from_db()
    return job


@transaction.atomic
def job_retry(*, job: Job) -> Job:
    """Run the failed items of a finished job again; their earlier answers are replaced."""
    if job.status not in FINISHED_JOB_STATUSES:
        raise ConflictError(f"Job {job.pk} is still running.", code="job_not_finished")
    failed = JobResult.objects.filter(job_id=job.pk, status=JobItemStatus.FAILED)
    if not failed.exists():
        raise ConflictError(f"Job {job.pk} has no failed items.", code="nothing_to_retry")
    failed.delete()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, finished_at=None, webhook_result=None)
    transaction.on_commit(_enqueue_after(job.pk))
    job.refresh_from_db()
    return job
