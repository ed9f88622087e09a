from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Bottom layer: app-independent helpers (the outbox of owed background work). Imports no project app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import outbox

        outbox.connect_signals()
