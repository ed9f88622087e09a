"""A real Celery worker against a real Redis broker round-trips a task."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.services
# Celery lets the CELERY_BROKER_URL variable override any broker passed in code, so follow it (CI sets it).
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/5"


@pytest.fixture
def worker(tmp_path):
    require_service("Redis", "127.0.0.1", 6379)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.dev",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The ping task needs no database; CI's DATABASE_URL names a database only the test run creates.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    log = open(tmp_path / "worker.log", "w+")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aln_site",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            "aln-test",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log = log
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_task_round_trips_through_redis_and_a_real_worker(worker):
    from celery import Celery

    client = Celery("aln-test-client", broker=BROKER, backend=BROKER)
    deadline = time.monotonic() + 60
    result = client.send_task("home.tasks.ping", args=["hello"], queue="aln-test")
    if worker.poll() is not None:
        worker.log.seek(0)
        pytest.fail("The worker exited:\n" + worker.log.read())
    try:
        # disable_sync_subtasks: eager tasks earlier in the run leave Celery thinking it is inside a task.
        value = result.get(timeout=max(1, deadline - time.monotonic()), disable_sync_subtasks=False)
    except Exception:
        worker.log.seek(0)
        print("Worker output:\n" + worker.log.read())
        raise
    assert value == "pong:hello"
