"""Workshops: the calendar page, workshop pages, registrations, attendees and the seat counter."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.search import search_vector_column
from core.timezones import US_ZONES, moment_text, span_text, stamp_text, zone_named
from members.access import can_view_recording

from .blocks import EventStreamBlock, RecordingStreamBlock

# The zones our schools are in; any IANA name is valid, these are the ones offered.
TIMEZONE_CHOICES = [*US_ZONES, ("UTC", "UTC")]


def default_event_timezone() -> str:
    """A new workshop starts in the site's zone (settings.TIME_ZONE) when that is one we offer."""
    return settings.TIME_ZONE if settings.TIME_ZONE in dict(TIMEZONE_CHOICES) else "America/New_York"


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"“{value}” is not a time zone name such as America/New_York.") from exc


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class EventIndexPage(Page):
    """The workshop calendar. Staff create one, under the home page; workshops live beneath it."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1
    per_page = 12

    class Meta:
        verbose_name = "workshop calendar"

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_index_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_listing(index_page=self, params=request.GET))
        return context


class EventPageForm(WagtailAdminPageForm):
    """Editors type start and end as wall-clock times in the workshop's own time zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "concepts" in self.fields:
            # Each checkbox's label names the grade: one query for all of them.
            self.fields["concepts"].queryset = self.fields["concepts"].queryset.select_related("grade")
        instance = self.instance
        if instance and instance.pk and instance.timezone:
            zone = zoneinfo.ZoneInfo(instance.timezone)
            # A naive value is shown as typed, so the editor sees the workshop's local time.
            _show_in_zone(self, zone)
            for session_form in self._session_forms():
                _show_in_zone(session_form, zone)

    def _session_forms(self) -> list:
        formset = getattr(self, "formsets", {}).get("sessions")
        return list(formset.forms) if formset is not None else []

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("timezone")
        if zone_name:
            try:
                zone = zoneinfo.ZoneInfo(zone_name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return cleaned
            _read_in_zone(cleaned, zone)
            self._clean_sessions(zone, cleaned.get("start"), cleaned.get("end"))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", "The workshop must end after it starts.")
        return cleaned

    def _clean_sessions(self, zone, start, end) -> None:
        """Sessions are typed in the workshop's zone, lie inside its start..end, end after they start, never overlap."""
        formset = self.formsets.get("sessions")
        if formset is None:
            return
        formset.is_valid()  # clean the rows now, so they can be read and checked against the page's times
        kept = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if formset.can_delete and data.get("DELETE"):
                continue
            if data.get("start") is None or data.get("end") is None:
                continue
            _read_in_zone(data, zone)
            form.instance.start, form.instance.end = data["start"], data["end"]
            if data["end"] <= data["start"]:
                form.add_error("end", "The session must end after it starts.")
                continue
            if start and end and not (start <= data["start"] and data["end"] <= end):
                form.add_error(
                    "start",
                    "The session must be inside the workshop's start and end; change those first to widen them.",
                )
                continue
            kept.append(form)
        kept.sort(key=lambda form: form.cleaned_data["start"])
        for earlier, later in zip(kept, kept[1:], strict=False):
            if later.cleaned_data["start"] < earlier.cleaned_data["end"]:
                title = earlier.cleaned_data.get("title") or "another session"
                later.add_error("start", f"This session overlaps “{title}”: sessions cannot overlap.")
        if any(form.errors for form in formset.forms):
            self.add_error(None, "Please correct the sessions marked below.")


def _show_in_zone(form, zone) -> None:
    for name in ("start", "end"):
        value = getattr(form.instance, name, None)
        if value is not None and name in form.fields:
            form.initial[name] = timezone.make_naive(value, zone)


def _read_in_zone(cleaned: dict, zone) -> None:
    """The typed wall clock was read in the editor's zone: read it again in the workshop's."""
    current = timezone.get_current_timezone()
    for name in ("start", "end"):
        value = cleaned.get(name)
        if value is not None:
            cleaned[name] = timezone.make_aware(timezone.make_naive(value, current), zone)


class EventPage(Page):
    """One workshop, institute or session. Staff create it under the workshop calendar."""

    summary = models.TextField(help_text="One or two sentences shown in listings and e-mails.")
    body = StreamField(EventStreamBlock(), blank=True, help_text="What participants will do, and the agenda.")

    start = models.DateTimeField(help_text="In the workshop's time zone.")
    end = models.DateTimeField(help_text="In the workshop's time zone.")
    timezone = models.CharField(
        max_length=64, choices=TIMEZONE_CHOICES, default=default_event_timezone, validators=[validate_timezone]
    )
    format = models.CharField(max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    venue_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    virtual_link = models.URLField(
        blank=True, max_length=500, help_text="Shown only to confirmed participants and in their e-mails."
    )
    virtual_instructions = models.TextField(blank=True, help_text="Passcode or how to join, for participants only.")

    capacity = models.PositiveIntegerField(default=30, help_text="Seats available. Raising it moves up the waitlist.")
    price = models.DecimalField(
        "price per seat (USD)", max_digits=8, decimal_places=2, default=Decimal("0"), help_text="0 means free."
    )
    member_price = models.DecimalField(
        "member price per seat (USD)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty to charge members the same price.",
    )
    allow_invoice = models.BooleanField(
        "offer invoice / purchase order", default=False, help_text="Lets districts register a group and pay later."
    )
    registration_opens = models.DateTimeField(null=True, blank=True)
    registration_closes = models.DateTimeField(null=True, blank=True, help_text="Empty: when the workshop starts.")
    cancellation_cutoff_hours = models.PositiveIntegerField(
        default=48, help_text="Participants can cancel themselves until this many hours before the start."
    )

    facilitators = models.CharField(max_length=255, blank=True)
    audience = models.CharField(max_length=255, blank=True, help_text="Who it is for, e.g. Grade 3-5 teachers.")
    grade_bands = ParentalManyToManyField("taxonomy.GradeBand", blank=True, related_name="+")
    concepts = ParentalManyToManyField(
        "taxonomy.HighLeverageConcept",
        blank=True,
        related_name="workshops",
        verbose_name="High Leverage Concepts",
        help_text="The concepts the workshop teaches: its hub pages list it while it is upcoming.",
    )
    pd_hours = models.DecimalField(
        "PD hours",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text="0 with sessions: the sum of the sessions' hours.",
    )

    recording_video = models.URLField(blank=True, help_text="A YouTube or Vimeo link to the recording.")
    recording_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Slides or a recording file; only participants and members can download it.",
    )
    recording_notes = models.TextField(blank=True)
    recording_videos = StreamField(
        RecordingStreamBlock(),
        blank=True,
        help_text="The recording as a video file with captions and transcript; served only to participants and members.",
    )
    # Pages of other apps by the generic Page key: events never imports resources or courses (layers).
    recording_slides = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The workshop's slides as a resource in the library.",
    )
    follow_up_course = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A course that carries on where the workshop stopped.",
    )

    base_form_class = EventPageForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("timezone"),
            ],
            heading="When",
        ),
        InlinePanel(
            "sessions",
            heading="Sessions",
            label="Session",
            help_text="For a workshop over several days: one session per day (or part of a day), in the workshop's "
            "time zone, inside its start and end. Leave empty for a single session.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("address"),
                FieldPanel("virtual_link"),
                FieldPanel("virtual_instructions"),
            ],
            heading="Where",
        ),
        MultiFieldPanel(
            [
                FieldPanel("facilitators"),
                FieldPanel("audience"),
                FieldPanel("grade_bands", widget=CheckboxSelectMultiple),
                FieldPanel("concepts", widget=CheckboxSelectMultiple),
                FieldPanel("pd_hours"),
            ],
            heading="Who and what",
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("recording_videos"),
                FieldPanel("recording_video"),
                FieldPanel("recording_document"),
                FieldPanel("recording_notes"),
                PageChooserPanel("recording_slides", page_type="resources.ResourcePage"),
                PageChooserPanel("follow_up_course", page_type="courses.CoursePage"),
            ],
            heading="After the workshop",
        ),
    ]
    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("price"), FieldPanel("member_price")]),
                FieldPanel("allow_invoice"),
            ],
            heading="Seats and price",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")]),
                FieldPanel("cancellation_cutoff_hours"),
            ],
            heading="Registration window",
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(registration_panels, heading="Registration"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    # The stored, GIN-indexed tsvector core.search queries on PostgreSQL: weights A, B, C in this order.
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"], ["body", "facilitators", "audience"])
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("facilitators"),
        index.SearchField("audience"),
        index.FilterField("start"),
        index.FilterField("format"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "workshop"

    @cached_property
    def concepts_taught(self):
        """The High Leverage Concepts the workshop teaches, with their grades (one query)."""
        return list(self.concepts.select_related("grade"))

    def grade_band_labels(self) -> list[str]:
        """The bands' names ("Grades 3-5"); listings prefetch `grade_bands`."""
        return [band.name for band in self.grade_bands.all()]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The workshop must end after it starts."})
        if self.format != EventFormat.VIRTUAL and not (self.venue_name or self.address):
            raise ValidationError({"venue_name": "Give a venue or address for an in-person or hybrid workshop."})
        if self.pk:
            taken = EventCapacity.objects.filter(event_id=self.pk).values_list("seats_taken", flat=True).first() or 0
            if self.capacity < taken:
                raise ValidationError(
                    {"capacity": f"{taken} seats are already taken; cancel registrations before lowering the capacity."}
                )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The counter lives in its own row so publishing a revision never overwrites it.
        EventCapacity.objects.get_or_create(event_id=self.pk, defaults={"capacity": self.capacity})

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_detail

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = event_detail(event=self, user=request.user)
        return context

    # --- time ---
    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone or "UTC")

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.zone)

    @property
    def date_text(self) -> str:
        """E.g. "Tuesday, October 6, 2026", or a range for a multi-day institute, in the workshop's zone."""
        return days_text(self.local_start, self.local_end)

    # --- sessions: a multi-day workshop is its sessions; one without is one session, its own start to end ---
    @cached_property
    def schedule(self) -> list[EventSession]:
        """The sessions in time order; without any, one unsaved session standing for the page's own times."""
        return self._schedule_of(self.sessions.all())

    def use_sessions(self, sessions) -> None:
        """Sessions a selector read for many workshops at once, so the schedule asks the database for none."""
        self.__dict__["schedule"] = self._schedule_of(sessions)

    def _schedule_of(self, sessions) -> list[EventSession]:
        sessions = sorted(sessions, key=lambda session: (session.start, session.pk or 0))
        if sessions:
            return sessions
        stand_in = EventSession(event=self, start=self.start, end=self.end)
        stand_in.stands_for_page = True
        return [stand_in]

    @property
    def has_sessions(self) -> bool:
        """Staff gave sessions (saved, or still in the editor's preview)."""
        return not getattr(self.schedule[0], "stands_for_page", False)

    @property
    def sessions_signature(self) -> str:
        """The sessions' times as text, to notice when they move (empty without sessions)."""
        if not self.has_sessions:
            return ""
        return "\n".join(
            f"{s.start.astimezone(UTC):%Y-%m-%dT%H:%MZ}/{s.end.astimezone(UTC):%Y-%m-%dT%H:%MZ}" for s in self.schedule
        )

    def schedule_for(self, user) -> list[ScheduleLine]:
        """Each session with its times in the viewer's own zone too (online workshops, as viewer_time_text)."""
        return [ScheduleLine(session, session.viewer_time_text(user)) for session in self.schedule]

    @property
    def credited_pd_hours(self) -> Decimal:
        """The PD hours attendance earns: the hours staff gave, or (given none) the sum of the sessions' hours."""
        if self.pd_hours or not self.has_sessions:
            return Decimal(self.pd_hours)
        return sum((session.hours for session in self.schedule), Decimal("0"))

    @property
    def time_text(self) -> str:
        """E.g. "4:00 PM to 6:00 PM EDT": times in the workshop's zone, with its abbreviation."""
        return span_text(self.start, self.end, self.zone)

    @property
    def start_text(self) -> str:
        """E.g. "Sun 1 Nov 9:00 AM CST": the start, short, in the workshop's zone (cards, CSV, e-mail lines)."""
        return moment_text(self.start, self.zone)

    @property
    def start_stamp(self) -> str:
        """E.g. "2026-11-01 09:00 CST": the start for spreadsheets, in the workshop's zone."""
        return stamp_text(self.start, self.zone)

    def viewer_time_text(self, user) -> str:
        """An online workshop's times in the viewer's own zone, when she set one that differs; else empty."""
        return self.viewer_span_text(self.start, self.end, user)

    def viewer_span_text(self, start, end, user) -> str:
        viewer_zone = getattr(user, "time_zone", "") if user is not None else ""
        if not (self.is_virtual and viewer_zone):
            return ""
        zone = zone_named(viewer_zone)
        if zone.key == self.zone.key:
            return ""
        local = timezone.localtime(start, zone)
        return f"{local:%a} {local.day} {local:%b}, {span_text(start, end, zone)} (your time)"

    @property
    def when_text(self) -> str:
        """The date and times; a workshop of several sessions says its days and how many (each has its own times)."""
        if len(self.schedule) > 1:
            return f"{self.date_text}, in {len(self.schedule)} sessions"
        return f"{self.date_text}, {self.time_text}"

    @property
    def zone_abbreviation(self) -> str:
        return self.local_start.tzname() or self.timezone

    @property
    def zone_label(self) -> str:
        return dict(TIMEZONE_CHOICES).get(self.timezone, self.timezone)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def cancelled_at(self):
        counter = self.counter
        return counter.cancelled_at if counter else None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def counter(self) -> EventCapacity | None:
        """The seat counter row (select_related("seat_counter") in listings avoids a query each)."""
        try:
            return self.seat_counter
        except EventCapacity.DoesNotExist:
            return None

    # --- place ---
    @property
    def is_virtual(self) -> bool:
        return self.format in (EventFormat.VIRTUAL, EventFormat.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)

    @property
    def location_text(self) -> str:
        """The public place: venue and address, or "Online"; never the meeting link."""
        if not self.is_in_person:
            return "Online"
        place = ", ".join(p for p in [self.venue_name, " ".join(self.address.split())] if p)
        return f"{place} (and online)" if self.format == EventFormat.HYBRID else place

    # --- money ---
    @property
    def is_free(self) -> bool:
        return not self.price

    def offered_payment_methods(self) -> list[str]:
        """The closed list of ways to pay for this workshop; the form offers these and the service accepts only these."""
        if self.is_free:
            return [Registration.PaymentMethod.FREE]
        methods = [Registration.PaymentMethod.CARD]
        if self.allow_invoice:
            methods.append(Registration.PaymentMethod.INVOICE)
        return methods

    # --- registration window ---
    @property
    def registration_deadline(self):
        return self.registration_closes or self.start

    def registration_closed_reason(self, now=None) -> str:
        """Why registration is closed, in plain words; empty when it is open."""
        now = now or timezone.now()
        if self.is_cancelled:
            return "This workshop has been cancelled."
        if self.registration_opens and now < self.registration_opens:
            return "Registration opens on " + timezone.localtime(self.registration_opens, self.zone).strftime(
                "%B %-d, %Y"
            )
        if now >= self.registration_deadline:
            return "Registration for this workshop is closed."
        return ""

    @property
    def cancellation_deadline(self):
        return self.start - timedelta(hours=self.cancellation_cutoff_hours)

    # --- access (members.access decides) ---
    def document_access_decision(self, user):
        """A recording document used here is for the workshop's participants and for members."""
        return can_view_recording(user, self)

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_video or self.recording_document_id or self.recording_videos)

    @property
    def follow_ups(self) -> list:
        """The slides and follow-up course a past workshop points to, if published."""
        pages = [self.recording_slides, self.follow_up_course]
        return [page.specific for page in pages if page is not None and page.live]


def days_text(start, end) -> str:
    """ "Tuesday, October 6, 2026", or "Tuesday, October 6 to Wednesday, October 7, 2026", from local times."""
    if start.date() == end.date():
        return f"{start:%A, %B} {start.day}, {start.year}"
    return f"{start:%A, %B} {start.day} to {end:%A, %B} {end.day}, {end.year}"


class EventSession(Orderable):
    """One day (or part of a day) of a multi-day workshop, with its own times in the workshop's zone.

    Staff add sessions in the workshop's editor (under When); a workshop without any is one session.
    """

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, blank=True, help_text="e.g. Day 1: proportional reasoning")
    start = models.DateTimeField(help_text="In the workshop's time zone.")
    end = models.DateTimeField(help_text="In the workshop's time zone.")

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("start"), FieldPanel("end")])]

    class Meta(Orderable.Meta):
        verbose_name = "session"

    def __str__(self):
        return self.title or self.when_text

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.event.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.event.zone)

    @property
    def date_text(self) -> str:
        return days_text(self.local_start, self.local_end)

    @property
    def time_text(self) -> str:
        return span_text(self.start, self.end, self.event.zone)

    @property
    def when_text(self) -> str:
        return f"{self.date_text}, {self.time_text}"

    @property
    def hours(self) -> Decimal:
        return (Decimal((self.end - self.start).total_seconds()) / 3600).quantize(Decimal("0.01"))

    def viewer_time_text(self, user) -> str:
        return self.event.viewer_span_text(self.start, self.end, user)


@dataclass(frozen=True)
class ScheduleLine:
    """A session as one viewer reads it (templates cannot pass the viewer to a method)."""

    session: EventSession
    viewer_time_text: str = ""


class EventCapacity(models.Model):
    """The seat counter of one workshop, taken by conditional updates; never edited by hand.

    It also remembers the schedule and place last announced to participants (so a
    publish that moves the workshop can tell them) and whether staff cancelled it.
    """

    event = models.OneToOneField(EventPage, on_delete=models.CASCADE, primary_key=True, related_name="seat_counter")
    capacity = models.PositiveIntegerField(default=0)
    seats_taken = models.PositiveIntegerField(default=0)
    announced_start = models.DateTimeField(null=True, blank=True)
    announced_end = models.DateTimeField(null=True, blank=True)
    announced_location = models.TextField(blank=True)
    # The sessions' times last announced ("start/end" in UTC, one per line); empty for a workshop without sessions.
    announced_sessions = models.TextField(blank=True)
    schedule_sequence = models.PositiveIntegerField(default=0, help_text="Calendar SEQUENCE: bumped on each change.")
    # Kept here, not on the page, so publishing an older revision cannot un-cancel the workshop.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "seat counter"
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="event_seats_within_capacity"),
        ]

    def __str__(self):
        return f"{self.seats_taken}/{self.capacity} seats"

    @property
    def seats_free(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class Registration(models.Model):
    """One booking for a workshop: a teacher's own seat, or a leader's group of named attendees."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    class PaymentMethod(models.TextChoices):
        FREE = "free", "Free"
        CARD = "card", "Card"
        INVOICE = "invoice", "Invoice / purchase order"

    class InvoiceStatus(models.TextChoices):
        NONE = "", "No invoice"
        DUE = "due", "Invoice due"
        PAID = "paid", "Invoice paid"
        VOID = "void", "Invoice voided"

    # Statuses that hold seats on the counter.
    SEAT_HOLDING = (Status.PENDING_PAYMENT, Status.CONFIRMED)
    ACTIVE = (Status.PENDING_PAYMENT, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(EventPage, on_delete=models.PROTECT, related_name="registrations")
    purchaser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITLISTED, db_index=True)
    seats = models.PositiveIntegerField(default=1)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.FREE)
    seat_price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    order = models.ForeignKey(
        "members.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="event_registrations"
    )
    invoice_status = models.CharField(max_length=8, choices=InvoiceStatus.choices, blank=True, default="")
    invoice_number = models.CharField(max_length=32, blank=True)
    po_number = models.CharField("PO number", max_length=64, blank=True)
    billing_contact = models.CharField(max_length=200, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_address = models.TextField(blank=True)
    organization_name = models.CharField("school or district", max_length=200, blank=True)
    # Seats of a pending card payment (or an unpaid invoice) are released after this moment.
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    invoice_paid_at = models.DateTimeField(null=True, blank=True)
    invoice_issued_at = models.DateTimeField(null=True, blank=True)
    invoice_payment_reference = models.CharField(
        max_length=100, blank=True, help_text="The check number or bank transfer reference staff recorded."
    )
    cancellation_reason = models.CharField(max_length=255, blank=True)
    # Set when a seat is offered from the waitlist: the registration then waits for its buyer to accept.
    offered_at = models.DateTimeField(null=True, blank=True)
    # Calendar SEQUENCE of this registration's own entry: bumped on every status change.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_at_least_one_seat"),
            # One person, one active booking per workshop, whatever races the clicks run.
            models.UniqueConstraint(
                fields=["event", "purchaser"],
                condition=Q(status__in=["pending_payment", "confirmed", "waitlisted"]),
                name="one_active_registration_per_user",
            ),
            # A business office files invoices by number: one number, one invoice.
            models.UniqueConstraint(
                fields=["invoice_number"], condition=~Q(invoice_number=""), name="unique_invoice_number"
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created"], name="events_reg_waitlist_idx")]

    def __str__(self):
        return f"{self.event.title}: {self.purchaser} ({self.seats} × {self.get_status_display()})"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_status", None)
        if loaded is not None and loaded != self.status:
            # A calendar only replaces an entry it holds when the SEQUENCE grows.
            self.calendar_sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "calendar_sequence"}
        super().save(*args, **kwargs)
        self._loaded_status = self.status
        # The attendees' copy of "active" backs the one-seat-per-address constraint; keep it in step.
        Attendee.objects.filter(registration=self).exclude(is_active=self.is_active).update(is_active=self.is_active)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("events:registration_detail", args=[self.pk])

    # The status as loaded, so save() knows when it changed.
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def holds_seats(self) -> bool:
        return self.status in self.SEAT_HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_group(self) -> bool:
        return self.payment_method == self.PaymentMethod.INVOICE or self.seats > 1

    @property
    def total(self) -> Decimal:
        return self.seat_price * self.seats

    @property
    def total_cents(self) -> int:
        return int((self.total * 100).to_integral_value())

    @property
    def reference(self) -> str:
        return f"W{self.event_id}-{self.pk:05d}"

    @property
    def status_label(self) -> str:
        """The one wording of the status, for staff lists and exports (rules decide it)."""
        from .rules import registration_status_label

        return registration_status_label(self).label


class Attendee(models.Model):
    """A named person who takes one seat of a registration."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=100, blank=True)
    # Linked when the address belongs to an account, so the workshop counts on her transcript.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_attendances"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # A check-in recorded after the workshop's day(s) says who recorded it and why.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    check_in_note = models.CharField(max_length=255, blank=True)
    # Copies of the registration's workshop and activity, so the database itself can refuse
    # a second active seat for one address at one workshop (a partial unique index).
    event = models.ForeignKey(EventPage, null=True, on_delete=models.CASCADE, related_name="+", editable=False)
    is_active = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["registration", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=Q(is_active=True), name="one_active_seat_per_address"
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.event_id = self.registration.event_id
        self.is_active = self.registration.is_active
        super().save(*args, **kwargs)

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class ReminderSent(models.Model):
    """Proof a reminder went to one attendee; the unique constraint makes a second send impossible."""

    class Kind(models.TextChoices):
        WEEK = "7d", "One week before"
        DAY = "1d", "One day before"

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attendee", "kind"], name="one_reminder_per_attendee_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.attendee}"


class InvoiceSequence(models.Model):
    """The last invoice number given. One row, locked while the next number is taken, so none repeats."""

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "invoice number sequence"

    def __str__(self):
        return f"Last invoice number: {self.last_number}"


@register_setting(icon="doc-full")
class InvoiceSettings(BaseSiteSetting):
    """Who bills on workshop invoices and where a business office sends the money. Staff set it under Settings."""

    seller_name = models.CharField(max_length=200, blank=True, help_text="Empty: the site's name.")
    seller_address = models.TextField(blank=True)
    remit_to = models.TextField(
        "remit to",
        blank=True,
        help_text="Where checks go, or bank transfer details, exactly as the office should use them.",
    )
    tax_id = models.CharField("tax ID (EIN)", max_length=40, blank=True)
    billing_email = models.EmailField(blank=True, help_text="For questions about an invoice.")

    panels = [
        FieldPanel("seller_name"),
        FieldPanel("seller_address"),
        FieldPanel("remit_to"),
        FieldPanel("tax_id"),
        FieldPanel("billing_email"),
    ]

    class Meta:
        verbose_name = "invoice settings"
