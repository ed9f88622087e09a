from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("workshops/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("workshop-registration/<id:event_id>/", views.register, name="register"),
    path("workshop-registration/<id:event_id>/calendar.ics", views.event_ics, name="event_ics"),
    path("my-workshops/<id:pk>/", views.registration_detail, name="registration_detail"),
    path("my-workshops/<id:pk>/pay/", views.registration_pay, name="registration_pay"),
    path("my-workshops/<id:pk>/accept/", views.registration_accept, name="registration_accept"),
    path("my-workshops/<id:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("my-workshops/<id:pk>/attendees/", views.registration_attendees, name="registration_attendees"),
    path("my-workshops/<id:pk>/invoice.pdf", views.registration_invoice, name="registration_invoice"),
    path("my-workshops/<id:pk>/calendar.ics", views.registration_ics, name="registration_ics"),
]
