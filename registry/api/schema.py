"""How the OpenAPI schema describes the API beyond what drf-spectacular infers from the views.

- Every operation lists the error answers it can give, each with the one error shape
  (`registry/api/errors.py`): 400 (the intake refuses some URL or body), 401 (a wrong credential),
  403 (a permission or, for writes, CSRF), 404 (paths with ids), 413/415 (bodies), 429 (rate limits),
  plus what a view declares in `error_statuses` (409 for conflicts, 5xx for model servers).
- Operations that anonymous callers may use carry the empty security requirement (`{}`), worked out
  from the view's own permission classes, so public reads are not marked as needing sign-in.
- `paginated()` describes the `{"count", "results"}` envelope the list endpoints answer with.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from pydantic import BaseModel, Field, create_model
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

ID_MAX = 2**63 - 1
ERROR_DESCRIPTIONS = {
    400: "The request is not valid (details say where and why).",
    401: "Not signed in, or a wrong credential.",
    402: "The model server wants payment (Roboflow credits).",
    403: "Signed in without the permission, or a write without the CSRF token.",
    404: "No such object, or not one the caller may see.",
    409: "A conflict with the stored state (a stale revision, different content, a concurrent change).",
    413: "The request body is over the size limit.",
    415: "The body's media type is not one this operation takes.",
    429: "Too many requests or wrong passwords; try again later.",
    502: "The model server answered with something that is not a prediction.",
    503: "A server the request needs (a model server, the job queue) is unavailable.",
    504: "The model server did not answer in time.",
}


class ErrorDetailSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(required=False, help_text="JSON Pointer into the request.")
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="A stable code, e.g. `invalid`, `stale_revision`, `too_deep`.")
    message = serializers.CharField()
    details = ErrorDetailSerializer(many=True)


def paginated(name: str, item: serializers.BaseSerializer[Any] | type[BaseModel]) -> Any:
    """The list envelope: every result at once, with their count. `item` is a serializer (`many=True`)
    or the pydantic model of one result."""
    envelope: Any = (
        create_model(name, count=(int, Field(ge=0)), results=(list[item], ...))  # type: ignore[valid-type]
        if isinstance(item, type)
        else inline_serializer(name, {"count": serializers.IntegerField(min_value=0), "results": item})
    )
    envelope.is_list_envelope = True  # read by get_operation_id
    return envelope


class BlockwiseAutoSchema(AutoSchema):
    def _anonymous_allowed(self) -> bool:
        request = cast(Request, SimpleNamespace(method=self.method, user=AnonymousUser()))
        return all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)  # type: ignore[no-untyped-call]
        for parameter in parameters:
            # Ids and revision numbers: Django's `int` converter takes ASCII digits only.
            if parameter["schema"].get("type") == "integer":
                parameter["schema"] |= {"minimum": 0, "maximum": ID_MAX}
        return parameters

    def get_operation_id(self) -> str:
        operation_id: str = super().get_operation_id()
        if getattr(self.get_response_serializers(), "is_list_envelope", False):
            operation_id = operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _error_statuses(self) -> set[int]:
        statuses = {400, 401}
        if self.method not in SAFE_METHODS or not self._anonymous_allowed():
            statuses.add(403)
        if "{" in self.path:
            statuses.add(404)
        if self.method in {"POST", "PUT", "PATCH"}:
            statuses |= {413, 415}
        # DRF's throttles, and the limits on anonymous callers (registry.api.throttles.AnonymousLimited).
        if self.view.get_throttles() or self.method in getattr(self.view, "anonymous_methods", ()):
            statuses.add(429)
        declared: dict[str, tuple[int, ...]] = getattr(self.view, "error_statuses", {})
        statuses.update(declared.get(self.method, ()))
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses()):
            if str(status) not in responses:
                error = OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
                responses[str(status)] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    error, str(status), direction=direction
                )
        return responses
