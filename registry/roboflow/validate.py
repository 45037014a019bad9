"""Roboflow's `POST /workflows/validate`: the raw definition as the body (spec section 4)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blocks.errors import DomainError
from executor.compiler.nesting import has_saved_references
from registry.api.limits import check_declared_length, parse_json_bytes, read_limited
from registry.api.throttles import AnonymousValidateThrottle, roboflow_throttled
from registry.roboflow.callers import roboflow_caller
from registry.roboflow.errors import compilation_failed, missing_field, refusal, syntax_error
from registry.selectors.workflows import workflow_compile


def _caller(request: HttpRequest) -> User | None:
    """The signed-in caller (by token or key), whose saved workflows inner workflow steps may use."""
    try:
        return roboflow_caller(request, {"api_key": request.GET.get("api_key")}).user
    except DomainError:
        return None


@csrf_exempt
@require_POST
def workflow_validate(request: HttpRequest) -> JsonResponse:
    user = _caller(request)
    throttled = roboflow_throttled(request, AnonymousValidateThrottle(), signed_in=user is not None)
    if throttled is not None:
        return throttled
    try:
        # From the stream, not `request.body`: an over-size body is a JSON 413 before it is buffered.
        check_declared_length(request.META, settings.BLOCKWISE_MAX_BODY_BYTES)
        raw = read_limited(request, settings.BLOCKWISE_MAX_BODY_BYTES)
    except DomainError as exc:
        return refusal(exc)
    try:
        # The intake's refusals (bad JSON, a NUL, a huge number) come before the body's shape is looked at.
        definition = parse_json_bytes(raw)
    except DomainError as exc:
        return syntax_error(exc.message)
    if not isinstance(definition, dict):
        # FastAPI refuses such a body before Roboflow's route runs.
        return missing_field(msg="Input should be a valid dictionary", error_type="dict_type")
    result = workflow_compile(definition, user=user)
    response = JsonResponse({"status": "ok"}) if result.valid else compilation_failed(result, definition)
    if has_saved_references(definition):
        # The answer follows the saved workflows named, not only the catalog: never replay it.
        response["Cache-Control"] = "no-store"
    return response
