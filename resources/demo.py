"""The resource library's demo: 34 resources, each with a one-to-two-page classroom handout, on the
taxonomy taxonomy/demo.py seeds.

The resources and the empty demo searches are in demo/resources.json; each resource's handout (teacher
notes, 6-12 problems, answer key and look-fors) is in demo/handouts.json under the resource's title, and
its PDF is drawn at seed time by resources.pdf.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.demo_data import load_demo_data
from taxonomy.demo import seed_taxonomy
from taxonomy.models import Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic

from .pdf import Handout, render_handout_pdf

COLLECTION_NAME = "Resource library"
HANDOUT_LABEL = "Classroom handout (PDF)"
# What an older seed labelled its one-line stub PDFs; a reseed swaps them for handouts.
STUB_LABEL = "Printable PDF"
GRADE_ORDER = ["K", "1", "2", "3", "4", "5", "6", "7", "8"]


def _grades_label(codes: list[str]) -> str:
    """ "2", "1 and 2", "K to 5": the grades as a handout's header reads them."""
    codes = sorted(codes, key=GRADE_ORDER.index)
    if len(codes) == 1:
        return codes[0]
    positions = [GRADE_ORDER.index(c) for c in codes]
    if len(codes) > 2 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{codes[0]} to {codes[-1]}"
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def handout_for(spec: dict, text: dict, *, concept, parts: list, kind) -> Handout:
    """A resource's handout from its entry in resources.json and its text in handouts.json."""
    return Handout(
        title=spec["title"],
        grades=_grades_label(spec["grades"]),
        concept=f"{concept.title} (grade {concept.grade.code})" if concept else "Any concept of these grades",
        lesson_parts=[(part.slug, part.name) for part in parts],
        kind=kind.name if kind else spec["kind"],
        how_to_use=spec["how_to_use"],
        teacher_notes=text["teacher_notes"],
        problems=text["problems"],
        answers=text["answers"],
        look_fors=text["look_fors"],
    )


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

    from .factories import ResourceFileFactory, ResourcePageFactory
    from .models import DownloadLog, ResourceIndexPage, ResourcePage, SavedResource, SearchTerm

    library = ResourceIndexPage.objects.first()
    if library is None:
        stdout.write("No resource library page; skipping resources")
        return
    seed_taxonomy()
    kinds = {k.name: k for k in ResourceKind.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    concepts = {}
    for each in HighLeverageConcept.objects.select_related("grade"):
        concepts.setdefault(each.grade.code, []).append(each)
    parts = {p.slug: p for p in LessonPart.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    collection = _collection()
    Document = get_document_model()
    existing = set(ResourcePage.objects.values_list("slug", flat=True))
    created = []
    now = timezone.now()
    data = load_demo_data("resources", "resources")
    handouts = load_demo_data("resources", "handouts")
    resources = data["resources"]
    upgraded = 0
    for n, spec in enumerate(resources):
        title, summary, how = spec["title"], spec["summary"], spec["how_to_use"]
        concept = spec["concept"]
        slug = slugify(title)[:80]
        hlc = concepts[concept["grade"]][concept["index"]] if concept else None
        lesson_parts = [parts[s] for s in spec["lesson_parts"]]
        handout = handout_for(spec, handouts[title], concept=hlc, parts=lesson_parts, kind=kinds.get(spec["kind"]))
        if slug in existing:
            upgraded += _replace_stub_file(slug, handout)
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
            concepts=[hlc] if hlc else [],
            lesson_parts=lesson_parts,
            topics=[topics[s] for s in spec["topics"] if s in topics],
            first_published_at=now - timedelta(days=3 * (len(resources) - n)),
        )
        content = render_handout_pdf(handout)
        document = Document(title=title, collection=collection, file=ContentFile(content, name=f"{slug}.pdf"))
        document.file_size = len(content)
        document.save()
        ResourceFileFactory(page=page, document=document, label=HANDOUT_LABEL)
        created.append(page)
    if created:
        stdout.write(f"Created {len(created)} resources")
    if upgraded:
        stdout.write(f"Replaced {upgraded} one-line demo files with classroom handouts")

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


def _replace_stub_file(slug: str, handout) -> int:
    """An older seed's stub PDF on this demo resource becomes its handout (same document: its history stays)."""
    from django.core.files.base import ContentFile

    from .models import ResourceFile

    stub = ResourceFile.objects.filter(page__slug=slug, label=STUB_LABEL).select_related("document").first()
    if stub is None:
        return 0
    content = render_handout_pdf(handout)
    document = stub.document
    document.file.save(f"{slug}.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
    document.file_hash = ""
    document.save()
    stub.label = HANDOUT_LABEL
    stub.save(update_fields=["label"])
    # The file list lives in the page's revisions too: publish one, so a later publish keeps the new label.
    stub.page.specific.save_revision().publish()
    return 1


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
