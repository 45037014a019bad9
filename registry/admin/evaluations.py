"""Admin for labelled datasets (with their entries) and evaluations (with their metrics); read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.safestring import SafeString

from registry.admin.catalog import pretty_json
from registry.models import Dataset, DatasetEntry, Evaluation


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DatasetEntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DatasetEntry
    fields = readonly_fields = ("index", "name", "label", "image")
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "owner", "total", "class_counts", "created_at"]
    search_fields = ["name", "owner__username"]
    fields = readonly_fields = ("name", "owner", "total", "classes_json", "skipped_json", "created_at")
    list_select_related = ["owner"]
    inlines = [DatasetEntryInline]

    @admin.display(description="classes")
    def class_counts(self, obj: Dataset) -> str:
        return ", ".join(f"{label}: {count}" for label, count in sorted(obj.classes.items()))

    @admin.display(description="classes")
    def classes_json(self, obj: Dataset) -> SafeString:
        return pretty_json(obj.classes)

    @admin.display(description="skipped")
    def skipped_json(self, obj: Dataset) -> SafeString:
        return pretty_json(obj.skipped)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["id", "workflow", "dataset", "user", "job", "status", "accuracy", "created_at"]
    search_fields = ["workflow__name", "dataset__name", "user__username"]
    fields = readonly_fields = ("workflow", "dataset", "user", "job", "output", "metrics_json", "created_at")
    list_select_related = ["workflow", "dataset", "user", "job"]

    @admin.display(description="status")
    def status(self, obj: Evaluation) -> str:
        return obj.job.status

    @admin.display(description="accuracy")
    def accuracy(self, obj: Evaluation) -> str:
        value = (obj.metrics or {}).get("accuracy", {}).get("value")
        return "" if value is None else f"{value:.2%}"

    @admin.display(description="metrics")
    def metrics_json(self, obj: Evaluation) -> SafeString:
        return pretty_json(obj.metrics)
