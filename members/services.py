"""Writes for accounts, memberships and orders."""

from django.db import transaction
from django.utils import timezone

from . import signals
from .access import refresh_entitlements
from .models import Order, User


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    for field in ("first_name", "last_name", "role", "school", "district"):
        setattr(user, field, data.get(field, ""))
    user.grades_taught = data.get("grades_taught", [])
    user.save()
    return user


@transaction.atomic
def order_create(
    *, user: User, kind: str, page, description: str, amount_cents: int, quantity: int = 1, metadata: dict | None = None
) -> Order:
    """Record what is being bought before sending the buyer to Stripe Checkout."""
    from django.conf import settings

    return Order.objects.create(
        user=user,
        kind=kind,
        page=page,
        description=description[:255],
        amount_cents=amount_cents,
        quantity=quantity,
        currency=settings.CURRENCY,
        metadata=metadata or {},
    )


def _transition(order_id: int, *, allowed_from: set[str], to: str, signal, **fields) -> Order | None:
    """Move an order to a new status once; repeating the call is a no-op (webhooks repeat)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == to or order.status not in allowed_from:
            return None
        order.status = to
        for name, value in fields.items():
            setattr(order, name, value)
        order.save()
        signal.send(sender=Order, order=order)
    if order.user_id:
        refresh_entitlements(order.user)
    return order


def order_mark_paid(*, order: Order, payment_intent_id: str = "") -> Order | None:
    fields = {"paid_at": timezone.now()}
    if payment_intent_id:
        fields["stripe_payment_intent_id"] = payment_intent_id
    return _transition(
        order.pk,
        allowed_from={Order.Status.PENDING, Order.Status.FAILED, Order.Status.EXPIRED},
        to=Order.Status.PAID,
        signal=signals.order_paid,
        **fields,
    )


def order_mark_refunded(*, order: Order) -> Order | None:
    return _transition(
        order.pk,
        allowed_from={Order.Status.PAID},
        to=Order.Status.REFUNDED,
        signal=signals.order_refunded,
        refunded_at=timezone.now(),
    )


def order_mark_failed(*, order: Order) -> Order | None:
    return _transition(
        order.pk, allowed_from={Order.Status.PENDING}, to=Order.Status.FAILED, signal=signals.order_failed
    )


def order_mark_expired(*, order: Order) -> Order | None:
    return _transition(
        order.pk,
        allowed_from={Order.Status.PENDING, Order.Status.FAILED},
        to=Order.Status.EXPIRED,
        signal=signals.order_expired,
    )
