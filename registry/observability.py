"""Every request gets an id (the caller's `X-Request-ID` when it is a plain token, else a new one),
sent back in `X-Request-ID` and carried by every log line written while it is served (the server's
access line too: config/body_buffer.py reads it from the answer); and is
counted in the request metrics by route pattern (never the path: paths hold ids) and status."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from executor.log_context import log_context, request_id_for
from executor.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_route(request: HttpRequest) -> str:
    """The URL pattern that served the request, e.g. `/api/v1/runs/<int:run_id>/`; `unmatched` for none."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None and match.route is not None else "unmatched"


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.META.get("HTTP_X_REQUEST_ID"))
        started = time.perf_counter()
        with log_context(request_id=request_id):
            response = self.get_response(request)
        route = request_route(request)
        method = request.method if request.method in METHODS else "other"
        HTTP_REQUESTS.labels(route, method, str(response.status_code)).inc()
        HTTP_REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response
