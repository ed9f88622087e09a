"""Staff tools for courses: the progress report per course (with CSV), and per-learner actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from home.csv_export import csv_response

from . import selectors, services
from .models import Certificate, CoursePage, Enrollment

VIEW_PERMISSION = "courses.view_enrollment"
CHANGE_PERMISSION = "courses.change_enrollment"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _days(value) -> str:
    return "" if value is None else f"{value:g}"


SUMMARY_HEADINGS = [
    "Course",
    "Enrolled",
    "Active in last 30 days",
    "Completed",
    "Completion rate (%)",
    "Average progress (%)",
    "Median days to complete",
]
LEARNER_HEADINGS = [
    "Learner",
    "E-mail",
    "Source",
    "Enrolled on",
    "Last active",
    "Progress (%)",
    "Lessons done",
    "Completed on",
    "Certificate",
]


def _summary_row(s) -> list:
    return [
        s.course.title,
        s.enrolled,
        s.active_30_days,
        s.completed,
        s.completion_rate,
        s.average_progress,
        _days(s.median_days_to_complete),
    ]


def _date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def _learner_row(row) -> list:
    e = row.enrollment
    certificate = row.certificate
    status = ""
    if certificate:
        status = "revoked" if certificate.revoked_at else certificate.code
    return [
        e.user.get_full_name(),
        e.user.email,
        e.get_source_display(),
        _date(e.enrolled_at),
        _date(e.last_activity_at),
        row.percent,
        f"{row.done_count} of {row.total}",
        _date(e.completed_at),
        status,
    ]


def courses_report(request):
    """Every course: enrolled, active in 30 days, completion rate, average progress, median time to complete."""
    _require(request, VIEW_PERMISSION)
    stats = selectors.course_report(courses=selectors.reportable_courses())
    if request.GET.get("export") == "csv":
        return csv_response("course-progress.csv", SUMMARY_HEADINGS, (_summary_row(s) for s in stats))
    return TemplateResponse(
        request,
        "courses/admin/courses_report.html",
        {"page_title": "Course progress", "header_icon": "doc-full", "stats": stats, "headings": SUMMARY_HEADINGS},
    )


def course_learners_report(request, course_id: int):
    _require(request, VIEW_PERMISSION)
    course = get_object_or_404(CoursePage, pk=course_id)
    rows = selectors.course_learners(course=course)
    if request.GET.get("export") == "csv":
        return csv_response(f"learners-{course.slug}.csv", LEARNER_HEADINGS, (_learner_row(r) for r in rows))
    stats = selectors.course_report(courses=[course])[0]
    return TemplateResponse(
        request,
        "courses/admin/course_learners.html",
        {
            "page_title": f"Learners: {course.title}",
            "header_icon": "user",
            "course": course,
            "stats": stats,
            "rows": rows,
            "can_change": request.user.has_perm(CHANGE_PERMISSION),
        },
    )


@require_POST
def learner_action(request, enrollment_id: int, action: str):
    """Reset one learner's progress, or grant her completion (which issues the certificate)."""
    _require(request, CHANGE_PERMISSION)
    enrollment = get_object_or_404(Enrollment.objects.select_related("user", "course"), pk=enrollment_id)
    who = enrollment.user.get_full_name() or enrollment.user.email
    if action == "reset":
        services.enrollment_reset(enrollment=enrollment)
        messages.success(request, f"Progress reset for {who}.")
    elif action == "grant":
        if services.enrollment_grant_completion(enrollment=enrollment):
            messages.success(request, f"Completion granted to {who}; the certificate is being issued.")
        else:
            messages.info(request, f"{who} had already completed this course.")
    else:
        raise PermissionDenied
    return redirect("courses_learners_report", course_id=enrollment.course_id)


@require_POST
def certificate_action(request, certificate_id: int, action: str):
    _require(request, CHANGE_PERMISSION)
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    if action == "revoke":
        try:
            services.certificate_revoke(certificate=certificate, reason=request.POST.get("reason", ""))
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Certificate {certificate.code} revoked. Its public page now says so.")
    elif action == "reinstate":
        services.certificate_reinstate(certificate=certificate)
        messages.success(request, f"Certificate {certificate.code} is valid again.")
    else:
        raise PermissionDenied
    if certificate.course_id:
        return redirect("courses_learners_report", course_id=certificate.course_id)
    return redirect("courses_report")


@hooks.register("register_admin_urls")
def register_course_report_urls():
    return [
        path("reports/courses/", courses_report, name="courses_report"),
        path("reports/courses/<int:course_id>/", course_learners_report, name="courses_learners_report"),
        path(
            "reports/courses/enrollments/<int:enrollment_id>/<str:action>/",
            learner_action,
            name="courses_learner_action",
        ),
        path(
            "reports/courses/certificates/<int:certificate_id>/<str:action>/",
            certificate_action,
            name="courses_certificate_action",
        ),
    ]


class CourseReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_course_report_menu_item():
    return CourseReportMenuItem("Course progress", reverse("courses_report"), icon_name="doc-full", order=650)
