"""Turn a Stripe event into our writes.

Handlers read the object's *current* state from Stripe (through members.payments)
instead of trusting the event's snapshot, so events may arrive late, twice or out
of order and the result is the same. Every write they call is idempotent.
"""

from __future__ import annotations

import logging

import stripe

from core.params import parse_id

from . import payments, services
from .models import Order, PaymentReversal

logger = logging.getLogger(__name__)

HANDLED_TYPES = (
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "charge.refunded",
    "charge.dispute.created",
    "payment_intent.canceled",
)


def _object(payload: dict) -> dict:
    data = payload.get("data") if isinstance(payload, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else {}


def _id(value) -> str:
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


def handle_event(event_type: str, payload: dict) -> None:
    handler = _HANDLERS.get(event_type)
    if handler is None:
        logger.debug("Stripe event %s is not one we act on", event_type)
        return
    snapshot = _object(payload)
    if not isinstance(snapshot.get("id"), str) or not snapshot["id"]:
        logger.warning("Stripe event %s carries no object id; nothing to do", event_type)
        return
    handler(event_type, snapshot)


# --- Checkout ---
def _order_for_session(session: dict) -> Order | None:
    metadata = session.get("metadata") or {}
    order = None
    if metadata.get("order_id"):
        order = Order.objects.filter(pk=metadata["order_id"]).first()
    if order is None and session.get("client_reference_id"):
        order = Order.objects.filter(reference=session["client_reference_id"]).first()
    if order is None:
        order = Order.objects.filter(stripe_checkout_session_id=session["id"]).first()
    return order


def _checkout_session(event_type: str, snapshot: dict) -> None:
    session = payments.retrieve_checkout_session(snapshot["id"])
    if session.get("mode") == "subscription":
        subscription_id = _id(session.get("subscription"))
        if subscription_id and session.get("status") == "complete":
            subscription = payments.retrieve_subscription(subscription_id)
            user_id = (session.get("metadata") or {}).get("user_id")
            services.membership_sync_from_subscription(
                subscription=subscription, user_id=user_id, checkout_session_id=session["id"]
            )
        return

    order = _order_for_session(session)
    if order is None:
        logger.warning("Checkout Session %s matches no order", session.get("id"))
        return
    if order.stripe_checkout_session_id != session["id"]:
        Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session["id"])
    if session.get("payment_status") in ("paid", "no_payment_required"):
        services.order_mark_paid(order=order, payment_intent_id=_id(session.get("payment_intent")))
    elif session.get("status") == "expired":
        services.order_mark_expired(order=order)
    elif event_type == "checkout.session.async_payment_failed":
        services.order_mark_failed(order=order)
    # Otherwise a delayed payment (e.g. bank debit) is still on its way: wait for the async events.


# --- Subscriptions and invoices ---
def _subscription(event_type: str, snapshot: dict) -> None:
    try:
        subscription = payments.retrieve_subscription(snapshot["id"])
    except stripe.InvalidRequestError:
        # A deleted subscription may be gone from a stand-in server; the event itself is then all we have.
        if event_type != "customer.subscription.deleted":
            raise
        subscription = {**snapshot, "status": "canceled"}
    services.membership_sync_from_subscription(subscription=subscription)


def invoice_subscription_id(invoice: dict) -> str:
    """Current API versions put it under parent.subscription_details; older ones at the top."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def _invoice(event_type: str, snapshot: dict) -> None:
    invoice = payments.retrieve_invoice(snapshot["id"])
    subscription_id = invoice_subscription_id(invoice)
    if not subscription_id:
        return
    subscription = payments.retrieve_subscription(subscription_id)
    membership = services.membership_sync_from_subscription(subscription=subscription)
    if (
        event_type == "invoice.payment_failed"
        and membership is not None
        and invoice.get("status") == "open"
        and subscription.get("status") in ("active", "past_due")
    ):
        services.membership_mark_payment_failed(subscription_id=subscription_id)


# --- Refunds ---
def _charge_refunded(event_type: str, snapshot: dict) -> None:
    charge = payments.retrieve_charge(snapshot["id"])
    if not charge.get("refunded"):
        # A partial refund leaves the purchase in place; staff handle those by hand.
        logger.info("Charge %s is only partly refunded", charge.get("id"))
        return
    payment_intent_id = _id(charge.get("payment_intent"))
    if payment_intent_id:
        # Applied now if the order is paid, or kept until its payment arrives (events come in any order).
        if services.payment_reversal_record(
            payment_intent_id=payment_intent_id, kind=PaymentReversal.Kind.REFUND, stripe_object_id=charge.get("id", "")
        ):
            return
    order_id = parse_id((charge.get("metadata") or {}).get("order_id"))
    order = Order.objects.filter(pk=order_id).first() if order_id else None
    if order is None:
        logger.info("Refunded charge %s matches no paid order yet; kept for when it does", charge.get("id"))
        return
    services.order_mark_refunded(order=order)


def _dispute_or_cancellation(event_type: str, snapshot: dict) -> None:
    """A dispute opened or a payment intent cancelled: the purchase is undone like a refund."""
    if event_type == "payment_intent.canceled":
        payment_intent_id, kind = snapshot.get("id", ""), PaymentReversal.Kind.CANCELLATION
    else:
        payment_intent_id, kind = _id(snapshot.get("payment_intent")), PaymentReversal.Kind.DISPUTE
        if not payment_intent_id and snapshot.get("charge"):
            payment_intent_id = _id(payments.retrieve_charge(_id(snapshot["charge"])).get("payment_intent"))
    if not isinstance(payment_intent_id, str) or not payment_intent_id:
        logger.warning("%s %s names no payment", event_type, snapshot.get("id"))
        return
    services.payment_reversal_record(
        payment_intent_id=payment_intent_id, kind=kind, stripe_object_id=snapshot.get("id", "")
    )


_HANDLERS = {
    "checkout.session.completed": _checkout_session,
    "checkout.session.expired": _checkout_session,
    "checkout.session.async_payment_succeeded": _checkout_session,
    "checkout.session.async_payment_failed": _checkout_session,
    "customer.subscription.created": _subscription,
    "customer.subscription.updated": _subscription,
    "customer.subscription.deleted": _subscription,
    "invoice.paid": _invoice,
    # localstripe (and older integrations) say payment_succeeded where Stripe now also says paid.
    "invoice.payment_succeeded": _invoice,
    "invoice.payment_failed": _invoice,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_or_cancellation,
    "payment_intent.canceled": _dispute_or_cancellation,
}
