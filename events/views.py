"""Thin views: register, pay, manage a registration, and calendar files."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.params import parse_int
from members import payments

from . import ics, rules, selectors, services
from .forms import GROUP_ROWS_DEFAULT, GROUP_ROWS_MAX, GroupRegistrationForm, SelfRegistrationForm, attendee_formset
from .models import EventPage, Registration
from .pdf import invoice_pdf

logger = logging.getLogger(__name__)


def _live_event(event_id: int) -> EventPage:
    return get_object_or_404(EventPage.objects.live().public().select_related("seat_counter"), pk=event_id)


def _checkout_or_detail(request, registration: Registration):
    """Send a pending card registration to Stripe Checkout; anything else to its page."""
    if registration.status != Registration.Status.PENDING_PAYMENT or registration.order is None:
        return redirect(registration.get_absolute_url())
    try:
        return redirect(payments.start_checkout(request=request, order=registration.order))
    except Exception:
        logger.exception("Checkout could not start for registration %s", registration.pk)
        held_until = timezone.localtime(registration.hold_expires_at).strftime("%-I:%M %p")
        messages.error(
            request,
            f"We could not open the payment page just now. Your seats are held until {held_until}: "
            "please try “Pay now” again in a moment.",
        )
        return redirect(registration.get_absolute_url())


def _registered_message(request, registration: Registration) -> None:
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, "You are registered. A confirmation with a calendar file is on its way by e-mail.")
    elif registration.status == Registration.Status.WAITLISTED:
        messages.info(
            request,
            "The workshop is full, so you are on the waitlist. We will e-mail you as soon as a seat frees up.",
        )


@login_required
def register(request, event_id: int):
    """GET: the group form. POST kind=self: one click for yourself. POST kind=group: named attendees."""
    event = _live_event(event_id)
    rows = parse_int(request.GET.get("seats"), default=GROUP_ROWS_DEFAULT, minimum=1, maximum=GROUP_ROWS_MAX)
    allowance = selectors.group_seat_allowance(user=request.user, event=event)
    if allowance is not None:
        rows = max(min(rows, allowance), 1)
    form = GroupRegistrationForm(event=event)
    formset = attendee_formset(rows=rows)
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "self":
                self_form = SelfRegistrationForm(request.POST, event=event)
                if not self_form.is_valid():
                    raise services.RegistrationError("Choose one of the payment methods offered for this workshop.")
                method = self_form.cleaned_data["payment_method"] or None
                registration = services.registration_create(event=event, purchaser=request.user, payment_method=method)
            else:
                form = GroupRegistrationForm(request.POST, event=event)
                formset = attendee_formset(rows=rows, data=request.POST)
                if not (form.is_valid() and formset.is_valid()):
                    return render(
                        request,
                        "events/register.html",
                        _register_context(request, event, form, formset, rows),
                        status=400,
                    )
                if allowance is not None and len(formset.attendees()) > allowance:
                    messages.error(request, _group_cap_message(allowance))
                    return render(
                        request,
                        "events/register.html",
                        _register_context(request, event, form, formset, rows),
                        status=400,
                    )
                data = form.cleaned_data
                registration = services.registration_create(
                    event=event,
                    purchaser=request.user,
                    attendees=formset.attendees(),
                    payment_method=data["payment_method"],
                    po_number=data["po_number"],
                    billing_contact=data["billing_contact"],
                    billing_email=data["billing_email"],
                    billing_address=data["billing_address"],
                    organization_name=data["organization_name"],
                )
        except services.RegistrationError as exc:
            messages.error(request, str(exc))
            if request.POST.get("kind") == "self":
                return redirect(event.url)
            return render(
                request, "events/register.html", _register_context(request, event, form, formset, rows), status=400
            )
        _registered_message(request, registration)
        return _checkout_or_detail(request, registration)
    closed = event.registration_closed_reason()
    if closed:
        messages.info(request, closed)
        return redirect(event.url)
    return render(request, "events/register.html", _register_context(request, event, form, formset, rows))


def _group_cap_message(allowance: int) -> str:
    from django.conf import settings

    cap = settings.EVENT_GROUP_SEATS_PER_ACCOUNT
    left = f"{allowance} more" if allowance else "no more"
    return (
        f"An individual account can register up to {cap} people for a workshop ({left} for this one). "
        "Larger groups are registered by a district leader, or by our team: write to us and we will help."
    )


def _register_context(request, event, form, formset, rows):
    allowance = selectors.group_seat_allowance(user=request.user, event=event)
    return {
        "group_allowance": allowance,
        "group_cap": None if allowance is None else _group_cap_message(allowance),
        "event": event,
        "form": form,
        "formset": formset,
        "rows": rows,
        "seat_price": rules.price_for(request.user, event),
        "schedule": event.schedule_for(request.user),
        "detail": None,
    }


@login_required
def registration_detail(request, pk: int):
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    event = registration.event
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "attendees": list(registration.attendees.all()),
            "can_cancel": registration.is_active and bool(rules.can_cancel(request.user, registration)),
            "can_edit_attendees": registration.is_active and not event.has_started,
            "google_url": ics.google_calendar_url(event),
            "outlook_url": ics.outlook_calendar_url(event),
            "session_calendar_links": ics.session_calendar_links(event) if event.has_sessions else [],
        },
    )


@login_required
@require_POST
def registration_pay(request, pk: int):
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    if registration.status != Registration.Status.PENDING_PAYMENT:
        messages.info(request, "This registration is not waiting for a payment.")
    return _checkout_or_detail(request, registration)


@login_required
def registration_cancel(request, pk: int):
    """GET asks (and says what happens to the payment); only the POST cancels."""
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    if request.method != "POST":
        if not (registration.is_active and rules.can_cancel(request.user, registration)):
            messages.info(request, "This registration cannot be cancelled online.")
            return redirect(registration.get_absolute_url())
        return render(
            request,
            "events/registration_cancel.html",
            {
                "registration": registration,
                "event": registration.event,
                "payment_outcome": rules.cancellation_payment_outcome(registration),
            },
        )
    try:
        registration = services.registration_cancel(registration=registration, actor=request.user)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
        return redirect(registration.get_absolute_url())
    refunded = registration.order_id and registration.order.status == "refunded"
    messages.success(
        request,
        "Your registration is cancelled." + (" Your card payment has been refunded." if refunded else ""),
    )
    return redirect(registration.get_absolute_url())


@login_required
@require_POST
def registration_accept(request, pk: int):
    """Accept a seat offered from the waitlist by invoice / PO (a card offer is accepted by paying)."""
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    try:
        services.registration_offer_accept(
            registration=registration, actor=request.user, po_number=request.POST.get("po_number", "")
        )
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your seat is confirmed. The invoice is on its way to your billing contact.")
    return redirect(registration.get_absolute_url())


@login_required
def registration_attendees(request, pk: int):
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    initial = [{"name": a.name, "email": a.email, "role": a.role} for a in registration.attendees.all()]
    formset = attendee_formset(rows=registration.seats, initial=initial, fixed=True)
    if request.method == "POST":
        formset = attendee_formset(rows=registration.seats, initial=initial, fixed=True, data=request.POST)
        if formset.is_valid():
            try:
                services.attendees_update(registration=registration, actor=request.user, attendees=formset.attendees())
            except services.RegistrationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Attendee names saved.")
                return redirect(registration.get_absolute_url())
        status = 400
    else:
        status = 200
    return render(
        request,
        "events/registration_attendees.html",
        {"registration": registration, "event": registration.event, "formset": formset},
        status=status,
    )


@login_required
def registration_invoice(request, pk: int):
    registration = selectors.registration_for_owner(user=request.user, pk=pk)
    if registration is None or registration.payment_method != Registration.PaymentMethod.INVOICE:
        raise Http404("This registration has no invoice.")
    response = HttpResponse(invoice_pdf(registration), content_type="application/pdf")
    name = registration.invoice_number or registration.reference
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _ics_response(body: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def registration_ics(request, pk: int):
    """The registrant's own calendar file, with the meeting link once the seat is confirmed."""
    registration = selectors.registration_for_attendee(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No registration of yours has that number.")
    return _ics_response(ics.registration_calendar(registration), f"workshop-{registration.event.slug}.ics")


def event_ics(request, event_id: int):
    """The public calendar file of one workshop (no meeting link)."""
    event = _live_event(event_id)
    return _ics_response(ics.event_calendar(event), f"{event.slug}.ics")


def calendar_feed(request):
    """A feed of upcoming workshops calendar apps can subscribe to."""
    events = selectors.upcoming_events(limit=200)
    response = _ics_response(ics.feed_calendar(events), "workshops.ics", attachment=False)
    response["Cache-Control"] = "public, max-age=900"
    return response
