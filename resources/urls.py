from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("my-library/", views.my_library, name="my_library"),
    path("my-library/save/<id:page_id>/", views.save, name="save"),
    path("my-library/remove/<id:page_id>/", views.unsave, name="unsave"),
]
