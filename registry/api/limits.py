"""The one path a request body takes in: read under a size limit (413 past it), then parsed as JSON
(a located 400). Both surfaces use it: the native API through `LimitedJSONParser` and
`LimitedUploadHandler`, the Roboflow-compatible routes through `body_read` and `parse_json_bytes`.

The JSON rules themselves (depth, numbers, text) live in `registry.api.intake`, which this module
calls and which never calls back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, Protocol

import msgspec
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from rest_framework.parsers import BaseParser

from blocks.errors import ErrorCode
from registry.api.errors import ApiError, PayloadTooLargeError
from registry.api.intake import json_check, json_loads


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def read_limited(stream: _Readable, limit: int) -> bytes:
    """Read at most `limit` bytes; more is a 413 (the rest is never buffered)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(
            f"The request body is larger than the limit of {limit} bytes.",
            extra={"limit_bytes": limit},
        )
    return data


def check_declared_length(meta: Mapping[str, Any], limit: int) -> None:
    """A body whose Content-Length is over the limit is refused before a byte of it is read."""
    declared = str(meta.get("CONTENT_LENGTH") or "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(
            f"The request body is larger than the limit of {limit} bytes.", extra={"limit_bytes": limit}
        )


class LimitedUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as the body or one file is over its limit, while it streams
    in, instead of after Django has read it whole. Chunks within the limits pass on unchanged."""

    def __init__(self, request: HttpRequest, *, max_body_bytes: int, max_file_bytes: int) -> None:
        super().__init__(request)
        self.max_body_bytes = max_body_bytes
        self.max_file_bytes = max_file_bytes

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],  # noqa: N803 (Django's parameter name)
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        check_declared_length(META, self.max_body_bytes)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_file_bytes:
            raise PayloadTooLargeError(
                f"The file `{self.field_name}` is larger than the limit of {self.max_file_bytes} bytes.",
                extra={"limit_bytes": self.max_file_bytes},
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def body_read(request: HttpRequest, *, limit: int) -> bytes:
    """The body of a plain Django request, read from the stream (never `request.body`): a declared or
    actual size over `limit` is a 413 before the rest is buffered."""
    check_declared_length(request.META, limit)
    return read_limited(request, limit)


def parse_json_bytes(data: bytes) -> Any:
    """Parse JSON strictly (see `registry.api.intake`), reporting the line and column of a syntax error.

    msgspec parses first: a run carries its images as base64 in the JSON (64 photos are a 25 MB body),
    where the standard library's parser was most of the request's own time (bench_serving prints the
    split), and msgspec keeps integers of any length exact, as the standard library does. Whatever it
    refuses (not JSON, not UTF-8, NaN, a number out of a float's range, a lone surrogate, nesting deeper
    than it recurses) is parsed again by the intake, so every refusal keeps its code, message, line and
    column; what it accepts is held to the intake's rules by `json_check` (depth, NUL, integer length).
    msgspec refuses raw control characters and UTF-8 that encodes a surrogate, so a NUL or a lone
    surrogate can only come from a `\\u` escape: in a body with no backslash (base64 images have none)
    the strings are not looked at again."""
    try:
        value = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return json_loads(data)  # raises the intake's refusal (or accepts what it accepts)
    json_check(value, texts=b"\\" in data)
    return value


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        if stream is None:
            return None
        # A view may allow larger bodies (runs carry base64 images) by setting `max_body_bytes`.
        view = (parser_context or {}).get("view")
        limit = getattr(view, "max_body_bytes", None) or settings.BLOCKWISE_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        if request is not None:
            check_declared_length(request.META, limit)
        return parse_json_bytes(read_limited(stream, limit))


def require_object(data: Any, *, what: str = "The request body") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError(
            f"{what} must be a JSON object.",
            code=ErrorCode.PARSE_ERROR,
            details=[{"path": "", "code": ErrorCode.INVALID_TYPE, "message": f"got {type(data).__name__}"}],
        )
    return data
