"""Reads of the resource library: the faceted listing, a resource's detail, My library, reports.

The listing costs a fixed number of queries: one search (when there is a query), one per
facet (labels and counts together), one count and one page of results with its prefetches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, When
from django.http import QueryDict
from wagtail.images import get_image_model

from core.params import parse_ids
from members.access import Reason
from taxonomy.models import Grade, GradeBand, HighLeverageConcept, LessonPart, ResourceKind, Topic

from .models import (
    DownloadLog,
    ResourceAccess,
    ResourceFile,
    ResourcePage,
    SavedResource,
    download_count_subquery,
)

PER_PAGE = 12
CARD_RENDITION = "fill-640x360"
MAX_QUERY_LENGTH = 200


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    DOWNLOADS = "downloads"
    TITLE = "title"

    CHOICES = [
        (RELEVANCE, "Best match"),
        (NEWEST, "Newest"),
        (DOWNLOADS, "Most downloaded"),
        (TITLE, "Title (A-Z)"),
    ]


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption]

    @property
    def selected_options(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str
    facet_label: str
    remove_query: str  # the query string with this one value removed (and the page reset)


@dataclass
class Suggestion:
    """An empty-state hint: drop this filter (or the search words) and `count` resources show."""

    label: str
    query: str
    count: int


@dataclass
class Listing:
    query: str
    sort: str
    sort_choices: list[tuple[str, str]]
    page_obj: PaginatorPage
    total: int
    facets: list[Facet]
    active_filters: list[ActiveFilter]
    saved_ids: frozenset[int] = frozenset()
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def resources(self):
        return self.page_obj.object_list


# --- facet definitions: how a selected value filters, and how counts are read -------------
def _through(name: str):
    return getattr(ResourcePage, name).through


def _m2m_filter(name: str, lookup: str) -> Callable[[list[str]], Q]:
    through = _through(name)

    def build(values: list[str]) -> Q:
        return Q(pk__in=through.objects.filter(**{f"{lookup}__in": values}).values("resourcepage_id"))

    return build


def _int_values(values: list[str]) -> list[str]:
    # ASCII digits that fit a bigint only: "²" and 10**30 are dropped, not sent to the database.
    return [str(v) for v in parse_ids(values)]


@dataclass(frozen=True)
class FacetSpec:
    param: str
    label: str
    build_filter: Callable[[list[str]], Q]
    clean: Callable[[list[str]], list[str]] = lambda values: values


FACETS = [
    FacetSpec("grade", "Grade", _m2m_filter("grades", "grade__code")),
    FacetSpec("band", "Grade band", _m2m_filter("grades", "grade__band")),
    FacetSpec("hlc", "High Leverage Concept", _m2m_filter("concepts", "highleverageconcept_id"), _int_values),
    FacetSpec("part", "Lesson part", _m2m_filter("lesson_parts", "lessonpart__slug")),
    FacetSpec("kind", "Kind", lambda values: Q(kind__slug__in=values)),
    FacetSpec("topic", "Topic", _m2m_filter("topics", "topic__slug")),
    FacetSpec("access", "Access", lambda values: Q(access_level__in=values)),
]


def _counted(model_qs: QuerySet, base: QuerySet) -> QuerySet:
    """Taxonomy values with how many resources of `base` carry each, in one query.

    GROUP BY queries ignore Meta.ordering, so callers pass an explicit order_by.
    """
    return model_qs.annotate(
        n=Count("resources", filter=Q(resources__in=base.values("pk")), distinct=True),
    )


def _facet_options(spec: FacetSpec, base: QuerySet, selected: list[str]) -> list[FacetOption]:
    chosen = set(selected)
    if spec.param == "grade":
        rows = [(g.code, g.name, g.n) for g in _counted(Grade.objects.order_by("sort_order"), base)]
    elif spec.param == "hlc":
        rows = [
            (str(c.pk), f"{c.grade.name}: {c.title}", c.n)
            for c in _counted(
                HighLeverageConcept.objects.select_related("grade").order_by(
                    "grade__sort_order", "sort_order", "title"
                ),
                base,
            )
        ]
    elif spec.param == "part":
        rows = [(p.slug, p.name, p.n) for p in _counted(LessonPart.objects.order_by("sort_order"), base)]
    elif spec.param == "kind":
        rows = [(k.slug, k.name, k.n) for k in _counted(ResourceKind.objects.order_by("sort_order", "name"), base)]
    elif spec.param == "topic":
        rows = [(t.slug, t.name, t.n) for t in _counted(Topic.objects.order_by("sort_order", "name"), base)]
    elif spec.param == "band":
        counts = dict(
            base.filter(grades__isnull=False)
            .order_by()
            .values_list("grades__band")
            .annotate(n=Count("pk", distinct=True))
            .values_list("grades__band", "n")
        )
        rows = [(value, label, counts.get(value, 0)) for value, label in GradeBand.choices]
    else:  # access
        counts = dict(
            base.order_by().values_list("access_level").annotate(n=Count("pk")).values_list("access_level", "n")
        )
        rows = [(value, label, counts.get(value, 0)) for value, label in ResourceAccess.choices]
    # Values nobody could pick are noise, unless already chosen (so they can be unchosen).
    return [FacetOption(v, label, n, v in chosen) for v, label, n in rows if n or v in chosen]


def _without(params: QueryDict, param: str, value: str | None = None) -> str:
    """The query string with one value (or a whole parameter) removed and the page reset."""
    copy = params.copy()
    copy.pop("page", None)
    if value is None:
        copy.pop(param, None)
    else:
        copy.setlist(param, [v for v in copy.getlist(param) if v != value])
    return copy.urlencode()


def _search_ids(base: QuerySet, query: str) -> list[int]:
    """Ids of matching resources, best match first (Wagtail's search backend)."""
    results = base.search(query, operator="and")
    return [page.pk for page in results]


def library_listing(*, index_page, params: QueryDict, user) -> Listing:
    """Everything the library page shows for these GET parameters."""
    query = " ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH]
    default_sort = Sort.RELEVANCE if query else Sort.NEWEST
    valid_sorts = {value for value, _ in Sort.CHOICES}
    sort = params.get("sort", default_sort)
    if sort not in valid_sorts or (sort == Sort.RELEVANCE and not query):
        sort = default_sort

    base = ResourcePage.objects.live().public().descendant_of(index_page)
    search_ids: list[int] | None = None
    if query:
        search_ids = _search_ids(base, query)
        base = base.filter(pk__in=search_ids)

    selected = {spec.param: spec.clean([v for v in params.getlist(spec.param) if v]) for spec in FACETS}
    filters = {spec.param: spec.build_filter(selected[spec.param]) for spec in FACETS if selected[spec.param]}

    def filtered(excluding: str | None = None) -> QuerySet:
        qs = base
        for param, condition in filters.items():
            if param != excluding:
                qs = qs.filter(condition)
        return qs

    # Each facet counts against every other filter, so a teacher sees what picking a value would give.
    facets = [
        Facet(spec.param, spec.label, _facet_options(spec, filtered(spec.param), selected[spec.param]))
        for spec in FACETS
    ]

    results = filtered().annotate(download_count=download_count_subquery())
    if sort == Sort.RELEVANCE and search_ids:
        rank = Case(*[When(pk=pk, then=pos) for pos, pk in enumerate(search_ids)], output_field=IntegerField())
        results = results.order_by(rank)
    elif sort == Sort.DOWNLOADS:
        results = results.order_by("-download_count", "-first_published_at")
    elif sort == Sort.TITLE:
        results = results.order_by("title")
    else:
        results = results.order_by("-first_published_at", "-pk")
    results = results.select_related("kind").prefetch_related(
        "grades",
        "lesson_parts",
        Prefetch("preview_image", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)),
    )
    paginator = Paginator(results, PER_PAGE)
    # Every resource has exactly one access level, so the access facet already counted the results.
    access = next(f for f in facets if f.param == "access")
    paginator.count = sum(o.count for o in access.options if o.selected or not selected["access"])
    page_obj = paginator.get_page(params.get("page"))

    labels = {(f.param, o.value): o.label for f in facets for o in f.options}
    facet_labels = {spec.param: spec.label for spec in FACETS}
    active = [
        ActiveFilter(
            param, value, labels.get((param, value), value), facet_labels[param], _without(params, param, value)
        )
        for param, values in selected.items()
        for value in values
    ]
    total = paginator.count

    suggestions: list[Suggestion] = []
    if total == 0 and (filters or query):
        suggestions = _empty_state_suggestions(base, filters, query, params, facet_labels, index_page)

    page_obj.object_list = list(page_obj.object_list)
    saved_ids: frozenset[int] = frozenset()
    if user.is_authenticated and page_obj.object_list:
        saved_ids = frozenset(
            SavedResource.objects.filter(user=user, resource__in=[r.pk for r in page_obj.object_list]).values_list(
                "resource_id", flat=True
            )
        )
    for resource in page_obj.object_list:
        resource.is_saved = resource.pk in saved_ids

    sort_choices = [(v, label) for v, label in Sort.CHOICES if query or v != Sort.RELEVANCE]
    return Listing(query, sort, sort_choices, page_obj, total, facets, active, saved_ids, suggestions)


def _empty_state_suggestions(base, filters, query, params, facet_labels, index_page) -> list[Suggestion]:
    """For an empty result: how many resources each single removal would bring back (one count each)."""
    suggestions = []
    for param in filters:
        qs = base
        for other, condition in filters.items():
            if other != param:
                qs = qs.filter(condition)
        count = qs.count()
        if count:
            suggestions.append(
                Suggestion(f"Remove the {facet_labels[param].lower()} filter", _without(params, param), count)
            )
    if query:
        qs = ResourcePage.objects.live().public().descendant_of(index_page)
        for condition in filters.values():
            qs = qs.filter(condition)
        count = qs.count()
        if count:
            suggestions.append(Suggestion("Clear the search words", _without(params, "q"), count))
    return sorted(suggestions, key=lambda s: -s.count)


# --- one resource -------------------------------------------------------------------------
@dataclass
class ResourceDetail:
    decision: object
    files: list[ResourceFile]
    is_saved: bool
    download_count: int
    related_resources: list[ResourcePage]
    related_courses: list

    @property
    def refusal_title(self) -> str:
        return reason_label(self.decision)


def resource_detail(*, resource: ResourcePage, user) -> ResourceDetail:
    decision = resource.document_access_decision(user)
    files = list(resource.files.select_related("document").all())
    is_saved = bool(user.is_authenticated and SavedResource.objects.filter(user=user, resource=resource).exists())
    related_ids = [r.resource_id for r in resource.related_resources.all()]
    by_id = {
        r.pk: r
        for r in ResourcePage.objects.live()
        .public()
        .filter(pk__in=related_ids)
        .select_related("kind")
        .prefetch_related("grades", "lesson_parts")
    }
    related = [by_id[pk] for pk in related_ids if pk in by_id]
    # .all() rather than .live(): in preview this is modelcluster's in-memory queryset.
    related_courses = [course for course in resource.courses.all() if course.live]
    return ResourceDetail(
        decision=decision,
        files=files,
        is_saved=is_saved,
        download_count=resource.download_logs.count(),
        related_resources=related,
        related_courses=related_courses,
    )


# --- My library ---------------------------------------------------------------------------
def saved_resources(*, user) -> list[ResourcePage]:
    """The live resources this user saved, newest save first, ready for cards."""
    if not user.is_authenticated:
        return []
    return list(
        ResourcePage.objects.live()
        .filter(saves__user=user)
        .order_by("-saves__created")
        .select_related("kind")
        .prefetch_related(
            "grades",
            "lesson_parts",
            Prefetch("preview_image", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)),
        )
    )


def recent_downloads(*, user, limit: int = 5) -> list[DownloadLog]:
    """This user's latest downloads, with the document and resource loaded."""
    if not user.is_authenticated:
        return []
    return list(DownloadLog.objects.filter(user=user).select_related("document", "resource")[:limit])


def reason_label(decision) -> str:
    """A refusal's reason in words ("Membership required")."""
    try:
        return Reason(decision.reason).label
    except ValueError:
        return "Access required"


def library_page():
    from .models import ResourceIndexPage

    return ResourceIndexPage.objects.live().first()
