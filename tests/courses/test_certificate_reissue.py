"""Staff with the named permission reissue a certificate with a corrected name: same code, new PDF, an audit row."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader
from wagtail import hooks

from courses import services
from courses.models import Certificate, CertificateReissue
from members.access import StaffAction
from members.factories import EditorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(free_course, django_capture_on_commit_callbacks):
    course, lessons = free_course
    learner = UserFactory(first_name="Ana", last_name="Ruis", email="ana@example.org")
    services.enrollment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            services.lesson_complete(user=learner, lesson=lesson)
    certificate = Certificate.objects.get(user=learner)
    services.certificate_pdf(certificate=certificate)  # the learner downloaded it once
    certificate.refresh_from_db()
    return certificate


def _pdf_text(certificate) -> str:
    return PdfReader(io.BytesIO(services.certificate_pdf(certificate=certificate))).pages[0].extract_text()


def test_a_moderator_reissues_with_the_corrected_name(client, certificate, django_capture_on_commit_callbacks):
    moderator = StaffFactory(first_name="Maya", last_name="Chen")
    code, old_pdf = certificate.code, certificate.pdf.name
    assert "Ana Ruis" in _pdf_text(certificate)
    client.force_login(moderator)
    url = reverse("courses_certificate_reissue", args=[certificate.pk])
    form = client.get(url).content.decode()
    assert 'value="Ana Ruis"' in form and "Reason" in form
    refused = client.post(url, {"learner_name": "Ana Ruiz", "reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert not CertificateReissue.objects.exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"learner_name": "Ana Ruiz", "reason": "Her surname was misspelled"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.code == code and certificate.learner_name == "Ana Ruiz"
    assert "Ana Ruiz" in _pdf_text(certificate) and "Ana Ruis" not in _pdf_text(certificate)
    assert certificate.pdf.name != old_pdf
    reissue = CertificateReissue.objects.get(certificate=certificate)
    assert (reissue.previous_name, reissue.learner_name) == ("Ana Ruis", "Ana Ruiz")
    assert reissue.reason == "Her surname was misspelled" and reissue.reissued_by == moderator
    assert reissue.reissued_at is not None

    again = client.get(url).content.decode()
    assert "Maya Chen" in again and "Her surname was misspelled" in again  # the history, where the next one decides
    (sent,) = [m for m in mail.outbox if m.to == ["ana@example.org"] and "Ana Ruiz" in m.body]
    assert sent.attachments and sent.attachments[0][0].endswith(".pdf")

    verify = client.get(reverse("courses:certificate_verify", args=[code])).content.decode()
    assert "Ana Ruiz" in verify and "Ana Ruis" not in verify


def test_the_learners_report_links_the_action_for_those_who_may(client, certificate):
    report = reverse("courses_learners_report", args=[certificate.course_id])
    client.force_login(StaffFactory())
    assert reverse("courses_certificate_reissue", args=[certificate.pk]) in client.get(report).content.decode()


def test_an_editor_without_the_permission_is_refused(client, certificate):
    editor = EditorFactory(permissions=[StaffAction.ENROLLMENT_REPORTS.value, StaffAction.MANAGE_ENROLLMENTS.value])
    client.force_login(editor)
    url = reverse("courses_certificate_reissue", args=[certificate.pk])
    # Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a "no permission" message.
    for response in (client.get(url), client.post(url, {"learner_name": "Someone Else", "reason": "x"})):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    certificate.refresh_from_db()
    assert certificate.learner_name == "Ana Ruis" and not CertificateReissue.objects.exists()
    report = client.get(reverse("courses_learners_report", args=[certificate.course_id])).content.decode()
    assert "Reissue certificate" not in report


def test_the_permission_is_in_the_group_editor_and_moderators_get_it(home_page):
    from home.services import editorial_workflow_setup

    offered = {p.codename for fn in hooks.get_hooks("register_permissions") for p in fn()}
    assert "reissue_certificate" in offered
    editorial_workflow_setup()
    moderators = Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    assert "reissue_certificate" in moderators and "reissue_certificate" not in editors


def test_the_service_refuses_an_empty_name_or_reason_and_the_same_name(certificate, staff):
    for name, reason in (("", "typo"), ("Ana Ruiz", "  "), ("Ana Ruis", "no change")):
        with pytest.raises(ValueError):
            services.certificate_reissue(certificate=certificate, learner_name=name, reason=reason, actor=staff)
    assert not CertificateReissue.objects.exists()
