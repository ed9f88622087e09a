"""The district leader's dashboard as a leader uses it: one teacher's page, pending invitations she can send
again or withdraw, a CSV whose columns hold what their headings say (in her time zone), last activity, and a
report that costs the same queries for 3 teachers as for 10."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrollment, LessonCompletion
from events import services as event_services
from events import staff as event_staff
from learning.selectors import organization_report
from members import services
from members.factories import OrganizationMemberFactory, SeatLicenseFactory, StaffFactory, UserFactory
from members.models import Invitation, OrganizationMember
from tests.courses.conftest import catalogue, course_builder  # noqa: F401
from tests.events.conftest import event_index, make_event  # noqa: F401

pytestmark = pytest.mark.django_db

CSV_HEADER = [
    "Teacher",
    "E-mail",
    "Role",
    "Seat",
    "Last active",
    "Activity",
    "Title",
    "Status",
    "Progress %",
    "Started",
    "Completed",
    "PD hours",
]


@pytest.fixture
def district():
    org = SeatLicenseFactory(seats=30).organization
    leader = OrganizationMemberFactory(
        organization=org,
        role=OrganizationMember.OrgRole.LEADER,
        user__email="lead@riverside.example.org",
        user__time_zone="America/New_York",
    ).user
    return org, leader


def _teacher(org, email="t@riverside.example.org", **kwargs):
    return services.organization_join(organization=org, user=UserFactory(email=email, **kwargs)).user


def _teacher_url(org, user):
    return reverse("members:district_teacher", args=[org.pk, user.pk])


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- one teacher's page ---
def test_the_leader_opens_her_teachers_page(client, district, course_builder, make_event):  # noqa: F811
    org, leader = district
    teacher = _teacher(org, first_name="Rosa", last_name="Diaz")
    course, lessons = course_builder(title="Number strings", slug="number-strings")  # 4 lessons
    course_services.enrollment_create(user=teacher, course=course)
    course_services.lesson_complete(user=teacher, lesson=lessons[0])
    event = make_event(title="Fraction talks", pd_hours="3")
    registration = event_services.registration_create(event=event, purchaser=teacher)
    event_staff.attendee_check_in(attendee=registration.attendees.get(), now=event.start)

    client.force_login(leader)
    dashboard = client.get(reverse("members:district_dashboard", args=[org.pk]))
    assert _teacher_url(org, teacher) in dashboard.content.decode()
    response = client.get(_teacher_url(org, teacher))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rosa Diaz" in page
    assert "Number strings" in page and "25%" in page
    assert "Fraction talks" in page and "Attended" in page
    assert "Last active" in page
    assert response.context["report"].pd_hours == Decimal("3")


def test_the_teachers_page_is_refused_to_everyone_else(client, district):
    org, leader = district
    teacher = _teacher(org)
    colleague = _teacher(org, email="colleague@riverside.example.org")
    other_leader = OrganizationMemberFactory(
        organization=SeatLicenseFactory().organization, role=OrganizationMember.OrgRole.LEADER
    ).user
    outsider = OrganizationMemberFactory()  # a teacher of another district
    url = _teacher_url(org, teacher)

    assert "/accounts/login/" in client.get(url)["Location"]
    for who in (other_leader, colleague, teacher, UserFactory()):
        client.force_login(who)
        assert client.get(url).status_code == 404, who
    client.force_login(leader)
    # Her own district's id with someone else's teacher: nothing to see either.
    assert client.get(_teacher_url(org, outsider.user)).status_code == 404
    client.force_login(StaffFactory())  # holds the named "any district" permission
    assert client.get(url).status_code == 200


def test_last_activity_is_the_latest_of_lessons_reflections_registrations_and_sign_ins(
    district,
    course_builder,  # noqa: F811
    make_event,  # noqa: F811
):
    org, _ = district
    never = _teacher(org, email="never@riverside.example.org")
    signed_in = _teacher(org, email="login@riverside.example.org")
    learner = _teacher(org, email="learner@riverside.example.org")
    registrant = _teacher(org, email="registrant@riverside.example.org")
    course, lessons = course_builder()
    base = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    type(signed_in).objects.filter(pk=signed_in.pk).update(last_login=base)
    course_services.enrollment_create(user=learner, course=course)
    course_services.lesson_complete(user=learner, lesson=lessons[0])
    LessonCompletion.objects.filter(user=learner).update(completed_at=base + timedelta(days=3))
    Enrollment.objects.filter(user=learner).update(enrolled_at=base, last_activity_at=None)
    type(learner).objects.filter(pk=learner.pk).update(last_login=base + timedelta(days=1))
    registration = event_services.registration_create(event=make_event(), purchaser=registrant)
    type(registration).objects.filter(pk=registration.pk).update(created=base + timedelta(days=5))
    type(registrant).objects.filter(pk=registrant.pk).update(last_login=base)

    report = {t.member.user_id: t for t in organization_report(organization=org)["teachers"]}
    assert report[never.pk].last_active is None
    assert report[signed_in.pk].last_active == base
    assert report[learner.pk].last_active == base + timedelta(days=3)
    assert report[registrant.pk].last_active == base + timedelta(days=5)


def test_the_report_costs_the_same_queries_for_3_and_for_10_teachers(
    client,
    district,
    course_builder,  # noqa: F811
    make_event,  # noqa: F811
):
    org, leader = district
    course, lessons = course_builder()
    event = make_event(capacity=50)
    full = make_event(capacity=1, title="Small group")  # everyone after the first waits: positions are read too
    client.force_login(leader)

    def add_teachers(start, stop):
        for n in range(start, stop):
            teacher = _teacher(org, email=f"t{n}@riverside.example.org")
            course_services.enrollment_create(user=teacher, course=course)
            course_services.lesson_complete(user=teacher, lesson=lessons[0])
            event_services.registration_create(event=event, purchaser=teacher)
            event_services.registration_create(event=full, purchaser=teacher)
            services.invitation_create(organization=org, email=f"new{n}@riverside.example.org", invited_by=leader)

    def count():
        with CaptureQueriesContext(connection) as report_queries:
            report = organization_report(organization=org)
            summary = [(t.last_active, t.pd_hours, t.completed_count) for t in report["teachers"]]
        with CaptureQueriesContext(connection) as page_queries:
            page = client.get(reverse("members:district_dashboard", args=[org.pk]))
        assert page.status_code == 200
        return len(report_queries), len(page_queries), len(summary)

    add_teachers(0, 3)
    count()  # the first page of a run also creates and caches the site's settings
    few_report, few_page, teachers = count()
    assert teachers == 4  # and the leader
    add_teachers(3, 10)
    many_report, many_page, teachers = count()
    assert teachers == 11
    assert many_report == few_report
    assert many_page == few_page
    # The places read in bulk are the ones the events app's rule gives one by one.
    from events.models import Registration
    from events.rules import registration_status_label

    waiting = {
        r.purchaser_id: registration_status_label(r).label
        for r in Registration.objects.filter(event=full).select_related("event")
    }
    assert sorted(waiting.values())[:2] == ["Confirmed", "Waitlisted, position 1"]
    for t in organization_report(organization=org)["teachers"]:
        for row in t.registrations:
            if row["event_title"] == "Small group":
                assert row["status"] == waiting[t.member.user_id]


# --- pending invitations: send again, withdraw ---
def _resend_url(invitation):
    return reverse("members:district_invitation_resend", args=[invitation.organization_id, invitation.pk])


def _revoke_url(invitation):
    return reverse("members:district_invitation_revoke", args=[invitation.organization_id, invitation.pk])


def test_the_leader_sends_an_invitation_again(client, district, django_capture_on_commit_callbacks, settings):
    org, leader = district
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
    assert len(mail.outbox) == 1
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now() - timedelta(hours=2))

    client.force_login(leader)
    assert client.get(_resend_url(invitation)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_resend_url(invitation), follow=True)
    assert response.status_code == 200
    assert "sent again" in response.content.decode()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["new@riverside.example.org"] and invitation.token in mail.outbox[1].body

    # At once again: refused with a reason, no third e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_resend_url(invitation), follow=True)
    assert "You can send it again" in response.content.decode()
    assert len(mail.outbox) == 2


def test_sending_again_is_limited_by_time_and_count(district, django_capture_on_commit_callbacks, settings):
    settings.INVITATION_RESEND_MINUTES = 60
    settings.INVITATION_MAX_SENDS = 3
    org, leader = district
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
        # Typed into the invite form again at once: the same limit, no second e-mail.
        services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
    assert len(mail.outbox) == 1
    for hours in (2, 4):
        Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=start - timedelta(hours=hours))
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(invitation=invitation)
    assert len(mail.outbox) == 3
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=start - timedelta(days=2))
    with pytest.raises(services.InvitationError, match="already sent 3 times"):
        services.invitation_resend(invitation=invitation)
    assert len(mail.outbox) == 3


def test_only_that_districts_leader_may_resend_or_revoke(client, district, django_capture_on_commit_callbacks):
    org, leader = district
    invitation = services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now() - timedelta(hours=2))
    mail.outbox.clear()
    other_leader = OrganizationMemberFactory(
        organization=SeatLicenseFactory().organization, role=OrganizationMember.OrgRole.LEADER
    ).user
    for who in (other_leader, _teacher(org)):
        client.force_login(who)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(_resend_url(invitation)).status_code == 404
            assert client.post(_revoke_url(invitation)).status_code == 404
    client.logout()
    assert "/accounts/login/" in client.post(_revoke_url(invitation))["Location"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and not mail.outbox


def test_a_revoked_invitation_is_dead(client, district):
    org, leader = district
    invitation = services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
    client.force_login(leader)
    assert client.get(_revoke_url(invitation)).status_code == 405
    response = client.post(_revoke_url(invitation), follow=True)
    assert "withdrawn" in response.content.decode()
    assert "new@riverside.example.org" not in [i.email for i in response.context["pending_invitations"]]

    invited = UserFactory(email="new@riverside.example.org")
    client.force_login(invited)
    accept = reverse("members:invitation_accept", args=[invitation.token])
    page = client.get(accept)
    assert "withdrawn" in page.content.decode()
    assert b"Accept and take my seat" not in page.content
    response = client.post(accept)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert not OrganizationMember.objects.filter(organization=org, user=invited).exists()
    with pytest.raises(services.SeatError, match="withdrawn"):
        services.invitation_accept(invitation=invitation, user=invited)

    # Inviting the address again makes a fresh link; the withdrawn one stays dead.
    again = services.invitation_create(organization=org, email="new@riverside.example.org", invited_by=leader)
    assert again.token != invitation.token and again.is_pending
    assert client.get(accept).status_code == 404


# --- the CSV ---
def test_the_csv_columns_hold_what_their_headings_say_in_the_leaders_zone(
    client,
    district,
    course_builder,  # noqa: F811
    make_event,  # noqa: F811
):
    org, leader = district
    teacher = _teacher(org, first_name="=HYPERLINK(1)", last_name="X")
    course, lessons = course_builder(title="Number strings", slug="number-strings", pd_hours=Decimal("1"))
    enrollment = course_services.enrollment_create(user=teacher, course=course)
    for lesson in lessons:
        course_services.lesson_complete(user=teacher, lesson=lesson)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        enrolled_at=datetime(2026, 1, 12, 14, 30, tzinfo=UTC), completed_at=datetime(2026, 7, 15, 18, 5, tzinfo=UTC)
    )
    next_january = timezone.now().year + 1  # always ahead, and always winter time in New York
    event = make_event(title="Fraction talks", start=datetime(next_january, 1, 12, 17, 0, tzinfo=UTC))
    event_services.registration_create(event=event, purchaser=teacher)

    client.force_login(leader)
    rows = _csv(client.get(reverse("members:district_export", args=[org.pk])))
    assert rows[0] == CSV_HEADER
    assert CSV_HEADER not in rows[1:]
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    records = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    by_title = {r["Title"]: r for r in records if r["Activity"]}

    course_row = by_title["Number strings"]
    assert course_row["Teacher"].startswith("'=")  # a spreadsheet keeps it as text
    assert course_row["Status"] == "Completed"
    assert course_row["Progress %"] == "100"
    assert course_row["Started"] == "2026-01-12 09:30 EST"  # the leader's zone, winter
    assert course_row["Completed"] == "2026-07-15 14:05 EDT"  # and summer
    assert course_row["PD hours"] == "1.0"

    workshop = by_title["Fraction talks"]
    assert workshop["Status"] == "Confirmed"  # the registration's status, in its own column
    assert workshop["Completed"] == ""  # not attended: nothing completed
    assert workshop["Started"] == f"{next_january}-01-12 12:00 EST"
    assert workshop["PD hours"] == ""
    assert workshop["Last active"].endswith(("EST", "EDT"))

    leader_row = next(r for r in records if r["E-mail"] == leader.email)
    assert leader_row["Activity"] == "" and leader_row["Status"] == ""


# --- the demo data ---
def test_every_seeded_course_claims_no_more_pd_hours_than_its_lessons_allow(
    settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django.db.models import Sum

    from courses.models import CoursePage, LessonPage
    from courses.rules import pd_hours_exceed_lesson_time

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    courses = list(CoursePage.objects.all())
    assert len(courses) >= 3
    for course in courses:
        minutes = LessonPage.objects.descendant_of(course).aggregate(total=Sum("estimated_minutes"))["total"] or 0
        assert not pd_hours_exceed_lesson_time(
            pd_hours=course.pd_hours, lesson_minutes=minutes, ratio=settings.PD_HOURS_MAX_RATIO
        ), f"{course.title}: {course.pd_hours} PD hours for {minutes} minutes of lessons"


def test_a_file_invites_a_withdrawn_address_again_with_a_new_link(district, django_capture_on_commit_callbacks):
    org, leader = district
    first = services.invitation_create(organization=org, email="back@riverside.example.org", invited_by=leader)
    services.invitation_revoke(invitation=first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.invitation_import_create(
            organization=org, uploaded_by=leader, rows=[["back@riverside.example.org"]]
        )
    job.refresh_from_db()
    assert job.invited == ["back@riverside.example.org"] and job.skipped == []
    again = Invitation.objects.get(organization=org, email="back@riverside.example.org")
    assert again.is_pending and again.token != first.token
    assert len(mail.outbox) == 1 and again.token in mail.outbox[0].body
