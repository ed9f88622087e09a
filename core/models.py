"""Rows that make background work durable: what a request owes, and what was already done."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task a committed change owes, written in the same transaction (core.outbox.enqueue).

    The relay publishes rows whose `enqueued_at` is empty (or stale); the task's success sets `done_at`.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # What the row is for (e.g. "certificate:12"): recovery and repeat callers look for a pending row by it.
    key = models.CharField(max_length=255, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["done_at", "enqueued_at", "available_at"], name="outbox_due")]
        verbose_name = "outbox message"

    def __str__(self):
        return f"{self.task} #{self.pk}"

    @property
    def task_id(self) -> str:
        """The Celery task id: a redelivered or re-published message keeps it, so the task knows its row."""
        return f"outbox-{self.pk}"


class SentEmail(models.Model):
    """Proof one e-mail went out: unique per purpose and recipient, so a redelivered task sends nothing."""

    key = models.CharField(max_length=255)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="one_email_per_purpose_recipient")]
        verbose_name = "sent e-mail"

    def __str__(self):
        return f"{self.key} → {self.recipient}"
