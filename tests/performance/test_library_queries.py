"""The library with search words and two facets costs the same queries at 10 and at 60 resources.

Facet labels, counts, the total and the empty-state counts come from one grouped query
(resources.selectors.facet_counts), so neither the number of resources nor of facet values shows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.factories import ResourcePageFactory
from resources.selectors import facet_counts, library_listing
from taxonomy.factories import (
    GradeFactory,
    HighLeverageConceptFactory,
    LessonPartFactory,
    ResourceKindFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
# One grouped facet query, one page of results and its prefetches (grades, lesson parts, images),
# the search on SQLite (Wagtail's backend), and the page's own share (site, settings, navigation).
MAX_LISTING_QUERIES = 6
MAX_PAGE_QUERIES = 18
URL_PARAMS = {"q": "fraction", "grade": "3", "topic": "place-value"}


def _add_resources(library, start, n):
    grades = [GradeFactory(code=str(g)) for g in (2, 3, 4)]
    topics = [TopicFactory(name=name, slug=name.lower().replace(" ", "-")) for name in ("Place value", "Fractions")]
    kinds = [ResourceKindFactory(name=f"Kind {k}", slug=f"kind-{k}") for k in range(start, start + n // 5 + 1)]
    parts = [LessonPartFactory(name=f"Part {k}", slug=f"part-{k}") for k in range(start, start + n // 5 + 1)]
    for i in range(start, start + n):
        ResourcePageFactory(
            parent=library,
            title=f"Fraction strip {i}" if i % 2 else f"Number line {i}",
            kind=kinds[i % len(kinds)],
            grades=[grades[i % 3]],
            topics=[topics[(i // 2) % 2]],
            lesson_parts=[parts[i % len(parts)]],
            concepts=[HighLeverageConceptFactory(grade=grades[i % 3])],
        )


def _listing_queries(library, rf, user):
    request = rf.get("/resources/", URL_PARAMS)
    library_listing(index_page=library, params=request.GET, user=user)  # warm content types
    with CaptureQueriesContext(connection) as ctx:
        listing = library_listing(index_page=library, params=request.GET, user=user)
    return len(ctx.captured_queries), listing


def _page_queries(client, url):
    client.get(url, URL_PARAMS)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, URL_PARAMS)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_library_search_with_two_facets_costs_the_same_queries_at_ten_and_sixty_resources(library, rf, client):
    from django.contrib.auth.models import AnonymousUser

    _add_resources(library, 0, 10)
    small, listing = _listing_queries(library, rf, AnonymousUser())
    small_page, _ = _page_queries(client, library.url)
    assert listing.total > 0

    _add_resources(library, 10, 50)
    large, listing = _listing_queries(library, rf, AnonymousUser())
    large_page, response = _page_queries(client, library.url)

    assert small == large <= MAX_LISTING_QUERIES
    assert small_page == large_page <= MAX_PAGE_QUERIES
    assert response.context["listing"].total == listing.total


def test_facet_counts_match_a_count_per_value(library):
    """The grouped query counts what separate per-value counts would, against every other filter."""
    from resources.models import ResourcePage

    _add_resources(library, 0, 30)
    base = ResourcePage.objects.live().public().descendant_of(library)
    conditions = {
        "grade": ResourcePage.objects.filter(grades__code="3"),
        "topic": ResourcePage.objects.filter(topics__slug="place-value"),
    }
    counted = facet_counts(base, conditions)

    both = base.filter(grades__code="3").filter(topics__slug="place-value")
    assert counted["total"] == both.count() > 0
    for slug, _label, _label2, n in counted["topic"]:  # topic counts ignore the topic filter only
        assert n == base.filter(grades__code="3", topics__slug=slug).count()
    for code, _label, _label2, n in counted["grade"]:
        assert n == base.filter(topics__slug="place-value").filter(grades__code=code).count()
    for slug, _label, _label2, n in counted["kind"]:
        assert n == both.filter(kind__slug=slug).count()
    assert counted["without"] == {
        "grade": base.filter(topics__slug="place-value").count(),
        "topic": base.filter(grades__code="3").count(),
    }
