"""Fill the stored search vectors of every searchable model (after a restore or on an existing database)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from core.search import refresh_search_vectors, uses_stored_vector


class Command(BaseCommand):
    help = "Recompute the PostgreSQL search vectors (core.search) of every model that declares them."

    def handle(self, *args, **options):
        for model in apps.get_models():
            if uses_stored_vector(model):
                ids = list(model._base_manager.values_list("pk", flat=True))
                refresh_search_vectors(model, ids)
                self.stdout.write(f"{model._meta.label}: {len(ids)} rows")
