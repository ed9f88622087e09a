from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .access import staff_mfa_missing


def staff_path_prefixes() -> tuple[str, ...]:
    """Every staff surface: Wagtail's admin and Django's admin (where it is mounted), at their configured paths."""
    return (f"/{settings.WAGTAIL_ADMIN_PATH}", f"/{settings.DJANGO_ADMIN_PATH}")


def _is_staff_surface_user(request) -> bool:
    """Anyone the admin surfaces would let in: Wagtail admin access, or Django admin access."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    from django.contrib import admin

    return admin.site.has_permission(request)


class StaffMFAMiddleware:
    """With STAFF_MFA_REQUIRED on, staff must set up two-factor authentication before any staff surface.

    Outside the admin the same rule holds in members.access: without two-factor authentication a
    staff user gets no staff rights (previews, reports, other people's records) on the site either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path.startswith(staff_path_prefixes())
            and _is_staff_surface_user(request)
            and staff_mfa_missing(request.user)
        ):
            messages.warning(request, "Set up two-factor authentication before you use the admin.")
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
