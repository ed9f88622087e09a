"""Thin Celery tasks for the site as a whole."""

from celery import shared_task
from django.core.management import call_command

from core.locks import single_instance
from core.outbox import DURABLE_TASK_OPTIONS


@shared_task(**DURABLE_TASK_OPTIONS)
def send_email(self, payload: dict, email_key: str = "") -> int:
    """Send once: the SentEmail row (unique per purpose and recipient) commits with the send, so a
    redelivered task finds it and sends nothing, and a concurrent copy waits on the row, then skips."""
    from django.db import IntegrityError, transaction

    from core.models import SentEmail
    from home.email import payload_to_message

    key = email_key or self.request.id or ""
    recipient = ",".join(payload["to"])[:254]
    if key and SentEmail.objects.filter(key=key, recipient=recipient).exists():
        return 0
    try:
        with transaction.atomic():
            if key:
                SentEmail.objects.create(key=key[:255], recipient=recipient, subject=payload["subject"][:255])
            return payload_to_message(payload).send()
    except IntegrityError:
        return 0


@shared_task
@single_instance
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing and unpublishing."""
    call_command("publish_scheduled")


# Results are ignored by default (nothing waits on them); the health check waits on this one.
@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Used by the worker round-trip test and health checks."""
    return f"pong:{value}"


@shared_task(ignore_result=True)
def repair_background_work() -> dict:
    """Beat: certificates, confirmation e-mails and reminders that were owed but never done, each once."""
    from home.services import background_work_repair

    return background_work_repair()
