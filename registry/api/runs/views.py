"""Runs: start one (JSON or multipart), read one; local models: register and list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.errors import DomainError, ErrorCode
from registry.api.errors import ApiError
from registry.api.intake import JSONObjectField, StrictCharField, json_field_loads
from registry.api.limits import LimitedUploadHandler
from registry.api.schema import paginated
from registry.api.throttles import ANONYMOUS_RUN, AnonymousLimited
from registry.models import Workflow
from registry.selectors import shapes
from registry.selectors.runs import (
    local_model_list,
    local_model_summary,
    run_get,
    run_summary,
    workflow_run_list,
)
from registry.selectors.workflows import workflow_get
from registry.services.models import local_model_register
from registry.services.runs import run_start

RUN = shapes.Run


# A run that fails at a model server answers with that server's status (see blocks.ports).
MODEL_SERVER_STATUSES = (402, 502, 503, 504)


class RunInputSerializer(serializers.Serializer[Any]):
    specification = JSONObjectField(required=False)
    workflow = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    inputs = JSONObjectField(required=False, default=dict)
    api_key = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=500)
    excluded_fields = serializers.ListField(
        child=StrictCharField(max_length=200), required=False, default=list, max_length=1000
    )


def _json_text(what: str) -> dict[str, str]:
    return {"type": "string", "description": f"{what}, as JSON text."}


# The same fields as a multipart form: JSON fields as text, and images as files named after the
# inputs they are for (any other part name), so the editor can send images without base64.
RUN_UPLOAD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "specification": _json_text("A workflow definition (an object)"),
        "workflow": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
        "inputs": _json_text("The workflow's inputs (an object)"),
        "api_key": {"type": "string", "maxLength": 500},
        "excluded_fields": _json_text("Output names to leave out (an array of strings)"),
        # Named so that Swagger UI offers a file picker; any other part name works the same way.
        "image": {"type": "string", "format": "binary", "description": "An image for the input named `image`."},
    },
    "additionalProperties": {
        "type": "string",
        "format": "binary",
        "description": "An image for the input of this name.",
    },
}
RUN_REQUEST = {"application/json": RunInputSerializer, "multipart/form-data": RUN_UPLOAD}
TEXT_FIELDS = frozenset(RunInputSerializer().fields)
_IMAGE_INPUT = {"image": {"type": "url", "value": "https://example.com/image.jpg"}}
# Swagger UI would otherwise show `additionalProp1` objects and a 19-digit workflow id.
RUN_EXAMPLE = OpenApiExample(
    "A definition with one image",
    request_only=True,
    media_type="application/json",
    value={
        "specification": {
            "version": "1.0",
            "inputs": [{"type": "WorkflowImage", "name": "image"}],
            "steps": [
                {
                    "type": "roboflow_core/roboflow_classification_model@v2",
                    "name": "classifier",
                    "images": "$inputs.image",
                    "model_id": "demo-shapes/1",
                }
            ],
            "outputs": [{"type": "JsonField", "name": "top", "selector": "$steps.classifier.top"}],
        },
        "inputs": _IMAGE_INPUT,
    },
)
SAVED_RUN_EXAMPLE = OpenApiExample(
    "One image", request_only=True, media_type="application/json", value={"inputs": _IMAGE_INPUT}
)


def _run_request(request: Request) -> dict[str, Any]:
    """The run request from JSON or from a multipart form (JSON fields as text, images as files)."""
    data: Any = request.data
    if hasattr(data, "getlist"):
        misplaced = sorted(set(request.FILES) & TEXT_FIELDS)
        if misplaced:
            raise ApiError(
                "These fields are text, not files.",
                code=ErrorCode.INVALID,
                details=[{"path": f"/{key}", "code": ErrorCode.INVALID, "message": "a file"} for key in misplaced],
            )
        form = request.POST  # the text fields: `request.data` also holds the files
        fields: dict[str, Any] = {}
        for key in ("specification", "inputs", "excluded_fields"):
            if key in form:
                fields[key] = json_field_loads(form[key], field=key)
        for key in ("workflow", "api_key"):
            if key in form:
                fields[key] = form[key]
        data = fields
    if not isinstance(data, dict):
        raise ApiError("The request body must be a JSON object.", code=ErrorCode.PARSE_ERROR)
    serializer = RunInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    if not isinstance(values.get("inputs"), dict):
        raise ApiError(
            "`inputs` must be an object.",
            code=ErrorCode.INVALID,
            details=[{"path": "/inputs", "code": ErrorCode.INVALID, "message": "not an object"}],
        )
    # Uploaded files are images, named after the inputs they are for.
    for name, upload in request.FILES.items():
        values["inputs"][name] = upload.read()
    return values


class _RunStartApi(AnonymousLimited):
    """Run requests carry images: a larger JSON body, and multipart files checked while they stream in."""

    # Starting runs is what costs: anonymous POSTs are counted, reads (a workflow's run history) are not.
    anonymous_scope = ANONYMOUS_RUN

    @property
    def max_body_bytes(self) -> int:
        return int(settings.BLOCKWISE_MAX_RUN_BODY_BYTES)

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        limited = LimitedUploadHandler(
            request, max_body_bytes=self.max_body_bytes, max_file_bytes=settings.BLOCKWISE_MAX_IMAGE_BYTES
        )
        request.upload_handlers = [limited, *request.upload_handlers]
        return super().initialize_request(request, *args, **kwargs)


class RunListApi(_RunStartApi):
    # 404: the saved `workflow` named in the body does not exist or is not the caller's.
    error_statuses = {"POST": (404, *MODEL_SERVER_STATUSES)}

    @extend_schema(request=RUN_REQUEST, responses={201: RUN}, examples=[RUN_EXAMPLE])
    def post(self, request: Request) -> Response:
        values = _run_request(request)
        workflow: Workflow | None = None
        if values.get("workflow") is not None:
            workflow = workflow_get(user=request.user, workflow_id=values["workflow"])
        elif "specification" not in values:
            raise ApiError(
                "Give a `specification` or a saved `workflow` id.",
                code=ErrorCode.INVALID,
                details=[{"path": "/specification", "code": ErrorCode.REQUIRED, "message": "required"}],
            )
        run, _ = run_start(
            user=request.user,
            inputs=values["inputs"],
            specification=values.get("specification"),
            workflow=workflow,
            api_key=values.get("api_key") or None,
            excluded_fields=values["excluded_fields"],
        )
        return Response(run_summary(run), status=201)


class WorkflowRunApi(_RunStartApi):
    error_statuses = {"POST": MODEL_SERVER_STATUSES}

    @extend_schema(responses=paginated("PaginatedRunList", shapes.Run))
    def get(self, request: Request, workflow_id: int) -> Response:
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        runs = workflow_run_list(user=request.user, workflow=workflow)
        return Response({"count": len(runs), "results": [run_summary(run) for run in runs]})

    @extend_schema(request=RUN_REQUEST, responses={201: RUN}, examples=[SAVED_RUN_EXAMPLE])
    def post(self, request: Request, workflow_id: int) -> Response:
        values = _run_request(request)
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        run, _ = run_start(
            user=request.user,
            inputs=values["inputs"],
            workflow=workflow,
            api_key=values.get("api_key") or None,
            excluded_fields=values["excluded_fields"],
        )
        return Response(run_summary(run), status=201)


class RunDetailApi(APIView):
    @extend_schema(responses=RUN)
    def get(self, request: Request, run_id: int) -> Response:
        return Response(run_summary(run_get(user=request.user, run_id=run_id)))


class LocalModelSerializer(serializers.Serializer[Any]):
    model_id = serializers.RegexField(r"^[A-Za-z0-9_\-.]+/[A-Za-z0-9_\-.]+$", max_length=200)
    file = serializers.FileField()
    class_names = serializers.JSONField()
    input_width = serializers.IntegerField(min_value=1, max_value=4096)
    input_height = serializers.IntegerField(min_value=1, max_value=4096)


class AnyoneReadsStaffWrites(IsAdminUser):
    """Model ids are no secret: the editor offers them to everyone; only staff register models."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


class LocalModelListApi(APIView):
    permission_classes = [AnyoneReadsStaffWrites]
    # The model file is an upload: a multipart form only.
    parser_classes = [MultiPartParser]

    @extend_schema(responses=paginated("PaginatedLocalModelList", shapes.LocalModel))
    def get(self, request: Request) -> Response:
        rows = list(local_model_list())
        return Response({"count": len(rows), "results": [local_model_summary(row) for row in rows]})

    @extend_schema(request=LocalModelSerializer, responses={201: shapes.LocalModel})
    def post(self, request: Request) -> Response:
        raw: Any = request.data
        fields = ("model_id", "file", "class_names", "input_width", "input_height")
        data: dict[str, Any] = {key: raw.get(key) for key in fields if raw.get(key) is not None}
        if isinstance(data.get("class_names"), str):
            try:
                data["class_names"] = json_field_loads(data["class_names"], field="class_names")
            except DomainError as exc:
                if exc.code != ErrorCode.PARSE_ERROR:
                    raise
                data["class_names"] = data["class_names"].split(",")
        serializer = LocalModelSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        row = local_model_register(
            model_id=serializer.validated_data["model_id"],
            content=serializer.validated_data["file"].read(),
            class_names=serializer.validated_data["class_names"],
            input_width=serializer.validated_data["input_width"],
            input_height=serializer.validated_data["input_height"],
        )
        return Response(local_model_summary(row), status=201)
