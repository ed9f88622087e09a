"""The demo seed: enough believable resources, real PDFs, a mix of access, idempotent."""

import io
import re

import pytest
from pypdf import PdfReader

from resources import demo
from resources.models import ResourceAccess, ResourcePage
from resources.pdf import Handout, HandoutTooLong, render_handout_pdf

pytestmark = pytest.mark.django_db


class _Out:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)


def test_seed_creates_library_once_and_links_courses(library, django_capture_on_commit_callbacks):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=_Out())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=_Out())  # idempotent

    resources = ResourcePage.objects.prefetch_related("files__document", "grades", "lesson_parts", "courses")
    assert resources.count() == 34
    assert {r.access_level for r in resources} == set(ResourceAccess.values)
    assert {p.slug for r in resources for p in r.lesson_parts.all()} == {
        "launch",
        "main-lesson",
        "math-menu",
        "closure",
    }
    assert {g.code for r in resources for g in r.grades.all()} == {"K", "1", "2", "3", "4", "5", "6", "7", "8"}
    assert len({r.kind_id for r in resources}) >= 8
    for resource in resources:
        document = resource.files.all()[0].document
        assert document.collection.name == demo.COLLECTION_NAME
        with document.file.open("rb") as fh:
            text = PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()
        assert resource.title[:30] in text
        if resource.access_level == ResourceAccess.COURSE:
            assert list(resource.courses.all()) == [course]


NUMBERED_PROBLEM = re.compile(r"(?m)^\s*(\d{1,2})\. \S")


def test_every_seeded_handout_is_a_complete_one_or_two_page_pdf_with_problems(
    library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=_Out())

    resources = ResourcePage.objects.prefetch_related("files__document", "concepts", "lesson_parts")
    assert resources.count() == 34
    for resource in resources:
        document = resource.files.get().document
        with document.file.open("rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF-"), resource.title
        reader = PdfReader(io.BytesIO(data))
        assert 1 <= len(reader.pages) <= 2, resource.title
        text = "\n".join(page.extract_text() for page in reader.pages)
        numbers = [int(n) for n in NUMBERED_PROBLEM.findall(text)]
        assert numbers[:6] == [1, 2, 3, 4, 5, 6], f"{resource.title}: {numbers}"
        assert text.rstrip().endswith((".", "?", "!")), f"{resource.title} ends {text.rstrip()[-40:]!r}"
        assert "Teacher notes" in text and ("Answer key" in text or "Look-fors" in text)
        for concept in resource.concepts.all():
            assert concept.title in text.replace("\n", " "), resource.title
        for part in resource.lesson_parts.all():
            assert part.name in text, resource.title


def _handout(**overrides):
    fields = {
        "title": "Number string: adding tens",
        "grades": "2",
        "concept": "Add and subtract within 1,000 (grade 2)",
        "lesson_parts": [("launch", "Launch")],
        "kind": "Launch routine",
        "how_to_use": "Show one problem at a time.",
        "teacher_notes": "Start from a friendly ten.",
        "problems": ["40 + 20", "42 + 20", "42 + 25", "58 + 30", "58 + 34", "70 - 30"],
        "answers": ["60", "62", "67", "88", "92", "40"],
        "look_fors": ["Students add the tens first."],
    }
    return Handout(**(fields | overrides))


def test_handout_wraps_long_text_inside_the_page_and_refuses_a_third_page():
    long_sentence = "Students explain how they split the second number into tens and ones before adding. " * 12
    reader = PdfReader(io.BytesIO(render_handout_pdf(_handout(teacher_notes=long_sentence))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    # Every word of the long notes is on the page: wrapped, not cut at the margin.
    assert long_sentence.strip() in text

    with pytest.raises(HandoutTooLong):
        render_handout_pdf(_handout(teacher_notes=long_sentence * 8))


def test_reseeding_replaces_an_older_seeds_stub_file_with_the_handout(library, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from resources.factories import pdf_bytes
    from resources.models import ResourceFile

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=_Out())
    # What an older seed left: a one-line PDF labelled "Printable PDF".
    stub = ResourceFile.objects.select_related("document").get(page__title="Race to 100")
    stub.document.file.save("race-to-100.pdf", ContentFile(pdf_bytes("Race to 100", ["A game."])))
    stub.label = demo.STUB_LABEL
    stub.save()
    document_pk = stub.document.pk

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=_Out())

    upgraded = ResourceFile.objects.select_related("document").get(page__title="Race to 100")
    assert (upgraded.label, upgraded.document.pk) == (demo.HANDOUT_LABEL, document_pk)
    with upgraded.document.file.open("rb") as fh:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    assert "Teacher notes" in text and "You are on 38 and roll 5." in text
    # The page's revision carries the new label, so publishing again keeps it.
    page = upgraded.page.specific
    page.get_latest_revision().publish()
    assert ResourceFile.objects.get(page=page).label == demo.HANDOUT_LABEL
