"""Roboflow's run routes: `POST /workflows/run` and `POST /{workspace}/workflows/{workflow_id}`.

Requests, responses and errors have Roboflow's shapes (spec sections 4 and 5.4), so Roboflow's
Python client runs workflows here unchanged. The key comes from `Authorization: Bearer`, else the
body's `api_key`; it is used for the run and never stored or echoed.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from executor.compiler.roboflow import block_error, error_body, roboflow_error
from registry.api.errors import ApiError
from registry.api.limits import parse_json_bytes, read_limited
from registry.models import Workflow
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
        return _error(exc.message, "RuntimeInputError", RUNTIME_CONTEXT, 400)
    step = exc.error.get("step")
    if exc.status_code >= 500:
        # A model server that is down or slow keeps its status (502/503/504); only our own faults are 500s.
        block = block_error(step, details=exc.message)
        return _error(exc.message, "StepExecutionError", STEP_CONTEXT, exc.status_code, [block])
    return _error(exc.message, "ClientCausedStepExecutionError", STEP_CONTEXT, exc.status_code, [block_error(step)])


def _parse(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    try:
        body = parse_json_bytes(read_limited(io.BytesIO(request.body), settings.BLOCKWISE_MAX_RUN_BODY_BYTES))
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


def _api_key(request: HttpRequest, body: dict[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    key = body.get("api_key")
    return key if isinstance(key, str) and key else None


def _run(request: HttpRequest, body: dict[str, Any], **target: Any) -> JsonResponse:
    excluded_value = body.get("excluded_fields")
    excluded = [str(f) for f in excluded_value] if isinstance(excluded_value, list) else []
    try:
        _, result = run_start(
            user=request.user,
            inputs=body["inputs"],
            api_key=_api_key(request, body),
            excluded_fields=excluded,
            **target,
        )
    except RunFailedError as exc:
        return _failed(exc)
    return JsonResponse({"outputs": result.outputs})


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
    return _run(request, body, specification=body["specification"])


@csrf_exempt
@require_POST
def saved_workflow_run(request: HttpRequest, workspace: str, workflow_id: str) -> JsonResponse:
    """Runs a saved workflow by id; the workspace is not used (there is one here)."""
    body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    user = request.user
    workflow = Workflow.objects.filter(pk=int(workflow_id)).first() if workflow_id.isdigit() else None
    if workflow is None or not (workflow.public or (user.is_authenticated and workflow.owner_id == user.pk)):
        return JsonResponse({"message": f"Workflow {workflow_id} not found."}, status=404)
    return _run(request, body, workflow=workflow)
