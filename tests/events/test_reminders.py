"""Reminders go out 7 days and 1 day before, once per attendee, even when the task runs twice or at once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from events import reminders, services, staff
from events.models import ReminderSent
from events.tasks import send_event_reminders


def _group(n):
    return [{"name": f"Teacher {i}", "email": f"rem{i}@example.org"} for i in range(n)]


@pytest.mark.django_db
def test_week_and_day_reminders_go_to_every_attendee_once(make_event, user, committed):
    event = make_event(start=timezone.now() + timedelta(days=6, hours=12), capacity=10)
    services.registration_create(event=event, purchaser=user, attendees=_group(3))
    mail.outbox.clear()

    with committed():
        assert send_event_reminders.delay().get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["rem0@example.org", "rem1@example.org", "rem2@example.org"]
    assert all("Next week" in m.subject for m in mail.outbox)
    assert event.virtual_link in mail.outbox[0].body

    with committed():
        assert send_event_reminders.delay().get() == 0
    assert len(mail.outbox) == 3

    # Five and a half days later the one-day reminder is due, and only that one.
    with committed():
        assert reminders.reminders_send_due(now=timezone.now() + timedelta(days=5, hours=18)) == 3
    assert len(mail.outbox) == 6
    assert all("Tomorrow" in m.subject for m in mail.outbox[3:])
    assert ReminderSent.objects.count() == 6


@pytest.mark.django_db
def test_no_reminders_for_waitlisted_cancelled_or_far_away(make_event, make_user, committed):
    soon = make_event(start=timezone.now() + timedelta(hours=20), capacity=1)
    services.registration_create(event=soon, purchaser=make_user())
    services.registration_create(event=soon, purchaser=make_user())  # waitlisted
    far = make_event(start=timezone.now() + timedelta(days=30))
    services.registration_create(event=far, purchaser=make_user())
    cancelled = make_event(start=timezone.now() + timedelta(hours=20))
    services.registration_create(event=cancelled, purchaser=make_user())
    staff.event_cancel(event=cancelled)
    mail.outbox.clear()
    with committed():
        assert reminders.reminders_send_due() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_send_each_reminder_exactly_once(make_event, user):
    event = make_event(start=timezone.now() + timedelta(hours=20), capacity=20)
    services.registration_create(event=event, purchaser=user, attendees=_group(8))
    mail.outbox.clear()
    runs = 6
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(reminders.reminders_send_due())
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(results) == 8
    reminder_mail = [m for m in mail.outbox if "Tomorrow" in m.subject]
    assert len(reminder_mail) == 8
    assert len({m.to[0] for m in reminder_mail}) == 8
    assert ReminderSent.objects.count() == 8
    assert connection.vendor in ("sqlite", "postgresql")
