"""The only module that calls the Stripe API.

Everything here uses the official SDK through one `StripeClient` built by
`get_client()`. Tests and local runs swap the transport, never our functions:
`set_http_client(...)` (or the `STRIPE_HTTP_CLIENT` setting, a dotted path to a
`stripe.HTTPClient` subclass) gives the SDK another transport, and
`STRIPE_API_BASE` points it at a stand-in server such as localstripe.

Fulfilment never happens here: it happens from verified webhooks
(`members.stripe_events`). The one exception is `refund_order`, which marks the
order refunded as soon as Stripe accepts the refund (see docs/members.md).
"""

from __future__ import annotations

import hashlib
import logging
import time

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SUCCESS_PATH_QUERY = "?session_id={CHECKOUT_SESSION_ID}"

_http_client: stripe.HTTPClient | None = None


class PaymentError(Exception):
    """Something we can explain to the buyer in plain words."""


def set_http_client(http_client: stripe.HTTPClient | None) -> None:
    """Give the SDK another transport (a fake in tests); None restores the setting / default."""
    global _http_client
    _http_client = http_client


def _configured_http_client() -> stripe.HTTPClient | None:
    if _http_client is not None:
        return _http_client
    dotted = getattr(settings, "STRIPE_HTTP_CLIENT", "")
    if dotted:
        return import_string(dotted)()
    return None


def get_client() -> stripe.StripeClient:
    """A StripeClient with our key, transport and (optionally) API base."""
    kwargs: dict = {"max_network_retries": 2}
    http_client = _configured_http_client()
    if http_client is not None:
        kwargs["http_client"] = http_client
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_unset", **kwargs)


def _key(*parts) -> str:
    """An idempotency key that is the same for the same logical request."""
    raw = ":".join(str(p) for p in parts)
    return f"aln-{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def _success_url(request) -> str:
    return request.build_absolute_uri(reverse("members:billing_success")) + SUCCESS_PATH_QUERY


def _customer_id_for(user) -> str:
    """The Stripe customer we already know for this user, if any."""
    from .models import Membership

    return (
        Membership.objects.filter(user=user)
        .exclude(stripe_customer_id="")
        .order_by("-created")
        .values_list("stripe_customer_id", flat=True)
        .first()
        or ""
    )


def _customer_params(user) -> dict:
    customer_id = _customer_id_for(user)
    return {"customer": customer_id} if customer_id else {"customer_email": user.email}


# --- one-time purchases ---
def start_checkout(*, request, order) -> str:
    """Create (or reuse) a Checkout Session in payment mode for a pending order; returns its URL."""
    from .models import Order

    if order.status != Order.Status.PENDING:
        raise PaymentError("This order is no longer waiting for payment.")
    client = get_client()
    previous = order.stripe_checkout_session_id
    if previous:
        # A second click on "Pay" should land on the same open session.
        session = client.v1.checkout.sessions.retrieve(previous)
        if session.status == "open" and session.url:
            return session.url

    if order.page_id:
        cancel_url = request.build_absolute_uri(order.page.url or "/")
    else:
        cancel_url = request.build_absolute_uri(request.get_full_path())
    metadata = {"order_id": str(order.pk), "order_reference": order.reference, "kind": order.kind}
    unit_amount = order.amount_cents // max(order.quantity, 1)
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": order.currency,
                    "unit_amount": unit_amount,
                    "product_data": {"name": order.description},
                },
                "quantity": order.quantity,
            }
        ],
        "client_reference_id": order.reference,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": _success_url(request),
        "cancel_url": cancel_url,
    }
    if order.user_id:
        params.update(_customer_params(order.user))
    session = client.v1.checkout.sessions.create(
        params=params,
        options={"idempotency_key": _key("checkout", order.reference, previous or "first")},
    )
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session.id)
    order.stripe_checkout_session_id = session.id
    return session.url


# --- memberships ---
def start_subscription_checkout(*, request, user, plan) -> str:
    """Create a Checkout Session in subscription mode for a membership plan; returns its URL."""
    if not plan.stripe_price_id:
        raise PaymentError("Online sign-up is not open for this plan yet.")
    metadata = {"kind": "membership", "user_id": str(user.pk), "plan_id": str(plan.pk)}
    params = {
        "mode": "subscription",
        "line_items": [{"price": plan.stripe_price_id, "quantity": 1}],
        "client_reference_id": f"user-{user.pk}",
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "success_url": _success_url(request),
        "cancel_url": request.build_absolute_uri(reverse("members:join")),
        **_customer_params(user),
    }
    # The key changes every ten minutes: a double click reuses a session, a later retry gets a new one.
    window = int(time.time() // 600)
    session = get_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": _key("subscribe", user.pk, plan.pk, window)}
    )
    return session.url


def billing_portal_url(*, request, user) -> str:
    """A Stripe Customer Portal session where the member manages card, plan and cancellation."""
    customer_id = _customer_id_for(user)
    if not customer_id:
        raise PaymentError("We have no billing account for you yet.")
    session = get_client().v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": request.build_absolute_uri(reverse("members:dashboard"))}
    )
    return session.url


def cancel_subscription_at_period_end(*, membership):
    """Our own fallback to the portal: stop renewing, keep access until the period ends."""
    from .services import membership_sync_from_subscription

    if not membership.stripe_subscription_id:
        raise PaymentError("This membership is not billed through Stripe.")
    subscription = get_client().v1.subscriptions.update(
        membership.stripe_subscription_id,
        params={"cancel_at_period_end": True},
        options={"idempotency_key": _key("cancel-at-period-end", membership.stripe_subscription_id)},
    )
    return membership_sync_from_subscription(subscription=subscription.to_dict(for_json=True))


def refund_order(*, order, reason: str = "requested_by_customer"):
    """Refund a paid order in full and mark it refunded as soon as Stripe accepts the refund.

    The `charge.refunded` webhook then finds the order already refunded and does nothing;
    refunds made in the Stripe dashboard reach us through that webhook instead.
    """
    from .models import Order
    from .services import order_mark_refunded

    if order.status == Order.Status.REFUNDED:
        return order
    if order.status != Order.Status.PAID or not order.stripe_payment_intent_id:
        raise PaymentError("Only a paid card order can be refunded.")
    refund = get_client().v1.refunds.create(
        params={
            "payment_intent": order.stripe_payment_intent_id,
            "reason": reason,
            "metadata": {"order_id": str(order.pk), "order_reference": order.reference},
        },
        options={"idempotency_key": _key("refund", order.reference)},
    )
    if refund.status in ("succeeded", "pending"):
        order_mark_refunded(order=order)
    else:
        logger.warning("Refund %s for order %s is %s", refund.id, order.reference, refund.status)
    order.refresh_from_db()
    return order


# --- reads used by webhook processing (current state, never the event's snapshot) ---
def retrieve_checkout_session(session_id: str) -> dict:
    return get_client().v1.checkout.sessions.retrieve(session_id).to_dict(for_json=True)


def retrieve_subscription(subscription_id: str) -> dict:
    return get_client().v1.subscriptions.retrieve(subscription_id).to_dict(for_json=True)


def retrieve_invoice(invoice_id: str) -> dict:
    return get_client().v1.invoices.retrieve(invoice_id).to_dict(for_json=True)


def retrieve_charge(charge_id: str) -> dict:
    return get_client().v1.charges.retrieve(charge_id).to_dict(for_json=True)


def list_charges(payment_intent_id: str) -> list[dict]:
    """The charges of one payment, as Stripe holds them now (refunded, disputed)."""
    page = get_client().v1.charges.list(params={"payment_intent": payment_intent_id, "limit": 10})
    return [c.to_dict(for_json=True) for c in page.data]


def list_recent_events(*, since_timestamp: int) -> list[dict]:
    """Every event Stripe created since the timestamp, oldest first (for reconciliation)."""
    client = get_client()
    page = client.v1.events.list(params={"created": {"gte": since_timestamp}, "limit": 100})
    events = [e.to_dict(for_json=True) for e in page.auto_paging_iter()]
    return sorted(events, key=lambda e: e.get("created", 0))
