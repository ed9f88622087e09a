"""A member's course and lesson pages: at most 12 queries, the same with ten times the data (issue 14).

Navigation and the site settings come from the shared cache (forgotten on publish), so a page pays
for its own reads only.
"""

import pytest
from django.core.cache import cache

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
