from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home.services import background_work_repair


class Command(BaseCommand):
    help = (
        "Owe again, once each, the background work that was lost: certificates of completed courses, "
        "confirmation e-mails of confirmed registrations, due workshop reminders."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="Look for lost e-mails from this date (YYYY-MM-DD) instead of since the outbox began recording.",
        )

    def handle(self, *args, since=None, **options):
        if since:
            try:
                since = timezone.make_aware(datetime.fromisoformat(since))
            except ValueError as exc:
                raise CommandError(f"--since needs a date like 2025-09-01, not {since!r}.") from exc
        counts = background_work_repair(since=since)
        self.stdout.write(", ".join(f"{name}: {count} owed again" for name, count in counts.items()))
