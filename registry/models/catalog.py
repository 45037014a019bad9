"""The schema registry's tables: kinds, block types, block versions with their history, and the
versioned snapshot of the catalog (connection graph and Roboflow describe payload) served to readers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from blocks.kinds import Kind as KindSpec


class Source(models.TextChoices):
    BUILTIN = "builtin", "Built-in"
    IMPORTED = "imported", "Imported"
    UPLOADED = "uploaded", "Uploaded"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    DEPRECATED = "deprecated", "Deprecated"
    DISABLED = "disabled", "Disabled"


# States whose versions are in the catalog that workflows compile against.
CATALOG_STATES = (State.PUBLISHED, State.DEPRECATED)
CATALOG_STATES_VALUES = tuple(state.value for state in CATALOG_STATES)


class Kind(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    serialised_data_type = models.CharField(max_length=300, blank=True)
    internal_data_type = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.BUILTIN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict[str, str]:
        return KindSpec(self.name, self.description, self.serialised_data_type, self.internal_data_type).as_dict()


class BlockType(models.Model):
    """A block family (`roboflow_core/continue_if`): its versions share a name and a default."""

    family = models.CharField(max_length=255, unique=True)
    human_name = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=100, blank=True)
    default_version = models.ForeignKey(
        "BlockVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family"]

    def __str__(self) -> str:
        return self.family


class BlockVersion(models.Model):
    """One version of a block: its Roboflow BlockDescription and registry metadata."""

    block_type = models.ForeignKey(BlockType, on_delete=models.PROTECT, related_name="versions")
    type_identifier = models.CharField(max_length=255, unique=True)
    version = models.CharField(max_length=50, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    human_name = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=100, blank=True, db_index=True)
    short_description = models.TextField(blank=True)
    search_text = models.TextField(blank=True, help_text="Lower-case name, identifiers and keywords, for search.")
    description = models.JSONField(help_text="The Roboflow BlockDescription: block_schema, outputs_manifest, ...")
    content_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    release_notes = models.TextField(blank=True)
    deprecation_message = models.TextField(blank=True)
    replacement = models.CharField(max_length=255, blank=True)
    sunset_date = models.DateField(null=True, blank=True, help_text="When a deprecated version is to be disabled.")
    executable = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=Source.choices, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["type_identifier"]

    def __str__(self) -> str:
        return self.type_identifier

    @property
    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self.description.get("block_schema", {})
        return schema

    @property
    def outputs(self) -> list[dict[str, Any]]:
        outputs: list[dict[str, Any]] = self.description.get("outputs_manifest", [])
        return outputs


class BlockVersionRevision(models.Model):
    """The content history of a version: every manifest it has had, the current one included."""

    block_version = models.ForeignKey(BlockVersion, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    description = models.JSONField()
    content_hash = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["block_version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["block_version", "number"], name="unique_block_version_revision")
        ]

    def __str__(self) -> str:
        return f"{self.block_version_id} r{self.number}"


class CatalogSnapshot(models.Model):
    """The catalog as readers see it, computed once per change: graph, describe payload, schema.

    Stored as JSON text so that a read is a byte copy, not a serialisation.
    """

    version = models.PositiveIntegerField(unique=True)
    etag = models.CharField(max_length=80)
    # Readers poll (version, etag, token) on every request; these columns come before the large
    # documents so the poll never reads them. The token tells apart snapshots that reuse a version
    # number after a rolled-back transaction.
    token = models.CharField(max_length=32)
    block_count = models.PositiveIntegerField(default=0)
    graph_json = models.TextField()
    describe_json = models.TextField()
    definition_schema_json = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"catalog v{self.version}"
