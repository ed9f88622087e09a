"""The composer's reads: My learning, the PD transcript, the district report and the data export.

Each gathers one person's (or one organization's) learning from the feature apps, which know nothing
of each other; this is the only layer that imports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from courses.models import Enrollment
from courses.selectors import dashboard_courses, organization_course_progress, transcript_courses
from events.selectors import dashboard_registrations, organization_registrations, transcript_events
from members.models import Invitation, Membership, Order, Organization, OrganizationMember, User
from members.selectors import membership_status
from members.services import seats_licensed
from resources.selectors import saved_resources


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
    }


# --- PD transcript ---
def school_year(day: date) -> str:
    """School years run July 1 to June 30: 2025-07-01 .. 2026-06-30 is "2025-26"."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


@dataclass
class TranscriptLine:
    kind: str  # "course" or "workshop"
    title: str
    on: date
    pd_hours: Decimal
    verify_url: str = ""


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
    """Completed courses and attended workshops, newest school year first, with hours per year."""
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

    @property
    def completed_count(self) -> int:
        return sum(1 for c in self.courses if c.get("completed_on"))

    @property
    def pd_hours(self) -> Decimal:
        """Completed courses plus attended workshops, as on the teacher's own transcript."""
        courses = sum((Decimal(c.get("pd_hours") or 0) for c in self.courses if c.get("completed_on")), Decimal("0"))
        workshops = sum(
            (Decimal(r.get("pd_hours") or 0) for r in self.registrations if r.get("attended")), Decimal("0")
        )
        return courses + workshops


def organization_report(*, organization: Organization) -> dict:
    """The leader's view of her organization: seats, teachers and their learning."""
    members = list(
        OrganizationMember.objects.filter(organization=organization).select_related("user").order_by("user__email")
    )
    user_ids = [m.user_id for m in members]
    course_rows = list(organization_course_progress(user_ids=user_ids))
    event_rows = list(organization_registrations(user_ids=user_ids))
    reports = {m.user_id: TeacherReport(m) for m in members}
    for row in course_rows:
        if row["user_id"] in reports:
            reports[row["user_id"]].courses.append(row)
    for row in event_rows:
        if row["user_id"] in reports:
            reports[row["user_id"]].registrations.append(row)
    teachers = list(reports.values())
    pending = list(Invitation.objects.filter(organization=organization, accepted_at__isnull=True))
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
    }


def organization_export_rows(*, organization: Organization) -> list[list]:
    """One row per teacher and activity, for the leader's CSV."""
    report = organization_report(organization=organization)
    rows = [
        ["Teacher", "E-mail", "Role", "Seat", "Activity", "Title", "Progress %", "Started", "Completed", "PD hours"]
    ]
    for t in report["teachers"]:
        person = [
            str(t.member.user),
            t.member.user.email,
            t.member.get_role_display(),
            "yes" if t.member.has_seat else "no",
        ]
        if not t.courses and not t.registrations:
            rows.append(person + ["", "", "", "", "", ""])
        for c in t.courses:
            rows.append(
                person
                + [
                    "course",
                    c["course_title"],
                    c.get("percent", ""),
                    c.get("enrolled_on") or "",
                    c.get("completed_on") or "",
                    c.get("pd_hours") or "",
                ]
            )
        for r in t.registrations:
            rows.append(
                person
                + [
                    "workshop",
                    r["event_title"],
                    "",
                    r.get("starts") or "",
                    "attended" if r.get("attended") else r.get("status", ""),
                    (r.get("pd_hours") or "") if r.get("attended") else "",
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
    return data
