"""Time zones as people read them: a curated US list first, every IANA zone after, and clock text with the
zone's abbreviation ("9:00 AM CST"), computed for the moment itself so a DST change is always right."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils import timezone

# The zones our schools are in, offered first; any other IANA zone follows.
US_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
]


@cache
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def timezone_choices() -> list:
    """Choices for a person's zone: empty means the site's zone; US zones grouped first, then all."""
    us = {name for name, _ in US_ZONES}
    others = [(name, name.replace("_", " ")) for name in _all_zones() if name not in us]
    return [("", "The site's time zone"), ("United States", US_ZONES), ("All time zones", others)]


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that name; the site's zone when empty or unknown."""
    for candidate in (name, settings.TIME_ZONE, "UTC"):
        if candidate:
            try:
                return zoneinfo.ZoneInfo(candidate)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def clock_text(value: datetime, zone) -> str:
    """ "9:00 AM CST": the wall clock in that zone, with the abbreviation in force at that moment."""
    local = timezone.localtime(value, zone)
    return f"{local:%I:%M %p}".lstrip("0") + f" {local.tzname()}"


def moment_text(value: datetime, zone) -> str:
    """ "Tue 3 Dec 5:00 PM CST": a deadline or a start, day and clock, in that zone."""
    local = timezone.localtime(value, zone)
    return f"{local:%a} {local.day} {local:%b} {clock_text(value, zone)}"


def span_text(start: datetime, end: datetime, zone) -> str:
    """ "9:00 AM to 11:00 AM CST"; each end keeps its own abbreviation when a DST change falls between."""
    first, last = timezone.localtime(start, zone), timezone.localtime(end, zone)
    if first.tzname() == last.tzname():
        return f"{first:%I:%M %p}".lstrip("0") + f" to {clock_text(end, zone)}"
    return f"{clock_text(start, zone)} to {clock_text(end, zone)}"


def stamp_text(value: datetime, zone) -> str:
    """ "2026-11-01 09:00 CST": sortable, for spreadsheets, in that zone with its abbreviation."""
    local = timezone.localtime(value, zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
