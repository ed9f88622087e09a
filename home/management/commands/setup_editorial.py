from django.core.management.base import BaseCommand

from home.services import editorial_workflow_setup


class Command(BaseCommand):
    help = "Create the Editors and Moderators groups and the review workflow on the course, resource and event trees."

    def handle(self, *args, **options):
        editorial_workflow_setup()
        self.stdout.write("Editorial groups and the review workflow are in place.")
