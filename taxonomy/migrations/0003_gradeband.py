from django.db import migrations, models

BANDS = [("k-2", "Grades K-2"), ("3-5", "Grades 3-5"), ("6-8", "Grades 6-8")]


def seed(apps, schema_editor):
    GradeBand = apps.get_model("taxonomy", "GradeBand")
    for order, (code, name) in enumerate(BANDS):
        GradeBand.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def forget_content_type(apps, schema_editor):
    # Unapplied, the model is gone: its content type row (made by post_migrate) would dangle.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="taxonomy", model="gradeband").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0002_relabel_content_types"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, forget_content_type),
        migrations.CreateModel(
            name="GradeBand",
            fields=[
                (
                    "code",
                    models.CharField(
                        choices=[("k-2", "Grades K-2"), ("3-5", "Grades 3-5"), ("6-8", "Grades 6-8")],
                        max_length=3,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("name", models.CharField(max_length=40)),
                ("sort_order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"ordering": ["sort_order"]},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
