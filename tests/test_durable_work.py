"""Durable background work with real services: our own Redis (stopped and started, never the shared
6379), a real Celery worker subprocess and PostgreSQL (the test database, shared with the worker)."""

import contextlib
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# Real commits the worker can see; the pages the migrations made come back for the next tests.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DEADLINE = 120  # seconds: generous for a busy machine; every wait below polls and stops early


def _skip_or_fail(message):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, *, what: str, timeout: float = DEADLINE, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"Gave up after {timeout} s waiting for {what() if callable(what) else what}")


class RedisServer:
    """A throwaway redis-server on a free port, without persistence: stopping it loses what it held."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), what=f"redis-server on port {self.port}", timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        wait_for(lambda: not _answers(self.port), what="redis-server to stop", timeout=30)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        _skip_or_fail("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.proc and server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait()


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """`celery worker` in its own process, on the test database, writing e-mails to files."""

    def __init__(self, tmp_path: Path, broker: str, email_delay: float = 0):
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aln_site.settings.dev",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "tests.slow_email.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "TEST_EMAIL_DELAY": str(email_delay),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SITE_URL": "http://testserver",
        }
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(self.tmp_path / f"worker-{self.starts}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "aln_site", "worker", "--pool=solo", "--loglevel=info"]
            + ["--queues=default,email,payments,certificates"]
            + ["--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"durable{self.starts}@%h"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker-*.log")))

    def messages(self) -> list:
        """Every e-mail the worker wrote (the file backend separates messages with a line of dashes)."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split("-" * 79 + "\n"):
                if chunk.strip():
                    found.append(email.message_from_string(chunk))
        return found


@pytest.fixture
def worker(db, redis_server, tmp_path):
    if connection.vendor != "postgresql":
        _skip_or_fail("The worker shares the test database: set DATABASE_URL to PostgreSQL")
    worker = Worker(tmp_path, redis_server.url)
    yield worker
    worker.stop()


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """This test process publishes to `broker_url` as a web process would (tests otherwise run tasks inline)."""
    from aln_site.celery import app

    saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager", "result_backend")}
    saved_env = os.environ.get("CELERY_BROKER_URL")
    # Celery prefers the CELERY_BROKER_URL variable over its configuration, so set both.
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.update(broker_url=broker_url, task_always_eager=False, result_backend=broker_url)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.update(**saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app._pool = None
        app.amqp._producer_pool = None


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


def test_requests_succeed_with_the_broker_down_and_owed_work_is_done_once_after(worker, redis_server, client):
    from django.conf import settings

    from core import outbox
    from core.models import OutboxMessage
    from courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory, ModulePageFactory
    from courses.models import Certificate, Enrollment
    from courses.services import enrollment_create
    from events.factories import EventIndexPageFactory, EventPageFactory
    from events.models import Registration
    from home.factories import site_home
    from members.factories import UserFactory

    home = site_home()
    event = EventPageFactory(parent=EventIndexPageFactory(parent=home), title="Number talks")
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), title="Launch routines")
    lesson = LessonPageFactory(parent=ModulePageFactory(parent=course, title="Module 1"), title="The only lesson")
    teacher = UserFactory(email="ana@example.org")
    enrollment = enrollment_create(user=teacher, course=course)
    worker.start()

    # A request never waits on the broker: a one-second connect timeout and no publish retry.
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1 and settings.CELERY_TASK_PUBLISH_RETRY is False
    redis_server.stop()
    outbox._broker_down_until = 0.0
    with publishing_to(redis_server.url):
        client.force_login(teacher)
        timings = {}
        for name, url, data in [
            ("register", reverse("events:register", args=[event.pk]), {"kind": "self"}),
            ("last lesson", reverse("courses:lesson_complete", args=[lesson.pk]), {}),
        ]:
            started = time.monotonic()
            response = client.post(url, data)
            timings[name] = time.monotonic() - started
            assert 200 <= response.status_code < 400, (name, response.status_code)
        client.logout()
        started = time.monotonic()
        response = client.post(reverse("account_signup"), SIGNUP)
        timings["sign-up"] = time.monotonic() - started
        assert response.status_code == 302
        assert max(timings.values()) < 2, timings

        # Everything the requests changed is committed, and what they owe waits in the outbox.
        assert Registration.objects.get(event=event, purchaser=teacher).status == Registration.Status.CONFIRMED
        assert Enrollment.objects.get(pk=enrollment.pk).completed_at is not None
        owed = list(OutboxMessage.objects.filter(done_at__isnull=True).values_list("task", flat=True))
        assert sorted(owed) == ["courses.tasks.issue_certificate", "home.tasks.send_email", "home.tasks.send_email"]

        redis_server.start()

        def all_done():
            outbox.relay_due()  # what beat runs every few seconds
            return not OutboxMessage.objects.filter(done_at__isnull=True).exists()

        wait_for(all_done, what=lambda: "the owed work to be done:\n" + worker.logs(), every=0.5)
        # Nothing is left to relay or repair: running both again owes nothing more.
        assert outbox.relay_due() == 0
        from home.services import background_work_repair

        assert background_work_repair() == {"certificates": 0, "confirmations": 0, "reminders": 0}

    messages = worker.messages()
    subjects = sorted((m["To"], m["Subject"]) for m in messages)
    # Owed: the workshop confirmation, the sign-up verification and the certificate with its e-mail.
    assert len(messages) == 3, subjects
    to_ana = [s for to, s in subjects if to == "ana@example.org"]
    to_nia = [s for to, s in subjects if to == SIGNUP["email"]]
    assert len(to_ana) == 2 and len(to_nia) == 1, subjects
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_a_worker_killed_mid_batch_loses_and_duplicates_no_email(worker, redis_server):
    from django.db import transaction

    from core.email import send_templated_email
    from core.models import OutboxMessage, SentEmail
    from core.outbox import relay_due

    addresses = [f"teacher{n:02d}@example.org" for n in range(30)]
    worker.env["TEST_EMAIL_DELAY"] = "0.3"  # a mail server's latency, so the batch is still running when killed
    worker.start()
    with publishing_to(redis_server.url):
        with transaction.atomic():
            for address in addresses:
                send_templated_email(
                    to=[address],
                    template_prefix="members/email/invitation",
                    context={"organization": {"name": "Hill County"}, "invited_by": None, "accept_url": "/x/"},
                )
        wait_for(lambda: len(worker.messages()) >= 5, what=lambda: "the first e-mails:\n" + worker.logs())
        worker.kill()
        sent_before_kill = len(worker.messages())
        assert sent_before_kill < 30, "the batch finished before the kill; nothing was tested"
        worker.start()

        def all_sent():
            relay_due()  # what beat runs every few seconds: re-publishes the killed task once it is stale
            return len(worker.messages()) >= 30 and not OutboxMessage.objects.filter(done_at__isnull=True).exists()

        wait_for(
            all_sent,
            what=lambda: (
                f"all 30 e-mails after the restart (have {len(worker.messages())}, "
                f"{list(OutboxMessage.objects.filter(done_at__isnull=True).values_list('pk', 'attempts'))} not done):\n"
                + worker.logs()[-3000:]
            ),
            every=1,
        )
    recipients = [m["To"] for m in worker.messages()]
    assert sorted(recipients) == addresses  # 30 distinct e-mails, no duplicate
    assert SentEmail.objects.count() == 30
