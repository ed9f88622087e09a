"""The workshop rules, one function each: what a seat costs, who sees the meeting link, who may cancel.

Views, services, selectors, e-mails and calendar files ask here; templates get the answers as context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.timezones import moment_text
from members.access import ALLOW, AccessLevel, Decision, Reason, StaffAction, decide, entitlements_for, staff_can

from .models import Registration


# --- price for this user ---
def price_for(user, event) -> Decimal:
    """One seat's price for this user: the member price for members when the workshop has one."""
    if event.member_price is not None and entitlements_for(user).is_member:
        return event.member_price
    return event.price


# --- the meeting link ---
def seat_gets_joining_details(registration: Registration) -> bool:
    """A confirmed seat at an online workshop travels with the joining details (link and instructions)."""
    return registration.status == Registration.Status.CONFIRMED and registration.event.is_virtual


def meeting_link_for(registration: Registration) -> str:
    """The meeting link this registration carries on its page, e-mails and calendar file; empty when none."""
    return registration.event.virtual_link if seat_gets_joining_details(registration) else ""


def can_see_meeting_link(user, event) -> Decision:
    """A person sees the link on the workshop page with a confirmed seat (as buyer or attendee), or as staff."""
    signed_in = decide(user, level=AccessLevel.FREE)
    if not signed_in:
        return signed_in
    ent = entitlements_for(user)
    if event.pk in ent.confirmed_event_ids or ent.is_staff:
        return ALLOW
    return Decision(False, Reason.REGISTRATION, "The meeting link is sent to registered participants.")


# --- cancelling ---
def can_cancel(user, registration: Registration, *, now=None) -> Decision:
    """Staff with the registrations permission cancel at any time; the buyer until the workshop's cut-off.

    A place that holds no seat (the waitlist) can always be given up.
    """
    if staff_can(user, StaffAction.MANAGE_REGISTRATIONS):
        return ALLOW
    if user is None or not user.is_authenticated or user.pk != registration.purchaser_id:
        return Decision(False, Reason.FORBIDDEN, "Only the person who registered can cancel this registration.")
    now = now or timezone.now()
    if registration.holds_seats and now >= registration.event.cancellation_deadline:
        return Decision(
            False,
            Reason.FORBIDDEN,
            "It is too late to cancel online. Please write to us and we will help: the workshop starts soon.",
        )
    return ALLOW


# --- one status vocabulary for the workshop page, My learning, e-mails, calendars and the leader dashboard ---
@dataclass(frozen=True)
class RegistrationStatus:
    code: str  # confirmed, offered, awaiting_payment, awaiting_invoice, waitlisted, cancelled, attended
    label: str  # "Waitlisted, position 2"
    detail: str = ""  # the due action or the reason, in the workshop's zone
    calendar_status: str = "TENTATIVE"  # what the registrant's .ics says: CONFIRMED, TENTATIVE or CANCELLED

    @property
    def is_confirmed(self) -> bool:
        return self.calendar_status == "CONFIRMED"


def waitlist_position(registration: Registration) -> int:
    """1 for the head of the waitlist: the order promotion follows (created, then id)."""
    earlier = Q(created__lt=registration.created) | Q(created=registration.created, pk__lt=registration.pk)
    return (
        Registration.objects.filter(event_id=registration.event_id, status=Registration.Status.WAITLISTED)
        .filter(earlier)
        .count()
        + 1
    )


def registration_status_label(
    registration: Registration, *, attended: bool | None = None, position: int | None = None
) -> RegistrationStatus:
    """The one wording of where a registration stands; `attended`/`position` skip a query when known."""
    S = Registration.Status
    event = registration.event
    zone = event.zone
    if registration.status in (S.CANCELLED, S.EXPIRED):
        return RegistrationStatus("cancelled", "Cancelled", registration.cancellation_reason, "CANCELLED")
    if attended is None:
        # Iterating .all() uses the prefetched attendees in listings instead of a query each.
        attended = registration.status == S.CONFIRMED and any(a.checked_in_at for a in registration.attendees.all())
    if attended:
        return RegistrationStatus("attended", "Attended", f"{event.credited_pd_hours:g} PD hours", "CONFIRMED")
    if registration.status == S.WAITLISTED:
        position = position or waitlist_position(registration)
        return RegistrationStatus(
            "waitlisted",
            f"Waitlisted, position {position}",
            "We offer freed seats in the order people joined and e-mail you when one is yours.",
        )
    if registration.status == S.PENDING_PAYMENT:
        until = moment_text(registration.hold_expires_at, zone) if registration.hold_expires_at else ""
        if registration.offered_at:
            return RegistrationStatus("offered", f"Offered a seat until {until}", f"Accept your seat by {until}")
        return RegistrationStatus("awaiting_payment", "Awaiting payment", f"Pay by card by {until} to keep your seat")
    if registration.invoice_status == Registration.InvoiceStatus.DUE:
        due = moment_text(registration.hold_expires_at, zone) if registration.hold_expires_at else ""
        number = registration.invoice_number
        return RegistrationStatus(
            "awaiting_invoice", "Awaiting invoice payment", f"Pay invoice {number} by {due} to keep your seats"
        )
    return RegistrationStatus("confirmed", "Confirmed", "", "CONFIRMED")


def cancellation_payment_outcome(registration: Registration) -> str:
    """What happens to the money when this registration is cancelled, said before the buyer confirms."""
    if registration.payment_method == Registration.PaymentMethod.INVOICE:
        if registration.invoice_status == Registration.InvoiceStatus.PAID:
            return f"Invoice {registration.invoice_number} is paid: our team refunds it to your business office."
        if registration.invoice_number:
            return f"Invoice {registration.invoice_number} is voided: nothing is owed on it."
        return "No invoice has been issued, so there is nothing to pay."
    if registration.payment_method == Registration.PaymentMethod.CARD and registration.total_cents:
        order = registration.order
        if order is not None and order.status == "paid":
            return f"Your card payment of ${registration.total:.2f} is refunded in full."
        return "Your card has not been charged, so there is nothing to refund."
    return "This registration is free: there is nothing to pay or refund."


# --- PD hours: attendance is recorded on the workshop's day(s), or afterwards by staff with a note ---
def workshop_days(event) -> set:
    """The dates, in the workshop's zone, its sessions fall on (a session past midnight counts both days)."""
    days = set()
    for session in event.schedule:
        day, last = session.local_start.date(), session.local_end.date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def can_check_in(event, *, note: str = "", now=None) -> Decision:
    """Check-in counts toward PD hours: allowed on any of the workshop's session days in its zone; before the
    first, never; on another day (after, or between sessions), only with a note saying why (kept with it)."""
    now = now or timezone.now()
    today = timezone.localtime(now, event.zone).date()
    days = workshop_days(event)
    if today < min(days):
        return Decision(
            False,
            Reason.FORBIDDEN,
            f"Check-in opens on the workshop's day, {event.date_text}: attendance cannot be recorded in advance.",
        )
    if today not in days and not note.strip():
        if today > max(days):
            message = "The workshop is over: add a note saying why attendance is recorded afterwards."
        else:
            message = "There is no session today: add a note saying why attendance is recorded on another day."
        return Decision(False, Reason.FORBIDDEN, message)
    return ALLOW
