"""The access matrix, generated from the URL resolver and the page models.

Every URL pattern of the site that takes an id, code or token (outside the admin surfaces and
allauth's own keys) and every page type with an access level is requested as each of seven
roles. The table below says what each role must get. A new URL pattern or page type without a
row fails `test_every_pattern_and_page_type_has_a_row`, so nobody adds a door without deciding
who may pass it.

Outcomes: ok (200), login (redirect to sign in), deny (403/404: not yours, not allowed),
post (405: GET refused, the view only takes POST), gone (302 elsewhere: e.g. a form page that
sends people back to the page they came from).
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Page

from courses import services as course_services
from courses.factories import LessonPageFactory, reflection_block
from courses.models import Certificate
from events import services as event_services
from members import email_preferences
from members import services as member_services
from members.factories import (
    EditorFactory,
    MembershipFactory,
    OrganizationMemberFactory,
    SeatLicenseFactory,
    StaffFactory,
    UserFactory,
)
from members.models import Invitation, OrganizationMember

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "free", "member", "seat_other", "leader_other", "editor", "moderator"]
SKIPPED_PREFIXES = ("admin/", "django-admin/", "accounts/", "_util/")

# route -> outcome per role, in ROLES order.
#                                                               anon     free    member  seat_o  lead_o  editor  moder
DOCUMENT_SERVE = r"documents/^(\d+)/(.*)$"  # Wagtail's document serve view (a regex route)
PAGE_SERVE = r"^((?:[\w\-]+/)*)$"  # Wagtail's page catch-all: the page types are the matrix's second half
URL_EXPECTED = {
    "district/<id:org_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "district/<id:org_id>/export.csv": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "district/<id:org_id>/settings/": ("login", "post", "post", "post", "post", "post", "post"),
    "district/<id:org_id>/invitations/<id:job_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "district/<id:org_id>/members/<id:member_id>/remove/": ("login", "post", "post", "post", "post", "post", "post"),
    "district/<id:org_id>/teachers/<id:user_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "district/<id:org_id>/pending-invitations/<id:invitation_id>/resend/": (
        "login",
        "post",
        "post",
        "post",
        "post",
        "post",
        "post",
    ),
    "district/<id:org_id>/pending-invitations/<id:invitation_id>/revoke/": (
        "login",
        "post",
        "post",
        "post",
        "post",
        "post",
        "post",
    ),
    "district/<id:org_id>/members/<id:member_id>/coach/": ("login", "post", "post", "post", "post", "post", "post"),
    "district/join/<str:token>/": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # Student work and everything written about it: the owner's (and a coach she shared with) only; staff too
    # are refused. The owner is not one of the roles, so every role is refused.
    "inquiry/sorts/<id:sort_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "inquiry/sorts/<id:sort_id>/summary/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "inquiry/sorts/<id:sort_id>/cycle/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "inquiry/sorts/<id:sort_id>/upload/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/sorts/<id:sort_id>/move/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/sorts/<id:sort_id>/piles/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/sorts/<id:sort_id>/delete/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/pieces/<id:piece_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "inquiry/pieces/<id:piece_id>/edit/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/cycles/<id:cycle_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "inquiry/cycles/<id:cycle_id>/share/": ("login", "post", "post", "post", "post", "post", "post"),
    "inquiry/cycles/<id:cycle_id>/delete/": ("login", "post", "post", "post", "post", "post", "post"),
    # The owner shared this finished cycle with the network: anonymised, for every signed-in person.
    "inquiry/shared/<id:cycle_id>/": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    "inquiry/share/<id:share_id>/": ("login", "deny", "deny", "deny", "deny", "deny", "deny"),
    "transcripts/verify/<str:code>/": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # The signed link in an e-mail is the key: whoever holds it may change that address's optional e-mail.
    "email-preferences/<str:email_token>/": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "email-preferences/<str:email_token>/unsubscribe/": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "courses/<id:course_id>/enroll/": ("post", "post", "post", "post", "post", "post", "post"),
    "courses/<id:course_id>/buy/": ("post", "post", "post", "post", "post", "post", "post"),
    "courses/<id:course_id>/completed/": ("login", "gone", "gone", "gone", "gone", "gone", "gone"),
    "courses/<id:course_id>/reset/": ("login", "deny", "ok", "ok", "ok", "deny", "deny"),
    "lessons/<id:lesson_id>/complete/": ("post", "post", "post", "post", "post", "post", "post"),
    "lessons/<id:lesson_id>/check/<str:block_id>/": ("post", "post", "post", "post", "post", "post", "post"),
    "lessons/<id:lesson_id>/reflection/<str:block_id>/": ("post", "post", "post", "post", "post", "post", "post"),
    "certificates/<str:code>/": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "certificates/<str:code>/pdf/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "my-library/save/<id:page_id>/": ("post", "post", "post", "post", "post", "post", "post"),
    "my-library/remove/<id:page_id>/": ("post", "post", "post", "post", "post", "post", "post"),
    "workshop-registration/<id:event_id>/": ("login", "ok", "ok", "ok", "ok", "ok", "ok"),
    "workshop-registration/<id:event_id>/calendar.ics": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "my-workshops/<id:pk>/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "my-workshops/<id:pk>/pay/": ("login", "post", "post", "post", "post", "post", "post"),
    "my-workshops/<id:pk>/accept/": ("login", "post", "post", "post", "post", "post", "post"),
    # GET asks for confirmation (the buyer, or staff who may cancel); the POST cancels.
    "my-workshops/<id:pk>/cancel/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "my-workshops/<id:pk>/attendees/": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "my-workshops/<id:pk>/invoice.pdf": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    "my-workshops/<id:pk>/calendar.ics": ("login", "deny", "deny", "deny", "deny", "deny", "ok"),
    DOCUMENT_SERVE: ("login", "deny", "ok", "ok", "ok", "ok", "ok"),
    "documents/authenticate_with_password/<int:restriction_id>/": (
        "deny",
        "deny",
        "deny",
        "deny",
        "deny",
        "deny",
        "deny",
    ),
}

# Page types with an access level: a members-level (or members-course) page of each type.
#                          anon     free    member  seat_o  lead_o  editor  moder
PAGE_EXPECTED = {
    "courses.CoursePage": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),  # the overview is public; the CTA differs
    "courses.LessonPage": (
        "deny",
        "deny",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
    ),  # needs an enrollment that still grants access
    "resources.ResourcePage": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),  # the page is a teaser; files are gated
    "events.EventPage": ("ok", "ok", "ok", "ok", "ok", "ok", "ok"),  # the page is public; link and recording are gated
}

# The gated part of each page type, checked in the page's HTML for the roles that must not see it.
#                          anon free member seat_o lead_o editor moder  (1 = sees the secret)
PAGE_SECRET_EXPECTED = {
    "courses.CoursePage": (0, 0, 0, 0, 0, 0, 0),
    "courses.LessonPage": (0, 0, 1, 1, 1, 1, 1),
    "resources.ResourcePage": (0, 0, 1, 1, 1, 1, 1),
    "events.EventPage": (0, 0, 0, 0, 0, 1, 1),
}


def _routes():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return sorted(
        {r for r in walk(get_resolver().url_patterns) if ("<" in r or "(" in r) and not r.startswith(SKIPPED_PREFIXES)}
        - {PAGE_SERVE}
    )


def _gated_page_types():
    found = set()
    for model in apps.get_models():
        if issubclass(model, Page) and model is not Page:
            fields = {f.name for f in model._meta.get_fields()}
            if "access_level" in fields or hasattr(model, "document_access_decision"):
                found.add(model._meta.label)
    return found


def test_every_pattern_and_page_type_has_a_row():
    routes = set(_routes())
    assert routes == set(URL_EXPECTED), (
        f"add a row to URL_EXPECTED for each new pattern: {sorted(routes - set(URL_EXPECTED))}; "
        f"remove rows of patterns that are gone: {sorted(set(URL_EXPECTED) - routes)}"
    )
    assert _gated_page_types() == set(PAGE_EXPECTED) == set(PAGE_SECRET_EXPECTED)


@pytest.fixture
def world(home_page, course_builder, library, make_event):
    from resources.factories import ResourceFileFactory, ResourcePageFactory

    district = SeatLicenseFactory(seats=10).organization
    other = SeatLicenseFactory(seats=10).organization
    owner = MembershipFactory(user__email="owner@district.example").user
    owner_seat = OrganizationMemberFactory(organization=district, user=owner)
    users = {
        "anonymous": None,
        "free": UserFactory(),
        "member": MembershipFactory().user,
        "seat_other": OrganizationMemberFactory(organization=other).user,
        "leader_other": OrganizationMemberFactory(organization=other, role=OrganizationMember.OrgRole.LEADER).user,
        "editor": EditorFactory(),
        "moderator": StaffFactory(),
    }
    course, lessons = course_builder(access_level="members", title="Members course", slug="members-course")
    secret_doc = Document.objects.create(title="Secret probe", file=ContentFile(b"probe", name="probe.pdf"))
    lesson = LessonPageFactory(
        parent=lessons[0].get_parent(),
        title="Gated lesson",
        slug="gated-lesson",
        body=[
            ("paragraph", "<p>LESSON-SECRET</p>"),
            ("document", {"document": secret_doc, "label": "p"}),
            reflection_block(),
        ],
    )
    block_id = next(b.id for b in lesson.body if b.block_type == "reflection")
    for who in ("member", "seat_other", "leader_other"):
        course_services.enrollment_create(user=users[who], course=course)
    resource = ResourcePageFactory(parent=library, title="Members resource", access_level="members")
    resource_file = ResourceFileFactory(page=resource, document__title="RESOURCE-SECRET")
    resource.save()
    event = make_event(capacity=20, virtual_link="https://meet.example.org/EVENT-SECRET")
    registration = event_services.registration_create(event=event, purchaser=owner)
    # Marked as an invoice registration so its invoice URL has something to refuse or serve.
    registration.payment_method = "invoice"
    registration.save(update_fields=["payment_method"])
    certificate = Certificate.objects.create(
        user=owner,
        code="MATRIX-CERT",
        learner_name="Owner",
        course_title="C",
        pd_hours=1,
        completed_on=timezone.localdate(),
    )
    record = member_services.transcript_record_for(user=owner, holder_name="Owner", lines=[], total_hours=0)
    invitation = Invitation.objects.create(organization=district, email="newhire@district.example")
    invitation_file = member_services.invitation_import_create(
        organization=district, uploaded_by=owner, rows=[["newhire@district.example"]]
    )

    from inquiry import services as inquiry_services
    from inquiry.factories import CycleTypeFactory, PieceFactory, SortFactory

    sort = SortFactory(owner=owner, organization=district)
    piece = PieceFactory(sort=sort)
    follow_up = SortFactory(owner=owner, organization=district, concept=sort.concept)
    cycle = inquiry_services.cycle_create(
        owner=owner, question="MATRIX question", baseline=sort, cycle_type=CycleTypeFactory()
    )
    inquiry_services.cycle_update(cycle=cycle, practice="p", result="r", follow_up=follow_up)
    inquiry_services.cycle_finish(cycle=cycle)
    inquiry_services.cycle_set_sharing(cycle=cycle, sharing="network")
    coach = OrganizationMemberFactory(organization=district, role=OrganizationMember.OrgRole.COACH).user
    share = inquiry_services.share_create(owner=owner, coach=coach, sort=sort)

    values = {
        "sort_id": sort.pk,
        "piece_id": piece.pk,
        "cycle_id": cycle.pk,
        "share_id": share.pk,
        "org_id": district.pk,
        "member_id": owner_seat.pk,
        "user_id": owner.pk,
        "invitation_id": invitation.pk,
        "token": invitation.token,
        "email_token": email_preferences.link_token(owner.email, email_preferences.REMINDERS),
        "job_id": invitation_file.pk,
        "code": None,  # depends on the route
        "course_id": course.pk,
        "lesson_id": lesson.pk,
        "block_id": block_id,
        "page_id": resource.pk,
        "event_id": event.pk,
        "pk": registration.pk,
        "document_id": secret_doc.pk,
        "document_filename": "probe.pdf",
        "restriction_id": 1,
    }
    pages = {
        "courses.CoursePage": (course, "LESSON-SECRET"),
        "courses.LessonPage": (lesson, "LESSON-SECRET"),
        "resources.ResourcePage": (resource, resource_file.document.url),
        "events.EventPage": (event, "EVENT-SECRET"),
    }
    return {"users": users, "values": values, "certificate": certificate, "record": record, "pages": pages}


def _url(route, world):
    import re

    values = dict(world["values"])
    values["code"] = world["certificate"].code if route.startswith("certificates/") else world["record"].code
    if route == DOCUMENT_SERVE:
        return f"/documents/{values['document_id']}/{values['document_filename']}"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _outcome(response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 405:
        return "post"
    if response.status_code in (403, 404):
        return "deny"
    if response.status_code in (301, 302, 303):
        return "login" if "/accounts/login/" in response["Location"] else "gone"
    return str(response.status_code)


def _client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_access_matrix_over_urls_and_roles(world, client):
    got, expected = {}, {}
    for route, row in URL_EXPECTED.items():
        for role, want in zip(ROLES, row, strict=True):
            response = _client_for(client, world["users"][role]).get(_url(route, world))
            got[(route, role)] = _outcome(response)
            expected[(route, role)] = want
    mismatches = {k: (expected[k], got[k]) for k in got if got[k] != expected[k]}
    print(f"access matrix: {len(URL_EXPECTED)} URL patterns x {len(ROLES)} roles = {len(got)} requests")
    assert not mismatches, "\n".join(f"{k}: expected {v[0]}, got {v[1]}" for k, v in sorted(mismatches.items()))


def test_access_matrix_over_page_types_and_roles(world, client):
    mismatches = {}
    for label, (page, secret) in world["pages"].items():
        for i, role in enumerate(ROLES):
            response = _client_for(client, world["users"][role]).get(page.url)
            outcome = _outcome(response)
            if outcome == "deny" or response.status_code == 200:
                sees = secret in response.content.decode()
            else:
                sees = False
            want = (PAGE_EXPECTED[label][i], PAGE_SECRET_EXPECTED[label][i])
            if (outcome if outcome != "deny" or response.status_code != 403 else "deny", int(sees)) != want:
                mismatches[(label, role)] = (want, (outcome, int(sees)))
    print(f"page matrix: {len(PAGE_EXPECTED)} page types x {len(ROLES)} roles = {len(PAGE_EXPECTED) * len(ROLES)}")
    assert mismatches == {}, "(page type, role): ((expected outcome, sees secret), got)"


def test_lapsed_members_enrollment_does_not_open_the_lesson(world, client):
    from members.models import Membership

    member = world["users"]["member"]
    Membership.objects.filter(user=member).update(current_period_end=timezone.now() - timedelta(days=40))
    lesson = world["pages"]["courses.LessonPage"][0]
    assert _client_for(client, member).get(lesson.url).status_code == 403
    assert EmailAddress.objects.filter(user=member, verified=True).exists()
