"""The editor is told when a course's PD hours exceed what its lessons' estimated minutes support."""

import pytest
from wagtail.test.utils.form_data import rich_text

from courses.models import CoursePage
from courses.rules import pd_hours_exceed_lesson_time

pytestmark = pytest.mark.django_db


def test_the_predicate_uses_the_ratio():
    assert not pd_hours_exceed_lesson_time(pd_hours=1.5, lesson_minutes=60, ratio=1.5)
    assert pd_hours_exceed_lesson_time(pd_hours=1.6, lesson_minutes=60, ratio=1.5)
    assert pd_hours_exceed_lesson_time(pd_hours=1, lesson_minutes=0, ratio=1.5)


def _edit_form(course, staff, **changes):
    form_class = CoursePage.get_edit_handler().get_form_class()
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": rich_text("<p>Number strings.</p>"),
        "outcomes": "",
        "pd_hours": "3",
        "estimated_hours": "1",
        "access_level": course.access_level,
        "price_cents": "0",
        "facilitators-TOTAL_FORMS": "0",
        "facilitators-INITIAL_FORMS": "0",
        "facilitators-MIN_NUM_FORMS": "0",
        "facilitators-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return form_class(data, instance=course, parent_page=course.get_parent(), for_user=staff)


def test_the_editor_sees_an_error_on_pd_hours_beyond_the_lessons_minutes(course_builder, staff, settings):
    settings.PD_HOURS_MAX_RATIO = 1.5
    course, lessons = course_builder(modules=2, lessons_per_module=2)  # 4 lessons of 10 minutes
    too_many = _edit_form(course, staff, pd_hours="3")
    too_many.is_valid()
    assert "pd_hours" in too_many.errors
    assert "40 minutes" in too_many.errors["pd_hours"][0]
    fitting = _edit_form(course, staff, pd_hours="1")
    fitting.is_valid()
    assert "pd_hours" not in fitting.errors
