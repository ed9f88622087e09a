"""Reads for home and article pages, and the site search."""

from django.apps import apps
from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page

from core.listing import FacetSpec, SortOption, run_listing
from core.page_cache import generation_key
from core.search import search
from courses.models import LessonPage
from courses.selectors import lesson_ids_hidden_from
from events.selectors import upcoming_events
from taxonomy.models import GradeBandCode, Topic

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
        grouped["events"] = list(upcoming_events(limit=3))
    articles = _newest("home.ArticlePage", 3)
    return {
        "featured_courses": grouped["courses"],
        "featured_resources": grouped["resources"],
        "featured_events": grouped["events"],
        "latest_articles": articles,
    }


ARTICLE_SORTS = [SortOption("newest", "Newest", ("-date", "-pk"))]


def article_list(*, index_page, params) -> dict:
    """The articles under this index, by band and topic through core.listing (filtered and counted in SQL)."""
    from .models import ArticlePage

    topics = list(Topic.objects.all())
    facets = [
        FacetSpec(
            "band", "Grade band", field="grade_bands", many=True, choices=tuple(GradeBandCode.choices), single=True
        ),
        FacetSpec(
            "topic",
            "Topic",
            field="topics__slug",
            many=True,
            choices=tuple((t.slug, t.name) for t in topics),
            single=True,
        ),
    ]
    listing = run_listing(
        base=ArticlePage.objects.live().public().child_of(index_page).prefetch_related("topics"),
        params=params,
        facets=facets,
        sorts=ARTICLE_SORTS,
        default_sort="newest",
        per_page=index_page.per_page,
        searchable=False,
    )
    return {
        "articles": listing.page_obj,
        "page_obj": listing.page_obj,
        "listing": listing,
        "grade_bands": GradeBandCode.choices,
        "topics": topics,
        "selected_band": next(iter(listing.selected["band"]), ""),
        "selected_topic": next(iter(listing.selected["topic"]), ""),
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
