"""Factories for course pages and learning records (tests and the demo seeder use them)."""

import factory
from django.utils import timezone

from home.factories import PageFactory
from members.factories import UserFactory

from .models import (
    Certificate,
    CheckAnswer,
    CourseFacilitator,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    ReflectionResponse,
)


class CourseIndexPageFactory(PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


def _catalogue():
    return CourseIndexPage.objects.first() or CourseIndexPageFactory()


class CoursePageFactory(PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Number strings in practice {n}")
    summary = factory.LazyAttribute(lambda o: f"A self-paced course: {o.title.lower()}.")
    pd_hours = 3
    estimated_hours = 3
    access_level = "free"
    grade_bands = factory.LazyFunction(lambda: ["3-5"])

    @classmethod
    def _default_parent(cls):
        return _catalogue()


class CourseFacilitatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseFacilitator

    course = factory.SubFactory(CoursePageFactory)
    name = factory.Sequence(lambda n: f"Facilitator {n}")
    role = "Math coach"


class ModulePageFactory(PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")

    @classmethod
    def _default_parent(cls):
        return CoursePageFactory()


class LessonPageFactory(PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    estimated_minutes = 10
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Ask students to explain how they solved it.</p>")])

    @classmethod
    def _default_parent(cls):
        return ModulePageFactory()


def check_block(question="Which move keeps the sum the same?", correct="Give one to the other addend"):
    """A check-for-understanding block value with one right and one wrong option."""
    return (
        "check",
        {
            "question": question,
            "options": [
                {"text": correct, "is_correct": True, "feedback": "Yes: what one addend gains, the other loses."},
                {"text": "Add ten to both", "is_correct": False, "feedback": "That changes the total by twenty."},
            ],
        },
    )


def reflection_block(prompt="What did your students notice?"):
    return ("reflection", {"prompt": prompt, "guidance": ""})


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)
    source = Enrollment.Source.FREE


class LessonCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonCompletion

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    course = factory.LazyAttribute(lambda o: o.lesson.course)


class CheckAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckAnswer

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    block_id = factory.Sequence(lambda n: f"block-{n}")
    option_id = "option"


class ReflectionResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReflectionResponse

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonPageFactory)
    block_id = factory.Sequence(lambda n: f"block-{n}")
    text = "Two students used a number line I had not modelled."


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    enrollment = factory.SubFactory(EnrollmentFactory, completed_at=factory.LazyFunction(timezone.now))
    user = factory.LazyAttribute(lambda o: o.enrollment.user)
    course = factory.LazyAttribute(lambda o: o.enrollment.course)
    code = factory.Sequence(lambda n: f"testcode{n:08d}")
    learner_name = "Tess Alvarez"
    course_title = factory.LazyAttribute(lambda o: o.course.title)
    pd_hours = 3
    completed_on = factory.LazyFunction(timezone.localdate)
