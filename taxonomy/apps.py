from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    """Second layer: the vocabulary staff manage (grades, HLCs, lesson parts, kinds, topics).

    Imports only `core`; every feature app tags its content with these models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "taxonomy"
