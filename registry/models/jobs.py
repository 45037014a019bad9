"""Batch jobs: one saved workflow revision run over many images, and each image's result.

A job's items are its inputs (a stored file, a URL or a file under an allowed folder). An item's
result is a separate row with a one-to-one link, so the database itself guarantees that an item is
answered at most once, whichever worker (or redelivered chunk) gets there first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    COMPLETED_WITH_ERRORS = "completed_with_errors", "Completed with errors"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_JOB_STATUSES = frozenset(
    {JobStatus.SUCCEEDED, JobStatus.COMPLETED_WITH_ERRORS, JobStatus.FAILED, JobStatus.CANCELLED}
)


class JobSource(models.TextChoices):
    ZIP = "zip", "Uploaded zip"
    URLS = "urls", "Image URLs"
    FOLDER = "folder", "Server folder"
    FILES = "files", "Stored files"
    # A dataset's images, read where the dataset keeps them: never the job's to delete.
    DATASET = "dataset", "Dataset images"


class Job(models.Model):
    """A run of one pinned workflow revision over many images; the parameters apply to every image."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    workflow = models.ForeignKey("registry.Workflow", on_delete=models.CASCADE, related_name="jobs")
    # RESTRICT, not PROTECT: a revision is never deleted from under a job, but deleting the workflow
    # removes its jobs and revisions together.
    revision = models.ForeignKey("registry.WorkflowRevision", on_delete=models.RESTRICT, related_name="jobs")
    lockfile = models.JSONField(help_text="The revision's lockfile the job was started with.")
    image_input = models.CharField(max_length=200, help_text="The workflow input each image is given to.")
    source = models.CharField(max_length=10, choices=JobSource.choices)
    parameters = models.JSONField(default=dict)
    webhook = models.URLField(max_length=2000, blank=True)
    webhook_result = models.JSONField(null=True, blank=True, help_text="The webhook delivery: status or error.")
    status = models.CharField(max_length=30, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True, help_text="Zip entries that are not images, not run.")
    skipped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.status})"


class JobItem(models.Model):
    """One image of a job: where to read it, and how many times a worker has taken it up."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    index = models.PositiveIntegerField()
    # Text, not bounded characters: a URL, a path or a zip member name is stored whole, whatever its length.
    name = models.TextField(help_text="The source name shown in results.")
    location = models.TextField(help_text="Storage name, URL or absolute path.")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes stored for it (the owner's quota).")
    attempts = models.PositiveIntegerField(default=0, help_text="Deliveries of the item to a worker.")
    worker = models.TextField(blank=True, help_text="The worker that took it up last.")
    # The lease (registry.services.job_leases): the chunk message the item is given to, and while a
    # worker runs it, until when that worker holds it. A lease that runs out is taken back by the sweep.
    lease_owner = models.CharField(max_length=64, blank=True, help_text="The chunk message the item is given to.")
    lease_until = models.DateTimeField(null=True, blank=True, help_text="Until when a running worker holds it.")
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When it was last sent to the queue.")

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="unique_job_item_index")]
        indexes = [models.Index(fields=["lease_until"], name="job_item_lease_until")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.index} {self.name}"


class JobItemStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class JobResult(models.Model):
    """The one answer for an item. `job` is denormalised so counts and exports need no join."""

    item = models.OneToOneField(JobItem, on_delete=models.CASCADE, related_name="result")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(max_length=20, choices=JobItemStatus.choices)
    outputs = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    top_class = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    worker = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id"]
        indexes = [models.Index(fields=["job", "status"], name="job_result_status")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status}"


class WorkerHeartbeat(models.Model):
    """A job worker that is alive: its sweep thread writes `seen_at` at every sweep (`/healthz`)."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname} (pid {self.pid})"
