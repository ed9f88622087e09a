import pytest

from courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    check_block,
    reflection_block,
)


@pytest.fixture
def catalogue(home_page):
    return CourseIndexPageFactory(parent=home_page)


def build_course(catalogue, *, modules=2, lessons_per_module=2, **course_kwargs):
    """A course with modules and text lessons; returns (course, [lessons in order])."""
    course = CoursePageFactory(parent=catalogue, **course_kwargs)
    lessons = []
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"Module {m + 1}", slug=f"module-{m + 1}")
        for n in range(lessons_per_module):
            lessons.append(
                LessonPageFactory(parent=module, title=f"Lesson {m + 1}.{n + 1}", slug=f"lesson-{m + 1}-{n + 1}")
            )
    return course, lessons


@pytest.fixture
def course_builder(catalogue):
    def build(**kwargs):
        return build_course(catalogue, **kwargs)

    return build


@pytest.fixture
def free_course(course_builder):
    return course_builder(title="Launch routines", slug="launch-routines")


@pytest.fixture
def activity_lesson(free_course):
    """A lesson that completes itself when its check is right and its reflection is written."""
    course, lessons = free_course
    module = lessons[0].get_parent()
    return LessonPageFactory(
        parent=module,
        title="Try a number string",
        slug="try-a-number-string",
        completion_rule="activities",
        body=[("paragraph", "<p>Read the string aloud.</p>"), check_block(), reflection_block()],
    )
