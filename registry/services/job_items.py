"""Running one item of a job through the engine single runs use, and writing its one result.

An item never raises: whatever goes wrong becomes its own failed outcome with a stable code, so a
bad image never fails its neighbours. Failures worth another try later (a model timeout, 429 or 5xx,
a URL that timed out) are marked retryable; the chunk task decides when to try again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from blocks.errors import ErrorCode
from executor.engine import RunContext, RuntimeInputError, run_plan
from executor.images import ImageError, load_image
from executor.log_context import log_context
from executor.plan import ExecutionPlan
from registry.execution import image_limits
from registry.models import Job, JobItem, JobItemStatus, JobResult, JobSource
from registry.services.job_inputs import allowed_root, regular_file_read
from registry.services.runs import run_plan_record_outputs

logger = logging.getLogger(__name__)

RETRYABLE_CODES = frozenset({ErrorCode.MODEL_TIMEOUT, ErrorCode.MODEL_UNAVAILABLE, ErrorCode.URL_TIMEOUT})


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    status: str
    outputs: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    @property
    def retryable(self) -> bool:
        return self.error is not None and self.error["code"] in RETRYABLE_CODES


def _failed(code: ErrorCode, message: str, step: str | None = None) -> ItemOutcome:
    return ItemOutcome(status=JobItemStatus.FAILED, error={"code": code, "message": message, "step": step})


def _image_value(job: Job, item: JobItem) -> Any:
    """What `load_image` takes for this item: a URL as is, files as bytes."""
    if job.source == JobSource.URLS:
        return item.location
    if job.source == JobSource.FOLDER:
        path = Path(item.location)
        if allowed_root(path) is None:
            raise ImageError("The file leads outside the allowed folders.", code=ErrorCode.PATH_NOT_ALLOWED)
        try:
            return regular_file_read(path, settings.BLOCKWISE_MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise ImageError(
                "The file cannot be read (or is not a regular file).", code=ErrorCode.FILE_UNREADABLE
            ) from exc
    try:
        with default_storage.open(item.location, "rb") as handle:
            return handle.read(settings.BLOCKWISE_MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise ImageError("The stored file cannot be read.", code=ErrorCode.FILE_UNREADABLE) from exc


def job_item_run(*, job: Job, item: JobItem, plan: ExecutionPlan, context: RunContext) -> ItemOutcome:
    """Run one item; every log line written meanwhile carries the job's and the item's ids."""
    with log_context(job_id=job.pk, job_item_id=item.pk):
        outcome = _item_run(job=job, item=item, plan=plan, context=context)
        if outcome.error is not None:
            logger.info("Item failed: %s", outcome.error["code"])
    return outcome


def _item_run(*, job: Job, item: JobItem, plan: ExecutionPlan, context: RunContext) -> ItemOutcome:
    try:
        image = load_image(_image_value(job, item), parent_id=job.image_input, limits=image_limits())
        result = run_plan(plan, {**job.parameters, job.image_input: image}, context)
    except ImageError as exc:
        return _failed(exc.code, exc.message)
    except RuntimeInputError as exc:
        return _failed(exc.code, exc.message, exc.step)
    except Exception:
        logger.exception("Item %s of job %s failed unexpectedly", item.index, job.pk)
        return _failed(ErrorCode.ITEM_FAILED, "The image could not be processed.")
    if result.errors:
        first = result.errors[0]
        return _failed(first.code, first.message, first.step)
    outputs = run_plan_record_outputs(result)
    return ItemOutcome(status=JobItemStatus.SUCCEEDED, outputs=outputs[0] if outputs else {})


def top_prediction(value: Any) -> tuple[str, float | None]:
    """The first classification in the outputs: its top class and confidence."""
    if isinstance(value, dict):
        if isinstance(value.get("top"), str):
            confidence = value.get("confidence")
            return value["top"], float(confidence) if isinstance(confidence, int | float) else None
        value = list(value.values())
    if isinstance(value, list):
        for element in value:
            found = top_prediction(element)
            if found[0]:
                return found
    return "", None


def job_results_write(*, answers: list[tuple[JobItem, ItemOutcome]], worker: str = "") -> None:
    """Record answers in one insert; an item answered already (a redelivered chunk, a cancel) keeps its answer."""
    rows = []
    for item, outcome in answers:
        top_class, confidence = top_prediction(outcome.outputs)
        rows.append(
            JobResult(
                item=item,
                job_id=item.job_id,
                status=outcome.status,
                outputs=outcome.outputs,
                error=outcome.error,
                top_class=top_class,
                confidence=confidence,
                worker=worker,
            )
        )
    JobResult.objects.bulk_create(rows, ignore_conflicts=True)
