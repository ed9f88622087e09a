"""A member's course, lesson and My learning pages: at most 12 queries, the same with ten times the data (issue 14).

Navigation and the site settings come from the shared cache (forgotten on publish), so a page pays
for its own reads only.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.access import refresh_entitlements
from tests.courses.test_query_counts_at_scale import _grow, _measure, _progress

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


def test_course_and_lesson_pages_for_a_member_stay_within_twelve_queries(client, course_builder, member):
    from resources.factories import ResourceIndexPageFactory

    cache.clear()
    library = ResourceIndexPageFactory()
    course, lessons = course_builder(
        title="Formative probes", slug="probes", access_level="members", modules=3, lessons_per_module=4
    )
    _progress(member, course, lessons, 5)
    refresh_entitlements(member)
    client.force_login(member)
    pages = [course.url, lessons[6].url]

    before = [_measure(client, url) for url in pages]
    _grow(course_builder, course, lessons, library)
    after = [_measure(client, url) for url in pages]

    assert before == after, dict(zip(pages, zip(before, after, strict=True), strict=True))
    assert max(before) <= MAX_QUERIES, dict(zip(pages, before, strict=True))


def test_publishing_a_section_shows_in_the_navigation_at_once(client, home_page):
    from events.factories import EventIndexPageFactory

    cache.clear()
    assert "Workshops" not in client.get("/").content.decode()
    EventIndexPageFactory(parent=home_page)
    assert "Workshops" in client.get("/").content.decode()


def test_saved_site_settings_show_on_the_next_page(client, home_page):
    from home.models import SiteSettings

    cache.clear()
    settings_row = SiteSettings.for_site(home_page.get_site())
    client.get("/")
    settings_row.tagline = "Wombats count in tens"
    settings_row.save()
    assert "Wombats count in tens" in client.get("/").content.decode()


def _queries(client, url) -> list[str]:
    client.get(url)  # warm the caches (content types, site root paths, the cached Site)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in ctx.captured_queries]


def _learner_with_everything(member, course_builder, make_event):
    """Every part of My learning filled: courses in progress and completed (with a certificate),
    an upcoming workshop, saved resources and a district the member leads."""
    from courses.factories import CertificateFactory
    from courses.models import Certificate, Enrollment
    from events.factories import AttendeeFactory, RegistrationFactory
    from members.factories import OrganizationMemberFactory
    from members.models import OrganizationMember
    from resources.factories import ResourceIndexPageFactory, ResourcePageFactory, SavedResourceFactory

    for n in range(2):
        course, lessons = course_builder(title=f"Probes {n}", slug=f"probes-{n}", access_level="members")
        _progress(member, course, lessons, 1)
    done, done_lessons = course_builder(title="Launch routines", slug="launch", modules=1, lessons_per_module=2)
    _progress(member, done, done_lessons, 2)
    enrollment = Enrollment.objects.get(user=member, course=done)
    assert enrollment.completed_at
    if not Certificate.objects.filter(enrollment=enrollment).exists():
        CertificateFactory(enrollment=enrollment)
    workshop = make_event(title="Number talks live", start=timezone.now() + timedelta(days=5))
    registration = RegistrationFactory(event=workshop, purchaser=member)
    AttendeeFactory(registration=registration, user=member, email=member.email)
    library = ResourceIndexPageFactory()
    for n in range(2):
        SavedResourceFactory(user=member, resource=ResourcePageFactory(parent=library, slug=f"saved-{n}"))
    OrganizationMemberFactory(user=member, role=OrganizationMember.OrgRole.LEADER)
    refresh_entitlements(member)
    return course, lessons, library


def test_my_learning_stays_within_twelve_queries_with_every_section_filled(client, course_builder, make_event, member):
    cache.clear()
    course, lessons, library = _learner_with_everything(member, course_builder, make_event)
    client.force_login(member)

    before = _queries(client, "/my-learning/")
    _grow(course_builder, course, lessons, library)
    after = _queries(client, "/my-learning/")

    assert len(before) <= MAX_QUERIES, "\n".join(before)
    assert len(after) == len(before), "\n".join(after)


def test_my_learning_of_a_new_member_costs_no_more_than_a_full_one(client, member):
    """The bench member and a newcomer take different branches; neither may pass the limit."""
    cache.clear()
    client.force_login(member)

    queries = _queries(client, "/my-learning/")

    assert len(queries) <= MAX_QUERIES, "\n".join(queries)


def test_an_upcoming_workshop_costs_my_learning_no_extra_query(client, course_builder, make_event, member):
    """The bench member's data differs between the full and the one-tenth seed: a workshop must not show."""
    from events.factories import AttendeeFactory, RegistrationFactory

    cache.clear()
    course, lessons = course_builder(title="Probes", slug="probes", access_level="members")
    _progress(member, course, lessons, 1)
    refresh_entitlements(member)
    client.force_login(member)
    without = _queries(client, "/my-learning/")

    workshop = make_event(title="Number talks live", start=timezone.now() + timedelta(days=5))
    registration = RegistrationFactory(event=workshop, purchaser=member)
    AttendeeFactory(registration=registration, user=member, email=member.email)
    response = client.get("/my-learning/")
    assert "Number talks live" in response.content.decode()

    assert len(_queries(client, "/my-learning/")) == len(without)
