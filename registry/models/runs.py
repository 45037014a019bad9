"""Runs of workflows, local models, and the images kept for active learning with local models."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class LocalModel(models.Model):
    """An ONNX classification model served here under a Roboflow-style id (`project/version`)."""

    model_id = models.CharField(max_length=200, unique=True)
    file_path = models.CharField(max_length=500, help_text="Absolute, or relative to the project folder.")
    class_names = models.JSONField()
    input_width = models.PositiveIntegerField()
    input_height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["model_id"]

    def __str__(self) -> str:
        return self.model_id


class RunStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Run(models.Model):
    """One execution: who, which workflow revision, timings, outputs, and the error if it failed.

    The API key used is never stored; image payloads in outputs are left out. `uid` is given before
    the run starts (the row, and so its `id`, may be written only once the answer is sent): it is the
    `run_id` every log line of the run carries.
    """

    uid = models.UUIDField(default=uuid.uuid4, editable=False, null=True, db_index=True)

    status = models.CharField(max_length=20, choices=RunStatus.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    workflow = models.ForeignKey(
        "registry.Workflow", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    revision = models.PositiveIntegerField(null=True, blank=True)
    definition_hash = models.CharField(max_length=64, blank=True)
    image_count = models.PositiveIntegerField(default=0)
    outputs = models.JSONField(default=list)
    timings = models.JSONField(default=dict)
    # Per step, per input element: status and outputs, images as thumbnails (executor step_results).
    steps = models.JSONField(default=dict, blank=True)
    # Per image input, what went in: each image's size, content hash and a thumbnail (services.runs),
    # so an old run shows its inputs beside its results. Parameters are left out (they may hold keys).
    inputs = models.JSONField(default=dict, blank=True)
    error = models.JSONField(null=True, blank=True)
    duration_ms = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"


class ActiveLearningDatapoint(models.Model):
    """An image a local model classified with active learning on, kept with its prediction."""

    dataset = models.CharField(max_length=200, db_index=True)
    model_id = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.FileField(upload_to="active_learning/%Y/%m/%d/")
    prediction = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.image.name}"
