from django.apps import AppConfig


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"

    def ready(self):
        from members.signals import order_paid

        from .receivers import fulfil_course_order

        # Refunds need no receiver: the access service stops counting refunded orders.
        order_paid.connect(fulfil_course_order, dispatch_uid="courses.fulfil_course_order")
