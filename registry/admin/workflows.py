"""Admin for saved workflows and their revisions, with definitions shown as readable JSON."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.safestring import SafeString

from registry.admin.catalog import pretty_json
from registry.models import Workflow, WorkflowRevision

REVISION_FIELDS: tuple[str, ...] = (
    "workflow",
    "number",
    "message",
    "author",
    "valid",
    "created_at",
    "definition_json",
    "validation_json",
    "lockfile_json",
)


class RevisionInline(admin.TabularInline[WorkflowRevision, Workflow]):
    model = WorkflowRevision
    extra = 0
    can_delete = False
    fields = ["number", "message", "author", "valid", "created_at"]
    readonly_fields = ["number", "message", "author", "valid", "created_at"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Workflow | None = None) -> bool:
        return False


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin[Workflow]):
    list_display = ["name", "owner", "public", "revision", "updated_at"]
    list_filter = ["public"]
    search_fields = ["name", "description", "owner__username"]
    readonly_fields = ["revision", "created_at", "updated_at"]
    inlines = [RevisionInline]


@admin.register(WorkflowRevision)
class WorkflowRevisionAdmin(admin.ModelAdmin[WorkflowRevision]):
    list_display = ["workflow", "number", "author", "valid", "created_at"]
    list_filter = ["valid"]
    search_fields = ["workflow__name", "message"]
    fields = REVISION_FIELDS
    readonly_fields = REVISION_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WorkflowRevision | None = None) -> bool:
        return False

    @admin.display(description="definition")
    def definition_json(self, obj: WorkflowRevision) -> SafeString:
        return pretty_json(obj.definition)

    @admin.display(description="validation")
    def validation_json(self, obj: WorkflowRevision) -> SafeString:
        return pretty_json(obj.validation)

    @admin.display(description="lockfile")
    def lockfile_json(self, obj: WorkflowRevision) -> SafeString:
        return pretty_json(obj.lockfile)
