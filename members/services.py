"""Writes for accounts and memberships."""

from django.db import transaction

from .models import User


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    for field in ("first_name", "last_name", "role", "school", "district"):
        setattr(user, field, data.get(field, ""))
    user.grades_taught = data.get("grades_taught", [])
    user.save()
    return user
