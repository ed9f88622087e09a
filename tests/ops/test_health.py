"""/healthz and /readyz on production settings, with real dependencies and each one down in turn."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import require_service

from .conftest import ROOT, free_port

pytestmark = pytest.mark.services

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/readyz", HTTP_HOST="127.0.0.1")
print("READYZ " + json.dumps({"status": response.status_code, "body": json.loads(response.content)}))
"""


def _readyz(env: dict) -> tuple[int, dict]:
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "REDIS_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.production",
        "SECRET_KEY": "readyz-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("READYZ ")]
    assert lines, result.stdout + result.stderr
    data = json.loads(lines[-1][len("READYZ ") :])
    return data["status"], data["body"]


@pytest.fixture
def live(redis_server, moto_s3):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    return {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": redis_server.url,
        "CELERY_BROKER_URL": redis_server.url,
        **moto_s3.env(),
    }


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_when_every_dependency_answers(live):
    status, body = _readyz(live)
    assert status == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
        "storage": True,
    }


@pytest.mark.parametrize("down", ["database", "cache", "broker", "storage"])
def test_readyz_names_the_dependency_that_is_down(live, down):
    dead = f"127.0.0.1:{free_port()}"  # nothing listens here
    env = dict(live)
    if down == "database":
        env["DATABASE_URL"] = f"postgres://postgres@{dead}/postgres"
    elif down == "cache":
        env["REDIS_URL"] = f"redis://{dead}/0"
    elif down == "broker":
        env["CELERY_BROKER_URL"] = f"redis://{dead}/0"
    else:
        env["AWS_S3_ENDPOINT_URL"] = f"http://{dead}"

    status, body = _readyz(env)

    assert status == 503
    assert body["status"] == "unavailable"
    assert {name for name, check in body["checks"].items() if not check["ok"]} == {down}
    assert body["checks"][down]["error"]


def test_readyz_reports_a_missing_bucket(live):
    status, body = _readyz({**live, "AWS_STORAGE_BUCKET_NAME": "no-such-bucket"})
    assert status == 503
    assert not body["checks"]["storage"]["ok"]
