from .services import student_work_delete_for_user


def delete_student_work_with_account(sender, user, **kwargs):
    """members.services.account_delete: her sorts and the student work in them go with her account."""
    student_work_delete_for_user(user=user)
