import importlib

import pytest
from django.apps import apps
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage
from events.models import EventIndexPage
from home.factories import ArticleIndexPageFactory, ArticlePageFactory, StandardPageFactory, site_home
from home.models import ArticleIndexPage, ArticlePage, ConceptIndexPage, DistrictInquiryPage, HomePage, StandardPage
from resources.models import ResourceIndexPage

PROJECT_APPS = ["home", "taxonomy", "members", "resources", "courses", "events"]


def _page_models():
    return [m for m in apps.get_models() if issubclass(m, Page) and m._meta.app_label in PROJECT_APPS]


def _factory_models():
    import factory

    covered = set()
    for label in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{label}.factories")
        except ImportError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
                model = value._meta.model
                if model is not None:
                    covered.add(model)
    return covered


def test_every_page_type_has_a_factory():
    missing = [m.__name__ for m in _page_models() if m not in _factory_models()]
    assert missing == [], f"Page types without a factory: {missing}"


def test_every_page_type_declares_tree_rules_and_search():
    for model in _page_models():
        assert "parent_page_types" in vars(model), f"{model.__name__} must declare parent_page_types"
        assert "subpage_types" in vars(model), f"{model.__name__} must declare subpage_types"
        assert "search_fields" in vars(model), f"{model.__name__} must declare search_fields"
        assert model.__doc__ and "Page(" not in model.__doc__, f"{model.__name__} needs a docstring"


class TestPageTree(WagtailPageTestCase):
    def test_home_page_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                ArticleIndexPage,
                CourseIndexPage,
                ResourceIndexPage,
                EventIndexPage,
                DistrictInquiryPage,
                ConceptIndexPage,
            },
        )

    def test_articles_live_under_the_article_index(self):
        self.assertCanCreateAt(ArticleIndexPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertAllowedSubpageTypes(ArticlePage, set())

    def test_pages_render(self):
        home = site_home()
        self.assertPageIsRenderable(home)
        self.assertPageIsRenderable(StandardPageFactory(parent=home))
        index = ArticleIndexPageFactory(parent=home)
        self.assertPageIsRenderable(index)
        article = ArticlePageFactory(parent=index, grade_bands=["k-2"])
        self.assertPageIsRenderable(article)
        from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

        post_data = nested_form_data(
            {
                "title": article.title,
                "slug": article.slug,
                "author": "Maya Chen",
                "date": "2026-09-14",
                "summary": "Counting collections in kindergarten.",
                "grade_bands": ["k-2"],
                "body": streamfield([("paragraph", rich_text("<p>Children count real objects.</p>"))]),
                "what_now": streamfield([]),
            }
        )
        self.assertPageIsPreviewable(article, post_data=post_data)


@pytest.mark.django_db
def test_only_one_home_page_allowed():
    site_home()
    assert not HomePage.can_create_at(Page.get_first_root_node())


@pytest.mark.django_db
def test_article_index_filters_by_band(client, home_page):
    index = ArticleIndexPageFactory(parent=home_page)
    ArticlePageFactory(parent=index, title="About fractions", grade_bands=["3-5"])
    ArticlePageFactory(parent=index, title="Counting collections", grade_bands=["k-2"])
    response = client.get(index.url, {"band": "k-2"})
    assert response.status_code == 200
    assert b"Counting collections" in response.content
    assert b"About fractions" not in response.content


@pytest.mark.django_db
def test_404_page_is_friendly(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"<main" in response.content


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    first = Page.objects.count()
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    assert Page.objects.count() == first
    call_command("seed_demo", "--force", "--quiet-logins", stdout=open("/dev/null", "w"))
    assert Page.objects.count() == first
    assert HomePage.objects.count() == 1
