"""Issue 11: payments in any event order, one open order per course, and webhook bodies of any shape.

Stripe does not order its events. Whatever order the payment and its refund arrive in (and even
when one is lost and reconciliation finds it), the buyer ends refunded and without access.
"""

import itertools
import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory, ModulePageFactory
from events import services as event_services
from events.factories import EventIndexPageFactory, EventPageFactory
from events.models import EventCapacity, Registration
from members import services as member_services
from members.access import can_view_lesson
from members.models import Order, PaymentReversal
from tests.conftest import require_service
from tests.members.stripe_fakes import post_webhook, sign


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def _send(event):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, event)
        assert response.status_code == 200
        return response

    return _send


def _paid_course(home_page):
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page), access_level="paid", price_cents=4900)
    module = ModulePageFactory(parent=course, title="Module 1", slug="module-1")
    lesson = LessonPageFactory(parent=module, title="Lesson 1", slug="lesson-1")
    return course, lesson


def _checkout(fake_stripe, order):
    session = fake_stripe._create_checkout_session(
        {"mode": "payment", "client_reference_id": order.reference, "metadata": {"order_id": str(order.pk)}}
    )
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session["id"])
    return session


def _course_purchase(fake_stripe, home_page, user):
    from courses.services import course_order_create

    course, lesson = _paid_course(home_page)
    order = course_order_create(user=user, course=course)

    def no_access():
        return not can_view_lesson(user, lesson, course).allowed

    return order, no_access


def _workshop_purchase(fake_stripe, home_page, user):
    event = EventPageFactory(parent=EventIndexPageFactory(parent=home_page), price=49, capacity=5)
    registration = event_services.registration_create(event=event, purchaser=user)
    assert registration.status == Registration.Status.PENDING_PAYMENT

    def no_access():
        registration.refresh_from_db()
        return (
            registration.status == Registration.Status.CANCELLED
            and EventCapacity.objects.get(pk=event.pk).seats_taken == 0
        )

    return registration.order, no_access


PURCHASES = {"course": _course_purchase, "workshop": _workshop_purchase}
EVENTS = ["payment", "refund", "payment again"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PURCHASES)
@pytest.mark.parametrize("sequence", list(itertools.permutations(EVENTS)), ids="/".join)
def test_payment_and_refund_in_any_order_end_refunded_without_access(
    kind, sequence, fake_stripe, home_page, user, send
):
    order, no_access = PURCHASES[kind](fake_stripe, home_page, user)
    session = _checkout(fake_stripe, order)
    # What Stripe holds by the end: a paid session whose charge was refunded in full.
    fake_stripe.complete_checkout_session(session["id"])
    charge = fake_stripe.add_charge(payment_intent=session["payment_intent"], refunded=True)
    events = {
        "payment": fake_stripe.event("checkout.session.completed", session),
        "payment again": fake_stripe.event("checkout.session.async_payment_succeeded", session),
        "refund": fake_stripe.event("charge.refunded", charge),
    }
    for name in sequence:
        send(events[name])
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert no_access()


@pytest.mark.django_db
def test_refund_first_then_payment_lost_is_repaired_by_reconciliation(fake_stripe, home_page, user, send):
    order, no_access = _course_purchase(fake_stripe, home_page, user)
    session = _checkout(fake_stripe, order)
    fake_stripe.complete_checkout_session(session["id"])
    charge = fake_stripe.add_charge(payment_intent=session["payment_intent"], refunded=True)
    send(fake_stripe.event("charge.refunded", charge))
    assert PaymentReversal.objects.filter(payment_intent_id=session["payment_intent"]).exists()
    # checkout.session.completed never arrives; the nightly reconciliation reads Stripe's objects.
    assert member_services.orders_reconcile(hours=1) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and no_access()


@pytest.mark.django_db
def test_paid_order_whose_refund_webhook_was_lost_is_repaired_by_reconciliation(fake_stripe, home_page, user, send):
    order, no_access = _workshop_purchase(fake_stripe, home_page, user)
    session = _checkout(fake_stripe, order)
    fake_stripe.complete_checkout_session(session["id"])
    send(fake_stripe.event("checkout.session.completed", session))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    fake_stripe.add_charge(payment_intent=session["payment_intent"], refunded=True)  # refunded in the dashboard
    member_services.orders_reconcile(hours=1)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and no_access()
    assert member_services.orders_reconcile(hours=1) == 0  # repeat-safe


@pytest.mark.django_db
def test_a_dispute_before_the_payment_is_applied_when_it_arrives(fake_stripe, home_page, user, send):
    order, no_access = _course_purchase(fake_stripe, home_page, user)
    session = _checkout(fake_stripe, order)
    fake_stripe.complete_checkout_session(session["id"])
    dispute = {"id": "dp_test_1", "object": "dispute", "payment_intent": session["payment_intent"], "charge": "ch_x"}
    send(fake_stripe.event("charge.dispute.created", dispute))
    send(fake_stripe.event("checkout.session.completed", session))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and no_access()


# --- webhook bodies of every shape ---
@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        [],
        [{"id": "evt_1", "type": "charge.refunded"}],
        {},
        {"type": "charge.refunded"},
        {"id": "evt_2"},
        5,
        "text",
        {"id": 7, "type": "x"},
        {"id": "evt_3", "type": "charge.refunded", "data": []},
    ],
    ids=lambda b: json.dumps(b)[:30],
)
def test_signed_webhook_bodies_of_the_wrong_shape_get_400(client, body):
    payload = json.dumps(body)
    response = client.post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_test_secret"),
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_signed_event_whose_object_has_no_id_is_stored_and_ignored(client, django_capture_on_commit_callbacks):
    payload = json.dumps({"id": "evt_noobj", "type": "charge.refunded", "data": {"object": {"x": 1}}})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_test_secret"),
        )
    assert response.status_code == 200


# --- two Buy clicks at once ---
@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_buy_clicks_open_one_order(fake_stripe, home_page, make_user_for_buy):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("Runs on PostgreSQL (DATABASE_URL), as in CI.")
    course, _ = _paid_course(home_page)
    for _ in range(10):
        user = make_user_for_buy()
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def click(user=user, barrier=barrier, statuses=statuses):
            client = Client()
            client.force_login(user)
            try:
                barrier.wait(timeout=30)
                statuses.append(client.post(f"/courses/{course.pk}/buy/").status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert statuses == [302, 302]
        assert Order.objects.filter(user=user, page=course, status=Order.Status.PENDING).count() == 1


@pytest.fixture
def make_user_for_buy(db):
    from members.factories import UserFactory

    return UserFactory
