"""What site search must hide from a user."""

from __future__ import annotations

from members.access import can_view_lesson, entitlements_for

from ..models import (
    CoursePage,
    LessonPage,
)


def lesson_ids_hidden_from(*, user) -> list[int]:
    """Live lessons whose body this user may not read: search must not match their text."""
    ent = entitlements_for(user)
    if ent.is_staff:
        return []
    lessons = LessonPage.objects.live().values_list("pk", "path")
    if not ent.is_authenticated:
        return [pk for pk, _ in lessons]
    readable = [
        c.path for c in CoursePage.objects.live().only("path", "access_level") if can_view_lesson(user, None, c)
    ]
    return [pk for pk, path in lessons if not any(path.startswith(prefix) for prefix in readable)]
