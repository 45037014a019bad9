"""Admin for the catalog: browse, filter and search versions, change their state, upload manifests.

Every change goes through the same services as the API, so the snapshot is rebuilt and the rules
(conflicts, valid replacements) hold here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from blocks.errors import DomainError
from registry.admin.lifecycle import FamilyLifecycleAdminMixin
from registry.models import BlockType, BlockVersion, BlockVersionRevision, CatalogSnapshot, Kind
from registry.services.block_versions import (
    block_version_deprecate,
    block_version_disable,
    block_version_make_default,
    block_version_publish,
    block_version_register,
)


def pretty_json(value: Any) -> SafeString:
    return format_html(
        '<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>',
        json.dumps(value, indent=2, ensure_ascii=False),
    )


class ManifestUploadForm(forms.Form):
    manifest = forms.FileField(help_text="A Roboflow BlockDescription as JSON (block_schema, outputs_manifest, ...).")
    release_notes = forms.CharField(widget=forms.Textarea, required=False)


class DeprecateForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea, required=False)
    replacement = forms.CharField(required=False, help_text="Type identifier of the version to use instead.")
    sunset_date = forms.DateField(required=False, help_text="When the version is to be disabled (YYYY-MM-DD).")


class RevisionInline(admin.TabularInline[BlockVersionRevision, BlockVersion]):
    model = BlockVersionRevision
    extra = 0
    can_delete = False
    fields = ["number", "content_hash", "note", "created_at", "changed_by"]
    readonly_fields = ["number", "content_hash", "note", "created_at", "changed_by"]

    def has_add_permission(self, request: HttpRequest, obj: BlockVersion | None = None) -> bool:
        return False


@admin.register(BlockVersion)
class BlockVersionAdmin(admin.ModelAdmin[BlockVersion]):
    list_display = ["type_identifier", "human_name", "version", "state", "category", "source", "executable", "default"]
    list_filter = ["state", "category", "source", "executable"]
    search_fields = ["type_identifier", "human_name", "search_text"]
    readonly_fields = [
        "type_identifier",
        "block_type",
        "version",
        "aliases",
        "human_name",
        "category",
        "content_hash",
        "revision",
        "state",
        "deprecation_message",
        "replacement",
        "executable",
        "source",
        "created_at",
        "updated_at",
        "changed_by",
        "manifest",
    ]
    fields = [*readonly_fields[:-1], "release_notes", "manifest"]
    inlines = [RevisionInline]
    actions = ["publish", "deprecate", "disable", "make_default"]
    change_list_template = "admin/registry/blockversion/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Versions are added by uploading a manifest (or by sync/import), never typed in by hand.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BlockVersion | None = None) -> bool:
        return False

    @admin.display(boolean=True, description="default")
    def default(self, obj: BlockVersion) -> bool:
        return obj.block_type.default_version_id == obj.pk

    @admin.display(description="manifest")
    def manifest(self, obj: BlockVersion) -> SafeString:
        return pretty_json(obj.description)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BlockVersion]:
        return super().get_queryset(request).select_related("block_type")

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[BlockVersion],
        action: str,
        service: Callable[..., BlockVersion],
        **extra: Any,
    ) -> None:
        changed = 0
        for row in queryset:
            try:
                service(block_version=row, user=request.user, **extra)
            except DomainError as exc:
                self.message_user(request, f"{row.type_identifier}: {exc.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{action.replace('_', ' ')}: {changed} block version(s).", messages.SUCCESS)

    @admin.action(description="Publish selected versions")
    def publish(self, request: HttpRequest, queryset: QuerySet[BlockVersion]) -> None:
        self._apply(request, queryset, "publish", block_version_publish)

    @admin.action(description="Disable selected versions")
    def disable(self, request: HttpRequest, queryset: QuerySet[BlockVersion]) -> None:
        self._apply(request, queryset, "disable", block_version_disable)

    @admin.action(description="Make the selected version its block's default")
    def make_default(self, request: HttpRequest, queryset: QuerySet[BlockVersion]) -> None:
        self._apply(request, queryset, "make_default", block_version_make_default)

    @admin.action(description="Deprecate selected versions…")
    def deprecate(self, request: HttpRequest, queryset: QuerySet[BlockVersion]) -> HttpResponse | None:
        if "apply" in request.POST:
            form = DeprecateForm(request.POST)
            if form.is_valid():
                self._apply(request, queryset, "deprecate", block_version_deprecate, **form.cleaned_data)
                return None
        else:
            form = DeprecateForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Deprecate block versions",
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/registry/blockversion/deprecate.html", context)

    def get_urls(self) -> list[URLPattern]:
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="registry_blockversion_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = ManifestUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                description = json.loads(form.cleaned_data["manifest"].read().decode("utf-8"))
                row, created = block_version_register(
                    description=description, user=request.user, release_notes=form.cleaned_data["release_notes"]
                )
            except (ValueError, UnicodeDecodeError) as exc:
                form.add_error("manifest", f"Not a JSON file: {exc}")
            except DomainError as exc:
                form.add_error("manifest", exc.message)
                for detail in exc.details:
                    form.add_error("manifest", f"{detail.get('path')}: {detail.get('message')}")
            else:
                verb = "Registered" if created else "Already registered, unchanged:"
                self.message_user(request, f"{verb} {row.type_identifier} (draft until published).")
                return HttpResponseRedirect(reverse("admin:registry_blockversion_change", args=[row.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Register a block version from a manifest file",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/registry/blockversion/upload.html", context)


@admin.register(BlockType)
class BlockTypeAdmin(FamilyLifecycleAdminMixin, admin.ModelAdmin[BlockType]):
    list_display = ["family", "human_name", "category", "default_version"]
    list_filter = ["category"]
    search_fields = ["family", "human_name"]
    readonly_fields = ["family", "human_name", "category", "default_version", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Kind)
class KindAdmin(admin.ModelAdmin[Kind]):
    list_display = ["name", "description", "serialised_data_type", "source"]
    list_filter = ["source"]
    search_fields = ["name", "description"]


@admin.register(CatalogSnapshot)
class CatalogSnapshotAdmin(admin.ModelAdmin[CatalogSnapshot]):
    list_display = ["version", "block_count", "etag", "created_at"]
    fields = ["version", "block_count", "etag", "created_at"]
    readonly_fields = ["version", "block_count", "etag", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CatalogSnapshot | None = None) -> bool:
        return False
