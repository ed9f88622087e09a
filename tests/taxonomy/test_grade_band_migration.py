"""Grade bands stored as JSON lists become rows of taxonomy.GradeBand without losing a tag, and back."""

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("taxonomy", "0002_relabel_content_types"),
    ("courses", "0005_search_vector"),
    ("events", "0006_search_vector"),
    ("home", "0007_search_vector"),
]
AFTER = [
    ("taxonomy", "0003_gradeband"),
    ("courses", "0006_grade_band_relation"),
    ("events", "0007_grade_band_relation"),
    ("home", "0009_grade_band_relation"),
]
PAGES = [("courses", "coursepage"), ("events", "eventpage"), ("home", "articlepage")]
# Old values as editors and seeders left them: lists, an upper-case code, an unknown one, nothing.
OLD_VALUES = [["k-2", "3-5"], ["6-8"], ["K-2", "9-12"], []]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _filler(field):
    """A value for a required column this test does not care about."""
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, (models.DecimalField, models.IntegerField, models.FloatField)):
        return 0
    return "x"


def _make_page(apps, app_label, model_name, n, bands):
    Model = apps.get_model(app_label, model_name)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    locale, _ = Locale.objects.get_or_create(language_code="en")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    values = {
        "title": f"{model_name} {n}",
        "draft_title": f"{model_name} {n}",
        "slug": f"{model_name}-{n}",
        "path": f"0009{len(PAGES) * 100 + n:04d}{PAGES.index((app_label, model_name)):04d}",
        "depth": 3,
        "numchild": 0,
        "url_path": f"/{model_name}-{n}/",
        "content_type": content_type,
        "locale": locale,
        "grade_bands": bands,
    }
    for field in Model._meta.concrete_fields:
        required = not (field.null or field.has_default() or field.primary_key or field.is_relation)
        if required and field.attname not in values and field.name not in values:
            values[field.name] = [] if field.get_internal_type() == "JSONField" else _filler(field)
    return Model.objects.create(**values).pk


def test_old_band_lists_become_relations_and_come_back():
    old = _migrate(BEFORE)
    ids = {page: [_make_page(old, *page, n, bands) for n, bands in enumerate(OLD_VALUES)] for page in PAGES}

    new = _migrate(AFTER)
    assert list(new.get_model("taxonomy", "GradeBand").objects.values_list("code", flat=True)) == ["k-2", "3-5", "6-8"]
    for (app_label, model_name), pks in ids.items():
        Model = new.get_model(app_label, model_name)
        stored = [sorted(Model.objects.get(pk=pk).grade_bands.values_list("code", flat=True)) for pk in pks]
        assert stored == [["3-5", "k-2"], ["6-8"], ["k-2"], []], model_name
        assert list(Model.objects.filter(grade_bands="3-5").values_list("pk", flat=True)) == [pks[0]]

    back = _migrate(BEFORE)
    for (app_label, model_name), pks in ids.items():
        Model = back.get_model(app_label, model_name)
        assert [Model.objects.get(pk=pk).grade_bands for pk in pks] == [["k-2", "3-5"], ["6-8"], ["k-2"], []]

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
