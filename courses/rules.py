"""The course rules, one function each: are the prerequisites met, is a module open yet.

Services, selectors and views ask here; templates get the answers through the outline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from members.access import entitlements_for


# --- prerequisites ---
def missing_prerequisite_ids(
    user, prerequisite_ids: Iterable[int], *, completed_ids: Iterable[int] | None = None
) -> set[int]:
    """Prerequisite courses (by id) this user has not completed; staff are never held back.

    completed_ids are the courses she completed when the caller has just read them; otherwise her
    enrollments loaded once per request are used.
    """
    ent = entitlements_for(user)
    if completed_ids is None:
        completed_ids = [pk for pk, e in ent.enrollments.items() if e.completed_at is not None]
    missing = set(prerequisite_ids) - set(completed_ids)
    # Asked last: the staff check costs a query and most learners have nothing missing.
    if missing and ent.is_staff:
        return set()
    return missing


def prerequisites_met(user, prerequisite_ids: Iterable[int], *, completed_ids: Iterable[int] | None = None) -> bool:
    return not missing_prerequisite_ids(user, prerequisite_ids, completed_ids=completed_ids)


# --- drip release ---
def module_opens_on(*, release_after_days: int | None, enrolled_at: datetime | None) -> datetime | None:
    """When a drip-released module opens for a learner: that many days after she enrolled; None opens at once."""
    if not release_after_days or enrolled_at is None:
        return None
    return enrolled_at + timedelta(days=release_after_days)


def module_is_open(user, *, opens_on: datetime | None, now: datetime | None = None) -> bool:
    """Open once its day has come; staff see every module so they can check the course."""
    if opens_on is None or opens_on <= (now or timezone.now()):
        return True
    return entitlements_for(user).is_staff


# --- PD hours ---
def pd_hours_exceed_lesson_time(*, pd_hours, lesson_minutes: int, ratio: float) -> bool:
    """A course may not claim more PD hours than its lessons' estimated time allows (times the ratio)."""
    from decimal import Decimal

    return Decimal(pd_hours or 0) > Decimal(lesson_minutes) / 60 * Decimal(str(ratio))
