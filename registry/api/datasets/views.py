"""Datasets: upload a zip (one folder per class, or with a `file,label` CSV), list and read them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.errors import ErrorCode
from registry.api.errors import PayloadTooLargeError
from registry.api.schema import paginated
from registry.selectors.datasets import dataset_detail, dataset_get, dataset_list
from registry.services.datasets import dataset_create


class DatasetSerializer(serializers.Serializer[Any]):
    """A dataset as the API answers it (documentation only: `dataset_detail` builds it)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField()
    total = serializers.IntegerField()
    classes = serializers.DictField(child=serializers.IntegerField(), help_text="label -> images")
    skipped = serializers.ListField(child=serializers.DictField(), help_text='[{"file", "reason"}]')
    created_at = serializers.DateTimeField()


class DatasetUploadSerializer(serializers.Serializer[Any]):
    images = serializers.FileField(help_text="A zip: one folder per class, or images named by `labels`.")
    labels = serializers.FileField(required=False, help_text="A CSV of `file,label` rows.")
    name = serializers.CharField(required=False, max_length=200, default="")


class DatasetListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=paginated("PaginatedDatasetList", DatasetSerializer(many=True)))
    def get(self, request: Request) -> Response:
        datasets = [dataset_detail(dataset) for dataset in dataset_list(user=request.user)[:100]]
        return Response({"count": len(datasets), "results": datasets})

    @extend_schema(request={"multipart/form-data": DatasetUploadSerializer}, responses={201: DatasetSerializer})
    def post(self, request: Request) -> Response:
        serializer = DatasetUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        upload = values["images"]
        if upload.size > settings.BLOCKWISE_BATCH_MAX_UPLOAD_BYTES:
            raise PayloadTooLargeError(
                f"The upload is larger than {settings.BLOCKWISE_BATCH_MAX_UPLOAD_BYTES} bytes.",
                code=ErrorCode.PAYLOAD_TOO_LARGE,
            )
        dataset = dataset_create(
            owner=request.user,  # type: ignore[arg-type]
            name=values["name"] or upload.name.rsplit(".", 1)[0],
            images=upload,
            labels=values.get("labels"),
        )
        return Response(dataset_detail(dataset), status=201)


class DatasetDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DatasetSerializer)
    def get(self, request: Request, dataset_id: int) -> Response:
        return Response(dataset_detail(dataset_get(user=request.user, dataset_id=dataset_id)))
