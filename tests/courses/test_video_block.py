"""Issue 16: video as content. An uploaded video plays in an accessible <video> with captions and a transcript,
its file is gated as its lesson is, and a captions file that is not WebVTT is refused with a clear message."""

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.models import Document

from core.blocks import BaseStreamBlock, VideoBlock
from courses import services
from courses.factories import LessonPageFactory

pytestmark = pytest.mark.django_db

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWhat is 8 + 2?\n"


def _video_documents():
    video = Document.objects.create(title="Number string video", file=ContentFile(b"\x00\x00\x00 ftypmp42", "ns.mp4"))
    captions = Document.objects.create(title="Number string captions", file=ContentFile(VTT, name="ns.vtt"))
    return video, captions


@pytest.fixture
def video_lesson(course_builder):
    course, lessons = course_builder(access_level="members", title="Number strings", slug="number-strings")
    video, captions = _video_documents()
    lesson = LessonPageFactory(
        parent=lessons[0].get_parent(),
        title="A number string in one minute",
        slug="a-number-string",
        body=[
            (
                "video",
                {
                    "title": "A number string",
                    "file": video,
                    "embed": None,
                    "captions": captions,
                    "transcript": "<p>TRANSCRIPT: first, what is 8 + 2?</p>",
                },
            )
        ],
    )
    return course, lesson, video, captions


def test_video_plays_in_video_element_with_captions_track_and_transcript(client, video_lesson, member):
    course, lesson, video, captions = video_lesson
    services.enrollment_create(user=member, course=course)
    client.force_login(member)
    html = client.get(lesson.url).content.decode()
    assert "<video" in html and " controls" in html
    assert f'<source src="{video.url}" type="video/mp4">' in html
    assert f'<track kind="captions" srclang="en" label="English" src="{captions.url}" default>' in html
    assert "TRANSCRIPT: first, what is 8 + 2?" in html
    # The transcript follows the player, outside any collapsed <details>.
    assert html.index("</video>") < html.index("TRANSCRIPT")
    # The member may fetch both files through the document view.
    assert client.get(video.url).status_code == 200
    assert client.get(captions.url).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "free"])
def test_video_file_of_members_only_lesson_is_refused_to_non_members(client, video_lesson, user, who):
    course, lesson, video, captions = video_lesson
    if who == "free":
        client.force_login(user)
    for document in (video, captions):
        response = client.get(document.url)
        assert response.status_code in (302, 403)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert b"ftypmp42" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_captions_that_are_not_webvtt_are_refused_with_a_clear_message():
    video, _ = _video_documents()
    srt = Document.objects.create(
        title="Wrong format", file=ContentFile(b"1\n00:00:00,000 --> 00:00:02,000\nHi\n", "c.vtt")
    )
    value = VideoBlock().to_python({"file": video.pk, "captions": srt.pk, "transcript": ""})
    with pytest.raises(StructBlockValidationError) as refused:
        VideoBlock().clean(value)
    message = str(refused.value.block_errors["captions"].messages[0])
    assert 'first line must be "WEBVTT"' in message

    not_vtt = Document.objects.create(title="Notes", file=ContentFile(b"WEBVTT", "notes.txt"))
    with pytest.raises(StructBlockValidationError) as refused:
        VideoBlock().clean(VideoBlock().to_python({"file": video.pk, "captions": not_vtt.pk}))
    assert ".vtt" in str(refused.value.block_errors["captions"].messages[0])


def test_good_webvtt_passes_and_a_video_needs_a_file_or_link():
    video, captions = _video_documents()
    cleaned = VideoBlock().clean(VideoBlock().to_python({"file": video.pk, "captions": captions.pk}))
    assert cleaned["captions"] == captions
    with pytest.raises(StructBlockValidationError) as refused:
        VideoBlock().clean(VideoBlock().to_python({}))
    assert "video" in str(refused.value.block_errors["file"].messages[0])


def test_older_video_blocks_still_render_their_embed_and_transcript():
    """Content saved with the previous block (embed under "video", plain-text transcript) keeps working."""
    stream = BaseStreamBlock().to_python(
        [{"type": "video", "value": {"video": "https://example.org/v/1", "transcript": "Line one\nLine two"}}]
    )
    value = stream[0].value
    assert value["embed"].url == "https://example.org/v/1"
    assert "Line one<br>Line two" in value["transcript"].source


def test_uploading_a_vtt_that_is_not_webvtt_is_refused_with_a_clear_message(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents.forms import get_document_form
    from wagtail.models import Collection

    form_class = get_document_form(Document)
    collection = Collection.get_first_root_node().pk

    def upload(content: bytes):
        return form_class(
            data={"title": "Captions", "collection": collection},
            files={"file": SimpleUploadedFile("captions.vtt", content, content_type="text/vtt")},
            user=staff,
        )

    refused = upload(b"1\n00:00:00,000 --> 00:00:02,000\nHi\n")
    assert not refused.is_valid()
    assert 'first line must be "WEBVTT"' in refused.errors["file"][0]
    assert upload(b"\xef\xbb\xbfWEBVTT\n\n00:00.000 --> 00:02.000\nHi\n").is_valid()
