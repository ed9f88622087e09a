"""Each workshop rule is one predicate in events.rules; each test hits the predicate and one caller."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from events import ics, rules, services
from events.models import Registration
from members.access import Reason

pytestmark = pytest.mark.django_db


# --- price for this user ---
def test_a_member_sees_the_member_price_on_the_group_registration_form(client, make_event, member):
    event = make_event(price="60", member_price="40")
    client.force_login(member)
    page = client.get(reverse("events:register", args=[event.pk])).content.decode()
    assert "Seats are $40 each." in page
    assert "$60" not in page


def test_a_non_member_sees_the_full_price_on_the_group_registration_form(client, make_event, make_user):
    event = make_event(price="60", member_price="40")
    client.force_login(make_user())
    page = client.get(reverse("events:register", args=[event.pk])).content.decode()
    assert "Seats are $60 each." in page


def test_price_for_gives_members_the_member_price_and_everyone_else_the_price(make_event, member, make_user):
    discounted = make_event(price="60", member_price="40")
    same_for_all = make_event(price="60")
    assert rules.price_for(member, discounted) == Decimal("40")
    assert rules.price_for(make_user(), discounted) == Decimal("60")
    assert rules.price_for(AnonymousUser(), discounted) == Decimal("60")
    assert rules.price_for(member, same_for_all) == Decimal("60")


# --- the meeting link ---
LINK = "https://meet.example.org/launch"


def test_only_a_confirmed_seat_carries_the_meeting_link(make_event, make_user):
    event = make_event(capacity=1, virtual_link=LINK)
    seated = services.registration_create(event=event, purchaser=make_user())
    waiting = services.registration_create(event=event, purchaser=make_user())
    assert waiting.status == Registration.Status.WAITLISTED
    assert rules.meeting_link_for(seated) == LINK
    assert rules.meeting_link_for(waiting) == ""
    assert bool(rules.can_see_meeting_link(seated.purchaser, event))
    refused = rules.can_see_meeting_link(waiting.purchaser, event)
    assert not refused and refused.reason == Reason.REGISTRATION
    # A caller: the registrant's calendar file.
    assert LINK in ics.registration_calendar(seated).decode()
    assert LINK not in ics.registration_calendar(waiting).decode()


def test_the_workshop_page_shows_the_link_to_a_confirmed_registrant_only(client, make_event, make_user):
    event = make_event(virtual_link=LINK)
    stranger = make_user()
    seated = services.registration_create(event=event, purchaser=make_user())
    client.force_login(seated.purchaser)
    assert LINK in client.get(event.url).content.decode()
    client.force_login(stranger)
    assert LINK not in client.get(event.url).content.decode()


# --- cancelling ---
def test_can_cancel_lets_the_buyer_go_until_the_cutoff_and_staff_at_any_time(make_event, make_user, staff):
    event = make_event(start=timezone.now() + timedelta(hours=24), cancellation_cutoff_hours=48, capacity=1)
    seated = services.registration_create(event=event, purchaser=make_user())
    waiting = services.registration_create(event=event, purchaser=make_user())
    late = rules.can_cancel(seated.purchaser, seated)
    assert not late and "too late" in late.message
    assert bool(rules.can_cancel(seated.purchaser, seated, now=event.start - timedelta(hours=49)))
    assert bool(rules.can_cancel(waiting.purchaser, waiting)), "a waitlist place holds no seat"
    assert not rules.can_cancel(waiting.purchaser, seated), "only the buyer"
    assert not rules.can_cancel(AnonymousUser(), seated)
    assert bool(rules.can_cancel(staff, seated))
    # A caller: the service refuses with the rule's words.
    with pytest.raises(services.RegistrationError, match="too late"):
        services.registration_cancel(registration=seated, actor=seated.purchaser)


def test_the_registration_page_offers_cancel_only_before_the_cutoff(client, make_event, make_user):
    soon = make_event(start=timezone.now() + timedelta(hours=24), cancellation_cutoff_hours=48)
    later = make_event(start=timezone.now() + timedelta(days=10), cancellation_cutoff_hours=48)
    buyer = make_user()
    client.force_login(buyer)
    for event, offered in ((soon, False), (later, True)):
        registration = services.registration_create(event=event, purchaser=buyer)
        page = client.get(registration.get_absolute_url()).content.decode()
        assert (reverse("events:registration_cancel", args=[registration.pk]) in page) is offered, event
