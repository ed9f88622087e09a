from django.apps import AppConfig


class InquiryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inquiry"
    verbose_name = "Student-work inquiry"

    def ready(self):
        from members.signals import account_deleting

        from .receivers import delete_student_work_with_account

        account_deleting.connect(delete_student_work_with_account, dispatch_uid="inquiry.delete_with_account")
