"""Request bodies of Roboflow's routes: read once and parsed with msgspec, held to the intake's rules.

A run carries its images as base64 in the JSON (64 photos are a 27 MB body), where the intake's
parse (the standard library's parser and its checks over the text) was most of the request's own
time: about ten times what msgspec and `json_check` take on the same body (bench_serving prints the
split). msgspec keeps integers of any length exact, as the standard library does. Whatever it
refuses (not JSON, not UTF-8, NaN, a number out of a float's range, a lone surrogate, nesting deeper
than it recurses) is parsed again by the intake (`registry.api.intake`), so every refusal keeps its
code, its message and its line and column. What it accepts is held to the intake's rules by
`json_check` (depth, NUL, integer length), as the intake holds its own results.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest

from registry.api.intake import json_check, json_loads
from registry.api.limits import check_declared_length, read_limited


def body_loads(data: bytes) -> Any:
    """The JSON document in `data`, or the intake's coded `DomainError` for it."""
    try:
        value = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return json_loads(data)  # raises the intake's refusal (or accepts what it accepts)
    json_check(value)
    return value


def body_read(request: HttpRequest, limit: int) -> bytes:
    """The whole body, from the stream: a declared or actual length over `limit` is a 413 before the
    body is buffered (`request.body` would read it all first)."""
    check_declared_length(request.META, limit)
    return read_limited(request, limit)


def json_bytes(value: Any) -> bytes:
    """`value` as JSON, by msgspec; values it cannot encode (numpy numbers, dates, ...) as `JsonResponse`
    encodes them."""
    try:
        return msgspec.json.encode(value)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value, cls=DjangoJSONEncoder).encode("utf-8")
