from django.apps import AppConfig


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"

    def ready(self):
        # ready(): the app registry is loaded only now, and these modules import models.
        from members import access
        from members.signals import order_paid

        from .receivers import fulfil_course_order
        from .selectors.entitlements import enrollments_for_user, live_courses_by_id

        # members.access asks the courses app through these; it never imports courses.
        access.register_provider(access.ENROLLMENTS, enrollments_for_user)
        access.register_provider(access.ENROLLED_COURSES, live_courses_by_id)
        # Refunds need no receiver: the access service stops counting refunded orders.
        order_paid.connect(fulfil_course_order, dispatch_uid="courses.fulfil_course_order")
