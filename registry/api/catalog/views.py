"""Catalog endpoints. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.connections import expanded
from blocks.errors import ErrorCode
from blocks.selectors import grammar_sources
from blocks.validation import canonical_description, description_from_manifest
from registry.api.catalog.serializers import (
    BlockRegisterSerializer,
    BlockStateSerializer,
    BlockVersionDetailSerializer,
    BlockVersionSlimSerializer,
    KindSerializer,
)
from registry.api.errors import ApiError
from registry.api.limits import LimitedJSONParser, require_object
from registry.api.responses import not_modified, shaped, stored_json_response
from registry.api.schema import paginated
from registry.models import BlockVersion, State
from registry.selectors import shapes
from registry.selectors.block_summaries import block_summaries, block_summaries_filtered
from registry.selectors.catalog import (
    block_version_get,
    block_versions_of_family,
    kind_get,
    kind_list,
    kind_usage,
    published_snapshot,
)
from registry.selectors.compatibility import compatibility_check
from registry.services.block_versions import (
    block_version_deprecate,
    block_version_disable,
    block_version_make_default,
    block_version_publish,
    block_version_register,
)


class StaffWrites(BasePermission):
    """Anyone reads; only staff write (401 when anonymous, 403 otherwise)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or IsAdminUser().has_permission(request, view)


def _boolean(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ApiError(
        "`executable` must be true or false.",
        code=ErrorCode.INVALID,
        details=[{"path": "executable", "code": ErrorCode.INVALID, "message": value}],
    )


# Each word is one more LIKE on the catalog's text: SQLite refuses a query past its expression depth
# (about a thousand), and a search of this many words is not a person's.
MAX_SEARCH_WORDS = 32


def _search(value: str) -> str:
    words = value.split()
    if len(words) > MAX_SEARCH_WORDS:
        raise ApiError(
            f"`search` takes at most {MAX_SEARCH_WORDS} words.",
            code=ErrorCode.TOO_MANY_SEARCH_WORDS,
            details=[{"path": "search", "code": ErrorCode.TOO_MANY_SEARCH_WORDS, "message": f"{len(words)} words"}],
        )
    return value


def registration_description(body: dict[str, Any]) -> dict[str, Any]:
    """The BlockDescription in a registration body: given whole, or as `manifest` + `outputs`."""
    if "manifest" in body:
        manifest = require_object(body["manifest"], what="`manifest`")
        outputs = body.get("outputs") or []
        return description_from_manifest(manifest, outputs if isinstance(outputs, list) else [])
    return {k: v for k, v in body.items() if k != "release_notes"}


def _state(value: str) -> str:
    if value and value not in State.values:
        raise ApiError(
            f"`state` is one of {', '.join(State.values)}.",
            code=ErrorCode.INVALID,
            details=[{"path": "state", "code": ErrorCode.INVALID_CHOICE, "message": value[:100]}],
        )
    return value


def _detail(row: Any) -> dict[str, Any]:
    return dict(BlockVersionDetailSerializer(row, context={"versions": block_versions_of_family(row)}).data)


class KindListApi(APIView):
    @extend_schema(responses=paginated("PaginatedKindList", KindSerializer(many=True)))
    def get(self, request: Request) -> Response:
        kinds = list(kind_list())
        context = {"kind_names": [kind.name for kind in kinds]}
        return Response({"count": len(kinds), "results": KindSerializer(kinds, many=True, context=context).data})


class KindDetailApi(APIView):
    @extend_schema(responses=KindSerializer)
    def get(self, request: Request, name: str) -> Response:
        kind = kind_get(name)
        return Response({**KindSerializer(kind).data, "used_by": kind_usage(kind.name)})


class BlockListApi(APIView):
    permission_classes = [StaffWrites]
    parser_classes = [LimitedJSONParser]
    error_statuses = {"POST": (409,)}

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="words matched against name, identifiers, keywords"),
            OpenApiParameter("category", str),
            OpenApiParameter("state", str, enum=["draft", "published", "deprecated", "disabled"]),
            OpenApiParameter("executable", bool),
        ],
        responses=paginated("PaginatedBlockVersionList", BlockVersionSlimSerializer(many=True)),
    )
    def get(self, request: Request) -> HttpResponse:
        search = _search(request.query_params.get("search", ""))
        category = request.query_params.get("category", "")
        state = _state(request.query_params.get("state", ""))
        executable = _boolean(request.query_params.get("executable"))
        summaries = block_summaries()
        if search or category or state or executable is not None:
            rows = block_summaries_filtered(
                summaries, search=search, category=category, state=state, executable=executable
            )
            return Response({"count": len(rows), "results": rows})
        # The whole list (the editor's palette) is the same bytes until a block version changes.
        if request.headers.get("If-None-Match") == summaries.etag:
            return not_modified(summaries.etag)
        return stored_json_response(
            request, summaries.body, key="block-list", version=summaries.fingerprint, etag=summaries.etag
        )

    @extend_schema(
        request=BlockRegisterSerializer,
        parameters=[OpenApiParameter("dry_run", bool)],
        responses={201: BlockVersionDetailSerializer, 200: BlockVersionDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        body = require_object(request.data)
        serializer = BlockRegisterSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        description = registration_description(body)
        dry_run = _boolean(request.query_params.get("dry_run")) or False
        row, created = block_version_register(
            description=description,
            user=request.user,
            release_notes=serializer.validated_data["release_notes"],
            dry_run=dry_run,
        )
        if dry_run:
            # A dry run that gets here passed the family's policy; the report says against what.
            report = compatibility_check(description=canonical_description(description)).as_dict()
            return Response(
                {
                    "dry_run": True,
                    "valid": True,
                    "type_identifier": row.type_identifier,
                    "created": created,
                    "compatibility": report,
                }
            )
        return Response(_detail(row), status=201 if created else 200)


class BlockDetailApi(APIView):
    @extend_schema(responses=BlockVersionDetailSerializer)
    def get(self, request: Request, type_identifier: str) -> Response:
        return Response(_detail(block_version_get(type_identifier)))


_STATE_SERVICES: dict[str, Callable[..., BlockVersion]] = {
    "publish": block_version_publish,
    "disable": block_version_disable,
    "make_default": block_version_make_default,
}


class BlockStateApi(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [LimitedJSONParser]
    error_statuses = {"POST": (409,)}

    @extend_schema(request=BlockStateSerializer, responses=BlockVersionDetailSerializer)
    def post(self, request: Request, type_identifier: str) -> Response:
        serializer = BlockStateSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        action, block_version = data.pop("action"), block_version_get(type_identifier)
        if action == "deprecate":
            row = block_version_deprecate(block_version=block_version, user=request.user, **data)
        else:
            row = _STATE_SERVICES[action](block_version=block_version, user=request.user)
        return Response(_detail(row))


class BlockConnectionsApi(APIView):
    @extend_schema(responses=shapes.BlockConnections)
    def get(self, request: Request, type_identifier: str) -> Response:
        row = block_version_get(type_identifier)
        snapshot = published_snapshot()
        connections = snapshot.graph.blocks.get(row.type_identifier) if snapshot else None
        if snapshot is None or connections is None:
            # Drafts and disabled versions are outside the catalog: nothing connects to them.
            return shaped(shapes.BlockConnections(type_identifier=row.type_identifier, inputs={}, outputs={}))
        return shaped(
            shapes.BlockConnections(type_identifier=row.type_identifier, **expanded(connections, snapshot.graph))
        )


@require_GET
def connection_graph(request: HttpRequest) -> HttpResponse:
    """The whole graph for the editor, served from the stored snapshot with an ETag.

    A plain Django view on purpose: it is polled by every open editor, and a 304 must stay cheap.
    Blocks are listed once in `blocks`; `edges[identifier].inputs[property]` is `"*"` (fed by every
    block) or a list of `[index into blocks, [output names]]`, and `outputs[output]` likewise with
    property names. `selectors` holds the selector grammar's regex sources (`blocks.selectors`).
    """
    snapshot = published_snapshot()
    if snapshot is None:
        empty = {"version": "0", "blocks": [], "edges": {}, "selectors": grammar_sources()}
        return HttpResponse(json.dumps(empty, separators=(",", ":")), content_type="application/json")
    if request.headers.get("If-None-Match") == snapshot.etag:
        return not_modified(snapshot.etag)
    return stored_json_response(request, snapshot.graph_json, key="graph", version=snapshot.key, etag=snapshot.etag)
