from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("courses/<id:course_id>/enroll/", views.enroll, name="enroll"),
    path("courses/<id:course_id>/buy/", views.buy, name="buy"),
    path("courses/<id:course_id>/completed/", views.course_completed, name="completed"),
    path("courses/<id:course_id>/reset/", views.reset_progress, name="reset"),
    path("lessons/<id:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("lessons/<id:lesson_id>/check/<str:block_id>/", views.check_answer, name="check_answer"),
    path("lessons/<id:lesson_id>/reflection/<str:block_id>/", views.reflection_save, name="reflection_save"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
