"""A seat offered from the waitlist keeps the registration's way to pay, for WAITLIST_OFFER_HOURS."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.timezones import moment_text
from events import services
from events.models import Registration
from events.rules import registration_status_label

pytestmark = pytest.mark.django_db
S = Registration.Status
INVOICE = {
    "payment_method": "invoice",
    "po_number": "PO-1",
    "billing_contact": "Business Office",
    "billing_email": "ap@district.example.org",
}


def book(event, user, **kwargs):
    return services.registration_create(event=event, purchaser=user, **kwargs)


def test_an_invoice_registration_offered_a_seat_accepts_it_with_a_po(
    client, make_event, make_user, settings, committed
):
    settings.WAITLIST_OFFER_HOURS = 6
    event = make_event(capacity=1, price="120", allow_invoice=True, timezone="America/Chicago")
    holder = book(event, make_user(), **INVOICE)
    leader = make_user()
    waiting = book(event, leader, **INVOICE)
    assert waiting.status == S.WAITLISTED
    mail.outbox.clear()
    before = timezone.now()
    with committed():
        services.registration_cancel(registration=holder, actor=holder.purchaser)

    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_PAYMENT and waiting.offered_at is not None
    assert waiting.order_id is None  # no card checkout was forced on an invoice buyer
    assert before + timedelta(hours=6) <= waiting.hold_expires_at <= timezone.now() + timedelta(hours=6)
    due = f"Accept your seat by {moment_text(waiting.hold_expires_at, event.zone)}"
    assert due.endswith(("CST", "CDT"))
    status = registration_status_label(waiting)
    assert status.code == "offered" and status.detail == due
    [offer] = [m for m in mail.outbox if m.to == [leader.email]]
    assert due in offer.body and "PO" in offer.body

    client.force_login(leader)
    assert due in client.get(reverse("members:dashboard")).content.decode()
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert "Accept the seat" in page and "Pay now" not in page

    client.post(reverse("events:registration_accept", args=[waiting.pk]), {"po_number": "PO-2026-88"})
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert waiting.invoice_status == Registration.InvoiceStatus.DUE
    assert waiting.po_number == "PO-2026-88" and waiting.invoice_number


def test_accepting_needs_a_po_and_an_offer(make_event, make_user):
    event = make_event(capacity=1, price="120", allow_invoice=True)
    holder = book(event, make_user(), **INVOICE)
    waiting = book(event, make_user(), **INVOICE)
    with pytest.raises(services.RegistrationError, match="no seat offer"):
        services.registration_offer_accept(registration=waiting, actor=waiting.purchaser, po_number="PO-9")
    services.registration_cancel(registration=holder, actor=holder.purchaser)
    with pytest.raises(services.RegistrationError, match="PO"):
        services.registration_offer_accept(registration=waiting, actor=waiting.purchaser, po_number=" ")


def test_an_offer_not_accepted_in_time_passes_to_the_next_in_line(make_event, make_user):
    event = make_event(capacity=1, price="120", allow_invoice=True)
    holder = book(event, make_user(), **INVOICE)
    first = book(event, make_user(), **INVOICE)
    second = book(event, make_user(), payment_method="card")
    services.registration_cancel(registration=holder, actor=holder.purchaser)
    first.refresh_from_db()
    assert first.status == S.PENDING_PAYMENT

    services.holds_expire_due(now=first.hold_expires_at + timedelta(minutes=1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.EXPIRED and "not accepted in time" in first.cancellation_reason
    assert second.status == S.PENDING_PAYMENT and second.offered_at is not None
    assert registration_status_label(second).label.startswith("Offered a seat until")
