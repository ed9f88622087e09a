"""The demo taxonomy every app tags with: grades K-8, two HLCs a grade, lesson parts, kinds, topics.

The terms are data, in demo/taxonomy.json; seeding twice changes nothing.
"""

from core.demo_data import load_demo_data

from .models import Grade, GradeBandCode, HighLeverageConcept, LessonPart, ResourceKind, Topic


def _slug(text: str) -> str:
    return text.lower().replace(" and ", "-").replace(" ", "-")


def _band(order: int) -> str:
    return GradeBandCode.K2 if order <= 2 else GradeBandCode.G35 if order <= 5 else GradeBandCode.G68


def seed_taxonomy() -> None:
    data = load_demo_data("taxonomy", "taxonomy")
    grades = {}
    for order, grade in enumerate(data["grades"]):
        grades[grade["code"]], _ = Grade.objects.get_or_create(
            code=grade["code"], defaults={"name": grade["name"], "band": _band(order), "sort_order": order}
        )
    previous = {}
    for code, concepts in data["concepts"].items():
        for order, concept in enumerate(concepts):
            hlc, _ = HighLeverageConcept.objects.get_or_create(
                grade=grades[code],
                title=concept["title"],
                defaults={"summary": concept["summary"], "sort_order": order},
            )
            previous.setdefault(code, []).append(hlc)
    # The grade 1 concept leads into grade 2's, as the network's own example describes.
    first, second = previous["1"][0], previous["2"][0]
    if first.leads_to_id != second.pk:
        first.leads_to = second
        first.save(update_fields=["leads_to"])
    for order, part in enumerate(data["lesson_parts"]):
        LessonPart.objects.get_or_create(
            slug=part["slug"], defaults={"name": part["name"], "description": part["description"], "sort_order": order}
        )
    for order, name in enumerate(data["kinds"]):
        ResourceKind.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})
    for order, name in enumerate(data["topics"]):
        Topic.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})
