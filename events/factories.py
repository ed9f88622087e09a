"""Factories for workshop pages and registrations (tests and the demo seeder use them)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from home.factories import PageFactory

from .models import Attendee, EventFormat, EventIndexPage, EventPage, EventSession, Registration, ReminderSent


class EventIndexPageFactory(PageFactory):
    class Meta:
        model = EventIndexPage

    title = "Workshops"
    slug = "workshops"


def _next_week_at_nine():
    start = timezone.now() + timedelta(days=10)
    return start.replace(hour=16, minute=0, second=0, microsecond=0)


class EventPageFactory(PageFactory):
    """An upcoming free virtual workshop unless told otherwise."""

    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Number strings in grades 3-5, session {n}")
    summary = "Plan and lead a number string that builds multiplication strategies."
    start = factory.LazyFunction(_next_week_at_nine)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    timezone = "America/New_York"
    format = EventFormat.VIRTUAL
    virtual_link = "https://meet.example.org/number-strings"
    virtual_instructions = "Passcode: 2468"
    capacity = 30
    price = Decimal("0")
    facilitators = "Maya Chen"
    audience = "Grade 3-5 teachers and coaches"
    grade_bands = factory.LazyFunction(lambda: ["3-5"])
    pd_hours = Decimal("2")
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>We solve strings together, then plan one for your class.</p>")]
    )

    @classmethod
    def _default_parent(cls):
        return EventIndexPage.objects.first() or EventIndexPageFactory()


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed free registration row (no seats taken: use events.services to book for real)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventPageFactory)
    purchaser = factory.SubFactory("members.factories.UserFactory")
    status = Registration.Status.CONFIRMED
    seats = 1
    payment_method = Registration.PaymentMethod.FREE
    confirmed_at = factory.LazyFunction(timezone.now)


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    registration = factory.SubFactory(RegistrationFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    role = "Classroom teacher"


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    attendee = factory.SubFactory(AttendeeFactory)
    kind = ReminderSent.Kind.WEEK


class EventSessionFactory(factory.django.DjangoModelFactory):
    """One session of a workshop: by default its first day's own times."""

    class Meta:
        model = EventSession

    event = factory.SubFactory(EventPageFactory)
    title = factory.Sequence(lambda n: f"Day {n + 1}")
    start = factory.LazyAttribute(lambda o: o.event.start)
    end = factory.LazyAttribute(lambda o: o.event.start + timedelta(hours=2))
