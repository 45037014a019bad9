"""Workflow endpoints: validation (called by the editor on every edit), saved workflows, revisions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.errors import ErrorCode
from registry.api.catalog.serializers import BlockVersionDetailSerializer
from registry.api.errors import ApiError
from registry.api.evaluations.gate import GATE_PARAMETERS, gate_from_query
from registry.api.intake import StrictJSONField
from registry.api.limits import LimitedJSONParser, require_object
from registry.api.schema import paginated
from registry.api.throttles import ANONYMOUS_VALIDATE, AnonymousLimited
from registry.api.workflows.serializers import (
    RevisionDetailSerializer,
    RevisionListSerializer,
    WorkflowCreateSerializer,
    WorkflowDeletedSerializer,
    WorkflowDetailSerializer,
    WorkflowDuplicateSerializer,
    WorkflowListSerializer,
    WorkflowUpdateSerializer,
)
from registry.models import Workflow
from registry.selectors.workflows import (
    workflow_compile,
    workflow_export,
    workflow_get,
    workflow_list,
    workflow_list_deleted,
    workflow_revision_get,
)
from registry.services.workflow_blocks import workflow_block_publish
from registry.services.workflows import (
    RESTORE_PERIOD,
    workflow_create,
    workflow_delete,
    workflow_duplicate,
    workflow_restore,
    workflow_revision_restore,
    workflow_save,
)


class ValidateInputSerializer(serializers.Serializer[Any]):
    specification = StrictJSONField(allow_null=True)


class WorkflowIssueSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    pointer = serializers.CharField()
    step = serializers.CharField(allow_null=True)
    property = serializers.CharField(allow_null=True)
    selector = serializers.CharField(allow_null=True)
    suggestions = serializers.ListField(child=serializers.CharField())


class WorkflowValidateApi(AnonymousLimited):
    parser_classes = [LimitedJSONParser]
    anonymous_scope = ANONYMOUS_VALIDATE

    @extend_schema(
        request=ValidateInputSerializer,
        responses=inline_serializer(
            "WorkflowValidation",
            {
                "valid": serializers.BooleanField(),
                "errors": WorkflowIssueSerializer(many=True),
                "warnings": WorkflowIssueSerializer(many=True),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = ValidateInputSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        result = workflow_compile(serializer.validated_data["specification"], user=request.user)
        too_many = next((issue for issue in result.errors if issue.code == ErrorCode.TOO_MANY_STEPS), None)
        if too_many is not None:
            raise ApiError(too_many.message, code=ErrorCode.TOO_MANY_STEPS, details=[too_many.as_dict()])
        return Response(
            {
                "valid": result.valid,
                "errors": [issue.as_dict() for issue in result.errors],
                "warnings": [issue.as_dict() for issue in result.warnings],
            }
        )


class SignedInWrites(BasePermission):
    """Reading public workflows needs no account; saving does."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


def _detail(workflow: Workflow) -> dict[str, Any]:
    fresh = Workflow.objects.select_related("owner").prefetch_related("revisions").get(pk=workflow.pk)
    return dict(WorkflowDetailSerializer(fresh).data)


class WorkflowListApi(APIView):
    permission_classes = [SignedInWrites]
    parser_classes = [LimitedJSONParser]

    @extend_schema(responses=paginated("PaginatedWorkflowList", WorkflowListSerializer(many=True)))
    def get(self, request: Request) -> Response:
        workflows = list(workflow_list(user=request.user))
        return Response({"count": len(workflows), "results": WorkflowListSerializer(workflows, many=True).data})

    @extend_schema(request=WorkflowCreateSerializer, responses={201: WorkflowDetailSerializer})
    def post(self, request: Request) -> Response:
        serializer = WorkflowCreateSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        workflow = workflow_create(owner=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(_detail(workflow), status=201)


class WorkflowDetailApi(APIView):
    permission_classes = [SignedInWrites]
    parser_classes = [LimitedJSONParser]
    error_statuses = {"PUT": (409,), "DELETE": (409,)}

    @extend_schema(responses=WorkflowDetailSerializer)
    def get(self, request: Request, workflow_id: int) -> Response:
        return Response(_detail(workflow_get(user=request.user, workflow_id=workflow_id)))

    @extend_schema(request=WorkflowUpdateSerializer, parameters=GATE_PARAMETERS, responses=WorkflowDetailSerializer)
    def put(self, request: Request, workflow_id: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id, for_change=True)
        serializer = WorkflowUpdateSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        specification = serializer.validated_data.get("specification")

        def proposed() -> Any:
            return specification or workflow.revisions.get(number=workflow.revision).definition

        gate = gate_from_query(request, workflow=workflow, candidate=proposed)
        saved = workflow_save(workflow=workflow, user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response({**_detail(saved), **({"gate": gate} if gate is not None else {})})

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workflow_id: int) -> Response:
        workflow_delete(workflow=workflow_get(user=request.user, workflow_id=workflow_id, for_change=True))
        return Response(status=204)


class RevisionListApi(APIView):
    @extend_schema(responses=paginated("PaginatedRevisionList", RevisionListSerializer(many=True)))
    def get(self, request: Request, workflow_id: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        revisions = list(workflow.revisions.select_related("author").order_by("-number"))
        return Response({"count": len(revisions), "results": RevisionListSerializer(revisions, many=True).data})


class RevisionDetailApi(APIView):
    @extend_schema(responses=RevisionDetailSerializer)
    def get(self, request: Request, workflow_id: int, number: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        return Response(RevisionDetailSerializer(workflow_revision_get(workflow=workflow, number=number)).data)


class RevisionRestoreApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: the evaluation gate failed with `?require=evaluation`.
    error_statuses = {"POST": (409,)}

    @extend_schema(request=None, parameters=GATE_PARAMETERS, responses={201: RevisionDetailSerializer})
    def post(self, request: Request, workflow_id: int, number: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id, for_change=True)
        gate = gate_from_query(
            request,
            workflow=workflow,
            candidate=lambda: workflow_revision_get(workflow=workflow, number=number).definition,
        )
        revision = workflow_revision_restore(workflow=workflow, number=number, user=request.user)  # type: ignore[arg-type]
        body = RevisionDetailSerializer(revision).data
        return Response({**body, **({"gate": gate} if gate is not None else {})}, status=201)


class WorkflowDuplicateApi(APIView):
    """A copy of a workflow the caller may see, as a new workflow of the caller's."""

    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser]

    @extend_schema(request=WorkflowDuplicateSerializer, responses={201: WorkflowDetailSerializer})
    def post(self, request: Request, workflow_id: int) -> Response:
        serializer = WorkflowDuplicateSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        source = workflow_get(user=request.user, workflow_id=workflow_id)
        copy = workflow_duplicate(workflow=source, user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(_detail(copy), status=201)


class WorkflowDeletedListApi(APIView):
    """The caller's deleted workflows that can still be restored."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=paginated("PaginatedWorkflowDeletedList", WorkflowDeletedSerializer(many=True)))
    def get(self, request: Request) -> Response:
        since = timezone.now() - RESTORE_PERIOD
        workflows = list(workflow_list_deleted(user=request.user, since=since))
        context = {"restore_period": RESTORE_PERIOD}
        return Response(
            {"count": len(workflows), "results": WorkflowDeletedSerializer(workflows, many=True, context=context).data}
        )


class WorkflowRestoreApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=WorkflowDetailSerializer)
    def post(self, request: Request, workflow_id: int) -> Response:
        return Response(_detail(workflow_restore(user=request.user, workflow_id=workflow_id)))  # type: ignore[arg-type]


class WorkflowPublishInputSerializer(serializers.Serializer[Any]):
    family = serializers.RegexField(r"^[A-Za-z0-9_\-.]+/[A-Za-z0-9_\-.]+$", max_length=200, help_text="`owner/name`")
    version = serializers.RegexField(r"^v[0-9]+$", max_length=20, help_text="e.g. `v1`")
    release_notes = serializers.CharField(required=False, default="", allow_blank=True)


class WorkflowPublishApi(APIView):
    """Publish the workflow's current revision as a block version (`{family}@{version}`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WorkflowPublishInputSerializer, responses={201: BlockVersionDetailSerializer})
    def post(self, request: Request, workflow_id: int) -> Response:
        serializer = WorkflowPublishInputSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        workflow = workflow_get(user=request.user, workflow_id=workflow_id, for_change=True)
        row = workflow_block_publish(workflow=workflow, user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(BlockVersionDetailSerializer(row).data, status=201)


class WorkflowExportApi(APIView):
    """The current revision as Roboflow runs it: steps of published workflow blocks as inner workflows."""

    @extend_schema(responses={200: inline_serializer("WorkflowExport", {"specification": serializers.JSONField()})})
    def get(self, request: Request, workflow_id: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        return Response({"specification": workflow_export(workflow=workflow)})
