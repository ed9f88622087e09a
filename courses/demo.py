"""Demo courses and learners at different stages. Safe to run again: existing courses are left alone.

The courses, their modules and lessons (StreamField blocks as type/value pairs) are in demo/courses.json.
"""

from django.utils import timezone

from core.demo_data import load_demo_data
from members.demo import DISTRICT_TEACHERS
from members.models import User
from taxonomy.models import HighLeverageConcept, Topic

from .factories import CourseFacilitatorFactory, CoursePageFactory, LessonPageFactory, ModulePageFactory
from .models import CourseIndexPage, CoursePage, Enrollment, LessonPage

DEMO_SLUGS = ["launch-routines", "formative-probes", "designing-a-math-menu"]
DEMO_MEDIA_PREFIX = "demo-media:"  # a block value naming a file in courses/demo/media/, seeded as a document


def _demo_document(name: str):
    """The document made from courses/demo/media/<name> (a committed file: the demo needs no ffmpeg)."""
    from importlib.resources import files

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    Document = get_document_model()
    title = f"Demo lesson media: {name}"
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    content = files("courses").joinpath("demo", "media", name).read_bytes()
    return Document.objects.create(title=title, file=ContentFile(content, name=name))


def _resolve_media(value):
    """Replace "demo-media:<file>" strings in a block value with seeded documents."""
    if isinstance(value, dict):
        return {key: _resolve_media(item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith(DEMO_MEDIA_PREFIX):
        return _demo_document(value.removeprefix(DEMO_MEDIA_PREFIX))
    return value


# StreamField block builders, also used by home.scale (seed_scale).
def p(*paragraphs):
    return [("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))]


def callout(body, title="Try it in your classroom"):
    return [("callout", {"title": title, "body": f"<p>{body}</p>"})]


def check(question, *options):
    return [
        (
            "check",
            {
                "question": question,
                "options": [{"text": t, "is_correct": ok, "feedback": fb} for t, ok, fb in options],
            },
        )
    ]


def reflection(prompt, guidance=""):
    return [("reflection", {"prompt": prompt, "guidance": guidance})]


def _build(catalogue: CourseIndexPage, spec: dict) -> CoursePage:
    course = CoursePageFactory(
        parent=catalogue,
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        description=spec["description"],
        outcomes=spec["outcomes"],
        access_level=spec["access_level"],
        price_cents=spec["price_cents"],
        pd_hours=spec["pd_hours"],
        estimated_hours=spec["estimated_hours"],
        grade_bands=spec["grade_bands"],
    )
    course.concepts.set(
        [
            c
            for concept in spec["concepts"]
            for c in HighLeverageConcept.objects.filter(grade__code=concept["grade"], title=concept["title"])
        ]
    )
    course.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
    for order, person in enumerate(spec["facilitators"]):
        CourseFacilitatorFactory(
            course=course, name=person["name"], role=person["role"], bio=person["bio"], sort_order=order
        )
    course.save_revision().publish()
    for m, spec_module in enumerate(spec["modules"], start=1):
        module = ModulePageFactory(
            parent=course,
            title=spec_module["title"],
            slug=f"module-{m}",
            summary=spec_module["summary"],
            release_after_days=spec_module["release_after_days"],
        )
        for item in spec_module["lessons"]:
            LessonPageFactory(
                parent=module,
                title=item["title"],
                estimated_minutes=item["minutes"],
                summary=item["summary"],
                body=[(block["type"], _resolve_media(block["value"])) for block in item["body"]],
                completion_rule=item["rule"],
            )
    return course


def _complete(user, lessons, how_many: int) -> None:
    from . import services

    for item in lessons[:how_many]:
        services.lesson_complete(user=user, lesson=item)


def seed(*, stdout) -> None:
    from . import services

    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        stdout.write("No course catalogue page; skipped demo courses")
        return
    made = 0
    for spec in load_demo_data("courses", "courses")["courses"]:
        if not CoursePage.objects.filter(slug=spec["slug"]).exists():
            _build(catalogue, spec)
            made += 1
    if made:
        stdout.write(f"Created {made} demo courses")
    # Launch routines requires nothing; the Math Menu course builds on it.
    menu = CoursePage.objects.get(slug="designing-a-math-menu")
    launch = CoursePage.objects.get(slug="launch-routines")
    probes = CoursePage.objects.get(slug="formative-probes")
    if not menu.prerequisites.exists():
        menu.prerequisites.add(launch)
        menu.save_revision().publish()

    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=["teacher@example.org", "member@example.org", "seat.teacher@example.org"]
        )
    }

    def lessons_of(course):
        return list(LessonPage.objects.descendant_of(course).live().order_by("path"))

    teacher = users.get("teacher@example.org")
    if teacher and not Enrollment.objects.filter(user=teacher, course=launch).exists():
        services.enrollment_create(user=teacher, course=launch)
        _complete(teacher, lessons_of(launch), 1)
    member = users.get("member@example.org")
    if member and not Enrollment.objects.filter(user=member, course=probes).exists():
        services.enrollment_create(user=member, course=probes)
        # Enrolled ten days ago, so the drip module (day 7) is open.
        Enrollment.objects.filter(user=member, course=probes).update(
            enrolled_at=timezone.now() - timezone.timedelta(days=10)
        )
        lessons = lessons_of(probes)
        _complete(member, lessons, len(lessons) // 2)
    seat = users.get("seat.teacher@example.org")
    if seat and not Enrollment.objects.filter(user=seat, course=launch).exists():
        enrollment = services.enrollment_create(user=seat, course=launch)
        lessons = lessons_of(launch)
        _complete(seat, lessons, len(lessons))
        # The seeder runs in one transaction, so issue the certificate now rather than after commit.
        services.certificate_issue(enrollment_id=enrollment.pk)
    _seed_district_learners(launch, probes, lessons_of)
    stdout.write("Demo learners enrolled: teacher (1 lesson), member (half-way), seat teacher (completed)")


def _seed_district_learners(launch, probes, lessons_of) -> None:
    """Riverside's teachers at different stages, so the leader's dashboard tells a story."""
    from . import services

    stages = [(launch, 3), (probes, 2), (launch, 0)]
    emails = [email for email, *_ in DISTRICT_TEACHERS]
    for user, (course, done) in zip(User.objects.filter(email__in=emails).order_by("email"), stages, strict=False):
        if Enrollment.objects.filter(user=user, course=course).exists():
            continue
        services.enrollment_create(user=user, course=course)
        _complete(user, lessons_of(course), done)


def reset(*, stdout) -> None:
    for course in CoursePage.objects.filter(slug__in=DEMO_SLUGS):
        course.delete()
    stdout.write("Removed demo courses")
