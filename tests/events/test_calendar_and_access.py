"""Calendar files parsed back with icalendar, and who sees the meeting link and the recording."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document

from events import services
from events.ics import event_calendar, registration_calendar
from events.rules import can_see_meeting_link
from members.access import can_download_document, can_view_recording

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/number-strings"


def _only_event(body: bytes):
    cal = icalendar.Calendar.from_ical(body)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def test_public_ics_has_uid_tzid_times_and_page_url_but_no_meeting_link(client, make_event):
    event = make_event(timezone="America/Chicago", virtual_link=LINK)
    response = client.get(reverse("events:event_ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, vevent = _only_event(response.content)
    assert str(vevent["uid"]) == f"workshop-{event.pk}@testserver"
    assert vevent["dtstart"].params["TZID"] == "America/Chicago"
    assert vevent.decoded("dtstart") == event.start
    assert vevent.decoded("dtend") == event.end
    assert str(vevent["url"]).endswith(event.url)
    assert str(vevent["summary"]) == event.title
    assert LINK not in response.content.decode()
    assert "meet.example.org" not in response.content.decode()
    assert any(tz["tzid"] == "America/Chicago" for tz in cal.walk("VTIMEZONE"))
    # The same workshop always gets the same UID, so calendars update instead of duplicating.
    _, again = _only_event(event_calendar(event))
    assert again["uid"] == vevent["uid"]


def test_in_person_ics_has_the_address_as_location(make_event):
    event = make_event(
        format="in_person", venue_name="Lincoln Elementary", address="12 Elm St\nSpringfield", virtual_link=""
    )
    _, vevent = _only_event(event_calendar(event))
    assert str(vevent["location"]) == "Lincoln Elementary, 12 Elm St Springfield"


def test_registration_ics_carries_the_link_for_the_confirmed_registrant_only(client, make_event, user, make_user):
    event = make_event(capacity=1, virtual_link=LINK)
    mine = services.registration_create(event=event, purchaser=user)
    other = make_user()
    waiting = services.registration_create(event=event, purchaser=other)

    client.force_login(user)
    response = client.get(reverse("events:registration_ics", args=[mine.pk]))
    _, vevent = _only_event(response.content)
    assert LINK in str(vevent["description"])
    assert str(vevent["url"]) == LINK
    assert str(vevent["uid"]) == f"registration-{mine.pk}-workshop-{event.pk}@testserver"

    # Someone else's registration is not hers to download.
    assert client.get(reverse("events:registration_ics", args=[waiting.pk])).status_code == 404
    # The waitlisted registrant's own file has no link.
    _, waiting_event = _only_event(registration_calendar(waiting))
    assert LINK not in waiting_event.to_ical().decode()


def test_feed_lists_upcoming_workshops_without_links(client, make_event):
    upcoming = [make_event(virtual_link=LINK), make_event(virtual_link=LINK)]
    make_event(start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3, hours=-2))
    response = client.get("/workshops/calendar.ics")
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    assert uids == {f"workshop-{e.pk}@testserver" for e in upcoming}
    assert LINK not in response.content.decode()


def test_add_to_calendar_links_use_utc_and_skip_the_meeting_link(make_event):
    from events.ics import google_calendar_url, outlook_calendar_url

    event = make_event(virtual_link=LINK)
    google = google_calendar_url(event)
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert f"{event.start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in google
    assert "meet.example.org" not in google
    assert outlook_calendar_url(event).startswith("https://outlook.live.com/calendar/")


# --- the access matrix ---
@pytest.fixture
def people(user, member, staff, make_user, make_event):
    event = make_event(capacity=5, virtual_link=LINK, recording_video="https://video.example.org/rec")
    registrant = make_user("registrant@example.org")
    services.registration_create(event=event, purchaser=registrant)
    attendee = make_user("named@example.org")
    leader = make_user("leader@example.org")
    services.registration_create(
        event=event, purchaser=leader, attendees=[{"name": "Named Teacher", "email": "named@example.org"}]
    )
    waitlisted = make_user("pending@example.org")
    from django.contrib.auth.models import AnonymousUser

    return event, {
        "anonymous": AnonymousUser(),
        "free": user,
        "member": member,
        "registrant": registrant,
        "named attendee": attendee,
        "group buyer": leader,
        "not confirmed": waitlisted,
        "staff": staff,
    }


LINK_ALLOWED = {"registrant", "named attendee", "group buyer", "staff"}
RECORDING_ALLOWED = {"member", "registrant", "named attendee", "group buyer", "staff"}


def test_virtual_link_and_recording_matrix(people):
    event, who = people
    for name, person in who.items():
        assert bool(can_see_meeting_link(person, event)) is (name in LINK_ALLOWED), name
        assert bool(can_view_recording(person, event)) is (name in RECORDING_ALLOWED), name


def test_event_page_shows_the_link_only_to_those_allowed(client, people):
    event, who = people
    for name, person in who.items():
        if name == "anonymous":
            client.logout()
        else:
            client.force_login(person)
        html = client.get(event.url).content.decode()
        assert (LINK in html) is (name in LINK_ALLOWED), name
        assert ("Watch the recording" in html) is (name in RECORDING_ALLOWED), name


def test_pending_payment_does_not_show_the_link(make_event, make_user):
    event = make_event(price="30", virtual_link=LINK)
    buyer = make_user()
    services.registration_create(event=event, purchaser=buyer, payment_method="card")
    assert not can_see_meeting_link(buyer, event)


def test_recording_document_is_gated_through_the_event_page(people):
    from django.core.files.base import ContentFile

    event, who = people
    document = Document.objects.create(title="Workshop slides", file=ContentFile(b"slides", name="slides.pdf"))
    event.recording_document = document
    event.save_revision().publish()
    from wagtail.models import ReferenceIndex

    ReferenceIndex.create_or_update_for_object(event)
    for name, person in who.items():
        decision = can_download_document(person, document)
        assert decision is not None, name
        assert bool(decision) is (name in RECORDING_ALLOWED), name
