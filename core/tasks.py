"""Beat tasks of the outbox."""

from celery import shared_task


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Beat, every few seconds: publish owed work the request could not hand to the broker."""
    from .outbox import relay_due

    return relay_due()
