"""Locks for scheduled jobs that must not overlap, whichever worker (on whichever node) picks them up.

Beat runs once, but a slow run can still overlap the next tick, and a second beat started by mistake
would double every job. On PostgreSQL a session-level advisory lock is taken on the task's own connection;
on other databases (SQLite in development) the cache's atomic add() stands in (a real lock across
processes when the cache is Redis).
"""

import functools
import hashlib
import logging
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

SKIPPED = "skipped: another run holds the lock"


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def job_lock(name: str, *, timeout: int = 3600):
    """Yields True when this process holds the lock for `name`, False when another run does."""
    if connection.vendor == "postgresql":
        key = _lock_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    cache_key = f"job-lock:{name}"
    acquired = cache.add(cache_key, "1", timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(cache_key)


def single_instance(func):
    """Decorate a periodic job so two runs never overlap; a run that finds the lock taken returns SKIPPED."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with job_lock(name) as acquired:
            if not acquired:
                logger.info("job_skipped", extra={"job": name})
                return SKIPPED
            return func(*args, **kwargs)

    return wrapper
