"""The subscription lifecycle against localstripe, a stateful fake Stripe server, with its real signed webhooks.

localstripe runs in a subprocess bound to 127.0.0.1 (its own command binds every
interface). It has no Checkout or Prices, so the subscription is created on a
plan with the SDK through our `get_client()`; everything after that is our code:
the webhook endpoint, the Celery task, the handlers that fetch the current
subscription, and the access service.
"""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from members import payments
from members.access import entitlements_for
from members.factories import MembershipPlanFactory, UserFactory
from members.models import Membership, StripeEvent

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERVER = (
    "import logging, sys; from aiohttp import web; from localstripe.server import app; "
    "logging.basicConfig(level=logging.WARNING); "
    "web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"localstripe did not start on port {port}")


@pytest.fixture
def localstripe():
    pytest.importorskip("localstripe")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        urllib.request.urlopen(urllib.request.Request(f"{base}/_config/data", method="DELETE"), timeout=5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _register_webhook(base: str, url: str, secret: str) -> None:
    from urllib.parse import urlencode

    data = urlencode({"url": url, "secret": secret}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{base}/_config/webhooks/aln", data=data, method="POST"), timeout=5)


def _poll(check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError("timed out waiting for webhooks")


def test_subscription_lifecycle_with_real_webhooks(localstripe, live_server, settings):
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_localstripe_secret"
    payments.set_http_client(None)
    _register_webhook(localstripe, f"{live_server.url}/stripe/webhook/", settings.STRIPE_WEBHOOK_SECRET)

    user = UserFactory(email="subscriber@example.org")
    plan = MembershipPlanFactory(stripe_price_id="plan_member_yearly", amount_cents=9900)
    client = payments.get_client()
    client.v1.plans.create(
        params={
            "id": plan.stripe_price_id,
            "amount": plan.amount_cents,
            "currency": "usd",
            "interval": "year",
            "product": {"name": plan.name},
        }
    )
    token = client.v1.tokens.create(
        params={"card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"}}
    )
    customer = client.v1.customers.create(params={"email": user.email, "source": token.id})
    subscription = client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"plan": plan.stripe_price_id}],
            "metadata": {"user_id": str(user.pk), "plan_id": str(plan.pk)},
        },
        options={"idempotency_key": f"it-{user.pk}"},
    )

    membership = _poll(
        lambda: Membership.objects.filter(
            stripe_subscription_id=subscription.id, status=Membership.Status.ACTIVE
        ).first()
    )
    assert membership.user == user
    assert membership.plan == plan
    assert membership.stripe_customer_id == customer.id
    assert membership.current_period_end and membership.current_period_end.timestamp() > time.time() + 300 * 86400
    assert entitlements_for(type(user).objects.get(pk=user.pk)).is_member
    assert StripeEvent.objects.filter(type="customer.subscription.created", processed_at__isnull=False).exists()

    # Our fallback cancel keeps access to the end of the period.
    membership = payments.cancel_subscription_at_period_end(membership=membership)
    assert membership.cancel_at_period_end and membership.grants_access()

    # Cancelling now (as the period ending would): the deleted webhook takes access away.
    client.v1.subscriptions.cancel(subscription.id)
    membership = _poll(lambda: Membership.objects.filter(pk=membership.pk, status=Membership.Status.CANCELED).first())
    assert not membership.grants_access()
    assert not entitlements_for(type(user).objects.get(pk=user.pk)).is_member
    assert StripeEvent.objects.filter(type="customer.subscription.deleted", processed_at__isnull=False).exists()
    assert list(StripeEvent.objects.exclude(error="").values_list("type", "error")) == []
