"""Reads for home and article pages, and the site search."""

import re
from collections.abc import Sequence

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from core.listing import FacetSpec, SortOption, run_listing
from core.page_cache import published_read
from core.search import search
from courses.models import CoursePage, LessonPage
from courses.selectors import lessons_in_courses, readable_course_paths
from events.models import EventPage
from events.selectors import upcoming_events
from learning.selectors import grade_shelf
from resources.models import ResourcePage
from taxonomy.models import Grade, GradeBandCode, HighLeverageConcept, LessonPart, Topic

from .models import ArticlePage, ConceptPage

NAV_TYPES = [
    ("courses", "CourseIndexPage", "Courses"),
    ("resources", "ResourceIndexPage", "Resources"),
    ("home", "ConceptIndexPage", "Concepts"),
    ("events", "EventIndexPage", "Workshops"),
    ("home", "ArticleIndexPage", "Articles"),
]


NAVIGATION_SECONDS = 300


def navigation_pages() -> list[dict]:
    """The main sections, in menu order: from the cache, or one query (forgotten when anything is published)."""
    return published_read(("navigation",), _navigation_pages, NAVIGATION_SECONDS)


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


def for_your_grades(*, user, resources: int = 4, courses: int = 3) -> dict | None:
    """The home page's "For your grades" shelf: My learning's shelf (learning.selectors.grade_shelf) with her
    grades' concept hubs first.

    None for visitors and for teachers without grades on their profile (they see the usual home page).
    """
    shelf = grade_shelf(user=user, resources=resources, courses=courses)
    if shelf is None:
        return None
    hubs = list(
        ConceptPage.objects.live()
        .public()
        .filter(concept__grade__code__in=list(user.grades_taught))
        .order_by("concept__grade__sort_order", "concept__sort_order", "title")
        .only("id", "url_path", "title")
    )
    return {**shelf, "concept_hubs": hubs}


def article_list(*, index_page, params) -> dict:
    """The articles under this index, by band and topic through core.listing (filtered and counted in SQL)."""
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
# Page types with a stored search vector (core.search); their ranks compare with each other. Lessons
# too, searched apart because their body is matched only for those who may read it.
RANKED_TYPES = [
    "resources.ResourcePage",
    "courses.CoursePage",
    "courses.ModulePage",
    "home.ArticlePage",
    "home.StandardPage",
    "events.EventPage",
]
# High Leverage Concept hubs: searched on their own and listed before every other result.
HUB_TYPE = "home.ConceptPage"


def _hubs_by_title_match(hubs: list, query: str) -> list:
    """Hubs whose grade the words name ("grade 2"), then those whose title and label hold most of the words.

    Ties keep the search backend's order: its rank alone lets a "2" anywhere in a text win over "Grade 2".
    """
    words = re.findall(r"\w+", query.lower())
    named = re.search(r"\b(?:grade|gr)\s*(k|\d)\b", query.lower())
    grade = f"grade {named.group(1)}" if named else None

    def key(item):
        position, hub = item
        label = f"{hub.title} {hub.concept_label}".lower()
        label_words = set(re.findall(r"\w+", label))
        return (-(grade is not None and grade in label), -sum(word in label_words for word in words), position)

    return [hub for _, hub in sorted(enumerate(hubs), key=key)]


class SearchHits(Sequence):
    """Ranked results whose pages load only when shown: a page of ten costs one query per page type on it,
    not the up to 200 objects per type the ranking looked at."""

    def __init__(self, hits: list):
        self._hits = hits  # (model, pk) for ranked rows, the page itself for hubs and the few others

    def __len__(self) -> int:
        return len(self._hits)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._load(self._hits[index])
        return self._load([self._hits[index]])[0]

    @staticmethod
    def _load(hits: list) -> list[Page]:
        wanted: dict[type, list[int]] = {}
        for hit in hits:
            if isinstance(hit, tuple):
                wanted.setdefault(hit[0], []).append(hit[1])
        loaded = {
            (model, page.pk): page
            for model, ids in wanted.items()
            for page in model.objects.filter(pk__in=ids).defer_streamfields()
        }
        return [
            loaded[hit] if isinstance(hit, tuple) else hit
            for hit in hits
            if not isinstance(hit, tuple) or hit in loaded
        ]


SEARCH_SECONDS = 300


def site_search(*, query: str, user, limit: int = SEARCH_RESULTS_MAX) -> SearchHits:
    """Published pages matching `query`, best first, matching only text this visitor may read.

    A High Leverage Concept hub matching the words comes first: it is where the concept is explained.
    Lessons the visitor cannot open are matched on their title and summary (shown in every
    course outline, weights A and B of the stored vector), never on their body: otherwise the
    search would answer "is this word in the members' lesson?".

    The ranking depends only on the words and on which courses' lessons the visitor may read, so it is
    kept in the shared cache under those until anything is published.
    """
    readable = readable_course_paths(user=user)
    hits = published_read(
        ("site-search", limit, "all" if readable is None else ",".join(readable), query),
        lambda: _site_search_hits(query=query, readable=readable, limit=limit),
        SEARCH_SECONDS,
        local=False,
    )
    return SearchHits(hits)


def _site_search_hits(*, query: str, readable: list[str] | None, limit: int) -> list:
    # Wagtail's .public() asks for the view restrictions each time: once here, for every type.
    private = Page.objects.all().private_q()
    ranked_models = [apps.get_model(label) for label in RANKED_TYPES]
    # A concept's hub comes before everything that merely mentions the concept.
    hub_model = apps.get_model(HUB_TYPE)
    hubs = _hubs_by_title_match(list(search(hub_model.objects.live().exclude(private), query)[:limit]), query)
    lessons = LessonPage.objects.live().exclude(private)
    in_readable = lessons_in_courses(readable)
    matches = [(model, search(model.objects.live().exclude(private), query)) for model in ranked_models]
    matches += [
        (LessonPage, search(lessons.filter(in_readable), query)),
        (LessonPage, search(lessons.exclude(in_readable), query, weights="AB")),
    ]
    # Ids and ranks only: the pages shown are loaded by SearchHits.
    ranked = [
        (rank, model, pk) for model, rows in matches for pk, rank in rows[:limit].values_list("pk", "search_rank")
    ]
    ranked.sort(key=lambda hit: -hit[0])
    results = (hubs + [(model, pk) for _, model, pk in ranked])[:limit]

    # The few remaining types (index pages, the home page, forms) through Wagtail's backend.
    others = Page.objects.live().exclude(private).not_type(hub_model, LessonPage, *ranked_models).specific()
    results += list(search(others, query)[: max(limit - len(results), 0)])
    return results


# --- High Leverage Concept hubs -------------------------------------------------------------
def concept_index(*, index_page, grade_code: str | None = None) -> list[dict]:
    """Every concept by grade, each with its live hub under `index_page` (or None): two queries.

    With `grade_code` ("2", "k"), only that grade; an empty list when no such grade exists.
    """
    concepts = HighLeverageConcept.objects.select_related("grade")
    if grade_code is not None:
        grade = Grade.objects.filter(code__iexact=grade_code).first()
        if grade is None:
            return []
        concepts = concepts.filter(grade=grade)
    hubs = {
        hub.concept_id: hub
        for hub in ConceptPage.objects.live()
        .public()
        .child_of(index_page)
        .only("id", "url_path", "title", "concept_id")
    }
    grades: dict[int, dict] = {}
    for concept in concepts:
        entry = grades.setdefault(concept.grade_id, {"grade": concept.grade, "concepts": []})
        entry["concepts"].append({"concept": concept, "hub": hubs.get(concept.pk)})
    if grade_code is not None and not grades:
        return [{"grade": grade, "concepts": []}]
    return list(grades.values())


def concept_hub(*, page) -> dict:
    """What a hub shows besides its own text, in a fixed number of queries whatever the amount of content.

    Resources, courses and upcoming workshops are those tagged with the concept.
    """
    concept = HighLeverageConcept.objects.select_related("grade").get(pk=page.concept_id)
    neighbours = list(
        HighLeverageConcept.objects.select_related("grade").filter(Q(leads_to=concept) | Q(pk=concept.leads_to_id))
    )
    neighbour_hubs = {
        hub.concept_id: hub
        for hub in ConceptPage.objects.live()
        .public()
        .filter(concept__in=neighbours)
        .only("id", "url_path", "title", "concept_id")
    }

    def step(c):
        return {"concept": c, "hub": neighbour_hubs.get(c.pk)}

    builds_on = [step(c) for c in neighbours if c.leads_to_id == concept.pk]
    leads_to = next((step(c) for c in neighbours if c.pk == concept.leads_to_id), None)

    resources = list(
        ResourcePage.objects.live()
        .public()
        .filter(concepts=concept)
        .select_related("kind")
        .prefetch_related("lesson_parts")
        .order_by("title")
    )
    by_part = {part.pk: {"part": part, "resources": []} for part in LessonPart.objects.all()}
    untagged = []
    for resource in resources:
        parts = resource.lesson_parts.all()
        for part in parts:
            by_part[part.pk]["resources"].append(resource)
        if not parts:
            untagged.append(resource)
    groups = [group for group in by_part.values() if group["resources"]]
    if untagged:
        groups.append({"part": None, "resources": untagged})

    courses = list(CoursePage.objects.live().public().filter(concepts=concept).order_by("title"))
    workshops = list(
        EventPage.objects.live()
        .public()
        .filter(concepts=concept, end__gt=timezone.now(), seat_counter__cancelled_at__isnull=True)
        .select_related("seat_counter")
        .order_by("start")
    )

    menu = [
        item for item in page.menu_activities.select_related("resource").order_by("sort_order") if item.resource.live
    ]
    probe = ResourcePage.objects.live().filter(pk=page.probe_id).first() if page.probe_id else None
    return {
        "concept": concept,
        "builds_on": builds_on,
        "leads_to": leads_to,
        "probe": probe,
        "menu_activities": menu,
        "resource_groups": groups,
        "resource_count": len(resources),
        "courses": courses,
        "workshops": workshops,
    }


def concept_hub_urls() -> dict[int, str]:
    """Concept id -> its live hub's URL, for links from library, resource and course pages.

    From the cache, or one query; forgotten when anything is published (core.page_cache).
    """
    return published_read(
        ("concept-hubs",),
        lambda: {
            hub.concept_id: hub.url for hub in ConceptPage.objects.live().public().only("id", "url_path", "concept_id")
        },
        NAVIGATION_SECONDS,
    )
