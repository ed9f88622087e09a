"""Demo site tree, taxonomy and articles (their text is in demo/articles.json)."""

from datetime import date

from wagtail.models import Page, Site

from core.demo_data import load_demo_data
from courses.factories import CourseIndexPageFactory
from courses.models import CourseIndexPage
from events.factories import EventIndexPageFactory
from events.models import EventIndexPage
from resources.factories import ResourceIndexPageFactory
from resources.models import ResourceIndexPage
from taxonomy.demo import seed_taxonomy
from taxonomy.models import Topic

from .factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    DistrictInquiryPageFactory,
    StandardPageFactory,
    site_home,
)
from .models import ArticlePage, DistrictInquiryPage, HomePage, SiteSettings, StandardPage
from .services import editorial_workflow_setup


def seed(*, stdout) -> None:
    seed_taxonomy()
    home = HomePage.objects.first()
    if home is None:
        home = site_home()
        home.hero_heading = "Math professional learning that reaches every student"
        home.hero_text = (
            "Self-paced courses, classroom-ready resources and live workshops for K-8 teachers, "
            "coaches and district leaders. Earn PD hours you can prove."
        )
        home.save_revision().publish()
        stdout.write("Created the home page")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Math Learning Network"
    site.hostname = "127.0.0.1"
    site.port = 8000
    site.save()
    settings = SiteSettings.for_site(site)
    if not settings.footer_text:
        settings.tagline = "Math professional learning that sticks"
        settings.footer_text = (
            "<p>A network of teachers, coaches and leaders who believe every student can learn math.</p>"
        )
        settings.contact_email = "hello@example.org"
        settings.save()

    if not Page.objects.filter(slug="about", depth=3).exists():
        StandardPageFactory(
            parent=home,
            title="About the network",
            slug="about",
            intro="We help schools make math learning work for all students.",
            body=[
                (
                    "paragraph",
                    "<p>Teachers, coaches, administrators and university faculty work together on five things: High Leverage Concepts, a consistent lesson structure, instructional leaders, formative assessment and a rapid cycle of inquiry.</p>",
                )
            ],
        )
    _policy_pages(home, settings)
    _district_inquiry_page(home, settings)

    _section_pages(home)
    editorial_workflow_setup()

    if not ArticlePage.objects.exists():
        index = ArticleIndexPageFactory(parent=home, intro="<p>Ideas and stories from classrooms in the network.</p>")
        topics = {t.slug: t for t in Topic.objects.all()}
        articles = load_demo_data("home", "articles")["articles"]
        for n, spec in enumerate(articles):
            article = ArticlePageFactory(
                parent=index,
                title=spec["title"],
                summary=spec["summary"],
                grade_bands=spec["grade_bands"],
                body=_blocks(spec["body"]),
                author=["Maya Chen", "Daniel Okafor", "Priya Natarajan", "Leah Brooks"][n % 4],
                date=date(2026, 9 - n, 14),
            )
            article.topics.set([topics[s] for s in spec["topics"] if s in topics])
            if n == 0:
                article.what_now = _what_now(home)
            article.save()
        stdout.write(f"Created {len(articles)} articles")
    else:
        _lengthen_short_articles(stdout)


# An older seed wrote each demo article in a few sentences; the full texts are far longer than this.
SHORT_ARTICLE_WORDS = 300


def _lengthen_short_articles(stdout) -> None:
    """A demo article an older seed left at a few sentences gets its full text (same title, same page)."""
    from django.utils.html import strip_tags

    upgraded = 0
    for spec in load_demo_data("home", "articles")["articles"]:
        article = ArticlePage.objects.filter(title=spec["title"]).first()
        if article is None:
            continue
        words = len(
            strip_tags(
                " ".join(str(part) for part in article.body.stream_block.get_searchable_content(article.body))
            ).split()
        )
        if words >= SHORT_ARTICLE_WORDS:
            continue
        article.body = _blocks(spec["body"])
        article.save_revision().publish()
        upgraded += 1
    if upgraded:
        stdout.write(f"Gave {upgraded} short demo articles their full text")


def _policy_pages(home, settings) -> None:
    """The privacy policy and accessibility statement districts read before they approve the platform."""
    pages = load_demo_data("home", "pages")
    seeded = {}
    for key in ("privacy", "accessibility"):
        data = pages[key]
        page = StandardPage.objects.child_of(home).filter(slug=data["slug"]).first()
        if page is None:
            page = StandardPageFactory(
                parent=home, title=data["title"], slug=data["slug"], intro=data["intro"], body=_blocks(data["body"])
            )
        elif not page.body:
            # An older seed left a one-line placeholder here: give it the full text.
            page.title, page.intro, page.body = data["title"], data["intro"], _blocks(data["body"])
            page.save_revision().publish()
        seeded[key] = page
    # The footer used to send "Privacy" to the About page; point it at the policy itself.
    if settings.privacy_page is None or settings.privacy_page.slug == "about":
        settings.privacy_page = seeded["privacy"]
    if settings.accessibility_page is None:
        settings.accessibility_page = seeded["accessibility"]
    settings.save()


def _district_inquiry_page(home, settings) -> None:
    page = DistrictInquiryPage.objects.first()
    if page is None:
        data = load_demo_data("home", "pages")["district_inquiry"]
        page = DistrictInquiryPageFactory(
            parent=home,
            title=data["title"],
            slug=data["slug"],
            intro=data["intro"],
            thank_you_text=data["thank_you_text"],
            to_address=settings.contact_email or "hello@example.org",
        )
    if settings.district_inquiry_page is None:
        settings.district_inquiry_page = page
        settings.save()


def reset(*, stdout) -> None:
    root = Page.get_first_root_node()
    for child in root.get_children():
        Site.objects.filter(root_page=child).update(root_page=root)
        child.delete()
    stdout.write("Removed the demo page tree")


def _section_pages(home) -> None:
    """The catalogue, library and workshop calendar the apps fill."""
    if not CourseIndexPage.objects.exists():
        CourseIndexPageFactory(
            parent=home, intro="<p>Self-paced courses with PD hours and a certificate you can share.</p>"
        )
    if not ResourceIndexPage.objects.exists():
        ResourceIndexPageFactory(
            parent=home,
            intro="<p>Launch routines, games, menu activities, probes and protocols, ready for tomorrow.</p>",
        )
    if not EventIndexPage.objects.exists():
        EventIndexPageFactory(parent=home, intro="<p>Live workshops, virtual sessions and summer institutes.</p>")


def _blocks(rows) -> list[tuple]:
    """StreamField content from the data file's [block type, value] pairs."""
    return [(block_type, value) for block_type, value in rows]


def _what_now(home):
    """Next steps for the first article: the library, the course catalogue and the workshop calendar."""
    from wagtail.models import Page

    steps = [
        ("resources.resourceindexpage", "Find a number string for Monday", "Filter the library by your grade."),
        ("courses.courseindexpage", "Take a free course on launch routines", "Self-paced, with PD hours."),
        ("events.eventindexpage", "Join a workshop with your team", "Many are free and virtual."),
    ]
    pages = {p.specific_class._meta.label_lower: p for p in Page.objects.child_of(home).specific()}
    return [
        (
            "what_now",
            {
                "heading": "What now?",
                "steps": [
                    {"title": title, "page": pages[key], "url": "", "note": note}
                    for key, title, note in steps
                    if key in pages
                ],
            },
        )
    ]
