"""{{ value|in_zone:"America/Chicago" }} -> "Tue 3 Dec 5:00 PM CST": a moment in a named zone, abbreviation included."""

from django import template

from core.timezones import moment_text, zone_named

register = template.Library()


@register.filter
def in_zone(value, zone_name=""):
    if not value:
        return ""
    return moment_text(value, zone_named(zone_name))
