"""Reads of evaluations: who may see one, each image's answer beside its label, the report, the CSV.

An evaluation's job items are its dataset's entries in order (item `index` == entry `index`), so a
result is paired with its label by position, never by file name (names may repeat).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from blocks.errors import ErrorCode, NotFoundError
from registry.evaluation_metrics import ImagePrediction, image_prediction
from registry.models import DatasetEntry, Evaluation, JobItem, JobResult, Workflow
from registry.selectors import shapes
from registry.selectors.datasets import owned_or_staff
from registry.selectors.jobs import job_detail

CSV_COLUMNS = ("file", "label", "prediction", "confidence", "correct", "status", "error")


def evaluation_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Evaluation]:
    evaluations = Evaluation.objects.select_related("job", "job__revision", "dataset")
    return owned_or_staff(evaluations, user=user, owner="user")


def evaluation_latest(*, user: AbstractBaseUser | AnonymousUser, workflow: Workflow) -> Evaluation | None:
    """The caller's most recent evaluation of the workflow, whatever its state."""
    return evaluation_list(user=user).filter(workflow_id=workflow.pk).order_by("-created_at", "-id").first()


def evaluation_get(*, user: AbstractBaseUser | AnonymousUser, evaluation_id: int) -> Evaluation:
    """An evaluation of the caller's (staff see all); anyone else's is a 404."""
    evaluation = evaluation_list(user=user).filter(pk=evaluation_id).first()
    if evaluation is None:
        raise NotFoundError(f"Evaluation {evaluation_id} does not exist.", code=ErrorCode.NOT_FOUND)
    return evaluation


def _prediction(entry: DatasetEntry, result: JobResult | None, output: str) -> ImagePrediction:
    if result is None:
        return ImagePrediction(file=entry.name, label=entry.label, status="pending")
    return image_prediction(
        file=entry.name,
        label=entry.label,
        status=result.status,
        outputs=result.outputs,
        error=result.error,
        output=output,
    )


def evaluation_predictions(evaluation: Evaluation) -> list[ImagePrediction]:
    """Every image of the dataset in order, with the job's answer at the evaluation's output."""
    entries = DatasetEntry.objects.filter(dataset_id=evaluation.dataset_id).order_by("index")
    results: dict[int, JobResult] = {}
    items = JobItem.objects.filter(job_id=evaluation.job_id, result__isnull=False).select_related("result")
    for item in items.iterator(chunk_size=1000):
        results[item.index] = item.result
    return [
        _prediction(entry, results.get(entry.index), evaluation.output) for entry in entries.iterator(chunk_size=1000)
    ]


def evaluation_detail(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation with its job's progress; `metrics` once the job has finished (else null)."""
    progress = job_detail(evaluation.job)
    fresh = evaluation.metrics_for is not None and evaluation.metrics_for == evaluation.job.finished_at
    detail = shapes.Evaluation.model_validate(
        {
            **progress,
            "id": evaluation.pk,
            "job": evaluation.job_id,
            "dataset": evaluation.dataset_id,
            "output": evaluation.output,
            "metrics": evaluation.metrics if fresh else None,
        }
    )
    return detail.model_dump(mode="json")


def evaluation_predictions_csv(evaluation: Evaluation) -> Iterator[str]:
    rows = (
        (
            p.file,
            p.label,
            p.prediction or "",
            "" if p.confidence is None else f"{p.confidence:.6g}",
            str(p.correct).lower() if p.counted else "",
            p.status,
            p.error or "",
        )
        for p in evaluation_predictions(evaluation)
    )
    return csv_lines(CSV_COLUMNS, rows)


def csv_lines(header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """CSV text one line at a time, for a streamed download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in itertools.chain([header], rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        yield buffer.getvalue()
