"""The demo seed: three believable courses with checks and reflections, and learners at different stages."""

import pytest
from django.core.management import call_command

from courses.models import Certificate, CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage
from courses.selectors.outline import course_outline

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_courses_with_activities_and_learners_at_different_stages(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))

    courses = {c.slug: c for c in CoursePage.objects.live()}
    assert {"launch-routines", "formative-probes", "designing-a-math-menu"} <= set(courses)
    assert {c.access_level for c in courses.values()} >= {"free", "members", "paid"}
    for course in courses.values():
        assert ModulePage.objects.child_of(course).live().count() >= 2, course.title
        kinds = {b.block_type for lesson in LessonPage.objects.descendant_of(course).live() for b in lesson.body}
        assert {"check", "reflection", "callout", "lesson_structure"} <= kinds, (course.title, kinds)
    menu = courses["designing-a-math-menu"]
    assert list(menu.prerequisites.all()) == [courses["launch-routines"]]

    def stage(email, slug):
        enrollment = Enrollment.objects.get(user__email=email, course__slug=slug)
        return course_outline(course=courses[slug], user=enrollment.user).percent, enrollment

    started, _ = stage("teacher@example.org", "launch-routines")
    halfway, _ = stage("member@example.org", "formative-probes")
    finished, enrollment = stage("seat.teacher@example.org", "launch-routines")
    assert 0 < started < halfway < finished == 100
    assert enrollment.completed_at is not None
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.pdf and certificate.course_title == courses["launch-routines"].title
    assert LessonCompletion.objects.filter(user__email="member@example.org").exists()
