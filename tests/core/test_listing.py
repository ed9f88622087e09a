"""core.listing behind the course catalogue, the workshops list and the article index.

Each listing filters, counts and pages in SQL: the same number of queries at 5 and at 40 items, and
only one page of rows is read. Counts per facet value are right against the other filters;
unknown or hostile values are dropped (never a 500); a band matches its own code only.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.factories import CourseIndexPageFactory, CoursePageFactory
from events.factories import EventIndexPageFactory, EventPageFactory
from home.factories import ArticleIndexPageFactory, ArticlePageFactory
from taxonomy.factories import TopicFactory

pytestmark = pytest.mark.django_db

BANDS = ["k-2", "3-5", "6-8"]
HOSTILE = [
    {"band": "3-5\x00"},
    {"band": "K-2"},
    {"band": "'; DROP TABLE x; --"},
    {"band": "x" * 5000},
    {"hlc": "²"},
    {"hlc": str(10**30)},
    {"access": "gold"},
    {"length": "forever"},
    {"format": "teleport"},
    {"price": "negative"},
    {"topic": "no-such-topic"},
    {"sort": "-pk; select"},
    {"page": "9999999999999999999999"},
    {"when": "\x00"},
    {"month": "2026-13"},
]


@pytest.fixture
def catalogue(home_page):
    return CourseIndexPageFactory(parent=home_page)


@pytest.fixture
def calendar(home_page):
    return EventIndexPageFactory(parent=home_page)


@pytest.fixture
def articles(home_page):
    return ArticleIndexPageFactory(parent=home_page)


def _courses(catalogue, start, n):
    for i in range(start, start + n):
        CoursePageFactory(
            parent=catalogue,
            title=f"Course {i}",
            slug=f"course-{i}",
            grade_bands=[BANDS[i % 3]],
            access_level=["free", "members"][i % 2],
            estimated_hours=[1, 3, 8][i % 3],
        )


def _events(calendar, start, n):
    for i in range(start, start + n):
        EventPageFactory(
            parent=calendar,
            title=f"Workshop {i}",
            slug=f"workshop-{i}",
            grade_bands=[BANDS[i % 3]],
            format=["virtual", "in_person"][i % 2],
            venue_name="Hall",
            price=[0, 40][i % 2],
        )


def _articles(index, start, n):
    topic = TopicFactory(name=f"Fractions {start}", slug=f"fractions-{start}")
    for i in range(start, start + n):
        ArticlePageFactory(parent=index, title=f"Article {i}", slug=f"article-{i}", grade_bands=[BANDS[i % 3]])
        if i % 2:
            page = ArticlePageFactory._meta.model.objects.get(slug=f"article-{i}")
            page.topics.set([topic])
            page.save()


def _queries(client, url, params):
    client.get(url, params)  # warm the site, settings and content type caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return ctx.captured_queries, response


def _rows_read(queries, table):
    """The SELECTs that read the listing's own rows (not the grouped counts or the workshops' month list)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and "COUNT(" not in q["sql"]
        and not q["sql"].startswith("SELECT DISTINCT")
    ]


# --- bounded queries ---------------------------------------------------------------------------
def test_catalogue_costs_the_same_queries_at_5_and_40_courses_and_reads_one_page(client, catalogue):
    params = {"band": "3-5", "access": "members", "length": "medium"}
    _courses(catalogue, 0, 5)
    small, _ = _queries(client, catalogue.url, params)
    _courses(catalogue, 5, 35)
    large, response = _queries(client, catalogue.url, params)
    assert len(small) == len(large)
    # Every course row the page reads comes with a LIMIT: the filtering happened in SQL.
    reads = _rows_read(large, "courses_coursepage")
    assert reads and all("LIMIT" in sql for sql in reads)
    assert response.context["result_count"] == sum(1 for i in range(40) if i % 3 == 1 and i % 2 == 1)


def test_workshops_cost_the_same_queries_at_5_and_40(client, calendar):
    params = {"band": "3-5", "format": "in_person", "price": "paid"}
    _events(calendar, 0, 5)
    small, _ = _queries(client, calendar.url, params)
    _events(calendar, 5, 35)
    large, response = _queries(client, calendar.url, params)
    assert len(small) == len(large)
    assert all("LIMIT" in sql for sql in _rows_read(large, "events_eventpage"))
    expected = [f"Workshop {i}" for i in range(40) if i % 3 == 1 and i % 2 == 1]
    assert response.context["page_obj"].paginator.count == len(expected)


def test_articles_cost_the_same_queries_at_5_and_40(client, articles):
    _articles(articles, 0, 5)
    topic_slug = "fractions-0"
    small, _ = _queries(client, articles.url, {"band": "3-5", "topic": topic_slug})
    _articles(articles, 5, 35)
    large, response = _queries(client, articles.url, {"band": "3-5", "topic": topic_slug})
    assert len(small) == len(large)
    assert all("LIMIT" in sql for sql in _rows_read(large, "home_articlepage"))
    assert [a.title for a in response.context["articles"]] == ["Article 1"]


# --- counts ------------------------------------------------------------------------------------
def _counts(listing, param):
    return {o.value: o.count for o in listing.facet(param).options}


def test_catalogue_counts_each_value_against_the_other_filters(client, catalogue):
    _courses(catalogue, 0, 12)
    response = client.get(catalogue.url, {"access": "members"})
    groups = {g.name: {o.value: o.count for o in g.options} for g in response.context["filter_groups"]}
    members = [i for i in range(12) if i % 2]
    # The band facet counts members' courses only; the access facet ignores its own selection.
    assert groups["band"] == {b: sum(1 for i in members if BANDS[i % 3] == b) for b in BANDS}
    assert groups["access"] == {"free": 6, "members": 6}
    assert groups["length"] == {
        "short": sum(1 for i in members if i % 3 == 0),
        "medium": sum(1 for i in members if i % 3 == 1),
        "long": sum(1 for i in members if i % 3 == 2),
    }
    assert response.context["result_count"] == 6


def test_workshop_and_article_counts(client, calendar, articles):
    _events(calendar, 0, 9)
    listing = client.get(calendar.url, {"format": "virtual"}).context["listing"]
    virtual = [i for i in range(9) if i % 2 == 0]
    assert _counts(listing, "band") == {b: sum(1 for i in virtual if BANDS[i % 3] == b) for b in BANDS}
    assert _counts(listing, "format") == {"virtual": 5, "in_person": 4}
    assert _counts(listing, "price") == {"free": 5}

    _articles(articles, 0, 6)
    listing = client.get(articles.url, {"band": "k-2"}).context["listing"]
    assert _counts(listing, "band") == {"k-2": 2, "3-5": 2, "6-8": 2}
    assert _counts(listing, "topic") == {"fractions-0": 1}  # article 3 is k-2 and has the topic


# --- grade bands match exactly ------------------------------------------------------------------
def test_a_band_matches_its_own_code_only(client, catalogue, calendar, articles):
    CoursePageFactory(parent=catalogue, title="Early counting", grade_bands=["k-2"])
    CoursePageFactory(parent=catalogue, title="Fractions", grade_bands=["3-5"])
    CoursePageFactory(parent=catalogue, title="Both", grade_bands=["k-2", "3-5"])
    EventPageFactory(parent=calendar, title="Early workshop", grade_bands=["k-2"])
    EventPageFactory(parent=calendar, title="Upper workshop", grade_bands=["6-8"])
    ArticlePageFactory(parent=articles, title="Early article", grade_bands=["k-2"])
    ArticlePageFactory(parent=articles, title="Middle article", grade_bands=["3-5"])

    cards = client.get(catalogue.url, {"band": "3-5"}).context["cards"]
    assert sorted(c["course"].title for c in cards) == ["Both", "Fractions"]
    events = client.get(calendar.url, {"band": "k-2"}).context["events"]
    assert [e.title for e in events] == ["Early workshop"]
    assert list(client.get(calendar.url, {"band": "3-5"}).context["events"]) == []
    shown = client.get(articles.url, {"band": "3-5"}).context["articles"]
    assert [a.title for a in shown] == ["Middle article"]


def test_band_filters_use_no_text_match(client, catalogue, calendar, articles):
    CoursePageFactory(parent=catalogue, grade_bands=["3-5"])
    for url in (catalogue.url, calendar.url, articles.url):
        queries, _ = _queries(client, url, {"band": "3-5"})
        assert not [q["sql"] for q in queries if re.search(r'grade_bands"[^,]{0,30}LIKE', q["sql"], re.IGNORECASE)]


# --- hostile input -------------------------------------------------------------------------------
@pytest.mark.parametrize("params", HOSTILE)
def test_unknown_and_hostile_values_are_ignored(client, catalogue, calendar, articles, params):
    CoursePageFactory(parent=catalogue, title="Kept course", grade_bands=["3-5"])
    EventPageFactory(parent=calendar, title="Kept workshop", grade_bands=["3-5"])
    ArticlePageFactory(parent=articles, title="Kept article", grade_bands=["3-5"])
    for url in (catalogue.url, calendar.url, articles.url):
        response = client.get(url, params)
        # The site turns NUL bytes away with a 400 before any view; everything else renders.
        assert response.status_code == (400 if any("\x00" in v for v in params.values()) else 200), (url, params)
    if any("\x00" in v for v in params.values()):
        return
    # Unknown choices are dropped rather than matching nothing.
    if set(params) & {"band", "access", "length"}:
        assert client.get(catalogue.url, params).context["result_count"] == 1
    if set(params) & {"band", "format", "price"}:
        assert len(client.get(calendar.url, params).context["events"]) == 1
    if set(params) & {"band", "topic"}:
        assert len(client.get(articles.url, params).context["articles"]) == 1


def test_past_workshops_are_ordered_newest_first(client, calendar):
    now = timezone.now()
    for days in (30, 10, 20):
        start = now - timedelta(days=days)
        EventPageFactory(parent=calendar, title=f"{days} days ago", start=start, end=start + timedelta(hours=2))
    events = client.get(calendar.url, {"when": "past", "sort": "soonest"}).context["events"]
    assert [e.title for e in events] == ["10 days ago", "20 days ago", "30 days ago"]
