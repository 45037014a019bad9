"""Lifecycle endpoints. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.compatibility.policy import Compatibility
from blocks.errors import ErrorCode
from blocks.validation import canonical_description
from registry.api.catalog.serializers import BlockRegisterSerializer
from registry.api.catalog.views import StaffWrites, registration_description
from registry.api.errors import ApiError
from registry.api.evaluations.gate import GATE_PARAMETERS, gate_from_query
from registry.api.lifecycle.serializers import (
    AuditQuerySerializer,
    AuditRecordSerializer,
    CompatibilitySerializer,
    UpgradeInputSerializer,
    UpgradePreviewInputSerializer,
)
from registry.api.limits import require_object
from registry.api.responses import shaped
from registry.api.schema import paginated
from registry.selectors import shapes
from registry.selectors.audit import audit_list
from registry.selectors.catalog import block_version_get
from registry.selectors.compatibility import (
    block_type_get,
    compatibility_check,
    compatibility_get,
    family_diff,
    family_version_get,
)
from registry.selectors.upgrades import workflow_upgrade_preview
from registry.selectors.usages import block_version_usages
from registry.selectors.workflows import workflow_get
from registry.services.compatibility import compatibility_delete, compatibility_set
from registry.services.upgrades import workflow_upgrade


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"true", "1", "yes"}


def _compatibility(request: Request) -> Compatibility:
    serializer = CompatibilitySerializer(data=require_object(request.data))
    serializer.is_valid(raise_exception=True)
    return Compatibility(serializer.validated_data["compatibility"])


class CompatibilityApi(APIView):
    """The global default compatibility mode."""

    permission_classes = [StaffWrites]

    @extend_schema(responses=shapes.CompatibilityOut)
    def get(self, request: Request) -> Response:
        mode, scope = compatibility_get()
        return shaped(shapes.CompatibilityOut(compatibility=mode, scope=scope))

    @extend_schema(request=CompatibilitySerializer, responses=shapes.Compatibility)
    def put(self, request: Request) -> Response:
        mode = compatibility_set(compatibility=_compatibility(request), user=request.user)
        return shaped(shapes.Compatibility(compatibility=mode))


class FamilyCompatibilityApi(APIView):
    permission_classes = [StaffWrites]

    @extend_schema(responses=shapes.CompatibilityOut)
    def get(self, request: Request, family: str) -> Response:
        block_type_get(family)
        mode, scope = compatibility_get(family=family)
        return shaped(shapes.CompatibilityOut(compatibility=mode, scope=scope))

    @extend_schema(request=CompatibilitySerializer, responses=shapes.Compatibility)
    def put(self, request: Request, family: str) -> Response:
        mode = compatibility_set(compatibility=_compatibility(request), user=request.user, family=family)
        return shaped(shapes.Compatibility(compatibility=mode))

    @extend_schema(responses=shapes.CompatibilityOut)
    def delete(self, request: Request, family: str) -> Response:
        mode = compatibility_delete(family=family, user=request.user)
        return shaped(shapes.CompatibilityOut(compatibility=mode, scope=compatibility_get(family=family)[1]))


class FamilyCompatibilityCheckApi(APIView):
    @extend_schema(request=BlockRegisterSerializer, responses=shapes.CompatibilityCheck)
    def post(self, request: Request, family: str) -> Response:
        block_type_get(family)
        body = require_object(request.data)
        description = canonical_description(registration_description(body))
        if not isinstance(description.get("manifest_type_identifier"), str):
            raise ApiError(
                "The body needs a block description with `manifest_type_identifier`, or `manifest` + `outputs`.",
                code=ErrorCode.INVALID_MANIFEST,
                details=[{"path": "/manifest_type_identifier", "code": ErrorCode.MISSING, "message": "required"}],
            )
        report = compatibility_check(description=description, family=family)
        return shaped(shapes.CompatibilityCheck.model_validate(report.as_dict()))


class FamilyDiffApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="`v1` or a type identifier"),
            OpenApiParameter("to", str, required=True, description="`v2` or a type identifier"),
        ],
        responses=shapes.Diff,
    )
    def get(self, request: Request, family: str) -> Response:
        block_type_get(family)
        old, new = request.query_params.get("from", ""), request.query_params.get("to", "")
        if not old or not new:
            raise ApiError(
                "Give the two versions to compare as `?from=v1&to=v2`.",
                code=ErrorCode.INVALID,
                details=[{"path": name, "code": ErrorCode.REQUIRED, "message": "required"} for name in ("from", "to")],
            )
        before, after, changes = family_diff(family=family, old=old, new=new)
        return shaped(
            shapes.Diff(
                family=family,
                from_=before.type_identifier,
                to=after.type_identifier,
                changes=[shapes.Change.model_validate(change.as_dict()) for change in changes],
            )
        )


class BlockUsagesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("target", str, description="`vN` or a type identifier: list what would break")],
        responses=shapes.Usages,
    )
    def get(self, request: Request, type_identifier: str) -> Response:
        row = block_version_get(type_identifier)
        label = request.query_params.get("target", "")
        target = family_version_get(row.block_type.family, label) if label else None
        return shaped(shapes.Usages.model_validate(block_version_usages(row=row, user=request.user, target=target)))


class WorkflowUpgradeApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: `base_revision` is not the workflow's current revision.
    error_statuses = {"POST": (409,)}

    @extend_schema(
        request=UpgradeInputSerializer,
        parameters=[OpenApiParameter("dry_run", bool, description="preview: nothing is written"), *GATE_PARAMETERS],
        responses={200: shapes.UpgradeOut, 201: shapes.UpgradeOut},
    )
    def post(self, request: Request, workflow_id: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id, for_change=True)
        serializer = UpgradeInputSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dry_run = _flag(request, "dry_run")

        def proposed() -> Any:
            current = workflow.revisions.get(number=workflow.revision).definition
            return workflow_upgrade_preview(
                definition=current, targets=data["steps"], to_default=data["to_default"]
            ).specification

        gate = gate_from_query(request, workflow=workflow, candidate=proposed)
        plan, revision = workflow_upgrade(
            workflow=workflow,
            user=request.user,  # type: ignore[arg-type]
            base_revision=data["base_revision"],
            targets=data["steps"],
            to_default=data["to_default"],
            dry_run=dry_run,
            message=data["message"],
        )
        answer = shapes.UpgradeOut.model_validate(
            {
                **plan.as_dict(),
                "dry_run": dry_run,
                "base_revision": data["base_revision"],
                "revision": revision.number if revision is not None else None,
                "gate": gate,
            }
        )
        return shaped(answer, status=201 if revision is not None else 200)


class UpgradePreviewApi(APIView):
    """The upgrade plan of any definition (the editor's open document): nothing is saved."""

    @extend_schema(
        operation_id="workflow_upgrade_preview", request=UpgradePreviewInputSerializer, responses=shapes.UpgradePlan
    )
    def post(self, request: Request) -> Response:
        serializer = UpgradePreviewInputSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = workflow_upgrade_preview(
            definition=data["specification"], targets=data["steps"], to_default=data["to_default"]
        )
        return shaped(shapes.UpgradePlan.model_validate(plan.as_dict()))


class AuditListApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        parameters=[AuditQuerySerializer],
        responses=paginated("PaginatedAuditRecordList", AuditRecordSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        query = AuditQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        records, count = audit_list(**query.validated_data)
        return Response({"count": count, "results": AuditRecordSerializer(records, many=True).data})
