"""Registers the workshop admin (events/admin/): its viewset and menu item, and the page buttons to it."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import HeaderButton, ListingButton

from .admin.views import WorkshopAdminViewSet, may_view
from .models import EventPage


@hooks.register("register_admin_viewset")
def register_workshop_admin_viewset():
    return WorkshopAdminViewSet()


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and may_view(user):
        yield HeaderButton(
            "Registrations", url=reverse("events_admin:event", args=[page.pk]), icon_name="group", priority=5
        )


@hooks.register("register_page_listing_buttons")
def registrations_listing_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and may_view(user):
        yield ListingButton("Registrations", url=reverse("events_admin:event", args=[page.pk]), priority=15)
