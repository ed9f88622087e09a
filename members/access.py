"""The one access service: may this user see, enroll in or download this?

Every app asks here; nothing else decides access. Entitlements are loaded once per
user object (i.e. once per request) and each set is loaded lazily, so a listing of
fifty items costs the same handful of queries as a listing of one.

Levels:
- free: any signed-in account
- members: an active membership, a district seat, or a purchase of that page
- paid: a purchase of that page (staff may also grant an enrollment)
- course: enrolled in one of the linked courses (members always pass)

What a user holds with a feature app (enrollments, confirmed workshop seats) comes from that app's
entitlement provider: each app registers its providers in `AppConfig.ready()` with `register_provider`,
so this module asks the feature apps without importing them (members sits below them).

Staff pass every content check so editors can preview gated content. "Staff" means Wagtail admin
access (`wagtailadmin.access_admin`), with two-factor authentication set up when STAFF_MFA_REQUIRED
is on; Django's `is_staff` flag means nothing here. Each staff *action* beyond reading content
(reports, any district, any invoice or certificate, cancelling someone else's registration, group
registration without a cap) needs its own named permission: `staff_can(user, StaffAction.X)` is the
one place that asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

# --- entitlement providers ---------------------------------------------------------------------
# name -> callable; each feature app registers its own in AppConfig.ready().
_providers: dict[str, Callable] = {}

ENROLLMENTS = "enrollments"  # courses: (user) -> {course page id: Enrollment(user, course, source)}
ENROLLED_COURSES = "enrolled_courses"  # courses: (course_ids) -> {course page id: live course (access level)}
CONFIRMED_EVENTS = "confirmed_events"  # events: (user) -> event page ids with a confirmed seat for the user


def register_provider(name: str, provider: Callable) -> None:
    """Register what a feature app answers for `name` (one of the names above); the last registration wins."""
    _providers[name] = provider


def provider(name: str) -> Callable | None:
    """The registered provider for `name`, or None while no installed app answers it."""
    return _providers.get(name)


class StaffAction(models.TextChoices):
    """Each staff action and the Wagtail permission it needs (shown in the admin's group editor)."""

    ENROLLMENT_REPORTS = "courses.view_enrollment", "See enrollment and completion reports"
    MANAGE_ENROLLMENTS = "courses.change_enrollment", "Reset or complete a learner's course; revoke certificates"
    DOWNLOAD_REPORTS = "resources.view_downloadlog", "See download and search reports"
    REGISTRATION_REPORTS = "events.view_registration", "See anyone's workshop registrations and invoices"
    MANAGE_REGISTRATIONS = "events.change_registration", "Cancel or change anyone's workshop registration"
    GROUP_REGISTRATION = "events.add_registration", "Register groups of any size for a workshop"
    ANY_DISTRICT = "members.view_organization", "See every district's dashboard and export"
    ANY_CERTIFICATE = "courses.view_certificate", "Download anyone's certificate"
    REISSUE_CERTIFICATE = "courses.reissue_certificate", "Reissue a certificate with a corrected name"
    SET_CYCLE_HOURS = "inquiry.change_cycletype", "Set the PD hours a finished inquiry cycle counts for"


def staff_permission_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) of every staff action, for the group editor (register_permissions hooks)."""
    return [tuple(action.value.split(".", 1)) for action in StaffAction]


def is_staff_user(user) -> bool:
    """Wagtail admin access, and two-factor authentication set up when STAFF_MFA_REQUIRED is on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_aln_is_staff", None)
    if cached is None:
        cached = _has_admin_access(user) and not staff_mfa_missing(user)
        user._aln_is_staff = cached
    return cached


def _has_admin_access(user) -> bool:
    """user.has_perm("wagtailadmin.access_admin") in one query (has_perm loads every permission in two)."""
    if user.is_superuser:
        return True
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        models.Q(user=user) | models.Q(group__user=user),
        content_type__app_label="wagtailadmin",
        codename="access_admin",
    ).exists()


def staff_mfa_missing(user) -> bool:
    """True when the staff rule asks for two-factor authentication and this user has not set it up."""
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings

    return bool(getattr(settings, "STAFF_MFA_REQUIRED", False)) and not is_mfa_enabled(user)


def staff_can(user, action: StaffAction | str) -> bool:
    """The one check for a staff action: a staff user holding that action's named permission."""
    return is_staff_user(user) and user.has_perm(StaffAction(action).value)


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

    @cached_property
    def is_staff(self) -> bool:
        """Asked only when nothing cheaper already allowed: it costs a permission query."""
        return self.is_authenticated and is_staff_user(self.user)

    # --- membership ---
    @cached_property
    def memberships(self) -> list:
        """All of this user's memberships with their plans, newest first (one query; people have a few)."""
        if not self.is_authenticated:
            return []
        Membership = apps.get_model("members", "Membership")
        return list(Membership.objects.filter(user=self.user).select_related("plan").order_by("-created", "-pk"))

    @cached_property
    def active_membership(self):
        """The membership that gives access and runs longest (one without an end first)."""
        now = timezone.now()
        granting = [m for m in self.memberships if m.grants_access(now)]
        if not granting:
            return None
        return max(granting, key=lambda m: (m.current_period_end is None, m.current_period_end or now))

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

    @cached_property
    def coach_organization_ids(self) -> frozenset[int]:
        """Organizations where this user is a coach (named by the district's leader)."""
        if not self.is_authenticated:
            return frozenset()
        OrganizationMember = apps.get_model("members", "OrganizationMember")
        return frozenset(
            OrganizationMember.objects.filter(user=self.user, role="coach").values_list("organization_id", flat=True)
        )

    @cached_property
    def organization_ids(self) -> frozenset[int]:
        """Every organization this user belongs to, in any role."""
        if not self.is_authenticated:
            return frozenset()
        OrganizationMember = apps.get_model("members", "OrganizationMember")
        return frozenset(OrganizationMember.objects.filter(user=self.user).values_list("organization_id", flat=True))

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
        """course page id -> Enrollment, from the courses app's provider."""
        ask = provider(ENROLLMENTS)
        if not self.is_authenticated or ask is None:
            return {}
        return ask(self.user)

    @cached_property
    def courses(self) -> dict[int, object]:
        """course page id -> live course (access level only) for the courses this user is enrolled in."""
        ask = provider(ENROLLED_COURSES)
        if not self.enrollments or ask is None:
            return {}
        return ask(list(self.enrollments))

    @cached_property
    def confirmed_event_ids(self) -> frozenset[int]:
        """Events this user holds a confirmed seat for, as buyer or named attendee (the events app's provider)."""
        ask = provider(CONFIRMED_EVENTS)
        if not self.is_authenticated or ask is None:
            return frozenset()
        return frozenset(ask(self.user))


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
    if user is not None and hasattr(user, "_aln_is_staff"):
        del user._aln_is_staff


# --- the rule itself ---
def decide(user, *, level: str, page_id: int | None = None, course_ids: Iterable[int] = ()) -> Decision:
    """The core rule every gated thing reduces to."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if level == AccessLevel.FREE:
        return ALLOW
    # Members are the common case for member content: ask about membership before purchases.
    if level in (AccessLevel.MEMBERS, AccessLevel.COURSE) and ent.is_member:
        return ALLOW
    if page_id is not None and page_id in ent.purchased_page_ids:
        return ALLOW
    if ent.is_staff:
        return ALLOW
    if level == AccessLevel.MEMBERS:
        return _MEMBERSHIP
    if level == AccessLevel.PAID:
        return Decision(False, Reason.PURCHASE, "This is sold separately. Buy it to get access.")
    if level == AccessLevel.COURSE:
        # An enrollment row is not enough: it must still grant access (a lapsed membership does not).
        if any(_enrollment_grants_access(user, ent, cid) for cid in course_ids):
            return ALLOW
        return Decision(False, Reason.ENROLLMENT, "This material comes with a course. Enroll in the course to use it.")
    return Decision(False, Reason.FORBIDDEN, "You do not have access to this.")


def _enrollment_grants_access(user, ent: Entitlements, course_id: int) -> bool:
    enrollment = ent.enrollments.get(course_id)
    if enrollment is None:
        return False
    if getattr(enrollment, "source", "") == "staff_grant":
        return True
    course = ent.courses.get(course_id)
    return course is not None and bool(can_enroll(user, course))


def can_enroll(user, course) -> Decision:
    """May this user enroll in (or keep using) the course? Prerequisites are the courses app's rule."""
    return decide(user, level=course.access_level, page_id=course.pk)


def can_view_lesson(user, lesson, course) -> Decision:
    """Lesson bodies need an enrollment that still grants access (a lapsed membership locks member courses)."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    enrollment = ent.enrollments.get(course.pk)
    if enrollment is not None and getattr(enrollment, "source", "") == "staff_grant":
        return ALLOW
    if enrollment is not None and can_enroll(user, course):
        return ALLOW
    if ent.is_staff:
        return ALLOW
    if enrollment is None:
        # Say what stands in the way first: membership or a purchase before enrolling.
        may_enroll = can_enroll(user, course)
        if not may_enroll:
            return may_enroll
        return Decision(False, Reason.ENROLLMENT, "Enroll in this course to open its lessons.")
    return can_enroll(user, course)


def can_download_document(user, document) -> Decision | None:
    """Apply the strictest rule of every page that uses the document, live or not.

    Returns None when no gated page uses it (Wagtail's collection privacy then applies).
    A document is allowed only when every gated page that uses it allows this user, so a file
    shared by a free resource and a members' lesson is for members, and unpublishing (or never
    publishing) a gated page never makes its files public. Staff pass, as for the pages.
    """
    from wagtail.models import Page, ReferenceIndex

    page_ct_ids = _page_content_type_ids()
    refs = ReferenceIndex.get_references_to(document).filter(base_content_type_id__in=page_ct_ids)
    page_ids = {int(pk) for pk in refs.values_list("object_id", flat=True)}
    if not page_ids:
        return None
    pages = [p.specific for p in Page.objects.filter(pk__in=page_ids)]
    # Page types that gate the files they use define document_access_decision(user).
    gated = [p for p in pages if hasattr(p, "document_access_decision")]
    if not gated:
        return None
    decisions = [p.document_access_decision(user) for p in gated]
    refusals = [d for d in decisions if not d.allowed]
    if not refusals:
        return ALLOW
    # Prefer the most helpful refusal: signing in first, then membership.
    order = [Reason.LOGIN, Reason.MEMBERSHIP, Reason.ENROLLMENT, Reason.PURCHASE]
    refusals.sort(key=lambda d: order.index(d.reason) if d.reason in order else len(order))
    return refusals[0]


def _page_content_type_ids() -> list[int]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    return [ContentType.objects.get_for_model(Page).pk]


def can_view_recording(user, event) -> Decision:
    """Recordings of past workshops: registrants of that event and members."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if ent.is_member or event.pk in ent.confirmed_event_ids or ent.is_staff:
        return ALLOW
    return Decision(False, Reason.MEMBERSHIP, "Recordings are for the workshop's participants and for members.")


def can_view_organization(user, organization) -> Decision:
    """District dashboards: that organization's leaders, and staff."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if organization.pk in ent.leader_organization_ids or staff_can(user, StaffAction.ANY_DISTRICT):
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "Only this organization's leaders can see its dashboard.")


def can_manage_invitations(user, organization) -> Decision:
    """Sending a district's invitations again or withdrawing them: that district's leaders only.

    Staff who may see every district read its dashboard; inviting on a district's behalf stays its leaders' act.
    """
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if organization.pk in ent.leader_organization_ids:
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "Only this organization's leaders can change its invitations.")


def can_view_district_teacher(user, member) -> Decision:
    """One teacher's page (courses, workshops, hours, last activity): her district's leaders, and staff who may
    see every district. `member` is her OrganizationMember row, so a teacher of another district never matches."""
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return _LOGIN
    if member.organization_id in ent.leader_organization_ids or staff_can(user, StaffAction.ANY_DISTRICT):
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "Only this teacher's district leaders can see her learning.")


def is_leader_of(user, organization_id: int | None) -> bool:
    """A leader of that organization (leaders see their district's counts, never teachers' content)."""
    return organization_id is not None and organization_id in entitlements_for(user).leader_organization_ids


def is_member_of(user, organization_id: int | None) -> bool:
    """Belongs to that organization in any role."""
    return organization_id is not None and organization_id in entitlements_for(user).organization_ids


def is_coach_in(user, organization_id: int | None) -> bool:
    """A coach of that organization, as its leader set on the dashboard."""
    return organization_id is not None and organization_id in entitlements_for(user).coach_organization_ids


def is_coach_of(coach, teacher) -> bool:
    """The coach holds the coach role in an organization the teacher belongs to."""
    if coach is None or teacher is None or not coach.is_authenticated or coach.pk == teacher.pk:
        return False
    OrganizationMember = apps.get_model("members", "OrganizationMember")
    teacher_orgs = OrganizationMember.objects.filter(user=teacher).values_list("organization_id", flat=True)
    return bool(entitlements_for(coach).coach_organization_ids & set(teacher_orgs))


def coaches_for(teacher) -> list:
    """The coaches of every organization the teacher belongs to (for her "share with my coach" choice)."""
    if teacher is None or not teacher.is_authenticated:
        return []
    User = apps.get_model("members", "User")
    OrganizationMember = apps.get_model("members", "OrganizationMember")
    org_ids = OrganizationMember.objects.filter(user=teacher).values_list("organization_id", flat=True)
    return list(
        User.objects.filter(
            organization_memberships__organization_id__in=org_ids,
            organization_memberships__role="coach",
            is_active=True,
        )
        .exclude(pk=teacher.pk)
        .distinct()
    )
