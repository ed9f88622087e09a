"""Local development: the embedded default needs nothing but Python.

Never for serving real traffic: imported under gunicorn (the production app server) it refuses to load,
so a forgotten DJANGO_SETTINGS_MODULE can never put debug pages on the internet.
"""

import sys

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

if "gunicorn" in sys.modules:
    raise ImproperlyConfigured(
        "aln_site.settings.dev is for `manage.py runserver` only and will not run under gunicorn. "
        "Set DJANGO_SETTINGS_MODULE=aln_site.settings.production (see docs/deploy.md)."
    )

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The demo editor logs straight into the admin; production requires MFA.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=False)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
