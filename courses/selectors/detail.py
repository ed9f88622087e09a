"""A course page: its static details and the call to action for this learner."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from core.page_cache import published_read
from members.access import Reason, can_enroll

from .. import rules
from ..models import (
    Certificate,
    CoursePage,
)
from .outline import CourseOutline, course_outline


@dataclass
class CourseCTA:
    kind: str  # signin, enroll, start, continue, review, join, buy, prerequisites, renew
    label: str
    url: str = ""
    post: bool = False
    message: str = ""
    missing: list = field(default_factory=list)


def _missing_prerequisites(course: CoursePage, user, prerequisites: list) -> list:
    missing = rules.missing_prerequisite_ids(user, [p["id"] for p in prerequisites])
    return [p for p in prerequisites if p["id"] in missing]


def course_cta(*, course: CoursePage, user, outline: CourseOutline, prerequisites: list, request=None) -> CourseCTA:
    course_url = course.get_url(request) or ""
    if not user.is_authenticated:
        login = reverse("account_login") + f"?next={course_url}"
        return CourseCTA("signin", "Sign in to enroll", login, message="New here? A free account takes a minute.")
    enrollment = outline.enrollment
    if enrollment is not None:
        resume = outline.resume_lesson
        if enrollment.completed_at:
            first = outline.lessons[0].url if outline.lessons else course_url
            return CourseCTA("review", "Review the course", first, message="You completed this course.")
        if outline.access:
            if resume is None:
                return CourseCTA("start", "Start the course", course_url, message="Lessons are on their way.")
            if outline.has_progress:
                return CourseCTA("continue", "Continue", resume.url, message=f"Next up: {resume.title}")
            return CourseCTA("start", "Start the course", resume.url)
        if outline.access.reason == Reason.MEMBERSHIP:
            return CourseCTA(
                "renew",
                "Renew your membership",
                reverse("members:join"),
                message="Your membership has ended. Renew it to pick up where you stopped; your progress is saved.",
            )
        return CourseCTA("renew", "See your options", reverse("members:join"), message=outline.access.message)
    decision = can_enroll(user, course)
    if decision:
        missing = _missing_prerequisites(course, user, prerequisites)
        if missing:
            names = ", ".join(f"“{p['title']}”" for p in missing)
            return CourseCTA(
                "prerequisites",
                "Complete the prerequisites first",
                message=f"Complete {names} before you enroll in this course.",
                missing=missing,
            )
        url = reverse("courses:enroll", args=[course.pk])
        return CourseCTA("enroll", "Enroll in this course", url, post=True)
    if decision.reason == Reason.MEMBERSHIP:
        return CourseCTA(
            "join",
            "Become a member",
            reverse("members:join"),
            message="This course is included in membership and in district seats.",
        )
    if decision.reason == Reason.PURCHASE:
        return CourseCTA(
            "buy",
            f"Buy the course (${course.price:,.2f})",
            reverse("courses:buy", args=[course.pk]),
            post=True,
            message="One payment, yours to keep. Paid securely with Stripe.",
        )
    return CourseCTA("none", "Not available", message=decision.message)


def _course_static_details(course: CoursePage, request=None) -> dict:
    """The parts of a course page that are the same for everyone, kept until anything is published."""

    def build() -> dict:
        return {
            "facilitators": [
                {"name": f.name, "role": f.role, "bio": f.bio} for f in course.facilitators.all().order_by("sort_order")
            ],
            "concepts": [
                {"id": c.pk, "title": c.title, "grade": c.grade.name}
                for c in course.concepts.select_related("grade").order_by("grade__sort_order", "sort_order")
            ],
            "topics": [{"slug": t.slug, "name": t.name} for t in course.topics.all()],
            "prerequisites": [
                {"id": p.pk, "title": p.title, "url": p.get_url(request)} for p in course.prerequisites.live()
            ],
            "grade_bands": course.grade_band_labels(),
        }

    if request is not None and getattr(request, "is_preview", False):
        return build()  # the editor's unsaved facilitators and tags, never the live page's
    return published_read(("course-details", course.pk), build, 60 * 60)


def course_detail(*, course: CoursePage, user, request=None) -> dict:
    outline = course_outline(course=course, user=user, request=request)
    details = _course_static_details(course, request)
    cta = course_cta(course=course, user=user, outline=outline, prerequisites=details["prerequisites"], request=request)
    certificate = None
    if outline.enrollment and outline.enrollment.completed_at:
        certificate = Certificate.objects.filter(enrollment=outline.enrollment).first()
    return {"outline": outline, "cta": cta, "certificate": certificate, **details}
