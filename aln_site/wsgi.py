"""WSGI entry point for gunicorn. DJANGO_SETTINGS_MODULE must be set (aln_site/settings_module.py)."""

from django.core.wsgi import get_wsgi_application

from aln_site.settings_module import require_settings_module

require_settings_module("WSGI server")
application = get_wsgi_application()
