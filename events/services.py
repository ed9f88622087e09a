"""The registration state machine: register, pay, wait, move up, cancel, expire, rename attendees.

Staff operations on a workshop are in staff.py, reminders in reminders.py, e-mail in notifications.py.

Seats are taken from `EventCapacity` by ONE conditional UPDATE, so two people can
never get the last seat, on PostgreSQL or SQLite. Every function here is safe to
call twice: a repeated webhook, task or click changes nothing the second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from core import outbox
from members import payments
from members.access import StaffAction, refresh_entitlements, staff_can
from members.models import Order
from members.services import order_create, order_mark_expired

from . import rules
from .models import Attendee, EventCapacity, EventPage, InvoiceSequence, Registration
from .notifications import invoice_send, registration_notify

logger = logging.getLogger(__name__)

MAX_GROUP_SEATS = 60


class RegistrationError(Exception):
    """A registration could not be made or changed; the message is for the teacher or leader."""


class PlaceTaken(RegistrationError):
    """Someone in the group already holds an active booking (perhaps this very click's twin, just committed)."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def payment_hold() -> timedelta:
    return timedelta(minutes=_setting("EVENT_PAYMENT_HOLD_MINUTES", 30))


def invoice_hold() -> timedelta:
    return timedelta(days=_setting("EVENT_INVOICE_HOLD_DAYS", 14))


def waitlist_offer_hold() -> timedelta:
    """Someone offered a seat from the waitlist by e-mail needs longer than a checkout page to accept."""
    return timedelta(hours=_setting("WAITLIST_OFFER_HOURS", 48))


# --- the seat counter ---
def seat_counter(*, event) -> EventCapacity:
    counter, _ = EventCapacity.objects.get_or_create(event_id=event.pk, defaults={"capacity": event.capacity})
    return counter


def seats_take(*, event_id: int, seats: int) -> bool:
    """Take seats in one statement; False when they are not there. The row lock queues concurrent takers."""
    updated = EventCapacity.objects.filter(pk=event_id, seats_taken__lte=F("capacity") - seats).update(
        seats_taken=F("seats_taken") + seats
    )
    return updated == 1


def seats_release(*, event_id: int, seats: int) -> None:
    EventCapacity.objects.filter(pk=event_id).update(seats_taken=Greatest(F("seats_taken") - seats, 0))


def seats_recount(*, event) -> EventCapacity:
    """Set the counter from the registrations that hold seats (repair tool and demo seeding)."""
    from django.db.models import Sum

    with transaction.atomic():
        seat_counter(event=event)
        counter = EventCapacity.objects.select_for_update().get(pk=event.pk)
        held = (
            Registration.objects.filter(event_id=event.pk, status__in=Registration.SEAT_HOLDING).aggregate(
                total=Sum("seats")
            )["total"]
            or 0
        )
        counter.seats_taken = held
        counter.capacity = max(event.capacity, held)
        counter.save(update_fields=["seats_taken", "capacity"])
    return counter


# --- registering ---
@dataclass
class AttendeeData:
    name: str
    email: str
    role: str = ""


def _clean_attendees(attendees, purchaser) -> list[AttendeeData]:
    if not attendees:
        name = purchaser.get_full_name() or purchaser.email.split("@")[0]
        role = purchaser.get_role_display() if getattr(purchaser, "role", "") else ""
        return [AttendeeData(name=name, email=purchaser.email.lower(), role=role)]
    cleaned = []
    for item in attendees:
        if isinstance(item, dict):
            item = AttendeeData(**{k: item.get(k, "") for k in ("name", "email", "role")})
        name, email = (item.name or "").strip(), (item.email or "").strip().lower()
        if not name or not email:
            raise RegistrationError("Give a name and an e-mail address for every attendee.")
        cleaned.append(AttendeeData(name=name, email=email, role=(item.role or "").strip()))
    emails = [a.email for a in cleaned]
    duplicates = sorted({e for e in emails if emails.count(e) > 1})
    if duplicates:
        raise RegistrationError(
            f"Each attendee needs their own e-mail address: {', '.join(duplicates)} is listed twice."
        )
    return cleaned


def _already_registered(event, emails, *, exclude_pk=None) -> list[str]:
    qs = Attendee.objects.filter(
        registration__event=event, registration__status__in=Registration.ACTIVE, email__in=emails
    )
    if exclude_pk:
        qs = qs.exclude(registration_id=exclude_pk)
    return sorted(set(qs.values_list("email", flat=True)))


def _link_users(emails) -> dict:
    """Accounts that own (and verified) these addresses; an unverified sign-up is never linked."""
    from allauth.account.models import EmailAddress

    lowered = [e.lower() for e in emails]
    verified = EmailAddress.objects.filter(email__in=lowered, verified=True).select_related("user")
    return {address.email.lower(): address.user for address in verified}


def registration_create(
    *,
    event: EventPage,
    purchaser,
    attendees: list | None = None,
    payment_method: str | None = None,
    po_number: str = "",
    billing_contact: str = "",
    billing_email: str = "",
    billing_address: str = "",
    organization_name: str = "",
) -> Registration:
    """Book seats: confirmed (free or invoice), awaiting card payment, or on the waitlist when full.

    One seat per attendee; with no attendees, the purchaser registers herself.
    """
    reason = event.registration_closed_reason()
    if reason:
        raise RegistrationError(reason)
    people = _clean_attendees(attendees, purchaser)
    seats = len(people)
    if seats > MAX_GROUP_SEATS:
        raise RegistrationError(f"A group can book at most {MAX_GROUP_SEATS} seats at once; please split it.")
    offered = event.offered_payment_methods()
    method = payment_method or offered[0]
    if method not in offered:
        # A closed list: an unknown or unoffered method is refused, never treated as "free".
        if method == Registration.PaymentMethod.FREE:
            raise RegistrationError("This workshop has a fee: pay by card or ask for an invoice.")
        if method == Registration.PaymentMethod.INVOICE:
            raise RegistrationError("This workshop cannot be paid by invoice; please pay by card.")
        if method == Registration.PaymentMethod.CARD:
            raise RegistrationError("This workshop is free: there is nothing to pay.")
        raise RegistrationError("Choose one of the payment methods offered for this workshop.")
    if method == Registration.PaymentMethod.INVOICE:
        if not (po_number.strip() and billing_contact.strip() and billing_email.strip()):
            raise RegistrationError("An invoice needs a PO number, a billing contact and a billing e-mail address.")
    seat_price = Decimal("0") if method == Registration.PaymentMethod.FREE else rules.price_for(purchaser, event)

    existing = _existing_booking(event, purchaser, people)
    if existing is not None:
        return existing
    try:
        registration = _registration_insert(
            event=event,
            purchaser=purchaser,
            people=people,
            method=method,
            seat_price=seat_price,
            po_number=po_number,
            billing_contact=billing_contact,
            billing_email=billing_email,
            billing_address=billing_address,
            organization_name=organization_name,
        )
    except (IntegrityError, PlaceTaken) as refused:
        # A parallel click won the race (committed before our check, or during our insert): hand that one back.
        existing = _existing_booking(event, purchaser, people)
        if existing is not None:
            return existing
        if isinstance(refused, PlaceTaken):
            raise
        taken = _already_registered(event, [p.email for p in people])
        raise RegistrationError(
            f"{', '.join(taken) or 'Someone in this group'} already has a place or a waitlist spot for this workshop."
        ) from None
    _refresh_access(registration)
    return registration


def _existing_booking(event, purchaser, people) -> Registration | None:
    """The purchaser's active booking for the same people (a double click); a different group is refused."""
    existing = (
        Registration.objects.filter(event=event, purchaser=purchaser, status__in=Registration.ACTIVE)
        .select_related("event", "order")
        .first()
    )
    if existing is None:
        return None
    if sorted(existing.attendees.values_list("email", flat=True)) == sorted(p.email for p in people):
        return existing
    raise RegistrationError(
        "You already have a booking for this workshop. Open it from My workshops to change the attendees."
    )


def _registration_insert(
    *,
    event,
    purchaser,
    people,
    method,
    seat_price,
    po_number,
    billing_contact,
    billing_email,
    billing_address,
    organization_name,
) -> Registration:
    with transaction.atomic():
        taken = _already_registered(event, [p.email for p in people])
        if taken:
            raise PlaceTaken(
                f"{', '.join(taken)} already {'has' if len(taken) == 1 else 'have'} a place or a waitlist spot "
                "for this workshop."
            )
        registration = Registration.objects.create(
            event=event,
            purchaser=purchaser,
            status=Registration.Status.WAITLISTED,
            seats=len(people),
            payment_method=method,
            seat_price=seat_price,
            po_number=po_number.strip(),
            billing_contact=billing_contact.strip(),
            billing_email=billing_email.strip().lower(),
            billing_address=billing_address.strip(),
            organization_name=organization_name.strip(),
        )
        users = _link_users([p.email for p in people])
        Attendee.objects.bulk_create(
            [
                Attendee(
                    registration=registration,
                    event_id=event.pk,
                    is_active=True,
                    name=p.name,
                    email=p.email,
                    role=p.role,
                    user=users.get(p.email),
                )
                for p in people
            ]
        )
        seat_counter(event=event)
        # Nobody jumps the queue: with people waiting, a newcomer joins them and promotion decides.
        queue_waiting = (
            Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
            .exclude(pk=registration.pk)
            .exists()
        )
        if not queue_waiting and seats_take(event_id=event.pk, seats=len(people)):
            _admit(registration, promoted=False)
        else:
            if queue_waiting:
                waitlist_promote(event=event, newcomer_pk=registration.pk)
                registration.refresh_from_db()
            if registration.status == Registration.Status.WAITLISTED:
                registration_notify(registration, "waitlisted")
    return registration


def _admit(registration: Registration, *, promoted: bool) -> None:
    """Seats are taken: give the registration its status for its payment method, and tell people."""
    now = timezone.now()
    method = registration.payment_method
    if method not in Registration.PaymentMethod.values or (
        method == Registration.PaymentMethod.FREE and registration.total_cents > 0
    ):
        raise RegistrationError("This booking has no valid way to pay for its seats.")
    # The only ways to a confirmed seat: free, an approved invoice / PO, or (below) a verified card payment.
    if promoted and method == Registration.PaymentMethod.INVOICE:
        # An offer kept in the registration's own way to pay: the buyer accepts it with a PO.
        registration.status = Registration.Status.PENDING_PAYMENT
        registration.offered_at = now
        registration.hold_expires_at = now + waitlist_offer_hold()
        registration.save()
        registration_notify(registration, "promoted")
        return
    if method == Registration.PaymentMethod.CARD and registration.total_cents > 0:
        registration.status = Registration.Status.PENDING_PAYMENT
        registration.offered_at = now if promoted else None
        registration.hold_expires_at = now + (waitlist_offer_hold() if promoted else payment_hold())
        if registration.order_id is None or registration.order.status != Order.Status.PENDING:
            registration.order = order_create(
                user=registration.purchaser,
                kind=Order.Kind.EVENT_SEATS,
                page=registration.event,
                description=f"{registration.event.title}: {registration.seats} seat{'s' if registration.seats > 1 else ''}",
                amount_cents=registration.total_cents,
                quantity=registration.seats,
                metadata={"registration_id": registration.pk},
            )
        registration.save()
        if promoted:
            registration_notify(registration, "promoted")
        return
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = now
    registration.offered_at = None
    if method == Registration.PaymentMethod.INVOICE:
        registration.invoice_status = Registration.InvoiceStatus.DUE
        if not registration.invoice_number:
            registration.invoice_number = invoice_number_next()
            registration.invoice_issued_at = now
        registration.hold_expires_at = now + invoice_hold()
    else:
        registration.hold_expires_at = None
    registration.save()
    registration_notify(registration, "promoted" if promoted else "confirmed")
    if method == Registration.PaymentMethod.INVOICE:
        invoice_send(registration, "issued")


def waitlist_promote(*, event: EventPage, newcomer_pk: int | None = None) -> list[Registration]:
    """Move waitlisted registrations up, oldest first, while seats are free.

    A group larger than the free seats keeps its place at the head and the next one that fits moves up.
    """
    promoted: list[Registration] = []
    if event.has_started or event.is_cancelled:
        return promoted
    with transaction.atomic():
        # Lock the counter first: promoters queue per workshop and always lock counter, then registrations.
        if EventCapacity.objects.select_for_update().filter(pk=event.pk).first() is None:
            return promoted
        waiting = list(
            Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
            .order_by("created", "id")
            .values_list("pk", "seats")
        )
        for pk, seats in waiting:
            free = EventCapacity.objects.filter(pk=event.pk).values_list("capacity", "seats_taken").first()
            if free is None or free[0] - free[1] <= 0:
                break
            if seats > free[0] - free[1]:
                continue
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("event", "purchaser", "order")
                .filter(pk=pk, status=Registration.Status.WAITLISTED)
                .first()
            )
            if registration is None or not seats_take(event_id=event.pk, seats=seats):
                continue
            _admit(registration, promoted=pk != newcomer_pk)
            promoted.append(registration)
    for registration in promoted:
        _refresh_access(registration)
    return promoted


def invoice_number_next() -> str:
    """The next number of the invoice sequence (INV-000042), taken under a row lock in the caller's transaction."""
    with transaction.atomic():
        sequence = InvoiceSequence.objects.select_for_update().filter(pk=1).first()
        if sequence is None:
            sequence, _ = InvoiceSequence.objects.get_or_create(pk=1)
            sequence = InvoiceSequence.objects.select_for_update().get(pk=1)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return f"INV-{sequence.last_number:06d}"


# --- payment outcomes (from members.signals receivers) ---
def registration_confirm_payment(*, registration: Registration) -> Registration:
    """The card payment went through: confirm. A payment that arrives after the hold expired
    gets its seats back if any are free, and is refunded otherwise."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
        )
        if registration.status == Registration.Status.PENDING_PAYMENT:
            _confirm(registration)
        elif registration.status in (Registration.Status.EXPIRED, Registration.Status.CANCELLED):
            if not registration.event.is_cancelled and seats_take(
                event_id=registration.event_id, seats=registration.seats
            ):
                registration.cancelled_at = None
                registration.cancellation_reason = ""
                _confirm(registration)
            else:
                _refund_owe(registration.order_id)
        elif registration.status == Registration.Status.WAITLISTED:
            # Paid while waiting should not happen; keep the money safe and hold the seat if possible.
            if seats_take(event_id=registration.event_id, seats=registration.seats):
                _confirm(registration)
    _refresh_access(registration)
    return registration


def _refund_owe(order_id: int) -> None:
    """The refund is owed in the same transaction as the change that owes it (the task is repeat-safe)."""
    outbox.enqueue("events.tasks.refund_registration_order", order_id, key=f"refund:order:{order_id}")


def _confirm(registration: Registration) -> None:
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.hold_expires_at = None
    registration.save()
    registration_notify(registration, "confirmed")


def registration_expire(*, registration: Registration, reason: str = "The payment was not completed in time.") -> bool:
    """Release the seats of an unpaid hold (card checkout, or an invoice past its hold). Repeat-safe."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
        )
        unpaid_invoice = (
            registration.status == Registration.Status.CONFIRMED
            and registration.invoice_status == Registration.InvoiceStatus.DUE
        )
        if registration.status != Registration.Status.PENDING_PAYMENT and not unpaid_invoice:
            return False
        registration.status = Registration.Status.EXPIRED
        registration.hold_expires_at = None
        if unpaid_invoice:
            registration.invoice_status = Registration.InvoiceStatus.VOID
        registration.cancelled_at = timezone.now()
        registration.cancellation_reason = reason[:255]
        registration.save()
        seats_release(event_id=registration.event_id, seats=registration.seats)
        if registration.order_id and registration.order.status == Order.Status.PENDING:
            # The receiver of order_expired finds this registration already expired and does nothing.
            order_mark_expired(order=registration.order)
        registration_notify(registration, "expired")
        waitlist_promote(event=registration.event)
    _refresh_access(registration)
    return True


def holds_expire_due(*, now=None) -> int:
    """The beat task: expire every hold whose time is up. Invoices of started workshops are staff's to chase."""
    now = now or timezone.now()
    due = Registration.objects.filter(hold_expires_at__lt=now).filter(
        Q(status=Registration.Status.PENDING_PAYMENT)
        | Q(status=Registration.Status.CONFIRMED, invoice_status=Registration.InvoiceStatus.DUE, event__start__gt=now)
    )
    expired = 0
    for registration in due.order_by("hold_expires_at"):
        if registration.offered_at and registration.status == Registration.Status.PENDING_PAYMENT:
            reason = "The seat offered from the waitlist was not accepted in time."
        elif registration.payment_method == Registration.PaymentMethod.INVOICE:
            reason = "The invoice was not paid within the hold period."
        else:
            reason = "The payment was not completed in time."
        if registration_expire(registration=registration, reason=reason):
            expired += 1
    return expired


# --- cancelling ---
def _is_registration_staff(actor) -> bool:
    """Staff act on anyone's registration: the same permission the admin views ask for, so an
    editor allowed into the registrations screen is not refused as "not the registrant"."""
    return staff_can(actor, StaffAction.MANAGE_REGISTRATIONS)


def registration_cancel(*, registration: Registration, actor, reason: str = "") -> Registration:
    """Cancel by the registrant (before the cutoff) or by staff (any time). Card payments are refunded."""
    by_staff = _is_registration_staff(actor)
    registration = Registration.objects.select_related("event", "order").get(pk=registration.pk)
    allowed = rules.can_cancel(actor, registration)
    if not allowed:
        raise RegistrationError(allowed.message)
    if not registration.is_active:
        return registration
    reason = reason or ("Cancelled by staff." if by_staff else "Cancelled by the registrant.")
    order = registration.order
    if (
        registration.payment_method == Registration.PaymentMethod.CARD
        and order is not None
        and order.status == Order.Status.PAID
    ):
        # The refund marks the order refunded; our order_refunded receiver then cancels and frees seats.
        try:
            payments.refund_order(order=order)
        except payments.PaymentError as exc:
            raise RegistrationError(str(exc)) from exc
        except Exception as exc:
            logger.exception("Refund failed for order %s", order.reference)
            raise RegistrationError(
                "We could not reach the payment service to refund you. Nothing was cancelled; please try again."
            ) from exc
        registration.refresh_from_db()
        if registration.is_active:
            _cancel(registration=registration, reason=reason)
        return Registration.objects.get(pk=registration.pk)
    _cancel(registration=registration, reason=reason)
    return Registration.objects.get(pk=registration.pk)


def _cancel(*, registration: Registration, reason: str, notify: bool = True, promote: bool = True) -> bool:
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
        )
        if not registration.is_active:
            return False
        held = registration.holds_seats
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.cancellation_reason = reason[:255]
        registration.hold_expires_at = None
        if registration.invoice_status == Registration.InvoiceStatus.DUE:
            # A cancelled seat owes nothing: the business office must not pay this invoice.
            registration.invoice_status = Registration.InvoiceStatus.VOID
        registration.save()
        if held:
            seats_release(event_id=registration.event_id, seats=registration.seats)
        if registration.order_id and registration.order.status == Order.Status.PENDING:
            order_mark_expired(order=registration.order)
        if notify:
            registration_notify(registration, "cancelled")
        if held and promote:
            waitlist_promote(event=registration.event)
    _refresh_access(registration)
    return True


def registration_cancel_for_refund(*, registration: Registration) -> bool:
    """The order was refunded (here or in the Stripe dashboard): the seats go back."""
    return _cancel(registration=registration, reason="Refunded.")


def registration_offer_accept(*, registration: Registration, actor, po_number: str) -> Registration:
    """The buyer accepts a seat offered from the waitlist with a purchase order: confirmed, invoice due."""
    po_number = (po_number or "").strip()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
        )
        if not (_is_registration_staff(actor) or actor.pk == registration.purchaser_id):
            raise RegistrationError("Only the person who registered can accept this seat.")
        if registration.status == Registration.Status.CONFIRMED:
            return registration
        if registration.status != Registration.Status.PENDING_PAYMENT or not registration.offered_at:
            raise RegistrationError("There is no seat offer waiting on this registration.")
        if registration.payment_method != Registration.PaymentMethod.INVOICE:
            raise RegistrationError("This registration is paid by card: use “Accept and pay by card”.")
        if not po_number:
            raise RegistrationError("Give the purchase order (PO) number to accept the seat.")
        registration.po_number = po_number[:64]
        _admit(registration, promoted=False)
    _refresh_access(registration)
    return registration


# --- invoices and attendees ---
def registration_mark_invoice_paid(*, registration: Registration, paid_on=None, reference: str = "") -> Registration:
    """Staff record the business office's payment: the day it arrived and its check or transfer reference."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.payment_method != Registration.PaymentMethod.INVOICE:
            raise RegistrationError("Only invoice registrations have an invoice to mark paid.")
        if registration.invoice_status == Registration.InvoiceStatus.PAID:
            return registration
        if registration.status != Registration.Status.CONFIRMED:
            raise RegistrationError("This registration is no longer active; reinstate it before recording payment.")
        registration.invoice_status = Registration.InvoiceStatus.PAID
        registration.invoice_paid_at = paid_on or timezone.now()
        registration.invoice_payment_reference = reference.strip()[:100]
        registration.hold_expires_at = None
        registration.save()
        invoice_send(registration, "paid")
    return registration


def attendees_update(*, registration: Registration, actor, attendees: list) -> Registration:
    """The buyer renames the people on her seats (same number of seats) until the workshop starts."""
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if not (_is_registration_staff(actor) or actor.pk == registration.purchaser_id):
        raise RegistrationError("Only the person who registered can change the attendees.")
    if registration.event.has_started:
        raise RegistrationError("The workshop has started, so the attendee list can no longer change.")
    if not registration.is_active:
        raise RegistrationError("This registration is no longer active.")
    people = _clean_attendees(attendees, registration.purchaser)
    if len(people) != registration.seats:
        raise RegistrationError(f"This registration has {registration.seats} seats: name one person for each.")
    with transaction.atomic():
        taken = _already_registered(registration.event, [p.email for p in people], exclude_pk=registration.pk)
        if taken:
            raise RegistrationError(f"{', '.join(taken)} is already registered for this workshop.")
        users = _link_users([p.email for p in people])
        current = list(registration.attendees.select_for_update().order_by("id"))
        for attendee, person in zip(current, people, strict=True):
            if attendee.email != person.email:
                # A new person on this seat should get her own reminders.
                attendee.reminders.all().delete()
            attendee.name, attendee.email, attendee.role = person.name, person.email, person.role
            attendee.user = users.get(person.email)
            attendee.save()
    return registration


def _refresh_access(registration: Registration) -> None:
    refresh_entitlements(registration.purchaser)
