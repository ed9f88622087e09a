"""Thin Celery tasks for Stripe events and reconciliation."""

from celery import shared_task

from core.locks import single_instance
from core.outbox import DURABLE_TASK_OPTIONS


# Any error retries: an event can arrive before the one it follows (its handler fails until then).
@shared_task(**{**DURABLE_TASK_OPTIONS, "autoretry_for": (Exception,)})
def process_stripe_event(self, stripe_event_id: int) -> None:
    from .models import StripeEvent
    from .services import stripe_event_process

    stripe_event = StripeEvent.objects.filter(pk=stripe_event_id).first()
    if stripe_event is not None:
        stripe_event_process(stripe_event=stripe_event)


@shared_task
@single_instance
def reconcile_stripe_events(hours: int | None = None) -> int:
    """Catch webhooks Stripe could not deliver: store and process recent events we never saw."""
    from .services import orders_reconcile, stripe_events_reconcile

    caught = stripe_events_reconcile(hours=hours)
    # Then compare every recent order with Stripe's current objects, whatever the events said.
    orders_reconcile(hours=hours)
    return caught


@shared_task(**DURABLE_TASK_OPTIONS)
def process_invitation_import(self, job_id: int) -> None:
    """Invite the rows of a leader's CSV in batches; safe to run again (it resumes, never re-sends)."""
    from .services import invitation_import_process

    invitation_import_process(job_id=job_id)
