from django.apps import AppConfig


class CoreConfig(AppConfig):
<<<<<<< HEAD
    """Bottom-layer helpers every app may use: input parsers, URL converters, PDF text. Imports no project app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")
=======
    """Bottom layer: app-independent helpers (health checks, request ids, job locks). Imports no project app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
>>>>>>> issue-17
