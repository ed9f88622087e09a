from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("membership/", views.join, name="join"),
    path("my-learning/", views.dashboard, name="dashboard"),
]
