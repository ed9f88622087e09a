"""Issue 16: a past workshop's recording as a captioned video, gated like the recording, linking slides and a course."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from courses.factories import CourseIndexPageFactory, CoursePageFactory
from resources.factories import ResourceIndexPageFactory, ResourcePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_workshop(make_event, home_page):
    video = Document.objects.create(title="Recording", file=ContentFile(b"\x00\x00\x00 ftypmp42", name="rec.mp4"))
    captions = Document.objects.create(title="Captions", file=ContentFile(b"WEBVTT\n", name="rec.vtt"))
    slides = ResourcePageFactory(parent=ResourceIndexPageFactory(parent=home_page), title="Work Sort slides")
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page), title="Sorting student work")
    event = make_event(
        title="Work Sort workshop",
        recording_videos=[
            (
                "video",
                {"title": "Day one", "file": video, "captions": captions, "transcript": "<p>REC-TRANSCRIPT</p>"},
            )
        ],
        recording_slides=slides,
        follow_up_course=course,
    )
    return event, video, slides, course


def test_member_sees_the_captioned_recording_slides_and_follow_up_course(client, recorded_workshop, member):
    event, video, slides, course = recorded_workshop
    client.force_login(member)
    html = client.get(event.url).content.decode()
    assert f'<source src="{video.url}" type="video/mp4">' in html
    assert '<track kind="captions" srclang="en"' in html and "REC-TRANSCRIPT" in html
    assert f'href="{slides.url}">Slides: Work Sort slides</a>' in html
    assert f'href="{course.url}">Follow-up course: Sorting student work</a>' in html
    assert client.get(video.url).status_code == 200


def test_recording_video_is_refused_to_a_free_account(client, recorded_workshop, user):
    event, video, slides, course = recorded_workshop
    client.force_login(user)
    html = client.get(event.url).content.decode()
    assert video.url not in html and "REC-TRANSCRIPT" not in html
    assert client.get(video.url).status_code == 403
