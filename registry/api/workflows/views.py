"""Validation of workflow definitions, as the editor calls it on every edit."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.errors import ApiError
from registry.api.limits import require_object
from registry.selectors.workflows import workflow_compile


class ValidateInputSerializer(serializers.Serializer[Any]):
    specification = serializers.JSONField(allow_null=True)


class WorkflowIssueSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    pointer = serializers.CharField()
    step = serializers.CharField(allow_null=True)
    property = serializers.CharField(allow_null=True)
    selector = serializers.CharField(allow_null=True)
    suggestions = serializers.ListField(child=serializers.CharField())


class WorkflowValidateApi(APIView):
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
        result = workflow_compile(serializer.validated_data["specification"])
        too_many = next((issue for issue in result.errors if issue.code == "too_many_steps"), None)
        if too_many is not None:
            raise ApiError(too_many.message, code="too_many_steps", details=[too_many.as_dict()])
        return Response(
            {
                "valid": result.valid,
                "errors": [issue.as_dict() for issue in result.errors],
                "warnings": [issue.as_dict() for issue in result.warnings],
            }
        )
