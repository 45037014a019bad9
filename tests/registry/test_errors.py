"""registry/api/errors.py: the one table from domain errors to HTTP statuses."""

from typing import get_type_hints

from rest_framework import exceptions as drf_exceptions

from blocks.errors import (
    ConflictError,
    DomainError,
    ErrorCode,
    InternalError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from blocks.ports import ModelAuthError, ModelCreditsError, ModelTimeoutError, ModelUnavailableError
from blocks.runtime import BlockRunError
from executor.compiler.issues import IssueList
from executor.images import ImageError, ImageRequestTooLargeError
from registry.api.errors import ApiError, exception_handler, http_status


def test_kinds_of_failure_and_codes_map_to_statuses():
    errors = [
        DomainError("plain"),
        NotFoundError("x", code=ErrorCode.UNKNOWN_FAMILY),
        ConflictError("x", code=ErrorCode.STALE_REVISION),
        PermissionDeniedError("x"),
        PayloadTooLargeError("x", code=ErrorCode.ZIP_TOO_LARGE),
        InternalError("x", code=ErrorCode.STEP_FAILED),
        BlockRunError("x"),
        ModelAuthError("x"),
        ModelCreditsError("x"),
        ModelTimeoutError("x"),
        ModelUnavailableError("x"),
        DomainError("x", code=ErrorCode.BLOCK_DISABLED),
        DomainError("x", code=ErrorCode.RUN_TIMEOUT),
        ImageError("x", code=ErrorCode.TOO_MANY_PIXELS),
        ImageRequestTooLargeError("x", code=ErrorCode.TOO_MANY_PIXELS),
    ]
    assert [http_status(error) for error in errors] == [
        400, 404, 409, 403, 413, 500, 400, 401, 402, 504, 503, 409, 504, 400, 413
    ]  # fmt: skip


def test_an_error_that_wraps_another_answers_as_its_cause():
    wrapped = DomainError("the run failed", code=ErrorCode.MODEL_TIMEOUT, cause=ModelTimeoutError("slow"))
    assert http_status(wrapped) == 504
    step_failure = DomainError(
        "the run failed", code=ErrorCode.STEP_FAILED, cause=InternalError("bug", code=ErrorCode.STEP_FAILED)
    )
    assert http_status(step_failure) == 500


class _TooManyRequestsError(ApiError):
    status_code = 429
    code = ErrorCode.THROTTLED


def test_an_http_layer_error_may_name_its_own_status():
    assert http_status(_TooManyRequestsError("slow down")) == 429
    assert http_status(ApiError("x", code=ErrorCode.PARSE_ERROR)) == 400
    assert http_status(ApiError("x", code=ErrorCode.AUTHENTICATION_FAILED)) == 401
    assert http_status(ApiError("x", code=ErrorCode.THROTTLED, status_code=429)) == 429


def test_codes_come_from_the_enum_only():
    # The signatures say ErrorCode, so mypy (strict, in `make checks`) refuses a code written as text.
    for error_init in (DomainError.__init__, ApiError.__init__):
        assert get_type_hints(error_init)["code"] == ErrorCode | None
    assert get_type_hints(IssueList.error)["code"] is ErrorCode
    assert DomainError("x", code=ErrorCode.NOT_FOUND).code is ErrorCode.NOT_FOUND
    assert NotFoundError("gone").as_body() == {"code": "not_found", "message": "gone", "details": []}


def _drf_exceptions() -> list[type[drf_exceptions.APIException]]:
    found, todo = [], [drf_exceptions.APIException]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return [kind for kind in found if kind.__module__ == "rest_framework.exceptions"]


def test_every_drf_exception_answers_with_its_own_code():
    kinds = _drf_exceptions()
    assert drf_exceptions.Throttled in kinds and drf_exceptions.ValidationError in kinds
    for kind in kinds:
        assert ErrorCode(kind.default_code) == kind.default_code
    response = exception_handler(drf_exceptions.Throttled(wait=3), {})
    assert response is not None and response.data["code"] is ErrorCode.THROTTLED


def test_validation_details_come_from_drfs_full_details():
    error = drf_exceptions.ValidationError(
        {
            "name": ["This field is required."],
            "steps": [{}, {"type": [drf_exceptions.ErrorDetail("bad", code="blank")]}],
        }
    )
    response = exception_handler(error, {})
    assert response is not None and response.data == {
        "code": "invalid",
        "message": "The request is not valid.",
        "details": [
            {"path": "/name", "code": "invalid", "message": "This field is required."},
            {"path": "/steps/1/type", "code": "blank", "message": "bad"},
        ],
    }
