"""Roboflow's run routes: `POST /workflows/run` and `POST /{workspace}/workflows/{workflow_id}`.

Requests, responses and errors have Roboflow's shapes (spec sections 4 and 5.4), so Roboflow's
Python client runs workflows here unchanged. Who calls, and with which Roboflow key, is decided by
`registry.roboflow.callers` (never by the session); the key is used for the run and never stored or echoed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from executor.compiler.roboflow import block_error, error_body, roboflow_error
from registry.api.errors import ApiError
from registry.api.intake import ascii_id
from registry.api.limits import check_declared_length, parse_json_bytes, read_limited
from registry.api.throttles import AnonymousRunThrottle, roboflow_throttled
from registry.models import Workflow
from registry.roboflow.callers import RoboflowCaller, roboflow_caller
from registry.services.runs import RunFailedError, run_start

RUNTIME_CONTEXT = "workflow_execution | runtime_input_validation"
STEP_CONTEXT = "workflow_execution | step_execution"


def _error(
    message: str,
    error_type: str,
    context: str,
    status: int,
    blocks_errors: list[Any] | None = None,
) -> JsonResponse:
    return JsonResponse(error_body(message, error_type, context, blocks_errors), status=status)


def _failed(exc: RunFailedError) -> JsonResponse:
    if exc.compilation is not None:
        status, body = roboflow_error(exc.compilation, exc.specification)
        return JsonResponse(body, status=status)
    if exc.result is None:
        # Roboflow answers every refused input with 400; only a request over our size limits stays 413.
        status = 413 if exc.status_code == 413 else 400
        return _error(exc.message, "RuntimeInputError", RUNTIME_CONTEXT, status)
    if _partial(exc):
        # Some images failed at the model, others did not: the outputs that exist, and what failed.
        return JsonResponse({"outputs": exc.result.outputs, "errors": [e.as_dict() for e in exc.result.errors]})
    step = exc.error.get("step")
    if exc.status_code >= 500:
        # A model server that is down or slow keeps its status (502/503/504); only our own faults are 500s.
        block = block_error(step, details=exc.message)
        return _error(exc.message, "StepExecutionError", STEP_CONTEXT, exc.status_code, [block])
    return _error(exc.message, "ClientCausedStepExecutionError", STEP_CONTEXT, exc.status_code, [block_error(step)])


def _partial(exc: RunFailedError) -> bool:
    """Every error belongs to one element, and at least one element has none."""
    result = exc.result
    if result is None or not result.errors or any(error.element is None for error in result.errors):
        return False
    return len({error.element for error in result.errors}) < len(result.outputs)


def _parse(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    try:
        # Read from the stream, not `request.body`: an over-size body is a JSON 413 before it is buffered.
        check_declared_length(request.META, settings.BLOCKWISE_MAX_RUN_BODY_BYTES)
        body = parse_json_bytes(read_limited(request, settings.BLOCKWISE_MAX_RUN_BODY_BYTES))
    except ApiError as exc:
        return JsonResponse({"message": exc.message}, status=exc.status_code)
    if not isinstance(body, dict):
        return JsonResponse(
            {"detail": [{"loc": ["body"], "msg": "must be an object", "type": "dict_type"}]}, status=422
        )
    if not isinstance(body.get("inputs"), dict):
        return JsonResponse(
            {"detail": [{"loc": ["body", "inputs"], "msg": "Field required", "type": "missing"}]}, status=422
        )
    return body


def _run(caller: RoboflowCaller, body: dict[str, Any], **target: Any) -> JsonResponse:
    excluded_value = body.get("excluded_fields")
    excluded = [str(f) for f in excluded_value] if isinstance(excluded_value, list) else []
    try:
        _, result = run_start(
            user=caller.user,
            inputs=body["inputs"],
            api_key=caller.api_key,
            excluded_fields=excluded,
            **target,
        )
    except RunFailedError as exc:
        return _failed(exc)
    return JsonResponse({"outputs": result.outputs})


def _admitted(request: HttpRequest, body: dict[str, Any]) -> RoboflowCaller | JsonResponse:
    """The caller (by token or key, never the session), or the answer refusing them."""
    try:
        caller = roboflow_caller(request, body)
    except ApiError as exc:
        return JsonResponse({"message": exc.message}, status=exc.status_code)
    throttled = roboflow_throttled(request, AnonymousRunThrottle(), signed_in=caller.user is not None)
    return throttled if throttled is not None else caller


@csrf_exempt
@require_POST
def workflow_run(request: HttpRequest) -> JsonResponse:
    body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    if "specification" not in body:
        return JsonResponse(
            {"detail": [{"loc": ["body", "specification"], "msg": "Field required", "type": "missing"}]}, status=422
        )
    caller = _admitted(request, body)
    if isinstance(caller, JsonResponse):
        return caller
    return _run(caller, body, specification=body["specification"])


@csrf_exempt
@require_POST
def saved_workflow_run(request: HttpRequest, workspace: str, workflow_id: str) -> JsonResponse:
    """Runs a saved workflow by id; the workspace is not used (there is one here)."""
    body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    caller = _admitted(request, body)
    if isinstance(caller, JsonResponse):
        return caller
    user = caller.user
    pk = ascii_id(workflow_id)
    workflow = Workflow.objects.filter(pk=pk).first() if pk is not None else None
    if workflow is None or not (workflow.public or (user is not None and workflow.owner_id == user.pk)):
        return JsonResponse({"message": f"Workflow {workflow_id} not found."}, status=404)
    return _run(caller, body, workflow=workflow)
