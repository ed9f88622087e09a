"""E-mail about a registration: who receives it, what it says, and the calendar file it carries."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import SentEmail
from members import email_preferences

from . import rules
from .models import Registration


def email_context(registration: Registration, *, extra: dict | None = None) -> dict:
    from .ics import absolute

    event = registration.event
    joining = rules.seat_gets_joining_details(registration)
    return {
        "registration": registration,
        "status": rules.registration_status_label(registration),
        "purchaser_time_text": event.viewer_time_text(registration.purchaser),
        "schedule": event.schedule_for(registration.purchaser),
        "event": event,
        "event_url": absolute(event.url or "/"),
        "registration_url": absolute(registration.get_absolute_url()),
        # The meeting link only travels to people whose seat is confirmed.
        "virtual_link": rules.meeting_link_for(registration),
        "virtual_instructions": event.virtual_instructions if joining else "",
        **(extra or {}),
    }


def registration_notify(registration: Registration, kind: str, *, extra: dict | None = None, everyone=False) -> None:
    """E-mail the purchaser (and, for news about the workshop itself, every attendee too)."""
    from .ics import registration_calendar

    recipients = [registration.purchaser.email.lower()]
    if everyone or kind in ("confirmed", "promoted") and registration.status == Registration.Status.CONFIRMED:
        for attendee in registration.attendees.all():
            if attendee.email.lower() not in recipients:
                recipients.append(attendee.email.lower())
    attachments = None
    if registration.is_active and kind in ("confirmed", "promoted", "changed", "waitlisted"):
        attachments = [("workshop.ics", registration_calendar(registration), "text/calendar; method=PUBLISH")]
    elif not registration.is_active and kind in ("cancelled", "expired", "event_cancelled"):
        # The same UID with METHOD:CANCEL takes the entry out of the calendar it was added to.
        attachments = [("workshop-cancelled.ics", registration_calendar(registration), "text/calendar; method=CANCEL")]
    context = email_context(registration, extra=extra)
    confirming = kind in ("confirmed", "promoted") and registration.status == Registration.Status.CONFIRMED
    for address in recipients:
        email_preferences.send_email(
            to=address,
            # News that a workshop changed may be turned off; confirmations and cancellations always go.
            kind=email_preferences.NOTIFICATIONS if kind == "changed" else email_preferences.TRANSACTIONAL,
            template_prefix=f"events/email/{kind}",
            context={**context, "is_purchaser": address == recipients[0]},
            because=because_registered(registration),
            attachments=attachments,
            key=_confirmation_key(registration) if confirming else "",
        )


def because_registered(registration: Registration) -> str:
    """The footer's reason for an attendee without an account: who registered her, for which workshop."""
    purchaser = registration.purchaser
    who = purchaser.get_full_name() or purchaser.email
    if purchaser.district:
        who = f"{who} ({purchaser.district})"
    return f"You receive this because {who} registered you for “{registration.event.title}”."


def invoice_send(registration: Registration, kind: str = "issued") -> None:
    """The business office pays from the invoice itself: its PDF goes to the billing contact once when it is
    issued, and once more marked PAID when staff record the payment (kind "issued" or "paid")."""
    from .pdf import invoice_pdf

    if not (registration.billing_email and registration.invoice_number):
        return
    number = registration.invoice_number
    purchaser = registration.purchaser
    who = purchaser.get_full_name() or purchaser.email
    email_preferences.send_email(
        to=registration.billing_email.lower(),
        kind=email_preferences.TRANSACTIONAL,
        template_prefix=f"events/email/invoice_{kind}",
        # The office pays; the meeting link is for the people on the seats.
        context={**email_context(registration), "virtual_link": "", "virtual_instructions": ""},
        because=f"You receive this because {who} named you the billing contact for “{registration.event.title}”.",
        attachments=[(f"{number}.pdf", invoice_pdf(registration), "application/pdf")],
        key=f"invoice-{kind}:{number}",
    )


def _confirmation_key(registration: Registration) -> str:
    """One confirmation e-mail per recipient for each time the seat was confirmed."""
    confirmed_at = int(registration.confirmed_at.timestamp()) if registration.confirmed_at else 0
    return f"registration-confirmed:{registration.pk}:{confirmed_at}"


def email_owed_or_sent(key: str, address: str) -> bool:
    address = address.lower()
    return SentEmail.objects.filter(key=key, recipient=address).exists() or outbox.pending(f"email:{key}:{address}")


def confirmations_repair(*, since) -> int:
    """Confirmed registrations (since `since`, workshop not started) whose purchaser never got the
    confirmation e-mail, and none is owed: owe it now. The e-mail's key keeps it to one per recipient."""
    repaired = 0
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED, confirmed_at__gte=since, event__start__gt=timezone.now()
        )
        .select_related("event", "purchaser")
        .prefetch_related("attendees")
    )
    for registration in registrations:
        if email_owed_or_sent(_confirmation_key(registration), registration.purchaser.email):
            continue
        with transaction.atomic():
            registration_notify(registration, "confirmed")
        repaired += 1
    return repaired
