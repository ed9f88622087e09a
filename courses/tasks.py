"""Thin Celery tasks for courses: load by id, call a service."""

from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def issue_certificate(self, enrollment_id: int) -> str | None:
    from .services import certificate_issue

    certificate = certificate_issue(enrollment_id=enrollment_id)
    return certificate.code if certificate else None
