"""An evaluation's images: the list behind a confusion-matrix cell or the misclassified images, and
each image as a thumbnail. Only the evaluation's owner (and staff) may read them."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.schema import paginated
from registry.selectors.evaluation_items import ItemFilter, evaluation_item_thumbnail, evaluation_items
from registry.selectors.evaluations import evaluation_get


class EvaluationItemSerializer(serializers.Serializer[Any]):
    """One counted image of an evaluation (documentation only: the selector builds it)."""

    index = serializers.IntegerField(help_text="its place in the dataset")
    file = serializers.CharField()
    # A field named `label` shadows Field.label, which DRF's type stubs declare as text.
    label = serializers.CharField()  # type: ignore[assignment]
    prediction = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField(allow_null=True)
    status = serializers.CharField(help_text="succeeded or failed")
    error = serializers.CharField(allow_null=True, help_text="the failure's code")
    image = serializers.CharField(help_text="the thumbnail's URL")


class ItemQuerySerializer(serializers.Serializer[Any]):
    label = serializers.CharField(required=False, max_length=200, help_text="the true label")  # type: ignore[assignment]
    prediction = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="the predicted class; empty: none was predicted"
    )
    outcome = serializers.ChoiceField(required=False, choices=["correct", "wrong"])


class ThumbnailQuerySerializer(serializers.Serializer[Any]):
    size = serializers.IntegerField(required=False, min_value=16, max_value=1024, default=128)


class EvaluationItemListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ItemQuerySerializer],
        responses=paginated("PaginatedEvaluationItemList", EvaluationItemSerializer(many=True)),
    )
    def get(self, request: Request, evaluation_id: int) -> Response:
        query = ItemQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        return Response(evaluation_items(evaluation, ItemFilter(**query.validated_data)))


class EvaluationItemImageApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ThumbnailQuerySerializer], responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, evaluation_id: int, index: int) -> HttpResponse:
        query = ThumbnailQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        evaluation = evaluation_get(user=request.user, evaluation_id=evaluation_id)
        body = evaluation_item_thumbnail(evaluation, index=index, size=query.validated_data["size"])
        response = HttpResponse(body, content_type="image/jpeg")
        # A dataset's images never change; the owner's browser may keep them.
        response["Cache-Control"] = "private, max-age=3600"
        return response
