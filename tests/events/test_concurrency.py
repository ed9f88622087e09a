"""50 people press "Register" at once for 10 seats: exactly 10 get a seat, 40 wait, nobody sees an error.

Runs on whichever database the suite uses (SQLite locally, PostgreSQL in CI via DATABASE_URL).
"""

import threading

import pytest
from django.db import connection, connections

from events import services
from events.models import EventCapacity, Registration
from tests.conftest import require_service

THREADS = 50
SEATS = 10


def _register_concurrently(event, users):
    barrier = threading.Barrier(len(users))
    errors: list[str] = []

    def worker(user):
        try:
            barrier.wait(timeout=30)
            services.registration_create(event=event, purchaser=user)
        except Exception as exc:  # noqa: BLE001 - every error is a failure we want to see
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _assert_exactly_capacity(event):
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert len(statuses) == THREADS
    assert statuses.count(Registration.Status.CONFIRMED) == SEATS
    assert statuses.count(Registration.Status.WAITLISTED) == THREADS - SEATS
    assert EventCapacity.objects.get(pk=event.pk).seats_taken == SEATS


def _run(make_event, make_user):
    event = make_event(capacity=SEATS)
    users = [make_user() for _ in range(THREADS)]
    errors = _register_concurrently(event, users)
    assert errors == []
    _assert_exactly_capacity(event)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_threads_ten_seats_on_postgresql(make_event, make_user):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("The suite is on SQLite; CI runs it again with DATABASE_URL on PostgreSQL.")
    _run(make_event, make_user)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_threads_ten_seats_on_sqlite(make_event, make_user):
    if connection.vendor != "sqlite":
        pytest.skip("This run is on PostgreSQL (see the test above).")
    _run(make_event, make_user)
