"""core.search: one entry point; a weighted, GIN-indexed tsvector on PostgreSQL, Wagtail's backend elsewhere."""

import pytest
from django.db import connection

from core.search import search, uses_stored_vector
from courses.models import CoursePage
from events.models import EventPage
from home.factories import ArticleIndexPageFactory, ArticlePageFactory
from home.models import ArticlePage
from home.selectors import site_search
from resources.factories import ResourcePageFactory
from resources.models import ResourcePage

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")


def _titles(qs):
    return [page.title for page in qs]


@postgres_only
def test_the_four_searchable_types_keep_a_gin_indexed_vector():
    for model in (ResourcePage, CoursePage, ArticlePage, EventPage):
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
