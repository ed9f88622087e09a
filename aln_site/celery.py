"""The Celery app: configuration comes from Django settings under the CELERY_ namespace.

DJANGO_SETTINGS_MODULE must be set for a worker or beat (aln_site/settings_module.py); `make worker`,
`make beat` and `make up` set it for local runs.
"""

import logging.config

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

from aln_site.settings_module import require_settings_module

require_settings_module("Celery worker or beat")

app = Celery("aln_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry the request_id of the request that enqueued it (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _use_django_logging(**kwargs):
    """Workers log through the same structured handlers as the web (JSON in production), not Celery's own."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
