"""The learning-record rules: enrollment, progress, resume, completion, reset, certificates."""

import pytest
from django.core import mail
from django.utils import timezone

from courses import services
from courses.factories import LessonPageFactory, ModulePageFactory
from courses.models import Certificate, CheckAnswer, Enrollment, LessonCompletion, ReflectionResponse
from courses.selectors.outline import course_outline
from courses.selectors.progress import dashboard_courses, transcript_courses
from members.access import refresh_entitlements
from members.factories import UserFactory
from members.models import Order

pytestmark = pytest.mark.django_db


# --- enrollment per access level ---
def test_free_course_enrolls_any_account_with_source_free(user, free_course):
    course, _ = free_course
    enrollment = services.enrollment_create(user=user, course=course)
    assert enrollment.source == Enrollment.Source.FREE
    # Repeating is safe: the same enrollment comes back.
    refresh_entitlements(user)
    assert services.enrollment_create(user=user, course=course).pk == enrollment.pk
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_anonymous_cannot_enroll(free_course):
    from django.contrib.auth.models import AnonymousUser

    course, _ = free_course
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.enrollment_create(user=AnonymousUser(), course=course)
    assert refused.value.decision.reason == "login"


def test_members_course_needs_membership_or_seat(user, member, seat_teacher, course_builder):
    course, _ = course_builder(access_level="members")
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.enrollment_create(user=user, course=course)
    assert refused.value.decision.reason == "membership"
    assert services.enrollment_create(user=member, course=course).source == Enrollment.Source.MEMBERSHIP
    assert services.enrollment_create(user=seat_teacher, course=course).source == Enrollment.Source.DISTRICT_SEAT


def test_paid_course_needs_a_purchase_and_members_do_not_get_it_free(member, course_builder):
    course, _ = course_builder(access_level="paid", price_cents=4900)
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.enrollment_create(user=member, course=course)
    assert refused.value.decision.reason == "purchase"


def test_paid_order_enrolls_with_source_purchase_once(user, course_builder):
    from members.services import order_mark_paid, order_mark_refunded

    course, _ = course_builder(access_level="paid", price_cents=4900)
    order = services.course_order_create(user=user, course=course)
    assert order.kind == Order.Kind.COURSE and order.amount_cents == 4900
    # Clicking Buy twice reuses the pending order.
    assert services.course_order_create(user=user, course=course).pk == order.pk
    order_mark_paid(order=order)
    order_mark_paid(order=order)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.source == Enrollment.Source.PURCHASE
    refresh_entitlements(user)
    assert course_outline(course=course, user=user).can_open_lessons
    # A refund keeps the record but the access service stops opening lessons.
    order_mark_refunded(order=order)
    refresh_entitlements(user)
    assert Enrollment.objects.filter(user=user, course=course).exists()
    assert not course_outline(course=course, user=user).can_open_lessons


def test_prerequisite_blocks_enrollment_naming_the_missing_course(user, course_builder):
    first, first_lessons = course_builder(title="Number talks 101", slug="number-talks-101")
    second, _ = course_builder(title="Number strings 201", slug="number-strings-201")
    second.prerequisites.add(first)
    second.save()
    with pytest.raises(services.EnrollmentRefused) as refused:
        services.enrollment_create(user=user, course=second)
    assert "Number talks 101" in str(refused.value)
    services.enrollment_create(user=user, course=first)
    for lesson in first_lessons:
        services.lesson_complete(user=user, lesson=lesson)
    refresh_entitlements(user)
    assert services.enrollment_create(user=user, course=second)


# --- completion rules ---
def test_button_completes_a_text_lesson_and_is_safe_to_repeat(user, free_course):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    first = services.lesson_complete(user=user, lesson=lessons[0])
    again = services.lesson_complete(user=user, lesson=lessons[0])
    assert first.lesson_completed and not again.lesson_completed
    assert LessonCompletion.objects.filter(user=user, lesson=lessons[0]).count() == 1


def test_progress_needs_an_enrollment(user, free_course):
    _, lessons = free_course
    with pytest.raises(services.ProgressError):
        services.lesson_complete(user=user, lesson=lessons[0])


def _option_ids(lesson, block_type="check"):
    block = next(b for b in lesson.body if b.block_type == block_type)
    return block.id, [(c.id, c.value["is_correct"]) for c in block.value["options"].bound_blocks]


def test_activities_complete_a_lesson_only_when_check_right_and_reflection_written(user, free_course, activity_lesson):
    course, _ = free_course
    services.enrollment_create(user=user, course=course)
    check_id, options = _option_ids(activity_lesson)
    wrong = next(o for o, ok in options if not ok)
    right = next(o for o, ok in options if ok)

    result = services.check_answer_submit(user=user, lesson=activity_lesson, block_id=check_id, option_id=wrong)
    assert not result.answer.is_correct and "twenty" in result.feedback
    result = services.check_answer_submit(user=user, lesson=activity_lesson, block_id=check_id, option_id=right)
    assert result.answer.is_correct and result.answer.attempts == 2
    assert not result.progress.lesson_completed  # the reflection is still missing

    reflection_id = next(b.id for b in activity_lesson.body if b.block_type == "reflection")
    with pytest.raises(services.ProgressError):
        services.reflection_save(user=user, lesson=activity_lesson, block_id=reflection_id, text="   ")
    response, progress = services.reflection_save(
        user=user, lesson=activity_lesson, block_id=reflection_id, text="They doubled and halved."
    )
    assert progress.lesson_completed
    assert LessonCompletion.objects.get(user=user, lesson=activity_lesson).method == "activities"
    assert ReflectionResponse.objects.get(pk=response.pk).text == "They doubled and halved."


def test_unknown_option_is_refused_in_plain_words(user, free_course, activity_lesson):
    course, _ = free_course
    services.enrollment_create(user=user, course=course)
    check_id, _ = _option_ids(activity_lesson)
    with pytest.raises(services.ProgressError, match="Choose one of the answers"):
        services.check_answer_submit(user=user, lesson=activity_lesson, block_id=check_id, option_id="nope")
    assert not CheckAnswer.objects.exists()


# --- progress and resume ---
def test_progress_percent_counts_required_lessons_only(user, free_course):
    course, lessons = free_course
    LessonPageFactory(parent=lessons[0].get_parent(), title="Extra reading", is_required=False)
    services.enrollment_create(user=user, course=course)
    services.lesson_complete(user=user, lesson=lessons[0])
    refresh_entitlements(user)
    outline = course_outline(course=course, user=user)
    assert outline.percent == 25
    assert [m.percent for m in outline.modules] == [33, 0]  # module 1: 1 of 3 lessons


def test_resume_goes_to_first_incomplete_lesson_from_the_last_visited(user, course_builder):
    course, lessons = course_builder(modules=2, lessons_per_module=3)
    enrollment = services.enrollment_create(user=user, course=course)
    outline = course_outline(course=course, user=user)
    assert outline.resume_lesson.id == lessons[0].pk  # nothing done: the first lesson

    for lesson in (lessons[0], lessons[1], lessons[3]):
        services.lesson_complete(user=user, lesson=lesson)
    refresh_entitlements(user)
    # Last visited lesson 4 (completed): continue at lesson 5, crossing into module 2.
    assert course_outline(course=course, user=user).resume_lesson.id == lessons[4].pk

    # She went back to lesson 2 (done): next incomplete after it is lesson 3.
    services.lesson_visit(enrollment=Enrollment.objects.get(pk=enrollment.pk), lesson=lessons[1])
    refresh_entitlements(user)
    assert course_outline(course=course, user=user).resume_lesson.id == lessons[2].pk


def test_previous_and_next_cross_modules(user, free_course):
    course, lessons = free_course
    outline = course_outline(course=course, user=user)
    previous, following = outline.neighbours(lessons[1].pk)
    assert previous.id == lessons[0].pk and following.id == lessons[2].pk
    assert outline.lesson(lessons[2].pk).module_id != outline.lesson(lessons[1].pk).module_id


def test_drip_module_is_locked_until_its_day(user, free_course):
    course, lessons = free_course
    module = lessons[2].get_parent().specific
    module.release_after_days = 7
    module.save_revision().publish()
    services.enrollment_create(user=user, course=course)
    refresh_entitlements(user)
    outline = course_outline(course=course, user=user)
    locked = outline.lesson(lessons[2].pk)
    assert locked.locked and locked.opens_on.date() == (timezone.now() + timezone.timedelta(days=7)).date()
    with pytest.raises(services.ProgressError, match="opens on"):
        services.lesson_complete(user=user, lesson=lessons[2])


# --- completion and certificates ---
@pytest.fixture
def finish(django_capture_on_commit_callbacks):
    """Complete lessons and run what is enqueued after commit (the certificate task, the e-mail)."""

    def run(user, lessons):
        with django_capture_on_commit_callbacks(execute=True):
            results = [services.lesson_complete(user=user, lesson=lesson) for lesson in lessons]
        return results[-1]

    return run


def test_completing_the_last_lesson_completes_the_course_and_issues_one_certificate(user, free_course, finish):
    course, lessons = free_course
    user.first_name, user.last_name = "Tess", "Alvarez"
    user.save()
    services.enrollment_create(user=user, course=course)
    result = finish(user, lessons)
    assert result.course_completed
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is not None
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.learner_name == "Tess Alvarez"
    assert certificate.course_title == course.title
    assert certificate.pd_hours == course.pd_hours
    assert certificate.pdf.name.endswith(".pdf")
    assert len(certificate.code) >= 20
    # The learner is e-mailed once, with the PDF attached.
    sent = [m for m in mail.outbox if "certificate" in m.subject.lower()]
    assert len(sent) == 1 and sent[0].to == [user.email]
    assert sent[0].attachments[0][2] == "application/pdf"
    assert certificate.verify_url in sent[0].body


def test_completion_happens_once(user, free_course, finish):
    course, lessons = free_course
    enrollment = services.enrollment_create(user=user, course=course)
    finish(user, lessons)
    stale = Enrollment.objects.get(pk=enrollment.pk)
    stale.completed_at = None  # a second request that read the row before the first committed
    assert services.enrollment_mark_complete(enrollment=stale) is False
    services.certificate_issue(enrollment_id=enrollment.pk)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_adding_a_lesson_after_completion_keeps_completion_and_certificate_snapshot(user, free_course, finish):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    finish(user, lessons)
    old_title, old_hours = course.title, course.pd_hours
    course.title, course.pd_hours = "Launch routines (2027 edition)", 6
    course.save_revision().publish()
    LessonPageFactory(parent=lessons[-1].get_parent(), title="A new lesson")
    refresh_entitlements(user)
    assert course_outline(course=course, user=user).percent == 100
    certificate = Certificate.objects.get(user=user)
    assert (certificate.course_title, certificate.pd_hours) == (old_title, old_hours)
    done = dashboard_courses(user=user)["completed"]
    assert done[0].percent == 100 and done[0].certificate == certificate


def test_pdf_is_generated_once(user, free_course, finish):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    finish(user, lessons)
    certificate = Certificate.objects.get(user=user)
    name = certificate.pdf.name
    first = services.certificate_pdf(certificate=certificate)
    assert first.startswith(b"%PDF")
    again = services.certificate_pdf(certificate=Certificate.objects.get(pk=certificate.pk))
    assert again == first and Certificate.objects.get(pk=certificate.pk).pdf.name == name


def test_certificate_pdf_names_learner_course_hours_and_verify_url(user, free_course, finish):
    import io

    from pypdf import PdfReader

    course, lessons = free_course
    user.first_name, user.last_name = "Sofia", "Nguyen"
    user.save()
    services.enrollment_create(user=user, course=course)
    finish(user, lessons)
    certificate = Certificate.objects.get(user=user)
    text = PdfReader(io.BytesIO(services.certificate_pdf(certificate=certificate))).pages[0].extract_text()
    assert "Sofia Nguyen" in text and course.title in text
    assert "3 professional development hours" in text
    assert f"/certificates/{certificate.code}/" in text


def test_revoke_needs_a_reason_and_drops_it_from_the_transcript(user, free_course, finish):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    finish(user, lessons)
    certificate = Certificate.objects.get(user=user)
    assert transcript_courses(user=user)[0]["verify_url"] == certificate.verify_url
    with pytest.raises(ValueError):
        services.certificate_revoke(certificate=certificate, reason="")
    services.certificate_revoke(certificate=certificate, reason="Issued in error")
    assert not certificate.is_valid
    assert transcript_courses(user=user) == []
    services.certificate_reinstate(certificate=certificate)
    assert certificate.is_valid


# --- reset and staff actions ---
def test_learner_reset_clears_progress_keeps_reflections_and_certificate(user, free_course, activity_lesson, finish):
    course, lessons = free_course
    enrollment = services.enrollment_create(user=user, course=course)
    reflection_id = next(b.id for b in activity_lesson.body if b.block_type == "reflection")
    services.reflection_save(user=user, lesson=activity_lesson, block_id=reflection_id, text="Notes")
    check_id, options = _option_ids(activity_lesson)
    services.check_answer_submit(user=user, lesson=activity_lesson, block_id=check_id, option_id=options[0][0])
    finish(user, lessons)
    services.enrollment_reset(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None and enrollment.last_lesson is None
    assert not LessonCompletion.objects.filter(user=user).exists()
    assert not CheckAnswer.objects.filter(user=user).exists()
    assert ReflectionResponse.objects.filter(user=user).exists()
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    # Finishing again does not issue a second certificate.
    services.reflection_save(user=user, lesson=activity_lesson, block_id=reflection_id, text="Notes again")
    services.check_answer_submit(user=user, lesson=activity_lesson, block_id=check_id, option_id=options[0][0])
    finish(user, lessons)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_staff_grant_completion_issues_certificate(free_course, django_capture_on_commit_callbacks):
    course, _ = free_course
    learner = UserFactory()
    enrollment = services.enrollment_grant(user=learner, course=course)
    assert enrollment.source == Enrollment.Source.STAFF_GRANT
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enrollment_grant_completion(enrollment=enrollment)
    assert Certificate.objects.filter(enrollment=enrollment).exists()
    assert LessonCompletion.objects.filter(user=learner, method="staff").count() == 4


def test_unpublished_module_lessons_do_not_count(user, free_course):
    course, lessons = free_course
    draft = ModulePageFactory(parent=course, title="Coming soon", live=False)
    LessonPageFactory(parent=draft, title="Draft lesson")
    services.enrollment_create(user=user, course=course)
    refresh_entitlements(user)
    assert len(course_outline(course=course, user=user).lessons) == 4
