"""Reads for home and article pages, and the site search."""

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from wagtail.models import Page

from core.page_cache import generation_key
from core.search import search

NAV_TYPES = [
    ("courses", "CourseIndexPage", "Courses"),
    ("resources", "ResourceIndexPage", "Resources"),
    ("events", "EventIndexPage", "Workshops"),
    ("home", "ArticleIndexPage", "Articles"),
]


NAVIGATION_SECONDS = 300


def navigation_pages() -> list[dict]:
    """The main sections, in menu order: from the cache, or one query (forgotten when anything is published)."""
    key = generation_key("navigation")
    try:
        items = cache.get(key)
    except Exception:  # a cache that is down costs one query, not the page
        items = None
    if items is None:
        items = _navigation_pages()
        try:
            cache.set(key, items, NAVIGATION_SECONDS)
        except Exception:
            pass
    return items


def _navigation_pages() -> list[dict]:
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
        try:
            from events.selectors import upcoming_events

            grouped["events"] = list(upcoming_events(limit=3))
        except ImportError:
            grouped["events"] = []
    articles = _newest("home.ArticlePage", 3)
    return {
        "featured_courses": grouped["courses"],
        "featured_resources": grouped["resources"],
        "featured_events": grouped["events"],
        "latest_articles": articles,
    }


def for_your_grades(*, user, resources: int = 4, courses: int = 3) -> dict | None:
    """The "For your grades" shelf: newest resources tagged with her grades and courses for their bands.

    None for visitors and for teachers without grades on their profile (they see the usual home page).
    """
    if not user.is_authenticated or not user.grades_taught:
        return None
    from django.db.models import Q

    from courses.models import CoursePage
    from resources.models import Grade, ResourcePage

    codes = list(user.grades_taught)
    shelf_resources = list(
        ResourcePage.objects.live()
        .public()
        .filter(pk__in=ResourcePage.grades.through.objects.filter(grade__code__in=codes).values("resourcepage_id"))
        .select_related("kind")
        .prefetch_related("grades")
        .order_by("-first_published_at", "-pk")[:resources]
    )
    bands = set(Grade.objects.filter(code__in=codes).values_list("band", flat=True))
    shelf_courses = []
    if bands:
        # grade_bands is a JSON list; a text match works on SQLite and PostgreSQL alike (bands never overlap).
        in_bands = Q()
        for band in bands:
            in_bands |= Q(grade_bands__icontains=band)
        shelf_courses = list(
            CoursePage.objects.live().public().filter(in_bands).order_by("-first_published_at")[:courses]
        )
    return {"label": user.grades_phrase, "resources": shelf_resources, "courses": shelf_courses}


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
    from resources.models import GradeBand, Topic

    return {
        "articles": page_obj,
        "page_obj": page_obj,
        "grade_bands": GradeBand.choices,
        "topics": Topic.objects.all(),
        "selected_band": band,
        "selected_topic": topic,
    }


# --- site search ----------------------------------------------------------------------------
SEARCH_RESULTS_MAX = 200
MAX_OUTLINE_WORDS = 10
# Page types with a stored search vector (core.search); their ranks compare with each other.
RANKED_TYPES = ["resources.ResourcePage", "courses.CoursePage", "home.ArticlePage", "events.EventPage"]


def site_search(*, query: str, user, limit: int = SEARCH_RESULTS_MAX) -> list[Page]:
    """Published pages matching `query`, best first, matching only text this visitor may read.

    Lessons the visitor cannot open are matched on their title and summary (shown in every
    course outline), never on their body: otherwise the search would answer "is this word in
    the members' lesson?".
    """
    from courses.models import LessonPage
    from courses.selectors import lesson_ids_hidden_from

    ranked_models = [apps.get_model(label) for label in RANKED_TYPES]
    ranked = []
    for model in ranked_models:
        ranked += list(search(model.objects.live().public(), query)[:limit])
    ranked.sort(key=lambda page: -page.search_rank)
    results = ranked[:limit]

    hidden = lesson_ids_hidden_from(user=user)
    others = Page.objects.live().public().not_type(*ranked_models).exclude(pk__in=hidden).specific()
    results += list(search(others, query)[: max(limit - len(results), 0)])
    if hidden and len(results) < limit:
        seen = {page.pk for page in results}
        outline = LessonPage.objects.live().public().filter(pk__in=hidden)
        for word in query.split()[:MAX_OUTLINE_WORDS]:
            outline = outline.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        results += [page for page in outline.order_by("path")[: limit - len(results)] if page.pk not in seen]
    return results
