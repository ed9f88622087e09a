"""Each hole an outside tester found (issue 10), as a test that failed before the fix."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document

from courses import services as course_services
from courses.factories import LessonPageFactory, reflection_block
from courses.models import Certificate, ReflectionResponse
from events import services as event_services
from events.models import Registration
from members import services as member_services
from members.factories import (
    EditorFactory,
    MembershipFactory,
    OrganizationMemberFactory,
    SeatLicenseFactory,
    StaffFactory,
    UserFactory,
)
from members.models import Invitation, Membership, OrganizationMember, TranscriptRecord

pytestmark = pytest.mark.django_db


def _doc(name="secret.pdf"):
    return Document.objects.create(title=name, file=ContentFile(b"%PDF-1.4 secret", name=name))


@pytest.fixture
def members_lesson(course_builder):
    course, lessons = course_builder(access_level="members", title="Probes", slug="probes")
    document = _doc()
    lesson = LessonPageFactory(
        parent=lessons[0].get_parent(),
        title="Reading a probe",
        slug="reading-a-probe",
        body=[
            ("paragraph", "<p>Quokkagram strategies are sorted here.</p>"),
            ("document", {"document": document, "label": "The probe"}),
            (
                "check",
                {
                    "question": "What does a probe reveal?",
                    "options": [
                        {"text": "Thinking", "is_correct": True, "feedback": "Zebrafinch feedback"},
                        {"text": "Answers", "is_correct": False, "feedback": "No"},
                    ],
                },
            ),
        ],
    )
    return course, lesson, document


# --- attendees by e-mail ---
def test_unverified_signup_with_an_attendees_address_gets_no_meeting_link(make_event, client):
    leader = UserFactory()
    event = make_event(capacity=10, format="virtual", virtual_link="https://meet.example/zzz-secret")
    registration = event_services.registration_create(
        event=event,
        purchaser=leader,
        attendees=[
            {"name": "Ana", "email": "ana@school.example", "role": ""},
            {"name": leader.get_full_name(), "email": leader.email, "role": ""},
        ],
    )
    assert registration.status == Registration.Status.CONFIRMED
    squatter = UserFactory(email="ana@school.example", verified=False)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    client.force_login(squatter)
    assert "zzz-secret" not in client.get(event.url).content.decode()
    assert client.get(reverse("events:registration_ics", args=[registration.pk])).status_code == 404
    # Once Ana verifies her address, the seat is hers.
    EmailAddress.objects.filter(user=squatter).update(verified=True)
    assert client.get(reverse("events:registration_ics", args=[registration.pk])).status_code == 200


# --- documents ---
def test_unpublishing_a_lesson_keeps_its_files_gated(members_lesson, client):
    _, lesson, document = members_lesson
    lesson.unpublish()
    response = client.get(document.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(document.url).status_code == 403
    client.force_login(EditorFactory())
    assert client.get(document.url).status_code == 200


def test_a_file_shared_by_a_free_resource_and_a_members_lesson_follows_the_stricter_rule(
    members_lesson, library, client
):
    from resources.factories import ResourceFileFactory, ResourcePageFactory

    _, _, document = members_lesson
    free = ResourcePageFactory(parent=library, title="Free game", access_level="free")
    ResourceFileFactory(page=free, document=document)
    client.force_login(UserFactory())
    assert client.get(document.url).status_code == 403


def test_lapsed_member_loses_course_files(course_builder, library, client):
    from resources.factories import ResourceFileFactory, ResourcePageFactory

    course, _ = course_builder(access_level="members", title="Members course", slug="members-course")
    resource = ResourcePageFactory(parent=library, title="Course handout", access_level="course")
    resource.courses.add(course)
    resource.save()
    file = ResourceFileFactory(page=resource)
    membership = MembershipFactory()
    course_services.enrollment_create(user=membership.user, course=course)
    from members.access import decide

    assert resource.course_ids() == [course.pk]
    client.force_login(membership.user)
    assert client.get(file.document.url).status_code == 200
    Membership.objects.filter(pk=membership.pk).update(current_period_end=timezone.now() - timedelta(days=30))
    client.force_login(membership.user)
    assert client.get(file.document.url).status_code == 403
    assert not decide(membership.user, level="course", course_ids=[course.pk])


# --- invitations ---
def test_removed_teacher_cannot_rejoin_with_her_old_token():
    license_ = SeatLicenseFactory(seats=5)
    teacher = UserFactory(email="t@district.example")
    invitation = Invitation.objects.create(organization=license_.organization, email=teacher.email)
    member = member_services.invitation_accept(invitation=invitation, user=teacher)
    member_services.organization_member_remove(member=member)
    assert not Invitation.objects.filter(token=invitation.token).exists()
    assert not OrganizationMember.objects.filter(user=teacher).exists()


def test_invitation_to_a_is_refused_to_b(client):
    license_ = SeatLicenseFactory(seats=5)
    invitation = Invitation.objects.create(organization=license_.organization, email="a@district.example")
    other = UserFactory(email="b@elsewhere.example")
    client.force_login(other)
    response = client.post(reverse("members:invitation_accept", args=[invitation.token]))
    assert response.status_code == 409
    assert not OrganizationMember.objects.filter(user=other).exists()
    # Even an account holding the address unverified is refused.
    unverified = UserFactory(email="a@district.example", verified=False)
    with pytest.raises(member_services.SeatError):
        member_services.invitation_accept(invitation=invitation, user=unverified)


# --- group registration ---
def test_free_account_cannot_fill_a_workshop_with_invented_attendees(make_event, client, settings):
    settings.EVENT_GROUP_SEATS_PER_ACCOUNT = 5
    event = make_event(capacity=98)
    user = UserFactory()
    client.force_login(user)
    data = {"kind": "group", "payment_method": "free", "attendee-TOTAL_FORMS": "60", "attendee-INITIAL_FORMS": "0"}
    for i in range(60):
        data[f"attendee-{i}-name"] = f"Person {i}"
        data[f"attendee-{i}-email"] = f"p{i}@invented.example"
    for _ in range(2):
        response = client.post(reverse("events:register", args=[event.pk]) + "?seats=60", data)
        assert response.status_code == 400
    assert not Registration.objects.filter(event=event).exists()
    page = client.get(reverse("events:register", args=[event.pk])).content.decode()
    assert "up to 5 people" in page and "district leader" in page


def test_a_district_leader_registers_a_large_group(make_event, client, settings):
    settings.EVENT_GROUP_SEATS_PER_ACCOUNT = 5
    event = make_event(capacity=98)
    leader = OrganizationMemberFactory(role=OrganizationMember.OrgRole.LEADER).user
    from events.selectors import group_seat_allowance

    assert group_seat_allowance(user=leader, event=event) is None
    assert group_seat_allowance(user=UserFactory(), event=event) == 5


# --- staff shortcut ---
def test_editor_without_permissions_is_refused_staff_actions(client, make_event):
    org = SeatLicenseFactory().organization
    buyer = UserFactory()
    event = make_event(capacity=10)
    registration = event_services.registration_create(event=event, purchaser=buyer)
    certificate = Certificate.objects.create(
        user=buyer,
        code="CERT-HOLE-1",
        learner_name="B",
        course_title="A course",
        pd_hours=1,
        completed_on=timezone.localdate(),
    )
    editor = EditorFactory()
    client.force_login(editor)
    assert client.get(reverse("members:district_dashboard", args=[org.pk])).status_code == 403
    assert client.get(reverse("events:registration_invoice", args=[registration.pk])).status_code == 404
    assert client.get(reverse("events:registration_detail", args=[registration.pk])).status_code == 404
    client.post(reverse("events:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert client.get(reverse("courses:certificate_pdf", args=[certificate.code])).status_code == 403
    # With the named permissions (a Moderator), the same requests pass.
    client.force_login(StaffFactory())
    assert client.get(reverse("members:district_dashboard", args=[org.pk])).status_code == 200
    assert client.get(reverse("events:registration_detail", args=[registration.pk])).status_code == 200


def test_staff_actions_appear_in_wagtails_group_editor():
    from wagtail import hooks

    from members.access import StaffAction

    registered = set()
    for fn in hooks.get_hooks("register_permissions"):
        registered |= {f"{p.content_type.app_label}.{p.codename}" for p in fn()}
    assert {a.value for a in StaffAction} <= registered


def test_setup_editorial_gives_moderators_every_staff_action_and_editors_none_of_the_acting_ones(home_page):
    from django.contrib.auth.models import Group

    from home.services import editorial_workflow_setup
    from members.access import StaffAction, staff_can

    editorial_workflow_setup()
    moderator, editor = UserFactory(), UserFactory()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor.groups.add(Group.objects.get(name="Editors"))
    assert all(staff_can(moderator, a) for a in StaffAction)
    assert staff_can(editor, StaffAction.ENROLLMENT_REPORTS)
    assert not staff_can(editor, StaffAction.MANAGE_REGISTRATIONS)
    assert not staff_can(editor, StaffAction.ANY_DISTRICT)


def test_staff_without_mfa_get_no_staff_rights_when_mfa_is_required(settings):
    from members.access import StaffAction, is_staff_user, staff_can

    settings.STAFF_MFA_REQUIRED = True
    staff = StaffFactory()
    assert not is_staff_user(staff) and not staff_can(staff, StaffAction.ANY_DISTRICT)


def test_editor_preview_of_her_gated_lesson_shows_files(members_lesson):
    _, lesson, document = members_lesson
    editor = EditorFactory()
    assert not editor.is_staff
    assert lesson.document_access_decision(editor)


# --- drip ---
def test_reflection_on_a_lesson_that_opens_next_week_is_refused(course_builder, client):
    course, lessons = course_builder(access_level="free", title="Drip", slug="drip")
    module = lessons[-1].get_parent()
    module.release_after_days = 7
    module.save_revision().publish()
    lesson = LessonPageFactory(parent=module, title="Later", slug="later", body=[reflection_block()])
    block_id = next(b.id for b in lesson.body if b.block_type == "reflection")
    user = UserFactory()
    course_services.enrollment_create(user=user, course=course)
    client.force_login(user)
    client.post(reverse("courses:reflection_save", args=[lesson.pk, block_id]), {"text": "Early words"})
    assert not ReflectionResponse.objects.filter(user=user).exists()
    with pytest.raises(course_services.ProgressError):
        course_services.reflection_save(user=user, lesson=lesson, block_id=block_id, text="Early words")


# --- search ---
@pytest.mark.parametrize("word", ["Quokkagram", "Zebrafinch"])
def test_search_never_matches_gated_lesson_text_for_visitors(members_lesson, client, word):
    _, lesson, _ = members_lesson
    assert lesson.title not in client.get("/search/", {"q": word}).content.decode()
    client.force_login(UserFactory())
    assert lesson.title not in client.get("/search/", {"q": word}).content.decode()
    # The title stays findable (it is in every course outline), and members find the body.
    assert lesson.title in client.get("/search/", {"q": "Reading a probe"}).content.decode()


def test_member_finds_the_lesson_by_its_body(members_lesson, client):
    course, lesson, _ = members_lesson
    member = MembershipFactory().user
    course_services.enrollment_create(user=member, course=course)
    client.force_login(member)
    assert lesson.title in client.get("/search/", {"q": "Quokkagram"}).content.decode()


# --- transcript ---
def test_three_transcript_pdf_gets_issue_one_code(client):
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        assert client.get(reverse("members:transcript_pdf")).status_code == 200
    assert TranscriptRecord.objects.filter(user=user).count() == 1


# --- CSP ---
def test_responses_carry_a_csp_without_unsafe_inline_scripts_on_public_pages(client, home_page):
    header = client.get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in header.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert "Content-Security-Policy" in client.get("/admin/").headers


def test_production_settings_send_the_csp_header():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "learn.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(['aln_site.csp.SiteCSPMiddleware' in s.MIDDLEWARE,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']]))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "[true, [\"'self'\"]]", result.stderr


def test_no_template_carries_an_inline_script_or_event_handler():
    """CSP refuses inline scripts: a template with one would break silently in production."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
