"""The demo content lives in data files; seed_demo seeds exactly what it seeded when the data was Python."""

import pytest
from django.core.management import call_command

from core.demo_data import load_demo_data

pytestmark = pytest.mark.django_db


def test_each_seeder_reads_its_data_file():
    assert len(load_demo_data("resources", "resources")["resources"]) == 34
    assert [c["slug"] for c in load_demo_data("courses", "courses")["courses"]] == [
        "launch-routines",
        "formative-probes",
        "designing-a-math-menu",
    ]
    workshops = load_demo_data("events", "workshops")
    assert (len(workshops["upcoming"]), len(workshops["past"])) == (5, 2)


def test_seed_demo_counts_and_titles_are_unchanged(django_capture_on_commit_callbacks):
    from wagtail.documents import get_document_model

    from courses.models import Certificate, CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage
    from events.models import Attendee, EventPage, Registration
    from resources.models import DownloadLog, ResourcePage, SavedResource, SearchTerm

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))

    models = [
        CoursePage,
        ModulePage,
        LessonPage,
        Enrollment,
        LessonCompletion,
        Certificate,
        ResourcePage,
        DownloadLog,
        SavedResource,
        SearchTerm,
        EventPage,
        Registration,
        Attendee,
        get_document_model(),
    ]
    # Measured on the seeders before the content moved to demo/*.json.
    assert {m.__name__: m.objects.count() for m in models} == {
        "CoursePage": 3,
        "ModulePage": 7,
        "LessonPage": 15,
        "Enrollment": 6,
        "LessonCompletion": 14,
        "Certificate": 1,
        "ResourcePage": 34,
        "DownloadLog": 59,
        "SavedResource": 6,
        "SearchTerm": 6,
        "EventPage": 7,
        "Registration": 9,
        "Attendee": 11,
        # 34 resource files + issue 16's demo lesson video and its captions + the hubs' explainer and captions
        "Document": 38,
    }
    lessons = [p.title for p in LessonPage.objects.order_by("path")]
    assert lessons[:3] == ["What a launch is for", "Three routines at a glance", "Choosing the problem"]
    resources = [p.title for p in ResourcePage.objects.order_by("path")]
    assert resources[-2:] == ["Middle school workshop model: recording", "Linear functions card sort"]
    assert [p.title for p in EventPage.objects.order_by("path")] == [
        "Number strings that build multiplication strategies (grades 3-5)",
        "Launching the Math Menu in K-2 classrooms",
        "Formative probes and the Work Sort protocol",
        "Summer institute: High Leverage Concepts in middle school",
        "Clinical interviews: listening to student thinking",
        "Number talks for the first weeks of school",
        "Intervention planning with tiers of support",
    ]
    blocks = {b.block_type for lesson in LessonPage.objects.all() for b in lesson.body}
    assert blocks == {"callout", "check", "lesson_structure", "paragraph", "reflection", "video"}
    video = next(b.value for b in LessonPage.objects.get(title="What a launch is for").body if b.block_type == "video")
    assert video["file"].file_extension == "mp4" and video["captions"].file_extension == "vtt"
    agenda = EventPage.objects.get(slug="number-strings-multiplication-3-5").body
    assert [b.block_type for b in agenda] == ["paragraph", "agenda"]
