"""Request bodies the production server did not read whole, answered by Django like every other error.

The server's bridge (config/body_buffer.py) reads each body on granian's event loop before a thread
takes the request. When a body comes too slowly, runs past every size limit, or is announced with a
length that is not a number, the bridge does not answer: it hands the request on with an empty body
and the refusal's code under `BODY_REFUSED` in the WSGI environ. This middleware, first in line,
answers it before anything reads the (empty) body, through the one table of statuses.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from blocks.errors import DomainError, ErrorCode
from registry.api.errors import http_status

# The WSGI environ key the bridge sets; its value is an `ErrorCode` member below.
BODY_REFUSED = "blockwise.body_refused"

REFUSALS: dict[str, str] = {
    ErrorCode.REQUEST_TIMEOUT: "The request body came too slowly.",
    ErrorCode.PAYLOAD_TOO_LARGE: "The request body is too large.",
    ErrorCode.BAD_REQUEST: "Content-Length is not a number.",
}


class BodyRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = request.META.get(BODY_REFUSED)
        if refused is None:
            return self.get_response(request)
        error = DomainError(REFUSALS[refused], code=ErrorCode(refused))
        return JsonResponse(error.as_body(), status=http_status(error))
