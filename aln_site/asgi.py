"""ASGI entry point. DJANGO_SETTINGS_MODULE must be set (aln_site/settings_module.py)."""

from django.core.asgi import get_asgi_application

from aln_site.settings_module import require_settings_module

require_settings_module("ASGI server")
application = get_asgi_application()
