"""The transactional outbox: background work a change owes is a row committed with that change.

`enqueue()` writes an OutboxMessage in the caller's transaction and, after the commit, tries to
publish it once with no retry loop. If the broker is down the request still succeeds: the relay
(`relay_due()`, run by Celery beat every few seconds and by `manage.py relay_outbox`) publishes the
row later. The task's success marks the row done, matched by its task id `outbox-<pk>`. Tasks are
named by string, so this module imports no project app. Tasks must be idempotent: a row can be
published more than once (a stale row is re-published; Redis redelivers after a lost worker).
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError as DatabaseOperationalError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"


def _transient_errors() -> tuple[type[BaseException], ...]:
    """Errors worth a retry with backoff: the mail server, the broker, the database or Stripe hiccupped."""
    from kombu.exceptions import OperationalError as BrokerOperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    errors: list[type[BaseException]] = [
        OSError,  # sockets, timeouts, connection refused, and the file e-mail backend
        smtplib.SMTPException,
        BrokerOperationalError,
        RedisConnectionError,
        RedisTimeoutError,
        DatabaseOperationalError,
    ]
    try:
        import stripe

        errors += [stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError]
    except ImportError:  # pragma: no cover - stripe is a dependency of the project
        pass
    return tuple(errors)


TRANSIENT_ERRORS = _transient_errors()
# Options for every task that does an owed effect: see docs/reliability.md.
DURABLE_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}

# After a failed publish, requests skip the broker for a few seconds instead of each waiting on it.
_broker_down_until = 0.0


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def enqueue(task: str, *args, key: str = "", robust: bool = False, **kwargs) -> OutboxMessage:
    """Owe `task(*args, **kwargs)`: write the row now, publish after commit.

    key: what the row is for; when a not-yet-done row has the same key, that row is returned instead.
    robust: in eager mode (dev, tests) an error in the task is logged rather than raised.
    """
    if key:
        pending = OutboxMessage.objects.filter(key=key, done_at__isnull=True).order_by("pk").first()
        if pending is not None:
            return pending
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=kwargs, key=key[:255])
    transaction.on_commit(lambda: publish(message, from_request=True), robust=robust)
    return message


def _eager() -> bool:
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def publish(message: OutboxMessage, *, from_request: bool = False) -> bool:
    """Send one row to the broker once; False (and the row left for the relay) when the broker is down."""
    global _broker_down_until
    from celery import current_app

    if _eager():
        # Dev and tests: run inline now; the task's success marks the row done.
        if message.task not in current_app.tasks:
            # Task modules are found lazily (autodiscovery runs on the worker's start, not in a web process).
            current_app.loader.import_default_modules()
        _mark_enqueued(message.pk)
        current_app.tasks[message.task].apply_async(message.args, message.kwargs, task_id=message.task_id)
        return True
    if from_request and time.monotonic() < _broker_down_until:
        return False
    try:
        current_app.send_task(
            message.task,
            args=message.args,
            kwargs=message.kwargs,
            task_id=message.task_id,
            retry=False,
            # Nobody waits on the result: never touch the result backend while publishing (it retries for ~20 s).
            ignore_result=True,
        )
    except Exception as exc:
        _broker_down_until = time.monotonic() + _setting("OUTBOX_BROKER_BACKOFF_SECONDS", 10)
        logger.warning("Outbox: could not publish %s (%s); the relay will send it later.", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=f"publish: {type(exc).__name__}: {exc}"[:2000])
        return False
    _broker_down_until = 0.0
    _mark_enqueued(message.pk)
    return True


def _mark_enqueued(pk: int) -> None:
    OutboxMessage.objects.filter(pk=pk).update(enqueued_at=timezone.now(), attempts=F("attempts") + 1)


def due(*, now=None):
    """Rows to publish: never published, or published long enough ago that the task was surely lost."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_setting("OUTBOX_RESEND_AFTER_SECONDS", 300))
    return OutboxMessage.objects.filter(
        done_at__isnull=True, available_at__lte=now, attempts__lt=_setting("OUTBOX_MAX_ATTEMPTS", 10)
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))


def relay_due(*, limit: int = 500) -> int:
    """Publish due rows, oldest first; stop at the first broker failure. Returns how many were published."""
    published = 0
    with transaction.atomic():
        rows = due().order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            # Two relays at once never publish the same row twice.
            rows = rows.select_for_update(skip_locked=True)
        for message in rows[:limit]:
            if not publish(message):
                break
            published += 1
    return published


def pending(key: str) -> bool:
    """Is work with this key owed and not yet done?"""
    return OutboxMessage.objects.filter(key=key, done_at__isnull=True).exists()


def outbox_started_at():
    """When the outbox began recording: recovery never looks further back than this for e-mails."""
    first = OutboxMessage.objects.order_by("pk").values_list("created", flat=True).first()
    return first


def message_pk(task_id: str | None) -> int | None:
    if task_id and task_id.startswith(TASK_ID_PREFIX):
        try:
            return int(task_id[len(TASK_ID_PREFIX) :])
        except ValueError:
            return None
    return None


def _task_succeeded(sender=None, task_id=None, state=None, **_):
    pk = message_pk(task_id)
    if pk is not None and state == "SUCCESS":
        OutboxMessage.objects.filter(pk=pk, done_at__isnull=True).update(done_at=timezone.now(), last_error="")


def _task_failed(sender=None, task_id=None, exception=None, **_):
    pk = message_pk(task_id)
    if pk is not None:
        OutboxMessage.objects.filter(pk=pk).update(last_error=f"{type(exception).__name__}: {exception}"[:2000])


def connect_signals() -> None:
    from celery.signals import task_failure, task_postrun

    task_postrun.connect(_task_succeeded, weak=False, dispatch_uid="core.outbox.done")
    task_failure.connect(_task_failed, weak=False, dispatch_uid="core.outbox.failed")
