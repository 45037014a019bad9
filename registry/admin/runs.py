"""Admin for runs, local models and the active-learning datasets kept for local models."""

from __future__ import annotations

import io
import json
import zipfile

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString

from registry.admin.catalog import pretty_json
from registry.models import ActiveLearningDatapoint, LocalModel, Run

RUN_FIELDS: tuple[str, ...] = (
    "uid",
    "status",
    "user",
    "workflow",
    "revision",
    "image_count",
    "duration_ms",
    "created_at",
    "timings_json",
    "outputs_json",
    "error_json",
)


@admin.register(Run)
class RunAdmin(admin.ModelAdmin[Run]):
    list_display = ["id", "status", "user", "workflow", "revision", "duration_ms", "created_at"]
    list_filter = ["status"]
    # `uid` is the `run_id` of the run's log lines.
    search_fields = ["uid", "workflow__name", "user__username"]
    fields = RUN_FIELDS
    readonly_fields = RUN_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Run | None = None) -> bool:
        return False

    @admin.display(description="timings (ms)")
    def timings_json(self, obj: Run) -> SafeString:
        return pretty_json(obj.timings)

    @admin.display(description="outputs")
    def outputs_json(self, obj: Run) -> SafeString:
        return pretty_json(obj.outputs)

    @admin.display(description="error")
    def error_json(self, obj: Run) -> SafeString:
        return pretty_json(obj.error)


@admin.register(LocalModel)
class LocalModelAdmin(admin.ModelAdmin[LocalModel]):
    list_display = ["model_id", "input_width", "input_height", "created_at"]
    search_fields = ["model_id"]


@admin.register(ActiveLearningDatapoint)
class ActiveLearningDatapointAdmin(admin.ModelAdmin[ActiveLearningDatapoint]):
    list_display = ["dataset", "model_id", "image", "created_at"]
    list_filter = ["dataset", "model_id"]
    actions = ["export"]

    @admin.action(description="Export selected datapoints (zip of images and predictions)")
    def export(self, request: HttpRequest, queryset: QuerySet[ActiveLearningDatapoint]) -> HttpResponse:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for point in queryset:
                name = (point.image.name or "image").rsplit("/", 1)[-1]
                with point.image.open("rb") as handle:
                    archive.writestr(f"{point.dataset}/{name}", handle.read())
                archive.writestr(f"{point.dataset}/{name}.json", json.dumps(point.prediction, indent=2))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="active-learning.zip"'
        return response
