"""Each course rule is one predicate in courses.rules; each test hits the predicate and one caller."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import rules, services
from courses.selectors import course_outline
from members.access import refresh_entitlements

pytestmark = pytest.mark.django_db


# --- prerequisites ---
def test_prerequisites_are_met_once_completed_and_never_hold_staff_back(user, staff, course_builder):
    first, _ = course_builder(title="First", slug="first")
    second, _ = course_builder(title="Second", slug="second")
    assert rules.missing_prerequisite_ids(user, [first.pk]) == {first.pk}
    assert not rules.prerequisites_met(user, [first.pk])
    assert rules.prerequisites_met(user, [first.pk], completed_ids=[first.pk])
    assert rules.prerequisites_met(staff, [first.pk])
    assert rules.prerequisites_met(user, [])
    # A caller: enrolling is refused while the prerequisite is missing, allowed once it is done.
    second.prerequisites.add(first)
    second.save()
    with pytest.raises(services.EnrollmentRefused):
        services.enrollment_create(user=user, course=second)
    enrollment = services.enrollment_create(user=user, course=first)
    services.enrollment_mark_complete(enrollment=enrollment)
    refresh_entitlements(user)
    assert services.enrollment_create(user=user, course=second).course_id == second.pk


# --- drip release ---
def test_a_module_opens_its_days_after_enrolling_and_is_always_open_to_staff(user, staff):
    enrolled = timezone.now()
    opens = rules.module_opens_on(release_after_days=7, enrolled_at=enrolled)
    assert opens == enrolled + timedelta(days=7)
    assert rules.module_opens_on(release_after_days=None, enrolled_at=enrolled) is None
    assert rules.module_opens_on(release_after_days=7, enrolled_at=None) is None
    assert not rules.module_is_open(user, opens_on=opens)
    assert rules.module_is_open(user, opens_on=opens, now=opens)
    assert rules.module_is_open(user, opens_on=None)
    assert rules.module_is_open(staff, opens_on=opens)


def test_the_outline_and_the_progress_service_lock_the_same_module(user, staff, free_course):
    course, lessons = free_course
    module = lessons[2].get_parent().specific
    module.release_after_days = 7
    module.save_revision().publish()
    for person in (user, staff):
        services.enrollment_create(user=person, course=course)
        refresh_entitlements(person)
    assert course_outline(course=course, user=user).lesson(lessons[2].pk).locked
    with pytest.raises(services.ProgressError, match="opens on"):
        services.lesson_complete(user=user, lesson=lessons[2])
    # Staff checking the course see the module open in the outline and may work through it.
    assert not course_outline(course=course, user=staff).lesson(lessons[2].pk).locked
    assert services.lesson_complete(user=staff, lesson=lessons[2]).lesson_completed
