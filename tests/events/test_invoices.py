"""Invoices a business office can pay: a number sequence, dates, the seller's remit-to and tax id, the buyer and PO,
a line per attendee, the total, and PAID with the date and reference staff recorded."""

import io
from datetime import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Site

from events import services
from events.models import InvoiceSettings, Registration
from events.pdf import invoice_pdf

pytestmark = pytest.mark.django_db


def invoice_booking(event, user, people):
    return services.registration_create(
        event=event,
        purchaser=user,
        attendees=[{"name": name, "email": f"{name.split()[0].lower()}@riverside.example.org"} for name in people],
        payment_method="invoice",
        po_number="PO-2026-0412",
        billing_contact="Dana Accounts",
        billing_email="ap@riverside.example.org",
        billing_address="1 District Way\nRiverside, CA",
        organization_name="Riverside USD",
    )


def pdf_text(registration) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(registration))).pages)


def test_invoice_numbers_follow_one_sequence_and_never_repeat(make_event, make_user):
    event = make_event(capacity=10, price="75", allow_invoice=True)
    first = invoice_booking(event, make_user(), ["Ana Ruiz"])
    second = invoice_booking(event, make_user(), ["Ben Ode"])
    a, b = (int(r.invoice_number.removeprefix("INV-")) for r in (first, second))
    assert first.invoice_number.startswith("INV-") and b == a + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=second.pk).update(invoice_number=first.invoice_number)


def test_the_invoice_pdf_carries_seller_buyer_lines_dates_and_paid(make_event, user, home_page):
    InvoiceSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "seller_name": "Math Learning Network",
            "remit_to": "PO Box 77\nOakland, CA 94601",
            "tax_id": "94-1234567",
        },
    )
    event = make_event(capacity=10, price="75", allow_invoice=True, title="Math Menu institute")
    registration = invoice_booking(event, user, ["Ana Ruiz", "Ben Ode"])
    text = pdf_text(registration)
    for expected in (
        "Math Learning Network",
        "PO Box 77",
        "94-1234567",
        registration.invoice_number,
        "PO-2026-0412",
        "Dana Accounts",
        "Riverside USD",
        "Seat: Ana Ruiz",
        "Seat: Ben Ode",
        "$150.00",
        "Issued",
        timezone.localtime(registration.hold_expires_at).strftime("%B %-d, %Y"),
    ):
        assert expected in text, expected
    assert "PAID" not in text

    services.registration_mark_invoice_paid(
        registration=registration, paid_on=timezone.make_aware(datetime(2026, 11, 20, 12)), reference="Check 10442"
    )
    registration.refresh_from_db()
    paid = pdf_text(registration)
    assert "PAID on November 20, 2026, reference Check 10442" in paid


def _billing_mail(address="ap@riverside.example.org"):
    from django.core import mail

    return [m for m in mail.outbox if m.to == [address]]


def _attached_pdf(message) -> bytes:
    [(name, content, mimetype)] = [a for a in message.attachments if a[2] == "application/pdf"]
    assert name.endswith(".pdf")
    return content


def test_the_billing_contact_receives_the_invoice_once_and_the_paid_copy(make_event, user, committed):
    """The business office pays from the invoice it receives: the registration page promised it is on its way."""
    event = make_event(capacity=10, price="75", allow_invoice=True, title="Math Menu institute")
    with committed():
        registration = invoice_booking(event, user, ["Ana Ruiz", "Ben Ode"])
        invoice_booking(event, user, ["Ana Ruiz", "Ben Ode"])  # a double click owes nothing more
    [message] = _billing_mail()
    assert registration.invoice_number in message.subject
    assert "PO-2026-0412" in message.body and "$150.00" in message.body
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_attached_pdf(message))).pages)
    assert registration.invoice_number in text and "PAID" not in text

    with committed():
        services.registration_mark_invoice_paid(registration=registration, reference="Check 1042")
        services.registration_mark_invoice_paid(registration=registration, reference="Check 1042")
    [_, paid] = _billing_mail()
    assert "paid" in paid.subject.lower()
    assert "PAID" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(_attached_pdf(paid))).pages)


def test_an_offer_accepted_with_a_po_sends_the_invoice_to_the_billing_contact(make_event, make_user, committed):
    event = make_event(capacity=1, price="75", allow_invoice=True)
    holder = invoice_booking(event, make_user(), ["Ana Ruiz"])
    waiting = services.registration_create(
        event=event,
        purchaser=make_user(),
        attendees=[{"name": "Carla Diaz", "email": "carla@lincoln.example.org"}],
        payment_method="invoice",
        po_number="PO-1",
        billing_contact="Lincoln office",
        billing_email="office@lincoln.example.org",
    )
    with committed():
        services.registration_cancel(registration=holder, actor=holder.purchaser)
    waiting.refresh_from_db()
    assert waiting.offered_at is not None and not _billing_mail("office@lincoln.example.org")
    with committed():
        services.registration_offer_accept(registration=waiting, actor=waiting.purchaser, po_number="PO-2")
    [message] = _billing_mail("office@lincoln.example.org")
    waiting.refresh_from_db()
    assert waiting.invoice_number in message.subject and "PO-2" in message.body
