"""One status vocabulary everywhere, and the registrant's calendar file read back by a second library (vobject)."""

from datetime import timedelta

import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.ics import registration_calendar, registration_uid
from events.models import Attendee, Registration
from events.rules import registration_status_label

pytestmark = pytest.mark.django_db


def book(event, user, **kwargs):
    return services.registration_create(event=event, purchaser=user, **kwargs)


def parsed(body: bytes):
    cal = vobject.readOne(body.decode())
    return cal, cal.vevent


def invoice_kwargs():
    return {
        "payment_method": "invoice",
        "po_number": "PO-7781",
        "billing_contact": "Ana Business",
        "billing_email": "ap@district.example.org",
    }


def test_every_status_has_one_wording(make_event, make_user):
    event = make_event(capacity=1, timezone="America/Chicago", start=timezone.now() + timedelta(days=20))
    holder = book(event, make_user())
    first, second = book(event, make_user()), book(event, make_user())
    assert registration_status_label(holder).code == "confirmed"
    assert registration_status_label(holder).label == "Confirmed"
    assert registration_status_label(first).label == "Waitlisted, position 1"
    assert registration_status_label(second).label == "Waitlisted, position 2"

    paid = make_event(capacity=5, price="40", allow_invoice=True)
    card = book(paid, make_user(), payment_method="card")
    assert registration_status_label(card).code == "awaiting_payment"
    invoiced = book(paid, make_user(), **invoice_kwargs())
    status = registration_status_label(invoiced)
    assert (status.code, status.label) == ("awaiting_invoice", "Awaiting invoice payment")
    assert invoiced.invoice_number in status.detail

    Attendee.objects.filter(registration=holder).update(checked_in_at=timezone.now())
    assert registration_status_label(holder).label == "Attended"
    services.registration_cancel(registration=second, actor=second.purchaser)
    second.refresh_from_db()
    assert registration_status_label(second).label == "Cancelled"


def test_workshop_page_my_learning_and_leader_rows_use_the_same_words(client, make_event, make_user):
    from events.selectors import organization_registrations

    event = make_event(capacity=1)
    book(event, make_user())
    waiting_user = make_user()
    waiting = book(event, waiting_user)
    client.force_login(waiting_user)
    assert "Waitlisted, position 1" in client.get(event.url).content.decode()
    assert "Waitlisted, position 1" in client.get(reverse("members:dashboard")).content.decode()
    assert "Waitlisted, position 1" in client.get(waiting.get_absolute_url()).content.decode()
    [row] = organization_registrations(user_ids=[waiting_user.pk])
    assert row["status"] == "Waitlisted, position 1"


def test_ics_status_follows_the_registration_with_a_vtimezone(make_event, make_user):
    event = make_event(capacity=1, price="30", allow_invoice=True, timezone="America/Chicago")
    card = book(event, make_user(), payment_method="card")
    waiting = book(event, make_user(), **invoice_kwargs())
    cal, vevent = parsed(registration_calendar(card))
    assert vevent.status.value == "TENTATIVE"
    assert cal.vtimezone.tzid.value == "America/Chicago"
    assert vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["America/Chicago"]
    assert vevent.dtstart.value == event.start
    assert parsed(registration_calendar(waiting))[1].status.value == "TENTATIVE"

    free = make_event(capacity=3)
    confirmed = book(free, make_user())
    assert parsed(registration_calendar(confirmed))[1].status.value == "CONFIRMED"
    invoiced = book(make_event(capacity=3, price="30", allow_invoice=True), make_user(), **invoice_kwargs())
    assert parsed(registration_calendar(invoiced))[1].status.value == "TENTATIVE"


def test_cancelling_mails_a_method_cancel_file_with_the_same_uid_and_a_higher_sequence(make_event, user, committed):
    event = make_event(capacity=3, timezone="America/Denver")
    with committed():
        registration = book(event, user)
    _, before = parsed(registration_calendar(registration))
    assert before.uid.value == registration_uid(registration)
    mail.outbox.clear()
    with committed():
        services.registration_cancel(registration=registration, actor=user)
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    cal = vobject.readOne(part.get_payload(decode=True).decode())
    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.uid.value == before.uid.value
    assert int(cal.vevent.sequence.value) > int(before.sequence.value)
    assert cal.vtimezone.tzid.value == "America/Denver"


@pytest.mark.parametrize(
    ("kind", "words"),
    [("free", "nothing to pay"), ("invoice", "invoice INV-"), ("card", "refunded")],
)
def test_cancelling_asks_first_and_says_what_happens_to_the_payment(client, make_event, user, kind, words):
    if kind == "free":
        registration = book(make_event(capacity=3), user)
    elif kind == "invoice":
        registration = book(make_event(capacity=3, price="50", allow_invoice=True), user, **invoice_kwargs())
    else:
        from members.models import Order
        from members.services import order_mark_paid

        registration = book(make_event(capacity=3, price="50"), user, payment_method="card")
        order_mark_paid(order=Order.objects.get(pk=registration.order_id))
    client.force_login(user)
    url = reverse("events:registration_cancel", args=[registration.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert words in page.content.decode()
    registration.refresh_from_db()
    assert registration.is_active  # a GET only asks
    if kind != "card":
        client.post(url)
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CANCELLED


def test_cancelling_an_invoice_registration_voids_the_invoice_and_says_so(make_event, user, committed):
    registration = book(make_event(capacity=3, price="50", allow_invoice=True), user, **invoice_kwargs())
    mail.outbox.clear()
    with committed():
        services.registration_cancel(registration=registration, actor=user)
    registration.refresh_from_db()
    assert registration.invoice_status == Registration.InvoiceStatus.VOID
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert f"Invoice {registration.invoice_number} is voided" in message.body
