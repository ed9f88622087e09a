from django.db import migrations

MODELS = ["grade", "highleverageconcept", "lessonpart", "resourcekind", "topic"]


def _relabel(apps, old_label, new_label):
    """Move each model's ContentType row to the new app label, so its permissions, search index entries,
    references and log entries (which point at the row's id) keep working."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue  # A fresh database: post_migrate creates the new label's row.
        # A row made under the new label by an earlier partial migrate holds nothing yet: the old one wins.
        ContentType.objects.filter(app_label=new_label, model=model).delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _relabel(apps, "resources", "taxonomy")


def backwards(apps, schema_editor):
    _relabel(apps, "taxonomy", "resources")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("taxonomy", "0001_initial"),
        ("resources", "0004_taxonomy_moved"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
