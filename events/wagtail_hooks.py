"""Workshop registrations in the Wagtail admin: a menu item, per-workshop pages and page buttons."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import HeaderButton, ListingButton

from . import admin_views
from .models import EventPage

admin_urlpatterns = [
    path("", admin_views.overview, name="overview"),
    path("<int:event_id>/", admin_views.event_registrations, name="event"),
    path("<int:event_id>/attendees.csv", admin_views.attendees_csv, name="attendees_csv"),
    path("<int:event_id>/sign-in-sheet/", admin_views.sign_in_sheet, name="sign_in_sheet"),
    path("<int:event_id>/cancel/", admin_views.event_cancel, name="event_cancel"),
    path("registrations/<int:pk>/invoice-paid/", admin_views.invoice_paid, name="invoice_paid"),
    path("registrations/<int:pk>/cancel/", admin_views.registration_cancel, name="registration_cancel"),
    path("attendees/<int:pk>/check-in/", admin_views.attendee_check_in, name="check_in"),
]


@hooks.register("register_admin_urls")
def register_workshop_admin_urls():
    return [path("workshops/", include((admin_urlpatterns, "events_admin"), namespace="events_admin"))]


class RegistrationsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.view_registration")


@hooks.register("register_admin_menu_item")
def register_registrations_menu_item():
    return RegistrationsMenuItem(
        "Workshop registrations", reverse("events_admin:overview"), icon_name="date", order=250
    )


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and user.has_perm("events.view_registration"):
        yield HeaderButton(
            "Registrations", url=reverse("events_admin:event", args=[page.pk]), icon_name="group", priority=5
        )


@hooks.register("register_page_listing_buttons")
def registrations_listing_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and user.has_perm("events.view_registration"):
        yield ListingButton("Registrations", url=reverse("events_admin:event", args=[page.pk]), priority=15)
