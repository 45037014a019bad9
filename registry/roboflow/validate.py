"""Roboflow's `POST /workflows/validate`: the raw definition as the body (spec section 4)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.exceptions import Throttled

from blocks.errors import DomainError
from registry.api.limits import body_read, parse_json_bytes
from registry.api.throttles import ANONYMOUS_VALIDATE, anonymous_limit
from registry.roboflow.callers import roboflow_user
from registry.roboflow.errors import compilation_failed, missing_field, refusal, syntax_error, too_many_requests
from registry.selectors.workflows import workflow_compile


@csrf_exempt
@require_POST
def workflow_validate(request: HttpRequest) -> JsonResponse:
    # Inner workflow steps may name saved workflows the signed-in caller may read.
    user = roboflow_user(request, {"api_key": request.GET.get("api_key")})
    try:
        anonymous_limit(request, ANONYMOUS_VALIDATE, signed_in=user is not None)
    except Throttled as exc:
        return too_many_requests(exc)
    try:
        raw = body_read(request, limit=settings.BLOCKWISE_MAX_BODY_BYTES)
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
    if result.valid:
        return JsonResponse({"status": "ok"})
    return compilation_failed(result, definition)
