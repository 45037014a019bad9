"""Admin for batch jobs: jobs with status and counts, their items, and retry / cancel actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from blocks.errors import DomainError
from registry.admin.catalog import pretty_json
from registry.models import Job, JobItem, JobItemStatus, JobResult
from registry.selectors.jobs import job_counts, job_summary
from registry.services.jobs import job_cancel, job_retry

JOB_FIELDS: tuple[str, ...] = (
    "status",
    "user",
    "workflow",
    "revision",
    "source",
    "total",
    "done",
    "failed",
    "created_at",
    "started_at",
    "finished_at",
    "parameters_json",
    "summary_json",
    "webhook",
    "webhook_result",
)

ITEM_FIELDS: tuple[str, ...] = (
    "job",
    "index",
    "name",
    "location",
    "attempts",
    "worker",
    "status",
    "outputs_json",
    "error_json",
)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ["id", "status", "workflow", "user", "total", "done", "failed", "created_at", "finished_at"]
    list_filter = ["status", "source"]
    search_fields = ["workflow__name", "user__username"]
    fields = JOB_FIELDS
    readonly_fields = JOB_FIELDS
    actions = ["retry_failed", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        # The counts of every listed job in the list's one query.
        return (
            super()
            .get_queryset(request)
            .select_related("workflow", "user", "revision")
            .annotate(
                done_count=Count("results", filter=~Q(results__status=JobItemStatus.CANCELLED)),
                failed_count=Count("results", filter=Q(results__status=JobItemStatus.FAILED)),
            )
        )

    @admin.display(description="done")
    def done(self, obj: Job) -> int:
        return self._count(obj, "done")

    @admin.display(description="failed")
    def failed(self, obj: Job) -> int:
        return self._count(obj, "failed")

    def _count(self, obj: Job, name: str) -> int:
        annotated = getattr(obj, f"{name}_count", None)
        return job_counts(obj)[name] if annotated is None else int(annotated)

    @admin.display(description="parameters")
    def parameters_json(self, obj: Job) -> SafeString:
        return pretty_json(obj.parameters)

    @admin.display(description="summary")
    def summary_json(self, obj: Job) -> SafeString:
        return pretty_json(job_summary(obj))

    def _each(self, request: HttpRequest, queryset: QuerySet[Job], action: str) -> None:
        done = 0
        for job in queryset:
            try:
                if action == "retry":
                    job_retry(job=job)
                else:
                    job_cancel(job=job)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Job {job.pk}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"{action.capitalize()}: {done} job(s).", messages.SUCCESS)

    @admin.action(description="Retry the failed items")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._each(request, queryset, "retry")

    @admin.action(description="Cancel")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._each(request, queryset, "cancel")


@admin.register(JobItem)
class JobItemAdmin(admin.ModelAdmin[JobItem]):
    list_display = ["job", "index", "name", "attempts", "worker", "status", "error_code"]
    list_filter = ["result__status"]
    search_fields = ["name"]
    list_select_related = ["result"]
    fields = ITEM_FIELDS
    readonly_fields = ITEM_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: JobItem | None = None) -> bool:
        return False

    def _result(self, obj: JobItem) -> JobResult | None:
        try:
            return obj.result
        except JobResult.DoesNotExist:
            return None

    @admin.display(description="status")
    def status(self, obj: JobItem) -> str:
        result = self._result(obj)
        return result.status if result else "pending"

    @admin.display(description="error")
    def error_code(self, obj: JobItem) -> str:
        result = self._result(obj)
        return str((result.error or {}).get("code", "")) if result else ""

    @admin.display(description="outputs")
    def outputs_json(self, obj: JobItem) -> SafeString:
        result = self._result(obj)
        return pretty_json(result.outputs if result else None)

    @admin.display(description="error detail")
    def error_json(self, obj: JobItem) -> SafeString:
        result = self._result(obj)
        return pretty_json(result.error if result else None)
