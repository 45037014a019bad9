"""The registry's lifecycle tables: compatibility policies of block families and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from blocks.compatibility.policy import Compatibility

COMPATIBILITY_CHOICES = [(mode.value, mode.value) for mode in Compatibility]


class CompatibilityPolicy(models.Model):
    """A family's compatibility mode; the row whose family is empty is the global default."""

    family = models.CharField(max_length=255, unique=True, blank=True, help_text="Empty for the global default.")
    compatibility = models.CharField(max_length=30, choices=COMPATIBILITY_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family"]
        verbose_name_plural = "compatibility policies"

    def __str__(self) -> str:
        return f"{self.family or '(global default)'}: {self.compatibility}"


class AuditAction(models.TextChoices):
    PUBLISH = "publish", "Publish"
    STATE = "state", "State change"
    POLICY = "policy", "Policy change"


class AuditRecord(models.Model):
    """Who changed what in the registry, when, and the state before and after."""

    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    subject = models.CharField(max_length=255, db_index=True, help_text="A type identifier or a family.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the record still says who after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="e.g. the compatibility report of a publish")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.subject} by {self.actor_name or 'system'}"
