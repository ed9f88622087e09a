"""The access service over a matrix of people and gated things.

Courses and events are tiny stand-ins (a real page for the id, plus the attributes
the access service reads); the courses and events apps test their own pages.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.models import Page

from events.rules import can_see_meeting_link
from members import access
from members.factories import (
    MembershipFactory,
    OrderFactory,
    OrganizationMemberFactory,
    SeatLicenseFactory,
    StaffFactory,
    UserFactory,
)
from members.models import Membership, Order, OrganizationMember

pytestmark = pytest.mark.django_db

OBJECTS = ["free_course", "members_course", "paid_course", "course_resource", "recording", "virtual_link", "dashboard"]

#                     free  members paid  c.res  rec    link   dash
EXPECTED = {
    "anonymous": (0, 0, 0, 0, 0, 0, 0),
    "free": (1, 0, 0, 0, 0, 0, 0),
    "member": (1, 1, 0, 1, 1, 0, 0),
    "lapsed_member": (1, 0, 0, 0, 0, 0, 0),
    "cancelled_member": (1, 0, 0, 0, 0, 0, 0),
    "past_due_in_grace": (1, 1, 0, 1, 1, 0, 0),
    "past_due_after_grace": (1, 0, 0, 0, 0, 0, 0),
    "district_seat": (1, 1, 0, 1, 1, 0, 0),
    "expired_license": (1, 0, 0, 0, 0, 0, 0),
    "leader": (1, 1, 0, 1, 1, 0, 1),
    "other_leader": (1, 1, 0, 1, 1, 0, 0),
    "purchaser": (1, 0, 1, 0, 0, 0, 0),
    "refunded_purchaser": (1, 0, 0, 0, 0, 0, 0),
    "registrant": (1, 0, 0, 0, 1, 1, 0),
    "staff": (1, 1, 1, 1, 1, 1, 1),
}


def _page(parent, title):
    return parent.add_child(instance=Page(title=title, slug=title.lower().replace(" ", "-")))


@pytest.fixture
def world(db, settings):
    now = timezone.now()
    grace = timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    root = Page.get_first_root_node()
    courses = {
        level: SimpleNamespace(pk=_page(root, f"{level} course").pk, access_level=level)
        for level in ("free", "members", "paid")
    }
    event = SimpleNamespace(pk=_page(root, "Spring workshop").pk)
    license_ = SeatLicenseFactory(seats=10)
    org = license_.organization
    other_org = SeatLicenseFactory(seats=10).organization
    expired_org = SeatLicenseFactory(
        starts=timezone.localdate() - timedelta(days=400), ends=timezone.localdate() - timedelta(days=1)
    ).organization

    users = {"anonymous": AnonymousUser(), "free": UserFactory(), "staff": StaffFactory()}
    users["member"] = MembershipFactory().user
    users["lapsed_member"] = MembershipFactory(current_period_end=now - timedelta(minutes=1)).user
    users["cancelled_member"] = MembershipFactory(status=Membership.Status.CANCELED).user
    users["past_due_in_grace"] = MembershipFactory(
        status=Membership.Status.PAST_DUE, past_due_since=now - grace + timedelta(hours=1)
    ).user
    users["past_due_after_grace"] = MembershipFactory(
        status=Membership.Status.PAST_DUE, past_due_since=now - grace - timedelta(hours=1)
    ).user
    users["district_seat"] = OrganizationMemberFactory(organization=org).user
    users["expired_license"] = OrganizationMemberFactory(organization=expired_org).user
    users["leader"] = OrganizationMemberFactory(organization=org, role=OrganizationMember.OrgRole.LEADER).user
    users["other_leader"] = OrganizationMemberFactory(
        organization=other_org, role=OrganizationMember.OrgRole.LEADER
    ).user
    users["purchaser"] = OrderFactory(status=Order.Status.PAID, page_id=courses["paid"].pk).user
    users["refunded_purchaser"] = OrderFactory(status=Order.Status.REFUNDED, page_id=courses["paid"].pk).user
    registrant = UserFactory()
    registrant._test_confirmed_event_ids = {event.pk}
    users["registrant"] = registrant
    return SimpleNamespace(users=users, courses=courses, event=event, org=org)


def _ask(user, what, world):
    c = world.courses
    if what.endswith("_course"):
        return access.can_enroll(user, c[what.removesuffix("_course")])
    if what == "course_resource":
        return access.decide(user, level=access.AccessLevel.COURSE, course_ids=[c["members"].pk])
    if what == "recording":
        return access.can_view_recording(user, world.event)
    if what == "virtual_link":
        return can_see_meeting_link(user, world.event)
    return access.can_view_organization(user, world.org)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_matrix(who, world):
    user = world.users[who]
    if hasattr(user, "_test_confirmed_event_ids"):
        # Registrations belong to the events app; we seed the entitlement it would report.
        access.entitlements_for(user).__dict__["confirmed_event_ids"] = frozenset(user._test_confirmed_event_ids)
    got = tuple(int(bool(_ask(user, what, world))) for what in OBJECTS)
    assert dict(zip(OBJECTS, got, strict=True)) == dict(zip(OBJECTS, EXPECTED[who], strict=True))


def test_refusals_explain_how_to_get_in(world):
    anonymous = access.can_enroll(world.users["anonymous"], world.courses["members"])
    assert anonymous.reason == access.Reason.LOGIN and anonymous.join_url == "/accounts/login/"
    free = access.can_enroll(world.users["free"], world.courses["members"])
    assert free.reason == access.Reason.MEMBERSHIP and free.join_url == "/membership/"
    assert "district" in free.message
    paid = access.can_enroll(world.users["member"], world.courses["paid"])
    assert paid.reason == access.Reason.PURCHASE and paid.message


def test_entitlements_load_once_per_request(world, django_assert_max_num_queries):
    user = world.users["member"]
    access.refresh_entitlements(user)
    with django_assert_max_num_queries(4):
        for _ in range(50):
            for level in ("free", "members", "paid"):
                access.can_enroll(user, world.courses[level])


def test_membership_query_filter_matches_the_python_rule(world):
    granted = set(Membership.objects.filter(Membership.access_q()).values_list("pk", flat=True))
    for membership in Membership.objects.all():
        assert (membership.pk in granted) == membership.grants_access(), membership
