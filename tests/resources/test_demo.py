"""The demo seed: enough believable resources, real PDFs, a mix of access, idempotent."""

import io

import pytest
from pypdf import PdfReader

from resources import demo
from resources.models import ResourceAccess, ResourcePage

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
