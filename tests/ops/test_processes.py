"""The production process model for real: gunicorn and a Celery worker as separate OS processes on
production settings, against PostgreSQL and Redis. A teacher logs in and registers for a workshop over HTTP;
the confirmation e-mail is written by the worker (file e-mail backend), and the worker's log lines for that
task carry the request id of the request that enqueued it.
"""

import http.client
import json
import re
import subprocess
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.db import connection

from members.factories import DEFAULT_PASSWORD
from tests.conftest import require_service

from .conftest import BIN, ROOT, free_port, port_open, production_env, read_log, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Browser:
    """A tiny HTTP client that behaves like a browser behind the TLS-terminating load balancer."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        all_headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # what the load balancer adds; SECURE_PROXY_SSL_HEADER trusts it
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            all_headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, content.decode(errors="replace")

    def csrf_token(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, html[:2000]
        return match.group(1)


@pytest.fixture
def stack(tmp_path, redis_server, collected_static):
    """gunicorn and a Celery worker on the test database and a private Redis; yields what the test needs."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (the processes share the test database)")
    db = connection.settings_dict
    port = free_port()
    mail_dir = tmp_path / "mail"
    env = production_env(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=redis_server.url,
        CELERY_BROKER_URL=redis_server.url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        STATIC_ROOT=str(collected_static),
        MEDIA_ROOT=str(tmp_path / "media"),
        SITE_URL=f"https://127.0.0.1:{port}",
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
    )
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "aln_site.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=open(web_log, "w"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "aln_site",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--queues=default,email,payments,certificates",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(worker_log, "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: port_open(port), what="gunicorn", proc=web, log=web_log)
        yield {"port": port, "mail_dir": mail_dir, "web": web, "worker": worker, "worker_log": worker_log}
    finally:
        stop(web)
        stop(worker)
    print("--- web log ---\n" + read_log(web_log) + "\n--- worker log ---\n" + read_log(worker_log))


def test_registration_over_http_is_confirmed_by_email_from_a_separate_worker(stack, home_page, settings):
    from django.conf import global_settings

    from events.factories import EventIndexPageFactory, EventPageFactory
    from events.models import Registration
    from members.factories import UserFactory

    # The password is hashed as production hashes it (test settings use a fast MD5 hasher production refuses).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    teacher = UserFactory(email="process.teacher@example.org")
    event = EventPageFactory(
        parent=EventIndexPageFactory(parent=home_page), title="Fraction talks for grades 3-5", capacity=5
    )
    browser = Browser(stack["port"])

    # Liveness first, as the load balancer checks it.
    response, body = browser.request("GET", "/healthz")
    assert response.status == 200, body

    # Log in through allauth's form.
    response, page = browser.request("GET", "/accounts/login/")
    assert response.status == 200, page[:2000]
    response, page = browser.request(
        "POST",
        "/accounts/login/",
        {"login": teacher.email, "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": browser.csrf_token(page)},
    )
    assert response.status == 302, page[:3000]
    assert "sessionid" in browser.cookies

    # Register for the workshop, with the request id a load balancer would set.
    response, page = browser.request("GET", f"/workshop-registration/{event.pk}/")
    assert response.status == 200, page[:2000]
    request_id = f"ops-{uuid.uuid4()}"
    response, page = browser.request(
        "POST",
        f"/workshop-registration/{event.pk}/",
        {"kind": "self", "csrfmiddlewaretoken": browser.csrf_token(page)},
        headers={"X-Request-ID": request_id},
    )
    assert response.status == 302, page[:3000]
    assert response.getheader("X-Request-ID") == request_id
    registration = Registration.objects.get(event=event, purchaser=teacher)
    assert registration.status == Registration.Status.CONFIRMED

    # The worker, not the web process, writes the confirmation e-mail.
    def confirmation():
        for path in stack["mail_dir"].glob("*.log") if stack["mail_dir"].exists() else []:
            text = path.read_text(errors="replace")
            if "process.teacher@example.org" in text and "Fraction talks for grades 3-5" in text:
                return text
        return None

    message = wait_for(confirmation, what="the confirmation e-mail", proc=stack["worker"], log=stack["worker_log"])
    assert "To: process.teacher@example.org" in message

    # The worker's structured log ties the e-mail task to the request that enqueued it.
    def task_lines():
        lines = []
        for line in stack["worker_log"].read_text(errors="replace").splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("request_id") == request_id:
                    lines.append(record)
        return lines if any(r.get("event") == "task_succeeded" for r in lines) else None

    lines = wait_for(task_lines, what="the worker's task log lines", proc=stack["worker"], log=stack["worker_log"])
    assert {r.get("event") for r in lines} >= {"task_started", "task_succeeded"}
    assert all(r.get("task_id") for r in lines)

    # The web process did not send it itself: its log has the request, the worker's log has the task.
    assert stack["web"].poll() is None and stack["worker"].poll() is None
