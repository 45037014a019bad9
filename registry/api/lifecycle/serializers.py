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


class AuditRecordSerializer(serializers.ModelSerializer[AuditRecord]):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditRecord
        fields = ["id", "action", "subject", "actor", "created_at", "before", "after", "details"]
