"""Thin Celery tasks for the site as a whole."""

from celery import shared_task
from django.core.management import call_command

from core.locks import single_instance


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, payload: dict) -> int:
    from home.email import payload_to_message

    return payload_to_message(payload).send()


@shared_task
@single_instance
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing and unpublishing."""
    call_command("publish_scheduled")


@shared_task
def ping(value: str) -> str:
    """Used by the worker round-trip test and health checks."""
    return f"pong:{value}"
