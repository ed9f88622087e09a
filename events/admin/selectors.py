"""Reads for the workshop admin: the overview, registrations across workshops, attendees, invoices."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from ..models import Attendee, EventPage, Registration


def events_admin_overview() -> QuerySet[EventPage]:
    """Workshops with capacity, seats taken and waitlist at a glance."""
    return EventPage.objects.select_related("seat_counter").annotate(
        confirmed_seats=Sum("registrations__seats", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        pending_seats=Sum("registrations__seats", filter=Q(registrations__status=Registration.Status.PENDING_PAYMENT)),
        waitlist_seats=Sum("registrations__seats", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        invoices_due=Count(
            "registrations",
            filter=Q(
                registrations__invoice_status=Registration.InvoiceStatus.DUE,
                registrations__status=Registration.Status.CONFIRMED,
            ),
        ),
    )


def registrations_admin() -> QuerySet[Registration]:
    """Registrations across every workshop, with what the listing shows, oldest first."""
    return (
        Registration.objects.select_related("purchaser", "order", "event")
        .prefetch_related(Prefetch("attendees", queryset=Attendee.objects.order_by("id")))
        .order_by("created", "id")
    )


def invoices_admin() -> QuerySet[Registration]:
    """Every invoiced registration, across workshops, newest first."""
    return registrations_admin().filter(payment_method=Registration.PaymentMethod.INVOICE).order_by("-created", "-id")


def event_status_counts(*, event: EventPage) -> dict:
    counts = {s: 0 for s, _ in Registration.Status.choices}
    for row in Registration.objects.filter(event=event).values("status").annotate(seats=Sum("seats")):
        counts[row["status"]] = row["seats"] or 0
    return counts


def attendees_admin(*, event: EventPage) -> QuerySet[Attendee]:
    """Attendees of one workshop by name, for the check-in list, its export and the sign-in sheet."""
    return (
        Attendee.objects.filter(registration__event=event)
        .select_related("registration", "registration__purchaser", "registration__event")
        .order_by("name", "id")
    )


def confirmed_attendees(*, event: EventPage) -> QuerySet[Attendee]:
    return attendees_admin(event=event).filter(registration__status=Registration.Status.CONFIRMED)
