"""The JSON intake every route shares: what a request may carry before any view looks at it.

Native routes (through the DRF parser and `StrictJSONField`) and the Roboflow-compatible routes
(through `parse_json_bytes`) parse JSON here, so one body gets one answer everywhere:

- nesting deeper than `BLOCKWISE_MAX_JSON_DEPTH` is refused (Python's recursion limit would
  otherwise turn a deep document into a 500 somewhere later: the engine, a serializer, the database);
- `NaN`, `Infinity` and numbers that overflow a float are refused: they are not JSON and neither
  database stores them;
- integers longer than `MAX_INTEGER_DIGITS` are refused (no id, count or bound needs more);
- lone UTF-16 surrogates (`"\\ud800"`) are refused: they cannot be encoded as UTF-8, so a stored one
  would fail every later read;
- NUL characters are refused on every database, because PostgreSQL cannot store them in text or jsonb.

Each refusal is a 400 with its own stable code and the JSON Pointer of the first offending value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from blocks.errors import DomainError, ErrorCode

MAX_INTEGER_DIGITS = 40
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_ID = re.compile(r"[0-9]{1,18}")


class JsonIntakeError(DomainError):
    """JSON that parses but that the API does not accept; `code` says which rule it broke."""


def _refuse(code: ErrorCode, message: str, path: str = "") -> JsonIntakeError:
    return JsonIntakeError(message, code=code, details=[{"path": path, "code": code, "message": message}])


def _constant(name: str) -> Any:
    raise _refuse(ErrorCode.NON_FINITE_NUMBER, f"`{name}` is not a JSON number; send a finite number.")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _refuse(ErrorCode.NUMBER_TOO_LARGE, f"Integers have at most {MAX_INTEGER_DIGITS} digits.")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _refuse(ErrorCode.NON_FINITE_NUMBER, f"The number {text[:40]} is too large for a float.")
    return value


def _syntax_error(exc: json.JSONDecodeError) -> DomainError:
    return DomainError(
        f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
        code=ErrorCode.PARSE_ERROR,
        details=[
            {
                "path": "",
                "code": ErrorCode.PARSE_ERROR,
                "message": exc.msg,
                "line": exc.lineno,
                "column": exc.colno,
                "position": exc.pos,
            }
        ],
    )


def json_loads(data: bytes | str) -> Any:
    """Parse a JSON document and hold it to the intake rules (module docstring)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DomainError(
                "The request body is not UTF-8 text.",
                code=ErrorCode.PARSE_ERROR,
                details=[{"path": "", "code": ErrorCode.PARSE_ERROR, "message": str(exc), "position": exc.start}],
            ) from exc
    else:
        text = data
    try:
        value = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise _syntax_error(exc) from exc
    except RecursionError as exc:
        raise _too_deep("") from exc
    if _may_break_text_or_depth_rules(text):
        json_check(value)
    return value


def _may_break_text_or_depth_rules(text: str) -> bool:
    """Whether parsed JSON can hold what only `json_check` finds: numbers were held to the rules while
    parsing, and strict parsing refuses raw control characters, so a NUL or a lone surrogate can only
    come from a `\\u` escape (or, in text not decoded from UTF-8 here, from any non-ASCII character),
    and nesting needs as many brackets. Most bodies have none of these and are not walked a second
    time (the walk cost more than the parse on a 1-step validation)."""
    return not text.isascii() or "\\u" in text or text.count("[") + text.count("{") >= settings.BLOCKWISE_MAX_JSON_DEPTH


def _too_deep(path: str) -> JsonIntakeError:
    limit = settings.BLOCKWISE_MAX_JSON_DEPTH
    return _refuse(ErrorCode.TOO_DEEP, f"JSON may nest at most {limit} arrays or objects deep.", path)


def _pointer(parts: tuple[str, ...]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _check_text(text: str, parts: tuple[str, ...]) -> None:
    if "\x00" in text:
        raise _refuse(ErrorCode.NUL_CHARACTER, "Text may not contain the NUL character (\\u0000).", _pointer(parts))
    # An ASCII string cannot hold a surrogate; the flag check is O(1), so base64 images cost nothing here.
    if not text.isascii() and _SURROGATE.search(text):
        raise _refuse(
            ErrorCode.INVALID_UNICODE,
            "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff).",
            _pointer(parts),
        )


def json_check(value: Any, *, texts: bool = True) -> None:
    """Hold an already parsed value (a form field, a query value) to the intake rules, iteratively;
    with `texts=False` its strings are known to hold neither NUL nor a lone surrogate and are not looked at."""
    limit = settings.BLOCKWISE_MAX_JSON_DEPTH
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 0, ())]
    while stack:
        item, depth, parts = stack.pop()
        if isinstance(item, str):
            if texts:
                _check_text(item, parts)
        elif isinstance(item, float) and not math.isfinite(item):
            raise _refuse(ErrorCode.NON_FINITE_NUMBER, "NaN and infinite numbers are not JSON.", _pointer(parts))
        elif isinstance(item, int) and not isinstance(item, bool) and len(str(abs(item))) > MAX_INTEGER_DIGITS:
            raise _refuse(
                ErrorCode.NUMBER_TOO_LARGE, f"Integers have at most {MAX_INTEGER_DIGITS} digits.", _pointer(parts)
            )
        elif isinstance(item, dict | list):
            if depth >= limit:
                raise _too_deep(_pointer(parts))
            if isinstance(item, dict):
                for key, child in item.items():
                    if texts:
                        _check_text(key, (*parts, key))
                    stack.append((child, depth + 1, (*parts, key)))
            else:
                stack.extend((child, depth + 1, (*parts, str(index))) for index, child in enumerate(item))


def _under(field: str, exc: DomainError) -> DomainError:
    """The same refusal, its paths moved under `/field` (the value came from that field)."""
    details = [{**detail, "path": f"/{field}{detail.get('path', '')}"} for detail in exc.details]
    message = exc.message.replace("The request body", f"The `{field}` field")
    return type(exc)(message, code=exc.code, details=details, extra=exc.extra)


def json_field_loads(text: str | bytes, *, field: str) -> Any:
    """`json_loads` for a JSON document sent as the text of a form field."""
    try:
        return json_loads(text)
    except DomainError as exc:
        raise _under(field, exc) from exc


class StrictJSONField(serializers.JSONField):
    """A JSON field that applies the intake rules to form input too (a form sends JSON as text),
    and where a form's `null` is refused like a JSON `null` unless `allow_null` is set."""

    def to_internal_value(self, data: Any) -> Any:
        if getattr(data, "is_json_string", False) or (self.binary and isinstance(data, str | bytes)):
            value = json_field_loads(data, field=self.field_name or "")
        else:
            try:
                json_check(data)
            except DomainError as exc:
                raise _under(self.field_name or "", exc) from exc
            value = data
        if value is None and not self.allow_null:
            self.fail("null")
        return value


class _TypedJSONField(StrictJSONField):
    expected: type = object
    default_error_messages = {"wrong_type": "Must be a JSON {kind}."}

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, self.expected):
            self.fail("wrong_type", kind="object" if self.expected is dict else "array")
        return value


@extend_schema_field({"type": "object", "additionalProperties": {}})
class JSONObjectField(_TypedJSONField):
    """A JSON object (a workflow definition, run inputs, a manifest)."""

    expected = dict


@extend_schema_field({"type": "array", "items": {}})
class JSONArrayField(_TypedJSONField):
    expected = list


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string: DRF would turn `0` or `1.5` into "0" or "1.5"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false` only: DRF would also take 0, 1, "yes" and "off"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF would also take "7", 7.0 and `true`."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictFloatField(serializers.FloatField):
    """A JSON number only: DRF would also take "1.5" and `true`."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


def ascii_id(text: str) -> int | None:
    """An id from a URL: ASCII digits only (`str.isdigit` accepts `²` and `٣`), at most 18 of them."""
    return int(text) if _ASCII_ID.fullmatch(text) else None


class RefuseNulMiddleware:
    """A NUL in the path or the query string is refused before any view runs, on every database
    (PostgreSQL cannot compare text with NUL, so a lookup would fail deep in the driver)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        texts = [request.path_info, *request.GET.keys(), *(v for _, values in request.GET.lists() for v in values)]
        if any("\x00" in text for text in texts):
            message = "The URL may not contain the NUL character (%00)."
            if request.path_info.startswith("/api/"):
                body: dict[str, Any] = {
                    "code": ErrorCode.NUL_CHARACTER,
                    "message": message,
                    "details": [{"path": "", "code": ErrorCode.NUL_CHARACTER, "message": message}],
                }
            else:
                body = {"message": message}
            return JsonResponse(body, status=400)
        return self.get_response(request)
