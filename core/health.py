"""Liveness and readiness for load balancers and orchestrators.

/healthz answers as long as the process can serve a request (no dependency is touched, so a database
outage never makes the balancer kill every web process at once). /readyz checks each dependency the site
needs to serve real traffic and returns JSON with one entry per check; 503 when any is down.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

# Seconds each check may take before the dependency counts as down.
CHECK_TIMEOUT = 3


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def check_broker() -> None:
    from celery import current_app

    if current_app.conf.task_always_eager or str(current_app.conf.broker_url).startswith("memory://"):
        return  # Tasks run inline (development): there is no broker to reach.
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)


def check_storage() -> None:
    bucket_name = getattr(default_storage, "bucket_name", None)
    if bucket_name:  # Object storage (django-storages S3): the bucket answers to our credentials.
        default_storage.connection.meta.client.head_bucket(Bucket=bucket_name)
        return
    location = Path(default_storage.location)
    location.mkdir(parents=True, exist_ok=True)  # FileSystemStorage makes it on the first upload anyway.
    if not (location.is_dir() and os.access(location, os.W_OK)):
        raise RuntimeError(f"{location} is not a writable folder")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # Any failure means "not ready"; say which and why.
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000)
    ready = all(result["ok"] for result in results.values())
    body = {"status": "ok" if ready else "unavailable", "checks": results}
    if settings.DEBUG:
        body["debug"] = True
    return JsonResponse(body, status=200 if ready else 503)
