"""Writes for courses: enroll, track progress, complete, reset, and issue certificates."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import outbox
from members import email_preferences
from members.access import AccessLevel, Decision, Reason, can_enroll, entitlements_for, refresh_entitlements
from members.models import Order
from members.services import order_create, order_mark_expired

from . import rules
from .models import (
    Certificate,
    CertificateReissue,
    CheckAnswer,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
    ReflectionResponse,
)

logger = logging.getLogger(__name__)


class EnrollmentRefused(Exception):
    """Enrolling was refused; `decision` says why in plain words and where to go."""

    def __init__(self, decision: Decision, missing_prerequisites: list | None = None):
        super().__init__(decision.message)
        self.decision = decision
        self.missing_prerequisites = missing_prerequisites or []


class ProgressError(Exception):
    """A progress write that cannot happen (not enrolled, module not open yet); the message is for the learner."""


# --- enrollment ---
def missing_prerequisites(*, user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses this user has not completed (staff are never held back)."""
    required = list(course.prerequisites.live().order_by("title"))
    if not required:
        return []
    done = Enrollment.objects.filter(user=user, course__in=required, completed_at__isnull=False).values_list(
        "course_id", flat=True
    )
    missing = rules.missing_prerequisite_ids(user, [c.pk for c in required], completed_ids=done)
    return [c for c in required if c.pk in missing]


def enrollment_source_for(*, user, course: CoursePage) -> str:
    """Which entitlement lets this user in: recorded on the enrollment for reports."""
    ent = entitlements_for(user)
    if ent.is_staff:
        return Enrollment.Source.STAFF_GRANT
    if course.pk in ent.purchased_page_ids:
        return Enrollment.Source.PURCHASE
    if course.access_level == AccessLevel.FREE:
        return Enrollment.Source.FREE
    if ent.active_membership:
        return Enrollment.Source.MEMBERSHIP
    if ent.seat_membership:
        return Enrollment.Source.DISTRICT_SEAT
    return Enrollment.Source.STAFF_GRANT


def _enrollment_get_or_create(*, user, course: CoursePage, source: str) -> tuple[Enrollment, bool]:
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                user=user, course=course, defaults={"source": source}
            )
    except IntegrityError:
        # A concurrent request enrolled her first; the unique constraint keeps one row.
        enrollment, created = Enrollment.objects.get(user=user, course=course), False
    if created:
        refresh_entitlements(user)
    return enrollment, created


def enrollment_create(*, user, course: CoursePage) -> Enrollment:
    """Enroll after the access check and the prerequisite rule. Safe to repeat."""
    existing = entitlements_for(user).enrollments.get(course.pk)
    if existing is not None:
        return existing
    decision = can_enroll(user, course)
    if not decision:
        raise EnrollmentRefused(decision)
    missing = missing_prerequisites(user=user, course=course)
    if missing:
        names = ", ".join(f"“{c.title}”" for c in missing)
        raise EnrollmentRefused(
            Decision(False, Reason.FORBIDDEN, f"Complete {names} before you enroll in this course."), missing
        )
    with transaction.atomic():
        enrollment, _ = _enrollment_get_or_create(
            user=user, course=course, source=enrollment_source_for(user=user, course=course)
        )
    return enrollment


def enrollment_grant(*, user, course: CoursePage) -> Enrollment:
    """Staff enroll a learner without the access or prerequisite checks."""
    with transaction.atomic():
        enrollment, _ = _enrollment_get_or_create(user=user, course=course, source=Enrollment.Source.STAFF_GRANT)
    return enrollment


def course_order_create(*, user, course: CoursePage):
    """A pending order for a course sold separately (reused if she clicks Buy again)."""

    def open_order():
        return Order.objects.filter(user=user, kind=Order.Kind.COURSE, page=course, status=Order.Status.PENDING).first()

    existing = open_order()
    if existing is not None and existing.amount_cents == course.price_cents:
        return existing
    if existing is not None:
        # The price changed since her first click: that checkout is closed before a new one opens.
        order_mark_expired(order=existing)
    try:
        with transaction.atomic():
            return order_create(
                user=user,
                kind=Order.Kind.COURSE,
                page=course,
                description=f"Course: {course.title}",
                amount_cents=course.price_cents,
                quantity=1,
                metadata={"course_id": course.pk},
            )
    except IntegrityError:
        # A parallel "Buy" opened the order a moment ago; the database keeps one open order. Reuse it.
        return open_order()


def course_order_fulfil(*, order) -> Enrollment | None:
    """A paid course order becomes an enrollment (source purchase). Runs inside the order's transaction."""
    course = CoursePage.objects.filter(pk=order.page_id).first()
    if course is None or order.user_id is None:
        logger.warning("Paid course order %s has no course or buyer", order.pk)
        return None
    enrollment, created = _enrollment_get_or_create(user=order.user, course=course, source=Enrollment.Source.PURCHASE)
    if not created and enrollment.source != Enrollment.Source.PURCHASE:
        Enrollment.objects.filter(pk=enrollment.pk).update(source=Enrollment.Source.PURCHASE)
    return enrollment


# --- progress ---
@dataclass
class ProgressResult:
    lesson_completed: bool = False
    course_completed: bool = False


def _locked_enrollment(*, user, course: CoursePage) -> Enrollment:
    # The row lock serialises a learner's progress writes, so two last lessons finishing at once both count.
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None:
        raise ProgressError("Enroll in this course to keep track of your progress.")
    return enrollment


def _check_module_open(*, user, lesson: LessonPage, enrollment: Enrollment) -> None:
    module = lesson.get_parent().specific
    opens = module.opens_on(enrollment.enrolled_at)
    if not rules.module_is_open(user, opens_on=opens):
        raise ProgressError(f"This module opens on {timezone.localtime(opens):%B %-d}.")


def required_lesson_ids(*, course: CoursePage) -> set[int]:
    return set(LessonPage.objects.descendant_of(course).live().filter(is_required=True).values_list("pk", flat=True))


def _complete_course_if_done(*, enrollment: Enrollment, course: CoursePage) -> bool:
    required = required_lesson_ids(course=course)
    if not required:
        return False
    done = LessonCompletion.objects.filter(user_id=enrollment.user_id, lesson_id__in=required).count()
    if done < len(required):
        return False
    return enrollment_mark_complete(enrollment=enrollment)


def enrollment_mark_complete(*, enrollment: Enrollment) -> bool:
    """Complete once: the conditional update lets exactly one caller win. The certificate is owed in the same
    transaction; an already complete enrollment that still has no certificate is owed one again."""
    now = timezone.now()
    with transaction.atomic():
        won = Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(completed_at=now) == 1
        if won:
            enrollment.completed_at = now
        if won or not Certificate.objects.filter(enrollment_id=enrollment.pk).exists():
            certificate_owe(enrollment_id=enrollment.pk)
    return won


def certificate_owe(*, enrollment_id: int) -> None:
    """Write the owed certificate into the outbox (once while pending); issue_certificate is idempotent."""
    outbox.enqueue("courses.tasks.issue_certificate", enrollment_id, key=f"certificate:{enrollment_id}")


def certificates_repair() -> int:
    """Completed enrollments without a certificate (lost before the outbox, or a failed task): owe it again."""
    missing = Enrollment.objects.filter(completed_at__isnull=False, certificate__isnull=True).values_list(
        "pk", flat=True
    )
    owed = 0
    for pk in missing:
        if not outbox.pending(f"certificate:{pk}"):
            with transaction.atomic():
                certificate_owe(enrollment_id=pk)
            owed += 1
    return owed


def _record_completion(*, enrollment, lesson: LessonPage, course: CoursePage, method: str) -> bool:
    _, created = LessonCompletion.objects.get_or_create(
        user_id=enrollment.user_id, lesson=lesson, defaults={"course": course, "method": method}
    )
    return created


def lesson_complete(*, user, lesson: LessonPage, method: str = LessonCompletion.Method.BUTTON) -> ProgressResult:
    """Mark a lesson complete and complete the course if it was the last one. Safe to repeat."""
    course = lesson.course
    with transaction.atomic():
        enrollment = _locked_enrollment(user=user, course=course)
        _check_module_open(user=user, lesson=lesson, enrollment=enrollment)
        created = _record_completion(enrollment=enrollment, lesson=lesson, course=course, method=method)
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=timezone.now())
        course_completed = _complete_course_if_done(enrollment=enrollment, course=course)
    return ProgressResult(lesson_completed=created, course_completed=course_completed)


def _activities_done(*, user, lesson: LessonPage) -> bool:
    checks, reflections = lesson.activity_block_ids()
    if checks:
        right = set(
            CheckAnswer.objects.filter(user=user, lesson=lesson, block_id__in=checks, is_correct=True).values_list(
                "block_id", flat=True
            )
        )
        if right != set(checks):
            return False
    if reflections:
        written = set(
            ReflectionResponse.objects.filter(user=user, lesson=lesson, block_id__in=reflections).values_list(
                "block_id", flat=True
            )
        )
        if written != set(reflections):
            return False
    return True


def _after_activity(*, user, lesson: LessonPage) -> ProgressResult:
    if lesson.completes_automatically and _activities_done(user=user, lesson=lesson):
        return lesson_complete(user=user, lesson=lesson, method=LessonCompletion.Method.ACTIVITIES)
    return ProgressResult()


def _check_block(lesson: LessonPage, block_id: str):
    for block in lesson.body:
        if block.block_type == "check" and block.id == block_id:
            return block
    return None


@dataclass
class CheckResult:
    answer: CheckAnswer
    feedback: str
    progress: ProgressResult


def check_answer_submit(*, user, lesson: LessonPage, block_id: str, option_id: str) -> CheckResult:
    """Grade one answer on the server and keep the latest try."""
    block = _check_block(lesson, block_id)
    if block is None:
        raise ProgressError("This question is no longer part of the lesson. Reload the page and try again.")
    options = {child.id: child.value for child in block.value["options"].bound_blocks}
    option = options.get(option_id)
    if option is None:
        raise ProgressError("Choose one of the answers, then press Check my answer.")
    with transaction.atomic():
        enrollment = _locked_enrollment(user=user, course=lesson.course)
        # A drip-locked module takes no answers or reflections before it opens.
        _check_module_open(user=user, lesson=lesson, enrollment=enrollment)
        answer = CheckAnswer.objects.filter(user=user, lesson=lesson, block_id=block_id).first()
        if answer is None:
            answer = CheckAnswer(user=user, lesson=lesson, block_id=block_id, attempts=0)
        answer.option_id = option_id
        answer.is_correct = bool(option["is_correct"])
        answer.attempts += 1
        answer.answered_at = timezone.now()
        answer.save()
        progress = _after_activity(user=user, lesson=lesson)
    return CheckResult(answer=answer, feedback=option["feedback"], progress=progress)


def reflection_save(*, user, lesson: LessonPage, block_id: str, text: str) -> tuple[ReflectionResponse, ProgressResult]:
    text = (text or "").strip()
    if not text:
        raise ProgressError("Write a few words before saving your reflection.")
    if not any(b.block_type == "reflection" and b.id == block_id for b in lesson.body):
        raise ProgressError("This prompt is no longer part of the lesson. Copy your text, then reload the page.")
    with transaction.atomic():
        enrollment = _locked_enrollment(user=user, course=lesson.course)
        # A drip-locked module takes no answers or reflections before it opens.
        _check_module_open(user=user, lesson=lesson, enrollment=enrollment)
        response, created = ReflectionResponse.objects.get_or_create(
            user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
        )
        if not created and response.text != text:
            response.text = text
            response.save(update_fields=["text", "updated_at"])
        progress = _after_activity(user=user, lesson=lesson)
    return response, progress


def lesson_visit(*, enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember where she is, for Continue. Skips the write when nothing changed recently."""
    now = timezone.now()
    recent = enrollment.last_activity_at and now - enrollment.last_activity_at < timezone.timedelta(minutes=5)
    if enrollment.last_lesson_id == lesson.pk and recent:
        return
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson_id = lesson.pk
    enrollment.last_activity_at = now


def enrollment_reset(*, enrollment: Enrollment) -> None:
    """Start the course over. Reflections stay (they are her writing); an issued certificate stays valid."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        LessonCompletion.objects.filter(user_id=enrollment.user_id, course_id=enrollment.course_id).delete()
        CheckAnswer.objects.filter(
            user_id=enrollment.user_id, lesson__in=LessonPage.objects.descendant_of(enrollment.course)
        ).delete()
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=None, completed_at=None)


def enrollment_grant_completion(*, enrollment: Enrollment) -> bool:
    """Staff mark every required lesson complete for one learner; the certificate follows."""
    course = enrollment.course
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        for lesson in LessonPage.objects.descendant_of(course).live().filter(is_required=True):
            _record_completion(
                enrollment=enrollment, lesson=lesson, course=course, method=LessonCompletion.Method.STAFF
            )
        return enrollment_mark_complete(enrollment=enrollment)


# --- certificates ---
def _learner_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.email


def certificate_issue(*, enrollment_id: int) -> Certificate | None:
    """Issue the certificate for a completed enrollment once, store its PDF and e-mail the learner."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()
        if enrollment is None or enrollment.completed_at is None:
            return None
        certificate = Certificate.objects.filter(Q(enrollment=enrollment) | Q(enrollment_key=enrollment.pk)).first()
        if certificate is not None:
            return certificate
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment,
                    enrollment_key=enrollment.pk,
                    user=enrollment.user,
                    course=enrollment.course,
                    code=secrets.token_urlsafe(16),
                    learner_name=_learner_name(enrollment.user),
                    course_title=enrollment.course.title,
                    pd_hours=enrollment.course.pd_hours,
                    completed_on=timezone.localdate(enrollment.completed_at),
                )
        except IntegrityError:
            # Another worker issued it a moment ago: the unique enrollment keeps it to one.
            return Certificate.objects.get(enrollment=enrollment)
        pdf_bytes = certificate_pdf(certificate=certificate)
        _send_certificate_email(certificate=certificate, pdf_bytes=pdf_bytes)
    return certificate


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The stored PDF, generated on first use only."""
    if certificate.pdf:
        with certificate.pdf.open("rb") as handle:
            return handle.read()
    from .pdf import render_certificate_pdf

    data = render_certificate_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return data


def _send_certificate_email(*, certificate: Certificate, pdf_bytes: bytes, key: str = "") -> None:
    user = certificate.user
    if user is None or not user.email:
        return
    email_preferences.send_email(
        to=user.email,
        kind=email_preferences.TRANSACTIONAL,
        template_prefix="courses/email/certificate_ready",
        key=key or f"certificate:{certificate.pk}",
        context={"certificate": certificate, "learner": user, "verify_url": certificate.verify_url},
        attachments=[(f"certificate-{certificate.code[:8]}.pdf", pdf_bytes, "application/pdf")],
    )


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why the certificate is revoked; the public page shows that it was revoked.")
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        certificate.refresh_from_db()
    return certificate


def certificate_reissue(*, certificate: Certificate, learner_name: str, reason: str, actor) -> CertificateReissue:
    """Correct the name on an issued certificate: the same code (printed and shared links stay valid), a new
    PDF, and a record of who changed it, when and why."""
    from .pdf import render_certificate_pdf

    learner_name, reason = " ".join((learner_name or "").split()), (reason or "").strip()
    if not learner_name:
        raise ValueError("Type the name as it should appear on the certificate.")
    if not reason:
        raise ValueError("Say why the certificate is reissued; the reason is kept with the change.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if learner_name == locked.learner_name:
            raise ValueError("The certificate already shows that name.")
        reissue = CertificateReissue.objects.create(
            certificate=locked,
            previous_name=locked.learner_name,
            learner_name=learner_name,
            reason=reason,
            reissued_by=actor if actor is not None and actor.is_authenticated else None,
        )
        old_file = locked.pdf.name
        locked.learner_name = learner_name
        pdf_bytes = render_certificate_pdf(locked)
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(pdf_bytes), save=False)
        locked.save(update_fields=["learner_name", "pdf"])
        # She gets the corrected PDF, as she got the first one.
        _send_certificate_email(certificate=locked, pdf_bytes=pdf_bytes, key=f"certificate-reissue:{reissue.pk}")
        if old_file and old_file != locked.pdf.name:
            storage = locked.pdf.storage
            # The old PDF goes once the new one is committed; a rollback keeps the old one in place.
            transaction.on_commit(lambda: storage.delete(old_file))
    certificate.refresh_from_db()
    return reissue


def certificate_reinstate(*, certificate: Certificate) -> Certificate:
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None, revoked_reason="")
        certificate.refresh_from_db()
    return certificate
