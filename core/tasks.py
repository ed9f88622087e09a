"""The outbox relay (beat) and the one e-mail sender every app's mail goes through."""

from celery import shared_task

from .outbox import DURABLE_TASK_OPTIONS


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Beat, every few seconds: publish owed work the request could not hand to the broker."""
    from .outbox import relay_due

    return relay_due()


# Named as before the move: owed outbox rows and queued messages carry this name.
@shared_task(name="home.tasks.send_email", **DURABLE_TASK_OPTIONS)
def send_email(self, payload: dict, email_key: str = "") -> int:
    """Send once: the SentEmail row (unique per purpose and recipient) commits with the send, so a
    redelivered task finds it and sends nothing, and a concurrent copy waits on the row, then skips."""
    from django.db import IntegrityError, transaction

    from .email import payload_to_message
    from .models import SentEmail

    key = email_key or self.request.id or ""
    recipient = ",".join(payload["to"])[:254]
    if key and SentEmail.objects.filter(key=key, recipient=recipient).exists():
        return 0
    try:
        with transaction.atomic():
            if key:
                SentEmail.objects.create(key=key[:255], recipient=recipient, subject=payload["subject"][:255])
            return payload_to_message(payload).send()
    except IntegrityError:
        return 0
