"""Staff operations on a workshop: check attendees in, follow capacity and schedule changes, cancel it.

The seats and registrations they touch go through the registration state machine in services.py.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from members.models import Order

from .models import Attendee, EventCapacity, EventPage, Registration
from .notifications import registration_notify
from .rules import can_check_in
from .services import _cancel, _refund_owe, seat_counter, waitlist_promote


def attendee_check_in(*, attendee: Attendee, present: bool = True, actor=None, note: str = "", now=None) -> Attendee:
    """Mark present (PD hours follow) only as rules.can_check_in allows; marking absent is always allowed."""
    from .services import RegistrationError

    now = now or timezone.now()
    with transaction.atomic():
        attendee = Attendee.objects.select_for_update().select_related("registration__event").get(pk=attendee.pk)
        if present and attendee.checked_in_at is None:
            allowed = can_check_in(attendee.registration.event, note=note, now=now)
            if not allowed:
                raise RegistrationError(allowed.message)
            attendee.checked_in_at = now
            attendee.checked_in_by = actor if actor is not None and actor.is_authenticated else None
            attendee.check_in_note = note.strip()[:255]
        elif not present:
            attendee.checked_in_at = None
            attendee.checked_in_by = None
            attendee.check_in_note = ""
        attendee.save(update_fields=["checked_in_at", "checked_in_by", "check_in_note"])
    return attendee


def event_published(*, event: EventPage) -> None:
    """After a publish: follow capacity changes and tell participants if the time or place moved."""
    event_capacity_sync(event=event)
    event_change_announce(event=event)


def event_capacity_sync(*, event: EventPage) -> EventCapacity:
    with transaction.atomic():
        seat_counter(event=event)
        counter = EventCapacity.objects.select_for_update().get(pk=event.pk)
        # Capacity never drops below seats already given; the page form refuses that too.
        new_capacity = max(event.capacity, counter.seats_taken)
        raised = new_capacity > counter.capacity
        if new_capacity != counter.capacity:
            counter.capacity = new_capacity
            counter.save(update_fields=["capacity"])
        if raised:
            waitlist_promote(event=event)
    return counter


def event_change_announce(*, event: EventPage) -> bool:
    """Compare time and place with what participants were last told; e-mail them if it changed."""
    with transaction.atomic():
        seat_counter(event=event)
        counter = EventCapacity.objects.select_for_update().get(pk=event.pk)
        # A session moved is a schedule change too, even when the workshop's first and last moments stay.
        now_values = (event.start, event.end, event.location_text, event.sessions_signature)
        before = (
            counter.announced_start,
            counter.announced_end,
            counter.announced_location,
            counter.announced_sessions,
        )
        (
            counter.announced_start,
            counter.announced_end,
            counter.announced_location,
            counter.announced_sessions,
        ) = now_values
        if counter.announced_start is None or before == now_values:
            counter.save()
            return False
        first_time = before[0] is None
        if not first_time:
            counter.schedule_sequence += 1
        counter.save()
        if first_time:
            return False
        old_start = timezone.localtime(before[0], event.zone)
        previous = {
            "when": f"{old_start:%A, %B} {old_start.day}, {old_start.year}, "
            f"{old_start.strftime('%I:%M %p').lstrip('0')} {old_start.tzname()}",
            "location": before[2],
        }
        for registration in (
            Registration.objects.filter(event=event, status__in=Registration.ACTIVE)
            .select_related("event", "purchaser")
            .prefetch_related("attendees")
        ):
            registration_notify(registration, "changed", extra={"previous": previous}, everyone=True)
    return True


def event_cancel(*, event: EventPage, message: str = "") -> int:
    """Staff cancel the workshop: every active registration is cancelled, card payments refunded, all told."""
    cancelled = 0
    with transaction.atomic():
        seat_counter(event=event)
        counter = EventCapacity.objects.select_for_update().get(pk=event.pk)
        if counter.cancelled_at is None:
            counter.cancelled_at = timezone.now()
            counter.schedule_sequence += 1
            counter.save(update_fields=["cancelled_at", "schedule_sequence"])
        event.seat_counter = counter
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(event=event, status__in=Registration.ACTIVE)
            .select_related("event", "purchaser", "order")
        )
        for registration in registrations:
            paid_by_card = registration.order_id and registration.order.status == Order.Status.PAID
            _cancel(registration=registration, reason="The workshop was cancelled.", notify=False, promote=False)
            registration.refresh_from_db()
            registration_notify(registration, "event_cancelled", extra={"message": message}, everyone=True)
            if paid_by_card:
                _refund_owe(registration.order_id)
            cancelled += 1
    return cancelled
