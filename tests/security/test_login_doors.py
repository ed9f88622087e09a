"""One door in: no URL of the site turns a password alone into a session for an MFA user or an
unverified one. The walk is generated from the URL resolver, so a login view added later (ours,
Wagtail's or a library's) is covered without anyone remembering to list it."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import URLPattern, URLResolver, get_resolver

from members.factories import DEFAULT_PASSWORD, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

# Field names every login form we know of uses (allauth, Django/Wagtail auth forms, Django admin).
CREDENTIAL_FIELDS = ("login", "username", "email")

# The doors the issue found open: each must now refuse (these also run inside the walk).
KNOWN_DOORS = ["/accounts/login/", "/admin/login/", "/_util/login/", "/django-admin/login/"]

_CONVERTER_SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _sample_path(route: str) -> str | None:
    """A concrete path for a route: path converters get sample values; regex routes are simplified."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTER_SAMPLES.get(m.group(1) or "str", "x"), route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    if re.search(r"[()\[\]*+?|{}]", path):
        return None
    return "/" + path


def every_path() -> list[str]:
    paths = sorted({p for route, _ in _walk(get_resolver().url_patterns) if (p := _sample_path(route)) is not None})
    return paths


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


@pytest.fixture
def mfa_editor(db):
    return _with_totp(EditorFactory(email="mfa.editor@example.org"))


@pytest.fixture
def unverified(db):
    return UserFactory(email="not.verified@example.org", verified=False)


def _post_password(client, path, email):
    data = {field: email for field in CREDENTIAL_FIELDS}
    data.update(password=DEFAULT_PASSWORD, next="/admin/")
    try:
        return client.post(path, data)
    except Exception as exc:  # a view that cannot handle a stray POST is not a login door, but say which
        return exc


def test_the_walk_covers_the_known_doors_and_most_of_the_site():
    paths = every_path()
    for door in KNOWN_DOORS:
        assert door in paths
    assert len(paths) > 100  # the whole resolver, not a hand-picked list


def test_a_password_alone_logs_in_a_plain_verified_user_at_the_one_door(client, home_page):
    """The control: the walk below would pass trivially if no door worked at all."""
    user = UserFactory(email="plain@example.org")
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize("who", ["mfa_editor", "unverified"])
def test_no_url_accepts_a_password_alone(who, request, client, home_page, settings):
    settings.STAFF_MFA_REQUIRED = True
    user = request.getfixturevalue(who)
    opened = []
    for path in every_path():
        _post_password(client, path, user.email)
        if client.session.get("_auth_user_id"):
            opened.append(path)
            client.logout()
    assert opened == [], f"these URLs logged {who} in with a password alone: {opened}"
    # And nothing from the walk left a usable admin session behind.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/users/").status_code == 302


@pytest.mark.parametrize("door", KNOWN_DOORS)
def test_mfa_user_via_each_door_gets_no_admin_without_the_code(door, client, mfa_editor, home_page):
    response = client.post(
        door, {"login": mfa_editor.email, "username": mfa_editor.email, "password": DEFAULT_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    if door == "/accounts/login/":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/authenticate")
    else:
        assert response.status_code in (302, 303) and response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/users/").status_code == 302


@pytest.mark.parametrize("door", KNOWN_DOORS)
def test_unverified_user_via_each_door_gets_no_session(door, client, unverified, home_page):
    client.post(door, {"login": unverified.email, "username": unverified.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("door", KNOWN_DOORS)
def test_rate_limit_applies_through_every_door(door, client, home_page, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    from django.core.cache import cache

    cache.clear()
    user = UserFactory(email="target@example.org")
    credentials = {"login": user.email, "username": user.email}
    for _ in range(30):
        client.post(door, {**credentials, "password": "wrong-guess"})
    # The right password after 30 wrong ones: refused at that door (allauth's limit, or no password check at all)...
    client.post(door, {**credentials, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    # ...and at the one door, since the guesses counted there.
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert ("_auth_user_id" in client.session) is (door != "/accounts/login/")
    cache.clear()


def test_wagtail_login_forms_redirect_to_allauth_keeping_a_safe_next(client):
    response = client.get("/_util/login/?next=/courses/")
    assert response.status_code == 303 and response["Location"] == "/accounts/login/?next=%2Fcourses%2F"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/"


def test_staff_mfa_rule_covers_django_admin_and_wagtail_admin(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    for path in ("/admin/", "/django-admin/", "/django-admin/auth/group/", "/django-admin/mfa/authenticator/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate"), path
    _with_totp(superuser)
    assert client.get("/django-admin/").status_code == 200


def test_mfa_rule_applies_to_wagtail_editors_who_are_not_is_staff(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    editor = EditorFactory()
    assert not editor.is_staff
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate")


def test_django_admin_is_not_mounted_in_production():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "learn.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
    }
    code = (
        "import django; django.setup(); from django.urls import resolve\n"
        "print('mounted' if resolve('/django-admin/login/').app_name == 'admin' else 'absent')"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "absent", result.stderr
