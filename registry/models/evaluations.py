"""Labelled image sets and evaluations of saved workflows on them.

A dataset's images are stored once by content hash (`DatasetImage`), whichever dataset or entry
names them; an entry is one labelled image of one dataset. An evaluation owns a batch job whose
items are the dataset's entries in order (item `index` == entry `index`), so it runs, retries and
cancels as jobs do; its metrics are computed from the job's stored results once the job finishes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DatasetImage(models.Model):
    """One image's bytes in the file storage, named by their SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    location = models.CharField(max_length=500, help_text="Storage name.")
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256[:12]


class Dataset(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    classes = models.JSONField(default=dict, help_text="label -> number of images")
    skipped = models.JSONField(default=list, help_text="entries of the upload that were not used, with why")
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DatasetEntry(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="entries")
    index = models.PositiveIntegerField()
    name = models.CharField(max_length=1000, help_text="The file's path in the upload.")
    label = models.CharField(max_length=200)
    image = models.ForeignKey(DatasetImage, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        ordering = ["dataset", "index"]
        constraints = [models.UniqueConstraint(fields=["dataset", "index"], name="unique_dataset_entry_index")]

    def __str__(self) -> str:
        return f"{self.dataset_id}#{self.index} {self.name} ({self.label})"


class Evaluation(models.Model):
    """A workflow revision's answers on a dataset: a job over its images, read at one output."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    workflow = models.ForeignKey("registry.Workflow", on_delete=models.CASCADE, related_name="evaluations")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="evaluations")
    job = models.OneToOneField("registry.Job", on_delete=models.CASCADE, related_name="evaluation")
    output = models.CharField(max_length=200, help_text="The workflow output that holds the classification.")
    metrics = models.JSONField(null=True, blank=True)
    # The job's `finished_at` the metrics were computed for: a retried job finishes again, later.
    metrics_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"evaluation {self.pk}"
