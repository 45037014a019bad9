"""Request parsing with limits: bodies over the size limit get 413, malformed JSON a located 400.

The JSON rules themselves (depth, numbers, text) live in `registry.api.intake`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.parsers import BaseParser

from registry.api.errors import ApiError, PayloadTooLargeError


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read at most `limit` bytes; more is a 413 (the rest is never buffered)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(
            f"The request body is larger than the limit of {limit} bytes.",
            extra={"limit_bytes": limit},
        )
    return data


def parse_json_bytes(data: bytes) -> Any:
    """Parse JSON strictly (see `registry.api.intake`), reporting the line and column of a syntax error."""
    from registry.api.intake import json_loads

    return json_loads(data)


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
        return parse_json_bytes(read_limited(stream, limit))


def require_object(data: Any, *, what: str = "The request body") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError(
            f"{what} must be a JSON object.",
            code="parse_error",
            details=[{"path": "", "code": "invalid_type", "message": f"got {type(data).__name__}"}],
        )
    return data
