"""seed_scale at a tiny scale: the expected counts, a valid page tree, searchable pages, repeatable --force."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage
from events.models import EventCapacity, EventPage, Registration
from home import scale
from members.models import User
from resources.models import DownloadLog, ResourcePage

pytestmark = pytest.mark.django_db
SCALE = 0.002


def _scale_state():
    users = User.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}")
    courses = CoursePage.objects.filter(slug__startswith=scale.SLUG_PREFIX)
    return {
        "users": users.count(),
        "courses": courses.count(),
        "modules": sum(ModulePage.objects.child_of(c).count() for c in courses),
        "lessons": sum(LessonPage.objects.descendant_of(c).count() for c in courses),
        "resources": ResourcePage.objects.filter(slug__startswith=scale.SLUG_PREFIX).count(),
        "workshops": EventPage.objects.filter(slug__startswith=scale.SLUG_PREFIX).count(),
        "completions": LessonCompletion.objects.filter(user__in=users).count(),
        "downloads": DownloadLog.objects.filter(user__in=users).count(),
        "titles": sorted(Page.objects.filter(slug__startswith=scale.SLUG_PREFIX).values_list("title", flat=True)),
    }


def _seed(*args):
    out = io.StringIO()
    call_command("seed_scale", "--scale", str(SCALE), *args, stdout=out)
    return out.getvalue()


def test_seed_scale_builds_the_expected_data_in_a_valid_tree(client):
    _seed()
    expected = scale.counts(SCALE)
    state = _scale_state()
    assert {k: v for k, v in state.items() if k != "titles"} == {
        "users": expected["users"],
        "courses": expected["courses"],
        "modules": expected["courses"] * scale.MODULES_PER_COURSE,
        "lessons": expected["courses"] * scale.MODULES_PER_COURSE * scale.LESSONS_PER_MODULE,
        "resources": expected["resources"],
        "workshops": expected["workshops"],
        "completions": expected["completions"],
        "downloads": expected["downloads"],
    }
    # treebeard's own consistency check: paths, depths and child counts of the bulk-built pages.
    assert Page.find_problems() == ([], [], [], [], [])
    assert all(p.url_path == p.get_parent().url_path + p.slug + "/" for p in Page.objects.filter(depth__gte=3))
    # Every completion has its enrollment, and workshop counters match their registrations.
    completed_pairs = set(LessonCompletion.objects.values_list("user_id", "course_id").distinct())
    assert completed_pairs <= set(Enrollment.objects.values_list("user_id", "course_id"))
    for counter in EventCapacity.objects.filter(event__slug__startswith=scale.SLUG_PREFIX):
        confirmed = Registration.objects.filter(event_id=counter.event_id, status="confirmed").count()
        assert counter.seats_taken == confirmed <= counter.capacity

    # The pages serve and are in the search index.
    resource = ResourcePage.objects.filter(slug__startswith=scale.SLUG_PREFIX).first()
    assert client.get(resource.url).status_code == 200
    assert resource.pk in [p.pk for p in ResourcePage.objects.live().search(resource.title.split(":")[1])]
    member = User.objects.get(email=scale.BENCH_MEMBER_EMAIL)
    client.force_login(member)
    lesson = LessonPage.objects.descendant_of(member.enrollments.first().course).first()
    assert client.get(lesson.url).status_code == 200
    assert client.get("/my-learning/").status_code == 200
    assert client.get(f"/{scale.PLAIN_PAGE_SLUG}/").status_code == 200


def test_seed_scale_is_repeatable_and_force_rebuilds():
    _seed()
    first = _scale_state()
    assert "already present" in _seed()
    assert _scale_state() == first
    _seed("--force")
    assert _scale_state() == first
    assert Page.find_problems() == ([], [], [], [], [])


def test_seed_scale_rejects_a_bad_scale():
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_scale", "--scale", "0", stdout=io.StringIO())
