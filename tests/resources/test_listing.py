"""The library listing: facets with live counts, search, sorts, pagination, empty state, query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.factories import ResourcePageFactory
from resources.models import DownloadLog, ResourceAccess, ResourcePage, SavedResource, SearchTerm
from resources.selectors import PER_PAGE, library_listing
from taxonomy.factories import (
    GradeFactory,
    HighLeverageConceptFactory,
    LessonPartFactory,
    ResourceKindFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(db):
    grades = {code: GradeFactory(code=code) for code in ("K", "1", "3", "7")}
    return {
        "grades": grades,
        "hlc": HighLeverageConceptFactory(grade=grades["1"], title="Add and subtract within 120"),
        "hlc3": HighLeverageConceptFactory(grade=grades["3"], title="Multiply and divide within 100"),
        "launch": LessonPartFactory(name="Launch", slug="launch"),
        "menu": LessonPartFactory(name="Math Menu", slug="math-menu"),
        "game": ResourceKindFactory(name="Math game", slug="math-game"),
        "probe": ResourceKindFactory(name="Formative probe", slug="formative-probe"),
        "fractions": TopicFactory(name="Fractions", slug="fractions"),
        "place": TopicFactory(name="Place value", slug="place-value"),
    }


@pytest.fixture
def catalogue(library, taxonomy):
    t, g = taxonomy, taxonomy["grades"]
    return {
        "string": ResourcePageFactory(
            parent=library,
            title="Number string: doubles and near doubles",
            summary="A launch that builds doubling strategies.",
            grades=[g["1"]],
            concepts=[t["hlc"]],
            lesson_parts=[t["launch"]],
            topics=[t["place"]],
        ),
        "pairs": ResourcePageFactory(
            parent=library,
            title="Fraction Pairs game",
            summary="Partners match equivalent fractions.",
            kind=t["game"],
            grades=[g["3"]],
            lesson_parts=[t["menu"]],
            topics=[t["fractions"]],
            access_level=ResourceAccess.MEMBERS,
        ),
        "probe": ResourcePageFactory(
            parent=library,
            title="Grade 3 multiplication formative probe",
            summary="Five items that show how students think about equal groups.",
            kind=t["probe"],
            grades=[g["3"]],
            concepts=[t["hlc3"]],
            lesson_parts=[t["menu"]],
            access_level=ResourceAccess.MEMBERS,
        ),
        "hla": ResourcePageFactory(
            parent=library,
            title="High Leverage Assessment: grade 1 add and subtract within 120",
            summary="A short interview task for place value.",
            kind=t["probe"],
            grades=[g["1"], g["K"]],
            concepts=[t["hlc"]],
            topics=[t["place"]],
        ),
        "ratio": ResourcePageFactory(
            parent=library,
            title="Ratio tables menu activity",
            summary="Practice with ratio tables.",
            grades=[g["7"]],
            lesson_parts=[t["menu"]],
        ),
    }


def titles(response) -> list[str]:
    return [r.title for r in response.context["listing"].resources]


def facet(response, param) -> dict[str, tuple[int, bool]]:
    facets = {f.param: f for f in response.context["listing"].facets}
    return {o.value: (o.count, o.selected) for o in facets[param].options}


def test_without_filters_lists_everything_newest_first(client, library, catalogue):
    response = client.get(library.url)
    assert response.status_code == 200
    assert titles(response) == [p.title for p in reversed(list(catalogue.values()))]
    assert facet(response, "grade") == {"K": (1, False), "1": (2, False), "3": (2, False), "7": (1, False)}
    assert facet(response, "band") == {"k-2": (2, False), "3-5": (2, False), "6-8": (1, False)}
    assert facet(response, "access") == {"free": (3, False), "members": (2, False)}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grade": "3"}, {"pairs", "probe"}),
        ({"grade": ["K", "7"]}, {"hla", "ratio"}),  # several values of one facet: any of them
        ({"band": "k-2"}, {"string", "hla"}),
        ({"band": "6-8"}, {"ratio"}),
        ({"hlc": "HLC1"}, {"string", "hla"}),
        ({"part": "math-menu"}, {"pairs", "probe", "ratio"}),
        ({"kind": "formative-probe"}, {"probe", "hla"}),
        ({"topic": "fractions"}, {"pairs"}),
        ({"access": "members"}, {"pairs", "probe"}),
        ({"access": "free"}, {"string", "hla", "ratio"}),
    ],
)
def test_each_facet_alone(client, library, catalogue, taxonomy, params, expected):
    if params.get("hlc") == "HLC1":
        params = {"hlc": str(taxonomy["hlc"].pk)}
    response = client.get(library.url, params)
    assert set(titles(response)) == {catalogue[key].title for key in expected}
    assert response.context["listing"].total == len(expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "probe", "grade": "3"}, {"probe"}),
        ({"q": "fractions", "part": "math-menu"}, {"pairs"}),
        ({"q": "within 120", "kind": "formative-probe"}, {"hla"}),
        ({"q": "ratio", "band": "6-8"}, {"ratio"}),
        ({"q": "doubles", "topic": "place-value"}, {"string"}),
        ({"q": "equal groups", "access": "members"}, {"probe"}),  # matched in the summary
        ({"q": "game", "access": "free"}, set()),
    ],
)
def test_facets_combined_with_search(client, library, catalogue, params, expected):
    response = client.get(library.url, params)
    assert set(titles(response)) == {catalogue[key].title for key in expected}


def test_search_matches_body_text(client, library, catalogue):
    ResourcePageFactory(
        parent=library,
        title="Work Sort protocol",
        summary="Sort student work by strategy.",
        body=[("paragraph", "<p>Teams lay out exit tickets in piles by strategy, not by score.</p>")],
    )
    response = client.get(library.url, {"q": "exit tickets"})
    assert titles(response) == ["Work Sort protocol"]


def test_filters_across_facets_and_counts_follow_other_filters(client, library, catalogue):
    response = client.get(library.url, {"grade": "3", "part": "math-menu"})
    assert set(titles(response)) == {catalogue["pairs"].title, catalogue["probe"].title}
    # The grade facet counts ignore the grade filter itself but apply the lesson part.
    assert facet(response, "grade") == {"3": (2, True), "7": (1, False)}
    # The kind facet applies both filters.
    assert facet(response, "kind") == {"math-game": (1, False), "formative-probe": (1, False)}
    assert facet(response, "access") == {"members": (2, False)}


def test_counts_follow_the_search(client, library, catalogue):
    response = client.get(library.url, {"q": "within"})
    assert titles(response) == [catalogue["hla"].title]
    assert facet(response, "grade") == {"K": (1, False), "1": (1, False)}


def test_unknown_or_bad_values_are_ignored_safely(client, library, catalogue):
    response = client.get(library.url, {"hlc": "x'; drop", "sort": "nonsense", "page": "999"})
    assert response.status_code == 200
    assert response.context["listing"].total == len(catalogue)


def test_sorts(client, library, catalogue, member):
    for _ in range(3):
        DownloadLog.objects.create(user=member, document_id=_doc().pk, resource=catalogue["ratio"])
    DownloadLog.objects.create(user=member, document_id=_doc().pk, resource=catalogue["pairs"])

    by_downloads = titles(client.get(library.url, {"sort": "downloads"}))
    assert by_downloads[:2] == [catalogue["ratio"].title, catalogue["pairs"].title]
    by_title = titles(client.get(library.url, {"sort": "title"}))
    assert by_title == sorted(by_title)
    relevance = titles(client.get(library.url, {"q": "fraction game", "sort": "relevance"}))
    assert relevance[0] == catalogue["pairs"].title


def _doc():
    from resources.factories import DocumentFactory

    return DocumentFactory()


def test_pagination_keeps_filters(client, library, taxonomy):
    grade = taxonomy["grades"]["3"]
    for n in range(PER_PAGE + 3):
        ResourcePageFactory(parent=library, title=f"Menu card {n:02}", grades=[grade])
    ResourcePageFactory(parent=library, title="Other grade", grades=[taxonomy["grades"]["7"]])

    first = client.get(library.url, {"grade": "3", "sort": "title"})
    html = first.content.decode()
    next_links = re.findall(r'href="(\?[^"]*)" rel="next"', html)
    assert next_links, "a next-page link"
    next_url = next_links[0].replace("&amp;", "&")
    assert "grade=3" in next_url and "sort=title" in next_url and "page=2" in next_url

    second = client.get(library.url + next_url)
    assert titles(second) == [f"Menu card {n:02}" for n in range(PER_PAGE, PER_PAGE + 3)]
    assert second.context["listing"].total == PER_PAGE + 3


def test_filter_form_is_plain_get_with_fieldsets(client, library, catalogue):
    html = client.get(library.url, {"grade": "3"}).content.decode()
    assert '<form class="filters" method="get"' in html
    assert "<legend>Grade</legend>" in html
    assert 'name="grade" value="3" checked' in html
    assert 'class="chip"' in html  # removable active filter


def test_empty_state_suggests_which_filter_to_remove(client, library, catalogue):
    response = client.get(library.url, {"grade": "7", "topic": "fractions"})
    listing = response.context["listing"]
    assert listing.total == 0
    labels = {s.label: s.count for s in listing.suggestions}
    assert labels == {"Remove the grade filter": 1, "Remove the topic filter": 1}
    html = response.content.decode()
    assert "No resources match" in html
    assert "Remove the grade filter" in html


def test_empty_search_suggests_clearing_words(client, library, catalogue):
    listing = client.get(library.url, {"q": "zebra", "grade": "3"}).context["listing"]
    assert listing.total == 0
    assert [(s.label, s.count) for s in listing.suggestions] == [("Clear the search words", 2)]


def test_searches_are_recorded_for_the_report(client, library, catalogue, user):
    client.force_login(user)
    client.get(library.url, {"q": "  Tangram  Puzzles "})
    client.get(library.url, {"q": "probe"})
    client.get(library.url, {"q": "probe", "page": "1"})  # paging through is not a new search
    client.get(library.url, {"grade": "3"})  # filters alone are not searches
    terms = list(SearchTerm.objects.order_by("created").values_list("query", "results_count", "role"))
    assert terms == [("tangram puzzles", 0, "teacher"), ("probe", 1, "teacher")]


def test_unpublished_resources_are_not_listed_or_counted(client, library, catalogue):
    catalogue["ratio"].unpublish()
    response = client.get(library.url)
    assert catalogue["ratio"].title not in titles(response)
    assert "6-8" not in facet(response, "band")


def _count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


PARAMS = {"q": "number", "grade": ["1", "3"], "part": "launch", "sort": "downloads"}


def test_query_count_does_not_grow_with_resources_or_values(client, rf, library, taxonomy, user):
    """The listing's own queries stay at most 15; the whole page costs the same for 10 or 200 resources."""
    client.force_login(user)
    request = rf.get(library.url, PARAMS)
    request.user = user

    def add(n, offset):
        for i in range(n):
            ResourcePageFactory(
                parent=library,
                title=f"Number routine {offset + i}",
                grades=[taxonomy["grades"]["1" if i % 2 else "3"]],
                concepts=[taxonomy["hlc"]],
                lesson_parts=[taxonomy["launch"]],
                topics=[taxonomy["place"]],
                kind=taxonomy["game"],
            )
        SavedResource.objects.get_or_create(user=user, resource=ResourcePage.objects.first())

    def listing():
        result = library_listing(index_page=library, params=request.GET, user=user)
        assert result.total == len(ResourcePage.objects.all())
        assert len(result.resources) == min(PER_PAGE, result.total)

    def page():
        assert client.get(library.url, PARAMS).status_code == 200

    add(10, 0)
    page()  # warm the caches (content types, site root paths)
    listing_ten, page_ten = _count_queries(listing), _count_queries(page)

    add(190, 10)
    for n in range(12):  # and many more facet values
        TopicFactory(name=f"Extra topic {n}", slug=f"extra-topic-{n}")
        LessonPartFactory(name=f"Extra part {n}", slug=f"extra-part-{n}")
    page()  # warm again: publishing forgot the cached navigation and settings (core.page_cache)
    listing_two_hundred, page_two_hundred = _count_queries(listing), _count_queries(page)

    assert listing_ten == listing_two_hundred
    assert listing_two_hundred <= 15
    assert page_ten == page_two_hundred


# --- issue 16: her grades first ---
def test_teacher_with_grades_sees_her_grades_first_and_can_see_everything(client, library, catalogue, user):
    user.grades_taught = ["3"]
    user.save()
    client.force_login(user)
    newest_first = [p.title for p in reversed(list(catalogue.values()))]

    response = client.get(library.url)
    listing = response.context["listing"]
    shown = titles(response)
    grade_3 = {catalogue["pairs"].title, catalogue["probe"].title}
    assert set(shown[:2]) == grade_3  # her grade first, newest first among them
    assert shown[:2] == [t for t in newest_first if t in grade_3]
    assert shown[2:] == [t for t in newest_first if t not in grade_3]
    html = response.content.decode()
    assert "Showing Grade 3 first." in html
    assert listing.grades_first == "Grade 3"
    assert f'href="?{listing.see_everything_query}">See everything</a>' in html

    everything = client.get(library.url, {"all": "1"})
    assert titles(everything) == newest_first
    assert "Showing Grade 3 first" not in everything.content.decode()
    assert 'name="all" value="1"' in everything.content.decode()  # filtering keeps "everything"

    # A chosen sort or a search is her choice: grades-first steps aside.
    assert titles(client.get(library.url, {"sort": "newest"})) == newest_first
    # Filters applied with the form (empty sort) keep her grades first.
    filtered = titles(client.get(library.url, {"sort": "", "part": "math-menu"}))
    assert set(filtered[:2]) == grade_3


def test_anonymous_and_teachers_without_grades_see_the_normal_order(client, library, catalogue, user):
    newest_first = [p.title for p in reversed(list(catalogue.values()))]
    response = client.get(library.url)
    assert titles(response) == newest_first
    assert "See everything" not in response.content.decode()
    user.grades_taught = []  # no grades on her profile
    user.save()
    client.force_login(user)
    response = client.get(library.url)
    assert titles(response) == newest_first
    assert "See everything" not in response.content.decode()


def test_one_teachers_grades_first_order_is_never_shown_to_another(client, library, catalogue, user):
    """The page's order is kept in the shared cache: under her grades, never for everyone."""
    from members.factories import UserFactory

    user.grades_taught = ["3"]
    user.save()
    client.force_login(user)
    newest_first = [p.title for p in reversed(list(catalogue.values()))]
    assert titles(client.get(library.url)) != newest_first  # grade 3 first, now cached for grade 3

    other = UserFactory(email="no-grades@example.org", grades_taught=[])
    client.force_login(other)
    assert titles(client.get(library.url)) == newest_first
    client.logout()
    assert titles(client.get(library.url)) == newest_first


def test_a_repeated_library_search_is_counted_once_until_a_publish(library, catalogue, taxonomy, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.page_cache import forget_local_copies
    from resources.selectors import library_listing

    params = rf.get("/resources/", {"q": "fraction", "part": "math-menu"}).GET
    visitor = AnonymousUser()
    library_listing(index_page=library, params=params, user=visitor)  # content types, once per process
    cache.clear()
    forget_local_copies()
    with CaptureQueriesContext(connection) as first:
        total = library_listing(index_page=library, params=params, user=visitor).total
    with CaptureQueriesContext(connection) as again:
        assert library_listing(index_page=library, params=params, user=visitor).total == total
    # The facet statement and the page of cards come from the cache; her saved marks are read per request.
    assert len(again.captured_queries) <= len(first.captured_queries) - 2

    ResourcePageFactory(parent=library, title="Fraction menu game", lesson_parts=[taxonomy["menu"]])
    listing = library_listing(index_page=library, params=params, user=visitor)
    assert listing.total == total + 1
    assert "Fraction menu game" in [r.title for r in listing.page_obj.object_list]
