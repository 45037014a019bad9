"""Output shapes of the catalog API (agreed with the editor)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from blocks.connections import kinds_accepting, step_output_kinds
from blocks.spec import BlockSpec
from executor.compiler.nesting import WORKFLOW_SOURCE_KEY
from registry.api.intake import JSONArrayField, JSONObjectField, StrictCharField
from registry.models import BlockVersion, Kind
from registry.selectors.block_summaries import SUMMARY_FIELDS


class KindSerializer(serializers.ModelSerializer[Kind]):
    accepted_by = serializers.SerializerMethodField(
        help_text="The kinds a property may accept to be fed a value of this kind (the compatibility rule as data)."
    )

    class Meta:
        model = Kind
        fields = ["name", "description", "serialised_data_type", "accepted_by"]

    def get_accepted_by(self, kind: Kind) -> list[str]:
        every_kind: list[str] = self.context.get("kind_names") or list(Kind.objects.values_list("name", flat=True))
        return kinds_accepting(kind.name, every_kind)


class BlockVersionSlimSerializer(serializers.ModelSerializer[BlockVersion]):
    family = serializers.CharField(source="block_type.family")
    is_default = serializers.SerializerMethodField()
    search_keywords = serializers.SerializerMethodField()
    docs_url = serializers.SerializerMethodField()

    class Meta:
        model = BlockVersion
        fields = list(SUMMARY_FIELDS)

    def get_is_default(self, row: BlockVersion) -> bool:
        return row.block_type.default_version_id == row.pk

    def get_search_keywords(self, row: BlockVersion) -> list[str]:
        keywords: list[str] = row.schema.get("search_keywords", [])
        return keywords

    def get_docs_url(self, row: BlockVersion) -> str:
        return reverse("block-docs", kwargs={"type_identifier": row.type_identifier})


def property_dicts(spec: BlockSpec) -> list[dict[str, Any]]:
    return [
        {
            "name": prop.name,
            "title": prop.title,
            "description": prop.description,
            "required": prop.required,
            "has_default": prop.has_default,
            "default": prop.default,
            "accepts_literals": prop.accepts_literals,
            "takes_reference": prop.takes_reference,
            "takes_step_selector": prop.takes_step_selector,
            "kinds": list(prop.kinds),
            "step_kinds": list(step_output_kinds(prop)),
            "is_list_element": prop.is_list_element,
            "is_dict_element": prop.is_dict_element,
        }
        for prop in spec.properties.values()
    ]


class BlockVersionDetailSerializer(BlockVersionSlimSerializer):
    schema = serializers.JSONField()
    properties = serializers.SerializerMethodField()
    outputs = serializers.SerializerMethodField()
    long_description = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    workflow_source = serializers.SerializerMethodField(
        help_text="For a saved workflow published as a block: the workflow and the revision it runs; else null."
    )

    class Meta(BlockVersionSlimSerializer.Meta):
        fields = [
            *BlockVersionSlimSerializer.Meta.fields,
            "long_description",
            "schema",
            "properties",
            "outputs",
            "content_hash",
            "revision",
            "release_notes",
            "versions",
            "workflow_source",
            "created_at",
            "updated_at",
        ]

    def _spec(self, row: BlockVersion) -> BlockSpec:
        return BlockSpec.from_description(row.description)

    def get_properties(self, row: BlockVersion) -> list[dict[str, Any]]:
        return property_dicts(self._spec(row))

    def get_outputs(self, row: BlockVersion) -> list[dict[str, Any]]:
        return [{"name": out.name, "kinds": list(out.kinds)} for out in self._spec(row).outputs]

    def get_long_description(self, row: BlockVersion) -> str:
        return str(row.schema.get("long_description", ""))

    @extend_schema_field(
        inline_serializer(
            "BlockWorkflowSource",
            {"workflow_id": serializers.IntegerField(), "revision": serializers.IntegerField()},
            allow_null=True,
        )
    )
    def get_workflow_source(self, row: BlockVersion) -> dict[str, Any] | None:
        source = row.description.get(WORKFLOW_SOURCE_KEY)
        if not isinstance(source, dict):
            return None
        return {"workflow_id": source.get("workflow_id"), "revision": source.get("revision")}

    def get_versions(self, row: BlockVersion) -> list[dict[str, Any]]:
        siblings = self.context.get("versions", [])
        default_id = row.block_type.default_version_id
        return [
            {
                "type_identifier": sibling.type_identifier,
                "version": sibling.version,
                "state": sibling.state,
                "is_default": sibling.pk == default_id,
            }
            for sibling in siblings
        ]


class BlockRegisterSerializer(serializers.Serializer[Any]):
    """Either a Roboflow BlockDescription, or `manifest` + `outputs`; validated by the service."""

    manifest = JSONObjectField(required=False)
    outputs = JSONArrayField(required=False)
    release_notes = StrictCharField(required=False, allow_blank=True, default="", max_length=10_000)


class BlockStateSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["publish", "deprecate", "disable", "make_default"])
    message = StrictCharField(required=False, allow_blank=True, default="", max_length=10_000)
    replacement = StrictCharField(required=False, allow_blank=True, default="", max_length=255)
    sunset_date = serializers.DateField(required=False, allow_null=True, default=None)
