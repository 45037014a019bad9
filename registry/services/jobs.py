"""Batch jobs: start, run a chunk, finish, cancel, retry.

Job state lives in the database; the work travels as Celery tasks (`registry.tasks`) that call the
functions here. A chunk may be delivered more than once (a lost worker's chunk comes back): items
that already have a result are skipped, and every delivery counts in the items' `attempts`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from blocks.errors import ConflictError, DomainError, ErrorCode
from executor.engine import RunContext
from executor.images import IMAGE_INPUT_TYPES
from executor.plan import ExecutionPlan
from registry.execution import run_context, run_deadline
from registry.job_queue import BROKER_ERRORS, WEBHOOK_TASK, queue_is_empty, task_send
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
    files_delete,
    files_store,
    folder_sources,
    input_quota_left,
    url_sources,
    webhook_check,
)
from registry.services.job_items import ItemOutcome, job_item_run, job_results_write
from registry.services.job_leases import (
    Chunk,
    LeaseKeeper,
    job_chunks_send,
    job_items_claim,
    job_items_give,
    job_items_recover,
)
from registry.services.job_zips import skipped_listed, zip_extract, zip_open

logger = logging.getLogger(__name__)

# How often a worker writes the answers it has and looks for a cancel.
FLUSH_INTERVAL_S = 0.5


def _plan(revision: WorkflowRevision, user: User) -> ExecutionPlan:
    compiled = workflow_compile(revision.definition, user=user, workflow=revision.workflow, pins=revision.lockfile)
    if not compiled.valid or compiled.plan is None:
        raise DomainError(
            "The workflow's current revision is not valid.",
            code=ErrorCode.INVALID_WORKFLOW,
            details=[issue.as_dict() for issue in compiled.errors],
        )
    return compiled.plan


def _image_input(plan: ExecutionPlan) -> str:
    for item in plan.inputs:
        if item.type in IMAGE_INPUT_TYPES:
            return item.name
    raise DomainError("The workflow has no image input to give the job's images to.", code=ErrorCode.NO_IMAGE_INPUT)


def _check_parameters(parameters: dict[str, Any], plan: ExecutionPlan, image_input: str) -> None:
    """Every parameter names an input of the workflow other than the image input."""
    names = {item.name for item in plan.inputs} - {image_input}
    wrong = sorted(set(parameters) - names)
    if wrong:
        raise DomainError(
            "Parameters must name inputs of the workflow other than the image input, which each image fills.",
            code=ErrorCode.UNKNOWN_PARAMETER,
            details=[
                {"path": f"/parameters/{name}", "code": ErrorCode.UNKNOWN_PARAMETER, "message": name} for name in wrong
            ],
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
    stored: list[ItemSource] | None = None,
    revision: WorkflowRevision | None = None,
) -> Job:
    """Start a job on a revision (the current one by default) over exactly one of the sources;
    `stored` are files already in the storage (a dataset's images), used where they are."""
    revision = revision or workflow.revisions.filter(number=workflow.revision).first()
    if revision is None:
        raise DomainError("The workflow has no saved revision.", code=ErrorCode.INVALID_WORKFLOW)
    plan = _plan(revision, user)
    if plan.lockfile() != revision.lockfile:
        raise ConflictError(
            "The blocks this revision was saved with have changed; save the workflow again.",
            code=ErrorCode.LOCKFILE_MISMATCH,
        )
    image_input = _image_input(plan)
    parameters = parameters or {}
    _check_parameters(parameters, plan, image_input)
    if webhook:
        webhook_check(webhook)
    source, sources, skipped = _sources(
        user, zip_upload=zip_upload, urls=urls, folder=folder, files=files, stored=stored
    )
    try:
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
                total=len(sources),
                skipped=skipped_listed(skipped),
                skipped_count=len(skipped),
            )
            queued_at = timezone.now()
            JobItem.objects.bulk_create(
                JobItem(
                    job=job, index=index, name=item.name, location=item.location, size=item.size, queued_at=queued_at
                )
                for index, item in enumerate(sources)
            )
            transaction.on_commit(_enqueue_after(job.pk, job_items_give(job_id=job.pk)))
    except BaseException:
        if source in (JobSource.ZIP, JobSource.FILES):
            files_delete(item.location for item in sources)
        raise
    return job


def _sources(
    user: User,
    *,
    zip_upload: IO[bytes] | None,
    urls: list[str] | None,
    folder: str | None,
    files: list[Path] | None,
    stored: list[ItemSource] | None,
) -> tuple[JobSource, list[ItemSource], list[str]]:
    """The job's images from exactly one source, and the zip entries skipped as not images. Zips and
    files are stored here, before the job's transaction (which would hold the database meanwhile),
    under a folder of their own; `stored` files (a dataset's images) are used where they are, never
    copied, counted against the quota or removed with the job."""
    prefix = f"jobs/inputs/{uuid.uuid4().hex}"
    if zip_upload is not None:
        upload = zip_open(zip_upload, quota_left=input_quota_left(user_id=user.pk))
        sources = zip_extract(upload, prefix=prefix, quota_left=input_quota_left(user_id=user.pk))
        return JobSource.ZIP, sources, upload.skipped
    if urls is not None:
        return JobSource.URLS, url_sources(urls), []
    if folder is not None:
        return JobSource.FOLDER, folder_sources(folder), []
    if files is not None:
        return JobSource.FILES, files_store(files, prefix=prefix, quota_left=input_quota_left(user_id=user.pk)), []
    if stored is not None:
        return JobSource.DATASET, stored, []
    raise DomainError("Give the job's images: a zip, URLs, a folder or files.", code=ErrorCode.NO_IMAGES)


def _enqueue_after(job_id: int, chunks: list[Chunk]) -> Callable[[], None]:
    """Send the chunks once the job is committed; if the broker cannot take them, the unsent images
    fail with `queue_unavailable` (a retry sends them again) and the request answers 503."""

    def enqueue() -> None:
        try:
            job_chunks_send(job_id=job_id, chunks=chunks)
        except BROKER_ERRORS as exc:
            logger.warning("The job queue refused job %s: %s", job_id, exc)
            _fail_unanswered(job_id)
            raise DomainError(
                "The job queue is unavailable; the job is recorded as failed and can be retried.",
                code=ErrorCode.QUEUE_UNAVAILABLE,
                extra={"job": job_id},
            ) from exc

    return enqueue


def _fail_unanswered(job_id: int) -> None:
    error = {"code": ErrorCode.QUEUE_UNAVAILABLE, "message": "The job queue was unavailable.", "step": None}
    outcome = ItemOutcome(status=JobItemStatus.FAILED, error=error)
    pending = JobItem.objects.filter(job_id=job_id, result__isnull=True)
    job_results_write(answers=[(item, outcome) for item in pending])
    job_finish_if_done(job_id=job_id)


def job_check_workflow_deletable(*, workflow: Workflow) -> None:
    """Other users' jobs on a (public) workflow are theirs: the owner cannot delete them with it."""
    others = Job.objects.filter(workflow_id=workflow.pk).exclude(user_id=workflow.owner_id).count()
    if others:
        raise ConflictError(
            f"Other users ran {others} job(s) on this workflow; it cannot be deleted while they exist.",
            code=ErrorCode.WORKFLOW_IN_USE,
            extra={"jobs": others},
        )


def job_enqueue(*, job_id: int) -> int:
    """Send the job's unanswered items as chunk tasks; returns how many chunks were sent."""
    chunks = job_items_give(job_id=job_id)
    job_chunks_send(job_id=job_id, chunks=chunks)
    return len(chunks)


def _cancelled(job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, status=JobStatus.CANCELLED).exists()


def _lockfile_mismatch() -> ItemOutcome:
    error = {"code": ErrorCode.LOCKFILE_MISMATCH, "message": "The workflow's blocks changed.", "step": None}
    return ItemOutcome(status=JobItemStatus.FAILED, error=error)


def _item_context(job: Job) -> RunContext:
    """Each item gets the budget of a single run, as if its owner had sent it on its own (so the
    server's Roboflow key and active learning serve the job's signed-in owner)."""
    return run_context(None, deadline=run_deadline(), user=job.user)


def job_chunk_run(
    *, job_id: int, item_ids: list[int], final_attempt: bool, worker: str = "", owner: str = ""
) -> list[int]:
    """Run the chunk's unanswered items still given to this message (`owner`, its task id); returns
    those that failed in a way worth another try.

    The items are held by a lease, renewed while the chunk runs, so a sweep sends them again if this
    worker dies. Not one transaction: answers are written every `FLUSH_INTERVAL_S` (one insert for
    several images, and progress stays live), so a worker lost mid-chunk keeps what it wrote. The
    job is checked for a cancel at each write. On the final attempt retryable failures are written too.
    """
    job = Job.objects.select_related("revision", "user").filter(pk=job_id).first()
    if job is None or job.status in FINISHED_JOB_STATUSES:
        return []
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING, started_at=timezone.now())
    items = job_items_claim(owner=owner, item_ids=item_ids, worker=worker)
    if not items:
        return []
    compiled = workflow_compile(job.revision.definition, user=job.user, workflow=job.workflow, pins=job.lockfile)
    plan = compiled.plan if compiled.valid and compiled.plan and compiled.plan.lockfile() == job.lockfile else None
    retry: list[int] = []
    answers: list[tuple[JobItem, ItemOutcome]] = []
    flushed = time.monotonic()
    with LeaseKeeper(owner=owner, item_ids=[item.pk for item in items]) as lease:
        for item in items:
            if item.pk in lease.lost:
                continue
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
    if retry and _cancelled(job_id):
        return []  # a cancelled job's items are not tried again
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
        task_send(WEBHOOK_TASK, job_id)
    except BROKER_ERRORS as exc:
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
        raise ConflictError(f"Job {job.pk} has already finished.", code=ErrorCode.JOB_FINISHED)
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
    """Run the failed items of a finished job again (their earlier answers are replaced), or send
    again the lost items of a job stuck running (nothing queued or held for them).

    The job's row is locked first, so of simultaneous retries one wins and the others see its work.
    """
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.status not in FINISHED_JOB_STATUSES:
        _retry_stuck(locked)
    else:
        failed = JobResult.objects.filter(job_id=job.pk, status=JobItemStatus.FAILED)
        if not failed.exists():
            raise ConflictError(f"Job {job.pk} has no failed items.", code=ErrorCode.NOTHING_TO_RETRY)
        failed.delete()
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, finished_at=None, webhook_result=None)
        transaction.on_commit(_enqueue_after(job.pk, job_items_give(job_id=job.pk)))
    job.refresh_from_db()
    return job


def _retry_stuck(job: Job) -> None:
    try:
        queue_empty = queue_is_empty()
    except BROKER_ERRORS as exc:
        raise DomainError(
            "The job queue is unavailable; try again later.", code=ErrorCode.QUEUE_UNAVAILABLE, extra={"job": job.pk}
        ) from exc
    chunks = job_items_recover(job_id=job.pk, queue_empty=queue_empty)
    if not chunks:
        raise ConflictError(f"Job {job.pk} is still running.", code=ErrorCode.JOB_NOT_FINISHED)
    transaction.on_commit(_enqueue_after(job.pk, chunks))
