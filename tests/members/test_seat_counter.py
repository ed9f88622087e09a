"""District seats held by the database: each seated member holds a seat of one license, counted under a CHECK."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.urls import reverse

from members import services
from members.factories import OrganizationMemberFactory, SeatLicenseFactory, UserFactory
from members.models import OrganizationMember, SeatLicense

pytestmark = pytest.mark.django_db


def test_a_join_takes_a_seat_of_a_current_license():
    license_ = SeatLicenseFactory(seats=2)
    member = services.organization_join(organization=license_.organization, user=UserFactory())
    license_.refresh_from_db()
    assert member.seat_license_id == license_.pk and member.has_seat
    assert license_.seats_used == 1


def test_an_update_past_the_seats_is_refused_by_the_database():
    license_ = SeatLicenseFactory(seats=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatLicense.objects.filter(pk=license_.pk).update(seats_used=F("seats") + 1)


def test_removing_a_member_frees_her_seat():
    license_ = SeatLicenseFactory(seats=1)
    org = license_.organization
    member = services.organization_join(organization=org, user=UserFactory())
    with pytest.raises(services.SeatError):
        services.organization_join(organization=org, user=UserFactory())
    services.organization_member_remove(member=member)
    license_.refresh_from_db()
    assert license_.seats_used == 0
    assert services.organization_join(organization=org, user=UserFactory()).seat_license_id == license_.pk


def test_unseating_frees_the_seat_and_keeps_the_member():
    license_ = SeatLicenseFactory(seats=1)
    member = services.organization_join(organization=license_.organization, user=UserFactory())
    services.organization_member_unseat(member=member)
    member.refresh_from_db()
    license_.refresh_from_db()
    assert (member.has_seat, member.seat_license_id, license_.seats_used) == (False, None, 0)


def test_deleting_an_account_frees_the_seat():
    license_ = SeatLicenseFactory(seats=1)
    member = services.organization_join(organization=license_.organization, user=UserFactory())
    services.account_delete(user=member.user)
    license_.refresh_from_db()
    assert license_.seats_used == 0


def test_a_user_deleted_outside_the_services_frees_her_seat():
    """Wagtail's user delete (or any cascade) removes the membership row without our services: the seat comes back."""
    license_ = SeatLicenseFactory(seats=2)
    org = license_.organization
    kept = services.organization_join(organization=org, user=UserFactory())
    gone = services.organization_join(organization=org, user=UserFactory())
    gone.user.delete()
    license_.refresh_from_db()
    assert license_.seats_used == 1
    assert OrganizationMember.objects.filter(pk=kept.pk).exists()


def test_removal_and_account_deletion_release_exactly_one_seat():
    license_ = SeatLicenseFactory(seats=3)
    org = license_.organization
    members = [services.organization_join(organization=org, user=UserFactory()) for _ in range(3)]
    services.organization_member_remove(member=members[0])
    license_.refresh_from_db()
    assert license_.seats_used == 2
    services.account_delete(user=members[1].user)
    license_.refresh_from_db()
    assert license_.seats_used == 1


def test_seats_of_an_expired_license_move_to_the_renewal_before_newcomers():
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    old = SeatLicenseFactory(seats=1, starts=today - timedelta(days=400), ends=today - timedelta(days=1))
    org = old.organization
    veteran = OrganizationMemberFactory(organization=org, has_seat=True, seat_license=old)
    SeatLicense.objects.filter(pk=old.pk).update(seats_used=1)
    renewal = SeatLicenseFactory(organization=org, seats=1)
    with pytest.raises(services.SeatError):
        services.organization_join(organization=org, user=UserFactory())
    veteran.refresh_from_db()
    old.refresh_from_db()
    renewal.refresh_from_db()
    assert veteran.seat_license_id == renewal.pk
    assert (old.seats_used, renewal.seats_used) == (0, 1)


def test_the_leader_dashboard_figures_match_the_counters(client):
    license_ = SeatLicenseFactory(seats=4)
    org = license_.organization
    leader = OrganizationMemberFactory(organization=org, role=OrganizationMember.OrgRole.LEADER).user
    for _ in range(2):
        services.organization_join(organization=org, user=UserFactory())
    license_.refresh_from_db()
    client.force_login(leader)
    response = client.get(reverse("members:district_dashboard", args=[org.pk]))
    # The leader made by the factory holds a seat too: the first join counted her against the license.
    assert license_.seats_used == 3
    assert response.context["seats_used"] == 3 and response.context["seats_licensed"] == 4
    assert "3 / 4" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_joins_for_the_last_seat_twenty_times():
    """Two teachers press "Accept" together for the last seat: exactly one is seated, every time."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("SQLite threads need a file-based test database (TEST NAME in settings.test)")
    for trial in range(20):
        license_ = SeatLicenseFactory(seats=2)
        org = license_.organization
        services.organization_join(organization=org, user=UserFactory())
        pair = [UserFactory(), UserFactory()]
        barrier = threading.Barrier(2)
        outcomes, errors = [], []

        def join(user, barrier=barrier, outcomes=outcomes, errors=errors, org=org):
            try:
                barrier.wait(timeout=30)
                services.organization_join(organization=org, user=user)
                outcomes.append("joined")
            except services.SeatError:
                outcomes.append("full")
            except Exception as exc:  # noqa: BLE001 - any other error is a failure to see
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=join, args=(u,)) for u in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == [], f"trial {trial}"
        assert sorted(outcomes) == ["full", "joined"], f"trial {trial}"
        license_.refresh_from_db()
        assert license_.seats_used == 2
        assert OrganizationMember.objects.filter(organization=org, has_seat=True).count() == 2


def test_the_data_migration_fills_seats_and_keeps_members_above_the_license(caplog):
    """Existing seated members get a license seat up to its size; any beyond keep theirs and are logged."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0007_seat_license_counter")
    full = SeatLicenseFactory(seats=2)
    roomy = SeatLicenseFactory(seats=5)
    over = [OrganizationMemberFactory(organization=full.organization, has_seat=True) for _ in range(3)]
    fits = [OrganizationMemberFactory(organization=roomy.organization, has_seat=True) for _ in range(2)]
    unseated = OrganizationMemberFactory(organization=roomy.organization, has_seat=False)
    migration.fill_seat_licenses(apps, None)
    migration.fill_seat_licenses(apps, None)  # again: nothing changes
    full.refresh_from_db()
    roomy.refresh_from_db()
    assert (full.seats_used, roomy.seats_used) == (2, 2)
    holders = OrganizationMember.objects.filter(pk__in=[m.pk for m in over])
    assert holders.filter(seat_license=full).count() == 2
    assert holders.filter(seat_license__isnull=True, has_seat=True).count() == 1
    assert all(OrganizationMember.objects.get(pk=m.pk).seat_license_id == roomy.pk for m in fits)
    assert OrganizationMember.objects.get(pk=unseated.pk).seat_license_id is None
    assert "above its licenses" in caplog.text


def test_staff_cannot_lower_a_license_below_its_held_seats():
    from django.core.exceptions import ValidationError

    license_ = SeatLicenseFactory(seats=2)
    services.organization_join(organization=license_.organization, user=UserFactory())
    license_.refresh_from_db()
    license_.seats = 0
    with pytest.raises(ValidationError, match="held"):
        license_.full_clean()
