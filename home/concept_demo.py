"""Demo High Leverage Concept hubs: the index and one hub per seeded concept, from demo/concepts.json.

The addition hubs of grades 1 and 2 carry an explainer: the committed number-string video and its
captions (courses/demo/media), seeded as documents of their own so the lesson's access rules stay apart.

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
EXPLAINER_COLLECTION = "Concept explainers"


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
            _fill_explainer(ConceptPage.objects.get(concept=concept), spec)
            continue
        page = ConceptPageFactory(
            parent=index,
            concept=concept,
            title=concept.title,
            slug=f"grade-{concept.grade.code.lower()}-{_slug(concept.title)}",
            plain_words=spec["plain_words"],
            progression_note=spec["progression"],
            probe=_probe_for(concept),
            explainer=_explainer(spec),
        )
        for order, resource in enumerate(_menu_activities_for(concept)):
            ConceptMenuActivity.objects.create(page=page, resource=resource, sort_order=order)
        created += 1
    if created:
        stdout.write(f"Created {created} High Leverage Concept hubs")


def _explainer(spec) -> list:
    """The hub's explainer as a video block value, or nothing when the data file gives none."""
    video = spec.get("explainer")
    if not video:
        return []
    return [
        (
            "video",
            {
                "title": video["title"],
                "file": _media_document(video["file"]),
                "embed": None,
                "captions": _media_document(video["captions"]),
                "transcript": video["transcript"],
            },
        )
    ]


def _fill_explainer(page, spec) -> None:
    """A hub seeded before it had an explainer gets one; a hub staff gave a video keeps theirs."""
    if page.explainer or not spec.get("explainer"):
        return
    page.explainer = _explainer(spec)
    page.save_revision().publish()


def _media_document(name: str):
    """The committed demo file courses/demo/media/<name> as a document in the explainers' collection."""
    from importlib.resources import files

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    Document = get_document_model()
    title = f"Concept explainer: {name}"
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=EXPLAINER_COLLECTION).first() or root.add_child(
        name=EXPLAINER_COLLECTION
    )
    content = files("courses").joinpath("demo", "media", name).read_bytes()
    return Document.objects.create(title=title, collection=collection, file=ContentFile(content, name=name))


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
