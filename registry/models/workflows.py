"""Saved workflows and their revisions.

A revision is immutable: the definition as saved, the validation result at save time, and the
lockfile (for each step, the block version identifier and manifest hash it was validated against).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LiveWorkflowManager(models.Manager["Workflow"]):
    """Workflows not deleted: a deleted one is kept for a while to be restored, and seen nowhere else."""

    def get_queryset(self) -> models.QuerySet[Workflow]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Workflow(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workflows")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0, help_text="The number of the current revision.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="When it was deleted (restorable for a while).")

    all_objects = models.Manager()
    objects = LiveWorkflowManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name


class WorkflowRevision(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    message = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    valid = models.BooleanField()
    validation = models.JSONField(help_text='{"valid", "errors", "warnings"} at save time')
    lockfile = models.JSONField(help_text="step name -> {type_identifier, content_hash}")
    # Where the editor drew each node; kept beside the definition, never inside it, so an exported
    # definition stays exactly Roboflow's.
    layout = models.JSONField(default=dict, blank=True, help_text='node key ("steps/name") -> {"x", "y"}')

    class Meta:
        ordering = ["workflow", "-number"]
        constraints = [models.UniqueConstraint(fields=["workflow", "number"], name="unique_workflow_revision")]

    def __str__(self) -> str:
        return f"{self.workflow_id} r{self.number}"
