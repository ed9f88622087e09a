"""Site-wide writes."""

from django.db import transaction

from core.outbox import outbox_started_at
from courses.models import CourseIndexPage
from courses.services import certificates_repair
from events.models import EventIndexPage
from events.notifications import confirmations_repair
from events.reminders import reminders_repair
from members.access import StaffAction
from resources.models import ResourceIndexPage

from .models import HomePage


@transaction.atomic
def editorial_workflow_setup() -> None:
    """Editors draft and submit; Moderators approve and publish, on the course, resource and event trees.

    Staff actions (members.access.StaffAction): Editors get the reports, Moderators every action.

    Safe to run again: groups, permissions and the workflow are created once.
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    home = HomePage.objects.first()

    def staff_permissions(*actions):
        return [
            Permission.objects.get(content_type__app_label=a.value.split(".")[0], codename=a.value.split(".")[1])
            for a in actions
        ]

    # Editors read the reports; Moderators also act on other people's records.
    editors.permissions.add(
        *staff_permissions(
            StaffAction.ENROLLMENT_REPORTS, StaffAction.DOWNLOAD_REPORTS, StaffAction.REGISTRATION_REPORTS
        )
    )
    moderators.permissions.add(*staff_permissions(*StaffAction))
    for group, codenames in (
        (editors, ["add_page", "change_page"]),
        (moderators, ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]),
    ):
        group.permissions.add(admin_access)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    workflow, created = Workflow.objects.get_or_create(name="Review before publishing")
    if created:
        task, _ = GroupApprovalTask.objects.get_or_create(name="Moderator approval")
        task.groups.set([moderators])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for model in (CourseIndexPage, ResourceIndexPage, EventIndexPage):
        page = model.objects.first()
        if page is not None:
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def background_work_repair(*, since=None) -> dict:
    """Find owed work that was lost (before the outbox, or given up) and owe it again, once each:
    completed enrollments without a certificate, confirmed registrations without their confirmation
    e-mail, due reminders not sent. E-mails are looked for only since the outbox began recording
    (and at most OUTBOX_REPAIR_HOURS back), so nobody is re-sent mail that went out before then."""
    from django.conf import settings
    from django.utils import timezone

    if since is None:
        since = timezone.now() - timezone.timedelta(hours=settings.OUTBOX_REPAIR_HOURS)
        started = outbox_started_at()
        since = max(since, started) if started else timezone.now()
    return {
        "certificates": certificates_repair(),
        "confirmations": confirmations_repair(since=since),
        "reminders": reminders_repair(since=since),
    }


def district_inquiry_receive(*, page, answers: dict):
    """Keep a district's inquiry as a form submission and owe the e-mail to staff in the same transaction."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    from .email import queue_message

    with transaction.atomic():
        submission = page.get_submission_class().objects.create(form_data=answers, page=page)
        addresses = [address.strip() for address in page.to_address.split(",") if address.strip()]
        if not addresses:
            return submission
        rows, reply_to = [], []
        for field in page.get_form_fields():
            value = answers.get(field.clean_name)
            if isinstance(value, list):
                value = ", ".join(value)
            rows.append((field.label, "" if value is None else str(value)))
            if field.field_type == "email" and value and not reply_to:
                reply_to = [value]
        context = {
            "page": page,
            "rows": rows,
            # The seeded question's name; a page whose editors removed it just gets the plain subject.
            "district": answers.get("district_or_school", ""),
            "subject": page.subject or "New inquiry: bring the network to a school or district",
            "submissions_url": settings.WAGTAILADMIN_BASE_URL
            + reverse("wagtailforms:list_submissions", args=[page.pk]),
            "site_url": settings.SITE_URL,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = " ".join(render_to_string("home/email/district_inquiry_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject,
            render_to_string("home/email/district_inquiry.txt", context),
            page.from_address or settings.DEFAULT_FROM_EMAIL,
            addresses,
            reply_to=reply_to,
        )
        message.attach_alternative(render_to_string("home/email/district_inquiry.html", context), "text/html")
        queue_message(message, key=f"district-inquiry:{submission.pk}")
    return submission
