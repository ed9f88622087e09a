"""Thin Celery tasks for the site as a whole."""

from celery import shared_task
from django.core.management import call_command

from core.locks import single_instance
from home.services import background_work_repair


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
    return background_work_repair()
