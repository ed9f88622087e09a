"""Network-scale benchmark data on top of the demo content (see home/scale.py). --force rebuilds it."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from home import scale as scale_data


class Command(BaseCommand):
    help = "Grow the demo site to a network's scale for the benchmark (20,000 users, 8,700 pages at --scale 1)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full data (0.1: one tenth).")
        parser.add_argument("--force", action="store_true", help="Remove the scale data first and rebuild it.")

    def handle(self, *args, scale: float = 1.0, force: bool = False, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be greater than 0 and at most 10.")
        started = time.monotonic()
        call_command("seed_demo", quiet_logins=True, stdout=self.stdout)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            if scale_data.is_seeded():
                if not force:
                    self.stdout.write("Scale data already present; use --force to rebuild it.")
                    return
                scale_data.reset(stdout=self.stdout)
            self.stdout.write(f"Seeding scale data (scale {scale:g})...")
            summary = scale_data.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(f"Scale data ready in {time.monotonic() - started:.0f} s: " + ", ".join(summary.lines()))
