"""Which settings a process runs on: the rule every entry point follows (docs/deploy.md).

- manage.py defaults to aln_site.settings.dev, for developers (runserver, shell, tests set their own).
- wsgi.py, asgi.py and celery.py have no default: a server or worker started without
  DJANGO_SETTINGS_MODULE stops here instead of quietly serving debug pages.
- aln_site.settings.dev refuses to load under gunicorn, and production refuses DEBUG.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def require_settings_module(process: str) -> str:
    value = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if not value:
        raise ImproperlyConfigured(
            f"DJANGO_SETTINGS_MODULE is not set for the {process}. Set it to aln_site.settings.production "
            "for a deployment (or aln_site.settings.dev on your own machine); it has no default here."
        )
    return value
