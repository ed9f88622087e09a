import pytest
from django.core.management import call_command
from wagtail.models import Page

from courses.models import CourseIndexPage
from events.models import EventIndexPage
from members.factories import UserFactory
from resources.models import ResourceIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))


def test_course_resource_and_event_trees_go_through_moderation(seeded):
    for model in (CourseIndexPage, ResourceIndexPage, EventIndexPage):
        workflow = model.objects.get().get_workflow()
        assert workflow is not None and workflow.name == "Review before publishing"
        assert [task.name for task in workflow.tasks] == ["Moderator approval"]


def test_editors_draft_and_moderators_publish(seeded):
    from django.contrib.auth.models import Group

    editor = UserFactory(email="drafter@example.org")
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = UserFactory(email="approver@example.org")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    course_index = Page.objects.type(CourseIndexPage).get()

    editor_perms = course_index.permissions_for_user(editor)
    moderator_perms = course_index.permissions_for_user(moderator)
    assert editor_perms.can_add_subpage() and editor_perms.can_edit()
    assert not editor_perms.can_publish()
    assert moderator_perms.can_publish()


def test_beat_task_publishes_scheduled_pages():
    from datetime import timedelta

    from django.utils import timezone

    from home.factories import StandardPageFactory, site_home
    from home.tasks import publish_scheduled

    page = StandardPageFactory(parent=site_home(), title="Summer institute", live=False)
    page.go_live_at = timezone.now() + timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live  # scheduled, not yet published

    # An hour passes: move the schedule into the past instead of waiting.
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    publish_scheduled.delay()
    page.refresh_from_db()
    assert page.live
    assert "publish-scheduled-pages" in __import__("django.conf").conf.settings.CELERY_BEAT_SCHEDULE


def test_setup_editorial_command_is_repeatable(seeded):
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow

    call_command("setup_editorial", stdout=open("/dev/null", "w"))
    call_command("setup_editorial", stdout=open("/dev/null", "w"))
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2
    assert Workflow.objects.filter(name="Review before publishing").count() == 1
