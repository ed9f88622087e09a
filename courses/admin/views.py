"""Course progress reports and the per-learner actions (each destructive one confirmed first)."""

from __future__ import annotations

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn

from core.confirm import ConfirmActionView
from core.reports import LinksColumn, ReportLink, StaffReportView
from members.access import StaffAction, staff_can

from .. import services
from ..models import Certificate, CoursePage, Enrollment
from . import selectors


def may_view(user) -> bool:
    return staff_can(user, StaffAction.ENROLLMENT_REPORTS)


def may_change(user) -> bool:
    return staff_can(user, StaffAction.MANAGE_ENROLLMENTS)


def may_reissue(user) -> bool:
    return staff_can(user, StaffAction.REISSUE_CERTIFICATE)


# --- every course -------------------------------------------------------------------------
class CourseReportFilterSet(WagtailFilterSet):
    live = django_filters.BooleanFilter(label="Published")

    class Meta:
        model = CoursePage
        fields = ["live"]


class CourseProgressReportView(StaffReportView):
    """Every course: enrolled, active in 30 days, completion rate, average progress, median days to complete."""

    page_title = "Course progress"
    header_icon = "doc-full"
    index_url_name = "courses_report"
    index_results_url_name = "courses_report_results"
    filterset_class = CourseReportFilterSet
    is_searchable = True
    search_fields = ["title"]
    search_backend_name = None  # plain title matching: staff type part of a course name
    export_filename = "course-progress"
    columns = [
        TitleColumn(
            "course",
            label="Course",
            accessor="course.title",
            get_url=lambda s: reverse("courses_learners_report", args=[s.course.pk]),
        ),
        Column("enrolled", label="Enrolled"),
        Column("active_30_days", label="Active in last 30 days"),
        Column("completed", label="Completed"),
        Column("completion_rate", label="Completion rate (%)"),
        Column("average_progress", label="Average progress (%)"),
        Column("median_days_text", label="Median days to complete"),
    ]
    list_export = [
        "course.title",
        "enrolled",
        "active_30_days",
        "completed",
        "completion_rate",
        "average_progress",
        "median_days_text",
    ]
    export_headings = {
        "course.title": "Course",
        "enrolled": "Enrolled",
        "active_30_days": "Active in last 30 days",
        "completed": "Completed",
        "completion_rate": "Completion rate (%)",
        "average_progress": "Average progress (%)",
        "median_days_text": "Median days to complete",
    }

    def user_may_view(self, user) -> bool:
        return may_view(user)

    def get_queryset(self):
        self.queryset = selectors.reportable_courses()
        return super().get_queryset()

    def decorate_rows(self, object_list):
        return selectors.course_report(courses=object_list)


# --- one course's learners ----------------------------------------------------------------
class LearnerFilterSet(WagtailFilterSet):
    completed = django_filters.BooleanFilter(
        label="Completed", field_name="completed_at", lookup_expr="isnull", exclude=True
    )
    source = django_filters.ChoiceFilter(choices=Enrollment.Source.choices)

    class Meta:
        model = Enrollment
        fields = ["completed", "source"]


class CourseLearnersReportView(StaffReportView):
    """One course's learners with progress and certificate, and the staff actions on each."""

    template_name = "courses/admin/course_learners.html"
    header_icon = "user"
    index_url_name = "courses_learners_report"
    index_results_url_name = "courses_learners_report_results"
    filterset_class = LearnerFilterSet
    is_searchable = True
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    search_backend_name = None
    list_export = [
        "learner",
        "enrollment.user.email",
        "enrollment.get_source_display",
        "enrollment.enrolled_at",
        "enrollment.last_activity_at",
        "percent",
        "lessons_done",
        "enrollment.completed_at",
        "certificate_status",
    ]
    export_headings = {
        "learner": "Learner",
        "enrollment.user.email": "E-mail",
        "enrollment.get_source_display": "Source",
        "enrollment.enrolled_at": "Enrolled at",
        "enrollment.last_activity_at": "Last active",
        "percent": "Progress (%)",
        "lessons_done": "Lessons done",
        "enrollment.completed_at": "Completed at",
        "certificate_status": "Certificate",
    }

    def user_may_view(self, user) -> bool:
        return may_view(user)

    @cached_property
    def course(self) -> CoursePage:
        return get_object_or_404(CoursePage, pk=self.kwargs["course_id"])

    def get_page_title(self):
        return f"Learners: {self.course.title}"

    def get_filename(self):
        return f"learners-{self.course.slug}"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.course.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.course.pk])

    @cached_property
    def columns(self):
        columns = [
            Column("learner", label="Learner"),
            Column("email", label="E-mail", accessor="enrollment.user.email"),
            Column("source", label="Source", accessor="enrollment.get_source_display"),
            Column("enrolled", label="Enrolled", accessor=lambda r: f"{r.enrollment.enrolled_at:%b %-d, %Y}"),
            Column("progress", label="Progress", accessor=lambda r: f"{r.percent}% ({r.lessons_done})"),
            Column("certificate", label="Certificate", accessor=self._certificate_label),
        ]
        if may_change(self.request.user):
            columns.append(LinksColumn("actions", label="Actions", accessor=self._actions))
        return columns

    @staticmethod
    def _certificate_label(row) -> str:
        if not row.certificate:
            return "—"
        return "Revoked" if row.certificate.revoked_at else "Valid"

    def _actions(self, row) -> list[ReportLink]:
        e, who = row.enrollment, row.enrollment.user.email
        links = [
            ReportLink("Reset progress", reverse("courses_enrollment_reset", args=[e.pk]), "button-secondary", who)
        ]
        if not e.completed_at:
            links.append(ReportLink("Grant completion", reverse("courses_enrollment_grant", args=[e.pk]), "", who))
        if row.certificate and row.certificate.revoked_at:
            links.append(
                ReportLink(
                    "Reinstate certificate",
                    reverse("courses_certificate_reinstate", args=[row.certificate.pk]),
                    "",
                    who,
                )
            )
        elif row.certificate:
            links.append(
                ReportLink(
                    "Revoke certificate", reverse("courses_certificate_revoke", args=[row.certificate.pk]), "no", who
                )
            )
        if row.certificate and may_reissue(self.request.user):
            links.append(
                ReportLink(
                    "Reissue certificate", reverse("courses_certificate_reissue", args=[row.certificate.pk]), "", who
                )
            )
        return links

    def get_queryset(self):
        self.queryset = selectors.course_enrollments(course=self.course)
        return super().get_queryset()

    def decorate_rows(self, object_list):
        return selectors.learner_rows(course=self.course, enrollments=object_list)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["course"] = self.course
        if not self.results_only:
            context["stats"] = selectors.course_report(courses=[self.course])[0]
        return context


# --- per-learner actions, each confirmed ----------------------------------------------------
class EnrollmentActionView(ConfirmActionView):
    def user_may_act(self, user) -> bool:
        return may_change(user)

    def get_object(self):
        return get_object_or_404(Enrollment.objects.select_related("user", "course"), pk=self.kwargs["pk"])

    def get_success_url(self, obj) -> str:
        return reverse("courses_learners_report", args=[obj.course_id])

    @staticmethod
    def who(enrollment) -> str:
        return enrollment.user.get_full_name() or enrollment.user.email


class EnrollmentResetView(EnrollmentActionView):
    title = "Reset progress"
    confirm_label = "Reset progress"

    def describe(self, obj) -> str:
        return (
            f"{self.who(obj)} starts “{obj.course.title}” over: every completed lesson and quiz answer is cleared. "
            "Her reflections and any certificate already issued stay."
        )

    def perform(self, obj, form) -> str:
        services.enrollment_reset(enrollment=obj)
        return f"Progress reset for {self.who(obj)}."


class EnrollmentGrantView(EnrollmentActionView):
    title = "Grant completion"
    confirm_label = "Grant completion"

    def describe(self, obj) -> str:
        return (
            f"Every required lesson of “{obj.course.title}” is marked complete for {self.who(obj)}, "
            "and her certificate is issued."
        )

    def perform(self, obj, form) -> str:
        if services.enrollment_grant_completion(enrollment=obj):
            return f"Completion granted to {self.who(obj)}; the certificate is being issued."
        return f"{self.who(obj)} had already completed this course."


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, help_text="The public certificate page says it was revoked."
    )


class CertificateActionView(ConfirmActionView):
    def user_may_act(self, user) -> bool:
        return may_change(user)

    def get_object(self):
        return get_object_or_404(Certificate.objects.select_related("user"), pk=self.kwargs["pk"])

    def get_success_url(self, obj) -> str:
        if obj.course_id:
            return reverse("courses_learners_report", args=[obj.course_id])
        return reverse("courses_report")


class CertificateRevokeView(CertificateActionView):
    title = "Revoke certificate"
    confirm_label = "Revoke certificate"
    form_class = RevokeForm

    def describe(self, obj) -> str:
        return f"Certificate {obj.code} of {obj.user.email} stops being valid; its public page will say so."

    def perform(self, obj, form) -> str:
        services.certificate_revoke(certificate=obj, reason=form.cleaned_data["reason"])
        return f"Certificate {obj.code} revoked. Its public page now says so."


class CertificateReinstateView(CertificateActionView):
    title = "Reinstate certificate"
    confirm_label = "Reinstate certificate"
    destructive = False

    def describe(self, obj) -> str:
        return f"Certificate {obj.code} of {obj.user.email} becomes valid again."

    def perform(self, obj, form) -> str:
        services.certificate_reinstate(certificate=obj)
        return f"Certificate {obj.code} is valid again."


class ReissueForm(forms.Form):
    learner_name = forms.CharField(
        label="Corrected name", max_length=200, help_text="As it should be printed on the certificate."
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the change, with your name and the time.",
    )


class CertificateReissueView(CertificateActionView):
    """Correct the learner's name: the code stays, the PDF is drawn again, the change is recorded."""

    title = "Reissue certificate"
    confirm_label = "Reissue certificate"
    destructive = False
    form_class = ReissueForm

    def user_may_act(self, user) -> bool:
        return may_reissue(user)

    def get_form(self, data=None):
        return ReissueForm(data, initial={"learner_name": self.object.learner_name})

    def describe(self, obj) -> str:
        text = (
            f"Certificate {obj.code} for “{obj.course_title}” now reads “{obj.learner_name}”. "
            "It keeps its code, so printed copies and shared links stay valid; a new PDF is drawn and sent to the learner."
        )
        last = obj.reissues.select_related("reissued_by").first()
        if last:
            who = last.reissued_by.get_full_name() or last.reissued_by.email if last.reissued_by else "someone"
            text += f" Last reissued {last.reissued_at:%b %-d, %Y} by {who} (was “{last.previous_name}”): {last.reason}"
        return text

    def perform(self, obj, form) -> str:
        services.certificate_reissue(
            certificate=obj,
            learner_name=form.cleaned_data["learner_name"],
            reason=form.cleaned_data["reason"],
            actor=self.request.user,
        )
        return f"Certificate {obj.code} reissued for {obj.learner_name}."
