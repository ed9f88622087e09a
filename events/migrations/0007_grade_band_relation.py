"""Grade bands move from a JSON list of codes to a relation with taxonomy.GradeBand, so they filter exactly."""

import json

import modelcluster.fields
from django.db import migrations

BANDS = {"k-2": "Grades K-2", "3-5": "Grades 3-5", "6-8": "Grades 6-8"}


def _codes(raw) -> list[str]:
    """The band codes in an old value: a JSON list, or a list written as text ('["3-5"]', "k-2, 3-5")."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = raw.split(",")
    if isinstance(raw, str):
        raw = [raw]
    codes = [str(value).strip().strip('"').lower() for value in raw or []]
    return [code for code in BANDS if code in codes]


def forwards(apps, schema_editor):
    Page = apps.get_model("events", "eventpage")
    GradeBand = apps.get_model("taxonomy", "GradeBand")
    Through = Page.grade_bands.through
    rows = []
    for page_id, raw in Page.objects.values_list("pk", "grade_bands_list"):
        for code in _codes(raw):
            GradeBand.objects.get_or_create(code=code, defaults={"name": BANDS[code], "sort_order": list(BANDS).index(code)})
            rows.append(Through(**{"eventpage_id": page_id, "gradeband_id": code}))
    Through.objects.bulk_create(rows, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Page = apps.get_model("events", "eventpage")
    Through = Page.grade_bands.through
    by_page: dict[int, list[str]] = {}
    for page_id, code in Through.objects.values_list("eventpage_id", "gradeband_id"):
        by_page.setdefault(page_id, []).append(code)
    for page in Page.objects.all():
        page.grade_bands_list = [code for code in BANDS if code in by_page.get(page.pk, [])]
        page.save(update_fields=["grade_bands_list"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_search_vector"),
        ("taxonomy", "0003_gradeband"),
    ]

    operations = [
        migrations.RenameField(model_name="eventpage", old_name="grade_bands", new_name="grade_bands_list"),
        migrations.AddField(
            model_name="eventpage",
            name="grade_bands",
            field=modelcluster.fields.ParentalManyToManyField(blank=True, related_name="+", to="taxonomy.gradeband"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="eventpage", name="grade_bands_list"),
    ]
