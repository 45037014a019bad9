"""Every error body the Roboflow-compatible routes answer with (spec section 5.4), built here only.

Statuses come from the same table as the native API (`registry.api.errors.http_status`); what differs
is the shape: a bare `{"message"}`, FastAPI's 422 `{"detail"}`, or Roboflow's workflow error with its
`error_type`, `context` and, for step errors, `blocks_errors`.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from blocks.errors import DomainError
from executor.compiler import CompilationResult
from executor.compiler.roboflow import PARSING, roboflow_error
from registry.api.errors import http_status
from registry.services.runs import RunFailedError

RUNTIME_CONTEXT = "workflow_execution | runtime_input_validation"
STEP_CONTEXT = "workflow_execution | step_execution"


def message_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


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
    body: dict[str, Any] = {
        "message": message,
        "error_type": error_type,
        "context": context,
        "inner_error_type": None,
        "inner_error_message": None,
    }
    if blocks_errors is not None:
        body |= {
            "blocks_errors": blocks_errors,
            "python_blocks_output_streams": None,
            "python_blocks_debug_traces": None,
        }
    return JsonResponse(body, status=status)


def syntax_error(message: str) -> JsonResponse:
    return workflow_error(message, "WorkflowSyntaxError", PARSING, 400, [])


def compilation_failed(result: CompilationResult, definition: object) -> JsonResponse:
    status, body = roboflow_error(result, definition)
    return JsonResponse(body, status=status)


def run_failed(exc: RunFailedError) -> JsonResponse:
    if exc.compilation is not None:
        return compilation_failed(exc.compilation, exc.specification)
    status = http_status(exc)
    if exc.result is None:
        return workflow_error(exc.message, "RuntimeInputError", RUNTIME_CONTEXT, status)
    if _partial(exc):
        # Some images failed at the model, others did not: the outputs that exist, and what failed.
        return JsonResponse({"outputs": exc.result.outputs, "errors": [e.as_dict() for e in exc.result.errors]})
    block = {
        "block_id": exc.error.get("step"),
        "block_type": None,
        "block_details": None,
        "property_name": None,
        "property_details": None,
        "block_traceback": None,
    }
    if status >= 500:
        # A model server that is down or slow keeps its status (502/503/504); only our own faults are 500s.
        block["property_details"] = exc.message
        return workflow_error(exc.message, "StepExecutionError", STEP_CONTEXT, status, [block])
    return workflow_error(exc.message, "ClientCausedStepExecutionError", STEP_CONTEXT, status, [block])


def _partial(exc: RunFailedError) -> bool:
    """Every error belongs to one element, and at least one element has none."""
    result = exc.result
    if result is None or not result.errors or any(error.element is None for error in result.errors):
        return False
    return len({error.element for error in result.errors}) < len(result.outputs)
