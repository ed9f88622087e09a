"""Reads for the course reports: per-course numbers and per-learner progress, for one page of rows at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Certificate, CoursePage, Enrollment, LessonCompletion
from ..selectors.progress import _lessons_for_courses


@dataclass
class CourseStats:
    course: CoursePage
    enrolled: int = 0
    active_30_days: int = 0
    completed: int = 0
    average_progress: int = 0
    median_days_to_complete: float | None = None

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0

    @property
    def median_days_text(self) -> str:
        return "" if self.median_days_to_complete is None else f"{self.median_days_to_complete:g}"


@dataclass
class LearnerRow:
    enrollment: Enrollment
    percent: int
    done_count: int
    total: int
    certificate: Certificate | None

    @property
    def learner(self) -> str:
        return self.enrollment.user.get_full_name() or self.enrollment.user.email

    @property
    def lessons_done(self) -> str:
        return f"{self.done_count} of {self.total}"

    @property
    def certificate_status(self) -> str:
        if not self.certificate:
            return ""
        return "revoked" if self.certificate.revoked_at else self.certificate.code


def _learner_rows(courses: list[CoursePage], enrollments: list[Enrollment]) -> list[LearnerRow]:
    lessons = _lessons_for_courses(courses)
    required = {c.pk: {r["id"] for r in lessons.get(c.pk, []) if r["required"]} for c in courses}
    done = defaultdict(set)
    completions = LessonCompletion.objects.filter(
        course__in=courses, user_id__in={e.user_id for e in enrollments}
    ).values_list("user_id", "course_id", "lesson_id")
    for user_id, course_id, lesson_id in completions:
        done[(user_id, course_id)].add(lesson_id)
    certificates = {c.enrollment_id: c for c in Certificate.objects.filter(enrollment__in=enrollments)}
    rows = []
    for e in enrollments:
        needed = required.get(e.course_id, set())
        count = len(done[(e.user_id, e.course_id)] & needed)
        percent = 100 if e.completed_at else (round(100 * count / len(needed)) if needed else 0)
        rows.append(LearnerRow(e, percent, count, len(needed), certificates.get(e.pk)))
    return rows


def reportable_courses() -> QuerySet[CoursePage]:
    return CoursePage.objects.all().order_by("title")


def course_report(*, courses: list[CoursePage]) -> list[CourseStats]:
    """Enrolled, active in 30 days, completion rate, average progress and median days to complete, per course."""
    courses = list(courses)
    enrollments = list(Enrollment.objects.filter(course__in=courses).select_related("user"))
    rows = _learner_rows(courses, enrollments)
    since = timezone.now() - timedelta(days=30)
    stats = {c.pk: CourseStats(course=c) for c in courses}
    percents = defaultdict(list)
    durations = defaultdict(list)
    for row in rows:
        e = row.enrollment
        s = stats[e.course_id]
        s.enrolled += 1
        if e.last_activity_at and e.last_activity_at >= since:
            s.active_30_days += 1
        if e.completed_at:
            s.completed += 1
            durations[e.course_id].append((e.completed_at - e.enrolled_at).total_seconds() / 86400)
        percents[e.course_id].append(row.percent)
    for pk, s in stats.items():
        if percents[pk]:
            s.average_progress = round(sum(percents[pk]) / len(percents[pk]))
        if durations[pk]:
            s.median_days_to_complete = round(median(durations[pk]), 1)
    return list(stats.values())


def course_enrollments(*, course: CoursePage) -> QuerySet[Enrollment]:
    """The learners of one course, for the report (filtered and paginated by the view)."""
    return (
        Enrollment.objects.filter(course=course)
        .select_related("user", "last_lesson", "course")
        .order_by("user__last_name", "user__email", "pk")
    )


def learner_rows(*, course: CoursePage, enrollments) -> list[LearnerRow]:
    """Progress for one page of a course's enrollments."""
    return _learner_rows([course], list(enrollments))
