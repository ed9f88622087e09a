"""Thin Celery tasks for workshops: load by id, call a service."""

from celery import shared_task

from core.locks import single_instance
from core.outbox import DURABLE_TASK_OPTIONS
from members import payments
from members.models import Order


@shared_task
@single_instance
def expire_payment_holds() -> int:
    """Beat, every minute: release seats of unpaid card checkouts and unpaid invoices past their hold."""
    from .services import holds_expire_due

    return holds_expire_due()


@shared_task
@single_instance
def send_event_reminders() -> int:
    """Beat, every 15 minutes: the 7-day and 1-day reminders, each sent once per attendee."""
    from .reminders import reminders_send_due

    return reminders_send_due()


@shared_task(**DURABLE_TASK_OPTIONS)
def refund_registration_order(self, order_id: int) -> str:
    """Refund a card order whose seats could not be kept (workshop cancelled, or paid after the hold)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status != Order.Status.PAID:
        return "nothing to refund"
    payments.refund_order(order=order)
    return "refunded"
