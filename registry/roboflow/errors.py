"""Every error body the Roboflow-compatible routes answer with (spec section 5.4), built here only.

Statuses come from the same table as the native API (`registry.api.errors.http_status`); what differs
is the shape: a bare `{"message"}`, FastAPI's 422 `{"detail"}`, or Roboflow's workflow error with its
`error_type`, `context` and, for step errors, `blocks_errors`. The workflow error bodies themselves
are built by `registry.roboflow.compilation` (`error_body`, `block_error`), which also reads a
failed compilation the way Roboflow reports it.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from rest_framework.exceptions import Throttled

from blocks.errors import DomainError, ErrorCode
from executor.compiler import CompilationResult
from registry.api.errors import http_status
from registry.roboflow.compilation import block_error, error_body, syntax_error_body
from registry.roboflow.compilation_nested import roboflow_answer
from registry.selectors.workflows import workflow_compile
from registry.services.runs import RunFailedError

RUNTIME_CONTEXT = "workflow_execution | runtime_input_validation"
STEP_CONTEXT = "workflow_execution | step_execution"


def message_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def too_many_requests(exc: Throttled) -> JsonResponse:
    """Past a rate limit (registry.api.throttles.anonymous_limit), in Roboflow's shape."""
    response = message_response(429, "Too many requests; try again later.")
    wait = getattr(exc, "wait", None)  # seconds, rounded up by DRF
    if wait is not None:
        response["Retry-After"] = str(max(int(wait), 1))
    return response


def refusal(exc: DomainError) -> JsonResponse:
    """A request refused before any workflow is looked at (a body over the limit, bad bytes)."""
    return message_response(http_status(exc), exc.message)


def missing_field(*loc: str, msg: str = "Field required", error_type: str = "missing") -> JsonResponse:
    """FastAPI's validation answer for a request body that lacks a field or is not an object."""
    return JsonResponse({"detail": [{"loc": ["body", *loc], "msg": msg, "type": error_type}]}, status=422)


def workflow_error(
    message: str,
    error_type: str,
    context: str,
    status: int,
    blocks_errors: list[Any] | None = None,
) -> JsonResponse:
    return JsonResponse(error_body(message, error_type, context, blocks_errors), status=status)


def syntax_error(message: str) -> JsonResponse:
    return JsonResponse(syntax_error_body(message), status=400)


def compilation_failed(result: CompilationResult, definition: object) -> JsonResponse:
    return JsonResponse(roboflow_answer(result, definition), status=400)


def run_failed(exc: RunFailedError, definition: object) -> JsonResponse:
    """A failed run of `definition` (the one sent, or the saved revision that ran)."""
    if exc.code == ErrorCode.INVALID_WORKFLOW:
        # The run compiled this definition a moment ago: the compiler's cache answers.
        return compilation_failed(workflow_compile(definition), definition)
    status = http_status(exc)
    if exc.result is None:
        # Roboflow answers every refused input with 400; only a request over our size limits stays 413.
        status = 413 if status == 413 else 400
        return workflow_error(exc.message, "RuntimeInputError", RUNTIME_CONTEXT, status)
    if _partial(exc):
        # Some images failed at the model, others did not: the outputs that exist, and what failed.
        return JsonResponse({"outputs": exc.result.outputs, "errors": [e.as_dict() for e in exc.result.errors]})
    step = (exc.run.error or {}).get("step")
    if status >= 500:
        # A model server that is down or slow keeps its status (502/503/504); only our own faults are 500s.
        block = block_error(step, details=exc.message)
        return workflow_error(exc.message, "StepExecutionError", STEP_CONTEXT, status, [block])
    return workflow_error(exc.message, "ClientCausedStepExecutionError", STEP_CONTEXT, status, [block_error(step)])


def _partial(exc: RunFailedError) -> bool:
    """Every error belongs to one element, and at least one element has none."""
    result = exc.result
    if result is None or not result.errors or any(error.element is None for error in result.errors):
        return False
    return len({error.element for error in result.errors}) < len(result.outputs)
