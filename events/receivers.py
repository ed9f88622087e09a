"""Receivers: payments from members.signals, and publishing from Wagtail."""

from __future__ import annotations

from members.models import Order


def _event_registrations(order):
    from .models import Registration

    if order.kind != Order.Kind.EVENT_SEATS:
        return []
    return list(Registration.objects.filter(order=order))


def on_order_paid(sender, order, **kwargs):
    from .services import registration_confirm_payment

    for registration in _event_registrations(order):
        registration_confirm_payment(registration=registration)


def on_order_expired_or_failed(sender, order, **kwargs):
    from .models import Registration
    from .services import registration_expire

    for registration in _event_registrations(order):
        if registration.status == Registration.Status.PENDING_PAYMENT:
            registration_expire(registration=registration, reason="The card payment did not go through.")


def on_order_refunded(sender, order, **kwargs):
    from .services import registration_cancel_for_refund

    for registration in _event_registrations(order):
        registration_cancel_for_refund(registration=registration)


def on_page_published(sender, instance, **kwargs):
    from .staff import event_published

    event_published(event=instance)
