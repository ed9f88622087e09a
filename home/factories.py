"""Factories for home pages, plus the PageFactory base every app's page factories use."""

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from taxonomy.models import GradeBand

from .models import (
    ArticleIndexPage,
    ArticlePage,
    ConceptIndexPage,
    ConceptMenuActivity,
    ConceptPage,
    DistrictInquiryField,
    DistrictInquiryPage,
    HomePage,
    StandardPage,
)


def site_home() -> "HomePage":
    """The site's HomePage, creating it (and pointing the default Site at it) if needed."""
    home = HomePage.objects.first()
    if home is None:
        home = HomePageFactory()
    return home


class PageFactory(factory.django.DjangoModelFactory):
    """Creates a live page as a child of `parent` (default: `_default_parent()`)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    live = True

    @classmethod
    def _default_parent(cls):
        return site_home()

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            parent = cls._default_parent()
        if kwargs.get("grade_bands") and isinstance(kwargs["grade_bands"][0], str):
            # Tests and seeders name bands by code ("3-5"); the page relates to the band rows.
            kwargs["grade_bands"] = GradeBand.objects.for_codes(kwargs["grade_bands"])
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        if page.live:
            page.first_published_at = page.first_published_at or timezone.now()
            page.last_published_at = timezone.now()
            page.save(update_fields=["first_published_at", "last_published_at"])
        return page


class HomePageFactory(PageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    slug = "home"
    hero_heading = "Professional learning for math educators"
    hero_text = "Courses, classroom resources and workshops that help every student learn math."

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        root = Page.get_first_root_node()
        # Wagtail's install migration leaves a placeholder welcome page at depth 2.
        for placeholder in root.get_children().exclude(content_type__model="homepage"):
            if placeholder.specific_class is Page:
                Site.objects.filter(root_page=placeholder).delete()
                placeholder.delete()
        home = super()._create(model_class, *args, parent=parent or root, **kwargs)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Math Learning Network"
            )
        else:
            site.root_page = home
            site.save()
        return home


class StandardPageFactory(PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"About us {n}")
    intro = "Who we are and how we work with schools."


class ArticleIndexPageFactory(PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "Articles"
    slug = "articles"


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Notes from the classroom {n}")
    author = "Network staff"
    summary = factory.LazyAttribute(lambda o: f"What we learned about {o.title.lower()}.")
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Students learn when they explain their thinking.</p>")])

    @classmethod
    def _default_parent(cls):
        return ArticleIndexPage.objects.first() or ArticleIndexPageFactory()


# The questions of the district inquiry form: (label, field type, required, choices, help text).
DISTRICT_INQUIRY_QUESTIONS = [
    ("Your name", "singleline", True, "", ""),
    ("Work e-mail", "email", True, "", "We answer here, usually within two school days."),
    ("District or school", "singleline", True, "", ""),
    (
        "Your role",
        "dropdown",
        True,
        "Classroom teacher\nInstructional coach\nPrincipal or assistant principal\nCurriculum or district leader\nOther",
        "",
    ),
    ("Number of teachers", "number", True, "", "About how many teachers would take part."),
    (
        "Where would you like to start?",
        "checkboxes",
        False,
        "Pedagogy in the four-part lesson structure\nContent knowledge\nIntervention planning",
        "Pick the levers that fit your goals; we can help you choose one to begin with.",
    ),
    ("Anything else we should know?", "multiline", False, "", "Your goals, your timeline, what you have tried."),
]


def district_inquiry_questions() -> list[DistrictInquiryField]:
    return [
        DistrictInquiryField(
            sort_order=n, label=label, field_type=kind, required=required, choices=choices, help_text=help_text
        )
        for n, (label, kind, required, choices, help_text) in enumerate(DISTRICT_INQUIRY_QUESTIONS)
    ]


class DistrictInquiryPageFactory(PageFactory):
    class Meta:
        model = DistrictInquiryPage

    title = "Bring the network to your school or district"
    slug = "bring-the-network"
    intro = "<p>Tell us about your teachers and your goals, and we will plan a first conversation with you.</p>"
    thank_you_text = "<p>Thank you. A member of our partnerships team will write back within two school days.</p>"
    to_address = "partnerships@example.org"
    subject = "New inquiry: bring the network to a school or district"
    form_fields = factory.LazyFunction(district_inquiry_questions)


class ConceptIndexPageFactory(PageFactory):
    class Meta:
        model = ConceptIndexPage

    title = "High Leverage Concepts"
    slug = "concepts"
    intro = "<p>The few concepts per grade a student needs most to succeed the following year.</p>"


class ConceptPageFactory(PageFactory):
    """A hub for `concept` (a new concept in grade 1 when not given), under the one concept index."""

    class Meta:
        model = ConceptPage

    concept = factory.SubFactory("taxonomy.factories.HighLeverageConceptFactory")
    title = factory.LazyAttribute(lambda o: o.concept.title)
    slug = factory.LazyAttribute(lambda o: f"grade-{o.concept.grade.code.lower()}-{o.concept.pk}")
    plain_words = factory.LazyAttribute(lambda o: f"<p>What a student who understands {o.concept.title} can do.</p>")
    progression_note = "It grows from last year's work and prepares next year's."

    @classmethod
    def _default_parent(cls):
        return ConceptIndexPage.objects.first() or ConceptIndexPageFactory()


class ConceptMenuActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConceptMenuActivity

    page = factory.SubFactory(ConceptPageFactory)
    resource = factory.SubFactory("resources.factories.ResourcePageFactory")
