"""Home, standard and article pages, and the site-wide settings editors manage."""

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.fields import ChoiceListField
from taxonomy.models import GradeBand


class HomePage(Page):
    """The front page. One per site, created by the seeder; editors pick what it features."""

    hero_heading = models.CharField(max_length=200, default="Professional learning for math educators")
    hero_text = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_cta_label = models.CharField(max_length=60, blank=True, default="Browse courses")
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_page"),
            ],
            heading="Hero",
        ),
        InlinePanel(
            "featured_items",
            label="Featured courses, resources and events",
            help_text="Leave empty to show the newest of each.",
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "home.ArticleIndexPage",
        "courses.CourseIndexPage",
        "resources.ResourceIndexPage",
        "events.EventIndexPage",
    ]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_featured

        context = super().get_context(request, *args, **kwargs)
        context.update(home_featured(home=self))
        return context


class HomeFeaturedItem(Orderable):
    """A course, resource or event the editors put on the home page."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("page")]


class StandardPage(Page):
    """A plain content page (About, Contact, Privacy). Editors create these under the home page."""

    intro = models.TextField(blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "page"


class ArticleIndexPage(Page):
    """The list of articles. One, under the home page."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ArticlePage"]
    max_count = 1
    per_page = 12

    def get_context(self, request, *args, **kwargs):
        from .selectors import article_list

        context = super().get_context(request, *args, **kwargs)
        context.update(article_list(index_page=self, params=request.GET))
        return context


class ArticlePage(Page):
    """An article by network staff or guest authors, written under the article index."""

    author = models.CharField(max_length=120)
    date = models.DateField("published on", default=timezone.localdate)
    summary = models.TextField(help_text="One or two sentences shown in listings.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    grade_bands = ChoiceListField(item_choices=GradeBand.choices, blank=True)
    topics = ParentalManyToManyField("taxonomy.Topic", blank=True)
    body = StreamField(BaseStreamBlock())

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("date"), FieldPanel("summary"), FieldPanel("image")], heading="About"
        ),
        MultiFieldPanel([FieldPanel("grade_bands"), FieldPanel("topics")], heading="Tags"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]
    parent_page_types = ["home.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        ordering = ["-date"]
        verbose_name = "article"

    def grade_band_labels(self):
        labels = dict(GradeBand.choices)
        return [labels.get(code, code) for code in self.grade_bands or []]


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The footer and contact details editors change without a developer."""

    tagline = models.CharField(max_length=200, blank=True, default="Math professional learning that sticks")
    footer_text = RichTextField(blank=True)
    contact_email = models.EmailField(blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
        FieldPanel("contact_email"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
    ]
    # The footer links to both pages on every page view: fetch them with the settings row.
    select_related = ["privacy_page", "accessibility_page"]

    class Meta:
        verbose_name = "site settings"
