"""RFC 5545 calendar files and "add to calendar" links for workshops.

The public file and the feed never carry the meeting link; only a registrant's own file does.
"""

from __future__ import annotations

from datetime import UTC, date
from urllib.parse import urlencode, urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .rules import meeting_link_for, registration_status_label

PRODID = "-//Math Learning Network//Workshops//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute(url: str) -> str:
    if url.startswith("http"):
        return url
    return settings.SITE_URL.rstrip("/") + url


def event_uid(event) -> str:
    return f"workshop-{event.pk}@{_host()}"


def registration_uid(registration) -> str:
    # Its own UID, so the personal entry (with the link) sits beside, not over, a public one.
    return f"registration-{registration.pk}-workshop-{registration.event_id}@{_host()}"


def session_uid(uid: str, session) -> str:
    """Each session of a multi-day workshop is its own entry, with a UID that stays as long as the session does."""
    if session.pk is None:
        return uid
    local, host = uid.split("@", 1)
    return f"{local}-session-{session.pk}@{host}"


def _session_summary(event, session, count: int, number: int) -> str:
    if session.pk is None:
        return event.title
    return f"{event.title}: {session.title}" if session.title else f"{event.title} (session {number} of {count})"


def _sequence(event) -> int:
    counter = event.counter
    return counter.schedule_sequence if counter else 0


def _vevents(event, *, uid: str, **fields) -> list[icalendar.Event]:
    """One VEVENT per session (one for a workshop without sessions); all share status and sequence."""
    schedule = event.schedule
    return [
        _vevent(
            event,
            session,
            uid=session_uid(uid, session),
            summary=_session_summary(event, session, len(schedule), number),
            **fields,
        )
        for number, session in enumerate(schedule, start=1)
    ]


def _vevent(
    event,
    session,
    *,
    uid: str,
    summary: str,
    description: str,
    url: str,
    status: str | None = None,
    sequence: int | None = None,
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("summary", summary)
    vevent.add("dtstamp", timezone.now())
    # Times carry the workshop's own zone (TZID) so calendars show them right anywhere.
    vevent.add("dtstart", session.local_start)
    vevent.add("dtend", session.local_end)
    vevent.add("sequence", _sequence(event) if sequence is None else sequence)
    vevent.add("location", event.location_text)
    vevent.add("url", url)
    vevent.add("description", description)
    if status is None:
        status = "CANCELLED" if event.is_cancelled else "CONFIRMED"
    vevent.add("status", status)
    return vevent


def _calendar(name: str, events: list, *, method: str = "PUBLISH") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    for vevent in events:
        cal.add_component(vevent)
    if events:
        # Zone rules only for the years the workshops fall in keep the file small.
        years = [v.decoded("dtstart").year for v in events]
        cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return cal.to_ical()


def _public_description(event) -> str:
    lines = [event.summary]
    if event.is_virtual:
        lines.append("Registered participants receive the meeting link by e-mail.")
    return "\n\n".join(line for line in lines if line)


def event_calendar(event) -> bytes:
    """The public file for one workshop: place or page URL, never the meeting link."""
    url = absolute(event.url or "/")
    vevents = _vevents(event, uid=event_uid(event), description=_public_description(event) + f"\n\n{url}", url=url)
    return _calendar(event.title, vevents)


def registration_calendar(registration) -> bytes:
    """A registrant's own file: the meeting link is in DESCRIPTION (and URL for virtual workshops).

    One UID per registration (per session, for a multi-day workshop) for its whole life; STATUS follows the registration (CONFIRMED only for a
    confirmed seat, TENTATIVE while waiting or unpaid), and a cancelled one is a METHOD:CANCEL with a
    higher SEQUENCE so the calendar removes the entry it holds.
    """
    event = registration.event
    status = registration_status_label(registration)
    calendar_status = "CANCELLED" if event.is_cancelled else status.calendar_status
    page_url = absolute(event.url or "/")
    lines = [event.summary]
    link = meeting_link_for(registration)
    if link:
        lines.append(f"Join online: {link}")
        if event.virtual_instructions:
            lines.append(event.virtual_instructions)
    lines.append(f"Your registration: {status.label}. {absolute(registration.get_absolute_url())}")
    lines.append(page_url)
    url = link if (link and event.format == "virtual") else page_url
    vevents = _vevents(
        event,
        uid=registration_uid(registration),
        description="\n\n".join(lines),
        url=url,
        status=calendar_status,
        sequence=_sequence(event) + registration.calendar_sequence,
    )
    method = "CANCEL" if calendar_status == "CANCELLED" else "PUBLISH"
    return _calendar(event.title, vevents, method=method)


def feed_calendar(events) -> bytes:
    """A subscribable feed of upcoming workshops (public details only)."""
    vevents = []
    for event in events:
        url = absolute(event.url or "/")
        vevents.extend(_vevents(event, uid=event_uid(event), description=_public_description(event), url=url))
    return _calendar(f"{settings.WAGTAIL_SITE_NAME} workshops", vevents)


def session_calendar_links(event) -> list[tuple[str, str, str]]:
    """(label, Google link, Outlook link) for each session of a multi-day workshop: those services add one
    entry per link, so each day gets its own rather than one entry across the nights."""
    schedule = event.schedule
    return [
        (
            session.title or f"Session {number}",
            google_calendar_url(event, session=session),
            outlook_calendar_url(event, session=session),
        )
        for number, session in enumerate(schedule, start=1)
    ]


def google_calendar_url(event, *, session=None) -> str:
    """Google's "add event" template link, public details only (one session's times when given)."""
    start, end = (session.start, session.end) if session else (event.start, event.end)
    dates = f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}/{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    params = {
        "action": "TEMPLATE",
        "text": _link_title(event, session),
        "dates": dates,
        "ctz": event.timezone,
        "details": f"{event.summary}\n\n{absolute(event.url or '/')}",
        "location": event.location_text,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(event, *, session=None) -> str:
    """Outlook on the web's compose link, public details only (one session's times when given)."""
    start, end = (session.start, session.end) if session else (event.start, event.end)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": _link_title(event, session),
        "startdt": start.isoformat(),
        "enddt": end.isoformat(),
        "body": f"{event.summary}\n\n{absolute(event.url or '/')}",
        "location": event.location_text,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(params)


def _link_title(event, session) -> str:
    return f"{event.title}: {session.title}" if session is not None and session.title else event.title
