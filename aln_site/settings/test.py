"""Fast, explicit test settings. DATABASE_URL / CELERY_BROKER_URL still switch to real services."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off by default, so a test that changes rows without publishing sees them; tests/performance and
# tests/security turn it on (their conftest) to prove what it serves to whom.
PAGE_CACHE_SECONDS = 0
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = Path(env("TEST_MEDIA_ROOT", default="/tmp/aln-test-media"))  # noqa: F405
STUDENT_WORK_ROOT = Path(env("TEST_STUDENT_WORK_ROOT", default="/tmp/aln-test-student-work"))  # noqa: F405
STORAGES["student_work"]["OPTIONS"]["location"] = STUDENT_WORK_ROOT  # noqa: F405
# Tasks run inline unless a test asks for the real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
STAFF_MFA_REQUIRED = False
ACCOUNT_RATE_LIMITS = False
STRIPE_SECRET_KEY = "sk_test_fake"
STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = WAGTAILADMIN_BASE_URL
# Threaded tests (workshop seats under concurrency) need a file database: an in-memory SQLite is per connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    # One file per test run (in RAM where available), so parallel runs never share it.
    _test_db_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{_test_db_dir}/aln-test-{os.getpid()}.sqlite3"  # noqa: F405
