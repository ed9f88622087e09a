"""Receivers for signals from other apps (allauth)."""


def join_organization_by_domain(sender, request, email_address, **kwargs):
    """A verified address in a district's domain takes a seat when the district allows it."""
    from .services import organization_auto_join

    if email_address.user_id:
        organization_auto_join(user=email_address.user, email=email_address.email)


def remember_admin_access(sender, request, user, **kwargs):
    """Whether to show the Admin link and Wagtail's userbar, decided once per sign-in (no query per page).

    Only what the page *shows*; every staff right is checked again where it is used (members.access).
    """
    from .access import _has_admin_access

    if request is not None and hasattr(request, "session"):
        request.session["show_admin"] = _has_admin_access(user)


def release_seat_of_removed_member(sender, instance, **kwargs):
    """Whatever deletes a seated member (our services, Wagtail's user delete, a cascade), her seat is free again."""
    from .services import seat_release

    if instance.has_seat:
        seat_release(instance.seat_license_id)
