"""Builds believable demo content from the factories. Safe to run again; --force rebuilds."""

import importlib
import random

import factory.random
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from members.demo import print_logins

# Each app owns its demo content in <app>/demo.py with seed(stdout) and optional reset().
DEMO_MODULES = [
    "home.demo",
    "members.demo",
    "resources.demo",
    "courses.demo",
    "events.demo",
    "home.concept_demo",
    "inquiry.demo",
]


class Command(BaseCommand):
    help = "Create demo pages, taxonomy, users and learning records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Delete demo content first and rebuild it.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, force=False, quiet_logins=False, **options):
        random.seed(2026)
        factory.random.reseed_random(2026)
        modules = [importlib.import_module(name) for name in DEMO_MODULES]
        # Demo learners are fictional: keep certificate and workshop e-mails out of the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            if force:
                for module in reversed(modules):
                    if hasattr(module, "reset"):
                        module.reset(stdout=self.stdout)
            for module in modules:
                module.seed(stdout=self.stdout)
        if not quiet_logins:
            print_logins(self.stdout)
