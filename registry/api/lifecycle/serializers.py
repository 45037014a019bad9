"""Request and response shapes of the lifecycle API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from blocks.compatibility.policy import Compatibility
from registry.api.intake import JSONObjectField, StrictBooleanField, StrictCharField, StrictIntegerField
from registry.models import AuditRecord

# Revision numbers are PostgreSQL integers; step names and version labels are short identifiers.
REVISION_MAX = 2**31 - 1
LABEL_MAX = 255

COMPATIBILITY_VALUES = [mode.value for mode in Compatibility]


class CompatibilitySerializer(serializers.Serializer[Any]):
    compatibility = serializers.ChoiceField(choices=COMPATIBILITY_VALUES)


class AuditQuerySerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(required=False, allow_blank=True, help_text="a type identifier or a family")
    action = serializers.ChoiceField(choices=["publish", "state", "policy"], required=False, allow_blank=True)
    limit = serializers.IntegerField(
        required=False, default=100, min_value=1, max_value=1000, help_text="at most this many, newest first"
    )


class ChangeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    pointer = serializers.CharField()
    message = serializers.CharField()
    breaks = serializers.ListField(child=serializers.ChoiceField(choices=["backward", "forward"]))


class ComparedChangeSerializer(ChangeSerializer):
    against = serializers.CharField()
    violates_policy = serializers.BooleanField()


class CompatibilityCheckSerializer(serializers.Serializer[Any]):
    is_compatible = serializers.BooleanField()
    compatibility = serializers.ChoiceField(choices=COMPATIBILITY_VALUES)
    compared_with = serializers.ListField(child=serializers.CharField())
    changes = ComparedChangeSerializer(many=True)


class DiffSerializer(serializers.Serializer[Any]):
    family = serializers.CharField()
    to = serializers.CharField()
    changes = ChangeSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["from"] = serializers.CharField()  # a Python keyword, so declared here
        return fields


class UsageSerializer(serializers.Serializer[Any]):
    workflow_id = serializers.IntegerField()
    name = serializers.CharField()
    revision = serializers.IntegerField()
    steps = serializers.ListField(child=serializers.CharField())


class WouldBreakSerializer(UsageSerializer):
    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["errors"] = serializers.ListField(child=serializers.DictField())  # shadows Serializer.errors
        return fields


class UsagesSerializer(serializers.Serializer[Any]):
    type_identifier = serializers.CharField()
    count = serializers.IntegerField()
    usages = UsageSerializer(many=True)
    target = serializers.CharField(required=False)
    would_break = WouldBreakSerializer(many=True, required=False)


class UpgradeTargetsSerializer(serializers.Serializer[Any]):
    steps = serializers.DictField(
        child=StrictCharField(max_length=LABEL_MAX),
        required=False,
        default=dict,
        help_text="step name -> `vN` or a type identifier",
    )
    to_default = StrictBooleanField(
        required=False, default=False, help_text="move every step to its family's default version"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["steps"] and not attrs["to_default"]:
            raise serializers.ValidationError("Name the steps to upgrade in `steps`, or set `to_default`.")
        return attrs


class UpgradeInputSerializer(UpgradeTargetsSerializer):
    base_revision = StrictIntegerField(min_value=0, max_value=REVISION_MAX)
    message = StrictCharField(required=False, allow_blank=True, default="", max_length=1_000)


class UpgradePreviewInputSerializer(UpgradeTargetsSerializer):
    specification = JSONObjectField(help_text="a workflow definition, saved or not (the editor's document)")


class UpgradeStepSerializer(serializers.Serializer[Any]):
    step = serializers.CharField()
    to = serializers.CharField()
    changes = ChangeSerializer(many=True)
    migrations = serializers.ListField(child=serializers.DictField())

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["from"] = serializers.CharField()
        return fields


class UpgradePlanSerializer(serializers.Serializer[Any]):
    steps = UpgradeStepSerializer(many=True)
    patch = serializers.ListField(child=serializers.DictField(), help_text="RFC 6902 JSON Patch of the definition")
    specification = serializers.JSONField()
    validation = serializers.DictField()


class UpgradeOutSerializer(UpgradePlanSerializer):
    dry_run = serializers.BooleanField()
    base_revision = serializers.IntegerField()
    revision = serializers.IntegerField(allow_null=True)


class AuditRecordSerializer(serializers.ModelSerializer[AuditRecord]):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditRecord
        fields = ["id", "action", "subject", "actor", "created_at", "before", "after", "details"]
