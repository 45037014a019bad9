"""registry/api/errors.py: the one table from domain errors to HTTP statuses."""

import pytest

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
from executor.images import ImageError, ImageRequestTooLargeError
from registry.api.errors import ApiError, http_status


def test_kinds_of_failure_and_codes_map_to_statuses():
    errors = [
        DomainError("plain"),
        NotFoundError("x", code="unknown_family"),
        ConflictError("x", code="stale_revision"),
        PermissionDeniedError("x"),
        PayloadTooLargeError("x", code="zip_too_large"),
        InternalError("x", code="step_failed"),
        BlockRunError("x"),
        ModelAuthError("x"),
        ModelCreditsError("x"),
        ModelTimeoutError("x"),
        ModelUnavailableError("x"),
        DomainError("x", code="block_disabled"),
        DomainError("x", code="run_timeout"),
        ImageError("x", code="too_many_pixels"),
        ImageRequestTooLargeError("x", code="too_many_pixels"),
    ]
    assert [http_status(error) for error in errors] == [
        400, 404, 409, 403, 413, 500, 400, 401, 402, 504, 503, 409, 504, 400, 413
    ]  # fmt: skip


def test_an_error_that_wraps_another_answers_as_its_cause():
    wrapped = DomainError("the run failed", code="model_timeout", cause=ModelTimeoutError("slow"))
    assert http_status(wrapped) == 504
    step_failure = DomainError("the run failed", code="step_failed", cause=InternalError("bug", code="step_failed"))
    assert http_status(step_failure) == 500


class _TooManyRequestsError(ApiError):
    status_code = 429
    code = ErrorCode.THROTTLED


def test_an_http_layer_error_may_name_its_own_status():
    assert http_status(_TooManyRequestsError("slow down")) == 429
    assert http_status(ApiError("x", code="parse_error")) == 400
    assert http_status(ApiError("x", code="authentication_failed")) == 401
    assert http_status(ApiError("x", code="throttled", status_code=429)) == 429


def test_codes_come_from_the_enum_only():
    assert DomainError("x", code="not_found").code is ErrorCode.NOT_FOUND
    with pytest.raises(ValueError, match="'no_such_code' is not a valid ErrorCode"):
        DomainError("x", code="no_such_code")
    assert NotFoundError("gone").as_body() == {"code": "not_found", "message": "gone", "details": []}
