"""The outbox and idempotent tasks without real services (tasks run inline, as in every other test)."""

import pytest
from django.core import mail
from django.db import transaction

from core import outbox
from core.email import send_templated_email
from core.models import OutboxMessage, SentEmail

INVITE = {"organization": {"name": "Hill County"}, "invited_by": None, "accept_url": "/x/"}


@pytest.mark.django_db
def test_a_rolled_back_change_owes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_templated_email(to=["a@example.org"], template_prefix="members/email/invitation", context=INVITE)
            raise RuntimeError
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_a_failed_publish_keeps_the_row_for_the_relay(settings, monkeypatch, django_capture_on_commit_callbacks):
    from aln_site.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(to=["a@example.org"], template_prefix="members/email/invitation", context=INVITE)
    row = OutboxMessage.objects.get()
    assert row.enqueued_at is None and row.done_at is None and "Connection refused" in row.last_error
    assert list(outbox.due()) == [row]
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    assert outbox.relay_due() == 1
    row.refresh_from_db()
    assert row.done_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_redelivered_email_task_sends_nothing(django_capture_on_commit_callbacks):
    from core.tasks import send_email

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=["a@example.org"], template_prefix="members/email/invitation", context=INVITE, key="invite:1"
        )
    row = OutboxMessage.objects.get()
    send_email.apply(row.args, row.kwargs, task_id=row.task_id)  # Redis hands it out again
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to=["a@example.org"], template_prefix="members/email/invitation", context=INVITE, key="invite:1"
        )
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(key="invite:1", recipient="a@example.org").count() == 1


@pytest.mark.django_db
def test_email_settings_come_from_the_environment(monkeypatch, tmp_path):
    import importlib

    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    monkeypatch.setenv("EMAIL_TIMEOUT", "7")
    from aln_site.settings import base

    reloaded = importlib.reload(base)
    assert reloaded.EMAIL_FILE_PATH == str(tmp_path) and reloaded.EMAIL_TIMEOUT == 7


@pytest.mark.django_db
def test_grant_completion_and_repair_issue_a_lost_certificate_once(
    free_course, user, django_capture_on_commit_callbacks
):
    from courses.models import Certificate, Enrollment
    from courses.services import enrollment_create, enrollment_grant_completion
    from home.services import background_work_repair

    course, _lessons = free_course
    enrollment = enrollment_create(user=user, course=course)
    # Completed before the outbox, its certificate lost with the broker.
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at="2025-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        assert background_work_repair()["certificates"] == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert background_work_repair()["certificates"] == 0
    Certificate.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_grant_completion(enrollment=enrollment)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
