from celery import shared_task

from core.locks import single_instance

from . import services


@shared_task(name="inquiry.tasks.delete_expired_student_work")
@single_instance
def delete_expired_student_work() -> int:
    """Beat runs this nightly; what is already deleted is not found again, so a second run is harmless."""
    return services.student_work_delete_expired()
