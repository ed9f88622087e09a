"""Demo High Leverage Concept hubs: the index and one hub per seeded concept, from demo/concepts.json.

Runs after the resources, courses and workshops are seeded (seed_demo's last module), so each hub can
point at a probe and Math Menu activities tagged with its concept. Safe to run again.
"""

from core.demo_data import load_demo_data
from resources.models import ResourcePage
from taxonomy.models import HighLeverageConcept

from .factories import ConceptIndexPageFactory, ConceptPageFactory
from .models import ConceptIndexPage, ConceptMenuActivity, ConceptPage, HomePage

PROBE_KINDS = ["formative-probe", "high-leverage-assessment"]
MENU_ACTIVITIES_PER_HUB = 3


def seed(*, stdout) -> None:
    home = HomePage.objects.first()
    if home is None:
        return
    data = load_demo_data("home", "concepts")
    index = ConceptIndexPage.objects.first()
    if index is None:
        spec = data["index"]
        index = ConceptIndexPageFactory(parent=home, title=spec["title"], slug=spec["slug"], intro=spec["intro"])
        stdout.write("Created the High Leverage Concepts index")
    concepts = {(c.grade.code, c.title): c for c in HighLeverageConcept.objects.select_related("grade")}
    with_hub = set(ConceptPage.objects.values_list("concept_id", flat=True))
    created = 0
    for spec in data["hubs"]:
        concept = concepts.get((spec["grade"], spec["title"]))
        if concept is None:
            continue
        target = spec.get("leads_to")
        if target and concept.leads_to_id is None and (target["grade"], target["title"]) in concepts:
            # Only fills an empty link: staff's own choice is never overwritten.
            concept.leads_to = concepts[(target["grade"], target["title"])]
            concept.save(update_fields=["leads_to"])
        if concept.pk in with_hub:
            continue
        page = ConceptPageFactory(
            parent=index,
            concept=concept,
            title=concept.title,
            slug=f"grade-{concept.grade.code.lower()}-{_slug(concept.title)}",
            plain_words=spec["plain_words"],
            progression_note=spec["progression"],
            probe=_probe_for(concept),
        )
        for order, resource in enumerate(_menu_activities_for(concept)):
            ConceptMenuActivity.objects.create(page=page, resource=resource, sort_order=order)
        created += 1
    if created:
        stdout.write(f"Created {created} High Leverage Concept hubs")


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:60]


def _probe_for(concept):
    for kind in PROBE_KINDS:
        probe = ResourcePage.objects.live().filter(concepts=concept, kind__slug=kind).order_by("pk").first()
        if probe is not None:
            return probe
    return None


def _menu_activities_for(concept):
    return list(
        ResourcePage.objects.live()
        .filter(concepts=concept, lesson_parts__slug="math-menu")
        .distinct()
        .order_by("pk")[:MENU_ACTIVITIES_PER_HUB]
    )
