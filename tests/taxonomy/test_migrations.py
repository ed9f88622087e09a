"""The taxonomy moved from `resources` to `taxonomy` without touching its rows (state-only migrations)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The last migrations before the move, in every app whose state pointed at resources.Grade & co.
BEFORE_MOVE = [
    ("taxonomy", None),
    ("resources", "0003_resourcepage_courses"),
    ("courses", "0003_certificate_enrollment_key"),
    ("home", "0004_verbose_names"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_taxonomy_rows_and_content_types_survive_the_move():
    old = _migrate(BEFORE_MOVE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    # Migrating back relabelled the content type: the old code's admin and permissions saw resources.grade.
    grade_ct = ContentType.objects.get(app_label="resources", model="grade")
    assert not ContentType.objects.filter(app_label="taxonomy").exists()
    Permission.objects.get_or_create(content_type=grade_ct, codename="change_grade", defaults={"name": "Can change"})

    Grade = old.get_model("resources", "Grade")
    Concept = old.get_model("resources", "HighLeverageConcept")
    Topic = old.get_model("resources", "Topic")
    grade = Grade.objects.create(code="4", name="Grade 4", band="3-5", sort_order=4)
    concept = Concept.objects.create(grade=grade, title="Multi-digit multiplication")
    topic = Topic.objects.create(name="Fractions", slug="fractions")
    Article = old.get_model("home", "ArticlePage")
    assert Article._meta.get_field("topics").related_model._meta.label == "resources.Topic"

    new = _migrate(_leaves())

    assert new.get_model("taxonomy", "Grade").objects.get(pk=grade.pk).code == "4"
    assert new.get_model("taxonomy", "HighLeverageConcept").objects.get(pk=concept.pk).grade_id == grade.pk
    assert new.get_model("taxonomy", "Topic").objects.get(pk=topic.pk).slug == "fractions"
    # The same content type row, relabelled: permissions and anything else pointing at its id follow.
    ContentType = new.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.get(pk=grade_ct.pk)
    assert moved.app_label == "taxonomy"
    assert not ContentType.objects.filter(app_label="resources", model="grade").exists()
    assert new.get_model("auth", "Permission").objects.filter(content_type=moved, codename="change_grade").exists()


def test_the_real_models_read_the_old_tables():
    from taxonomy.models import Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic

    tables = {model: model._meta.db_table for model in (Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic)}
    assert tables == {
        Grade: "resources_grade",
        HighLeverageConcept: "resources_highleverageconcept",
        LessonPart: "resources_lessonpart",
        ResourceKind: "resources_resourcekind",
        Topic: "resources_topic",
    }
    assert set(tables.values()) <= set(connection.introspection.table_names())
