"""The course catalogue: filters, search, sort, facet counts and progress on each card."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.images import get_image_model

from core.search import search
from members.access import AccessLevel, entitlements_for
from taxonomy.models import GradeBand, HighLeverageConcept

from ..models import (
    CourseIndexPage,
    CoursePage,
)
from .progress import progress_for_enrollments

LENGTHS = [
    ("short", "Under 2 hours", lambda h: h < 2),
    ("medium", "2 to 5 hours", lambda h: 2 <= h <= 5),
    ("long", "More than 5 hours", lambda h: h > 5),
]
SORTS = [
    ("relevance", "Best match"),
    ("newest", "Newest"),
    ("title", "Title A-Z"),
    ("shortest", "Shortest first"),
    ("pd_hours", "Most PD hours"),
]
ACCESS_CHOICES = [
    (AccessLevel.FREE.value, "Free"),
    (AccessLevel.MEMBERS.value, "Members"),
    (AccessLevel.PAID.value, "Paid"),
]


def _course_facets(course: CoursePage) -> dict[str, set[str]]:
    length = next((key for key, _, test in LENGTHS if test(course.estimated_hours)), "")
    return {
        "band": set(course.grade_bands or []),
        "hlc": {str(c.pk) for c in course.concepts.all()},
        "topic": {t.slug for t in course.topics.all()},
        "access": {course.access_level},
        "length": {length},
    }


def course_catalogue(*, index_page: CourseIndexPage, params, user, request=None) -> dict:
    """Filtered, searched, sorted courses with facet counts and the learner's progress on each card."""
    Image = get_image_model()
    courses = list(
        CoursePage.objects.live()
        .public()
        .child_of(index_page)
        .prefetch_related(
            Prefetch("cover_image", queryset=Image.objects.prefetch_renditions("fill-640x360")),
            Prefetch("concepts", queryset=HighLeverageConcept.objects.select_related("grade")),
            "topics",
        )
    )
    selected = {name: [v for v in params.getlist(name) if v] for name in ("band", "hlc", "topic", "access", "length")}
    q = (params.get("q") or "").strip()
    sort = params.get("sort") or ("relevance" if q else "newest")
    if sort not in dict(SORTS):
        sort = "newest"
    order = {c.pk: i for i, c in enumerate(courses)}
    if q:
        hits = search(CoursePage.objects.live().child_of(index_page), q).values_list("pk", flat=True)
        order = {pk: i for i, pk in enumerate(hits)}
        courses = [c for c in courses if c.pk in order]
    facets = {c.pk: _course_facets(c) for c in courses}

    def matches(course, skip: str | None = None) -> bool:
        for name, values in selected.items():
            if name != skip and values and not (facets[course.pk][name] & set(values)):
                return False
        return True

    def counts(name: str) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for course in courses:
            if matches(course, skip=name):
                for value in facets[course.pk][name]:
                    result[value] += 1
        return result

    concepts = {str(c.pk): c for course in courses for c in course.concepts.all()}
    topics = {t.slug: t for course in courses for t in course.topics.all()}
    groups = [
        ("band", "Grade band", [(v, label) for v, label in GradeBand.choices]),
        (
            "hlc",
            "High Leverage Concept",
            [
                (k, f"{c.grade.name}: {c.title}")
                for k, c in sorted(concepts.items(), key=lambda kv: (kv[1].grade.sort_order, kv[1].sort_order))
            ],
        ),
        ("topic", "Topic", sorted(((k, t.name) for k, t in topics.items()), key=lambda kv: kv[1])),
        ("access", "Access", ACCESS_CHOICES),
        ("length", "Length", [(key, label) for key, label, _ in LENGTHS]),
    ]
    filter_groups = []
    active = []
    for name, legend, choices in groups:
        tally = counts(name)
        options = [
            {"value": value, "label": label, "count": tally.get(value, 0), "checked": value in selected[name]}
            for value, label in choices
        ]
        options = [o for o in options if o["count"] or o["checked"]]
        if options:
            filter_groups.append({"name": name, "legend": legend, "options": options})
        for o in options:
            if o["checked"]:
                remaining = params.copy()
                remaining.setlist(name, [v for v in selected[name] if v != o["value"]])
                remaining.pop("page", None)
                active.append({"label": o["label"], "remove_query": remaining.urlencode()})

    results = [c for c in courses if matches(c)]
    if sort == "relevance":
        results.sort(key=lambda c: order[c.pk])
    elif sort == "title":
        results.sort(key=lambda c: c.title.lower())
    elif sort == "shortest":
        results.sort(key=lambda c: (c.estimated_hours, c.title.lower()))
    elif sort == "pd_hours":
        results.sort(key=lambda c: (-c.pd_hours, c.title.lower()))
    else:
        results.sort(key=lambda c: c.first_published_at or timezone.now(), reverse=True)

    paginator = Paginator(results, index_page.per_page)
    page_obj = paginator.get_page(params.get("page"))
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
        "result_count": len(results),
        "filter_groups": filter_groups,
        "active_filters": active,
        "query": q,
        "sort": sort,
        "sorts": SORTS,
        "has_filters": bool(q or any(selected.values())),
    }
