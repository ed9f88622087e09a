"""Registers the course reports and learner actions (courses/admin/) in the Wagtail admin."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from members.access import StaffAction, staff_can

from .admin import views


@hooks.register("register_admin_urls")
def register_course_report_urls():
    progress, learners = views.CourseProgressReportView, views.CourseLearnersReportView
    return [
        path("reports/courses/", progress.as_view(), name="courses_report"),
        path("reports/courses/results/", progress.as_view(results_only=True), name="courses_report_results"),
        path("reports/courses/<int:course_id>/", learners.as_view(), name="courses_learners_report"),
        path(
            "reports/courses/<int:course_id>/results/",
            learners.as_view(results_only=True),
            name="courses_learners_report_results",
        ),
        path(
            "reports/courses/enrollments/<int:pk>/reset/",
            views.EnrollmentResetView.as_view(),
            name="courses_enrollment_reset",
        ),
        path(
            "reports/courses/enrollments/<int:pk>/grant/",
            views.EnrollmentGrantView.as_view(),
            name="courses_enrollment_grant",
        ),
        path(
            "reports/courses/certificates/<int:pk>/revoke/",
            views.CertificateRevokeView.as_view(),
            name="courses_certificate_revoke",
        ),
        path(
            "reports/courses/certificates/<int:pk>/reinstate/",
            views.CertificateReinstateView.as_view(),
            name="courses_certificate_reinstate",
        ),
        path(
            "reports/courses/certificates/<int:pk>/reissue/",
            views.CertificateReissueView.as_view(),
            name="courses_certificate_reissue",
        ),
    ]


class CourseReportMenuItem(MenuItem):
    def is_shown(self, request):
        return staff_can(request.user, StaffAction.ENROLLMENT_REPORTS)


@hooks.register("register_reports_menu_item")
def register_course_report_menu_item():
    return CourseReportMenuItem("Course progress", reverse("courses_report"), icon_name="doc-full", order=650)
