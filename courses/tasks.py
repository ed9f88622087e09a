"""Thin Celery tasks for courses: load by id, call a service."""

from celery import shared_task

from core.outbox import DURABLE_TASK_OPTIONS


@shared_task(**DURABLE_TASK_OPTIONS)
def issue_certificate(self, enrollment_id: int) -> str | None:
    from .services import certificate_issue

    certificate = certificate_issue(enrollment_id=enrollment_id)
    return certificate.code if certificate else None
