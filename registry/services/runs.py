"""Running workflows and recording every run.

`run_start` is the one seam where execution happens: today in the request, later on a worker.
A run that fails (an invalid workflow, bad inputs, a model or step failure) is recorded as failed
with its error, and `RunFailedError` carries the record so the API can answer with it.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from blocks.errors import DomainError, ErrorCode
from blocks.images import WorkflowImage
from blocks.json_pointer import value_at
from executor.compiler import CompilationResult, definition_hash
from executor.engine import RunResult, RuntimeInputError, StepError, run_plan
from executor.engine.step_results import image_preview
from executor.images import IMAGE_INPUT_TYPES, ImageError, load_images
from executor.log_context import log_context
from executor.metrics import RUN_SECONDS
from executor.plan import ExecutionPlan
from registry.execution import image_limits, run_context, run_deadline
from registry.models import Run, RunStatus, Workflow
from registry.selectors.runs import run_summary
from registry.selectors.workflows import workflow_compile

logger = logging.getLogger(__name__)


class RunFailedError(DomainError):
    """A recorded, failed run; `run` is the record and `result` what the engine produced, if it ran."""

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode,
        run: Run,
        details: list[dict[str, Any]],
        cause: DomainError | None = None,
        result: RunResult | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details, cause=cause)
        self.run = run
        self.extra = {"run": run_summary(run)}
        self.result = result


def _user(user: AbstractBaseUser | AnonymousUser | None) -> Any:
    return user if user is not None and user.is_authenticated else None


def _load_images(plan: ExecutionPlan, inputs: Mapping[str, Any], deadline: float) -> tuple[dict[str, Any], int]:
    """The image inputs loaded (headers read, URLs fetched, nothing decoded yet), all at once so the
    per-request limits see every image of the request."""
    wanted: dict[str, list[tuple[str, Any]]] = {}
    for item in plan.inputs:
        if item.type not in IMAGE_INPUT_TYPES or item.name not in inputs or inputs[item.name] is None:
            continue
        value = inputs[item.name]
        if isinstance(value, list):
            wanted[item.name] = [(f"{item.name}.[{index}]", element) for index, element in enumerate(value)]
        else:
            wanted[item.name] = [(item.name, value)]
    pairs_in_order = [pair for pairs in wanted.values() for pair in pairs]
    images = iter(load_images(pairs_in_order, limits=image_limits(), deadline=deadline))
    loaded = dict(inputs)
    for name, pairs in wanted.items():
        elements = [next(images) for _ in pairs]
        loaded[name] = elements if isinstance(inputs[name], list) else elements[0]
    return loaded, sum(len(pairs) for pairs in wanted.values())


# A run record keeps thumbnails of this many input images at most: a batch-sized request stays small.
INPUT_PREVIEWS_MAX = 8


def _input_previews(plan: ExecutionPlan, loaded: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What went in, per image input: each image's size, the hash of its bytes and a thumbnail."""
    previews: dict[str, list[dict[str, Any]]] = {}
    kept = 0
    for item in plan.inputs:
        value = loaded.get(item.name)
        images = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, WorkflowImage)]
        for image in images[: INPUT_PREVIEWS_MAX - kept]:
            content = image.encoded if image.encoded is not None else image.pixels.tobytes()
            preview = image_preview(image) | {"sha256": hashlib.sha256(content).hexdigest()}
            previews.setdefault(item.name, []).append(preview)
            kept += 1
    return previews


def _run_row(
    *,
    uid: uuid.UUID,
    status: str,
    user: Any,
    workflow: Workflow | None,
    revision: int | None,
    digest: str,
    started: float,
    images: int = 0,
    inputs: dict[str, list[dict[str, Any]]] | None = None,
    result: RunResult | None = None,
    error: dict[str, Any] | None = None,
) -> Run:
    """The record of a run that ends now, not yet saved."""
    elapsed = time.perf_counter() - started
    RUN_SECONDS.labels(status).observe(elapsed)
    return Run(
        uid=uid,
        status=status,
        user=user,
        workflow=workflow,
        revision=revision,
        definition_hash=digest,
        image_count=images,
        outputs=result.outputs if result is not None else [],
        timings=result.timings if result is not None else {},
        steps=result.steps if result is not None else {},
        inputs=inputs or {},
        error=error,
        duration_ms=round(elapsed * 1000, 3),
    )


def _record(**fields: Any) -> Run:
    run = _run_row(**fields)
    run.save(force_insert=True)
    if run.error is not None:
        logger.info("Run failed: %s", run.error.get("code"), extra={"run_record": run.pk})
    return run


def _save_after_answer(run: Run, previews: Callable[[], dict[str, list[dict[str, Any]]]]) -> None:
    """Make a successful run's input previews and save its record once its answer is sent (the
    thumbnails decode each JPEG: 34 of a 64-photo run's 120 ms when made before the answer); the
    answer is gone by then, so a failure can only be logged (with the request's and the run's ids,
    from the context it ran in). An image the model server took but that cannot be decoded here
    costs the record its thumbnails, not the record."""
    try:
        run.inputs = previews()
    except Exception:
        logger.exception("A run's input thumbnails could not be made; its record is saved without them.")
    try:
        run.save(force_insert=True)
    except Exception:
        logger.exception("A run's record could not be saved after its answer was sent.")


def run_start(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    inputs: Mapping[str, Any],
    specification: object = None,
    workflow: Workflow | None = None,
    api_key: str | None = None,
    excluded_fields: Iterable[str] = (),
    save_later: Callable[[Callable[[], None]], None] | None = None,
) -> tuple[Run, RunResult]:
    """Run a definition (or a saved workflow's current revision); returns the record and the full result.

    The record's outputs leave image payloads out; the returned result has them. With `save_later`, the
    record of a successful run is handed to it to save once the answer is sent (the returned record then
    has no input previews and is not saved yet: both are made then); a failed run is saved before
    `RunFailedError` is raised, either way.

    The run's `uid` is made first: every log line written while it runs carries it as `run_id`.
    """
    uid = uuid.uuid4()
    with log_context(run_id=str(uid)):
        return _run(
            uid=uid,
            user=user,
            inputs=inputs,
            specification=specification,
            workflow=workflow,
            api_key=api_key,
            excluded_fields=excluded_fields,
            save_later=save_later,
        )


def _run(
    *,
    uid: uuid.UUID,
    user: AbstractBaseUser | AnonymousUser | None,
    inputs: Mapping[str, Any],
    specification: object,
    workflow: Workflow | None,
    api_key: str | None,
    excluded_fields: Iterable[str],
    save_later: Callable[[Callable[[], None]], None] | None,
) -> tuple[Run, RunResult]:
    started = time.perf_counter()
    revision = None
    pins = None
    if workflow is not None:
        current = workflow.revisions.get(number=workflow.revision)
        specification, revision, pins = current.definition, current.number, current.lockfile
    digest = definition_hash(specification) or ""
    context = {
        "uid": uid,
        "user": _user(user),
        "workflow": workflow,
        "revision": revision,
        "digest": digest,
        "started": started,
    }
    compiled = workflow_compile(specification, digest=digest or None, user=user, workflow=workflow, pins=pins)
    _refuse_disabled(specification, compiled, context)
    if not compiled.valid or compiled.plan is None:
        error: dict[str, Any] = {
            "code": ErrorCode.INVALID_WORKFLOW,
            "message": "The workflow is not valid.",
            "step": None,
            "property": None,
        }
        run = _record(status=RunStatus.FAILED, error=error, **context)
        raise RunFailedError(
            "The workflow is not valid.",
            code=ErrorCode.INVALID_WORKFLOW,
            run=run,
            details=[issue.as_dict() for issue in compiled.errors],
        )
    plan = compiled.plan
    missing = [step.name for step in plan.steps.values() if not step.spec.executable]
    if missing:
        message = "These steps use block versions that have no implementation here: " + ", ".join(
            f"`{name}` ({plan.steps[name].type_identifier})" for name in missing
        )
        error = {"code": ErrorCode.NOT_EXECUTABLE, "message": message, "step": missing[0], "property": None}
        run = _record(status=RunStatus.FAILED, error=error, **context)
        raise RunFailedError(message, code=ErrorCode.NOT_EXECUTABLE, run=run, details=[error])
    try:
        deadline = run_deadline()
        loaded, images = _load_images(plan, inputs, deadline)
        result = run_plan(
            plan,
            loaded,
            run_context(api_key, deadline=deadline, user=context["user"]),
            excluded_fields=excluded_fields,
            step_previews=True,
        )
    except ImageError as exc:
        error = {"code": exc.code, "message": exc.message, "step": None, "property": None}
        run = _record(status=RunStatus.FAILED, error=error, **context)
        raise RunFailedError(exc.message, code=exc.code, run=run, details=[error], cause=exc) from exc
    except RuntimeInputError as exc:
        error = {
            "code": exc.code,
            "message": exc.message,
            "step": exc.step,
            "property": exc.property_name,
            "input": exc.input_name,
        }
        run = _record(status=RunStatus.FAILED, error=error, **context)
        raise RunFailedError(exc.message, code=exc.code, run=run, details=[error], cause=exc) from exc
    record = RunResult(
        outputs=run_plan_record_outputs(result), timings=result.timings, errors=result.errors, steps=result.steps
    )
    if result.errors:
        first: StepError = result.errors[0]
        error = {
            **first.as_dict(),
            "property": None,
            "errors": [e.as_dict() for e in result.errors],
        }
        previews = _input_previews(plan, loaded)
        run = _record(status=RunStatus.FAILED, images=images, inputs=previews, result=record, error=error, **context)
        raise RunFailedError(
            first.message,
            code=first.code,
            run=run,
            details=[e.as_dict() for e in result.errors],
            cause=first.cause,
            result=result,
        )
    run = _run_row(status=RunStatus.SUCCEEDED, images=images, result=record, **context)
    if save_later is None:
        run.inputs = _input_previews(plan, loaded)
        run.save(force_insert=True)
    else:
        # In a copy of this context, taken now: the save's log lines carry the request's and the run's ids.
        make_previews = functools.partial(_input_previews, plan, loaded)
        save_later(functools.partial(contextvars.copy_context().run, _save_after_answer, run, make_previews))
    return run, result


def _refuse_disabled(specification: object, compiled: CompilationResult, context: dict[str, Any]) -> None:
    """Disabled versions cannot run. The compiler finds them and what replaces them (`disabled_block`);
    a run says so with its own code, rather than "the workflow is not valid"."""
    disabled = [issue for issue in compiled.errors if issue.code == ErrorCode.DISABLED_BLOCK]
    if not disabled:
        return
    used = [(issue, value_at(specification, issue.pointer), issue.details.get("replacement")) for issue in disabled]
    message = "This workflow uses disabled block versions, which cannot run: " + "; ".join(
        f"step `{issue.step}` uses {identifier}" + (f" (upgrade it to {replacement})" if replacement else "")
        for issue, identifier, replacement in used
    )
    error = {"code": ErrorCode.BLOCK_DISABLED, "message": message, "step": disabled[0].step, "property": "type"}
    run = _record(status=RunStatus.FAILED, error=error, **context)
    details = [{**error, "step": issue.step, "type_identifier": identifier} for issue, identifier, _ in used]
    raise RunFailedError(message, code=ErrorCode.BLOCK_DISABLED, run=run, details=details)


def run_plan_record_outputs(result: RunResult) -> list[dict[str, Any]]:
    """Outputs as stored in the run record: image payloads replaced by a marker."""
    return [_without_images(output) for output in result.outputs]


def _without_images(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("type") == "base64" and "value" in value:
            return {key: item for key, item in value.items() if key != "value"} | {"omitted": True}
        return {key: _without_images(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_images(item) for item in value]
    return value
