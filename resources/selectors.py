"""Reads of the resource library: the faceted listing, a resource's detail, My library, reports.

The listing costs a fixed number of queries: one for every facet's labels and counts with the total
(the search is a condition inside it on PostgreSQL; Wagtail's backend adds one query elsewhere),
and one page of results with its prefetches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import QueryDict
from wagtail.images import get_image_model

from core.listing import (
    Facet,
    FacetOption,
    FacetSpec,
    active_filters,
    clean_query,
    selected_values,
    without,
)
from core.listing import Listing as BaseListing
from core.page_cache import published_read
from core.params import parse_ids
from core.search import search
from members.access import Reason
from taxonomy.models import Grade, GradeBandCode, HighLeverageConcept, LessonPart, ResourceKind, Topic

from .models import (
    DownloadLog,
    ResourceAccess,
    ResourceFile,
    ResourcePage,
    SavedResource,
    download_count_subquery,
)

PER_PAGE = 12
LISTING_SECONDS = 300
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
class Suggestion:
    """An empty-state hint: drop this filter (or the search words) and `count` resources show."""

    label: str
    query: str
    count: int


@dataclass
class Listing(BaseListing):
    saved_ids: frozenset[int] = frozenset()
    suggestions: list[Suggestion] = field(default_factory=list)
    grades_first: str = ""  # "Grade 2" when her grades come first; empty in the normal order
    see_everything_query: str = ""  # the query string that turns grades-first off
    showing_everything: bool = False  # she turned grades-first off ("See everything")

    @property
    def resources(self):
        return self.page_obj.object_list


# --- facet definitions: core.listing parses and applies them; the counts are one statement below -----
def _int_values(values: list[str]) -> list[str]:
    # ASCII digits that fit a bigint only: "²" and 10**30 are dropped, not sent to the database.
    return [str(v) for v in parse_ids(values)]


FACETS = [
    FacetSpec("grade", "Grade", field="grades__code", many=True),
    FacetSpec("band", "Grade band", field="grades__band", many=True, choices=tuple(GradeBandCode.choices)),
    FacetSpec("hlc", "High Leverage Concept", field="concepts__id", many=True, clean=_int_values),
    FacetSpec("part", "Lesson part", field="lesson_parts__slug", many=True),
    FacetSpec("kind", "Kind", field="kind__slug"),
    FacetSpec("topic", "Topic", field="topics__slug", many=True),
    FacetSpec("access", "Access", field="access_level", choices=tuple(ResourceAccess.choices)),
]


# --- all facet counts in one query -----------------------------------------------------------
# One statement: a CTE of the library's live resources with one 0/1 flag per active condition (the
# search words and each selected facet), then one grouped branch per facet that counts the rows
# passing every flag but its own. Counts cost one query whatever the number of resources or values.
ROW_COLUMNS = ("facet", "value", "label", "label2", "s1", "s2", "s3", "n")


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _m2m(name: str) -> tuple[str, str, str]:
    field = ResourcePage._meta.get_field(name)
    return field.remote_field.through._meta.db_table, field.m2m_column_name(), field.m2m_reverse_name()


def _where(flags: list[str], skip: str | None) -> str:
    conditions = [f"m.f_{flag} = 1" for flag in flags if flag != skip]
    return " AND ".join(conditions) or "1 = 1"


def _labelled_branch(facet, table, value, label, label2, sorts, joins, key_expr, counted_from, where):
    """Every row of a taxonomy table with how many flagged resources carry it (0 when none)."""
    return (
        f"SELECT '{facet}', {value}, {label}, {label2}, {sorts}, COALESCE(c.n, 0) FROM {table} x {joins} "
        f"LEFT JOIN (SELECT {key_expr} AS k, COUNT(DISTINCT m.id) AS n FROM m {counted_from} WHERE {where} "
        f"GROUP BY {key_expr}) c ON c.k = x.id"
    )


def facet_counts(base: QuerySet, conditions: dict[str, QuerySet]) -> dict[str, list[tuple]]:
    """Rows per facet for the resources of `base`, each condition a queryset of the resources it keeps.

    Returns {facet: [(value, label, label2, n), ...] in display order}, plus "total" (every
    condition) and "without" ({condition: count with all but that one}) for the empty state.
    """
    r = ResourcePage._meta.db_table
    pk = ResourcePage._meta.pk.column
    kind_col = ResourcePage._meta.get_field("kind").column
    access_col = ResourcePage._meta.get_field("access_level").column
    flags = list(conditions)
    params: list = []
    flag_columns = []
    for flag, qs in conditions.items():
        try:
            # Membership tests only: no ordering (a sort of every row, and a rank for the search words).
            sql, p = _sql(qs.order_by().values("pk"))
        except EmptyResultSet:  # a condition nothing can meet (no search match): the flag is 0 everywhere
            flag_columns.append(f", 0 AS f_{flag}")
            continue
        flag_columns.append(f", CASE WHEN r.{pk} IN ({sql}) THEN 1 ELSE 0 END AS f_{flag}")
        params += p
    base_sql, base_params = _sql(base.order_by().values("pk"))
    params += base_params
    cte = (
        f"WITH m AS (SELECT r.{pk} AS id, r.{kind_col} AS kind_id, r.{access_col} AS access_level"
        f"{''.join(flag_columns)} FROM {r} r WHERE r.{pk} IN ({base_sql}))"
    )

    grade_t, grade_src, grade_dst = _m2m("grades")
    hlc_t, hlc_src, hlc_dst = _m2m("concepts")
    part_t, part_src, part_dst = _m2m("lesson_parts")
    topic_t, topic_src, topic_dst = _m2m("topics")
    grade_table = Grade._meta.db_table

    def through(table, src):
        return f"JOIN {table} t ON t.{src} = m.id"

    branches = [
        _labelled_branch(
            "grade",
            grade_table,
            "x.code",
            "x.name",
            "''",
            "x.sort_order, 0, ''",
            "",
            f"t.{grade_dst}",
            through(grade_t, grade_src),
            _where(flags, "grade"),
        ),
        _labelled_branch(
            "hlc",
            HighLeverageConcept._meta.db_table,
            "CAST(x.id AS TEXT)",
            "g.name",
            "x.title",
            "g.sort_order, x.sort_order, x.title",
            f"JOIN {grade_table} g ON g.id = x.grade_id",
            f"t.{hlc_dst}",
            through(hlc_t, hlc_src),
            _where(flags, "hlc"),
        ),
        _labelled_branch(
            "part",
            LessonPart._meta.db_table,
            "x.slug",
            "x.name",
            "''",
            "x.sort_order, 0, ''",
            "",
            f"t.{part_dst}",
            through(part_t, part_src),
            _where(flags, "part"),
        ),
        _labelled_branch(
            "kind",
            ResourceKind._meta.db_table,
            "x.slug",
            "x.name",
            "''",
            "x.sort_order, 0, x.name",
            "",
            "m.kind_id",
            "",
            _where(flags, "kind"),
        ),
        _labelled_branch(
            "topic",
            Topic._meta.db_table,
            "x.slug",
            "x.name",
            "''",
            "x.sort_order, 0, x.name",
            "",
            f"t.{topic_dst}",
            through(topic_t, topic_src),
            _where(flags, "topic"),
        ),
        f"SELECT 'band', g.band, '', '', 0, 0, '', COUNT(DISTINCT m.id) FROM m {through(grade_t, grade_src)} "
        f"JOIN {grade_table} g ON g.id = t.{grade_dst} WHERE {_where(flags, 'band')} GROUP BY g.band",
        f"SELECT 'access', m.access_level, '', '', 0, 0, '', COUNT(*) FROM m WHERE {_where(flags, 'access')} "
        "GROUP BY m.access_level",
        f"SELECT 'total', '', '', '', 0, 0, '', COUNT(*) FROM m WHERE {_where(flags, None)}",
    ]
    branches += [
        f"SELECT 'without', '{flag}', '', '', 0, 0, '', COUNT(*) FROM m WHERE {_where(flags, flag)}" for flag in flags
    ]
    with connection.cursor() as cursor:
        cursor.execute(cte + " " + " UNION ALL ".join(branches), params)
        rows = cursor.fetchall()

    out: dict = {"total": 0, "without": {}}
    for facet, value, label, label2, *_sort_keys, n in sorted(rows, key=lambda row: (row[0], row[4], row[5], row[6])):
        if facet == "total":
            out["total"] = n
        elif facet == "without":
            out["without"][value] = n
        else:
            out.setdefault(facet, []).append((value, label, label2, n))
    return out


def _facet_options(spec: FacetSpec, counted: dict, selected: list[str]) -> list[FacetOption]:
    chosen = set(selected)
    if spec.param == "hlc":
        rows = [(v, f"{label}: {label2}", n) for v, label, label2, n in counted.get("hlc", [])]
    elif spec.param in ("band", "access"):
        counts = {v: n for v, _, _, n in counted.get(spec.param, [])}
        choices = GradeBandCode.choices if spec.param == "band" else ResourceAccess.choices
        rows = [(value, label, counts.get(value, 0)) for value, label in choices]
    else:
        rows = [(v, label, n) for v, label, _, n in counted.get(spec.param, [])]
    # Values nobody could pick are noise, unless already chosen (so they can be unchosen).
    return [FacetOption(v, label, n, v in chosen) for v, label, n in rows if n or v in chosen]


EVERYTHING_PARAM = "all"  # ?all=1: the normal order even for a teacher with grades on her profile


def grades_first_codes(*, user, params: QueryDict) -> list[str]:
    """Her grade codes when the library should show her grades first: no sort, no search, not turned off."""
    if not user.is_authenticated or not user.grades_taught:
        return []
    if params.get("sort") or params.get("q", "").strip() or params.get(EVERYTHING_PARAM):
        return []
    return list(user.grades_taught)


def _for_grades(codes: list[str]):
    """True for a resource tagged with one of these grade codes (a correlated EXISTS, no join duplicates)."""
    through = ResourcePage.grades.through
    return Exists(through.objects.filter(resourcepage_id=OuterRef("pk"), grade__code__in=codes))


def library_listing(*, index_page, params: QueryDict, user) -> Listing:
    """Everything the library page shows for these GET parameters."""
    query = clean_query(params)
    default_sort = Sort.RELEVANCE if query else Sort.NEWEST
    valid_sorts = {value for value, _ in Sort.CHOICES}
    sort = params.get("sort", default_sort)
    if sort not in valid_sorts or (sort == Sort.RELEVANCE and not query):
        sort = default_sort

    selected = selected_values(FACETS, params)
    filters = {
        spec.param: spec.condition(ResourcePage, selected[spec.param]) for spec in FACETS if selected[spec.param]
    }
    her_grades = grades_first_codes(user=user, params=params)

    def base() -> QuerySet:
        return ResourcePage.objects.live().public().descendant_of(index_page)

    def count() -> dict:
        # The conditions, each as the resources it keeps; the facet query flags every resource with each.
        conditions: dict[str, QuerySet] = {}
        if query:
            conditions["q"] = search(base(), query)
        for param, condition in filters.items():
            conditions[param] = ResourcePage.objects.filter(condition)
        return facet_counts(base(), conditions)

    def page_ids(start: int) -> list[int]:
        results = search(base(), query) if query else base()
        for condition in filters.values():
            results = results.filter(condition)
        if her_grades:
            results = results.annotate(for_her_grades=_for_grades(her_grades)).order_by(
                "-for_her_grades", "-first_published_at", "-pk"
            )
        elif sort == Sort.RELEVANCE:
            results = results.order_by("-search_rank", "-pk")
        elif sort == Sort.DOWNLOADS:
            results = results.annotate(download_count=download_count_subquery())
            results = results.order_by("-download_count", "-first_published_at")
        elif sort == Sort.TITLE:
            results = results.order_by("title")
        else:
            results = results.order_by("-first_published_at", "-pk")
        return list(results.values_list("pk", flat=True)[start : start + PER_PAGE])

    # The counts and the page's order depend only on these parameters (and her grades), never on who asks:
    # kept until anything is published (the download order may lag by LISTING_SECONDS).
    selection = (
        index_page.pk,
        query,
        tuple((param, tuple(sorted(values))) for param, values in sorted(selected.items()) if values),
    )
    counted = published_read(("library-counts", *selection), count, LISTING_SECONDS, local=False)

    # Each facet counts against every other filter, so a teacher sees what picking a value would give.
    facets = [Facet(spec.param, spec.label, _facet_options(spec, counted, selected[spec.param])) for spec in FACETS]

    paginator = Paginator([], PER_PAGE)
    paginator.count = counted["total"]  # already counted with the facets
    page_obj = paginator.get_page(params.get("page"))
    start = (page_obj.number - 1) * PER_PAGE

    def page_cards() -> list[ResourcePage]:
        ids = page_ids(start)
        # Cards need no body (a handout's problems): the StreamFields stay in the database.
        cards = (
            ResourcePage.objects.filter(pk__in=ids)
            .defer_streamfields()
            .select_related("kind")
            .prefetch_related(
                "grades",
                "lesson_parts",
                Prefetch("preview_image", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)),
            )
        )
        by_id = {card.pk: card for card in cards} if ids else {}
        return [by_id[pk] for pk in ids if pk in by_id]

    # The page's cards in order, the same for everyone who asks the same (her saved marks are added below).
    page_obj.object_list = published_read(
        ("library-page", *selection, sort, tuple(her_grades), page_obj.number), page_cards, LISTING_SECONDS, local=False
    )

    facet_labels = {spec.param: spec.label for spec in FACETS}
    active = active_filters(facets, selected, params)
    total = paginator.count

    suggestions: list[Suggestion] = []
    if total == 0 and (filters or query):
        suggestions = _empty_state_suggestions(counted["without"], params, facet_labels)

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
    if her_grades:
        # An empty sort keeps her grades first when she applies filters with the same form.
        sort, sort_choices = "", [("", f"{user.grades_phrase} first"), *sort_choices]
    everything = params.copy()
    everything.pop("page", None)
    everything[EVERYTHING_PARAM] = "1"
    return Listing(
        query=query,
        sort=sort,
        sort_choices=sort_choices,
        page_obj=page_obj,
        total=total,
        facets=facets,
        active_filters=active,
        selected=selected,
        saved_ids=saved_ids,
        suggestions=suggestions,
        grades_first=user.grades_phrase if her_grades else "",
        see_everything_query=everything.urlencode() if her_grades else "",
        showing_everything=bool(params.get(EVERYTHING_PARAM)),
    )


def _empty_state_suggestions(counts_without: dict[str, int], params, facet_labels) -> list[Suggestion]:
    """For an empty result: how many resources each single removal would bring back (from the facet query)."""
    suggestions = []
    for param, count in counts_without.items():
        if not count:
            continue
        if param == "q":
            suggestions.append(Suggestion("Clear the search words", without(params, "q"), count))
        else:
            label = f"Remove the {facet_labels[param].lower()} filter"
            suggestions.append(Suggestion(label, without(params, param), count))
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
def saved_resources(*, user, with_details: bool = True) -> list[ResourcePage]:
    """The live resources this user saved, newest save first, ready for cards.

    with_details=False loads the rows alone (title, summary, access level: My learning's plain cards),
    without the kind, grades, lesson parts and preview image the library's resource cards show.
    """
    if not user.is_authenticated:
        return []
    saved = ResourcePage.objects.live().filter(saves__user=user).order_by("-saves__created")
    if not with_details:
        return list(saved)
    return list(
        saved.select_related("kind").prefetch_related(
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
