"""Course, lesson and dashboard pages cost the same number of queries for 5 lessons as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.factories import LessonPageFactory, ModulePageFactory, check_block, reflection_block
from courses.selectors.progress import dashboard_courses
from members.access import refresh_entitlements

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15


def _course(course_builder, lessons: int, slug: str, access_level="free"):
    modules = 5
    course, _ = course_builder(modules=0, title=f"Course {slug}", slug=slug, access_level=access_level)
    made = []
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"Module {m}", slug=f"m{m}", release_after_days=m or None)
        for n in range(lessons // modules):
            body = [("paragraph", "<p>Text</p>")]
            if n == 0:
                body += [check_block(), reflection_block()]
            made.append(LessonPageFactory(parent=module, title=f"L{m}.{n}", slug=f"l{m}-{n}", body=body))
    return course, made


def _measure(client, url) -> int:
    client.get(url)  # warm caches that any page fills once per process (content types, site root paths)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def _learner_with_progress(course, lessons, user):
    services.enrollment_create(user=user, course=course)
    for lesson in lessons[: len(lessons) // 2]:
        if lesson.get_parent().specific.release_after_days is None:
            services.lesson_complete(user=user, lesson=lesson)
    refresh_entitlements(user)


@pytest.mark.parametrize("access_level, who", [("free", "user"), ("members", "member")])
def test_course_and_lesson_pages_do_not_grow_with_lessons(client, course_builder, request, access_level, who):
    learner = request.getfixturevalue(who)
    small, small_lessons = _course(course_builder, 5, "small", access_level)
    large, large_lessons = _course(course_builder, 50, "large", access_level)
    _learner_with_progress(small, small_lessons, learner)
    _learner_with_progress(large, large_lessons, learner)
    client.force_login(learner)

    counts = {}
    for name, course, lessons in (("small", small, small_lessons), ("large", large, large_lessons)):
        counts[name] = (_measure(client, course.url), _measure(client, lessons[0].url))
    assert counts["small"] == counts["large"], counts
    assert max(counts["small"]) <= MAX_QUERIES, counts


def test_dashboard_courses_does_not_grow_with_courses_or_lessons(course_builder, user):
    small, small_lessons = _course(course_builder, 5, "small")
    _learner_with_progress(small, small_lessons, user)
    dashboard_courses(user=user)  # warm the site-root-paths cache every page shares
    with CaptureQueriesContext(connection) as one:
        dashboard_courses(user=user)
    large, large_lessons = _course(course_builder, 50, "large")
    _learner_with_progress(large, large_lessons, user)
    dashboard_courses(user=user)  # publishing the new course forgot the cached course trees: read them once
    with CaptureQueriesContext(connection) as two:
        result = dashboard_courses(user=user)
    assert len(one.captured_queries) == len(two.captured_queries) <= MAX_QUERIES
    assert {p.course.pk for p in result["in_progress"]} == {small.pk, large.pk}
    progress = {p.course.pk: p for p in result["in_progress"]}
    assert 0 < progress[large.pk].percent < 100 and progress[large.pk].continue_url.startswith(large.url)


def test_my_learning_page_does_not_grow_with_lessons(client, course_builder):
    """The whole My learning page, for a learner in a 5-lesson course and one in a 50-lesson course."""
    from members.factories import UserFactory

    counts = []
    for size in (5, 50):
        learner = UserFactory()
        course, lessons = _course(course_builder, size, f"dash-{size}")
        _learner_with_progress(course, lessons, learner)
        client.force_login(learner)
        counts.append(_measure(client, "/my-learning/"))
    assert counts[0] == counts[1] <= MAX_QUERIES, counts
