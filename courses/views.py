"""Thin views for courses: parse the request, call a service or selector, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from members import payments
from members.access import Reason, StaffAction, can_view_lesson, is_staff_user, staff_can

from . import services
from .models import Certificate, CoursePage, Enrollment, LessonPage
from .selectors import course_outline, lesson_blocks, lesson_course_and_outline


def lesson_view(request, *, lesson: LessonPage, preview: bool = False):
    """A lesson: the body for those with access, otherwise its place in the outline and a way in."""
    outline = lesson_course_and_outline(lesson=lesson, user=request.user, request=request)
    course = outline.course
    item = outline.lesson(lesson.pk)
    allowed = bool(outline.access) or (preview and is_staff_user(request.user))
    enrollment = outline.enrollment
    locked = bool(item and item.locked)
    context = {
        "page": lesson,
        "self": lesson,
        "course": course,
        "outline": outline,
        "item": item,
        "module": outline.module(item.module_id) if item else None,
        "previous_lesson": None,
        "next_lesson": None,
        "allowed": allowed,
        "locked": locked,
        "enrollment": enrollment,
        "is_preview": preview,
        "done": bool(item and item.done),
    }
    context["previous_lesson"], context["next_lesson"] = outline.neighbours(lesson.pk)
    status = 200
    if not allowed:
        status = 403
        context["decision"] = outline.access
        context["decision_title"] = Reason(outline.access.reason).label
        context["login_url"] = reverse("account_login") + f"?next={request.path}"
    elif locked:
        context["opens_on"] = item.opens_on
    else:
        if enrollment is not None and not preview:
            services.lesson_visit(enrollment=enrollment, lesson=lesson)
        context["blocks"] = lesson_blocks(lesson=lesson, user=request.user, enrolled=enrollment is not None)
    return TemplateResponse(request, "courses/lesson_page.html", context, status=status)


def _course_or_404(course_id: int) -> CoursePage:
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise Http404("This course is not available.")
    return course


def _lesson_or_404(lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404("This lesson is not available.")
    return lesson


@require_POST
def enroll(request, course_id: int):
    course = _course_or_404(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        services.enrollment_create(user=request.user, course=course)
    except services.EnrollmentRefused as refused:
        messages.error(request, refused.decision.message)
        return HttpResponseRedirect(course.url)
    outline = course_outline(course=course, user=request.user, request=request)
    target = outline.resume_lesson
    messages.success(request, f"You are enrolled in “{course.title}”. Your progress is saved as you go.")
    return HttpResponseRedirect(target.url if target else course.url)


@require_POST
@login_required
def buy(request, course_id: int):
    """Create the order and send her to Stripe Checkout; a paid order enrolls her (courses.receivers)."""
    course = _course_or_404(course_id)
    if Enrollment.objects.filter(user=request.user, course=course).exists():
        return HttpResponseRedirect(course.url)
    missing = services.missing_prerequisites(user=request.user, course=course)
    if missing:
        names = ", ".join(f"“{c.title}”" for c in missing)
        messages.error(request, f"Complete {names} before you buy this course.")
        return HttpResponseRedirect(course.url)
    order = services.course_order_create(user=request.user, course=course)
    try:
        checkout_url = payments.start_checkout(request=request, order=order)
    except payments.PaymentError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(course.url)
    except Exception:  # Stripe down or misconfigured: say so plainly, keep the order for a retry.
        messages.error(request, "We could not reach the payment service. Please try again in a few minutes.")
        return HttpResponseRedirect(course.url)
    return HttpResponseRedirect(checkout_url)


def _lesson_action_guard(request, lesson: LessonPage):
    """Refuse progress writes from anyone who may not open the lesson, and on lessons not open yet."""
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url)
    decision = can_view_lesson(request.user, lesson, lesson.course)
    if not decision:
        messages.error(request, decision.message)
        return HttpResponseRedirect(lesson.course.url)
    item = lesson_course_and_outline(lesson=lesson, user=request.user, request=request).lesson(lesson.pk)
    if item is not None and item.locked:
        messages.error(request, f"This lesson opens on {item.opens_on:%B %-d}. Come back then to answer.")
        return HttpResponseRedirect(lesson.url)
    return None


@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = _lesson_or_404(lesson_id)
    refused = _lesson_action_guard(request, lesson)
    if refused:
        return refused
    if lesson.completes_automatically:
        messages.info(request, "This lesson completes itself when every check is right and every reflection is saved.")
        return HttpResponseRedirect(lesson.url)
    try:
        result = services.lesson_complete(user=request.user, lesson=lesson)
    except services.ProgressError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(lesson.url)
    return _after_progress(request, lesson, result)


def _after_progress(request, lesson: LessonPage, result, anchor: str = ""):
    course = lesson.course
    if result.course_completed:
        return redirect("courses:completed", course_id=course.pk)
    if result.lesson_completed and not anchor:
        outline = course_outline(course=course, user=request.user, request=request)
        _, following = outline.neighbours(lesson.pk)
        messages.success(request, f"Lesson complete: {lesson.title}.")
        if following is not None:
            return HttpResponseRedirect(following.url)
        return HttpResponseRedirect(course.url)
    if result.lesson_completed:
        messages.success(request, "That completes this lesson.")
    return HttpResponseRedirect(lesson.url + anchor)


@require_POST
def check_answer(request, lesson_id: int, block_id: str):
    lesson = _lesson_or_404(lesson_id)
    refused = _lesson_action_guard(request, lesson)
    if refused:
        return refused
    try:
        result = services.check_answer_submit(
            user=request.user, lesson=lesson, block_id=block_id, option_id=request.POST.get("option", "")
        )
    except services.ProgressError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(f"{lesson.url}#check-{block_id}")
    return _after_progress(request, lesson, result.progress, anchor=f"#check-{block_id}")


@require_POST
def reflection_save(request, lesson_id: int, block_id: str):
    lesson = _lesson_or_404(lesson_id)
    refused = _lesson_action_guard(request, lesson)
    if refused:
        return refused
    try:
        _, progress = services.reflection_save(
            user=request.user, lesson=lesson, block_id=block_id, text=request.POST.get("text", "")
        )
    except services.ProgressError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(f"{lesson.url}#reflection-{block_id}")
    if not progress.lesson_completed:
        messages.success(request, "Your reflection is saved. Only you can see it.")
    return _after_progress(request, lesson, progress, anchor=f"#reflection-{block_id}")


@login_required
def course_completed(request, course_id: int):
    """The moment she finishes: hours earned and the certificate."""
    course = _course_or_404(course_id)
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None or enrollment.completed_at is None:
        return HttpResponseRedirect(course.url)
    certificate = Certificate.objects.filter(enrollment=enrollment).first()
    return TemplateResponse(
        request,
        "courses/course_completed.html",
        {"course": course, "enrollment": enrollment, "certificate": certificate},
    )


@login_required
def reset_progress(request, course_id: int):
    """The learner starts over, after a confirmation step."""
    course = _course_or_404(course_id)
    enrollment = get_object_or_404(Enrollment, user=request.user, course=course)
    if request.method == "POST":
        services.enrollment_reset(enrollment=enrollment)
        messages.success(request, f"Your progress in “{course.title}” is reset. Your reflections are kept.")
        return HttpResponseRedirect(course.url)
    has_certificate = Certificate.objects.filter(enrollment=enrollment).exists()
    return TemplateResponse(
        request,
        "courses/reset_confirm.html",
        {"course": course, "enrollment": enrollment, "has_certificate": has_certificate},
    )


def certificate_verify(request, code: str):
    """Public: anyone with the link or QR code can check a certificate."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return TemplateResponse(request, "courses/certificate_verify.html", {"code": code}, status=404)
    is_owner = request.user.is_authenticated and request.user.pk == certificate.user_id
    can_download = is_owner or staff_can(request.user, StaffAction.ANY_CERTIFICATE)
    return TemplateResponse(
        request,
        "courses/certificate_verify.html",
        {"certificate": certificate, "is_owner": is_owner, "can_download": can_download},
    )


def certificate_pdf(request, code: str):
    certificate = get_object_or_404(Certificate, code=code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    by_staff = staff_can(request.user, StaffAction.ANY_CERTIFICATE)
    if not (by_staff or request.user.pk == certificate.user_id):
        return TemplateResponse(
            request,
            "403.html",
            {"message": "Only the person who earned this certificate can download it. Anyone can verify it."},
            status=403,
        )
    if not certificate.is_valid and not by_staff:
        return TemplateResponse(
            request,
            "403.html",
            {"message": "This certificate was revoked, so it can no longer be downloaded. Contact us with questions."},
            status=403,
        )
    services.certificate_pdf(certificate=certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.course_title[:40]}.pdf".replace("/", "-"),
        content_type="application/pdf",
    )
