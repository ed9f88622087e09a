"""The workshop rules, one function each: what a seat costs, who sees the meeting link, who may cancel.

Views, services, selectors, e-mails and calendar files ask here; templates get the answers as context.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

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
