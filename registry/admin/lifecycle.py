"""Admin for the registry lifecycle: a family's page with its policy, the diff between any two of
its versions, the workflows that use each version and the audit trail; the audit records; policies.

Changes go through the same services as the API, so they are audited here too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from blocks.compatibility.policy import Compatibility
from registry.models import AuditRecord, BlockType, CompatibilityPolicy
from registry.selectors.audit import audit_list
from registry.selectors.compatibility import compatibility_get, family_diff, family_versions
from registry.selectors.usages import block_version_usages
from registry.services.compatibility import compatibility_delete, compatibility_set

INHERIT = ""
AUDIT_SHOWN = 50


class PolicyForm(forms.Form):
    compatibility = forms.ChoiceField(
        choices=[(INHERIT, "(the global default)"), *((m.value, m.value) for m in Compatibility)], required=False
    )


class DiffForm(forms.Form):
    def __init__(self, *args: Any, versions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v, v) for v in versions]
        self.fields["from"] = forms.ChoiceField(choices=choices)
        self.fields["to"] = forms.ChoiceField(choices=choices)


class FamilyLifecycleAdminMixin:
    """Adds the lifecycle page to the block family admin (`<pk>/lifecycle/`)."""

    admin_site: admin.AdminSite
    model: type[BlockType]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.lifecycle_view)
        own = path("<int:pk>/lifecycle/", view, name="registry_blocktype_lifecycle")
        return [own, *super().get_urls()]  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return [*fields, "lifecycle"]

    @admin.display(description="lifecycle")
    def lifecycle(self, obj: BlockType) -> SafeString:
        url = reverse("admin:registry_blocktype_lifecycle", args=[obj.pk])
        return format_html('<a href="{}">Policy, diffs, usages and audit trail</a>', url)

    def lifecycle_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        block_type = get_object_or_404(BlockType, pk=pk)
        family = block_type.family
        if request.method == "POST":
            policy = PolicyForm(request.POST)
            if policy.is_valid():
                chosen = policy.cleaned_data["compatibility"]
                if chosen == INHERIT:
                    compatibility_delete(family=family, user=request.user)
                else:
                    compatibility_set(compatibility=Compatibility(chosen), user=request.user, family=family)
                messages.success(request, f"Compatibility policy of {family} saved.")
                return HttpResponseRedirect(request.path)
        versions = family_versions(family)
        identifiers = [row.type_identifier for row in versions]
        mode, scope = compatibility_get(family=family)
        initial = {
            "from": identifiers[-2] if len(identifiers) > 1 else None,
            "to": identifiers[-1] if identifiers else None,
        }
        diff_form = DiffForm(request.GET or initial, versions=identifiers)
        diff = None
        if diff_form.is_valid():
            diff = family_diff(family=family, old=diff_form.cleaned_data["from"], new=diff_form.cleaned_data["to"])[2]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Lifecycle of {family}",
            "opts": self.model._meta,
            "original": block_type,
            "policy": {"compatibility": mode.value, "scope": scope},
            "policy_form": PolicyForm(initial={"compatibility": mode.value if scope == "family" else INHERIT}),
            "diff_form": diff_form,
            "diff": [change.as_dict() for change in diff] if diff is not None else None,
            "usages": [(row, block_version_usages(row=row, user=request.user)["usages"]) for row in versions],
            "audit": audit_list(subjects=[family, *identifiers], limit=AUDIT_SHOWN)[0],
        }
        return TemplateResponse(request, "admin/registry/blocktype/lifecycle.html", context)


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    list_display = ["created_at", "action", "subject", "actor_name"]
    list_filter = ["action"]
    search_fields = ["subject", "actor_name"]
    fields = ("created_at", "action", "subject", "actor_name", "before", "after", "details")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditRecord | None = None) -> bool:
        return False


@admin.register(CompatibilityPolicy)
class CompatibilityPolicyAdmin(admin.ModelAdmin[CompatibilityPolicy]):
    """Policies are set through the service so every change is audited."""

    list_display = ["__str__", "compatibility", "updated_at"]
    fields = ["family", "compatibility"]

    def get_readonly_fields(self, request: HttpRequest, obj: CompatibilityPolicy | None = None) -> list[str]:
        return ["family"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CompatibilityPolicy, form: Any, change: bool) -> None:
        compatibility_set(compatibility=Compatibility(obj.compatibility), user=request.user, family=obj.family)

    def delete_model(self, request: HttpRequest, obj: CompatibilityPolicy) -> None:
        if obj.family:
            compatibility_delete(family=obj.family, user=request.user)
