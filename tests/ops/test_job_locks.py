"""Scheduled jobs that must not overlap take a lock; a run that finds it taken does nothing."""

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection

from core.locks import SKIPPED, _lock_key

pytestmark = pytest.mark.django_db

JOBS = [
    ("events.tasks", "expire_payment_holds"),
    ("events.tasks", "send_event_reminders"),
    ("members.tasks", "reconcile_stripe_events"),
    ("home.tasks", "publish_scheduled"),
]


class HeldElsewhere:
    """Holds a job's lock from another database session (another worker, on another node)."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            self.conn = psycopg.connect(
                f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                autocommit=True,
            )
            assert self.conn.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(self.name)]).fetchone()[0]
        else:
            assert cache.add(f"job-lock:{self.name}", "1")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            assert self.conn.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(self.name)]).fetchone()[0]
            self.conn.close()
        else:
            cache.delete(f"job-lock:{self.name}")


@pytest.mark.parametrize(("module", "name"), JOBS)
def test_a_periodic_job_skips_while_another_run_holds_its_lock(module, name, fake_stripe):
    import importlib

    task = getattr(importlib.import_module(module), name)
    with HeldElsewhere(f"{module}.{name}"):
        assert task.apply().get() == SKIPPED
    # Released (that run ended): the next tick runs the job.
    assert task.apply().get() != SKIPPED
