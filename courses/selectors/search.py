"""What site search must hide from a user."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from members.access import can_view_lesson, entitlements_for

from ..models import CoursePage

NO_LESSONS = Q(pk__in=[])


def lessons_readable_by(*, user) -> Q:
    """A filter on lessons: those whose body this user may read (search may match their text).

    At most one query (the live courses' access levels), whatever the number of lessons.
    """
    ent = entitlements_for(user)
    if not ent.is_authenticated:
        return NO_LESSONS
    if ent.is_staff:
        return Q()
    readable = [
        c.path for c in CoursePage.objects.live().only("path", "access_level") if can_view_lesson(user, None, c)
    ]
    return reduce(or_, [Q(path__startswith=path) for path in readable], NO_LESSONS)
