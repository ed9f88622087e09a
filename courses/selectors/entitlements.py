"""What a learner holds with the courses app, as members.access asks for it (registered in CoursesConfig.ready)."""

from ..models import CoursePage, Enrollment


def enrollments_for_user(user) -> dict[int, Enrollment]:
    """course page id -> the user's Enrollment."""
    return {e.course_id: e for e in Enrollment.objects.filter(user=user)}


def live_courses_by_id(course_ids) -> dict[int, CoursePage]:
    """course page id -> live course, loaded with its access level only."""
    return {c.pk: c for c in CoursePage.objects.live().filter(pk__in=list(course_ids)).only("access_level")}
