"""Demo taxonomy (used by every app) and the resource library: 34 resources with small PDFs.

The resources and the empty demo searches are in demo/resources.json.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.demo_data import load_demo_data

from .models import Grade, GradeBand, HighLeverageConcept, LessonPart, ResourceKind, Topic

GRADES = [("K", "Kindergarten")] + [(str(n), f"Grade {n}") for n in range(1, 9)]

# Grade code -> High Leverage Concepts (title, summary), in our own words.
HLCS = {
    "K": [
        (
            "Count and compare to 20",
            "Count objects to 20 with one-to-one correspondence and tell which group has more.",
        ),
        ("Compose and decompose numbers to 10", "See 7 as 5 and 2 or 4 and 3; find the partner that makes 10."),
    ],
    "1": [
        (
            "Add and subtract within 120",
            "Use place value and properties to add and subtract within 120, explaining the strategy.",
        ),
        ("Tens and ones", "Understand two-digit numbers as groups of ten and some ones."),
    ],
    "2": [
        (
            "Add and subtract within 1,000",
            "Use place value strategies and models to add and subtract three-digit numbers.",
        ),
        ("Measure and estimate lengths", "Choose units, measure and compare lengths."),
    ],
    "3": [
        (
            "Multiply and divide within 100",
            "Understand multiplication as equal groups and arrays, and division as the unknown factor.",
        ),
        ("Fractions as numbers", "Place unit fractions and fractions on the number line."),
    ],
    "4": [
        (
            "Multi-digit multiplication",
            "Multiply up to four digits by one digit and two digits by two digits using area models.",
        ),
        ("Equivalent fractions", "Generate and compare equivalent fractions with visual models."),
    ],
    "5": [
        (
            "Add and subtract fractions",
            "Add and subtract fractions with unlike denominators using equivalent fractions.",
        ),
        ("Decimal place value", "Read, write, compare and round decimals to thousandths."),
    ],
    "6": [
        ("Ratios and rates", "Reason with ratio tables, tape diagrams and double number lines."),
        ("Divide fractions", "Interpret and compute quotients of fractions."),
    ],
    "7": [
        (
            "Proportional relationships",
            "Recognise and represent proportional relationships in tables, graphs and equations.",
        ),
        ("Operations with rational numbers", "Add, subtract, multiply and divide positive and negative numbers."),
    ],
    "8": [
        ("Linear functions", "Interpret slope and intercept and compare functions in different forms."),
        ("Solve linear equations", "Solve equations with variables on both sides and explain each step."),
    ],
}

LESSON_PARTS = [
    ("Launch", "launch", "A 5-10 minute opener: number talk, number string or image routine."),
    ("Main Lesson", "main-lesson", "Problem solving in mixed groups with rich student discourse."),
    ("Math Menu", "math-menu", "Differentiated practice and small-group intervention."),
    ("Closure", "closure", "Sharing, reflection and formative assessment."),
]
KINDS = [
    "Launch routine",
    "Math game",
    "Menu activity",
    "Formative probe",
    "High Leverage Assessment",
    "Protocol",
    "Video",
    "Article",
    "Printable article",
    "Workshop recording",
]
TOPICS = [
    "Place value",
    "Fractions",
    "Addition and subtraction",
    "Multiplication and division",
    "Ratios",
    "Number sense",
    "Launch routines",
    "High Leverage Concepts",
    "MTSS",
    "Leadership",
    "Professional community",
    "Formative assessment",
]


def _slug(text: str) -> str:
    return text.lower().replace(" and ", "-").replace(" ", "-")


def seed_taxonomy() -> None:
    grades = {}
    for order, (code, name) in enumerate(GRADES):
        band = GradeBand.K2 if order <= 2 else GradeBand.G35 if order <= 5 else GradeBand.G68
        grades[code], _ = Grade.objects.get_or_create(
            code=code, defaults={"name": name, "band": band, "sort_order": order}
        )
    previous = {}
    for code, concepts in HLCS.items():
        for order, (title, summary) in enumerate(concepts):
            hlc, _ = HighLeverageConcept.objects.get_or_create(
                grade=grades[code], title=title, defaults={"summary": summary, "sort_order": order}
            )
            previous.setdefault(code, []).append(hlc)
    # The grade 1 concept leads into grade 2's, as the network's own example describes.
    first, second = previous["1"][0], previous["2"][0]
    if first.leads_to_id != second.pk:
        first.leads_to = second
        first.save(update_fields=["leads_to"])
    for order, (name, slug, description) in enumerate(LESSON_PARTS):
        LessonPart.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    for order, name in enumerate(KINDS):
        ResourceKind.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})
    for order, name in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})


COLLECTION_NAME = "Resource library"


def _collection():
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def seed(*, stdout) -> None:
    """The library's resources, with one generated PDF each, and a little usage history."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils.text import slugify
    from wagtail.documents import get_document_model

    from .factories import ResourceFileFactory, ResourcePageFactory, pdf_bytes
    from .models import DownloadLog, ResourceIndexPage, ResourcePage, SavedResource, SearchTerm

    library = ResourceIndexPage.objects.first()
    if library is None:
        stdout.write("No resource library page; skipping resources")
        return
    seed_taxonomy()
    kinds = {k.name: k for k in ResourceKind.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    concepts = {}
    for hlc in HighLeverageConcept.objects.select_related("grade"):
        concepts.setdefault(hlc.grade.code, []).append(hlc)
    parts = {p.slug: p for p in LessonPart.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    collection = _collection()
    Document = get_document_model()
    existing = set(ResourcePage.objects.values_list("slug", flat=True))
    created = []
    now = timezone.now()
    data = load_demo_data("resources", "resources")
    resources = data["resources"]
    for n, spec in enumerate(resources):
        title, summary, how = spec["title"], spec["summary"], spec["how_to_use"]
        concept = spec["concept"]
        slug = slugify(title)[:80]
        if slug in existing:
            continue
        page = ResourcePageFactory(
            parent=library,
            title=title,
            slug=slug,
            summary=summary,
            body=[("paragraph", f"<p>{how}</p>")],
            kind=kinds.get(spec["kind"]),
            access_level=spec["access"],
            grades=[grades[c] for c in spec["grades"]],
            concepts=[concepts[concept["grade"]][concept["index"]]] if concept else [],
            lesson_parts=[parts[s] for s in spec["lesson_parts"]],
            topics=[topics[s] for s in spec["topics"] if s in topics],
            first_published_at=now - timedelta(days=3 * (len(resources) - n)),
        )
        content = pdf_bytes(title, [summary[i : i + 90] for i in range(0, len(summary), 90)] + ["", how[:90]])
        document = Document(title=title, collection=collection, file=ContentFile(content, name=f"{slug}.pdf"))
        document.file_size = len(content)
        document.save()
        ResourceFileFactory(page=page, document=document, label="Printable PDF")
        created.append(page)
    if created:
        stdout.write(f"Created {len(created)} resources")

    User = get_user_model()
    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    teacher, member = users.get("teacher@example.org"), users.get("member@example.org")
    seat = users.get("seat.teacher@example.org")
    if created and teacher and member and seat:
        pages = list(ResourcePage.objects.filter(pk__in=[p.pk for p in created]).prefetch_related("files"))
        for i, page in enumerate(pages):
            doc_id = page.files.all()[0].document_id
            readers = [member, seat] if page.access_level != "free" else [teacher, member, seat]
            for reader in readers[: 1 + i % len(readers)]:
                DownloadLog.objects.create(user=reader, document_id=doc_id, resource=page)
        for page in pages[:4]:
            SavedResource.objects.get_or_create(user=member, resource=page)
        for page in [r for r in pages if r.access_level == "free"][:2]:
            SavedResource.objects.get_or_create(user=teacher, resource=page)
        for query in data["empty_searches"]:
            SearchTerm.objects.create(query=query, results_count=0, role="teacher")
    # Courses are seeded after resources; link course-level resources once everything is committed.
    transaction.on_commit(_link_course_resources)


def _link_course_resources() -> None:
    from django.apps import apps

    from .models import ResourcePage

    try:
        CoursePage = apps.get_model("courses", "CoursePage")
    except LookupError:
        return
    courses = list(CoursePage.objects.live().order_by("path")[:2])
    if not courses:
        return
    for page in ResourcePage.objects.filter(access_level="course", courses__isnull=True):
        page.courses.set(courses)
        page.save()


def reset(*, stdout) -> None:
    """Remove the library's demo files and history (home's reset removes the pages)."""
    from wagtail.documents import get_document_model

    from .models import DownloadLog, ResourcePage, SavedResource, SearchTerm

    DownloadLog.objects.all().delete()
    SavedResource.objects.all().delete()
    SearchTerm.objects.all().delete()
    for page in ResourcePage.objects.all():
        page.delete()
    get_document_model().objects.filter(collection__name=COLLECTION_NAME).delete()
    stdout.write("Removed the demo resource library")
