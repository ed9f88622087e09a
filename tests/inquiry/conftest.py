import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.resources.conftest import library  # noqa: F401


@pytest.fixture(autouse=True)
def _student_work_root(settings, tmp_path):
    """Each test stores student work in its own folder, outside MEDIA_ROOT."""
    storages = dict(settings.STORAGES)
    storages["student_work"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / "student-work"},
    }
    settings.STORAGES = storages
    return tmp_path / "student-work"


def jpeg(name="7.jpg", *, size=(120, 90), color=(230, 230, 230), exif=None) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(db, library):  # noqa: F811
    """A district with a teacher, a second teacher, a coach and a leader; another district with a coach."""
    from inquiry.factories import SuggestedPileFactory
    from members.factories import OrganizationMemberFactory, SeatLicenseFactory
    from members.models import OrganizationMember
    from resources.factories import ResourcePageFactory
    from taxonomy.factories import HighLeverageConceptFactory, LessonPartFactory

    district = SeatLicenseFactory(seats=20).organization
    other = SeatLicenseFactory(seats=20).organization
    Role = OrganizationMember.OrgRole
    people = {
        "teacher": OrganizationMemberFactory(organization=district, has_seat=True).user,
        "colleague": OrganizationMemberFactory(organization=district, has_seat=True).user,
        "coach": OrganizationMemberFactory(organization=district, role=Role.COACH).user,
        "leader": OrganizationMemberFactory(organization=district, role=Role.LEADER).user,
        "other_coach": OrganizationMemberFactory(organization=other, role=Role.COACH).user,
        "other_teacher": OrganizationMemberFactory(organization=other, has_seat=True).user,
    }
    concept = HighLeverageConceptFactory(title="Tens and ones")
    for order, name in enumerate(["Counts by ones", "Groups in tens", "Sees tens and ones"]):
        SuggestedPileFactory(concept=concept, name=name, sort_order=order)
    menu = LessonPartFactory(name="Math Menu", slug="math-menu")
    activities = [
        ResourcePageFactory(parent=library, title=title, concepts=[concept], lesson_parts=[menu])
        for title in ("Race to 100", "Place value stations")
    ]
    return {"district": district, "other": other, "concept": concept, "activities": activities, **people}
