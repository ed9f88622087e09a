"""Staff tools: overview, registrations per workshop, CSV export, check-in, invoices, cancellations."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from events import services
from events.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(make_event, make_user):
    event = make_event(capacity=3, price="100", allow_invoice=True, title="Math Menu institute")
    invoice = services.registration_create(
        event=event,
        purchaser=make_user("leader@district.example.org"),
        attendees=[
            {"name": "Ana Ruiz", "email": "ana@district.example.org", "role": "Grade 2"},
            {"name": "Ben Ode", "email": "ben@district.example.org", "role": "Coach"},
        ],
        payment_method="invoice",
        po_number="PO-55",
        billing_contact="Accounts",
        billing_email="ap@district.example.org",
        organization_name="Riverside USD",
    )
    card = services.registration_create(event=event, purchaser=make_user("card@example.org"), payment_method="card")
    waiting = services.registration_create(event=event, purchaser=make_user("wait@example.org"), payment_method="card")
    return event, invoice, card, waiting


def test_overview_and_event_page_show_capacity_and_waitlist(client, staff, workshop):
    event, *_ = workshop
    client.force_login(staff)
    html = client.get(reverse("events_admin:overview")).content.decode()
    assert "Math Menu institute" in html
    response = client.get(reverse("events_admin:event", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["counts"] == {
        "pending_payment": 1,
        "confirmed": 2,
        "waitlisted": 1,
        "cancelled": 0,
        "expired": 0,
    }
    assert response.context["counter"].seats_taken == 3
    filtered = client.get(reverse("events_admin:event", args=[event.pk]), {"status": "waitlisted"})
    assert [r.purchaser.email for r in filtered.context["registrations"]] == ["wait@example.org"]
    due = client.get(reverse("events_admin:event", args=[event.pk]), {"status": "invoice_due"})
    assert [r.po_number for r in due.context["registrations"]] == ["PO-55"]


def test_csv_export_lists_confirmed_attendees(client, staff, workshop):
    event, invoice, *_ = workshop
    client.force_login(staff)
    response = client.get(reverse("events_admin:attendees_csv", args=[event.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["email"] for r in rows] == ["ana@district.example.org", "ben@district.example.org"]
    assert rows[0]["po_number"] == "PO-55"
    assert rows[0]["status"] == "Confirmed · invoice due"
    assert rows[0]["organization"] == "Riverside USD"
    everyone = client.get(reverse("events_admin:attendees_csv", args=[event.pk]), {"all": "1"})
    assert len(list(csv.DictReader(io.StringIO(everyone.content.decode())))) == 4


def test_check_in_mark_paid_and_staff_cancel(client, staff, workshop, committed):
    event, invoice, card, waiting = workshop
    client.force_login(staff)
    ana = invoice.attendees.get(email="ana@district.example.org")
    client.post(reverse("events_admin:check_in", args=[ana.pk]))
    ana.refresh_from_db()
    assert ana.checked_in_at is not None

    client.post(reverse("events_admin:invoice_paid", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.invoice_status == Registration.InvoiceStatus.PAID

    with committed():
        client.post(reverse("events_admin:registration_cancel", args=[card.pk]))
    assert Registration.objects.get(pk=card.pk).status == Registration.Status.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.PENDING_PAYMENT
    assert any("complete your payment" in m.subject for m in mail.outbox)


def test_sign_in_sheet_and_cancel_event(client, staff, workshop, committed):
    event, *_ = workshop
    client.force_login(staff)
    sheet = client.get(reverse("events_admin:sign_in_sheet", args=[event.pk])).content.decode()
    assert "Ana Ruiz" in sheet and "card@example.org" not in sheet
    assert client.get(reverse("events_admin:event_cancel", args=[event.pk])).status_code == 200
    with committed():
        client.post(reverse("events_admin:event_cancel", args=[event.pk]), {"message": "Snow day."})
    assert not Registration.objects.filter(event=event, status__in=Registration.ACTIVE).exists()
    assert sum("Workshop cancelled" in m.subject for m in mail.outbox) == 5  # 3 buyers + 2 named attendees


def test_teachers_cannot_reach_the_staff_views(client, user, workshop):
    event, invoice, *_ = workshop
    client.force_login(user)
    for url in (
        reverse("events_admin:overview"),
        reverse("events_admin:attendees_csv", args=[event.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
    client.post(reverse("events_admin:invoice_paid", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.invoice_status == Registration.InvoiceStatus.DUE


def test_registrations_button_on_the_page_editor(client, staff, workshop):
    event, *_ = workshop
    client.force_login(staff)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert reverse("events_admin:event", args=[event.pk]) in html
