"""Reads for home and article pages."""

from django.core.paginator import Paginator
from wagtail.models import Page

from events.selectors import upcoming_events
from taxonomy.models import GradeBand, Topic

NAV_TYPES = [
    ("courses", "CourseIndexPage", "Courses"),
    ("resources", "ResourceIndexPage", "Resources"),
    ("events", "EventIndexPage", "Workshops"),
    ("home", "ArticleIndexPage", "Articles"),
]


def navigation_pages() -> list[dict]:
    """The main sections, in menu order, in one query."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    # get_for_models uses Django's content-type cache: no query once warm.
    models = [m for a, name, _ in NAV_TYPES if (m := apps.get_model(a, name, require_ready=False)) is not None]
    cts = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.get_for_models(*models).values()}
    pages = Page.objects.live().filter(content_type_id__in=cts).only("id", "url_path", "title", "content_type_id")
    by_type = {cts[p.content_type_id]: p for p in pages}
    items = []
    for app, model, label in NAV_TYPES:
        page = by_type.get((app, model.lower()))
        if page is not None:
            items.append({"label": label, "url": page.url, "key": f"{app}.{model}", "page_id": page.pk})
    return items


def _newest(model_path: str, limit: int):
    from django.apps import apps

    app_label, model_name = model_path.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return []
    return list(model.objects.live().public().order_by("-first_published_at")[:limit])


def home_featured(*, home) -> dict:
    """Editors' picks grouped by kind, falling back to the newest of each kind."""
    picks = [item.page.specific for item in home.featured_items.select_related("page").all() if item.page.live]
    grouped = {"courses": [], "resources": [], "events": []}
    for page in picks:
        label = page._meta.app_label
        if label in grouped:
            grouped[label].append(page)
    if not grouped["courses"]:
        grouped["courses"] = _newest("courses.CoursePage", 3)
    if not grouped["resources"]:
        grouped["resources"] = _newest("resources.ResourcePage", 4)
    if not grouped["events"]:
        grouped["events"] = list(upcoming_events(limit=3))
    articles = _newest("home.ArticlePage", 3)
    return {
        "featured_courses": grouped["courses"],
        "featured_resources": grouped["resources"],
        "featured_events": grouped["events"],
        "latest_articles": articles,
    }


def article_list(*, index_page, params) -> dict:
    from .models import ArticlePage

    articles = ArticlePage.objects.live().public().child_of(index_page).order_by("-date").prefetch_related("topics")
    band = params.get("band", "")
    topic = params.get("topic", "")
    if band:
        articles = articles.filter(grade_bands__icontains=band)
    if topic:
        articles = articles.filter(topics__slug=topic)
    paginator = Paginator(articles, index_page.per_page)
    page_obj = paginator.get_page(params.get("page"))
    return {
        "articles": page_obj,
        "page_obj": page_obj,
        "grade_bands": GradeBand.choices,
        "topics": Topic.objects.all(),
        "selected_band": band,
        "selected_topic": topic,
    }
