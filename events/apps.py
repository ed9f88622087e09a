from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Workshops"

    def ready(self):
        from wagtail.signals import page_published

        # ready(): the app registry is loaded only now, and these modules import models.
        from members import access, signals

        from . import receivers
        from .models import EventPage
        from .selectors import confirmed_event_ids_for_user

        # members.access asks the events app through this (recordings, meeting links); it never imports events.
        access.register_provider(access.CONFIRMED_EVENTS, lambda user: confirmed_event_ids_for_user(user=user))
        signals.order_paid.connect(receivers.on_order_paid, dispatch_uid="events-order-paid")
        signals.order_expired.connect(receivers.on_order_expired_or_failed, dispatch_uid="events-order-expired")
        signals.order_failed.connect(receivers.on_order_expired_or_failed, dispatch_uid="events-order-failed")
        signals.order_refunded.connect(receivers.on_order_refunded, dispatch_uid="events-order-refunded")
        page_published.connect(receivers.on_page_published, sender=EventPage, dispatch_uid="events-page-published")
