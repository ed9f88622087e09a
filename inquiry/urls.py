from django.urls import path

from . import views

app_name = "inquiry"
urlpatterns = [
    path("inquiry/", views.index, name="index"),
    path("inquiry/export.zip", views.export, name="export"),
    path("inquiry/sorts/new/", views.sort_new, name="sort_new"),
    path("inquiry/sorts/<id:sort_id>/", views.sort_detail, name="sort"),
    path("inquiry/sorts/<id:sort_id>/upload/", views.sort_upload, name="sort_upload"),
    path("inquiry/sorts/<id:sort_id>/move/", views.sort_move, name="sort_move"),
    path("inquiry/sorts/<id:sort_id>/piles/", views.sort_piles, name="sort_piles"),
    path("inquiry/sorts/<id:sort_id>/summary/", views.sort_summary, name="sort_summary"),
    path("inquiry/sorts/<id:sort_id>/cycle/", views.cycle_new, name="cycle_new"),
    path("inquiry/sorts/<id:sort_id>/delete/", views.sort_delete, name="sort_delete"),
    path("inquiry/pieces/<id:piece_id>/", views.piece_file, name="piece_file"),
    path("inquiry/pieces/<id:piece_id>/edit/", views.piece_edit, name="piece_edit"),
    path("inquiry/cycles/<id:cycle_id>/", views.cycle_detail, name="cycle"),
    path("inquiry/cycles/<id:cycle_id>/share/", views.cycle_share, name="cycle_share"),
    path("inquiry/cycles/<id:cycle_id>/delete/", views.cycle_delete, name="cycle_delete"),
    path("inquiry/shared/", views.shared_list, name="shared_list"),
    path("inquiry/shared/<id:cycle_id>/", views.shared_detail, name="shared_detail"),
    path("inquiry/share/", views.share_new, name="share_new"),
    path("inquiry/share/<id:share_id>/", views.share_detail, name="share"),
]
