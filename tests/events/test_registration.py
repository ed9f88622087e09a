"""Every status transition of a registration, the waitlist order, holds, invoices and cancellation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services, staff
from events.models import EventCapacity, Registration
from members.models import Order
from members.services import order_mark_expired, order_mark_failed, order_mark_paid, order_mark_refunded

pytestmark = pytest.mark.django_db(transaction=False)
S = Registration.Status


def seats_taken(event):
    return EventCapacity.objects.get(pk=event.pk).seats_taken


def book(event, user, **kwargs):
    return services.registration_create(event=event, purchaser=user, **kwargs)


# --- free ---
def test_free_registration_is_confirmed_at_once_and_emailed_with_a_calendar_file(make_event, user, committed):
    event = make_event(capacity=5)
    with committed():
        registration = book(event, user)
    assert registration.status == S.CONFIRMED
    assert registration.confirmed_at is not None
    assert seats_taken(event) == 1
    assert [a.email for a in registration.attendees.all()] == [user.email]
    assert registration.attendees.get().user == user
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "You are registered" in message.subject
    assert message.attachments[0][0] == "workshop.ics"
    assert event.virtual_link in message.body


def test_registering_twice_hands_back_the_first_booking(make_event, user):
    event = make_event()
    first = book(event, user)
    assert book(event, user).pk == first.pk
    assert seats_taken(event) == 1


def test_someone_else_booking_an_address_already_seated_is_refused_in_plain_words(make_event, user, make_user):
    event = make_event()
    book(event, user)
    leader = make_user()
    with pytest.raises(services.RegistrationError, match="already has a place"):
        book(event, leader, attendees=[{"name": "Free", "email": user.email}])
    assert seats_taken(event) == 1


def test_closed_or_not_yet_open_registration_is_refused(make_event, user):
    closed = make_event(registration_closes=timezone.now() - timedelta(hours=1))
    with pytest.raises(services.RegistrationError, match="closed"):
        book(closed, user)
    later = make_event(registration_opens=timezone.now() + timedelta(days=2))
    with pytest.raises(services.RegistrationError, match="opens on"):
        book(later, user)


# --- waitlist ---
def test_full_workshop_waitlists_and_emails(make_event, make_user, committed):
    event = make_event(capacity=1)
    first = book(event, make_user())
    with committed():
        second = book(event, make_user())
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert seats_taken(event) == 1
    assert "waitlist" in mail.outbox[-1].subject


def test_waitlist_moves_up_in_order_when_a_seat_frees(make_event, make_user, committed):
    event = make_event(capacity=1)
    holder = book(event, make_user())
    waiting = [book(event, make_user()) for _ in range(3)]
    mail.outbox.clear()

    with committed():
        services.registration_cancel(registration=holder, actor=holder.purchaser)

    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert seats_taken(event) == 1
    subjects = [m.subject for m in mail.outbox]
    assert any("cancelled" in s.lower() for s in subjects)
    assert any("you have a seat" in s for s in subjects)
    promoted_mail = [m for m in mail.outbox if "you have a seat" in m.subject]
    assert promoted_mail[0].to == [waiting[0].purchaser.email]


def test_a_group_too_big_for_the_free_seats_keeps_its_place_and_the_next_that_fits_moves_up(make_event, make_user):
    event = make_event(capacity=2)
    holders = [book(event, make_user()) for _ in range(2)]
    group = book(event, make_user(), attendees=[{"name": f"T{i}", "email": f"t{i}@example.org"} for i in range(2)])
    single = book(event, make_user())
    assert group.status == single.status == S.WAITLISTED

    services.registration_cancel(registration=holders[0], actor=holders[0].purchaser)
    assert Registration.objects.get(pk=group.pk).status == S.WAITLISTED
    assert Registration.objects.get(pk=single.pk).status == S.CONFIRMED


def test_newcomers_do_not_jump_the_waitlist(make_event, make_user):
    event = make_event(capacity=1)
    holder = book(event, make_user())
    waiting = book(event, make_user())
    # Staff free a seat without promotion running (e.g. a manual fix), then a newcomer arrives.
    EventCapacity.objects.filter(pk=event.pk).update(seats_taken=0)
    Registration.objects.filter(pk=holder.pk).update(status=S.CANCELLED)
    newcomer = book(event, make_user())
    assert Registration.objects.get(pk=waiting.pk).status == S.CONFIRMED
    assert newcomer.status == S.WAITLISTED


def test_raising_capacity_on_publish_promotes_the_waitlist(make_event, make_user):
    event = make_event(capacity=1)
    book(event, make_user())
    waiting = [book(event, make_user()) for _ in range(3)]
    event.capacity = 3
    event.save_revision().publish()
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    counter = EventCapacity.objects.get(pk=event.pk)
    assert (counter.capacity, counter.seats_taken) == (3, 3)


def test_publishing_a_revision_never_resets_the_seat_counter(make_event, make_user):
    event = make_event(capacity=5)
    revision = event.save_revision()
    book(event, make_user())
    book(event, make_user())
    revision.publish()
    assert seats_taken(event) == 2


# --- card payments ---
def test_card_registration_holds_seats_then_confirms_when_paid(make_event, user, committed):
    event = make_event(capacity=3, price="49")
    with committed():
        registration = book(event, user, payment_method="card")
    assert registration.status == S.PENDING_PAYMENT
    assert registration.order.kind == Order.Kind.EVENT_SEATS
    assert registration.order.amount_cents == 4900
    assert registration.order.page_id == event.pk
    assert registration.hold_expires_at > timezone.now() + timedelta(minutes=25)
    assert seats_taken(event) == 1
    assert mail.outbox == []

    with committed():
        order_mark_paid(order=registration.order, payment_intent_id="pi_1")
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert registration.hold_expires_at is None
    assert "You are registered" in mail.outbox[-1].subject
    # A repeated webhook changes nothing.
    with committed():
        order_mark_paid(order=registration.order)
    assert len(mail.outbox) == 1


def test_member_price_is_charged_to_members(make_event, member):
    event = make_event(price="60", member_price="40")
    registration = book(event, member, payment_method="card")
    assert registration.order.amount_cents == 4000


def test_pending_payment_expires_after_the_hold_and_frees_seats_for_the_waitlist(
    make_event, make_user, settings, committed
):
    settings.EVENT_PAYMENT_HOLD_MINUTES = 30
    event = make_event(capacity=1, price="20")
    pending = book(event, make_user(), payment_method="card")
    waiting = book(event, make_user(), payment_method="card")
    assert waiting.status == S.WAITLISTED

    assert services.holds_expire_due() == 0
    with committed():
        assert services.holds_expire_due(now=timezone.now() + timedelta(minutes=31)) == 1

    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == S.EXPIRED
    assert pending.order.status == Order.Status.EXPIRED
    # The next in line now holds the seat, with her own order and a longer hold to pay from the e-mail.
    assert waiting.status == S.PENDING_PAYMENT
    assert waiting.order is not None and waiting.order.status == Order.Status.PENDING
    assert waiting.hold_expires_at > timezone.now() + timedelta(hours=20)
    assert seats_taken(event) == 1
    assert any("complete your payment" in m.subject for m in mail.outbox)
    # Running the task again changes nothing.
    assert services.holds_expire_due(now=timezone.now() + timedelta(minutes=31)) == 0


@pytest.mark.parametrize("mark", [order_mark_expired, order_mark_failed])
def test_stripe_expiry_or_failure_expires_the_registration(make_event, user, mark):
    event = make_event(capacity=2, price="20")
    registration = book(event, user, payment_method="card")
    mark(order=registration.order)
    registration.refresh_from_db()
    assert registration.status == S.EXPIRED
    assert seats_taken(event) == 0


def test_a_payment_arriving_after_the_hold_expired_gets_the_seat_back_if_free(make_event, user):
    event = make_event(capacity=2, price="20")
    registration = book(event, user, payment_method="card")
    services.holds_expire_due(now=timezone.now() + timedelta(hours=1))
    order_mark_paid(order=registration.order, payment_intent_id="pi_late")
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert seats_taken(event) == 1


def test_refund_cancels_and_frees_seats(make_event, make_user):
    event = make_event(capacity=1, price="20")
    registration = book(event, make_user(), payment_method="card")
    waiting = book(event, make_user())
    order_mark_paid(order=registration.order, payment_intent_id="pi_2")
    order_mark_refunded(order=registration.order)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == S.PENDING_PAYMENT


def test_registrant_cancelling_a_card_registration_gets_a_stripe_refund(make_event, user, fake_stripe):
    event = make_event(capacity=3, price="35")
    registration = book(event, user, payment_method="card")
    order_mark_paid(order=registration.order, payment_intent_id="pi_refund_me")

    services.registration_cancel(registration=registration, actor=user)

    refund_call = fake_stripe.last("POST", "/v1/refunds")
    assert refund_call.params["payment_intent"] == "pi_refund_me"
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert registration.order.status == Order.Status.REFUNDED
    assert seats_taken(event) == 0


def test_failed_refund_cancels_nothing(make_event, user, fake_stripe):
    event = make_event(capacity=3, price="35")
    registration = book(event, user, payment_method="card")
    order_mark_paid(order=registration.order, payment_intent_id="pi_outage")
    fake_stripe.fail_with = 500
    with pytest.raises(services.RegistrationError, match="Nothing was cancelled"):
        services.registration_cancel(registration=registration, actor=user)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert seats_taken(event) == 1


# --- cancellation rules ---
def test_registrant_cannot_cancel_after_the_cutoff_but_staff_can(make_event, user, staff):
    event = make_event(start=timezone.now() + timedelta(hours=10), cancellation_cutoff_hours=48)
    registration = book(event, user)
    with pytest.raises(services.RegistrationError, match="too late"):
        services.registration_cancel(registration=registration, actor=user)
    services.registration_cancel(registration=registration, actor=staff)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert seats_taken(event) == 0


def test_an_editor_with_the_registration_permission_cancels_as_staff(make_event, user, make_user):
    from django.contrib.auth.models import Permission

    event = make_event(start=timezone.now() + timedelta(hours=10), cancellation_cutoff_hours=48)
    registration = book(event, user)
    editor = make_user(is_staff=False)
    # Staff = Wagtail admin access, plus the named permission for this action.
    editor.user_permissions.add(
        Permission.objects.get(codename="change_registration"), Permission.objects.get(codename="access_admin")
    )
    editor = type(editor).objects.get(pk=editor.pk)  # a fresh object: permissions are cached
    services.registration_cancel(registration=registration, actor=editor)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert seats_taken(event) == 0


def test_someone_else_cannot_cancel(make_event, user, make_user):
    registration = book(make_event(), user)
    with pytest.raises(services.RegistrationError):
        services.registration_cancel(registration=registration, actor=make_user())


def test_leaving_the_waitlist_frees_nothing_and_is_allowed(make_event, make_user):
    event = make_event(capacity=1)
    book(event, make_user())
    waiting = book(event, make_user())
    services.registration_cancel(registration=waiting, actor=waiting.purchaser)
    assert Registration.objects.get(pk=waiting.pk).status == S.CANCELLED
    assert seats_taken(event) == 1


# --- invoices ---
def group(n, domain="riverside.example.org"):
    return [{"name": f"Teacher {i}", "email": f"teacher{i}@{domain}", "role": "Grade 3"} for i in range(n)]


def test_invoice_group_is_confirmed_with_invoice_due_and_a_seat_hold(make_event, user, settings, committed):
    settings.EVENT_INVOICE_HOLD_DAYS = 14
    event = make_event(capacity=10, price="150", allow_invoice=True)
    with committed():
        registration = book(
            event,
            user,
            attendees=group(3),
            payment_method="invoice",
            po_number="PO-7781",
            billing_contact="Ana Ruiz",
            billing_email="ap@riverside.example.org",
        )
    assert registration.status == S.CONFIRMED
    assert registration.invoice_status == Registration.InvoiceStatus.DUE
    assert registration.status_label == "Awaiting invoice payment"
    assert registration.seats == 3 and registration.total_cents == 45000
    assert timedelta(days=13) < registration.hold_expires_at - timezone.now() <= timedelta(days=14)
    assert seats_taken(event) == 3
    # The buyer and each attendee are told; the billing contact receives the invoice.
    assert {m.to[0] for m in mail.outbox} == {user.email, "ap@riverside.example.org"} | {p["email"] for p in group(3)}

    services.registration_mark_invoice_paid(registration=registration)
    registration.refresh_from_db()
    assert registration.invoice_status == Registration.InvoiceStatus.PAID
    assert registration.hold_expires_at is None
    assert services.holds_expire_due(now=timezone.now() + timedelta(days=30)) == 0


def test_unpaid_invoice_expires_after_its_hold(make_event, user):
    event = make_event(start=timezone.now() + timedelta(days=40), capacity=5, price="100", allow_invoice=True)
    registration = book(
        event,
        user,
        attendees=group(2),
        payment_method="invoice",
        po_number="PO-1",
        billing_contact="A",
        billing_email="a@example.org",
    )
    assert services.holds_expire_due(now=timezone.now() + timedelta(days=15)) == 1
    registration.refresh_from_db()
    assert registration.status == S.EXPIRED
    assert seats_taken(event) == 0


def test_invoice_needs_po_and_is_only_offered_when_staff_allow_it(make_event, user):
    no_invoice = make_event(price="100")
    with pytest.raises(services.RegistrationError, match="cannot be paid by invoice"):
        book(
            no_invoice,
            user,
            payment_method="invoice",
            po_number="1",
            billing_contact="a",
            billing_email="a@example.org",
        )
    event = make_event(price="100", allow_invoice=True)
    with pytest.raises(services.RegistrationError, match="PO number"):
        book(event, user, payment_method="invoice")


def test_invoice_pdf_shows_po_lines_and_totals(make_event, user):
    import io

    from pypdf import PdfReader

    from events.pdf import invoice_pdf

    event = make_event(price="150", allow_invoice=True, title="Math Menu institute")
    registration = book(
        event,
        user,
        attendees=group(3),
        payment_method="invoice",
        po_number="PO-7781",
        billing_contact="Ana Ruiz",
        billing_email="ap@riverside.example.org",
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(registration))).pages)
    assert "PO-7781" in text
    assert "Math Menu institute" in text
    assert "$450.00" in text and "$150.00" in text
    assert "Teacher 2" in text
    assert "How to pay" in text


def test_buyer_can_rename_attendees_until_the_workshop_starts(make_event, user, make_user):
    event = make_event(capacity=5)
    registration = book(event, user, attendees=group(2))
    new = [{"name": "Rosa Diaz", "email": "rosa@example.org", "role": "Coach"}, group(2)[1]]
    services.attendees_update(registration=registration, actor=user, attendees=new)
    assert sorted(registration.attendees.values_list("email", flat=True)) == [
        "rosa@example.org",
        "teacher1@riverside.example.org",
    ]
    with pytest.raises(services.RegistrationError, match="2 seats"):
        services.attendees_update(registration=registration, actor=user, attendees=new[:1])
    with pytest.raises(services.RegistrationError):
        services.attendees_update(registration=registration, actor=make_user(), attendees=new)
    event.start = timezone.now() - timedelta(minutes=5)
    event.save()
    with pytest.raises(services.RegistrationError, match="started"):
        services.attendees_update(registration=registration, actor=user, attendees=new)


# --- staff actions ---
def test_cancelling_the_event_cancels_everyone_refunds_cards_and_tells_them(
    make_event, make_user, fake_stripe, committed
):
    event = make_event(capacity=2, price="25")
    paid = book(event, make_user(), payment_method="card")
    order_mark_paid(order=paid.order, payment_intent_id="pi_event_cancel")
    pending = book(event, make_user(), payment_method="card")
    waiting = book(event, make_user(), payment_method="card")
    mail.outbox.clear()

    with committed():
        assert staff.event_cancel(event=event, message="The presenter is ill.") == 3

    assert set(Registration.objects.filter(event=event).values_list("status", flat=True)) == {S.CANCELLED}
    assert fake_stripe.last("POST", "/v1/refunds").params["payment_intent"] == "pi_event_cancel"
    assert Order.objects.get(pk=paid.order_id).status == Order.Status.REFUNDED
    assert Order.objects.get(pk=pending.order_id).status == Order.Status.EXPIRED
    told = {m.to[0] for m in mail.outbox if "Workshop cancelled" in m.subject}
    assert told == {paid.purchaser.email, pending.purchaser.email, waiting.purchaser.email}
    assert "presenter is ill" in mail.outbox[0].body
    assert seats_taken(event) == 0
    with pytest.raises(services.RegistrationError, match="cancelled"):
        book(event, make_user())


def test_moving_the_workshop_on_publish_tells_registrants(make_event, make_user, committed):
    event = make_event(format="in_person", venue_name="Lincoln Elementary", address="12 Elm St", virtual_link="")
    event.save_revision().publish()
    registration = book(event, make_user())
    mail.outbox.clear()

    event.title = "A new title only"
    with committed():
        event.save_revision().publish()
    assert mail.outbox == []

    event.start += timedelta(days=1)
    event.end += timedelta(days=1)
    with committed():
        event.save_revision().publish()
    [message] = mail.outbox
    assert message.to == [registration.purchaser.email]
    assert "New time or place" in message.subject
    assert EventCapacity.objects.get(pk=event.pk).schedule_sequence == 1


def test_check_in(make_event, user):
    registration = book(make_event(), user)
    attendee = registration.attendees.get()
    on_the_day = registration.event.start
    staff.attendee_check_in(attendee=attendee, now=on_the_day)
    attendee.refresh_from_db()
    first = attendee.checked_in_at
    assert first is not None
    staff.attendee_check_in(attendee=attendee, now=on_the_day)
    attendee.refresh_from_db()
    assert attendee.checked_in_at == first
    staff.attendee_check_in(attendee=attendee, present=False)
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_an_admin_user_without_the_permission_cannot_cancel_someone_elses(make_event, user, make_user):
    from django.contrib.auth.models import Permission

    event = make_event(start=timezone.now() + timedelta(days=10))
    registration = book(event, user)
    editor = make_user()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    editor = type(editor).objects.get(pk=editor.pk)
    with pytest.raises(services.RegistrationError):
        services.registration_cancel(registration=registration, actor=editor)
