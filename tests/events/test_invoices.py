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
