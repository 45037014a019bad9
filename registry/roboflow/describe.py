"""Roboflow's catalog routes: describe, the definition schema and the engine versions (spec section 4).

The describe payload is computed once per catalog change and served as stored bytes (gzipped ahead
of time for clients that accept it), so a warm read never serialises the catalog.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from blocks.errors import DomainError, ErrorCode
from executor.compiler.parse import ENGINE_VERSION
from registry.api.limits import body_read, parse_json_bytes
from registry.api.responses import stored_json_response
from registry.roboflow.errors import message_response, refusal
from registry.selectors.catalog import published_snapshot

DESCRIBE_BODY_LIMIT = 1024 * 1024


def _engine_version_supported(requested: object) -> bool:
    if requested is None:
        return True
    parts = str(requested).split(".")
    return parts[0] == "1" and all(part.isdigit() for part in parts)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def blocks_describe(request: HttpRequest) -> HttpResponse:
    requested_version: object = None
    raw = b""
    if request.method == "POST":
        try:
            raw = body_read(request, limit=DESCRIBE_BODY_LIMIT)
        except DomainError as exc:
            return refusal(exc)
    if raw:
        try:
            body = parse_json_bytes(raw)
        except DomainError as exc:
            # Malformed JSON is FastAPI's 422 upstream; our intake refusals keep their status.
            if exc.code != ErrorCode.PARSE_ERROR:
                return refusal(exc)
            body = None
        if not isinstance(body, dict):
            return message_response(422, "The request body must be a JSON object.")
        if body.get("dynamic_blocks_definitions"):
            return message_response(400, "Dynamic (custom Python) blocks are not supported by Blockwise.")
        requested_version = body.get("execution_engine_version")
    snapshot = published_snapshot()
    if snapshot is None or not _engine_version_supported(requested_version):
        empty = {
            "blocks": [],
            "declared_kinds": [],
            "kinds_connections": {},
            "primitives_connections": [],
            "universal_query_language_description": {"operations_description": [], "operators_descriptions": []},
            "dynamic_block_definition_schema": {},
        }
        return JsonResponse(empty)
    return stored_json_response(request, snapshot.describe_json, key="describe", version=snapshot.key)


# Read-only routes that never look at the session: other methods get require_GET's 405 rather than
# the CSRF check's 403 (which runs first for any method it does not call safe).
@csrf_exempt
@require_GET
def definition_schema(request: HttpRequest) -> HttpResponse:
    snapshot = published_snapshot()
    if snapshot is None:
        return JsonResponse({"schema": {}})
    return stored_json_response(request, snapshot.definition_schema_json, key="schema", version=snapshot.key)


@csrf_exempt
@require_GET
def execution_engine_versions(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"versions": [str(ENGINE_VERSION)]})
