"""Reads for courses, one module per topic; each returns what a template shows, in a fixed number of queries.

outline (the course tree), detail (a course page and its call to action), lesson (a lesson's blocks),
progress (dashboard, transcript, district reports), catalogue, search. The staff reports' reads are in
courses/admin/selectors.py.
New code imports from the topic module.
"""

# Re-exported while the other issue-13 branches (layers, rules, reports) still import `courses.selectors`.
from .catalogue import ACCESS_CHOICES, LENGTHS, SORTS, course_catalogue
from .detail import CourseCTA, course_cta, course_detail
from .lesson import CheckState, LessonBlock, lesson_blocks
from .outline import CourseOutline, LessonItem, ModuleItem, course_outline, lesson_course_and_outline, resume_target
from .progress import (
    CourseProgress,
    dashboard_courses,
    latest_learning_activity,
    organization_course_progress,
    progress_for_enrollments,
    transcript_courses,
)
from .search import lessons_in_courses, readable_course_paths

__all__ = [
    "ACCESS_CHOICES",
    "LENGTHS",
    "SORTS",
    "CheckState",
    "CourseCTA",
    "CourseOutline",
    "CourseProgress",
    "LessonBlock",
    "LessonItem",
    "ModuleItem",
    "course_catalogue",
    "course_cta",
    "course_detail",
    "course_outline",
    "dashboard_courses",
    "latest_learning_activity",
    "lesson_blocks",
    "lesson_course_and_outline",
    "lessons_in_courses",
    "readable_course_paths",
    "organization_course_progress",
    "progress_for_enrollments",
    "resume_target",
    "transcript_courses",
]
