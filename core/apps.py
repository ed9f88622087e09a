from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Bottom layer: app-independent helpers (input parsers, URL converters, PDF text, health checks,
    request ids, job locks, the outbox of owed background work). Imports no project app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        from django.urls import register_converter

        from . import outbox, page_cache, search
        from .converters import IdConverter

        register_converter(IdConverter, "id")
        outbox.connect_signals()
        page_cache.connect_signals()
        search.connect_signals()
