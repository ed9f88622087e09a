"""The one access service: may this user see, enroll in or download this?

Every app asks here; nothing else decides access. Entitlements are loaded once per
user object (i.e. once per request) and each set is loaded lazily, so a listing of
fifty items costs the same handful of queries as a listing of one.

Levels:
- free: any signed-in account
- members: an active membership, a district seat, or a purchase of that page
- paid: a purchase of that page (staff may also grant an enrollment)
- course: enrolled in one of the linked courses (members always pass)

Staff (is_staff) pass every check so editors can preview gated content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone


class AccessLevel(models.TextChoices):
    FREE = "free", "Free with an account"
    MEMBERS = "members", "Members only"
    PAID = "paid", "Sold separately"
    COURSE = "course", "Course participants"


class Reason(models.TextChoices):
    OK = "ok", "Allowed"
    LOGIN = "login", "Sign in required"
    MEMBERSHIP = "membership", "Membership required"
    PURCHASE = "purchase", "Purchase required"
    ENROLLMENT = "enrollment", "Enrollment required"
    REGISTRATION = "registration", "Registration required"
    FORBIDDEN = "forbidden", "Not allowed"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = Reason.OK
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def join_url(self) -> str:
        """Where to send someone who was refused, to get in."""
        if self.reason == Reason.LOGIN:
            return reverse("account_login")
        if self.reason == Reason.MEMBERSHIP:
            return reverse("members:join")
        return ""


ALLOW = Decision(True)
_LOGIN = Decision(False, Reason.LOGIN, "Sign in or create a free account to continue.")
_MEMBERSHIP = Decision(
    False,
    Reason.MEMBERSHIP,
    "This is for members. Join as an individual, or ask your district about a seat.",
)


class Entitlements:
    """What one user holds, loaded lazily and at most once per set."""

    def __init__(self, user):
        self.user = user
        self.is_authenticated = bool(user and user.is_authenticated)
        self.is_staff = self.is_authenticated and user.is_staff

    # --- membership ---
    @cached_property
    def active_membership(self):
        if not self.is_authenticated:
            return None
        Membership = apps.get_model("members", "Membership")
        return (
            Membership.objects.filter(Membership.access_q(), user=self.user)
            .select_related("plan")
            .order_by("-current_period_end")
            .first()
        )

    @cached_property
    def seat_membership(self):
        """The organization membership that gives this user a seat under a current license."""
        if not self.is_authenticated:
            return None
        OrganizationMember = apps.get_model("members", "OrganizationMember")
        today = timezone.localdate()
        return (
            OrganizationMember.objects.filter(
                user=self.user,
                has_seat=True,
                organization__licenses__starts__lte=today,
                organization__licenses__ends__gte=today,
            )
            .select_related("organization")
            .first()
        )

    @property
    def is_member(self) -> bool:
        return bool(self.active_membership or self.seat_membership)

    @cached_property
    def leader_organization_ids(self) -> frozenset[int]:
        if not self.is_authenticated:
            return frozenset()
        OrganizationMember = apps.get_model("members", "OrganizationMember")
        return frozenset(
            OrganizationMember.objects.filter(user=self.user, role="leader").values_list("organization_id", flat=True)
        )

    # --- purchases, enrollments, registrations ---
    @cached_property
    def purchased_page_ids(self) -> frozenset[int]:
        if not self.is_authenticated:
            return frozenset()
        Order = apps.get_model("members", "Order")
        return frozenset(
            Order.objects.filter(user=self.user, status=Order.Status.PAID, page__isnull=False).values_list(
                "page_id", flat=True
            )
        )

    @cached_property
    def enrollments(self) -> dict[int, object]:
        """course page id -> Enrollment (the courses app defines Enrollment(user, course, source))."""
        if not self.is_authenticated:
            return {}
        try:
            Enrollment = apps.get_model("courses", "Enrollment")
        except LookupError:
            return {}
        return {e.course_id: e for e in Enrollment.objects.filter(user=self.user)}

    @cached_property
    def confirmed_event_ids(self) -> frozenset[int]:
        """Events this user holds a confirmed seat for, as buyer or named attendee."""
        if not self.is_authenticated:
            return frozenset()
        try:
            from events.selectors import confirmed_event_ids_for_user
        except ImportError:
            return frozenset()
        return frozenset(confirmed_event_ids_for_user(user=self.user))


def entitlements_for(user) -> Entitlements:
    """Entitlements cached on the user object, so once per request."""
    if user is None or not user.is_authenticated:
        return Entitlements(user)
    cached = getattr(user, "_aln_entitlements", None)
    if cached is None:
        cached = Entitlements(user)
        user._aln_entitlements = cached
    return cached


def refresh_entitlements(user) -> None:
    """Forget cached entitlements after a write that changes them (enroll, pay, join)."""
    if user is not None and hasattr(user, "_aln_entitlements"):
        del user._aln_entitlements


# --- the rule itself ---
def decide(user, *, level: str, page_id: int | None = None, course_ids: Iterable[int] = ()) -> Decision:
    """The core rule every gated thing reduces to."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_staff:
        return ALLOW
    if level == AccessLevel.FREE:
        return ALLOW
    # Members are the common case for member content: ask about membership before purchases.
    if level in (AccessLevel.MEMBERS, AccessLevel.COURSE) and ent.is_member:
        return ALLOW
    if page_id is not None and page_id in ent.purchased_page_ids:
        return ALLOW
    if level == AccessLevel.MEMBERS:
        return _MEMBERSHIP
    if level == AccessLevel.PAID:
        return Decision(False, Reason.PURCHASE, "This is sold separately. Buy it to get access.")
    if level == AccessLevel.COURSE:
        course_ids = list(course_ids)
        if any(cid in ent.enrollments for cid in course_ids):
            return ALLOW
        return Decision(False, Reason.ENROLLMENT, "This material comes with a course. Enroll in the course to use it.")
    return Decision(False, Reason.FORBIDDEN, "You do not have access to this.")


def can_enroll(user, course) -> Decision:
    """May this user enroll in (or keep using) the course? Prerequisites are the courses app's rule."""
    return decide(user, level=course.access_level, page_id=course.pk)


def can_view_lesson(user, lesson, course) -> Decision:
    """Lesson bodies need an enrollment that still grants access (a lapsed membership locks member courses)."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_staff:
        return ALLOW
    enrollment = ent.enrollments.get(course.pk)
    if enrollment is None:
        # Say what stands in the way first: membership or a purchase before enrolling.
        may_enroll = can_enroll(user, course)
        if not may_enroll:
            return may_enroll
        return Decision(False, Reason.ENROLLMENT, "Enroll in this course to open its lessons.")
    if getattr(enrollment, "source", "") == "staff_grant":
        return ALLOW
    return can_enroll(user, course)


def can_download_document(user, document) -> Decision | None:
    """Apply the access of every live page that uses the document.

    Returns None when no gated page uses it (Wagtail's collection privacy then applies).
    A document is allowed when any page that uses it allows this user.
    """
    from wagtail.models import Page, ReferenceIndex

    page_ct_ids = _page_content_type_ids()
    refs = ReferenceIndex.get_references_to(document).filter(base_content_type_id__in=page_ct_ids)
    page_ids = {int(pk) for pk in refs.values_list("object_id", flat=True)}
    if not page_ids:
        return None
    pages = [p.specific for p in Page.objects.filter(pk__in=page_ids).live()]
    # Page types that gate the files they use define document_access_decision(user).
    gated = [p for p in pages if hasattr(p, "document_access_decision")]
    if not gated:
        return None
    decisions = [p.document_access_decision(user) for p in gated]
    for decision in decisions:
        if decision.allowed:
            return decision
    # Prefer the most helpful refusal: signing in first, then membership.
    order = [Reason.LOGIN, Reason.MEMBERSHIP, Reason.ENROLLMENT, Reason.PURCHASE]
    decisions.sort(key=lambda d: order.index(d.reason) if d.reason in order else len(order))
    return decisions[0]


def _page_content_type_ids() -> list[int]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    return [ContentType.objects.get_for_model(Page).pk]


def can_view_recording(user, event) -> Decision:
    """Recordings of past workshops: registrants of that event and members."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_staff or ent.is_member or event.pk in ent.confirmed_event_ids:
        return ALLOW
    return Decision(False, Reason.MEMBERSHIP, "Recordings are for the workshop's participants and for members.")


def can_see_virtual_link(user, event) -> Decision:
    """The meeting link is for confirmed registrants only (and staff running the event)."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_staff or event.pk in ent.confirmed_event_ids:
        return ALLOW
    return Decision(False, Reason.REGISTRATION, "The meeting link is sent to registered participants.")


def can_view_organization(user, organization) -> Decision:
    """District dashboards: that organization's leaders, and staff."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_staff or organization.pk in ent.leader_organization_ids:
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "Only this organization's leaders can see its dashboard.")
