"""Shared per-request reads: the Wagtail Site from the shared cache (core/sites.py), and no view-restriction
queries of the page cache for a request it will never store (core/page_cache.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from home.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_settings(home_page):
    # The first request would create the settings row, and that save rightly forgets the cached reads.
    from home.models import SiteSettings

    SiteSettings.for_site(home_page.get_site())


def _tables(client, url, host="testserver"):
    client.get(url, HTTP_HOST=host)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_a_page_after_the_first_asks_for_neither_the_site_nor_the_home_page(home_page):
    cache.clear()
    StandardPageFactory(parent=home_page, title="About us", slug="about")

    _, queries = _tables(Client(), "/about/")

    assert not [q for q in queries if '"wagtailcore_site"' in q], queries
    assert not [q for q in queries if 'FROM "home_homepage"' in q], queries


def test_a_new_site_answers_its_host_on_the_next_request(home_page):
    cache.clear()
    StandardPageFactory(parent=home_page, title="About us", slug="about")
    other_root = StandardPageFactory(parent=home_page, title="Partner district", slug="partner")
    StandardPageFactory(parent=other_root, title="Partner about", slug="about")
    client = Client()
    response, _ = _tables(client, "/about/", host="127.0.0.1")
    assert "About us" in response.content.decode()

    Site.objects.create(hostname="127.0.0.1", port=80, root_page=other_root, site_name="Partner")

    response = client.get("/about/", HTTP_HOST="127.0.0.1")
    assert "Partner about" in response.content.decode()
    assert "About us" in client.get("/about/").content.decode()  # the default site is unchanged


def test_a_published_home_page_is_not_served_from_an_old_site_entry(home_page):
    cache.clear()
    StandardPageFactory(parent=home_page, title="About us", slug="about")
    client = Client()
    client.get("/about/")

    home_page.hero_heading = "Renamed home"
    home_page.save_revision().publish()

    assert client.get("/about/").status_code == 200
    assert "Renamed home" in client.get("/").content.decode()


def test_a_members_view_of_a_cacheable_page_runs_only_wagtails_own_restriction_check(home_page, member, settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    StandardPageFactory(parent=home_page, title="About us", slug="about")
    client = Client()
    client.force_login(member)

    _, queries = _tables(client, "/about/")

    assert len([q for q in queries if '"wagtailcore_pageviewrestriction"' in q]) == 1, queries


def test_an_anonymous_search_of_a_cacheable_page_runs_only_wagtails_own_restriction_check(home_page, settings):
    settings.PAGE_CACHE_SECONDS = 300
    StandardPageFactory(parent=home_page, title="About us", slug="about")

    _, queries = _tables(Client(), "/about/?q=number")  # search words are never stored

    assert len([q for q in queries if '"wagtailcore_pageviewrestriction"' in q]) == 1, queries


@pytest.mark.usefixtures("page_cache")
def test_an_anonymous_miss_still_checks_restrictions_before_storing(home_page):
    from wagtail.models import PageViewRestriction

    from core.page_cache import HIT_HEADER

    page = StandardPageFactory(parent=home_page, title="Board papers", slug="board")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")
    for _ in range(2):
        assert HIT_HEADER not in Client().get("/board/")


def _enrolled_client(course_builder, member):
    """A signed-in member enrolled in a free four-lesson course: (client, course, lessons)."""
    from courses import services

    course, lessons = course_builder(title="Launch routines", slug="launch-routines", access_level="free")
    services.enrollment_create(user=member, course=course)
    client = Client()
    client.force_login(member)
    return client, course, lessons


def test_a_lesson_after_the_first_asks_nothing_of_the_catalogue_it_passes_through(course_builder, member):
    client, course, lessons = _enrolled_client(course_builder, member)

    _, queries = _tables(client, lessons[0].url)

    assert not [q for q in queries if '"courses_courseindexpage"' in q], queries


def test_a_renamed_or_unpublished_section_routes_at_once(course_builder):
    course, lessons = course_builder(title="Launch routines", slug="launch-routines", access_level="free")
    catalogue = course.get_parent().specific
    old_url = course.url
    assert Client().get(old_url).status_code == 200

    catalogue.slug = "learn"
    catalogue.save_revision().publish()
    course.refresh_from_db()
    assert Client().get(old_url).status_code == 404
    assert Client().get(course.url).status_code == 200
    assert course.url.startswith("/learn/")

    catalogue.unpublish()
    # Its pages go with it, as without the cache.
    assert Client().get(course.url).status_code == 404


def test_an_unknown_section_is_a_404_and_leaves_nothing_cached(home_page):
    from core import page_cache

    for n in range(3):
        assert Client().get(f"/no-such-section-{n}/deeper/").status_code == 404
    assert not [key for key in page_cache._LOCAL if "no-such-section" in key]


def test_a_deploys_migrate_forgets_every_cached_read():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from core.page_cache import published_read

    assert published_read(("probe",), lambda: "written by the old code", 60) == "written by the old code"
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, verbosity=0, interactive=False, using="default", apps=apps, plan=[])
    assert published_read(("probe",), lambda: "built by the new code", 60) == "built by the new code"


def test_a_lesson_after_the_first_is_found_without_a_query_and_a_renamed_one_at_once(course_builder, member):
    client, course, lessons = _enrolled_client(course_builder, member)
    lesson = lessons[0]

    _, queries = _tables(client, lesson.url)
    assert not [q for q in queries if '"courses_lessonpage"' in q and "url_path" in q], queries

    old_url = lesson.url
    lesson.slug = "renamed-lesson"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(lesson.url).status_code == 200


def test_nothing_found_is_never_stored():
    from core.page_cache import published_read

    assert published_read(("probe-missing",), lambda: None, 60) is None
    assert published_read(("probe-missing",), lambda: "found later", 60) == "found later"


def test_breadcrumbs_come_from_the_cache_and_follow_a_renamed_parent(home_page):
    about = StandardPageFactory(parent=home_page, title="About us", slug="about")
    team = StandardPageFactory(parent=about, title="Our team", slug="team")

    response, queries = _tables(Client(), team.url)
    html = response.content.decode()
    assert '<a href="/">Home</a>' in html and '<a href="/about/">About us</a>' in html
    ancestors = [q for q in queries if '"wagtailcore_page"."title"' in q and '"wagtailcore_page"."path" IN' in q]
    assert not ancestors, queries

    about.title = "Who we are"
    about.save_revision().publish()
    assert '<a href="/about/">Who we are</a>' in Client().get(team.url).content.decode()


def test_a_lesson_nothing_restricts_asks_for_no_view_restriction(course_builder, member):
    client, course, lessons = _enrolled_client(course_builder, member)

    _, queries = _tables(client, lessons[0].url)

    assert not [q for q in queries if '"wagtailcore_pageviewrestriction"' in q], queries


def test_a_restriction_added_or_removed_applies_at_once(course_builder):
    from wagtail.models import PageViewRestriction

    course, lessons = course_builder(title="Launch routines", slug="launch-routines", access_level="free")
    lesson_url = lessons[0].url
    assert Client().get(course.url).status_code == 200  # the restriction map is now cached

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="staffroom"
    )
    for url in (course.url, lesson_url):
        response = Client().get(url)
        assert response.status_code == 200 and b'name="password"' in response.content, url  # the password form

    restriction.delete()
    assert b'name="password"' not in Client().get(course.url).content
