"""Which settings each process runs on, check --deploy, the admin path, Sentry, and the runtime lock."""

import os
import re
import subprocess
import sys
import tomllib

import pytest

from .conftest import BIN, ROOT, free_port, production_env, read_log, stop, wait_for

PRODUCTION = {"DATABASE_URL": "postgres://u@127.0.0.1/x"}


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def _without_settings() -> dict:
    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


@pytest.mark.parametrize("module", ["aln_site.wsgi", "aln_site.asgi", "aln_site.celery"])
def test_servers_and_workers_have_no_default_settings(module):
    result = _python(f"import {module}", _without_settings())
    assert result.returncode != 0
    assert "DJANGO_SETTINGS_MODULE is not set" in result.stderr


def test_manage_py_defaults_to_dev_for_developers():
    env = {k: v for k, v in _without_settings().items() if k not in ("DEBUG", "DATABASE_URL")}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["aln_site.settings.dev", "True"]


def test_production_refuses_debug():
    result = _python("import django; django.setup()", production_env(DEBUG="true", **PRODUCTION))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_gunicorn_refuses_dev_settings(tmp_path):
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "aln_site.wsgi:application"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aln_site.settings.dev",
            "PORT": str(free_port()),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "1",
        },
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: proc.poll() is not None, what="gunicorn to refuse dev settings", timeout=300, log=log)
    finally:
        stop(proc)
    assert proc.returncode != 0
    assert "aln_site.settings.dev is for `manage.py runserver` only" in read_log(log)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "AWS_STORAGE_BUCKET_NAME": "aln-media",
            "SENTRY_DSN": "https://key@127.0.0.1:9/1",
            "WAGTAIL_ADMIN_PATH": "cms",
        },
    ],
    ids=["plain", "object-storage-sentry-admin-path"],
)
def test_check_deploy_is_clean(extra):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(
            SECRET_KEY="x" * 20 + "a-very-long-random-production-secret-value-1234567890", **PRODUCTION, **extra
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), ("https://key@127.0.0.1:9/1", "True")])
def test_sentry_is_initialised_only_with_a_dsn(dsn, active):
    code = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    result = _python(code, production_env(SENTRY_DSN=dsn, **PRODUCTION))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == active


def test_admin_path_comes_from_the_environment():
    code = (
        "import django; django.setup(); from django.urls import reverse;"
        "print(reverse('wagtailadmin_home'), reverse('admin:index'))"
    )
    env = production_env(
        WAGTAIL_ADMIN_PATH="cms-7f3", DJANGO_ADMIN_PATH="/root-admin-9a/", DJANGO_ADMIN_ENABLED="true", **PRODUCTION
    )
    result = _python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/cms-7f3/", "/root-admin-9a/"]


def test_staff_mfa_applies_on_a_moved_admin(client, settings, django_user_model, db):
    """The two-factor rule follows the admin wherever WAGTAIL_ADMIN_PATH puts it."""
    import aln_site.urls  # noqa: F401 -- built with the usual path first, so later tests never see the moved one
    from members.factories import StaffFactory

    settings.STAFF_MFA_REQUIRED = True
    settings.WAGTAIL_ADMIN_PATH = "cms-7f3/"
    client.force_login(StaffFactory())
    response = client.get("/cms-7f3/anything/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def _names(path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "-")):
            names.add(re.sub(r"[-_.]+", "-", line.split("==")[0]).lower())
    return names


def test_production_lock_has_no_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _names(ROOT / "requirements.lock"), _names(ROOT / "requirements-dev.lock")
    dev_tools = {
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=]", req)[0]).lower() for req in project["optional-dependencies"]["dev"]
    }
    wanted = {re.sub(r"[-_.]+", "-", re.split(r"[\[<>=]", req)[0]).lower() for req in project["dependencies"]}
    assert not dev_tools & runtime, dev_tools & runtime
    assert wanted <= runtime, wanted - runtime
    assert dev_tools <= dev, dev_tools - dev
    assert not runtime & dev  # each pin in one place; the dev lock includes the runtime one
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text().splitlines()
