"""Evaluations: start one of a saved workflow on a dataset, follow it, read its metrics and each
image's answer, and compare two of them on the same dataset."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.intake import JSONObjectField, StrictCharField, StrictIntegerField
from registry.api.limits import LimitedJSONParser, require_object
from registry.api.schema import paginated
from registry.selectors import shapes
from registry.selectors.datasets import dataset_get
from registry.selectors.evaluations import (
    evaluation_detail,
    evaluation_get,
    evaluation_list,
    evaluation_predictions_csv,
)
from registry.selectors.workflows import workflow_get
from registry.services.evaluations import evaluation_compare, evaluation_create, evaluation_settle
from registry.services.jobs import job_cancel, job_retry

EVALUATION = shapes.Evaluation


class EvaluationInputSerializer(serializers.Serializer[Any]):
    dataset = StrictIntegerField(min_value=1)
    output = StrictCharField(max_length=200)
    revision = StrictIntegerField(required=False, min_value=1, help_text="the current revision by default")
    parameters = JSONObjectField(required=False, default=dict)


class WorkflowEvaluationApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser]
    # 409: the blocks the revision was saved with have changed; 503: the job queue is down.
    error_statuses = {"POST": (409, 503)}

    @extend_schema(request=EvaluationInputSerializer, responses={202: EVALUATION})
    def post(self, request: Request, workflow_id: int) -> Response:
        serializer = EvaluationInputSerializer(data=require_object(request.data))
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        workflow = workflow_get(user=request.user, workflow_id=workflow_id)
        evaluation = evaluation_create(
            user=request.user,  # type: ignore[arg-type]
            workflow=workflow,
            dataset=dataset_get(user=request.user, dataset_id=values["dataset"]),
            output=values["output"],
            revision=values.get("revision"),
            parameters=values["parameters"],
        )
        return Response(evaluation_detail(evaluation), status=202)


class EvaluationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=paginated("PaginatedEvaluationList", shapes.Evaluation))
    def get(self, request: Request) -> Response:
        found = [evaluation_detail(evaluation) for evaluation in evaluation_list(user=request.user)[:100]]
        return Response({"count": len(found), "results": found})


class EvaluationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EVALUATION)
    def get(self, request: Request, evaluation_id: int) -> Response:
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        return Response(evaluation_detail(evaluation_settle(evaluation=evaluation)))


class EvaluationPredictionsCsvApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, evaluation_id: int) -> StreamingHttpResponse:
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        response = StreamingHttpResponse(evaluation_predictions_csv(evaluation), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="evaluation-{evaluation.pk}-predictions.csv"'
        return response


class EvaluationCompareApi(APIView):
    permission_classes = [IsAuthenticated]
    # 409: one of the two has not finished.
    error_statuses = {"GET": (409,)}

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, evaluation_id: int, other_id: int) -> Response:
        a = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        b = evaluation_get(user=request.user, evaluation_id=other_id)
        return Response(evaluation_compare(a=a, b=b))


class EvaluationCancelApi(APIView):
    """Stops the evaluation's job; the metrics then cover the images answered before it stopped."""

    permission_classes = [IsAuthenticated]
    error_statuses = {"POST": (409,)}

    @extend_schema(request=None, responses=EVALUATION)
    def post(self, request: Request, evaluation_id: int) -> Response:
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        job_cancel(job=evaluation.job)
        return Response(evaluation_detail(evaluation_settle(evaluation=evaluation)))


class EvaluationRetryApi(APIView):
    """Runs the images that failed again; the metrics are computed again when the job finishes."""

    permission_classes = [IsAuthenticated]
    error_statuses = {"POST": (409, 503)}

    @extend_schema(request=None, responses={202: EVALUATION})
    def post(self, request: Request, evaluation_id: int) -> Response:
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        job_retry(job=evaluation.job)
        return Response(evaluation_detail(evaluation_settle(evaluation=evaluation)), status=202)
