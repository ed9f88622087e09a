"""Issue 16: the policies a district reads before approving the platform, a first visit's greeting,
allauth's e-mails in the site's own layout, and the library's filters on a phone."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from home.models import DistrictInquiryPage, SiteSettings, StandardPage

pytestmark = pytest.mark.django_db


def _text(page) -> str:
    return " ".join(str(block.value) for block in page.body)


def test_seeded_policies_are_linked_from_the_footer_and_the_sign_up_page(client):
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))  # again: nothing doubles

    privacy = StandardPage.objects.get(slug="privacy")
    accessibility = StandardPage.objects.get(slug="accessibility")
    text = _text(privacy)
    for words in ("No student accounts", "FERPA", "COPPA", "How long we keep it", "delete your account"):
        assert words in text, words
    text = _text(accessibility)
    for words in ("WCAG", "2.1", "AA", "Known limits", "Tell us about a barrier"):
        assert words in text, words
    assert len(_text(privacy).split()) > 600 and len(_text(accessibility).split()) > 350  # real policies, not stubs

    site_settings = SiteSettings.objects.get()
    assert site_settings.privacy_page_id == privacy.pk
    assert site_settings.accessibility_page_id == accessibility.pk
    inquiry = DistrictInquiryPage.objects.get()
    assert site_settings.district_inquiry_page_id == inquiry.pk
    assert inquiry.to_address and inquiry.form_fields.count() == 7
    assert StandardPage.objects.filter(slug="privacy").count() == 1

    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert f'<a href="{privacy.url}">Privacy policy</a>' in footer
    assert f'<a href="{accessibility.url}">Accessibility statement</a>' in footer
    assert f'href="{inquiry.url}"' in footer
    assert ">Privacy</a>" not in footer and '/about/">Privacy' not in footer

    signup = client.get(reverse("account_signup")).content.decode()
    card = signup.split('<div class="auth-card')[1].split('<footer class="site-footer">')[0]
    assert f'href="{privacy.url}"' in card and f'href="{accessibility.url}"' in card


def test_a_first_visit_says_welcome_and_a_return_visit_says_welcome_back(client, user, home_page):
    client.force_login(user)
    lede = re.search(r'<p class="lede">(.*?)</p>', client.get(reverse("members:dashboard")).content.decode()).group(1)
    assert lede.startswith("Welcome") and "Welcome back" not in lede

    from resources.factories import ResourcePageFactory
    from resources.models import SavedResource

    SavedResource.objects.create(user=user, resource=ResourcePageFactory())
    lede = re.search(r'<p class="lede">(.*?)</p>', client.get(reverse("members:dashboard")).content.decode()).group(1)
    assert lede.startswith("Welcome back")


SIGNUP = {
    "email": "nia.brown@oak.example.org",
    "password1": "a-long-pass-phrase-42",
    "password2": "a-long-pass-phrase-42",
    "first_name": "Nia",
    "last_name": "Brown",
}


def test_allauth_confirmation_email_names_the_site_not_the_host(client, home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    text_without_link = message.body.replace(link, "")
    assert "Math Learning Network" in message.subject and "Math Learning Network" in message.body
    for host in ("testserver", "example.com", "Hello from"):
        assert host not in message.subject and host not in text_without_link, host
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in html and "Math Learning Network" in html and "Hello from" not in html
    visible = re.sub(r'href="[^"]*"', "", html).replace(link, "")
    assert "testserver" not in visible


def test_allauth_password_reset_email_uses_the_site_layout(client, user, home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Math Learning Network" in message.subject
    assert "Hello from" not in message.body and "/accounts/password/reset/key/" in message.body
    assert message.alternatives and "Math Learning Network" in message.alternatives[0][0]


def test_library_filters_start_collapsed_behind_a_filter_button(client, home_page):
    from resources.factories import ResourceIndexPageFactory, ResourcePageFactory

    library = ResourceIndexPageFactory(parent=home_page)
    ResourcePageFactory(parent=library)
    html = client.get(library.url).content.decode()
    details = re.search(r"<details[^>]*library-filters[^>]*>", html).group(0)
    assert " open" not in details  # collapsed until the script opens it on a wide screen
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", html[html.index(details) :], re.S).group(1)
    assert summary.strip().startswith("Filter")
    assert re.search(r'<script src="/static/resources/library-filters\.js" defer></script>', html)
    assert "<script>" not in html  # the content security policy allows no inline script
    # The number of results is said before the filters, so a phone shows it without scrolling.
    assert html.index("Skip to 1 result</a>") < html.index(details)
