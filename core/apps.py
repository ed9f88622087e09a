from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Bottom layer: app-independent helpers (input parsers, URL converters, PDF text, health checks,
    request ids, job locks). Imports no project app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")
