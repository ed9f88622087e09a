"""The listing engine every catalogue-like page uses: facets, counts, search, sort and pages, in SQL.

A listing declares its facets (`FacetSpec`: the GET parameter, what a value matches: a field, a
relation or a computed expression) and its sorts; `run_listing` cleans the GET parameters (unknown
or hostile values are dropped, never sent to the database), filters, counts every facet's values
against all the *other* selected facets, sorts and paginates. The cost is one grouped query per
facet, one count and one page: the same for 5 items or 5,000, and for 3 values or 300.

The resource library shares the same types and parameter handling; it counts all its facets in one
statement of its own (resources.selectors.facet_counts), which the library's query budget needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from .params import clean_text, has_nul
from .search import search

MAX_QUERY_LENGTH = 200
MAX_VALUE_LENGTH = 100
MAX_VALUES = 50
FACET_VALUE = "facet_value"  # the alias a computed facet's value takes in its queries


# --- what a page shows --------------------------------------------------------------------
@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def checked(self) -> bool:  # the course catalogue's template word
        return self.selected


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption]

    @property
    def name(self) -> str:  # templates written for the catalogue read name/legend
        return self.param

    @property
    def legend(self) -> str:
        return self.label

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
class Listing:
    query: str
    sort: str
    sort_choices: list[tuple[str, str]]
    page_obj: PaginatorPage
    total: int
    facets: list[Facet]
    active_filters: list[ActiveFilter]
    selected: dict[str, list[str]] = field(default_factory=dict)

    @property
    def items(self):
        return self.page_obj.object_list

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or any(self.selected.values()))

    def facet(self, param: str) -> Facet | None:
        return next((f for f in self.facets if f.param == param), None)


# --- what a listing declares --------------------------------------------------------------
@dataclass(frozen=True)
class FacetSpec:
    """One filter of a listing.

    field:       the ORM path a value matches exactly ("format", "grade_bands", "topics__slug");
    expression:  or a computed value (a Case/When bucket: course length, free/paid);
    many:        the path crosses a to-many relation (filter through a subquery, count distinct items);
    choices:     the fixed values with their labels; without it the values and labels come from the counts;
    label_fields / order_fields: for relation values, the columns naming and ordering them;
    single:      a radio group: one value at most;
    clean:       turns the raw strings into values the database may see (e.g. ids as digits only).
    """

    param: str
    label: str
    field: str | None = None
    expression: Any = None
    many: bool = False
    choices: tuple[tuple[str, str], ...] | None = None
    label_fields: tuple[str, ...] = ()
    order_fields: tuple[str, ...] = ()
    single: bool = False
    clean: Callable[[list[str]], list[str]] | None = None

    def clean_values(self, raw: list[str]) -> list[str]:
        values: list[str] = []
        for value in raw:
            if not value or has_nul(value) or len(value) > MAX_VALUE_LENGTH:
                continue
            text = clean_text(value)
            if text and text not in values:
                values.append(text)
        if self.choices is not None:
            allowed = {value for value, _ in self.choices}
            values = [v for v in values if v in allowed]
        if self.clean is not None:
            values = self.clean(values)
        values = values[:MAX_VALUES]
        return values[:1] if self.single else values

    def condition(self, model, values: list[str]) -> Q:
        """The items carrying any of these values, as a condition on the listing's model."""
        if self.expression is not None:
            return Q(
                pk__in=model._base_manager.alias(**{FACET_VALUE: self.expression})
                .filter(**{f"{FACET_VALUE}__in": values})
                .values("pk")
            )
        if self.many:
            return Q(pk__in=model._base_manager.filter(**{f"{self.field}__in": values}).values("pk"))
        return Q(**{f"{self.field}__in": values})

    def count(self, items: QuerySet) -> list[tuple[str, str, int]]:
        """(value, label, number of items) for each value the items carry: one grouped query."""
        if self.expression is not None:
            rows = (
                items.annotate(**{FACET_VALUE: self.expression})
                .values(FACET_VALUE)
                .annotate(n=Count("pk"))
                .values_list(FACET_VALUE, "n")
            )
            found = {str(value): n for value, n in rows}
        else:
            columns = [self.field, *self.label_fields]
            rows = (
                items.values(*columns)
                .annotate(n=Count("pk", distinct=True))
                .order_by(*self.order_fields, *columns)
                .values_list(*columns, "n")
            )
            if self.choices is None:
                return [
                    (str(row[0]), ": ".join(str(part) for part in row[1:-1]) or str(row[0]), row[-1])
                    for row in rows
                    if row[0] is not None
                ]
            found = {str(row[0]): row[-1] for row in rows if row[0] is not None}
        return [(value, label, found.get(value, 0)) for value, label in self.choices or ()]


@dataclass(frozen=True)
class SortOption:
    value: str
    label: str
    order_by: tuple[Any, ...]  # field names or expressions (Lower("title"))
    needs_query: bool = False  # "Best match" only means something with search words


# --- GET parameters -------------------------------------------------------------------------
def clean_query(params: QueryDict) -> str:
    """The search words: control characters gone, spaces collapsed, capped."""
    return " ".join(clean_text(params.get("q", ""), max_length=MAX_QUERY_LENGTH).split())


def pick_sort(params: QueryDict, sorts: list[SortOption], *, query: str, default: str) -> str:
    """The asked-for sort if it exists (and has search words when it needs them), else the default."""
    allowed = {s.value for s in sorts if query or not s.needs_query}
    sort = params.get("sort") or default
    return sort if sort in allowed else default


def without(params: QueryDict, param: str, value: str | None = None) -> str:
    """The query string with one value (or a whole parameter) removed and the page reset."""
    copy = params.copy()
    copy.pop("page", None)
    if value is None:
        copy.pop(param, None)
    else:
        copy.setlist(param, [v for v in copy.getlist(param) if v != value])
    return copy.urlencode()


def selected_values(specs: list[FacetSpec], params: QueryDict) -> dict[str, list[str]]:
    return {spec.param: spec.clean_values(params.getlist(spec.param)) for spec in specs}


def active_filters(facets: list[Facet], selected: dict[str, list[str]], params: QueryDict) -> list[ActiveFilter]:
    labels = {(f.param, o.value): o.label for f in facets for o in f.options}
    facet_labels = {f.param: f.label for f in facets}
    return [
        ActiveFilter(
            param, value, labels.get((param, value), value), facet_labels[param], without(params, param, value)
        )
        for param, values in selected.items()
        for value in values
    ]


# --- the engine -----------------------------------------------------------------------------
def run_listing(
    *,
    base: QuerySet,
    params: QueryDict,
    facets: list[FacetSpec],
    sorts: list[SortOption],
    default_sort: str,
    per_page: int,
    searchable: bool = True,
    relevance: str = "relevance",
    keep_empty_options: bool = False,
    sort: str | None = None,
) -> Listing:
    """Everything a listing page shows for these GET parameters.

    `sort` fixes the order (a page whose order the visitor does not choose).
    Counts: each facet's values are counted over the items passing the search and every *other*
    facet's selection, so a visitor sees what picking a value would give.
    """
    model = base.model
    query = clean_query(params) if searchable else ""
    selected = selected_values(facets, params)
    conditions = {spec.param: spec.condition(model, selected[spec.param]) for spec in facets if selected[spec.param]}

    matched = search(base, query) if query else base
    # Counting reads plain rows of the matched items: no search rank or ordering to group by.
    plain = base.order_by().select_related(None).prefetch_related(None)
    pool = model._base_manager.filter(pk__in=matched.values("pk")) if query else plain

    built = []
    for spec in facets:
        items = pool
        for param, condition in conditions.items():
            if param != spec.param:
                items = items.filter(condition)
        chosen = set(selected[spec.param])
        options = [
            FacetOption(value, label, n, value in chosen)
            for value, label, n in spec.count(items)
            if n or value in chosen or keep_empty_options
        ]
        built.append(Facet(spec.param, spec.label, options))

    results = matched
    for condition in conditions.values():
        results = results.filter(condition)
    if sort is None:
        sort = pick_sort(params, sorts, query=query, default=relevance if query else default_sort)
    order = next(s.order_by for s in sorts if s.value == sort)
    results = results.order_by(*order)

    page_obj = Paginator(results, per_page).get_page(params.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    sort_choices = [(s.value, s.label) for s in sorts if query or not s.needs_query]
    return Listing(
        query=query,
        sort=sort,
        sort_choices=sort_choices,
        page_obj=page_obj,
        total=page_obj.paginator.count,
        facets=built,
        active_filters=active_filters(built, selected, params),
        selected=selected,
    )
