"""One small parser per parameter type, for every value a visitor can type into a URL or a form.

Each parser takes the raw string (or None) and returns a clean value or the default; none raises
on bad input, so a hostile query string can never reach the database or turn into a 500:
NUL bytes, other scripts' digits ("²", "٣"), numbers past a bigint, dates past the calendar,
unknown choices and off-site `next` values are all turned away here.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.http import url_has_allowed_host_and_scheme

_ASCII_INT = re.compile(r"[+-]?[0-9]{1,18}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

# Dates far outside this window are typing mistakes or probes; they would overflow date arithmetic.
MIN_YEAR, MAX_YEAR = 1900, 2200
BIGINT_MAX = 2**63 - 1
MAX_TEXT = 1000


def clean_text(value, *, max_length: int = MAX_TEXT, default: str = "") -> str:
    """Free text from a query or form: NUL and other control characters removed, trimmed, capped."""
    if value is None:
        return default
    text = "".join(ch for ch in str(value) if ch in "\t\n\r" or ord(ch) >= 32)
    return text.strip()[:max_length]


def has_nul(value) -> bool:
    return value is not None and "\x00" in str(value)


def parse_int(value, *, default=None, minimum: int | None = None, maximum: int | None = None):
    """An integer written in ASCII digits within [minimum, maximum]; anything else gives `default`."""
    if value is None:
        return default
    text = str(value).strip()
    if not _ASCII_INT.fullmatch(text):
        return default
    number = int(text)
    low = -BIGINT_MAX if minimum is None else minimum
    high = BIGINT_MAX if maximum is None else maximum
    if number < low or number > high:
        return default
    return number


def parse_id(value, default=None):
    """A database id: a positive integer that fits a bigint."""
    return parse_int(value, default=default, minimum=1)


def parse_ids(values, *, limit: int = 50) -> list[int]:
    """Several ids (e.g. a repeated facet); bad ones are dropped, duplicates kept once, at most `limit`."""
    seen: list[int] = []
    for value in values or []:
        number = parse_id(value)
        if number is not None and number not in seen:
            seen.append(number)
        if len(seen) >= limit:
            break
    return seen


def parse_choice(value, choices, default=None):
    """One of `choices` (a list of values or of (value, label) pairs), else `default`."""
    if value is None or has_nul(value):
        return default
    allowed = [c[0] if isinstance(c, (tuple, list)) else c for c in choices]
    text = str(value).strip()
    return text if text in allowed else default


def parse_choices(values, choices, *, limit: int = 50) -> list:
    allowed = [c[0] if isinstance(c, (tuple, list)) else c for c in choices]
    picked = []
    for value in values or []:
        text = None if has_nul(value) else str(value).strip()
        if text in allowed and text not in picked:
            picked.append(text)
        if len(picked) >= limit:
            break
    return picked


def parse_date(value, default=None) -> date | None:
    """An ISO date (YYYY-MM-DD) between 1900 and 2200 that exists on the calendar."""
    if value is None:
        return default
    match = _ISO_DATE.fullmatch(str(value).strip())
    if not match:
        return default
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return default
    try:
        return date(year, month, day)
    except ValueError:
        return default


def parse_month(value, default=None) -> date | None:
    """A month (YYYY-MM) between 1900 and 2200, as the first day of that month."""
    if value is None:
        return default
    match = _ISO_MONTH.fullmatch(str(value).strip())
    if not match:
        return default
    year, month = int(match[1]), int(match[2])
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return default
    return date(year, month, 1)


def safe_next(request, value, default: str = "/") -> str:
    """A `next` URL on this site, or `default`. Never reverse() a visitor's value."""
    if not value or has_nul(value):
        return default
    text = str(value).strip()
    if not text.startswith("/") or not url_has_allowed_host_and_scheme(
        text, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return text
