"""Optional e-mail can be turned off from a signed link (one click, RFC 8058); transactional e-mail always goes;
every footer says why this recipient got it."""

import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from events import reminders, services
from members import email_preferences
from members.factories import OrganizationMemberFactory, SeatLicenseFactory, UserFactory
from members.models import EmailPreference, OrganizationMember
from members.services import invitation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(db):
    return UserFactory(email="leader@riverside.example", first_name="Dana", last_name="Lee", district="Riverside USD")


@pytest.fixture
def soon_workshop(make_event):
    return make_event(title="Number strings in grade 3", start=timezone.now() + timedelta(hours=20), capacity=10)


def _register(event, purchaser, committed, *attendees):
    with committed():
        registration = services.registration_create(
            event=event, purchaser=purchaser, attendees=[{"name": name, "email": email} for name, email in attendees]
        )
    return registration


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_reminder_carries_list_unsubscribe_and_a_confirmation_does_not(soon_workshop, leader, committed):
    _register(soon_workshop, leader, committed, ("Ana", "ana@school.example"))
    (confirmation,) = [m for m in _to("leader@riverside.example") if "List-Unsubscribe" not in m.extra_headers]
    assert confirmation.subject.startswith("You are registered")
    mail.outbox.clear()
    with committed():
        assert reminders.reminders_send_due() == 1
    (reminder,) = _to("ana@school.example")
    unsubscribe = reminder.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/unsubscribe/>" in unsubscribe
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The headers survive the trip through the outbox to the real message.
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in reminder.message().as_string()


def test_one_click_turns_reminders_off_and_confirmations_still_go(client, make_event, leader, committed):
    first = make_event(title="First", start=timezone.now() + timedelta(hours=20), capacity=10)
    _register(first, leader, committed, ("Ana", "ana@school.example"))
    mail.outbox.clear()
    with committed():
        reminders.reminders_send_due()
    url = _to("ana@school.example")[0].extra_headers["List-Unsubscribe"].strip("<>")

    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert EmailPreference.objects.get(email="ana@school.example").reminders is False
    assert EmailPreference.objects.get(email="ana@school.example").notifications is True

    second = make_event(title="Second", start=timezone.now() + timedelta(hours=22), capacity=10)
    mail.outbox.clear()
    _register(second, leader, committed, ("Ana", "ana@school.example"))
    assert any(
        m.subject.startswith("You are registered") for m in _to("ana@school.example")
    )  # transactional: still sent
    mail.outbox.clear()
    with committed():
        assert reminders.reminders_send_due() == 0
    assert _to("ana@school.example") == []


def test_workshop_news_respects_the_notifications_choice(client, soon_workshop, leader, committed):
    _register(soon_workshop, leader, committed, ("Ana", "ana@school.example"))
    token = email_preferences.link_token("ana@school.example")
    page = client.get(reverse("members:email_preferences_link", args=[token]))
    assert page.status_code == 200 and b"ana@school.example" in page.content
    client.post(reverse("members:email_preferences_link", args=[token]), {"reminders": "on"})
    assert EmailPreference.objects.get(email="ana@school.example").notifications is False
    soon_workshop.save_revision().publish()  # participants are first told the time
    mail.outbox.clear()
    soon_workshop.start += timedelta(hours=1)
    with committed():
        soon_workshop.save_revision().publish()  # the publish hook tells participants the time moved
    assert _to("ana@school.example") == []
    assert len(_to("leader@riverside.example")) == 1
    assert "List-Unsubscribe" in _to("leader@riverside.example")[0].extra_headers


def test_the_signed_in_preferences_page(client, leader):
    client.force_login(leader)
    url = reverse("members:email_preferences")
    html = client.get(url).content.decode()
    assert 'name="reminders"' in html and "checked" in html
    response = client.post(url, {"notifications": "on"})
    assert response.status_code == 302
    preference = EmailPreference.objects.get(email="leader@riverside.example")
    assert (preference.reminders, preference.notifications) == (False, True)


def test_footers_fit_the_recipient(soon_workshop, leader, committed):
    _register(soon_workshop, leader, committed, ("Ana", "ana@school.example"))
    account = _to("leader@riverside.example")[0]
    attendee = _to("ana@school.example")[0]
    assert "because you have an account" in account.body
    assert "Dana Lee (Riverside USD) registered you for “Number strings in grade 3”" in attendee.body
    html = attendee.alternatives[0][0]
    assert "Dana Lee (Riverside USD) registered you for" in html and "Manage your e-mail preferences" in html

    organization = SeatLicenseFactory(organization__name="Riverside USD").organization
    OrganizationMemberFactory(organization=organization, user=leader, role=OrganizationMember.OrgRole.LEADER)
    mail.outbox.clear()
    with committed():
        invitation_create(organization=organization, email="new.hire@riverside.example", invited_by=leader)
    (invite,) = _to("new.hire@riverside.example")
    assert "because Dana Lee invited you to join Riverside USD" in invite.body
    assert "List-Unsubscribe" not in invite.extra_headers


@pytest.mark.parametrize("name", ["members:email_preferences_link", "members:email_unsubscribe"])
def test_a_bad_or_expired_link_gets_a_clear_page(client, name):
    bad = client.get(reverse(name, args=["not-a-token"]))
    assert bad.status_code == 400 and b"This link does not work" in bad.content
    tampered = email_preferences.link_token("ana@school.example")[:-2] + "xx"
    assert client.post(reverse(name, args=[tampered])).status_code == 400
    # A token signed 401 days ago is refused as expired, not as broken.
    long_ago = signing.b62_encode(int(time.time()) - 401 * 24 * 3600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: long_ago)
        expired = email_preferences.link_token("ana@school.example")
    response = client.get(reverse(name, args=[expired]))
    assert response.status_code == 400 and b"This link has expired" in response.content
    assert not EmailPreference.objects.exists()


def test_unsubscribe_get_asks_before_it_changes_anything(client):
    url = email_preferences.unsubscribe_url("ana@school.example", email_preferences.REMINDERS)
    response = client.get(url)
    assert response.status_code == 200 and b"Unsubscribe" in response.content
    assert not EmailPreference.objects.exists()
