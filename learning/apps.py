from django.apps import AppConfig


class LearningConfig(AppConfig):
    """The composer: a person's (or a district's) learning gathered from courses, events and resources.

    No models: it reads the feature apps and members, and nothing below imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
