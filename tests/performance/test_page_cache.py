"""The anonymous page cache (core/page_cache.py): fast for visitors, never one person's page to another."""

import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.test import Client
from wagtail import hooks
from wagtail.models import PageViewRestriction

from core.page_cache import HIT_HEADER
from home.factories import ArticleIndexPageFactory, ArticlePageFactory, StandardPageFactory
from members.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _site_settings(home_page):
    # The first request would create the settings row, and that save rightly forgets the cache.
    from home.models import SiteSettings

    SiteSettings.for_site(home_page.get_site())


@pytest.fixture
def articles(home_page):
    return ArticleIndexPageFactory(parent=home_page)


@pytest.fixture
def named_member(db):
    return MembershipFactory(user__email="ada@example.org", user__first_name="Adaline").user


def _warm(client, url):
    """Two anonymous requests: the first stores, the second is a hit."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first[HIT_HEADER] == "miss"
    assert second[HIT_HEADER] == "hit"
    return second


def test_public_pages_are_cached_for_anonymous_visitors_without_cookies(home_page, library, catalogue, articles):
    for url in ["/", library.url, catalogue.url, articles.url]:
        response = _warm(Client(), url)
        assert not response.cookies, url
        assert "Set-Cookie" not in response


def test_stored_responses_carry_no_set_cookie(home_page, library):
    Client().get(library.url)
    stored = [cache.get(k.split(":", 2)[-1]) for k in list(cache._cache)]
    responses = [v for v in stored if isinstance(v, tuple) and len(v) == 3]  # (status, headers, content)
    assert responses, "nothing was stored"
    for _status, headers, _content in responses:
        assert all(name.lower() != "set-cookie" for name, _ in headers)


def test_a_members_page_is_never_served_to_an_anonymous_visitor(home_page, library, named_member, client):
    client.force_login(named_member)
    assert "Adaline" in client.get("/").content.decode()
    assert "Adaline" in client.get(library.url).content.decode()

    for url in ["/", library.url]:
        anonymous = Client().get(url)
        body = anonymous.content.decode()
        assert "Adaline" not in body
        assert "Sign in" in body


def test_an_anonymous_page_is_never_served_to_a_member(home_page, library, named_member, client):
    _warm(Client(), "/")
    _warm(Client(), library.url)

    client.force_login(named_member)
    for url in ["/", library.url]:
        response = client.get(url)
        assert HIT_HEADER not in response
        body = response.content.decode()
        assert "Adaline" in body
        assert "site-header__signin" not in body


def test_one_members_my_learning_is_never_shown_to_another(home_page, named_member):
    other = MembershipFactory(user__email="bo@example.org", user__first_name="Bartholomew").user
    ada, bo = Client(), Client()
    ada.force_login(named_member)
    bo.force_login(other)
    assert "Adaline" in ada.get("/my-learning/").content.decode()
    response = bo.get("/my-learning/")
    assert HIT_HEADER not in response
    assert "Bartholomew" in response.content.decode()
    assert "Adaline" not in response.content.decode()
    # And nobody anonymous gets either: the dashboard asks them to sign in.
    assert Client().get("/my-learning/").status_code == 302


def test_publishing_shows_the_new_content_on_the_next_anonymous_request(articles):
    _warm(Client(), articles.url)
    draft = ArticlePageFactory(parent=articles, title="Quokka number strings", live=False)
    assert "Quokka number strings" not in Client().get(articles.url).content.decode()

    draft.save_revision().publish()
    assert "Quokka number strings" in Client().get(articles.url).content.decode()

    draft.refresh_from_db()
    assert Client().get(articles.url)[HIT_HEADER] == "hit"
    draft.unpublish()
    assert "Quokka number strings" not in Client().get(articles.url).content.decode()


def test_moving_and_deleting_a_page_forget_the_cached_pages(home_page, articles):
    article = ArticlePageFactory(parent=articles, title="Wombat fractions")
    elsewhere = StandardPageFactory(parent=home_page, title="Elsewhere")
    assert "Wombat fractions" in _warm(Client(), articles.url).content.decode()

    article.move(elsewhere, pos="last-child")
    assert "Wombat fractions" not in Client().get(articles.url).content.decode()

    back = ArticlePageFactory(parent=articles, title="Platypus place value")
    assert "Platypus place value" in _warm(Client(), articles.url).content.decode()
    back.delete()
    assert "Platypus place value" not in Client().get(articles.url).content.decode()


def test_a_taxonomy_change_forgets_the_cached_library(library):
    from resources.factories import ResourcePageFactory
    from taxonomy.models import Topic

    topic = Topic.objects.create(name="Ratios", slug="ratios")
    ResourcePageFactory(parent=library, title="Ratio tables", topics=[topic])
    assert "Ratios" in _warm(Client(), library.url).content.decode()
    topic.name = "Proportional reasoning"
    topic.save()
    assert "Proportional reasoning" in Client().get(library.url).content.decode()


def test_a_csrf_bearing_page_is_not_cached_with_another_visitors_token(home_page):
    # A public page that renders a form (a newsletter sign-up, say) asks for the visitor's CSRF token.
    def renders_a_form(page, request, args, kwargs):
        get_token(request)

    with hooks.register_temporarily("before_serve_page", renders_a_form):
        first = Client().get("/")
        second = Client().get("/")
    assert HIT_HEADER not in first and HIT_HEADER not in second
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_sign_in_and_sign_up_forms_carry_each_visitors_own_token(home_page):
    for url in ["/accounts/login/", "/accounts/signup/"]:
        tokens = set()
        for _ in range(2):
            visitor = Client(enforce_csrf_checks=True)
            response = visitor.get(url)
            assert HIT_HEADER not in response
            tokens.add(TOKEN.search(response.content.decode()).group(1))
            assert "csrftoken" in response.cookies
        assert len(tokens) == 2


def test_a_restricted_page_of_a_cached_type_is_never_stored(home_page):
    page = StandardPageFactory(parent=home_page, title="Board papers", slug="board")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")
    for _ in range(2):
        response = Client().get("/board/")
        assert HIT_HEADER not in response


def test_gated_pages_and_posts_are_never_cached(course_builder):
    course, lessons = course_builder(access_level="members", title="Probes", slug="probes")
    for url in [course.url, lessons[0].url]:
        for _ in range(2):
            assert HIT_HEADER not in Client().get(url)
    assert HIT_HEADER not in Client().post("/")


def test_a_visitor_with_a_session_or_messages_skips_the_cache(home_page, client):
    _warm(Client(), "/")
    session = client.session
    session["anything"] = 1
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert HIT_HEADER not in client.get("/")

    with_messages = Client()
    with_messages.cookies["messages"] = "x"
    assert HIT_HEADER not in with_messages.get("/")


def test_query_strings_outside_the_allow_list_skip_the_cache(library):
    for _ in range(2):
        assert HIT_HEADER not in Client().get(library.url + "?utm_source=x")
    # Facets share one entry whatever their order.
    assert Client().get(library.url + "?topic=ratios&grade=3")[HIT_HEADER] == "miss"
    assert Client().get(library.url + "?grade=3&topic=ratios")[HIT_HEADER] == "hit"


def test_a_cache_that_is_down_costs_speed_not_the_page(home_page, articles, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr("core.page_cache.cache", Down())
    response = Client().get("/")
    assert response.status_code == 200
    assert HIT_HEADER not in response
    # Publishing still works; the invalidation failure is logged.
    ArticlePageFactory(parent=articles, title="Published while the cache was down")
    assert "Published while the cache was down" in Client().get(articles.url).content.decode()
