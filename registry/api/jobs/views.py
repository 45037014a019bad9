"""Jobs: start one on a saved workflow (a zip upload, URLs or a server folder), follow it, stop it,
retry its failures, and download its results while it runs and after."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.errors import ApiError, PayloadTooLargeError
from registry.api.intake import JSONObjectField, StrictCharField, json_field_loads
from registry.api.schema import paginated
from registry.selectors.jobs import job_detail, job_get, job_list, job_results_csv, job_results_jsonl, job_summary
from registry.selectors.workflows import workflow_get
from registry.services.jobs import job_cancel, job_create, job_retry


class JobSerializer(serializers.Serializer[Any]):
    """A job as the API answers it (documentation only: `job_detail` builds it)."""

    id = serializers.IntegerField()
    workflow = serializers.IntegerField()
    revision = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["queued", "running", "succeeded", "completed_with_errors", "failed", "cancelled"]
    )
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="Zip entries that are not images (the first 1000), not run."
    )
    skipped_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    rate = serializers.FloatField(allow_null=True)
    eta_seconds = serializers.FloatField(allow_null=True)
    parameters = serializers.JSONField()
    webhook = serializers.BooleanField()
    webhook_result = serializers.JSONField(allow_null=True)

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["source"] = serializers.CharField(help_text="zip, urls, folder or files")  # shadows Field.source
        return fields


JOB = JobSerializer

SUMMARY = inline_serializer("JobSummary", {"classes": serializers.DictField(), "errors": serializers.DictField()})


class JobSourcesSerializer(serializers.Serializer[Any]):
    """A job as JSON: its images are URLs or a server folder."""

    urls = serializers.ListField(child=StrictCharField(max_length=2000), required=False, max_length=100_000)
    folder = StrictCharField(required=False, max_length=2000)
    parameters = JSONObjectField(required=False, default=dict)
    webhook = StrictCharField(
        required=False, allow_blank=True, default="", max_length=2000, validators=[URLValidator(["http", "https"])]
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [key for key in ("images", "urls", "folder") if key in attrs]
        if len(given) != 1:
            raise serializers.ValidationError("Give exactly one of `images` (a zip), `urls` or `folder`.")
        return attrs


class JobInputSerializer(JobSourcesSerializer):
    images = serializers.FileField(required=False, help_text="A zip of images (multipart).")


class JobUploadSerializer(serializers.Serializer[Any]):
    """A job as a multipart form (documentation only): a zip of images, parameters as JSON text."""

    images = serializers.FileField(help_text="A zip of images.")
    parameters = serializers.CharField(required=False, help_text="A JSON object, as text.")
    webhook = serializers.URLField(required=False, allow_blank=True, max_length=2000)


JOB_REQUEST = {"application/json": JobSourcesSerializer, "multipart/form-data": JobUploadSerializer}


def _job_request(request: Request) -> dict[str, Any]:
    """JSON as is; in a multipart form, `parameters` is JSON text beside the `images` file."""
    data: Any = request.data
    if hasattr(data, "getlist"):
        form = request.POST  # the text fields: `request.data` also holds the files
        fields: dict[str, Any] = {key: data[key] for key in ("folder", "webhook") if key in data}
        if "parameters" in form:
            fields["parameters"] = json_field_loads(form["parameters"], field="parameters")
        if "images" in request.FILES:
            fields["images"] = request.FILES["images"]
        data = fields
    if not isinstance(data, dict):
        raise ApiError("The request body must be a JSON object.", code="parse_error")
    serializer = JobInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    upload = values.get("images")
    if upload is not None and upload.size > settings.BLOCKWISE_BATCH_MAX_UPLOAD_BYTES:
        raise PayloadTooLargeError(
            f"The upload is larger than {settings.BLOCKWISE_BATCH_MAX_UPLOAD_BYTES} bytes.", code="payload_too_large"
        )
    return values


class WorkflowJobApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: the blocks the revision was saved with have changed; 503: the job queue is down.
    error_statuses = {"POST": (409, 503)}

    @extend_schema(request=JOB_REQUEST, responses={202: JOB})
    def post(self, request: Request, workflow_id: int) -> Response:
        values = _job_request(request)
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        job = job_create(
            user=request.user,  # type: ignore[arg-type]
            workflow=workflow,
            parameters=values["parameters"],
            webhook=values["webhook"],
            zip_upload=values.get("images"),
            urls=values.get("urls"),
            folder=values.get("folder"),
        )
        return Response(job_detail(job), status=202)


class JobListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_jobs_list",
        responses=paginated("PaginatedJobList", JobSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        jobs = [job_detail(job) for job in job_list(user=request.user).select_related("revision")[:100]]
        return Response({"count": len(jobs), "results": jobs})


class JobDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=JOB)
    def get(self, request: Request, job_id: int) -> Response:
        return Response(job_detail(job_get(user=request.user, job_id=job_id)))


class JobSummaryApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SUMMARY)
    def get(self, request: Request, job_id: int) -> Response:
        return Response(job_summary(job_get(user=request.user, job_id=job_id)))


def _download(request: Request, job_id: int, extension: str, content_type: str) -> StreamingHttpResponse:
    """A results file, streamed line by line from the database (the job may still be running)."""
    job = job_get(user=request.user, job_id=job_id)
    lines = job_results_jsonl(job) if extension == "jsonl" else job_results_csv(job)
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-results.{extension}"'
    return response


class JobResultsJsonlApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/x-ndjson"): OpenApiTypes.STR})
    def get(self, request: Request, job_id: int) -> StreamingHttpResponse:
        return _download(request, job_id, "jsonl", "application/x-ndjson")


class JobResultsCsvApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, job_id: int) -> StreamingHttpResponse:
        return _download(request, job_id, "csv", "text/csv; charset=utf-8")


class JobCancelApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: the job has already finished.
    error_statuses = {"POST": (409,)}

    @extend_schema(request=None, responses=JOB)
    def post(self, request: Request, job_id: int) -> Response:
        job = job_cancel(job=job_get(user=request.user, job_id=job_id))
        return Response(job_detail(job))


class JobRetryApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: the job is still running, or none of its items failed.
    error_statuses = {"POST": (409, 503)}

    @extend_schema(request=None, responses={202: JOB})
    def post(self, request: Request, job_id: int) -> Response:
        job = job_retry(job=job_get(user=request.user, job_id=job_id))
        return Response(job_detail(job), status=202)
