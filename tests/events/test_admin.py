"""Staff tools: overview, registrations (search, filters, export), invoices, bulk check-in, confirmed cancels."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Registration
from tests.spreadsheets import csv_rows, xlsx_rows

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
    assert [r.purchaser.email for r in filtered.context["object_list"]] == ["wait@example.org"]
    due = client.get(reverse("events_admin:event", args=[event.pk]), {"status": "invoice_due"})
    assert [r.po_number for r in due.context["object_list"]] == ["PO-55"]
    assert client.get(reverse("events_admin:event", args=[event.pk]), {"status": "nonsense"}).status_code == 200


def test_attendee_export_lists_confirmed_attendees(client, staff, workshop):
    event, invoice, *_ = workshop
    client.force_login(staff)
    url = reverse("events_admin:attendees", args=[event.pk])
    rows = csv_rows(client.get(url, {"export": "csv"}))
    header, rows = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header[:4] == ["Name", "E-mail", "Role", "Registration"] and "PO Number" in header
    assert [r["E-mail"] for r in rows] == ["ana@district.example.org", "ben@district.example.org"]
    assert rows[0]["PO Number"] == "PO-55"
    assert rows[0]["Status"] == "Awaiting invoice payment"
    assert rows[0]["Organization"] == "Riverside USD"
    assert len(csv_rows(client.get(url, {"export": "csv", "everyone": "true"}))) == 1 + 4
    sheet = xlsx_rows(client.get(url, {"export": "xlsx"}))
    assert sheet[0][:2] == ("Name", "E-mail") and len(sheet) == 3


def test_registrations_across_workshops_found_by_attendee(client, staff, workshop, make_event, make_user):
    event, invoice, card, waiting = workshop
    other = make_event(capacity=5, price="20", title="Fraction talks")
    services.registration_create(event=other, purchaser=make_user("solo@example.org"), payment_method="card")
    client.force_login(staff)
    url = reverse("events_admin:registrations")
    everything = client.get(url)
    assert {r.event_id for r in everything.context["object_list"]} == {event.pk, other.pk}
    by_attendee = client.get(url, {"q": "Ben Ode"})
    assert [r.pk for r in by_attendee.context["object_list"]] == [invoice.pk]
    assert [r.pk for r in client.get(url, {"q": invoice.reference}).context["object_list"]] == [invoice.pk]
    by_event = client.get(url, {"event": other.pk})
    assert [r.purchaser.email for r in by_event.context["object_list"]] == ["solo@example.org"]
    rows = csv_rows(client.get(url, {"export": "csv", "q": "ana@district"}))
    assert rows[0][:3] == ["Reference", "Workshop", "Registered By"]
    assert len(rows) == 2 and "Ana Ruiz <ana@district.example.org>" in rows[1][3]


def test_invoice_list_spans_workshops(client, staff, workshop):
    event, invoice, *_ = workshop
    client.force_login(staff)
    response = client.get(reverse("events_admin:invoices"))
    assert [r.pk for r in response.context["object_list"]] == [invoice.pk]
    assert "Mark invoice paid" in response.content.decode()
    rows = csv_rows(client.get(reverse("events_admin:invoices"), {"export": "csv"}))
    assert rows[0][:2] == ["Invoice", "Invoice Status"] and rows[1][1] == "Invoice due"


def test_exports_escape_formulas(client, staff, make_event, make_user):
    event = make_event(capacity=3, price="100", allow_invoice=True, title="Evil")
    services.registration_create(
        event=event,
        purchaser=make_user("evil@example.org"),
        attendees=[{"name": '=HYPERLINK("http://evil")', "email": "x@example.org", "role": "@SUM(A1)"}],
        payment_method="invoice",
        po_number="+PO",
        billing_contact="Accounts",
        billing_email="ap@example.org",
        organization_name="-District",
    )
    client.force_login(staff)
    url = reverse("events_admin:attendees", args=[event.pk])
    row = csv_rows(client.get(url, {"export": "csv"}))[1]
    assert row[0].startswith("'=") and row[2] == "'@SUM(A1)" and "'+PO" in row and "'-District" in row
    cells = xlsx_rows(client.get(url, {"export": "xlsx"}))[1]
    assert cells[0].startswith("'=") and cells[2] == "'@SUM(A1)"


def test_bulk_check_in_mark_paid_and_staff_cancel_after_confirming(client, staff, workshop, committed):
    event, invoice, card, waiting = workshop
    client.force_login(staff)
    ana, ben = invoice.attendees.order_by("name")
    check_in = reverse("events_admin:bulk_check_in", args=[event.pk])
    early = client.post(check_in, {"attendee": [ana.pk, ben.pk], "present": "1"}, follow=True)
    assert "Check-in opens on the workshop&#x27;s day" in early.content.decode()
    ana.refresh_from_db()
    assert ana.checked_in_at is None
    # On the workshop's day (moved to today for the check-in, then back so the waitlist can still move).
    planned = event.start, event.end
    event.start, event.end = timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(hours=2)
    event.save()
    client.post(check_in, {"attendee": [ana.pk, ben.pk], "present": "1"})
    event.start, event.end = planned
    event.save()
    ana.refresh_from_db(), ben.refresh_from_db()
    assert ana.checked_in_at is not None and ben.checked_in_at is not None
    client.post(check_in, {"attendee": [ben.pk], "present": "0"})
    ben.refresh_from_db()
    assert ben.checked_in_at is None
    refused = client.post(check_in, {"present": "1"}, follow=True)
    assert "Tick at least one attendee." in refused.content.decode()

    paid = reverse("events_admin:invoice_paid", args=[invoice.pk])
    assert client.get(paid).status_code == 200
    invoice.refresh_from_db()
    assert invoice.invoice_status == Registration.InvoiceStatus.DUE  # the GET only asks
    client.post(paid, {"paid_on": "2026-11-20", "reference": "Check 10442"})
    invoice.refresh_from_db()
    assert invoice.invoice_status == Registration.InvoiceStatus.PAID
    assert invoice.invoice_payment_reference == "Check 10442"
    assert timezone.localtime(invoice.invoice_paid_at).date().isoformat() == "2026-11-20"

    cancel = reverse("events_admin:registration_cancel", args=[card.pk])
    assert "cancelled and its seats go to the waitlist" in client.get(cancel).content.decode()
    assert Registration.objects.get(pk=card.pk).status != Registration.Status.CANCELLED
    with committed():
        client.post(cancel, {"reason": "Asked by phone"})
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
        reverse("events_admin:attendees", args=[event.pk]) + "?export=csv",
        reverse("events_admin:registrations"),
        reverse("events_admin:invoices"),
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
