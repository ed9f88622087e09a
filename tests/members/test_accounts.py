import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from members.models import User

SIGNUP = {
    "email": "new.teacher@example.org",
    "password1": "a-long-pass-phrase-42",
    "password2": "a-long-pass-phrase-42",
    "first_name": "Nia",
    "last_name": "Brown",
    "role": "teacher",
    "grades_taught": ["2", "3"],
    "school": "Oak School",
    "district": "Hill County",
}


@pytest.mark.django_db
def test_signup_sends_verification_and_verified_user_can_log_in(client, home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new.teacher@example.org")
    assert user.role == "teacher" and user.grades_taught == ["2", "3"] and user.school == "Oak School"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)

    # Not yet verified: login is refused with the verification notice.
    client.logout()
    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert "_auth_user_id" not in client.session

    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    client.logout()
    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_unverified_user_cannot_log_in(client, home_page):
    from members.factories import UserFactory

    UserFactory(email="unverified@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "unverified@example.org", "password": "learn-math-2026"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "confirm-email" in response["Location"]


@pytest.mark.django_db
def test_staff_without_mfa_are_sent_to_set_it_up(client, settings, staff):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_staff_with_mfa_reach_the_admin(client, settings, staff):
    from allauth.mfa.models import Authenticator

    settings.STAFF_MFA_REQUIRED = True
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_mfa_not_required_when_setting_off(client, settings, staff):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_profile_update(client, user):
    client.force_login(user)
    response = client.post(reverse("members:profile"), {**SIGNUP, "school": "Pine School", "grades_taught": ["K"]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.school == "Pine School" and user.grades_taught == ["K"]


@pytest.mark.django_db
def test_account_pages_use_site_templates(client, home_page):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert b'id="main"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, signed_in",
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_email", True),
        ("account_change_password", True),
        ("mfa_index", True),
        ("mfa_activate_totp", True),
    ],
)
def test_account_pages_render_in_the_site_layout(client, home_page, user, name, signed_in):
    if signed_in:
        client.force_login(user)
    # Two-factor set-up first asks for the password again: that page must be in the site's layout too.
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200, name
    html = response.content.decode()
    assert 'id="main"' in html and 'aria-label="Main"' in html, f"{name} does not use the site's layout"


@pytest.mark.django_db
def test_password_reset_sends_a_link_by_email(client, home_page, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body
