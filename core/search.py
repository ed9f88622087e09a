"""Every full-text search of the site goes through `search()`, so the backend can change in one place.

On PostgreSQL, models that declare `search_vector_fields` keep a weighted `tsvector` in their own
`search_vector` column (GIN-indexed by their migration, refreshed when a page is saved with new
content): the title weighs A, the summary or intro B, the body C, with the 'english' configuration.
A query is parsed with websearch_to_tsquery (quotes, `or`, `-word`, as people type them) and results
are ranked with ts_rank. Anywhere else (SQLite, or a model without a vector) Wagtail's configured
search backend answers, ranked in its own order. docs/performance.md says how to switch to
Elasticsearch/OpenSearch.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Case, F, FloatField, Func, QuerySet, Value, When
from django.utils.html import strip_tags

SEARCH_CONFIG = "english"
VECTOR_FIELD = "search_vector"
WEIGHTS = ("A", "B", "C")


def uses_stored_vector(model) -> bool:
    return connection.vendor == "postgresql" and bool(getattr(model, "search_vector_fields", None))


class _WeightsOnly(Func):
    """ts_filter(vector, '{a,b}'): the vector's lexemes of those weights only (GIN-indexed for lessons)."""

    function = "ts_filter"
    output_field = SearchVectorField()

    def __init__(self, expression, weights: str):
        super().__init__(expression, Value("{" + ",".join(weights.lower()) + "}"))


def search(queryset: QuerySet, query: str, *, fields: list[str] | None = None, weights: str | None = None) -> QuerySet:
    """The rows of `queryset` matching `query`, annotated `search_rank` (higher is better) and ordered by it.

    `fields` narrows the match to those fields (Wagtail backend only; the stored vector always holds
    the fields its model declares). `weights` ("AB") matches only the fields of those weights (title
    and summary): text a visitor may read even when the body is closed to them.
    """
    model = queryset.model
    if weights and not uses_stored_vector(model):
        groups = getattr(model, "search_vector_fields", ())
        fields = [name for weight, names in zip(WEIGHTS, groups, strict=False) if weight in weights for name in names]
    if uses_stored_vector(model) and fields is None:
        ts_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        vector = _WeightsOnly(F(VECTOR_FIELD), weights) if weights else F(VECTOR_FIELD)
        return (
            queryset.alias(_search_vector=vector)
            .filter(_search_vector=ts_query)
            .annotate(search_rank=SearchRank(vector, ts_query))
            .order_by("-search_rank", "-pk")
        )
    # Wagtail's backend returns results in its own rank order; keep that order as a number.
    ids = [obj.pk for obj in queryset.search(query, operator="and", fields=fields)]
    if not ids:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    rank = Case(
        *[When(pk=pk, then=Value(float(len(ids) - i))) for i, pk in enumerate(ids)],
        output_field=FloatField(),
    )
    return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("-search_rank")


# --- the stored vector ----------------------------------------------------------------------
def search_vector_column() -> SearchVectorField:
    """The column a searchable model adds (nullable: SQLite keeps it empty)."""
    return SearchVectorField(null=True, editable=False)


def _text(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None:
        return ""
    if hasattr(field, "get_searchable_content"):  # StreamField: only the text its blocks expose
        return " ".join(str(part) for part in field.get_searchable_content(value))
    return strip_tags(str(value))


def vector_expression(instance):
    """title A + summary/intro B + body C, from the instance's own (live) values."""
    expression = None
    for weight, names in zip(WEIGHTS, instance.search_vector_fields, strict=False):
        text = " ".join(_text(instance, name) for name in names)
        part = SearchVector(Value(text), weight=weight, config=SEARCH_CONFIG)
        expression = part if expression is None else expression + part
    return expression


def refresh_search_vector(instance) -> None:
    """Store the vector of this row's live content (one UPDATE)."""
    if not uses_stored_vector(type(instance)):
        return
    type(instance)._base_manager.filter(pk=instance.pk).update(**{VECTOR_FIELD: vector_expression(instance)})


def refresh_search_vectors(model, ids) -> None:
    """The same for many rows (the scale seeder and the migrations' backfill)."""
    if not uses_stored_vector(model):
        return
    for instance in model._base_manager.filter(pk__in=list(ids)).iterator(chunk_size=500):
        refresh_search_vector(instance)


def _indexed_field_names(model) -> set[str]:
    return {name for names in model.search_vector_fields for name in names}


def _on_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or not getattr(sender, "search_vector_fields", None):
        return
    # Wagtail saves a draft with update_fields that leave the live columns alone: nothing to index.
    if update_fields is not None and not (set(update_fields) & _indexed_field_names(sender)):
        return
    refresh_search_vector(instance)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    for model in apps.get_models():
        if getattr(model, "search_vector_fields", None):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"search-vector-{model._meta.label}")
