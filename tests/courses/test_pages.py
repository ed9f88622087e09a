"""Page-tree rules, rendering and Wagtail privacy for course pages."""

import pytest
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from home.models import HomePage


class CoursePageTreeTests(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})

    def test_pages_render(self):
        lesson = LessonPageFactory()
        module = lesson.get_parent().specific
        course = module.get_parent().specific
        for page in (course.get_parent().specific, course, module):
            self.assertPageIsRenderable(page)
        # Anonymous visitors get the lesson's outline with a 403 and a way in.
        response = self.client.get(lesson.url)
        self.assertEqual(response.status_code, 403)

    def test_paid_course_needs_a_price(self):
        from django.core.exceptions import ValidationError

        course = CoursePage(title="Menus", slug="menus", summary="x", access_level="paid", price_cents=0)
        with self.assertRaises(ValidationError):
            course.clean()


@pytest.mark.django_db
def test_wagtail_privacy_still_applies_to_lessons(client, free_course, user):
    from courses import services

    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    client.force_login(user)
    assert client.get(lessons[0].url).status_code == 200
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    assert client.get(lessons[0].url).status_code in (302, 403)
    assert client.get(course.url).status_code in (302, 403)


@pytest.mark.django_db
def test_unknown_lesson_path_is_404(client, free_course):
    course, _ = free_course
    assert client.get(course.url + "module-1/no-such-lesson/").status_code == 404
    assert client.get(course.url + "no-such-module/").status_code == 404


@pytest.mark.django_db
def test_lessons_are_routed_without_a_cached_course(client, catalogue, user):
    course = CoursePageFactory(parent=catalogue, title="Alpha", slug="alpha")
    from courses.factories import ModulePageFactory

    module = ModulePageFactory(parent=course, slug="m")
    lesson = LessonPageFactory(parent=module, slug="l", title="Only lesson")
    response = client.get("/courses/alpha/m/l/")
    assert response.status_code == 403 and "Only lesson" in response.content.decode()
    assert LessonPage.objects.get(pk=lesson.pk).course.pk == course.pk
