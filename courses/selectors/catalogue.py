"""The course catalogue: filters, search, sort, facet counts and progress on each card."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Prefetch, Value, When
from django.db.models.functions import Lower
from wagtail.images import get_image_model

from core.listing import FacetSpec, SortOption, run_listing
from core.params import parse_ids
from members.access import AccessLevel, entitlements_for
from taxonomy.models import GradeBandCode

from ..models import (
    CourseIndexPage,
    CoursePage,
)
from .progress import progress_for_enrollments

# Lengths are buckets of the estimated hours, computed in SQL so the facet counts and filters there.
LENGTHS = [("short", "Under 2 hours"), ("medium", "2 to 5 hours"), ("long", "More than 5 hours")]
LENGTH = Case(
    When(estimated_hours__lt=2, then=Value("short")),
    When(estimated_hours__lte=5, then=Value("medium")),
    default=Value("long"),
    output_field=CharField(),
)
SORTS = [
    SortOption("relevance", "Best match", ("-search_rank", "-pk"), needs_query=True),
    SortOption("newest", "Newest", (F("first_published_at").desc(nulls_first=True), "-pk")),
    SortOption("title", "Title A-Z", (Lower("title"), "pk")),
    SortOption("shortest", "Shortest first", ("estimated_hours", Lower("title"))),
    SortOption("pd_hours", "Most PD hours", ("-pd_hours", Lower("title"))),
]
ACCESS_CHOICES = (
    (AccessLevel.FREE.value, "Free"),
    (AccessLevel.MEMBERS.value, "Members"),
    (AccessLevel.PAID.value, "Paid"),
)


def _ids(values: list[str]) -> list[str]:
    return [str(v) for v in parse_ids(values)]


FACETS = [
    FacetSpec("band", "Grade band", field="grade_bands", many=True, choices=tuple(GradeBandCode.choices)),
    FacetSpec(
        "hlc",
        "High Leverage Concept",
        field="concepts__id",
        many=True,
        label_fields=("concepts__grade__name", "concepts__title"),
        order_fields=("concepts__grade__sort_order", "concepts__sort_order"),
        clean=_ids,
    ),
    FacetSpec(
        "topic",
        "Topic",
        field="topics__slug",
        many=True,
        label_fields=("topics__name",),
        order_fields=("topics__name",),
    ),
    FacetSpec("access", "Access", field="access_level", choices=ACCESS_CHOICES),
    FacetSpec("length", "Length", expression=LENGTH, choices=tuple(LENGTHS)),
]


def course_catalogue(*, index_page: CourseIndexPage, params, user, request=None) -> dict:
    """Filtered, searched, sorted courses with facet counts and the learner's progress on each card."""
    Image = get_image_model()
    base = (
        CoursePage.objects.live()
        .public()
        .child_of(index_page)
        .prefetch_related(
            Prefetch("cover_image", queryset=Image.objects.prefetch_renditions("fill-640x360")),
            "grade_bands",
        )
    )
    listing = run_listing(
        base=base, params=params, facets=FACETS, sorts=SORTS, default_sort="newest", per_page=index_page.per_page
    )
    page_obj = listing.page_obj
    progress = {}
    if user.is_authenticated:
        ent = entitlements_for(user)
        on_page = [ent.enrollments[c.pk] for c in page_obj if c.pk in ent.enrollments]
        for e in on_page:
            e.course = next(c for c in page_obj if c.pk == e.course_id)
        progress = {p.course.pk: p for p in progress_for_enrollments(user=user, enrollments=on_page, request=request)}
    cards = [{"course": c, "url": c.get_url(request), "progress": progress.get(c.pk)} for c in page_obj]
    return {
        "cards": cards,
        "page_obj": page_obj,
        "result_count": listing.total,
        "filter_groups": [facet for facet in listing.facets if facet.options],
        "active_filters": listing.active_filters,
        "query": listing.query,
        "sort": listing.sort,
        "sorts": [(s.value, s.label) for s in SORTS],
        "has_filters": listing.is_filtered,
    }
