"""Course, lesson and certificate pages as learners and visitors see them."""

import pytest
from django.urls import reverse

from courses import services
from courses.factories import LessonPageFactory
from courses.models import Certificate, CheckAnswer, Enrollment, LessonCompletion, ReflectionResponse
from members.factories import UserFactory

pytestmark = pytest.mark.django_db


def _check(lesson):
    block = next(b for b in lesson.body if b.block_type == "check")
    return block, [(c.id, c.value) for c in block.value["options"].bound_blocks]


# --- gating ---
@pytest.fixture
def gated_lesson(course_builder, django_user_model):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    course, lessons = course_builder(access_level="members", title="Formative probes", slug="formative-probes")
    document = Document.objects.create(title="Probe: sharing a dozen", file=ContentFile(b"probe", name="probe.pdf"))
    lesson = LessonPageFactory(
        parent=lessons[0].get_parent(),
        title="Reading a probe",
        slug="reading-a-probe",
        body=[
            ("paragraph", "<p>SECRET-BODY: sort the probes by strategy.</p>"),
            ("video", {"title": "", "embed": None, "file": document, "transcript": "SECRET-TRANSCRIPT"}),
            ("document", {"document": document, "label": "The probe"}),
            (
                "check",
                {
                    "question": "What does a probe reveal?",
                    "options": [
                        {"text": "How the student thinks", "is_correct": True, "feedback": "SECRET-FEEDBACK-RIGHT"},
                        {"text": "Only the answer", "is_correct": False, "feedback": "SECRET-FEEDBACK-WRONG"},
                    ],
                },
            ),
        ],
    )
    return course, lesson, document


@pytest.mark.parametrize("who", ["anonymous", "free"])
def test_visitor_without_access_gets_outline_and_way_in_never_body_files_or_answers(client, gated_lesson, user, who):
    course, lesson, document = gated_lesson
    if who == "free":
        client.force_login(user)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Reading a probe" in html and "Lesson 1.1" in html  # outline titles
    for secret in ("SECRET-BODY", "SECRET-TRANSCRIPT", "SECRET-FEEDBACK", "How the student thinks", document.url):
        assert secret not in html
    if who == "anonymous":
        assert reverse("account_login") in html
    else:
        assert reverse("members:join") in html
    # The file itself is refused by the document hook through document_access_decision.
    assert lesson.document_access_decision(user if who == "free" else None) is not None
    assert not lesson.document_access_decision(user)


def test_member_enrolled_sees_body_but_never_correctness_before_answering(client, gated_lesson, member):
    course, lesson, document = gated_lesson
    services.enrollment_create(user=member, course=course)
    client.force_login(member)
    html = client.get(lesson.url).content.decode()
    assert "SECRET-BODY" in html and document.url in html and "How the student thinks" in html
    assert "SECRET-FEEDBACK" not in html
    assert "is_correct" not in html and "quiz__option--correct" not in html and "quiz__feedback" not in html
    assert lesson.document_access_decision(member)


def test_lesson_file_is_refused_by_url_unless_the_lesson_is_open(client, gated_lesson, user, member):
    """The file behind a lesson's video and download goes through the document gate, not just the page."""
    from urllib.parse import parse_qs, urlparse

    course, lesson, document = gated_lesson
    response = client.get(document.url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert parse_qs(urlparse(response["Location"]).query)["next"] == [document.url]
    client.force_login(user)
    response = client.get(document.url)
    assert response.status_code == 403 and b"probe" not in response.content
    client.force_login(member)
    assert client.get(document.url).status_code == 403  # a member still enrolls before the lesson files open
    services.enrollment_create(user=member, course=course)
    response = client.get(document.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"probe"


def test_answer_is_checked_on_the_server_and_feedback_shown_for_the_chosen_option(client, gated_lesson, member):
    course, lesson, _ = gated_lesson
    services.enrollment_create(user=member, course=course)
    client.force_login(member)
    block, options = _check(lesson)
    wrong = next(oid for oid, value in options if not value["is_correct"])
    url = reverse("courses:check_answer", args=[lesson.pk, block.id])
    response = client.post(url, {"option": wrong})
    assert response.status_code == 302 and response["Location"].endswith(f"#check-{block.id}")
    html = client.get(lesson.url).content.decode()
    assert "SECRET-FEEDBACK-WRONG" in html and "SECRET-FEEDBACK-RIGHT" not in html
    assert "quiz__feedback--incorrect" in html
    assert CheckAnswer.objects.get(user=member, block_id=block.id).is_correct is False


def test_check_answer_needs_csrf(gated_lesson, member):
    from django.test import Client

    course, lesson, _ = gated_lesson
    services.enrollment_create(user=member, course=course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    block, options = _check(lesson)
    response = client.post(reverse("courses:check_answer", args=[lesson.pk, block.id]), {"option": options[0][0]})
    assert response.status_code == 403
    assert not CheckAnswer.objects.exists()


def test_lapsed_member_cannot_record_progress(client, gated_lesson, user):
    course, lesson, _ = gated_lesson
    services.enrollment_grant(user=user, course=course)
    Enrollment.objects.filter(user=user).update(source=Enrollment.Source.MEMBERSHIP)
    client.force_login(user)
    response = client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert response.status_code == 302
    assert not LessonCompletion.objects.exists()


def test_editor_can_preview_a_lesson_without_enrolling(client, gated_lesson, staff):
    course, lesson, _ = gated_lesson
    client.force_login(staff)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert response.status_code == 200
    assert "SECRET-BODY" in response.content.decode()
    assert not Enrollment.objects.exists()


# --- enrollment by POST ---
def test_enroll_is_post_only_and_redirects_to_the_first_lesson(client, free_course, user):
    course, lessons = free_course
    client.force_login(user)
    url = reverse("courses:enroll", args=[course.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == lessons[0].url
    assert Enrollment.objects.get(user=user).source == "free"


def test_enroll_refused_says_why_on_the_course_page(client, course_builder, user):
    course, _ = course_builder(access_level="members")
    client.force_login(user)
    response = client.post(reverse("courses:enroll", args=[course.pk]), follow=True)
    assert "This is for members" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_prerequisite_message_names_the_missing_course_on_the_course_page(client, course_builder, user):
    first, _ = course_builder(title="Number talks 101", slug="nt-101")
    second, _ = course_builder(title="Number strings 201", slug="ns-201")
    second.prerequisites.add(first)
    second.save_revision().publish()
    client.force_login(user)
    html = client.get(second.url).content.decode()
    assert "Complete “Number talks 101” before you enroll" in html
    assert reverse("courses:enroll", args=[second.pk]) not in html


def test_buy_creates_an_order_and_redirects_to_checkout(client, course_builder, user, fake_stripe):
    from members.models import Order

    course, _ = course_builder(access_level="paid", price_cents=4900)
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert "$49" in html and reverse("courses:buy", args=[course.pk]) in html
    response = client.post(reverse("courses:buy", args=[course.pk]))
    assert response.status_code == 302
    order = Order.objects.get(user=user, page=course)
    assert order.kind == Order.Kind.COURSE and order.amount_cents == 4900
    assert response["Location"].startswith("http")


# --- the course page CTA ---
@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", "Sign in to enroll"), ("free", "Enroll in this course"), ("enrolled", "Start the course")],
)
def test_course_page_has_one_clear_call_to_action(client, free_course, user, who, expected):
    course, _ = free_course
    if who != "anonymous":
        client.force_login(user)
    if who == "enrolled":
        services.enrollment_create(user=user, course=course)
    html = client.get(course.url).content.decode()
    assert expected in html
    assert "Course outline" in html and "Lesson 2.2" in html


def test_continue_after_progress_and_review_after_completion(
    client, free_course, user, django_capture_on_commit_callbacks
):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    services.lesson_complete(user=user, lesson=lessons[0])
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert "Continue" in html and lessons[1].url in html and "25%" in html
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[1:]:
            services.lesson_complete(user=user, lesson=lesson)
    html = client.get(course.url).content.decode()
    assert "Review the course" in html and "View your certificate" in html


# --- lesson page flow ---
def test_lesson_page_shows_position_outline_and_mark_complete(client, free_course, user):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    client.force_login(user)
    html = client.get(lessons[2].url).content.decode()
    assert "Module 2 · Lesson 3 of 4" in html
    assert 'aria-current="step"' in html
    assert "Mark complete and continue" in html
    assert lessons[1].url in html and lessons[3].url in html  # previous and next
    assert Enrollment.objects.get(user=user).last_lesson_id == lessons[2].pk


def test_mark_complete_moves_to_next_lesson_and_final_one_shows_completion(
    client, free_course, user, django_capture_on_commit_callbacks
):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    client.force_login(user)
    response = client.post(reverse("courses:lesson_complete", args=[lessons[0].pk]))
    assert response["Location"] == lessons[1].url
    for lesson in lessons[1:3]:
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:lesson_complete", args=[lessons[3].pk]))
    assert response["Location"] == reverse("courses:completed", args=[course.pk])
    html = client.get(response["Location"]).content.decode()
    assert "You completed" in html and "PD hours earned" in html and "Download the PDF" in html


def test_reflection_is_private_to_its_author(client, free_course, activity_lesson, user):
    course, _ = free_course
    other = UserFactory()
    for learner in (user, other):
        services.enrollment_create(user=learner, course=course)
    block_id = next(b.id for b in activity_lesson.body if b.block_type == "reflection")
    client.force_login(user)
    client.post(reverse("courses:reflection_save", args=[activity_lesson.pk, block_id]), {"text": "MY-PRIVATE-NOTE"})
    assert ReflectionResponse.objects.get(user=user).text == "MY-PRIVATE-NOTE"
    assert "MY-PRIVATE-NOTE" in client.get(activity_lesson.url).content.decode()
    client.force_login(other)
    assert "MY-PRIVATE-NOTE" not in client.get(activity_lesson.url).content.decode()


def test_empty_reflection_gets_a_clear_message(client, free_course, activity_lesson, user):
    course, _ = free_course
    services.enrollment_create(user=user, course=course)
    block_id = next(b.id for b in activity_lesson.body if b.block_type == "reflection")
    client.force_login(user)
    response = client.post(
        reverse("courses:reflection_save", args=[activity_lesson.pk, block_id]), {"text": ""}, follow=True
    )
    assert "Write a few words" in response.content.decode()


def test_learner_reset_has_a_confirmation_step(client, free_course, user):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    services.lesson_complete(user=user, lesson=lessons[0])
    client.force_login(user)
    url = reverse("courses:reset", args=[course.pk])
    assert "Yes, reset my progress" in client.get(url).content.decode()
    assert LessonCompletion.objects.count() == 1
    client.post(url)
    assert LessonCompletion.objects.count() == 0


# --- certificates ---
@pytest.fixture
def certificate(free_course, user, django_capture_on_commit_callbacks):
    course, lessons = free_course
    services.enrollment_create(user=user, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            services.lesson_complete(user=user, lesson=lesson)
    return Certificate.objects.get(user=user)


def test_public_verify_page_shows_valid_then_revoked(client, certificate):
    url = reverse("courses:certificate_verify", args=[certificate.code])
    assert url == f"/certificates/{certificate.code}/"
    html = client.get(url).content.decode()
    assert "Valid certificate" in html and certificate.course_title in html
    services.certificate_revoke(certificate=certificate, reason="Duplicate account")
    html = client.get(url).content.decode()
    assert "Revoked" in html and "Valid certificate" not in html
    assert client.get(reverse("courses:certificate_verify", args=["not-a-code"])).status_code == 404


def test_pdf_download_for_owner_and_staff_only(client, certificate, staff):
    url = reverse("courses:certificate_pdf", args=[certificate.code])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(certificate.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(staff)
    assert client.get(url).status_code == 200


# --- catalogue ---
def test_catalogue_filters_search_counts_and_progress(client, course_builder, catalogue, user):
    free, lessons = course_builder(title="Launch routines", slug="launch", grade_bands=["k-2"])
    course_builder(title="Formative probes", slug="probes", access_level="members", grade_bands=["3-5"])
    course_builder(title="Designing a Math Menu", slug="menu", access_level="paid", price_cents=4900)
    services.enrollment_create(user=user, course=free)
    services.lesson_complete(user=user, lesson=lessons[0])
    client.force_login(user)
    html = client.get(catalogue.url).content.decode()
    assert "3 courses" in html and "25%" in html and "$49" in html
    html = client.get(catalogue.url, {"access": "members"}).content.decode()
    assert "1 course<" in html and "Formative probes" in html and "Launch routines</a>" not in html
    html = client.get(catalogue.url, {"band": "k-2"}).content.decode()
    assert "Launch routines" in html and "Formative probes</a>" not in html
    html = client.get(catalogue.url, {"q": "menu"}).content.decode()
    assert "Designing a Math Menu" in html and "Formative probes</a>" not in html


def test_catalogue_filters_by_concept_topic_and_length_and_sorts(client, course_builder, catalogue):
    from taxonomy.factories import HighLeverageConceptFactory, TopicFactory

    concept = HighLeverageConceptFactory(title="Add and subtract within 120")
    topic = TopicFactory(name="Number talks", slug="number-talks")
    short, _ = course_builder(title="Zig short course", slug="short", estimated_hours=1, pd_hours=1)
    long, _ = course_builder(title="Alpha long course", slug="long", estimated_hours=8, pd_hours=8)
    mid, _ = course_builder(title="Mid course", slug="mid", estimated_hours=3, pd_hours=3)
    short.concepts.add(concept)
    short.save_revision().publish()
    long.topics.add(topic)
    long.save_revision().publish()

    def titles(params):
        html = client.get(catalogue.url, params).content.decode()
        return [t for t in ("Zig short course", "Alpha long course", "Mid course") if f"{t}</a>" in html], html

    assert titles({"hlc": concept.pk})[0] == ["Zig short course"]
    assert titles({"topic": "number-talks"})[0] == ["Alpha long course"]
    assert titles({"length": "medium"})[0] == ["Mid course"]
    found, html = titles({"length": ["short", "long"]})
    assert set(found) == {"Zig short course", "Alpha long course"} and "2 courses" in html
    # Counts for the concept facet follow the other filters: none of the long courses carries the concept.
    assert titles({"length": "long", "hlc": concept.pk})[0] == []

    def order(sort):
        html = client.get(catalogue.url, {"sort": sort}).content.decode()
        return sorted((html.index(f"{t}</a>"), t) for t in ("Zig short course", "Alpha long course", "Mid course"))

    assert [t for _, t in order("title")] == ["Alpha long course", "Mid course", "Zig short course"]
    assert [t for _, t in order("shortest")] == ["Zig short course", "Mid course", "Alpha long course"]
    assert [t for _, t in order("pd_hours")] == ["Alpha long course", "Mid course", "Zig short course"]
