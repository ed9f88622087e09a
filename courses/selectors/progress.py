"""The learner's progress: dashboard, transcript and district reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from wagtail.models import Page

from ..models import (
    Certificate,
    CoursePage,
    Enrollment,
    LessonCompletion,
    ReflectionResponse,
)
from .outline import _relative_url, completed_lesson_ids, published_lessons, resume_target


@dataclass
class CourseProgress:
    course: CoursePage
    enrollment: Enrollment
    percent: int
    continue_url: str
    certificate: Certificate | None = None
    done_count: int = 0
    total: int = 0
    next_lesson_title: str = ""


def _lessons_for_courses(courses: list[CoursePage], *, done_by=None) -> dict[int, list[dict]]:
    """Live lessons of many courses, in course order, in one query.

    With `done_by` (a user) each row also says whether that user completed the lesson (`done`).
    """
    if not courses:
        return {}
    by_path = {c.path: c for c in courses}
    q = reduce(or_, [Q(path__startswith=c.path, depth=c.depth + 2) for c in courses])
    fields = {"required": F("lessonpage__is_required")}
    if done_by is not None:
        fields["done"] = Exists(LessonCompletion.objects.filter(user=done_by, lesson_id=OuterRef("pk")))
    rows = (
        Page.objects.filter(q, live=True, lessonpage__isnull=False)
        .order_by("path")
        .values("id", "title", "path", "url_path", **fields)
    )
    result: dict[int, list[dict]] = defaultdict(list)
    steplen = Page.steplen
    for row in rows:
        course = by_path.get(row["path"][: len(row["path"]) - 2 * steplen])
        # A lesson whose module is unpublished still has a live row; the module check is skipped here for speed.
        if course is not None:
            result[course.pk].append(row)
    return result


@dataclass
class _Row:
    id: int
    title: str
    url: str
    is_required: bool
    done: bool


def progress_for_enrollments(*, user, enrollments: list[Enrollment], request=None) -> list[CourseProgress]:
    """Progress of each enrollment, in two queries (her completions, certificates) once the course trees are cached."""
    # Each course's lessons from the published cache, her completions of all of them in one query.
    lessons = {e.course_id: published_lessons(e.course) for e in enrollments}
    done = completed_lesson_ids(user=user, lesson_ids=[row["id"] for rows in lessons.values() for row in rows])
    certificates = (
        {c.enrollment_id: c for c in Certificate.objects.filter(enrollment__in=enrollments)} if enrollments else {}
    )
    result = []
    for enrollment in enrollments:
        course = enrollment.course
        course_url = course.get_url(request) or ""
        rows = [
            _Row(
                r["id"],
                r["title"],
                _relative_url(course_url, course, r["url_path"]),
                bool(r["required"]),
                r["id"] in done,
            )
            for r in lessons.get(course.pk, [])
        ]
        required = [r for r in rows if r.is_required]
        done_count = sum(1 for r in required if r.done)
        if enrollment.completed_at:
            percent = 100
        else:
            percent = round(100 * done_count / len(required)) if required else 0
        target = resume_target(rows, enrollment.last_lesson_id)
        result.append(
            CourseProgress(
                course=course,
                enrollment=enrollment,
                percent=percent,
                continue_url=target.url if target and not enrollment.completed_at else course_url,
                certificate=certificates.get(enrollment.pk),
                done_count=done_count,
                total=len(required),
                next_lesson_title=target.title if target else "",
            )
        )
    return result


def dashboard_courses(*, user, request=None) -> dict[str, list[CourseProgress]]:
    """The learner's courses: in progress (most recent first) and completed."""
    if not user.is_authenticated:
        return {"in_progress": [], "completed": []}
    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-enrolled_at")
    )
    progress = progress_for_enrollments(user=user, enrollments=enrollments, request=request)
    return {
        "in_progress": [p for p in progress if not p.enrollment.completed_at],
        "completed": sorted(
            (p for p in progress if p.enrollment.completed_at), key=lambda p: p.enrollment.completed_at, reverse=True
        ),
    }


def transcript_courses(*, user) -> list[dict]:
    """Completed courses for the PD transcript. Certificates keep the title and hours as issued; revoked ones drop out."""
    rows = []
    enrollments = Enrollment.objects.filter(user=user, completed_at__isnull=False).select_related("course")
    certificates = {c.enrollment_id: c for c in Certificate.objects.filter(user=user, enrollment__isnull=False)}
    for enrollment in enrollments:
        certificate = certificates.get(enrollment.pk)
        if certificate is not None:
            if not certificate.is_valid:
                continue
            rows.append(
                {
                    "title": certificate.course_title,
                    "completed_on": certificate.completed_on,
                    "pd_hours": certificate.pd_hours,
                    "verify_url": certificate.verify_url,
                }
            )
        else:
            rows.append(
                {
                    "title": enrollment.course.title,
                    "completed_on": timezone.localdate(enrollment.completed_at),
                    "pd_hours": enrollment.course.pd_hours,
                    "verify_url": "",
                }
            )
    return sorted(rows, key=lambda r: r["completed_on"], reverse=True)


def organization_course_progress(*, user_ids) -> list[dict]:
    """Course progress of a district's teachers, for their leader's dashboard."""
    enrollments = list(
        Enrollment.objects.filter(user_id__in=list(user_ids))
        .select_related("course")
        .order_by("user_id", "enrolled_at")
    )
    lessons = _lessons_for_courses(list({e.course_id: e.course for e in enrollments}.values()))
    done = defaultdict(set)
    for user_id, lesson_id in LessonCompletion.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "lesson_id"
    ):
        done[user_id].add(lesson_id)
    rows = []
    for e in enrollments:
        required = [r["id"] for r in lessons.get(e.course_id, []) if r["required"]]
        count = sum(1 for lesson_id in required if lesson_id in done[e.user_id])
        percent = 100 if e.completed_at else (round(100 * count / len(required)) if required else 0)
        rows.append(
            {
                "user_id": e.user_id,
                "course_title": e.course.title,
                "percent": percent,
                "enrolled_on": timezone.localdate(e.enrolled_at),
                "completed_on": timezone.localdate(e.completed_at) if e.completed_at else None,
                "enrolled_at": e.enrolled_at,
                "completed_at": e.completed_at,
                "last_activity_at": e.last_activity_at,
                "pd_hours": e.course.pd_hours if e.completed_at else Decimal("0"),
            }
        )
    return rows


def latest_learning_activity(*, user_ids) -> dict[int, object]:
    """user id -> when she last completed a lesson or wrote a reflection; two queries for any number of people."""
    user_ids = list(user_ids)
    latest: dict[int, object] = {}
    for model, field in ((LessonCompletion, "completed_at"), (ReflectionResponse, "updated_at")):
        rows = (
            model.objects.filter(user_id__in=user_ids)
            .values("user_id")
            .annotate(latest=Max(field))
            .values_list("user_id", "latest")
        )
        for user_id, when in rows:
            if when is not None and (user_id not in latest or when > latest[user_id]):
                latest[user_id] = when
    return latest
