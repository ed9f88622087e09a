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


@pytest.fixture
def worker():
    require_service("Redis", "127.0.0.1", 6379)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.dev",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/5",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_task_round_trips_through_redis_and_a_real_worker(worker):
    from celery import Celery

    client = Celery("aln_site", broker="redis://127.0.0.1:6379/5", backend="redis://127.0.0.1:6379/5")
    deadline = time.monotonic() + 60
    result = client.send_task("home.tasks.ping", args=["hello"], queue="aln-test")
    # disable_sync_subtasks: eager tasks earlier in the run leave Celery thinking it is inside a task.
    assert result.get(timeout=max(1, deadline - time.monotonic()), disable_sync_subtasks=False) == "pong:hello"
