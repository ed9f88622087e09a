"""Issue 11: database invariants for licenses and certificates."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

pytestmark = pytest.mark.django_db


def test_a_license_must_end_after_it_starts():
    from members.factories import OrganizationFactory
    from members.models import SeatLicense

    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatLicense.objects.create(organization=organization, seats=5, starts=date(2026, 9, 1), ends=date(2026, 8, 1))


def test_a_deleted_enrollment_cannot_get_a_second_certificate(user, home_page):
    from django.utils import timezone

    from courses.factories import CourseIndexPageFactory, CoursePageFactory
    from courses.models import Certificate, Enrollment
    from courses.services import certificate_issue

    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page))
    enrollment = Enrollment.objects.create(user=user, course=course, source="free", completed_at=timezone.now())
    first = certificate_issue(enrollment_id=enrollment.pk)
    assert first.enrollment_key == enrollment.pk
    key = enrollment.pk
    enrollment.delete()
    first.refresh_from_db()
    assert first.enrollment_id is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            enrollment_key=key,
            code="other",
            learner_name="x",
            course_title="y",
            pd_hours=1,
            completed_on=date(2026, 1, 1),
        )
