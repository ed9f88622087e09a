"""What our code really sends to Stripe, through the real SDK and a fake transport."""

import pytest
from django.test import RequestFactory

from members import payments
from members.factories import MembershipFactory, MembershipPlanFactory, OrderFactory
from members.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rf_request(user):
    request = RequestFactory().post("/courses/fractions/buy/", HTTP_HOST="testserver")
    request.user = user
    return request


def test_checkout_session_for_an_order(fake_stripe, rf_request, user, home_page):
    order = OrderFactory(
        user=user,
        page=home_page,
        description="Fractions on the number line",
        amount_cents=14700,
        quantity=3,
        kind=Order.Kind.EVENT_SEATS,
    )

    url = payments.start_checkout(request=rf_request, order=order)

    sent = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert url.startswith("https://checkout.stripe.com/")
    assert sent.params["mode"] == "payment"
    assert sent.params["line_items"] == [
        {
            "price_data": {
                "currency": "usd",
                "unit_amount": "4900",
                "product_data": {"name": "Fractions on the number line"},
            },
            "quantity": "3",
        }
    ]
    assert sent.params["client_reference_id"] == order.reference
    assert sent.params["metadata"] == {
        "order_id": str(order.pk),
        "order_reference": order.reference,
        "kind": "event_seats",
    }
    assert sent.params["customer_email"] == user.email
    assert sent.params["success_url"] == "http://testserver/billing/success/?session_id={CHECKOUT_SESSION_ID}"
    assert sent.params["cancel_url"] == "http://testserver" + home_page.url
    assert sent.idempotency_key and sent.idempotency_key.startswith("aln-")
    order.refresh_from_db()
    assert order.stripe_checkout_session_id == fake_stripe.objects[order.stripe_checkout_session_id]["id"]


def test_second_click_reuses_the_open_session(fake_stripe, rf_request, user, home_page):
    order = OrderFactory(user=user, page=home_page)
    first = payments.start_checkout(request=rf_request, order=order)
    second = payments.start_checkout(request=rf_request, order=order)
    assert first == second
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


def test_expired_session_gets_a_new_one_with_a_new_key(fake_stripe, rf_request, user, home_page):
    order = OrderFactory(user=user, page=home_page)
    payments.start_checkout(request=rf_request, order=order)
    fake_stripe.objects[order.stripe_checkout_session_id]["status"] = "expired"
    payments.start_checkout(request=rf_request, order=order)
    keys = [r.idempotency_key for r in fake_stripe.calls("POST", "/v1/checkout/sessions")]
    assert len(keys) == 2 and keys[0] != keys[1]


def test_paid_order_cannot_start_checkout(fake_stripe, rf_request, user):
    order = OrderFactory(user=user, status=Order.Status.PAID)
    with pytest.raises(payments.PaymentError):
        payments.start_checkout(request=rf_request, order=order)
    assert fake_stripe.requests == []


def test_known_customer_is_reused(fake_stripe, rf_request, user, home_page):
    MembershipFactory(user=user, stripe_customer_id="cus_known", status="canceled")
    order = OrderFactory(user=user, page=home_page)
    payments.start_checkout(request=rf_request, order=order)
    sent = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert sent.params["customer"] == "cus_known"
    assert "customer_email" not in sent.params


def test_subscription_checkout(fake_stripe, rf_request, user):
    plan = MembershipPlanFactory(stripe_price_id="price_yearly")
    url = payments.start_subscription_checkout(request=rf_request, user=user, plan=plan)
    sent = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert url.startswith("https://checkout.stripe.com/")
    assert sent.params["mode"] == "subscription"
    assert sent.params["line_items"] == [{"price": "price_yearly", "quantity": "1"}]
    assert sent.params["subscription_data"]["metadata"] == {
        "kind": "membership",
        "user_id": str(user.pk),
        "plan_id": str(plan.pk),
    }
    assert sent.params["cancel_url"] == "http://testserver/membership/"
    assert sent.idempotency_key


def test_billing_portal(fake_stripe, rf_request, user):
    MembershipFactory(user=user, stripe_customer_id="cus_portal")
    url = payments.billing_portal_url(request=rf_request, user=user)
    sent = fake_stripe.last("POST", "/v1/billing_portal/sessions")
    assert url.startswith("https://billing.stripe.com/")
    assert sent.params == {"customer": "cus_portal", "return_url": "http://testserver/my-learning/"}


def test_billing_portal_without_customer_says_so(fake_stripe, rf_request, user):
    with pytest.raises(payments.PaymentError):
        payments.billing_portal_url(request=rf_request, user=user)


def test_cancel_at_period_end_fallback(fake_stripe, user):
    sub = fake_stripe.add_subscription(price_id="price_x", metadata={"user_id": str(user.pk)})
    membership = MembershipFactory(user=user, stripe_subscription_id=sub["id"])
    updated = payments.cancel_subscription_at_period_end(membership=membership)
    sent = fake_stripe.last("POST", f"/v1/subscriptions/{sub['id']}")
    assert sent.params == {"cancel_at_period_end": "true"}
    assert sent.idempotency_key
    assert updated.cancel_at_period_end is True
    assert updated.grants_access()  # still a member until the period ends


def test_refund_order_marks_it_refunded_once(fake_stripe, user, home_page):
    from members.signals import order_refunded

    received = []
    order_refunded.connect(lambda sender, order, **kw: received.append(order.pk), weak=False, dispatch_uid="t-refund")
    try:
        order = OrderFactory(user=user, page=home_page, status=Order.Status.PAID, stripe_payment_intent_id="pi_123")
        payments.refund_order(order=order)
        payments.refund_order(order=order)
    finally:
        order_refunded.disconnect(dispatch_uid="t-refund")
    sent = fake_stripe.last("POST", "/v1/refunds")
    assert sent.params["payment_intent"] == "pi_123"
    assert sent.params["reason"] == "requested_by_customer"
    assert sent.idempotency_key
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert received == [order.pk]
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1


def test_refund_of_unpaid_order_is_refused(fake_stripe, user):
    order = OrderFactory(user=user)
    with pytest.raises(payments.PaymentError):
        payments.refund_order(order=order)


def test_api_base_setting_points_the_sdk_elsewhere(settings, fake_stripe):
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    customer = fake_stripe.add_customer(email="x@example.org")
    payments.get_client().v1.customers.retrieve(customer["id"])
    assert fake_stripe.requests[-1].url == f"http://127.0.0.1:8420/v1/customers/{customer['id']}"


def test_http_client_setting(settings):
    settings.STRIPE_HTTP_CLIENT = "tests.members.stripe_fakes.FakeStripeHTTPClient"
    client = payments.get_client()
    with pytest.raises(Exception) as excinfo:
        client.v1.customers.retrieve("cus_nothing")
    assert "No such object" in str(excinfo.value)
