"""What site search must hide from a user."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from members.access import can_view_lesson, entitlements_for

from ..models import CoursePage

NO_LESSONS = Q(pk__in=[])


def readable_course_paths(*, user) -> list[str] | None:
    """The tree paths of the live courses whose lessons this user may read; None for every course (staff).

    At most one query (the live courses' access levels), whatever the number of lessons.
    """
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return []
    if ent.is_staff:
        return None
    return [c.path for c in CoursePage.objects.live().only("path", "access_level") if can_view_lesson(user, None, c)]


def lessons_in_courses(paths: list[str] | None) -> Q:
    """A filter on lessons: those under these course paths (readable_course_paths), None for all."""
    if paths is None:
        return Q()
    return reduce(or_, [Q(path__startswith=path) for path in paths], NO_LESSONS)
