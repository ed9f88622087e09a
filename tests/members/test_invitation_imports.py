"""Invitation CSV uploads: checked in the request, processed by a Celery task, followed on a progress page."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboxMessage
from members import services
from members.factories import OrganizationMemberFactory, SeatLicenseFactory, UserFactory
from members.models import Invitation, InvitationImport, OrganizationMember

pytestmark = pytest.mark.django_db

CSV = (
    b"name,email\n"
    b"Ana Ruiz,ana@example.org\n"
    b"Bo Chen,bo@example.org\n"
    b"Bo again,BO@example.org\n"
    b"broken,not-an-email@\n"
    b"Just a name\n"
    b"Pat Member,member@example.org\n"
)


@pytest.fixture
def district():
    org = SeatLicenseFactory(seats=10).organization
    leader = OrganizationMemberFactory(organization=org, role=OrganizationMember.OrgRole.LEADER).user
    OrganizationMemberFactory(organization=org, user=UserFactory(email="member@example.org"))
    return org, leader


def _upload(client, org, content=CSV, name="teachers.csv", content_type="text/csv"):
    return client.post(
        reverse("members:district_dashboard", args=[org.pk]),
        {"csv_file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def _email_rows():
    return OutboxMessage.objects.filter(task="home.tasks.send_email")


def test_upload_runs_a_job_that_invites_and_owes_the_emails(client, district, django_capture_on_commit_callbacks):
    org, leader = district
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, org)
    job = InvitationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:district_invitation_import", args=[org.pk, job.pk])
    job.refresh_from_db()
    assert job.status == InvitationImport.Status.DONE
    assert (job.processed, job.total) == (6, 6)
    assert job.invited == ["ana@example.org", "bo@example.org"]
    reasons = {row["value"]: row["reason"] for row in job.skipped}
    assert "repeated" in reasons["BO@example.org"]
    assert "not a valid" in reasons["not-an-email@"]
    assert "No e-mail address" in reasons["Just a name"]
    assert "already in your district" in reasons["member@example.org"]
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["ana@example.org", "bo@example.org"]
    assert _email_rows().count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    assert OutboxMessage.objects.filter(task="members.tasks.process_invitation_import", done_at__isnull=False).exists()

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="status"' in html and "Processed 6 of 6" in html
    assert "ana@example.org" in html and "not-an-email@" in html
    assert 'http-equiv="refresh"' not in html  # done: no more refreshing


def test_running_the_job_again_creates_nothing_new(client, district, django_capture_on_commit_callbacks):
    from members.tasks import process_invitation_import

    org, leader = district
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, org)
    job = InvitationImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        process_invitation_import.apply(args=[job.pk])
        # Even from scratch (progress lost), the rows already done invite and e-mail nobody again.
        InvitationImport.objects.filter(pk=job.pk).update(
            status=InvitationImport.Status.QUEUED, processed=0, invited=[], skipped=[]
        )
        process_invitation_import.apply(args=[job.pk])
    assert Invitation.objects.count() == 2
    assert _email_rows().count() == 2 and len(mail.outbox) == 2
    job.refresh_from_db()
    assert job.status == InvitationImport.Status.DONE and job.processed == 6


def test_a_job_in_progress_refreshes_itself_and_is_announced(client, district):
    org, leader = district
    job = services.invitation_import_create(
        organization=org, uploaded_by=leader, rows=[["a@example.org"], ["b@example.org"]]
    )
    client.force_login(leader)
    html = client.get(reverse("members:district_invitation_import", args=[org.pk, job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html
    assert 'role="status"' in html and "Processed 0 of 2" in html


def test_the_progress_page_is_only_for_that_districts_leaders(client, district):
    org, leader = district
    job = services.invitation_import_create(organization=org, uploaded_by=leader, rows=[["a@example.org"]])
    other = SeatLicenseFactory().organization
    other_leader = OrganizationMemberFactory(organization=other, role=OrganizationMember.OrgRole.LEADER).user
    teacher = OrganizationMember.objects.get(user__email="member@example.org").user
    url = reverse("members:district_invitation_import", args=[org.pk, job.pk])
    client.force_login(other_leader)
    assert client.get(url).status_code == 404
    # Nor through her own district's address.
    assert client.get(reverse("members:district_invitation_import", args=[other.pk, job.pk])).status_code == 404
    client.force_login(teacher)
    assert client.get(url).status_code == 404
    client.force_login(leader)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content_type", "content", "message"),
    [
        ("teachers.txt", "text/plain", b"email\na@example.org\n", "Choose a .csv file"),
        ("teachers.csv", "application/pdf", b"email\na@example.org\n", "Choose a .csv file"),
        ("teachers.csv", "text/csv", b"email\n" + b"a" * 300_000 + b"@example.org\n", "larger than"),
    ],
)
def test_a_bad_type_or_an_oversize_file_is_refused_and_nothing_is_created(
    client, district, django_capture_on_commit_callbacks, name, content_type, content, message
):
    org, leader = district
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, org, content=content, name=name, content_type=content_type)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not InvitationImport.objects.exists() and not Invitation.objects.exists() and not _email_rows().exists()


def test_too_many_rows_is_refused_with_the_cap(client, district, settings):
    settings.INVITE_CSV_MAX_ROWS = 3
    org, leader = district
    client.force_login(leader)
    content = b"\n".join(f"t{n}@example.org".encode() for n in range(4))
    response = _upload(client, org, content=content)
    assert "at most 3 can be invited" in response.content.decode()
    assert not InvitationImport.objects.exists()
