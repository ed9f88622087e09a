"""Issue 11: a paid seat is confirmed only by a verified payment or an invoice, and one person
holds one active booking per workshop however the clicks race (PostgreSQL in CI)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from events import services
from events.models import Attendee, EventCapacity, Registration
from tests.conftest import require_service

S = Registration.Status


@pytest.mark.django_db
def test_unknown_payment_method_does_not_confirm_a_paid_seat(client, make_event, user):
    event = make_event(price="49", capacity=5)
    client.force_login(user)
    response = client.post(f"/workshop-registration/{event.pk}/", {"kind": "self", "payment_method": "zzz"})
    assert response.status_code == 302
    assert not Registration.objects.filter(event=event, status=S.CONFIRMED).exists()
    assert EventCapacity.objects.get(pk=event.pk).seats_taken == 0


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["zzz", "free", "invoice", "", "card\x00"])
def test_the_service_accepts_only_offered_methods(make_event, user, method):
    event = make_event(price="49", capacity=5, allow_invoice=False)
    if method == "":
        registration = services.registration_create(event=event, purchaser=user, payment_method=method or None)
        assert registration.status == S.PENDING_PAYMENT
        return
    with pytest.raises(services.RegistrationError):
        services.registration_create(event=event, purchaser=user, payment_method=method)
    assert not Registration.objects.filter(event=event).exists()


@pytest.mark.django_db
def test_card_on_a_free_workshop_is_refused(make_event, user):
    event = make_event(price="0")
    with pytest.raises(services.RegistrationError, match="free"):
        services.registration_create(event=event, purchaser=user, payment_method="card")


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_booking_for_one_person(make_event, user):
    event = make_event()
    Registration.objects.create(event=event, purchaser=user, status=S.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, purchaser=user, status=S.WAITLISTED)
    # A cancelled one does not count.
    Registration.objects.create(event=event, purchaser=user, status=S.CANCELLED)


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_seat_for_one_address(make_event, make_user):
    event = make_event()
    first = Registration.objects.create(event=event, purchaser=make_user(), status=S.CONFIRMED)
    second = Registration.objects.create(event=event, purchaser=make_user(), status=S.CONFIRMED)
    Attendee.objects.create(registration=first, name="Ana", email="ana@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendee.objects.create(registration=second, name="Ana again", email="ana@example.org")
    # Cancelling the first frees the address for another booking.
    first.status = S.CANCELLED
    first.save()
    Attendee.objects.create(registration=second, name="Ana again", email="ana@example.org")


def _two_at_once(event, user) -> list[str]:
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def worker():
        try:
            barrier.wait(timeout=30)
            services.registration_create(event=event, purchaser=user)
        except Exception as exc:  # noqa: BLE001 - every error is a failure we want to see
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("price", ["0", "49"])
def test_twenty_trials_of_two_parallel_registrations_keep_one_booking(make_event, make_user, price):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("Runs on PostgreSQL (DATABASE_URL), as in CI.")
    for _ in range(20):
        event = make_event(capacity=10, price=price)
        user = make_user()
        assert _two_at_once(event, user) == []
        active = Registration.objects.filter(event=event, purchaser=user, status__in=Registration.ACTIVE)
        assert active.count() == 1
        assert EventCapacity.objects.get(pk=event.pk).seats_taken == 1


@pytest.mark.django_db
def test_a_double_click_whose_twin_commits_after_our_first_look_gets_that_booking(make_event, make_user, monkeypatch):
    """The twin commits between our look for an existing booking and the insert's own check: no error, one booking."""
    event = make_event(capacity=10, price="0")
    user = make_user()
    twin = services.registration_create(event=event, purchaser=user)
    real_lookup = services._existing_booking
    looks = []

    def first_look_before_the_twin_committed(*args, **kwargs):
        looks.append(1)
        return None if len(looks) == 1 else real_lookup(*args, **kwargs)

    monkeypatch.setattr(services, "_existing_booking", first_look_before_the_twin_committed)
    again = services.registration_create(event=event, purchaser=user)
    assert again.pk == twin.pk and len(looks) == 2
    assert Registration.objects.filter(event=event, purchaser=user, status__in=Registration.ACTIVE).count() == 1
