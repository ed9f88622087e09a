from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from inquiry import services


class Command(BaseCommand):
    help = "Delete student work older than its district's retention period (beat runs this nightly)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="An ISO date-time to act as now (to check what a later run deletes).")

    def handle(self, *args, now=None, **options):
        when = parse_datetime(now) if now else None
        if now and when is None:
            self.stderr.write("--now must be an ISO date-time, e.g. 2027-01-01T03:00:00+00:00")
            return
        deleted = services.student_work_delete_expired(now=when)
        self.stdout.write(f"Deleted {deleted} piece{'s' if deleted != 1 else ''} of student work.")
