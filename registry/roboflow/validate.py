"""Roboflow's `POST /workflows/validate`: the raw definition as the body (spec section 4)."""

from __future__ import annotations

import io

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blocks.errors import DomainError, PayloadTooLargeError
from registry.api.limits import parse_json_bytes, read_limited
from registry.roboflow.errors import compilation_failed, refusal, syntax_error
from registry.selectors.workflows import workflow_compile


@csrf_exempt
@require_POST
def workflow_validate(request: HttpRequest) -> JsonResponse:
    try:
        definition = parse_json_bytes(read_limited(io.BytesIO(request.body), settings.BLOCKWISE_MAX_BODY_BYTES))
    except PayloadTooLargeError as exc:
        return refusal(exc)
    except DomainError as exc:
        return syntax_error(exc.message)
    result = workflow_compile(definition)
    if result.valid:
        return JsonResponse({"status": "ok"})
    return compilation_failed(result, definition)
