"""Staff views in the Wagtail admin: registrations per workshop, check-in, invoices, export, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from home.csv_export import csv_response

from . import selectors, services, staff
from .models import Attendee, EventPage, Registration


def _require(request, action: str = "view") -> None:
    if not request.user.has_perm(f"events.{action}_registration"):
        raise PermissionDenied


def overview(request):
    """Every upcoming workshop with capacity, seats taken and waitlist at a glance."""
    _require(request)
    include_past = request.GET.get("past") == "1"
    return render(
        request,
        "events/admin/overview.html",
        {"events": selectors.events_admin_overview(include_past=include_past), "include_past": include_past},
    )


def event_registrations(request, event_id: int):
    _require(request)
    event = get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=event_id)
    status = request.GET.get("status", "")
    status_choices = [*Registration.Status.choices, ("invoice_due", "Invoice due")]
    return render(
        request,
        "events/admin/event_registrations.html",
        {
            "event": event,
            "counter": event.counter,
            "counts": selectors.event_status_counts(event=event),
            "registrations": selectors.event_registrations_admin(event=event, status=status),
            "status": status,
            "status_choices": status_choices,
            "can_change": request.user.has_perm("events.change_registration"),
        },
    )


def attendees_csv(request, event_id: int):
    _require(request)
    event = get_object_or_404(EventPage, pk=event_id)
    everyone = request.GET.get("all") == "1"
    rows = (_attendee_row(attendee) for attendee in selectors.attendee_rows(event=event, include_inactive=everyone))
    return csv_response(
        f"attendees-{event.slug}.csv",
        [
            "name",
            "email",
            "role",
            "registration",
            "status",
            "payment",
            "invoice",
            "po_number",
            "organization",
            "purchaser_email",
            "registered_at",
            "checked_in_at",
        ],
        rows,
    )


def _attendee_row(attendee) -> list:
    registration = attendee.registration
    return [
        attendee.name,
        attendee.email,
        attendee.role,
        registration.reference,
        registration.status_label,
        registration.get_payment_method_display(),
        registration.get_invoice_status_display() if registration.invoice_status else "",
        registration.po_number,
        registration.organization_name,
        registration.purchaser.email,
        timezone.localtime(registration.created).isoformat(timespec="minutes"),
        timezone.localtime(attendee.checked_in_at).isoformat(timespec="minutes") if attendee.checked_in_at else "",
    ]


def sign_in_sheet(request, event_id: int):
    """A printable list of confirmed attendees with a column to sign."""
    _require(request)
    event = get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=event_id)
    return render(
        request, "events/admin/sign_in_sheet.html", {"event": event, "attendees": selectors.attendee_rows(event=event)}
    )


def _back(request, event_id: int):
    url = reverse("events_admin:event", args=[event_id])
    status = request.POST.get("status_filter")
    return redirect(f"{url}?status={status}" if status else url)


@require_POST
def attendee_check_in(request, pk: int):
    _require(request, "change")
    attendee = get_object_or_404(Attendee.objects.select_related("registration"), pk=pk)
    present = request.POST.get("present") != "0"
    staff.attendee_check_in(attendee=attendee, present=present)
    messages.success(request, f"{attendee.name} {'checked in' if present else 'marked absent'}.")
    return _back(request, attendee.registration.event_id)


@require_POST
def invoice_paid(request, pk: int):
    _require(request, "change")
    registration = get_object_or_404(Registration, pk=pk)
    try:
        services.registration_mark_invoice_paid(registration=registration)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invoice {registration.invoice_number} marked paid.")
    return _back(request, registration.event_id)


@require_POST
def registration_cancel(request, pk: int):
    _require(request, "change")
    registration = get_object_or_404(Registration, pk=pk)
    try:
        services.registration_cancel(
            registration=registration, actor=request.user, reason=request.POST.get("reason", "").strip()
        )
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Registration {registration.reference} cancelled; the waitlist has moved up.")
    return _back(request, registration.event_id)


def event_cancel(request, event_id: int):
    """Confirm, then cancel the workshop: everyone is told and card payments are refunded."""
    _require(request, "change")
    event = get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=event_id)
    if request.method == "POST":
        count = staff.event_cancel(event=event, message=request.POST.get("message", "").strip())
        messages.success(request, f"“{event.title}” is cancelled. {count} registration(s) were cancelled and told.")
        return redirect("events_admin:event", event_id=event.pk)
    active = Registration.objects.filter(event=event, status__in=Registration.ACTIVE).count()
    return render(request, "events/admin/event_cancel.html", {"event": event, "active": active})
