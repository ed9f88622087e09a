from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Bottom layer: app-independent helpers (health checks, request ids, job locks). Imports no project app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
