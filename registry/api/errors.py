"""One place that renders every API error as ``{"code", "message", "details"}`` and picks its status.

Services, selectors and the pure packages raise domain errors (`blocks.errors`): a code, never a
status. `HTTP_STATUSES` is the one table that turns them into HTTP statuses, here for the native API
and for the Roboflow-compatible routes alike. Views raise; they never build error responses
themselves. ``ApiError`` is for what only the HTTP layer knows (a body it cannot parse, a failed
login); DRF's own exceptions are mapped onto the same shape so clients see one format.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response

from blocks.errors import (
    ConflictError,
    DomainError,
    ErrorCode,
    InternalError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)

__all__ = ["ApiError", "ConflictError", "DomainError", "NotFoundError", "PayloadTooLargeError", "http_status"]

# Kinds of failure first (the most specific class of the error wins), then codes; anything else is a 400.
HTTP_STATUSES: dict[type[DomainError] | ErrorCode, int] = {
    NotFoundError: status.HTTP_404_NOT_FOUND,
    ConflictError: status.HTTP_409_CONFLICT,
    PermissionDeniedError: status.HTTP_403_FORBIDDEN,
    PayloadTooLargeError: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    InternalError: status.HTTP_500_INTERNAL_SERVER_ERROR,
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.PAYLOAD_TOO_LARGE: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    ErrorCode.AUTHENTICATION_FAILED: status.HTTP_401_UNAUTHORIZED,
    ErrorCode.REQUEST_TIMEOUT: status.HTTP_408_REQUEST_TIMEOUT,
    ErrorCode.BLOCK_DISABLED: status.HTTP_409_CONFLICT,
    ErrorCode.RUN_TIMEOUT: status.HTTP_504_GATEWAY_TIMEOUT,
    ErrorCode.QUEUE_UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
    ErrorCode.LOCKED_OUT: status.HTTP_429_TOO_MANY_REQUESTS,
    ErrorCode.CSRF_FAILED: status.HTTP_403_FORBIDDEN,
    # A model backend's failure answers as Roboflow does.
    ErrorCode.MODEL_ERROR: status.HTTP_500_INTERNAL_SERVER_ERROR,
    ErrorCode.MODEL_NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.MODEL_AUTH_FAILED: status.HTTP_401_UNAUTHORIZED,
    ErrorCode.MODEL_NO_CREDITS: status.HTTP_402_PAYMENT_REQUIRED,
    ErrorCode.MODEL_TIMEOUT: status.HTTP_504_GATEWAY_TIMEOUT,
    ErrorCode.MODEL_UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
    ErrorCode.MODEL_BAD_RESPONSE: status.HTTP_502_BAD_GATEWAY,
}


def http_status(error: DomainError) -> int:
    """The status a domain error answers with; an error that wraps another answers as its cause."""
    while error.cause is not None:
        error = error.cause
    if isinstance(error, ApiError) and error.status_code is not None:
        return error.status_code
    for kind in type(error).__mro__:
        if kind in HTTP_STATUSES:
            return HTTP_STATUSES[kind]
    return HTTP_STATUSES.get(error.code, status.HTTP_400_BAD_REQUEST)


class ApiError(DomainError):
    """An error the HTTP layer raises itself; it may name its own status where the code does not decide it."""

    status_code: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        status_code: int | None = None,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details, extra=extra)
        if status_code is not None:
            self.status_code = status_code


def _is_detail(data: Any) -> bool:
    return isinstance(data, dict) and data.keys() == {"message", "code"} and isinstance(data["message"], str)


def _validation_details(data: Any, path: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested validation errors (`get_full_details()`) into JSON-Pointer-addressed details."""
    if _is_detail(data):
        return [{"path": path, "code": data["code"], "message": str(data["message"])}]
    details: list[dict[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = path if key == "non_field_errors" else f"{path}/{key}"
            details.extend(_validation_details(value, child))
    elif isinstance(data, list):
        leaves = all(_is_detail(item) for item in data)
        for index, item in enumerate(data):
            details.extend(_validation_details(item, path if leaves else f"{path}/{index}"))
    return details


def _drf_code(exc: drf_exceptions.APIException) -> ErrorCode:
    """DRF's own code for the exception (its `default_code`; the enum holds every one DRF defines)."""
    try:
        return ErrorCode(exc.default_code)
    except ValueError:
        return ErrorCode.ERROR


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here: rest_framework.views reads the parser settings, and our parser imports this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLargeError("The request body is over the size limit.")
    if isinstance(exc, DomainError):
        return Response(exc.as_body(), status=http_status(exc))
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a request (too many form fields or files, a broken multipart body).
        refused = DomainError(str(exc), code=ErrorCode.BAD_REQUEST)
        return Response(refused.as_body(), status=http_status(refused))
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    if isinstance(exc, drf_exceptions.ValidationError):
        body = {
            "code": ErrorCode.INVALID,
            "message": "The request is not valid.",
            "details": _validation_details(exc.get_full_details()),
        }
    else:
        body = {"code": _drf_code(exc), "message": str(exc.detail), "details": []}
    response.data = body
    return response


def _answer(error: DomainError) -> JsonResponse:
    """The error's body with its status, for Django's own error views (DRF's handler is not in play)."""
    return JsonResponse(error.as_body(), status=http_status(error))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (a URL no route matches) in the API's shape under /api/, its HTML page elsewhere."""
    if request.path_info.startswith("/api/"):
        return _answer(NotFoundError("No such URL in this API.", code=ErrorCode.NOT_FOUND))
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 400 (a request it refuses before any view) in the API's shape under /api/."""
    if request.path_info.startswith("/api/"):
        return _answer(DomainError("The request is not valid.", code=ErrorCode.BAD_REQUEST))
    return defaults.bad_request(request, exception)
