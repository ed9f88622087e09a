"""`make up` brings up web, worker and beat from the Procfile (honcho); stopping it stops all three."""

import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_service

from .conftest import ROOT, free_port, read_log, wait_for

pytestmark = pytest.mark.services


def _descendants(pid: int) -> dict[int, str]:
    """Every live process below pid, with its command line (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def test_make_up_runs_web_worker_and_beat_and_ctrl_c_stops_all_three(
    tmp_path, django_db_setup, django_db_blocker, redis_server, collected_static
):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (make up runs on PostgreSQL)")
    db = connection.settings_dict
    port = free_port()
    log = tmp_path / "up.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_", "DATABASE_"))},
        "UP_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "UP_REDIS_URL": redis_server.url,
        "PORT": str(port),
        "STATIC_ROOT": str(collected_static),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CELERY_BEAT_SCHEDULE": str(tmp_path / "celerybeat-schedule"),
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
    }
    make = subprocess.Popen(
        ["make", "--no-print-directory", "up"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        output = lambda: log.read_text(errors="replace")  # noqa: E731

        def up():
            text = output()
            return "celery@" in text and " ready." in text and "beat: Starting" in text and "Listening at" in text

        wait_for(up, what="web, worker and beat", timeout=600, proc=make, log=log)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as response:
            assert response.status == 200

        processes = _descendants(make.pid)
        commands = list(processes.values())
        assert any("gunicorn" in c and "aln_site.wsgi" in c for c in commands), commands
        assert any("celery" in c and " worker" in c for c in commands), commands
        assert any("celery" in c and " beat" in c for c in commands), commands

        # Ctrl-C: the terminal sends SIGINT to the whole foreground group.
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=120)
        wait_for(
            lambda: not any(_alive(pid) for pid in processes),
            what="every process of make up to exit",
            timeout=120,
            log=log,
        )
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        for pid in _descendants(make.pid):
            os.kill(pid, signal.SIGKILL)
        print(read_log(log))
