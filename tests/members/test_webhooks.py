"""Signed webhooks through the real endpoint: verification, storage once, idempotent processing."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from members.access import entitlements_for
from members.factories import MembershipFactory, MembershipPlanFactory, OrderFactory
from members.models import Membership, Order, StripeEvent
from members.signals import order_paid, order_refunded
from tests.members.stripe_fakes import post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a signed event and run what the view enqueued after commit (the Celery task, eager)."""

    def _send(event, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post_webhook(client, event, **kwargs)

    return _send


@pytest.fixture
def fulfilments():
    """Count what the selling apps would do on each order signal."""
    seen = {"paid": [], "refunded": []}

    def on_paid(sender, order, **kwargs):
        seen["paid"].append(order.pk)

    def on_refunded(sender, order, **kwargs):
        seen["refunded"].append(order.pk)

    order_paid.connect(on_paid, dispatch_uid="test-paid")
    order_refunded.connect(on_refunded, dispatch_uid="test-refunded")
    yield seen
    order_paid.disconnect(dispatch_uid="test-paid")
    order_refunded.disconnect(dispatch_uid="test-refunded")


@pytest.fixture
def pending_order(fake_stripe, user, home_page):
    order = OrderFactory(user=user, page=home_page, description="Number talks", amount_cents=4900)
    session = fake_stripe._create_checkout_session(
        {"mode": "payment", "client_reference_id": order.reference, "metadata": {"order_id": str(order.pk)}}
    )
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session["id"])
    order.refresh_from_db()
    return order, session


# --- signature checks ---
def test_valid_signature_is_stored_and_processed(send, fake_stripe, pending_order, fulfilments):
    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"])
    event = fake_stripe.event("checkout.session.completed", session)
    response = send(event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.type == "checkout.session.completed" and stored.processed_at is not None
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.stripe_payment_intent_id.startswith("pi_")
    assert fulfilments["paid"] == [order.pk]


def test_tampered_payload_is_rejected(send, fake_stripe, pending_order):
    _, session = pending_order
    response = send(fake_stripe.event("checkout.session.completed", session), tamper=True)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_wrong_secret_is_rejected(send, fake_stripe, pending_order):
    _, session = pending_order
    response = send(fake_stripe.event("checkout.session.completed", session), secret="whsec_other")
    assert response.status_code == 400


def test_too_old_is_rejected(send, fake_stripe, pending_order):
    _, session = pending_order
    event = fake_stripe.event("checkout.session.completed", session)
    response = send(event, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_missing_signature_is_rejected(client):
    response = client.post("/stripe/webhook/", data="{}", content_type="application/json")
    assert response.status_code == 400


def test_get_is_not_allowed(client):
    assert client.get("/stripe/webhook/").status_code == 405


def test_replayed_three_times_fulfils_once(send, fake_stripe, pending_order, fulfilments):
    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"])
    event = fake_stripe.event("checkout.session.completed", session)
    answers = [send(event) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert fulfilments["paid"] == [order.pk]


def test_same_fact_in_two_events_fulfils_once(send, fake_stripe, pending_order, fulfilments):
    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"])
    send(fake_stripe.event("checkout.session.completed", session))
    send(fake_stripe.event("checkout.session.async_payment_succeeded", session))
    assert fulfilments["paid"] == [order.pk]


# --- checkout events ---
def test_completed_but_not_yet_paid_waits(send, fake_stripe, pending_order, fulfilments):
    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"], payment_status="unpaid")
    send(fake_stripe.event("checkout.session.completed", session))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    fake_stripe.objects[session["id"]]["payment_status"] = "paid"
    send(fake_stripe.event("checkout.session.async_payment_succeeded", session))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_async_payment_failed(send, fake_stripe, pending_order):
    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"], payment_status="unpaid")
    send(fake_stripe.event("checkout.session.async_payment_failed", session))
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED


def test_expired(send, fake_stripe, pending_order):
    order, session = pending_order
    fake_stripe.objects[session["id"]]["status"] = "expired"
    send(fake_stripe.event("checkout.session.expired", session))
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


def test_out_of_order_expired_after_paid_changes_nothing(send, fake_stripe, pending_order, fulfilments):
    """Stripe's current state wins over the order events arrive in."""
    order, session = pending_order
    stale_expired = fake_stripe.event("checkout.session.expired", {**session, "status": "expired"})
    fake_stripe.complete_checkout_session(session["id"])
    send(fake_stripe.event("checkout.session.completed", session))
    send(stale_expired)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert fulfilments["paid"] == [order.pk]


def test_subscription_checkout_creates_membership(send, fake_stripe, user):
    plan = MembershipPlanFactory(stripe_price_id="price_year")
    sub = fake_stripe.add_subscription(price_id="price_year", metadata={"user_id": str(user.pk)})
    session = fake_stripe._create_checkout_session({"mode": "subscription", "metadata": {"user_id": str(user.pk)}})
    fake_stripe.complete_checkout_session(session["id"], subscription=sub["id"], customer=sub["customer"])
    send(fake_stripe.event("checkout.session.completed", session))
    membership = Membership.objects.get(user=user)
    assert membership.plan == plan
    assert membership.status == Membership.Status.ACTIVE
    assert membership.stripe_customer_id == sub["customer"]
    assert membership.stripe_checkout_session_id == session["id"]
    assert membership.current_period_end.timestamp() == sub["items"]["data"][0]["current_period_end"]
    assert entitlements_for(user).is_member


# --- subscription events ---
def test_subscription_created_updated_deleted(send, fake_stripe, user):
    sub = fake_stripe.add_subscription(metadata={"user_id": str(user.pk)})
    send(fake_stripe.event("customer.subscription.created", sub))
    membership = Membership.objects.get(stripe_subscription_id=sub["id"])
    assert membership.grants_access()

    sub["cancel_at_period_end"] = True
    send(fake_stripe.event("customer.subscription.updated", sub))
    membership.refresh_from_db()
    assert membership.cancel_at_period_end and membership.grants_access()

    sub.update(status="canceled", ended_at=int(time.time()), canceled_at=int(time.time()))
    send(fake_stripe.event("customer.subscription.deleted", sub))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CANCELED
    assert not membership.grants_access()


def test_out_of_order_subscription_events(send, fake_stripe, user):
    """A late 'created' (status incomplete in its snapshot) must not undo a later cancellation."""
    sub = fake_stripe.add_subscription(metadata={"user_id": str(user.pk)}, status="incomplete")
    stale_created = fake_stripe.event("customer.subscription.created", sub)
    sub.update(status="canceled", ended_at=int(time.time()))
    send(fake_stripe.event("customer.subscription.deleted", sub))
    send(stale_created)
    membership = Membership.objects.get(stripe_subscription_id=sub["id"])
    assert membership.status == Membership.Status.CANCELED


def test_deleted_subscription_gone_from_stripe_uses_the_event(send, fake_stripe, user):
    membership = MembershipFactory(user=user, stripe_subscription_id="sub_vanished")
    snapshot = {
        "id": "sub_vanished",
        "object": "subscription",
        "customer": "cus_x",
        "status": "active",
        "items": {"data": []},
    }
    send(fake_stripe.event("customer.subscription.deleted", snapshot))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CANCELED


# --- invoices ---
def test_invoice_payment_failed_starts_grace_then_paid_restores(send, fake_stripe, user, settings):
    sub = fake_stripe.add_subscription(metadata={"user_id": str(user.pk)})
    send(fake_stripe.event("customer.subscription.created", sub))
    invoice = fake_stripe.add_invoice(subscription=sub["id"], status="open")
    sub["status"] = "past_due"
    send(fake_stripe.event("invoice.payment_failed", invoice))
    membership = Membership.objects.get(stripe_subscription_id=sub["id"])
    assert membership.status == Membership.Status.PAST_DUE
    assert membership.past_due_since is not None
    assert membership.grants_access()  # inside the grace period
    later = membership.past_due_since + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS, minutes=1)
    assert not membership.grants_access(now=later)

    invoice["status"] = "paid"
    sub["status"] = "active"
    send(fake_stripe.event("invoice.paid", invoice))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.past_due_since is None


def test_payment_failed_arriving_after_paid_is_ignored(send, fake_stripe, user):
    sub = fake_stripe.add_subscription(metadata={"user_id": str(user.pk)})
    invoice = fake_stripe.add_invoice(subscription=sub["id"], status="open")
    stale_failed = fake_stripe.event("invoice.payment_failed", invoice)
    invoice["status"] = "paid"
    send(fake_stripe.event("invoice.paid", invoice))
    send(stale_failed)
    membership = Membership.objects.get(stripe_subscription_id=sub["id"])
    assert membership.status == Membership.Status.ACTIVE and membership.past_due_since is None


def test_invoice_paid_renewal_extends_period(send, fake_stripe, user):
    old_end = int(time.time()) + 60
    sub = fake_stripe.add_subscription(metadata={"user_id": str(user.pk)}, period_end=old_end)
    send(fake_stripe.event("customer.subscription.created", sub))
    sub["items"]["data"][0]["current_period_end"] = old_end + 365 * 86400
    send(fake_stripe.event("invoice.paid", fake_stripe.add_invoice(subscription=sub["id"])))
    membership = Membership.objects.get(stripe_subscription_id=sub["id"])
    assert membership.current_period_end.timestamp() == old_end + 365 * 86400


# --- refunds ---
def test_charge_refunded_marks_order_refunded_and_removes_access(send, fake_stripe, user, home_page, fulfilments):
    order = OrderFactory(user=user, page=home_page, status=Order.Status.PAID, stripe_payment_intent_id="pi_abc")
    assert home_page.pk in entitlements_for(user).purchased_page_ids
    charge = fake_stripe.add_charge(payment_intent="pi_abc")
    for _ in range(2):
        send(fake_stripe.event("charge.refunded", charge))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert fulfilments["refunded"] == [order.pk]
    user = type(user).objects.get(pk=user.pk)
    assert home_page.pk not in entitlements_for(user).purchased_page_ids


def test_partial_refund_keeps_the_purchase(send, fake_stripe, user, home_page):
    order = OrderFactory(user=user, page=home_page, status=Order.Status.PAID, stripe_payment_intent_id="pi_part")
    send(fake_stripe.event("charge.refunded", fake_stripe.add_charge(payment_intent="pi_part", refunded=False)))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


# --- failures and reconciliation ---
def test_processing_error_is_recorded_and_the_webhook_still_answers(send, fake_stripe, pending_order):
    _, session = pending_order
    fake_stripe.fail_with = 500
    event = fake_stripe.event("checkout.session.completed", session)
    response = send(event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is None and stored.error


def test_reconcile_catches_a_missed_event(fake_stripe, pending_order, fulfilments, django_capture_on_commit_callbacks):
    from members.tasks import reconcile_stripe_events

    order, session = pending_order
    fake_stripe.complete_checkout_session(session["id"])
    event = fake_stripe.event("checkout.session.completed", session)  # never delivered
    fake_stripe.event("customer.created", {"id": "cus_ignored", "object": "customer"})
    with django_capture_on_commit_callbacks(execute=True):
        caught = reconcile_stripe_events.delay().get()
    assert caught == 1
    assert StripeEvent.objects.get(event_id=event["id"]).processed_at is not None
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert reconcile_stripe_events.delay().get() == 0
    assert fulfilments["paid"] == [order.pk]
    since = fake_stripe.last("GET", "/v1/events").params["created"]["gte"]
    assert int(since) <= int((timezone.now() - timedelta(hours=47)).timestamp())


def test_unknown_subscription_owner_is_ignored(send, fake_stripe):
    sub = fake_stripe.add_subscription()
    response = send(fake_stripe.event("customer.subscription.created", sub))
    assert response.status_code == 200
    assert not Membership.objects.exists()
