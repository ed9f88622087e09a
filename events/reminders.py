"""Workshop reminders: the 7-day and 1-day e-mails, each sent once per attendee."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from members import email_preferences

from .models import Attendee, Registration, ReminderSent
from .notifications import because_registered, email_context, email_owed_or_sent

REMINDER_WINDOWS = {
    ReminderSent.Kind.WEEK: (timedelta(days=7), timedelta(days=1)),
    ReminderSent.Kind.DAY: (timedelta(days=1), timedelta(0)),
}


def reminders_send_due(*, now=None) -> int:
    """Send the 7-day and 1-day reminders that are due. Each attendee gets each reminder once, ever:
    the ReminderSent row is inserted before the e-mail is queued, in the same transaction."""
    now = now or timezone.now()
    sent = 0
    for kind, (before, until) in REMINDER_WINDOWS.items():
        attendees = (
            Attendee.objects.filter(
                registration__status=Registration.Status.CONFIRMED,
                registration__event__live=True,
                registration__event__start__lte=now + before,
                registration__event__start__gt=now + until,
                registration__event__seat_counter__cancelled_at__isnull=True,
            )
            .exclude(reminders__kind=kind)
            .select_related("registration__event", "registration__purchaser")
        )
        for attendee in attendees:
            try:
                with transaction.atomic():
                    # Recorded even when she turned reminders off, so it is decided once.
                    ReminderSent.objects.create(attendee=attendee, kind=kind)
                    queued = _send_reminder(attendee, kind)
            except IntegrityError:
                # Another run got here first: that run sends it.
                continue
            sent += queued
    return sent


def _send_reminder(attendee: Attendee, kind: str) -> bool:
    """Queue the reminder unless she turned reminders off; True when queued."""
    from .ics import registration_calendar

    registration = attendee.registration
    return email_preferences.send_email(
        to=attendee.email.lower(),
        kind=email_preferences.REMINDERS,
        because=because_registered(registration),
        template_prefix="events/email/reminder",
        key=_reminder_key(attendee.pk, kind),
        context=email_context(
            registration, extra={"attendee": attendee, "kind": kind, "days": 7 if kind == "7d" else 1}
        ),
        attachments=[("workshop.ics", registration_calendar(registration), "text/calendar")],
    )


def _reminder_key(attendee_pk: int, kind: str) -> str:
    return f"reminder:{attendee_pk}:{kind}"


def reminders_repair(*, since) -> int:
    """Due reminders not sent: those never recorded (reminders_send_due) and those recorded since `since`
    whose e-mail was neither sent nor is owed (lost with the broker before the outbox)."""
    repaired = reminders_send_due()
    lost = ReminderSent.objects.filter(
        sent_at__gte=since,
        attendee__registration__status=Registration.Status.CONFIRMED,
        attendee__registration__event__start__gt=timezone.now(),
    ).select_related("attendee__registration__event", "attendee__registration__purchaser")
    for reminder in lost:
        if email_owed_or_sent(_reminder_key(reminder.attendee_id, reminder.kind), reminder.attendee.email):
            continue
        with transaction.atomic():
            repaired += _send_reminder(reminder.attendee, reminder.kind)
    return repaired
