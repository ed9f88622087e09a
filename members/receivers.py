"""Receivers for signals from other apps (allauth)."""


def join_organization_by_domain(sender, request, email_address, **kwargs):
    """A verified address in a district's domain takes a seat when the district allows it."""
    from .services import organization_auto_join

    if email_address.user_id:
        organization_auto_join(user=email_address.user, email=email_address.email)
