"""One place that renders every API error as ``{"code", "message", "details"}``.

Views raise; they never build error responses themselves. ``ApiError`` carries a stable code and
structured details; DRF's own exceptions are mapped onto the same shape so clients see one format.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response


class ApiError(Exception):
    """An error with a stable code, an HTTP status and structured details."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.details = details or []
        self.extra = extra or {}

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, **self.extra}


class NotFoundError(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class ConflictError(ApiError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class PayloadTooLargeError(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "payload_too_large"


_DRF_CODES: dict[type[Exception], str] = {
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.ParseError: "parse_error",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
    drf_exceptions.NotAcceptable: "not_acceptable",
}


def _validation_details(data: Any, path: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested validation errors into JSON-Pointer-addressed details."""
    details: list[dict[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = path if key == "non_field_errors" else f"{path}/{key}"
            details.extend(_validation_details(value, child))
    elif isinstance(data, list):
        if all(isinstance(item, drf_exceptions.ErrorDetail) for item in data):
            for item in data:
                details.append({"path": path, "code": str(item.code), "message": str(item)})
        else:
            for index, item in enumerate(data):
                details.extend(_validation_details(item, f"{path}/{index}"))
    elif isinstance(data, drf_exceptions.ErrorDetail):
        details.append({"path": path, "code": str(data.code), "message": str(data)})
    return details


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here: rest_framework.views reads the parser settings, and our parser imports this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ApiError):
        return Response(exc.as_body(), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLargeError("The request body is over the size limit.")
        return Response(exc.as_body(), status=exc.status_code)
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a request (too many form fields or files, a broken multipart body).
        return Response({"code": "bad_request", "message": str(exc), "details": []}, status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    if isinstance(exc, drf_exceptions.ValidationError):
        body = {
            "code": "invalid",
            "message": "The request is not valid.",
            "details": _validation_details(exc.detail),
        }
    else:
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
        body = {"code": code, "message": str(exc.detail), "details": []}
    response.data = body
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (a URL no route matches) in the API's shape under /api/, its HTML page elsewhere."""
    if request.path_info.startswith("/api/"):
        body = {"code": "not_found", "message": "No such URL in this API.", "details": []}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 400 (a request it refuses before any view) in the API's shape under /api/."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "bad_request", "message": "The request is not valid.", "details": []}, status=400)
    return defaults.bad_request(request, exception)
