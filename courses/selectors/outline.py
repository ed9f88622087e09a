"""The course tree (modules and lessons) with the learner's completions: one query on the page table.

The module and lesson columns are joined in and completions come with it, so the number of queries does
not grow with the number of modules, lessons or completions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Page

from core.page_cache import published_read
from members.access import Decision, can_view_lesson, entitlements_for

from .. import rules
from ..models import (
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
)


@dataclass
class LessonItem:
    id: int
    title: str
    url: str
    minutes: int
    is_required: bool
    module_id: int
    number: int = 0
    done: bool = False
    locked: bool = False
    opens_on: datetime | None = None
    current: bool = False


@dataclass
class ModuleItem:
    id: int
    title: str
    url: str
    summary: str
    number: int
    opens_on: datetime | None = None
    locked: bool = False
    lessons: list[LessonItem] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.lessons)) if self.lessons else 0

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass
class CourseOutline:
    course: CoursePage
    modules: list[ModuleItem]
    lessons: list[LessonItem]
    enrollment: Enrollment | None
    access: Decision

    @property
    def can_open_lessons(self) -> bool:
        return bool(self.access)

    @property
    def required(self) -> list[LessonItem]:
        return [lesson for lesson in self.lessons if lesson.is_required]

    @property
    def done_required(self) -> int:
        return sum(1 for lesson in self.required if lesson.done)

    @property
    def percent(self) -> int:
        """Completion is permanent: lessons added after she finished do not lower it."""
        if self.enrollment and self.enrollment.completed_at:
            return 100
        required = self.required
        return round(100 * self.done_required / len(required)) if required else 0

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    def module(self, module_id: int) -> ModuleItem | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def lesson(self, lesson_id: int) -> LessonItem | None:
        return next((item for item in self.lessons if item.id == lesson_id), None)

    def neighbours(self, lesson_id: int) -> tuple[LessonItem | None, LessonItem | None]:
        """Previous and next lessons, crossing module boundaries."""
        ids = [item.id for item in self.lessons]
        if lesson_id not in ids:
            return None, None
        i = ids.index(lesson_id)
        return (self.lessons[i - 1] if i > 0 else None), (self.lessons[i + 1] if i + 1 < len(ids) else None)

    @property
    def resume_lesson(self) -> LessonItem | None:
        return resume_target(self.lessons, self.enrollment.last_lesson_id if self.enrollment else None)

    @property
    def has_progress(self) -> bool:
        return any(item.done for item in self.lessons) or bool(self.enrollment and self.enrollment.last_lesson_id)


def resume_target(lessons: list, last_lesson_id: int | None):
    """The first incomplete lesson from the one she last visited onward (wrapping round); else where she was."""
    if not lessons:
        return None
    ids = [item.id for item in lessons]
    start = ids.index(last_lesson_id) if last_lesson_id in ids else 0
    for item in lessons[start:] + lessons[:start]:
        if not item.done:
            return item
    return lessons[start]


def _course_columns() -> dict:
    """Every CoursePage column, read from a page-table row (for loading the course with its tree)."""
    columns = {}
    for f in CoursePage._meta.concrete_fields:
        if f.model is CoursePage and not f.primary_key:
            columns[f"course__{f.attname}"] = F(f"coursepage__{f.attname}")
    return columns


TREE_SECONDS = 3600


def _tree_rows(*, path: str, depth: int, user, with_course: bool = False) -> list[dict]:
    """The course's modules and lessons (and, if asked, the course row itself) in path order, each with
    "done" for this learner: the tree from the published-content cache, her completions in one query."""
    rows = _published_tree(path=path, depth=depth, with_course=with_course)
    if user is not None and user.is_authenticated:
        done = completed_lesson_ids(user=user, lesson_ids=[row["id"] for row in rows if row["minutes"] is not None])
        for row in rows:
            row["done"] = row["id"] in done
    return rows


def _published_tree(*, path: str, depth: int, with_course: bool = False) -> list[dict]:
    return published_read(
        ("course-tree", path, with_course),
        lambda: _tree_query(path=path, depth=depth, with_course=with_course),
        TREE_SECONDS,
    )


def published_lessons(course: CoursePage) -> list[dict]:
    """The course's live lessons under live modules, in order (id, title, path, url_path, minutes, required),
    from the published cache: no query once warm."""
    rows = _published_tree(path=course.path, depth=course.depth)
    modules = {row["path"] for row in rows if row["minutes"] is None and row["depth"] == course.depth + 1}
    return [row for row in rows if row["minutes"] is not None and row["path"][: -Page.steplen] in modules]


def completed_lesson_ids(*, user, lesson_ids: list[int]) -> set[int]:
    """Which of these lessons the user completed: one query."""
    if not lesson_ids:
        return set()
    return set(LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))


def _tree_query(*, path: str, depth: int, with_course: bool) -> list[dict]:
    """The tree as it is published, the same for every learner: one query."""
    depths = (depth, depth + 1, depth + 2) if with_course else (depth + 1, depth + 2)
    rows = (
        Page.objects.filter(path__startswith=path, depth__in=depths)
        .filter(Q(live=True) | Q(depth=depth))
        .order_by("path")
    )
    annotations = {
        "minutes": F("lessonpage__estimated_minutes"),
        "required": F("lessonpage__is_required"),
        "release": F("modulepage__release_after_days"),
        "module_summary": F("modulepage__summary"),
    }
    page_fields = ["id", "title", "depth", "path", "url_path"]
    tree_fields = [*page_fields, *annotations]
    if not with_course:
        return list(rows.values(*page_fields, **annotations))
    annotations.update(_course_columns())
    found = list(rows.values(*[f.attname for f in Page._meta.concrete_fields], **annotations))
    # Only the course's own row keeps every column (it becomes the CoursePage); the tree rows stay small.
    return found[:1] + [{name: row[name] for name in tree_fields} for row in found[1:]]


def _course_from_row(row: dict) -> CoursePage:
    names, values = [], []
    for f in CoursePage._meta.concrete_fields:
        names.append(f.attname)
        if f.model is CoursePage and f.primary_key:
            values.append(row["id"])
        elif f.model is CoursePage:
            values.append(row[f"course__{f.attname}"])
        else:
            values.append(row[f.attname])
    return CoursePage.from_db("default", names, values)


def lesson_course_and_outline(*, lesson: LessonPage, user, request=None) -> CourseOutline:
    """A lesson's course and outline; the course comes in the tree query unless routing already loaded it."""
    cached = getattr(lesson, "_course", None)
    if cached is not None:
        return course_outline(course=cached, user=user, request=request, current_lesson_id=lesson.pk)
    depth = lesson.depth - 2
    rows = _tree_rows(path=lesson.path[: depth * Page.steplen], depth=depth, user=user, with_course=True)
    if not rows or rows[0]["depth"] != depth or rows[0]["course__summary"] is None:
        raise LookupError("This lesson is not inside a course.")
    course = _course_from_row(rows[0])
    lesson._course = course
    return course_outline(course=course, user=user, request=request, current_lesson_id=lesson.pk, _rows=rows[1:])


def _relative_url(course_url: str, course: CoursePage, url_path: str) -> str:
    return (course_url or "").rstrip("/") + "/" + url_path[len(course.url_path) :]


def course_outline(
    *, course: CoursePage, user, request=None, current_lesson_id: int | None = None, _rows: list | None = None
) -> CourseOutline:
    """Modules and lessons with this learner's checkmarks, drip locks and access, in two or three queries."""
    ent = entitlements_for(user)
    enrollment = ent.enrollments.get(course.pk) if ent.is_authenticated else None
    access = can_view_lesson(user, None, course)
    course_url = course.get_url(request) or ""
    now = timezone.now()
    modules: list[ModuleItem] = []
    by_path: dict[str, ModuleItem] = {}
    lessons: list[LessonItem] = []
    if _rows is None:
        _rows = _tree_rows(path=course.path, depth=course.depth, user=user)
    for row in _rows:
        url = _relative_url(course_url, course, row["url_path"])
        if row["depth"] == course.depth + 1:
            if row["minutes"] is not None:
                continue
            opens_on = rules.module_opens_on(
                release_after_days=row["release"], enrolled_at=enrollment.enrolled_at if enrollment else None
            )
            module = ModuleItem(
                id=row["id"],
                title=row["title"],
                url=url,
                summary=row["module_summary"] or "",
                number=len(modules) + 1,
                opens_on=opens_on,
                locked=not rules.module_is_open(user, opens_on=opens_on, now=now),
            )
            modules.append(module)
            by_path[row["path"]] = module
            continue
        if row["minutes"] is None:
            continue
        module = by_path.get(row["path"][: -Page.steplen])
        if module is None:
            continue  # a lesson under an unpublished module is not part of the course yet
        item = LessonItem(
            id=row["id"],
            title=row["title"],
            url=url,
            minutes=row["minutes"] or 0,
            is_required=bool(row["required"]),
            module_id=module.id,
            number=len(lessons) + 1,
            done=bool(row.get("done")),
            locked=module.locked,
            opens_on=module.opens_on if module.locked else None,
            current=row["id"] == current_lesson_id,
        )
        module.lessons.append(item)
        lessons.append(item)
    return CourseOutline(course=course, modules=modules, lessons=lessons, enrollment=enrollment, access=access)
