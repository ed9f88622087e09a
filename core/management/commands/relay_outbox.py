from django.core.management.base import BaseCommand

from core.outbox import due, relay_due


class Command(BaseCommand):
    help = "Publish owed background work (outbox rows) that was not handed to the broker yet."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        owed = due().count()
        published = relay_due(limit=limit)
        self.stdout.write(f"Outbox: {owed} due, {published} published.")
        if published < min(owed, limit):
            self.stderr.write("The broker refused some messages; run again when it is back (beat does this itself).")
