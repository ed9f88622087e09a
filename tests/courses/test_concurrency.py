"""Two final completions at the same moment issue exactly one certificate (needs PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import close_old_connections

from courses import services
from courses.models import Certificate, Enrollment, LessonCompletion
from tests.conftest import require_service


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_final_completions_issue_one_certificate(free_course, user):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("Row locks and concurrent transactions need PostgreSQL (DATABASE_URL=postgres://...)")
    require_service("PostgreSQL", "127.0.0.1", 5432)
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    for lesson in lessons[:-2]:
        services.lesson_complete(user=user, lesson=lesson)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def finish(lesson):
        try:
            barrier.wait()
            results.append(services.lesson_complete(user=user, lesson=lesson))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()

    # The two remaining lessons finish at once, in two browser tabs.
    threads = [threading.Thread(target=finish, args=(lesson,)) for lesson in lessons[-2:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert LessonCompletion.objects.filter(user=user).count() == len(lessons)
    assert sum(r.course_completed for r in results) == 1
    assert Enrollment.objects.get(user=user).completed_at is not None
    assert Certificate.objects.filter(user=user).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_completion_calls_complete_once(free_course, user):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL")
    course, _ = free_course
    enrollment = services.enrollment_create(user=user, course=course)
    barrier = threading.Barrier(4)
    wins = []

    def complete():
        try:
            barrier.wait()
            wins.append(services.enrollment_mark_complete(enrollment=Enrollment.objects.get(pk=enrollment.pk)))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=complete) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
