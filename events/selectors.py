"""Reads for workshop pages, dashboards and transcripts (the admin's reads are in events/admin/selectors.py)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.listing import FacetSpec, SortOption, run_listing
from core.params import parse_month
from members.access import StaffAction, can_view_recording, entitlements_for, staff_can
from members.models import User
from taxonomy.models import GradeBandCode

from . import rules
from .models import Attendee, EventFormat, EventPage, EventSession, Registration


def _user_registration_q(user) -> Q:
    """Registrations where the user is the buyer or a named attendee (by account or by a *verified* e-mail).

    Matching an unverified address would hand the meeting link to whoever signs up with an
    attendee's e-mail first. Attendees are a subquery, not a join: no duplicate rows to remove, and
    each side can use its index.
    """
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    verified = EmailAddress.objects.filter(user=user, verified=True).annotate(lower=Lower("email")).values("lower")
    named = Attendee.objects.filter(Q(user=user) | Q(email__in=verified)).values("registration_id")
    return Q(purchaser=user) | Q(pk__in=named)


# --- contracts other apps use ---
def confirmed_event_ids_for_user(*, user) -> list[int]:
    """Event page ids where the user holds a confirmed seat, as buyer or named attendee."""
    if not user or not user.is_authenticated:
        return []
    return list(
        Registration.objects.filter(_user_registration_q(user), status=Registration.Status.CONFIRMED)
        .values_list("event_id", flat=True)
        .distinct()  # two registrations for one workshop
    )


def upcoming_events(*, limit: int = 3) -> list[EventPage]:
    return list(
        EventPage.objects.live()
        .public()
        .filter(end__gt=timezone.now(), seat_counter__cancelled_at__isnull=True)
        .select_related("seat_counter")
        .prefetch_related("sessions")
        .order_by("start")[:limit]
    )


def dashboard_registrations(*, user) -> list[Registration]:
    """The user's registrations for workshops that have not ended, with what the dashboard shows."""
    if not user or not user.is_authenticated:
        return []
    registrations = list(
        Registration.objects.filter(
            _user_registration_q(user), status__in=Registration.ACTIVE, event__end__gt=timezone.now()
        )
        .select_related("event", "event__seat_counter")
        # Whether anyone was checked in, in the same query: the attendees themselves are not shown here.
        .annotate(
            someone_checked_in=Exists(
                Attendee.objects.filter(registration=OuterRef("pk"), checked_in_at__isnull=False)
            ),
            event_has_sessions=Exists(EventSession.objects.filter(event=OuterRef("event"))),
        )
        .order_by("event__start", "id")
    )
    # Sessions only for the multi-day workshops among them: a one-day workshop costs no query.
    with_sessions = {r.event_id for r in registrations if r.event_has_sessions}
    by_event = defaultdict(list)
    if with_sessions:
        for session in EventSession.objects.filter(event_id__in=with_sessions):
            by_event[session.event_id].append(session)
    for registration in registrations:
        registration.event.use_sessions(by_event[registration.event_id])
    for registration in registrations:
        _decorate(registration, user=user)
    return registrations


JOIN_OPENS_BEFORE = timedelta(minutes=30)


def _decorate(registration: Registration, *, user=None) -> Registration:
    event = registration.event
    # The one wording of the status (rules.registration_status_label) and the times as this person reads them.
    # Nobody checked in: not attended, without asking for the attendees (None lets the rule look).
    attended = False if getattr(registration, "someone_checked_in", True) is False else None
    registration.status_info = rules.registration_status_label(registration, attended=attended)
    registration.viewer_time_text = event.viewer_time_text(user)
    registration.schedule = event.schedule_for(user)
    registration.ics_url = reverse("events:registration_ics", args=[registration.pk])
    registration.join_url = rules.meeting_link_for(registration)
    registration.join_url_available = bool(registration.join_url)
    # The dashboard's Join button appears when it is time: shortly before the start until the end.
    registration.join_opens_at = event.start - JOIN_OPENS_BEFORE
    registration.join_url_visible = registration.join_url_available and (
        registration.join_opens_at <= timezone.now() <= event.end
    )
    return registration


def transcript_events(*, user) -> list[dict]:
    """Workshops the user was checked in at, once each, with the workshop's PD hours."""
    attended = (
        Attendee.objects.filter(Q(user=user) | Q(email__iexact=user.email), checked_in_at__isnull=False)
        .exclude(registration__status=Registration.Status.WAITLISTED)
        .select_related("registration__event")
        .prefetch_related("registration__event__sessions")
        .order_by("registration__event__start")
    )
    rows, seen = [], set()
    for attendee in attended:
        event = attendee.registration.event
        if event.pk in seen:
            continue
        seen.add(event.pk)
        rows.append(
            {"title": event.title, "attended_on": event.local_start.date(), "pd_hours": event.credited_pd_hours}
        )
    return rows


def organization_registrations(*, user_ids) -> list[dict]:
    """For a district leader's report: one row per teacher per workshop seat."""
    user_ids = list(user_ids)
    emails = {email.lower(): pk for pk, email in User.objects.filter(pk__in=user_ids).values_list("pk", "email")}
    # Waitlist places in the same query (rules.waitlist_position's order: created, then id), not one per row.
    ahead = (
        Registration.objects.filter(event_id=OuterRef("registration__event_id"), status=Registration.Status.WAITLISTED)
        .filter(
            Q(created__lt=OuterRef("registration__created"))
            | Q(created=OuterRef("registration__created"), pk__lt=OuterRef("registration_id"))
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    attendees = (
        Attendee.objects.filter(Q(user_id__in=user_ids) | Q(email__in=list(emails)))
        .select_related("registration__event")
        .annotate(waitlist_ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))
        .prefetch_related("registration__event__sessions")
        .order_by("registration__event__start")
    )
    rows = []
    for attendee in attendees:
        registration = attendee.registration
        status = rules.registration_status_label(
            registration, attended=attendee.attended, position=attendee.waitlist_ahead + 1
        )
        rows.append(
            {
                "user_id": attendee.user_id if attendee.user_id in user_ids else emails.get(attendee.email.lower()),
                "event_title": registration.event.title,
                "starts": registration.event.start,
                "ends": registration.event.end,
                "registered_at": registration.created,
                "status": status.label,
                "attended": attendee.attended,
                # Attended workshops count toward PD hours, as on the teacher's own transcript.
                "pd_hours": registration.event.credited_pd_hours if attendee.attended else Decimal("0"),
            }
        )
    return rows


# --- the calendar page ---
PRICE_CHOICES = [("free", "Free"), ("paid", "Paid")]
WHEN_CHOICES = [("upcoming", "Upcoming"), ("past", "Past")]


def _month_value(value: str) -> tuple[int, int] | None:
    parsed = parse_month(value)
    return (parsed.year, parsed.month) if parsed else None


PRICE = Case(When(price=0, then=Value("free")), default=Value("paid"), output_field=CharField())
EVENT_FACETS = [
    FacetSpec("format", "Format", field="format", choices=tuple(EventFormat.choices)),
    FacetSpec("band", "Grade band", field="grade_bands", many=True, choices=tuple(GradeBandCode.choices), single=True),
    FacetSpec("price", "Price", expression=PRICE, choices=tuple(PRICE_CHOICES), single=True),
]
EVENT_SORTS = [
    SortOption("soonest", "Soonest first", ("start", "pk")),
    SortOption("latest", "Latest first", ("-start", "-pk")),
]


def event_index_listing(*, index_page, params) -> dict:
    """Upcoming (soonest first) or past (newest first) workshops, filtered by format, grade band, month and price.

    When and month narrow the calendar; format, band and price are facets of core.listing (counted in SQL).
    """
    now = timezone.now()
    when = params.get("when") if params.get("when") in dict(WHEN_CHOICES) else "upcoming"
    month = params.get("month", "")
    month_parts = _month_value(month)

    base = EventPage.objects.live().public().descendant_of(index_page)
    events = base.filter(end__gt=now) if when == "upcoming" else base.filter(end__lte=now)
    if month_parts:
        events = events.filter(start__year=month_parts[0], start__month=month_parts[1])
    listing = run_listing(
        base=events.select_related("seat_counter").prefetch_related("sessions"),
        params=params,
        facets=EVENT_FACETS,
        sorts=EVENT_SORTS,
        default_sort="soonest",
        sort="soonest" if when == "upcoming" else "latest",
        per_page=index_page.per_page,
        searchable=False,
    )

    months = []
    for value in base.filter(end__gt=now).dates("start", "month"):
        months.append((value.strftime("%Y-%m"), f"{calendar.month_name[value.month]} {value.year}"))

    selected = listing.selected
    return {
        "events": listing.items,
        "page_obj": listing.page_obj,
        "listing": listing,
        "when": when,
        "when_choices": WHEN_CHOICES,
        "format_choices": EventFormat.choices,
        "selected_formats": selected["format"],
        "grade_bands": GradeBandCode.choices,
        "selected_band": next(iter(selected["band"]), ""),
        "price_choices": PRICE_CHOICES,
        "selected_price": next(iter(selected["price"]), ""),
        "months": months,
        "selected_month": month if month_parts else "",
        "is_filtered": bool(listing.is_filtered or month_parts),
    }


# --- the workshop page ---
@dataclass
class EventDetail:
    seats_free: int
    is_full: bool
    waitlist_count: int
    my_registrations: list
    closed_reason: str
    link_decision: object
    recording_decision: object
    seat_price: Decimal
    google_url: str
    outlook_url: str
    viewer_time_text: str = ""
    session_calendar_links: list = field(default_factory=list)
    schedule: list = field(default_factory=list)


def event_detail(*, event: EventPage, user) -> EventDetail:
    from .ics import google_calendar_url, outlook_calendar_url, session_calendar_links

    counter = event.counter
    seats_free = counter.seats_free if counter else event.capacity
    waitlist = Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).count()
    mine = []
    if user.is_authenticated:
        mine = [
            _decorate(r, user=user)
            for r in Registration.objects.filter(
                _user_registration_q(user), event=event, status__in=Registration.ACTIVE
            )
            .prefetch_related("attendees")
            .select_related("event")
        ]
    return EventDetail(
        seats_free=seats_free,
        is_full=seats_free <= 0 or waitlist > 0,
        waitlist_count=waitlist,
        my_registrations=mine,
        closed_reason=event.registration_closed_reason(),
        link_decision=rules.can_see_meeting_link(user, event),
        recording_decision=can_view_recording(user, event),
        seat_price=rules.price_for(user, event),
        google_url=google_calendar_url(event),
        outlook_url=outlook_calendar_url(event),
        viewer_time_text=event.viewer_time_text(user),
        schedule=event.schedule_for(user),
        session_calendar_links=session_calendar_links(event) if event.has_sessions else [],
    )


def registration_for_owner(*, user, pk: int) -> Registration | None:
    """A registration its buyer (or staff with the registrations permission) may manage."""
    qs = Registration.objects.select_related("event", "event__seat_counter", "order", "purchaser").prefetch_related(
        "attendees", "event__sessions"
    )
    if not staff_can(user, StaffAction.REGISTRATION_REPORTS):
        qs = qs.filter(purchaser=user)
    registration = qs.filter(pk=pk).first()
    return _decorate(registration, user=user) if registration else None


def registration_for_attendee(*, user, pk: int) -> Registration | None:
    """The buyer, a named attendee or staff may download the registration's calendar file."""
    qs = Registration.objects.select_related("event", "event__seat_counter")
    if not staff_can(user, StaffAction.REGISTRATION_REPORTS):
        qs = qs.filter(_user_registration_q(user))
    return qs.filter(pk=pk).first()


# --- group registration ---
def group_seat_allowance(*, user, event: EventPage) -> int | None:
    """How many more seats this account may register for this workshop; None means no cap.

    District leaders and staff with the group-registration permission register groups of any
    size. Everyone else may hold up to settings.EVENT_GROUP_SEATS_PER_ACCOUNT seats per workshop
    (themselves and a few colleagues), so one account cannot fill a workshop with invented names.
    """
    from django.conf import settings

    if staff_can(user, StaffAction.GROUP_REGISTRATION) or entitlements_for(user).leader_organization_ids:
        return None
    held = (
        Registration.objects.filter(event=event, purchaser=user, status__in=Registration.ACTIVE).aggregate(
            total=Sum("seats")
        )["total"]
        or 0
    )
    return max(settings.EVENT_GROUP_SEATS_PER_ACCOUNT - held, 0)
