"""A member's course, lesson and My learning pages cost the same queries however much other data exists.

The benchmark (`make bench`) checks the same property on seed_scale's data at full size and at one
tenth; this test checks it on small factory data: one learner's pages, measured before and after the
site gains more courses, more learners with progress, resources linked to the course and downloads.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from members.access import refresh_entitlements
from members.factories import MembershipFactory, UserFactory
from resources.factories import DocumentFactory, ResourcePageFactory
from resources.models import DownloadLog

pytestmark = pytest.mark.django_db
# The target (docs/performance.md): at most 12 queries per member page.
MAX_QUERIES = 12


def _measure(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _progress(user, course, lessons, done):
    services.enrollment_create(user=user, course=course)
    for lesson in lessons[:done]:
        services.lesson_complete(user=user, lesson=lesson)


def _grow(course_builder, course, lessons, library):
    """Other learners, courses, resources and downloads: everything that grows with a network."""
    others = [course_builder(title=f"Other course {n}", slug=f"other-{n}", access_level="members") for n in range(3)]
    for n in range(6):
        learner = MembershipFactory(user__email=f"other{n}@example.org").user
        _progress(learner, course, lessons, 1 + n % len(lessons))
        other, other_lessons = others[n % len(others)]
        _progress(learner, other, other_lessons, 2)
    document = DocumentFactory()
    for n in range(8):
        resource = ResourcePageFactory(parent=library, title=f"Number string {n}", slug=f"string-{n}")
        resource.courses.add(course)
        resource.save()
        DownloadLog.objects.create(
            user_id=UserFactory(email=f"reader{n}@example.org").pk, document=document, resource=resource
        )


def test_member_pages_cost_the_same_with_ten_times_the_data(client, course_builder, member):
    from resources.factories import ResourceIndexPageFactory

    library = ResourceIndexPageFactory()
    course, lessons = course_builder(
        title="Formative probes", slug="probes", access_level="members", modules=3, lessons_per_module=4
    )
    mine, my_lessons = course_builder(title="Launch routines", slug="launch", modules=2, lessons_per_module=2)
    _progress(member, course, lessons, 5)
    _progress(member, mine, my_lessons, 1)
    refresh_entitlements(member)
    client.force_login(member)
    pages = [course.url, lessons[6].url, "/my-learning/"]

    before = [_measure(client, url) for url in pages]
    _grow(course_builder, course, lessons, library)
    after = [_measure(client, url) for url in pages]

    assert before == after, dict(zip(pages, zip(before, after, strict=True), strict=True))
    assert max(before) <= MAX_QUERIES, dict(zip(pages, before, strict=True))
