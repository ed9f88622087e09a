"""Home, standard and article pages, and the site-wide settings editors manage."""

from django.db import models
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from core.blocks import BaseStreamBlock, VideoBlock, WhatNowBlock
from core.page_cache import published_read
from core.pages import PrintablePageMixin
from core.search import search_vector_column

from .forms import HoneypotFormMixin, answers_as_initial
from .throttle import throttle_allows

SECTION_SECONDS = 3600


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
        "home.DistrictInquiryPage",
        "home.ConceptIndexPage",
    ]
    max_count = 1

    def route(self, request, path_components):
        # Every deeper page passes through a section (the catalogue, the library, the calendar): its page
        # comes from the published cache instead of Wagtail's two queries. Only slugs that exist are kept.
        if len(path_components) > 1 and path_components[0] in self._child_slugs():
            (section,) = published_read(
                ("section", self.pk, path_components[0]), lambda: (self._child(path_components[0]),), SECTION_SECONDS
            )
            if section is not None:
                section._cached_parent_obj = self
                return section.route(request, path_components[1:])
        return super().route(request, path_components)

    def _child_slugs(self) -> frozenset[str]:
        return published_read(
            ("section-slugs", self.pk),
            lambda: frozenset(self.get_children().values_list("slug", flat=True)),
            SECTION_SECONDS,
        )

    def _child(self, slug: str):
        child = self.get_children().filter(slug=slug).first()
        return child.specific if child is not None else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import for_your_grades, home_featured

        context = super().get_context(request, *args, **kwargs)
        context.update(home_featured(home=self))
        context["for_your_grades"] = for_your_grades(user=request.user)
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
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["intro"], ["body"])

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


class ArticlePage(PrintablePageMixin, Page):
    """An article by network staff or guest authors, written under the article index; it has a printable version."""

    author = models.CharField(max_length=120)
    date = models.DateField("published on", default=timezone.localdate)
    summary = models.TextField(help_text="One or two sentences shown in listings.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    grade_bands = ParentalManyToManyField("taxonomy.GradeBand", blank=True, related_name="+")
    topics = ParentalManyToManyField("taxonomy.Topic", blank=True)
    body = StreamField(BaseStreamBlock())
    what_now = StreamField(
        [("what_now", WhatNowBlock())],
        blank=True,
        max_num=1,
        verbose_name="What now?",
        help_text="Next steps for the reader, shown after the article (printed with QR codes).",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("date"), FieldPanel("summary"), FieldPanel("image")], heading="About"
        ),
        MultiFieldPanel(
            [
                FieldPanel("grade_bands", widget=CheckboxSelectMultiple),
                FieldPanel("topics", widget=CheckboxSelectMultiple),
            ],
            heading="Tags",
        ),
        FieldPanel("body"),
        FieldPanel("what_now"),
    ]
    # The stored, GIN-indexed tsvector core.search queries on PostgreSQL: weights A, B, C in this order.
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"], ["body", "author"])
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

    def grade_band_labels(self) -> list[str]:
        """The bands' names ("Grades 3-5"); listings prefetch `grade_bands`."""
        return [band.name for band in self.grade_bands.all()]


class ConceptIndexPage(RoutablePageMixin, Page):
    """The "High Leverage Concepts" page: hubs grouped by grade. One, created by staff (or the seeder) under home.

    /concepts/grade-2/ lists one grade's concepts (a route, not a page per grade).
    """

    intro = RichTextField(blank=True, help_text="What a High Leverage Concept is, in a few sentences.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ConceptPage"]
    max_count = 1

    class Meta:
        verbose_name = "High Leverage Concept index"

    @path("")
    def all_grades(self, request):
        from .selectors import concept_index

        return self.render(request, context_overrides={"grades": concept_index(index_page=self)})

    @re_path(r"^grade-(?P<code>[0-9a-zA-Z]{1,2})/$", name="grade")
    def one_grade(self, request, code):
        from .selectors import concept_index

        grades = concept_index(index_page=self, grade_code=code)
        if not grades:
            raise Http404("No such grade")
        return self.render(
            request,
            context_overrides={"grades": grades, "grade": grades[0]["grade"]},
            template="home/concept_grade_page.html",
        )


class ConceptPage(Page):
    """The hub of one High Leverage Concept: staff create one per concept under "High Leverage Concepts".

    What staff write (plain words, progression note, video, probe, menu activities) sits on the page;
    the tagged resources, courses and upcoming workshops are read live (home.selectors.concept_hub).
    """

    concept = models.OneToOneField(
        "taxonomy.HighLeverageConcept",
        on_delete=models.PROTECT,
        related_name="hub_page",
        verbose_name="High Leverage Concept",
        help_text="Each concept has one hub.",
    )
    plain_words = RichTextField(
        "the concept in plain words",
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="What a student understands and can do, as you would tell a colleague.",
    )
    progression_note = models.TextField(
        "progression",
        blank=True,
        help_text="What it builds on and what it leads to. The neighbouring hubs are linked automatically.",
    )
    # The site's one video block, so the explainer plays here with captions and its transcript shown.
    explainer = StreamField(
        [("video", VideoBlock())],
        blank=True,
        max_num=1,
        verbose_name="explainer video",
        help_text="An MP4 with WebVTT captions and a transcript (or a YouTube or Vimeo link).",
    )
    probe = models.ForeignKey(
        "resources.ResourcePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="formative probe",
    )
    # Filled on save from the concept, so "grade 2" or "High Leverage Concept" finds the hub.
    concept_label = models.CharField(max_length=300, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("concept"), FieldPanel("plain_words"), FieldPanel("progression_note")], heading="The concept"
        ),
        FieldPanel("explainer", heading="Explainer"),
        MultiFieldPanel(
            [PageChooserPanel("probe", "resources.ResourcePage"), InlinePanel("menu_activities", label="Activity")],
            heading="Probe and Math Menu activities",
        ),
    ]
    # The stored, GIN-indexed tsvector core.search queries on PostgreSQL: weights A, B, C in this order.
    search_vector = search_vector_column()
    search_vector_fields = (["title", "concept_label"], ["plain_words"], ["progression_note", "explainer"])
    search_fields = Page.search_fields + [
        index.SearchField("concept_label"),
        index.SearchField("plain_words"),
        index.SearchField("progression_note"),
        index.SearchField("explainer"),
    ]
    parent_page_types = ["home.ConceptIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "High Leverage Concept hub"

    def save(self, *args, **kwargs):
        if self.concept_id:
            concept = self.concept
            # Singular and plural: Wagtail's SQLite backend does not stem words.
            self.concept_label = (
                f"{concept.title}: a High Leverage Concept (HLC) of {concept.grade.name} (grade {concept.grade.code}); "
                "High Leverage Concepts"
            )
        super().save(*args, **kwargs)

    @property
    def summary(self):
        """Search results and cards show the plain words."""
        return self.plain_words

    def get_context(self, request, *args, **kwargs):
        from .selectors import concept_hub

        context = super().get_context(request, *args, **kwargs)
        context["hub"] = concept_hub(page=self)
        return context


class ConceptMenuActivity(Orderable):
    """A Math Menu activity staff recommend on a concept's hub, in their order."""

    page = ParentalKey(ConceptPage, on_delete=models.CASCADE, related_name="menu_activities")
    resource = models.ForeignKey("resources.ResourcePage", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True, help_text="Who it suits, e.g. students still counting on.")

    panels = [PageChooserPanel("resource", "resources.ResourcePage"), FieldPanel("note")]


class DistrictInquiryField(AbstractFormField):
    """One question on the district inquiry form, edited in the page's form builder."""

    page = ParentalKey("DistrictInquiryPage", on_delete=models.CASCADE, related_name="form_fields")


class DistrictInquiryPage(AbstractEmailForm):
    """The "Bring the network to your school or district" form: staff create one under the home page.

    Answers are kept as Wagtail form submissions (Forms in the admin) and e-mailed to the staff
    addresses through the outbox. A honeypot field and a per-address limit keep bots out.
    """

    intro = RichTextField(blank=True, help_text="What a partnership looks like and what happens after they write.")
    thank_you_text = RichTextField(blank=True, help_text="Shown after the form is sent.")

    # Posts one address may send per window: a person correcting a mistake stays well under it.
    posts_per_address = 6
    post_window_seconds = 60 * 60

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Questions"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="E-mail to staff",
        ),
    ]
    search_fields = AbstractEmailForm.search_fields + [
        index.SearchField("intro"),
        index.SearchField("thank_you_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "district inquiry page"

    def get_form_class(self):
        return type("DistrictInquiryForm", (HoneypotFormMixin, super().get_form_class()), {})

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        context = self.get_context(request)
        allowed = throttle_allows(
            request, scope=f"inquiry:{self.pk}", limit=self.posts_per_address, window_seconds=self.post_window_seconds
        )
        if not allowed:
            # Their text comes back so nothing is lost; it is neither validated nor kept.
            form = self.get_form(page=self, user=request.user, initial=answers_as_initial(request.POST))
            context.update(form=form, rate_limited=True)
            return TemplateResponse(request, self.get_template(request), context, status=429)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        if form.is_bot():
            # Thanked like anyone else, so the sender learns nothing; nothing is kept or sent.
            return self.render_landing_page(request, None, *args, **kwargs)
        if form.is_valid():
            return self.render_landing_page(request, self.process_form_submission(form), *args, **kwargs)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context)

    def process_form_submission(self, form):
        from .services import district_inquiry_receive

        return district_inquiry_receive(page=self, answers=form.answers())


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
    district_inquiry_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the footer and the membership page send schools and districts.",
    )

    panels = [
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
        FieldPanel("contact_email"),
        FieldPanel("privacy_page"),
        FieldPanel("accessibility_page"),
        PageChooserPanel("district_inquiry_page", "home.DistrictInquiryPage"),
    ]
    # The footer links to these pages on every page view: fetch them with the settings row.
    select_related = ["privacy_page", "accessibility_page", "district_inquiry_page"]
    cache_seconds = 300

    @classmethod
    def for_request(cls, request):
        """Wagtail's per-request lookup, kept in the shared cache until anything is published or saved.

        Saving these settings (or a Site, or publishing a page) changes the key (core.page_cache).
        The admin's edit view reads with for_site, never from here.
        """
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        # The row a site's first request creates (for_site) holds the defaults and keeps the key.
        instance = published_read(
            ("site-settings", site.pk),
            lambda: cls.base_queryset().filter(site=site).first() or cls.for_site(site),
            cls.cache_seconds,
        )
        instance._request = request
        setattr(request, attr_name, instance)
        return instance

    class Meta:
        verbose_name = "site settings"
