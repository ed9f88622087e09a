"""core.search: one entry point; a weighted, GIN-indexed tsvector on PostgreSQL, Wagtail's backend elsewhere."""

import pytest
from django.db import connection

from core.search import search, uses_stored_vector
from courses.models import CoursePage, LessonPage, ModulePage
from events.models import EventPage
from home.factories import ArticleIndexPageFactory, ArticlePageFactory
from home.models import ArticlePage, StandardPage
from home.selectors import site_search
from resources.factories import ResourcePageFactory
from resources.models import ResourcePage

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")


def _titles(qs):
    return [page.title for page in qs]


@postgres_only
def test_every_searchable_type_keeps_a_gin_indexed_vector():
    for model in (ResourcePage, CoursePage, ArticlePage, EventPage, LessonPage, ModulePage, StandardPage):
        assert uses_stored_vector(model)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
                [model._meta.db_table, "%gin%search_vector%"],
            )
            assert cursor.fetchone(), model


@postgres_only
def test_a_title_match_ranks_above_a_summary_match_above_a_body_match(library):
    body = [("paragraph", "<p>Wallaby estimation in a warm-up.</p>")]
    ResourcePageFactory(parent=library, title="Body has it", body=body)
    ResourcePageFactory(parent=library, title="Summary has it", summary="A wallaby estimation routine.")
    ResourcePageFactory(parent=library, title="Wallaby estimation")
    assert _titles(search(ResourcePage.objects.live(), "wallaby")) == [
        "Wallaby estimation",
        "Summary has it",
        "Body has it",
    ]


@postgres_only
def test_queries_read_as_people_type_them(library):
    ResourcePageFactory(parent=library, title="Fraction strips")
    ResourcePageFactory(parent=library, title="Fraction number line")
    ResourcePageFactory(parent=library, title="Number line jumps")
    assert set(_titles(search(ResourcePage.objects.all(), "fraction -strips"))) == {"Fraction number line"}
    assert set(_titles(search(ResourcePage.objects.all(), '"number line"'))) == {
        "Fraction number line",
        "Number line jumps",
    }
    # English stemming: "fractions" finds "Fraction".
    assert len(search(ResourcePage.objects.all(), "fractions")) == 2


def test_a_draft_is_not_searchable_until_it_is_published(library):
    page = ResourcePageFactory(parent=library, title="Ten frames")
    page.title = "Kookaburra counting"
    page.save_revision()
    assert not search(ResourcePage.objects.live(), "kookaburra").exists()
    assert search(ResourcePage.objects.live(), "ten frames").exists()

    page.get_latest_revision().publish()
    assert _titles(search(ResourcePage.objects.live(), "kookaburra")) == ["Kookaburra counting"]


def test_site_search_finds_every_searchable_type(home_page, library, catalogue, make_event):
    from courses.factories import CoursePageFactory

    articles = ArticleIndexPageFactory(parent=home_page)
    ResourcePageFactory(parent=library, title="Numbat resource")
    CoursePageFactory(parent=catalogue, title="Numbat course", slug="numbat-course")
    ArticlePageFactory(parent=articles, title="Numbat article")
    make_event(title="Numbat workshop", slug="numbat-workshop")
    from django.contrib.auth.models import AnonymousUser

    titles = set(_titles(site_search(query="numbat", user=AnonymousUser())))
    assert titles == {"Numbat resource", "Numbat course", "Numbat article", "Numbat workshop"}


def test_the_library_search_goes_through_core_search(client, library):
    ResourcePageFactory(parent=library, title="Echidna arrays")
    ResourcePageFactory(parent=library, title="Dingo doubles")
    body = client.get(library.url, {"q": "echidna"}).content.decode()
    assert "Echidna arrays" in body
    assert "Dingo doubles" not in body


@postgres_only
def test_lesson_titles_and_summaries_have_their_own_index():
    """A visitor who may not open a lesson is matched on weights A and B: that expression is indexed too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'courses_lessonpage'")
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "ts_filter(search_vector" in definitions


def _gated_lesson(course_builder):
    from courses.factories import LessonPageFactory

    course, lessons = course_builder(access_level="members", title="Probes", slug="probes")
    module = lessons[0].get_parent()
    module.summary = "Bandicoot routines for the first week."
    module.save_revision().publish()
    lesson = LessonPageFactory(
        parent=module,
        title="Reading a probe",
        slug="reading-a-probe",
        summary="What a wombat sort shows.",
        body=[("paragraph", "<p>Quokkagram strategies are sorted here.</p>")],
    )
    return course, module, lesson


def test_site_search_finds_modules_and_standard_pages_by_their_text(home_page, course_builder):
    from django.contrib.auth.models import AnonymousUser

    from home.factories import StandardPageFactory

    _, module, _ = _gated_lesson(course_builder)
    StandardPageFactory(
        parent=home_page, title="About us", slug="about", body=[("paragraph", "<p>Platypus volunteers.</p>")]
    )

    assert [module.title] == _titles(site_search(query="bandicoot", user=AnonymousUser()))
    assert ["About us"] == _titles(site_search(query="platypus", user=AnonymousUser()))


def test_a_visitor_finds_a_closed_lesson_by_its_summary_but_never_by_its_body(course_builder, member):
    from django.contrib.auth.models import AnonymousUser

    from courses import services
    from members.factories import UserFactory

    course, _, lesson = _gated_lesson(course_builder)
    for visitor in (AnonymousUser(), UserFactory(email="free@example.org")):
        assert lesson.title in _titles(site_search(query="wombat", user=visitor))
        assert lesson.title not in _titles(site_search(query="quokkagram", user=visitor))
        # Excluding a body word changes nothing for someone who cannot read the body.
        assert lesson.title in _titles(site_search(query="wombat -quokkagram", user=visitor))

    services.enrollment_create(user=member, course=course)
    assert lesson.title in _titles(site_search(query="quokkagram", user=member))
    assert lesson.title not in _titles(site_search(query="wombat -quokkagram", user=member))


def test_site_search_costs_the_same_queries_with_more_lessons_and_restrictions(home_page, course_builder, member):
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import PageViewRestriction

    from home.factories import StandardPageFactory

    _gated_lesson(course_builder)

    def count():
        _forget_cached_searches()  # what building the ranking costs, not a cache hit
        with CaptureQueriesContext(connection) as ctx:
            list(site_search(query="probe", user=member)[:10])
        return len(ctx.captured_queries)

    count()  # content types and the like, loaded once per process
    before = count()
    for n in range(3):
        course_builder(access_level="members", title=f"Probe course {n}", slug=f"probe-course-{n}")
        private = StandardPageFactory(parent=home_page, title=f"Board probe {n}", slug=f"board-{n}")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert count() == before


def _forget_cached_searches():
    from django.core.cache import cache

    from core.page_cache import forget_local_copies

    cache.clear()
    forget_local_copies()


def test_a_repeated_search_is_ranked_once_until_something_is_published(library):
    from django.contrib.auth.models import AnonymousUser
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        ResourcePageFactory(parent=library, title=f"Numbat sort {n}")
    visitor = AnonymousUser()
    with CaptureQueriesContext(connection) as first:
        assert len(site_search(query="numbat", user=visitor)) == 3
    with CaptureQueriesContext(connection) as again:
        hits = site_search(query="numbat", user=visitor)
        assert len(hits) == 3
    assert len(first.captured_queries) > 3
    assert len(again.captured_queries) == 0  # the ranking came from the cache; no page loaded yet

    ResourcePageFactory(parent=library, title="Numbat sort, new")  # publishing forgets every ranking
    assert "Numbat sort, new" in _titles(site_search(query="numbat", user=visitor))


def test_a_ranking_is_never_shared_between_people_who_may_read_different_lessons(course_builder, member):
    from django.contrib.auth.models import AnonymousUser

    from courses import services

    course, _, lesson = _gated_lesson(course_builder)
    services.enrollment_create(user=member, course=course)
    # She may read the body, so its words find the lesson; a visitor asking the same right after must not.
    assert lesson.title in _titles(site_search(query="quokkagram", user=member))
    assert lesson.title not in _titles(site_search(query="quokkagram", user=AnonymousUser()))
    assert lesson.title in _titles(site_search(query="quokkagram", user=member))


def test_a_page_of_results_loads_only_the_pages_it_shows(library, catalogue, course_builder):
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator
    from django.test.utils import CaptureQueriesContext

    for n in range(25):
        ResourcePageFactory(parent=library, title=f"Echidna count {n:02d}")
    course_builder(title="Echidna course", slug="echidna-course")
    hits = site_search(query="echidna", user=AnonymousUser())
    assert len(hits) == 26
    with CaptureQueriesContext(connection) as ctx:
        page = Paginator(hits, 10).get_page(3)
        shown = list(page)
    assert len(shown) == 6
    assert all(title.startswith("Echidna") for title in _titles(shown))
    # One query per page type on the page shown, never one per result nor all 26.
    assert len(ctx.captured_queries) <= 2
