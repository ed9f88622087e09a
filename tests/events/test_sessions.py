"""Multi-day workshops are sessions with their own times (an institute over two days is two sessions, not one
31-hour event): in the editor, on the pages and e-mails, in calendar files (read back with vobject), at check-in
and in PD hours. A workshop without sessions behaves as one session, its own start to end."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import vobject
from django.core import mail
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events import ics, selectors, services
from events import staff as event_staff
from events.factories import EventSessionFactory
from events.models import EventPage, EventSession, Registration
from events.rules import can_check_in

pytestmark = pytest.mark.django_db
DENVER = zoneinfo.ZoneInfo("America/Denver")


def at(day, hour):
    # Tuesday 12 and Wednesday 13 January 2027, mountain standard time.
    return datetime(2027, 1, day, hour, tzinfo=DENVER)


@pytest.fixture
def institute(make_event):
    event = make_event(
        title="Winter institute",
        timezone="America/Denver",
        start=at(12, 9),
        end=at(13, 15),
        format="in_person",
        venue_name="Front Range Conference Center",
        pd_hours=0,
    )
    EventSessionFactory(event=event, title="Day 1: proportional reasoning", start=at(12, 9), end=at(12, 15))
    EventSessionFactory(event=event, title="Day 2: the modified workshop", start=at(13, 9), end=at(13, 15))
    return EventPage.objects.get(pk=event.pk)


def vevents(body: bytes):
    cal = vobject.readOne(body.decode())
    return cal, list(cal.vevent_list)


# --- one session when none are given ---
def test_a_workshop_without_sessions_is_one_session_of_its_own_times(make_event):
    event = make_event(timezone="America/Denver", start=at(12, 9), end=at(12, 11))
    [session] = event.schedule
    assert (session.start, session.end) == (event.start, event.end)
    assert event.when_text == "Tuesday, January 12, 2027, 9:00 AM to 11:00 AM MST"
    _, [vevent] = vevents(ics.event_calendar(event))
    assert vevent.uid.value == ics.event_uid(event)


def test_sessions_are_listed_in_time_order_and_the_page_reads_as_days(institute):
    assert [s.title for s in institute.schedule] == ["Day 1: proportional reasoning", "Day 2: the modified workshop"]
    first, second = institute.schedule
    assert first.when_text == "Tuesday, January 12, 2027, 9:00 AM to 3:00 PM MST"
    assert second.when_text == "Wednesday, January 13, 2027, 9:00 AM to 3:00 PM MST"
    assert institute.when_text == "Tuesday, January 12 to Wednesday, January 13, 2027, in 2 sessions"


# --- the editor ---
def _page_data(**changes):
    data = {
        "title": "Winter institute",
        "slug": "winter-institute",
        "summary": "Two days on the concepts that matter.",
        "body": streamfield([]),
        "start": "2027-01-12 09:00",
        "end": "2027-01-13 15:00",
        "timezone": "America/Denver",
        "format": "virtual",
        "virtual_link": "https://meet.example.org/winter",
        "capacity": "30",
        "price": "0",
        "cancellation_cutoff_hours": "48",
        "pd_hours": "0",
        "recording_videos": streamfield([]),
        "comments": inline_formset([]),
        "sessions": inline_formset(
            [
                {"title": "Day 1", "start": "2027-01-12 09:00", "end": "2027-01-12 15:00"},
                {"title": "Day 2", "start": "2027-01-13 09:00", "end": "2027-01-13 15:00"},
            ]
        ),
        "action-publish": "publish",
    }
    data.update(changes)
    return nested_form_data(data)


def _add(client, event_index, data):
    return client.post(reverse("wagtailadmin_pages:add", args=["events", "eventpage", event_index.pk]), data)


def test_the_editor_saves_sessions_typed_in_the_workshops_zone(client, staff, event_index, settings):
    settings.TIME_ZONE = "America/New_York"  # the editor's own zone must not shift what she typed
    client.force_login(staff)
    response = _add(client, event_index, _page_data())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    event = EventPage.objects.get(slug="winter-institute")
    assert [(s.title, s.start, s.end) for s in event.schedule] == [
        ("Day 1", at(12, 9), at(12, 15)),
        ("Day 2", at(13, 9), at(13, 15)),
    ]
    # Opening the editor again shows the workshop's wall clock, not the editor's.
    html = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert "2027-01-12 09:00" in html and "2027-01-13 15:00" in html


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (
            [{"title": "Day 1", "start": "2027-01-11 09:00", "end": "2027-01-11 15:00"}],
            "inside the workshop",
        ),
        (
            [{"title": "Day 1", "start": "2027-01-12 15:00", "end": "2027-01-12 09:00"}],
            "must end after it starts",
        ),
        (
            [
                {"title": "Day 1", "start": "2027-01-12 09:00", "end": "2027-01-12 15:00"},
                {"title": "Workshop", "start": "2027-01-12 14:00", "end": "2027-01-12 16:00"},
            ],
            "overlaps",
        ),
    ],
)
def test_the_editor_refuses_sessions_outside_backwards_or_overlapping(client, staff, event_index, sessions, message):
    client.force_login(staff)
    response = _add(client, event_index, _page_data(sessions=inline_formset(sessions)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EventPage.objects.filter(slug="winter-institute").exists()
    assert not EventSession.objects.exists()


# --- pages and e-mails ---
def test_workshop_registration_page_my_learning_and_emails_list_each_session(client, institute, user, committed):
    client.force_login(user)
    page = client.get(institute.url).content.decode()
    for text in ("Day 1: proportional reasoning", "Tuesday, January 12, 2027", "Wednesday, January 13, 2027"):
        assert text in page
    assert page.count("9:00 AM to 3:00 PM MST") >= 2
    form = client.get(reverse("events:register", args=[institute.pk])).content.decode()
    assert "Day 2: the modified workshop" in form and "Wednesday, January 13, 2027" in form
    with committed():
        registration = services.registration_create(event=institute, purchaser=user)
    [email] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Day 1: proportional reasoning" in email.body and "Wednesday, January 13, 2027" in email.body
    assert email.body.count("9:00 AM to 3:00 PM MST") == 2
    detail = client.get(registration.get_absolute_url()).content.decode()
    assert "Day 2: the modified workshop" in detail and detail.count("9:00 AM to 3:00 PM MST") >= 2
    dashboard = client.get(reverse("members:dashboard")).content.decode()
    assert "Tuesday, January 12, 2027" in dashboard and "Wednesday, January 13, 2027" in dashboard


def test_an_online_institute_shows_each_session_in_the_viewers_zone_too(client, institute, make_user):
    EventPage.objects.filter(pk=institute.pk).update(format="virtual", virtual_link="https://meet.example.org/w")
    eastern = make_user(time_zone="America/New_York")
    client.force_login(eastern)
    page = client.get(institute.url).content.decode()
    assert "Tue 12 Jan, 11:00 AM to 5:00 PM EST (your time)" in page
    assert "Wed 13 Jan, 11:00 AM to 5:00 PM EST (your time)" in page


# --- calendar files ---
def test_one_vevent_per_session_with_stable_uids(institute, user):
    cal, events = vevents(ics.event_calendar(institute))
    assert [(e.dtstart.value, e.dtend.value) for e in events] == [(at(12, 9), at(12, 15)), (at(13, 9), at(13, 15))]
    assert all(e.dtstart.value.tzname() == "MST" for e in events)
    uids = [e.uid.value for e in events]
    assert len(set(uids)) == 2
    assert [e.uid.value for e in vevents(ics.event_calendar(institute))[1]] == uids
    assert [e.summary.value for e in events] == [
        "Winter institute: Day 1: proportional reasoning",
        "Winter institute: Day 2: the modified workshop",
    ]
    feed = vevents(ics.feed_calendar([institute]))[1]
    assert [e.uid.value for e in feed] == uids

    registration = services.registration_create(event=institute, purchaser=user)
    _, mine = vevents(ics.registration_calendar(registration))
    assert len(mine) == 2 and len({e.uid.value for e in mine}) == 2
    assert {e.status.value for e in mine} == {"CONFIRMED"}


def test_google_and_outlook_links_add_each_session_not_one_entry_across_the_nights(client, institute, user):
    from urllib.parse import parse_qs, urlsplit

    [(label, google, outlook), (_, google_two, _)] = ics.session_calendar_links(institute)
    assert label == "Day 1: proportional reasoning"
    assert parse_qs(urlsplit(google).query)["dates"] == ["20270112T160000Z/20270112T220000Z"]
    assert parse_qs(urlsplit(google_two).query)["dates"] == ["20270113T160000Z/20270113T220000Z"]
    assert datetime.fromisoformat(parse_qs(urlsplit(outlook).query)["enddt"][0]) == at(12, 15)
    client.force_login(user)
    page = client.get(institute.url).content.decode()
    assert "Add Day 2: the modified workshop to Google Calendar" in page
    registration = services.registration_create(event=institute, purchaser=user)
    assert (
        "Add Day 1: proportional reasoning to Outlook" in client.get(registration.get_absolute_url()).content.decode()
    )


def test_cancelling_cancels_every_session_with_a_higher_sequence(institute, user, committed):
    registration = services.registration_create(event=institute, purchaser=user)
    _, before = vevents(ics.registration_calendar(registration))
    with committed():
        services.registration_cancel(registration=registration, actor=user)
    registration.refresh_from_db()
    cal, after = vevents(ics.registration_calendar(registration))
    assert cal.method.value == "CANCEL"
    assert [e.uid.value for e in after] == [e.uid.value for e in before]
    assert {e.status.value for e in after} == {"CANCELLED"}
    assert all(int(a.sequence.value) > int(b.sequence.value) for a, b in zip(after, before, strict=True))


def test_moving_a_session_tells_participants_and_raises_the_sequence(institute, user, committed):
    event_staff.event_change_announce(event=institute)
    registration = services.registration_create(event=institute, purchaser=user)
    _, before = vevents(ics.registration_calendar(registration))
    day_two = institute.sessions.get(title__startswith="Day 2")
    day_two.start, day_two.end = at(13, 10), at(13, 14)
    day_two.save()
    mail.outbox.clear()
    event = EventPage.objects.get(pk=institute.pk)
    with committed():
        assert event_staff.event_change_announce(event=event) is True
    assert any(m.to == [user.email] for m in mail.outbox)
    registration = Registration.objects.get(pk=registration.pk)
    _, after = vevents(ics.registration_calendar(registration))
    assert int(after[1].sequence.value) == int(before[1].sequence.value) + 1
    assert after[1].dtstart.value == at(13, 10)


# --- check-in and PD hours ---
def test_check_in_is_open_on_every_sessions_day(institute, user, staff):
    attendee = services.registration_create(event=institute, purchaser=user).attendees.get()
    assert not can_check_in(institute, now=at(11, 12))
    assert can_check_in(institute, now=at(12, 10))
    assert can_check_in(institute, now=at(13, 16))  # the second day, after its session: still that day
    assert not can_check_in(institute, now=at(14, 9))
    event_staff.attendee_check_in(attendee=attendee, now=at(13, 9))
    attendee.refresh_from_db()
    assert attendee.checked_in_at == at(13, 9)


def test_the_sign_in_sheet_lists_the_days_and_the_sessions_hours(client, institute, staff):
    client.force_login(staff)
    sheet = client.get(reverse("events_admin:sign_in_sheet", args=[institute.pk])).content.decode()
    assert "Day 2: the modified workshop: Wednesday, January 13, 2027, 9:00 AM to 3:00 PM MST" in sheet
    assert "12 PD hours" in sheet


def test_a_day_between_sessions_needs_the_staff_note(make_event):
    event = make_event(timezone="America/Denver", start=at(12, 9), end=at(14, 15), format="virtual")
    EventSessionFactory(event=event, start=at(12, 9), end=at(12, 15))
    EventSessionFactory(event=event, start=at(14, 9), end=at(14, 15))
    event = EventPage.objects.get(pk=event.pk)
    decision = can_check_in(event, now=at(13, 10))
    assert not decision and "add a note" in decision.message
    assert can_check_in(event, now=at(13, 10), note="Came to the make-up session")
    assert can_check_in(event, now=at(14, 10))


def test_pd_hours_default_to_the_sessions_hours_and_explicit_hours_win(institute, make_event, user):
    assert institute.credited_pd_hours == Decimal("12")
    attendee = services.registration_create(event=institute, purchaser=user).attendees.get()
    event_staff.attendee_check_in(attendee=attendee, now=at(12, 9))
    assert selectors.transcript_events(user=user)[0]["pd_hours"] == Decimal("12")
    EventPage.objects.filter(pk=institute.pk).update(pd_hours=Decimal("10"))
    assert selectors.transcript_events(user=user)[0]["pd_hours"] == Decimal("10")
    single = make_event(pd_hours=0, start=at(12, 9), end=at(12, 11))
    assert single.credited_pd_hours == Decimal("0")  # as today: no sessions, no hours unless given


def test_the_demo_institute_has_two_days(event_index):
    import io

    from events import demo

    demo.seed(stdout=io.StringIO())
    institute = EventPage.objects.get(slug="summer-institute-hlc-middle-school")
    first, second = institute.schedule
    assert second.local_start.date() - first.local_start.date() == timedelta(days=1)
    assert len({s.pk for s in institute.schedule}) == 2


def test_the_editors_preview_lists_the_sessions_before_they_are_saved(client, staff, make_event):
    event = make_event(title="Winter institute", timezone="America/Denver", start=at(12, 9), end=at(13, 15))
    client.force_login(staff)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[event.pk])
    data = _page_data(slug=event.slug)
    assert client.post(url, data).json() == {"is_valid": True, "is_available": True}
    html = client.get(url).content.decode()
    assert "Day 2" in html and "Wednesday, January 13, 2027, 9:00 AM to 3:00 PM MST" in html
    assert not EventSession.objects.exists()
