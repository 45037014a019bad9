"""Evaluations: a workflow revision run over a labelled dataset as a batch job, and its metrics.

The job is an ordinary one (`registry.services.jobs.job_create`) whose items are the dataset's stored
images, in entry order: progress, cancel, retry and exactly-once answers are the job machinery's.
Metrics are computed from the stored results once the job has finished, and kept with the
`finished_at` they were computed for, so a retried job's new finish computes them again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from blocks.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from registry.evaluation_metrics import comparison_compute, metrics_compute
from registry.models import FINISHED_JOB_STATUSES, Dataset, Evaluation, Workflow, WorkflowRevision
from registry.selectors.evaluations import evaluation_predictions
from registry.services.job_inputs import ItemSource
from registry.services.jobs import job_create


def workflow_output_check(definition: Any, output: str) -> None:
    """The output must be one the workflow declares."""
    outputs = definition.get("outputs") if isinstance(definition, dict) else None
    names = [item.get("name") for item in outputs or [] if isinstance(item, dict)]
    if output not in names:
        message = f"The workflow has no output {output!r}; it has {', '.join(map(str, names)) or 'none'}."
        raise DomainError(
            message,
            code=ErrorCode.UNKNOWN_OUTPUT,
            details=[{"path": "/output", "code": ErrorCode.UNKNOWN_OUTPUT, "message": message}],
        )


def _revision(workflow: Workflow, number: int | None) -> WorkflowRevision:
    revision = workflow.revisions.filter(number=workflow.revision if number is None else number).first()
    if revision is None:
        raise NotFoundError(f"Workflow {workflow.pk} has no revision {number}.", code=ErrorCode.NOT_FOUND)
    return revision


def dataset_sources(dataset: Dataset) -> list[ItemSource]:
    entries = dataset.entries.select_related("image").order_by("index")
    return [ItemSource(name=entry.name, location=entry.image.location) for entry in entries]


@transaction.atomic
def evaluation_create(
    *,
    user: User,
    workflow: Workflow,
    dataset: Dataset,
    output: str,
    revision: int | None = None,
    parameters: dict[str, Any] | None = None,
) -> Evaluation:
    pinned = _revision(workflow, revision)
    workflow_output_check(pinned.definition, output)
    job = job_create(
        user=user, workflow=workflow, parameters=parameters, stored=dataset_sources(dataset), revision=pinned
    )
    return Evaluation.objects.create(user=user, workflow=workflow, dataset=dataset, job=job, output=output)


def evaluation_settle(*, evaluation: Evaluation) -> Evaluation:
    """Compute and keep the metrics of a finished job, once per finish."""
    job = evaluation.job
    job.refresh_from_db()
    if job.status not in FINISHED_JOB_STATUSES or evaluation.metrics_for == job.finished_at:
        return evaluation
    evaluation.metrics = metrics_compute(evaluation_predictions(evaluation))
    evaluation.metrics_for = job.finished_at
    Evaluation.objects.filter(pk=evaluation.pk).update(metrics=evaluation.metrics, metrics_for=job.finished_at)
    return evaluation


def evaluation_compare(*, a: Evaluation, b: Evaluation) -> dict[str, Any]:
    """Which images changed from `a` to `b`, the metric deltas, and McNemar's test on the pairs."""
    if a.dataset_id != b.dataset_id:
        raise DomainError(
            f"Evaluations {a.pk} and {b.pk} are on different datasets; only the same images can be paired.",
            code=ErrorCode.DATASET_MISMATCH,
        )
    for evaluation in (a, b):
        if evaluation_settle(evaluation=evaluation).job.status not in FINISHED_JOB_STATUSES:
            raise ConflictError(
                f"Evaluation {evaluation.pk} has not finished.",
                code=ErrorCode.EVALUATION_NOT_FINISHED,
                extra={"evaluation": evaluation.pk},
            )
    comparison = comparison_compute(evaluation_predictions(a), evaluation_predictions(b))
    return {"a": a.pk, "b": b.pk, "dataset": a.dataset_id, **comparison}
