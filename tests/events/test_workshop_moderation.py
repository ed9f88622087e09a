"""A live workshop edited by an Editor waits for a Moderator: capacity and price never go live from her hands."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.models import EventPage
from home.services import editorial_workflow_setup
from members.factories import UserFactory

pytestmark = pytest.mark.django_db


def _edit_data(event, **changes):
    start = timezone.localtime(event.start, event.zone)
    data = {
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "body": streamfield([]),
        "start": (start).strftime("%Y-%m-%d %H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "timezone": event.timezone,
        "format": event.format,
        "venue_name": "",
        "address": "",
        "virtual_link": event.virtual_link,
        "virtual_instructions": "",
        "facilitators": "",
        "audience": "",
        "pd_hours": "2",
        "recording_video": "",
        "recording_notes": "",
        "recording_videos": streamfield([]),
        "capacity": str(event.capacity),
        "price": "0",
        "member_price": "",
        "cancellation_cutoff_hours": "48",
        "seo_title": "",
        "search_description": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "sessions": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


@pytest.fixture
def editorial(make_event):
    event = make_event(capacity=30)
    editorial_workflow_setup()
    editor = UserFactory(email="editor-in-chief@example.org")
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = UserFactory(email="moderator@example.org")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return event, editor, moderator


def test_workshop_pages_fall_under_the_review_workflow(editorial):
    event, editor, moderator = editorial
    assert event.get_workflow() is not None and event.get_workflow().name == "Review before publishing"
    assert not event.permissions_for_user(editor).can_publish()
    assert event.permissions_for_user(moderator).can_publish()


def test_an_editor_cannot_publish_a_workshop_change_directly(client, editorial):
    event, editor, _ = editorial
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    response = client.post(url, _edit_data(event, capacity="99", price="45", **{"action-publish": "publish"}))
    assert response.status_code in (200, 302)
    live = EventPage.objects.get(pk=event.pk)
    assert (live.capacity, live.price) == (30, 0)  # nothing went live
    latest = live.get_latest_revision_as_object()
    assert latest.capacity == 99  # the change is kept as a draft

    client.post(url, _edit_data(event, capacity="99", price="45", **{"action-submit": "submit"}))
    live.refresh_from_db()
    assert live.capacity == 30
    assert WorkflowState.objects.filter(
        base_content_type__isnull=False, object_id=str(event.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
