"""District seats: invitations, joining, the seat limit under concurrency, domain auto-join, the leader's view."""

import threading

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse

from members import services
from members.access import entitlements_for
from members.factories import OrganizationMemberFactory, SeatLicenseFactory, UserFactory
from members.models import Invitation, OrganizationMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    license_ = SeatLicenseFactory(seats=3)
    org = license_.organization
    leader = OrganizationMemberFactory(
        organization=org, role=OrganizationMember.OrgRole.LEADER, user__email="lead@riverside.k12.example.org"
    ).user
    return org, leader


def test_join_consumes_a_seat_and_grants_access(district):
    org, _ = district
    teacher = UserFactory()
    assert not entitlements_for(teacher).is_member
    services.organization_join(organization=org, user=teacher)
    assert services.seats_in_use(org) == 2
    assert entitlements_for(teacher).is_member


def test_joining_twice_uses_one_seat(district):
    org, _ = district
    teacher = UserFactory()
    services.organization_join(organization=org, user=teacher)
    services.organization_join(organization=org, user=teacher)
    assert services.seats_in_use(org) == 2


def test_seat_limit(district):
    org, _ = district
    services.organization_join(organization=org, user=UserFactory())
    services.organization_join(organization=org, user=UserFactory())
    with pytest.raises(services.SeatError, match="seats are taken"):
        services.organization_join(organization=org, user=UserFactory())
    assert services.seats_in_use(org) == 3


def test_no_current_license_means_no_seat():
    from datetime import timedelta

    from django.utils import timezone

    org = SeatLicenseFactory(ends=timezone.localdate() - timedelta(days=1)).organization
    with pytest.raises(services.SeatError):
        services.organization_join(organization=org, user=UserFactory())


def test_removing_a_teacher_releases_the_seat(district):
    org, _ = district
    teacher = UserFactory()
    member = services.organization_join(organization=org, user=teacher)
    services.organization_member_remove(member=member)
    assert services.seats_in_use(org) == 1
    assert not entitlements_for(teacher).is_member


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_joins_never_exceed_the_license():
    """Eight teachers press "Accept" at once for two free seats."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("SQLite threads need a file-based test database (TEST NAME in settings.test)")
    license_ = SeatLicenseFactory(seats=2)
    org = license_.organization
    teachers = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(len(teachers))
    outcomes = []

    def join(user):
        try:
            barrier.wait()
            services.organization_join(organization=org, user=user)
            outcomes.append("joined")
        except services.SeatError:
            outcomes.append("full")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=join, args=(t,)) for t in teachers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("joined") == 2
    assert outcomes.count("full") == 6
    assert OrganizationMember.objects.filter(organization=org, has_seat=True).count() == 2


def test_invitation_by_email_and_accept(client, district, django_capture_on_commit_callbacks):
    org, leader = district
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organization=org, email="New.Teacher@Example.org", invited_by=leader)
    assert invitation.email == "new.teacher@example.org"
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    url = reverse("members:invitation_accept", args=[invitation.token])

    # Not signed in: asked to sign in or sign up first, nothing consumed.
    response = client.get(url)
    assert response.status_code == 200 and b"Create an account" in response.content
    assert client.post(url).status_code == 200
    assert services.seats_in_use(org) == 1

    teacher = UserFactory(email="new.teacher@example.org")
    client.force_login(teacher)
    response = client.post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted_by == teacher and invitation.accepted_at
    assert OrganizationMember.objects.get(organization=org, user=teacher).has_seat


def test_invitation_when_seats_run_out_says_so(client, district):
    org, leader = district
    services.organization_join(organization=org, user=UserFactory())
    services.organization_join(organization=org, user=UserFactory())
    invitation = services.invitation_create(organization=org, email="late@example.org", invited_by=leader)
    client.force_login(UserFactory(email="late@example.org"))
    response = client.post(reverse("members:invitation_accept", args=[invitation.token]))
    assert response.status_code == 409
    assert b"seats are taken" in response.content
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_bad_invitation_link(client):
    assert client.get(reverse("members:invitation_accept", args=["nope"])).status_code == 404


def test_leader_uploads_csv_through_the_dashboard(client, district, django_capture_on_commit_callbacks):
    """Typed addresses are invited at once; the file's rows by the import task (tests/members/test_invitation_imports.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    org, leader = district
    client.force_login(leader)
    upload = SimpleUploadedFile("teachers.csv", b"email\nx@example.org\ny@example.org\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:district_dashboard", args=[org.pk]), {"emails": "z@example.org", "csv_file": upload}
        )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "x@example.org",
        "y@example.org",
        "z@example.org",
    }


def test_leader_form_rejects_bad_addresses(client, district):
    org, leader = district
    client.force_login(leader)
    response = client.post(reverse("members:district_dashboard", args=[org.pk]), {"emails": "good@example.org, nope"})
    assert response.status_code == 200
    assert b"nope" in response.content
    assert not Invitation.objects.exists()


def _confirm(user, email, verified=True):
    address = EmailAddress.objects.create(user=user, email=email, verified=verified, primary=False)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)


def test_domain_auto_join_when_enabled(district):
    org, _ = district
    org.email_domains = ["riverside.k12.example.org"]
    org.auto_join_by_domain = True
    org.save()
    teacher = UserFactory(email="teacher@gmail.example.com")
    _confirm(teacher, "ms.lopez@Riverside.k12.example.org")
    assert OrganizationMember.objects.get(user=teacher).has_seat
    outsider = UserFactory()
    _confirm(outsider, "someone@elsewhere.example.org")
    assert not OrganizationMember.objects.filter(user=outsider).exists()


def test_domain_auto_join_off_by_default(district):
    org, _ = district
    teacher = UserFactory()
    _confirm(teacher, "t@riverside.k12.example.org")
    assert not OrganizationMember.objects.filter(user=teacher).exists()


def test_email_confirmation_through_allauth_joins(client, district):
    """The real allauth confirmation view sends the signal we listen to."""
    from allauth.account.models import EmailConfirmationHMAC

    org, _ = district
    org.auto_join_by_domain = True
    org.save()
    teacher = UserFactory(email="fresh@riverside.k12.example.org", verified=False)
    address = EmailAddress.objects.create(user=teacher, email=teacher.email, verified=False, primary=True)
    key = EmailConfirmationHMAC(address).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    assert OrganizationMember.objects.get(user=teacher).has_seat


def test_leader_sees_only_her_organization(client, district):
    org, leader = district
    other_org = SeatLicenseFactory().organization
    client.force_login(leader)
    assert client.get(reverse("members:district_dashboard", args=[org.pk])).status_code == 200
    assert client.get(reverse("members:district_dashboard", args=[other_org.pk])).status_code == 403
    assert client.get(reverse("members:district_export", args=[other_org.pk])).status_code == 403


def test_teacher_cannot_open_the_dashboard(client, district):
    org, _ = district
    teacher = services.organization_join(organization=org, user=UserFactory()).user
    client.force_login(teacher)
    assert client.get(reverse("members:district_dashboard", args=[org.pk])).status_code == 403


def test_leader_removes_a_teacher_from_the_dashboard(client, district):
    org, leader = district
    member = services.organization_join(organization=org, user=UserFactory())
    other = OrganizationMemberFactory()  # in another organization
    client.force_login(leader)
    url = reverse("members:district_member_remove", args=[org.pk, other.pk])
    assert client.post(url).status_code == 404
    response = client.post(reverse("members:district_member_remove", args=[org.pk, member.pk]))
    assert response.status_code == 302
    assert services.seats_in_use(org) == 1


def test_leader_export_csv(client, district):
    import csv
    import io

    org, leader = district
    teacher = services.organization_join(organization=org, user=UserFactory(email="t1@example.org")).user
    outsider = OrganizationMemberFactory(user__email="outsider@example.org")
    client.force_login(leader)
    response = client.get(reverse("members:district_export", args=[org.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Teacher", "E-mail"]
    emails = {row[1] for row in rows[1:]}
    assert teacher.email in emails and leader.email in emails
    assert outsider.user.email not in emails


def test_leader_report_counts_attended_workshop_hours(client, district, home_page):
    import csv
    import io
    from decimal import Decimal

    from events import services as event_services
    from events import staff as event_staff
    from events.factories import EventIndexPageFactory, EventPageFactory
    from learning.selectors import organization_report

    org, leader = district
    teacher = services.organization_join(organization=org, user=UserFactory(email="t2@example.org")).user
    index = EventIndexPageFactory(parent=home_page)
    attended = EventPageFactory(parent=index, title="Fraction talks", pd_hours=Decimal("3"))
    missed = EventPageFactory(parent=index, title="Ratio routines", pd_hours=Decimal("5"))
    registration = event_services.registration_create(event=attended, purchaser=teacher)
    event_services.registration_create(event=missed, purchaser=teacher)
    event_staff.attendee_check_in(attendee=registration.attendees.get(), now=attended.start)

    report = organization_report(organization=org)
    [row] = [t for t in report["teachers"] if t.member.user_id == teacher.pk]
    # Only the workshop she was checked in at counts, as on her own transcript.
    assert row.pd_hours == Decimal("3")
    assert report["pd_hours"] == Decimal("3")

    client.force_login(leader)
    response = client.get(reverse("members:district_export", args=[org.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    workshops = {r["Title"]: r for r in records if r["Activity"] == "workshop"}
    assert workshops["Fraction talks"]["Status"] == "Attended" and workshops["Fraction talks"]["PD hours"] == "3.00"
    assert workshops["Fraction talks"]["Completed"]  # when the attended workshop ended
    assert workshops["Ratio routines"]["PD hours"] == "" and workshops["Ratio routines"]["Completed"] == ""


def test_leader_toggles_auto_join(client, district):
    org, leader = district
    client.force_login(leader)
    client.post(reverse("members:district_settings", args=[org.pk]), {"auto_join": "on"})
    org.refresh_from_db()
    assert org.auto_join_by_domain
    client.post(reverse("members:district_settings", args=[org.pk]), {})
    org.refresh_from_db()
    assert not org.auto_join_by_domain
