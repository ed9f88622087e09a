"""Workshop PD hours come from a check-in on the workshop's day(s) in its zone, or from staff afterwards with a note."""

import zoneinfo
from datetime import datetime, timedelta

import pytest

from events import selectors, services
from events import staff as event_staff

pytestmark = pytest.mark.django_db
HONOLULU = zoneinfo.ZoneInfo("Pacific/Honolulu")


@pytest.fixture
def attendee(make_event, user):
    # 9 AM to 4 PM in Honolulu on 7 Dec 2027 is 19:00 that day to 02:00 the next day in UTC.
    start = datetime(2027, 12, 7, 9, tzinfo=HONOLULU)
    event = make_event(timezone="Pacific/Honolulu", start=start, end=start + timedelta(hours=7), pd_hours=6)
    return services.registration_create(event=event, purchaser=user).attendees.get()


def test_staff_cannot_check_in_before_the_workshops_day(attendee, user):
    the_evening_before = datetime(2027, 12, 6, 20, tzinfo=HONOLULU)  # already 7 Dec in UTC
    with pytest.raises(services.RegistrationError, match="Check-in opens on the workshop's day"):
        event_staff.attendee_check_in(attendee=attendee, now=the_evening_before)
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None
    assert selectors.transcript_events(user=user) == []


def test_check_in_on_the_day_in_the_workshops_zone_grants_the_hours(attendee, user):
    late_afternoon = datetime(2027, 12, 7, 15, tzinfo=HONOLULU)  # already 8 Dec in UTC
    event_staff.attendee_check_in(attendee=attendee, now=late_afternoon)
    [line] = selectors.transcript_events(user=user)
    assert line["pd_hours"] == 6


def test_after_the_workshop_staff_must_give_a_note_which_is_kept(attendee, user, staff):
    next_week = datetime(2027, 12, 14, 10, tzinfo=HONOLULU)
    with pytest.raises(services.RegistrationError, match="add a note"):
        event_staff.attendee_check_in(attendee=attendee, now=next_week, actor=staff)
    event_staff.attendee_check_in(attendee=attendee, now=next_week, actor=staff, note="Signed the paper sheet")
    attendee.refresh_from_db()
    assert attendee.check_in_note == "Signed the paper sheet"
    assert attendee.checked_in_by == staff
    assert selectors.transcript_events(user=user)[0]["pd_hours"] == 6
