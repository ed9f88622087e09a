"""The district inquiry form: stored for Wagtail's Forms admin, e-mailed to staff through the outbox,
closed to bots by a honeypot and a per-address rate limit."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from core.models import OutboxMessage
from home.factories import DistrictInquiryPageFactory, StandardPageFactory, site_home
from home.forms import HONEYPOT_FIELD
from home.models import DistrictInquiryPage, HomePage, SiteSettings

pytestmark = pytest.mark.django_db

ANSWERS = {
    "Your name": "Rosa Diaz",
    "Work e-mail": "rosa.diaz@riverbend.example.org",
    "District or school": "Riverbend Unified School District",
    "Your role": "Curriculum or district leader",
    "Number of teachers": "42",
    "Where would you like to start?": ["Content knowledge", "Intervention planning"],
    "Anything else we should know?": "Our grade 3 teams want to plan Math Menu groups from probe results.",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The locmem cache outlives each test; page ids repeat after a rollback.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def inquiry_page(home_page):
    return DistrictInquiryPageFactory(parent=home_page, to_address="partnerships@example.org")


def _post_data(page, answers=ANSWERS, **extra):
    by_label = {field.label: field.clean_name for field in page.get_form_fields()}
    data = {by_label[label]: value for label, value in answers.items()}
    data.update(extra)
    return data


def test_inquiry_is_stored_and_staff_are_emailed_through_the_outbox(
    client, inquiry_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(inquiry_page.url, _post_data(inquiry_page))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    submission = FormSubmission.objects.get(page=inquiry_page)
    assert submission.get_data()["district_or_school"] == "Riverbend Unified School District"
    assert HONEYPOT_FIELD not in submission.form_data
    # The e-mail is owed in the submission's transaction, not sent in the request.
    owed = OutboxMessage.objects.get(task="home.tasks.send_email")
    assert owed.args[0]["to"] == ["partnerships@example.org"]
    assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["partnerships@example.org"]
    assert message.reply_to == ["rosa.diaz@riverbend.example.org"]
    assert "Riverbend Unified School District" in message.subject
    assert "Content knowledge, Intervention planning" in message.body
    assert "42" in message.body
    assert reverse("wagtailforms:list_submissions", args=[inquiry_page.pk]) in message.body


def test_submissions_are_listed_in_wagtails_forms_admin(client, staff, inquiry_page):
    client.post(inquiry_page.url, _post_data(inquiry_page))
    client.force_login(staff)
    response = client.get(reverse("wagtailforms:list_submissions", args=[inquiry_page.pk]))
    assert response.status_code == 200
    assert "Riverbend Unified School District" in response.content.decode()


def test_a_filled_honeypot_is_thanked_like_anyone_and_nothing_is_kept(
    client, inquiry_page, django_capture_on_commit_callbacks
):
    honest = client.get(inquiry_page.url).content.decode()
    assert f'name="{HONEYPOT_FIELD}"' in honest
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            inquiry_page.url, _post_data(inquiry_page, **{HONEYPOT_FIELD: "https://cheap-pills.example"})
        )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert FormSubmission.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_an_incomplete_inquiry_is_shown_again_with_its_errors(client, inquiry_page):
    answers = {k: v for k, v in ANSWERS.items() if k != "Work e-mail"}
    response = client.post(inquiry_page.url, _post_data(inquiry_page, answers))
    assert response.status_code == 200
    assert "Please correct" in response.content.decode()
    assert FormSubmission.objects.count() == 0


def test_too_many_posts_from_one_address_get_a_clear_answer_not_an_error(client, inquiry_page):
    limit = DistrictInquiryPage.posts_per_address
    for _ in range(limit):
        assert client.post(inquiry_page.url, _post_data(inquiry_page), REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.post(inquiry_page.url, _post_data(inquiry_page), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    body = response.content.decode()
    assert "too many" in body.lower() and "partnerships@example.org" not in body  # staff addresses stay private
    assert "Riverbend Unified School District" in body  # what they typed is shown again, not lost
    assert FormSubmission.objects.count() == limit
    # Another address is not held back by the first one.
    assert client.post(inquiry_page.url, _post_data(inquiry_page), REMOTE_ADDR="198.51.100.9").status_code == 200
    assert FormSubmission.objects.count() == limit + 1


class TestInquiryPageTree(WagtailPageTestCase):
    def test_tree_rules_and_rendering(self):
        home = site_home()
        self.assertCanCreateAt(HomePage, DistrictInquiryPage)
        self.assertAllowedParentPageTypes(DistrictInquiryPage, {HomePage})
        self.assertAllowedSubpageTypes(DistrictInquiryPage, set())
        page = DistrictInquiryPageFactory(parent=home)
        self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(page)
        self.assertCanNotCreateAt(Page, DistrictInquiryPage)
        assert {f.field_name for f in DistrictInquiryPage.search_fields} >= {"intro", "thank_you_text"}


def test_district_links_lead_to_the_inquiry_page_not_an_email(client, inquiry_page):
    site_settings = SiteSettings.for_site(inquiry_page.get_site())
    site_settings.contact_email = "hello@example.org"
    site_settings.district_inquiry_page = inquiry_page
    site_settings.save()
    StandardPageFactory(parent=inquiry_page.get_parent())  # any page shows the footer
    for url in (reverse("members:join"), "/"):
        html = client.get(url).content.decode()
        assert f'href="{inquiry_page.url}"' in html, url
        assert "?subject=District" not in html, url
    assert "Bring the network to your school or district" in client.get("/").content.decode()
