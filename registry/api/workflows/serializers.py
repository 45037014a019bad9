"""Shapes of saved workflows and revisions (agreed with the editor)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rest_framework import serializers

from registry.api.intake import (
    JSONObjectField,
    StrictBooleanField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
)
from registry.models import Workflow, WorkflowRevision

DESCRIPTION_MAX = 10_000
MESSAGE_MAX = 1_000
# Revision numbers are PositiveIntegerField: PostgreSQL's integer.
REVISION_MAX = 2**31 - 1


class WorkflowListSerializer(serializers.ModelSerializer[Workflow]):
    owner = serializers.CharField(source="owner.username")
    valid = serializers.SerializerMethodField()

    class Meta:
        model = Workflow
        fields = ["id", "name", "description", "public", "owner", "revision", "valid", "created_at", "updated_at"]

    def get_valid(self, workflow: Workflow) -> bool:
        current = _current(workflow)
        return bool(current and current.valid)


def _current(workflow: Workflow) -> WorkflowRevision | None:
    return next((r for r in workflow.revisions.all() if r.number == workflow.revision), None)


class PositionSerializer(serializers.Serializer[Any]):
    x = StrictFloatField(min_value=-1e7, max_value=1e7)
    y = StrictFloatField(min_value=-1e7, max_value=1e7)


def layout_field() -> serializers.DictField:
    """Node positions by node key (`inputs/image`, `steps/classifier`, `outputs/top`)."""
    return serializers.DictField(child=PositionSerializer(), required=False, allow_empty=True)


class WorkflowDetailSerializer(WorkflowListSerializer):
    specification = serializers.SerializerMethodField()
    validation = serializers.SerializerMethodField()
    layout = serializers.SerializerMethodField()

    class Meta(WorkflowListSerializer.Meta):
        fields = [*WorkflowListSerializer.Meta.fields, "specification", "validation", "layout"]

    def get_layout(self, workflow: Workflow) -> dict[str, dict[str, float]]:
        current = _current(workflow)
        return dict(current.layout) if current else {}

    def get_specification(self, workflow: Workflow) -> Any:
        current = _current(workflow)
        return current.definition if current else None

    def get_validation(self, workflow: Workflow) -> Any:
        current = _current(workflow)
        return current.validation if current else None


class WorkflowCreateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=200, trim_whitespace=False)
    description = StrictCharField(required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX)
    specification = JSONObjectField()
    public = StrictBooleanField(required=False, default=False)
    message = StrictCharField(required=False, allow_blank=True, default="", max_length=MESSAGE_MAX)
    layout = layout_field()


class WorkflowUpdateSerializer(serializers.Serializer[Any]):
    base_revision = StrictIntegerField(min_value=0, max_value=REVISION_MAX)
    name = StrictCharField(max_length=200, required=False, trim_whitespace=False)
    description = StrictCharField(required=False, allow_blank=True, max_length=DESCRIPTION_MAX)
    specification = JSONObjectField(required=False)
    public = StrictBooleanField(required=False)
    message = StrictCharField(required=False, allow_blank=True, default="", max_length=MESSAGE_MAX)
    layout = layout_field()


class RevisionListSerializer(serializers.ModelSerializer[WorkflowRevision]):
    author = serializers.CharField(source="author.username", default=None)

    class Meta:
        model = WorkflowRevision
        fields = ["number", "message", "author", "created_at", "valid"]


class RevisionDetailSerializer(RevisionListSerializer):
    specification = serializers.JSONField(source="definition")

    class Meta(RevisionListSerializer.Meta):
        fields = [*RevisionListSerializer.Meta.fields, "specification", "validation", "lockfile", "layout"]


class WorkflowDeletedSerializer(WorkflowListSerializer):
    """A deleted workflow of the caller's, restorable until `restorable_until`."""

    restorable_until = serializers.SerializerMethodField()

    class Meta(WorkflowListSerializer.Meta):
        fields = [*WorkflowListSerializer.Meta.fields, "deleted_at", "restorable_until"]

    def get_restorable_until(self, workflow: Workflow) -> datetime:
        assert workflow.deleted_at is not None
        period: timedelta = self.context["restore_period"]
        return workflow.deleted_at + period


class WorkflowDuplicateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(required=False, max_length=200, allow_blank=False)
