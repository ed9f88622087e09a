"""Workshop times in the workshop's own zone with its abbreviation, across the Sunday DST ends, everywhere
they are shown; online workshops also in the viewer's zone when she set one."""

import zoneinfo
from datetime import datetime

import pytest
import vobject
from django.core import mail
from django.urls import reverse

from events import services
from events.ics import registration_calendar
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at(day, hour):
    # 7 November 2027 is the Sunday US daylight saving time ends (2:00 AM CDT -> 1:00 AM CST).
    return datetime(2027, 11, day, hour, tzinfo=CHICAGO)


@pytest.fixture
def dst_sunday(make_event):
    return make_event(
        title="Sunday number strings", timezone="America/Chicago", start=at(7, 9), end=at(7, 11), format="virtual"
    )


def test_times_carry_the_abbreviation_in_force_on_the_day(make_event, dst_sunday):
    assert dst_sunday.time_text == "9:00 AM to 11:00 AM CST"
    saturday = make_event(timezone="America/Chicago", start=at(6, 9), end=at(6, 11))
    assert saturday.time_text == "9:00 AM to 11:00 AM CDT"
    institute = make_event(timezone="America/Chicago", start=at(6, 9), end=at(7, 15))
    assert institute.time_text == "9:00 AM CDT to 3:00 PM CST"
    assert dst_sunday.start_text == "Sun 7 Nov 9:00 AM CST"


def test_page_my_learning_home_card_email_ics_and_csv_show_the_workshop_zone(
    client, dst_sunday, user, staff, committed
):
    with committed():
        registration = services.registration_create(event=dst_sunday, purchaser=user)
    assert "9:00 AM to 11:00 AM CST" in mail.outbox[-1].body
    client.force_login(user)
    assert "9:00 AM to 11:00 AM CST" in client.get(dst_sunday.url).content.decode()
    assert "9:00 AM to 11:00 AM CST" in client.get(reverse("members:dashboard")).content.decode()
    assert "Sun 7 Nov 9:00 AM CST" in client.get("/").content.decode()
    vevent = vobject.readOne(registration_calendar(registration).decode()).vevent
    assert vevent.dtstart.value.tzname() == "CST" and vevent.dtstart.value.hour == 9

    client.force_login(staff)
    rows = csv_rows(client.get(reverse("events_admin:overview"), {"export": "csv"}))
    assert ["Sunday number strings", "2027-11-07 09:00 CST"] == rows[1][:2]
    rows = csv_rows(client.get(reverse("events_admin:registrations"), {"export": "csv"}))
    assert "2027-11-07 09:00 CST" in rows[1]


def test_an_online_workshop_also_shows_the_viewers_own_zone(client, make_event, dst_sunday, make_user):
    eastern = make_user(time_zone="America/New_York")
    client.force_login(eastern)
    page = client.get(dst_sunday.url).content.decode()
    assert "10:00 AM to 12:00 PM EST (your time)" in page
    services.registration_create(event=dst_sunday, purchaser=eastern)
    assert "10:00 AM to 12:00 PM EST (your time)" in client.get(reverse("members:dashboard")).content.decode()

    in_person = make_event(
        timezone="America/Chicago", start=at(7, 9), end=at(7, 11), format="in_person", venue_name="Lincoln School"
    )
    assert in_person.viewer_time_text(eastern) == ""
    assert dst_sunday.viewer_time_text(make_user()) == ""  # no zone set: the site's zone, no second line


def test_the_profile_form_saves_the_time_zone(client, user):
    client.force_login(user)
    data = {"first_name": "Ana", "last_name": "Ruiz", "time_zone": "America/Denver"}
    assert client.post(reverse("members:profile"), data).status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "America/Denver"
    assert client.post(reverse("members:profile"), {**data, "time_zone": "Mars/Olympus"}).status_code == 200
    user.refresh_from_db()
    assert user.time_zone == "America/Denver"
