"""The evaluation gate: what a proposed change (an upgrade, a restore, a save) would do to a workflow's
answers on a labelled dataset, judged against limits before the change is applied.

Both sides, the current revision and the candidate definition, run in this process over the
dataset's images through the same per-image path batch jobs use (`job_item_run`, on unsaved rows):
the answer is needed before the change is written, and nothing of the candidate is stored. The
result is the comparison of the two (changed images, metric deltas, McNemar's test) and whether
each limit held. A change is refused on a failed gate only when the caller asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from blocks.errors import ConflictError, DomainError, ErrorCode, PayloadTooLargeError
from executor.plan import ExecutionPlan
from registry.evaluation_metrics import ImagePrediction, comparison_compute, image_prediction
from registry.execution import run_context, run_deadline
from registry.models import Dataset, Job, JobItem, JobSource, Workflow
from registry.selectors.workflows import workflow_compile
from registry.services.evaluations import workflow_output_check
from registry.services.job_items import job_item_run


@dataclass(frozen=True, slots=True)
class GateRequest:
    dataset: Dataset
    output: str
    max_accuracy_drop: float = 1.0  # percentage points
    parameters: dict[str, Any] = field(default_factory=dict)
    require: bool = False


def _plan(definition: Any, side: str) -> tuple[ExecutionPlan, str]:
    compiled = workflow_compile(definition)
    if not compiled.valid or compiled.plan is None:
        raise DomainError(
            f"The {side} definition is not valid, so it cannot be evaluated.",
            code=ErrorCode.INVALID_WORKFLOW,
            details=[issue.as_dict() for issue in compiled.errors],
        )
    image_input = next((item.name for item in compiled.plan.inputs if item.type == "WorkflowImage"), None)
    if image_input is None:
        raise DomainError("The workflow has no image input to evaluate.", code=ErrorCode.NO_IMAGE_INPUT)
    return compiled.plan, image_input


def gate_answers(*, user: User, definition: Any, request: GateRequest, side: str) -> list[ImagePrediction]:
    """Every image of the dataset run through `definition`, in entry order."""
    workflow_output_check(definition, request.output)
    plan, image_input = _plan(definition, side)
    job = Job(user=user, source=JobSource.DATASET, image_input=image_input, parameters=request.parameters)
    answers = []
    for entry in request.dataset.entries.select_related("image").order_by("index"):
        item = JobItem(index=entry.index, name=entry.name, location=entry.image.location)
        context = run_context(None, deadline=run_deadline(), user=user)
        outcome = job_item_run(job=job, item=item, plan=plan, context=context)
        answers.append(
            image_prediction(
                file=entry.name,
                label=entry.label,
                status=outcome.status,
                outputs=outcome.outputs,
                error=outcome.error,
                output=request.output,
            )
        )
    return answers


def gate_check(*, user: User, workflow: Workflow, candidate: Any, request: GateRequest) -> dict[str, Any]:
    """The current revision against `candidate` on the dataset; with `require`, a failed gate is a 409."""
    if request.dataset.total > settings.BLOCKWISE_GATE_MAX_IMAGES:
        raise PayloadTooLargeError(
            f"The gate runs within the request and takes datasets of at most {settings.BLOCKWISE_GATE_MAX_IMAGES} "
            f"images; dataset {request.dataset.pk} has {request.dataset.total}. Evaluate both sides instead "
            "(`manage.py evaluate --baseline`).",
            code=ErrorCode.DATASET_TOO_LARGE,
        )
    current = workflow.revisions.get(number=workflow.revision)
    before = gate_answers(user=user, definition=current.definition, request=request, side="current")
    after = gate_answers(user=user, definition=candidate, request=request, side="proposed")
    comparison = comparison_compute(before, after)
    drop = -100 * (comparison["deltas"]["accuracy"] if comparison["deltas"] else 0.0)
    passed = drop <= request.max_accuracy_drop + 1e-9
    result = {
        "passed": passed,
        "dataset": request.dataset.pk,
        "output": request.output,
        "base_revision": current.number,
        "limits": {"max_accuracy_drop": request.max_accuracy_drop},
        "accuracy_drop": round(drop, 4),
        "comparison": comparison,
    }
    if request.require and not passed:
        raise ConflictError(
            f"The change fails the evaluation gate: accuracy drops {drop:.2f} points "
            f"(at most {request.max_accuracy_drop:g} allowed); nothing was changed.",
            code=ErrorCode.EVALUATION_GATE_FAILED,
            extra={"gate": result},
        )
    return result
