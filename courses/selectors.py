"""Reads for courses. Each returns what a template shows, in a fixed number of queries.

The course tree (modules and lessons) is always one query on the page table with the
module and lesson columns joined in, and completions come with it, so the number of
queries does not grow with the number of modules, lessons or completions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, TextField, Value
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from members.access import AccessLevel, Decision, Reason, can_enroll, can_view_lesson, entitlements_for
from resources.models import GradeBand, HighLeverageConcept

from . import rules
from .models import (
    Certificate,
    CheckAnswer,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
    ReflectionResponse,
)


# --- the course tree ---
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


def _tree_rows(*, path: str, depth: int, user, with_course: bool = False) -> list[dict]:
    """The course's modules and lessons (and, if asked, the course row itself) in path order: one query."""
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
    if user is not None and user.is_authenticated:
        annotations["done"] = Exists(LessonCompletion.objects.filter(user=user, lesson_id=OuterRef("pk")))
    if with_course:
        annotations.update(_course_columns())
        page_fields = [f.attname for f in Page._meta.concrete_fields]
    else:
        page_fields = ["id", "title", "depth", "path", "url_path"]
    return list(rows.values(*page_fields, **annotations))


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


# --- the call to action on a course page ---
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
            f"Buy the course (${course.price:,.0f})",
            reverse("courses:buy", args=[course.pk]),
            post=True,
            message="One payment, yours to keep. Paid securely with Stripe.",
        )
    return CourseCTA("none", "Not available", message=decision.message)


def _course_static_details(course: CoursePage, request=None) -> dict:
    """The parts of a course page that are the same for everyone, cached until the course is republished."""
    published = int(course.last_published_at.timestamp()) if course.last_published_at else 0
    key = f"courses:details:{course.pk}:{course.latest_revision_id}:{published}"
    details = cache.get(key)
    if details is None:
        details = {
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
        }
        cache.set(key, details, 60 * 60)
    return details


def course_detail(*, course: CoursePage, user, request=None) -> dict:
    outline = course_outline(course=course, user=user, request=request)
    details = _course_static_details(course, request)
    cta = course_cta(course=course, user=user, outline=outline, prerequisites=details["prerequisites"], request=request)
    certificate = None
    if outline.enrollment and outline.enrollment.completed_at:
        certificate = Certificate.objects.filter(enrollment=outline.enrollment).first()
    return {"outline": outline, "cta": cta, "certificate": certificate, **details}


# --- a lesson ---
@dataclass
class CheckState:
    option_id: str = ""
    is_correct: bool = False
    feedback: str = ""
    attempts: int = 0


@dataclass
class LessonBlock:
    block: object
    check: CheckState | None = None
    reflection: str | None = None

    @property
    def options(self) -> list[dict]:
        """Options as id and text only: correctness and feedback never reach the template."""
        return [{"id": child.id, "text": child.value["text"]} for child in self.block.value["options"].bound_blocks]


def lesson_blocks(*, lesson: LessonPage, user, enrolled: bool) -> list[LessonBlock]:
    """The lesson body with this learner's own answers and reflections attached (two queries at most)."""
    checks, reflections = lesson.activity_block_ids()
    answers: dict[str, CheckAnswer] = {}
    responses: dict[str, str] = {}
    if enrolled and (checks or reflections):
        # Her answers and reflections for this lesson, in one query.
        mine = CheckAnswer.objects.filter(user=user, lesson=lesson, block_id__in=checks).values_list(
            "block_id", "option_id", "is_correct", "attempts", Value("", output_field=TextField()), Value("check")
        )
        written = ReflectionResponse.objects.filter(user=user, lesson=lesson, block_id__in=reflections).values_list(
            "block_id", Value(""), Value(False), Value(0), "text", Value("reflection")
        )
        for block_id, option_id, is_correct, attempts, text, kind in mine.union(written, all=True):
            if kind == "check":
                answers[block_id] = CheckAnswer(
                    block_id=block_id, option_id=option_id, is_correct=bool(is_correct), attempts=attempts
                )
            else:
                responses[block_id] = text
    items = []
    for block in lesson.body:
        item = LessonBlock(block=block)
        if block.block_type == "check":
            answer = answers.get(block.id)
            state = CheckState()
            if answer is not None:
                chosen = next((c.value for c in block.value["options"].bound_blocks if c.id == answer.option_id), None)
                if chosen is not None:
                    state = CheckState(answer.option_id, answer.is_correct, chosen["feedback"], answer.attempts)
            item.check = state
        elif block.block_type == "reflection":
            item.reflection = responses.get(block.id, "")
        items.append(item)
    return items


# --- the learner's dashboard, transcript and district reports ---
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


def _lessons_for_courses(courses: list[CoursePage]) -> dict[int, list[dict]]:
    """Live lessons of many courses, in course order, in one query."""
    if not courses:
        return {}
    by_path = {c.path: c for c in courses}
    q = reduce(or_, [Q(path__startswith=c.path, depth=c.depth + 2) for c in courses])
    rows = (
        Page.objects.filter(q, live=True, lessonpage__isnull=False)
        .order_by("path")
        .values("id", "title", "path", "url_path", required=F("lessonpage__is_required"))
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
    """Progress of each enrollment, in three queries whatever the number of courses or lessons."""
    courses = [e.course for e in enrollments]
    lessons = _lessons_for_courses(courses)
    done = set(LessonCompletion.objects.filter(user=user).values_list("lesson_id", flat=True)) if enrollments else set()
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
                "pd_hours": e.course.pd_hours if e.completed_at else Decimal("0"),
            }
        )
    return rows


# --- the catalogue ---
LENGTHS = [
    ("short", "Under 2 hours", lambda h: h < 2),
    ("medium", "2 to 5 hours", lambda h: 2 <= h <= 5),
    ("long", "More than 5 hours", lambda h: h > 5),
]
SORTS = [
    ("relevance", "Best match"),
    ("newest", "Newest"),
    ("title", "Title A-Z"),
    ("shortest", "Shortest first"),
    ("pd_hours", "Most PD hours"),
]
ACCESS_CHOICES = [
    (AccessLevel.FREE.value, "Free"),
    (AccessLevel.MEMBERS.value, "Members"),
    (AccessLevel.PAID.value, "Paid"),
]


def _course_facets(course: CoursePage) -> dict[str, set[str]]:
    length = next((key for key, _, test in LENGTHS if test(course.estimated_hours)), "")
    return {
        "band": set(course.grade_bands or []),
        "hlc": {str(c.pk) for c in course.concepts.all()},
        "topic": {t.slug for t in course.topics.all()},
        "access": {course.access_level},
        "length": {length},
    }


def course_catalogue(*, index_page: CourseIndexPage, params, user, request=None) -> dict:
    """Filtered, searched, sorted courses with facet counts and the learner's progress on each card."""
    Image = get_image_model()
    courses = list(
        CoursePage.objects.live()
        .public()
        .child_of(index_page)
        .prefetch_related(
            Prefetch("cover_image", queryset=Image.objects.prefetch_renditions("fill-640x360")),
            Prefetch("concepts", queryset=HighLeverageConcept.objects.select_related("grade")),
            "topics",
        )
    )
    selected = {name: [v for v in params.getlist(name) if v] for name in ("band", "hlc", "topic", "access", "length")}
    q = (params.get("q") or "").strip()
    sort = params.get("sort") or ("relevance" if q else "newest")
    if sort not in dict(SORTS):
        sort = "newest"
    order = {c.pk: i for i, c in enumerate(courses)}
    if q:
        hits = list(CoursePage.objects.live().child_of(index_page).search(q))
        order = {c.pk: i for i, c in enumerate(hits)}
        courses = [c for c in courses if c.pk in order]
    facets = {c.pk: _course_facets(c) for c in courses}

    def matches(course, skip: str | None = None) -> bool:
        for name, values in selected.items():
            if name != skip and values and not (facets[course.pk][name] & set(values)):
                return False
        return True

    def counts(name: str) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for course in courses:
            if matches(course, skip=name):
                for value in facets[course.pk][name]:
                    result[value] += 1
        return result

    concepts = {str(c.pk): c for course in courses for c in course.concepts.all()}
    topics = {t.slug: t for course in courses for t in course.topics.all()}
    groups = [
        ("band", "Grade band", [(v, label) for v, label in GradeBand.choices]),
        (
            "hlc",
            "High Leverage Concept",
            [
                (k, f"{c.grade.name}: {c.title}")
                for k, c in sorted(concepts.items(), key=lambda kv: (kv[1].grade.sort_order, kv[1].sort_order))
            ],
        ),
        ("topic", "Topic", sorted(((k, t.name) for k, t in topics.items()), key=lambda kv: kv[1])),
        ("access", "Access", ACCESS_CHOICES),
        ("length", "Length", [(key, label) for key, label, _ in LENGTHS]),
    ]
    filter_groups = []
    active = []
    for name, legend, choices in groups:
        tally = counts(name)
        options = [
            {"value": value, "label": label, "count": tally.get(value, 0), "checked": value in selected[name]}
            for value, label in choices
        ]
        options = [o for o in options if o["count"] or o["checked"]]
        if options:
            filter_groups.append({"name": name, "legend": legend, "options": options})
        for o in options:
            if o["checked"]:
                remaining = params.copy()
                remaining.setlist(name, [v for v in selected[name] if v != o["value"]])
                remaining.pop("page", None)
                active.append({"label": o["label"], "remove_query": remaining.urlencode()})

    results = [c for c in courses if matches(c)]
    if sort == "relevance":
        results.sort(key=lambda c: order[c.pk])
    elif sort == "title":
        results.sort(key=lambda c: c.title.lower())
    elif sort == "shortest":
        results.sort(key=lambda c: (c.estimated_hours, c.title.lower()))
    elif sort == "pd_hours":
        results.sort(key=lambda c: (-c.pd_hours, c.title.lower()))
    else:
        results.sort(key=lambda c: c.first_published_at or timezone.now(), reverse=True)

    paginator = Paginator(results, index_page.per_page)
    page_obj = paginator.get_page(params.get("page"))
    progress = {}
    if user.is_authenticated:
        ent = entitlements_for(user)
        on_page = [ent.enrollments[c.pk] for c in page_obj if c.pk in ent.enrollments]
        for e in on_page:
            e.course = next(c for c in page_obj if c.pk == e.course_id)
        progress = {p.course.pk: p for p in progress_for_enrollments(user=user, enrollments=on_page, request=request)}
    cards = [{"course": c, "url": c.get_url(request), "progress": progress.get(c.pk)} for c in page_obj]
    return {
        "cards": cards,
        "page_obj": page_obj,
        "result_count": len(results),
        "filter_groups": filter_groups,
        "active_filters": active,
        "query": q,
        "sort": sort,
        "sorts": SORTS,
        "has_filters": bool(q or any(selected.values())),
    }


# --- search ---
def lesson_ids_hidden_from(*, user) -> list[int]:
    """Live lessons whose body this user may not read: search must not match their text."""
    ent = entitlements_for(user)
    if ent.is_staff:
        return []
    lessons = LessonPage.objects.live().values_list("pk", "path")
    if not ent.is_authenticated:
        return [pk for pk, _ in lessons]
    readable = [
        c.path for c in CoursePage.objects.live().only("path", "access_level") if can_view_lesson(user, None, c)
    ]
    return [pk for pk, path in lessons if not any(path.startswith(prefix) for prefix in readable)]
