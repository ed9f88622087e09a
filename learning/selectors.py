"""The composer's reads: My learning, the PD transcript, the district report and the data export.

Each gathers one person's (or one organization's) learning from the feature apps, which know nothing
of each other; this is the only layer that imports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Subquery

from core.page_cache import published_read
from core.timezones import stamp_text
from courses.models import CoursePage, Enrollment
from courses.selectors import (
    dashboard_courses,
    latest_learning_activity,
    organization_course_progress,
    transcript_courses,
)
from events.selectors import dashboard_registrations, organization_registrations, transcript_events
from inquiry.selectors import account_inquiry_data, organization_inquiry_counts, transcript_cycles
from members.models import Invitation, Membership, Order, Organization, OrganizationMember, User
from members.selectors import membership_status
from members.services import seats_licensed
from resources.models import ResourcePage
from resources.selectors import saved_resources
from taxonomy.models import Grade


# --- my learning ---
def dashboard(*, user) -> dict:
    """Everything the My learning page shows: courses, workshops, saved resources, membership."""
    courses = dashboard_courses(user=user)
    registrations = list(dashboard_registrations(user=user))
    saved = saved_resources(user=user, with_details=False)
    leader_of = list(
        Organization.objects.filter(members__user=user, members__role=OrganizationMember.OrgRole.LEADER).distinct()
    )
    return {
        "in_progress": courses.get("in_progress", []),
        "completed": courses.get("completed", []),
        "registrations": registrations,
        "saved_resources": saved,
        "status": membership_status(user=user),
        "leader_of": leader_of,
        "for_your_grades": grade_links(user=user),
    }


def grade_links(*, user, resources: int = 4, courses: int = 2) -> dict | None:
    """My learning's "For your grades" as titles and links, cached per set of grades until anything is published
    (the same for every teacher of those grades, so My learning pays no query for it once warm)."""
    if not user.is_authenticated or not user.grades_taught:
        return None
    codes = sorted(set(user.grades_taught))

    def build() -> dict:
        shelf = grade_shelf(user=user, resources=resources, courses=courses, with_details=False)
        return {
            "resources": [{"title": page.title, "url": page.url} for page in shelf["resources"]],
            "courses": [{"title": page.title, "url": page.url} for page in shelf["courses"]],
        }

    links = published_read(("grade-links", ",".join(codes), resources, courses), build, 3600)
    return {"label": user.grades_phrase, **links}


def grade_shelf(*, user, resources: int = 4, courses: int = 3, with_details: bool = True) -> dict | None:
    """ "For your grades": the newest live resources tagged with her profile's grades and the courses for their
    bands (two queries; cards' details only when asked). None for visitors and teachers without grades."""
    if not user.is_authenticated or not user.grades_taught:
        return None
    codes = list(user.grades_taught)
    shelf_resources = (
        ResourcePage.objects.live()
        .public()
        .filter(pk__in=ResourcePage.grades.through.objects.filter(grade__code__in=codes).values("resourcepage_id"))
        .order_by("-first_published_at", "-pk")
    )
    if with_details:
        shelf_resources = shelf_resources.select_related("kind").prefetch_related("grades")
    bands = Grade.objects.filter(code__in=codes).values("band")
    shelf_courses = (
        CoursePage.objects.live()
        .public()
        .filter(
            pk__in=CoursePage.grade_bands.through.objects.filter(gradeband_id__in=Subquery(bands)).values(
                "coursepage_id"
            )
        )
        .order_by("-first_published_at")
    )
    return {
        "label": user.grades_phrase,
        "resources": list(shelf_resources[:resources]),
        "courses": list(shelf_courses[:courses]),
    }


# --- PD transcript ---
def school_year(day: date) -> str:
    """School years run July 1 to June 30: 2025-07-01 .. 2026-06-30 is "2025-26"."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


@dataclass
class TranscriptLine:
    kind: str  # "course", "workshop" or "inquiry" (a finished inquiry cycle: documented practice)
    title: str
    on: date
    pd_hours: Decimal
    verify_url: str = ""
    evidence_url: str = ""  # an inquiry cycle's page: the sorts and the result behind the hours


@dataclass
class SchoolYear:
    label: str
    lines: list[TranscriptLine] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((line.pd_hours for line in self.lines), Decimal("0"))


@dataclass
class Transcript:
    years: list[SchoolYear]

    @property
    def total_hours(self) -> Decimal:
        return sum((year.total_hours for year in self.years), Decimal("0"))

    @property
    def lines(self) -> list[TranscriptLine]:
        return [line for year in self.years for line in year.lines]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def transcript(*, user) -> Transcript:
    """Completed courses, attended workshops and finished inquiry cycles, newest school year first, with hours."""
    lines: list[TranscriptLine] = []
    for row in transcript_courses(user=user):
        lines.append(
            TranscriptLine(
                "course",
                row["title"],
                _as_date(row["completed_on"]),
                Decimal(row.get("pd_hours") or 0),
                row.get("verify_url", ""),
            )
        )
    for row in transcript_events(user=user):
        lines.append(
            TranscriptLine("workshop", row["title"], _as_date(row["attended_on"]), Decimal(row.get("pd_hours") or 0))
        )
    for row in transcript_cycles(user=user):
        lines.append(
            TranscriptLine(
                "inquiry",
                row["title"],
                _as_date(row["finished_on"]),
                Decimal(row["pd_hours"] or 0),
                evidence_url=row["evidence_url"],
            )
        )
    years: dict[str, SchoolYear] = {}
    for line in sorted(lines, key=lambda item: item.on, reverse=True):
        label = school_year(line.on)
        years.setdefault(label, SchoolYear(label)).lines.append(line)
    return Transcript(sorted(years.values(), key=lambda y: y.label, reverse=True))


@dataclass
class TeacherReport:
    member: OrganizationMember
    courses: list[dict] = field(default_factory=list)
    registrations: list[dict] = field(default_factory=list)
    # The latest of her lesson completions, reflections, workshop registrations and sign-ins (None: never).
    last_active: datetime | None = None
    # Counts of sorts and finished cycles only: a leader never sees the content.
    inquiry: dict = field(default_factory=dict)

    @property
    def completed_count(self) -> int:
        return sum(1 for c in self.courses if c.get("completed_on"))

    @property
    def course_hours(self) -> Decimal:
        return sum((Decimal(c.get("pd_hours") or 0) for c in self.courses if c.get("completed_on")), Decimal("0"))

    @property
    def workshop_hours(self) -> Decimal:
        return sum((Decimal(r.get("pd_hours") or 0) for r in self.registrations if r.get("attended")), Decimal("0"))

    @property
    def pd_hours(self) -> Decimal:
        """Completed courses plus attended workshops, as on the teacher's own transcript."""
        return self.course_hours + self.workshop_hours


def _latest(*moments) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _teacher_reports(members: list[OrganizationMember]) -> list[TeacherReport]:
    """Each member's courses, workshops and last activity, in the same few queries for any number of members."""
    user_ids = [m.user_id for m in members]
    reports = {m.user_id: TeacherReport(m) for m in members}
    for row in organization_course_progress(user_ids=user_ids):
        if row["user_id"] in reports:
            reports[row["user_id"]].courses.append(row)
    for row in organization_registrations(user_ids=user_ids):
        if row["user_id"] in reports:
            reports[row["user_id"]].registrations.append(row)
    learning = latest_learning_activity(user_ids=user_ids)
    for user_id, report in reports.items():
        report.last_active = _latest(
            learning.get(user_id),
            report.member.user.last_login,
            *(c.get("last_activity_at") for c in report.courses),
            *(r.get("registered_at") for r in report.registrations),
        )
    for user_id, counts in organization_inquiry_counts(user_ids=user_ids).items():
        reports[user_id].inquiry = counts
    return list(reports.values())


def organization_report(*, organization: Organization) -> dict:
    """The leader's view of her organization: seats, teachers and their learning, pending invitations."""
    members = list(
        OrganizationMember.objects.filter(organization=organization).select_related("user").order_by("user__email")
    )
    teachers = _teacher_reports(members)
    pending = list(
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True, revoked_at__isnull=True)
    )
    licenses = list(organization.licenses.all())
    return {
        "organization": organization,
        "teachers": teachers,
        "pending_invitations": pending,
        "licenses": licenses,
        "seats_licensed": seats_licensed(organization),
        "seats_used": sum(1 for m in members if m.has_seat),
        "completions": sum(t.completed_count for t in teachers),
        "pd_hours": sum((t.pd_hours for t in teachers), Decimal("0")),
        "registrations": sum(len(t.registrations) for t in teachers),
        "inquiry_totals": {
            "sorts": sum(t.inquiry.get("sorts", 0) for t in teachers),
            "cycles": sum(t.inquiry.get("cycles", 0) for t in teachers),
        },
    }


def organization_member(*, organization_id: int, user_id: int) -> OrganizationMember | None:
    """This person's place in this organization (None when she has none there)."""
    return (
        OrganizationMember.objects.filter(organization_id=organization_id, user_id=user_id)
        .select_related("user", "organization")
        .first()
    )


def teacher_report(*, member: OrganizationMember) -> TeacherReport:
    """One teacher's page for her leader: courses with progress, workshops, hours and last activity."""
    return _teacher_reports([member])[0]


EXPORT_HEADER = [
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


def organization_export_rows(*, organization: Organization, zone) -> list[list]:
    """The leader's CSV: one header row, then one row per teacher and activity (a teacher with none gets one row).

    Each column holds what its heading says: Status the course's or registration's status in words, Started when
    the course was begun or the workshop starts, Completed when the course was completed or the attended workshop
    ended (blank otherwise); every time in the leader's zone with its abbreviation. core.reports.csv_response
    keeps text a spreadsheet would run as a formula as plain text.
    """

    def stamp(value) -> str:
        return stamp_text(value, zone) if value else ""

    rows: list[list] = [list(EXPORT_HEADER)]
    for t in organization_report(organization=organization)["teachers"]:
        person = [
            str(t.member.user),
            t.member.user.email,
            t.member.get_role_display(),
            "yes" if t.member.has_seat else "no",
            stamp(t.last_active),
        ]
        if not t.courses and not t.registrations:
            rows.append(person + [""] * (len(EXPORT_HEADER) - len(person)))
        for c in t.courses:
            completed = c.get("completed_at")
            rows.append(
                person
                + [
                    "course",
                    c["course_title"],
                    "Completed" if completed else "In progress",
                    c.get("percent", ""),
                    stamp(c.get("enrolled_at")),
                    stamp(completed),
                    c.get("pd_hours") if completed else "",
                ]
            )
        for r in t.registrations:
            attended = r.get("attended")
            rows.append(
                person
                + [
                    "workshop",
                    r["event_title"],
                    r.get("status", ""),
                    "",
                    stamp(r.get("starts")),
                    stamp(r.get("ends")) if attended else "",
                    (r.get("pd_hours") or "") if attended else "",
                ]
            )
    return rows


# --- account data ---
def account_data(*, user: User) -> dict:
    """Everything we hold about a person, as plain JSON."""

    def dt(value):
        return value.isoformat() if value else None

    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "grades_taught": user.grades_taught,
            "school": user.school,
            "district": user.district,
            "date_joined": dt(user.date_joined),
            "last_login": dt(user.last_login),
        },
        "memberships": [
            {
                "plan": str(m.plan) if m.plan else None,
                "status": m.status,
                "current_period_end": dt(m.current_period_end),
                "cancel_at_period_end": m.cancel_at_period_end,
            }
            for m in Membership.objects.filter(user=user).select_related("plan")
        ],
        "organizations": [
            {"organization": om.organization.name, "role": om.role, "has_seat": om.has_seat, "joined": dt(om.joined)}
            for om in OrganizationMember.objects.filter(user=user).select_related("organization")
        ],
        "orders": [
            {
                "reference": o.reference,
                "description": o.description,
                "amount_cents": o.amount_cents,
                "currency": o.currency,
                "status": o.status,
                "created": dt(o.created),
            }
            for o in Order.objects.filter(user=user)
        ],
        "transcript": [
            {"kind": line.kind, "title": line.title, "date": line.on.isoformat(), "pd_hours": str(line.pd_hours)}
            for line in transcript(user=user).lines
        ],
    }
    data["enrollments"] = [
        {"course": str(e.course), "enrolled_at": dt(e.enrolled_at), "completed_at": dt(e.completed_at)}
        for e in Enrollment.objects.filter(user=user).select_related("course")
    ]
    data["saved_resources"] = [str(page.title) for page in saved_resources(user=user, with_details=False)]
    # Her sorts (with a link to each piece of student work, which she may download) and cycles.
    data["inquiry"] = account_inquiry_data(user=user)
    return data
