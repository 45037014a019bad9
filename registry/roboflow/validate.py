"""Roboflow's `POST /workflows/validate`: the raw definition as the body (spec section 4)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from executor.compiler.roboflow import roboflow_error, syntax_error_body
from registry.api.errors import ApiError
from registry.api.limits import check_declared_length, parse_json_bytes, read_limited
from registry.api.throttles import AnonymousValidateThrottle, roboflow_throttled
from registry.roboflow.callers import roboflow_caller
from registry.selectors.workflows import workflow_compile


def syntax_error(message: str) -> JsonResponse:
    return JsonResponse(syntax_error_body(message), status=400)


def _signed_in(request: HttpRequest) -> bool:
    try:
        return roboflow_caller(request, {"api_key": request.GET.get("api_key")}).user is not None
    except ApiError:
        return False


@csrf_exempt
@require_POST
def workflow_validate(request: HttpRequest) -> JsonResponse:
    throttled = roboflow_throttled(request, AnonymousValidateThrottle(), signed_in=_signed_in(request))
    if throttled is not None:
        return throttled
    try:
        # From the stream, not `request.body`: an over-size body is a JSON 413 before it is buffered.
        check_declared_length(request.META, settings.BLOCKWISE_MAX_BODY_BYTES)
        definition = parse_json_bytes(read_limited(request, settings.BLOCKWISE_MAX_BODY_BYTES))
    except ApiError as exc:
        if exc.status_code == 413:
            return JsonResponse({"message": exc.message}, status=413)
        return syntax_error(exc.message)
    if not isinstance(definition, dict):
        # FastAPI refuses such a body before Roboflow's route runs.
        detail = {"type": "dict_type", "loc": ["body"], "msg": "Input should be a valid dictionary"}
        return JsonResponse({"detail": [detail]}, status=422)
    result = workflow_compile(definition)
    if result.valid:
        return JsonResponse({"status": "ok"})
    status, body = roboflow_error(result, definition)
    return JsonResponse(body, status=status)
