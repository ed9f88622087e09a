from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"

    def ready(self):
        from allauth.account.signals import email_confirmed
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from .receivers import join_organization_by_domain, release_seat_of_removed_member, remember_admin_access

        email_confirmed.connect(join_organization_by_domain, dispatch_uid="members-auto-join")
        user_logged_in.connect(remember_admin_access, dispatch_uid="members-admin-access")
        post_delete.connect(
            release_seat_of_removed_member, sender="members.OrganizationMember", dispatch_uid="members-seat-release"
        )
