from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"

    def ready(self):
        from allauth.account.signals import email_confirmed

        from .receivers import join_organization_by_domain

        email_confirmed.connect(join_organization_by_domain, dispatch_uid="members-auto-join")
