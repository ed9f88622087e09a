"""The composer's pages. No app_name: aln_site/urls.py mounts these in the `members` namespace, so the
URL names (members:dashboard, members:transcript …) and paths stayed as they were before the split."""

from django.urls import path

from . import views

urlpatterns = [
    path("account/data/download/", views.account_data_download, name="account_data_download"),
    path("my-learning/", views.dashboard, name="dashboard"),
    path("my-learning/transcript/", views.transcript, name="transcript"),
    path("my-learning/transcript/pdf/", views.transcript_pdf, name="transcript_pdf"),
    path("district/<id:org_id>/", views.district_dashboard, name="district_dashboard"),
    path("district/<id:org_id>/export.csv", views.district_export, name="district_export"),
    path("district/<id:org_id>/teachers/<id:user_id>/", views.district_teacher, name="district_teacher"),
]
